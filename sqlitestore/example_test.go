package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
)

// A host opens the database file, applies the schema at startup and gives
// the store to the Service. A scheduled job calls DeleteExpired.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "customerauth")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "customers.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	svc, err := customerauth.New(customerauth.Config{Store: st, ShopURL: "https://shop.example"})
	if err != nil {
		log.Fatal(err)
	}
	c, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "a long passphrase"})
	if err != nil {
		log.Fatal(err)
	}
	stored, err := st.CustomerByEmail(ctx, "ann@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(stored.ID == c.ID, stored.State)
	// Output: true ENABLED
}
