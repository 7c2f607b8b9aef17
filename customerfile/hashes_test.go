package customerfile_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

const (
	bcryptHash = "$2a$10$VlRpd2f.rQ5PZaSXiSVnMOBxTkeMdY71b4Hav1.2nZaw.8VMjcmFe"
	djangoHash = "pbkdf2_sha256$600000$q7Xk2LmP9sVb$oV9U8QS5BVKJkIO2ztNqb5Yk2tL742/VWdpNgOmJVc0="
)

// TestReadHashesReadsARealisticFile reads testdata/hashes.jsonl: a BOM,
// both forms of tags and ids, blank lines, nulls, and broken lines in the
// middle, each reported on its line with the rest of the file read on.
func TestReadHashesReadsARealisticFile(t *testing.T) {
	type want struct {
		rec      customerauth.ImportRecord
		errLine  int
		errEmail string
		errText  string
	}
	wants := []want{
		{rec: customerauth.ImportRecord{
			Line: 1, ID: "7012345678901", Email: "zoe.angstrom@example.com", Phone: "+46701234567",
			FirstName: "Zoë", LastName: "Ångström", Tags: []string{"vip", "newsletter"}, PasswordHash: bcryptHash,
		}},
		{rec: customerauth.ImportRecord{
			Line: 2, ID: "7012345678902", Email: "taro.yamada@example.jp",
			FirstName: "太郎", LastName: "山田", Tags: []string{"wholesale", "jp"}, PasswordHash: djangoHash,
		}},
		{errLine: 4, errEmail: "layla.haddad@example.org", errText: `unknown field "emial"`},
		{rec: customerauth.ImportRecord{Line: 5, ID: "123456789012345678901234567890", Email: "long.id@example.com"}},
		{errLine: 6, errEmail: "fraction@example.com", errText: `key "id": a number must be a whole number`},
		{errLine: 7, errText: "not closed"},
		{errLine: 8, errText: `key "email" is missing`},
		{rec: customerauth.ImportRecord{
			Line: 9, ID: "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e", Email: "uuid.id@example.com", PasswordHash: djangoHash,
		}},
		{rec: customerauth.ImportRecord{Line: 10, Email: "nulls@example.com"}},
		{rec: customerauth.ImportRecord{Line: 12, Email: "last.line@example.com", FirstName: "Émile 🎉"}},
	}
	got := collect(customerfile.ReadHashes(openFixture(t, "hashes.jsonl")))
	if len(got) != len(wants) {
		for _, g := range got {
			t.Logf("%s %v", show(g.rec), g.err)
		}
		t.Fatalf("got %d results, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if w.errLine == 0 {
			if g.err != nil {
				t.Errorf("result %d: %v", i, g.err)
			} else {
				sameRecord(t, "record", g.rec, w.rec)
			}
			continue
		}
		var re *customerfile.RecordError
		if !errors.As(g.err, &re) {
			t.Errorf("result %d: got %v, want a *RecordError", i, g.err)
			continue
		}
		if re.Line != w.errLine || re.Email != w.errEmail || !strings.Contains(re.Error(), w.errText) {
			t.Errorf("result %d: got %q (line %d, email %q), want line %d, email %q, saying %q",
				i, re, re.Line, re.Email, w.errLine, w.errEmail, w.errText)
		}
		if !reflectZero(g.rec) {
			t.Errorf("result %d: a record error comes with a record: %s", i, show(g.rec))
		}
	}
}

// TestReadHashesLines checks one line at a time, each followed by a good
// line that must still be read.
func TestReadHashesLines(t *testing.T) {
	tests := []struct {
		name, line string
		want       customerauth.ImportRecord // Line is set by the test
		says       string                    // an error saying this
		email      string                    // reported with the error
	}{
		{name: "tags as an array", line: `{"email":"a@example.com","tags":[" b","a","b",""]}`,
			want: customerauth.ImportRecord{Email: "a@example.com", Tags: []string{"b", "a"}}},
		{name: "tags as a string", line: `{"email":"a@example.com","tags":" b, a,,b "}`,
			want: customerauth.ImportRecord{Email: "a@example.com", Tags: []string{"b", "a"}}},
		{name: "tags of numbers", line: `{"email":"a@example.com","tags":[1,2]}`,
			says: `key "tags": must be an array of strings or a comma-separated string`, email: "a@example.com"},
		{name: "tags as a number", line: `{"email":"a@example.com","tags":7}`, says: `key "tags"`, email: "a@example.com"},
		{name: "tags as an object", line: `{"email":"a@example.com","tags":{"a":1}}`, says: `key "tags"`, email: "a@example.com"},
		{name: "an id as a string", line: `{"email":"a@example.com","id":" 42 "}`,
			want: customerauth.ImportRecord{Email: "a@example.com", ID: "42"}},
		{name: "an id as a number", line: `{"email":"a@example.com","id":9007199254740993}`,
			want: customerauth.ImportRecord{Email: "a@example.com", ID: "9007199254740993"}},
		{name: "an id of zero", line: `{"email":"a@example.com","id":0}`,
			want: customerauth.ImportRecord{Email: "a@example.com", ID: "0"}},
		{name: "a negative id", line: `{"email":"a@example.com","id":-5}`, says: `key "id"`, email: "a@example.com"},
		{name: "an id with an exponent", line: `{"email":"a@example.com","id":1e3}`, says: `key "id"`, email: "a@example.com"},
		{name: "an id as a boolean", line: `{"email":"a@example.com","id":true}`, says: `key "id": must be a string or a number`, email: "a@example.com"},
		{name: "an id with a space", line: `{"email":"a@example.com","id":"12 34"}`, says: `key "id": not a customer id`, email: "a@example.com"},
		{name: "an email as a number", line: `{"email":42}`, says: `key "email": must be a string, found number`},
		{name: "a name as an array", line: `{"email":"a@example.com","first_name":["Zoë"]}`,
			says: `key "first_name": must be a string, found array`, email: "a@example.com"},
		{name: "a typo in a key", line: `{"email":"a@example.com","pasword_hash":"x"}`, says: `unknown field "pasword_hash"`, email: "a@example.com"},
		{name: "two objects on a line", line: `{"email":"a@example.com"} {"email":"b@example.com"}`, says: "text after the JSON object", email: "a@example.com"},
		{name: "a stray brace", line: `{"email":"a@example.com"}}`, says: "text after the JSON object", email: "a@example.com"},
		{name: "an array", line: `["a@example.com"]`, says: "not a JSON object"},
		{name: "a string", line: `"a@example.com"`, says: "not a JSON object"},
		{name: "null", line: `null`, says: "not a JSON object"},
		{name: "an empty object", line: `{}`, says: `key "email" is missing`},
		{name: "an empty email", line: `{"email":"  ","first_name":"Zoë"}`, says: `key "email" is missing or empty`},
		{name: "not UTF-8", line: "{\"email\":\"a@example.com\",\"first_name\":\"Zo\xeb\"}", says: "not UTF-8", email: "a@example.com"},
		{name: "a syntax error", line: `{"email":"a@example.com",}`, says: "invalid character", email: ""},
		{name: "spaces around", line: "  \t{ \"email\" : \"a@example.com\" }\t ",
			want: customerauth.ImportRecord{Email: "a@example.com"}},
		{name: "values trimmed", line: `{"email":" a@example.com ","first_name":" Zoë ","last_name":"\tÅ ","phone":" +1 ","password_hash":" h "}`,
			want: customerauth.ImportRecord{Email: "a@example.com", FirstName: "Zoë", LastName: "Å", Phone: "+1", PasswordHash: "h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, eol := range []string{"\n", "\r\n"} {
				text := `{"email":"first@example.com"}` + eol + tt.line + eol + `{"email":"next@example.com"}` + eol
				got := collect(customerfile.ReadHashes(strings.NewReader(text)))
				if len(got) != 3 {
					t.Fatalf("got %d results, want 3: %v", len(got), got)
				}
				if got[0].err != nil || got[2].err != nil || got[2].rec.Email != "next@example.com" || got[2].rec.Line != 3 {
					t.Errorf("the lines around: %v", got)
				}
				if tt.says == "" {
					want := tt.want
					want.Line = 2
					if got[1].err != nil {
						t.Fatalf("%v", got[1].err)
					}
					sameRecord(t, "record", got[1].rec, want)
					continue
				}
				var re *customerfile.RecordError
				if !errors.As(got[1].err, &re) {
					t.Fatalf("got %v (%s), want a *RecordError", got[1].err, show(got[1].rec))
				}
				if re.Line != 2 || re.Email != tt.email || !strings.Contains(re.Error(), tt.says) {
					t.Errorf("got %q (line %d, email %q), want line 2, email %q, saying %q", re, re.Line, re.Email, tt.email, tt.says)
				}
				if strings.Contains(re.Error(), "Zoë") || strings.Contains(re.Error(), "customerfile.") {
					t.Errorf("%q quotes the line or Go's names", re)
				}
			}
		})
	}
}

// TestReadHashesCapsLines checks that a line over 1 MiB is reported and
// skipped, and that one of exactly 1 MiB is read.
func TestReadHashesCapsLines(t *testing.T) {
	const prefix = `{"email":"big@example.com","password_hash":"`
	line := func(size int) string {
		return prefix + strings.Repeat("h", size-len(prefix)-2) + `"}`
	}
	for _, eol := range []string{"\n", "\r\n"} {
		text := line(1<<20) + eol + line(1<<20+1) + eol + line(5<<20) + eol + `{"email":"next@example.com"}`
		got := collect(customerfile.ReadHashes(strings.NewReader(text)))
		if len(got) != 4 {
			t.Fatalf("got %d results, want 4", len(got))
		}
		if got[0].err != nil || len(got[0].rec.PasswordHash) != 1<<20-len(prefix)-2 {
			t.Errorf("a line of 1 MiB: %v", got[0].err)
		}
		for i, l := range []int{2, 3} {
			var re *customerfile.RecordError
			if !errors.As(got[i+1].err, &re) || re.Line != l || !strings.Contains(re.Error(), "longer than 1048576 bytes") {
				t.Errorf("line %d: got %v", l, got[i+1].err)
			}
		}
		if got[3].err != nil || got[3].rec.Line != 4 || got[3].rec.Email != "next@example.com" {
			t.Errorf("after the long lines: %s %v", show(got[3].rec), got[3].err)
		}
	}
}

// TestReadHashesEndsOnAReadError checks that an error of the reader ends
// the sequence as it is.
func TestReadHashesEndsOnAReadError(t *testing.T) {
	broken := errors.New("network down")
	seq := customerfile.ReadHashes(io.MultiReader(strings.NewReader("{\"email\":\"a@example.com\"}\n{\"email\":\"b@ex"), iotest.ErrReader(broken)))
	got := collect(seq)
	if len(got) != 2 || got[0].err != nil || got[1].err != broken {
		t.Fatalf("got %v, want a record and the reader's error", got)
	}
	if again := collect(seq); len(again) != 0 {
		t.Errorf("the sequence goes on after its error: %v", again)
	}
}

// TestReadHashesReadsByteByByte reads the fixture one byte at a time.
func TestReadHashesReadsByteByByte(t *testing.T) {
	want := collect(customerfile.ReadHashes(openFixture(t, "hashes.jsonl")))
	got := collect(customerfile.ReadHashes(iotest.OneByteReader(openFixture(t, "hashes.jsonl"))))
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i := range got {
		if show(got[i].rec) != show(want[i].rec) || fmt.Sprint(got[i].err) != fmt.Sprint(want[i].err) {
			t.Errorf("result %d: %s %v, want %s %v", i, show(got[i].rec), got[i].err, show(want[i].rec), want[i].err)
		}
	}
}
