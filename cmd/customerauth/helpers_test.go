package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
	"github.com/shopkit/customerauth/internal/storeopen"
)

// backend is a store the command runs against: its flags, and a way to
// open it from the test.
type backend struct {
	name string
	args []string // -store and -dsn
	kind string
	dsn  string
}

// backends returns a fresh SQLite file and, when CUSTOMERAUTH_TEST_POSTGRES
// is set, a fresh PostgreSQL schema.
func backends(t *testing.T) []backend {
	t.Helper()
	file := filepath.Join(t.TempDir(), "customers.db")
	out := []backend{{name: "sqlite", args: []string{"-store", "sqlite", "-dsn", file}, kind: "sqlite", dsn: file}}
	if dsn := os.Getenv("CUSTOMERAUTH_TEST_POSTGRES"); dsn != "" {
		out = append(out, pgBackend(t, dsn))
	} else {
		t.Log("PostgreSQL runs skipped: set CUSTOMERAUTH_TEST_POSTGRES to a DSN")
	}
	return out
}

// pgBackend creates a schema of its own, dropped at the end, and a DSN
// whose search_path is that schema.
func pgBackend(t *testing.T, dsn string) backend {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "cli_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = conn.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	full := dsn + sep + "search_path=" + schema
	return backend{name: "postgres", args: []string{"-store", "postgres", "-dsn", full}, kind: "postgres", dsn: full}
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command in-process with the backend's flags after the
// command name.
func (b backend) cli(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	full := append([]string{args[0]}, b.args...)
	full = append(full, args[1:]...)
	return runCLI(t, stdin, full...)
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// must fails t unless r exited with want.
func (r result) must(t *testing.T, want int) result {
	t.Helper()
	if r.code != want {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
	return r
}

// decode reads r's stdout as JSON into v.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
}

// service opens the backend's store as a host would and returns a
// Service on it, with an outbox for its notifications.
func (b backend) service(t *testing.T) (*customerauth.Service, *notifytest.Outbox) {
	t.Helper()
	st, err := storeopen.Open(context.Background(), b.kind, b.dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	outbox := &notifytest.Outbox{}
	svc, err := customerauth.New(customerauth.Config{
		Store: st.Store, ShopURL: "https://shop.example", Notifier: outbox,
		Argon2: customerauth.Argon2Params{Memory: 64, Iterations: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, outbox
}

// graphql posts a document to h the way a storefront client does and
// returns the decoded "data".
func graphql(t *testing.T, h http.Handler, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var resp struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
		t.Fatalf("graphql: %v %s", err, w.Body.String())
	}
	return resp.Data
}

// dig follows a path of keys into decoded JSON.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
