package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

// TestPagesHTTP checks what the account pages promise without a browser:
// routes, redirects, headers, the config they carry, and the logout cookie.
func TestPagesHTTP(t *testing.T) {
	mux := http.NewServeMux()
	cfg := pageConfig{StorefrontToken: `tok"<en>`, APIVersion: "2026-04"}
	mountPages(mux, cfg)
	mux.Handle("GET /graphql", graphiQL(cfg))

	get := func(path string, cookie string, header ...string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if cookie != "" {
			// Raw, so that odd bytes reach the server as a browser sends them.
			req.Header.Set("Cookie", customerauth.AccessTokenCookie+"="+cookie)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w
	}

	for path, want := range map[string]string{
		"/":        "/account",
		"/account": "/account/login", // no cookie
	} {
		w := get(path, "")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 303 to %q", path, w.Code, w.Header().Get("Location"), want)
		}
	}
	if w := get("/nowhere", ""); w.Code != http.StatusNotFound {
		t.Errorf("GET /nowhere: %d, want 404", w.Code)
	}

	for _, path := range []string{"/account/login", "/account/register", "/account/recover", "/account/reset/1/abc-1", "/account/activate/1/abc-1"} {
		w := get(path, "")
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, `data-endpoint="/api/2026-04/graphql.json"`) {
			t.Errorf("GET %s: %d, body without the endpoint:\n%s", path, w.Code, body)
			continue
		}
		if !strings.Contains(body, `data-storefront-token="tok&#34;&lt;en&gt;"`) {
			t.Errorf("GET %s: storefront token not escaped into the page:\n%s", path, body)
		}
		if strings.Contains(body, "data-customer-token") {
			t.Errorf("GET %s: a page other than /account carries a customer token", path)
		}
		h := w.Header()
		if h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("GET %s: headers %v", path, h)
		}
		wantRef := "same-origin"
		if strings.Contains(path, "/reset/") || strings.Contains(path, "/activate/") {
			wantRef = "no-referrer"
		}
		if got := h.Get("Referrer-Policy"); got != wantRef {
			t.Errorf("GET %s: Referrer-Policy %q, want %q", path, got, wantRef)
		}
	}

	// The account page hands the cookie's token to its script, escaped.
	w := get("/account", `0123abc'><script>x</script>`)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /account with a cookie: %d", w.Code)
	}
	body := w.Body.String()
	if strings.Contains(body, "<script>x") {
		t.Errorf("the cookie's value reached the page unescaped:\n%s", body)
	}
	w = get("/account", "0123456789abcdef0123456789abcdef")
	if !strings.Contains(w.Body.String(), `data-customer-token="0123456789abcdef0123456789abcdef"`) ||
		!strings.Contains(w.Body.String(), `data-has-cookie="true"`) {
		t.Errorf("GET /account: the token is not in the page:\n%s", w.Body.String())
	}

	// Logout expires the cookie, Secure or not, and is refused cross-site.
	post := func(header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/account/logout", nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w
	}
	w = post("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/account/login" {
		t.Errorf("POST /account/logout: %d to %q", w.Code, w.Header().Get("Location"))
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 2 || cookies[0].Name != customerauth.AccessTokenCookie || cookies[0].MaxAge >= 0 || !cookies[0].Secure || cookies[1].Secure {
		t.Errorf("POST /account/logout: cookies %v", w.Header().Values("Set-Cookie"))
	}
	if w := post("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "cors"); w.Code != http.StatusNoContent {
		t.Errorf("POST /account/logout from fetch: %d, want 204", w.Code)
	}
	if w := post("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"); w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
		t.Errorf("cross-site POST /account/logout: %d, cookies %v", w.Code, w.Result().Cookies())
	}
	// Without Sec-Fetch-Site (older browsers), the Origin or Referer decides.
	for _, tc := range []struct {
		header []string
		want   int
	}{
		{[]string{"Origin", "http://example.com"}, http.StatusSeeOther},
		{[]string{"Referer", "http://example.com/account"}, http.StatusSeeOther},
		{[]string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{nil, http.StatusForbidden},
	} {
		if w := post(tc.header...); w.Code != tc.want {
			t.Errorf("POST /account/logout with %v: %d, want %d", tc.header, w.Code, tc.want)
		}
	}

	// Assets and GraphiQL.
	for path, ctype := range map[string]string{
		"/assets/app.js":      "text/javascript",
		"/assets/style.css":   "text/css",
		"/assets/config.json": "application/json",
		"/graphql":            "text/html",
	} {
		w := get(path, "")
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), ctype) {
			t.Errorf("GET %s: %d %q, want 200 %s", path, w.Code, w.Header().Get("Content-Type"), ctype)
		}
	}
	if w := get("/assets/", ""); w.Code != http.StatusNotFound {
		t.Errorf("GET /assets/: %d, want 404", w.Code)
	}
	g, _ := io.ReadAll(get("/graphql", "").Body)
	if !strings.Contains(string(g), `"/api/2026-04/graphql.json"`) || !strings.Contains(string(g), "X-Shopify-Storefront-Access-Token") {
		t.Errorf("GraphiQL page does not post to the endpoint with the token header:\n%s", g)
	}
	if c := get("/assets/config.json", "").Body.String(); !strings.Contains(c, `"storefrontToken":"tok\"\u003cen\u003e"`) {
		t.Errorf("config.json: %s", c)
	}
}
