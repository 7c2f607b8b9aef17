package customerauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// FuzzFastPathMatchesGraphQLGo is the differential test of the fast path:
// every document that passes validation and that the plan compiles must
// get, through the plan, the answer graphql.Execute gives, up to the order
// of object keys and of errors (graphql-go runs a query's fields in map
// order).
//
// The fuzzer's input is either a document with its operation name and
// variables (JSON) as text, which the seeds fill with the storefront's own
// documents and the equivalence tests' ones, or, when the text is empty,
// choices from which fuzzGen generates a document and its variables:
// selections over QueryRoot, Customer, MailingAddress, the address
// connection and the mutation payloads, host fields added to Customer
// (arguments echoed, Args written into, errors and nulls on non-null
// types, a host object) and to the roots (the root value written into),
// named and inline fragments on the right and wrong types, aliases and
// merged response keys, @skip and @include with literals and variables,
// @inContext, variables of every input kind with right and wrong types,
// nulls, missing and extra ones, and the mutations that are safe to repeat
// (bad tokens, wrong passwords, unknown emails, invalid input).
//
// Queries run on one Service through both executors. Mutations run on two
// Services seeded alike, one per executor, so that each side keeps its own
// state; their answers are compared with random ids and tokens
// normalized. No throttle applies: every input must reach the resolvers.
func FuzzFastPathMatchesGraphQLGo(f *testing.F) {
	for _, s := range fuzzTextSeeds() {
		f.Add(s.doc, s.op, s.vars, []byte(nil))
	}
	for _, c := range fuzzChoiceSeeds() {
		f.Add("", "", "", c)
	}
	fx := newFuzzFixture(f)
	f.Fuzz(func(t *testing.T, doc, opName, vars string, choices []byte) {
		c := fx.build(doc, opName, vars, choices)
		fx.compare(t, c)
	})
}

// TestFastPathFuzzSeedsCompile keeps FuzzFastPathMatchesGraphQLGo from
// being vacuous: the seeds and most generated documents must validate,
// and the plan must compile them.
func TestFastPathFuzzSeedsCompile(t *testing.T) {
	fx := newFuzzFixture(t)
	for _, s := range fuzzTextSeeds() {
		c := fx.build(s.doc, s.op, s.vars, nil)
		valid, compiled := fx.status(c)
		if !valid || !compiled {
			t.Errorf("seed %.60q (operation %q): valid %v, compiled %v", s.doc, s.op, valid, compiled)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	const n = 400
	var valid, compiled, mutations, ran int
	for i := range n {
		choices := make([]byte, r.IntN(200))
		for j := range choices {
			choices[j] = byte(r.Uint32())
		}
		if i < len(fuzzChoiceSeeds()) {
			choices = fuzzChoiceSeeds()[i]
		}
		c := fx.build("", "", "", choices)
		v, comp := fx.status(c)
		if v {
			valid++
		}
		if comp {
			compiled++
			if c.mutation {
				mutations++
			}
			if fx.compare(t, c) {
				ran++
			}
		}
	}
	t.Logf("of %d generated documents: %d valid, %d compiled (%d mutations), %d ran on the plan", n, valid, compiled, mutations, ran)
	if valid < n*8/10 || compiled < valid*9/10 || mutations < compiled/10 || ran < compiled/2 {
		t.Errorf("the generator makes too few useful documents: %d of %d valid, %d compiled, %d mutations, %d ran", valid, n, compiled, mutations, ran)
	}
}

type fuzzSeed struct{ doc, op, vars string }

// fuzzTextSeeds are the storefront's documents and the equivalence tests'
// ones, with variables. "TOKEN" stands for the reader's access token.
func fuzzTextSeeds() []fuzzSeed {
	const tok = `"customerAccessToken":"TOKEN"`
	bad := `"customerAccessToken":"` + strings.Repeat("0", 32) + `"`
	return []fuzzSeed{
		{storefrontdocs.CustomerDetails, "", `{` + tok + `,"country":"CA","language":"EN"}`},
		{storefrontdocs.CustomerDetails, "CustomerDetails", `{` + tok + `}`},
		{storefrontdocs.CustomerCreate, "", `{"input":{"email":"not an email","password":"short"},"country":"CA"}`},
		{storefrontdocs.CustomerCreate, "", `{"input":{"email":"reader@example.com","password":"correct horse battery"},"language":"FR"}`},
		{storefrontdocs.CustomerAccessTokenCreate, "", `{"input":{"email":"reader@example.com","password":"wrong password"}}`},
		{storefrontdocs.CustomerUpdate, "", `{` + bad + `,"customer":{"firstName":"X","phone":null}}`},
		{storefrontdocs.CustomerAccessTokenRenew, "", `{` + bad + `}`},
		{storefrontdocs.CustomerAccessTokenDelete, "", `{` + bad + `}`},
		{storefrontdocs.CustomerRecover, "", `{"email":"nobody@example.com"}`},
		{storefrontdocs.CustomerResetByURL, "", `{"resetUrl":"https://shop.example/account/reset/1/bad","password":"new password 1"}`},
		{storefrontdocs.CustomerReset, "", `{"id":"gid://shopify/Customer/1","input":{"resetToken":"bad","password":"new password 1"}}`},
		{storefrontdocs.CustomerActivateByURL, "", `{"activationUrl":"not a url","password":"new password 1"}`},
		{storefrontdocs.CustomerActivate, "", `{"id":12,"input":{"activationToken":"bad","password":"new password 1"}}`},
		{storefrontdocs.CustomerAccessTokenCreateWithMultipass, "", `{"multipassToken":"abc"}`},
		{fmt.Sprintf(fastAddressPageDoc, "first: 2, reverse: true"), "", `{"t":"TOKEN"}`},
		{fmt.Sprintf(fastAddressPageDoc, "last: 2"), "", `{"t":"TOKEN"}`},
		{fmt.Sprintf(fastAddressPageDoc, "first: 251"), "", `{"t":"TOKEN"}`},
		{fastDefaultAddressDoc, "", `{"t":"TOKEN"}`},
		{fastFragmentsDoc, "Q", `{"t":"TOKEN"}`},
		{fastMergeDoc, "", `{"t":"TOKEN"}`},
		{fastConditionsDoc, "", `{"t":"TOKEN","withAddr":true,"skipEmail":null}`},
		{fastConditionsDoc, "", `{"t":"TOKEN","withAddr":false,"maybe":true}`},
		{fastTwoOpsDoc, "A", `{"t":"TOKEN"}`},
		{`query($t: String!) { customer(customerAccessToken: $t) { echo(n: 5, s: "x", code: CA, input: {firstName: "A", phone: ""}, when: "2026-01-02T03:04:05Z") scribble(n: 1) scribbleBare maybeFail(n: 2) hostObj(ok: false) { items maybe } } rootFresh }`, "", `{"t":"TOKEN"}`},
		{`mutation($t: String!) { a: rootFresh customerAccessTokenRenew(customerAccessToken: $t) { customerAccessToken { accessToken } userErrors { ... on DisplayableError { field message } } } b: rootFresh }`, "", `{"t":"bad"}`},
	}
}

// fuzzChoiceSeeds start the generator off in several directions.
func fuzzChoiceSeeds() [][]byte {
	r := rand.New(rand.NewPCG(2026, 11))
	seeds := [][]byte{nil, {1}, {2, 0, 3, 1, 4}, {0, 5, 5, 5, 5, 5, 5, 5, 5}, {1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233}}
	for range 12 {
		b := make([]byte, 64+r.IntN(128))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// fuzzFixture is the Services the fuzz target runs on: a answers queries
// through both executors and mutations through graphql.Execute, b answers
// mutations through the plan. Both hold one reader customer, seeded alike.
type fuzzFixture struct {
	a, b *customerauth.Service
	tokA string
}

type runKey struct{}

func newFuzzFixture(tb testing.TB) *fuzzFixture {
	tb.Helper()
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	mk := func() (*customerauth.Service, string) {
		svc, err := customerauth.New(customerauth.Config{
			Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
			Argon2:  fastArgon2,
			ShopURL: "https://shop.example",
			Now:     func() time.Time { return now },
			// Fuzzing repeats the same attempts; throttling would hide the
			// code paths.
			Throttle: customerauth.Throttle{
				LoginPerAccount: customerauth.Rule{Limit: -1}, LoginPerIP: customerauth.Rule{Limit: -1},
				RecoverPerEmail: customerauth.Rule{Limit: -1}, RecoverPerIP: customerauth.Rule{Limit: -1},
				CreatePerIP: customerauth.Rule{Limit: -1},
			},
			RequestLimits: customerauth.RequestLimits{MaxCredentialFields: 16},
		})
		if err != nil {
			tb.Fatal(err)
		}
		addHostFields(svc)
		ctx := context.Background()
		c, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "Reader@Example.com", FirstName: "Rea", LastName: "Der <&>", Phone: "+16135550123", Tags: []string{"vip", "ünïcode\u2028", ""}})
		if err != nil {
			tb.Fatal(err)
		}
		link, err := svc.ActivationURL(ctx, c.ID)
		if err != nil {
			tb.Fatal(err)
		}
		_, tok, err := svc.ActivateByURL(ctx, link, "reader password")
		if err != nil {
			tb.Fatal(err)
		}
		lat, lng := 45.4215, -75.6972
		if _, err := svc.SetAddresses(ctx, c.ID, []customerauth.Address{
			{FirstName: "Rea", LastName: "Der", Company: "Shop & Co", Address1: "1 Main St", Address2: "Suite \"2\"", City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0B1", Phone: "+16135550123", Latitude: &lat, Longitude: &lng},
			{Address1: "2 Rue\tNeuve", City: "Montréal", CountryCode: "FR", Zip: "H2X"},
			{Address1: "3 Nowhere"},
		}, 1); err != nil {
			tb.Fatal(err)
		}
		return svc, tok.Token
	}
	fx := &fuzzFixture{}
	fx.a, fx.tokA = mk()
	fx.b, _ = mk()
	return fx
}

// addHostFields adds what a host may add (Service.CustomerType and the
// roots of Schema): fields with arguments, resolvers that write into their
// Args and the root value, errors and nulls on non-null types, an object.
func addHostFields(svc *customerauth.Service) {
	sch := svc.Schema()
	in := func(name string) graphql.Input { return sch.Type(name).(graphql.Input) }
	host := graphql.NewObject(graphql.ObjectConfig{Name: "HostObj", Fields: graphql.Fields{
		"inner": {Type: graphql.NewNonNull(graphql.String)},
		"items": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String)))},
		"maybe": {Type: graphql.String},
	}})
	// SelfObj's fields have no resolvers: graphql.DefaultResolveFn hands
	// the ResolveParams, Args and all, to a source that resolves itself.
	self := graphql.NewObject(graphql.ObjectConfig{Name: "SelfObj", Fields: graphql.Fields{
		"value": {Type: graphql.String},
		"other": {Type: graphql.String},
	}})
	hostObj := func(p graphql.ResolveParams) (any, error) {
		if ok, _ := p.Args["ok"].(bool); ok {
			return map[string]any{"inner": "in", "items": []any{"a", "b"}, "maybe": "m"}, nil
		}
		return map[string]any{"items": []any{"a", nil}}, nil
	}
	ct := svc.CustomerType()
	for name, f := range map[string]*graphql.Field{
		"echo": {Type: graphql.String, Args: graphql.FieldConfigArgument{
			"n":     {Type: graphql.Int, DefaultValue: 3},
			"s":     {Type: graphql.String},
			"flag":  {Type: graphql.Boolean},
			"code":  {Type: in("CountryCode")},
			"input": {Type: in("CustomerUpdateInput")},
			"list":  {Type: graphql.NewList(graphql.String)},
			"when":  {Type: in("DateTime")},
		}, Resolve: func(p graphql.ResolveParams) (any, error) {
			b, err := json.Marshal(p.Args)
			return string(b), err
		}},
		"scribble":     {Type: graphql.String, Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int}, "s": {Type: graphql.String, DefaultValue: "d"}}, Resolve: scribble},
		"scribbleBare": {Type: graphql.String, Resolve: scribble},
		"maybeFail": {Type: graphql.String, Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int}}, Resolve: func(p graphql.ResolveParams) (any, error) {
			if n, ok := p.Args["n"].(int); ok && n%2 == 0 {
				return fmt.Sprint("ok ", n), nil
			}
			return nil, errors.New("maybeFail failed")
		}},
		"mustFail": {Type: graphql.NewNonNull(graphql.String), Resolve: func(graphql.ResolveParams) (any, error) {
			return nil, errors.New("mustFail failed")
		}},
		"mustNull": {Type: graphql.NewNonNull(graphql.String), Resolve: func(graphql.ResolveParams) (any, error) { return nil, nil }},
		"hostObj":  {Type: host, Args: graphql.FieldConfigArgument{"ok": {Type: graphql.Boolean}}, Resolve: hostObj},
		"selfObj":  {Type: self, Resolve: func(graphql.ResolveParams) (any, error) { return selfResolving{}, nil }},
		"hostObjs": {Type: graphql.NewList(graphql.NewNonNull(host)), Resolve: func(graphql.ResolveParams) (any, error) {
			return []map[string]any{{"inner": "x", "items": []any{}}, {"items": []any{"y"}}}, nil
		}},
	} {
		ct.AddFieldConfig(name, f)
	}
	rootFresh := &graphql.Field{Type: graphql.Boolean, Resolve: rootFresh}
	sch.QueryType().AddFieldConfig("rootFresh", rootFresh)
	sch.MutationType().AddFieldConfig("rootFresh", rootFresh)
}

// selfResolving is a source that resolves its own fields: it reports the
// Args it got, then writes into them.
type selfResolving struct{}

func (selfResolving) Resolve(p graphql.ResolveParams) (any, error) { return scribble(p) }

// rootFresh reports whether the root value belongs to this execution
// alone: it marks it with the execution's id (from the context), so a root
// value shared with another execution shows that one's mark. The answer
// does not depend on the order of the root fields.
func rootFresh(p graphql.ResolveParams) (any, error) {
	m, ok := p.Source.(map[string]any)
	if !ok {
		return false, nil
	}
	run := p.Context.Value(runKey{})
	owner, marked := m["run"]
	if !marked {
		m["run"] = run
		return true, nil
	}
	return owner == run, nil
}

// fuzzCase is one document to run, with its variables for a Service.
type fuzzCase struct {
	doc, op  string
	mutation bool
	// repeatable is set when running the document again changes nothing,
	// as for every generated one: see compare.
	repeatable bool
	vars       func(svc *customerauth.Service) map[string]any
}

// build makes the case of one fuzz input: the text when there is one, else
// a generated document.
func (fx *fuzzFixture) build(doc, op, vars string, choices []byte) fuzzCase {
	if doc == "" {
		return (&fuzzGen{data: choices}).document(fx)
	}
	c := fuzzCase{doc: doc, op: op, mutation: isMutationDoc(doc, op)}
	c.repeatable = !c.mutation
	c.vars = func(svc *customerauth.Service) map[string]any {
		// The reader's token only reaches queries: a mutation must not
		// change the reader (delete its token, change its password).
		tok := strings.Repeat("f", 32)
		if !c.mutation && svc == fx.a {
			tok = fx.tokA
		}
		v := decodeVars(strings.ReplaceAll(vars, `"TOKEN"`, `"`+tok+`"`))
		return v
	}
	return c
}

// decodeVars decodes variables as the handler does: numbers become int
// when they are integers, float64 otherwise.
func decodeVars(s string) map[string]any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return nil
	}
	var norm func(v any) any
	norm = func(v any) any {
		switch v := v.(type) {
		case json.Number:
			if i, err := v.Int64(); err == nil && int64(int(i)) == i {
				return int(i)
			}
			f, _ := v.Float64()
			return f
		case map[string]any:
			for k, x := range v {
				v[k] = norm(x)
			}
		case []any:
			for i, x := range v {
				v[i] = norm(x)
			}
		}
		return v
	}
	norm(m)
	return m
}

func isMutationDoc(doc, op string) bool {
	// The parser recurses once per bracket: a document the handler's guard
	// refuses for its nesting must not reach it.
	depth, deepest := 0, 0
	for _, c := range doc {
		switch c {
		case '{', '[', '(':
			depth++
			deepest = max(deepest, depth)
		case '}', ']', ')':
			depth--
		}
	}
	if deepest > 256 {
		return false
	}
	d, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(doc)})})
	if err != nil {
		return false
	}
	for _, def := range d.Definitions {
		if o, ok := def.(*ast.OperationDefinition); ok && (op == "" || o.Name != nil && o.Name.Value == op) {
			return o.Operation == ast.OperationTypeMutation
		}
	}
	return false
}

// status reports whether c's document validates against the schema and
// whether the plan compiles its operation.
func (fx *fuzzFixture) status(c fuzzCase) (valid, compiled bool) {
	d, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(c.doc)})})
	if err != nil {
		return false, false
	}
	sch := fx.a.Schema()
	if !graphql.ValidateDocument(&sch, d, nil).IsValid {
		return false, false
	}
	return true, customerauth.FastCompiles(fx.a, c.doc, c.op)
}

// compare runs c through the plan and graphql.Execute and fails t when the
// answers differ. It reports whether the plan ran.
func (fx *fuzzFixture) compare(t *testing.T, c fuzzCase) bool {
	t.Helper()
	fastSvc := fx.a
	if c.mutation {
		fastSvc = fx.b
	}
	fast, ref, ok := customerauth.FastRunners(fastSvc, c.doc, c.op)
	if !ok {
		return false // refused, or the plan declines the operation
	}
	if c.mutation {
		if _, ref, ok = customerauth.FastRunners(fx.a, c.doc, c.op); !ok {
			t.Fatalf("the twin Services disagree on %q", c.doc)
		}
	}
	base := customerauth.WithClientIP(context.Background(), "192.0.2.10")
	fb, ran := fast(context.WithValue(base, runKey{}, new(int)), c.vars(fastSvc))
	if !ran {
		return false // the variables do not type-check exactly
	}
	want := canonical(t, norm(c, fb))
	// graphql-go runs the fields of an object in map order, and a null
	// that a non-null field propagates stops the rest: which of two such
	// siblings reports its error, and which nullable siblings ran before,
	// varies from run to run. The plan's answer must be one of graphql-go's,
	// so a document that can run again without changing anything gets
	// more tries.
	var rb []byte
	for try := 0; try < 1 || c.repeatable && try < 200; try++ {
		rb = ref(context.WithValue(base, runKey{}, new(int)), c.vars(fx.a))
		if reflect.DeepEqual(canonical(t, norm(c, rb)), want) {
			return true
		}
	}
	vb, _ := json.Marshal(c.vars(fx.a))
	t.Errorf("answers differ\ndocument (operation %q):\n%s\nvariables: %s\ngraphql-go: %s\nfast path:  %s", c.op, c.doc, vb, rb, fb)
	return true
}

// norm is an answer with the random parts of mutations' answers (ids,
// tokens) normalized: twin Services make different ones.
func norm(c fuzzCase, body []byte) string {
	if c.mutation {
		return normalizeRandom(string(body))
	}
	return string(body)
}

// fuzzGen generates a document and its variables from choices. Every
// choice reads one byte; when they run out every choice is 0, which
// always leads to a short, valid document.
type fuzzGen struct {
	data []byte
	pos  int
	// keys maps "Type.responseKey" to the field and arguments it names
	// everywhere in the document, so that merged keys stay valid.
	keys map[string]string
	// frags are the named fragment definitions, by type condition.
	frags    map[string][]string
	fragDefs []string
	n        int
	mutation bool
	// budget bounds the selections of a document: graphql-go's validation
	// of overlapping fields takes time quadratic in them.
	budget int
}

func (g *fuzzGen) intn(n int) int {
	if g.pos >= len(g.data) || n <= 1 {
		return 0
	}
	v := int(g.data[g.pos])
	g.pos++
	return v % n
}

func (g *fuzzGen) oneOf(opts ...string) string { return opts[g.intn(len(opts))] }

// v refers to variable name. The variables a document declares are the
// ones its text names in the end, so an option not taken declares none.
func (g *fuzzGen) v(name string) string { return "$" + name }

// fieldGen is one field of a type as the generator writes it.
type fieldGen struct {
	name string
	args func(g *fuzzGen) string
	sub  func(g *fuzzGen, depth int) string
}

// object types' fields; interfaces name what they implement.
var (
	fuzzTypes      map[string][]fieldGen
	fuzzInterfaces = map[string][]string{"MailingAddress": {"Node"}, "UserError": {"DisplayableError"}, "CustomerUserError": {"DisplayableError"}}
)

func leaves(names ...string) []fieldGen {
	out := make([]fieldGen, len(names))
	for i, n := range names {
		out[i] = fieldGen{name: n}
	}
	return out
}

func sel(typ string) func(g *fuzzGen, depth int) string {
	return func(g *fuzzGen, depth int) string { return g.selection(typ, typ, depth) }
}

func init() {
	boolArg := func(g *fuzzGen) string {
		return g.oneOf("true", "false", g.v("flag"), g.v("maybe"))
	}
	intArg := func(g *fuzzGen) string {
		return g.oneOf("2", "0", "1", "3", "-1", "251", g.v("n"))
	}
	connArgs := func(g *fuzzGen) string {
		var args []string
		for _, a := range []string{"first", "last", "after", "before", "reverse"} {
			if g.intn(3) != 0 && !(a == "first" && len(args) == 0) {
				continue
			}
			switch a {
			case "first", "last":
				args = append(args, a+": "+intArg(g))
			case "after", "before":
				args = append(args, a+": "+g.oneOf(`"bogus"`, g.v("s")))
			case "reverse":
				args = append(args, a+": "+boolArg(g))
			}
		}
		return "(" + strings.Join(args, ", ") + ")"
	}
	token := func(g *fuzzGen) string {
		if g.mutation {
			return g.oneOf(g.v("t"), `"`+strings.Repeat("a", 32)+`"`, `"garbage"`)
		}
		return g.oneOf(g.v("t"), `"`+strings.Repeat("0", 32)+`"`, g.v("t"), `"garbage"`)
	}
	updateInput := func(g *fuzzGen) string {
		switch g.intn(5) {
		case 0:
			return g.v("upd")
		case 1:
			return `{firstName: "A", phone: ""}`
		case 2:
			return `{email: "not an email", lastName: ` + g.oneOf(`"L"`, g.v("s")) + `}`
		case 3:
			return `{phone: ` + g.v("s") + `, acceptsMarketing: ` + boolArg(g) + `}`
		}
		return `{}`
	}
	payloadErrors := func(typ string) fieldGen {
		return fieldGen{name: strings.ToLower(typ[:1]) + typ[1:] + "s", sub: sel(typ)}
	}
	accessToken := fieldGen{name: "customerAccessToken", sub: sel("CustomerAccessToken")}
	customer := fieldGen{name: "customer", sub: sel("Customer")}
	fuzzTypes = map[string][]fieldGen{
		"QueryRoot": {
			{name: "customer", args: func(g *fuzzGen) string { return "(customerAccessToken: " + token(g) + ")" }, sub: sel("Customer")},
			{name: "__typename"},
			{name: "rootFresh"},
		},
		"Customer": append(leaves("id", "firstName", "lastName", "phone", "email", "displayName", "acceptsMarketing", "numberOfOrders", "tags", "createdAt", "updatedAt", "avatarUrl", "__typename", "scribbleBare", "mustFail", "mustNull"),
			fieldGen{name: "defaultAddress", sub: sel("MailingAddress")},
			fieldGen{name: "addresses", args: connArgs, sub: sel("MailingAddressConnection")},
			fieldGen{name: "socialLoginProvider", sub: sel("SocialLoginProvider")},
			fieldGen{name: "echo", args: func(g *fuzzGen) string {
				var args []string
				if g.intn(2) == 0 {
					args = append(args, "n: "+intArg(g))
				}
				if g.intn(2) == 0 {
					args = append(args, "s: "+g.oneOf(`"x"`, `"<&>"`, g.v("s")))
				}
				if g.intn(3) == 0 {
					args = append(args, "flag: "+boolArg(g))
				}
				if g.intn(3) == 0 {
					args = append(args, "code: "+g.oneOf("CA", "FR", g.v("country")))
				}
				if g.intn(3) == 0 {
					args = append(args, "input: "+g.oneOf(`{firstName: "F", phone: ""}`, g.v("upd"), `{email: `+g.v("s")+`}`))
				}
				if g.intn(4) == 0 {
					args = append(args, "list: "+g.oneOf(`["a", "b"]`, `"single"`, `[]`, `[`+g.v("s")+`]`))
				}
				if g.intn(4) == 0 {
					args = append(args, "when: "+g.oneOf(`"2026-01-02T03:04:05Z"`, `"yesterday"`, g.v("when")))
				}
				if len(args) == 0 {
					return ""
				}
				return "(" + strings.Join(args, ", ") + ")"
			}},
			fieldGen{name: "scribble", args: func(g *fuzzGen) string {
				return g.oneOf("", "(n: 1)", `(n: 2, s: "x")`, "(n: "+g.v("n")+")", "(s: "+g.v("s")+")")
			}},
			fieldGen{name: "maybeFail", args: func(g *fuzzGen) string { return g.oneOf("(n: 2)", "(n: 1)", "", "(n: "+g.v("n")+")") }},
			fieldGen{name: "hostObj", args: func(g *fuzzGen) string { return "(ok: " + boolArg(g) + ")" }, sub: func(g *fuzzGen, depth int) string {
				return g.leafSet("HostObj", "inner", "items", "maybe", "__typename")
			}},
			fieldGen{name: "hostObjs", sub: func(g *fuzzGen, depth int) string { return g.leafSet("HostObj", "inner", "items", "maybe") }},
			fieldGen{name: "selfObj", sub: func(g *fuzzGen, depth int) string { return g.leafSet("SelfObj", "value", "other") }},
		),
		"MailingAddress": append(leaves("id", "firstName", "lastName", "company", "address1", "address2", "country", "countryCode", "countryCodeV2", "province", "provinceCode", "city", "zip", "phone", "name", "latitude", "longitude", "formattedArea", "__typename"),
			fieldGen{name: "formatted", args: func(g *fuzzGen) string {
				return g.oneOf("", "(withName: true)", "(withCompany: false)", "(withName: "+boolArg(g)+", withCompany: "+boolArg(g)+")")
			}},
		),
		"MailingAddressConnection": {
			{name: "edges", sub: sel("MailingAddressEdge")},
			{name: "nodes", sub: sel("MailingAddress")},
			{name: "pageInfo", sub: sel("PageInfo")},
			{name: "__typename"},
		},
		"MailingAddressEdge":  {{name: "cursor"}, {name: "node", sub: sel("MailingAddress")}, {name: "__typename"}},
		"PageInfo":            leaves("hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"),
		"SocialLoginProvider": leaves("handle"),
		"Node":                leaves("id", "__typename"),
		"DisplayableError":    leaves("field", "message", "__typename"),
		"UserError":           leaves("field", "message", "__typename"),
		"CustomerUserError":   leaves("code", "field", "message", "__typename"),
		"CustomerAccessToken": leaves("accessToken", "expiresAt", "__typename"),

		"Mutation": {
			{name: "customerAccessTokenRenew", args: func(g *fuzzGen) string { return "(customerAccessToken: " + token(g) + ")" }, sub: sel("CustomerAccessTokenRenewPayload")},
			{name: "customerAccessTokenDelete", args: func(g *fuzzGen) string { return "(customerAccessToken: " + token(g) + ")" }, sub: sel("CustomerAccessTokenDeletePayload")},
			{name: "customerUpdate", args: func(g *fuzzGen) string {
				return "(customerAccessToken: " + token(g) + ", customer: " + updateInput(g) + ")"
			}, sub: sel("CustomerUpdatePayload")},
			{name: "customerAccessTokenCreate", args: func(g *fuzzGen) string {
				return "(input: " + g.oneOf(g.v("login"), `{email: "reader@example.com", password: "wrong password"}`, `{email: `+g.v("email")+`, password: "x"}`) + ")"
			}, sub: sel("CustomerAccessTokenCreatePayload")},
			{name: "customerRecover", args: func(g *fuzzGen) string {
				return "(email: " + g.oneOf(`"nobody@example.com"`, g.v("email"), `"not an email"`) + ")"
			}, sub: sel("CustomerRecoverPayload")},
			{name: "customerCreate", args: func(g *fuzzGen) string {
				return "(input: " + g.oneOf(`{email: "not an email", password: "short"}`, `{email: "reader@example.com", password: "correct horse battery", firstName: `+g.v("s")+`}`, `{email: `+g.v("email")+`, password: "pw", acceptsMarketing: `+boolArg(g)+`}`) + ")"
			}, sub: sel("CustomerCreatePayload")},
			{name: "customerReset", args: func(g *fuzzGen) string {
				return "(id: " + g.oneOf(g.v("id"), `"gid://shopify/Customer/1"`, "12") + `, input: {resetToken: "bad", password: "new password 1"})`
			}, sub: sel("CustomerResetPayload")},
			{name: "customerActivate", args: func(g *fuzzGen) string {
				return "(id: " + g.oneOf(g.v("id"), `"x"`) + `, input: {activationToken: "bad", password: "new password 1"})`
			}, sub: sel("CustomerActivatePayload")},
			{name: "customerResetByUrl", args: func(g *fuzzGen) string {
				return "(resetUrl: " + g.oneOf(g.v("url"), `"https://shop.example/account/reset/1/bad"`) + `, password: "new password 1")`
			}, sub: sel("CustomerResetByUrlPayload")},
			{name: "customerActivateByUrl", args: func(g *fuzzGen) string {
				return "(activationUrl: " + g.oneOf(g.v("url"), `"not a url"`) + `, password: "new password 1")`
			}, sub: sel("CustomerActivateByUrlPayload")},
			{name: "customerAccessTokenCreateWithMultipass", args: func(g *fuzzGen) string {
				return "(multipassToken: " + g.oneOf(`"abc"`, g.v("s2")) + ")"
			}, sub: sel("CustomerAccessTokenCreateWithMultipassPayload")},
			{name: "rootFresh"},
			{name: "__typename"},
		},
		"CustomerAccessTokenRenewPayload":               {accessToken, payloadErrors("UserError"), {name: "__typename"}},
		"CustomerAccessTokenDeletePayload":              {{name: "deletedAccessToken"}, {name: "deletedCustomerAccessTokenId"}, payloadErrors("UserError")},
		"CustomerUpdatePayload":                         {customer, accessToken, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerAccessTokenCreatePayload":              {accessToken, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerRecoverPayload":                        {payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerCreatePayload":                         {customer, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerResetPayload":                          {customer, accessToken, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerActivatePayload":                       {customer, accessToken, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerResetByUrlPayload":                     {customer, accessToken, payloadErrors("CustomerUserError"), payloadErrors("UserError")},
		"CustomerActivateByUrlPayload":                  {customer, accessToken, payloadErrors("CustomerUserError")},
		"CustomerAccessTokenCreateWithMultipassPayload": {accessToken, payloadErrors("CustomerUserError")},
	}
}

// leafSet is a selection of leaves of a type the schema does not list
// (host types), without fragments.
func (g *fuzzGen) leafSet(typ string, names ...string) string {
	var b strings.Builder
	b.WriteString("{")
	for range 1 + g.intn(3) {
		name := names[g.intn(len(names))]
		b.WriteString(" " + g.key(typ, name, "") + g.directives())
	}
	return b.String() + " }"
}

// key returns the response key to write for field name with args under
// typ: the field itself or an alias, never one that names another field
// or other arguments elsewhere in the document.
func (g *fuzzGen) key(typ, name, args string) string {
	sig := name + args
	var k string
	switch g.intn(6) {
	case 4:
		k = g.oneOf("a", "b", "x") // few aliases, so that keys merge
	case 5:
		g.n++
		k = fmt.Sprintf("k%d", g.n)
	default:
		k = name
	}
	for {
		prev, ok := g.keys[typ+"."+k]
		if !ok || prev == sig {
			break
		}
		g.n++
		k = fmt.Sprintf("k%d", g.n)
	}
	g.keys[typ+"."+k] = sig
	if k == name {
		return name + args
	}
	return k + ": " + name + args
}

// directives returns @skip/@include directives, or none.
func (g *fuzzGen) directives() string {
	switch g.intn(16) {
	case 1:
		return " @skip(if: true)"
	case 2:
		return " @skip(if: false)"
	case 3:
		return " @include(if: true)"
	case 4:
		return " @include(if: false)"
	case 5, 6:
		return " @skip(if: " + g.v("flag") + ")"
	case 7, 8:
		return " @include(if: " + g.v("flag") + ")"
	case 9:
		return " @include(if: " + g.v("flag2") + ") @skip(if: " + g.v("flag") + ")"
	case 10:
		return " @skip(if: " + g.v("dflt") + ")"
	}
	return ""
}

// selection writes a selection set of the fields of fieldsType; keys are
// registered under regType, the object type the set applies to.
func (g *fuzzGen) selection(fieldsType, regType string, depth int) string {
	fields := fuzzTypes[fieldsType]
	var b strings.Builder
	b.WriteString("{")
	count := 1 + g.intn(5)
	if depth > 4 || g.budget <= 0 {
		count = 1
	}
	for range count {
		g.budget--
		switch k := g.intn(12); {
		case k == 9 && depth <= 4 && g.budget > 0:
			b.WriteString(" " + g.inlineFragment(fieldsType, regType, depth))
		case k == 10 && depth <= 4 && g.budget > 0 && fieldsType == regType:
			b.WriteString(" " + g.spread(regType, depth))
		default:
			f := fields[g.intn(len(fields))]
			if f.sub != nil && (depth > 5 || g.budget <= 0) {
				f = fields[0]
				for _, x := range fields {
					if x.sub == nil {
						f = x
						break
					}
				}
			}
			args := ""
			if f.args != nil {
				args = f.args(g)
			}
			b.WriteString(" " + g.key(regType, f.name, args) + g.directives())
			if f.sub != nil {
				b.WriteString(" " + f.sub(g, depth+1))
			}
		}
	}
	return b.String() + " }"
}

// inlineFragment writes "... on T { }" on the type itself, an interface it
// implements, no type, or (rarely) a wrong type, which validation refuses.
func (g *fuzzGen) inlineFragment(fieldsType, regType string, depth int) string {
	switch c := g.intn(8); {
	case c < 3:
		return "... on " + regType + g.directives() + " " + g.selection(regType, regType, depth+1)
	case c < 5 && len(fuzzInterfaces[regType]) > 0:
		i := fuzzInterfaces[regType][0]
		return "... on " + i + g.directives() + " " + g.selection(i, regType, depth+1)
	case c == 7 && g.intn(4) == 0:
		wrong := "PageInfo"
		if regType == wrong {
			wrong = "Customer"
		}
		return "... on " + wrong + " { __typename }"
	}
	return "..." + g.directives() + " " + g.selection(fieldsType, regType, depth+1)
}

// spread writes a spread of a named fragment on typ, a new one or (so that
// one fragment is spread twice) one written before.
func (g *fuzzGen) spread(typ string, depth int) string {
	names := g.frags[typ]
	if len(names) > 0 && g.intn(2) == 0 {
		return "..." + names[g.intn(len(names))] + g.directives()
	}
	g.n++
	name := fmt.Sprintf("F%d", g.n)
	body := g.selection(typ, typ, depth+1)
	g.frags[typ] = append(g.frags[typ], name)
	g.fragDefs = append(g.fragDefs, "fragment "+name+" on "+typ+" "+body)
	return "..." + name + g.directives()
}

var varRef = regexp.MustCompile(`\$([a-z0-9]+)`)

// fuzzVar is a variable the generator may use: its declarations (each
// valid in every place it is used) and the values a request may send.
type fuzzVar struct {
	decls  []string
	values func(fx *fuzzFixture, mutation bool) []any
}

func fixed(vs ...any) func(*fuzzFixture, bool) []any {
	return func(*fuzzFixture, bool) []any { return vs }
}

var fuzzVars = map[string]fuzzVar{
	"t": {[]string{"String!", `String = "garbage"`}, func(fx *fuzzFixture, mutation bool) []any {
		good := fx.tokA
		if mutation {
			good = strings.Repeat("b", 32)
		}
		return []any{good, good, strings.Repeat("0", 32), "garbage", 12, nil, []any{good}}
	}},
	"flag":    {[]string{"Boolean!", "Boolean = false"}, fixed(true, false, nil, "yes", 1)},
	"flag2":   {[]string{"Boolean!"}, fixed(true, false)},
	"dflt":    {[]string{"Boolean = true", "Boolean = false"}, fixed(nil, true, false)},
	"maybe":   {[]string{"Boolean", "Boolean = true", "Boolean!"}, fixed(true, false, nil, "no")},
	"n":       {[]string{"Int", "Int = 2", "Int!"}, fixed(2, 0, 1, 3, -1, 251, nil, 2.5, "3", 1<<40)},
	"s":       {[]string{"String", "String!", `String = "dflt"`}, fixed("x", "", "<&>\u2028", "+16135550123", nil, 5)},
	"s2":      {[]string{"String!"}, fixed("abc", "", nil)},
	"country": {[]string{"CountryCode", "CountryCode = CA", "CountryCode!"}, fixed("CA", "FR", "XX", "ca", nil, 1)},
	"lang":    {[]string{"LanguageCode", "LanguageCode = EN"}, fixed("EN", "PT_BR", "xx", nil)},
	"upd": {[]string{"CustomerUpdateInput!", `CustomerUpdateInput = {firstName: "D"}`}, fixed(
		map[string]any{"firstName": "A"}, map[string]any{"phone": nil, "lastName": "L"}, map[string]any{"email": "not an email"},
		map[string]any{}, map[string]any{"bogus": 1}, map[string]any{"phone": 5}, "firstName=A", nil, map[string]any{"acceptsMarketing": "yes"},
		map[string]any{"acceptsMarketing": true, "password": nil})},
	"login": {[]string{"CustomerAccessTokenCreateInput!"}, fixed(
		map[string]any{"email": "reader@example.com", "password": "wrong password"}, map[string]any{"email": "nobody@example.com", "password": "x"},
		map[string]any{"email": 5, "password": "x"}, map[string]any{"email": "x"}, nil)},
	"email":   {[]string{"String!"}, fixed("nobody@example.com", "not an email", "", nil, 3)},
	"id":      {[]string{"ID!"}, fixed("gid://shopify/Customer/1", 12, "x", 1.5, nil)},
	"url":     {[]string{"URL!"}, fixed("https://shop.example/account/activate/1/abc", "not a url", nil, 3)},
	"buyer":   {[]string{"BuyerInput"}, fixed(map[string]any{"customerAccessToken": "x"}, map[string]any{"companyLocationId": 3, "customerAccessToken": "x"}, map[string]any{}, nil, "s")},
	"consent": {[]string{"VisitorConsent"}, fixed(map[string]any{"analytics": true}, map[string]any{"marketing": nil}, map[string]any{"bogus": 1}, nil)},
	"when":    {[]string{"DateTime", "DateTime!"}, fixed("2026-01-02T03:04:05Z", "yesterday", 5, nil)},
}

// document generates one operation (sometimes beside a second one), its
// fragments, variable definitions and variables.
func (g *fuzzGen) document(fx *fuzzFixture) fuzzCase {
	g.keys, g.frags, g.budget = map[string]string{}, map[string][]string{}, 60
	g.mutation = g.intn(4) == 3
	root := "QueryRoot"
	kind := "query"
	if g.mutation {
		root, kind = "Mutation", "mutation"
	}
	var inContext string
	switch g.intn(5) {
	case 1:
		inContext = " @inContext(country: CA, language: EN)"
	case 2:
		inContext = " @inContext(country: " + g.v("country") + ", language: " + g.v("lang") + ")"
	case 3:
		inContext = " @inContext(buyer: " + g.v("buyer") + ", visitorConsent: " + g.v("consent") + ", preferredLocationId: 7)"
	}
	body := g.selection(root, root, 0)
	name, op, other := "", "", ""
	switch g.intn(4) {
	case 1:
		name = " Op"
	case 2:
		name, op = " Op", "Op"
		other = "\nquery Other { __typename }"
	}
	var defs []string
	used := map[string]bool{}
	for _, m := range varRef.FindAllStringSubmatch(inContext+body+strings.Join(g.fragDefs, " "), -1) {
		used[m[1]] = true
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	declared := map[string]int{}
	for _, n := range names {
		spec := fuzzVars[n]
		d := g.intn(len(spec.decls))
		declared[n] = d
		defs = append(defs, "$"+n+": "+spec.decls[d])
	}
	head := kind + name
	if len(defs) > 0 {
		head += "(" + strings.Join(defs, ", ") + ")"
	}
	doc := head + inContext + " " + body
	for _, f := range g.fragDefs {
		doc += "\n" + f
	}
	doc += other
	// The variables: each one right, wrong, null or missing; sometimes an
	// extra one.
	type choice struct {
		name    string
		missing bool
		value   int
	}
	var picks []choice
	for _, n := range names {
		picks = append(picks, choice{name: n, missing: g.intn(16) == 15, value: g.intn(64)})
	}
	extra := g.intn(6) == 5
	mutation := g.mutation
	return fuzzCase{doc: doc, op: op, mutation: mutation, repeatable: true, vars: func(*customerauth.Service) map[string]any {
		vars := map[string]any{}
		for _, p := range picks {
			if p.missing {
				continue
			}
			vs := fuzzVars[p.name].values(fx, mutation)
			// The first two values are right ones; prefer them.
			i := p.value % len(vs)
			if p.value < 56 {
				i = p.value % min(2, len(vs))
			}
			vars[p.name] = cloneValue(vs[i])
		}
		if extra {
			vars["extra"] = 1
		}
		return vars
	}}
}

// cloneValue copies maps and slices, which the executors may keep.
func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = cloneValue(x)
		}
		return m
	case []any:
		return slices.Clone(v)
	}
	return v
}
