package customerauth

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CORSConfig says which web pages may call Handler from another origin
// than its own: a storefront served from https://shop.example calling the
// API on https://api.shop.example needs it, and its browser asks first (a
// preflight), because the requests carry a JSON body and a token header.
//
// Handler never allows credentials (cookies, HTTP authentication): the
// storefront and customer tokens travel in headers and in the GraphQL
// document, so a page cannot borrow a visitor's session, and the answer
// may be shared with any origin allowed.
type CORSConfig struct {
	// AllowedOrigins are the origins whose pages may call Handler, each
	// written as browsers send it in the Origin header: "scheme://host"
	// or "scheme://host:port", without a path or a trailing slash, the
	// host in ASCII (punycode for an international name). Scheme and host
	// match in any case, and 443 for https or 80 for http matches no port.
	// An entry "*" allows any origin. Empty means any origin, as Shopify's
	// Storefront API allows. New refuses a malformed entry.
	//
	// A page of another origin gets no CORS header, so its browser keeps
	// the answer from it, and its preflight is answered 403.
	AllowedOrigins []string

	// MaxAge is how long a browser may reuse a preflight's answer before
	// it asks again, in whole seconds. Zero means 24 hours; browsers cap it
	// (Chromium at 2 hours, Firefox at 24). Negative leaves the header
	// out, and browsers then ask again after a few seconds.
	MaxAge time.Duration

	// Disabled leaves cross-origin requests to the host, for one that
	// wraps Handler in CORS middleware of its own: Handler then adds no
	// CORS header and answers an OPTIONS request, preflight or not, as it
	// answers any method it does not serve.
	Disabled bool
}

// DefaultCORSMaxAge is how long browsers may reuse a preflight's answer
// when CORSConfig.MaxAge is zero.
const DefaultCORSMaxAge = 24 * time.Hour

// The CORS header values, shared by every answer: Header.Set and
// Header.Add replace or grow a slice, never write into one, so the answers
// cost no allocation (as jsonContentType in handler.go).
var (
	corsAnyOrigin     = []string{"*"}
	corsVaryActual    = []string{"Origin"}
	corsVaryPreflight = []string{"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}
	// X-Request-ID is the id an error message quotes; a page that reports
	// a failure needs to read it.
	corsExposeHeaders = []string{"X-Request-ID"}
	// POST and GET are what Handler serves; OPTIONS is the preflight
	// itself.
	corsAllowMethods = []string{"POST, GET, OPTIONS"}
	// What storefront clients send that is not CORS-safelisted: the
	// Content-Type of a JSON or GraphQL body, the public and private
	// storefront token headers and the SDK's identification headers
	// (@shopify/storefront-api-client, hydrogen-react). The private token
	// belongs on a server, but a page that has one (a staff tool) is
	// served like any other caller. Shopify-Storefront-Buyer-IP is left
	// out on purpose: it reports the buyer's address when a server calls
	// on the buyer's behalf, and a browser is the buyer, whose address the
	// connection already gives; it is believed only with a private token
	// anyway.
	corsAllowHeaders = []string{"content-type, x-shopify-storefront-access-token, shopify-storefront-private-token, x-sdk-variant, x-sdk-version, x-sdk-variant-source"}
)

// corsPolicy answers preflights and marks the answers of Handler for one
// CORSConfig. A nil *corsPolicy (CORSConfig.Disabled) does nothing.
type corsPolicy struct {
	anyOrigin bool
	// origins holds the allowed origins, normalized (normalizeOrigin).
	origins map[string]struct{}
	// maxAge is the Access-Control-Max-Age value; nil leaves it out.
	maxAge []string
}

// newCORSPolicy checks cfg and returns its policy, nil when disabled.
func newCORSPolicy(cfg CORSConfig) (*corsPolicy, error) {
	if cfg.Disabled {
		return nil, nil
	}
	p := &corsPolicy{anyOrigin: len(cfg.AllowedOrigins) == 0}
	for i, o := range cfg.AllowedOrigins {
		if o == "*" {
			p.anyOrigin = true
			continue
		}
		n, ok := normalizeOrigin(o)
		if !ok {
			return nil, fmt.Errorf("customerauth: CORS.AllowedOrigins[%d] %q is not an origin: write scheme://host or scheme://host:port, without a path, with an ASCII host", i, o)
		}
		if p.origins == nil {
			p.origins = map[string]struct{}{}
		}
		p.origins[n] = struct{}{}
	}
	if p.anyOrigin {
		p.origins = nil
	}
	switch {
	case cfg.MaxAge == 0:
		p.maxAge = []string{strconv.Itoa(int(DefaultCORSMaxAge / time.Second))}
	case cfg.MaxAge > 0:
		p.maxAge = []string{strconv.FormatInt(int64(cfg.MaxAge/time.Second), 10)}
	}
	return p, nil
}

// normalizeOrigin returns o as "scheme://host[:port]" in lowercase without
// the scheme's default port, or false when o is not of that form.
func normalizeOrigin(o string) (string, bool) {
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Opaque != "" || u.User != nil || u.Host == "" ||
		u.Path != "" || u.RawPath != "" || u.ForceQuery || u.RawQuery != "" || u.Fragment != "" ||
		strings.HasSuffix(u.Host, ":") || !strings.HasPrefix(o[len(u.Scheme):], "://") {
		return "", false
	}
	for i := 0; i < len(u.Host); i++ {
		if c := u.Host[i]; c >= 0x80 || c == '*' || c == '%' {
			return "", false
		}
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	switch {
	case scheme == "https":
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http":
		host = strings.TrimSuffix(host, ":80")
	}
	return scheme + "://" + host, true
}

// allowOrigin returns the Access-Control-Allow-Origin value for a request
// from origin, or nil when origin may not read the answer. A list answers
// with the origin itself, exactly as the browser sent it: the browser
// compares the two byte for byte.
func (p *corsPolicy) allowOrigin(origin string) []string {
	if p.anyOrigin {
		return corsAnyOrigin
	}
	if _, ok := p.origins[origin]; !ok {
		n, valid := normalizeOrigin(origin)
		if !valid {
			return nil
		}
		if _, ok := p.origins[n]; !ok {
			return nil
		}
	}
	return []string{origin}
}

// wrap returns next with the policy applied: preflights are answered here,
// before anything else looks at the request (a browser sends them without
// the storefront token), and every other answer gets its CORS headers
// before next writes it, errors, 413s and throttled answers included.
func (p *corsPolicy) wrap(next http.Handler) http.Handler {
	if p == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			p.preflight(w, r, origin)
			return
		}
		h := w.Header()
		// The answer depends on Origin even when there is none: a cache
		// must not hand a page the answer made for another origin, or
		// for no browser at all.
		addVary(h, corsVaryActual)
		if origin != "" {
			if allow := p.allowOrigin(origin); allow != nil {
				h["Access-Control-Allow-Origin"] = allow
				h["Access-Control-Expose-Headers"] = corsExposeHeaders
			}
		}
		next.ServeHTTP(w, r)
	})
}

// preflight answers a browser asking whether it may send a request: 204
// with what Handler accepts, or 403 with no CORS header for an origin that
// is not allowed. The method and headers asked for are not checked: the
// browser compares them with the lists, and refuses the request itself
// when they are not on them.
func (p *corsPolicy) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	h := w.Header()
	h.Set("X-Request-ID", requestID(r))
	addVary(h, corsVaryPreflight)
	allow := p.allowOrigin(origin)
	if allow == nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h["Access-Control-Allow-Origin"] = allow
	h["Access-Control-Allow-Methods"] = corsAllowMethods
	h["Access-Control-Allow-Headers"] = corsAllowHeaders
	if p.maxAge != nil {
		h["Access-Control-Max-Age"] = p.maxAge
	}
	w.WriteHeader(http.StatusNoContent)
}

// addVary adds v to the Vary header, keeping what a host's middleware put
// there before (Accept-Encoding, say).
func addVary(h http.Header, v []string) {
	if len(h["Vary"]) == 0 {
		h["Vary"] = v
		return
	}
	h["Vary"] = append(h["Vary"], v...)
}
