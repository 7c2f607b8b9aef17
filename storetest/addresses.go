package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// The address book: one address at a time, each call one atomic step.

// newAddress returns an address with a fresh ID and every field set.
func newAddress(city string) customerauth.Address {
	lat, lon := 48.8566, 2.3522
	return customerauth.Address{
		ID: uuid.NewString(), FirstName: "Ann", LastName: "Lee", Company: "Lee & Co",
		Address1: "1 Rue de Rivoli", Address2: "Apt 4", City: city,
		Province: "", ProvinceCode: "", Country: "France", CountryCode: "FR",
		Zip: "75001", Phone: "+33142000000", Latitude: &lat, Longitude: &lon,
	}
}

// bareCustomer is newCustomer without addresses, for tests that build the
// address book from nothing.
func bareCustomer() *customerauth.Customer {
	c := newCustomer()
	c.Addresses, c.DefaultAddressID = nil, ""
	return c
}

func change(c *customerauth.Customer) customerauth.AddressChange {
	return customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: base}
}

// wantAddresses fails unless the stored customer has exactly these
// addresses, in this order, with def as its default.
func wantAddresses(t *testing.T, s customerauth.Store, id string, def string, want ...customerauth.Address) {
	t.Helper()
	got := mustGet(t, s, id)
	if got.DefaultAddressID != def {
		t.Errorf("DefaultAddressID = %q, want %q", got.DefaultAddressID, def)
	}
	w := &customerauth.Customer{Addresses: want}
	g := &customerauth.Customer{Addresses: got.Addresses}
	for _, d := range structDiff(normalizeCustomer(w), normalizeCustomer(g)) {
		t.Errorf("stored addresses: %s", d)
	}
}

// testAddAddress: the first address becomes the default, later ones are
// appended in order and leave the default alone.
func testAddAddress(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a, b, d := newAddress("Paris"), newAddress("Lyon"), newAddress("Nice")
	for i, addr := range []customerauth.Address{a, b, d} {
		ch := change(c)
		ch.UpdatedAt = base.Add(time.Duration(i+1) * time.Minute)
		got, err := s.AddAddress(t.Context(), ch, addr, 0)
		if err != nil {
			t.Fatalf("AddAddress %d: %v", i, err)
		}
		if !got.UpdatedAt.Equal(ch.UpdatedAt) {
			t.Errorf("AddAddress %d: UpdatedAt = %v, want %v", i, got.UpdatedAt, ch.UpdatedAt)
		}
		if got.DefaultAddressID != a.ID || len(got.Addresses) != i+1 {
			t.Errorf("AddAddress %d returned %d addresses, default %q; want %d and the first", i, len(got.Addresses), got.DefaultAddressID, i+1)
		}
	}
	wantAddresses(t, s, c.ID, a.ID, a, b, d)
}

// testAddAddressLimit: at the limit nothing is added.
func testAddAddressLimit(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a, b := newAddress("Paris"), newAddress("Lyon")
	if _, err := s.AddAddress(t.Context(), change(c), a, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAddress(t.Context(), change(c), b, 2); err != nil {
		t.Fatal(err)
	}
	_, err := s.AddAddress(t.Context(), change(c), newAddress("Nice"), 2)
	wantErr(t, err, customerauth.ErrTooManyAddresses, "AddAddress over the limit")
	wantAddresses(t, s, c.ID, a.ID, a, b)
}

// testUpdateAddress: an update replaces one address in place and nothing
// else; an address that is not the customer's is ErrAddressNotFound.
func testUpdateAddress(t *testing.T, s customerauth.Store) {
	c, other := bareCustomer(), bareCustomer()
	mustCreate(t, s, c, nil)
	mustCreate(t, s, other, nil)
	a, b := newAddress("Paris"), newAddress("Lyon")
	theirs := newAddress("Rome")
	for _, x := range []customerauth.Address{a, b} {
		if _, err := s.AddAddress(t.Context(), change(c), x, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddAddress(t.Context(), change(other), theirs, 0); err != nil {
		t.Fatal(err)
	}

	b2 := newAddress("Marseille")
	b2.ID, b2.Latitude, b2.Company = b.ID, nil, ""
	got, err := s.UpdateAddress(t.Context(), change(c), b2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Addresses) != 2 || got.Addresses[1].City != "Marseille" {
		t.Errorf("UpdateAddress returned %+v", got.Addresses)
	}
	wantAddresses(t, s, c.ID, a.ID, a, b2)

	for name, id := range map[string]string{"AnotherCustomersAddress": theirs.ID, "UnknownAddress": uuid.NewString()} {
		x := newAddress("Nowhere")
		x.ID = id
		_, err := s.UpdateAddress(t.Context(), change(c), x)
		wantErr(t, err, customerauth.ErrAddressNotFound, "UpdateAddress of "+name)
	}
	wantAddresses(t, s, c.ID, a.ID, a, b2)
	wantAddresses(t, s, other.ID, theirs.ID, theirs)
}

// testDeleteAddress: deleting another address keeps the default; deleting
// the default makes the oldest remaining address the default; deleting the
// last leaves none.
func testDeleteAddress(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a, b, d := newAddress("Paris"), newAddress("Lyon"), newAddress("Nice")
	for _, x := range []customerauth.Address{a, b, d} {
		if _, err := s.AddAddress(t.Context(), change(c), x, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetDefaultAddress(t.Context(), change(c), d.ID); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		delete string
		def    string
		left   []customerauth.Address
	}{
		{b.ID, d.ID, []customerauth.Address{a, d}},
		{d.ID, a.ID, []customerauth.Address{a}},
		{a.ID, "", nil},
	}
	for _, st := range steps {
		got, err := s.DeleteAddress(t.Context(), change(c), st.delete)
		if err != nil {
			t.Fatalf("DeleteAddress: %v", err)
		}
		if got.DefaultAddressID != st.def {
			t.Errorf("after deleting, DeleteAddress returned default %q, want %q", got.DefaultAddressID, st.def)
		}
		wantAddresses(t, s, c.ID, st.def, st.left...)
	}
	_, err := s.DeleteAddress(t.Context(), change(c), a.ID)
	wantErr(t, err, customerauth.ErrAddressNotFound, "DeleteAddress of a deleted address")
}

// testSetDefaultAddress: only one of the customer's own addresses can be
// the default.
func testSetDefaultAddress(t *testing.T, s customerauth.Store) {
	c, other := bareCustomer(), bareCustomer()
	mustCreate(t, s, c, nil)
	mustCreate(t, s, other, nil)
	a, b, theirs := newAddress("Paris"), newAddress("Lyon"), newAddress("Rome")
	for _, x := range []customerauth.Address{a, b} {
		if _, err := s.AddAddress(t.Context(), change(c), x, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddAddress(t.Context(), change(other), theirs, 0); err != nil {
		t.Fatal(err)
	}
	got, err := s.SetDefaultAddress(t.Context(), change(c), b.ID)
	if err != nil || got.DefaultAddressID != b.ID {
		t.Fatalf("SetDefaultAddress = %v, %v", got, err)
	}
	_, err = s.SetDefaultAddress(t.Context(), change(c), theirs.ID)
	wantErr(t, err, customerauth.ErrAddressNotFound, "SetDefaultAddress to another customer's address")
	wantAddresses(t, s, c.ID, b.ID, a, b)
	wantAddresses(t, s, other.ID, theirs.ID, theirs)
}

// testAddressChangesCheckTheirToken: every address call made with an access
// token commits only while the token is usable, and an unknown customer is
// ErrNotFound.
func testAddressChangesCheckTheirToken(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	live := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, live)
	a := newAddress("Paris")
	withToken := func(h customerauth.TokenHash) customerauth.AddressChange {
		ch := change(c)
		ch.AccessToken = &h
		return ch
	}
	if _, err := s.AddAddress(t.Context(), withToken(live.Hash), a, 0); err != nil {
		t.Fatalf("AddAddress with a live token: %v", err)
	}
	// A password reset revokes the token.
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("reset"), UpdatedAt: base, RevokeTokens: true})
	b := newAddress("Lyon")
	a2 := a
	a2.City = "Thief's"
	calls := map[string]func(ch customerauth.AddressChange) error{
		"AddAddress":    func(ch customerauth.AddressChange) error { _, err := s.AddAddress(t.Context(), ch, b, 0); return err },
		"UpdateAddress": func(ch customerauth.AddressChange) error { _, err := s.UpdateAddress(t.Context(), ch, a2); return err },
		"DeleteAddress": func(ch customerauth.AddressChange) error {
			_, err := s.DeleteAddress(t.Context(), ch, a.ID)
			return err
		},
		"SetDefaultAddress": func(ch customerauth.AddressChange) error {
			_, err := s.SetDefaultAddress(t.Context(), ch, a.ID)
			return err
		},
	}
	for name, call := range calls {
		wantErr(t, call(withToken(live.Hash)), customerauth.ErrNotFound, name+" with a revoked token")
		unknown := change(c)
		unknown.CustomerID = uuid.NewString()
		wantErr(t, call(unknown), customerauth.ErrNotFound, name+" of an unknown customer")
	}
	wantAddresses(t, s, c.ID, a.ID, a)
}

// testAddressesAreCopied: the address passed in and the customers handed
// out share no memory with the store.
func testAddressesAreCopied(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a := newAddress("Paris")
	want := a
	lat := *a.Latitude
	want.Latitude = &lat
	got, err := s.AddAddress(t.Context(), change(c), a, 0)
	if err != nil {
		t.Fatal(err)
	}
	*a.Latitude = 0
	*got.Addresses[0].Latitude = 1
	got.Addresses[0].City = "Changed"
	wantAddresses(t, s, c.ID, a.ID, want)
}

// testConcurrentAddsAreAllKept: twenty concurrent adds to one customer keep
// twenty addresses; with a limit, exactly the limit is kept.
func testConcurrentAddsAreAllKept(t *testing.T, s customerauth.Store) {
	for _, limit := range []int{0, 10} {
		t.Run(fmt.Sprintf("Limit%d", limit), func(t *testing.T) {
			c := bareCustomer()
			mustCreate(t, s, c, nil)
			const n = 20
			addrs := make([]customerauth.Address, n)
			errs := make([]error, n)
			for i := range addrs {
				addrs[i] = newAddress(fmt.Sprintf("City %d", i))
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range addrs {
				wg.Go(func() {
					<-start
					_, errs[i] = s.AddAddress(context.Background(), change(c), addrs[i], limit)
				})
			}
			close(start)
			wg.Wait()
			var added []string
			for i, err := range errs {
				switch {
				case err == nil:
					added = append(added, addrs[i].ID)
				case !errors.Is(err, customerauth.ErrTooManyAddresses) || limit == 0:
					t.Errorf("add %d: %v", i, err)
				}
			}
			want := n
			if limit > 0 {
				want = limit
			}
			got := mustGet(t, s, c.ID)
			if len(added) != want || len(got.Addresses) != want {
				t.Fatalf("%d adds succeeded and %d addresses are stored, want %d", len(added), len(got.Addresses), want)
			}
			var stored []string
			for _, a := range got.Addresses {
				stored = append(stored, a.ID)
			}
			slices.Sort(added)
			slices.Sort(stored)
			if !slices.Equal(added, stored) {
				t.Errorf("stored addresses %v are not the ones whose adds succeeded %v", stored, added)
			}
			if !slices.Contains(stored, got.DefaultAddressID) {
				t.Errorf("default %q is not one of the stored addresses", got.DefaultAddressID)
			}
		})
	}
}

// testDeleteRacingUpdate: a delete and an update of one address at once
// leave it deleted, never resurrected or half-applied; the update either
// came first and succeeded or came second and found nothing.
func testDeleteRacingUpdate(t *testing.T, s customerauth.Store) {
	for round := range 10 {
		c := bareCustomer()
		mustCreate(t, s, c, nil)
		a, keep := newAddress("Paris"), newAddress("Lyon")
		for _, x := range []customerauth.Address{a, keep} {
			if _, err := s.AddAddress(t.Context(), change(c), x, 0); err != nil {
				t.Fatal(err)
			}
		}
		upd := newAddress("Updated")
		upd.ID = a.ID
		start := make(chan struct{})
		var delErr, updErr error
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			_, delErr = s.DeleteAddress(context.Background(), change(c), a.ID)
		})
		wg.Go(func() {
			<-start
			_, updErr = s.UpdateAddress(context.Background(), change(c), upd)
		})
		close(start)
		wg.Wait()
		if delErr != nil {
			t.Fatalf("round %d: DeleteAddress: %v", round, delErr)
		}
		if updErr != nil && !errors.Is(updErr, customerauth.ErrAddressNotFound) {
			t.Errorf("round %d: UpdateAddress: %v, want nil or ErrAddressNotFound", round, updErr)
		}
		wantAddresses(t, s, c.ID, keep.ID, keep)
	}
}

// testAddressIDsAreUnique: the GraphQL id of an address is built from its
// id alone, so no two addresses, of one customer or of two, share one.
func testAddressIDsAreUnique(t *testing.T, s customerauth.Store) {
	c, d := bareCustomer(), bareCustomer()
	x := newAddress("Paris")
	c.Addresses, c.DefaultAddressID = []customerauth.Address{x}, x.ID
	mustCreate(t, s, c, nil)
	mustCreate(t, s, d, nil)

	e := bareCustomer()
	e.Addresses, e.DefaultAddressID = []customerauth.Address{x}, x.ID
	wantErr(t, s.CreateCustomer(t.Context(), e, nil), customerauth.ErrConflict, "CreateCustomer with another customer's address id")
	wantNoCustomer(t, s, e.ID)

	twice := bareCustomer()
	y := newAddress("Lyon")
	twice.Addresses = []customerauth.Address{y, y}
	wantErr(t, s.CreateCustomer(t.Context(), twice, nil), customerauth.ErrConflict, "CreateCustomer with one address id twice")

	list := []customerauth.Address{x}
	_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: d.ID, Addresses: &list, UpdatedAt: base})
	wantErr(t, err, customerauth.ErrConflict, "UpdateCustomer with another customer's address id")
	_, err = s.AddAddress(t.Context(), change(d), x, 0)
	wantErr(t, err, customerauth.ErrConflict, "AddAddress with another customer's address id")
	wantAddresses(t, s, d.ID, "")
	wantAddresses(t, s, c.ID, x.ID, x)

	// Once deleted, an id is free again.
	if _, err := s.DeleteAddress(t.Context(), change(c), x.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAddress(t.Context(), change(d), x, 0); err != nil {
		t.Errorf("AddAddress with a deleted address's id: %v", err)
	}
}
