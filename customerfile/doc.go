// Package customerfile reads and writes the files customers are moved with:
// Shopify's customer export CSV, which it reads and writes, and a JSON lines
// file of password hashes, which it reads. The records it reads are
// customerauth.ImportRecord values for Service.ImportCustomers.
//
// The package knows file formats only. It checks what a format demands (the
// header, the number of fields, booleans, quoting, UTF-8, the shape of an
// id) and leaves every business rule, such as what a valid email or phone
// number is, to the Service.
//
// Readers stream: they hold one record in memory at a time, so a file of any
// size can be read, and they return an iter.Seq2 that yields one record or
// one error per step. A record the format cannot make sense of is reported
// as a *RecordError, with its line and, when it can be read, its email, and
// reading continues with the next record. Any other error (reading the
// underlying io.Reader fails, or the rest of the file cannot be read) is the
// last value of the sequence. Errors name the column and the problem; they
// never quote a whole row, which may hold personal data beyond the email.
//
// ReadShopifyCSV reads both Shopify's current export and its older import
// template, with the quirks real files carry: a UTF-8 byte order mark,
// CRLF line endings, Excel's leading apostrophes, yes/no booleans and
// comma-separated tags. ShopifyWriter writes the current export format, with
// a guard against formula injection that the reader undoes, so that an
// export imports back exactly.
package customerfile
