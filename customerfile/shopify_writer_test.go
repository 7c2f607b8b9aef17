package customerfile_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// zoe has every field the export carries, and some it does not.
func zoe() *customerauth.Customer {
	return &customerauth.Customer{
		ID: "7012345678901", Email: "zoe.angstrom@example.com", EmailKey: "zoe.angstrom@example.com",
		Phone: "+46701234567", FirstName: "Zoë", LastName: "Ångström",
		AcceptsMarketing: true, AcceptsSMSMarketing: false, TaxExempt: true,
		Note: "Prefers 📦 pickup,\nnot \"delivery\"", State: customerauth.StateEnabled,
		Tags: []string{"vip", "newsletter"},
		Addresses: []customerauth.Address{
			{ID: "a1", City: "Malmö", CountryCode: "SE"},
			{
				ID: "a2", FirstName: "Zoë", LastName: "Ångström", Company: "Ångström & Co., AB",
				Address1: "Drottninggatan 12", Address2: "3 tr", City: "Stockholm", Province: "Stockholm",
				ProvinceCode: "AB", Country: "Sweden", CountryCode: "SE", Zip: "111 51", Phone: "+4681234567",
			},
		},
		DefaultAddressID: "a2",
	}
}

// TestShopifyWriterWritesShopifysFormat checks the bytes: the header, the
// default address, yes and no, the totals, Excel's guards and quoting.
func TestShopifyWriterWritesShopifysFormat(t *testing.T) {
	var b bytes.Buffer
	w := customerfile.NewShopifyWriter(&b)
	if err := w.Write(zoe()); err != nil {
		t.Fatal(err)
	}
	uuid := &customerauth.Customer{
		ID: "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e", Email: "=cmd@example.com", FirstName: "@Taro", LastName: "-山田",
		Note: "+1 more", Tags: []string{"=a", "+b"},
	}
	if err := w.Write(uuid); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := header + "\n" +
		"'7012345678901,Zoë,Ångström,zoe.angstrom@example.com,yes,\"Ångström & Co., AB\",Drottninggatan 12,3 tr,Stockholm,AB,SE," +
		"'111 51,'+4681234567,'+46701234567,no,0.00,0,\"Prefers 📦 pickup,\nnot \"\"delivery\"\"\",yes,\"vip, newsletter\"\n" +
		"'0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e,'@Taro,'-山田,'=cmd@example.com,no,,,,,,,,,,no,0.00,0,'+1 more,no,\"'=a, +b\"\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestShopifyWriterFlushWritesTheHeader checks that an export of no
// customers is a file with a header.
func TestShopifyWriterFlushWritesTheHeader(t *testing.T) {
	var b bytes.Buffer
	w := customerfile.NewShopifyWriter(&b)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if b.String() != header+"\n" {
		t.Errorf("got %q", b.String())
	}
	if got := readCSV(t, b.String()); len(got) != 0 {
		t.Errorf("read back %v", got)
	}
}

// TestShopifyWriterRefusesWhatItCannotWrite checks that a customer the
// format cannot carry is refused and nothing of it written.
func TestShopifyWriterRefusesWhatItCannotWrite(t *testing.T) {
	withComma := zoe()
	withComma.Tags = []string{"vip", "a,b"}
	for name, c := range map[string]*customerauth.Customer{"nil": nil, "a tag with a comma": withComma} {
		var b bytes.Buffer
		w := customerfile.NewShopifyWriter(&b)
		if err := w.Write(c); err == nil {
			t.Errorf("%s: written", name)
		} else if strings.Contains(err.Error(), "a,b") {
			t.Errorf("%s: the error quotes the tag: %v", name, err)
		}
		if err := w.Flush(); err != nil || b.String() != header+"\n" {
			t.Errorf("%s: wrote %q, %v", name, b.String(), err)
		}
	}
}

// TestShopifyWriterReportsWriteErrors checks that an error of the
// underlying writer comes back.
func TestShopifyWriterReportsWriteErrors(t *testing.T) {
	broken := errors.New("disk full")
	w := customerfile.NewShopifyWriter(failingWriter{broken})
	for range 3 {
		_ = w.Write(zoe()) // buffered; may or may not fail yet
	}
	if err := w.Flush(); !errors.Is(err, broken) {
		t.Errorf("Flush: got %v, want %v", err, broken)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// imported is what reading a customer back from an export gives: what the
// 20 columns carry, trimmed but for the note, with CRLF read as LF.
func imported(c *customerauth.Customer, line int) customerauth.ImportRecord {
	norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	trim := func(s string) string { return strings.TrimSpace(norm(s)) }
	rec := customerauth.ImportRecord{
		Line: line, ID: trim(c.ID), Email: trim(c.Email), Phone: trim(c.Phone),
		FirstName: trim(c.FirstName), LastName: trim(c.LastName),
		AcceptsMarketing: c.AcceptsMarketing, AcceptsSMSMarketing: c.AcceptsSMSMarketing, TaxExempt: c.TaxExempt,
		Note: norm(c.Note),
	}
	for _, t := range c.Tags {
		rec.Tags = append(rec.Tags, trim(t))
	}
	if a := c.DefaultAddress(); a != nil {
		ra := customerauth.Address{
			Company: trim(a.Company), Address1: trim(a.Address1), Address2: trim(a.Address2), City: trim(a.City),
			ProvinceCode: trim(a.ProvinceCode), CountryCode: trim(a.CountryCode), Zip: trim(a.Zip), Phone: trim(a.Phone),
		}
		if ra != (customerauth.Address{}) {
			rec.Address = &ra
		}
	}
	return rec
}

// linesOf is how many lines a customer's row takes: one, and one more for
// each line break inside its values.
func linesOf(c *customerauth.Customer) int {
	n := 1
	values := []string{c.ID, c.Email, c.Phone, c.FirstName, c.LastName, c.Note, strings.Join(c.Tags, ", ")}
	if a := c.DefaultAddress(); a != nil {
		values = append(values, a.Company, a.Address1, a.Address2, a.City, a.ProvinceCode, a.CountryCode, a.Zip, a.Phone)
	}
	for _, v := range values {
		n += strings.Count(v, "\n")
	}
	return n
}

// roundTrip writes customers and reads them back, checking that each comes
// back as imported says, on the line it starts on.
func roundTrip(t *testing.T, customers []*customerauth.Customer) {
	t.Helper()
	var b bytes.Buffer
	w := customerfile.NewShopifyWriter(&b)
	for _, c := range customers {
		if err := w.Write(c); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	got := readCSV(t, b.String())
	if len(got) != len(customers) {
		t.Fatalf("wrote %d customers, read %d:\n%s", len(customers), len(got), b.String())
	}
	line := 2
	for i, c := range customers {
		if got[i].err != nil {
			t.Errorf("customer %d: %v", i, got[i].err)
		} else {
			sameRecord(t, fmt.Sprintf("customer %d", i), got[i].rec, imported(c, line))
		}
		line += linesOf(c)
	}
}

// TestShopifyWriterRoundTrips checks that export and import give back every
// value, whatever it starts with.
func TestShopifyWriterRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *customerauth.Customer)
	}{
		{"every field", func(*customerauth.Customer) {}},
		{"no address", func(c *customerauth.Customer) { c.Addresses, c.DefaultAddressID = nil, "" }},
		{"no default address", func(c *customerauth.Customer) { c.DefaultAddressID = "gone" }},
		{"an empty default address", func(c *customerauth.Customer) {
			c.Addresses = []customerauth.Address{{ID: "a", FirstName: "Zoë", Latitude: new(59.33)}}
			c.DefaultAddressID = "a"
		}},
		{"a UUID", func(c *customerauth.Customer) { c.ID = "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e" }},
		{"no id", func(c *customerauth.Customer) { c.ID = "" }},
		{"only an email", func(c *customerauth.Customer) {
			*c = customerauth.Customer{Email: "ana@example.com"}
		}},
		{"formulas everywhere", func(c *customerauth.Customer) {
			c.FirstName, c.LastName, c.Email = "=1+1", "+SUM(A1:A9)", "-2@example.com"
			c.Note, c.Tags = "@import", []string{"=HYPERLINK(\"x\")", "-sale"}
			a := &c.Addresses[1]
			a.Company, a.Address1, a.Address2, a.City = "=Co", "+1 Main St", "-", "@home"
			a.ProvinceCode, a.CountryCode, a.Zip, a.Phone = "=P", "+C", "=123", "-1"
			c.Phone = "@1"
		}},
		{"tabs and line breaks in front", func(c *customerauth.Customer) {
			c.Note = "\tindented"
			c.Addresses[1].Address2 = "line\nbreak"
		}},
		{"a note beginning with CR", func(c *customerauth.Customer) { c.Note = "\rreturn" }},
		{"a note beginning with LF", func(c *customerauth.Customer) { c.Note = "\nnew line" }},
		{"a note of spaces", func(c *customerauth.Customer) { c.Note = "   " }},
		{"apostrophes of their own", func(c *customerauth.Customer) {
			c.FirstName, c.LastName, c.Note = "'Zoë'", "O'Brien", "'=not a formula"
			c.Tags = []string{"''=x", "'"}
			c.Addresses[1].Zip, c.Addresses[1].Phone, c.Phone = "'02139", "''", "'+1"
		}},
		{"quotes and commas", func(c *customerauth.Customer) {
			c.FirstName, c.Note = `"Zoë"`, `a, "b", c`
			c.Addresses[1].Address1 = `1 "Main", St`
		}},
		{"unicode", func(c *customerauth.Customer) {
			c.FirstName, c.LastName, c.Note = "山田", "太郎", "مرحبا 👋🏽 Zoë"
			c.Tags = []string{"顧客", "عميل", "🎁"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := zoe()
			tt.edit(c)
			roundTrip(t, []*customerauth.Customer{c, zoe()})
		})
	}
}

// TestShopifyWriterRoundTripProperty writes random customers made of the
// pieces that break CSV files and spreadsheets, and reads them back.
func TestShopifyWriterRoundTripProperty(t *testing.T) {
	pieces := []string{
		"", "Zoë", "Ångström", "山田", "太郎", "ليلى", "📦", "a", "O'Brien", " ", "  ",
		"=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", "''", ",", `"`, `""`, ";", "\\.",
		"=SUM(A1)", "+1", "-1", "@cmd", "0", "yes", "\ufeff",
	}
	ids := []string{"", "7012345678901", "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e", "a_B-9", "0"}
	rng := rand.New(rand.NewPCG(1, 2))
	value := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	trimmed := func() string { return strings.TrimSpace(value()) }
	var customers []*customerauth.Customer
	for range 2000 {
		c := &customerauth.Customer{
			ID: ids[rng.IntN(len(ids))], Email: trimmed(), Phone: trimmed(),
			FirstName: trimmed(), LastName: trimmed(), Note: value(),
			AcceptsMarketing: rng.IntN(2) == 0, AcceptsSMSMarketing: rng.IntN(2) == 0, TaxExempt: rng.IntN(2) == 0,
		}
		for range rng.IntN(4) {
			tag := strings.TrimSpace(strings.ReplaceAll(value(), ",", ""))
			if tag != "" && !slices.Contains(c.Tags, tag) {
				c.Tags = append(c.Tags, tag)
			}
		}
		if rng.IntN(3) > 0 {
			c.Addresses = []customerauth.Address{{
				ID: "a", Company: trimmed(), Address1: trimmed(), Address2: trimmed(), City: trimmed(),
				ProvinceCode: trimmed(), CountryCode: trimmed(), Zip: trimmed(), Phone: trimmed(),
			}}
			c.DefaultAddressID = "a"
		}
		customers = append(customers, c)
	}
	roundTrip(t, customers)
}
