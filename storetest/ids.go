package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Opaque customer IDs.
//
// A customer's ID is a UUID when the customer was created here and the id
// of the platform it was imported from otherwise: any 1 to 64 bytes of
// ASCII letters, digits, '-' and '_' (customerauth.ValidCustomerID). A
// store must keep it as the bytes it was given: not in a UUID column, not
// parsed as a number, not folded to one case.

// shopifyID returns a fresh id in the form of Shopify's customer ids, a
// number of 13 digits.
func shopifyID() string {
	return fmt.Sprint(1_000_000_000_000 + rand.Int64N(9_000_000_000_000))
}

// opaqueIDs returns one fresh ID of each shape a store could mangle, by
// name. The suffixes are random, so a store can hold several sets.
func opaqueIDs(t *testing.T) map[string]string {
	t.Helper()
	r := strings.ReplaceAll(uuid.NewString(), "-", "")
	long := "Zz9_-" + r + strings.Repeat("x", customerauth.MaxCustomerIDLength)
	ids := map[string]string{
		"Shopify":      shopifyID(),
		"LeadingZeros": "000" + fmt.Sprint(rand.Int64N(1_000_000_000)),
		"MixedCase":    "abc_DEF-" + r[:8],
		"Longest":      long[:customerauth.MaxCustomerIDLength],
		"OneByte":      string("ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rand.IntN(26)]),
	}
	for name, id := range ids {
		if !customerauth.ValidCustomerID(id) {
			t.Fatalf("the suite's %s id %q is not a valid customer ID", name, id)
		}
	}
	return ids
}

// testOpaqueIDs: a customer whose ID is not a UUID works with every method
// that takes or returns an ID, including the optional ones the store has.
func testOpaqueIDs(t *testing.T, s customerauth.Store) {
	for name, id := range opaqueIDs(t) {
		t.Run(name, func(t *testing.T) {
			checkOpaqueID(t, s, id)
		})
	}
}

func checkOpaqueID(t *testing.T, s customerauth.Store, id string) {
	c := newCustomer()
	c.ID = id
	access := validToken(customerauth.TokenAccess, id)
	mustCreate(t, s, c, access)
	for _, l := range customerLookups(s, c) {
		got, err := l.find(t.Context(), l.key)
		if err != nil {
			t.Fatalf("%s(%q): %v", l.name, l.key, err)
		}
		checkCustomer(t, l.name, c, got)
	}
	wantToken(t, s, access)

	// Tokens.
	reset := validToken(customerauth.TokenReset, id)
	mustIssue(t, s, reset)
	wantToken(t, s, reset)
	renewed, err := s.RenewToken(t.Context(), access.Hash, base, base.Add(48*time.Hour))
	if err != nil || renewed.CustomerID != id {
		t.Fatalf("RenewToken = %+v, %v; want the token of %q", renewed, err, id)
	}

	// An update on the authority of its access token, consuming a reset
	// token and issuing another access token.
	issued := validToken(customerauth.TokenAccess, id)
	got := mustUpdate(t, s, &customerauth.CustomerChange{
		ID: id, FirstName: new("Opaque"), UpdatedAt: base, AccessToken: &access.Hash,
		Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
		Issue:   issued,
	})
	want := c.Clone()
	want.FirstName, want.UpdatedAt = "Opaque", base
	checkCustomer(t, "UpdateCustomer", want, got)
	wantNoToken(t, s, reset)
	wantToken(t, s, issued)

	// The address book and PutAddress, on the authority of the token.
	ch := change(c)
	ch.AccessToken = &access.Hash
	a := newAddress("Paris")
	if _, err := s.AddAddress(t.Context(), ch, a, 0); err != nil {
		t.Fatalf("AddAddress: %v", err)
	}
	a.City = "Lyon"
	if _, err := s.UpdateAddress(t.Context(), ch, a); err != nil {
		t.Fatalf("UpdateAddress: %v", err)
	}
	if _, err := s.SetDefaultAddress(t.Context(), ch, a.ID); err != nil {
		t.Fatalf("SetDefaultAddress: %v", err)
	}
	if _, err := s.DeleteAddress(t.Context(), ch, c.Addresses[0].ID); err != nil {
		t.Fatalf("DeleteAddress: %v", err)
	}
	put := newAddress("Nice")
	mustUpdate(t, s, &customerauth.CustomerChange{ID: id, PutAddress: &put, UpdatedAt: base, AccessToken: &access.Hash})
	wantAddresses(t, s, id, put.ID, c.Addresses[1], a, put)
	want = mustGet(t, s, id)

	// The optional capabilities find it by its ID too.
	if l, ok := s.(customerauth.CustomerLister); ok {
		listed, err := l.ListCustomers(t.Context(), customerauth.CustomerQuery{Search: c.EmailKey, Limit: 10})
		if err != nil || len(listed) != 1 {
			t.Fatalf("ListCustomers(Search: its email) = %d customers, %v; want 1", len(listed), err)
		}
		checkCustomer(t, "ListCustomers", want, listed[0])
		listed, err = l.ListCustomers(t.Context(), customerauth.CustomerQuery{After: id, Limit: 1000})
		if err != nil {
			t.Fatalf("ListCustomers(After: its ID): %v", err)
		}
		if slices.ContainsFunc(listed, func(x *customerauth.Customer) bool { return x.ID == id }) {
			t.Errorf("ListCustomers(After: %q) lists the customer with that ID", id)
		}
	}
	if im, ok := s.(customerauth.CustomerImporter); ok {
		found, err := im.FindCustomers(t.Context(), []string{id}, nil)
		if err != nil || len(found) != 1 {
			t.Fatalf("FindCustomers(its ID) = %d customers, %v; want 1", len(found), err)
		}
		checkCustomer(t, "FindCustomers", want, found[0])
	}

	// Deleting its access token, then revoking every token.
	if deleted, err := s.DeleteToken(t.Context(), access.Hash, base); err != nil || deleted.CustomerID != id {
		t.Fatalf("DeleteToken = %+v, %v; want the token of %q", deleted, err, id)
	}
	wantNoToken(t, s, access)
	got = mustUpdate(t, s, &customerauth.CustomerChange{ID: id, RevokeTokens: true, UpdatedAt: base})
	if got.CredentialVersion != c.CredentialVersion+1 {
		t.Errorf("after RevokeTokens, CredentialVersion = %d, want %d", got.CredentialVersion, c.CredentialVersion+1)
	}
	wantNoToken(t, s, issued)

	if e, ok := s.(customerauth.CustomerEraser); ok {
		if err := e.EraseCustomer(t.Context(), id); err != nil {
			t.Fatalf("EraseCustomer: %v", err)
		}
		wantNoCustomer(t, s, id)
	}
}

// testIDsAreCaseSensitive: IDs are compared as bytes, so two that differ
// only in case are two customers. A store whose ID column folds case
// would give one customer's tokens and changes to the other.
func testIDsAreCaseSensitive(t *testing.T, s customerauth.Store) {
	r := strings.ReplaceAll(uuid.NewString(), "-", "")[:12]
	lower, upper := newCustomer(), newCustomer()
	lower.ID, upper.ID = "cust_"+r+"-a", "CUST_"+strings.ToUpper(r)+"-A"
	tok := validToken(customerauth.TokenAccess, upper.ID)
	mustCreate(t, s, lower, nil)
	mustCreate(t, s, upper, tok)
	wantCustomer(t, s, lower)
	wantCustomer(t, s, upper)
	wantToken(t, s, tok)

	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: lower.ID, LastName: new("Lower"), UpdatedAt: base})
	if got.ID != lower.ID {
		t.Errorf("UpdateCustomer(%q) returned customer %q", lower.ID, got.ID)
	}
	lower.LastName, lower.UpdatedAt = "Lower", base
	wantCustomer(t, s, lower)
	wantCustomer(t, s, upper)

	// The ID in a third case is no customer at all.
	wantNoCustomer(t, s, "Cust_"+r+"-a")

	if im, ok := s.(customerauth.CustomerImporter); ok {
		found, err := im.FindCustomers(t.Context(), []string{lower.ID}, nil)
		if err != nil || len(found) != 1 || found[0].ID != lower.ID {
			t.Errorf("FindCustomers(%q) = %d customers, %v; want that one customer", lower.ID, len(found), err)
		}
	}
	if e, ok := s.(customerauth.CustomerEraser); ok {
		if err := e.EraseCustomer(t.Context(), lower.ID); err != nil {
			t.Fatalf("EraseCustomer(%q): %v", lower.ID, err)
		}
		wantNoCustomer(t, s, lower.ID)
		wantCustomer(t, s, upper)
		wantToken(t, s, tok)
	}
}

// testCreateIDConflict: an import names its customers' IDs, so a file can
// name one that is taken. The second customer must be refused whole: above
// all, the token passed with it, which carries the taken ID, must not be
// stored, or it would act as the customer who has that ID.
func testCreateIDConflict(t *testing.T, s customerauth.Store) {
	first := newCustomer()
	first.ID = shopifyID()
	access := validToken(customerauth.TokenAccess, first.ID)
	mustCreate(t, s, first, access)

	// Everything but the ID is the second's own.
	second := newCustomer()
	second.ID = first.ID
	stolen := validToken(customerauth.TokenAccess, first.ID)
	err := s.CreateCustomer(t.Context(), second, stolen)
	wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a taken ID")

	wantCustomer(t, s, first)
	wantByIdentifier(t, s, first.MultipassIdentifier, first)
	wantToken(t, s, access)
	wantNoToken(t, s, stolen)
	wantNoIdentifier(t, s, second.MultipassIdentifier, "of a customer refused for its taken ID")
	for _, l := range customerLookups(s, second)[1:] {
		if got, err := l.find(t.Context(), l.key); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("%s(value of the refused customer) = %v, %v; want ErrNotFound", l.name, got, err)
		}
	}
	// The refused customer's address ids were not taken either.
	for _, a := range second.Addresses {
		if _, err := s.AddAddress(t.Context(), change(first), a, 0); err != nil {
			t.Errorf("AddAddress with an address id of the refused customer: %v", err)
		}
	}
}
