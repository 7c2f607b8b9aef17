package customerauth

import (
	"crypto/subtle"
	"net/http"
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

// authenticate finds the storefront token of a request. It returns nil
// grants when a token is required but none valid was sent.
func (e *endpoint) authenticate(r *http.Request) *grants {
	if len(e.storefrontTokens) == 0 {
		return e.openGrants
	}
	match := func(header string, private bool) *grants {
		sent := r.Header.Get(header)
		if sent == "" {
			return nil
		}
		var found *grants
		// Compare against every token in constant time, so timing does not
		// tell how much of a guess was right.
		for _, t := range e.storefrontTokens {
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
