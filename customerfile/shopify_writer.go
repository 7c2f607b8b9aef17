package customerfile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopkit/customerauth"
)

// ShopifyWriter writes customers in the 20 columns of Shopify's current
// customer export, header first, so that ReadShopifyCSV (or Shopify) can
// import them. Output is buffered: call Flush when done.
//
// It writes the customer's default address in the address columns,
// booleans as yes and no, tags joined with ", ", and 0.00 and 0 as Total
// Spent and Total Orders, which it does not know. As Shopify does, it puts
// an apostrophe before the Customer ID, the zip and the phone numbers, so
// that a spreadsheet keeps them as text. Any other value that begins with
// '=', '+', '-', '@', a tab or a line break (past any apostrophes of its
// own) also gets one, so that a spreadsheet does not run it as a formula;
// ReadShopifyCSV strips both, so that reading what ShopifyWriter wrote gives
// back the values it was given, trimmed of surrounding space (but for the
// Note) and with a CRLF inside a value read back as "\n".
//
// A ShopifyWriter must not be used from several goroutines at once.
type ShopifyWriter struct {
	csv    *csv.Writer
	header bool
	row    [len(shopifyColumns)]string
}

// NewShopifyWriter returns a ShopifyWriter that writes to w.
func NewShopifyWriter(w io.Writer) *ShopifyWriter {
	return &ShopifyWriter{csv: csv.NewWriter(w)}
}

// ErrNotWritable is wrapped by the error Write returns for a customer the
// format cannot carry; the writer is still usable for the next one.
var ErrNotWritable = errors.New("customerfile: customer cannot be written in this format")

// Write writes one customer, after the header if it is the first. It
// refuses, writing nothing, a nil customer and one with a tag that contains
// a comma, which the Tags column cannot carry. An error of the underlying
// writer is returned by this or a later Write, or by Flush.
func (w *ShopifyWriter) Write(c *customerauth.Customer) error {
	if c == nil {
		return fmt.Errorf("customerfile: a nil customer: %w", ErrNotWritable)
	}
	for i, t := range c.Tags {
		if strings.Contains(t, ",") {
			return fmt.Errorf("customerfile: customer %s: tag %d contains a comma, which a Tags column cannot carry: %w", c.ID, i+1, ErrNotWritable)
		}
	}
	if err := w.writeHeader(); err != nil {
		return err
	}
	a := c.DefaultAddress()
	if a == nil {
		a = &customerauth.Address{}
	}
	for i, col := range shopifyColumns {
		var v string
		switch col.col {
		case colID:
			v = c.ID
		case colFirstName:
			v = c.FirstName
		case colLastName:
			v = c.LastName
		case colEmail:
			v = c.Email
		case colAcceptsEmail:
			v = yesNo(c.AcceptsMarketing)
		case colCompany:
			v = a.Company
		case colAddress1:
			v = a.Address1
		case colAddress2:
			v = a.Address2
		case colCity:
			v = a.City
		case colProvinceCode:
			v = a.ProvinceCode
		case colCountryCode:
			v = a.CountryCode
		case colZip:
			v = a.Zip
		case colAddressPhone:
			v = a.Phone
		case colPhone:
			v = c.Phone
		case colAcceptsSMS:
			v = yesNo(c.AcceptsSMSMarketing)
		case colTotalSpent:
			v = "0.00"
		case colTotalOrders:
			v = "0"
		case colNote:
			v = c.Note
		case colTaxExempt:
			v = yesNo(c.TaxExempt)
		case colTags:
			v = strings.Join(c.Tags, ", ")
		}
		switch {
		case excelGuarded(col.col) && v != "":
			v = "'" + v
		default:
			v = guardFormula(v)
		}
		w.row[i] = v
	}
	return w.csv.Write(w.row[:])
}

// Flush writes any buffered data to the underlying writer, and the header
// if no customer was written, so that an export of no customers is still a
// file ReadShopifyCSV reads. It returns the first error met writing.
func (w *ShopifyWriter) Flush() error {
	if err := w.writeHeader(); err != nil {
		return err
	}
	w.csv.Flush()
	return w.csv.Error()
}

func (w *ShopifyWriter) writeHeader() error {
	if w.header {
		return nil
	}
	w.header = true
	for i, col := range shopifyColumns {
		w.row[i] = col.name
	}
	return w.csv.Write(w.row[:])
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
