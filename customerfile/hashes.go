package customerfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/shopkit/customerauth"
)

// hashRecord is one line of a hashes file.
type hashRecord struct {
	Email        string  `json:"email"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Phone        string  `json:"phone"`
	Tags         tagList `json:"tags"`
	PasswordHash string  `json:"password_hash"`
	// Language is a Shopify LanguageCode ("FR", "PT_BR") or a BCP 47 tag.
	Language string `json:"language"`
	// ID is a string or, with UseNumber, a json.Number.
	ID any `json:"id"`
}

// tagList is an array of strings or a comma-separated string.
type tagList []string

func (t *tagList) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*t = nil
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = splitTags(s)
		return nil
	case '[':
		var ss []string
		if err := json.Unmarshal(b, &ss); err == nil {
			*t = cleanTags(ss)
			return nil
		}
	}
	return errors.New(`key "tags": must be an array of strings or a comma-separated string`)
}

// ReadHashes reads a JSON lines file of customers with their password
// hashes, as another platform exports them: one JSON object per line, with
// the keys email, first_name, last_name, phone, tags, password_hash and id
// (matched in any case, as encoding/json does), all strings but for tags, an
// array of strings or a comma-separated string, and id, a string or a whole
// number, whose digits are kept exactly. Only email is required; a key may
// be null. Values are trimmed of surrounding
// space, and tags as ReadShopifyCSV does. Blank lines are skipped, and so
// is a UTF-8 byte order mark at the start.
//
// The sequence yields the records one by one, each with its line. A line it
// cannot read (not a JSON object, a key it does not know, which catches
// typos, a value of the wrong type, no email, a line longer than 1 MiB, a
// line that is not UTF-8, an id that is neither digits nor an id
// customerauth.ValidCustomerID accepts) is yielded as a *RecordError with a
// zero ImportRecord, and reading continues with the next line. An error of r
// ends the sequence.
//
// The sequence reads r as it is ranged over; ranging over it again resumes
// where the last range stopped. It must not be used from several goroutines
// at once.
func ReadHashes(r io.Reader) iter.Seq2[customerauth.ImportRecord, error] {
	lr := &lineReader{r: bufio.NewReaderSize(r, readBufferSize)}
	done := false
	return func(yield func(customerauth.ImportRecord, error) bool) {
		for !done {
			line, tooLong, err := lr.next()
			if err != nil {
				done = true
				if err == io.EOF {
					return
				}
				yield(customerauth.ImportRecord{}, err)
				return
			}
			if lr.line == 1 {
				line = bytes.TrimPrefix(line, utf8BOM)
			}
			if !tooLong && len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var rec customerauth.ImportRecord
			if tooLong {
				err = &RecordError{Line: lr.line, Err: fmt.Errorf("longer than %d bytes", maxRecordBytes)}
			} else if rec, err = decodeHashLine(line); err != nil {
				err = &RecordError{Line: lr.line, Email: emailOfJSON(line), Err: err}
			} else {
				rec.Line = lr.line
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

func decodeHashLine(line []byte) (customerauth.ImportRecord, error) {
	if !utf8.Valid(line) {
		return customerauth.ImportRecord{}, errors.New("not UTF-8 text")
	}
	if t := bytes.TrimLeft(line, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return customerauth.ImportRecord{}, errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var h hashRecord
	if err := dec.Decode(&h); err != nil {
		return customerauth.ImportRecord{}, jsonProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return customerauth.ImportRecord{}, errors.New("text after the JSON object")
	}
	rec := customerauth.ImportRecord{
		Email:        strings.TrimSpace(h.Email),
		Phone:        strings.TrimSpace(h.Phone),
		FirstName:    strings.TrimSpace(h.FirstName),
		LastName:     strings.TrimSpace(h.LastName),
		Tags:         h.Tags,
		PasswordHash: strings.TrimSpace(h.PasswordHash),
		Language:     strings.TrimSpace(h.Language),
	}
	switch id := h.ID.(type) {
	case nil:
	case string:
		rec.ID = strings.TrimSpace(id)
	case json.Number:
		if !allDigits(string(id)) {
			return customerauth.ImportRecord{}, errors.New(`key "id": a number must be a whole number, at least 0`)
		}
		rec.ID = string(id)
	default:
		return customerauth.ImportRecord{}, errors.New(`key "id": must be a string or a number`)
	}
	if rec.ID != "" && !validID(rec.ID) {
		return customerauth.ImportRecord{}, errors.New(`key "id": not a customer id: digits, or up to 64 ASCII letters, digits, '-' and '_'`)
	}
	if rec.Email == "" {
		return customerauth.ImportRecord{}, errors.New(`key "email" is missing or empty`)
	}
	return rec, nil
}

// jsonProblem rewords the errors of encoding/json that name Go types.
func jsonProblem(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Errorf("key %q: must be a string, found %s", te.Field, te.Value)
	}
	if err == io.ErrUnexpectedEOF {
		return errors.New("the JSON object is not closed")
	}
	return err
}

// emailOfJSON reads the email of a line that could not be decoded, for its
// error.
func emailOfJSON(line []byte) string {
	var e struct {
		Email any `json:"email"`
	}
	// A Decoder, unlike Unmarshal, reads the first value of a line that
	// has more.
	if json.NewDecoder(bytes.NewReader(line)).Decode(&e) != nil {
		return ""
	}
	s, _ := e.Email.(string)
	return emailForError(s)
}

// lineReader reads lines of at most maxRecordBytes, keeping no more than
// that in memory for a longer one.
type lineReader struct {
	r    *bufio.Reader
	buf  []byte
	line int
}

// next returns the next line without its line ending. For a line longer
// than maxRecordBytes it returns tooLong and no bytes, having skipped the
// line. Its error is io.EOF after the last line, or the reader's error.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			// Room for the line and its "\r\n".
			if len(lr.buf)+len(chunk) > maxRecordBytes+2 {
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && (len(lr.buf) > 0 || tooLong):
			// The last line, without a line ending; io.EOF comes next.
		case err != nil:
			return nil, false, err
		}
		lr.line++
		line = bytes.TrimSuffix(lr.buf, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > maxRecordBytes {
			return nil, true, nil
		}
		return line, tooLong, nil
	}
}
