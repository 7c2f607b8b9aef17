package customerauth_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// clock is a settable time source for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// outbox is the shared test Notifier, with lookups that fail the test.
type outbox struct{ notifytest.Outbox }

// last returns the newest notification of the given kind to email.
func (o *outbox) last(t *testing.T, kind customerauth.NotificationKind, email string) customerauth.Notification {
	t.Helper()
	n, ok := o.Last(kind, email)
	if !ok {
		t.Fatalf("no %v notification to %s among %d", kind, email, len(o.All()))
	}
	return n
}

func (o *outbox) count(kind customerauth.NotificationKind) int { return o.Count(kind) }

// fastArgon2 keeps password hashing cheap in tests that are not about it.
var fastArgon2 = customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}

// env is a Service under test with its clock, outbox and handler.
type env struct {
	t     *testing.T
	svc   *customerauth.Service
	store customerauth.Store
	clock *clock
	mail  *outbox
	h     http.Handler
	logs  *bytes.Buffer
}

// newEnv builds a Service on a fresh MemoryStore. edit, when given, adjusts
// the Config before New.
func newEnv(t *testing.T, edit ...func(*customerauth.Config)) *env {
	t.Helper()
	e := &env{t: t, store: customerauth.NewMemoryStore(), clock: newClock(), mail: &outbox{}, logs: &bytes.Buffer{}}
	cfg := customerauth.Config{
		Store:    e.store,
		ShopURL:  "https://shop.example",
		Notifier: e.mail,
		Now:      e.clock.Now,
		Argon2:   fastArgon2,
		Logger:   slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range edit {
		f(&cfg)
	}
	svc, err := customerauth.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.svc, e.h = svc, svc.Handler()
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// gqlResult is a decoded GraphQL response.
type gqlResult struct {
	Status int
	Header http.Header
	Data   map[string]any
	Errors []gqlError
	Raw    string
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// do sends a GraphQL document the way @shopify/storefront-api-client does:
// POST, JSON body with query and variables, no operationName.
func (e *env) do(query string, vars map[string]any) gqlResult {
	e.t.Helper()
	body := map[string]any{"query": query}
	if vars != nil {
		body["variables"] = vars
	}
	b, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-SDK-Variant", "storefront-api-client")
	return e.send(req)
}

func (e *env) send(req *http.Request) gqlResult {
	e.t.Helper()
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	res := gqlResult{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []gqlError     `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		e.t.Fatalf("response is not JSON (%d): %q", w.Code, w.Body.String())
	}
	res.Data, res.Errors = out.Data, out.Errors
	return res
}

// get walks a path of keys and indexes into the response data.
func (r gqlResult) get(path ...any) any {
	var cur any = r.Data
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := cur.(map[string]any)
			cur = m[k]
		case int:
			l, _ := cur.([]any)
			if k >= len(l) {
				return nil
			}
			cur = l[k]
		}
	}
	return cur
}

func (r gqlResult) str(path ...any) string {
	s, _ := r.get(path...).(string)
	return s
}

// userErrors returns the customerUserErrors of the named mutation as
// "CODE field.path: message" lines.
func (r gqlResult) userErrors(mutation string) []string {
	list, _ := r.get(mutation, "customerUserErrors").([]any)
	out := []string{}
	for _, item := range list {
		m := item.(map[string]any)
		var field []string
		if f, ok := m["field"].([]any); ok {
			for _, s := range f {
				field = append(field, s.(string))
			}
		}
		code, _ := m["code"].(string)
		out = append(out, code+" "+strings.Join(field, ".")+": "+m["message"].(string))
	}
	return out
}

// noErrors fails when the response has top-level errors or the mutation
// reports user errors.
func (r gqlResult) noErrors(t *testing.T, mutation string) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("top-level errors: %s", r.Raw)
	}
	if mutation != "" {
		if ue := r.userErrors(mutation); len(ue) > 0 {
			t.Fatalf("%s: user errors %v", mutation, ue)
		}
	}
}

// The documents Shopify's storefront templates send (internal/storefrontdocs).
const (
	createDoc        = storefrontdocs.CustomerCreate
	loginDoc         = storefrontdocs.CustomerAccessTokenCreate
	customerDoc      = storefrontdocs.CustomerDetails
	updateDoc        = storefrontdocs.CustomerUpdate
	renewDoc         = storefrontdocs.CustomerAccessTokenRenew
	deleteDoc        = storefrontdocs.CustomerAccessTokenDelete
	recoverDoc       = storefrontdocs.CustomerRecover
	resetByURLDoc    = storefrontdocs.CustomerResetByURL
	resetDoc         = storefrontdocs.CustomerReset
	activateByURLDoc = storefrontdocs.CustomerActivateByURL
	activateDoc      = storefrontdocs.CustomerActivate
)

// register creates an enabled customer through the API and returns its id.
func (e *env) register(email, password string) string {
	e.t.Helper()
	r := e.do(createDoc, map[string]any{"input": map[string]any{"email": email, "password": password, "firstName": "Ann", "lastName": "Lee"}})
	r.noErrors(e.t, "customerCreate")
	return r.str("customerCreate", "customer", "id")
}

// login returns a new access token, failing the test when login fails.
func (e *env) login(email, password string) string {
	e.t.Helper()
	r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": email, "password": password}})
	r.noErrors(e.t, "customerAccessTokenCreate")
	return r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
}

// customer reads the customer of a token; nil data means the token is not
// valid.
func (e *env) customer(token string) gqlResult {
	e.t.Helper()
	return e.do(customerDoc, map[string]any{"customerAccessToken": token, "country": "CA", "language": "EN"})
}
