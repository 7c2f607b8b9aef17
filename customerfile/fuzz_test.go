package customerfile_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopkit/customerauth/customerfile"
)

// checkSequence checks what every reader promises, whatever the input:
// each step is a record with a Line or a *RecordError with a Line, and any
// other error is the last step.
func checkSequence(t *testing.T, results []result) {
	t.Helper()
	for i, r := range results {
		var re *customerfile.RecordError
		switch {
		case r.err == nil:
			if r.rec.Line <= 0 {
				t.Fatalf("record %d has Line %d", i, r.rec.Line)
			}
			for _, s := range []string{r.rec.ID, r.rec.Email, r.rec.FirstName, r.rec.LastName, r.rec.Note, r.rec.Phone} {
				if !utf8.ValidString(s) {
					t.Fatalf("record %d holds invalid UTF-8: %q", i, s)
				}
			}
		case errors.As(r.err, &re):
			if re.Line <= 0 {
				t.Fatalf("record error %d has Line %d: %v", i, re.Line, re)
			}
			if r.rec.Line != 0 || r.rec.Email != "" {
				t.Fatalf("record error %d comes with a record", i)
			}
		default:
			if i != len(results)-1 {
				t.Fatalf("error %v is not the last step", r.err)
			}
		}
	}
}

func addFixture(f *testing.F, name string) {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
}

// FuzzReadShopifyCSV checks that no input makes ReadShopifyCSV panic or
// break its promises, and that lines only grow.
func FuzzReadShopifyCSV(f *testing.F) {
	addFixture(f, "shopify_export.csv")
	addFixture(f, "shopify_import_template.csv")
	f.Add(header + "\n'1,a,b,c@example.com,yes,,,,,,,'1,'2,'3,no,0.00,0,\"'=x\",no,\"a, b\"\n")
	f.Add("Email,First Name,Last Name\n\"unclosed\n")
	f.Add("\ufeffemail,first name,last name,tags\r\n\r\na,b,c,\"\"\"\"\r\n,,,\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		seq, err := customerfile.ReadShopifyCSV(strings.NewReader(text))
		if err != nil {
			if seq != nil || !errors.Is(err, customerfile.ErrHeader) {
				t.Fatalf("refused with %v and a sequence %v", err, seq != nil)
			}
			return
		}
		results := collect(seq)
		checkSequence(t, results)
		last := 1
		for _, r := range results {
			line := r.rec.Line
			if re := (*customerfile.RecordError)(nil); errors.As(r.err, &re) {
				line = re.Line
			} else if r.err != nil {
				continue
			}
			if line <= last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
		}
	})
}

// FuzzReadHashes checks that no input makes ReadHashes panic or break its
// promises.
func FuzzReadHashes(f *testing.F) {
	addFixture(f, "hashes.jsonl")
	f.Add(`{"email":"a@example.com","tags":"a,b","id":12}` + "\n" + `{"id":1.5}`)
	f.Fuzz(func(t *testing.T, text string) {
		results := collect(customerfile.ReadHashes(strings.NewReader(text)))
		checkSequence(t, results)
		for i, r := range results {
			if r.err == nil && (r.rec.Email == "" || r.rec.Line > strings.Count(text, "\n")+1) {
				t.Fatalf("record %d: %+v", i, r.rec)
			}
		}
	})
}
