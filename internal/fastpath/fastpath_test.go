package fastpath

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	osexec "os/exec"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

func TestCompilesOnlyWhatItSupports(t *testing.T) {
	ts := newTestSchema(t)
	const twoOps = `query A { items { id } } query B { __typename }`
	for _, tc := range []struct {
		doc, op string
		want    bool
	}{
		{`{ items { id name } }`, "", true},
		{`query Q { items { id } }`, "Q", true},
		{`query Q { items { id } }`, "Other", false},
		{`mutation { setName(input: {name: "x"}) { id } }`, "", true},
		{`query($yes: Boolean!) { items { id @skip(if: $yes) ...F @include(if: $yes) } } fragment F on Item { name }`, "", true},
		{twoOps, "", false},
		{twoOps, "B", true},
		{`{ __typename }`, "", true},
		{`{ __schema { types { name } } }`, "", false},
		{`{ __type(name: "Item") { name } }`, "", false},
		{`{ items { __type(name: "X") { name } } }`, "", false},
		{`subscription { items { id } }`, "", false},
		{`{ items { id @deprecated } }`, "", false},
		{`{ items { id @skip(if: true) @skip(if: false) } }`, "", false},
		{`query @skip(if: true) { __typename }`, "", false},
		{`query @inContext(country: CA) { __typename }`, "", true},
		{`{ ...F } fragment F on Query @include(if: true) { __typename }`, "", false},
		{`{ ...Missing }`, "", false},
		{`{ ...F } fragment F on Query { ...F }`, "", false},
		{`{ nope }`, "", false},
		{`{ items { ... on Nope { id } } }`, "", false},
		{`type X { a: String } { __typename }`, "", false},
		{`query($l: [String]) { __typename }`, "", false},
		{`query($d: DateTime) { __typename }`, "", true},
		{`query($c: Code, $in: NameInput) { __typename }`, "", true},
		{`query($i: Item) { __typename }`, "", false},
		// Abstract return types are left to graphql-go.
		{`{ node(id: 1) { id } }`, "", false},
		// Both aliases name different fields: validation's business.
		{`{ a: items { id } a: item(id: 1) { id } }`, "", false},
	} {
		doc := parse(t, tc.doc)
		if got := NewDocument(doc, Options{}).Plan(ts.schema, tc.op) != nil; got != tc.want {
			t.Errorf("Plan(%q, %q) compiled = %v, want %v", tc.doc, tc.op, got, tc.want)
		}
	}
}

// TestPlanIsCompiledOnce asks for one plan from many goroutines: every
// caller gets the same plan, and a declined operation stays declined.
func TestPlanIsCompiledOnce(t *testing.T) {
	ts := newTestSchema(t)
	d := NewDocument(ts.validDoc(t, `query A { items { id } } query B { __schema { queryType { name } } }`), Options{})
	var wg sync.WaitGroup
	plans := make([]*Plan, 16)
	declined := make([]*Plan, 16)
	for i := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plans[i] = d.Plan(ts.schema, "A")
			declined[i] = d.Plan(ts.schema, "B")
		}()
	}
	wg.Wait()
	for i := range plans {
		if plans[i] == nil || plans[i] != plans[0] || declined[i] != nil {
			t.Fatalf("call %d: plan %p (first %p), declined %p", i, plans[i], plans[0], declined[i])
		}
	}
	if d.AST() == nil || d.Plan(ts.schema, "") != nil || d.Plan(ts.schema, "C") != nil {
		t.Error("an ambiguous or unknown operation compiled")
	}
}

// TestRefusesBadVariablesBeforeAnyResolverRuns: variables that do not
// type-check exactly make Execute return false with no resolver called;
// graphql.Execute then reports them or coerces them loosely.
func TestRefusesBadVariablesBeforeAnyResolverRuns(t *testing.T) {
	ts := newTestSchema(t)
	doc := ts.validDoc(t, `mutation($in: NameInput!, $id: ID, $n: Int, $c: Code, $w: DateTime, $b: Boolean!) {
  setName(input: $in, id: $id) { id }
  noop
  ... @include(if: $b) { n2: noop }
  x: setName(input: {name: "x", n: $n, code: $c, when: $w}) { id }
}`)
	p := NewDocument(doc, Options{}).Plan(ts.schema, "")
	if p == nil {
		t.Fatal("does not compile")
	}
	in := map[string]interface{}{"name": "x"}
	for _, vars := range []map[string]interface{}{
		nil,
		{},
		{"in": in},
		{"in": in, "b": nil},
		{"in": nil, "b": true},
		{"in": "name=x", "b": true},
		{"in": map[string]interface{}{}, "b": true},
		{"in": map[string]interface{}{"name": 5}, "b": true},
		{"in": map[string]interface{}{"name": "x", "bogus": 1}, "b": true},
		{"in": map[string]interface{}{"name": "x", "flag": "true"}, "b": true},
		{"in": map[string]interface{}{"name": "x", "n": 1.5}, "b": true},
		{"in": map[string]interface{}{"name": "x", "code": "XX"}, "b": true},
		{"in": []interface{}{map[string]interface{}{"name": "x"}}, "b": true},
		{"in": in, "b": true, "id": 1.5},
		{"in": in, "b": true, "id": true},
		{"in": in, "b": true, "n": "3"},
		{"in": in, "b": true, "n": 2.0},
		{"in": in, "b": true, "n": 1 << 40},
		{"in": in, "b": true, "c": "ca"},
		{"in": in, "b": true, "c": 1},
		{"in": in, "b": true, "w": "yesterday"},
		{"in": in, "b": true, "w": 5},
		{"in": in, "b": "yes"},
		{"in": in, "b": 1},
		{"in": in, "b": true, "n": json.Number("1")},
	} {
		before := ts.calls.Load()
		if body, ok := run(context.Background(), p, vars); ok {
			t.Errorf("%v: the plan ran: %s", vars, body)
		}
		if n := ts.calls.Load() - before; n != 0 {
			t.Errorf("%v: %d resolvers ran", vars, n)
		}
	}
	// Well-typed variables run, and answer as graphql-go does.
	for _, vars := range []map[string]interface{}{
		{"in": in, "b": true},
		{"in": in, "id": 12, "n": 3, "c": "FR", "w": "2026-01-02T03:04:05Z", "b": false},
		{"in": map[string]interface{}{"name": "y", "n": nil, "ident": 4, "code": nil}, "id": nil, "b": true},
	} {
		before := ts.calls.Load()
		ts.same(t, doc2query(doc), "", vars)
		if ts.calls.Load() == before {
			t.Errorf("%v: nothing ran", vars)
		}
	}
	// A cancelled context runs nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := p.Execute(ctx, map[string]interface{}{"in": in, "b": true}); ok {
		t.Error("ran with a cancelled context")
	}
}

func doc2query(doc *ast.Document) string { return string(doc.Loc.Source.Body) }

// TestArgsAreNewForEveryFieldExecution: graphql-go's getArgumentValues
// builds a new map for every field it resolves, so a resolver may write
// into p.Args. The plan once shared the Args of constant arguments
// between all requests, so such writes leaked from request to request
// (and raced).
func TestArgsAreNewForEveryFieldExecution(t *testing.T) {
	ts := newTestSchema(t)
	for _, q := range []string{
		`{ item(id: 1) { scribble(n: 5, s: "x") } }`,
		`{ item(id: 1) { scribble } }`,
		`{ item(id: 1) { scribbleNoArgs } }`,
		`query($n: Int) { item(id: 1) { scribble(n: $n) } }`,
		// One field in a list runs once per item, each with its own map.
		`{ items(first: 3) { scribble(n: 1) scribbleNoArgs } }`,
		// DefaultResolveFn passes Args on to a source that resolves
		// itself.
		`{ selfResolving { value other } }`,
		// Merged ASTs still make one call per execution.
		`{ item(id: 1) { scribble(n: 1) ... on Item { scribble(n: 1) } } }`,
	} {
		doc := ts.validDoc(t, q)
		p := NewDocument(doc, Options{}).Plan(ts.schema, "")
		if p == nil {
			t.Fatalf("%q does not compile", q)
		}
		var first []byte
		for i := range 3 {
			body, ok := run(context.Background(), p, map[string]interface{}{"n": 7})
			if !ok {
				t.Fatalf("%q refused", q)
			}
			if strings.Contains(string(body), `"w0x`) || strings.Contains(string(body), "errors") {
				t.Errorf("%q, request %d: Args shared or not writable: %s", q, i+1, body)
			}
			if i == 0 {
				first = body
			} else if !bytes.Equal(body, first) {
				t.Errorf("%q, request %d: %s, first: %s", q, i+1, body, first)
			}
		}
		if ref := ts.reference(context.Background(), doc, "", map[string]interface{}{"n": 7}); !reflect.DeepEqual(canonical(t, ref), canonical(t, first)) {
			t.Errorf("%q: graphql-go %s, plan %s", q, ref, first)
		}
	}
	// The same under load, for the race detector.
	p := NewDocument(ts.validDoc(t, `{ items(first: 3) { scribble(n: 5) scribbleNoArgs } }`), Options{}).Plan(ts.schema, "")
	want, _ := run(context.Background(), p, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got, _ := run(context.Background(), p, nil); !bytes.Equal(got, want) {
					t.Errorf("concurrent answer %s, want %s", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestArgsUnusedSkipsTheEmptyMap: a field without arguments whose
// resolver Options.ArgsUnused vouches for gets nil Args; every other field
// still gets a new map.
func TestArgsUnusedSkipsTheEmptyMap(t *testing.T) {
	ts := newTestSchema(t)
	doc := ts.validDoc(t, `{ item(id: 1) { argsNil argsNilWithArgs scribbleNoArgs } }`)
	isArgsNil := func(fn graphql.FieldResolveFn) bool {
		return reflect.ValueOf(fn).Pointer() == reflect.ValueOf(argsNil).Pointer()
	}
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, `{"data":{"item":{"argsNil":false,"argsNilWithArgs":false,"scribbleNoArgs":"{}"}}}`},
		{Options{ArgsUnused: isArgsNil}, `{"data":{"item":{"argsNil":true,"argsNilWithArgs":false,"scribbleNoArgs":"{}"}}}`},
	} {
		body, ok := run(context.Background(), NewDocument(doc, tc.opts).Plan(ts.schema, ""), nil)
		if !ok || strings.TrimSpace(string(body)) != tc.want {
			t.Errorf("got %s, want %s", body, tc.want)
		}
	}
}

// TestRootValueIsNewForEveryRequest: graphql-go passes a new empty map as
// the root value of every operation when ExecuteParams.Root is nil; the
// root fields of one operation share it. The plan once passed one
// package-level map to every request.
func TestRootValueIsNewForEveryRequest(t *testing.T) {
	ts := newTestSchema(t)
	for _, q := range []string{
		`{ rootSource }`,
		// Queries run their fields in map order in graphql-go: one
		// writer, so that the answer does not depend on it.
		`{ a: rootSource items { id } __typename }`,
		`mutation { a: rootSource b: rootSource }`,
		`mutation { a: rootSource setName(input: {name: "x"}) { name } b: rootSource }`,
	} {
		doc := ts.validDoc(t, q)
		p := NewDocument(doc, Options{}).Plan(ts.schema, "")
		ref := canonical(t, ts.reference(context.Background(), doc, "", nil))
		for i := range 3 {
			body, _ := run(context.Background(), p, nil)
			if got := canonical(t, body); !reflect.DeepEqual(got, ref) {
				t.Errorf("%q, request %d: plan %s, graphql-go %v", q, i+1, body, ref)
			}
		}
	}
	p := NewDocument(ts.validDoc(t, `{ rootSource }`), Options{}).Plan(ts.schema, "")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got, _ := run(context.Background(), p, nil); string(got) != `{"data":{"rootSource":"0"}}`+"\n" {
					t.Errorf("concurrent answer %s", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestResolveInfoIsNotShared: the Fragments map and the FieldASTs slice a
// resolver gets are its own (graphql-go builds them per execution), so
// what one resolver writes there reaches no other field or request, and
// the plan's own copies stay intact.
func TestResolveInfoIsNotShared(t *testing.T) {
	ts := newTestSchema(t)
	// One resolver call per request: graphql-go shares Fragments between
	// the fields of one execution.
	q := `{ ...F ... on Query { items { id } fieldInfo } } fragment F on Query { fieldInfo }`
	doc := ts.validDoc(t, q)
	p := NewDocument(doc, Options{}).Plan(ts.schema, "")
	want := `{"data":{"fieldInfo":"fragments=1 asts=2","items":[{"id":"1"},{"id":"2"}]}}` + "\n"
	for i := range 3 {
		body, _ := run(context.Background(), p, nil)
		if string(body) != want {
			t.Errorf("request %d: %s, want %s", i+1, body, want)
		}
	}
	ref := canonical(t, ts.reference(context.Background(), doc, "", nil))
	body, _ := run(context.Background(), p, nil)
	if !reflect.DeepEqual(canonical(t, body), ref) {
		t.Errorf("plan %s, graphql-go %v", body, ref)
	}
}

// TestContextEndsTheAnswer: a context that ends while resolvers run makes
// the answer the context's error, as graphql.Execute's.
func TestContextEndsTheAnswer(t *testing.T) {
	ts := newTestSchema(t)
	doc := ts.validDoc(t, `{ sleep items { id } }`)
	p := NewDocument(doc, Options{}).Plan(ts.schema, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	fast, ok := run(ctx, p, nil)
	if !ok {
		t.Fatal("refused")
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ref := ts.reference(ctx, doc, "", nil)
	if !reflect.DeepEqual(canonical(t, ref), canonical(t, fast)) {
		t.Errorf("graphql-go %s, plan %s", ref, fast)
	}
}

// TestJSONStrings holds the string encoding to encoding/json's (with its
// HTML escaping, as json.Encoder writes the answers), on awkward strings
// and random bytes, directly and through a plan.
func TestJSONStrings(t *testing.T) {
	weird := []string{"plain", "<script>&</script>", "quote\"back\\slash", "ctl\x00\x01\x1f\b\f\n\r\t\x7f", "bad\xffutf8\xc3", "sep\u2028\u2029", "emoji 😀 é", "", "\xed\xa0\x80 surrogate", "\ufffd"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		weird = append(weird, string(b))
	}
	for _, s := range weird {
		var want bytes.Buffer
		_ = json.NewEncoder(&want).Encode(s)
		if got := appendString(nil, s); string(got)+"\n" != want.String() {
			t.Errorf("%q: got %s, want %s", s, got, want.String())
		}
	}
	ts := newTestSchema(t)
	doc := ts.validDoc(t, `query($s: String) { item(id: 1) { echo(s: $s) name tags } }`)
	p := NewDocument(doc, Options{}).Plan(ts.schema, "")
	for _, s := range weird[:10] {
		vars := map[string]interface{}{"s": s}
		got, _ := run(context.Background(), p, vars)
		if want := ts.reference(context.Background(), doc, "", vars); !bytes.Equal(got, want) {
			t.Errorf("%q: bytes differ:\n plan: %s\n  ref: %s", s, got, want)
		}
	}
}

// TestJSONNumbers holds appendValue to encoding/json's encoding of the
// leaf values scalars serialize to.
func TestJSONNumbers(t *testing.T) {
	values := []interface{}{0, -1, math.MaxInt64, int8(-8), int16(16), int32(-32), int64(64), uint(1), uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64),
		0.0, math.Copysign(0, -1), 1.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64, float32(1.5), float32(1e21), float32(1e-7), float32(3.4e38),
		true, false, "s", []int{1, 2}, map[string]int{"a": 1}}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		values = append(values, math.Float64frombits(r.Uint64()), math.Float32frombits(r.Uint32()))
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			continue // NaN and infinities: the plan writes null, see the package doc
		}
		if got := appendValue(nil, v); !bytes.Equal(got, want) {
			t.Errorf("%T %v: got %s, want %s", v, v, got, want)
		}
	}
	for _, v := range []interface{}{math.Inf(1), math.NaN(), float32(math.Inf(-1))} {
		if got := appendValue(nil, v); string(got) != "null" {
			t.Errorf("%v: got %s, want null", v, got)
		}
	}
}

// TestIsNullishIsGraphQLGos checks isNullish's shortcuts against the
// reflection graphql-go's isNullish uses.
func TestIsNullishIsGraphQLGos(t *testing.T) {
	var nilStr *string
	s := ""
	var nilMap map[string]interface{}
	var nilSlice []string
	type obj struct{}
	var nilObj *obj
	ptrToNil := &nilObj
	for v, want := range map[*interface{}]bool{
		ptr(nil): true, ptr(nilStr): true, ptr(&s): false, ptr(""): false, ptr(0): false, ptr(false): false,
		ptr(math.NaN()): true, ptr(float32(math.NaN())): true, ptr(1.5): false, ptr(nilMap): false, ptr(nilSlice): false,
		ptr([]interface{}(nil)): false, ptr(nilObj): true, ptr(&obj{}): false, ptr(ptrToNil): false, ptr(time.Time{}): false,
		ptr(uint64(0)): false, ptr(obj{}): false,
	} {
		if got := isNullish(*v); got != want {
			t.Errorf("isNullish(%#v) = %v, want %v", *v, got, want)
		}
	}
}

func ptr(v interface{}) *interface{} { return &v }

// TestGraphQLGoVersion fails when the graphql-go this package is built
// with changes: the plan mirrors the executor of one version. go test
// binaries carry no dependency list (debug.ReadBuildInfo lists none), so
// the version comes from the go command, which reads the module's go.mod
// the way the build did, and is checked against the path of the source
// graphql.Execute was compiled from.
func TestGraphQLGoVersion(t *testing.T) {
	const module, want = "github.com/graphql-go/graphql", "v0.8.1"
	explain := func(got string) string {
		return fmt.Sprintf("%s is %s, not %s. The fast path (internal/fastpath) mirrors %s's executor "+
			"(operation choice, field collection and merging, getArgumentValues, valueFromAST, "+
			"getVariableValues, completeValue, isNullish, error handling and its order): read the new "+
			"version's executor.go, values.go and definition.go against the plan, fix the plan "+
			"or make it decline what changed, run customerauth's FuzzFastPathMatchesGraphQLGo for a "+
			"while, and only then change want in this test.", module, got, want, want)
	}
	gobin, err := osexec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to read %s's version: %v", module, err)
	}
	out, err := osexec.Command(gobin, "list", "-m", "-f", "{{.Version}}{{with .Replace}} => {{.Path}} {{.Version}}{{end}}", module).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m %s: %v\n%s", module, err, out)
	}
	if got := strings.TrimSpace(string(out)); got != want {
		t.Fatal(explain(got))
	}
	// The source the executor was compiled from: a module cache path
	// names its version (a vendored copy does not).
	file, _ := runtime.FuncForPC(reflect.ValueOf(graphql.Execute).Pointer()).FileLine(reflect.ValueOf(graphql.Execute).Pointer())
	if i := strings.Index(file, module+"@"); i >= 0 {
		v, _, _ := strings.Cut(file[i+len(module)+1:], "/")
		if v != want {
			t.Fatal(explain(v + " (compiled from " + file + ")"))
		}
	}
}
