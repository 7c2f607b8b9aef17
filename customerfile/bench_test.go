package customerfile_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// exportOf writes n customers like those of a real shop: most with an
// address, some with a quoted note, tags and guarded phones.
func exportOf(tb testing.TB, n int) []byte {
	var b bytes.Buffer
	w := customerfile.NewShopifyWriter(&b)
	for i := range n {
		c := &customerauth.Customer{
			ID: fmt.Sprint(7012345678901 + i), Email: fmt.Sprintf("customer%d@example.com", i),
			FirstName: "Zoë", LastName: "Ångström", Phone: "+46701234567",
			AcceptsMarketing: i%2 == 0, TaxExempt: i%7 == 0,
			Tags: []string{"vip", "newsletter"},
		}
		if i%3 == 0 {
			c.Note = "Prefers pickup, \"weekdays\" only\nCall first 📦"
		}
		if i%4 != 0 {
			c.Addresses = []customerauth.Address{{
				ID: "a", Company: "Ångström & Co., AB", Address1: "Drottninggatan 12", City: "Stockholm",
				ProvinceCode: "AB", CountryCode: "SE", Zip: "111 51", Phone: "+4681234567",
			}}
			c.DefaultAddressID = "a"
		}
		if err := w.Write(c); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkReadShopifyCSV reads an export of 10,000 customers and reports
// rows per second.
func BenchmarkReadShopifyCSV(b *testing.B) {
	const rows = 10_000
	file := exportOf(b, rows)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var read int
	for b.Loop() {
		seq, err := customerfile.ReadShopifyCSV(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range seq {
			if err != nil {
				b.Fatal(err)
			}
			read++
		}
	}
	b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkShopifyWriter writes customers and reports rows per second.
func BenchmarkShopifyWriter(b *testing.B) {
	c := zoe()
	var buf bytes.Buffer
	w := customerfile.NewShopifyWriter(&buf)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := w.Write(c); err != nil {
			b.Fatal(err)
		}
		if n++; n%1000 == 0 {
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			buf.Reset()
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadHashes reads 10,000 lines of a hashes file and reports rows
// per second.
func BenchmarkReadHashes(b *testing.B) {
	const rows = 10_000
	var file bytes.Buffer
	for i := range rows {
		fmt.Fprintf(&file, `{"email":"customer%d@example.com","first_name":"Zoë","last_name":"Ångström","tags":["vip","newsletter"],"password_hash":"%s","id":%d}`+"\n",
			i, bcryptHash, 7012345678901+i)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	var read int
	for b.Loop() {
		for _, err := range customerfile.ReadHashes(bytes.NewReader(file.Bytes())) {
			if err != nil {
				b.Fatal(err)
			}
			read++
		}
	}
	b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "rows/s")
}
