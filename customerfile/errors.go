package customerfile

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// RecordError reports one record that could not be read. Readers yield it in
// place of the record and go on with the next one.
type RecordError struct {
	// Line is the line of the file where the record starts.
	Line int
	// Email is the record's email when it could be read, or empty.
	Email string
	// Err is the problem: the column or key at fault and what is wrong
	// with it, without the record's values.
	Err error
}

// Error returns the line, the email when known, and the problem.
func (e *RecordError) Error() string {
	if e.Email != "" {
		return fmt.Sprintf("line %d (%s): %v", e.Line, e.Email, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Unwrap returns Err.
func (e *RecordError) Unwrap() error { return e.Err }

// ErrHeader is wrapped by the error ReadShopifyCSV returns for a file whose
// header it refuses: an empty file, a header that cannot be parsed, a
// required column missing, or a column given twice.
var ErrHeader = errors.New("customerfile: not a Shopify customer CSV header")

// maxEmailInError is the longest value reported as a RecordError's Email;
// no valid address is longer.
const maxEmailInError = 254

// emailForError returns v when it looks enough like an email to be shown in
// an error, and "" otherwise. Readers use it where a column may have been
// read from the wrong place (a record with too many fields), so that a name
// or an address is never reported as an email.
func emailForError(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxEmailInError || !utf8.ValidString(v) || !strings.Contains(v, "@") {
		return ""
	}
	for _, r := range v {
		if r <= ' ' || r == 0x7f || r == '"' || r == ',' {
			return ""
		}
	}
	return v
}
