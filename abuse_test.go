package customerauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// from sends a document as a client with the given peer address and
// headers.
func (e *env) from(remote string, headers map[string]string, query string, vars map[string]any) gqlResult {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(b))
	r.RemoteAddr = remote
	r.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return e.send(r)
}

func loginVars(email, password string) map[string]any {
	return map[string]any{"input": map[string]any{"email": email, "password": password}}
}

// wantThrottled checks the top-level THROTTLED answer with the root field
// null.
func wantThrottled(t *testing.T, r gqlResult, field, msg string) {
	t.Helper()
	if v, ok := r.Data[field]; !ok || v != nil || len(r.Errors) != 1 || r.Errors[0].Message != msg || r.Errors[0].Extensions["code"] != "THROTTLED" {
		t.Fatalf("got %s, want %s null and one THROTTLED %q", r.Raw, field, msg)
	}
}

const loginThrottled = "Login attempt limit exceeded. Please try again later."

func TestAbuse(t *testing.T) {
	e := newEnv(t)
	e.register("victim@example.com", "correct horse")
	e.register("bystander@example.com", "correct horse")

	t.Run("1000 wrong passwords for one account from rotating IPs", func(t *testing.T) {
		allowed := 0
		for i := range 1000 {
			r := e.from(fmt.Sprintf("198.51.%d.%d:4000", i/250, i%250), nil, loginDoc, loginVars("victim@example.com", fmt.Sprintf("guess %d", i)))
			if len(r.Errors) == 0 {
				allowed++
				if got := r.userErrors("customerAccessTokenCreate"); !slices.Equal(got, []string{"UNIDENTIFIED_CUSTOMER : Unidentified customer"}) {
					t.Fatalf("attempt %d: %v", i, got)
				}
				continue
			}
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
		if allowed != 10 {
			t.Errorf("%d attempts were checked, want the per-account limit of 10", allowed)
		}
		// The right password is throttled too while the account is under
		// attack: the limit is per account, not per outcome.
		wantThrottled(t, e.from("203.0.113.1:1", nil, loginDoc, loginVars("victim@example.com", "correct horse")), "customerAccessTokenCreate", loginThrottled)
	})

	t.Run("1000 logins from one IP across accounts", func(t *testing.T) {
		allowed := 0
		for i := range 1000 {
			r := e.from("192.0.2.66:5000", nil, loginDoc, loginVars(fmt.Sprintf("user%d@example.com", i), "whatever pass"))
			if len(r.Errors) == 0 {
				allowed++
				continue
			}
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
		if allowed != 50 {
			t.Errorf("%d attempts were checked, want the per-IP limit of 50", allowed)
		}
	})

	t.Run("a 100-alias login document", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("mutation {")
		for i := range 100 {
			fmt.Fprintf(&b, ` a%d: customerAccessTokenCreate(input: {email: "bystander@example.com", password: "guess %d"}) { customerAccessToken { accessToken } }`, i, i)
		}
		b.WriteString(" }")
		r := e.from("192.0.2.77:1", nil, b.String(), nil)
		wantRefused(t, r, "THROTTLED", "A request may hold at most 3 login, registration, recovery, reset or activation fields.")
	})

	t.Run("aliased attempts each count", func(t *testing.T) {
		doc := `mutation($i: CustomerAccessTokenCreateInput!) {
  a: customerAccessTokenCreate(input: $i) { customerUserErrors { code } }
  b: customerAccessTokenCreate(input: $i) { customerUserErrors { code } }
  c: customerAccessTokenCreate(input: $i) { customerUserErrors { code } }
}`
		throttledAt := -1
		for i := range 5 {
			r := e.from("192.0.2.88:1", nil, doc, map[string]any{"i": map[string]any{"email": "counted@example.com", "password": "wrong pass"}})
			if len(r.Errors) > 0 && throttledAt < 0 {
				throttledAt = i
			}
		}
		// 10 per account: the 4th document holds attempts 10, 11 and 12.
		if throttledAt != 3 {
			t.Errorf("first throttled document: %d, want 3 (three attempts per document)", throttledAt)
		}
	})

	t.Run("forged X-Forwarded-For does not change the client", func(t *testing.T) {
		for i := range 60 {
			r := e.from("192.0.2.99:1", map[string]string{"X-Forwarded-For": fmt.Sprintf("10.9.%d.%d", i/200, i%200)}, loginDoc, loginVars(fmt.Sprintf("xff%d@example.com", i), "whatever pass"))
			if i < 50 && len(r.Errors) > 0 || i >= 50 && len(r.Errors) == 0 {
				t.Fatalf("attempt %d: %s (the forged header must be ignored)", i, r.Raw)
			}
		}
	})

	t.Run("forged Buyer-IP without a private token is ignored", func(t *testing.T) {
		for i := range 55 {
			r := e.from("192.0.2.111:1", map[string]string{"Shopify-Storefront-Buyer-IP": fmt.Sprintf("10.8.0.%d", i)}, loginDoc, loginVars(fmt.Sprintf("bip%d@example.com", i), "whatever pass"))
			if i >= 50 && len(r.Errors) == 0 {
				t.Fatalf("attempt %d was not throttled: the header was believed", i)
			}
		}
	})

	t.Run("recover per email and per IP", func(t *testing.T) {
		const msg = "Resetting password limit exceeded. Please try again later."
		for i := range 6 {
			r := e.from(fmt.Sprintf("198.18.0.%d:1", i), nil, recoverDoc, map[string]any{"email": "bystander@example.com"})
			if i < 5 {
				r.noErrors(t, "customerRecover")
			} else {
				wantThrottled(t, r, "customerRecover", msg)
			}
		}
		for i := range 21 {
			r := e.from("198.18.1.1:1", nil, recoverDoc, map[string]any{"email": fmt.Sprintf("r%d@example.com", i)})
			if i == 20 {
				wantThrottled(t, r, "customerRecover", msg)
			} else if len(r.Errors) > 0 {
				t.Fatalf("recover %d: %s", i, r.Raw)
			}
		}
	})

	t.Run("create per IP", func(t *testing.T) {
		for i := range 21 {
			r := e.from("198.18.2.1:1", nil, createDoc, map[string]any{"input": map[string]any{"email": fmt.Sprintf("c%d@example.com", i), "password": "correct horse"}})
			if i == 20 {
				wantThrottled(t, r, "customerCreate", "Creating Customer Limit exceeded. Please try again later.")
			} else {
				r.noErrors(t, "customerCreate")
			}
		}
	})

	t.Run("a legitimate login still works", func(t *testing.T) {
		tok := e.from("203.0.113.50:1", nil, loginDoc, loginVars("bystander@example.com", "correct horse"))
		tok.noErrors(t, "customerAccessTokenCreate")
		// And the attacked account once the attack has aged out: the
		// sliding window forgets a burst completely after two windows.
		e.clock.Advance(30 * time.Minute)
		r := e.from("203.0.113.51:1", nil, loginDoc, loginVars("victim@example.com", "correct horse"))
		r.noErrors(t, "customerAccessTokenCreate")
	})
}

func TestClientIPBehindTrustedProxies(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		c.Throttle.LoginPerIP = customerauth.Rule{Limit: 2, Window: time.Hour}
	})
	login := func(remote, xff string, i int) gqlResult {
		return e.from(remote, map[string]string{"X-Forwarded-For": xff}, loginDoc, loginVars(fmt.Sprintf("p%d@example.com", i), "whatever pass"))
	}
	// Behind the proxy, each real client has its own allowance; the client
	// cannot choose it by prepending entries.
	for i, xff := range []string{"203.0.113.1", "203.0.113.2", "198.51.100.9, 203.0.113.3", "1.2.3.4, 203.0.113.4, 10.0.0.7"} {
		if r := login("10.0.0.1:1", xff, i); len(r.Errors) > 0 {
			t.Fatalf("client %d behind the proxy: %s", i, r.Raw)
		}
	}
	for i := range 3 {
		r := login("10.0.0.1:1", fmt.Sprintf("%d.%d.%d.%d, 203.0.113.9", i, i, i, i), 10+i)
		if i == 2 {
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
	}
	// An untrusted peer's header is ignored.
	for i := range 3 {
		r := login("192.0.2.5:1", fmt.Sprintf("203.0.113.%d", 100+i), 20+i)
		if i == 2 {
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
	}
}

func TestStorefrontTokensAndScopes(t *testing.T) {
	const (
		public  = "4f12cc6de73079c2c92ef4bef9e3c68a"
		private = "shpat_private_server_token_0001"
		narrow  = "0000cc6de73079c2c92ef4bef9e30000"
	)
	e := newEnv(t, func(c *customerauth.Config) {
		all := []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers, customerauth.ScopeReadCustomerTags}
		c.AccessTokens = []customerauth.StorefrontToken{
			{Token: public, Scopes: all},
			{Token: private, Scopes: all, Private: true},
			{Token: narrow, Scopes: []string{customerauth.ScopeWriteCustomers}},
		}
		c.Throttle.LoginPerIP = customerauth.Rule{Limit: 2, Window: time.Hour}
	})
	pub := map[string]string{"X-Shopify-Storefront-Access-Token": public}
	r := e.from("192.0.2.1:1", pub, createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}})
	r.noErrors(t, "customerCreate")
	r = e.from("192.0.2.1:1", pub, loginDoc, loginVars("ann@example.com", "correct horse"))
	tok := r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")

	unauthorized := `{"errors":[{"message":"Invalid or missing storefront access token.","locations":[],"extensions":{"code":"UNAUTHORIZED"}}]}`
	for name, h := range map[string]map[string]string{
		"no token":                  nil,
		"wrong token":               {"X-Shopify-Storefront-Access-Token": "ffffffffffffffffffffffffffffffff"},
		"private token as public":   {"X-Shopify-Storefront-Access-Token": private},
		"public token as private":   {"Shopify-Storefront-Private-Token": public},
		"token with trailing space": {"X-Shopify-Storefront-Access-Token": public + " "},
	} {
		r := e.from("192.0.2.1:1", h, `{ __typename }`, nil)
		if r.Status != http.StatusUnauthorized || strings.TrimSpace(r.Raw) != unauthorized {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	narrowH := map[string]string{"X-Shopify-Storefront-Access-Token": narrow}
	r = e.from("192.0.2.1:1", narrowH, `query($t: String!) { customer(customerAccessToken: $t) { email } }`, map[string]any{"t": tok})
	want := `{"data":{"customer":null},"errors":[{"message":"Access denied for customer field. Required access: ` + "`unauthenticated_read_customers`" + ` access scope.","locations":[{"line":1,"column":22}],"path":["customer"],"extensions":{"code":"ACCESS_DENIED"}}]}`
	if strings.TrimSpace(r.Raw) != want {
		t.Errorf("customer without read scope:\n%s\nwant\n%s", r.Raw, want)
	}
	r = e.from("192.0.2.1:1", narrowH, loginDoc, loginVars("ann@example.com", "correct horse"))
	if len(r.Errors) != 1 || r.Errors[0].Message != "Access denied for customerAccessToken field. Required access: `unauthenticated_read_customers` access scope." {
		t.Errorf("token field without read scope: %s", r.Raw)
	}

	readOnly := newEnv(t, func(c *customerauth.Config) {
		c.AccessTokens = []customerauth.StorefrontToken{{Token: public, Scopes: []string{customerauth.ScopeReadCustomers}}}
	})
	r = readOnly.from("192.0.2.1:1", pub, recoverDoc, map[string]any{"email": "ann@example.com"})
	wantDenied(t, r, "customerRecover", "CustomerRecover access denied")

	// Without the tags scope, tags are denied and the customer with them.
	noTags := newEnv(t, func(c *customerauth.Config) {
		c.AccessTokens = []customerauth.StorefrontToken{{Token: public, Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers}}}
	})
	noTags.from("192.0.2.1:1", pub, createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}}).noErrors(t, "customerCreate")
	tok2 := noTags.from("192.0.2.1:1", pub, loginDoc, loginVars("ann@example.com", "correct horse")).str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
	r = noTags.from("192.0.2.1:1", pub, `query($t: String!) { customer(customerAccessToken: $t) { email tags } }`, map[string]any{"t": tok2})
	if len(r.Errors) != 1 || r.Errors[0].Message != "Access denied for tags field. Required access: `unauthenticated_read_customer_tags` access scope." {
		t.Errorf("tags without scope: %s", r.Raw)
	}
	if r.str("customer", "email") != "" {
		t.Errorf("customer leaked without tags: %s", r.Raw)
	}

	// Buyer-IP is believed only with the private token.
	privH := func(ip string) map[string]string {
		return map[string]string{"Shopify-Storefront-Private-Token": private, "Shopify-Storefront-Buyer-IP": ip}
	}
	for i := range 3 {
		r := e.from("10.1.1.1:1", privH(fmt.Sprintf("203.0.113.%d", i)), loginDoc, loginVars(fmt.Sprintf("b%d@example.com", i), "whatever pass"))
		if len(r.Errors) > 0 {
			t.Fatalf("buyer %d from one storefront server was throttled: %s", i, r.Raw)
		}
	}
	for i := range 3 {
		r := e.from("10.1.1.2:1", map[string]string{"X-Shopify-Storefront-Access-Token": public, "Shopify-Storefront-Buyer-IP": fmt.Sprintf("203.0.113.%d", 50+i)}, loginDoc, loginVars(fmt.Sprintf("q%d@example.com", i), "whatever pass"))
		if i == 2 {
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
	}
}

func TestHashingIsBoundedAndExcessIsThrottled(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) {
		c.Throttle.MaxConcurrentHashes = 1
		c.Throttle.HashWait = time.Millisecond
	})
	entered, release := customerauth.HoldHashSlots(e.svc)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = e.svc.CreateAccessToken(context.Background(), "slow@example.com", "whatever pass")
	}()
	<-entered // the only slot is taken until release is closed
	if n := customerauth.HashSlotsInUse(e.svc); n != 1 {
		t.Fatalf("%d hash slots in use, want 1", n)
	}
	r := e.from("192.0.2.200:1", nil, loginDoc, loginVars("other@example.com", "whatever pass"))
	wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
	close(release)
	wg.Wait()
	if n := customerauth.HashSlotsInUse(e.svc); n != 0 {
		t.Errorf("%d hash slots still held", n)
	}
}

func TestHideAccountExistence(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.HideAccountExistence = true })
	createFor := func(email string) string {
		r := e.do(`mutation($input: CustomerCreateInput!) { customerCreate(input: $input) { customer { id } customerUserErrors { code field message } } }`,
			map[string]any{"input": map[string]any{"email": email, "password": "correct horse"}})
		return r.Raw
	}
	first := createFor("ann@example.com")
	again := createFor("ann@example.com")
	if first != again || !strings.Contains(first, `"customer":null`) || !strings.Contains(first, `"customerUserErrors":[]`) {
		t.Errorf("create answers differ or reveal the account:\n%s\n%s", first, again)
	}
	if e.mail.last(t, customerauth.NotifyAccountExists, "ann@example.com").Email == "" {
		t.Error("the owner was not told")
	}
	e.login("ann@example.com", "correct horse")

	known := e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).Raw
	unknown := e.do(recoverDoc, map[string]any{"email": "nobody@example.com"}).Raw
	if known != unknown {
		t.Errorf("recover answers differ:\n%s\n%s", known, unknown)
	}
	if e.mail.count(customerauth.NotifyPasswordReset) != 1 {
		t.Error("want exactly one reset email, to the real owner")
	}
}

func TestCommonPasswordsAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, pw := range []string{"qwertyuiop", "PASSWORD123", "iloveyou123"} {
		r := e.do(createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": pw}})
		want := []string{"INVALID input.password: Password is one of the most commonly used passwords. Choose one that is harder to guess."}
		if got := r.userErrors("customerCreate"); !slices.Equal(got, want) {
			t.Errorf("%q: %v", pw, got)
		}
	}
	e.do(createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "plum tractor sings"}}).noErrors(t, "customerCreate")
}

// keyRecorder is a Limiter that remembers the keys it was asked about.
type keyRecorder struct {
	mu   sync.Mutex
	keys map[string]int
	next customerauth.Limiter
}

func (k *keyRecorder) Allow(ctx context.Context, key string, rule customerauth.Rule, now time.Time) (bool, error) {
	k.mu.Lock()
	k.keys[key]++
	k.mu.Unlock()
	return k.next.Allow(ctx, key, rule, now)
}

func TestLimiterKeysStaySmallAndThrottledClientsAddNone(t *testing.T) {
	rec := &keyRecorder{keys: map[string]int{}, next: customerauth.NewMemoryLimiter()}
	e := newEnv(t, func(c *customerauth.Config) {
		c.Limiter = rec
		c.Throttle.LoginPerIP = customerauth.Rule{Limit: 5, Window: time.Hour}
	})
	long := strings.Repeat("x", 100_000) + "@example.com"
	for i := range 50 {
		e.from("192.0.2.9:1", nil, loginDoc, loginVars(fmt.Sprintf("%d%s", i, long), "whatever pass"))
	}
	accounts := 0
	for k := range rec.keys {
		if len(k) > 64 {
			t.Errorf("limiter key of %d bytes", len(k))
		}
		if strings.HasPrefix(k, "login:account:") {
			accounts++
		}
	}
	if accounts != 5 {
		t.Errorf("%d account counters for a client allowed 5 attempts, want 5", accounts)
	}
}

func TestIPv6ClientsShareTheirSlash64(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Throttle.LoginPerIP = customerauth.Rule{Limit: 3, Window: time.Hour} })
	for i := range 4 {
		r := e.from(fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1), nil, loginDoc, loginVars(fmt.Sprintf("v6-%d@example.com", i), "whatever pass"))
		if i == 3 {
			wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
		}
	}
	// Another /64 has its own allowance.
	if r := e.from("[2001:db8:1:3::1]:443", nil, loginDoc, loginVars("other@example.com", "whatever pass")); len(r.Errors) > 0 {
		t.Errorf("another /64 was throttled: %s", r.Raw)
	}
}
