package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Tokens bound to credentials.
//
// A login checks a password against the hash it read, then issues a token;
// a password change replaces the hash and revokes the tokens. Between the
// two steps of the login the change can commit, and a revocation only
// deletes what exists. These behaviours pin down the rules that close that
// window: tokens carry the CredentialVersion they were minted under, and
// every write that depends on the credentials checks them in its own step.

// credentialStep is one store call of a login, a password change or a
// change made with an access token, for the interleaving tables.
type credentialStep func(t *testing.T, s customerauth.Store, f *credentialFixture)

// credentialFixture is a customer with a live session, as the Service sees
// it while one request logs in and another changes the password.
type credentialFixture struct {
	c       *customerauth.Customer
	session *customerauth.Token // an access token minted before anything else
	read    uint64              // the version the login read with the old hash
	login   *customerauth.Token // what the login issues from the old hash
	loginOK error               // what IssueToken answered the login
	issued  *customerauth.Token // what the password change issues
}

func newCredentialFixture(t *testing.T, s customerauth.Store) *credentialFixture {
	t.Helper()
	f := &credentialFixture{c: newCustomer()}
	f.session = validToken(customerauth.TokenAccess, f.c.ID)
	mustCreate(t, s, f.c, f.session)
	return f
}

// loginReads is the login's first step: it reads the customer, whose old
// hash it will find correct.
func loginReads(t *testing.T, s customerauth.Store, f *credentialFixture) {
	t.Helper()
	f.read = mustGet(t, s, f.c.ID).CredentialVersion
}

// loginIssues is the login's second step: a token under what it read.
func loginIssues(t *testing.T, s customerauth.Store, f *credentialFixture) {
	t.Helper()
	f.login = validToken(customerauth.TokenAccess, f.c.ID)
	f.login.CredentialVersion = f.read
	f.loginOK = s.IssueToken(t.Context(), f.login)
	if f.loginOK != nil && !errors.Is(f.loginOK, customerauth.ErrCredentialsChanged) {
		t.Fatalf("IssueToken: %v, want nil or ErrCredentialsChanged", f.loginOK)
	}
}

// passwordChanges replaces the password as customerUpdate does: on the
// authority of the session, revoking every token, issuing a new one.
func passwordChanges(t *testing.T, s customerauth.Store, f *credentialFixture) {
	t.Helper()
	f.issued = validToken(customerauth.TokenAccess, f.c.ID)
	mustUpdate(t, s, &customerauth.CustomerChange{
		ID: f.c.ID, PasswordHash: new("new password"), UpdatedAt: base,
		AccessToken: &f.session.Hash, RevokeTokens: true, Issue: f.issued,
	})
}

// testLoginRacingPasswordChange: whatever order the steps of a login with
// the old password and a password change take, the login's token does not
// outlive the change, and only the change's own token works afterwards.
func testLoginRacingPasswordChange(t *testing.T, s customerauth.Store) {
	orders := []struct {
		name  string
		steps []credentialStep
	}{
		{"LoginThenChange", []credentialStep{loginReads, loginIssues, passwordChanges}},
		{"ChangeBetweenReadAndIssue", []credentialStep{loginReads, passwordChanges, loginIssues}},
		{"ChangeThenLogin", []credentialStep{passwordChanges, loginReads, loginIssues}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			f := newCredentialFixture(t, s)
			for _, step := range o.steps {
				step(t, s, f)
			}
			stale := f.read == 0 // the login read the old credentials
			switch {
			case stale:
				wantNoToken(t, s, f.login)
				wantUnusable(t, s, f.login)
			case f.loginOK != nil:
				t.Errorf("a login under the current credentials was refused: %v", f.loginOK)
			default:
				f.login.CredentialVersion = 1
				wantToken(t, s, f.login)
			}
			wantNoToken(t, s, f.session)
			f.issued.CredentialVersion = 1
			wantToken(t, s, f.issued)
			if got := mustGet(t, s, f.c.ID); got.CredentialVersion != 1 || got.PasswordHash != "new password" {
				t.Errorf("after the change: CredentialVersion %d, PasswordHash %q; want 1 and the new hash", got.CredentialVersion, got.PasswordHash)
			}
		})
	}
}

// wantUnusable fails unless the access token tok is refused by every call
// that takes one, asked at tok.CreatedAt when it has not expired.
func wantUnusable(t *testing.T, s customerauth.Store, tok *customerauth.Token) {
	t.Helper()
	if _, err := s.RenewToken(t.Context(), tok.Hash, tok.CreatedAt, tok.ExpiresAt.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken of a token minted under replaced credentials: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: tok.CustomerID, FirstName: new("Thief"), UpdatedAt: tok.CreatedAt, AccessToken: &tok.Hash}); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer on the authority of a token minted under replaced credentials: %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteToken(t.Context(), tok.Hash, tok.CreatedAt); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("DeleteToken of a token minted under replaced credentials: %v, want ErrNotFound", err)
	}
}

// testConcurrentLoginsDuringPasswordChange runs the same race for real:
// many logins that read the old credentials issue their tokens while the
// password changes. Each is either refused or revoked; none survives.
func testConcurrentLoginsDuringPasswordChange(t *testing.T, s customerauth.Store) {
	f := newCredentialFixture(t, s)
	logins := make([]*credentialFixture, racers)
	for i := range logins {
		logins[i] = &credentialFixture{c: f.c}
		loginReads(t, s, logins[i])
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range logins {
		wg.Go(func() {
			<-start
			loginIssues(t, s, logins[i])
		})
	}
	wg.Go(func() {
		<-start
		passwordChanges(t, s, f)
	})
	close(start)
	wg.Wait()
	for _, l := range logins {
		wantNoToken(t, s, l.login)
	}
	f.issued.CredentialVersion = 1
	wantToken(t, s, f.issued)
}

// testChangeWithRevokedTokenIsRefused: a thief's change made with a token
// the owner's reset has revoked must not commit, even though the token was
// valid when the thief's request began.
func testChangeWithRevokedTokenIsRefused(t *testing.T, s customerauth.Store) {
	f := newCredentialFixture(t, s)
	reset := validToken(customerauth.TokenReset, f.c.ID)
	mustIssue(t, s, reset)

	// The owner's reset commits first.
	owner := validToken(customerauth.TokenAccess, f.c.ID)
	mustUpdate(t, s, &customerauth.CustomerChange{
		ID: f.c.ID, PasswordHash: new("owner's"), UpdatedAt: base,
		Consume:      &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
		RevokeTokens: true, Issue: owner,
	})
	// The thief's change, decided while the stolen session still worked.
	thief := validToken(customerauth.TokenAccess, f.c.ID)
	_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
		ID: f.c.ID, PasswordHash: new("thief's"), Email: new("thief." + f.c.ID[:8] + "@example.com"), UpdatedAt: base,
		AccessToken: &f.session.Hash, RevokeTokens: true, Issue: thief,
	})
	wantErr(t, err, customerauth.ErrNotFound, "UpdateCustomer with a revoked access token")
	got := mustGet(t, s, f.c.ID)
	if got.PasswordHash != "owner's" || got.Email != f.c.Email || got.CredentialVersion != 1 {
		t.Errorf("the refused change left a trace: PasswordHash %q, Email %q, CredentialVersion %d", got.PasswordHash, got.Email, got.CredentialVersion)
	}
	wantNoToken(t, s, thief)
	owner.CredentialVersion = 1
	wantToken(t, s, owner)
}

// testAccessTokenAuthorityIsChecked: the token a change is made with must
// be a live access token of that customer.
func testAccessTokenAuthorityIsChecked(t *testing.T, s customerauth.Store) {
	f := newCredentialFixture(t, s)
	other := newCustomer()
	otherSession := validToken(customerauth.TokenAccess, other.ID)
	mustCreate(t, s, other, otherSession)
	reset := validToken(customerauth.TokenReset, f.c.ID)
	mustIssue(t, s, reset)
	refused := []struct {
		name      string
		hash      customerauth.TokenHash
		updatedAt time.Time
	}{
		{"AnotherCustomersToken", otherSession.Hash, base},
		{"ExpiredAtUpdatedAt", f.session.Hash, f.session.ExpiresAt},
		{"NotAnAccessToken", reset.Hash, base},
		{"UnknownToken", customerauth.HashToken("unknown"), base},
	}
	for _, tc := range refused {
		_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: f.c.ID, FirstName: new("Changed"), UpdatedAt: tc.updatedAt, AccessToken: &tc.hash})
		wantErr(t, err, customerauth.ErrNotFound, "UpdateCustomer with "+tc.name)
	}
	wantCustomer(t, s, f.c)

	got := mustUpdate(t, s, &customerauth.CustomerChange{ID: f.c.ID, FirstName: new("Changed"), UpdatedAt: base, AccessToken: &f.session.Hash})
	if got.FirstName != "Changed" || got.CredentialVersion != 0 {
		t.Errorf("a profile change with a live token: FirstName %q, CredentialVersion %d; want Changed and 0", got.FirstName, got.CredentialVersion)
	}
	wantToken(t, s, f.session) // a profile change revokes nothing
}

// testConcurrentCredentialChanges: of many changes made at once with one
// session (a thief) and one reset link (the owner), exactly one commits,
// its password is in force and only its token works.
func testConcurrentCredentialChanges(t *testing.T, s customerauth.Store) {
	for round := range 5 {
		f := newCredentialFixture(t, s)
		reset := validToken(customerauth.TokenReset, f.c.ID)
		mustIssue(t, s, reset)
		changes := make([]*customerauth.CustomerChange, racers)
		for i := range changes {
			ch := &customerauth.CustomerChange{
				ID: f.c.ID, PasswordHash: new(fmt.Sprintf("hash-%d", i)), UpdatedAt: base,
				RevokeTokens: true, Issue: validToken(customerauth.TokenAccess, f.c.ID),
			}
			if i%2 == 0 {
				ch.AccessToken = &f.session.Hash
			} else {
				ch.Consume = &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash}
			}
			changes[i] = ch
		}
		errs := make([]error, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range changes {
			wg.Go(func() {
				<-start
				_, errs[i] = s.UpdateCustomer(t.Context(), changes[i])
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
				t.Errorf("round %d: changes %d and %d both committed, though the first revoked what the second relied on", round, winner, i)
			case !errors.Is(err, customerauth.ErrNotFound):
				t.Errorf("round %d: change %d: %v, want ErrNotFound", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no change committed", round)
		}
		got := mustGet(t, s, f.c.ID)
		if got.PasswordHash != *changes[winner].PasswordHash || got.CredentialVersion != 1 {
			t.Errorf("round %d: PasswordHash %q, CredentialVersion %d; want the winner's %q and 1", round, got.PasswordHash, got.CredentialVersion, *changes[winner].PasswordHash)
		}
		for i, ch := range changes {
			if i == winner {
				ch.Issue.CredentialVersion = 1
				wantToken(t, s, ch.Issue)
			} else {
				wantNoToken(t, s, ch.Issue)
			}
		}
	}
}

// testIfCredentialVersionGuardsTheChange: a change decided on the password
// as it was (a hash upgraded after a login) must not overwrite a password
// set in the meantime.
func testIfCredentialVersionGuardsTheChange(t *testing.T, s customerauth.Store) {
	f := newCredentialFixture(t, s)
	passwordChanges(t, s, f)
	login := validToken(customerauth.TokenAccess, f.c.ID)
	_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
		ID: f.c.ID, PasswordHash: new("old password, rehashed"), UpdatedAt: base,
		IfCredentialVersion: new(uint64(0)), Issue: login,
	})
	wantErr(t, err, customerauth.ErrCredentialsChanged, "UpdateCustomer with a stale IfCredentialVersion")
	wantNoToken(t, s, login)
	if got := mustGet(t, s, f.c.ID).PasswordHash; got != "new password" {
		t.Errorf("PasswordHash = %q, want the new password's", got)
	}

	got := mustUpdate(t, s, &customerauth.CustomerChange{
		ID: f.c.ID, PasswordHash: new("new password, rehashed"), UpdatedAt: base,
		IfCredentialVersion: new(uint64(1)), Issue: login,
	})
	if got.PasswordHash != "new password, rehashed" || got.CredentialVersion != 1 {
		t.Errorf("a current IfCredentialVersion: PasswordHash %q, CredentialVersion %d; want the rehash and 1 (no revocation, no new version)", got.PasswordHash, got.CredentialVersion)
	}
	login.CredentialVersion = 1
	wantToken(t, s, login)
	f.issued.CredentialVersion = 1
	wantToken(t, s, f.issued)
}

// testCredentialVersionRoundTrips: a customer keeps the version it was
// created with (an imported one may carry any), tokens must match it, and
// the token created with the customer is bound to it.
func testCredentialVersionRoundTrips(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	c.CredentialVersion = 7
	first := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, first)
	wantCustomer(t, s, c)
	first.CredentialVersion = 7
	wantToken(t, s, first)

	for _, v := range []uint64{0, 6, 8} {
		tok := validToken(customerauth.TokenReset, c.ID)
		tok.CredentialVersion = v
		wantErr(t, s.IssueToken(t.Context(), tok), customerauth.ErrCredentialsChanged, fmt.Sprintf("IssueToken under version %d of a customer at 7", v))
		wantNoToken(t, s, tok)
	}
	ok := validToken(customerauth.TokenReset, c.ID)
	ok.CredentialVersion = 7
	mustIssue(t, s, ok)
	wantToken(t, s, ok)
}
