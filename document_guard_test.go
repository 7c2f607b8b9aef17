package customerauth_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

// post sends a raw application/graphql document through the handler.
func (e *env) post(doc string) gqlResult {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(doc))
	r.Header.Set("Content-Type", "application/graphql")
	return e.send(r)
}

func wantRefused(t *testing.T, r gqlResult, code, msg string) {
	t.Helper()
	if r.Status != 200 || r.Data != nil || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code || !strings.Contains(r.Errors[0].Message, msg) {
		t.Errorf("got %d %s, want one %s error containing %q", r.Status, r.Raw, code, msg)
	}
}

// TestDocumentsThatCrashGraphQLGoAreStopped keeps every document class that
// makes graphql-go v0.8.1 overflow its stack (which kills the process, no
// recover possible) as a regression test: each must come back as an
// ordinary error response.
func TestDocumentsThatCrashGraphQLGoAreStopped(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, doc, code, msg string }{
		{"two fragments spreading each other", `query { ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }`, "BAD_REQUEST", `Cannot spread fragment "A" within itself.`},
		{"fragment spreading itself", `query { ...A } fragment A on QueryRoot { __typename ...A }`, "BAD_REQUEST", `within itself`},
		{"cycle through an inline fragment", `query { ...A } fragment A on QueryRoot { ... on QueryRoot { ...A } }`, "BAD_REQUEST", `within itself`},
		{"cycle in a fragment no operation uses", `query { __typename } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }`, "BAD_REQUEST", `within itself`},
		{"cycle hidden behind a duplicate fragment name", `query { ...A } fragment A on QueryRoot { __typename } fragment A on QueryRoot { ...A }`, "BAD_REQUEST", `only one fragment named "A"`},
		{"long cycle", `query { ...F0 } ` + chain(40, true), "BAD_REQUEST", `within itself`},
		{"selection sets nested a hundred thousand deep", strings.Repeat("{", 100000), "MAX_DEPTH_EXCEEDED", "nests deeper than 64 levels"},
		{"list values nested a hundred thousand deep", `{ customer(customerAccessToken: ` + strings.Repeat("[", 100000) + `) { email } }`, "MAX_DEPTH_EXCEEDED", "nests deeper than 64 levels"},
		{"variable types nested deeply", `query($v: ` + strings.Repeat("[", 1000) + `String` + strings.Repeat("]", 1000) + `) { __typename }`, "MAX_DEPTH_EXCEEDED", "nests deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, e.post(tc.doc), tc.code, tc.msg)
		})
	}
}

// chain returns fragments F0 … Fn-1 where each spreads the next; with
// cyclic the last spreads F0.
func chain(n int, cyclic bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		next := fmt.Sprintf("...F%d", i+1)
		if i == n-1 {
			next = "__typename"
			if cyclic {
				next = "...F0"
			}
		}
		fmt.Fprintf(&b, "fragment F%d on QueryRoot { %s } ", i, next)
	}
	return b.String()
}

func TestLimitsAllowTheLimitAndRefuseOnePast(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) {
		c.RequestLimits = customerauth.RequestLimits{MaxDepth: 5, MaxFields: 10, MaxAliases: 3, MaxTokens: 60, MaxNesting: 8}
	})
	nested := func(depth int) string { return "{" + nestedTypeRefs(depth) + " }" }
	for _, tc := range []struct {
		name     string
		ok, over string
		code     string
	}{
		{"depth", nested(5), nested(6), "MAX_DEPTH_EXCEEDED"},
		{"fields", "{" + strings.Repeat(" __typename", 10) + " }", "{" + strings.Repeat(" __typename", 11) + " }", "MAX_COMPLEXITY_EXCEEDED"},
		{"fields after fragment expansion", "{ ...F ...F } fragment F on QueryRoot {" + strings.Repeat(" __typename", 5) + " }",
			"{ ...F ...F } fragment F on QueryRoot {" + strings.Repeat(" __typename", 6) + " }", "MAX_COMPLEXITY_EXCEEDED"},
		{"aliases", "{ a: __typename b: __typename c: __typename }", "{ a: __typename b: __typename c: __typename d: __typename }", "MAX_ALIASES_EXCEEDED"},
		{"aliases after fragment expansion", "{ ...F } fragment F on QueryRoot { a: __typename b: __typename c: __typename }",
			"{ ...F ...F } fragment F on QueryRoot { a: __typename b: __typename }", "MAX_ALIASES_EXCEEDED"},
		{"tokens", "{" + strings.Repeat(" __typename", 1) + strings.Repeat(" ", 10) + "}", "{ __typename " + strings.Repeat("# c\n", 1) + strings.Repeat("a: __typename ", 20) + "}", "MAX_TOKENS_EXCEEDED"},
		{"nesting", "{ __schema { queryType { fields(includeDeprecated: [[[[true]]]]) { name } } } }", "{ __schema { queryType { fields(includeDeprecated: [[[[[true]]]]]) { name } } } }", "MAX_DEPTH_EXCEEDED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.post(tc.ok); r.Errors != nil && isGuardCode(r.Errors[0].Extensions["code"]) {
				t.Errorf("at the limit: %s", r.Raw)
			}
			r := e.post(tc.over)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tc.code || r.Data != nil {
				t.Errorf("one past the limit: %s, want %s", r.Raw, tc.code)
			}
		})
	}
}

func isGuardCode(c any) bool {
	s, _ := c.(string)
	return strings.HasPrefix(s, "MAX_") || s == "INTROSPECTION_DISABLED"
}

// nestedTypeRefs returns a selection exactly depth fields deep (depth ≥ 3):
// __schema, queryType, then ofType levels down to a name.
func nestedTypeRefs(depth int) string {
	return " __schema { queryType {" + strings.Repeat(" ofType {", depth-3) + " name" + strings.Repeat(" }", depth-3) + " } }"
}

func TestFragmentBombIsRefusedCheaply(t *testing.T) {
	e := newEnv(t)
	// Each fragment spreads the next one twice: 2^30 fields after expansion
	// from a document of a few hundred bytes.
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, " fragment F%d on QueryRoot { ...F%d ...F%d }", i, i+1, i+1)
	}
	b.WriteString(" fragment F30 on QueryRoot { __typename }")
	wantRefused(t, e.post(b.String()), "MAX_COMPLEXITY_EXCEEDED", "Query selects 1073741824 fields")
}

func TestIntrospectionCanBeSwitchedOff(t *testing.T) {
	on := newEnv(t)
	off := newEnv(t, func(c *customerauth.Config) { c.RequestLimits.DisableIntrospection = true })
	for _, doc := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Customer") { name } }`, `{ ...F } fragment F on QueryRoot { __schema { types { name } } }`} {
		if r := on.post(doc); len(r.Errors) > 0 {
			t.Errorf("introspection on: %s", r.Raw)
		}
		wantRefused(t, off.post(doc), "INTROSPECTION_DISABLED", "Introspection is disabled.")
	}
	if r := off.post(`{ __typename }`); r.str("__typename") != "QueryRoot" {
		t.Errorf("__typename with introspection off: %s", r.Raw)
	}
}

func TestBodyLimitIsConfigurable(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.RequestLimits.MaxBodyBytes = 100 })
	if r := e.post(`{ __typename }`); r.Status != 200 {
		t.Errorf("small body: %s", r.Raw)
	}
	if r := e.post(`{ __typename ` + strings.Repeat(" ", 100) + `}`); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d %s", r.Status, r.Raw)
	}
}

// TestMalformedDocumentsAreRefusedByTheScan: every kind of lexical and
// syntax error is answered by the scan, before graphql-go parses (whose
// syntax errors cost the square of their column), with graphql-go's
// message and location and the code GRAPHQL_PARSE_FAILED.
func TestMalformedDocumentsAreRefusedByTheScan(t *testing.T) {
	e := newEnv(t)
	const arg = `{ customer(customerAccessToken: `
	for _, tc := range []struct {
		name, doc, msg string
		line, column   int
	}{
		{"unterminated string", arg + `"abc`, `Unterminated string.`, 1, 37},
		{"unterminated block string", arg + `"""abc \""" `, `Unterminated string.`, 1, 45},
		{"string broken by a line", arg + "\"abc\n\") { email } }", `Unterminated string.`, 1, 37},
		{"unknown escape", arg + `"a\qb") { email } }`, `Invalid character escape sequence: \\q.`, 1, 36},
		{"bad unicode escape", arg + `"\u00G9") { email } }`, `Invalid character escape sequence: \u00G9`, 1, 35},
		{"exponent without digits", arg + `1e) { email } }`, `Invalid number, expected digit but got: ")".`, 1, 35},
		{"digit after a leading zero", arg + `00) { email } }`, `Invalid number, unexpected digit after 0: "0".`, 1, 34},
		{"control character", "{ customer\x07 }", `Invalid character "\\u0007"`, 1, 11},
		{"unexpected character", "{ customer % }", `Unexpected character "%".`, 1, 12},
		{"two dots", "{ customer .. }", `Unexpected character ".".`, 1, 12},
		{"end of document", `{ customer(`, `Expected Name, found EOF`, 1, 12},
		{"token out of place, its long value shortened", arg + `"x") "` + strings.Repeat("y", 200) + `" }`,
			`Expected Name, found String "` + strings.Repeat("y", 100) + `..."`, 1, 38},
		{"syntax error at column 921611", "{\n  customer" + strings.Repeat(" ", 900<<10) + "! }", `Expected Name, found !`, 2, 921611},
		{"unterminated string of a megabyte", arg + `"` + strings.Repeat("x", 1<<20-40), `Unterminated string.`, 1, 1<<20 - 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(tc.doc)
			want := fmt.Sprintf("Syntax Error GraphQL request (%d:%d) %s", tc.line, tc.column, tc.msg)
			wantRefused(t, r, "GRAPHQL_PARSE_FAILED", want)
			var body struct {
				Errors []struct {
					Message   string
					Locations []struct{ Line, Column int }
				}
			}
			if err := json.Unmarshal([]byte(r.Raw), &body); err != nil || len(body.Errors) != 1 {
				t.Fatalf("%v: %s", err, r.Raw)
			}
			if got := body.Errors[0]; got.Message != want || len(got.Locations) != 1 || got.Locations[0].Line != tc.line || got.Locations[0].Column != tc.column {
				t.Errorf("got %+v, want %q at %d:%d", got, want, tc.line, tc.column)
			}
		})
	}
}

// TestWellFormedDocumentsPassTheScan: documents that look like the
// malformed ones but are not must reach graphql-go, and be answered.
func TestWellFormedDocumentsPassTheScan(t *testing.T) {
	e := newEnv(t)
	docs := map[string]string{
		"escaped quotes and backslashes":  `{ customer(customerAccessToken: "a\"b\\c\"\\") { email } }`,
		"every escape":                    `{ customer(customerAccessToken: "\"\\\/\b\f\n\r\t\u00e9\u00E9") { email } }`,
		"block string with escaped quote": `{ customer(customerAccessToken: """a \""" b "" c " d""") { email } }`,
		"block string of lines":           "{ customer(customerAccessToken: \"\"\"\n  a\n    \\\"\"\"\n  b\n\"\"\") { email } }",
		"comment with quotes":             "# \"unterminated and \"\"\" too\n{ customer(customerAccessToken: \"x\") { email } } # \"",
		"comment with multibyte text":     "# café — ☕ \"\n{ customer(customerAccessToken: \"é ☕\") { email } }",
		"byte order mark":                 "\uFEFF{ customer(customerAccessToken: \"x\") { email } }",
		"commas and carriage returns":     "{\r\n customer(customerAccessToken: \"x\",,) {\r email, } ,}",
		"minified with a long string":     `{customer(customerAccessToken:"` + strings.Repeat("x", 900<<10) + `"){email}}`,
		"long lines of white space":       "{" + strings.Repeat(" ", 500<<10) + "customer(customerAccessToken: \"x\") { email }" + strings.Repeat("\t", 100<<10) + "}",
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			if r := e.post(doc); r.Status != 200 || len(r.Errors) > 0 || r.get("customer") != nil {
				t.Errorf("%.300s", r.Raw)
			}
		})
	}
	// Shopify's own documents, with variables graphql-go may refuse (a
	// test of the scan, not of the mutations): never a parse failure.
	for _, doc := range []string{createDoc, loginDoc, customerDoc, updateDoc, renewDoc, deleteDoc, recoverDoc,
		resetByURLDoc, resetDoc, activateByURLDoc, activateDoc, multipassDoc} {
		r := e.post(doc)
		for _, err := range r.Errors {
			if code := err.Extensions["code"]; code == "GRAPHQL_PARSE_FAILED" || isGuardCode(code) {
				t.Errorf("%.40q: %s", doc, r.Raw)
			}
		}
	}
}
