package customerauth_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"

	"github.com/shopkit/customerauth"
)

// referenceFile is Shopify's own introspection of the customer-account part
// of the Storefront API, with the descriptions removed.
const referenceFile = "testdata/storefront-customer.structure.json"

// exclusion names one part of Shopify's reference that this package does not
// serve on purpose: a whole type (only typ set), one field of a type (typ and
// field) or one "implements" link of a type (typ and iface).
type exclusion struct {
	typ, field, iface string
}

func (e exclusion) String() string {
	switch {
	case e.field != "":
		return "field " + e.typ + "." + e.field
	case e.iface != "":
		return "interface link " + e.typ + " implements " + e.iface
	default:
		return "type " + e.typ
	}
}

// deliberateExclusions is the complete list of what the comparison with
// Shopify skips, each entry with the reason. Everything else in the
// reference file must be served exactly as Shopify serves it, and the served
// types must have nothing more. Entries are field- or type-specific on
// purpose; TestIntrospectionExclusionsNameSomethingInTheReference keeps this
// table from going stale.
var deliberateExclusions = map[exclusion]string{
	{typ: "Customer", field: "orders"}: "returns OrderConnection: orders are the host's data, and the host adds " +
		"this field itself with CustomerType().AddFieldConfig",
	{typ: "OrderSortKeys"}:                "enum used only by the sortKey argument of Customer.orders, which the host adds",
	{typ: "Customer", field: "metafield"}: "returns Metafield, which is host data and not served by this package",
	{typ: "Customer", field: "metafields"}: "returns [Metafield]!, which is host data and not served by this " +
		"package",
	{typ: "Customer", iface: "HasMetafields"}: "Customer cannot implement HasMetafields without the metafield " +
		"and metafields fields, which are not served",
	{typ: "HasMetafields"}: "interface made of the metafield and metafields fields only, which are not " +
		"served",
	{typ: "HasMetafieldsIdentifier"}: "input type used only by the metafields argument identifiers, which is " +
		"not served",
}

func excludedType(name string) (string, bool) {
	why, ok := deliberateExclusions[exclusion{typ: name}]
	return why, ok
}

func excludedField(typ, field string) bool {
	_, ok := deliberateExclusions[exclusion{typ: typ, field: field}]
	return ok
}

func excludedInterface(typ, iface string) bool {
	_, ok := deliberateExclusions[exclusion{typ: typ, iface: iface}]
	return ok
}

// builtinTypes are served by every graphql-go schema and are not part of
// Shopify's reference file.
var builtinTypes = map[string]bool{"String": true, "Boolean": true, "Int": true, "Float": true, "ID": true}

// introspectionQuery is the query graphql-js's getIntrospectionQuery()
// produces with its default options, as GraphiQL, graphql-codegen and
// similar clients send it.
const introspectionQuery = `
    query IntrospectionQuery {
      __schema {
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
          ...FullType
        }
        directives {
          name
          description
          locations
          args {
            ...InputValue
          }
        }
      }
    }

    fragment FullType on __Type {
      kind
      name
      description
      fields(includeDeprecated: true) {
        name
        description
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }

    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
    }

    fragment TypeRef on __Type {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
`

// The shape of an introspection result's __schema; descriptions and
// possibleTypes are left out because the comparison ignores them.
type introspectionSchema struct {
	QueryType        *namedRef   `json:"queryType"`
	MutationType     *namedRef   `json:"mutationType"`
	SubscriptionType *namedRef   `json:"subscriptionType"`
	Types            []fullType  `json:"types"`
	Directives       []directive `json:"directives"`
}

type namedRef struct {
	Name string `json:"name"`
}

type fullType struct {
	Kind        string       `json:"kind"`
	Name        string       `json:"name"`
	Fields      []field      `json:"fields"`
	InputFields []inputValue `json:"inputFields"`
	Interfaces  []typeRef    `json:"interfaces"`
	EnumValues  []enumValue  `json:"enumValues"`
}

type field struct {
	Name              string       `json:"name"`
	Args              []inputValue `json:"args"`
	Type              *typeRef     `json:"type"`
	IsDeprecated      bool         `json:"isDeprecated"`
	DeprecationReason *string      `json:"deprecationReason"`
}

type inputValue struct {
	Name         string   `json:"name"`
	Type         *typeRef `json:"type"`
	DefaultValue *string  `json:"defaultValue"`
}

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   *string  `json:"name"`
	OfType *typeRef `json:"ofType"`
}

type enumValue struct {
	Name              string  `json:"name"`
	IsDeprecated      bool    `json:"isDeprecated"`
	DeprecationReason *string `json:"deprecationReason"`
}

type directive struct {
	Name      string       `json:"name"`
	Locations []string     `json:"locations"`
	Args      []inputValue `json:"args"`
}

// sdl writes r as in a schema, such as [CustomerUserError!]!.
func (r *typeRef) sdl() string {
	switch {
	case r == nil:
		return "<missing>"
	case r.Kind == "NON_NULL":
		return r.OfType.sdl() + "!"
	case r.Kind == "LIST":
		return "[" + r.OfType.sdl() + "]"
	case r.Name == nil:
		return "<unnamed " + r.Kind + ">"
	default:
		return *r.Name
	}
}

// chain writes every level of r with its kind, such as
// NON_NULL<LIST<NON_NULL<OBJECT CustomerUserError>>>; two type refs are the
// same when their chains are.
func (r *typeRef) chain() string {
	switch {
	case r == nil:
		return "<missing>"
	case r.OfType != nil:
		return r.Kind + "<" + r.OfType.chain() + ">"
	case r.Name == nil:
		return r.Kind
	default:
		return r.Kind + " " + *r.Name
	}
}

// namedType is the name of the type r wraps, or "" when the ref is cut off.
func (r *typeRef) namedType() string {
	for r != nil && r.OfType != nil {
		r = r.OfType
	}
	if r == nil || r.Name == nil {
		return ""
	}
	return *r.Name
}

func describeRef(r *typeRef) string { return r.sdl() + " (" + r.chain() + ")" }

func describeString(s *string) string {
	if s == nil {
		return "null"
	}
	return strconv.Quote(*s)
}

var (
	servedSchema  = sync.OnceValues(fetchServedSchema)
	shopifySchema = sync.OnceValues(loadShopifySchema)
)

// fetchServedSchema posts the introspection query to svc.Handler() over
// HTTP, as a client would, and decodes the answer's __schema.
func fetchServedSchema() (*introspectionSchema, error) {
	svc, err := customerauth.New(customerauth.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("customerauth.New: %w", err)
	}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()

	body, err := json.Marshal(map[string]any{
		"query":         introspectionQuery,
		"variables":     map[string]any{},
		"operationName": "IntrospectionQuery",
	})
	if err != nil {
		return nil, err
	}
	res, err := srv.Client().Post(srv.URL+"/api/2026-04/graphql.json", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("POST introspection query: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d, want 200; body: %s", res.StatusCode, raw)
	}
	if ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); ct != "application/json" {
		return nil, fmt.Errorf("Content-Type %q, want application/json", res.Header.Get("Content-Type"))
	}
	var out struct {
		Data *struct {
			Schema *introspectionSchema `json:"__schema"`
		} `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decoding the answer: %w; body: %.500s", err, raw)
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("the introspection query failed: %s", raw)
	}
	if out.Data == nil || out.Data.Schema == nil || len(out.Data.Schema.Types) == 0 {
		return nil, fmt.Errorf("the answer has no data.__schema.types: %.500s", raw)
	}
	return out.Data.Schema, nil
}

func loadShopifySchema() (*introspectionSchema, error) {
	raw, err := os.ReadFile(referenceFile)
	if err != nil {
		return nil, err
	}
	var out struct {
		Schema *introspectionSchema `json:"__schema"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", referenceFile, err)
	}
	if out.Schema == nil || len(out.Schema.Types) == 0 {
		return nil, fmt.Errorf("%s has no __schema.types", referenceFile)
	}
	return out.Schema, nil
}

// schemas returns the served schema and Shopify's reference, or stops the
// test.
func schemas(t *testing.T) (served, shopify *introspectionSchema) {
	t.Helper()
	served, err := servedSchema()
	if err != nil {
		t.Fatalf("introspecting the served schema: %v", err)
	}
	shopify, err = shopifySchema()
	if err != nil {
		t.Fatalf("loading Shopify's reference: %v", err)
	}
	return served, shopify
}

// typesByName indexes types, reporting duplicate names.
func typesByName(t *testing.T, side string, types []fullType) map[string]*fullType {
	t.Helper()
	m := make(map[string]*fullType, len(types))
	for i := range types {
		if _, dup := m[types[i].Name]; dup {
			t.Errorf("%s: type %s is listed twice", side, types[i].Name)
		}
		m[types[i].Name] = &types[i]
	}
	return m
}

// byName indexes the elements of list by name, reporting duplicates.
func byName[T any](t *testing.T, where string, list []T, name func(*T) string) map[string]*T {
	t.Helper()
	m := make(map[string]*T, len(list))
	for i := range list {
		n := name(&list[i])
		if _, dup := m[n]; dup {
			t.Errorf("%s: %s is listed twice", where, n)
		}
		m[n] = &list[i]
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestIntrospectionMatchesShopify(t *testing.T) {
	served, shopify := schemas(t)
	servedTypes := typesByName(t, "served schema", served.Types)
	for _, ref := range shopify.Types {
		t.Run(ref.Name, func(t *testing.T) {
			if why, ok := excludedType(ref.Name); ok {
				t.Skipf("deliberately not served: %s", why)
			}
			got, ok := servedTypes[ref.Name]
			if !ok {
				t.Fatalf("type %s (%s) is not served", ref.Name, ref.Kind)
			}
			compareType(t, got, &ref)
		})
	}
}

// compareType reports every structural difference between the served type
// and Shopify's, in both directions.
func compareType(t *testing.T, served, shopify *fullType) {
	t.Helper()
	name := shopify.Name
	if served.Kind != shopify.Kind {
		t.Errorf("%s: kind is %s, Shopify has %s", name, served.Kind, shopify.Kind)
	}
	compareInterfaces(t, name, served.Interfaces, shopify.Interfaces)
	compareFields(t, name, served.Fields, shopify.Fields)
	compareInputValues(t, name, "input field", served.InputFields, shopify.InputFields)
	compareEnumValues(t, name, served.EnumValues, shopify.EnumValues)
}

// compareInterfaces compares the names of the implemented interfaces.
// graphql-go answers null rather than [] for an interface's own interfaces
// (it predates interfaces implementing interfaces); both mean none.
func compareInterfaces(t *testing.T, typ string, served, shopify []typeRef) {
	t.Helper()
	want := map[string]bool{}
	for _, r := range shopify {
		if !excludedInterface(typ, r.namedType()) {
			want[r.namedType()] = true
		}
	}
	got := map[string]bool{}
	for _, r := range served {
		got[r.namedType()] = true
	}
	for _, n := range sortedKeys(want) {
		if !got[n] {
			t.Errorf("%s: does not implement %s; Shopify's does", typ, n)
		}
	}
	for _, n := range sortedKeys(got) {
		if !want[n] && !excludedInterface(typ, n) {
			t.Errorf("%s: implements %s; Shopify's does not", typ, n)
		}
	}
}

func compareFields(t *testing.T, typ string, served, shopify []field) {
	t.Helper()
	if (served == nil) != (shopify == nil) {
		t.Errorf("%s: fields is %s, Shopify's is %s", typ, nullOrList(served == nil), nullOrList(shopify == nil))
	}
	got := byName(t, typ+" (served) fields", served, func(f *field) string { return f.Name })
	want := byName(t, typ+" (Shopify) fields", shopify, func(f *field) string { return f.Name })
	for _, n := range sortedKeys(want) {
		if excludedField(typ, n) {
			continue
		}
		w := want[n]
		g, ok := got[n]
		if !ok {
			t.Errorf("%s: field %s: %s is not served", typ, n, w.Type.sdl())
			continue
		}
		where := typ + "." + n
		if g.Type.chain() != w.Type.chain() {
			t.Errorf("%s: type is %s, Shopify has %s", where, describeRef(g.Type), describeRef(w.Type))
		}
		if g.IsDeprecated != w.IsDeprecated {
			t.Errorf("%s: isDeprecated is %t, Shopify has %t", where, g.IsDeprecated, w.IsDeprecated)
		}
		if describeString(g.DeprecationReason) != describeString(w.DeprecationReason) {
			t.Errorf("%s: deprecationReason is %s, Shopify has %s",
				where, describeString(g.DeprecationReason), describeString(w.DeprecationReason))
		}
		compareInputValues(t, where, "argument", g.Args, w.Args)
	}
	for _, n := range sortedKeys(got) {
		if _, ok := want[n]; !ok && !excludedField(typ, n) {
			t.Errorf("%s: field %s: %s is served, Shopify has no such field", typ, n, got[n].Type.sdl())
		}
	}
}

// compareInputValues compares field or directive arguments, or the fields of
// an input object: names, types and default values.
func compareInputValues(t *testing.T, where, what string, served, shopify []inputValue) {
	t.Helper()
	if what == "input field" && (served == nil) != (shopify == nil) {
		t.Errorf("%s: inputFields is %s, Shopify's is %s", where, nullOrList(served == nil), nullOrList(shopify == nil))
	}
	got := byName(t, where+" (served) "+what+"s", served, func(v *inputValue) string { return v.Name })
	want := byName(t, where+" (Shopify) "+what+"s", shopify, func(v *inputValue) string { return v.Name })
	for _, n := range sortedKeys(want) {
		w := want[n]
		g, ok := got[n]
		if !ok {
			t.Errorf("%s: %s %s: %s is not served", where, what, n, w.Type.sdl())
			continue
		}
		if g.Type.chain() != w.Type.chain() {
			t.Errorf("%s: %s %s: type is %s, Shopify has %s", where, what, n, describeRef(g.Type), describeRef(w.Type))
		}
		if !sameDefaultValue(g.DefaultValue, w.DefaultValue) {
			t.Errorf("%s: %s %s: defaultValue is %s, Shopify has %s",
				where, what, n, describeString(g.DefaultValue), describeString(w.DefaultValue))
		}
	}
	for _, n := range sortedKeys(got) {
		if _, ok := want[n]; !ok {
			t.Errorf("%s: %s %s: %s is served, Shopify has no such %s", where, what, n, got[n].Type.sdl(), what)
		}
	}
}

func compareEnumValues(t *testing.T, typ string, served, shopify []enumValue) {
	t.Helper()
	if (served == nil) != (shopify == nil) {
		t.Errorf("%s: enumValues is %s, Shopify's is %s", typ, nullOrList(served == nil), nullOrList(shopify == nil))
	}
	got := byName(t, typ+" (served) enum values", served, func(v *enumValue) string { return v.Name })
	want := byName(t, typ+" (Shopify) enum values", shopify, func(v *enumValue) string { return v.Name })
	for _, n := range sortedKeys(want) {
		w := want[n]
		g, ok := got[n]
		if !ok {
			t.Errorf("%s: enum value %s is not served", typ, n)
			continue
		}
		if g.IsDeprecated != w.IsDeprecated {
			t.Errorf("%s.%s: isDeprecated is %t, Shopify has %t", typ, n, g.IsDeprecated, w.IsDeprecated)
		}
		if describeString(g.DeprecationReason) != describeString(w.DeprecationReason) {
			t.Errorf("%s.%s: deprecationReason is %s, Shopify has %s",
				typ, n, describeString(g.DeprecationReason), describeString(w.DeprecationReason))
		}
	}
	for _, n := range sortedKeys(got) {
		if _, ok := want[n]; !ok {
			t.Errorf("%s: enum value %s is served, Shopify has no such value", typ, n)
		}
	}
}

func nullOrList(isNull bool) string {
	if isNull {
		return "null"
	}
	return "a list"
}

func TestIntrospectionRootTypesMatchShopify(t *testing.T) {
	served, shopify := schemas(t)
	for _, tc := range []struct {
		root         string
		served, want *namedRef
	}{
		{"queryType", served.QueryType, shopify.QueryType},
		{"mutationType", served.MutationType, shopify.MutationType},
		{"subscriptionType", served.SubscriptionType, shopify.SubscriptionType},
	} {
		name := func(r *namedRef) string {
			if r == nil {
				return "null"
			}
			return r.Name
		}
		if name(tc.served) != name(tc.want) {
			t.Errorf("%s is %s, Shopify has %s", tc.root, name(tc.served), name(tc.want))
		}
	}
}

func TestIntrospectionInContextDirectiveMatchesShopify(t *testing.T) {
	served, shopify := schemas(t)
	for _, want := range shopify.Directives {
		t.Run(want.Name, func(t *testing.T) {
			i := slices.IndexFunc(served.Directives, func(d directive) bool { return d.Name == want.Name })
			if i < 0 {
				t.Fatalf("directive @%s is not served", want.Name)
			}
			got := served.Directives[i]
			gotLocs, wantLocs := slices.Sorted(slices.Values(got.Locations)), slices.Sorted(slices.Values(want.Locations))
			if !slices.Equal(gotLocs, wantLocs) {
				t.Errorf("@%s: locations are %v, Shopify has %v", want.Name, gotLocs, wantLocs)
			}
			compareInputValues(t, "@"+want.Name, "argument", got.Args, want.Args)
		})
	}
	if !slices.ContainsFunc(shopify.Directives, func(d directive) bool { return d.Name == "inContext" }) {
		t.Errorf("%s has no @inContext directive to compare with", referenceFile)
	}
}

// TestIntrospectionServesEveryTypeShopifyNames checks that every type the
// reference file names (in its type list, in type refs of fields, arguments,
// input fields and directive arguments, and as implemented interfaces) is
// served, apart from the deliberate exclusions and what only excluded parts
// refer to. possibleTypes are not followed: Shopify lists its whole API there.
func TestIntrospectionServesEveryTypeShopifyNames(t *testing.T) {
	served, shopify := schemas(t)
	servedTypes := typesByName(t, "served schema", served.Types)

	named := map[string]string{} // type name -> where the reference names it first
	note := func(name, where string) {
		if _, ok := excludedType(name); ok || name == "" {
			return
		}
		if _, seen := named[name]; !seen {
			named[name] = where
		}
	}
	noteValues := func(where string, vals []inputValue) {
		for _, v := range vals {
			note(v.Type.namedType(), where+"("+v.Name+":)")
		}
	}
	for _, typ := range shopify.Types {
		if _, ok := excludedType(typ.Name); ok {
			continue
		}
		note(typ.Name, "the type list")
		for _, f := range typ.Fields {
			if excludedField(typ.Name, f.Name) {
				continue
			}
			note(f.Type.namedType(), typ.Name+"."+f.Name)
			noteValues(typ.Name+"."+f.Name, f.Args)
		}
		noteValues(typ.Name, typ.InputFields)
		for _, i := range typ.Interfaces {
			if !excludedInterface(typ.Name, i.namedType()) {
				note(i.namedType(), typ.Name+" implements")
			}
		}
	}
	for _, d := range shopify.Directives {
		noteValues("@"+d.Name, d.Args)
	}

	for _, name := range sortedKeys(named) {
		if _, ok := servedTypes[name]; !ok {
			t.Errorf("type %s, named by Shopify's reference in %s, is not served", name, named[name])
		}
	}
}

// TestIntrospectionServesNoTypesBeyondShopify checks the other direction at
// the type level: apart from GraphQL's built-in scalars and introspection
// types, the served schema holds only types Shopify has.
func TestIntrospectionServesNoTypesBeyondShopify(t *testing.T) {
	served, shopify := schemas(t)
	shopifyTypes := typesByName(t, "Shopify's reference", shopify.Types)
	for _, typ := range served.Types {
		if builtinTypes[typ.Name] || strings.HasPrefix(typ.Name, "__") {
			continue
		}
		if _, ok := shopifyTypes[typ.Name]; !ok {
			t.Errorf("type %s (%s) is served, Shopify's reference has no such type", typ.Name, typ.Kind)
		}
	}
}

// TestIntrospectionExclusionsNameSomethingInTheReference keeps the exclusion
// table honest: each entry must name a type, field or interface link that
// Shopify's reference really has.
func TestIntrospectionExclusionsNameSomethingInTheReference(t *testing.T) {
	_, shopify := schemas(t)
	types := typesByName(t, "Shopify's reference", shopify.Types)
	for ex, why := range deliberateExclusions {
		t.Run(ex.String(), func(t *testing.T) {
			if strings.TrimSpace(why) == "" {
				t.Errorf("%s has no reason", ex)
			}
			typ, ok := types[ex.typ]
			switch {
			case ex.field != "" && ex.iface != "":
				t.Errorf("%s names both a field and an interface", ex)
			case ex.field != "":
				if !ok || !slices.ContainsFunc(typ.Fields, func(f field) bool { return f.Name == ex.field }) {
					t.Errorf("%s: Shopify's reference has no such field", ex)
				}
			case ex.iface != "":
				if !ok || !slices.ContainsFunc(typ.Interfaces, func(r typeRef) bool { return r.namedType() == ex.iface }) {
					t.Errorf("%s: Shopify's reference has no such link", ex)
				}
			case !ok:
				t.Errorf("%s: Shopify's reference has no such type", ex)
			}
		})
	}
}

// sameDefaultValue compares two introspected default values (GraphQL
// literals) by meaning: "false" and " false" are the same, as are 1 and 1.0,
// or two objects with their fields in another order.
func sameDefaultValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return canonicalLiteral(*a) == canonicalLiteral(*b)
}

// canonicalLiteral writes a GraphQL value literal in one canonical form. A
// literal the graphql-go parser cannot read (nested nulls, say) is kept as
// written, without surrounding space.
func canonicalLiteral(lit string) string {
	lit = strings.TrimSpace(lit)
	if lit == "null" {
		return "null"
	}
	doc, err := parser.Parse(parser.ParseParams{Source: "{f(v: " + lit + ")}"})
	if err != nil || len(doc.Definitions) != 1 {
		return "raw:" + lit
	}
	op, ok := doc.Definitions[0].(*ast.OperationDefinition)
	if !ok || op.SelectionSet == nil || len(op.SelectionSet.Selections) != 1 {
		return "raw:" + lit
	}
	f, ok := op.SelectionSet.Selections[0].(*ast.Field)
	if !ok || len(f.Arguments) != 1 {
		return "raw:" + lit
	}
	return canonicalValue(f.Arguments[0].Value)
}

func canonicalValue(v ast.Value) string {
	switch v := v.(type) {
	case *ast.BooleanValue:
		return strconv.FormatBool(v.Value)
	case *ast.IntValue:
		return canonicalNumber(v.Value)
	case *ast.FloatValue:
		return canonicalNumber(v.Value)
	case *ast.StringValue:
		return strconv.Quote(v.Value)
	case *ast.EnumValue:
		return v.Value
	case *ast.ListValue:
		items := make([]string, len(v.Values))
		for i, item := range v.Values {
			items[i] = canonicalValue(item)
		}
		return "[" + strings.Join(items, ",") + "]"
	case *ast.ObjectValue:
		fields := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			fields[i] = f.Name.Value + ":" + canonicalValue(f.Value)
		}
		sort.Strings(fields)
		return "{" + strings.Join(fields, ",") + "}"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func canonicalNumber(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "number:" + s
	}
	return "number:" + r.RatString()
}

func TestIntrospectionDefaultValuesCompareByMeaning(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tc := range []struct {
		a, b *string
		same bool
	}{
		{str("false"), str("false"), true},
		{str(" false"), str("false"), true},
		{str("false"), str("true"), false},
		{str("false"), nil, false},
		{nil, nil, true},
		{str("null"), nil, false},
		{str("1"), str("1.0"), true},
		{str("10"), str("1e1"), true},
		{str("1"), str("2"), false},
		{str("ID"), str("ID"), true},
		{str("ID"), str(`"ID"`), false},
		{str(`"a\u0062"`), str(`"ab"`), true},
		{str(`{b: 1, a: "x"}`), str(`{a:"x",b:1}`), true},
		{str(`[1, 2]`), str(`[2, 1]`), false},
	} {
		if got := sameDefaultValue(tc.a, tc.b); got != tc.same {
			t.Errorf("sameDefaultValue(%s, %s) = %t, want %t", describeString(tc.a), describeString(tc.b), got, tc.same)
		}
	}
}
