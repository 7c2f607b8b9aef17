package customerfile

import (
	"errors"
	"fmt"
	"iter"

	"github.com/shopkit/customerauth"
)

// ForImport adapts records from one of this package's readers to
// customerauth.Service.ImportCustomers, which fails a record when it is
// yielded with an error: a *RecordError becomes a failed record with its
// line and email, and any other error (the file could not be read) ends the
// sequence and is stored in *fatal, so that one read error stops the import
// instead of failing every record after it.
func ForImport(records iter.Seq2[customerauth.ImportRecord, error], fatal *error) iter.Seq2[customerauth.ImportRecord, error] {
	return func(yield func(customerauth.ImportRecord, error) bool) {
		for rec, err := range records {
			var re *RecordError
			switch {
			case err == nil:
			case errors.As(err, &re):
				rec = customerauth.ImportRecord{Line: re.Line, Email: re.Email}
				err = re.Err
			default:
				*fatal = fmt.Errorf("reading the file: %w", err)
				return
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}
