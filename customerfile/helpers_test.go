package customerfile_test

import (
	"fmt"
	"iter"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// result is one step of a reader's sequence.
type result struct {
	rec customerauth.ImportRecord
	err error
}

func collect(seq iter.Seq2[customerauth.ImportRecord, error]) []result {
	var out []result
	for rec, err := range seq {
		out = append(out, result{rec, err})
	}
	return out
}

// readCSV reads a whole CSV text, failing the test if the header is refused.
func readCSV(t testing.TB, text string) []result {
	t.Helper()
	seq, err := customerfile.ReadShopifyCSV(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ReadShopifyCSV: %v", err)
	}
	return collect(seq)
}

func openFixture(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// show prints a record with its address, for failure messages.
func show(rec customerauth.ImportRecord) string {
	a := rec.Address
	rec.Address = nil
	s := fmt.Sprintf("%+v", rec)
	if a != nil {
		s += fmt.Sprintf(" Address=%+v", *a)
	}
	return s
}

func sameRecord(t *testing.T, what string, got, want customerauth.ImportRecord) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, show(got), show(want))
	}
}

// header is Shopify's current export header.
const header = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company," +
	"Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code," +
	"Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing," +
	"Total Spent,Total Orders,Note,Tax Exempt,Tags"
