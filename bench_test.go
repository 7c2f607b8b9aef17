package customerauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/shopkit/customerauth"
)

// benchService returns a Service with one customer and a valid token.
func benchService(b *testing.B, cfg customerauth.Config) (*customerauth.Service, string) {
	b.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.Argon2 == (customerauth.Argon2Params{}) {
		cfg.Argon2 = fastArgon2
	}
	svc, err := customerauth.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "correct horse", FirstName: "Ann"}); err != nil {
		b.Fatal(err)
	}
	tok, err := svc.CreateAccessToken(ctx, "ann@example.com", "correct horse")
	if err != nil {
		b.Fatal(err)
	}
	return svc, tok.Token
}

func benchRequest(b *testing.B, h http.Handler, body []byte) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body.String())
		}
	}
}

// BenchmarkHandlerCustomer measures the customer query through Handler with
// the document cache on and off.
func BenchmarkHandlerCustomer(b *testing.B) {
	for _, cache := range []int{0, -1} {
		b.Run(fmt.Sprintf("cache=%v", cache >= 0), func(b *testing.B) {
			svc, tok := benchService(b, customerauth.Config{DocumentCache: cache})
			body, _ := json.Marshal(map[string]any{"query": customerDoc, "variables": map[string]any{"customerAccessToken": tok}})
			benchRequest(b, svc.Handler(), body)
		})
	}
}

func BenchmarkHandlerRenew(b *testing.B) {
	svc, tok := benchService(b, customerauth.Config{})
	body, _ := json.Marshal(map[string]any{"query": renewDoc, "variables": map[string]any{"customerAccessToken": tok}})
	benchRequest(b, svc.Handler(), body)
}

func BenchmarkCustomerByAccessToken(b *testing.B) {
	svc, tok := benchService(b, customerauth.Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.CustomerByAccessToken(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenMinting measures issuing an access token without the
// password check: RenewAccessToken is the cheapest path that writes one.
func BenchmarkTokenMinting(b *testing.B) {
	svc, tok := benchService(b, customerauth.Config{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.RenewAccessToken(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPasswordHashing measures one login with the default argon2id
// parameters, the cost every login pays.
func BenchmarkPasswordHashing(b *testing.B) {
	svc, _ := benchService(b, customerauth.Config{Argon2: customerauth.Argon2Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1},
		Throttle: customerauth.Throttle{LoginPerAccount: customerauth.Rule{Limit: -1}}})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.CreateAccessToken(ctx, "ann@example.com", "correct horse"); err != nil {
			b.Fatal(err)
		}
	}
}
