package customerfile_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// ExampleReadShopifyCSV reads an export with a broken record in the middle:
// it is reported with its line and email, and the rest is read.
func ExampleReadShopifyCSV() {
	export := "\ufeffCustomer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address City,Default Address Country Code,Default Address Zip,Tags\r\n" +
		"'7012345678901,Zoë,Ångström,zoe@example.com,yes,Stockholm,SE,'111 51,\"vip, newsletter\"\r\n" +
		"'7012345678902,Ana,Lima,ana@example.com,maybe,,,,\r\n" +
		"'7012345678903,太郎,山田,taro@example.jp,no,,,,\r\n"

	records, err := customerfile.ReadShopifyCSV(strings.NewReader(export))
	if err != nil {
		log.Fatal(err) // not a customer file: nothing was read
	}
	for rec, err := range records {
		var bad *customerfile.RecordError
		switch {
		case errors.As(err, &bad):
			fmt.Println("skipped:", bad)
			continue
		case err != nil:
			log.Fatal(err) // the file cannot be read on
		}
		fmt.Printf("line %d: %s %s %s <%s> %v", rec.Line, rec.ID, rec.FirstName, rec.LastName, rec.Email, rec.Tags)
		if rec.Address != nil {
			fmt.Printf(" %s %s", rec.Address.Zip, rec.Address.City)
		}
		fmt.Println()
	}
	// Output:
	// line 2: 7012345678901 Zoë Ångström <zoe@example.com> [vip newsletter] 111 51 Stockholm
	// skipped: line 3 (ana@example.com): column "Accepts Email Marketing": not a boolean: yes or no, true or false, 1 or 0
	// line 4: 7012345678903 太郎 山田 <taro@example.jp> []
}

// ExampleShopifyWriter exports a customer; the formula in the note is
// guarded, and reads back as it was.
func ExampleShopifyWriter() {
	w := customerfile.NewShopifyWriter(os.Stdout)
	err := w.Write(&customerauth.Customer{
		ID: "0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e", Email: "zoe@example.com",
		FirstName: "Zoë", LastName: "Ångström", Phone: "+46701234567", AcceptsMarketing: true,
		Note: "=1+1", Tags: []string{"vip", "newsletter"},
	})
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags
	// '0190a6c4-7b1e-7cc2-9d4e-3f2a1b0c9d8e,Zoë,Ångström,zoe@example.com,yes,,,,,,,,,'+46701234567,no,0.00,0,'=1+1,no,"vip, newsletter"
}

// ExampleReadHashes reads customers with their password hashes.
func ExampleReadHashes() {
	file := `{"email":"zoe@example.com","first_name":"Zoë","tags":["vip"],"password_hash":"$2a$10$VlRpd2f.rQ5PZaSXiSVnMOBxTkeMdY71b4Hav1.2nZaw.8VMjcmFe","id":7012345678901}
{"email":"ana@example.com","pasword_hash":"$2a$10$..."}
`
	for rec, err := range customerfile.ReadHashes(strings.NewReader(file)) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Println(rec.Line, rec.ID, rec.Email, rec.Tags, rec.PasswordHash[:7])
	}
	// Output:
	// 1 7012345678901 zoe@example.com [vip] $2a$10$
	// skipped: line 2 (ana@example.com): json: unknown field "pasword_hash"
}
