package customerauth_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// FuzzHandler sends arbitrary documents and variables through Handler. The
// properties: the process survives (graphql-go must never see a document
// it cannot survive), every answer is JSON with a request id, and no answer
// takes long, because the guards bound the work a document can ask for.
func FuzzHandler(f *testing.F) {
	for _, doc := range []string{
		createDoc, loginDoc, customerDoc, updateDoc, renewDoc, deleteDoc, recoverDoc,
		resetByURLDoc, resetDoc, activateByURLDoc, activateDoc, multipassDoc,
		`{ __schema { types { name fields { name type { name ofType { name } } } } } }`,
		`query { ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }`,
		`{ ...F0 } fragment F0 on QueryRoot { ...F1 ...F1 } fragment F1 on QueryRoot { __typename }`,
		`mutation { a: customerRecover(email: "a@b.co") { userErrors { message } } b: customerRecover(email: "a@b.co") { userErrors { message } } }`,
		`{ customer(customerAccessToken: [[[["x"]]]]) { email } }`,
		"{ customer(customerAccessToken: \"\"\"block\nstring\"\"\") { addresses(first: 1, after: \"x\") { nodes { formatted(withName: true) } } } }",
	} {
		f.Add(doc, `{"input":{"email":"ann@example.com","password":"correct horse"},"customerAccessToken":"0123456789abcdef0123456789abcdef"}`)
	}
	svc, err := customerauth.New(customerauth.Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Argon2: fastArgon2,
		// Fuzzing hammers one client; throttling would hide the code paths.
		Throttle: customerauth.Throttle{
			LoginPerAccount: customerauth.Rule{Limit: -1}, LoginPerIP: customerauth.Rule{Limit: -1},
			RecoverPerEmail: customerauth.Rule{Limit: -1}, RecoverPerIP: customerauth.Rule{Limit: -1},
			CreatePerIP: customerauth.Rule{Limit: -1},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	h := svc.Handler()
	f.Fuzz(func(t *testing.T, doc, vars string) {
		body, _ := json.Marshal(map[string]any{"query": doc, "variables": json.RawMessage(validJSONOr(vars))})
		r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("answer took %v for %q", d, doc)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Errorf("answer is not JSON: %q", w.Body.String())
		}
		if w.Header().Get("X-Request-ID") == "" {
			t.Error("no X-Request-ID")
		}
	})
}

func validJSONOr(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	return "{}"
}
