package customerauth

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/printer"
	"github.com/graphql-go/graphql/language/source"

	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// validationCorpus holds documents that make every one of graphql-go's
// validation rules report, the replaced ones most, and Shopify's own.
func validationCorpus() []string {
	docs := []string{
		storefrontdocs.CustomerCreate, storefrontdocs.CustomerAccessTokenCreate, storefrontdocs.CustomerDetails,
		storefrontdocs.CustomerUpdate, storefrontdocs.CustomerAccessTokenRenew, storefrontdocs.CustomerAccessTokenDelete,
		storefrontdocs.CustomerRecover, storefrontdocs.CustomerResetByURL, storefrontdocs.CustomerReset,
		storefrontdocs.CustomerActivateByURL, storefrontdocs.CustomerActivate, storefrontdocs.CustomerAccessTokenCreateWithMultipass,
		// Unknown names, with and without suggestions.
		`{ shop { name } }`,
		`{ custmer(customerAccessToken: "x") { email } }`,
		`{ customer(customerAccessToken: "x") { emial firstname lastNam id2 } }`,
		`{ customer(customerAccessToken: "x") { zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz } }`,
		`{ customer(customerAcessToken: "x") { email } }`,
		`{ customer(token: "x", customerAccessToken: "x") { email } }`,
		`{ customer(customerAccessToken: "x") { addresses(frist: 1) { nodes { id } } } }`,
		`{ __typename @skip(iff: true) }`,
		`{ __typename @skip(if: true, unless: false) }`,
		`{ __typename @skipp(if: true) }`,
		`query($t: Strng!) { customer(customerAccessToken: $t) { email } }`,
		`query($t: customer) { __typename }`,
		`query($t: CustomerCreateInpt) { __typename }`,
		`query($a: Xyz, $b: [Xyz!]!, $c: Boolen) { __typename }`,
		`{ ...F } fragment F on Custmer { email }`,
		`{ ... on Custmer { email } }`,
		`mutation { customerAccessTokenCreate(input: {email: "a@b.c", password: "x"}) { customerAccessToken { accesToken } customerUserErrors { cod message } } }`,
		`mutation { customerAccessTokenCreate(input: {email: "a@b.c", password: "x"}) { customerUserErrors { ... on DisplayableError { message fieldd } } } }`,
		`mutation { customerAccessTokenCreate(input: {email: "a@b.c", password: "x"}) { userErrors { code } } }`,
		// Literal values of the wrong type.
		`{ customer(customerAccessToken: 1) { email } }`,
		`{ customer(customerAccessToken: ["a", "b"]) { email } }`,
		`{ customer(customerAccessToken: [[1]]) { email } }`,
		`{ customer(customerAccessToken: {a: 1}) { email } }`,
		`{ customer(customerAccessToken: "x") { addresses(first: "ten") { nodes { id } } } }`,
		`{ customer(customerAccessToken: "x") { addresses(first: 1.5, reverse: "no") { nodes { id } } } }`,
		`mutation { customerCreate(input: {}) { customer { id } } }`,
		`mutation { customerCreate(input: {email: 1, password: ["x"], extra: true, acceptsMarketing: "yes"}) { customer { id } } }`,
		`mutation { customerCreate(input: [{email: "a@b.c"}, {password: 1}]) { customer { id } } }`,
		`mutation { customerCreate(input: "x") { customer { id } } }`,
		`mutation { customerUpdate(customerAccessToken: "t", customer: {email: "x", phone: 5, firstName: NULL}) { customer { id } } }`,
		`query($t: String = 1) { customer(customerAccessToken: $t) { email } }`,
		`query($t: String! = "x") { customer(customerAccessToken: $t) { email } }`,
		`query($n: Int = "x", $b: [Boolean] = [true, "no", 1, [false]]) { __typename @skip(if: $b) customer(customerAccessToken: "x") { addresses(first: $n) { nodes { id } } } }`,
		`query($i: CustomerCreateInput = {email: "a", zz: 1, password: [1, 2]}) { __typename }`,
		`query($v: [[String]] = [[1, "a"], 2, [[3]]]) { __typename }`,
		`{ __typename @skip(if: "yes") @include(if: 1) }`,
		`{ customer(customerAccessToken: "x", customerAccessToken: "y") { email } }`,
		`mutation { customerCreate(input: {email: "a", email: "b", password: "c"}) { customer { id } } }`,
		`mutation { customerCreate(input: {email: "a", password: "c"}) @skip(if: true, if: false) { customer { id } } }`,
		// Overlapping fields.
		`{ customer(customerAccessToken: "x") { email } customer(customerAccessToken: "y") { email } }`,
		`{ customer(customerAccessToken: "x") { email: firstName email } }`,
		`{ customer(customerAccessToken: "x") { a: email a: phone a: firstName } }`,
		`{ customer(customerAccessToken: "x") { addresses(first: 1) { nodes { id } } addresses(first: 2) { nodes { id } } } }`,
		`{ customer(customerAccessToken: "x") { addresses(first: 1) { nodes { id } } addresses(first: 1) { nodes { id: city } } } }`,
		`{ c: customer(customerAccessToken: "x") { x: email } c: customer(customerAccessToken: "x") { x: phone x: id } }`,
		`{ customer(customerAccessToken: "x") { ...A ...B email } } fragment A on Customer { email: phone } fragment B on Customer { email: id }`,
		`{ customer(customerAccessToken: "x") { ...A ... on Customer { id: email } } } fragment A on Customer { id }`,
		`{ customer(customerAccessToken: "x") { addresses(first: 1, reverse: true) { nodes { id } } addresses(reverse: true, first: 1) { nodes { id } } } }`,
		`{ customer(customerAccessToken: "x") { addresses(first: 1) { nodes { id } } addresses(first: 1, reverse: false) { nodes { id } } } }`,
		`{ customer(customerAccessToken: ["a", {b: [1, 2.5, true, "n", ENUM, $v]}]) { email } customer(customerAccessToken: ["a", {b: [1, 2.5, true, "n", ENUM, $v]}]) { email } }`,
		`query($v: String) { customer(customerAccessToken: ["a", {b: [1, 2.5, true, "n", ENUM, $v]}]) { email } customer(customerAccessToken: ["a", {b: [1, 2.5, true, "n", ENUM, $w]}]) { email } }`,
		`{ a: __typename a: __schema { queryType { name } } }`,
		`{ __schema { types { name } types { name: description } } }`,
		`{ __typename(x: 1) __typename(x: 2) }`,
		`{ f(x: 1) f(x: 2) f(x: 1) g g(y: 1) }`,
		// Fragments and operations.
		`{ ...Missing }`,
		`{ __typename } fragment F on QueryRoot { __typename }`,
		`{ ...F } fragment F on Boolean { __typename }`,
		`{ ... on String { __typename } }`,
		`{ customer(customerAccessToken: "x") { ...F } } fragment F on QueryRoot { __typename }`,
		`{ __typename } { __typename }`,
		`query A { __typename } query A { __typename }`,
		`query A { __typename } { __typename } mutation B { __typename }`,
		`{ ...F ...F } fragment F on QueryRoot { __typename } fragment G on QueryRoot { ...F }`,
		// Variables.
		`{ customer(customerAccessToken: $t) { email } }`,
		`query Q { customer(customerAccessToken: $t) { email } }`,
		`query($t: String!, $u: Int) { customer(customerAccessToken: $t) { email } }`,
		`query Q($t: String!, $t: String!) { customer(customerAccessToken: $t) { email } }`,
		`query($t: Int!) { customer(customerAccessToken: $t) { email } }`,
		`query($t: [String]) { customer(customerAccessToken: $t) { email } }`,
		`query($t: Customer) { customer(customerAccessToken: $t) { email } }`,
		`query($t: [[Customer!]]!) { __typename }`,
		`query A($t: String!) { ...F } query B { ...F } fragment F on QueryRoot { customer(customerAccessToken: $t) { email } }`,
		`query($b: Boolean) { __typename @skip(if: $b) }`,
		// Leaves.
		`{ customer(customerAccessToken: "x") }`,
		`{ customer(customerAccessToken: "x") { email { x } } }`,
		`{ customer }`,
		`mutation { customerRecover }`,
		`{ __typename @unknown }`,
		`query @skip(if: true) { __typename }`,
		"{\r\n  customer(customerAccessToken: \"x\") {\r    emial\n    firstNme\r\n  }\n}\n",
		"# comment\n\n\n{ zz\n\n  yy }",
		// Type system definitions validate.
		`type T { a: Int } { __typename }`,
		`schema { query: QueryRoot } scalar S`,
	}
	return append(docs, guardSeeds()...)
}

// referenceErrors validates doc as graphql-go does on its own: parsed with
// its source, the specified rules in one pass.
func referenceErrors(schema *graphql.Schema, doc string) ([]gqlerrors.FormattedError, bool) {
	d, err := parser.Parse(parser.ParseParams{Source: &source.Source{Body: []byte(doc), Name: sourceName}})
	if err != nil {
		return nil, false
	}
	return graphql.ValidateDocument(schema, d, nil).Errors, true
}

// guardedErrors validates doc as prepare does, or reports that the guard
// refuses it before validation.
func guardedErrors(schema *graphql.Schema, doc string, l RequestLimits) ([]gqlerrors.FormattedError, bool) {
	m, gerr := scanDocument(doc, l)
	if gerr != nil || m.exceeded(doc, l) != nil {
		return nil, false
	}
	d, err := parser.Parse(parser.ParseParams{Source: &source.Source{Body: []byte(doc), Name: sourceName}, Options: parser.ParseOptions{NoSource: true}})
	if err != nil || variableTypesError(doc, d) != nil {
		return nil, false
	}
	merges, gerr := checkDocument(d, l)
	if gerr != nil {
		return nil, false
	}
	return validate(schema, d, doc, merges), true
}

var suggestionsRE = regexp.MustCompile(`( Did you mean (?:to use an inline fragment on )?)((?:"[^"]*"(?:, | or |, or )?)+)\?`)

// normalizedMessage makes the parts of a message that graphql-go words in
// an order that varies from run to run comparable: the names of a "Did you
// mean" (as a set; only how many, when graphql-go shows five of more) and
// the lines about a value (as a set: an input object's fields come in map
// order).
func normalizedMessage(msg string) string {
	msg = suggestionsRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := suggestionsRE.FindStringSubmatch(m)
		names := regexp.MustCompile(`"[^"]*"`).FindAllString(sub[2], -1)
		if len(names) == 5 {
			return fmt.Sprintf("%s<5 names>?", sub[1])
		}
		slices.Sort(names)
		return sub[1] + strings.Join(names, " ") + "?"
	})
	lines := strings.Split(msg, "\n")
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// checkValidationMatchesGraphQLGo fails t unless validate reports on doc
// what graphql-go reports, in the same order, at the same locations. It
// reports whether the document was compared (the guard let it through).
func checkValidationMatchesGraphQLGo(t *testing.T, schema *graphql.Schema, doc string) bool {
	t.Helper()
	l := RequestLimits{}.withDefaults()
	got, ok := guardedErrors(schema, doc, l)
	if !ok {
		return false
	}
	want, ok := referenceErrors(schema, doc)
	if !ok {
		t.Fatalf("the guard passed a document graphql-go cannot parse: %q", doc)
	}
	show := func(errs []gqlerrors.FormattedError) string {
		var b strings.Builder
		for _, e := range errs {
			fmt.Fprintf(&b, "\n  %q %v", e.Message, e.Locations)
		}
		return b.String()
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d errors, graphql-go %d:%s\ngraphql-go:%s", doc, len(got), len(want), show(got), show(want))
	}
	for i := range got {
		if normalizedMessage(got[i].Message) != normalizedMessage(want[i].Message) || fmt.Sprint(got[i].Locations) != fmt.Sprint(want[i].Locations) {
			t.Fatalf("%q: error %d\n got %q %v\nwant %q %v", doc, i, got[i].Message, got[i].Locations, want[i].Message, want[i].Locations)
		}
	}
	return true
}

func testSchema(t testing.TB) *graphql.Schema {
	t.Helper()
	svc, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DocumentCache: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &svc.api.gql.schema
}

// TestValidationMatchesGraphQLGo: the validation prepare runs (graphql-go's
// rules, five of them replaced, the overlap rule in a pass of its own, on a
// tree without its source) reports what graphql-go's own reports, in the
// same order and at the same locations, on documents that break every
// rule.
func TestValidationMatchesGraphQLGo(t *testing.T) {
	if len(graphql.SpecifiedRules) != len(validationRules)+1 {
		t.Fatalf("graphql-go has %d rules, validationRules %d and the overlap rule: a new graphql-go?", len(graphql.SpecifiedRules), len(validationRules))
	}
	schema := testSchema(t)
	compared := 0
	for _, doc := range validationCorpus() {
		if checkValidationMatchesGraphQLGo(t, schema, doc) {
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("only %d documents compared", compared)
	}
}

// FuzzValidationMatchesGraphQLGo is TestValidationMatchesGraphQLGo on
// arbitrary documents that the guard lets through, kept short, where
// graphql-go's own validation is cheap enough to compare with.
func FuzzValidationMatchesGraphQLGo(f *testing.F) {
	for _, doc := range validationCorpus() {
		f.Add(doc)
	}
	schema := testSchema(f)
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 2<<10 {
			return
		}
		checkValidationMatchesGraphQLGo(t, schema, doc)
	})
}

// TestLocateErrorsMatchesGraphQLGo: the one-pass locations are
// location.GetLocation's, at every position of documents with every kind
// of line terminator, given in any order and more than once.
func TestLocateErrorsMatchesGraphQLGo(t *testing.T) {
	for _, doc := range []string{"", "a", "\n", "\r\n", "\r\r\n\n", "query Q(\r\n  $v: \r\r\n\n  $w: String\r) { __typename }\n", "é\n☕\r\nx"} {
		src := &source.Source{Body: []byte(doc), Name: sourceName}
		var positions []int
		for pos := 0; pos <= len(doc)+1; pos++ {
			positions = append(positions, pos)
		}
		rand.Shuffle(len(positions), func(i, j int) { positions[i], positions[j] = positions[j], positions[i] })
		positions = append(positions, positions...)
		// One error for every position, and one with them all.
		var errs []gqlerrors.FormattedError
		for _, pos := range positions {
			errs = append(errs, gqlerrors.FormatError(gqlerrors.NewError("e", nil, "", nil, []int{pos}, nil)))
		}
		errs = append(errs, gqlerrors.FormatError(gqlerrors.NewError("all", nil, "", nil, positions, nil)))
		locateErrors(doc, errs)
		for i, pos := range positions {
			if want := location.GetLocation(src, pos); errs[i].Locations[0] != want {
				t.Errorf("%q at %d: %v, want %v", doc, pos, errs[i].Locations[0], want)
			}
			if want := location.GetLocation(src, pos); errs[len(errs)-1].Locations[i] != want {
				t.Errorf("%q, error with all positions, at %d: %v, want %v", doc, pos, errs[len(errs)-1].Locations[i], want)
			}
		}
	}
}

// randomValue returns a value of up to depth levels.
func randomValue(r *rand.Rand, depth int) string {
	leaves := []string{`1`, `-0`, `2.5e-3`, `"s"`, `""`, `"é\"\\\n\t\u2028 ☕"`, `"""block "" \""" x"""`, `true`, `false`, `ENUM`, `$v`}
	if depth == 0 || r.IntN(3) == 0 {
		return leaves[r.IntN(len(leaves))]
	}
	n := r.IntN(4)
	parts := make([]string, n)
	if r.IntN(2) == 0 {
		for i := range parts {
			parts[i] = randomValue(r, depth-1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	for i := range parts {
		parts[i] = fmt.Sprintf("f%d: %s", r.IntN(3), randomValue(r, depth-1))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// TestPrintValueMatchesGraphQLGo: printValue prints values as graphql-go's
// printer does.
func TestPrintValueMatchesGraphQLGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		v := randomValue(r, 4)
		d, err := parser.Parse(parser.ParseParams{Source: "{ a(x: " + v + ") }"})
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		val := d.Definitions[0].(*ast.OperationDefinition).SelectionSet.Selections[0].(*ast.Field).Arguments[0].Value
		if got, want := printValue(val), printer.Print(val); got != want {
			t.Fatalf("%s: printed %q, graphql-go %q", v, got, want)
		}
	}
}
