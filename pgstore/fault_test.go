package pgstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
)

// GraphQL documents as storefronts send them.
const (
	createDoc = `mutation customerCreate($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id email }
    customerUserErrors { code field message }
  }
}`
	loginDoc = `mutation customerAccessTokenCreate($input: CustomerAccessTokenCreateInput!) {
  customerAccessTokenCreate(input: $input) {
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	recoverDoc = `mutation customerRecover($email: String!) {
  customerRecover(email: $email) {
    customerUserErrors { code field message }
  }
}`
	resetByURLDoc = `mutation customerResetByUrl($resetUrl: URL!, $password: String!) {
  customerResetByUrl(resetUrl: $resetUrl, password: $password) {
    customer { id email }
    customerAccessToken { accessToken expiresAt }
    customerUserErrors { code field message }
  }
}`
	customerDoc = `query customer($customerAccessToken: String!) {
  customer(customerAccessToken: $customerAccessToken) { id email firstName }
}`
)

// gqlResponse is one answer of the GraphQL endpoint.
type gqlResponse struct {
	RequestID string `json:"-"`
	Raw       string `json:"-"`
	Data      map[string]any
	Errors    []struct {
		Message    string
		Extensions map[string]any
	}
}

// field returns the value at path in Data, or nil.
func (r gqlResponse) field(path ...string) any {
	var v any = r.Data
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func (r gqlResponse) str(path ...string) string {
	s, _ := r.field(path...).(string)
	return s
}

// postGraphQL posts a document to the endpoint at url.
func postGraphQL(url, query string, vars map[string]any) (gqlResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return gqlResponse{}, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return gqlResponse{}, err
	}
	r := gqlResponse{RequestID: resp.Header.Get("X-Request-ID"), Raw: buf.String()}
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		return r, fmt.Errorf("response %q: %w", r.Raw, err)
	}
	return r, nil
}

// graphQL is postGraphQL for the test goroutine: it fails t on error.
func graphQL(t *testing.T, url, query string, vars map[string]any) gqlResponse {
	t.Helper()
	r, err := postGraphQL(url, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// inFlight posts a document from another goroutine and returns a function
// that waits for the answer.
func inFlight(t *testing.T, url, query string, vars map[string]any) (wait func() gqlResponse) {
	type result struct {
		r   gqlResponse
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := postGraphQL(url, query, vars)
		done <- result{r, err}
	}()
	return func() gqlResponse {
		t.Helper()
		res := <-done
		if res.err != nil {
			t.Fatal(res.err)
		}
		return res.r
	}
}

// mustSucceed fails t when r has top-level errors or customerUserErrors
// in the payload of mutation.
func mustSucceed(t *testing.T, r gqlResponse, mutation string) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%s: top-level errors: %s", mutation, r.Raw)
	}
	if ues, _ := r.field(mutation, "customerUserErrors").([]any); len(ues) > 0 {
		t.Fatalf("%s: user errors: %s", mutation, r.Raw)
	}
}

// wantInternalError checks the answer to a request whose Store failed: one
// top-level INTERNAL_SERVER_ERROR carrying the request id of the
// X-Request-ID header, and no payload.
func wantInternalError(t *testing.T, r gqlResponse, mutation string) {
	t.Helper()
	if len(r.Errors) != 1 {
		t.Fatalf("want one top-level error, got %s", r.Raw)
	}
	ext := r.Errors[0].Extensions
	if ext["code"] != "INTERNAL_SERVER_ERROR" {
		t.Errorf("extensions.code = %v, want INTERNAL_SERVER_ERROR (%s)", ext["code"], r.Raw)
	}
	if r.RequestID == "" || ext["requestId"] != r.RequestID {
		t.Errorf("extensions.requestId = %v, X-Request-ID = %q; want them equal (%s)", ext["requestId"], r.RequestID, r.Raw)
	}
	if r.field(mutation) != nil {
		t.Errorf("%s payload = %v, want null", mutation, r.field(mutation))
	}
}

// gatedStore passes every call through to its Store, except that while
// armed an UpdateCustomer announces itself on entered and waits for
// release before it goes on: the test can act while a request is in
// flight.
type gatedStore struct {
	customerauth.Store
	mu      sync.Mutex
	entered chan struct{}
	release chan struct{}
}

// arm makes the next UpdateCustomer wait, and returns the channels to
// follow and release it.
func (g *gatedStore) arm() (entered <-chan struct{}, release chan<- struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.entered, g.release = make(chan struct{}), make(chan struct{})
	return g.entered, g.release
}

func (g *gatedStore) UpdateCustomer(ctx context.Context, ch *customerauth.CustomerChange) (*customerauth.Customer, error) {
	g.mu.Lock()
	entered, release := g.entered, g.release
	g.entered, g.release = nil, nil
	g.mu.Unlock()
	if entered != nil {
		close(entered)
		<-release
	}
	return g.Store.UpdateCustomer(ctx, ch)
}

// faultEnv is a Service on the PostgreSQL store served over HTTP, with a
// pool whose sessions carry a unique application_name, so a test can find
// and kill exactly them.
type faultEnv struct {
	t       *testing.T
	url     string
	app     string
	schema  string
	box     *outbox
	logs    *lockedBuffer
	gate    *gatedStore
	admin   *pgx.Conn
	email   string
	oldPass string
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	e := &faultEnv{t: t, app: "ct-fault-" + randHex(6), schema: newSchema(t), box: &outbox{}, logs: &lockedBuffer{},
		email: "gail@example.com", oldPass: "Old-Passw0rd-xyz"}
	pool := newPool(t, e.schema, func(c *pgxpool.Config) {
		c.ConnConfig.RuntimeParams["application_name"] = e.app
		// One connection, never pinged before use: the killed session is
		// handed to the next query, as on a busy pool, instead of being
		// replaced quietly by pgxpool's liveness check. After a failure
		// the pool must open a new one by itself.
		c.MaxConns = 1
		c.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
	})
	e.gate = &gatedStore{Store: migrated(t, pool)}
	srv := httptest.NewServer(newService(t, e.gate, e.box, e.logs).Handler())
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.admin = adminConn(t)
	return e
}

func (e *faultEnv) do(query string, vars map[string]any) gqlResponse {
	e.t.Helper()
	return graphQL(e.t, e.url, query, vars)
}

// setUp registers the customer, logs in and asks for a reset link; it
// returns the access token and the link.
func (e *faultEnv) setUp() (token, resetURL string) {
	e.t.Helper()
	r := e.do(createDoc, map[string]any{"input": map[string]any{"email": e.email, "password": e.oldPass}})
	mustSucceed(e.t, r, "customerCreate")
	token = e.login(e.oldPass)
	mustSucceed(e.t, e.do(recoverDoc, map[string]any{"email": e.email}), "customerRecover")
	return token, e.box.lastURL(e.t, customerauth.NotifyPasswordReset, e.email)
}

// login returns an access token, or "" when the login is refused.
func (e *faultEnv) login(password string) string {
	e.t.Helper()
	r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": e.email, "password": password}})
	if len(r.Errors) > 0 {
		e.t.Fatalf("login: %s", r.Raw)
	}
	return r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
}

// killStoreSessions terminates every backend of the store's pool and
// waits until they are gone. It reports how many it terminated.
func (e *faultEnv) killStoreSessions() int {
	e.t.Helper()
	// pg_terminate_backend is in the select list, not the WHERE clause,
	// where the planner could call it before the other conditions.
	rows, err := e.admin.Query(context.Background(),
		`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, e.app)
	if err != nil {
		e.t.Fatalf("pg_terminate_backend: %v", err)
	}
	killed, err := pgx.CollectRows(rows, pgx.RowTo[bool])
	if err != nil {
		e.t.Fatalf("pg_terminate_backend: %v", err)
	}
	n := 0
	for _, ok := range killed {
		if ok {
			n++
		}
	}
	return n
}

// snapshot returns the customer's stored password hash and the number of
// its tokens of each kind, read on the admin connection.
func (e *faultEnv) snapshot() (hash string, tokens map[int16]int) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.admin.QueryRow(ctx, "SELECT password_hash FROM "+e.schema+".customerauth_customers WHERE email_key = $1", e.email).Scan(&hash); err != nil {
		e.t.Fatal(err)
	}
	rows, err := e.admin.Query(ctx, "SELECT kind, count(*) FROM "+e.schema+".customerauth_tokens GROUP BY kind")
	if err != nil {
		e.t.Fatal(err)
	}
	tokens = map[int16]int{}
	var kind int16
	var n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &n}, func() error { tokens[kind] = n; return nil })
	if err != nil {
		e.t.Fatal(err)
	}
	return hash, tokens
}

// checkNothingChanged verifies, after a failed reset, that the database
// is as before it and that the service works again at once: the old
// session and password still work, the new password does not, and the
// reset link still sets a password (which then ends the old session).
func (e *faultEnv) checkNothingChanged(token, resetURL, newPass, hashBefore string, tokensBefore map[int16]int) {
	e.t.Helper()
	// The very next request, on a pool whose only connection was killed.
	if r := e.do(customerDoc, map[string]any{"customerAccessToken": token}); r.str("customer", "email") != e.email {
		e.t.Errorf("customer query after the failure: %s; want the customer (session kept, store reachable)", r.Raw)
	}
	hash, tokens := e.snapshot()
	if hash != hashBefore {
		e.t.Error("the password hash changed in a request that failed")
	}
	if len(tokens) != len(tokensBefore) {
		e.t.Errorf("tokens by kind after the failure %v, before %v", tokens, tokensBefore)
	}
	for k, n := range tokensBefore {
		if tokens[k] != n {
			e.t.Errorf("tokens by kind after the failure %v, before %v", tokens, tokensBefore)
		}
	}
	if e.login(newPass) != "" {
		e.t.Error("the new password of the failed reset works")
	}
	if e.login(e.oldPass) == "" {
		e.t.Error("the old password stopped working")
	}
	r := e.do(resetByURLDoc, map[string]any{"resetUrl": resetURL, "password": newPass})
	mustSucceed(e.t, r, "customerResetByUrl")
	if e.login(newPass) == "" {
		e.t.Error("the password set with the reused link does not work")
	}
	if r := e.do(customerDoc, map[string]any{"customerAccessToken": token}); r.field("customer") != nil {
		e.t.Errorf("the old session survived the reset: %s", r.Raw)
	}
}

// checkLogged verifies that the failure was logged with its request id and
// that the log holds no password or token.
func (e *faultEnv) checkLogged(requestID string, secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	if !strings.Contains(logs, `"request_id":"`+requestID+`"`) {
		e.t.Errorf("no log record with request_id %s:\n%s", requestID, logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			e.t.Errorf("the log holds a secret:\n%s", logs)
		}
	}
}

// TestSessionsKilledBeforeUpdate: the store's connections are killed while
// a password reset is between its reads and its write. The write fails on
// the dead connection, the client gets an internal error with the request
// id, nothing changes, and the next request works on a new connection.
func TestSessionsKilledBeforeUpdate(t *testing.T) {
	testDSN(t)
	t.Parallel()
	e := newFaultEnv(t)
	token, resetURL := e.setUp()
	hashBefore, tokensBefore := e.snapshot()
	const newPass = "New-Passw0rd-xyz"

	entered, release := e.gate.arm()
	// Release the request even when the test fails early, or the server
	// could never close.
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce()
	wait := inFlight(t, e.url, resetByURLDoc, map[string]any{"resetUrl": resetURL, "password": newPass})
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the reset never reached UpdateCustomer")
	}
	if n := e.killStoreSessions(); n != 1 {
		t.Errorf("killed %d sessions, want the pool's one", n)
	}
	releaseOnce()
	r := wait()

	wantInternalError(t, r, "customerResetByUrl")
	e.checkLogged(r.RequestID, linkSecret(resetURL), newPass, e.oldPass, token)
	e.checkNothingChanged(token, resetURL, newPass, hashBefore, tokensBefore)
}

// TestSessionKilledInsideTransaction: the store's session is killed in the
// middle of the reset's transaction, after it has consumed the token and
// written the new password but before it has revoked the old sessions
// (it waits for a row lock the test holds). PostgreSQL rolls the whole
// transaction back: the client gets an internal error and nothing of the
// reset is kept.
func TestSessionKilledInsideTransaction(t *testing.T) {
	testDSN(t)
	t.Parallel()
	e := newFaultEnv(t)
	token, resetURL := e.setUp()
	hashBefore, tokensBefore := e.snapshot()
	const newPass = "New-Passw0rd-xyz"
	ctx := context.Background()

	// Hold the customer's access token row, which the reset's revocation
	// must delete.
	locker := adminConn(t)
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	h := customerauth.HashToken(token)
	if _, err := tx.Exec(ctx, "SELECT 1 FROM "+e.schema+".customerauth_tokens WHERE hash = $1 FOR UPDATE", h[:]); err != nil {
		t.Fatal(err)
	}

	wait := inFlight(t, e.url, resetByURLDoc, map[string]any{"resetUrl": resetURL, "password": newPass})
	// Wait until the reset's transaction is blocked on that lock: it has
	// run its earlier statements by then.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting bool
		err := e.admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock' AND state = 'active'
			AND query LIKE 'DELETE FROM customerauth_tokens WHERE customer_id%')`, e.app).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reset never blocked on the revocation")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := e.killStoreSessions(); n != 1 {
		t.Errorf("killed %d sessions, want the pool's one", n)
	}
	r := wait()
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	wantInternalError(t, r, "customerResetByUrl")
	e.checkLogged(r.RequestID, linkSecret(resetURL), newPass, e.oldPass, token)
	e.checkNothingChanged(token, resetURL, newPass, hashBefore, tokensBefore)
}
