package customerauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"

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

// TestClientMistakesAreClientErrors: every request a client gets wrong is
// answered with what is wrong and a code, never as an internal error, and
// logs nothing at level ERROR. Requests that cannot be decoded exactly get
// a 400; documents whose operation cannot be chosen get graphql-go's
// words with a 200, as the other document errors do (Shopify's API, over
// application/json, answers 400 only for a body that is not valid JSON).
func TestClientMistakesAreClientErrors(t *testing.T) {
	e := newEnv(t)
	post := func(ct, body string) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(body))
			r.Header.Set("Content-Type", ct)
			return r
		}
	}
	get := func(params url.Values) func() *http.Request {
		return func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/api/2026-04/graphql.json?"+params.Encode(), nil)
		}
	}
	const twoOps = `query A { __typename } mutation M { customerRecover(email: "ann@example.com") { customerUserErrors { code } } }`
	for _, tc := range []struct {
		name   string
		req    func() *http.Request
		status int
		msg    string // "" for a request that runs
		code   string
	}{
		// The operation to run.
		{"unknown operation name", post("application/json", `{"query":"query A { __typename }","operationName":"B"}`), 200, `Unknown operation named "B".`, "BAD_REQUEST"},
		{"several operations, no name", post("application/json", `{"query":`+quote(twoOps)+`}`), 200, "Must provide operation name if query contains multiple operations.", "BAD_REQUEST"},
		{"a name for an anonymous operation", post("application/json", `{"query":"{ __typename }","operationName":"A"}`), 200, `Unknown operation named "A".`, "BAD_REQUEST"},
		{"an operation name with quotes", post("application/json", `{"query":"query A { __typename }","operationName":"\"; drop"}`), 200, `Unknown operation named ""; drop".`, "BAD_REQUEST"},
		{"a type definition", post("application/graphql", `type T { a: Int }`), 200, "GraphQL cannot execute a request containing a ObjectDefinition", "BAD_REQUEST"},
		{"the named operation runs", post("application/json", `{"query":`+quote(twoOps)+`,"operationName":"A"}`), 200, "", ""},
		{"GET: unknown operation name", get(url.Values{"query": {twoOps}, "operationName": {"C"}}), 200, `Unknown operation named "C".`, "BAD_REQUEST"},
		{"GET: the named query runs", get(url.Values{"query": {twoOps}, "operationName": {"A"}}), 200, "", ""},
		{"GET: the named mutation is refused", get(url.Values{"query": {twoOps}, "operationName": {"M"}}), 405, "Mutations must be sent with POST.", "BAD_REQUEST"},
		{"GET: several operations, no name", get(url.Values{"query": {twoOps}}), 200, "Must provide operation name if query contains multiple operations.", "BAD_REQUEST"},
		// Text that is not UTF-8: encoding/json would run another document.
		{"invalid UTF-8 in a JSON string", post("application/json", "{\"query\":\"{ __typename } # \xff\"}"), 400, "The request body is not valid UTF-8.", "BAD_REQUEST"},
		{"invalid UTF-8 between JSON values", post("application/json", "{\"query\":\"{ __typename }\" \xc3}"), 400, "The request body is not valid UTF-8.", "BAD_REQUEST"},
		{"invalid UTF-8 in variables", post("application/json", "{\"query\":\"{ __typename }\",\"variables\":{\"a\":\"\xed\xa0\x80\"}}"), 400, "The request body is not valid UTF-8.", "BAD_REQUEST"},
		{"invalid UTF-8 in a GraphQL body", post("application/graphql", "{ __typename } # \xfe"), 400, "The request body is not valid UTF-8.", "BAD_REQUEST"},
		{"invalid UTF-8 in a GET parameter", get(url.Values{"query": {"{ __typename } # \xff"}}), 400, "The request parameters are not valid UTF-8.", "BAD_REQUEST"},
		{"valid UTF-8 runs", post("application/json", `{"query":"{ __typename } # café ☕"}`), 200, "", ""},
		// What follows the JSON object.
		{"a second JSON object", post("application/json", `{"query":"{ __typename }"}{"query":"mutation { x }"}`), 400, "The request body has data after the JSON object.", "BAD_REQUEST"},
		{"text after the JSON object", post("application/json", `{"query":"{ __typename }"} x`), 400, "The request body has data after the JSON object.", "BAD_REQUEST"},
		{"white space after the JSON object", post("application/json", "{\"query\":\"{ __typename }\"} \r\n\t "), 200, "", ""},
		// Bodies that are not a GraphQL request.
		{"empty body", post("application/json", ""), 400, "The request body is empty.", "BAD_REQUEST"},
		{"white space only", post("application/json", " \n "), 400, "The request body is empty.", "BAD_REQUEST"},
		{"JSON null", post("application/json", "null"), 400, "The request body must be a JSON object.", "BAD_REQUEST"},
		{"a JSON list", post("application/json", `[{"query":"{ __typename }"}]`), 400, "The request body must be a JSON object.", "BAD_REQUEST"},
		{"a JSON string", post("application/json", `"{ __typename }"`), 400, "The request body must be a JSON object.", "BAD_REQUEST"},
		{"truncated JSON", post("application/json", `{"query":"{ __typename }"`), 400, "The request body is not a valid GraphQL JSON request.", "BAD_REQUEST"},
		{"query a number", post("application/json", `{"query":1}`), 400, "Parameter 'query' must be a string.", "BAD_REQUEST"},
		{"query an object", post("application/json", `{"query":{"a":1}}`), 400, "Parameter 'query' must be a string.", "BAD_REQUEST"},
		{"query null", post("application/json", `{"query":null}`), 400, "Parameter 'query' must be present.", "BAD_REQUEST"},
		{"operationName a list", post("application/json", `{"query":"{ __typename }","operationName":["A"]}`), 400, "Parameter 'operationName' must be a string.", "BAD_REQUEST"},
		{"operationName null", post("application/json", `{"query":"{ __typename }","operationName":null}`), 200, "", ""},
		{"variables a list", post("application/json", `{"query":"{ __typename }","variables":[1]}`), 400, "Parameter 'variables' must be a JSON object.", "BAD_REQUEST"},
		{"variables a string", post("application/json", `{"query":"{ __typename }","variables":"{}"}`), 400, "Parameter 'variables' must be a JSON object.", "BAD_REQUEST"},
		{"variables a number", post("application/json", `{"query":"{ __typename }","variables":0}`), 400, "Parameter 'variables' must be a JSON object.", "BAD_REQUEST"},
		{"variables null", post("application/json", `{"query":"{ __typename }","variables":null}`), 200, "", ""},
		{"GET: variables a list", get(url.Values{"query": {"{ __typename }"}, "variables": {"[1]"}}), 400, "Parameter 'variables' must be a JSON object.", "BAD_REQUEST"},
		{"GET: variables with text after them", get(url.Values{"query": {"{ __typename }"}, "variables": {"{} x"}}), 400, "Parameter 'variables' must be a JSON object.", "BAD_REQUEST"},
		{"GET: variables null", get(url.Values{"query": {"{ __typename }"}, "variables": {"null"}}), 200, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.logs.Reset()
			r := e.send(tc.req())
			if r.Status != tc.status {
				t.Errorf("status %d, want %d: %s", r.Status, tc.status, r.Raw)
			}
			if tc.msg == "" {
				if len(r.Errors) > 0 || r.str("__typename") == "" {
					t.Errorf("did not run: %s", r.Raw)
				}
			} else if len(r.Errors) != 1 || r.Errors[0].Message != tc.msg || r.Errors[0].Extensions["code"] != tc.code || r.Data != nil {
				t.Errorf("got %s\nwant one error %q with code %s", r.Raw, tc.msg, tc.code)
			}
			if strings.Contains(e.logs.String(), "level=ERROR") {
				t.Errorf("logged an error: %s", e.logs.String())
			}
		})
	}
	if n := e.mail.count(customerauth.NotifyPasswordReset); n != 0 {
		t.Errorf("a refused request ran the mutation: %d reset emails", n)
	}
}

// TestAGoneClientStopsTheWork: a request whose client has gone (its
// context cancelled) stops at the first phase boundary after the scan: no
// validation (a document that would fail it gets the cancellation), no
// document cached, nothing run; the answer is well formed, and nothing is
// logged at level ERROR. A client that goes while its request runs gets
// the same answer, not an internal error.
func TestAGoneClientStopsTheWork(t *testing.T) {
	e := newEnv(t)
	ran := false
	sch := e.svc.Schema()
	sch.QueryType().AddFieldConfig("hangUp", &graphql.Field{Type: graphql.String, Resolve: func(p graphql.ResolveParams) (any, error) {
		ran = true
		cancel := p.Context.Value(cancelKey{}).(context.CancelFunc)
		cancel()
		return nil, fmt.Errorf("reading: %w", p.Context.Err())
	}})
	send := func(doc string, ctx context.Context) gqlResult {
		r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(`{"query":`+quote(doc)+`}`)).WithContext(ctx)
		r.Header.Set("Content-Type", "application/json")
		return e.send(r)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, doc := range []string{`{ __typename }`, `{ nope }`, `{ hangUp }`, `mutation { customerRecover(email: "ann@example.com") { customerUserErrors { code } } }`} {
		r := send(doc, gone)
		if r.Status != 200 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CLIENT_CLOSED_REQUEST" || r.Data != nil {
			t.Errorf("%s: %s", doc, r.Raw)
		}
	}
	if n := customerauth.CachedDocuments(e.svc); n != 0 {
		t.Errorf("%d documents cached for gone clients", n)
	}
	// Syntax errors are found by the scan, which runs first.
	if r := send(`{ customer(`, gone); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "GRAPHQL_PARSE_FAILED" {
		t.Errorf("syntax error: %s", r.Raw)
	}
	// A cached document is not run for a gone client either.
	if r := send(`{ __typename }`, context.Background()); r.str("__typename") != "QueryRoot" {
		t.Fatalf("live client: %s", r.Raw)
	}
	if r := send(`{ __typename }`, gone); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CLIENT_CLOSED_REQUEST" {
		t.Errorf("cached document: %s", r.Raw)
	}
	if ran || e.mail.count(customerauth.NotifyPasswordReset) != 0 {
		t.Error("a request of a gone client ran")
	}
	// The client goes while the request runs.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := send(`{ hangUp }`, context.WithValue(ctx, cancelKey{}, cancel))
	if !ran || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CLIENT_CLOSED_REQUEST" {
		t.Errorf("gone while running: %s", r.Raw)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("logged an error: %s", e.logs.String())
	}
}

type cancelKey struct{}

// TestErrorLocationsAreGraphQLGos: the handler parses documents without
// keeping their text in the tree and locates errors itself, in one pass;
// the locations must be the ones graphql-go gives on its own, for
// validation errors and for errors of execution, through the compiled
// plan and through graphql.Execute.
func TestErrorLocationsAreGraphQLGos(t *testing.T) {
	e := newEnv(t)
	sch := e.svc.Schema()
	sch.QueryType().AddFieldConfig("broken", &graphql.Field{Type: graphql.NewNonNull(graphql.String), Resolve: func(graphql.ResolveParams) (any, error) {
		return nil, errors.New("broken")
	}})
	for _, tc := range []struct {
		doc  string
		vars map[string]any
	}{
		{"query Q(\r\n  $t: String!\r\n) {\n  customer(customerAccessToken: $t) {\n    emial\n\r    firstNme\n  }\n}\n", map[string]any{"t": "x"}},
		{"query Q(\n  $n: Int\n) {\n  customer(customerAccessToken: \"x\") {\n    addresses(first: $n) { nodes { id } }\n  }\n}", map[string]any{"n": "ten"}},
		{"query Q(\n  $t: String!\n) {\n  customer(customerAccessToken: $t) {\n    email\n  }\n}", map[string]any{}},
		{"# a comment\n\n{\n  __typename\n  ... on QueryRoot {\n\r\n    broken\n  }\n}", nil},
		{"{ a: customer(customerAccessToken: \"x\") { email }\n  a: customer(customerAccessToken: \"y\") { email } }", nil},
	} {
		want := graphql.Do(graphql.Params{Schema: sch, RequestString: tc.doc, VariableValues: tc.vars})
		var wantLocs []string
		for _, err := range want.Errors {
			wantLocs = append(wantLocs, fmt.Sprint(err.Locations))
		}
		if len(wantLocs) == 0 {
			t.Fatalf("%q: no errors to locate", tc.doc)
		}
		for _, fast := range []bool{true, false} {
			h, _ := customerauth.FastHandler(e.svc, fast)
			for i := 0; i < 2; i++ { // the second time from the cache
				body, _ := json.Marshal(map[string]any{"query": tc.doc, "variables": tc.vars})
				r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				var got struct {
					Errors []struct {
						Locations []struct{ Line, Column int }
					}
				}
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
					t.Fatal(err)
				}
				var gotLocs []string
				for _, err := range got.Errors {
					var l []string
					for _, loc := range err.Locations {
						l = append(l, fmt.Sprintf("{%d %d}", loc.Line, loc.Column))
					}
					gotLocs = append(gotLocs, "["+strings.Join(l, " ")+"]")
				}
				if fmt.Sprint(gotLocs) != fmt.Sprint(wantLocs) {
					t.Errorf("%q (fast %v, run %d): locations %v, graphql-go %v\n%s", tc.doc, fast, i, gotLocs, wantLocs, w.Body.String())
				}
			}
		}
	}
}
