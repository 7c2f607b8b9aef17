package customerfile_test

import (
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// TestReadShopifyCSVReadsARealisticExport reads testdata/shopify_export.csv,
// a current export with a BOM, CRLF line endings, Excel guards, unicode,
// quoted commas, quotes and line breaks, a blank line, a row of commas, and
// three broken records in the middle, each reported where it starts, with
// the rest of the file read on.
func TestReadShopifyCSVReadsARealisticExport(t *testing.T) {
	seq, err := customerfile.ReadShopifyCSV(openFixture(t, "shopify_export.csv"))
	if err != nil {
		t.Fatalf("ReadShopifyCSV: %v", err)
	}
	type want struct {
		rec customerauth.ImportRecord
		// For a record error: its line and email, the sentinel it wraps
		// (or nil), and what its message says.
		errLine  int
		errEmail string
		errIs    error
		errText  string
	}
	wants := []want{
		{rec: customerauth.ImportRecord{
			Line: 2, ID: "7012345678901", Email: "zoe.angstrom@example.com", Phone: "+46701234567",
			FirstName: "Zoë", LastName: "Ångström", AcceptsMarketing: true,
			Tags: []string{"vip", "newsletter"}, Note: "Prefers 📦 pickup 🎉",
			Address: &customerauth.Address{
				Company: "Ångström & Co., AB", Address1: "Drottninggatan 12", City: "Stockholm",
				CountryCode: "SE", Zip: "111 51", Phone: "+46701234567",
			},
		}},
		{rec: customerauth.ImportRecord{
			Line: 3, ID: "7012345678902", Email: "taro.yamada@example.jp",
			FirstName: "太郎", LastName: "山田", AcceptsMarketing: true, TaxExempt: true,
			Tags: []string{"wholesale"}, Note: "Call before delivery,\nplease",
			Address: &customerauth.Address{
				Address1: "1-1 Chiyoda, Chiyoda-ku", City: "Tokyo", ProvinceCode: "JP-13",
				CountryCode: "JP", Zip: "100-0001", Phone: "+81312345678",
			},
		}},
		{rec: customerauth.ImportRecord{
			Line: 5, ID: "7012345678903", Email: "layla.haddad@example.org", Phone: "+971501234567",
			FirstName: "ليلى", LastName: "حداد", AcceptsSMSMarketing: true,
			Tags: []string{"gold", "repeat"}, Note: `She said "thanks"; gift wrap`,
			Address: &customerauth.Address{
				Address1: "Sheikh Zayed Road 1", Address2: "Apt 4", City: "Dubai", ProvinceCode: "DU", CountryCode: "AE",
			},
		}},
		{errLine: 7, errEmail: "bad.boolean@example.com", errText: `column "Accepts Email Marketing": not a boolean`},
		{rec: customerauth.ImportRecord{
			Line: 8, ID: "7012345678905", Email: "jl.obrien@example.com",
			FirstName: "Jean-Luc", LastName: "O'Brien", AcceptsMarketing: true,
			Tags: []string{"-sale", "clearance"}, Note: `=HYPERLINK("https://example.com","click")`,
		}},
		{errLine: 9, errEmail: "bare.quote@example.net", errIs: csv.ErrBareQuote},
		{rec: customerauth.ImportRecord{Line: 11, Email: "ana.lima@example.com.br", FirstName: "Ana", LastName: "Lima"}},
		{errLine: 12, errEmail: "too.many@example.com", errIs: csv.ErrFieldCount, errText: "21 fields where the header has 20"},
		{rec: customerauth.ImportRecord{
			Line: 13, ID: "7012345678908", Email: "emile.zola@example.fr",
			FirstName: "Émile", LastName: "Zola", TaxExempt: true,
			Tags: []string{"paris", "author"}, Note: "Line one\nLine two, with comma\n\"Line three\"",
			Address: &customerauth.Address{Address1: "12 rue de la Paix", City: "Paris", CountryCode: "FR", Zip: "75002"},
		}},
	}
	got := collect(seq)
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
				t.Errorf("result %d: unexpected error %v", i, g.err)
				continue
			}
			sameRecord(t, "record", g.rec, w.rec)
			continue
		}
		var re *customerfile.RecordError
		if !errors.As(g.err, &re) {
			t.Errorf("result %d: got %v (%s), want a *RecordError", i, g.err, show(g.rec))
			continue
		}
		if re.Line != w.errLine || re.Email != w.errEmail {
			t.Errorf("result %d: error at line %d for %q, want line %d for %q", i, re.Line, re.Email, w.errLine, w.errEmail)
		}
		if w.errIs != nil && !errors.Is(g.err, w.errIs) {
			t.Errorf("result %d: %v does not wrap %v", i, g.err, w.errIs)
		}
		if !strings.Contains(g.err.Error(), w.errText) {
			t.Errorf("result %d: %q does not say %q", i, g.err, w.errText)
		}
		if !reflectZero(g.rec) {
			t.Errorf("result %d: a record error comes with a record: %s", i, show(g.rec))
		}
	}
}

func reflectZero(rec customerauth.ImportRecord) bool {
	return rec.Line == 0 && rec.Email == "" && rec.Address == nil && rec.Tags == nil && rec.FirstName == ""
}

// TestReadShopifyCSVReadsTheOldImportTemplate reads Shopify's older import
// template: no Customer ID, Province and Country as names, bare column
// names (Company, Zip, …).
func TestReadShopifyCSVReadsTheOldImportTemplate(t *testing.T) {
	seq, err := customerfile.ReadShopifyCSV(openFixture(t, "shopify_import_template.csv"))
	if err != nil {
		t.Fatalf("ReadShopifyCSV: %v", err)
	}
	wants := []customerauth.ImportRecord{
		{
			Line: 2, Email: "zoe.angstrom@example.com", Phone: "+14185550199", FirstName: "Zoë", LastName: "Ångström",
			AcceptsMarketing: true, Tags: []string{"vip", "quebec"}, Note: "Bonjour 👋",
			Address: &customerauth.Address{
				Address1: "Rue Saint-Jean 45", City: "Québec", Province: "Québec", Country: "Canada", Zip: "G1R 1N8",
			},
		},
		{
			Line: 3, Email: "taro.yamada@example.jp", FirstName: "太郎", LastName: "山田", TaxExempt: true,
			Address: &customerauth.Address{
				Company: "山田商事", Address1: "千代田1-1", City: "千代田区", Province: "Tokyo", ProvinceCode: "JP-13",
				Country: "Japan", CountryCode: "JP", Zip: "100-0001",
			},
		},
		{Line: 4, Email: "omar.haddad@example.org", FirstName: "Omar", LastName: "Haddad", AcceptsMarketing: true},
	}
	got := collect(seq)
	if len(got) != len(wants) {
		t.Fatalf("got %d results, want %d: %v", len(got), len(wants), got)
	}
	for i, w := range wants {
		if got[i].err != nil {
			t.Errorf("record %d: %v", i, got[i].err)
			continue
		}
		sameRecord(t, "record", got[i].rec, w)
	}
}

// TestReadShopifyCSVQuirks reads one record at a time, each with one quirk
// of real files.
func TestReadShopifyCSVQuirks(t *testing.T) {
	base := customerauth.ImportRecord{Line: 2, Email: "zoe@example.com", FirstName: "Zoë", LastName: "Ångström"}
	with := func(f func(*customerauth.ImportRecord)) customerauth.ImportRecord {
		r := base
		f(&r)
		return r
	}
	tests := []struct {
		name, header, row string
		want              customerauth.ImportRecord
	}{
		{"columns in another order, in any case, padded, with unknown ones",
			" email ,Loyalty Tier,LAST NAME,first name,TAGS", "zoe@example.com,gold,Ångström,Zoë,vip",
			with(func(r *customerauth.ImportRecord) { r.Tags = []string{"vip"} })},
		{"a BOM before the header", "\ufeffEmail,First Name,Last Name", "zoe@example.com,Zoë,Ångström", base},
		{"a BOM before a quoted header name", "\ufeff\"Email\",First Name,Last Name", "zoe@example.com,Zoë,Ångström", base},
		{"values are trimmed", "Email,First Name,Last Name", " zoe@example.com , Zoë ,\tÅngström ", base},
		{"the note keeps its space", "Email,First Name,Last Name,Note", "zoe@example.com,Zoë,Ångström,  two  spaces  ",
			with(func(r *customerauth.ImportRecord) { r.Note = "  two  spaces  " })},
		{"one Excel guard stripped from the id, zip and phones",
			"Customer ID,Email,First Name,Last Name,Phone,Default Address Zip,Default Address Phone",
			"'123,zoe@example.com,Zoë,Ångström,'+15555550100,''02139,'+15555550101",
			with(func(r *customerauth.ImportRecord) {
				r.ID, r.Phone = "123", "+15555550100"
				r.Address = &customerauth.Address{Zip: "'02139", Phone: "+15555550101"}
			})},
		{"unguarded phones and zips as they are", "Email,First Name,Last Name,Phone,Zip", "zoe@example.com,Zoë,Ångström,+15555550100,02139",
			with(func(r *customerauth.ImportRecord) {
				r.Phone = "+15555550100"
				r.Address = &customerauth.Address{Zip: "02139"}
			})},
		{"an apostrophe in a name is kept", "Email,First Name,Last Name", "zoe@example.com,'Zoë,O'Brien",
			with(func(r *customerauth.ImportRecord) { r.FirstName, r.LastName = "'Zoë", "O'Brien" })},
		{"a formula guard stripped", "Email,First Name,Last Name,Note,Tags", "zoe@example.com,'=Zoë,'+Å,'@note,'-a",
			with(func(r *customerauth.ImportRecord) {
				r.FirstName, r.LastName, r.Note, r.Tags = "=Zoë", "+Å", "@note", []string{"-a"}
			})},
		{"a formula guard before a tab", "Email,First Name,Last Name,Note", "zoe@example.com,Zoë,Ångström,'\tindented",
			with(func(r *customerauth.ImportRecord) { r.Note = "\tindented" })},
		{"only one guard stripped", "Email,First Name,Last Name,Note", "zoe@example.com,Zoë,Ångström,''=x",
			with(func(r *customerauth.ImportRecord) { r.Note = "'=x" })},
		{"an unguarded formula as it is", "Email,First Name,Last Name,Note", "zoe@example.com,Zoë,Ångström,=1+1",
			with(func(r *customerauth.ImportRecord) { r.Note = "=1+1" })},
		{"booleans in any case and form",
			"Email,First Name,Last Name,Accepts Email Marketing,Accepts SMS Marketing,Tax Exempt",
			"zoe@example.com,Zoë,Ångström,TRUE, Yes ,1",
			with(func(r *customerauth.ImportRecord) {
				r.AcceptsMarketing, r.AcceptsSMSMarketing, r.TaxExempt = true, true, true
			})},
		{"false booleans", "Email,First Name,Last Name,Accepts Email Marketing,Accepts SMS Marketing,Tax Exempt",
			"zoe@example.com,Zoë,Ångström,No,false,0", base},
		{"the old Accepts Marketing column", "Email,First Name,Last Name,Accepts Marketing", "zoe@example.com,Zoë,Ångström,yes",
			with(func(r *customerauth.ImportRecord) { r.AcceptsMarketing = true })},
		{"tags trimmed, deduplicated, in order", "Email,First Name,Last Name,Tags", `zoe@example.com,Zoë,Ångström," b, a ,,b, c,"`,
			with(func(r *customerauth.ImportRecord) { r.Tags = []string{"b", "a", "c"} })},
		{"a tag list of commas is no tag", "Email,First Name,Last Name,Tags", `zoe@example.com,Zoë,Ångström," , ,"`, base},
		{"an address from one column", "Email,First Name,Last Name,Default Address Country Code", "zoe@example.com,Zoë,Ångström,SE",
			with(func(r *customerauth.ImportRecord) { r.Address = &customerauth.Address{CountryCode: "SE"} })},
		{"no address from blank columns", "Email,First Name,Last Name,Default Address City,Default Address Zip", "zoe@example.com,Zoë,Ångström,  ,'",
			base},
		{"a UUID as the id", "Customer ID,Email,First Name,Last Name", "'0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e,zoe@example.com,Zoë,Ångström",
			with(func(r *customerauth.ImportRecord) { r.ID = "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e" })},
		{"a long Shopify id keeps its digits", "Customer ID,Email,First Name,Last Name", "123456789012345678901234567890123456789012345678901234567890123456789,zoe@example.com,Zoë,Ångström",
			with(func(r *customerauth.ImportRecord) {
				r.ID = "123456789012345678901234567890123456789012345678901234567890123456789"
			})},
		{"totals ignored, even twice", "Email,First Name,Last Name,Total Spent,Total Orders,Total Spent", `zoe@example.com,Zoë,Ångström,"1,024.00",12,x`, base},
		{"totals ignored", "Email,First Name,Last Name,Total Spent,Total Orders", `zoe@example.com,Zoë,Ångström,"1,024.00",12`, base},
		{"an empty email is left to the Service", "Email,First Name,Last Name", ",Zoë,Ångström",
			with(func(r *customerauth.ImportRecord) { r.Email = "" })},
		{"a quoted field with a doubled quote, a comma and a line break", "Email,First Name,Last Name,Note",
			"zoe@example.com,Zoë,Ångström,\"a \"\"b\"\",\r\nc\"",
			with(func(r *customerauth.ImportRecord) { r.Note = "a \"b\",\nc" })},
		{"a lone CR inside a note", "Email,First Name,Last Name,Note", "zoe@example.com,Zoë,Ångström,\"a\rb\"",
			with(func(r *customerauth.ImportRecord) { r.Note = "a\rb" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, eol := range []string{"\n", "\r\n"} {
				got := readCSV(t, tt.header+eol+tt.row+eol)
				if len(got) != 1 || got[0].err != nil {
					t.Fatalf("got %v, want one record", got)
				}
				sameRecord(t, "record", got[0].rec, tt.want)
			}
		})
	}
}

// TestReadShopifyCSVRecordErrors checks the records that are reported
// rather than read, each with its line and email, and that reading goes on.
func TestReadShopifyCSVRecordErrors(t *testing.T) {
	const hdr = "Customer ID,Email,First Name,Last Name,Tax Exempt,Note"
	tests := []struct {
		name, row string
		email     string
		is        error
		says      string
	}{
		{"a bad boolean", "1,zoe@example.com,Zoë,Ångström,maybe,", "zoe@example.com", nil, `column "Tax Exempt": not a boolean`},
		{"Y is not a boolean", "1,zoe@example.com,Zoë,Ångström,Y,", "zoe@example.com", nil, `column "Tax Exempt"`},
		{"an id with a space", "'12 34,zoe@example.com,Zoë,Ångström,no,", "zoe@example.com", nil, `column "Customer ID": not a customer id`},
		{"an id with a slash", "a/b,zoe@example.com,Zoë,Ångström,no,", "zoe@example.com", nil, `column "Customer ID"`},
		{"an id too long to be a UUID and not digits", strings.Repeat("a", 65) + ",zoe@example.com,Zoë,Ångström,no,", "zoe@example.com", nil, `column "Customer ID"`},
		{"too few fields", "1,zoe@example.com,Zoë", "zoe@example.com", csv.ErrFieldCount, "3 fields where the header has 6"},
		{"too many fields", "1,zoe@example.com,Zoë,Ångström,no,note,more", "zoe@example.com", csv.ErrFieldCount, "7 fields"},
		{"too many fields, the email column holding a name", "1,Zoë,Ångström,zoe@example.com,no,,", "", csv.ErrFieldCount, "7 fields"},
		{"a bare quote", `1,zoe@example.com,Zoë,6" tall,no,`, "zoe@example.com", csv.ErrBareQuote, "byte"},
		{"a bare quote before the email", `1",zoe@example.com,Zoë,Ångström,no,`, "", csv.ErrBareQuote, "byte 2"},
		{"text after a closing quote", `1,zoe@example.com,"Zoë"x,Ångström,no,`, "zoe@example.com", csv.ErrQuote, ""},
		{"not UTF-8 (an Excel CSV in Windows-1252)", "1,zoe@example.com,Zo\xeb,Ångström,no,", "zoe@example.com", nil, `column "First Name": not UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := hdr + "\n" +
				"1,first@example.com,First,Record,no,\n" +
				tt.row + "\n" +
				"2,next@example.com,Next,Record,yes,\n"
			got := readCSV(t, text)
			if len(got) != 3 {
				t.Fatalf("got %d results, want 3: %v", len(got), got)
			}
			if got[0].err != nil || got[0].rec.Email != "first@example.com" {
				t.Errorf("first record: %s, %v", show(got[0].rec), got[0].err)
			}
			var re *customerfile.RecordError
			if !errors.As(got[1].err, &re) {
				t.Fatalf("got %v (%s), want a *RecordError", got[1].err, show(got[1].rec))
			}
			if re.Line != 3 || re.Email != tt.email {
				t.Errorf("error at line %d for %q, want line 3 for %q: %v", re.Line, re.Email, tt.email, re)
			}
			if tt.is != nil && !errors.Is(re, tt.is) {
				t.Errorf("%v does not wrap %v", re, tt.is)
			}
			if !strings.Contains(re.Error(), tt.says) {
				t.Errorf("%q does not say %q", re, tt.says)
			}
			for _, private := range []string{"Zoë", "Ångström", "tall", "note"} {
				if strings.Contains(re.Error(), private) {
					t.Errorf("%q quotes the row (%q)", re, private)
				}
			}
			if got[2].err != nil || got[2].rec.Email != "next@example.com" || got[2].rec.Line != 4 || !got[2].rec.TaxExempt {
				t.Errorf("reading did not go on: %s, %v", show(got[2].rec), got[2].err)
			}
		})
	}
}

// TestReadShopifyCSVLineIsWhereTheRecordStarts counts the lines of records
// spanning several, after blank lines, with either line ending.
func TestReadShopifyCSVLineIsWhereTheRecordStarts(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		lines := []string{
			"Email,First Name,Last Name,Note", // 1
			"",                                // 2
			`a@example.com,A,A,"one`,          // 3
			"two",                             // 4
			`three"`,                          // 5
			"b@example.com,B,B,",              // 6
			"",                                // 7
			"",                                // 8
			`c@example.com,C,C,"`,             // 9
			`"`,                               // 10
			`d@example.com,D,"D`,              // 11: a bad quote on line 12
			`"x,`,                             // 12
			"e@example.com,E,E,",              // 13
		}
		got := readCSV(t, strings.Join(lines, eol))
		wantLines := []int{3, 6, 9, 11, 13}
		if len(got) != len(wantLines) {
			t.Fatalf("got %d results, want %d: %v", len(got), len(wantLines), got)
		}
		for i, g := range got {
			line := g.rec.Line
			if re := (*customerfile.RecordError)(nil); errors.As(g.err, &re) {
				line = re.Line
				if !strings.Contains(re.Error(), "line 12") {
					t.Errorf("%q does not say where the quote is", re)
				}
			} else if g.err != nil {
				t.Fatal(g.err)
			}
			if line != wantLines[i] {
				t.Errorf("result %d starts on line %d, want %d", i, line, wantLines[i])
			}
		}
		if got[0].rec.Note != "one\ntwo\nthree" {
			t.Errorf("note %q", got[0].rec.Note)
		}
	}
}

// TestReadShopifyCSVRefusesABadHeader checks that the header is refused
// before any record is read, naming the missing columns.
func TestReadShopifyCSVRefusesABadHeader(t *testing.T) {
	tests := []struct {
		name, text string
		says       []string
	}{
		{"no email", "First Name,Last Name,Phone\nZoë,Ångström,+15555550100\n", []string{`column "Email" is missing`}},
		{"no names", "Customer ID,Email\n1,zoe@example.com\n", []string{`columns "First Name", "Last Name" are missing`}},
		{"no header at all", "zoe@example.com,Zoë,Ångström\n", []string{`"Email", "First Name", "Last Name"`}},
		{"a column twice", "Email,First Name,Last Name,email\n", []string{`column "email" appears twice`}},
		{"a column under two names", "Email,First Name,Last Name,Zip,Default Address Zip\n", []string{`"Zip" and "Default Address Zip"`}},
		{"an empty file", "", []string{"empty"}},
		{"only a BOM and blank lines", "\ufeff\n\n", []string{"empty"}},
		{"a header with a bare quote", "Email,First \"Name,Last Name\n", []string{"line 1", "bare"}},
		{"semicolons (a European Excel)", "Email;First Name;Last Name\n", []string{`"Email", "First Name", "Last Name"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq, err := customerfile.ReadShopifyCSV(strings.NewReader(tt.text))
			if err == nil {
				t.Fatalf("the header was accepted; records: %v", collect(seq))
			}
			if seq != nil {
				t.Error("a sequence comes with the error")
			}
			if !errors.Is(err, customerfile.ErrHeader) {
				t.Errorf("%v does not wrap ErrHeader", err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
		})
	}
}

// TestReadShopifyCSVHeaderOnly reads a file with no customers.
func TestReadShopifyCSVHeaderOnly(t *testing.T) {
	for _, text := range []string{header, header + "\r\n", header + "\n\n,,,,,,,,,,,,,,,,,,,\n"} {
		if got := readCSV(t, text); len(got) != 0 {
			t.Errorf("%q: got %v, want nothing", text, got)
		}
	}
}

// TestReadShopifyCSVEndsOnAReadError checks that an error of the reader
// ends the sequence as it is, not as a RecordError.
func TestReadShopifyCSVEndsOnAReadError(t *testing.T) {
	broken := errors.New("disk on fire")
	text := "Email,First Name,Last Name\na@example.com,A,A\nb@example.com,B,B\n"
	seq, err := customerfile.ReadShopifyCSV(io.MultiReader(strings.NewReader(text), iotest.ErrReader(broken)))
	if err != nil {
		t.Fatal(err)
	}
	got := collect(seq)
	if len(got) != 3 || got[0].err != nil || got[1].err != nil || got[2].err != broken {
		t.Fatalf("got %v, want two records and the reader's error", got)
	}
	if again := collect(seq); len(again) != 0 {
		t.Errorf("the sequence goes on after its error: %v", again)
	}

	if _, err := customerfile.ReadShopifyCSV(iotest.ErrReader(broken)); err != broken {
		t.Errorf("an error before the header: got %v, want %v", err, broken)
	}
	if _, err := customerfile.ReadShopifyCSV(io.MultiReader(strings.NewReader("Email,Fi"), iotest.ErrReader(broken))); err != broken {
		t.Errorf("an error in the header: got %v, want %v", err, broken)
	}
}

// TestReadShopifyCSVReadsByteByByte reads the fixture through a reader that
// returns one byte at a time, and through one that returns io.EOF with the
// last bytes, with the same results.
func TestReadShopifyCSVReadsByteByByte(t *testing.T) {
	whole, err := io.ReadAll(openFixture(t, "shopify_export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, string(whole))
	for name, r := range map[string]io.Reader{
		"one byte":     iotest.OneByteReader(strings.NewReader(string(whole))),
		"EOF and data": iotest.DataErrReader(strings.NewReader(string(whole))),
		"half":         iotest.HalfReader(strings.NewReader(string(whole))),
	} {
		seq, err := customerfile.ReadShopifyCSV(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := collect(seq)
		if len(got) != len(want) {
			t.Fatalf("%s: %d results, want %d", name, len(got), len(want))
		}
		for i := range got {
			if show(got[i].rec) != show(want[i].rec) || (got[i].err == nil) != (want[i].err == nil) {
				t.Errorf("%s: result %d: %s %v, want %s %v", name, i, show(got[i].rec), got[i].err, show(want[i].rec), want[i].err)
			}
		}
	}
}

// TestReadShopifyCSVStopsAtAnUnclosedQuote checks that a quote that is
// never closed, which would make the rest of the file one field, ends the
// sequence once the record passes 1 MiB, rather than taking the memory of
// the whole file.
func TestReadShopifyCSVStopsAtAnUnclosedQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString("Email,First Name,Last Name,Note\n")
	b.WriteString("a@example.com,A,A,fine\n")
	b.WriteString(`b@example.com,B,B,"never closed` + "\n")
	row := "c@example.com,C,C,a note\n"
	for b.Len() < 3<<20 {
		b.WriteString(row)
	}
	got := readCSV(t, b.String())
	if len(got) != 2 || got[0].err != nil {
		t.Fatalf("got %d results, want a record and an error: %v", len(got), got)
	}
	var re *customerfile.RecordError
	if err := got[1].err; err == nil || errors.As(err, &re) || !strings.Contains(err.Error(), "after line 2") {
		t.Errorf("got %v, want an error that ends the file after line 2", err)
	}
}

// TestReadShopifyCSVReadsLongRecords reads a record of nearly 1 MiB, which
// is no customer, but is not refused for its size.
func TestReadShopifyCSVReadsLongRecords(t *testing.T) {
	note := strings.Repeat("long note ", 100_000) // 1,000,000 bytes
	got := readCSV(t, "Email,First Name,Last Name,Note\na@example.com,A,A,"+note+"\nb@example.com,B,B,\n")
	if len(got) != 2 || got[0].err != nil || got[0].rec.Note != note || got[1].rec.Email != "b@example.com" {
		t.Fatalf("got %d results: first error %v", len(got), got[0].err)
	}
}

// TestReadShopifyCSVResumesAfterBreak checks that ranging over the sequence
// again goes on after the last record returned.
func TestReadShopifyCSVResumesAfterBreak(t *testing.T) {
	seq, err := customerfile.ReadShopifyCSV(strings.NewReader("Email,First Name,Last Name\na@example.com,A,A\nb@example.com,B,B\nc@example.com,C,C\n"))
	if err != nil {
		t.Fatal(err)
	}
	for rec := range seq {
		if rec.Email != "a@example.com" {
			t.Errorf("first record %s", show(rec))
		}
		break
	}
	var rest []string
	for rec, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		rest = append(rest, rec.Email)
	}
	if strings.Join(rest, " ") != "b@example.com c@example.com" {
		t.Errorf("after a break: %v", rest)
	}
}

// repeatReader returns its block times times over.
type repeatReader struct {
	block []byte
	times int
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.times == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.block[r.off:])
	if r.off += n; r.off == len(r.block) {
		r.off, r.times = 0, r.times-1
	}
	return n, nil
}

// TestReadShopifyCSVStreams reads a file much larger than the heap it may
// use: records are read one at a time, not the file whole.
func TestReadShopifyCSVStreams(t *testing.T) {
	file := exportOf(t, 1000)
	body := file[len(header)+1:]
	const times = 100 // about 20 MB of customers
	r := io.MultiReader(strings.NewReader(header+"\n"), &repeatReader{block: body, times: times})
	seq, err := customerfile.ReadShopifyCSV(r)
	if err != nil {
		t.Fatal(err)
	}
	var stats runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&stats)
	base, peak := stats.HeapAlloc, uint64(0)
	n := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n%10_000 == 0 {
			runtime.ReadMemStats(&stats)
			peak = max(peak, stats.HeapAlloc)
		}
	}
	if n != 1000*times {
		t.Fatalf("read %d records, want %d", n, 1000*times)
	}
	size := uint64(len(body) * times)
	if peak-min(peak, base) > size/4 {
		t.Errorf("the heap grew by %d bytes reading %d", peak-base, size)
	}
	t.Logf("read %d bytes with a heap of at most %d bytes over the %d before", size, peak-min(peak, base), base)
}
