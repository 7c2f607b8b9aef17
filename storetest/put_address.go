package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// CustomerChange.PutAddress: one address stored by ID, in place or
// appended, made the default, every other address kept. An import uses it
// to rewrite the address it made for a customer on every run, whatever the
// customer did to the other addresses meanwhile.

// putAddress stores a with PutAddress alone and returns the customer the
// store returned.
func putAddress(t *testing.T, s customerauth.Store, c *customerauth.Customer, a customerauth.Address) *customerauth.Customer {
	t.Helper()
	return mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, PutAddress: &a, UpdatedAt: base})
}

// testPutAddressReplaces: an address with the ID of one of the customer's
// replaces it whole (cleared fields cleared) at its position, and becomes
// the default.
func testPutAddressReplaces(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	a, b, d := newAddress("Paris"), newAddress("Lyon"), newAddress("Nice")
	c.Addresses, c.DefaultAddressID = []customerauth.Address{a, b, d}, a.ID
	mustCreate(t, s, c, nil)

	b2 := newAddress("Marseille")
	b2.ID, b2.Company, b2.Latitude = b.ID, "", nil
	got := putAddress(t, s, c, b2)
	want := c.Clone()
	want.Addresses = []customerauth.Address{a, b2, d}
	want.DefaultAddressID, want.UpdatedAt = b.ID, base
	checkCustomer(t, "UpdateCustomer(PutAddress of the second address)", want, got)
	wantCustomer(t, s, want)

	// The last one, and then the default itself, in place too.
	d2 := newAddress("Cannes")
	d2.ID = d.ID
	putAddress(t, s, c, d2)
	wantAddresses(t, s, c.ID, d.ID, a, b2, d2)
	b3 := b2
	b3.City = "Toulon"
	putAddress(t, s, c, b3)
	wantAddresses(t, s, c.ID, b.ID, a, b3, d2)
}

// testPutAddressAppends: an address with a new ID goes after the others
// and becomes the default; put again, it is replaced where it now is.
func testPutAddressAppends(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	x0, x1 := c.Addresses[0], c.Addresses[1]
	e, f := newAddress("Paris"), newAddress("Lyon")

	got := putAddress(t, s, c, e)
	want := c.Clone()
	want.Addresses = []customerauth.Address{x0, x1, e}
	want.DefaultAddressID, want.UpdatedAt = e.ID, base
	checkCustomer(t, "UpdateCustomer(PutAddress of a new address)", want, got)
	wantCustomer(t, s, want)

	putAddress(t, s, c, f)
	wantAddresses(t, s, c.ID, f.ID, x0, x1, e, f)
	e.City = "Nice"
	putAddress(t, s, c, e)
	wantAddresses(t, s, c.ID, e.ID, x0, x1, e, f)
}

// testPutAddressFirst: the first address of a customer who has none.
func testPutAddressFirst(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a := newAddress("Paris")
	got := putAddress(t, s, c, a)
	if got.DefaultAddressID != a.ID || len(got.Addresses) != 1 {
		t.Errorf("UpdateCustomer(PutAddress) returned %d addresses, default %q; want 1, %q", len(got.Addresses), got.DefaultAddressID, a.ID)
	}
	wantAddresses(t, s, c.ID, a.ID, a)
}

// testPutAddressConflict: the ID of another customer's address is a
// conflict, whether or not the changed customer has addresses, and the
// whole change is refused.
func testPutAddressConflict(t *testing.T, s customerauth.Store) {
	for _, name := range []string{"WithAddresses", "WithoutAddresses"} {
		t.Run(name, func(t *testing.T) {
			c, other := newCustomer(), newCustomer()
			if name == "WithoutAddresses" {
				c.Addresses, c.DefaultAddressID = nil, ""
			}
			theirs := other.Addresses[0]
			theirs.City = "Stolen"
			checkUpdateConflict(t, s, c, other, func(ch *customerauth.CustomerChange) {
				ch.PutAddress = &theirs
			})
		})
	}
}

// testPutAddressWithAddresses: with Addresses also set, the list is the
// customer's new addresses and PutAddress is ignored: its address is not
// stored, and its ID stays free.
func testPutAddressWithAddresses(t *testing.T, s customerauth.Store) {
	for _, name := range []string{"List", "EmptyList"} {
		t.Run(name, func(t *testing.T) {
			c, other := newCustomer(), bareCustomer()
			mustCreate(t, s, c, nil)
			mustCreate(t, s, other, nil)
			x, ignored := newAddress("Paris"), newAddress("Ignored")
			list := []customerauth.Address{x}
			def := x.ID
			if name == "EmptyList" {
				list, def = []customerauth.Address{}, ""
			}
			got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Addresses: &list, PutAddress: &ignored, UpdatedAt: base})
			want := c.Clone()
			want.Addresses, want.DefaultAddressID, want.UpdatedAt = list, def, base
			checkCustomer(t, "UpdateCustomer(Addresses and PutAddress)", want, got)
			wantCustomer(t, s, want)
			if _, err := s.AddAddress(t.Context(), change(other), ignored, 0); err != nil {
				t.Errorf("AddAddress with the id of an ignored PutAddress: %v", err)
			}
		})
	}
}

// testPutAddressCopied: the address passed in shares no memory with the
// store.
func testPutAddressCopied(t *testing.T, s customerauth.Store) {
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	a := newAddress("Paris")
	want := a
	want.Latitude = new(*a.Latitude)
	got := putAddress(t, s, c, a)
	*a.Latitude = 0
	a.City = "Changed"
	*got.Addresses[0].Longitude = 0
	wantAddresses(t, s, c.ID, a.ID, want)
}

// testPutAddressOneUnit: PutAddress and the rest of the change take effect
// together or not at all: a conflict, a stale credential version or an
// unusable token leaves the addresses as they were, and the refused
// address's ID free.
func testPutAddressOneUnit(t *testing.T, s customerauth.Store) {
	t.Run("Applied", func(t *testing.T) {
		c := newCustomer()
		mustCreate(t, s, c, nil)
		a := newAddress("Paris")
		got := mustUpdate(t, s, &customerauth.CustomerChange{
			ID: c.ID, FirstName: new("Zoë"), Note: new("Imported again"), PutAddress: &a, UpdatedAt: base,
		})
		want := c.Clone()
		want.FirstName, want.Note, want.UpdatedAt = "Zoë", "Imported again", base
		want.Addresses = append(want.Addresses, a)
		want.DefaultAddressID = a.ID
		checkCustomer(t, "UpdateCustomer", want, got)
		wantCustomer(t, s, want)
	})

	// Each refusal is tried with a new address and with one that replaces
	// the customer's first.
	refusals := []struct {
		name string
		err  error
		// refuse makes ch fail for c, given another customer.
		refuse func(t *testing.T, ch *customerauth.CustomerChange, c, other *customerauth.Customer)
	}{
		{"EmailOfAnotherCustomer", customerauth.ErrConflict, func(_ *testing.T, ch *customerauth.CustomerChange, _, o *customerauth.Customer) {
			ch.Email = new(o.Email)
		}},
		{"PhoneOfAnotherCustomer", customerauth.ErrConflict, func(_ *testing.T, ch *customerauth.CustomerChange, _, o *customerauth.Customer) {
			ch.Phone = new(o.Phone)
		}},
		{"StaleCredentialVersion", customerauth.ErrCredentialsChanged, func(_ *testing.T, ch *customerauth.CustomerChange, c, _ *customerauth.Customer) {
			ch.IfCredentialVersion = new(c.CredentialVersion + 1)
		}},
		{"DeletedAccessToken", customerauth.ErrNotFound, func(t *testing.T, ch *customerauth.CustomerChange, c, _ *customerauth.Customer) {
			tok := validToken(customerauth.TokenAccess, c.ID)
			mustIssue(t, s, tok)
			if _, err := s.DeleteToken(t.Context(), tok.Hash, base); err != nil {
				t.Fatal(err)
			}
			ch.AccessToken = &tok.Hash
		}},
	}
	for _, tc := range refusals {
		for _, replace := range []bool{false, true} {
			name := tc.name + "/NewAddress"
			if replace {
				name = tc.name + "/ReplacingAddress"
			}
			t.Run(name, func(t *testing.T) {
				c, other := newCustomer(), newCustomer()
				mustCreate(t, s, c, nil)
				mustCreate(t, s, other, nil)
				a := newAddress("Refused")
				if replace {
					a.ID = c.Addresses[0].ID
				}
				ch := &customerauth.CustomerChange{ID: c.ID, FirstName: new("Refused"), PutAddress: &a, UpdatedAt: base}
				tc.refuse(t, ch, c, other)
				got, err := s.UpdateCustomer(t.Context(), ch)
				if !errors.Is(err, tc.err) {
					t.Errorf("UpdateCustomer with PutAddress and %s = %v, %v; want %v", tc.name, got, err, tc.err)
				}
				wantCustomer(t, s, c)
				wantCustomer(t, s, other)
				if !replace {
					if _, err := s.AddAddress(t.Context(), change(other), a, 0); err != nil {
						t.Errorf("AddAddress with the id of a refused PutAddress: %v", err)
					}
				}
			})
		}
	}
}

// testPutAddressRacingAdd: a PutAddress (an import) and an AddAddress (the
// customer) on one customer at once both take effect: neither writes back
// a list read before the other's change. The put address is the default
// either way, since AddAddress leaves a customer's default alone.
func testPutAddressRacingAdd(t *testing.T, s customerauth.Store) {
	for _, replace := range []bool{false, true} {
		name := "NewAddress"
		if replace {
			name = "ReplacingAddress"
		}
		t.Run(name, func(t *testing.T) {
			for round := range 20 {
				c := bareCustomer()
				first := newAddress("First")
				c.Addresses, c.DefaultAddressID = []customerauth.Address{first}, first.ID
				mustCreate(t, s, c, nil)
				put, added := newAddress("Put"), newAddress("Added")
				if replace {
					put.ID = first.ID
				}
				start := make(chan struct{})
				var putErr, addErr error
				var wg sync.WaitGroup
				wg.Go(func() {
					<-start
					_, putErr = s.UpdateCustomer(context.Background(), &customerauth.CustomerChange{ID: c.ID, PutAddress: &put, UpdatedAt: base})
				})
				wg.Go(func() {
					<-start
					_, addErr = s.AddAddress(context.Background(), change(c), added, 0)
				})
				close(start)
				wg.Wait()
				if putErr != nil || addErr != nil {
					t.Fatalf("round %d: PutAddress: %v; AddAddress: %v", round, putErr, addErr)
				}
				got := mustGet(t, s, c.ID)
				switch {
				case replace:
					wantAddresses(t, s, c.ID, put.ID, put, added)
				case len(got.Addresses) == 3 && got.Addresses[1].ID == added.ID:
					wantAddresses(t, s, c.ID, put.ID, first, added, put)
				default:
					wantAddresses(t, s, c.ID, put.ID, first, put, added)
				}
				if t.Failed() {
					t.Fatalf("round %d failed", round)
				}
			}
		})
	}
}

// testPutAddressOneIDManyCustomers: customers putting one new address id at
// once: exactly one of them gets it, the others get ErrConflict and keep
// no trace of it.
func testPutAddressOneIDManyCustomers(t *testing.T, s customerauth.Store) {
	const n = 10
	cs := make([]*customerauth.Customer, n)
	errs := make([]error, n)
	for i := range cs {
		cs[i] = bareCustomer()
		mustCreate(t, s, cs[i], nil)
	}
	id := uuid.NewString()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range cs {
		wg.Go(func() {
			a := newAddress("Racer")
			a.ID = id
			<-start
			_, errs[i] = s.UpdateCustomer(context.Background(), &customerauth.CustomerChange{ID: cs[i].ID, PutAddress: &a, UpdatedAt: base})
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("customers %d and %d both got address %s", winner, i, id)
		case !errors.Is(err, customerauth.ErrConflict):
			t.Errorf("racer %d: error %v, want ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no customer got the address")
	}
	for i, c := range cs {
		if i == winner {
			a := newAddress("Racer")
			a.ID = id
			wantAddresses(t, s, c.ID, id, a)
		} else {
			wantAddresses(t, s, c.ID, "")
		}
	}
}
