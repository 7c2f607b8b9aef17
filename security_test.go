package customerauth_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
	"golang.org/x/crypto/bcrypt"
)

func TestPasswordsAreHashedWithArgon2id(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Argon2 = customerauth.Argon2Params{} })
	e.register("ann@example.com", "correct horse")
	c, err := e.store.CustomerByEmail(context.Background(), "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with m=19 MiB, t=2, p=1", c.PasswordHash)
	}
	e.register("bob@example.com", "correct horse")
	d, _ := e.store.CustomerByEmail(context.Background(), "bob@example.com")
	if d.PasswordHash == c.PasswordHash {
		t.Error("two hashes of one password are equal: no per-hash salt")
	}
}

func TestBcryptHashesVerifyAndAreUpgraded(t *testing.T) {
	e := newEnv(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("imported password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	c := &customerauth.Customer{
		ID: "01900000-0000-7000-8000-000000000001", Email: "old@example.com", EmailKey: "old@example.com",
		State: customerauth.StateEnabled, PasswordHash: string(hash), CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(),
	}
	if err := e.store.CreateCustomer(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": "old@example.com", "password": "wrong password"}})
	if len(r.userErrors("customerAccessTokenCreate")) != 1 {
		t.Fatalf("wrong password against bcrypt: %s", r.Raw)
	}
	e.login("old@example.com", "imported password")
	got, _ := e.store.CustomerByID(context.Background(), c.ID)
	if !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
		t.Fatalf("hash after login = %q, want it upgraded to argon2id", got.PasswordHash)
	}
	e.login("old@example.com", "imported password")
}

// TestUnknownEmailCostsAHash checks that a login for an email without an
// account does the same hashing work as a wrong password. It measures bytes
// allocated, which argon2 fixes by its memory parameter, not time.
func TestUnknownEmailCostsAHash(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Argon2 = customerauth.Argon2Params{} })
	e.register("ann@example.com", "correct horse")
	allocated := func(email string) uint64 {
		t.Helper()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := e.svc.CreateAccessToken(context.Background(), email, "wrong password")
		runtime.ReadMemStats(&after)
		if len(customerauth.UserErrors(err)) != 1 {
			t.Fatalf("login %s: %v", email, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	const argonBytes = 19 * 1024 * 1024
	wrong, unknown := allocated("ann@example.com"), allocated("nobody@example.com")
	if wrong < argonBytes || unknown < argonBytes {
		t.Errorf("allocated %d bytes for a wrong password and %d for an unknown email; both must run argon2 (%d)", wrong, unknown, argonBytes)
	}
}

func TestConcurrentResetWithOneTokenSucceedsOnce(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "first password")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL

	const n = 20
	results := make([]gqlResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": fmt.Sprintf("password number %d", i)})
		}()
	}
	wg.Wait()
	winner := -1
	for i, r := range results {
		switch ue := r.userErrors("customerResetByUrl"); {
		case len(r.Errors) > 0:
			t.Errorf("request %d: %s", i, r.Raw)
		case len(ue) == 0:
			if winner >= 0 {
				t.Errorf("requests %d and %d both reset the password", winner, i)
			}
			winner = i
		case ue[0] != "TOKEN_INVALID resetUrl: Invalid reset token":
			t.Errorf("request %d: %v", i, ue)
		}
	}
	if winner < 0 {
		t.Fatal("no request succeeded")
	}
	e.login("ann@example.com", fmt.Sprintf("password number %d", winner))
	if tok := results[winner].str("customerResetByUrl", "customerAccessToken", "accessToken"); e.customer(tok).get("customer") == nil {
		t.Error("the winner's token does not work")
	}
}

func TestConcurrentRegistrationsOfOneEmailMakeOneCustomer(t *testing.T) {
	e := newEnv(t)
	const n = 20
	results := make([]gqlResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.do(createDoc, map[string]any{"input": map[string]any{"email": "Ann@example.com", "password": "correct horse"}})
		}()
	}
	wg.Wait()
	created := 0
	for i, r := range results {
		switch ue := r.userErrors("customerCreate"); {
		case len(ue) == 0 && len(r.Errors) == 0:
			created++
		case len(ue) != 1 || ue[0] != "TAKEN input.email: Email has already been taken":
			t.Errorf("request %d: %s", i, r.Raw)
		}
	}
	if created != 1 {
		t.Errorf("%d registrations succeeded, want 1", created)
	}
}

func TestNoSecretReachesTheLogs(t *testing.T) {
	e := newEnv(t)
	// Also the default notifier, which logs instead of sending.
	e2 := newEnv(t, func(c *customerauth.Config) { c.Notifier = nil })
	var secrets []string
	for _, env := range []*env{e, e2} {
		env.register("ann@example.com", "first password")
		tok := env.login("ann@example.com", "first password")
		env.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
		r := env.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"password": "second password"}})
		secrets = append(secrets, tok, r.str("customerUpdate", "customerAccessToken", "accessToken"))
		env.do(loginDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "wrong password"}})
	}
	secrets = append(secrets, "first password", "second password", "wrong password", e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL)
	logs := e.logs.String() + e2.logs.String()
	if !strings.Contains(logs, "notification") {
		t.Fatalf("the default notifier logged nothing: %q", logs)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("log holds a secret %q:\n%s", s, logs)
		}
	}
	if strings.Contains(logs, "/account/reset/") {
		t.Errorf("log holds a reset link:\n%s", logs)
	}
}
