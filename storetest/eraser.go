package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// CustomerEraser.

// eraserStore is a Store that is a CustomerEraser.
type eraserStore interface {
	customerauth.Store
	customerauth.CustomerEraser
}

// runEraser checks the customerauth.CustomerEraser contract. An erasure is
// what a data-protection request asks for: nothing of the customer may be
// left, not even tokens no lookup finds any more, because a customer
// imported again under the same ID (the import derives address ids from
// it too) would bring them back to life.
func runEraser(t *testing.T, newStore func(t *testing.T) eraserStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s eraserStore)
	}{
		{"ErasedCustomerIsGoneEverywhere", testEraseGone},
		{"ErasedCustomersValuesAreFree", testEraseFreesValues},
		{"ErasedIDReusedDoesNotReviveTokens", testEraseReuseID},
		{"EraseUnknownIsNotFound", testEraseUnknown},
		{"EraseRacingWritesLeavesNoOrphan", testEraseRacing},
		{"CancelledContextErasesNothing", testEraseCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// erasable is a stored customer with a token of every kind.
type erasable struct {
	c    *customerauth.Customer
	toks []*customerauth.Token
}

// newErasable stores a customer with every field set, two addresses and a
// token of every kind, one of them expired.
func newErasable(t *testing.T, s customerauth.Store) erasable {
	t.Helper()
	c := newCustomer()
	e := erasable{c: c, toks: []*customerauth.Token{
		validToken(customerauth.TokenAccess, c.ID),
		validToken(customerauth.TokenAccess, c.ID),
		validToken(customerauth.TokenActivation, c.ID),
		validToken(customerauth.TokenReset, c.ID),
		newToken(customerauth.TokenAccess, c.ID, base.Add(-time.Hour)),
	}}
	mustCreate(t, s, c, e.toks[0])
	mustIssue(t, s, e.toks[1:]...)
	return e
}

func (e erasable) wantIntact(t *testing.T, s customerauth.Store) {
	t.Helper()
	wantCustomer(t, s, e.c)
	wantByIdentifier(t, s, e.c.MultipassIdentifier, e.c)
	for _, tok := range e.toks {
		wantToken(t, s, tok)
	}
}

func mustErase(t *testing.T, s customerauth.CustomerEraser, id string) {
	t.Helper()
	if err := s.EraseCustomer(t.Context(), id); err != nil {
		t.Fatalf("EraseCustomer(%s): %v", id, err)
	}
}

// testEraseGone: no lookup finds the erased customer or its tokens, no
// change or token can be made for it, and the other customers are as
// they were.
func testEraseGone(t *testing.T, s eraserStore) {
	gone, other := newErasable(t, s), newErasable(t, s)
	c := gone.c
	mustErase(t, s, c.ID)

	for _, l := range customerLookups(s, c) {
		if got, err := l.find(t.Context(), l.key); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("%s of the erased customer = %v, %v; want ErrNotFound", l.name, got, err)
		}
	}
	for _, tok := range gone.toks {
		wantNoToken(t, s, tok)
	}
	access := gone.toks[0]
	if _, err := s.RenewToken(t.Context(), access.Hash, base, base.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken of the erased customer's token: %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteToken(t.Context(), access.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("DeleteToken of the erased customer's token: %v, want ErrNotFound", err)
	}
	issue := validToken(customerauth.TokenAccess, c.ID)
	wantErr(t, s.IssueToken(t.Context(), issue), customerauth.ErrNotFound, "IssueToken for the erased customer")
	_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: c.ID, FirstName: new("Back"), UpdatedAt: base})
	wantErr(t, err, customerauth.ErrNotFound, "UpdateCustomer of the erased customer")
	_, err = s.AddAddress(t.Context(), change(c), newAddress("Paris"), 0)
	wantErr(t, err, customerauth.ErrNotFound, "AddAddress to the erased customer")
	wantNoCustomer(t, s, c.ID)
	wantNoToken(t, s, issue)

	if l, ok := s.(customerauth.CustomerLister); ok {
		listed, err := l.ListCustomers(t.Context(), customerauth.CustomerQuery{Limit: 100})
		if err != nil {
			t.Fatalf("ListCustomers: %v", err)
		}
		wantIDs(t, "ListCustomers after an erasure", listed, []string{other.c.ID})
	}
	if im, ok := s.(customerauth.CustomerImporter); ok {
		found, err := im.FindCustomers(t.Context(), []string{c.ID}, []string{c.EmailKey})
		if err != nil || len(found) != 0 {
			t.Errorf("FindCustomers of the erased customer = %d customers, %v; want none", len(found), err)
		}
	}
	other.wantIntact(t, s)
}

// testEraseFreesValues: the erased customer's email, phone, Multipass
// identifier and address ids can be another customer's.
func testEraseFreesValues(t *testing.T, s eraserStore) {
	gone, other := newErasable(t, s), newErasable(t, s)
	mustErase(t, s, gone.c.ID)

	next := newCustomer()
	setEmail(next, gone.c.Email)
	next.Phone = gone.c.Phone
	next.MultipassIdentifier = gone.c.MultipassIdentifier
	next.Addresses = []customerauth.Address{gone.c.Addresses[0]}
	next.DefaultAddressID = gone.c.Addresses[0].ID
	mustCreate(t, s, next, nil)
	wantCustomer(t, s, next)
	for _, l := range customerLookups(s, next) {
		got, err := l.find(t.Context(), l.key)
		if err != nil {
			t.Errorf("%s(value of the erased customer): %v", l.name, err)
			continue
		}
		checkCustomer(t, l.name, next, got)
	}
	if _, err := s.AddAddress(t.Context(), change(other.c), gone.c.Addresses[1], 0); err != nil {
		t.Errorf("AddAddress with an address id of the erased customer: %v", err)
	}
}

// testEraseReuseID: a customer created again with the erased one's ID, at
// the same credential version, has none of the erased customer's tokens
// or addresses.
func testEraseReuseID(t *testing.T, s eraserStore) {
	gone := newErasable(t, s)
	mustErase(t, s, gone.c.ID)

	again := bareCustomer()
	again.ID = gone.c.ID
	again.CredentialVersion = gone.c.CredentialVersion
	mustCreate(t, s, again, nil)
	wantCustomer(t, s, again)
	for _, tok := range gone.toks {
		wantNoToken(t, s, tok)
	}
	// The address ids are the same as an import would derive.
	for _, a := range gone.c.Addresses {
		if _, err := s.AddAddress(t.Context(), change(again), a, 0); err != nil {
			t.Errorf("AddAddress of the erased customer's address to its successor: %v", err)
		}
	}
}

// testEraseUnknown: an ID that names no customer, or a customer erased
// already, is ErrNotFound and erases nothing.
func testEraseUnknown(t *testing.T, s eraserStore) {
	kept, gone := newErasable(t, s), newErasable(t, s)
	for _, id := range []string{uuid.NewString(), shopifyID(), kept.c.EmailKey, kept.c.MultipassIdentifier} {
		wantErr(t, s.EraseCustomer(t.Context(), id), customerauth.ErrNotFound, "EraseCustomer of an unknown ID")
	}
	mustErase(t, s, gone.c.ID)
	wantErr(t, s.EraseCustomer(t.Context(), gone.c.ID), customerauth.ErrNotFound, "EraseCustomer of an erased customer")
	kept.wantIntact(t, s)
}

// testEraseRacing: a write for the customer racing its erasure either
// lands before it, and is erased with the customer, or finds no customer;
// either way nothing of it is left: no token (not even one found only
// once the ID is reused), no address id.
func testEraseRacing(t *testing.T, s eraserStore) {
	racers := []struct {
		name string
		// write makes the racing write for c, which may store tok or a.
		write func(c *customerauth.Customer, tok *customerauth.Token, a customerauth.Address) error
	}{
		{"IssueToken", func(_ *customerauth.Customer, tok *customerauth.Token, _ customerauth.Address) error {
			return s.IssueToken(context.Background(), tok)
		}},
		{"AddAddress", func(c *customerauth.Customer, _ *customerauth.Token, a customerauth.Address) error {
			_, err := s.AddAddress(context.Background(), change(c), a, 0)
			return err
		}},
		{"UpdateCustomer", func(c *customerauth.Customer, tok *customerauth.Token, a customerauth.Address) error {
			_, err := s.UpdateCustomer(context.Background(), &customerauth.CustomerChange{
				ID: c.ID, FirstName: new("Racer"), PutAddress: &a, Issue: tok, UpdatedAt: base,
			})
			return err
		}},
	}
	for _, r := range racers {
		t.Run(r.name, func(t *testing.T) {
			other := bareCustomer()
			mustCreate(t, s, other, nil)
			for round := range 20 {
				c := newCustomer()
				mustCreate(t, s, c, nil)
				tok := validToken(customerauth.TokenAccess, c.ID)
				a := newAddress("Racer")
				start := make(chan struct{})
				var eraseErr, writeErr error
				var wg sync.WaitGroup
				wg.Go(func() {
					<-start
					eraseErr = s.EraseCustomer(context.Background(), c.ID)
				})
				wg.Go(func() {
					<-start
					writeErr = r.write(c, tok, a)
				})
				close(start)
				wg.Wait()
				if eraseErr != nil {
					t.Fatalf("round %d: EraseCustomer: %v", round, eraseErr)
				}
				if writeErr != nil && !errors.Is(writeErr, customerauth.ErrNotFound) {
					t.Errorf("round %d: %s: %v, want nil or ErrNotFound", round, r.name, writeErr)
				}
				wantNoCustomer(t, s, c.ID)
				wantNoToken(t, s, tok)

				// The address id is free, and the ID reused at the same
				// credential version finds no token of the erased one.
				if _, err := s.AddAddress(t.Context(), change(other), a, 0); err != nil {
					t.Errorf("round %d: AddAddress with the racer's address id: %v", round, err)
				}
				again := bareCustomer()
				again.ID = c.ID
				mustCreate(t, s, again, nil)
				wantNoToken(t, s, tok)
				wantAddresses(t, s, c.ID, "")
				if t.Failed() {
					t.Fatalf("round %d failed", round)
				}
			}
		})
	}
}

// testEraseCancelled: an erasure the caller gave up on erases nothing.
func testEraseCancelled(t *testing.T, s eraserStore) {
	e := newErasable(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	wantErr(t, s.EraseCustomer(ctx, e.c.ID), context.Canceled, "EraseCustomer with a cancelled context")
	e.wantIntact(t, s)
}
