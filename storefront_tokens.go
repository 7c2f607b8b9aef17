package customerauth

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// Storefront access scopes, as Shopify names them.
const (
	// ScopeReadCustomers allows the customer query and reading
	// CustomerAccessToken objects.
	ScopeReadCustomers = "unauthenticated_read_customers"
	// ScopeWriteCustomers allows every customer mutation.
	ScopeWriteCustomers = "unauthenticated_write_customers"
	// ScopeReadCustomerTags additionally allows Customer.tags.
	ScopeReadCustomerTags = "unauthenticated_read_customer_tags"
)

// StorefrontToken is a storefront access token a client must present when
// Config.AccessTokens is set, with the scopes it grants.
type StorefrontToken struct {
	// Token is the secret; Shopify's are 32 lowercase hex characters.
	Token string
	// Scopes lists the granted scopes (ScopeReadCustomers, …).
	Scopes []string
	// Private tokens are for servers: they are sent in the
	// Shopify-Storefront-Private-Token header, and only with them is the
	// Shopify-Storefront-Buyer-IP header believed. Public tokens are sent in
	// X-Shopify-Storefront-Access-Token.
	Private bool
}

// grants are the scopes of the request being served.
type grants struct {
	all     bool // no storefront tokens configured: everything is allowed
	scopes  []string
	private bool
}

type grantsKey struct{}

// allowed reports whether the request in ctx holds scope. Requests that did
// not come through Handler (a host's own schema, the Go API) hold every
// scope: the host decides who calls them.
func allowed(ctx context.Context, scope string) bool {
	g, ok := ctx.Value(grantsKey{}).(*grants)
	return !ok || g.all || slices.Contains(g.scopes, scope)
}

// scopeDenied is the error for a query field read without its scope.
func scopeDenied(field, scope string) error {
	return accessDenied("Access denied for " + field + " field. Required access: `" + scope + "` access scope.")
}

// authenticate finds the storefront token of a request. It returns nil
// grants when a token is required but none valid was sent.
func (s *Service) authenticate(r *http.Request) *grants {
	if len(s.cfg.AccessTokens) == 0 {
		return s.openGrants
	}
	match := func(header string, private bool) *grants {
		sent := r.Header.Get(header)
		if sent == "" {
			return nil
		}
		var found *grants
		// Compare against every token in constant time, so timing does not
		// tell how much of a guess was right.
		for _, t := range s.cfg.AccessTokens {
			if t.Private == private && subtle.ConstantTimeCompare([]byte(t.Token), []byte(sent)) == 1 {
				found = &grants{scopes: t.Scopes, private: private}
			}
		}
		return found
	}
	if g := match("Shopify-Storefront-Private-Token", true); g != nil {
		return g
	}
	return match("X-Shopify-Storefront-Access-Token", false)
}

type clientIPKey struct{}

// WithClientIP returns a context that names the client's IP address, for
// callers of the Go API whose requests do not come through Handler; the
// per-IP limits apply to it.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP returns the client IP address of the request in ctx, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// clientIP decides who the client is. The peer address counts, unless it
// is a trusted proxy: then the nearest X-Forwarded-For entry that is not a
// trusted proxy does. With a private storefront token, the storefront
// server names the buyer in Shopify-Storefront-Buyer-IP.
func (s *Service) clientIP(r *http.Request, g *grants) string {
	if g != nil && g.private {
		if ip, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("Shopify-Storefront-Buyer-IP"))); err == nil {
			return ip.Unmap().String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	peer = peer.Unmap()
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a forged or broken entry: trust nothing further left
		}
		ip = ip.Unmap()
		if !s.trustedProxy(ip) {
			return ip.String()
		}
		peer = ip
	}
	return peer.String()
}

func (s *Service) trustedProxy(ip netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
