package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
	"github.com/shopkit/customerauth/pgstore"
)

// logBuffer collects log output from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines that contain every one of words.
func (b *logBuffer) lines(words ...string) []string {
	var out []string
	for line := range strings.SplitSeq(b.String(), "\n") {
		ok := line != ""
		for _, w := range words {
			ok = ok && strings.Contains(line, w)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// startServer runs the example in-process with o (fast hashing, no
// cleanup loop added) and its log in logs.
func startServer(t *testing.T, o options, logs io.Writer) (*server, *httptest.Server) {
	t.Helper()
	o.argon2 = customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}
	o.disableCleanup = true
	if o.shopURL == "" {
		o.shopURL = "http://shop.test"
	}
	srv, err := newServer(t.Context(), o, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// health returns the status code and report of GET /healthz.
func health(t *testing.T, url string) (int, healthReport, string) {
	t.Helper()
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("/healthz Content-Type %q", ct)
	}
	var rep healthReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("/healthz body %q: %v", b, err)
	}
	return res.StatusCode, rep, string(b)
}

const recoverBody = `{"query":"mutation { customerRecover(email: \"ann@example.com\") { customerUserErrors { code } } }"}`

func TestHealthzAnswersOKWhileTheStoreAnswers(t *testing.T) {
	for _, store := range []string{"memory", "sqlite"} {
		t.Run(store, func(t *testing.T) {
			dsn := ""
			if store == "sqlite" {
				dsn = filepath.Join(t.TempDir(), "customerauth.db")
			}
			_, ts := startServer(t, options{store: store, dsn: dsn, quietAccess: true}, io.Discard)
			code, rep, body := health(t, ts.URL)
			if code != http.StatusOK || rep != (healthReport{Status: "ok", Store: "ok", Mail: mailLogged}) {
				t.Errorf("/healthz: %d %s", code, body)
			}
		})
	}
}

func TestHealthzFailsWhenTheSQLiteStoreIsGone(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, srv *server, file string)
		want    string
	}{
		{"file removed", func(t *testing.T, _ *server, file string) {
			for _, f := range []string{file, file + "-wal", file + "-shm"} {
				if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
		}, "removed or renamed"},
		{"store closed", func(t *testing.T, srv *server, _ string) {
			srv.store.Close()
		}, "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "shop-customers.db")
			srv, ts := startServer(t, options{store: "sqlite", dsn: file, quietAccess: true}, io.Discard)
			if code, _, body := health(t, ts.URL); code != http.StatusOK {
				t.Fatalf("/healthz before: %d %s", code, body)
			}
			tt.breakIt(t, srv, file)
			code, rep, body := health(t, ts.URL)
			if code != http.StatusServiceUnavailable || rep.Status != "unavailable" || !strings.Contains(rep.Store, tt.want) {
				t.Errorf("/healthz: %d %s, want 503, unavailable, a store error saying %q", code, body, tt.want)
			}
			if strings.Contains(body, file) || strings.Contains(body, dir) {
				t.Errorf("/healthz shows the -dsn: %s", body)
			}
		})
	}
}

func TestHealthzWithPostgres(t *testing.T) {
	dsn := os.Getenv("CUSTOMERAUTH_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL test skipped: set CUSTOMERAUTH_TEST_POSTGRES to a DSN")
	}
	_, ts := startServer(t, options{store: "postgres", dsn: dsn, quietAccess: true}, io.Discard)
	if code, rep, body := health(t, ts.URL); code != http.StatusOK || rep.Store != "ok" {
		t.Errorf("/healthz: %d %s", code, body)
	}
}

// TestHealthzHidesAnUnreachablePostgresDSN needs no PostgreSQL: a pool to
// a port nothing listens on connects lazily, so only Ping finds out, and
// the answer must name neither the DSN nor its password.
func TestHealthzHidesAnUnreachablePostgresDSN(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	const password = "hunter2-pg-secret"
	dead := "postgres://shop:" + password + "@127.0.0.1:" + strconv.Itoa(port) + "/shopdb?sslmode=disable&connect_timeout=2"
	pool, err := pgxpool.New(t.Context(), dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ts := httptest.NewServer(healthHandler(pgstore.New(pool), &mailHealth{}, secretsOf("postgres", dead), healthTimeout))
	t.Cleanup(ts.Close)
	code, rep, body := health(t, ts.URL)
	if code != http.StatusServiceUnavailable || rep.Status != "unavailable" || !strings.Contains(rep.Store, "pgstore: ping") {
		t.Errorf("/healthz: %d %s, want 503 with the ping's error", code, body)
	}
	if strings.Contains(body, password) || strings.Contains(body, dead) {
		t.Errorf("/healthz shows the DSN or its password: %s", body)
	}
}

// plainSMTP runs an SMTP server on 127.0.0.1 that offers neither STARTTLS
// nor AUTH, as local test servers (MailHog, smtp4dev) do, and returns its
// port and the messages it received.
func plainSMTP(t *testing.T) (int, *mailbox) {
	t.Helper()
	mb := &mailbox{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(mb)
	s.Domain = "localhost"
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		_ = ln.Close()
		<-done
	})
	return ln.Addr().(*net.TCPAddr).Port, mb
}

// mailbox is an smtp.Backend that keeps the recipients of what it
// receives.
type mailbox struct {
	mu sync.Mutex
	to []string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

func (m *mailbox) recipients() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.to...)
}

type mailSession struct {
	m  *mailbox
	to []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.m.mu.Lock()
	s.m.to = append(s.m.to, s.to...)
	s.m.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

// TestMailServerWithoutSTARTTLS is a new user's first run against a local
// test mail server with -smtp's default, mandatory TLS: the start-up log
// says what is wrong and how to fix it, the accounts keep working, and
// /healthz reports the mail problem.
func TestMailServerWithoutSTARTTLS(t *testing.T) {
	port, mb := plainSMTP(t)
	var logs logBuffer
	_, ts := startServer(t, options{store: "memory", quietAccess: true,
		smtp: "smtp://127.0.0.1:" + strconv.Itoa(port) + "?from=shop@example.com"}, &logs)

	errs := logs.lines("level=ERROR")
	if len(errs) != 1 || !strings.Contains(errs[0], "does not offer STARTTLS") || !strings.Contains(errs[0], "use tls=none for a local test server") {
		t.Fatalf("want one ERROR line naming STARTTLS and tls=none; log:\n%s", logs.String())
	}
	code, rep, body := health(t, ts.URL)
	if code != http.StatusOK || rep.Status != "degraded" || rep.Store != "ok" || !strings.Contains(rep.Mail, "STARTTLS") {
		t.Errorf("/healthz: %d %s, want 200, degraded, the mail problem", code, body)
	}
	if got := post(t, ts.URL, registerBody); got != `{"data":{"customerCreate":{"customerUserErrors":[]}}}`+"\n" {
		t.Errorf("register without email: %s", got)
	}
	if got := post(t, ts.URL, loginBody); !strings.Contains(got, `"accessToken":"`) {
		t.Errorf("login without email: %s", got)
	}
	post(t, ts.URL, recoverBody)
	if n := len(mb.recipients()); n != 0 {
		t.Errorf("%d messages went out over a connection without TLS", n)
	}
	metrics := get(t, ts.URL+"/metrics")
	if want := `customerauth_notifications_total{kind="password_reset",result="failed"} 1`; !strings.Contains(metrics, want) {
		t.Errorf("metrics lack %s", want)
	}
}

// TestMailServerFixedWithTLSNone is the same user after following the
// advice: the check passes and the reset email arrives.
func TestMailServerFixedWithTLSNone(t *testing.T) {
	port, mb := plainSMTP(t)
	var logs logBuffer
	_, ts := startServer(t, options{store: "memory", quietAccess: true,
		smtp: "smtp://127.0.0.1:" + strconv.Itoa(port) + "?from=shop@example.com&tls=none"}, &logs)
	if len(logs.lines("level=ERROR")) != 0 || len(logs.lines("mail server ready", "tls=none")) != 1 {
		t.Fatalf("want a clean start; log:\n%s", logs.String())
	}
	if code, rep, body := health(t, ts.URL); code != http.StatusOK || rep != (healthReport{Status: "ok", Store: "ok", Mail: mailOK}) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	post(t, ts.URL, registerBody)
	if got := post(t, ts.URL, recoverBody); got != `{"data":{"customerRecover":{"customerUserErrors":[]}}}`+"\n" {
		t.Errorf("recover: %s", got)
	}
	if got := mb.recipients(); len(got) != 2 || got[1] != "ann@example.com" {
		t.Errorf("the mail server got messages for %v, want the welcome and the reset email for ann@example.com", got)
	}
	metrics := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		`customerauth_notifications_total{kind="welcome",result="sent"} 1`,
		`customerauth_notifications_total{kind="password_reset",result="sent"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRequestLogAndMetricsNameTheOperation(t *testing.T) {
	var logs logBuffer
	_, ts := startServer(t, options{store: "memory", notifier: &notifytest.Outbox{}}, &logs)
	post(t, ts.URL, registerBody)
	post(t, ts.URL, loginBody)
	post(t, ts.URL, `{"query":"mutation Login { customerAccessTokenCreate(input: {email: \"ann@example.com\", password: \"wrong\"}) { customerUserErrors { code } } }"}`)
	post(t, ts.URL, `{"query":"{ a: customer(customerAccessToken: \"x\") { id } __typename }"}`)
	post(t, ts.URL, `{"query":"{"}`)

	for _, want := range [][]string{
		{"route=/api/{version}/graphql.json", "operation=customerCreate type=mutation", "status=200"},
		{"operation=customerAccessTokenCreate type=mutation"},
		{"operation=Login type=mutation"},
		{"operation=customer,__typename type=query"},
	} {
		if len(logs.lines(append([]string{`msg=request`}, want...)...)) != 1 {
			t.Errorf("no one request line with %q in the log:\n%s", want, logs.String())
		}
	}
	if got := logs.lines("msg=request", "operation="); len(got) != 4 {
		t.Errorf("%d request lines name an operation, want 4 (a document that does not parse has none):\n%s", len(got), logs.String())
	}

	metrics := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		`customerauth_http_request_duration_seconds_count{code="200",operation="customerCreate",route="/api/{version}/graphql.json"} 1`,
		// The client's name for the operation is no label: its root field is.
		`customerauth_http_request_duration_seconds_count{code="200",operation="customerAccessTokenCreate",route="/api/{version}/graphql.json"} 2`,
		`customerauth_http_request_duration_seconds_count{code="200",operation="other",route="/api/{version}/graphql.json"} 1`,
		`customerauth_http_request_duration_seconds_count{code="200",operation="",route="/api/{version}/graphql.json"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestMetricsHaveRuntimeAndNotificationCounters(t *testing.T) {
	_, ts := startServer(t, options{store: "memory", quietAccess: true, notifier: &notifytest.Outbox{}}, io.Discard)
	post(t, ts.URL, registerBody)
	post(t, ts.URL, recoverBody)
	metrics := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		"\ngo_goroutines ",
		"\ngo_memstats_alloc_bytes ",
		"\nprocess_cpu_seconds_total ",
		"\nprocess_open_fds ",
		`customerauth_notifications_total{kind="password_reset",result="sent"} 1`,
		`customerauth_notifications_total{kind="welcome",result="sent"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", strings.TrimSpace(want))
		}
	}
}

func TestGraphiQLExplainsItselfOffline(t *testing.T) {
	for _, token := range []string{"", "shop-public-token"} {
		t.Run("token="+token, func(t *testing.T) {
			cfg := pageConfig{StorefrontToken: token, APIVersion: "2026-04"}
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/graphql", nil)
			w := httptest.NewRecorder()
			graphiQL(cfg).ServeHTTP(w, req)
			page := w.Body.String()
			for _, want := range []string{
				// The endpoint in plain text, whatever loads.
				"GraphQL endpoint: <code>POST http://127.0.0.1:8080/api/2026-04/graphql.json</code>",
				// Without JavaScript.
				"<noscript>",
				// When a CDN script fails or hangs.
				`onerror="graphiqlUnavailable()"`,
				"setTimeout(",
				"GraphiQL's scripts come from a CDN",
				"curl -s http://127.0.0.1:8080/api/2026-04/graphql.json",
				"customerAccessTokenCreate",
			} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %q:\n%s", want, page)
				}
			}
			if hasHeader := strings.Contains(page, "X-Shopify-Storefront-Access-Token: "+token); hasHeader != (token != "") {
				t.Errorf("curl example sends the token header: %v, want %v", hasHeader, token != "")
			}
		})
	}
}

// TestGraphiQLNamesAnAPIOnAnotherOrigin: with -pages-api, GraphiQL and its
// curl example name that endpoint as it is, not glued to this host.
func TestGraphiQLNamesAnAPIOnAnotherOrigin(t *testing.T) {
	const api = "https://api.shop.example/api/2026-04/graphql.json"
	w := httptest.NewRecorder()
	graphiQL(pageConfig{APIEndpoint: api}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/graphql", nil))
	page := w.Body.String()
	for _, want := range []string{"GraphQL endpoint: <code>POST " + api + "</code>", "curl -s " + api} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "127.0.0.1:8080https") {
		t.Error("the page glues the API's URL to this host")
	}
}

// blockedStore is a store whose Ping waits until release is closed, as
// SQLite does for another process's lock whatever the deadline.
type blockedStore struct {
	customerauth.Store // nil: only Ping is called
	release            chan struct{}
	pings              atomic.Int32
}

func (s *blockedStore) Ping(context.Context) error {
	s.pings.Add(1)
	<-s.release
	return nil
}

func TestHealthzAnswersInTimeWhenTheStoreHangs(t *testing.T) {
	st := &blockedStore{release: make(chan struct{})}
	ts := httptest.NewServer(healthHandler(st, &mailHealth{}, nil, 50*time.Millisecond))
	t.Cleanup(ts.Close)
	for i := range 2 {
		code, rep, body := health(t, ts.URL)
		if code != http.StatusServiceUnavailable || rep.Status != "unavailable" || !strings.Contains(rep.Store, "did not answer within 50ms") {
			t.Errorf("check %d: %d %s, want 503 saying the store did not answer", i+1, code, body)
		}
	}
	if n := st.pings.Load(); n != 1 {
		t.Errorf("%d pings for two checks during one hang, want 1", n)
	}
	close(st.release)
	if code, _, body := health(t, ts.URL); code != http.StatusOK {
		t.Errorf("after the store answered: %d %s", code, body)
	}
}
