package customerauth

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// MultipassLoginHandler returns the browser route of Multipass, to be
// mounted at "/account/login/multipass/{token}". It redeems the token,
// keeps the customer access token in an HttpOnly, Secure, SameSite=Lax
// cookie named AccessTokenCookie, and redirects to the token's return_to
// when that is on the shop's own origin (ShopURL), else to /account. A
// refused token gets 422 with no detail.
func (s *Service) MultipassLoginHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := requestID(r)
		w.Header().Set("X-Request-ID", id)
		ctx := withRequestID(r.Context(), id)
		// The token is in the URL: keep it out of caches and of the Referer
		// the next page would send.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		token := r.PathValue("token")
		if token == "" {
			token = r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		}
		tok, p, err := s.redeemMultipass(ctx, token)
		switch {
		case len(UserErrors(err)) > 0:
			http.Error(w, "Invalid Multipass request", http.StatusUnprocessableEntity)
			return
		case err != nil:
			s.log.LogAttrs(ctx, slog.LevelError, "customerauth: internal error",
				slog.String("request_id", id), slog.Any("error", err))
			http.Error(w, "Internal error. Request ID: "+id, http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, &http.Cookie{
			Name:     AccessTokenCookie,
			Value:    tok.Token,
			Path:     "/",
			Expires:  tok.ExpiresAt,
			MaxAge:   int(tok.ExpiresAt.Sub(s.now()).Seconds()),
			HttpOnly: true,
			Secure:   true,
			SameSite: http.SameSiteLaxMode,
		})
		http.Redirect(w, r, s.sameOrigin(p.ReturnTo), http.StatusSeeOther)
	})
}

// sameOrigin returns target when it points into the shop (a path, or an
// absolute URL on ShopURL's scheme and host), else "/account". It is the
// guard against using the login route as an open redirect.
func (s *Service) sameOrigin(target string) string {
	const fallback = "/account"
	if target == "" || strings.ContainsFunc(target, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return fallback
	}
	u, err := url.Parse(target)
	if err != nil || u.User != nil || u.Opaque != "" {
		return fallback
	}
	if u.Scheme == "" && u.Host == "" {
		if strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(target, "//") {
			return u.String()
		}
		return fallback
	}
	shop, err := url.Parse(s.shopURL)
	if err != nil || u.Scheme != shop.Scheme || !strings.EqualFold(u.Host, shop.Host) {
		return fallback
	}
	return u.String()
}
