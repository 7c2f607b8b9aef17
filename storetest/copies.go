package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Copies.

// mutate changes every part of c that could share memory with a store:
// scalar fields, slice elements, the slices' length and pointees.
func mutate(c *customerauth.Customer) {
	c.FirstName = "Mutated"
	c.Note = "Mutated"
	c.Language = "Mutated"
	c.TaxExempt = !c.TaxExempt
	c.AcceptsSMSMarketing = !c.AcceptsSMSMarketing
	c.Phone = "+10000000000"
	c.Tags[0] = "mutated"
	c.Tags = append(c.Tags, "appended")
	c.Addresses[0].City = "Mutated"
	*c.Addresses[0].Latitude = -1
	*c.Addresses[0].Longitude = -1
	c.Addresses = append(c.Addresses, customerauth.Address{ID: "appended"})
	c.CreatedAt = time.Time{}
}

func testCreateKeepsCopy(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	want := c.Clone()
	mustCreate(t, s, c, nil)
	mutate(c)
	wantCustomer(t, s, want)
}

func testLookupsReturnCopies(t *testing.T, s customerauth.Store) {
	want := newCustomer()
	mustCreate(t, s, want, nil)
	for _, l := range customerLookups(s, want) {
		got, err := l.find(t.Context(), l.key)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		mutate(got)
		wantCustomer(t, s, want)
	}
}

func testUpdateCopies(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	lat := 1.5
	tags := []string{"a", "b"}
	addrs := []customerauth.Address{{ID: uuid.NewString(), City: "Paris", Latitude: &lat, Longitude: new(2.5)}}
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Tags: &tags, Addresses: &addrs, UpdatedAt: base})

	want := c.Clone()
	want.Tags = []string{"a", "b"}
	want.Addresses = []customerauth.Address{{ID: addrs[0].ID, City: "Paris", Latitude: new(1.5), Longitude: new(2.5)}}
	want.DefaultAddressID = addrs[0].ID
	want.UpdatedAt = base

	// Neither what the caller passed in nor what it got back may alias the
	// stored customer.
	tags[0] = "mutated"
	addrs[0].City = "Mutated"
	lat = -1
	mutate(got)
	wantCustomer(t, s, want)
}

func testTokensAreCopied(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	created := validToken(customerauth.TokenActivation, c.ID)
	issued := validToken(customerauth.TokenAccess, c.ID)
	updated := validToken(customerauth.TokenAccess, c.ID)
	wantCreated, wantIssued, wantUpdated := *created, *issued, *updated

	mustCreate(t, s, c, created)
	mustIssue(t, s, issued)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: base, Issue: updated})
	for _, tok := range []*customerauth.Token{created, issued, updated} {
		tok.CustomerID = "mutated"
		tok.ExpiresAt = base
		tok.Kind = customerauth.TokenReset
	}
	wantToken(t, s, &wantCreated)
	wantToken(t, s, &wantIssued)
	wantToken(t, s, &wantUpdated)

	got, err := s.TokenByHash(t.Context(), customerauth.TokenAccess, wantIssued.Hash, base)
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	got.ExpiresAt = base
	got.CustomerID = "mutated"
	wantToken(t, s, &wantIssued)

	renewed, err := s.RenewToken(t.Context(), wantIssued.Hash, base, base.Add(48*time.Hour))
	if err != nil {
		t.Fatalf("RenewToken: %v", err)
	}
	renewed.ExpiresAt = base
	wantIssued.ExpiresAt = base.Add(48 * time.Hour)
	wantToken(t, s, &wantIssued)
}
