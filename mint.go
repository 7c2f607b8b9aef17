package customerauth

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"
)

// AccessToken is a customer access token as handed to the client: the
// secret itself is shown once, when it is issued, and only its hash is kept.
type AccessToken struct {
	// Token is 32 lowercase hex characters (128 random bits).
	Token     string
	ExpiresAt time.Time
}

// newSecret returns n random bytes as lowercase hex.
func newSecret(n int) string {
	b := make([]byte, n)
	// crypto/rand.Read never fails on supported platforms (it panics
	// rather than return weak bytes), so there is no error to handle.
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccessToken mints an access token for the customer, valid for ttl.
func newAccessToken(customerID string, now time.Time, ttl time.Duration) (AccessToken, *Token) {
	secret := newSecret(16)
	exp := now.Add(ttl)
	return AccessToken{Token: secret, ExpiresAt: exp}, &Token{
		Hash: HashToken(secret), Kind: TokenAccess, CustomerID: customerID, CreatedAt: now, ExpiresAt: exp,
	}
}

// newLinkToken mints an activation or reset token in Shopify's form,
// "<32 hex>-<unix seconds>", valid for ttl.
func newLinkToken(kind TokenKind, customerID string, now time.Time, ttl time.Duration) (string, *Token) {
	secret := newSecret(16) + "-" + strconv.FormatInt(now.Unix(), 10)
	return secret, &Token{
		Hash: HashToken(secret), Kind: kind, CustomerID: customerID, CreatedAt: now, ExpiresAt: now.Add(ttl),
	}
}

// wellFormedAccessToken reports whether s could be an access token at all,
// so that garbage is refused without a store round trip.
func wellFormedAccessToken(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// tokenID is the opaque id of an access token reported by
// customerAccessTokenDelete; it is derived from the hash, so it names the
// token without revealing it.
func tokenID(h TokenHash) string {
	return "gid://shopify/CustomerAccessToken/" + hex.EncodeToString(h[:12])
}
