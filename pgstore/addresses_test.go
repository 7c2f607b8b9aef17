package pgstore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
)

// TestUpgradeFrom0003MovesAddresses: a database that a release of schema
// version 3 wrote, with addresses as jsonb arrays in
// customerauth_customers.addresses, migrated to version 4: every customer
// keeps its addresses, field for field and in their order, and its
// default; the jsonb column is gone; and the address book works on the
// moved rows, appending after them and moving the default to the oldest.
func TestUpgradeFrom0003MovesAddresses(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := pgstore.New(newPool(t, schema, nil))
	ctx := t.Context()
	if err := pgstore.MigrateThrough(ctx, s, 3); err != nil {
		t.Fatalf("migrating to version 3: %v", err)
	}

	// Ids whose order is not the list's, coordinates that JSON writes as
	// integers, long decimals and none, and fields left out (omitempty).
	many := customer("Many@example.com")
	many.Addresses = []customerauth.Address{
		{ID: "z-" + uuid.NewString(), FirstName: "Ann", LastName: "Lee", Company: "Lee & Co", Address1: "1 Main St", Address2: "Suite 2",
			City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0A1",
			Phone: "+16135550100", Latitude: new(45.42153), Longitude: new(-75.697193)},
		{ID: "a-" + uuid.NewString(), City: "Null Island", Latitude: new(0.0), Longitude: new(45.0)},
		{ID: "m-" + uuid.NewString(), Address1: "2 Side St", City: "Toronto", CountryCode: "CA", Latitude: new(0.1 + 0.2), Longitude: new(-1e-300)},
		{ID: "b-" + uuid.NewString(), City: "Ünïcödé \"quoted\" \\ city"},
	}
	many.DefaultAddressID = many.Addresses[2].ID
	one := customer("One@example.com")
	one.Addresses = []customerauth.Address{{ID: uuid.NewString(), City: "Lyon"}}
	one.DefaultAddressID = one.Addresses[0].ID
	none := customer("None@example.com")
	// The rows as the statements of that release wrote them: the JSON of
	// encoding/json.
	admin := adminConn(t)
	for _, c := range []*customerauth.Customer{many, one, none} {
		b, err := json.Marshal(c.Addresses)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addresses == nil {
			b = []byte("[]")
		}
		if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_customers (id, email, email_key, phone, first_name,
			last_name, accepts_marketing, state, password_hash, tags, addresses, default_address_id, multipass_identifier,
			created_at, updated_at, credential_version) VALUES ($1, $2, $3, NULL, '', '', false, $4, '', '{}', $5, $6, NULL, $7, $7, 0)`,
			c.ID, c.Email, c.EmailKey, int16(c.State), string(b), c.DefaultAddressID, base); err != nil {
			t.Fatal(err)
		}
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	if l := ledger(t, admin, schema); len(l) < 4 || l[3].Name != "0004_addresses.sql" {
		t.Fatalf("ledger %v, want 0004_addresses.sql fourth", l)
	}
	for _, want := range []*customerauth.Customer{many, one, none} {
		got, err := s.CustomerByEmail(ctx, want.EmailKey)
		if err != nil {
			t.Fatalf("CustomerByEmail(%s) after the upgrade: %v", want.Email, err)
		}
		if d := diffAddresses(want.Addresses, got.Addresses); d != "" || got.DefaultAddressID != want.DefaultAddressID {
			t.Errorf("%s after the upgrade: %s; default %q, want %q", want.Email, d, got.DefaultAddressID, want.DefaultAddressID)
		}
	}
	var cols int
	if err := admin.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'customerauth_customers' AND column_name = 'addresses'`, schema).Scan(&cols); err != nil {
		t.Fatal(err)
	}
	if cols != 0 {
		t.Error("customerauth_customers still has the addresses column")
	}

	// The address book on the moved rows.
	ch := customerauth.AddressChange{CustomerID: many.ID, UpdatedAt: base.Add(time.Minute)}
	added := customerauth.Address{ID: uuid.NewString(), City: "Added"}
	got, err := s.AddAddress(ctx, ch, added, 0)
	if err != nil {
		t.Fatalf("AddAddress after the upgrade: %v", err)
	}
	if n := len(got.Addresses); n != 5 || got.Addresses[4].ID != added.ID {
		t.Errorf("AddAddress after the upgrade: %d addresses, the last %q; want it appended", n, got.Addresses[n-1].ID)
	}
	if got, err = s.DeleteAddress(ctx, ch, many.DefaultAddressID); err != nil || got.DefaultAddressID != many.Addresses[0].ID {
		t.Errorf("DeleteAddress of the default after the upgrade: %+v, %v; want the oldest, %q, as default", got, err, many.Addresses[0].ID)
	}
	// Ids stay unique among all customers.
	if _, err := s.AddAddress(ctx, customerauth.AddressChange{CustomerID: none.ID, UpdatedAt: base}, one.Addresses[0], 0); !errors.Is(err, customerauth.ErrConflict) {
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

// TestAddAddressCountsAfterTheLock walks the interleaving the lock order
// exists for: another transaction holds the customer's row lock and has
// added the customer's only allowed address, uncommitted. AddAddress
// waits for the lock, and its count, a later statement with a later
// snapshot, then sees that address: ErrTooManyAddresses, and one address.
func TestAddAddressCountsAfterTheLock(t *testing.T) {
	testDSN(t)
	t.Parallel()
	e := newRaceEnv(t)
	ctx := t.Context()
	c := customer("Counted@example.com")
	if err := e.s.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	tx, err := e.admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	first := uuid.NewString()
	if _, err := tx.Exec(ctx, "SELECT 1 FROM "+e.schema+".customerauth_customers WHERE id = $1 FOR NO KEY UPDATE", c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO "+e.schema+".customerauth_addresses (customer_id, position, id) VALUES ($1, 1, $2)", c.ID, first); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE "+e.schema+".customerauth_customers SET default_address_id = $2 WHERE id = $1", c.ID, first); err != nil {
		t.Fatal(err)
	}
	added := make(chan error, 1)
	go func() {
		_, err := e.s.AddAddress(ctx, customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base},
			customerauth.Address{ID: uuid.NewString(), City: "Second"}, 1)
		added <- err
	}()
	e.waitBlocked(t, "SELECT default_address_id FROM customerauth_customers")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-added; !errors.Is(err, customerauth.ErrTooManyAddresses) {
		t.Errorf("AddAddress that waited for the other add: %v, want ErrTooManyAddresses", err)
	}
	got, err := e.s.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Addresses) != 1 || got.Addresses[0].ID != first || got.DefaultAddressID != first {
		t.Errorf("addresses %+v, default %q; want only the first, as default", got.Addresses, got.DefaultAddressID)
	}
}

// TestNonFiniteCoordinatesAreRefused: an address with a NaN or infinite
// coordinate is refused, as by the SQLite store, by every call that
// writes addresses, and nothing is stored.
func TestNonFiniteCoordinatesAreRefused(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	ctx := t.Context()
	c := customer("NaN@example.com")
	if err := s.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	ok := customerauth.Address{ID: uuid.NewString(), City: "Fine"}
	if _, err := s.AddAddress(ctx, customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base}, ok, 0); err != nil {
		t.Fatal(err)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		bad := customerauth.Address{ID: uuid.NewString(), Latitude: new(f), Longitude: new(1.0)}
		ch := customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base}
		if _, err := s.AddAddress(ctx, ch, bad, 0); err == nil {
			t.Errorf("AddAddress with latitude %v succeeded", f)
		}
		upd := bad
		upd.ID = ok.ID
		if _, err := s.UpdateAddress(ctx, ch, upd); err == nil {
			t.Errorf("UpdateAddress with latitude %v succeeded", f)
		}
		if _, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: base, Addresses: &[]customerauth.Address{bad}}); err == nil {
			t.Errorf("UpdateCustomer with latitude %v succeeded", f)
		}
		other := customer(uuid.NewString() + "@example.com")
		other.Addresses = []customerauth.Address{bad}
		if err := s.CreateCustomer(ctx, other, nil); err == nil {
			t.Errorf("CreateCustomer with latitude %v succeeded", f)
		}
	}
	got, err := s.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffAddresses([]customerauth.Address{ok}, got.Addresses); d != "" {
		t.Errorf("after the refused calls: %s", d)
	}
}
