package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopkit/customerauth"
)

// pageFiles holds the templates of the account pages and their static
// assets (pages/assets, served at /assets/).
//
//go:embed pages
var pageFiles embed.FS

// pageConfig is what the account pages need to call the API.
type pageConfig struct {
	// StorefrontToken is sent as X-Shopify-Storefront-Access-Token by the
	// pages' JavaScript; empty sends none.
	StorefrontToken string
	// APIVersion is the {version} of the endpoint path,
	// /api/{APIVersion}/graphql.json.
	APIVersion string
	// APIEndpoint is the absolute URL of the GraphQL endpoint when the
	// API is served from another origin than the pages (a storefront on
	// its own domain); empty means this server's /api/{APIVersion}/graphql.json.
	// The API answers browsers on other origins (Config.CORS).
	APIEndpoint string
	// Language is the Shopify LanguageCode ("FR") the pages send in
	// @inContext; the API then writes its customerUserErrors messages in
	// it, and the pages show those instead of their own English wording.
	// Empty sends none.
	Language string
	// Logger receives template failures; nil means slog.Default().
	Logger *slog.Logger
}

// securityPolicy allows the pages only their own scripts, styles and
// endpoint (on its own origin, when the API is elsewhere), and no framing.
func (c pageConfig) securityPolicy() string {
	connect := "'self'"
	if u, err := url.Parse(c.APIEndpoint); err == nil && c.APIEndpoint != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src " + connect + "; img-src 'self' data:; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

// htmlLang is the lang attribute of the pages.
func (c pageConfig) htmlLang() string {
	if c.Language == "" {
		return "en"
	}
	return strings.ToLower(strings.ReplaceAll(c.Language, "_", "-"))
}

func (c pageConfig) endpoint() string {
	if c.APIEndpoint != "" {
		return c.APIEndpoint
	}
	v := c.APIVersion
	if v == "" {
		v = defaultAPIVersion
	}
	return "/api/" + v + "/graphql.json"
}

// defaultAPIVersion is the API version of pages whose config names none,
// and of GraphiQL.
const defaultAPIVersion = "2026-04"

// pageData is what a page template sees. The layout puts the settings into
// data attributes of <body>, where app.js reads them.
type pageData struct {
	Page, Title     string
	Endpoint        string
	StorefrontToken string
	// Language and Lang are pageConfig.Language and the page's lang
	// attribute.
	Language, Lang string
	// securityPolicy is the page's Content-Security-Policy.
	securityPolicy string
	// CustomerToken is the customer access token from the request's cookie,
	// given only to the account page so that its JavaScript can query the
	// customer even when the cookie is HttpOnly (Multipass).
	CustomerToken string
	// HasCookie tells app.js that the request carried the token cookie,
	// which it cannot see itself when the cookie is HttpOnly.
	HasCookie bool
}

// pageTemplates are the pages by name, each parsed with the layout.
var pageTemplates = func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, name := range []string{"login", "register", "account", "recover", "reset", "activate"} {
		m[name] = template.Must(template.ParseFS(pageFiles, "pages/layout.html", "pages/"+name+".html"))
	}
	return m
}()

var graphiQLTemplate = template.Must(template.ParseFS(pageFiles, "pages/graphiql.html"))

// mountPages registers the account pages and their assets:
//
//	GET  /                                  redirects to /account
//	GET  /account                           profile, name change, password change, address book, log out
//	GET  /account/login                     log in with email and password
//	GET  /account/register                  create an account
//	GET  /account/recover                   ask for a password reset email
//	GET  /account/reset/{id}/{token}        set a new password from the emailed link
//	GET  /account/activate/{id}/{token}     activate an invited account
//	POST /account/logout                    expire the token cookie, redirect to /account/login
//	GET  /assets/app.js, /assets/style.css  the pages' script and styles
//	GET  /assets/config.json                endpoint and storefront token, for GraphiQL
//
// The pages call the GraphQL endpoint from the browser, as a Shopify
// storefront does; the server only renders them and keeps the cookie.
func mountPages(mux *http.ServeMux, cfg pageConfig) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// What every page shares comes from the config, once.
	shared := pageData{Endpoint: cfg.endpoint(), StorefrontToken: cfg.StorefrontToken,
		Language: cfg.Language, Lang: cfg.htmlLang(), securityPolicy: cfg.securityPolicy()}
	page := func(name, title string, opts ...pageOption) http.HandlerFunc {
		var o pageOptions
		for _, f := range opts {
			f(&o)
		}
		return func(w http.ResponseWriter, r *http.Request) {
			d := shared
			d.Page, d.Title = name, title
			tok := ""
			if ck, err := r.Cookie(customerauth.AccessTokenCookie); err == nil && ck.Value != "" && len(ck.Value) <= 256 {
				tok, d.HasCookie = ck.Value, true
			}
			if o.needsLogin {
				if tok == "" {
					http.Redirect(w, r, "/account/login", http.StatusSeeOther)
					return
				}
				d.CustomerToken = tok
			}
			h := w.Header()
			if o.secretURL {
				// The path holds a password-setting token: keep it out of
				// the Referer of every request the page makes.
				h.Set("Referrer-Policy", "no-referrer")
			} else {
				h.Set("Referrer-Policy", "same-origin")
			}
			render(w, logger, pageTemplates[name], d)
		}
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /account", page("account", "Your account", needsLogin))
	mux.HandleFunc("GET /account/login", page("login", "Log in"))
	mux.HandleFunc("GET /account/register", page("register", "Create account"))
	mux.HandleFunc("GET /account/recover", page("recover", "Reset your password"))
	mux.HandleFunc("GET /account/reset/{id}/{token}", page("reset", "Set a new password", secretURL))
	mux.HandleFunc("GET /account/activate/{id}/{token}", page("activate", "Activate your account", secretURL))
	mux.HandleFunc("POST /account/logout", logout)

	assets, err := fs.Sub(pageFiles, "pages/assets")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(assets)
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || r.URL.Path[len(r.URL.Path)-1] == '/' {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})))
	conf, err := json.Marshal(map[string]string{"endpoint": cfg.endpoint(), "storefrontToken": cfg.StorefrontToken})
	if err != nil {
		panic(err)
	}
	mux.HandleFunc("GET /assets/config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(conf)
	})
}

type pageOptions struct{ needsLogin, secretURL bool }

type pageOption func(*pageOptions)

// needsLogin sends visitors without a token cookie to the login page and
// gives the page the token.
func needsLogin(o *pageOptions) { o.needsLogin = true }

// secretURL marks a page whose URL is a credential.
func secretURL(o *pageOptions) { o.secretURL = true }

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 instead of half a page.
func render(w http.ResponseWriter, logger *slog.Logger, t *template.Template, d pageData) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		logger.Error("pages: rendering", "page", d.Page, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The account page holds the customer's token; none of the pages is
	// worth caching.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", d.securityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	_, _ = w.Write(buf.Bytes())
}

// logout expires the token cookie, including an HttpOnly one set by the
// Multipass route, which the pages' JavaScript cannot remove. The pages
// delete the token itself (customerAccessTokenDelete) before they post
// here. A cross-site post is refused; a same-site fetch gets 204, a form
// post a redirect to the login page.
func logout(w http.ResponseWriter, r *http.Request) {
	if !sameSite(r) {
		http.Error(w, "Cross-site logout refused", http.StatusForbidden)
		return
	}
	// Two deletions: a Secure one for a Secure cookie (the Multipass
	// route's, or one set on https), which only a Secure Set-Cookie may
	// replace, and a plain one for a browser that refuses Secure cookies
	// from this origin.
	for _, secure := range []bool{true, false} {
		http.SetCookie(w, &http.Cookie{
			Name:     customerauth.AccessTokenCookie,
			Value:    "",
			Path:     "/",
			Expires:  time.Unix(0, 0),
			MaxAge:   -1,
			HttpOnly: true,
			Secure:   secure,
			SameSite: http.SameSiteLaxMode,
		})
	}
	w.Header().Set("Cache-Control", "no-store")
	if mode := r.Header.Get("Sec-Fetch-Mode"); mode != "" && mode != "navigate" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/account/login", http.StatusSeeOther)
}

// graphiQL serves the GraphiQL explorer, loaded from a CDN. It posts to
// the endpoint of cfg and sends the storefront token that
// /assets/config.json names. The page names the endpoint in plain text and,
// when the CDN cannot be reached (a machine without internet, a blocked
// host), says so and shows the same request made with curl, rather than
// staying at "Loading".
func graphiQL(cfg pageConfig) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		url := cfg.endpoint()
		if cfg.APIEndpoint == "" {
			url = scheme + "://" + r.Host + url
		}
		data := map[string]string{
			"Endpoint":        cfg.endpoint(),
			"URL":             url,
			"StorefrontToken": cfg.StorefrontToken,
		}
		var buf bytes.Buffer
		if err := graphiQLTemplate.Execute(&buf, data); err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(buf.Bytes())
	})
}

// sameSite reports whether a POST comes from this site's own pages:
// Sec-Fetch-Site says so in current browsers; without it, the Origin (or
// else the Referer) must name this host.
func sameSite(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	from := r.Header.Get("Origin")
	if from == "" {
		from = r.Header.Get("Referer")
	}
	u, err := url.Parse(from)
	return err == nil && from != "" && u.Host == r.Host
}
