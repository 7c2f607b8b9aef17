package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Creating and finding customers.

func testFindCreated(t *testing.T, s customerauth.Store) {
	want := newCustomer()
	mustCreate(t, s, want, nil)
	for _, l := range customerLookups(s, want) {
		got, err := l.find(t.Context(), l.key)
		if err != nil {
			t.Errorf("%s(%q): %v", l.name, l.key, err)
			continue
		}
		checkCustomer(t, l.name, want, got)
	}
}

// lookup is one way to find a stored customer, with the key that finds c.
type lookup struct {
	name string
	find func(context.Context, string) (*customerauth.Customer, error)
	key  string
}

// customerLookups returns every Store lookup with the key that finds c.
func customerLookups(s customerauth.Store, c *customerauth.Customer) []lookup {
	return []lookup{
		{"CustomerByID", s.CustomerByID, c.ID},
		{"CustomerByEmail", s.CustomerByEmail, c.EmailKey},
		{"CustomerByPhone", s.CustomerByPhone, c.Phone},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, c.MultipassIdentifier},
	}
}

// testMinimalRoundTrip checks the zero values a customer without optional
// data has: a store must not turn them into something else.
func testMinimalRoundTrip(t *testing.T, s customerauth.Store) {
	want := &customerauth.Customer{
		ID:        uuid.NewString(),
		State:     customerauth.StateDisabled,
		CreatedAt: base,
		UpdatedAt: base,
	}
	setEmail(want, "Min@Example.com")
	mustCreate(t, s, want, nil)
	wantCustomer(t, s, want)
	got, err := s.CustomerByEmail(t.Context(), "min@example.com")
	if err != nil {
		t.Fatalf("CustomerByEmail: %v", err)
	}
	checkCustomer(t, "CustomerByEmail", want, got)
}

func testUnknownLookups(t *testing.T, s customerauth.Store) {
	known := newCustomer()
	mustCreate(t, s, known, nil)
	cases := []struct {
		name string
		find func(context.Context, string) (*customerauth.Customer, error)
		key  string
	}{
		{"CustomerByID", s.CustomerByID, uuid.NewString()},
		{"CustomerByEmail", s.CustomerByEmail, "nobody@example.com"},
		{"CustomerByPhone", s.CustomerByPhone, "+16135559999"},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, "idp-nobody"},
		// Each index answers only for its own kind of key.
		{"CustomerByID", s.CustomerByID, known.EmailKey},
		{"CustomerByEmail", s.CustomerByEmail, known.ID},
		{"CustomerByPhone", s.CustomerByPhone, known.ID},
		{"CustomerByID", s.CustomerByID, known.MultipassIdentifier},
		{"CustomerByEmail", s.CustomerByEmail, known.MultipassIdentifier},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, known.ID},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, known.EmailKey},
		// Identifiers match exactly, not by prefix or pattern.
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, known.MultipassIdentifier[:len(known.MultipassIdentifier)-1]},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, known.MultipassIdentifier + "x"},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, "idp-%"},
	}
	for _, c := range cases {
		got, err := c.find(t.Context(), c.key)
		if !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("%s(%q) = %v, %v; want ErrNotFound", c.name, c.key, got, err)
		}
	}
}

// testEmptyPhoneNeverMatches guards against a store that indexes the empty
// phone of phoneless customers and then finds one of them for "".
func testEmptyPhoneNeverMatches(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	c.Phone = ""
	mustCreate(t, s, c, nil)
	got, err := s.CustomerByPhone(t.Context(), "")
	if !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByPhone(\"\") = %v, %v; want ErrNotFound", got, err)
	}
}

// ---------------------------------------------------------------------------
// Uniqueness.

func testCreateEmailConflict(t *testing.T, s customerauth.Store) {
	first := newCustomer()
	setEmail(first, "Ann@example.com")
	mustCreate(t, s, first, nil)

	// The same address in other case: the Service derives the same
	// EmailKey, and that is what must be unique.
	second := newCustomer()
	setEmail(second, "ANN@Example.com")
	err := s.CreateCustomer(t.Context(), second, nil)
	wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a taken EmailKey")

	wantCustomer(t, s, first)
	wantNoCustomer(t, s, second.ID)
	if got, err := s.CustomerByPhone(t.Context(), second.Phone); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByPhone(phone of refused customer) = %v, %v; want ErrNotFound", got, err)
	}
}

func testCreatePhoneConflict(t *testing.T, s customerauth.Store) {
	first := newCustomer()
	mustCreate(t, s, first, nil)
	second := newCustomer()
	second.Phone = first.Phone
	err := s.CreateCustomer(t.Context(), second, nil)
	wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a taken phone")

	wantCustomer(t, s, first)
	wantNoCustomer(t, s, second.ID)
	if got, err := s.CustomerByEmail(t.Context(), second.EmailKey); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByEmail(email of refused customer) = %v, %v; want ErrNotFound", got, err)
	}
}

// testEmptyPhonesDoNotConflict: most customers have no phone, so the empty
// phone must not count as a value that is taken.
func testEmptyPhonesDoNotConflict(t *testing.T, s customerauth.Store) {
	a, b := newCustomer(), newCustomer()
	a.Phone, b.Phone = "", ""
	mustCreate(t, s, a, nil)
	mustCreate(t, s, b, nil)
	wantCustomer(t, s, a)
	wantCustomer(t, s, b)

	// Clearing a phone must not collide with the phoneless customers either.
	c := newCustomer()
	mustCreate(t, s, c, nil)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Phone: new(""), UpdatedAt: base})
}

func testUpdateConflict(t *testing.T, s customerauth.Store) {
	cases := []struct {
		name   string
		change func(ch *customerauth.CustomerChange, other *customerauth.Customer)
	}{
		{"SameEmail", func(ch *customerauth.CustomerChange, o *customerauth.Customer) { ch.Email = new(o.Email) }},
		{"EmailInOtherCase", func(ch *customerauth.CustomerChange, o *customerauth.Customer) {
			ch.Email = new(strings.ToUpper(o.Email))
		}},
		{"SamePhone", func(ch *customerauth.CustomerChange, o *customerauth.Customer) { ch.Phone = new(o.Phone) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, other := newCustomer(), newCustomer()
			checkUpdateConflict(t, s, c, other, func(ch *customerauth.CustomerChange) { tc.change(ch, other) })
		})
	}
}

// checkUpdateConflict creates c and other, then checks that a change of c
// that clash makes collide with other is refused with ErrConflict and
// leaves no trace.
func checkUpdateConflict(t *testing.T, s customerauth.Store, c, other *customerauth.Customer, clash func(ch *customerauth.CustomerChange)) {
	t.Helper()
	access := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, access)
	mustCreate(t, s, other, nil)

	// Other fields ride along, so a store that applies part of the change
	// before noticing the conflict is caught.
	issue := validToken(customerauth.TokenAccess, c.ID)
	ch := &customerauth.CustomerChange{
		ID: c.ID, FirstName: new("Changed"), PasswordHash: new("changed"),
		RevokeTokens: true, Issue: issue, UpdatedAt: base,
	}
	clash(ch)
	got, err := s.UpdateCustomer(t.Context(), ch)
	if !errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("UpdateCustomer onto another customer's value = %v, %v; want ErrConflict", got, err)
	}
	wantCustomer(t, s, c)
	wantCustomer(t, s, other)
	wantToken(t, s, access)
	wantNoToken(t, s, issue)
}

// testUpdateKeepsOwnEmailAndPhone: a customer's own values are not "another
// customer's", even when the email is given again in other case.
func testUpdateKeepsOwnEmailAndPhone(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	upper := strings.ToUpper(c.Email)
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Email: &upper, Phone: new(c.Phone), UpdatedAt: base})
	want := c.Clone()
	want.Email = upper
	want.UpdatedAt = base
	checkCustomer(t, "UpdateCustomer", want, got)
	wantCustomer(t, s, want)
}

// ---------------------------------------------------------------------------
// Multipass identifiers.

// testFindByIdentifier: a Multipass login finds its customer by the identity
// provider's id alone, so that lookup must return the whole customer, as the
// others do.
func testFindByIdentifier(t *testing.T, s customerauth.Store) {
	want, other := newCustomer(), newCustomer()
	mustCreate(t, s, want, nil)
	mustCreate(t, s, other, nil)
	wantByIdentifier(t, s, want.MultipassIdentifier, want)
	wantByIdentifier(t, s, other.MultipassIdentifier, other)

	// A customer as a first Multipass login creates it: nothing optional
	// but the identifier.
	minimal := &customerauth.Customer{
		ID:                  uuid.NewString(),
		State:               customerauth.StateEnabled,
		MultipassIdentifier: "idp-minimal",
		CreatedAt:           base,
		UpdatedAt:           base,
	}
	setEmail(minimal, "Multipass@Example.com")
	mustCreate(t, s, minimal, nil)
	wantByIdentifier(t, s, "idp-minimal", minimal)
	wantCustomer(t, s, minimal)
}

// testEmptyIdentifierNeverMatches guards against a store that indexes the
// empty identifier of unlinked customers and then finds one of them for "".
func testEmptyIdentifierNeverMatches(t *testing.T, s customerauth.Store) {
	created := newCustomer()
	created.MultipassIdentifier = ""
	mustCreate(t, s, created, nil)
	wantCustomer(t, s, created)
	unlinked := newCustomer()
	mustCreate(t, s, unlinked, nil)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: unlinked.ID, MultipassIdentifier: new(""), UpdatedAt: base})
	mustCreate(t, s, newCustomer(), nil)
	wantNoIdentifier(t, s, "", "with customers created and updated without identifier stored")
}

func testCreateIdentifierConflict(t *testing.T, s customerauth.Store) {
	first := newCustomer()
	mustCreate(t, s, first, nil)
	// Only the identifier is shared: email and phone are the second's own.
	second := newCustomer()
	second.MultipassIdentifier = first.MultipassIdentifier
	tok := validToken(customerauth.TokenActivation, second.ID)
	err := s.CreateCustomer(t.Context(), second, tok)
	wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a taken Multipass identifier")

	wantCustomer(t, s, first)
	wantByIdentifier(t, s, first.MultipassIdentifier, first)
	wantNoCustomer(t, s, second.ID)
	wantNoToken(t, s, tok)
	if got, err := s.CustomerByEmail(t.Context(), second.EmailKey); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByEmail(email of refused customer) = %v, %v; want ErrNotFound", got, err)
	}
	if got, err := s.CustomerByPhone(t.Context(), second.Phone); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByPhone(phone of refused customer) = %v, %v; want ErrNotFound", got, err)
	}
}

func testUpdateIdentifierConflict(t *testing.T, s customerauth.Store) {
	cases := []struct {
		name   string
		linked bool // whether the changed customer has an identifier of its own
		relink bool // whether the other customer got its identifier by an update
	}{
		{"LinkedCustomer", true, false},
		{"UnlinkedCustomer", false, false},
		{"IdentifierSetByUpdate", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, other := newCustomer(), newCustomer()
			if !tc.linked {
				c.MultipassIdentifier = ""
			}
			taken := other.MultipassIdentifier
			// clash runs once both customers are stored, so the relink
			// is done there.
			checkUpdateConflict(t, s, c, other, func(ch *customerauth.CustomerChange) {
				if tc.relink {
					taken = "idp-relinked-" + other.ID
					other.UpdatedAt = base
					other.MultipassIdentifier = taken
					mustUpdate(t, s, &customerauth.CustomerChange{ID: other.ID, MultipassIdentifier: &taken, UpdatedAt: base})
				}
				ch.MultipassIdentifier = &taken
			})
			wantByIdentifier(t, s, taken, other)
			if tc.linked {
				wantByIdentifier(t, s, c.MultipassIdentifier, c)
			}
		})
	}
}

// testEmptyIdentifiersDoNotConflict: most customers never log in through
// Multipass, so the empty identifier must not count as a value that is
// taken.
func testEmptyIdentifiersDoNotConflict(t *testing.T, s customerauth.Store) {
	a, b := newCustomer(), newCustomer()
	a.MultipassIdentifier, b.MultipassIdentifier = "", ""
	mustCreate(t, s, a, nil)
	mustCreate(t, s, b, nil)
	wantCustomer(t, s, a)
	wantCustomer(t, s, b)

	// Unlinking must not collide with the unlinked customers, nor must
	// setting "" again, or creating another unlinked customer afterwards.
	c := newCustomer()
	mustCreate(t, s, c, nil)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, MultipassIdentifier: new(""), UpdatedAt: base})
	mustUpdate(t, s, &customerauth.CustomerChange{ID: a.ID, MultipassIdentifier: new(""), FirstName: new("Changed"), UpdatedAt: base})
	d := newCustomer()
	d.MultipassIdentifier = ""
	mustCreate(t, s, d, nil)
	wantCustomer(t, s, d)
}

func testUpdateIdentifierMovesLookup(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	old, moved := c.MultipassIdentifier, "idp-moved-"+c.ID
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, MultipassIdentifier: &moved, UpdatedAt: base})
	want := c.Clone()
	want.MultipassIdentifier = moved
	want.UpdatedAt = base
	checkCustomer(t, "UpdateCustomer", want, got)
	wantCustomer(t, s, want)
	wantByIdentifier(t, s, moved, want)
	wantNoIdentifier(t, s, old, "after its customer moved to another identifier")

	// The customer's own identifier given again is no conflict.
	later := base.Add(time.Minute)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, MultipassIdentifier: &moved, UpdatedAt: later})
	want.UpdatedAt = later
	wantByIdentifier(t, s, moved, want)

	// The old identifier is free for a new customer.
	d := newCustomer()
	d.MultipassIdentifier = old
	mustCreate(t, s, d, nil)
	wantByIdentifier(t, s, old, d)

	// A customer without identifier can be linked.
	e := newCustomer()
	e.MultipassIdentifier = ""
	mustCreate(t, s, e, nil)
	linked := "idp-linked-" + e.ID
	mustUpdate(t, s, &customerauth.CustomerChange{ID: e.ID, MultipassIdentifier: &linked, UpdatedAt: base})
	wantE := e.Clone()
	wantE.MultipassIdentifier = linked
	wantE.UpdatedAt = base
	wantByIdentifier(t, s, linked, wantE)
	wantByIdentifier(t, s, moved, want)
}

func testUpdateUnlinkIdentifier(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	old := c.MultipassIdentifier
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, MultipassIdentifier: new(""), UpdatedAt: base})
	want := c.Clone()
	want.MultipassIdentifier = ""
	want.UpdatedAt = base
	checkCustomer(t, "UpdateCustomer", want, got)
	wantCustomer(t, s, want)
	wantNoIdentifier(t, s, old, "after its customer was unlinked")
	wantNoIdentifier(t, s, "", "after a customer was unlinked")

	// The freed identifier is free for an update of another customer ...
	d := newCustomer()
	mustCreate(t, s, d, nil)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: d.ID, MultipassIdentifier: &old, UpdatedAt: base})
	wantD := d.Clone()
	wantD.MultipassIdentifier = old
	wantD.UpdatedAt = base
	wantByIdentifier(t, s, old, wantD)

	// ... and, freed again, for a new customer.
	mustUpdate(t, s, &customerauth.CustomerChange{ID: d.ID, MultipassIdentifier: new(""), UpdatedAt: base})
	e := newCustomer()
	e.MultipassIdentifier = old
	mustCreate(t, s, e, nil)
	wantByIdentifier(t, s, old, e)
	wantCustomer(t, s, want)
}
