package sqlitestore_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
)

// countRows returns the number of rows of each of the store's customer
// tables: customers, addresses, tokens.
func countRows(t *testing.T, st *sqlitestore.Store) [3]int {
	t.Helper()
	var n [3]int
	for i, table := range []string{"customerauth_customers", "customerauth_addresses", "customerauth_tokens"} {
		if err := st.DB().QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n[i]); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// importBatch returns n customers as an import makes them: the source
// platform's numeric ids, one address each, and the import's fields. The
// prefix, a digit, keeps batches of different prefixes apart.
func importBatch(prefix string, n int) []*customerauth.Customer {
	cs := make([]*customerauth.Customer, n)
	for i := range cs {
		c := newCustomer(fmt.Sprintf("%s.%06d@Example.com", prefix, i))
		c.ID = fmt.Sprintf("%s%06d", prefix, i)
		c.Phone = fmt.Sprintf("+1%03d%07d", 200+int(prefix[0]-'0'), i)
		c.FirstName, c.LastName = "Ann", fmt.Sprintf("Lee%d", i)
		c.State = customerauth.StateDisabled
		c.AcceptsSMSMarketing, c.TaxExempt, c.Note = i%2 == 0, i%3 == 0, "imported"
		c.Tags = []string{"imported"}
		c.Addresses = []customerauth.Address{{ID: uuid.NewString(), FirstName: "Ann", Address1: fmt.Sprintf("%d Main St", i),
			City: "Ottawa", ProvinceCode: "ON", CountryCode: "CA", Zip: "K1A 0A1", Latitude: new(45.4215), Longitude: new(-75.6972)}}
		c.DefaultAddressID = c.Addresses[0].ID
		cs[i] = c
	}
	return cs
}

// TestCreateCustomersConflictStoresNothing: a collision in the last row of
// a batch, with a stored customer or within the batch, rolls back every
// row before it; the error names the customer by its id, never by the
// email or phone that collided.
func TestCreateCustomersConflictStoresNothing(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	stored := importBatch("1", 1)[0]
	if err := st.CreateCustomer(ctx, stored, nil); err != nil {
		t.Fatal(err)
	}
	before := countRows(t, st)
	cases := map[string]func(last, first *customerauth.Customer){
		"stored id":         func(last, _ *customerauth.Customer) { last.ID = stored.ID },
		"stored email key":  func(last, _ *customerauth.Customer) { last.EmailKey = stored.EmailKey },
		"stored phone":      func(last, _ *customerauth.Customer) { last.Phone = stored.Phone },
		"stored address id": func(last, _ *customerauth.Customer) { last.Addresses[0].ID = stored.Addresses[0].ID },
		"batch id":          func(last, first *customerauth.Customer) { last.ID = first.ID },
		"batch email key":   func(last, first *customerauth.Customer) { last.EmailKey = first.EmailKey },
		"batch address id":  func(last, first *customerauth.Customer) { last.Addresses[0].ID = first.Addresses[0].ID },
		"batch identifier": func(last, first *customerauth.Customer) {
			first.MultipassIdentifier, last.MultipassIdentifier = "idp-1", "idp-1"
		},
	}
	for name, collide := range cases {
		t.Run(name, func(t *testing.T) {
			cs := importBatch("2", 50)
			collide(cs[len(cs)-1], cs[0])
			err := st.CreateCustomers(ctx, cs)
			if !errors.Is(err, customerauth.ErrConflict) {
				t.Fatalf("CreateCustomers = %v, want ErrConflict", err)
			}
			if !strings.Contains(err.Error(), cs[len(cs)-1].ID) || strings.Contains(err.Error(), "@") {
				t.Errorf("error %q: want it to name the customer by id, not by email", err)
			}
			if after := countRows(t, st); after != before {
				t.Errorf("rows after the refused batch %v, want %v", after, before)
			}
		})
	}
	// Nothing of the refused batches stands in the way of a clean one.
	cs := importBatch("2", 50)
	if err := st.CreateCustomers(ctx, cs); err != nil {
		t.Fatalf("CreateCustomers after the refusals: %v", err)
	}
}

// TestFindCustomersBeyondTheParameterLimit: the values travel as JSON
// arrays, so a lookup of more of them than SQLite binds parameters
// (32766) works, and each customer found by id and by email is listed
// once.
func TestFindCustomersBeyondTheParameterLimit(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	cs := importBatch("3", 200)
	if err := st.CreateCustomers(ctx, cs); err != nil {
		t.Fatal(err)
	}
	var ids, keys []string
	for i := range 40_000 {
		ids = append(ids, fmt.Sprintf("missing%d", i))
		keys = append(keys, fmt.Sprintf("missing%d@example.com", i))
	}
	for _, c := range cs[:100] {
		ids = append(ids, c.ID)
	}
	for _, c := range cs[50:150] {
		keys = append(keys, c.EmailKey)
	}
	keys = append(keys, "not utf-8 \xff")
	found, err := st.FindCustomers(ctx, ids, keys)
	if err != nil {
		t.Fatalf("FindCustomers: %v", err)
	}
	seen := map[string]bool{}
	for _, c := range found {
		if seen[c.ID] {
			t.Errorf("customer %s found twice", c.ID)
		}
		seen[c.ID] = true
		if len(c.Addresses) != 1 || c.Note != "imported" {
			t.Errorf("customer %s found as %+v", c.ID, c)
		}
	}
	if len(seen) != 150 {
		t.Errorf("found %d customers, want 150", len(seen))
	}
}

// TestListSearchFolding: the search ignores case as strings.ToLower does,
// beyond ASCII, in the email (through email_key) and in the names (through
// the function the package registers with the driver), and is plain text;
// on a database the host opened itself, too.
func TestListSearchFolding(t *testing.T) {
	st := sqlitestore.New(openDB(t, filepath.Join(t.TempDir(), "host.db"), sqlitestore.DSNOptions))
	ctx := t.Context()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := newCustomer("Zoé.Ärger@example.com")
	c.FirstName, c.LastName = "Émile", "ZOLA"
	if err := st.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	for search, want := range map[string]bool{
		// The email, folded as strings.ToLower does.
		"ZOÉ.ÄRGER@": true,
		"zoé.ärger@": true,
		// The names.
		"Émile": true,
		"émile": true,
		"ÉMILE": true,
		"zola":  true,
		"ZoLa":  true,
		"emile": false, // é is not e
		// Plain text.
		"%":  false,
		"_":  false,
		"\\": false,
	} {
		got, err := st.ListCustomers(ctx, customerauth.CustomerQuery{Search: search, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if (len(got) == 1) != want {
			t.Errorf("search %q found %d customers, want found = %v", search, len(got), want)
		}
	}
	if _, err := st.ListCustomers(ctx, customerauth.CustomerQuery{}); err == nil {
		t.Error("ListCustomers with Limit 0 succeeded, want an error")
	}
}

// TestEraseLeavesNoCopyInTheFile: once the customer is erased and the log
// checkpointed into the database file, the file holds none of its data;
// and the pooled connection that erased it has secure_delete as it was.
func TestEraseLeavesNoCopyInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	db := openDB(t, path, sqlitestore.DSNOptions)
	db.SetMaxOpenConns(1) // the erase's connection is the one checked after it
	st := sqlitestore.New(db)
	ctx := t.Context()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keep := importBatch("4", 20)
	if err := st.CreateCustomers(ctx, keep); err != nil {
		t.Fatal(err)
	}
	gone := newCustomer("Erased.Person@example.com")
	gone.Note = "erase-me-note-4217"
	gone.Addresses = []customerauth.Address{{ID: uuid.NewString(), Address1: "erase-me-street-9931"}}
	tok := &customerauth.Token{Hash: customerauth.HashToken("erased"), Kind: customerauth.TokenAccess, CustomerID: gone.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	if err := st.CreateCustomer(ctx, gone, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	if err := st.EraseCustomer(ctx, gone.ID); err != nil {
		t.Fatalf("EraseCustomer: %v", err)
	}
	if err := st.EraseCustomer(ctx, gone.ID); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("second EraseCustomer = %v, want ErrNotFound", err)
	}
	if _, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("the erased customer's token: %v, want ErrNotFound", err)
	}
	var secure int
	if err := db.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&secure); err != nil || secure != 0 {
		t.Errorf("secure_delete after the erase = %d, %v; want 0, as before", secure, err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{gone.ID, gone.EmailKey, gone.Note, gone.Addresses[0].ID, gone.Addresses[0].Address1} {
		if bytes.Contains(file, []byte(s)) {
			t.Errorf("the database file still holds %q", s)
		}
	}
	if !bytes.Contains(file, []byte(keep[0].EmailKey)) {
		t.Error("the database file does not hold a kept customer's email; the check above proves nothing")
	}
}
