// Package storetest is the contract suite for customerauth.Store
// implementations. The Service trusts its Store to keep emails, phones and
// Multipass identifiers unique, to hand out copies, to apply changes
// atomically and to consume single-use tokens at most once; none of that is
// visible in the Store's method signatures, so every implementation runs
// this suite from its own tests to prove it:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) customerauth.Store {
//			return newEmptyStore(t)
//		})
//	}
//
// The suite is modelled on dex's storage/conformance package: a list of
// named behaviours, each run as a subtest on a store of its own.
//
// A store that also implements customerauth.ReplayCache or
// customerauth.Limiter is checked against that contract too, in the
// subtests of "ReplayCache" and "Limiter".
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// base is the suite's "now". A fixed instant keeps every run identical and
// lets expiry be tested by choosing times instead of sleeping.
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// tick is the smallest step the suite takes around a boundary. It is a
// millisecond, not a nanosecond, because databases keep times at
// microsecond precision or coarser and may round: a nanosecond before
// expiry could be stored as the expiry itself.
const tick = time.Millisecond

// Run checks that the stores made by newStore keep the customerauth.Store
// contract. Each behaviour runs as a subtest of t and calls newStore for a
// store of its own, so newStore must return an empty store every time (and
// may register cleanup with t). Behaviours that need several independent
// fixtures create customers with fresh random IDs, emails, phones and
// Multipass identifiers inside that one store, so they never collide with
// one another.
//
// When the stores implement customerauth.ReplayCache, Run checks that
// contract as well, in subtests of "ReplayCache"; otherwise it logs that it
// skips them. It asks one extra store from newStore to find out.
func Run(t *testing.T, newStore func(t *testing.T) customerauth.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s customerauth.Store)
	}{
		// Creating and finding customers.
		{"CreatedCustomerIsFoundByIDEmailAndPhone", testFindCreated},
		{"MinimalCustomerRoundTrips", testMinimalRoundTrip},
		{"UnknownLookupsAreNotFound", testUnknownLookups},
		{"EmptyPhoneNeverMatches", testEmptyPhoneNeverMatches},

		// Uniqueness of email and phone.
		{"CreateWithTakenEmailKeyConflicts", testCreateEmailConflict},
		{"CreateWithTakenPhoneConflicts", testCreatePhoneConflict},
		{"CustomersWithoutPhoneDoNotConflict", testEmptyPhonesDoNotConflict},
		{"UpdateOntoAnotherCustomersEmailOrPhoneConflicts", testUpdateConflict},
		{"UpdateKeepingOwnEmailAndPhoneSucceeds", testUpdateKeepsOwnEmailAndPhone},

		// Multipass identifiers: found, unique, moved and unlinked.
		{"CreatedCustomerIsFoundByMultipassIdentifier", testFindByIdentifier},
		{"EmptyMultipassIdentifierNeverMatches", testEmptyIdentifierNeverMatches},
		{"CreateWithTakenMultipassIdentifierConflicts", testCreateIdentifierConflict},
		{"UpdateOntoAnotherCustomersMultipassIdentifierConflicts", testUpdateIdentifierConflict},
		{"CustomersWithoutMultipassIdentifierDoNotConflict", testEmptyIdentifiersDoNotConflict},
		{"UpdateMultipassIdentifierMovesLookup", testUpdateIdentifierMovesLookup},
		{"UpdateUnlinkingMultipassIdentifierFreesIt", testUpdateUnlinkIdentifier},

		// Values passed in and handed out share no memory with the store.
		{"CreateCustomerKeepsACopy", testCreateKeepsCopy},
		{"LookupsReturnCopies", testLookupsReturnCopies},
		{"UpdateCustomerKeepsAndReturnsCopies", testUpdateCopies},
		{"TokensAreCopied", testTokensAreCopied},

		// UpdateCustomer.
		{"UpdateLeavesNilFieldsUntouched", testUpdateNilFieldsUntouched},
		{"UpdateSetsEveryField", testUpdateSetsEveryField},
		{"UpdateClearingPhoneFreesIt", testUpdateClearPhone},
		{"UpdateEmailMovesEmailKey", testUpdateEmailMovesKey},
		{"UpdateAddressesChoosesDefault", testUpdateAddressesDefault},
		{"UpdateReturnsStoredCustomer", testUpdateReturnsStored},
		{"UpdateUnknownCustomerIsNotFound", testUpdateUnknown},

		// Tokens.
		{"CreateCustomerWithTokenStoresBoth", testCreateWithToken},
		{"CreateCustomerConflictStoresNeither", testCreateConflictStoresNeither},
		{"IssueTokenForUnknownCustomerIsNotFound", testIssueUnknownCustomer},
		{"TokenByHashChecksKind", testTokenByHashChecksKind},
		{"NewLinkTokenReplacesOlderOfSameKindOnly", testLinkTokenReplaces},
		{"AccessTokensAccumulate", testAccessTokensAccumulate},
		{"RenewAndDeleteOnlyTouchAccessTokens", testRenewDeleteAccessOnly},

		// Expiry.
		{"ExpiredTokenIsNotFound", testExpiredTokenNotFound},
		{"RenewTokenMovesExpiry", testRenewMovesExpiry},
		{"DeleteTokenRemovesIt", testDeleteToken},
		{"DeleteExpiredTokensDeletesExactlyTheExpired", testDeleteExpired},

		// Consuming and revoking tokens as part of an update.
		{"UpdateConsumesValidToken", testConsume},
		{"UpdateWithUnusableTokenChangesNothing", testConsumeUnusable},
		{"RevokeTokensDeletesOnlyThatCustomersTokens", testRevokeTokens},

		// Concurrency.
		{"ConcurrentConsumesSucceedOnce", testConcurrentConsume},
		{"ConcurrentCreatesWithSameEmailSucceedOnce", testConcurrentCreate},
		{"ConcurrentCreatesWithSameMultipassIdentifierSucceedOnce", testConcurrentCreateIdentifier},

		// Cancellation.
		{"CancelledContextFailsAndChangesNothing", testCancelledContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}

	runLimiter(t, newStore)

	// ReplayCache is optional: a Store that implements it is used for
	// Multipass replay protection, shared by every process on one database.
	if _, ok := newStore(t).(customerauth.ReplayCache); !ok {
		t.Log("skipping the ReplayCache behaviours: the store does not implement customerauth.ReplayCache")
		return
	}
	replayTests := []struct {
		name string
		run  func(t *testing.T, rc customerauth.ReplayCache)
	}{
		{"NewKeyIsNew", testReplayNewKey},
		{"SameKeyBeforeExpiryIsNotNew", testReplaySameKey},
		{"DifferentKeysAreIndependent", testReplayDifferentKeys},
		{"ExpiredKeyMayBeRememberedAgain", testReplayExpired},
		{"ConcurrentRemembersOfOneKeySucceedOnce", testReplayConcurrent},
		{"CancelledContextFailsAndRemembersNothing", testReplayCancelled},
	}
	t.Run("ReplayCache", func(t *testing.T) {
		for _, tc := range replayTests {
			t.Run(tc.name, func(t *testing.T) {
				rc, ok := newStore(t).(customerauth.ReplayCache)
				if !ok {
					t.Fatal("newStore returned a store that does not implement customerauth.ReplayCache, though an earlier one did")
				}
				tc.run(t, rc)
			})
		}
	})
}

// ---------------------------------------------------------------------------
// Fixtures.

// phoneSeq makes every fixture phone number distinct, so fixtures in one
// store only conflict when a test means them to.
var phoneSeq atomic.Uint32

func nextPhone() string {
	return fmt.Sprintf("+1613555%04d", phoneSeq.Add(1)%10000)
}

// newCustomer returns a customer with every field set, as the Service builds
// it: Email keeps the customer's case, EmailKey is its lowercase form. The
// default address is deliberately not the first one, so a store that
// recomputes DefaultAddressID on create is caught.
func newCustomer() *customerauth.Customer {
	id := uuid.NewString()
	lat, lon := 45.4215, -75.6972
	c := &customerauth.Customer{
		ID:               id,
		Phone:            nextPhone(),
		FirstName:        "Ann",
		LastName:         "Lee",
		AcceptsMarketing: true,
		State:            customerauth.StateEnabled,
		PasswordHash:     "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		Tags:             []string{"vip", "wholesale"},
		Addresses: []customerauth.Address{
			{
				ID: uuid.NewString(), FirstName: "Ann", LastName: "Lee", Company: "Lee & Co",
				Address1: "1 Main St", Address2: "Suite 2", City: "Ottawa",
				Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA",
				Zip: "K1A 0A1", Phone: "+16135550000", Latitude: &lat, Longitude: &lon,
			},
			{ID: uuid.NewString(), Address1: "2 Side St", City: "Toronto", CountryCode: "CA"},
		},
		MultipassIdentifier: "idp-" + id,
		CreatedAt:           base.Add(-48 * time.Hour),
		UpdatedAt:           base.Add(-time.Hour),
	}
	c.DefaultAddressID = c.Addresses[1].ID
	setEmail(c, "Ann."+id[:8]+"@example.com")
	return c
}

// setEmail sets Email and, as the Service does, EmailKey to its lowercase
// form; stores compare EmailKey only.
func setEmail(c *customerauth.Customer, email string) {
	c.Email = email
	c.EmailKey = strings.ToLower(email)
}

// newToken returns a token with a random hash, created an hour before it
// expires. Tests probe for a token at its CreatedAt, when it is valid, so
// "is it stored" can be asked even of tokens that are expired at base.
func newToken(kind customerauth.TokenKind, customerID string, expiresAt time.Time) *customerauth.Token {
	return &customerauth.Token{
		Hash:       customerauth.HashToken(uuid.NewString()),
		Kind:       kind,
		CustomerID: customerID,
		CreatedAt:  expiresAt.Add(-time.Hour),
		ExpiresAt:  expiresAt,
	}
}

// validToken returns a token that is valid at base for another day.
func validToken(kind customerauth.TokenKind, customerID string) *customerauth.Token {
	return newToken(kind, customerID, base.Add(24*time.Hour))
}

// ---------------------------------------------------------------------------
// Helpers.

func mustCreate(t *testing.T, s customerauth.Store, c *customerauth.Customer, tok *customerauth.Token) {
	t.Helper()
	if err := s.CreateCustomer(t.Context(), c, tok); err != nil {
		t.Fatalf("CreateCustomer(%s): %v", c.EmailKey, err)
	}
}

func mustIssue(t *testing.T, s customerauth.Store, toks ...*customerauth.Token) {
	t.Helper()
	for _, tok := range toks {
		if err := s.IssueToken(t.Context(), tok); err != nil {
			t.Fatalf("IssueToken(%s for %s): %v", tok.Kind, tok.CustomerID, err)
		}
	}
}

func mustUpdate(t *testing.T, s customerauth.Store, ch *customerauth.CustomerChange) *customerauth.Customer {
	t.Helper()
	c, err := s.UpdateCustomer(t.Context(), ch)
	if err != nil {
		t.Fatalf("UpdateCustomer(%s): %v", ch.ID, err)
	}
	return c
}

func mustGet(t *testing.T, s customerauth.Store, id string) *customerauth.Customer {
	t.Helper()
	c, err := s.CustomerByID(t.Context(), id)
	if err != nil {
		t.Fatalf("CustomerByID(%s): %v", id, err)
	}
	return c
}

// wantErr fails unless err matches target with errors.Is; stores may wrap
// the sentinel errors, so equality would be too strict.
func wantErr(t *testing.T, err, target error, call string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", call, err, target)
	}
}

// wantCustomer fails unless the customer with want.ID is stored and equal to
// want, and EmailKey and Phone still find it.
func wantCustomer(t *testing.T, s customerauth.Store, want *customerauth.Customer) {
	t.Helper()
	got, err := s.CustomerByID(t.Context(), want.ID)
	if err != nil {
		t.Errorf("CustomerByID(%s): %v", want.ID, err)
		return
	}
	checkCustomer(t, "CustomerByID", want, got)
}

// wantNoCustomer fails when a customer with the ID is stored.
func wantNoCustomer(t *testing.T, s customerauth.Store, id string) {
	t.Helper()
	_, err := s.CustomerByID(t.Context(), id)
	wantErr(t, err, customerauth.ErrNotFound, "CustomerByID of a customer that must not exist")
}

// wantByIdentifier fails unless CustomerByMultipassIdentifier(identifier)
// finds want, equal in every field.
func wantByIdentifier(t *testing.T, s customerauth.Store, identifier string, want *customerauth.Customer) {
	t.Helper()
	got, err := s.CustomerByMultipassIdentifier(t.Context(), identifier)
	if err != nil {
		t.Errorf("CustomerByMultipassIdentifier(%q): %v; want customer %s", identifier, err, want.ID)
		return
	}
	checkCustomer(t, "CustomerByMultipassIdentifier", want, got)
}

// wantNoIdentifier fails unless CustomerByMultipassIdentifier(identifier)
// is ErrNotFound; why says why it must be.
func wantNoIdentifier(t *testing.T, s customerauth.Store, identifier, why string) {
	t.Helper()
	if got, err := s.CustomerByMultipassIdentifier(t.Context(), identifier); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByMultipassIdentifier(%q) %s = %v, %v; want ErrNotFound", identifier, why, got, err)
	}
}

// checkCustomer compares every field of got with want and reports each
// difference.
func checkCustomer(t *testing.T, call string, want, got *customerauth.Customer) {
	t.Helper()
	if got == nil {
		t.Errorf("%s returned a nil customer", call)
		return
	}
	for _, d := range structDiff(normalizeCustomer(want), normalizeCustomer(got)) {
		t.Errorf("%s: customer %s: %s", call, want.ID, d)
	}
}

// normalizeCustomer returns a copy in which an empty Tags or Addresses slice
// is nil: a database cannot tell the two apart, and neither can the Service.
func normalizeCustomer(c *customerauth.Customer) *customerauth.Customer {
	c = c.Clone()
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if len(c.Addresses) == 0 {
		c.Addresses = nil
	}
	return c
}

// wantToken fails unless want is stored exactly as given. It asks at
// want.CreatedAt, when the token is valid, so expired tokens can be checked
// too.
func wantToken(t *testing.T, s customerauth.Store, want *customerauth.Token) {
	t.Helper()
	got, err := s.TokenByHash(t.Context(), want.Kind, want.Hash, want.CreatedAt)
	if err != nil {
		t.Errorf("TokenByHash(%s token of %s): %v", want.Kind, want.CustomerID, err)
		return
	}
	checkToken(t, "TokenByHash", want, got)
}

// wantNoToken fails when tok is stored, again asking at tok.CreatedAt.
func wantNoToken(t *testing.T, s customerauth.Store, tok *customerauth.Token) {
	t.Helper()
	if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, tok.CreatedAt); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash(%s token of %s that must not exist) = %+v, %v; want ErrNotFound", tok.Kind, tok.CustomerID, got, err)
	}
}

func checkToken(t *testing.T, call string, want, got *customerauth.Token) {
	t.Helper()
	if got == nil {
		t.Errorf("%s returned a nil token", call)
		return
	}
	for _, d := range structDiff(want, got) {
		t.Errorf("%s: %s token of %s: %s", call, want.Kind, want.CustomerID, d)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// structDiff compares two pointers to structs of one type field by field:
// times with time.Equal (a database may return another location), all
// else with reflect.DeepEqual, which follows pointers such as
// Address.Latitude. Walking the fields by reflection means a field added
// to Customer or Token later is checked without editing the suite.
func structDiff(want, got any) []string {
	wv, gv := reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem()
	var diffs []string
	for i := range wv.NumField() {
		f := wv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		var equal bool
		if f.Type == timeType {
			equal = w.(time.Time).Equal(g.(time.Time))
		} else {
			equal = reflect.DeepEqual(w, g)
		}
		if !equal {
			diffs = append(diffs, fmt.Sprintf("%s = %s, want %s", f.Name, show(g), show(w)))
		}
	}
	return diffs
}

// show formats a field value, printing the numbers behind Address
// coordinates rather than their pointers.
func show(v any) string {
	switch v := v.(type) {
	case []customerauth.Address:
		parts := make([]string, len(v))
		for i, a := range v {
			parts[i] = fmt.Sprintf("{ID:%s City:%q Latitude:%s Longitude:%s}", a.ID, a.City, showFloat(a.Latitude), showFloat(a.Longitude))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case customerauth.TokenHash:
		return fmt.Sprintf("%x", v[:6])
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%#v", v)
}

func showFloat(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

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

// ---------------------------------------------------------------------------
// Copies.

// mutate changes every part of c that could share memory with a store:
// scalar fields, slice elements, the slices' length and pointees.
func mutate(c *customerauth.Customer) {
	c.FirstName = "Mutated"
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
		FirstName: "Bob", LastName: "Roe", AcceptsMarketing: false, State: customerauth.StateDeclined,
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

	// Tags set to an empty list clears them.
	mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, Tags: &[]string{}, UpdatedAt: base})
	want.Tags = nil
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
	a1 := customerauth.Address{ID: uuid.NewString(), City: "One"}
	a2 := customerauth.Address{ID: uuid.NewString(), City: "Two", Latitude: new(1.25)}
	cases := []struct {
		name        string
		addresses   []customerauth.Address
		defaultID   *string
		wantDefault string
	}{
		{"DefaultNamesSecond", []customerauth.Address{a1, a2}, new(a2.ID), a2.ID},
		{"DefaultNamesFirst", []customerauth.Address{a1, a2}, new(a1.ID), a1.ID},
		{"DefaultNamesNoAddress", []customerauth.Address{a1, a2}, new(uuid.NewString()), a1.ID},
		{"DefaultEmpty", []customerauth.Address{a2, a1}, new(""), a2.ID},
		{"DefaultNil", []customerauth.Address{a2, a1}, nil, a2.ID},
		{"EmptyListHasNoDefault", []customerauth.Address{}, new(a1.ID), ""},
		{"EmptyListNilDefault", []customerauth.Address{}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCustomer()
			mustCreate(t, s, c, nil)
			got := mustUpdate(t, s, &customerauth.CustomerChange{
				ID: c.ID, Addresses: &tc.addresses, DefaultAddressID: tc.defaultID, UpdatedAt: base,
			})
			want := c.Clone()
			want.Addresses = tc.addresses
			want.DefaultAddressID = tc.wantDefault
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

// ---------------------------------------------------------------------------
// Tokens.

func testCreateWithToken(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := validToken(customerauth.TokenActivation, c.ID)
	mustCreate(t, s, c, tok)
	wantCustomer(t, s, c)
	wantToken(t, s, tok)
}

func testCreateConflictStoresNeither(t *testing.T, s customerauth.Store) {
	cases := []struct {
		name  string
		clash func(c, existing *customerauth.Customer)
	}{
		{"Email", func(c, e *customerauth.Customer) { setEmail(c, strings.ToUpper(e.Email)) }},
		{"Phone", func(c, e *customerauth.Customer) { c.Phone = e.Phone }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			existing := newCustomer()
			mustCreate(t, s, existing, nil)
			c := newCustomer()
			tc.clash(c, existing)
			tok := validToken(customerauth.TokenActivation, c.ID)
			err := s.CreateCustomer(t.Context(), c, tok)
			wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a clash")
			wantNoCustomer(t, s, c.ID)
			wantNoToken(t, s, tok)
			wantCustomer(t, s, existing)
		})
	}
}

func testIssueUnknownCustomer(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenAccess, customerauth.TokenActivation, customerauth.TokenReset} {
		tok := validToken(kind, uuid.NewString())
		err := s.IssueToken(t.Context(), tok)
		wantErr(t, err, customerauth.ErrNotFound, "IssueToken("+kind.String()+") for an unknown customer")
		wantNoToken(t, s, tok)
	}
}

// testTokenByHashChecksKind: a reset link must not be usable as an access
// token and the other way round, even though both are just hashes.
func testTokenByHashChecksKind(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	kinds := []customerauth.TokenKind{customerauth.TokenAccess, customerauth.TokenActivation, customerauth.TokenReset}
	toks := map[customerauth.TokenKind]*customerauth.Token{}
	for _, k := range kinds {
		toks[k] = validToken(k, c.ID)
		mustIssue(t, s, toks[k])
	}
	for _, stored := range kinds {
		for _, asked := range kinds {
			got, err := s.TokenByHash(t.Context(), asked, toks[stored].Hash, base)
			if stored == asked {
				if err != nil {
					t.Errorf("TokenByHash(%s, hash of %s token): %v", asked, stored, err)
					continue
				}
				checkToken(t, "TokenByHash", toks[stored], got)
				continue
			}
			if !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("TokenByHash(%s, hash of %s token) = %+v, %v; want ErrNotFound", asked, stored, got, err)
			}
		}
	}
}

// testLinkTokenReplaces: only the newest emailed link of a kind works, but a
// new link must not log the customer out, cancel the other kind of link or
// touch anybody else.
func testLinkTokenReplaces(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		t.Run(kind.String(), func(t *testing.T) {
			other := customerauth.TokenActivation
			if kind == customerauth.TokenActivation {
				other = customerauth.TokenReset
			}
			c, d := newCustomer(), newCustomer()
			older := validToken(kind, c.ID)
			mustCreate(t, s, c, older)
			mustCreate(t, s, d, nil)
			access := validToken(customerauth.TokenAccess, c.ID)
			otherKind := validToken(other, c.ID)
			dSame := validToken(kind, d.ID)
			dAccess := validToken(customerauth.TokenAccess, d.ID)
			mustIssue(t, s, access, otherKind, dSame, dAccess)

			newer := validToken(kind, c.ID)
			mustIssue(t, s, newer)
			wantNoToken(t, s, older)
			wantToken(t, s, newer)
			wantToken(t, s, access)
			wantToken(t, s, otherKind)
			wantToken(t, s, dSame)
			wantToken(t, s, dAccess)

			// Issuing through UpdateCustomer replaces the same way.
			newest := validToken(kind, c.ID)
			mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: base, Issue: newest})
			wantNoToken(t, s, newer)
			wantToken(t, s, newest)
			wantToken(t, s, access)
			wantToken(t, s, otherKind)
			wantToken(t, s, dSame)
		})
	}
}

// testAccessTokensAccumulate: a customer may be logged in on many devices.
func testAccessTokensAccumulate(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	first := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, first)
	link := validToken(customerauth.TokenReset, c.ID)
	mustIssue(t, s, link)
	toks := []*customerauth.Token{first}
	for range 3 {
		tok := validToken(customerauth.TokenAccess, c.ID)
		mustIssue(t, s, tok)
		toks = append(toks, tok)
	}
	for _, tok := range toks {
		wantToken(t, s, tok)
	}
	wantToken(t, s, link)
}

// testRenewDeleteAccessOnly: RenewToken and DeleteToken serve sessions; they
// must not extend or remove an emailed link.
func testRenewDeleteAccessOnly(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		tok := validToken(kind, c.ID)
		mustIssue(t, s, tok)
		got, err := s.RenewToken(t.Context(), tok.Hash, base, base.Add(72*time.Hour))
		if !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("RenewToken(%s token) = %+v, %v; want ErrNotFound", kind, got, err)
		}
		got, err = s.DeleteToken(t.Context(), tok.Hash, base)
		if !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("DeleteToken(%s token) = %+v, %v; want ErrNotFound", kind, got, err)
		}
		wantToken(t, s, tok)
	}
}

// ---------------------------------------------------------------------------
// Expiry.

func testExpiredTokenNotFound(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	expires := base
	cases := []struct {
		name string
		now  time.Time
	}{
		// A token is valid strictly before ExpiresAt (Token.ValidAt).
		{"AtExpiry", expires},
		{"AfterExpiry", expires.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := newToken(customerauth.TokenAccess, c.ID, expires)
			mustIssue(t, s, tok)
			if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, tc.now); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("TokenByHash(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			if got, err := s.RenewToken(t.Context(), tok.Hash, tc.now, tc.now.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("RenewToken(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			if got, err := s.DeleteToken(t.Context(), tok.Hash, tc.now); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("DeleteToken(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			// Refusing an expired token must not have renewed or deleted it.
			wantToken(t, s, tok)
		})
	}

	// One tick before expiry the token is still good.
	tok := newToken(customerauth.TokenReset, c.ID, expires)
	mustIssue(t, s, tok)
	if _, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, expires.Add(-tick)); err != nil {
		t.Errorf("TokenByHash just before expiry: %v", err)
	}
}

func testRenewMovesExpiry(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := newToken(customerauth.TokenAccess, c.ID, base.Add(time.Hour))
	mustCreate(t, s, c, tok)
	now := base.Add(30 * time.Minute)
	newExpiry := base.Add(10 * time.Hour)
	got, err := s.RenewToken(t.Context(), tok.Hash, now, newExpiry)
	if err != nil {
		t.Fatalf("RenewToken: %v", err)
	}
	want := *tok
	want.ExpiresAt = newExpiry
	checkToken(t, "RenewToken", &want, got)
	wantToken(t, s, &want)

	// Valid after the old expiry, invalid at the new one.
	if _, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, tok.ExpiresAt); err != nil {
		t.Errorf("TokenByHash at the old expiry after renewal: %v", err)
	}
	if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, newExpiry); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash at the new expiry = %+v, %v; want ErrNotFound", got, err)
	}

	if got, err := s.RenewToken(t.Context(), customerauth.HashToken("unknown"), now, newExpiry); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken(unknown) = %+v, %v; want ErrNotFound", got, err)
	}
}

func testDeleteToken(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := validToken(customerauth.TokenAccess, c.ID)
	keep := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, tok)
	mustIssue(t, s, keep)

	got, err := s.DeleteToken(t.Context(), tok.Hash, base)
	if err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	checkToken(t, "DeleteToken", tok, got)
	wantNoToken(t, s, tok)
	wantToken(t, s, keep)
	if got, err := s.DeleteToken(t.Context(), tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("second DeleteToken = %+v, %v; want ErrNotFound", got, err)
	}
	if got, err := s.RenewToken(t.Context(), tok.Hash, base, base.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken after DeleteToken = %+v, %v; want ErrNotFound", got, err)
	}
}

func testDeleteExpired(t *testing.T, s customerauth.Store) {
	c, d := newCustomer(), newCustomer()
	mustCreate(t, s, c, nil)
	mustCreate(t, s, d, nil)
	now := base
	var expired, valid []*customerauth.Token
	// Each kind, customer and side of the boundary. Expiring exactly at
	// now counts as expired, matching Token.ValidAt.
	for _, id := range []string{c.ID, d.ID} {
		expired = append(expired,
			newToken(customerauth.TokenAccess, id, now.Add(-time.Hour)),
			newToken(customerauth.TokenAccess, id, now),
			newToken(customerauth.TokenActivation, id, now.Add(-time.Minute)),
		)
		valid = append(valid,
			newToken(customerauth.TokenAccess, id, now.Add(tick)),
			newToken(customerauth.TokenAccess, id, now.Add(time.Hour)),
			newToken(customerauth.TokenReset, id, now.Add(time.Hour)),
		)
	}
	mustIssue(t, s, expired...)
	mustIssue(t, s, valid...)

	n, err := s.DeleteExpiredTokens(t.Context(), now)
	if err != nil {
		t.Fatalf("DeleteExpiredTokens: %v", err)
	}
	if n != len(expired) {
		t.Errorf("DeleteExpiredTokens = %d, want %d", n, len(expired))
	}
	for _, tok := range expired {
		wantNoToken(t, s, tok)
	}
	for _, tok := range valid {
		wantToken(t, s, tok)
	}
	if n, err := s.DeleteExpiredTokens(t.Context(), now); err != nil || n != 0 {
		t.Errorf("second DeleteExpiredTokens = %d, %v; want 0, nil", n, err)
	}
	wantCustomer(t, s, c)
	wantCustomer(t, s, d)
}

// ---------------------------------------------------------------------------
// Consume and revoke.

func testConsume(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		t.Run(kind.String(), func(t *testing.T) {
			c := newCustomer()
			link := validToken(kind, c.ID)
			mustCreate(t, s, c, link)
			access := validToken(customerauth.TokenAccess, c.ID)
			mustIssue(t, s, access)
			issue := validToken(customerauth.TokenAccess, c.ID)

			// Consumption is judged at UpdatedAt, not at the wall clock.
			at := link.ExpiresAt.Add(-tick)
			got := mustUpdate(t, s, &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: new("new-hash"), State: new(customerauth.StateEnabled),
				UpdatedAt: at, Consume: &customerauth.TokenRef{Kind: kind, Hash: link.Hash}, Issue: issue,
			})
			want := c.Clone()
			want.PasswordHash = "new-hash"
			want.UpdatedAt = at
			checkCustomer(t, "UpdateCustomer", want, got)
			wantCustomer(t, s, want)
			wantNoToken(t, s, link)
			wantToken(t, s, issue)
			wantToken(t, s, access)

			// A consumed token cannot be consumed again.
			_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: c.ID, UpdatedAt: base, Consume: &customerauth.TokenRef{Kind: kind, Hash: link.Hash},
			})
			wantErr(t, err, customerauth.ErrNotFound, "second UpdateCustomer consuming the same token")
		})
	}
}

func testConsumeUnusable(t *testing.T, s customerauth.Store) {
	type fixture struct {
		c, other   *customerauth.Customer
		reset      *customerauth.Token // c's valid reset token
		otherReset *customerauth.Token // other's valid reset token
	}
	cases := []struct {
		name      string
		ref       func(f fixture) customerauth.TokenRef
		updatedAt time.Time
	}{
		{"WrongKind", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenActivation, Hash: f.reset.Hash}
		}, base},
		{"AccessKind", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenAccess, Hash: f.reset.Hash}
		}, base},
		{"OtherCustomersToken", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.otherReset.Hash}
		}, base},
		{"ExpiredAtUpdatedAt", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash}
		}, base.Add(24 * time.Hour)},
		{"ExpiredAfterUpdatedAt", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash}
		}, base.Add(25 * time.Hour)},
		{"UnknownHash", func(fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: customerauth.HashToken(uuid.NewString())}
		}, base},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture{c: newCustomer(), other: newCustomer()}
			f.reset = validToken(customerauth.TokenReset, f.c.ID)
			f.otherReset = validToken(customerauth.TokenReset, f.other.ID)
			access := validToken(customerauth.TokenAccess, f.c.ID)
			mustCreate(t, s, f.c, f.reset)
			mustCreate(t, s, f.other, f.otherReset)
			mustIssue(t, s, access)

			ref := tc.ref(f)
			issue := validToken(customerauth.TokenAccess, f.c.ID)
			got, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: f.c.ID, PasswordHash: new("attacker"), Email: new("Changed." + f.c.ID[:8] + "@example.com"),
				UpdatedAt: tc.updatedAt, Consume: &ref, RevokeTokens: true, Issue: issue,
			})
			if !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("UpdateCustomer consuming an unusable token = %v, %v; want ErrNotFound", got, err)
			}
			wantCustomer(t, s, f.c)
			wantCustomer(t, s, f.other)
			wantToken(t, s, f.reset)
			wantToken(t, s, f.otherReset)
			wantToken(t, s, access)
			wantNoToken(t, s, issue)
		})
	}
}

func testRevokeTokens(t *testing.T, s customerauth.Store) {
	c, d := newCustomer(), newCustomer()
	cAccess1 := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, cAccess1)
	mustCreate(t, s, d, nil)
	revoked := []*customerauth.Token{
		cAccess1,
		validToken(customerauth.TokenAccess, c.ID),
		validToken(customerauth.TokenActivation, c.ID),
		validToken(customerauth.TokenReset, c.ID),
		// Expired tokens go too; none of the customer's old tokens survive.
		newToken(customerauth.TokenAccess, c.ID, base.Add(-time.Hour)),
	}
	kept := []*customerauth.Token{
		validToken(customerauth.TokenAccess, d.ID),
		validToken(customerauth.TokenActivation, d.ID),
		validToken(customerauth.TokenReset, d.ID),
	}
	mustIssue(t, s, revoked[1:]...)
	mustIssue(t, s, kept...)

	issue := validToken(customerauth.TokenAccess, c.ID)
	got := mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, State: new(customerauth.StateDisabled), UpdatedAt: base, RevokeTokens: true, Issue: issue,
	})
	want := c.Clone()
	want.State = customerauth.StateDisabled
	want.UpdatedAt = base
	checkCustomer(t, "UpdateCustomer", want, got)
	for _, tok := range revoked {
		wantNoToken(t, s, tok)
	}
	for _, tok := range kept {
		wantToken(t, s, tok)
	}
	wantToken(t, s, issue)

	// Consume, revoke and issue together, as a password reset does: the
	// consumed token is among those revoked, and the new session survives.
	reset := validToken(customerauth.TokenReset, c.ID)
	mustIssue(t, s, reset)
	issue2 := validToken(customerauth.TokenAccess, c.ID)
	mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, PasswordHash: new("reset"), UpdatedAt: base, RevokeTokens: true, Issue: issue2,
		Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
	})
	wantNoToken(t, s, reset)
	wantNoToken(t, s, issue)
	wantToken(t, s, issue2)
	for _, tok := range kept {
		wantToken(t, s, tok)
	}
}

// ---------------------------------------------------------------------------
// Concurrency.

const racers = 50

// testConcurrentConsume: two clicks on one reset link must not both set a
// password, and the loser's session must not be stored.
func testConcurrentConsume(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	reset := validToken(customerauth.TokenReset, c.ID)
	mustCreate(t, s, c, reset)

	issued := make([]*customerauth.Token, racers)
	hashes := make([]string, racers)
	errs := make([]error, racers)
	for i := range racers {
		issued[i] = validToken(customerauth.TokenAccess, c.ID)
		hashes[i] = fmt.Sprintf("hash-%d", i)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			_, errs[i] = s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: &hashes[i], UpdatedAt: base,
				Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
				Issue:   issued[i],
			})
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
			t.Errorf("racers %d and %d both consumed the token", winner, i)
		case !errors.Is(err, customerauth.ErrNotFound):
			t.Errorf("racer %d: error %v, want ErrNotFound", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racer consumed the token")
	}
	if got := mustGet(t, s, c.ID).PasswordHash; got != hashes[winner] {
		t.Errorf("stored PasswordHash = %q, want the winner's %q", got, hashes[winner])
	}
	wantNoToken(t, s, reset)
	for i, tok := range issued {
		if i == winner {
			wantToken(t, s, tok)
		} else {
			wantNoToken(t, s, tok)
		}
	}
}

// testConcurrentCreate: a uniqueness check done before the insert and not
// together with it lets two signups with one address both through.
func testConcurrentCreate(t *testing.T, s customerauth.Store) {
	customers := make([]*customerauth.Customer, racers)
	for i := range racers {
		customers[i] = newCustomer()
		setEmail(customers[i], "Ann@example.com")
	}
	raceCreates(t, s, customers, "email", "CustomerByEmail", s.CustomerByEmail, "ann@example.com")
}

// testConcurrentCreateIdentifier: two first Multipass logins of one identity
// provider user must not make two customers.
func testConcurrentCreateIdentifier(t *testing.T, s customerauth.Store) {
	customers := make([]*customerauth.Customer, racers)
	for i := range racers {
		customers[i] = newCustomer()
		customers[i].MultipassIdentifier = "idp-shared"
	}
	raceCreates(t, s, customers, "Multipass identifier", "CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, "idp-shared")
}

// raceCreates creates customers, which share one unique value, all at once
// and checks that exactly one of them is stored and that find(key) finds it.
func raceCreates(t *testing.T, s customerauth.Store, customers []*customerauth.Customer, shared, findName string, find func(context.Context, string) (*customerauth.Customer, error), key string) {
	t.Helper()
	errs := make([]error, len(customers))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range customers {
		wg.Go(func() {
			<-start
			errs[i] = s.CreateCustomer(t.Context(), customers[i], nil)
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
			t.Errorf("customers %d and %d were both created with one %s", winner, i, shared)
		case !errors.Is(err, customerauth.ErrConflict):
			t.Errorf("racer %d: error %v, want ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no customer was created")
	}
	got, err := find(t.Context(), key)
	if err != nil {
		t.Fatalf("%s(%q): %v", findName, key, err)
	}
	checkCustomer(t, findName, customers[winner], got)
	for i, c := range customers {
		if i != winner {
			wantNoCustomer(t, s, c.ID)
		}
	}
}

// ---------------------------------------------------------------------------
// Cancellation.

// testCancelledContext: a request the client gave up on must not go on to
// change anything, so every method checks the context before it acts.
func testCancelledContext(t *testing.T, s customerauth.Store) {
	type fixture struct {
		c                     *customerauth.Customer
		access, reset, old    *customerauth.Token
		newCustomer           *customerauth.Customer
		newToken, issue, link *customerauth.Token
	}
	cases := []struct {
		name string
		call func(ctx context.Context, f fixture) error
	}{
		{"CreateCustomer", func(ctx context.Context, f fixture) error {
			return s.CreateCustomer(ctx, f.newCustomer, f.newToken)
		}},
		{"CustomerByID", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByID(ctx, f.c.ID)
			return err
		}},
		{"CustomerByEmail", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByEmail(ctx, f.c.EmailKey)
			return err
		}},
		{"CustomerByPhone", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByPhone(ctx, f.c.Phone)
			return err
		}},
		{"CustomerByMultipassIdentifier", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByMultipassIdentifier(ctx, f.c.MultipassIdentifier)
			return err
		}},
		{"UpdateCustomer", func(ctx context.Context, f fixture) error {
			_, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{
				ID: f.c.ID, FirstName: new("Changed"), Phone: new(""), MultipassIdentifier: new(""), UpdatedAt: base,
				Consume:      &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash},
				RevokeTokens: true, Issue: f.issue,
			})
			return err
		}},
		{"IssueToken", func(ctx context.Context, f fixture) error {
			// A new reset link would also replace f.reset.
			return s.IssueToken(ctx, f.link)
		}},
		{"TokenByHash", func(ctx context.Context, f fixture) error {
			_, err := s.TokenByHash(ctx, customerauth.TokenAccess, f.access.Hash, base)
			return err
		}},
		{"RenewToken", func(ctx context.Context, f fixture) error {
			_, err := s.RenewToken(ctx, f.access.Hash, base, base.Add(72*time.Hour))
			return err
		}},
		{"DeleteToken", func(ctx context.Context, f fixture) error {
			_, err := s.DeleteToken(ctx, f.access.Hash, base)
			return err
		}},
		{"DeleteExpiredTokens", func(ctx context.Context, f fixture) error {
			_, err := s.DeleteExpiredTokens(ctx, base)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture{c: newCustomer(), newCustomer: newCustomer()}
			f.access = validToken(customerauth.TokenAccess, f.c.ID)
			f.reset = validToken(customerauth.TokenReset, f.c.ID)
			f.old = newToken(customerauth.TokenAccess, f.c.ID, base.Add(-time.Hour))
			f.newToken = validToken(customerauth.TokenActivation, f.newCustomer.ID)
			f.issue = validToken(customerauth.TokenAccess, f.c.ID)
			f.link = validToken(customerauth.TokenReset, f.c.ID)
			mustCreate(t, s, f.c, f.access)
			mustIssue(t, s, f.reset, f.old)

			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := tc.call(ctx, f); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled context: error %v, want context.Canceled", tc.name, err)
			}

			wantCustomer(t, s, f.c)
			wantByIdentifier(t, s, f.c.MultipassIdentifier, f.c)
			wantToken(t, s, f.access)
			wantToken(t, s, f.reset)
			wantToken(t, s, f.old)
			wantNoCustomer(t, s, f.newCustomer.ID)
			wantNoIdentifier(t, s, f.newCustomer.MultipassIdentifier, "of a customer whose creation was cancelled")
			wantNoToken(t, s, f.newToken)
			wantNoToken(t, s, f.issue)
			wantNoToken(t, s, f.link)
		})
	}
}

// ---------------------------------------------------------------------------
// ReplayCache.

// replayTTL is how long the ReplayCache behaviours remember a key, about as
// long as a Multipass token is accepted.
const replayTTL = 10 * time.Minute

// replayKey returns a fixed key named by s. Each behaviour has a store of
// its own, so fixed keys cannot collide across behaviours.
func replayKey(s string) [32]byte {
	return sha256.Sum256([]byte(s))
}

// wantRemember fails unless Remember(key, now, expiresAt) succeeds and
// reports want; what tells which call it is.
func wantRemember(t *testing.T, rc customerauth.ReplayCache, key [32]byte, now, expiresAt time.Time, want bool, what string) {
	t.Helper()
	got, err := rc.Remember(t.Context(), key, now, expiresAt)
	if err != nil {
		t.Errorf("Remember(%x…, now %s, expiresAt %s) %s: %v", key[:6], show(now), show(expiresAt), what, err)
		return
	}
	if got != want {
		t.Errorf("Remember(%x…, now %s, expiresAt %s) %s = %t, want %t", key[:6], show(now), show(expiresAt), what, got, want)
	}
}

func testReplayNewKey(t *testing.T, rc customerauth.ReplayCache) {
	wantRemember(t, rc, replayKey("new"), base, base.Add(replayTTL), true, "of a new key")
}

// testReplaySameKey: a replayed Multipass token must be refused for as long
// as it could otherwise be accepted.
func testReplaySameKey(t *testing.T, rc customerauth.ReplayCache) {
	k, exp := replayKey("replayed"), base.Add(replayTTL)
	wantRemember(t, rc, k, base, exp, true, "of a new key")
	wantRemember(t, rc, k, base, exp, false, "again at once")
	wantRemember(t, rc, k, base.Add(replayTTL/2), exp, false, "again half-way to expiry")
	wantRemember(t, rc, k, exp.Add(-tick), exp, false, "again a tick before expiry")
	// What the repeated call claims as expiry does not make the key new.
	wantRemember(t, rc, k, base.Add(time.Minute), exp.Add(time.Hour), false, "again with a later expiry")
}

// testReplayDifferentKeys uses keys that differ in one byte, at either end,
// so a store that keeps or compares only part of a key is caught.
func testReplayDifferentKeys(t *testing.T, rc customerauth.ReplayCache) {
	first := replayKey("first")
	lastFlipped, firstFlipped := first, first
	lastFlipped[31] ^= 1
	firstFlipped[0] ^= 1
	keys := [][32]byte{first, lastFlipped, firstFlipped, {}, replayKey("other")}
	exp := base.Add(replayTTL)
	for i, k := range keys {
		wantRemember(t, rc, k, base, exp, true, fmt.Sprintf("of key %d, after the %d before it", i, i))
	}
	for i, k := range keys {
		wantRemember(t, rc, k, base.Add(tick), exp, false, fmt.Sprintf("of key %d again", i))
	}
}

// testReplayExpired: the cache may forget a key once a token with it would
// be refused as too old anyway, but it must not forget keys that have not
// expired yet, and a key remembered again is kept until its new expiry.
func testReplayExpired(t *testing.T, rc customerauth.ReplayCache) {
	k, long := replayKey("expiring"), replayKey("long-lived")
	exp := base.Add(replayTTL)
	wantRemember(t, rc, k, base, exp, true, "of a new key")
	wantRemember(t, rc, long, base, base.Add(time.Hour), true, "of a new long-lived key")

	after := exp.Add(tick)
	newExp := after.Add(replayTTL)
	wantRemember(t, rc, k, after, newExp, true, "a tick after the key expired")
	wantRemember(t, rc, k, after, newExp, false, "again, after it was remembered anew")
	wantRemember(t, rc, k, newExp.Add(-tick), newExp, false, "a tick before its new expiry")
	wantRemember(t, rc, long, after, base.Add(time.Hour), false, "of a key that has not expired, after another key expired")
}

// testReplayConcurrent: two processes handed one Multipass token at once
// must not both log it in. A key whose entry has expired counts as new.
func testReplayConcurrent(t *testing.T, rc customerauth.ReplayCache) {
	cases := []struct {
		name    string
		key     [32]byte
		prepare bool // remember the key with an expiry before the race first
	}{
		{"NewKey", replayKey("raced"), false},
		{"ExpiredKey", replayKey("raced-after-expiry"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := base
			if tc.prepare {
				wantRemember(t, rc, tc.key, base.Add(-replayTTL), base.Add(-tick), true, "of a new key, before the race")
			}
			exp := now.Add(replayTTL)
			fresh := make([]bool, racers)
			errs := make([]error, racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				wg.Go(func() {
					<-start
					fresh[i], errs[i] = rc.Remember(t.Context(), tc.key, now, exp)
				})
			}
			close(start)
			wg.Wait()

			winner := -1
			for i := range racers {
				switch {
				case errs[i] != nil:
					t.Errorf("racer %d: Remember: %v", i, errs[i])
				case fresh[i] && winner < 0:
					winner = i
				case fresh[i]:
					t.Errorf("racers %d and %d were both told the key was new", winner, i)
				}
			}
			if winner < 0 {
				t.Errorf("no racer was told the key was new")
			}
			wantRemember(t, rc, tc.key, now.Add(tick), exp, false, "after the race")
		})
	}
}

// testReplayCancelled: a request the client gave up on must not use up the
// token, or the client's retry would be refused as a replay.
func testReplayCancelled(t *testing.T, rc customerauth.ReplayCache) {
	k, exp := replayKey("cancelled"), base.Add(replayTTL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if fresh, err := rc.Remember(ctx, k, base, exp); !errors.Is(err, context.Canceled) {
		t.Errorf("Remember with a cancelled context = %t, %v; want context.Canceled", fresh, err)
	}
	wantRemember(t, rc, k, base, exp, true, "with a live context, after a cancelled call")
}
