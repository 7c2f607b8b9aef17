// Package storetest is the contract suite for customerauth.Store
// implementations and for the optional capabilities a Store may add:
// customerauth.Limiter, customerauth.ReplayCache, the administrative
// customerauth.CustomerLister, CustomerEraser and CustomerImporter, and the
// health check customerauth.Pinger. The
// Service trusts its Store to keep IDs, emails, phones and Multipass
// identifiers unique, to hand out copies, to apply changes atomically and to
// consume single-use tokens at most once; it trusts a Limiter to count
// attempts exactly as customerauth.MemoryLimiter does, a ReplayCache to call
// a key new once until it expires, an eraser to leave nothing behind and an
// importer to store a batch whole or not at all. None of that is visible in
// the method signatures, so every implementation runs this suite from its
// own tests to prove it.
//
// A Store author calls Run with a function that returns a new, empty store:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) customerauth.Store {
//			return newEmptyStore(t)
//		})
//	}
//
// Run also checks the Limiter and ReplayCache contracts, in the subtests of
// "Limiter" and "ReplayCache", and those of the administrative
// capabilities customerauth.CustomerLister, CustomerEraser and
// CustomerImporter, in subtests of those names, when the store implements
// them, so a SQL store that is all of them needs nothing more.
//
// A Limiter or ReplayCache that is not a Store (an attempt counter in
// Redis, say) runs its contract alone with RunLimiter or RunReplayCache:
//
//	func TestMyLimiter(t *testing.T) {
//		storetest.RunLimiter(t, func(t *testing.T) customerauth.Limiter {
//			return newEmptyLimiter(t)
//		})
//	}
//
// Every Run function runs each behaviour as a subtest of t and calls the
// constructor once per behaviour, inside that subtest, so the constructor
// must return an empty value every time and may register its cleanup with
// the t it is given. A failing behaviour is reported by its subtest's name,
// which says what the implementation got wrong.
//
// The suite is modelled on dex's storage/conformance package: a list of
// named behaviours, each run as a subtest on a store of its own.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
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
// contract, which the Service relies on but cannot check itself. Each
// behaviour runs as a subtest of t and calls newStore for a store of its
// own, so newStore must return an empty store every time (and may register
// cleanup with t). Behaviours that need several independent fixtures create
// customers with fresh random IDs, emails, phones and Multipass identifiers
// inside that one store, so they never collide with one another.
//
// A Store that also implements customerauth.Limiter or
// customerauth.ReplayCache is what the Service uses for that capability, so
// Run checks those contracts as well, as RunLimiter and RunReplayCache do,
// in the subtests of "Limiter" and "ReplayCache". Likewise it checks
// customerauth.CustomerLister, CustomerEraser and CustomerImporter in the
// subtests of those names. When the store does not implement one, Run logs
// that it skips it. It asks one extra store from newStore for each to find
// out.
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

		// Customer IDs are opaque: a UUID or an imported platform's id.
		{"OpaqueIDsWorkEverywhere", testOpaqueIDs},
		{"IDsAreCaseSensitive", testIDsAreCaseSensitive},
		{"CreateWithTakenIDConflictsAndChangesNothing", testCreateIDConflict},

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

		// UpdateCustomer's PutAddress.
		{"PutAddressReplacesInPlace", testPutAddressReplaces},
		{"PutAddressAppendsNewAddress", testPutAddressAppends},
		{"PutAddressToCustomerWithoutAddresses", testPutAddressFirst},
		{"PutAddressOfAnotherCustomersAddressConflicts", testPutAddressConflict},
		{"PutAddressIsIgnoredWhenAddressesIsSet", testPutAddressWithAddresses},
		{"PutAddressIsCopied", testPutAddressCopied},
		{"PutAddressAndProfileChangeAreOneUnit", testPutAddressOneUnit},
		{"PutAddressRacingAddAddressKeepsBoth", testPutAddressRacingAdd},
		{"ConcurrentPutAddressOfOneIDSucceedsOnce", testPutAddressOneIDManyCustomers},

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

		// Tokens bound to the credentials they were minted under.
		{"CredentialVersionRoundTrips", testCredentialVersionRoundTrips},
		{"LoginRacingPasswordChangeNeverOutlivesIt", testLoginRacingPasswordChange},
		{"ConcurrentLoginsDuringPasswordChangeAllFail", testConcurrentLoginsDuringPasswordChange},
		{"ChangeWithRevokedAccessTokenIsRefused", testChangeWithRevokedTokenIsRefused},
		{"ChangeChecksItsAccessToken", testAccessTokenAuthorityIsChecked},
		{"ConcurrentCredentialChangesCommitOnce", testConcurrentCredentialChanges},
		{"IfCredentialVersionGuardsTheChange", testIfCredentialVersionGuardsTheChange},
		// The address book.
		{"AddAddressAppendsAndFirstIsDefault", testAddAddress},
		{"AddAddressStopsAtTheLimit", testAddAddressLimit},
		{"UpdateAddressReplacesOnlyOwnAddress", testUpdateAddress},
		{"DeleteAddressMovesDefaultToOldest", testDeleteAddress},
		{"SetDefaultAddressOnlyToOwnAddress", testSetDefaultAddress},
		{"AddressChangesCheckTheirToken", testAddressChangesCheckTheirToken},
		{"AddressesAreCopied", testAddressesAreCopied},
		{"ConcurrentAddsAreAllKept", testConcurrentAddsAreAllKept},
		{"DeleteRacingUpdateNeverResurrects", testDeleteRacingUpdate},
		{"AddressIDsAreUniqueAcrossCustomers", testAddressIDsAreUnique},
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

	// Limiter is optional: a Store that implements it is used to count
	// login, recovery and registration attempts for every process on one
	// database.
	runOptional(t, newStore, "Limiter", RunLimiter)

	// ReplayCache is optional: a Store that implements it is used for
	// Multipass replay protection, shared by every process on one database.
	runOptional(t, newStore, "ReplayCache", RunReplayCache)

	// The administrative capabilities are optional: the admin command's
	// list and export, erase, and fast import use them. Their behaviours
	// create customers through the Store, so each asks for a Store that
	// has the capability.
	runOptional(t, newStore, "CustomerLister", runLister)
	runOptional(t, newStore, "CustomerEraser", runEraser)
	runOptional(t, newStore, "CustomerImporter", runImporter)
	// Pinger is optional: hosts call it from their health checks.
	runOptional(t, newStore, "Pinger", runPinger)
}

// runOptional runs the contract of the optional capability C, named name,
// with run (RunLimiter, RunReplayCache, runLister ...) in a subtest called
// name, when the stores made by newStore implement C; otherwise it logs that
// it skips it. C may be an interface that joins customerauth.Store and the
// capability, for behaviours that need both.
// It asks one extra store from newStore to find out. Every behaviour then
// asks newStore for a store of its own, as Run's do.
func runOptional[C any](t *testing.T, newStore func(t *testing.T) customerauth.Store, name string, run func(*testing.T, func(*testing.T) C)) {
	t.Helper()
	if _, ok := newStore(t).(C); !ok {
		t.Logf("skipping the %s behaviours: the store does not implement customerauth.%s", name, name)
		return
	}
	t.Run(name, func(t *testing.T) {
		run(t, func(t *testing.T) C {
			t.Helper()
			c, ok := newStore(t).(C)
			if !ok {
				t.Fatalf("newStore returned a store that does not implement customerauth.%s, though an earlier one did", name)
			}
			return c
		})
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
		// The shop's records and the customer's language: set, the note on
		// several lines with characters outside ASCII and the language one
		// with a region, so a store that drops, mangles or shortens them
		// is caught.
		AcceptsSMSMarketing: true,
		TaxExempt:           true,
		Note:                "Prefers delivery after 5pm.\nGate code: 12#4 — «side door» by the café",
		Language:            "PT_BR",
		State:               customerauth.StateEnabled,
		PasswordHash:        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
		Tags:                []string{"vip", "wholesale"},
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
