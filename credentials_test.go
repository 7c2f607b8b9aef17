package customerauth_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/shopkit/customerauth"
)

// pauseFirstHash pauses the first password hash or check the Service makes
// (once it holds its slot) until the returned release is called; entered
// is closed when it gets there. Later hashes run straight through, so a
// second request can complete inside the first one's window.
func pauseFirstHash(t *testing.T, e *env) (entered <-chan struct{}, release func()) {
	t.Helper()
	in, out := make(chan struct{}), make(chan struct{})
	var n atomic.Int32
	customerauth.OnHashSlot(e.svc, func() {
		if n.Add(1) == 1 {
			close(in)
			<-out
		}
	})
	var once sync.Once
	release = func() { once.Do(func() { close(out) }) }
	t.Cleanup(release)
	return in, release
}

// TestLoginWithOldPasswordDoesNotSurviveAPasswordChange: a login that
// checked the old password while the password was being changed gets no
// working token. Before tokens were bound to credentials, the login's token
// was issued after the change had revoked every token, and worked.
func TestLoginWithOldPasswordDoesNotSurviveAPasswordChange(t *testing.T) {
	changes := []struct {
		name   string
		change func(e *env, session string) gqlResult
		field  string
	}{
		{"CustomerUpdate", func(e *env, session string) gqlResult {
			return e.do(updateDoc, map[string]any{"customerAccessToken": session, "customer": map[string]any{"password": "brand new secret"}})
		}, "customerUpdate"},
		{"CustomerResetByUrl", func(e *env, _ string) gqlResult {
			e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(e.t, "customerRecover")
			link := e.mail.last(e.t, customerauth.NotifyPasswordReset, "ann@example.com").URL
			return e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "brand new secret"})
		}, "customerResetByUrl"},
	}
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *customerauth.Config) { c.Throttle.MaxConcurrentHashes = 4 })
			e.register("ann@example.com", "old secret pass")
			session := e.login("ann@example.com", "old secret pass")
			entered, release := pauseFirstHash(t, e)

			login := make(chan gqlResult)
			go func() { login <- e.do(loginDoc, loginVars("ann@example.com", "old secret pass")) }()
			<-entered // the login has read the old hash and waits to check it
			tc.change(e, session).noErrors(t, tc.field)
			release()
			r := <-login

			if got := r.userErrors("customerAccessTokenCreate"); len(got) != 1 || got[0] != "UNIDENTIFIED_CUSTOMER : Unidentified customer" {
				t.Errorf("login with the replaced password = %s, want UNIDENTIFIED_CUSTOMER", r.Raw)
			}
			if tok := r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken"); tok != "" && e.customer(tok).get("customer") != nil {
				t.Errorf("a token minted from the replaced password works after the change")
			}
			e.login("ann@example.com", "brand new secret")
		})
	}
}

// TestRevokedTokenLosesToAReset: the owner resets the password while a
// thief's password change, made with a stolen token, is hashing. The reset
// revokes the token, so the thief's change must fail, and only the owner's
// password and token work afterwards.
func TestRevokedTokenLosesToAReset(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Throttle.MaxConcurrentHashes = 4 })
	e.register("ann@example.com", "old secret pass")
	stolen := e.login("ann@example.com", "old secret pass")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	entered, release := pauseFirstHash(t, e)

	thief := make(chan gqlResult)
	go func() {
		thief <- e.do(updateDoc, map[string]any{"customerAccessToken": stolen, "customer": map[string]any{"password": "thief's password", "email": "thief@example.com"}})
	}()
	<-entered // the thief's token was checked; its new password is hashing
	r := e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "owner's new password"})
	r.noErrors(t, "customerResetByUrl")
	owner := r.str("customerResetByUrl", "customerAccessToken", "accessToken")
	release()

	wantDenied(t, <-thief, "customerUpdate", "CustomerUpdate access denied")
	if e.customer(stolen).get("customer") != nil {
		t.Error("the stolen token works after the reset")
	}
	if got := e.customer(owner).str("customer", "email"); got != "ann@example.com" {
		t.Errorf("owner's token reads email %q, want the unchanged ann@example.com", got)
	}
	e.login("ann@example.com", "owner's new password")
	r = e.do(loginDoc, loginVars("ann@example.com", "thief's password"))
	if len(r.userErrors("customerAccessTokenCreate")) != 1 {
		t.Errorf("the thief's password logs in: %s", r.Raw)
	}
}
