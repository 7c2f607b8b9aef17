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
// UpdateCustomer.

func testUpdateNilFieldsUntouched(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, LastName: new("Changed"), UpdatedAt: base})
	want := c.Clone()
	want.LastName = "Changed"
	want.UpdatedAt = base
	checkCustomer(t, "UpdateCustomer", want, got)
	wantCustomer(t, s, want)
	// A nil MultipassIdentifier keeps the customer linked.
	wantByIdentifier(t, s, c.MultipassIdentifier, want)

	// A change of nothing but the time still stores the time.
	later := base.Add(time.Minute)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: later})
	want.UpdatedAt = later
	wantCustomer(t, s, want)
	wantByIdentifier(t, s, c.MultipassIdentifier, want)

	// Each of the flags, the note and the language alone changes only
	// itself: a store that binds the change's fields to the wrong columns,
	// or writes a nil one as its zero value, is caught.
	single := []struct {
		name  string
		ch    customerauth.CustomerChange
		apply func(c *customerauth.Customer)
	}{
		{"AcceptsMarketing", customerauth.CustomerChange{AcceptsMarketing: new(false)}, func(c *customerauth.Customer) { c.AcceptsMarketing = false }},
		{"AcceptsSMSMarketing", customerauth.CustomerChange{AcceptsSMSMarketing: new(false)}, func(c *customerauth.Customer) { c.AcceptsSMSMarketing = false }},
		{"TaxExempt", customerauth.CustomerChange{TaxExempt: new(false)}, func(c *customerauth.Customer) { c.TaxExempt = false }},
		{"Note", customerauth.CustomerChange{Note: new("Only the note")}, func(c *customerauth.Customer) { c.Note = "Only the note" }},
		{"NoteCleared", customerauth.CustomerChange{Note: new("")}, func(c *customerauth.Customer) { c.Note = "" }},
		{"TaxExemptAgain", customerauth.CustomerChange{TaxExempt: new(true)}, func(c *customerauth.Customer) { c.TaxExempt = true }},
		{"Language", customerauth.CustomerChange{Language: new("FR")}, func(c *customerauth.Customer) { c.Language = "FR" }},
		{"LanguageCleared", customerauth.CustomerChange{Language: new("")}, func(c *customerauth.Customer) { c.Language = "" }},
	}
	for i, tc := range single {
		ch := tc.ch
		ch.ID = c.ID
		ch.UpdatedAt = later.Add(time.Duration(i+1) * time.Minute)
		got := mustUpdate(t, s, &ch)
		tc.apply(want)
		want.UpdatedAt = ch.UpdatedAt
		checkCustomer(t, "UpdateCustomer of "+tc.name+" alone", want, got)
		wantCustomer(t, s, want)
	}
}

func testUpdateSetsEveryField(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	addrs := []customerauth.Address{
		{ID: uuid.NewString(), City: "Lyon"},
		{ID: uuid.NewString(), City: "Nice", Latitude: new(43.7)},
	}
	ch := &customerauth.CustomerChange{
		ID:                  c.ID,
		Email:               new("Bob." + c.ID[:8] + "@Example.org"),
		Phone:               new(nextPhone()),
		FirstName:           new("Bob"),
		LastName:            new("Roe"),
		AcceptsMarketing:    new(false),
		AcceptsSMSMarketing: new(false),
		TaxExempt:           new(false),
		Note:                new("Wholesale account, invoice monthly.\r\nAsk for Zoë."),
		Language:            new("ZH_TW"),
		State:               new(customerauth.StateDeclined),
		PasswordHash:        new("$2a$10$abcdefghijklmnopqrstuv"),
		Tags:                &[]string{"new"},
		MultipassIdentifier: new("idp-bob-" + c.ID),
		Addresses:           &addrs,
		DefaultAddressID:    new(addrs[1].ID),
		UpdatedAt:           base,
	}
	got := mustUpdate(t, s, ch)
	want := &customerauth.Customer{
		ID: c.ID, Email: *ch.Email, EmailKey: strings.ToLower(*ch.Email), Phone: *ch.Phone,
		FirstName: "Bob", LastName: "Roe", AcceptsMarketing: false, AcceptsSMSMarketing: false, TaxExempt: false,
		Note: *ch.Note, Language: "ZH_TW", State: customerauth.StateDeclined,
		PasswordHash: *ch.PasswordHash, Tags: []string{"new"}, Addresses: addrs, DefaultAddressID: addrs[1].ID,
		MultipassIdentifier: *ch.MultipassIdentifier, CreatedAt: c.CreatedAt, UpdatedAt: base,
	}
	checkCustomer(t, "UpdateCustomer", want, got)
	wantCustomer(t, s, want)
	for _, l := range []struct {
		name string
		find func(context.Context, string) (*customerauth.Customer, error)
		key  string
	}{
		{"CustomerByEmail", s.CustomerByEmail, want.EmailKey},
		{"CustomerByPhone", s.CustomerByPhone, want.Phone},
		{"CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, want.MultipassIdentifier},
	} {
		got, err := l.find(t.Context(), l.key)
		if err != nil {
			t.Errorf("%s(new value): %v", l.name, err)
			continue
		}
		checkCustomer(t, l.name, want, got)
	}

	// Tags set to an empty list clears them, the note and the language
	// set to "" clear them, and the flags set back to true are stored as
	// true.
	mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, Tags: &[]string{}, Note: new(""), Language: new(""), AcceptsSMSMarketing: new(true), TaxExempt: new(true),
		UpdatedAt: base,
	})
	want.Tags = nil
	want.Note, want.Language = "", ""
	want.AcceptsSMSMarketing, want.TaxExempt = true, true
	wantCustomer(t, s, want)
}

func testUpdateClearPhone(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	oldPhone := c.Phone
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Phone: new(""), UpdatedAt: base})
	if got.Phone != "" {
		t.Errorf("UpdateCustomer(Phone: \"\") returned Phone %q, want it cleared", got.Phone)
	}
	if found, err := s.CustomerByPhone(t.Context(), oldPhone); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByPhone(cleared phone) = %v, %v; want ErrNotFound", found, err)
	}

	// The freed number is free for a new customer and for an update.
	d := newCustomer()
	d.Phone = oldPhone
	mustCreate(t, s, d, nil)
	wantCustomer(t, s, d)
	found, err := s.CustomerByPhone(t.Context(), oldPhone)
	if err != nil || found.ID != d.ID {
		t.Errorf("CustomerByPhone(freed phone) = %v, %v; want customer %s", found, err, d.ID)
	}
	mustUpdate(t, s, &customerauth.CustomerChange{ID: d.ID, Phone: new(""), UpdatedAt: base})
	e := newCustomer()
	mustCreate(t, s, e, nil)
	mustUpdate(t, s, &customerauth.CustomerChange{ID: e.ID, Phone: new(oldPhone), UpdatedAt: base})
}

func testUpdateEmailMovesKey(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	oldKey := c.EmailKey
	newEmail := "Moved." + c.ID[:8] + "@example.com"
	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Email: &newEmail, UpdatedAt: base})
	if got.Email != newEmail || got.EmailKey != strings.ToLower(newEmail) {
		t.Errorf("UpdateCustomer(Email) returned Email %q, EmailKey %q; want %q, %q", got.Email, got.EmailKey, newEmail, strings.ToLower(newEmail))
	}
	if found, err := s.CustomerByEmail(t.Context(), oldKey); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByEmail(old key) = %v, %v; want ErrNotFound", found, err)
	}
	found, err := s.CustomerByEmail(t.Context(), strings.ToLower(newEmail))
	if err != nil || found.ID != c.ID {
		t.Errorf("CustomerByEmail(new key) = %v, %v; want customer %s", found, err, c.ID)
	}

	// The old address is free again.
	d := newCustomer()
	setEmail(d, c.Email)
	mustCreate(t, s, d, nil)
	wantCustomer(t, s, d)
}

func testUpdateAddressesDefault(t *testing.T, s customerauth.Store) {
	// pick chooses the list, the DefaultAddressID asked for and the default
	// wanted from two addresses made fresh for each case: address ids are
	// unique across customers, so no two cases may share them.
	type pick func(a1, a2 customerauth.Address) (list []customerauth.Address, def *string, want string)
	cases := []struct {
		name string
		pick pick
	}{
		{"DefaultNamesSecond", func(a1, a2 customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{a1, a2}, new(a2.ID), a2.ID
		}},
		{"DefaultNamesFirst", func(a1, a2 customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{a1, a2}, new(a1.ID), a1.ID
		}},
		{"DefaultNamesNoAddress", func(a1, a2 customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{a1, a2}, new(uuid.NewString()), a1.ID
		}},
		{"DefaultEmpty", func(a1, a2 customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{a2, a1}, new(""), a2.ID
		}},
		{"DefaultNil", func(a1, a2 customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{a2, a1}, nil, a2.ID
		}},
		{"EmptyListHasNoDefault", func(a1, _ customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{}, new(a1.ID), ""
		}},
		{"EmptyListNilDefault", func(_, _ customerauth.Address) ([]customerauth.Address, *string, string) {
			return []customerauth.Address{}, nil, ""
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a1 := customerauth.Address{ID: uuid.NewString(), City: "One"}
			a2 := customerauth.Address{ID: uuid.NewString(), City: "Two", Latitude: new(1.25)}
			list, def, wantDefault := tc.pick(a1, a2)
			c := newCustomer()
			mustCreate(t, s, c, nil)
			got := mustUpdate(t, s, &customerauth.CustomerChange{
				ID: c.ID, Addresses: &list, DefaultAddressID: def, UpdatedAt: base,
			})
			want := c.Clone()
			want.Addresses = list
			want.DefaultAddressID = wantDefault
			want.UpdatedAt = base
			checkCustomer(t, "UpdateCustomer", want, got)
			wantCustomer(t, s, want)
		})
	}
}

func testUpdateReturnsStored(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	got := mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, FirstName: new("Zoe"), Tags: &[]string{"x"}, UpdatedAt: base,
	})
	checkCustomer(t, "CustomerByID after UpdateCustomer", got, mustGet(t, s, c.ID))
}

func testUpdateUnknown(t *testing.T, s customerauth.Store) {
	id := uuid.NewString()
	issue := validToken(customerauth.TokenAccess, id)
	got, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
		ID: id, FirstName: new("Ghost"), UpdatedAt: base, Issue: issue,
	})
	if !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer(unknown ID) = %v, %v; want ErrNotFound", got, err)
	}
	wantNoCustomer(t, s, id)
	wantNoToken(t, s, issue)
}
