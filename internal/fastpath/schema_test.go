package fastpath

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// The tests of this package run plans on a small schema of their own, with
// the shapes customerauth's schema has (a root with arguments, an object
// implementing an interface, lists of objects, custom scalars, enums,
// input objects with defaults, mutations) and resolvers that expose what
// they are given. customerauth's own tests run the plan on its schema.

// item is the Go value behind an Item.
type item struct {
	ID    string
	Name  string
	Tags  []string
	Price float64
	Count int
	When  time.Time
	Code  string
}

type testSchema struct {
	schema graphql.Schema
	// calls counts resolver calls, to show that refused requests ran none.
	calls atomic.Int64
}

func newTestSchema(t testing.TB) *testSchema {
	t.Helper()
	ts := &testSchema{}
	counted := func(fn graphql.FieldResolveFn) graphql.FieldResolveFn {
		return func(p graphql.ResolveParams) (interface{}, error) {
			ts.calls.Add(1)
			return fn(p)
		}
	}
	dateTime := graphql.NewScalar(graphql.ScalarConfig{
		Name: "DateTime",
		Serialize: func(v interface{}) interface{} {
			if t, ok := v.(time.Time); ok {
				return t.UTC().Format(time.RFC3339)
			}
			return nil
		},
		ParseValue: func(v interface{}) interface{} {
			if s, ok := v.(string); ok {
				if t, err := time.Parse(time.RFC3339, s); err == nil {
					return t
				}
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) interface{} {
			if s, ok := v.(*ast.StringValue); ok {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
			return nil
		},
	})
	code := graphql.NewEnum(graphql.EnumConfig{Name: "Code", Values: graphql.EnumValueConfigMap{
		"CA": {Value: "CA"}, "FR": {Value: "FR"}, "US": {Value: "US"},
	}})
	nameInput := graphql.NewInputObject(graphql.InputObjectConfig{Name: "NameInput", Fields: graphql.InputObjectConfigFieldMap{
		"name":  {Type: graphql.NewNonNull(graphql.String)},
		"code":  {Type: code},
		"n":     {Type: graphql.Int, DefaultValue: 1},
		"flag":  {Type: graphql.Boolean},
		"when":  {Type: dateTime},
		"ident": {Type: graphql.ID},
	}})
	node := graphql.NewInterface(graphql.InterfaceConfig{
		Name:   "Node",
		Fields: graphql.Fields{"id": {Type: graphql.NewNonNull(graphql.ID)}},
	})
	var itemType *graphql.Object
	node.ResolveType = func(graphql.ResolveTypeParams) *graphql.Object { return itemType }
	echo := counted(func(p graphql.ResolveParams) (interface{}, error) {
		b, err := json.Marshal(p.Args)
		return string(b), err
	})
	itemType = graphql.NewObject(graphql.ObjectConfig{
		Name:       "Item",
		Interfaces: []*graphql.Interface{node},
		Fields: graphql.Fields{
			"id":    {Type: graphql.NewNonNull(graphql.ID), Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).ID, nil })},
			"name":  {Type: graphql.String, Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).Name, nil })},
			"tags":  {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.String))), Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).Tags, nil })},
			"price": {Type: graphql.Float, Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).Price, nil })},
			"count": {Type: graphql.NewNonNull(graphql.Int), Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).Count, nil })},
			"when":  {Type: dateTime, Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).When, nil })},
			"code":  {Type: code, Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) { return p.Source.(*item).Code, nil })},
			// Code is read by graphql.DefaultResolveFn from the struct.
			"Code": {Type: code},
			"echo": {Type: graphql.String, Args: graphql.FieldConfigArgument{
				"n":     {Type: graphql.Int, DefaultValue: 3},
				"s":     {Type: graphql.String},
				"code":  {Type: code},
				"when":  {Type: dateTime},
				"input": {Type: nameInput},
				"list":  {Type: graphql.NewList(graphql.String)},
			}, Resolve: echo},
			// scribble writes into its Args and reports what it saw first:
			// a resolver may, and graphql-go gives it a new map each time.
			"scribble": {Type: graphql.String, Args: graphql.FieldConfigArgument{
				"n": {Type: graphql.Int},
				"s": {Type: graphql.String},
			}, Resolve: counted(scribble)},
			"scribbleNoArgs": {Type: graphql.String, Resolve: counted(scribble)},
			// argsNil and argsNilWithArgs report whether Args is nil.
			"argsNil":         {Type: graphql.Boolean, Resolve: argsNil},
			"argsNilWithArgs": {Type: graphql.Boolean, Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int}}, Resolve: argsNil},
			"fails": {Type: graphql.String, Resolve: counted(func(graphql.ResolveParams) (interface{}, error) {
				return nil, errors.New("fails on purpose")
			})},
			"mustFail": {Type: graphql.NewNonNull(graphql.String), Resolve: counted(func(graphql.ResolveParams) (interface{}, error) {
				return nil, errors.New("non-null fails on purpose")
			})},
			"mustNull": {Type: graphql.NewNonNull(graphql.String), Resolve: counted(func(graphql.ResolveParams) (interface{}, error) { return nil, nil })},
		},
	})
	items := []*item{
		{ID: "1", Name: "one <&>", Tags: []string{"a", "b\u2028"}, Price: 1.5, Count: 1, When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Code: "CA"},
		{ID: "2", Tags: []string{}, Price: 1e21, Count: 2, Code: "XX"},
		{ID: "3", Name: "three", Tags: nil, Price: 1e-7, Count: 3},
	}
	selfType := graphql.NewObject(graphql.ObjectConfig{
		Name: "SelfResolving",
		Fields: graphql.Fields{
			"value": {Type: graphql.Int},
			"other": {Type: graphql.Int},
		},
	})
	query := graphql.NewObject(graphql.ObjectConfig{
		Name: "Query",
		Fields: graphql.Fields{
			// selfResolving's fields have no resolvers: DefaultResolveFn
			// hands its source, a graphql.FieldResolver, the ResolveParams.
			"selfResolving": {Type: selfType, Resolve: counted(func(graphql.ResolveParams) (interface{}, error) { return selfResolving{}, nil })},
			"item": {Type: itemType, Args: graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) {
					for _, it := range items {
						if it.ID == p.Args["id"] {
							return it, nil
						}
					}
					return nil, nil
				})},
			"items": {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(itemType))), Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int, DefaultValue: 2}},
				Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) {
					n, _ := p.Args["first"].(int)
					if n < 0 {
						return nil, errors.New("first must not be negative")
					}
					return items[:min(n, len(items))], nil
				})},
			"node": {Type: node, Args: graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
				Resolve: counted(func(graphql.ResolveParams) (interface{}, error) { return items[0], nil })},
			// rootSource writes into the root value and reports what it
			// saw first: graphql-go gives every operation a new one.
			"rootSource": {Type: graphql.String, Resolve: counted(rootSource)},
			// fieldInfo reports the request-wide parts of ResolveInfo and
			// writes into them.
			"fieldInfo": {Type: graphql.String, Resolve: counted(fieldInfo)},
			"sleep": {Type: graphql.String, Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) {
				<-p.Context.Done()
				return "late", nil
			})},
		},
	})
	mutation := graphql.NewObject(graphql.ObjectConfig{
		Name: "Mutation",
		Fields: graphql.Fields{
			"setName": {Type: itemType, Args: graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(nameInput)}, "id": {Type: graphql.ID}},
				Resolve: counted(func(p graphql.ResolveParams) (interface{}, error) {
					in := p.Args["input"].(map[string]interface{})
					it := *items[0]
					it.Name, _ = in["name"].(string)
					if c, ok := in["code"].(string); ok {
						it.Code = c
					}
					return &it, nil
				})},
			"rootSource": {Type: graphql.String, Resolve: counted(rootSource)},
			"noop":       {Type: graphql.String, Resolve: counted(func(graphql.ResolveParams) (interface{}, error) { return "ok", nil })},
		},
	})
	sch, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Mutation: mutation, Types: []graphql.Type{itemType}})
	if err != nil {
		t.Fatal(err)
	}
	ts.schema = sch
	return ts
}

// selfResolving resolves its own fields: it reports how many Args it got,
// then writes into them.
type selfResolving struct{}

func (selfResolving) Resolve(p graphql.ResolveParams) (interface{}, error) {
	n := len(p.Args)
	p.Args[p.Info.FieldName] = true
	return n, nil
}

func argsNil(p graphql.ResolveParams) (interface{}, error) { return p.Args == nil, nil }

// scribble reports the Args it got, then writes into them.
func scribble(p graphql.ResolveParams) (interface{}, error) {
	b, err := json.Marshal(p.Args)
	p.Args[fmt.Sprintf("w%p", &p)] = true
	return string(b), err
}

// rootSource reports the keys the root value holds, then adds one.
func rootSource(p graphql.ResolveParams) (interface{}, error) {
	m, ok := p.Source.(map[string]interface{})
	if !ok {
		return fmt.Sprintf("%T", p.Source), nil
	}
	n := len(m)
	m[p.Info.Path.Key.(string)] = true
	return fmt.Sprint(n), nil
}

// fieldInfo reports what it got in Fragments and FieldASTs, then replaces
// both.
func fieldInfo(p graphql.ResolveParams) (interface{}, error) {
	out := fmt.Sprintf("fragments=%d asts=%d", len(p.Info.Fragments), len(p.Info.FieldASTs))
	for _, f := range p.Info.FieldASTs {
		if f == nil {
			out += " nil-ast"
		}
	}
	if p.Info.Fragments != nil {
		p.Info.Fragments["Injected"] = &ast.FragmentDefinition{}
	}
	if len(p.Info.FieldASTs) > 0 {
		p.Info.FieldASTs[0] = nil
	}
	return out, nil
}

func parse(t testing.TB, query string) *ast.Document {
	t.Helper()
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	return doc
}

// validDoc parses and validates query against the test schema.
func (ts *testSchema) validDoc(t testing.TB, query string) *ast.Document {
	t.Helper()
	doc := parse(t, query)
	if v := graphql.ValidateDocument(&ts.schema, doc, nil); !v.IsValid {
		t.Fatalf("invalid document %q: %v", query, v.Errors)
	}
	return doc
}

// response is the body graphql.Execute's answers are encoded as.
type response struct {
	Data   interface{}                `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
}

// reference runs the operation through graphql.Execute and encodes the
// answer as customerauth's handler does.
func (ts *testSchema) reference(ctx context.Context, doc *ast.Document, opName string, vars map[string]interface{}) []byte {
	res := graphql.Execute(graphql.ExecuteParams{Schema: ts.schema, AST: doc, OperationName: opName, Args: vars, Context: ctx})
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(response{Data: res.Data, Errors: res.Errors})
	return b.Bytes()
}

// run runs a plan and returns a copy of its body, or ok false.
func run(ctx context.Context, p *Plan, vars map[string]interface{}) (body []byte, ok bool) {
	r, ok := p.Execute(ctx, vars)
	if !ok {
		return nil, false
	}
	body = bytes.Clone(r.Body(r.Errors()))
	r.Release()
	return body, true
}

// canonical decodes an answer and sorts its errors: graphql-go runs a
// query's fields in map order.
func canonical(t testing.TB, body []byte) interface{} {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]interface{}
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, body)
	}
	if errs, ok := v["errors"].([]interface{}); ok {
		sort.Slice(errs, func(i, j int) bool {
			a, _ := json.Marshal(errs[i])
			b, _ := json.Marshal(errs[j])
			return string(a) < string(b)
		})
	}
	return v
}

// same runs query through the plan and graphql.Execute and compares the
// answers; the plan must compile and accept the variables.
func (ts *testSchema) same(t *testing.T, query, opName string, vars map[string]interface{}) []byte {
	t.Helper()
	doc := ts.validDoc(t, query)
	p := NewDocument(doc, Options{}).Plan(ts.schema, opName)
	if p == nil {
		t.Fatalf("%q does not compile", query)
	}
	ctx := context.Background()
	fast, ok := run(ctx, p, vars)
	if !ok {
		t.Fatalf("%q: the plan refused %v", query, vars)
	}
	ref := ts.reference(ctx, doc, opName, vars)
	if !reflect.DeepEqual(canonical(t, ref), canonical(t, fast)) {
		t.Errorf("%q %v: answers differ\n graphql-go: %s plan:       %s", query, vars, ref, fast)
	}
	return fast
}

func TestTestSchemaAnswersLikeGraphQLGo(t *testing.T) {
	ts := newTestSchema(t)
	for _, q := range []string{
		`{ __typename items { __typename id name tags price count when code Code } }`,
		`{ items(first: 3) { id name tags price when code } }`,
		`{ item(id: "1") { ... on Node { id } ...F } nothing: item(id: 9) { id } } fragment F on Item { n: name tags }`,
		`{ items(first: -1) { id } }`,
		`{ items(first: 3) { id fails } }`,
		`{ items(first: 3) { id mustFail } }`,
		`{ item(id: 2) { mustNull } a: __typename }`,
		`{ item(id: 1) { echo e2: echo(n: 1, s: "x", code: FR, when: "2026-01-02T03:04:05Z", list: "one", input: {name: "n", code: US, flag: true, when: "2026-01-02T03:04:05Z", ident: 12}) } }`,
		`{ item(id: 1) { echo(n: 0, s: "") } }`,
		`mutation { b: setName(input: {name: "b"}) { name code } a: setName(input: {name: "a", code: FR}) { name code } }`,
	} {
		ts.same(t, q, "", nil)
	}
	vq := `query($id: ID!, $n: Int = 2, $in: NameInput, $c: Code, $w: DateTime, $yes: Boolean!) {
  item(id: $id) { echo(n: $n, code: $c, when: $w, input: $in) name @include(if: $yes) tags @skip(if: $yes) }
  items(first: $n) { id }
}`
	for _, vars := range []map[string]interface{}{
		{"id": "1", "yes": true},
		{"id": 2, "yes": false, "n": nil},
		{"id": "3", "yes": true, "n": 1, "c": "FR", "w": "2026-01-02T03:04:05Z", "in": map[string]interface{}{"name": "x", "n": nil, "code": "US", "ident": 7}},
		{"id": "1", "yes": true, "in": map[string]interface{}{"name": "x", "flag": false, "when": "2026-01-02T03:04:05Z"}},
	} {
		ts.same(t, vq, "", vars)
	}
}
