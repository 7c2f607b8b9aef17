package customerauth_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
)

func TestEventsReportTheFlow(t *testing.T) {
	var mu sync.Mutex
	var got []string
	e := newEnv(t, func(c *customerauth.Config) {
		c.Throttle.LoginPerAccount = customerauth.Rule{Limit: 3}
		c.OnEvent = func(_ context.Context, ev customerauth.Event) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, ev.Kind.String()+"/"+ev.Operation)
		}
	})
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	e.do(loginDoc, loginVars("ann@example.com", "wrong horse"))
	e.do(renewDoc, map[string]any{"customerAccessToken": tok})
	tok = e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"password": "second password"}}).str("customerUpdate", "customerAccessToken", "accessToken")
	e.do(deleteDoc, map[string]any{"customerAccessToken": tok})
	e.do(loginDoc, loginVars("ann@example.com", "wrong horse"))
	e.do(loginDoc, loginVars("ann@example.com", "wrong horse")) // the 4th of 3 allowed
	want := []string{
		"customer_created/create",
		"login_succeeded/login", "token_issued/login",
		"login_failed/login",
		"token_renewed/renew",
		"password_changed/update", "token_issued/update",
		"token_revoked/logout",
		"login_failed/login",
		"throttled/login",
	}
	if !slices.Equal(got, want) {
		t.Errorf("events\n%v\nwant\n%v", got, want)
	}
}
