package sqlitestore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
)

// TestUpgradeFrom0003MovesAddresses: a database that a release of schema
// version 3 wrote, with addresses as JSON arrays in
// customerauth_customers.addresses, migrated to version 4: every customer
// keeps its addresses, field for field and in their order, and its
// default; the JSON column is gone; and the address book works on the
// moved rows, appending after them and moving the default to the oldest.
func TestUpgradeFrom0003MovesAddresses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	st, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if err := sqlitestore.MigrateThrough(ctx, st, 3); err != nil {
		t.Fatalf("migrating to version 3: %v", err)
	}

	// Ids whose order is not the list's, coordinates that JSON writes as
	// integers, long decimals and none, and fields left out (omitempty).
	many := newCustomer("Many@example.com")
	many.Addresses = []customerauth.Address{
		{ID: "z-" + uuid.NewString(), FirstName: "Ann", LastName: "Lee", Company: "Lee & Co", Address1: "1 Main St", Address2: "Suite 2",
			City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0A1",
			Phone: "+16135550100", Latitude: new(45.42153), Longitude: new(-75.697193)},
		{ID: "a-" + uuid.NewString(), City: "Null Island", Latitude: new(0.0), Longitude: new(45.0)},
		{ID: "m-" + uuid.NewString(), Address1: "2 Side St", City: "Toronto", CountryCode: "CA", Latitude: new(0.1 + 0.2)},
		{ID: "b-" + uuid.NewString(), City: "Ünïcödé \"quoted\" \\ city"},
	}
	many.DefaultAddressID = many.Addresses[2].ID
	one := newCustomer("One@example.com")
	one.Addresses = []customerauth.Address{{ID: uuid.NewString(), City: "Lyon"}}
	one.DefaultAddressID = one.Addresses[0].ID
	none := newCustomer("None@example.com")
	// The rows as the statements of that release wrote them: the JSON of
	// encoding/json.
	for _, c := range []*customerauth.Customer{many, one, none} {
		addrs := "[]"
		if len(c.Addresses) > 0 {
			b, err := json.Marshal(c.Addresses)
			if err != nil {
				t.Fatal(err)
			}
			addrs = string(b)
		}
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_customers (id, email, email_key, phone,
			multipass_identifier, first_name, last_name, accepts_marketing, state, password_hash, tags, addresses,
			default_address_id, created_at, updated_at, credential_version)
			VALUES (?, ?, ?, NULL, NULL, '', '', 0, ?, '', '[]', ?, ?, ?, ?, 0)`,
			c.ID, c.Email, c.EmailKey, int64(c.State), addrs, c.DefaultAddressID, base.UnixNano(), base.UnixNano()); err != nil {
			t.Fatal(err)
		}
	}

	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	applied, err := st.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(applied); n < 4 || applied[3].Name != "0004_addresses.sql" {
		t.Fatalf("applied migrations %v, want 0004_addresses.sql fourth", applied)
	}
	for _, want := range []*customerauth.Customer{many, one, none} {
		got, err := st.CustomerByEmail(ctx, want.EmailKey)
		if err != nil {
			t.Fatalf("CustomerByEmail(%s) after the upgrade: %v", want.Email, err)
		}
		if d := diffAddresses(want.Addresses, got.Addresses); d != "" || got.DefaultAddressID != want.DefaultAddressID {
			t.Errorf("%s after the upgrade: %s; default %q, want %q", want.Email, d, got.DefaultAddressID, want.DefaultAddressID)
		}
	}
	var cols int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('customerauth_customers') WHERE name = 'addresses'`).Scan(&cols); err != nil {
		t.Fatal(err)
	}
	if cols != 0 {
		t.Error("customerauth_customers still has the addresses column")
	}

	// The address book on the moved rows.
	ch := customerauth.AddressChange{CustomerID: many.ID, UpdatedAt: base.Add(time.Minute)}
	added := customerauth.Address{ID: uuid.NewString(), City: "Added"}
	got, err := st.AddAddress(ctx, ch, added, 0)
	if err != nil {
		t.Fatalf("AddAddress after the upgrade: %v", err)
	}
	if n := len(got.Addresses); n != 5 || got.Addresses[4].ID != added.ID {
		t.Errorf("AddAddress after the upgrade: %d addresses, the last %q; want it appended", n, got.Addresses[n-1].ID)
	}
	if got, err = st.DeleteAddress(ctx, ch, many.DefaultAddressID); err != nil || got.DefaultAddressID != many.Addresses[0].ID {
		t.Errorf("DeleteAddress of the default after the upgrade: default %q, %v; want the oldest, %q", got.DefaultAddressID, err, many.Addresses[0].ID)
	}
	// Ids stay unique among all customers.
	if _, err := st.AddAddress(ctx, customerauth.AddressChange{CustomerID: none.ID, UpdatedAt: base}, one.Addresses[0], 0); !errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("AddAddress with another customer's address id: %v, want ErrConflict", err)
	}
}

// diffAddresses describes how got differs from want, field by field, or
// returns "".
func diffAddresses(want, got []customerauth.Address) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d addresses, want %d", len(got), len(want))
	}
	f := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Latitude != nil && g.Latitude == w.Latitude {
			return fmt.Sprintf("address %d shares its latitude with the caller", i)
		}
		if f(w.Latitude) != f(g.Latitude) || f(w.Longitude) != f(g.Longitude) {
			return fmt.Sprintf("address %d at %s,%s, want %s,%s", i, f(g.Latitude), f(g.Longitude), f(w.Latitude), f(w.Longitude))
		}
		w.Latitude, w.Longitude, g.Latitude, g.Longitude = nil, nil, nil, nil
		if w != g {
			return fmt.Sprintf("address %d is %+v, want %+v", i, g, w)
		}
	}
	return ""
}

// TestConcurrentAddsAcrossProcesses: two Stores on one file, as two
// processes, add addresses to one customer at once with a limit. SQLite's
// write lock, not the in-process write slot, makes the count and the
// insert one step: exactly the limit is kept.
func TestConcurrentAddsAcrossProcesses(t *testing.T) {
	a, path := openStore(t)
	b, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := t.Context()
	c := newCustomer("limit@example.com")
	if err := a.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	const adds, limit = 24, 7
	errs := make([]error, adds)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range adds {
		st := []*sqlitestore.Store{a, b}[i%2]
		wg.Go(func() {
			<-start
			_, errs[i] = st.AddAddress(ctx, customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base},
				customerauth.Address{ID: uuid.NewString(), City: fmt.Sprint("City ", i)}, limit)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, customerauth.ErrTooManyAddresses):
			t.Errorf("add %d: %v", i, err)
		}
	}
	got, err := b.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ok != limit || len(got.Addresses) != limit {
		t.Errorf("%d adds succeeded and %d addresses are stored, want %d", ok, len(got.Addresses), limit)
	}
	if len(got.Addresses) > 0 && got.DefaultAddressID != got.Addresses[0].ID {
		t.Errorf("default %q, want the first address %q", got.DefaultAddressID, got.Addresses[0].ID)
	}
}

// TestNonFiniteCoordinatesAreRefused: SQLite would store NaN as NULL, so
// an address with a NaN or infinite coordinate is refused, by every call
// that writes addresses, and nothing is stored.
func TestNonFiniteCoordinatesAreRefused(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	c := newCustomer("nan@example.com")
	if err := st.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	ok := customerauth.Address{ID: uuid.NewString(), City: "Fine"}
	if _, err := st.AddAddress(ctx, customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base}, ok, 0); err != nil {
		t.Fatal(err)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		bad := customerauth.Address{ID: uuid.NewString(), Latitude: new(1.0), Longitude: new(f)}
		ch := customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base}
		if _, err := st.AddAddress(ctx, ch, bad, 0); err == nil {
			t.Errorf("AddAddress with longitude %v succeeded", f)
		}
		upd := bad
		upd.ID = ok.ID
		if _, err := st.UpdateAddress(ctx, ch, upd); err == nil {
			t.Errorf("UpdateAddress with longitude %v succeeded", f)
		}
		if _, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: base, Addresses: &[]customerauth.Address{bad}}); err == nil {
			t.Errorf("UpdateCustomer with longitude %v succeeded", f)
		}
		other := newCustomer(uuid.NewString() + "@example.com")
		other.Addresses = []customerauth.Address{bad}
		if err := st.CreateCustomer(ctx, other, nil); err == nil {
			t.Errorf("CreateCustomer with longitude %v succeeded", f)
		}
	}
	got, err := st.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffAddresses([]customerauth.Address{ok}, got.Addresses); d != "" {
		t.Errorf("after the refused calls: %s", d)
	}
}
