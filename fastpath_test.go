package customerauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/shopkit/customerauth"
)

// The compiled fast path (internal/fastpath) must answer every request
// exactly as graphql.Execute does. graphql-go's results are maps, so its JSON has keys
// in alphabetical order, and it runs a query's fields in map order, so its
// errors come in any order; the fast path writes selection order, as the
// spec wants. Answers are therefore compared decoded, with errors sorted.

// fastPair is one Service served twice: through graphql.Execute (ref) and
// with the fast path (fast). Read-only documents must answer identically.
type fastPair struct {
	*env
	ref, fast http.Handler
	hits      *atomic.Int64
}

func newFastPair(t *testing.T, edit ...func(*customerauth.Config)) *fastPair {
	t.Helper()
	e := newEnv(t, edit...)
	ref, _ := customerauth.FastHandler(e.svc, false)
	fast, hits := customerauth.FastHandler(e.svc, true)
	return &fastPair{env: e, ref: ref, fast: fast, hits: hits}
}

// gqlReq is one request, sent the same way to each handler.
type gqlReq struct {
	query   string
	vars    map[string]any
	opName  string
	headers map[string]string
	get     bool
}

func (q gqlReq) build() *http.Request {
	var r *http.Request
	if q.get {
		v := url.Values{"query": {q.query}}
		if q.vars != nil {
			b, _ := json.Marshal(q.vars)
			v.Set("variables", string(b))
		}
		if q.opName != "" {
			v.Set("operationName", q.opName)
		}
		r = httptest.NewRequest(http.MethodGet, "/api/2026-04/graphql.json?"+v.Encode(), nil)
	} else {
		body := map[string]any{"query": q.query}
		if q.vars != nil {
			body["variables"] = q.vars
		}
		if q.opName != "" {
			body["operationName"] = q.opName
		}
		b, _ := json.Marshal(body)
		r = httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", bytes.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
	}
	// A fixed request id, so internal errors read the same on both sides.
	r.Header.Set("X-Request-ID", "req-fastpath-test")
	r.RemoteAddr = "192.0.2.10:1234"
	for k, v := range q.headers {
		r.Header.Set(k, v)
	}
	return r
}

type answer struct {
	status int
	ctype  string
	body   string
}

func serveOnce(h http.Handler, q gqlReq) answer {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, q.build())
	return answer{w.Code, w.Header().Get("Content-Type"), w.Body.String()}
}

// canonical decodes a response body and sorts its errors.
func canonical(t *testing.T, body string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, body)
	}
	if errs, ok := v["errors"].([]any); ok {
		sort.Slice(errs, func(i, j int) bool {
			a, _ := json.Marshal(errs[i])
			b, _ := json.Marshal(errs[j])
			return string(a) < string(b)
		})
	}
	return v
}

func sameAnswers(t *testing.T, name string, ref, fast answer, normalize func(string) string) {
	t.Helper()
	rb, fb := ref.body, fast.body
	if normalize != nil {
		rb, fb = normalize(rb), normalize(fb)
	}
	if ref.status != fast.status || ref.ctype != fast.ctype || !reflect.DeepEqual(canonical(t, rb), canonical(t, fb)) {
		t.Errorf("%s: answers differ\n graphql-go: %d %s %s\n fast path:  %d %s %s", name, ref.status, ref.ctype, ref.body, fast.status, fast.ctype, fast.body)
	}
}

// check sends q to both handlers and compares the answers. wantFast says
// whether the fast path must have answered (1), must not have (0), or
// either (-1).
func (p *fastPair) check(t *testing.T, name string, q gqlReq, wantFast int) answer {
	t.Helper()
	before := p.hits.Load()
	ref := serveOnce(p.ref, q)
	fast := serveOnce(p.fast, q)
	took := int(p.hits.Load() - before)
	sameAnswers(t, name, ref, fast, nil)
	if wantFast >= 0 && took != wantFast {
		t.Errorf("%s: fast path answered %d times, want %d (%s)", name, took, wantFast, fast.body)
	}
	return ref
}

// seedReader makes a customer with tags, a phone and three addresses (the
// second one the default) and returns its access token.
func seedReader(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	c, err := e.svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "Reader@Example.com", FirstName: "Rea", LastName: "Der <&>", Phone: "+16135550123", Tags: []string{"vip", "wholesale", "ünïcode\u2028"}})
	if err != nil {
		t.Fatal(err)
	}
	link, err := e.svc.ActivationURL(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := e.svc.ActivateByURL(ctx, link, "reader password")
	if err != nil {
		t.Fatal(err)
	}
	lat, lng := 45.4215, -75.6972
	addrs := []customerauth.Address{
		{FirstName: "Rea", LastName: "Der", Company: "Shop & Co <b>", Address1: "1 Main St", Address2: "Suite \"2\"", City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0B1", Phone: "+16135550123", Latitude: &lat, Longitude: &lng},
		{Address1: "2 Rue\tNeuve", City: "Montréal", CountryCode: "FR", Zip: "H2X"},
		{Address1: "3 Nowhere"},
	}
	if _, err := e.svc.SetAddresses(ctx, c.ID, addrs, 1); err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

const fastAddressPageDoc = `query($t: String!) { customer(customerAccessToken: $t) { addresses(%s) {
  edges { cursor node { address1 } }
  nodes { address1 }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} } }`

const fastDefaultAddressDoc = `query($t: String!) { customer(customerAccessToken: $t) { defaultAddress { id address1 latitude longitude countryCodeV2 countryCode formatted(withName: true) formattedArea name } } }`

const fastFragmentsDoc = `query Q($t: String!) {
  me: customer(customerAccessToken: $t) {
    __typename id ...Names ... on Customer { email tags }
    defaultAddress { ... on Node { __typename id } ... on MailingAddress { city } }
    avatarUrl socialLoginProvider { handle } numberOfOrders createdAt updatedAt acceptsMarketing
  }
  again: customer(customerAccessToken: $t) { displayName ...Names }
  __typename
  t2: __typename
}
fragment Names on Customer { firstName lastName n: displayName }`

const fastMergeDoc = `query($t: String!) {
  customer(customerAccessToken: $t) { addresses(first: 2) { edges { node { id } } } }
  customer(customerAccessToken: $t) { addresses(first: 2) { edges { cursor node { city __typename } } pageInfo { __typename hasNextPage } } email }
  ... on QueryRoot { customer(customerAccessToken: $t) { email phone } }
}`

const fastConditionsDoc = `query($t: String!, $withAddr: Boolean!, $skipEmail: Boolean = false, $maybe: Boolean) {
  customer(customerAccessToken: $t) {
    email @skip(if: $skipEmail)
    phone @include(if: $withAddr)
    addresses(first: 3) @include(if: $withAddr) { nodes { id city } }
    ... on Customer @skip(if: $withAddr) { firstName }
    ...F @include(if: $withAddr)
    ...F
    c1: firstName @skip(if: true)
    c2: firstName @include(if: true)
    c3: lastName @include(if: false)
    lastName @skip(if: $skipEmail) @include(if: $withAddr)
    defaultAddress @skip(if: $skipEmail) { city @skip(if: $withAddr) zip ...A @include(if: $withAddr) }
    defaultAddress { id formatted(withName: $maybe, withCompany: $withAddr) }
  }
}
fragment F on Customer { tags displayName @skip(if: $withAddr) }
fragment A on MailingAddress { id fa: formatted(withName: $withAddr) }`

const fastTwoOpsDoc = `query A($t: String!) { customer(customerAccessToken: $t) { email } }
query B { __typename }`

func TestFastPathAnswersReadsLikeGraphQLGo(t *testing.T) {
	p := newFastPair(t)
	tok := seedReader(t, p.env)
	bare := p.register("bare@example.com", "bare password")
	_ = bare
	bareTok := p.login("bare@example.com", "bare password")

	// Every document constant of helpers_test.go that only reads.
	p.check(t, "customerDoc", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok, "country": "CA", "language": "EN"}}, 1)
	p.check(t, "customerDoc without inContext variables", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}}, 1)
	p.check(t, "customerDoc, customer without addresses", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": bareTok}}, 1)
	p.check(t, "customerDoc, unknown token", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": strings.Repeat("0", 32)}}, 1)
	p.check(t, "customerDoc, malformed token", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": "garbage"}}, 1)
	p.check(t, "customerDoc, country null", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok, "country": nil}}, 1)
	p.check(t, "customerDoc over GET", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}, get: true}, 1)

	// The pagination documents of addresses_test.go.
	first := p.check(t, "cursors", gqlReq{query: fmt.Sprintf(fastAddressPageDoc, "first: 5"), vars: map[string]any{"t": tok}}, 1)
	var page struct {
		Data struct {
			Customer struct {
				Addresses struct {
					Edges []struct{ Cursor string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(first.body), &page); err != nil || len(page.Data.Customer.Addresses.Edges) != 3 {
		t.Fatalf("cursors: %v %s", err, first.body)
	}
	c0, c2 := page.Data.Customer.Addresses.Edges[0].Cursor, page.Data.Customer.Addresses.Edges[2].Cursor
	for _, args := range []string{
		"first: 2", "first: 10", `first: 2, after: "` + c0 + `"`, "last: 2", `last: 2, before: "` + c2 + `"`,
		`first: 5, after: "` + c0 + `", before: "` + c2 + `"`, "first: 2, reverse: true", "first: 0",
		// Errors: addresses is non-null, so the customer becomes null.
		"reverse: false", "first: 251", "first: -1", `first: 1, after: "bogus"`, "first: 1, last: 1",
	} {
		p.check(t, "addresses("+args+")", gqlReq{query: fmt.Sprintf(fastAddressPageDoc, args), vars: map[string]any{"t": tok}}, 1)
	}
	p.check(t, "defaultAddress", gqlReq{query: fastDefaultAddressDoc, vars: map[string]any{"t": tok}}, 1)

	// Fragments, aliases, merged fields, __typename at several levels.
	p.check(t, "fragments and aliases", gqlReq{query: fastFragmentsDoc, vars: map[string]any{"t": tok}}, 1)
	p.check(t, "fragments and aliases, by operation name", gqlReq{query: fastFragmentsDoc, vars: map[string]any{"t": tok}, opName: "Q"}, 1)
	p.check(t, "merged fields", gqlReq{query: fastMergeDoc, vars: map[string]any{"t": tok}}, 1)
	p.check(t, "literal arguments", gqlReq{query: `query($t: String!) { customer(customerAccessToken: $t) { addresses(first: 2, reverse: true) { nodes { a: formatted(withCompany: false, withName: true) b: formatted } } } }`, vars: map[string]any{"t": tok}}, 1)
	p.check(t, "literal token", gqlReq{query: `{ __typename customer(customerAccessToken: "` + tok + `") { email } nobody: customer(customerAccessToken: "nope") { email } }`}, 1)
	p.check(t, "typename only", gqlReq{query: `{ __typename }`}, 1)
	p.check(t, "variable with a default", gqlReq{query: `query($t: String!, $n: Int = 1) { customer(customerAccessToken: $t) { addresses(first: $n) { nodes { id } } } }`, vars: map[string]any{"t": tok}}, 1)
	p.check(t, "variable with a default, null", gqlReq{query: `query($t: String!, $n: Int = 1) { customer(customerAccessToken: $t) { addresses(first: $n) { nodes { id } } } }`, vars: map[string]any{"t": tok, "n": nil}}, 1)
	p.check(t, "variable with a default, set", gqlReq{query: `query($t: String!, $n: Int = 1) { customer(customerAccessToken: $t) { addresses(first: $n) { nodes { id } } } }`, vars: map[string]any{"t": tok, "n": 3}}, 1)
	p.check(t, "nullable variable, null", gqlReq{query: `query($t: String!, $n: Int, $after: String) { customer(customerAccessToken: $t) { addresses(first: $n, after: $after) { nodes { id } } } }`, vars: map[string]any{"t": tok, "n": nil}}, 1)

	// Errors on merged fields list every AST once, a fragment spread twice
	// counting once.
	dupDoc := `query($t: String!, $a: Boolean!, $b: Boolean!) { customer(customerAccessToken: $t) {
  ...P @include(if: $a) ...P @skip(if: $b) ...P
  addresses(first: 251) { nodes { id } }
  ... on Customer @include(if: $b) { addresses(first: 251) { edges { cursor } } }
} }
fragment P on Customer { addresses(first: 251) { pageInfo { hasNextPage } } }`
	for _, a := range []bool{true, false} {
		for _, b := range []bool{true, false} {
			p.check(t, fmt.Sprintf("error on merged fields %v %v", a, b), gqlReq{query: dupDoc, vars: map[string]any{"t": tok, "a": a, "b": b}}, 1)
		}
	}
	p.check(t, "error on merged fields, static", gqlReq{query: `query($t: String!) { customer(customerAccessToken: $t) { ...P ...P addresses(first: 251) { nodes { id } } } }
fragment P on Customer { addresses(first: 251) { pageInfo { hasNextPage } } }`, vars: map[string]any{"t": tok}}, 1)

	// @skip and @include, constant and variable-driven.
	for _, withAddr := range []bool{true, false} {
		for _, skipEmail := range []any{true, false, nil, "absent"} {
			for _, maybe := range []any{true, false, nil, "absent"} {
				vars := map[string]any{"t": tok, "withAddr": withAddr}
				if skipEmail != "absent" {
					vars["skipEmail"] = skipEmail
				}
				if maybe != "absent" {
					vars["maybe"] = maybe
				}
				p.check(t, fmt.Sprintf("conditions %v %v %v", withAddr, skipEmail, maybe), gqlReq{query: fastConditionsDoc, vars: vars}, 1)
			}
		}
	}

	// Operation names.
	p.check(t, "operation A", gqlReq{query: fastTwoOpsDoc, vars: map[string]any{"t": tok}, opName: "A"}, 1)
	p.check(t, "operation B", gqlReq{query: fastTwoOpsDoc, opName: "B"}, 1)
	p.check(t, "no operation name", gqlReq{query: fastTwoOpsDoc, vars: map[string]any{"t": tok}}, 0)
	p.check(t, "unknown operation name", gqlReq{query: fastTwoOpsDoc, opName: "C"}, 0)

	// What the fast path leaves to graphql-go.
	p.check(t, "introspection", gqlReq{query: `{ __schema { queryType { name } } __typename }`}, 0)
	p.check(t, "__type", gqlReq{query: `{ __type(name: "Customer") { name fields { name } } }`}, 0)
	for _, vars := range []map[string]any{
		{"customerAccessToken": 12},
		{"customerAccessToken": nil},
		{},
		{"customerAccessToken": tok, "country": "XX"},
		{"customerAccessToken": tok, "country": 1},
		{"customerAccessToken": tok, "language": true},
		{"customerAccessToken": []any{tok}},
	} {
		p.check(t, fmt.Sprintf("customerDoc with variables %v", vars), gqlReq{query: customerDoc, vars: vars}, 0)
	}
	for _, n := range []any{2.5, 1 << 40, "3", true} {
		p.check(t, fmt.Sprintf("Int variable %v", n), gqlReq{query: `query($t: String!, $n: Int) { customer(customerAccessToken: $t) { addresses(first: $n) { nodes { id } } } }`, vars: map[string]any{"t": tok, "n": n}}, 0)
	}
	// Numbers over GET arrive as floats: graphql-go's business.
	p.check(t, "Int variable over GET", gqlReq{query: `query($t: String!, $n: Int) { customer(customerAccessToken: $t) { addresses(first: $n) { nodes { id } } } }`, vars: map[string]any{"t": tok, "n": 2}, get: true}, 0)
	p.check(t, "refused document", gqlReq{query: `{ nope }`}, 0)
}

func TestFastPathScopesAndFailures(t *testing.T) {
	const public = "4f12cc6de73079c2c92ef4bef9e3c68a"
	const narrow = "0000cc6de73079c2c92ef4bef9e30000"
	p := newFastPair(t, func(c *customerauth.Config) {
		c.AccessTokens = []customerauth.StorefrontToken{
			{Token: public, Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers}},
			{Token: narrow, Scopes: []string{customerauth.ScopeWriteCustomers}},
		}
	})
	tok := seedReader(t, p.env)
	pub := map[string]string{"X-Shopify-Storefront-Access-Token": public}
	nar := map[string]string{"X-Shopify-Storefront-Access-Token": narrow}
	p.check(t, "tags without their scope", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}, headers: pub}, 1)
	p.check(t, "tags without their scope, customer kept", gqlReq{query: `query($t: String!) { customer(customerAccessToken: $t) { email } }`, vars: map[string]any{"t": tok}, headers: pub}, 1)
	p.check(t, "customer without read scope", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}, headers: nar}, 1)
	p.check(t, "no storefront token", gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}}, 0)
}

// faultyStore fails CustomerByID while failing is set.
type faultyStore struct {
	customerauth.Store
	failing atomic.Bool
}

func (f *faultyStore) CustomerByID(ctx context.Context, id string) (*customerauth.Customer, error) {
	if f.failing.Load() {
		return nil, errors.New("disk on fire")
	}
	return f.Store.CustomerByID(ctx, id)
}

func TestFastPathInternalErrorsAndPanics(t *testing.T) {
	store := &faultyStore{Store: customerauth.NewMemoryStore()}
	var orders atomic.Value // func() (uint64, error)
	orders.Store(func() (uint64, error) { return 42, nil })
	p := newFastPair(t, func(c *customerauth.Config) {
		c.Store = store
		c.NumberOfOrders = func(context.Context, string) (uint64, error) {
			return orders.Load().(func() (uint64, error))()
		}
	})
	tok := seedReader(t, p.env)
	q := gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}}
	p.check(t, "orders", q, 1)

	store.failing.Store(true)
	a := p.check(t, "store failure", q, 1)
	if !strings.Contains(a.body, "INTERNAL_SERVER_ERROR") || strings.Contains(a.body, "disk on fire") {
		t.Errorf("store failure: %s", a.body)
	}
	store.failing.Store(false)

	// numberOfOrders is non-null: its error nulls the customer.
	orders.Store(func() (uint64, error) { return 7, errors.New("orders service down") })
	p.check(t, "non-null field error", q, 1)
	orders.Store(func() (uint64, error) { panic("orders panicked") })
	p.check(t, "resolver panics with a string", q, 1)
	orders.Store(func() (uint64, error) { panic(errors.New("orders panicked")) })
	p.check(t, "resolver panics with an error", q, 1)
	orders.Store(func() (uint64, error) { f := strings.Fields(""); return uint64(len(f[0])), nil })
	p.check(t, "resolver panics at run time", q, 1)

	// A panic with another value: graphql-go answers "An unknown error
	// occurred."; the fast path reports an internal error.
	orders.Store(func() (uint64, error) { panic(42) })
	fast := serveOnce(p.fast, q)
	if !strings.Contains(fast.body, `"customer":null`) || !strings.Contains(fast.body, "INTERNAL_SERVER_ERROR") || !strings.Contains(p.logs.String(), "resolver panicked: 42") {
		t.Errorf("panic(42): %s", fast.body)
	}
}

// TestFastPathHostFields adds fields to the Customer type, as a host may
// (Service.CustomerType), to reach what this package's own resolvers do
// not show: the exact Args a resolver gets, default resolvers, other Go
// result types and nulls propagating through non-null parents.
func TestFastPathHostFields(t *testing.T) {
	p := newFastPair(t)
	tok := seedReader(t, p.env)
	sch := p.svc.Schema()
	host := graphql.NewObject(graphql.ObjectConfig{Name: "HostObj", Fields: graphql.Fields{
		"inner": {Type: graphql.NewNonNull(graphql.String)},
		"items": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String)))},
		"maybe": {Type: graphql.String},
	}})
	hostObj := func(p graphql.ResolveParams) (any, error) {
		if ok, _ := p.Args["ok"].(bool); ok {
			return map[string]any{"inner": "in", "items": []any{"a", "b"}, "maybe": "m"}, nil
		}
		return map[string]any{"items": []any{"a", nil}}, nil
	}
	str := "pointed"
	value := func(v any) graphql.FieldResolveFn {
		return func(graphql.ResolveParams) (any, error) { return v, nil }
	}
	ct := p.svc.CustomerType()
	for name, f := range map[string]*graphql.Field{
		"echo": {Type: graphql.String, Args: graphql.FieldConfigArgument{
			"input": {Type: sch.Type("CustomerUpdateInput").(graphql.Input)},
			"n":     {Type: graphql.Int, DefaultValue: 3},
			"flag":  {Type: graphql.Boolean},
			"code":  {Type: sch.Type("CountryCode").(graphql.Input)},
			"list":  {Type: graphql.NewList(graphql.String)},
			"id":    {Type: graphql.ID},
			"when":  {Type: sch.Type("DateTime").(graphql.Input)},
		}, Resolve: func(p graphql.ResolveParams) (any, error) {
			b, err := json.Marshal(p.Args)
			return string(b), err
		}},
		"emailKey":            {Type: graphql.String},
		"multipassIdentifier": {Type: graphql.String},
		"ints":                {Type: graphql.NewList(graphql.Int), Resolve: value([]int{1, -2, 1 << 40})},
		"nilList":             {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String))), Resolve: value([]string(nil))},
		"nilPtr":              {Type: graphql.String, Resolve: value((*string)(nil))},
		"strPtr":              {Type: graphql.String, Resolve: value(&str)},
		"floats":              {Type: graphql.NewList(graphql.Float), Resolve: value([]any{float32(1.5), 1e21, 1e-7, 2.0, -0.25})},
		"notList":             {Type: graphql.NewList(graphql.String), Resolve: value("oops")},
		"code":                {Type: sch.Type("CustomerErrorCode").(graphql.Output), Resolve: value(customerauth.CodeTaken)},
		"obj":                 {Type: graphql.NewNonNull(host), Args: graphql.FieldConfigArgument{"ok": {Type: graphql.Boolean}}, Resolve: hostObj},
		"maybeObj":            {Type: host, Args: graphql.FieldConfigArgument{"ok": {Type: graphql.Boolean}}, Resolve: hostObj},
		"objs":                {Type: graphql.NewList(graphql.NewNonNull(host)), Resolve: value([]map[string]any{{"inner": "x", "items": []any{}}, {"items": []any{}}})},
	} {
		ct.AddFieldConfig(name, f)
	}
	q := func(sel string) gqlReq {
		return gqlReq{query: `query($t: String!) { customer(customerAccessToken: $t) { email ` + sel + ` } }`, vars: map[string]any{"t": tok}}
	}
	for _, sel := range []string{
		"echo",
		`echo(n: 5, flag: true, code: CA, list: ["a", "b"], id: 7, when: "2026-01-02T03:04:05Z", input: {firstName: "A", lastName: ""})`,
		`echo(list: "single", input: {email: "e"})`,
		"emailKey multipassIdentifier ints nilList nilPtr strPtr floats code",
		"notList",
		"obj(ok: true) { inner items maybe }",
		"obj(ok: false) { inner }",
		"obj(ok: false) { items }",
		"obj(ok: false) { maybe }",
		"maybeObj(ok: false) { inner }",
		"maybeObj(ok: false) { items maybe }",
		"maybeObj(ok: true) { items } obj(ok: false) { maybe }",
		"objs { inner }",
		"objs { items }",
	} {
		p.check(t, sel, q(sel), 1)
	}
	withVars := func(doc string, vars map[string]any) gqlReq {
		vars["t"] = tok
		return gqlReq{query: doc, vars: vars}
	}
	echoDoc := `query($t: String!, $in: CustomerUpdateInput, $n: Int = 9, $phone: String, $code: CountryCode, $flag: Boolean!) {
  customer(customerAccessToken: $t) {
    a: echo(input: $in, n: $n, code: $code)
    b: echo(input: {phone: $phone, firstName: "F", email: $phone}, flag: $flag)
    c: echo(n: $n) @include(if: $flag)
  }
}`
	for i, vars := range []map[string]any{
		{"flag": true},
		{"flag": false, "n": nil, "in": nil, "phone": nil},
		{"flag": true, "n": 4, "in": map[string]any{"phone": nil, "lastName": "L", "acceptsMarketing": false}, "phone": "+1613", "code": "FR"},
		{"flag": true, "in": map[string]any{}},
	} {
		p.check(t, fmt.Sprintf("echo %d", i), withVars(echoDoc, vars), 1)
	}
	p.check(t, "list variable", withVars(`query($t: String!, $l: [String]) { customer(customerAccessToken: $t) { echo(list: $l) } }`, map[string]any{"l": []any{"x", nil}}), 0)
}

// scribble is a host resolver that writes into its Args, as a resolver
// may: it reports the arguments it was given, then adds one of its own.
func scribble(p graphql.ResolveParams) (any, error) {
	b, err := json.Marshal(p.Args)
	p.Args[fmt.Sprintf("seen%p", &p)] = true
	return string(b), err
}

// TestFastPathHostArgsAreNotShared is the regression test of Args shared
// between requests: the plan built the Args of constant arguments once and
// handed the same map to every request, so a host field that writes into
// p.Args saw other requests' writes (three identical requests saw 1, 2
// and 3 arguments) and raced with them. graphql-go builds a new map for
// every field execution.
func TestFastPathHostArgsAreNotShared(t *testing.T) {
	p := newFastPair(t)
	tok := seedReader(t, p.env)
	ct := p.svc.CustomerType()
	ct.AddFieldConfig("scribble", &graphql.Field{Type: graphql.String, Args: graphql.FieldConfigArgument{
		"n": {Type: graphql.Int}, "s": {Type: graphql.String, DefaultValue: "d"},
	}, Resolve: scribble})
	ct.AddFieldConfig("scribbleBare", &graphql.Field{Type: graphql.String, Resolve: scribble})
	q := gqlReq{query: `query($t: String!) { customer(customerAccessToken: $t) { scribble(n: 5) scribbleBare addresses(first: 3) { nodes { id } } } }`, vars: map[string]any{"t": tok}}
	want := `{"data":{"customer":{"scribble":"{\"n\":5,\"s\":\"d\"}","scribbleBare":"{}",`
	for i := range 3 {
		p.check(t, fmt.Sprintf("request %d", i+1), q, 1)
		if got := serveOnce(p.fast, q).body; !strings.HasPrefix(got, want) {
			t.Errorf("request %d: %s, want it to start with %s", i+1, got, want)
		}
	}
	// Concurrently, for the race detector.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := serveOnce(p.fast, q).body; !strings.HasPrefix(got, want) {
					t.Errorf("concurrent: %s", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// rootKeys is a host root field that writes into the root value: it
// reports how many keys it holds, then adds one.
func rootKeys(p graphql.ResolveParams) (any, error) {
	m, ok := p.Source.(map[string]any)
	if !ok {
		return fmt.Sprintf("%T", p.Source), nil
	}
	n := len(m)
	m[fmt.Sprint(p.Info.Path.Key)] = true
	return n, nil
}

// TestFastPathRootValueIsNotShared is the regression test of the shared
// root value: the plan gave every root resolver of every request one
// package-level map as p.Source. graphql-go passes a new empty map per
// operation when ExecuteParams.Root is nil, shared by that operation's
// root fields.
func TestFastPathRootValueIsNotShared(t *testing.T) {
	p := newFastPair(t)
	sch := p.svc.Schema()
	sch.QueryType().AddFieldConfig("rootKeys", &graphql.Field{Type: graphql.Int, Resolve: rootKeys})
	sch.MutationType().AddFieldConfig("rootKeys", &graphql.Field{Type: graphql.Int, Resolve: rootKeys})
	for _, tc := range []struct{ query, want string }{
		{`{ rootKeys __typename }`, `{"data":{"rootKeys":0,"__typename":"QueryRoot"}}`},
		// A mutation's root fields run in order and share the operation's
		// root value.
		{`mutation { a: rootKeys b: rootKeys }`, `{"data":{"a":0,"b":1}}`},
	} {
		for i := range 3 {
			p.check(t, fmt.Sprintf("%s, request %d", tc.query, i+1), gqlReq{query: tc.query}, 1)
			if got := strings.TrimSpace(serveOnce(p.fast, gqlReq{query: tc.query}).body); got != tc.want {
				t.Errorf("%s, request %d: %s, want %s", tc.query, i+1, got, tc.want)
			}
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if got := serveOnce(p.fast, gqlReq{query: `{ rootKeys }`}).body; got != `{"data":{"rootKeys":0}}`+"\n" {
					t.Errorf("concurrent: %s", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// fastTwins are two Services seeded alike, one served through
// graphql.Execute and one through the fast path, for mutations: each side
// keeps its own state (tokens, links) and answers are compared with the
// random parts normalized.
type fastTwins struct {
	ref, fast *env
	hits      *atomic.Int64
}

func newFastTwins(t *testing.T, edit ...func(*customerauth.Config)) *fastTwins {
	t.Helper()
	tw := &fastTwins{ref: newEnv(t, edit...), fast: newEnv(t, edit...)}
	tw.ref.h, _ = customerauth.FastHandler(tw.ref.svc, false)
	tw.fast.h, tw.hits = customerauth.FastHandler(tw.fast.svc, true)
	return tw
}

var randomParts = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,64}`)

func normalizeRandom(s string) string { return randomParts.ReplaceAllString(s, "<random>") }

// step sends the same document to both sides, with variables made per side,
// compares the answers and returns them decoded (ref, fast).
func (tw *fastTwins) step(t *testing.T, name, query string, vars func(e *env) map[string]any, wantFast int, headers ...map[string]string) (gqlResult, gqlResult) {
	t.Helper()
	var results [2]gqlResult
	var answers [2]answer
	before := tw.hits.Load()
	for i, e := range []*env{tw.ref, tw.fast} {
		q := gqlReq{query: query}
		if vars != nil {
			q.vars = vars(e)
		}
		if len(headers) > 0 {
			q.headers = headers[0]
		}
		answers[i] = serveOnce(e.h, q)
		var out struct {
			Data   map[string]any `json:"data"`
			Errors []gqlError     `json:"errors"`
		}
		_ = json.Unmarshal([]byte(answers[i].body), &out)
		results[i] = gqlResult{Status: answers[i].status, Data: out.Data, Errors: out.Errors, Raw: answers[i].body}
	}
	if took := int(tw.hits.Load() - before); wantFast >= 0 && took != wantFast {
		t.Errorf("%s: fast path answered %d times, want %d (%s)", name, took, wantFast, answers[1].body)
	}
	sameAnswers(t, name, answers[0], answers[1], normalizeRandom)
	return results[0], results[1]
}

func TestFastPathAnswersMutationsLikeGraphQLGo(t *testing.T) {
	tw := newFastTwins(t)
	toks := map[*env]string{}
	ann := func(e *env) map[string]any {
		return map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse", "firstName": "Ann", "lastName": "Lee", "phone": "+16135550100", "acceptsMarketing": true}, "country": "CA", "language": "FR"}
	}
	tw.step(t, "customerCreate", createDoc, ann, 1)
	tw.step(t, "customerCreate again: TAKEN", createDoc, ann, 1)
	tw.step(t, "customerCreate: user errors", createDoc, func(*env) map[string]any {
		return map[string]any{"input": map[string]any{"email": "not an email", "password": " short", "firstName": "<a href=x>"}}
	}, 1)
	// Loosely typed: graphql-go coerces "yes" to true. The fast path leaves
	// it to graphql-go, so both sides register bob.
	tw.step(t, "customerCreate: loose Boolean", createDoc, func(*env) map[string]any {
		return map[string]any{"input": map[string]any{"email": "bob@example.com", "password": "correct horse", "acceptsMarketing": "yes"}}
	}, 0)
	tw.step(t, "customerCreate: unknown input field", createDoc, func(*env) map[string]any {
		return map[string]any{"input": map[string]any{"email": "eve@example.com", "password": "correct horse", "admin": true}}
	}, 0)
	tw.step(t, "login: wrong password", loginDoc, func(*env) map[string]any { return loginVars("ann@example.com", "wrong horse") }, 1)
	r, f := tw.step(t, "login", loginDoc, func(*env) map[string]any { return loginVars("ann@example.com", "correct horse") }, 1)
	toks[tw.ref] = r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
	toks[tw.fast] = f.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
	if toks[tw.ref] == "" || toks[tw.fast] == "" {
		t.Fatalf("login: %s / %s", r.Raw, f.Raw)
	}
	tokVars := func(e *env) map[string]any { return map[string]any{"customerAccessToken": toks[e]} }
	tw.step(t, "customer", customerDoc, tokVars, 1)
	tw.step(t, "renew", renewDoc, tokVars, 1)
	tw.step(t, "renew: invalid token", renewDoc, func(*env) map[string]any { return map[string]any{"customerAccessToken": strings.Repeat("a", 32)} }, 1)

	update := func(fields map[string]any) func(e *env) map[string]any {
		return func(e *env) map[string]any {
			return map[string]any{"customerAccessToken": toks[e], "customer": fields}
		}
	}
	tw.step(t, "update profile", updateDoc, update(map[string]any{"firstName": "Annie", "lastName": "Lee-Smith", "acceptsMarketing": false}), 1)
	tw.step(t, "update: phone null clears it", updateDoc, update(map[string]any{"phone": nil, "lastName": nil}), 1)
	for _, e := range []*env{tw.ref, tw.fast} {
		c, err := e.svc.CustomerByAccessToken(context.Background(), toks[e])
		if err != nil || c.Phone != "" || c.LastName != "" || c.FirstName != "Annie" {
			t.Errorf("after clearing: %+v %v", c, err)
		}
	}
	fieldVars := `mutation($t: String!, $phone: String, $fn: String, $skip: Boolean = false) {
  customerUpdate(customerAccessToken: $t, customer: {phone: $phone, firstName: $fn}) {
    __typename
    customer { __typename id firstName phone }
    userErrors @skip(if: $skip) { __typename field message }
    customerUserErrors { ... on DisplayableError { message field } ... on CustomerUserError { code } }
  }
}`
	tw.step(t, "update: field variables", fieldVars, func(e *env) map[string]any { return map[string]any{"t": toks[e], "phone": "+16135550199", "fn": "Ann"} }, 1)
	tw.step(t, "update: field variable null", fieldVars, func(e *env) map[string]any { return map[string]any{"t": toks[e], "phone": nil, "skip": true} }, 1)
	tw.step(t, "update: invalid phone", fieldVars, func(e *env) map[string]any { return map[string]any{"t": toks[e], "phone": "call me"} }, 1)
	tw.step(t, "update: invalid token", updateDoc, func(*env) map[string]any {
		return map[string]any{"customerAccessToken": strings.Repeat("b", 32), "customer": map[string]any{"firstName": "X"}}
	}, 1)
	tw.step(t, "update: wrong variable type", updateDoc, update(map[string]any{"phone": 5}), 0)
	r, f = tw.step(t, "update password", updateDoc, update(map[string]any{"password": "new horse battery"}), 1)
	toks[tw.ref] = r.str("customerUpdate", "customerAccessToken", "accessToken")
	toks[tw.fast] = f.str("customerUpdate", "customerAccessToken", "accessToken")

	// Serial order: graphql-go runs root fields by source position, so
	// the renew (written first) runs before the delete in the fragment.
	serial := `mutation($t: String!) {
  ...D
  r: customerAccessTokenRenew(customerAccessToken: $t) { customerAccessToken { expiresAt } userErrors { field message } }
  r2: customerAccessTokenRenew(customerAccessToken: $t) { customerAccessToken { expiresAt } }
}
fragment D on Mutation { d: customerAccessTokenDelete(customerAccessToken: $t) { deletedAccessToken deletedCustomerAccessTokenId userErrors { message } } }`
	r, _ = tw.step(t, "serial order", serial, func(e *env) map[string]any { return map[string]any{"t": toks[e]} }, 1)
	if r.get("r", "customerAccessToken") == nil || len(r.Errors) != 0 {
		t.Errorf("serial order: %s", r.Raw)
	}
	tw.step(t, "delete: already deleted", deleteDoc, tokVars, 1)

	tw.step(t, "recover", recoverDoc, func(*env) map[string]any { return map[string]any{"email": "ann@example.com"} }, 1)
	tw.step(t, "recover: unknown", recoverDoc, func(*env) map[string]any { return map[string]any{"email": "nobody@example.com"} }, 1)
	link := func(e *env, kind customerauth.NotificationKind, email string) string {
		return e.mail.last(t, kind, email).URL
	}
	tw.step(t, "resetByUrl: bad password", resetByURLDoc, func(e *env) map[string]any {
		return map[string]any{"resetUrl": link(e, customerauth.NotifyPasswordReset, "ann@example.com"), "password": "x"}
	}, 1)
	tw.step(t, "reset", resetDoc, func(e *env) map[string]any {
		id, token := splitLink(link(e, customerauth.NotifyPasswordReset, "ann@example.com"))
		return map[string]any{"id": id, "input": map[string]any{"resetToken": token, "password": "third horse battery"}}
	}, 1)
	tw.step(t, "reset: used link", resetByURLDoc, func(e *env) map[string]any {
		return map[string]any{"resetUrl": link(e, customerauth.NotifyPasswordReset, "ann@example.com"), "password": "fourth horse battery"}
	}, 1)
	tw.step(t, "reset: bad id", resetDoc, func(*env) map[string]any {
		return map[string]any{"id": 12345, "input": map[string]any{"resetToken": "x", "password": "third horse battery"}}
	}, 1)

	for _, e := range []*env{tw.ref, tw.fast} {
		if _, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "carol@example.com", FirstName: "Carol"}); err != nil {
			t.Fatal(err)
		}
	}
	tw.step(t, "activate: bad token", activateDoc, func(e *env) map[string]any {
		id, _ := splitLink(link(e, customerauth.NotifyActivation, "carol@example.com"))
		return map[string]any{"id": id, "input": map[string]any{"activationToken": "nope", "password": "carol horse battery"}}
	}, 1)
	tw.step(t, "activateByUrl", activateByURLDoc, func(e *env) map[string]any {
		return map[string]any{"activationUrl": link(e, customerauth.NotifyActivation, "carol@example.com"), "password": "carol horse battery"}
	}, 1)
	tw.step(t, "activate: already", activateDoc, func(e *env) map[string]any {
		id, token := splitLink(link(e, customerauth.NotifyActivation, "carol@example.com"))
		return map[string]any{"id": id, "input": map[string]any{"activationToken": token, "password": "carol horse battery"}}
	}, 1)
	tw.step(t, "multipass without secrets", `mutation($m: String!) { customerAccessTokenCreateWithMultipass(multipassToken: $m) { customerAccessToken { accessToken } customerUserErrors { code field message } } }`,
		func(*env) map[string]any { return map[string]any{"m": "abc"} }, 1)
	tw.step(t, "GET mutation refused", createDoc, nil, 0)
}

func TestFastPathThrottledAndDenied(t *testing.T) {
	const public = "4f12cc6de73079c2c92ef4bef9e3c68a"
	tw := newFastTwins(t, func(c *customerauth.Config) {
		c.Throttle.LoginPerAccount = customerauth.Rule{Limit: 2}
		c.AccessTokens = []customerauth.StorefrontToken{
			{Token: public, Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers}},
			{Token: "readonly", Scopes: []string{customerauth.ScopeReadCustomers}},
		}
	})
	pub := map[string]string{"X-Shopify-Storefront-Access-Token": public}
	tw.step(t, "register", createDoc, func(*env) map[string]any {
		return map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}}
	}, 1, pub)
	for i := range 4 {
		tw.step(t, fmt.Sprintf("wrong login %d", i), loginDoc, func(*env) map[string]any { return loginVars("ann@example.com", "wrong") }, 1, pub)
	}
	r, _ := tw.step(t, "throttled login", loginDoc, func(*env) map[string]any { return loginVars("ann@example.com", "correct horse") }, 1, pub)
	wantThrottled(t, r, "customerAccessTokenCreate", loginThrottled)
	r, _ = tw.step(t, "mutation without write scope", recoverDoc, func(*env) map[string]any { return map[string]any{"email": "ann@example.com"} }, 1,
		map[string]string{"X-Shopify-Storefront-Access-Token": "readonly"})
	wantDenied(t, r, "customerRecover", "CustomerRecover access denied")
}

// TestFastPathRefusesBadVariablesBeforeAnySideEffect runs the plan
// directly: variables that do not type-check exactly are refused before a
// resolver runs, and the store is unchanged.
func TestFastPathRefusesBadVariablesBeforeAnySideEffect(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	fast, ref, ok := customerauth.FastRunners(e.svc, updateDoc, "")
	if !ok {
		t.Fatal("updateDoc does not compile")
	}
	ctx := context.Background()
	before, err := e.svc.CustomerByAccessToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, vars := range []map[string]any{
		{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Mallory", "phone": 5}},
		{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Mallory", "bogus": "x"}},
		{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Mallory", "acceptsMarketing": "true"}},
		{"customerAccessToken": tok, "customer": "firstName=Mallory"},
		{"customerAccessToken": tok, "customer": []any{map[string]any{"firstName": "Mallory"}}},
		{"customerAccessToken": 123, "customer": map[string]any{"firstName": "Mallory"}},
		{"customer": map[string]any{"firstName": "Mallory"}},
		{"customerAccessToken": nil, "customer": map[string]any{"firstName": "Mallory"}},
		{"customerAccessToken": tok},
		{"customerAccessToken": tok, "customer": map[string]any{"firstName": json.Number("1")}},
	} {
		if body, ok := fast(ctx, vars); ok {
			t.Errorf("%v: the fast path ran: %s", vars, body)
		}
	}
	after, err := e.svc.CustomerByAccessToken(ctx, tok)
	if err != nil || !reflect.DeepEqual(before, after) {
		t.Errorf("the store changed: %+v → %+v (%v)", before, after, err)
	}
	// Well-typed variables run, and answer as graphql-go does.
	vars := map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Annie", "phone": nil}}
	body, ok := fast(ctx, vars)
	if !ok {
		t.Fatal("well-typed variables refused")
	}
	vars["customer"] = map[string]any{"firstName": "Annie", "phone": nil}
	sameAnswers(t, "update", answer{200, "", string(ref(ctx, vars))}, answer{200, "", string(body)}, nil)
	if c, _ := e.svc.CustomerByAccessToken(ctx, tok); c.FirstName != "Annie" {
		t.Errorf("update did not happen: %+v", c)
	}

	// Scalars: ID takes strings and integers; enums take names only.
	fastReset, _, ok := customerauth.FastRunners(e.svc, resetDoc, "")
	if !ok {
		t.Fatal("resetDoc does not compile")
	}
	for vars, want := range map[*map[string]any]bool{
		{"id": "x", "input": map[string]any{"resetToken": "t", "password": "p"}}:   true,
		{"id": 12, "input": map[string]any{"resetToken": "t", "password": "p"}}:    true,
		{"id": 1.5, "input": map[string]any{"resetToken": "t", "password": "p"}}:   false,
		{"id": "x", "input": map[string]any{"resetToken": "t"}}:                    false,
		{"id": "x", "input": map[string]any{"resetToken": "t", "password": false}}: false,
	} {
		if _, ok := fastReset(ctx, *vars); ok != want {
			t.Errorf("reset %v: ran %v, want %v", *vars, ok, want)
		}
	}
}

// customerFieldPool is what the randomized test selects from.
var (
	customerLeaves = []string{"id", "firstName", "lastName", "phone", "email", "displayName", "acceptsMarketing", "numberOfOrders", "tags", "createdAt", "updatedAt", "avatarUrl", "__typename"}
	addressLeaves  = []string{"id", "formatted", "formatted(withName: true)", "formatted(withCompany: $flag)", "firstName", "lastName", "company", "address1", "address2", "country", "countryCode", "countryCodeV2", "province", "provinceCode", "city", "zip", "phone", "name", "latitude", "longitude", "formattedArea", "__typename"}
)

type docGen struct {
	r       *rand.Rand
	aliases int
	frags   []string
}

func (g *docGen) directive() string {
	switch g.r.IntN(8) {
	case 0:
		return " @skip(if: $flag)"
	case 1:
		return " @include(if: $flag)"
	case 2:
		return " @skip(if: $other)"
	case 3:
		return " @include(if: false)"
	}
	return ""
}

func (g *docGen) alias() string {
	if g.r.IntN(5) == 0 {
		g.aliases++
		return fmt.Sprintf("a%d: ", g.aliases)
	}
	return ""
}

// leaves picks a few leaves. Fields with arguments are always aliased:
// validation wants same-named fields to have equal arguments.
func (g *docGen) leaves(pool []string, n int) string {
	var b strings.Builder
	for range n {
		f := pool[g.r.IntN(len(pool))]
		a := g.alias()
		if a == "" && strings.Contains(f, "(") {
			g.aliases++
			a = fmt.Sprintf("f%d: ", g.aliases)
		}
		b.WriteString(a + f + g.directive() + " ")
	}
	return b.String()
}

func (g *docGen) address() string {
	body := g.leaves(addressLeaves, 1+g.r.IntN(6))
	switch g.r.IntN(4) {
	case 0:
		return "{ " + body + "... on MailingAddress" + g.directive() + " { " + g.leaves(addressLeaves, 2) + "} }"
	case 1:
		name := fmt.Sprintf("A%d", len(g.frags))
		g.frags = append(g.frags, "fragment "+name+" on MailingAddress { "+g.leaves(addressLeaves, 3)+"}")
		return "{ " + body + "..." + name + g.directive() + " }"
	}
	return "{ " + body + "}"
}

func (g *docGen) customer() string {
	var b strings.Builder
	b.WriteString(g.leaves(customerLeaves, 1+g.r.IntN(8)))
	if g.r.IntN(2) == 0 {
		b.WriteString(g.alias() + "defaultAddress" + g.directive() + " " + g.address() + " ")
	}
	if g.r.IntN(2) == 0 {
		args := []string{"first: 2", "first: 3, reverse: true", "last: 1", "first: $n"}[g.r.IntN(4)]
		a := g.alias()
		if a == "" {
			g.aliases++
			a = fmt.Sprintf("p%d: ", g.aliases)
		}
		b.WriteString(a + "addresses(" + args + ")" + g.directive() + " { ")
		if g.r.IntN(2) == 0 {
			b.WriteString("edges { cursor node " + g.address() + " } ")
		}
		if g.r.IntN(2) == 0 {
			b.WriteString("nodes " + g.address() + " ")
		}
		b.WriteString("pageInfo { hasNextPage " + g.leaves([]string{"hasPreviousPage", "startCursor", "endCursor", "__typename"}, 2) + "} } ")
	}
	return b.String()
}

// TestFastPathRandomSelections compares both executors on random subsets
// of the customer query, with aliases, fragments and conditions.
func TestFastPathRandomSelections(t *testing.T) {
	p := newFastPair(t)
	tok := seedReader(t, p.env)
	r := rand.New(rand.NewPCG(20261125, 1))
	n := 300
	if testing.Short() {
		n = 60
	}
	for i := range n {
		g := &docGen{r: r}
		var b strings.Builder
		for range 1 + r.IntN(2) {
			b.WriteString(g.alias() + "customer(customerAccessToken: $t)" + g.directive() + " { ")
			if r.IntN(3) == 0 {
				name := fmt.Sprintf("C%d", len(g.frags))
				g.frags = append(g.frags, "fragment "+name+" on Customer { "+g.customer()+"}")
				b.WriteString("..." + name + g.directive() + " " + g.leaves(customerLeaves, 2))
			} else {
				b.WriteString(g.customer())
			}
			b.WriteString("} ")
		}
		if r.IntN(3) == 0 {
			b.WriteString("__typename ")
		}
		b.WriteString("} ")
		b.WriteString(strings.Join(g.frags, " "))
		// Declare the variables the document uses: unused ones are invalid.
		decl := "$t: String!"
		for _, v := range []string{"$flag: Boolean!", "$other: Boolean = true", "$n: Int = 2"} {
			if strings.Contains(b.String(), v[:strings.Index(v, ":")]+")") {
				decl += ", " + v
			}
		}
		doc := "query(" + decl + ") { " + b.String()
		vars := map[string]any{"t": tok, "flag": r.IntN(2) == 0}
		switch r.IntN(3) {
		case 0:
			vars["other"] = false
		case 1:
			vars["other"] = nil
		}
		if r.IntN(2) == 0 {
			vars["n"] = r.IntN(4)
		}
		if r.IntN(10) == 0 {
			vars["t"] = "bad token"
		}
		ref := serveOnce(p.ref, gqlReq{query: doc, vars: vars})
		if strings.Contains(ref.body, `"locations":[{`) && !strings.Contains(ref.body, `"path"`) {
			t.Fatalf("generated an invalid document: %s\n%s", ref.body, doc)
		}
		p.check(t, fmt.Sprintf("random %d: %s %v", i, doc, vars), gqlReq{query: doc, vars: vars}, 1)
	}
}

// TestFastPathConcurrent runs the fast path from many goroutines, for the
// race detector: plans compile once and the result buffers are pooled.
func TestFastPathConcurrent(t *testing.T) {
	p := newFastPair(t)
	tok := seedReader(t, p.env)
	want := serveOnce(p.ref, gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				q := gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok}}
				if (g+i)%3 == 0 {
					q = gqlReq{query: fastConditionsDoc, vars: map[string]any{"t": tok, "withAddr": i%2 == 0}}
				}
				got := serveOnce(p.fast, q)
				if q.query == customerDoc && !reflect.DeepEqual(canonical(t, got.body), canonical(t, want.body)) {
					t.Errorf("concurrent answer differs: %s", got.body)
					return
				}
			}
		}()
	}
	wg.Wait()
	if customerauth.CachedDocuments(p.svc) != 2 {
		t.Errorf("%d documents cached", customerauth.CachedDocuments(p.svc))
	}
}

// seedBench makes a Service with one customer with two addresses.
func seedBench(b *testing.B) (*customerauth.Service, string) {
	b.Helper()
	svc, tok := benchService(b, customerauth.Config{})
	ctx := context.Background()
	c, err := svc.CustomerByAccessToken(ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
	addrs := []customerauth.Address{
		{FirstName: "Ann", LastName: "Lee", Address1: "1 Main St", City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0B1", Phone: "+16135550123"},
		{FirstName: "Ann", LastName: "Lee", Company: "Shop", Address1: "2 Side St", Address2: "Unit 4", City: "Toronto", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "M5V 2T6"},
	}
	if _, err := svc.SetAddresses(ctx, c.ID, addrs, 0); err != nil {
		b.Fatal(err)
	}
	return svc, tok
}

// BenchmarkFastExecutorCustomer compares the executors alone on the
// customer document (two addresses): parsing and HTTP are not included.
func BenchmarkFastExecutorCustomer(b *testing.B) {
	svc, tok := seedBench(b)
	fast, ref, ok := customerauth.FastRunners(svc, customerDoc, "")
	if !ok {
		b.Fatal("customerDoc does not compile")
	}
	ctx := context.Background()
	vars := map[string]any{"customerAccessToken": tok, "country": "CA", "language": "EN"}
	b.Run("executor=graphql-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ref(ctx, vars)
		}
	})
	b.Run("executor=plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := fast(ctx, vars); !ok {
				b.Fatal("declined")
			}
		}
	})
}

// BenchmarkFastHandler measures whole requests through the handler with
// and without the fast path.
func BenchmarkFastHandler(b *testing.B) {
	svc, tok := seedBench(b)
	for _, op := range []struct {
		name, doc string
		vars      map[string]any
	}{
		{"customer", customerDoc, map[string]any{"customerAccessToken": tok, "country": "CA", "language": "EN"}},
		{"renew", renewDoc, map[string]any{"customerAccessToken": tok}},
		{"update", updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Ann", "acceptsMarketing": true}}},
	} {
		body, _ := json.Marshal(map[string]any{"query": op.doc, "variables": op.vars})
		for _, fast := range []bool{false, true} {
			b.Run(fmt.Sprintf("op=%s/fast=%v", op.name, fast), func(b *testing.B) {
				h, hits := customerauth.FastHandler(svc, fast)
				benchRequest(b, h, body)
				if fast && hits.Load() == 0 {
					b.Fatal("the fast path never answered")
				}
			})
		}
	}
}

// TestFastPathAllocations counts the handler's allocations the way bench/
// does (prepared requests and recorders, so only ServeHTTP counts) for the
// customer document with two addresses, and holds the fast path to a
// quarter of graphql-go's.
func TestFastPathAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	c, err := e.svc.CustomerByAccessToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetAddresses(context.Background(), c.ID, []customerauth.Address{
		{FirstName: "Ann", LastName: "Lee", Address1: "1 Main St", City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0B1", Phone: "+16135550123"},
		{FirstName: "Ann", LastName: "Lee", Company: "Shop", Address1: "2 Side St", Address2: "Unit 4", City: "Toronto", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "M5V 2T6"},
	}, 0); err != nil {
		t.Fatal(err)
	}
	q := gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok, "country": "CA", "language": "EN"}}
	count := func(h http.Handler) float64 {
		const runs = 200
		reqs := make([]*http.Request, runs+1)
		recs := make([]*httptest.ResponseRecorder, runs+1)
		for i := range reqs {
			reqs[i], recs[i] = q.build(), httptest.NewRecorder()
		}
		i := 0
		n := testing.AllocsPerRun(runs, func() {
			h.ServeHTTP(recs[i], reqs[i])
			i++
		})
		if recs[0].Code != 200 || !strings.Contains(recs[0].Body.String(), `"addresses"`) {
			t.Fatalf("%d %s", recs[0].Code, recs[0].Body.String())
		}
		return n
	}
	ref, _ := customerauth.FastHandler(e.svc, false)
	fast, _ := customerauth.FastHandler(e.svc, true)
	nr, nf := count(ref), count(fast)
	t.Logf("customer document, two addresses: %.0f allocs through graphql.Execute, %.0f on the fast path", nr, nf)
	if nf > nr/4 {
		t.Errorf("fast path: %.0f allocs, want at most a quarter of graphql-go's %.0f", nf, nr)
	}
}
