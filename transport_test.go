package customerauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

func TestTransport(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	query := `{ customer(customerAccessToken: "` + tok + `") { email } }`
	mutation := `mutation { customerRecover(email: "ann@example.com") { customerUserErrors { code } } }`

	for _, tc := range []struct {
		name       string
		req        func() *http.Request
		wantStatus int
		wantBody   string
	}{
		{"application/graphql body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(query))
			r.Header.Set("Content-Type", "application/graphql")
			return r
		}, 200, `{"data":{"customer":{"email":"ann@example.com"}}}`},
		{"json with charset", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"query":`+quote(query)+`}`))
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			return r
		}, 200, `{"data":{"customer":{"email":"ann@example.com"}}}`},
		{"GET runs a query", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/?query="+url.QueryEscape(query), nil)
		}, 200, `{"data":{"customer":{"email":"ann@example.com"}}}`},
		{"GET refuses a mutation", func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/?query="+url.QueryEscape(mutation), nil)
		}, 405, `{"errors":[{"message":"Mutations must be sent with POST.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"PUT is not allowed", func() *http.Request {
			return httptest.NewRequest(http.MethodPut, "/", strings.NewReader(query))
		}, 405, `{"errors":[{"message":"Only GET and POST are supported.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"text/plain is refused", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"query":`+quote(mutation)+`}`))
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, 415, `{"errors":[{"message":"Content-Type must be application/json or application/graphql.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"form body is refused", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("query="+url.QueryEscape(mutation)))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 415, `{"errors":[{"message":"Content-Type must be application/json or application/graphql.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"malformed JSON", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"query": `))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, `{"errors":[{"message":"The request body is not a valid GraphQL JSON request.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"missing query", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"variables":{}}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, `{"errors":[{"message":"Parameter 'query' must be present.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"body over 1 MiB", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"query":"`+strings.Repeat(" ", 1<<20)+`{ __typename }"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 413, `{"errors":[{"message":"The request body is too large.","locations":[],"extensions":{"code":"BAD_REQUEST"}}]}`},
		{"deep nesting is stopped before parsing", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("{", 200000)))
			r.Header.Set("Content-Type", "application/graphql")
			return r
		}, 200, `{"errors":[{"message":"Document nests deeper than 64 levels.","locations":[],"extensions":{"code":"MAX_DEPTH_EXCEEDED"}}]}`},
		{"deeply nested list values are stopped", func() *http.Request {
			q := `{ customer(customerAccessToken: ` + strings.Repeat("[", 100000) + `) { email } }`
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(q))
			r.Header.Set("Content-Type", "application/graphql")
			return r
		}, 200, `{"errors":[{"message":"Document nests deeper than 64 levels.","locations":[],"extensions":{"code":"MAX_DEPTH_EXCEEDED"}}]}`},
		{"syntax error", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{ customer(`))
			r.Header.Set("Content-Type", "application/graphql")
			return r
		}, 200, `"message":"Syntax Error GraphQL request (1:12) Expected Name, found EOF`},
		{"unknown field", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{ shop { name } }`))
			r.Header.Set("Content-Type", "application/graphql")
			return r
		}, 200, `{"errors":[{"message":"Cannot query field \"shop\" on type \"QueryRoot\".","locations":[{"line":1,"column":3}]}]}`},
		{"minified document with comments", func() *http.Request {
			q := "# Hydrogen strips these\nquery CustomerEmail($t:String!){customer(customerAccessToken:$t){email}}"
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"query":`+quote(q)+`,"variables":{"t":"`+tok+`"}}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 200, `{"data":{"customer":{"email":"ann@example.com"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, tc.req())
			if w.Code != tc.wantStatus {
				t.Errorf("status %d, want %d", w.Code, tc.wantStatus)
			}
			if got := strings.TrimSpace(w.Body.String()); !strings.Contains(got, tc.wantBody) {
				t.Errorf("body %s\nwant %s", got, tc.wantBody)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if len(w.Header().Get("X-Request-ID")) == 0 {
				t.Error("no X-Request-ID")
			}
		})
	}
	if n := e.mail.count(customerauth.NotifyPasswordReset); n != 0 {
		t.Errorf("a refused request ran the mutation: %d reset emails", n)
	}
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func TestRequestIDIsKeptFromTheClientWhenPlausible(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ sent, want string }{
		{"abc-123", "abc-123"},
		{"evil\nheader", ""},
		{strings.Repeat("a", 65), ""},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{ __typename }`))
		r.Header.Set("Content-Type", "application/graphql")
		r.Header.Set("X-Request-ID", tc.sent)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-ID")
		if tc.want != "" && got != tc.want || tc.want == "" && (got == tc.sent || len(got) != 32) {
			t.Errorf("sent %q, got %q", tc.sent, got)
		}
	}
}

// failingStore fails every call with an error whose text must never reach
// a client.
type failingStore struct{ customerauth.Store }

var errDatabase = errors.New("connection to db.internal:5432 refused, password=hunter2")

func (failingStore) CustomerByEmail(context.Context, string) (*customerauth.Customer, error) {
	return nil, errDatabase
}

func (failingStore) TokenByHash(context.Context, customerauth.TokenKind, customerauth.TokenHash, time.Time) (*customerauth.Token, error) {
	return nil, errDatabase
}

func TestStoreFailuresAreHiddenBehindARequestID(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Store = failingStore{customerauth.NewMemoryStore()} })
	for _, tc := range []struct{ name, doc, field string }{
		{"query", `{ customer(customerAccessToken: "0123456789abcdef0123456789abcdef") { email } }`, "customer"},
		{"login", `mutation { customerAccessTokenCreate(input: {email: "a@example.com", password: "whatever1"}) { customerAccessToken { accessToken } } }`, "customerAccessTokenCreate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.doc, nil)
			if strings.Contains(r.Raw, "hunter2") || strings.Contains(r.Raw, "db.internal") {
				t.Fatalf("store error leaked: %s", r.Raw)
			}
			id := r.Header.Get("X-Request-ID")
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTERNAL_SERVER_ERROR" || r.Errors[0].Extensions["requestId"] != id {
				t.Fatalf("errors = %s, want INTERNAL_SERVER_ERROR with requestId %s", r.Raw, id)
			}
			if v, ok := r.Data[tc.field]; !ok || v != nil {
				t.Errorf("data.%s = %v, want null", tc.field, v)
			}
			if !strings.Contains(e.logs.String(), id) || !strings.Contains(e.logs.String(), "db.internal") {
				t.Errorf("the log lacks the request id or the cause: %s", e.logs.String())
			}
		})
	}
}
