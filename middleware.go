package customerauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

type customerCtxKey struct{}

// CustomerFromContext returns the customer that Middleware found for the
// request, if any.
func CustomerFromContext(ctx context.Context) (*Customer, bool) {
	c, ok := ctx.Value(customerCtxKey{}).(*Customer)
	return c, ok
}

// AccessTokenCookie is the name of the cookie in which browser flows keep
// the customer access token.
const AccessTokenCookie = "customer_access_token"

// Middleware resolves the customer access token of a request to the
// customer and puts it in the request context, where CustomerFromContext
// finds it. The token is read from an "Authorization: Bearer" header, else
// from the AccessTokenCookie cookie. Requests without a valid token pass
// through unchanged; a Store failure answers 500.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearerToken(r)
		if tok == "" {
			if ck, err := r.Cookie(AccessTokenCookie); err == nil {
				tok = ck.Value
			}
		}
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		c, err := s.CustomerByAccessToken(r.Context(), tok)
		switch {
		case err == nil:
			r = r.WithContext(context.WithValue(r.Context(), customerCtxKey{}, c))
		case !errors.Is(err, ErrInvalidToken):
			s.log.ErrorContext(r.Context(), "customerauth: middleware", "error", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
