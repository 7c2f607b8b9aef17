package customerauth_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// The storefront pages and the tokens of these tests.
const (
	corsShop      = "https://shop.example"
	corsStranger  = "https://evil.example"
	corsPublicTok = "0123456789abcdef0123456789abcdef"
)

// preflightReq is what a browser sends before a storefront's POST: no
// token, no body, the method and headers it means to send.
func preflightReq(origin string) *http.Request {
	r := httptest.NewRequest(http.MethodOptions, "/api/2026-04/graphql.json", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "content-type,x-sdk-variant,x-sdk-version,x-shopify-storefront-access-token")
	return r
}

// browserPost is the request that follows, with the storefront token.
func browserPost(origin, query string, vars map[string]any) *http.Request {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Shopify-Storefront-Access-Token", corsPublicTok)
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	return r
}

func serveRaw(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// corsEnv is a Service that requires a storefront token (so that a
// preflight, which carries none, shows it is answered before the token is
// looked at) with the given CORS settings.
func corsEnv(t *testing.T, cors customerauth.CORSConfig, edit ...func(*customerauth.Config)) *env {
	return newEnv(t, append([]func(*customerauth.Config){func(c *customerauth.Config) {
		c.CORS = cors
		c.AccessTokens = []customerauth.StorefrontToken{{Token: corsPublicTok, Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers}}}
	}}, edit...)...)
}

// varyHas reports whether the Vary header names field, in any of its
// values.
func varyHas(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

// listHas reports whether the comma-separated header value lists name,
// ignoring case.
func listHas(value, name string) bool {
	for _, f := range strings.Split(value, ",") {
		if strings.EqualFold(strings.TrimSpace(f), name) {
			return true
		}
	}
	return false
}

// noCredentials fails when an answer allows credentials: tokens travel in
// headers and bodies, so cookies must never be allowed along.
func noCredentials(t *testing.T, h http.Header) {
	t.Helper()
	if v, ok := h["Access-Control-Allow-Credentials"]; ok {
		t.Errorf("Access-Control-Allow-Credentials: %q, want none ever", v)
	}
}

func TestCORSPreflight(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cors       customerauth.CORSConfig
		origin     string
		wantStatus int
		wantOrigin string // "" means no CORS header at all
		wantMaxAge string // "" means no Access-Control-Max-Age
	}{
		{name: "any origin by default", origin: corsStranger, wantStatus: 204, wantOrigin: "*", wantMaxAge: "86400"},
		{name: "a listed origin is echoed", cors: customerauth.CORSConfig{AllowedOrigins: []string{"https://other.example", corsShop}},
			origin: corsShop, wantStatus: 204, wantOrigin: corsShop, wantMaxAge: "86400"},
		{name: "a listed origin matches in any case and without its default port", cors: customerauth.CORSConfig{AllowedOrigins: []string{"HTTPS://Shop.Example:443"}},
			origin: corsShop, wantStatus: 204, wantOrigin: corsShop, wantMaxAge: "86400"},
		{name: "a port other than the default is another origin", cors: customerauth.CORSConfig{AllowedOrigins: []string{"https://shop.example:8443"}},
			origin: corsShop, wantStatus: 403},
		{name: "an origin not on the list is refused", cors: customerauth.CORSConfig{AllowedOrigins: []string{corsShop}},
			origin: corsStranger, wantStatus: 403},
		{name: "a star on the list allows any origin", cors: customerauth.CORSConfig{AllowedOrigins: []string{corsShop, "*"}},
			origin: corsStranger, wantStatus: 204, wantOrigin: "*", wantMaxAge: "86400"},
		{name: "the null origin of a sandboxed page is not on a list", cors: customerauth.CORSConfig{AllowedOrigins: []string{corsShop}},
			origin: "null", wantStatus: 403},
		{name: "a configured max age in seconds", cors: customerauth.CORSConfig{MaxAge: 10 * time.Minute},
			origin: corsShop, wantStatus: 204, wantOrigin: "*", wantMaxAge: "600"},
		{name: "a negative max age leaves the header out", cors: customerauth.CORSConfig{MaxAge: -1},
			origin: corsShop, wantStatus: 204, wantOrigin: "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := corsEnv(t, tc.cors)
			w := serveRaw(e.h, preflightReq(tc.origin))
			h := w.Header()
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d (%q)", w.Code, tc.wantStatus, w.Body.String())
			}
			if w.Body.Len() != 0 {
				t.Errorf("body %q, want none", w.Body.String())
			}
			if h.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			for _, f := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
				if !varyHas(h, f) {
					t.Errorf("Vary %q does not name %s", h.Values("Vary"), f)
				}
			}
			noCredentials(t, h)
			if got := h.Values("Access-Control-Allow-Origin"); tc.wantOrigin == "" && len(got) > 0 || tc.wantOrigin != "" && !slices.Equal(got, []string{tc.wantOrigin}) {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.wantOrigin)
			}
			if tc.wantOrigin == "" {
				for k := range h {
					if strings.HasPrefix(k, "Access-Control-") {
						t.Errorf("refused preflight has %s: %q", k, h.Values(k))
					}
				}
				return
			}
			if got := h.Get("Access-Control-Allow-Methods"); !listHas(got, "POST") || !listHas(got, "GET") || !listHas(got, "OPTIONS") {
				t.Errorf("Access-Control-Allow-Methods %q, want POST, GET, OPTIONS", got)
			}
			allowed := h.Get("Access-Control-Allow-Headers")
			for _, name := range []string{"Content-Type", "X-Shopify-Storefront-Access-Token", "Shopify-Storefront-Private-Token", "X-SDK-Variant", "X-SDK-Version", "X-SDK-Variant-Source"} {
				if !listHas(allowed, name) {
					t.Errorf("Access-Control-Allow-Headers %q does not name %s", allowed, name)
				}
			}
			// A browser is the buyer: its address is the connection's.
			if listHas(allowed, "Shopify-Storefront-Buyer-IP") {
				t.Errorf("Access-Control-Allow-Headers %q names Shopify-Storefront-Buyer-IP", allowed)
			}
			if got := h.Get("Access-Control-Max-Age"); got != tc.wantMaxAge {
				t.Errorf("Access-Control-Max-Age %q, want %q", got, tc.wantMaxAge)
			}
		})
	}
}

func TestCORSActualRequests(t *testing.T) {
	listed := customerauth.CORSConfig{AllowedOrigins: []string{corsShop}}
	for _, tc := range []struct {
		name       string
		cors       customerauth.CORSConfig
		req        func(e *env) *http.Request
		wantStatus int
		wantCode   string // the first error's extensions.code, "" for none
		wantOrigin string // "" means no Access-Control-Allow-Origin
	}{
		{name: "any origin by default", req: func(*env) *http.Request {
			return browserPost(corsStranger, customerDoc, map[string]any{"customerAccessToken": "nope"})
		}, wantStatus: 200, wantOrigin: "*"},
		{name: "a listed origin", cors: listed, req: func(*env) *http.Request {
			return browserPost(corsShop, customerDoc, map[string]any{"customerAccessToken": "nope"})
		}, wantStatus: 200, wantOrigin: corsShop},
		{name: "an origin not on the list is answered without CORS headers", cors: listed, req: func(*env) *http.Request {
			return browserPost(corsStranger, customerDoc, map[string]any{"customerAccessToken": "nope"})
		}, wantStatus: 200},
		{name: "a 400 for a malformed body", cors: listed, req: func(*env) *http.Request {
			r := browserPost(corsShop, "", nil)
			r.Body = http.NoBody
			return r
		}, wantStatus: 400, wantCode: "BAD_REQUEST", wantOrigin: corsShop},
		{name: "a 401 without the storefront token", cors: listed, req: func(*env) *http.Request {
			r := browserPost(corsShop, customerDoc, nil)
			r.Header.Del("X-Shopify-Storefront-Access-Token")
			return r
		}, wantStatus: 401, wantCode: "UNAUTHORIZED", wantOrigin: corsShop},
		{name: "a 413 for a body over the limit", cors: listed, req: func(*env) *http.Request {
			return browserPost(corsShop, "query { "+strings.Repeat(" ", 2<<20)+"}", nil)
		}, wantStatus: 413, wantCode: "BAD_REQUEST", wantOrigin: corsShop},
		{name: "a THROTTLED login", cors: listed, req: func(e *env) *http.Request {
			// The limit is one login per account: the first uses it.
			serveRaw(e.h, browserPost(corsShop, loginDoc, loginVars("ann@example.com", "wrong guess")))
			return browserPost(corsShop, loginDoc, loginVars("ann@example.com", "another guess"))
		}, wantStatus: 200, wantCode: "THROTTLED", wantOrigin: corsShop},
		{name: "a GET query", req: func(*env) *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/2026-04/graphql.json?query=%7B__typename%7D", nil)
			r.Header.Set("X-Shopify-Storefront-Access-Token", corsPublicTok)
			r.Header.Set("Origin", corsShop)
			return r
		}, wantStatus: 200, wantOrigin: "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := corsEnv(t, tc.cors, func(c *customerauth.Config) {
				c.Throttle.LoginPerAccount = customerauth.Rule{Limit: 1, Window: time.Hour}
			})
			w := serveRaw(e.h, tc.req(e))
			h := w.Header()
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.wantStatus, w.Body.String())
			}
			var body struct {
				Errors []gqlError `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %q", w.Body.String())
			}
			if code := firstCode(body.Errors); code != tc.wantCode {
				t.Fatalf("error code %q, want %q: %s", code, tc.wantCode, w.Body.String())
			}
			if !varyHas(h, "Origin") {
				t.Errorf("Vary %q does not name Origin", h.Values("Vary"))
			}
			noCredentials(t, h)
			got := h.Values("Access-Control-Allow-Origin")
			if tc.wantOrigin == "" {
				if len(got) > 0 || h.Get("Access-Control-Expose-Headers") != "" {
					t.Errorf("Access-Control-Allow-Origin %q, Expose-Headers %q for an origin not allowed, want none", got, h.Get("Access-Control-Expose-Headers"))
				}
				return
			}
			if !slices.Equal(got, []string{tc.wantOrigin}) {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.wantOrigin)
			}
			if !listHas(h.Get("Access-Control-Expose-Headers"), "X-Request-ID") {
				t.Errorf("Access-Control-Expose-Headers %q, want X-Request-ID readable", h.Get("Access-Control-Expose-Headers"))
			}
		})
	}
}

func firstCode(errs []gqlError) string {
	if len(errs) == 0 {
		return ""
	}
	code, _ := errs[0].Extensions["code"].(string)
	return code
}

// TestCORSOtherRequests covers the requests that are not preflights: a
// plain OPTIONS is answered as before CORS (405 with Allow), a request
// without Origin gets no CORS header but Vary, and a Vary set by a host's
// middleware is kept.
func TestCORSOtherRequests(t *testing.T) {
	e := newEnv(t)

	t.Run("an OPTIONS request that is not a preflight", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodOptions, "/api/2026-04/graphql.json", nil)
		r.Header.Set("Origin", corsShop) // without Access-Control-Request-Method
		w := serveRaw(e.h, r)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, POST" {
			t.Errorf("%d Allow %q, want 405 Allow \"GET, POST\"", w.Code, w.Header().Get("Allow"))
		}
	})

	t.Run("a request without Origin", func(t *testing.T) {
		w := serveRaw(e.h, browserPost("", "{__typename}", nil))
		if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%d Access-Control-Allow-Origin %q, want 200 and none", w.Code, w.Header().Get("Access-Control-Allow-Origin"))
		}
		if !varyHas(w.Header(), "Origin") {
			t.Errorf("Vary %q, want Origin: the answer would differ with one", w.Header().Values("Vary"))
		}
	})

	t.Run("a host's Vary is kept", func(t *testing.T) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Accept-Encoding")
			e.h.ServeHTTP(w, r)
		})
		for _, r := range []*http.Request{browserPost(corsShop, "{__typename}", nil), preflightReq(corsShop)} {
			w := serveRaw(h, r)
			if !varyHas(w.Header(), "Accept-Encoding") || !varyHas(w.Header(), "Origin") {
				t.Errorf("%s: Vary %q, want Accept-Encoding and Origin", r.Method, w.Header().Values("Vary"))
			}
		}
	})

	t.Run("disabled", func(t *testing.T) {
		e := newEnv(t, func(c *customerauth.Config) { c.CORS.Disabled = true })
		for _, r := range []*http.Request{browserPost(corsShop, "{__typename}", nil), preflightReq(corsShop)} {
			w := serveRaw(e.h, r)
			for k := range w.Header() {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("%s: %s %q with CORS disabled", r.Method, k, w.Header().Values(k))
				}
			}
			if r.Method == http.MethodOptions && w.Code != http.StatusMethodNotAllowed {
				t.Errorf("preflight with CORS disabled: %d, want 405 as any OPTIONS", w.Code)
			}
		}
	})
}

func TestNewChecksCORSOrigins(t *testing.T) {
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"https://shop.example", true},
		{"HTTPS://SHOP.EXAMPLE", true},
		{"http://localhost:3000", true},
		{"https://[::1]:8443", true},
		{"capacitor://localhost", true},
		{"*", true},
		{"https://shop.example/", false},
		{"https://shop.example/account", false},
		{"shop.example", false},
		{"//shop.example", false},
		{"https://", false},
		{"https://ann@shop.example", false},
		{"https://shop.example?x=1", false},
		{"https://shop.example#top", false},
		{"https://shop.example:", false},
		{"https://shop.example:https", false},
		{"https://*.shop.example", false},
		{"https://bücher.example", false},
		{"null", false},
		{"", false},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			_, err := customerauth.New(customerauth.Config{
				CORS:   customerauth.CORSConfig{AllowedOrigins: []string{tc.origin}},
				Store:  customerauth.NewMemoryStore(),
				Argon2: fastArgon2,
			})
			if tc.ok && err != nil {
				t.Errorf("New refused %q: %v", tc.origin, err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "CORS.AllowedOrigins[0]")) {
				t.Errorf("New(%q): %v, want an error naming CORS.AllowedOrigins[0]", tc.origin, err)
			}
		})
	}
}
