package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

// startExample runs the example in-process on the given store.
func startExample(t *testing.T, store, dsn string) *httptest.Server {
	t.Helper()
	srv, err := newServer(t.Context(), options{
		store: store, dsn: dsn, shopURL: "http://shop.test",
		argon2:      customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		quietAccess: true, disableCleanup: true,
		notifier: customerauth.LogNotifier{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, url, body string) string {
	t.Helper()
	res, err := http.Post(url+"/api/unstable/graphql.json", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
	return string(b)
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return string(b)
}

const (
	registerBody = `{"query":"mutation { customerCreate(input: {email: \"ann@example.com\", password: \"correct horse\"}) { customerUserErrors { code } } }"}`
	loginBody    = `{"query":"mutation { customerAccessTokenCreate(input: {email: \"ann@example.com\", password: \"correct horse\"}) { customerAccessToken { accessToken } } }"}`
)

func TestEndpointHealthAndMetrics(t *testing.T) {
	ts := startExample(t, "memory", "")
	if got := post(t, ts.URL, registerBody); got != `{"data":{"customerCreate":{"customerUserErrors":[]}}}`+"\n" {
		t.Fatalf("register: %s", got)
	}
	if got := post(t, ts.URL, loginBody); !strings.Contains(got, `"accessToken":"`) {
		t.Fatalf("login: %s", got)
	}
	if got := get(t, ts.URL+"/healthz"); got != `{"status":"ok","store":"ok","mail":"ok"}`+"\n" {
		t.Errorf("healthz: %q", got)
	}
	metrics := get(t, ts.URL+"/metrics")
	for _, want := range []string{
		`customerauth_events_total{kind="customer_created",operation="create"} 1`,
		`customerauth_events_total{kind="login_succeeded",operation="login"} 1`,
		`customerauth_http_request_duration_seconds_count{code="200",operation="customerCreate",route="/api/{version}/graphql.json"} 1`,
		`customerauth_http_request_duration_seconds_count{code="200",operation="customerAccessTokenCreate",route="/api/{version}/graphql.json"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestSQLiteStoreKeepsCustomersAcrossRestarts runs the example's default
// store twice on one file.
func TestSQLiteStoreKeepsCustomersAcrossRestarts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "customerauth.db")
	first := startExample(t, "sqlite", file)
	post(t, first.URL, registerBody)
	first.Close()
	second := startExample(t, "sqlite", file)
	if got := post(t, second.URL, loginBody); !strings.Contains(got, `"accessToken":"`) {
		t.Fatalf("login after restart: %s", got)
	}
}

func TestPostgresStore(t *testing.T) {
	dsn := os.Getenv("CUSTOMERAUTH_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL test skipped: set CUSTOMERAUTH_TEST_POSTGRES to a DSN")
	}
	ts := startExample(t, "postgres", dsn)
	// The database may hold the customer from an earlier run; either answer
	// proves the store works.
	if got := post(t, ts.URL, registerBody); !strings.Contains(got, `"customerUserErrors":[`) {
		t.Fatalf("register: %s", got)
	}
}

func TestUnknownStoreIsRefused(t *testing.T) {
	_, err := newServer(context.Background(), options{store: "mongo"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), `unknown -store "mongo"`) {
		t.Errorf("got %v", err)
	}
}
