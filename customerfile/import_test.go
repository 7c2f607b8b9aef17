package customerfile_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/shopkit/customerauth/customerfile"
)

// TestForImportSplitsRecordErrorsFromReadErrors: a bad record goes on as a
// failed record with its line and email; a read error of the file ends the
// sequence and is kept, not yielded.
func TestForImportSplitsRecordErrorsFromReadErrors(t *testing.T) {
	const file = "Email,First Name,Last Name,Accepts Email Marketing\n" +
		"ann@example.com,Ann,Lee,yes\n" +
		"bob@example.com,Bob,Ray,maybe\n" +
		"cy@example.com,Cy,Ng,no\n"
	broken := errors.New("disk gone")
	r := io.MultiReader(strings.NewReader(file), &failingReader{err: broken})
	records, err := customerfile.ReadShopifyCSV(r)
	if err != nil {
		t.Fatal(err)
	}
	var fatal error
	var got []string
	for rec, err := range customerfile.ForImport(records, &fatal) {
		switch {
		case err != nil:
			got = append(got, "failed "+rec.Email)
			if rec.Line != 3 {
				t.Errorf("failed record on line %d, want 3", rec.Line)
			}
		default:
			got = append(got, rec.Email)
		}
	}
	if want := "ann@example.com,failed bob@example.com,cy@example.com"; strings.Join(got, ",") != want {
		t.Errorf("records = %v, want %s", got, want)
	}
	if !errors.Is(fatal, broken) {
		t.Errorf("fatal = %v, want the read error", fatal)
	}
}

type failingReader struct{ err error }

func (r *failingReader) Read([]byte) (int, error) { return 0, r.err }
