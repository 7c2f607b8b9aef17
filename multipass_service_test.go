package customerauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

const (
	multipassSecret = "4c191800e584533ab18fc533397fce1d"
	multipassDoc    = storefrontdocs.CustomerAccessTokenCreateWithMultipass
)

func newMultipassEnv(t *testing.T, edit ...func(*customerauth.Config)) *env {
	t.Helper()
	return newEnv(t, append([]func(*customerauth.Config){func(c *customerauth.Config) {
		c.MultipassSecrets = []string{multipassSecret}
	}}, edit...)...)
}

// mint makes a token the way the shop's identity provider would, stamped
// with the env's current time unless p says otherwise.
func (e *env) mint(p customerauth.MultipassPayload) string {
	e.t.Helper()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = e.clock.Now()
	}
	m, err := customerauth.NewMultipass(multipassSecret)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := m.Encode(p)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// redeem sends the token through the GraphQL endpoint and returns the
// access token, or "" with the user errors.
func (e *env) redeem(token string) (string, []string) {
	e.t.Helper()
	r := e.do(multipassDoc, map[string]any{"multipassToken": token})
	if len(r.Errors) > 0 {
		e.t.Fatalf("top-level errors: %s", r.Raw)
	}
	return r.str("customerAccessTokenCreateWithMultipass", "customerAccessToken", "accessToken"),
		r.userErrors("customerAccessTokenCreateWithMultipass")
}

var refused = []string{"INVALID_MULTIPASS_REQUEST multipassToken: Invalid multipass request"}

func TestMultipassCreatesTheCustomer(t *testing.T) {
	e := newMultipassEnv(t)
	tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{
		Email: "Nic.Potts@Example.com", FirstName: "Nic", LastName: "Potts", TagString: "vip, wholesale,, vip",
		Identifier: "user-42",
		Addresses: []customerauth.MultipassAddress{
			{Address1: "123 Oak St", City: "Ottawa", CountryCode: "ca", ProvinceCode: "ON", Zip: "K1A 0B1"},
			{Address1: "1 Elm St", City: "Toronto", CountryCode: "CA", Default: true},
		},
	}))
	if len(errs) > 0 || !accessTokenPattern.MatchString(tok) {
		t.Fatalf("redeem: %q %v", tok, errs)
	}
	r := e.do(`query($t: String!) { customer(customerAccessToken: $t) { email firstName lastName tags defaultAddress { address1 countryCodeV2 } addresses(first: 5) { nodes { address1 } } } }`, map[string]any{"t": tok})
	want := `{"data":{"customer":{"email":"Nic.Potts@example.com","firstName":"Nic","lastName":"Potts","tags":["vip","wholesale"],"defaultAddress":{"address1":"1 Elm St","countryCodeV2":"CA"},"addresses":{"nodes":[{"address1":"123 Oak St"},{"address1":"1 Elm St"}]}}}}`
	if strings.TrimSpace(r.Raw) != want {
		t.Errorf("customer:\n%s\nwant\n%s", r.Raw, want)
	}
	c, err := e.store.CustomerByMultipassIdentifier(context.Background(), "user-42")
	if err != nil || c.State != customerauth.StateEnabled || c.PasswordHash != "" {
		t.Errorf("stored customer: %+v, %v", c, err)
	}
}

func TestMultipassUpdatesAndReenablesAnExistingCustomer(t *testing.T) {
	e := newMultipassEnv(t)
	id := e.register("ann@example.com", "correct horse")
	if _, err := e.svc.SetAddresses(context.Background(), id, []customerauth.Address{{Address1: "1 Old St"}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DisableCustomer(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	c, _ := e.store.CustomerByEmail(context.Background(), "ann@example.com")
	c.Tags = []string{"old"}
	if _, err := e.store.UpdateCustomer(context.Background(), &customerauth.CustomerChange{ID: c.ID, Tags: &c.Tags, UpdatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}

	addr := customerauth.MultipassAddress{Address1: "2 New St", Default: true}
	tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "ANN@example.com", FirstName: "Annie", TagString: "gold", Addresses: []customerauth.MultipassAddress{addr}}))
	if len(errs) > 0 {
		t.Fatalf("redeem: %v", errs)
	}
	// Again, later, with the same address: it is not added twice.
	e.clock.Advance(time.Minute)
	if _, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "ann@example.com", Addresses: []customerauth.MultipassAddress{addr}})); len(errs) > 0 {
		t.Fatalf("second redeem: %v", errs)
	}
	r := e.customer(tok)
	if r.str("customer", "firstName") != "Annie" || r.str("customer", "lastName") != "Lee" {
		t.Errorf("names: %s", r.Raw)
	}
	if got := toStrings(r.get("customer", "tags")); !slices.Equal(got, []string{"gold"}) {
		t.Errorf("tags = %v, want the token's tags to replace the old ones", got)
	}
	if n := len(r.get("customer", "addresses", "edges").([]any)); n != 2 {
		t.Errorf("%d addresses, want the old one and the new one once", n)
	}
	if r.str("customer", "defaultAddress", "address1") != "2 New St" {
		t.Errorf("default address: %s", r.Raw)
	}
	// The account is enabled again, and the password still works.
	e.login("ann@example.com", "correct horse")
}

func TestMultipassIdentifierPolicy(t *testing.T) {
	e := newMultipassEnv(t)
	// user-1 signs up through the identity provider.
	if _, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "one@example.com", Identifier: "user-1"})); len(errs) > 0 {
		t.Fatal(errs)
	}
	e.register("plain@example.com", "correct horse")

	for _, tc := range []struct {
		name string
		p    customerauth.MultipassPayload
		want []string
	}{
		{"another identifier for a linked email", customerauth.MultipassPayload{Email: "one@example.com", Identifier: "user-2"}, refused},
		{"no identifier for a linked email", customerauth.MultipassPayload{Email: "one@example.com"}, refused},
		{"an identifier for an unlinked account", customerauth.MultipassPayload{Email: "plain@example.com", Identifier: "user-3"}, refused},
		{"an identifier moving onto another customer's email", customerauth.MultipassPayload{Email: "plain@example.com", Identifier: "user-1"}, refused},
		{"no identifier for an unlinked account", customerauth.MultipassPayload{Email: "plain@example.com"}, nil},
		{"the same identifier", customerauth.MultipassPayload{Email: "one@example.com", Identifier: "user-1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Advance(time.Second) // a new token each time
			_, errs := e.redeem(e.mint(tc.p))
			if !slices.Equal(errs, tc.want) && !(len(errs) == 0 && tc.want == nil) {
				t.Errorf("got %v, want %v", errs, tc.want)
			}
		})
	}

	// The identifier keys the customer: a new email moves with it.
	e.clock.Advance(time.Second)
	tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "one.new@example.com", Identifier: "user-1"}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := e.customer(tok).str("customer", "email"); got != "one.new@example.com" {
		t.Errorf("email = %q after the identity provider changed it", got)
	}
	// A host links an existing account, which then accepts the identifier.
	plain, _ := e.store.CustomerByEmail(context.Background(), "plain@example.com")
	if err := e.svc.LinkMultipassIdentifier(context.Background(), plain.ID, "user-3"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	if _, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "plain@example.com", Identifier: "user-3"})); len(errs) > 0 {
		t.Errorf("after linking: %v", errs)
	}
	if err := e.svc.LinkMultipassIdentifier(context.Background(), plain.ID, "user-1"); len(customerauth.UserErrors(err)) != 1 {
		t.Errorf("linking a taken identifier: %v", err)
	}
}

func TestMultipassFreshness(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset time.Duration // created_at relative to the server's clock
		ok     bool
	}{
		{"now", 0, true},
		{"14m59s old", -(15*time.Minute - time.Second), true},
		{"exactly 15m old", -15 * time.Minute, true},
		{"15m1s old", -(15*time.Minute + time.Second), false},
		{"60s ahead", time.Minute, true},
		{"61s ahead", time.Minute + time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMultipassEnv(t)
			_, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "ann@example.com", CreatedAt: e.clock.Now().Add(tc.offset)}))
			if ok := len(errs) == 0; ok != tc.ok {
				t.Errorf("accepted = %v, want %v (%v)", ok, tc.ok, errs)
			}
		})
	}
	t.Run("configurable", func(t *testing.T) {
		e := newMultipassEnv(t, func(c *customerauth.Config) { c.MultipassMaxAge = time.Minute; c.MultipassMaxSkew = time.Second })
		if _, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "a@example.com", CreatedAt: e.clock.Now().Add(-2 * time.Minute)})); len(errs) == 0 {
			t.Error("a 2-minute-old token passed a 1-minute limit")
		}
		if _, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "a@example.com", CreatedAt: e.clock.Now().Add(2 * time.Second)})); len(errs) == 0 {
			t.Error("a token 2 s ahead passed a 1 s skew")
		}
	})
}

func TestMultipassTokenWorksOnce(t *testing.T) {
	e := newMultipassEnv(t)
	tok := e.mint(customerauth.MultipassPayload{Email: "ann@example.com"})
	if !strings.HasSuffix(tok, "=") {
		t.Fatalf("expected a padded token for this test: %q", tok)
	}
	if _, errs := e.redeem(tok); len(errs) > 0 {
		t.Fatal(errs)
	}
	for name, again := range map[string]string{"padded": tok, "unpadded": strings.TrimRight(tok, "=")} {
		if _, errs := e.redeem(again); !slices.Equal(errs, refused) {
			t.Errorf("%s replay: %v", name, errs)
		}
	}
	// Still refused just before it would have expired anyway.
	e.clock.Advance(15 * time.Minute)
	if _, errs := e.redeem(tok); !slices.Equal(errs, refused) {
		t.Errorf("replay at the edge of the lifetime: %v", errs)
	}
}

func TestMultipassSecretRotation(t *testing.T) {
	const oldSecret, newSecret = "old-secret-0123456789abcdef", "new-secret-0123456789abcdef"
	e := newEnv(t, func(c *customerauth.Config) { c.MultipassSecrets = []string{newSecret, oldSecret} })
	for i, secret := range []string{oldSecret, newSecret} {
		m, _ := customerauth.NewMultipass(secret)
		tok, _ := m.Encode(customerauth.MultipassPayload{Email: "ann@example.com", CreatedAt: e.clock.Now().Add(time.Duration(i) * time.Second)})
		if _, errs := e.redeem(tok); len(errs) > 0 {
			t.Errorf("token of secret %d: %v", i, errs)
		}
	}
	// The service's own codec encodes with the first (new) secret.
	tok, _ := e.svc.Multipass().Encode(customerauth.MultipassPayload{Email: "bob@example.com", CreatedAt: e.clock.Now()})
	old, _ := customerauth.NewMultipass(oldSecret)
	if _, _, err := old.Decode(tok); err == nil {
		t.Error("Service.Multipass encoded with the old secret")
	}
	other := e.mint(customerauth.MultipassPayload{Email: "eve@example.com"}) // a secret not configured
	if _, errs := e.redeem(other); !slices.Equal(errs, refused) {
		t.Errorf("token of an unknown secret: %v", errs)
	}
}

func TestMultipassRefusalsLookAlikeAndAreLogged(t *testing.T) {
	e := newMultipassEnv(t)
	e.register("taken@example.com", "correct horse")
	for _, tc := range []struct{ name, token, reason string }{
		{"garbage", "not a token", "malformed"},
		{"bad email", e.mint(customerauth.MultipassPayload{Email: "not-an-email"}), "email"},
		{"html name", e.mint(customerauth.MultipassPayload{Email: "x@example.com", FirstName: "<script>", CreatedAt: e.clock.Now().Add(time.Second)}), "firstName"},
		{"bad country", e.mint(customerauth.MultipassPayload{Email: "y@example.com", Addresses: []customerauth.MultipassAddress{{CountryCode: "QQ"}}, CreatedAt: e.clock.Now().Add(2 * time.Second)}), "country code"},
		{"identifier conflict", e.mint(customerauth.MultipassPayload{Email: "taken@example.com", Identifier: "x", CreatedAt: e.clock.Now().Add(3 * time.Second)}), "different multipass identifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, errs := e.redeem(tc.token); !slices.Equal(errs, refused) {
				t.Errorf("got %v", errs)
			}
			if !strings.Contains(e.logs.String(), tc.reason) {
				t.Errorf("debug log lacks the reason %q: %s", tc.reason, e.logs.String())
			}
		})
	}
	t.Run("no secret configured", func(t *testing.T) {
		e := newEnv(t)
		if _, errs := e.redeem("anything"); !slices.Equal(errs, refused) {
			t.Errorf("got %v", errs)
		}
	})
}

func TestMultipassLoginRoute(t *testing.T) {
	e := newMultipassEnv(t)
	mux := http.NewServeMux()
	mux.Handle("/account/login/multipass/{token}", e.svc.MultipassLoginHandler())
	get := func(token string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/account/login/multipass/"+token, nil))
		return w
	}

	for i, tc := range []struct{ returnTo, want string }{
		{"", "/account"},
		{"/collections/sale?page=2", "/collections/sale?page=2"},
		{"https://shop.example/cart", "https://shop.example/cart"},
		{"https://SHOP.example/cart", "https://SHOP.example/cart"},
		{"https://evil.example/phish", "/account"},
		{"//evil.example/phish", "/account"},
		{"/\\evil.example", "/account"},
		{"http://shop.example/cart", "/account"},
		{"https://shop.example@evil.example/", "/account"},
		{"https://shop.example.evil.example/", "/account"},
		{"javascript:alert(1)", "/account"},
		{"account", "/account"},
		{"/ok\r\nSet-Cookie: x=y", "/account"},
	} {
		tok := e.mint(customerauth.MultipassPayload{Email: "ann@example.com", ReturnTo: tc.returnTo, CreatedAt: e.clock.Now().Add(time.Duration(i) * time.Millisecond)})
		w := get(tok)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("return_to %q: %d to %q, want 303 to %q", tc.returnTo, w.Code, w.Header().Get("Location"), tc.want)
		}
		cookies := w.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies: %v", cookies)
		}
		c := cookies[0]
		if c.Name != customerauth.AccessTokenCookie || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 42*24*3600 {
			t.Errorf("cookie %+v", c)
		}
		if e.customer(c.Value).str("customer", "email") != "ann@example.com" {
			t.Errorf("the cookie's token does not work")
		}
		if w.Header().Get("Referrer-Policy") != "no-referrer" || w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", w.Header())
		}
	}

	tok := e.mint(customerauth.MultipassPayload{Email: "bob@example.com", CreatedAt: e.clock.Now().Add(time.Second)})
	if w := get(tok); w.Code != http.StatusSeeOther {
		t.Fatalf("first use: %d", w.Code)
	}
	if w := get(tok); w.Code != http.StatusUnprocessableEntity || len(w.Result().Cookies()) != 0 || strings.TrimSpace(w.Body.String()) != "Invalid Multipass request" {
		t.Errorf("replay: %d %q", w.Code, w.Body.String())
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/account/login/multipass/"+tok, nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
}
