package customerfile

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/shopkit/customerauth"
)

// column is a field of a customer that a Shopify CSV file may carry.
type column int

const (
	colID column = iota
	colFirstName
	colLastName
	colEmail
	colAcceptsEmail
	colCompany
	colAddress1
	colAddress2
	colCity
	colProvince
	colProvinceCode
	colCountry
	colCountryCode
	colZip
	colAddressPhone
	colPhone
	colAcceptsSMS
	colTotalSpent
	colTotalOrders
	colNote
	colTaxExempt
	colTags
	numColumns
)

// shopifyColumns are the columns of Shopify's current customer export, in
// its order; ShopifyWriter writes them.
var shopifyColumns = [...]struct {
	col  column
	name string
}{
	{colID, "Customer ID"},
	{colFirstName, "First Name"},
	{colLastName, "Last Name"},
	{colEmail, "Email"},
	{colAcceptsEmail, "Accepts Email Marketing"},
	{colCompany, "Default Address Company"},
	{colAddress1, "Default Address Address1"},
	{colAddress2, "Default Address Address2"},
	{colCity, "Default Address City"},
	{colProvinceCode, "Default Address Province Code"},
	{colCountryCode, "Default Address Country Code"},
	{colZip, "Default Address Zip"},
	{colAddressPhone, "Default Address Phone"},
	{colPhone, "Phone"},
	{colAcceptsSMS, "Accepts SMS Marketing"},
	{colTotalSpent, "Total Spent"},
	{colTotalOrders, "Total Orders"},
	{colNote, "Note"},
	{colTaxExempt, "Tax Exempt"},
	{colTags, "Tags"},
}

// headerNames maps each header name the reader knows, lowercased, to its
// column: the current export's names, and those of Shopify's older import
// template and exports ("Company", "Province", "Accepts Marketing", …).
var headerNames = func() map[string]column {
	m := map[string]column{
		"company":           colCompany,
		"address1":          colAddress1,
		"address2":          colAddress2,
		"city":              colCity,
		"province":          colProvince,
		"province code":     colProvinceCode,
		"country":           colCountry,
		"country code":      colCountryCode,
		"zip":               colZip,
		"accepts marketing": colAcceptsEmail,
	}
	for _, c := range shopifyColumns {
		if c.col != colTotalSpent && c.col != colTotalOrders { // ignored, as unknown columns are
			m[strings.ToLower(c.name)] = c.col
		}
	}
	return m
}()

// requiredColumns must be in every header, named as the error names them.
var requiredColumns = [...]struct {
	col  column
	name string
}{
	{colEmail, "Email"},
	{colFirstName, "First Name"},
	{colLastName, "Last Name"},
}

// addressColumns make up the default address.
var addressColumns = [...]column{
	colCompany, colAddress1, colAddress2, colCity, colProvince, colProvinceCode,
	colCountry, colCountryCode, colZip, colAddressPhone,
}

// excelGuarded are the columns in which Shopify writes a leading apostrophe,
// so that Excel keeps the value as text: the reader strips exactly one.
func excelGuarded(c column) bool {
	return c == colID || c == colZip || c == colAddressPhone || c == colPhone
}

var utf8BOM = []byte("\ufeff")

// readBufferSize is the size of the buffer between the file and the CSV
// parser; encoding/csv uses a *bufio.Reader of at least 4096 bytes as it is.
const readBufferSize = 64 << 10

// ReadShopifyCSV reads a customer CSV file in Shopify's format: the current
// customer export, or Shopify's older customer import template (no Customer
// ID; Province and Country as names, which go to Address.Province and
// Address.Country; Phone, the customer's phone, as in the export). It reads the header before it returns and refuses, with
// an error wrapping ErrHeader, a file whose header lacks the Email, First
// Name or Last Name column, or names a column twice. The returned error is
// otherwise the error of reading r.
//
// Columns are matched by name, trimmed and in any case, in any order;
// columns it does not know, and Total Spent and Total Orders, are ignored.
// The sequence yields the records one by one, each with the line it starts
// on. It skips blank lines and rows whose fields are all empty, and it reads
// a UTF-8 byte order mark, CRLF line endings, quoted fields with commas,
// doubled quotes and line breaks (a line break inside a field is read as
// "\n"). In the Customer ID, Default Address Zip, Default Address Phone and
// Phone columns it strips the one leading apostrophe Excel and Shopify put
// there; in any other column, it strips the apostrophe ShopifyWriter puts
// before a value that begins with '=', '+', '-', '@', a tab or a line break.
// Values are trimmed of surrounding space, except the Note. Booleans are
// yes/no, true/false or 1/0 in any case, and empty is false; Tags is a
// comma-separated list, which it trims, dropping empty and repeated tags.
// Address is set only when some address column is not empty.
//
// A record it cannot read (a field count other than the header's, a bad
// quote, a bad boolean, a Customer ID that is neither digits nor an id
// customerauth.ValidCustomerID accepts, a value that is not UTF-8) is
// yielded as a
// *RecordError with a zero ImportRecord, and reading continues. Any other
// error ends the sequence: an error of r, or a record longer than 1 MiB (an
// unclosed quote), after which nothing more of the file can be read.
//
// The sequence reads r as it is ranged over; ranging over it again resumes
// where the last range stopped. It must not be used from several goroutines
// at once.
func ReadShopifyCSV(r io.Reader) (iter.Seq2[customerauth.ImportRecord, error], error) {
	src := &cappedReader{r: r, left: maxRecordBytes + readBufferSize}
	br := bufio.NewReaderSize(src, readBufferSize)
	if b, err := br.Peek(len(utf8BOM)); err == nil && string(b) == string(utf8BOM) {
		_, _ = br.Discard(len(utf8BOM)) // cannot fail: the bytes are buffered
	} else if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	cr := csv.NewReader(br) // uses br as it is: see readBufferSize
	cr.FieldsPerRecord = -1 // each record's count is checked here
	cr.ReuseRecord = true

	header, err := cr.Read()
	switch pe := (*csv.ParseError)(nil); {
	case src.tripped:
		return nil, fmt.Errorf("%w: the first record is longer than %d bytes", ErrHeader, maxRecordBytes)
	case err == io.EOF:
		return nil, fmt.Errorf("%w: the file is empty", ErrHeader)
	case errors.As(err, &pe):
		return nil, fmt.Errorf("%w: line %d: %v", ErrHeader, pe.StartLine, pe.Err)
	case err != nil:
		return nil, err
	}
	sr := &shopifyReader{csv: cr, src: src, width: len(header)}
	if err := sr.mapHeader(header); err != nil {
		return nil, err
	}
	sr.lastLine, _ = cr.FieldPos(0)
	return sr.records, nil
}

// shopifyReader reads the records after the header.
type shopifyReader struct {
	csv *csv.Reader
	src *cappedReader
	// index is the field index of each column, or -1; names is the column's
	// name as the header spells it, for errors.
	index [numColumns]int
	names [numColumns]string
	width int
	// lastLine is where the last record read starts.
	lastLine int
	done     bool
}

func (sr *shopifyReader) mapHeader(header []string) error {
	for i := range sr.index {
		sr.index[i] = -1
	}
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		c, ok := headerNames[strings.ToLower(name)]
		if !ok {
			continue
		}
		if j := sr.index[c]; j >= 0 {
			if strings.EqualFold(sr.names[c], name) {
				return fmt.Errorf("%w: column %q appears twice", ErrHeader, name)
			}
			return fmt.Errorf("%w: columns %q and %q are the same column", ErrHeader, sr.names[c], name)
		}
		sr.index[c] = i
		sr.names[c] = name
	}
	var missing []string
	for _, rc := range requiredColumns {
		if sr.index[rc.col] < 0 {
			missing = append(missing, fmt.Sprintf("%q", rc.name))
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%w: column %s is missing", ErrHeader, missing[0])
	}
	return fmt.Errorf("%w: columns %s are missing", ErrHeader, strings.Join(missing, ", "))
}

func (sr *shopifyReader) records(yield func(customerauth.ImportRecord, error) bool) {
	for !sr.done {
		rec, err := sr.next()
		if err == io.EOF {
			sr.done = true
			return
		}
		if _, ok := err.(*RecordError); err != nil && !ok {
			sr.done = true
		}
		if !yield(rec, err) {
			return
		}
	}
}

// next reads the next record that is not blank. Its error is a
// *RecordError, io.EOF at the end, or an error that ends the file.
func (sr *shopifyReader) next() (customerauth.ImportRecord, error) {
	for {
		sr.src.left = maxRecordBytes + readBufferSize
		fields, err := sr.csv.Read()
		if sr.src.tripped {
			// Whatever encoding/csv made of the cut record, the file
			// cannot be read on from the middle of it.
			return customerauth.ImportRecord{}, fmt.Errorf(
				"customerfile: a record after line %d is longer than %d bytes (an unclosed quote?): the rest of the file cannot be read",
				sr.lastLine, maxRecordBytes)
		}
		if err != nil {
			if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
				sr.lastLine = pe.StartLine
				return customerauth.ImportRecord{}, &RecordError{
					Line: pe.StartLine, Email: sr.email(fields), Err: parseProblem(pe),
				}
			}
			return customerauth.ImportRecord{}, err
		}
		line, _ := sr.csv.FieldPos(0)
		sr.lastLine = line
		if blank(fields) {
			continue
		}
		if len(fields) != sr.width {
			return customerauth.ImportRecord{}, &RecordError{
				Line: line, Email: sr.email(fields),
				Err: fmt.Errorf("%d fields where the header has %d: %w", len(fields), sr.width, csv.ErrFieldCount),
			}
		}
		p := rowParser{sr: sr, fields: fields}
		rec := p.record()
		if p.err != nil {
			return customerauth.ImportRecord{}, &RecordError{Line: line, Email: sr.email(fields), Err: p.err}
		}
		rec.Line = line
		return rec, nil
	}
}

// email returns the record's email for an error, or "".
func (sr *shopifyReader) email(fields []string) string {
	i := sr.index[colEmail]
	if i < 0 || i >= len(fields) {
		return ""
	}
	return emailForError(unguardFormula(strings.TrimSpace(fields[i])))
}

// parseProblem describes a parse error of encoding/csv without its line,
// which the RecordError gives.
func parseProblem(pe *csv.ParseError) error {
	if pe.Line != pe.StartLine {
		return fmt.Errorf("line %d, byte %d: %w", pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("byte %d: %w", pe.Column, pe.Err)
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// rowParser turns the fields of one record into an ImportRecord, keeping
// the first problem it meets.
type rowParser struct {
	sr     *shopifyReader
	fields []string
	err    error
}

func (p *rowParser) record() customerauth.ImportRecord {
	rec := customerauth.ImportRecord{
		ID:                  p.text(colID),
		Email:               p.text(colEmail),
		Phone:               p.text(colPhone),
		FirstName:           p.text(colFirstName),
		LastName:            p.text(colLastName),
		AcceptsMarketing:    p.flag(colAcceptsEmail),
		AcceptsSMSMarketing: p.flag(colAcceptsSMS),
		TaxExempt:           p.flag(colTaxExempt),
		Tags:                splitTags(p.text(colTags)),
		Note:                p.text(colNote),
	}
	if rec.ID != "" && !validID(rec.ID) {
		p.fail(colID, "not a customer id: digits, or up to 64 ASCII letters, digits, '-' and '_'")
	}
	for _, c := range addressColumns {
		if p.text(c) != "" {
			rec.Address = &customerauth.Address{
				Company:      p.text(colCompany),
				Address1:     p.text(colAddress1),
				Address2:     p.text(colAddress2),
				City:         p.text(colCity),
				Province:     p.text(colProvince),
				ProvinceCode: p.text(colProvinceCode),
				Country:      p.text(colCountry),
				CountryCode:  p.text(colCountryCode),
				Zip:          p.text(colZip),
				Phone:        p.text(colAddressPhone),
			}
			break
		}
	}
	return rec
}

// text returns the value of column c: trimmed (but for the Note), with its
// guard apostrophe stripped; "" when the file has no such column.
func (p *rowParser) text(c column) string {
	i := p.sr.index[c]
	if i < 0 {
		return ""
	}
	v := p.fields[i]
	if !utf8.ValidString(v) {
		p.fail(c, `not UTF-8 text (save the file as "CSV UTF-8")`)
		return ""
	}
	if c != colNote {
		v = strings.TrimSpace(v)
	}
	if excelGuarded(c) {
		return strings.TrimPrefix(v, "'")
	}
	return unguardFormula(v)
}

// flag returns the boolean in column c.
func (p *rowParser) flag(c column) bool {
	switch v := p.text(c); {
	case v == "", v == "0", strings.EqualFold(v, "no"), strings.EqualFold(v, "false"):
		return false
	case v == "1", strings.EqualFold(v, "yes"), strings.EqualFold(v, "true"):
		return true
	}
	p.fail(c, "not a boolean: yes or no, true or false, 1 or 0")
	return false
}

func (p *rowParser) fail(c column, problem string) {
	if p.err == nil {
		p.err = fmt.Errorf("column %q: %s", p.sr.names[c], problem)
	}
}

// formulaStart reports whether v, past its leading apostrophes, begins with
// a character that makes a spreadsheet read a cell as a formula (or, for a
// line break, that would not survive a spreadsheet's trimming).
func formulaStart(v string) bool {
	v = strings.TrimLeft(v, "'")
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}

// guardFormula puts an apostrophe before a value that formulaStart
// reports; unguardFormula takes it away again, so that, for any v,
// unguardFormula(guardFormula(v)) == v.
func guardFormula(v string) string {
	if formulaStart(v) {
		return "'" + v
	}
	return v
}

func unguardFormula(v string) string {
	if len(v) > 1 && v[0] == '\'' && formulaStart(v) {
		return v[1:]
	}
	return v
}

// errRecordTooLong is what cappedReader returns once a record has taken
// more than its share of bytes.
var errRecordTooLong = errors.New("customerfile: record too long")

// cappedReader passes at most left bytes from r, and then fails with
// errRecordTooLong for good. The CSV reader sets left before each record,
// so that no record, however broken, can take more memory than that.
type cappedReader struct {
	r       io.Reader
	left    int
	tripped bool
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.tripped || c.left <= 0 {
		c.tripped = true
		return 0, errRecordTooLong
	}
	if len(p) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= n
	return n, err
}
