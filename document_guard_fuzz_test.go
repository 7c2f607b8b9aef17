package customerauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// guardSeeds are documents every fuzz target of the guard starts from:
// Shopify's own, and the corners of graphql-go's lexer.
func guardSeeds() []string {
	seeds := []string{
		storefrontdocs.CustomerCreate, storefrontdocs.CustomerAccessTokenCreate, storefrontdocs.CustomerDetails,
		storefrontdocs.CustomerUpdate, storefrontdocs.CustomerAccessTokenRenew, storefrontdocs.CustomerAccessTokenDelete,
		storefrontdocs.CustomerRecover, storefrontdocs.CustomerResetByURL, storefrontdocs.CustomerReset,
		storefrontdocs.CustomerActivateByURL, storefrontdocs.CustomerActivate, storefrontdocs.CustomerAccessTokenCreateWithMultipass,
		`{ customer(customerAccessToken: "a\"b\\c\/\b\f\n\r\t\u00e9") { email } }`,
		`{ customer(customerAccessToken: """ block \""" "" " \n """) { email } }`,
		"# a \"comment\" with 'quotes' and \"\"\"\n{ __typename }",
		"# café — ☕\n{ __typename }",
		"\uFEFF{\uFEFF__typename\uFEFF}",
		`{ a(x: -0.5e+10, y: 1E3, z: [1, 2.0, "s", true, null, E, {k: $v}]) @d(if: false) }`,
		`query Q($v: [String!]! = ["a"]) { ...F ... on QueryRoot { __typename } } fragment F on QueryRoot { __typename }`,
		`"""description""" type T implements I & J { f(a: Int = 1): [T!]! @deprecated } schema { query: T } union U = | A | B`,
		`{ a(x: "unterminated`, `{ a(x: """unterminated`, `{ a(x: "\q") }`, `{ a(x: "\u12G4") }`, `{ a(x: "\u12") }`,
		`{ a(x: 1e) }`, `{ a(x: 00) }`, `{ a(x: -) }`, `{ a(x: 1.) }`, "{ a\x01 }", `{ a % }`, `{ a .. }`, `{ a(x: "é` + "\x7f\x80" + `") }`,
		`{ a(x: "line` + "\n" + `") }`, "{ a(x: \"\"\"\x00\"\"\") }", `{ ...`, `{ a(`, `{`, `}`, `query`, `fragment on on on { a }`,
		"{ # comment\r\n a\r b\n }", `{ a(x: "\u00e9\u00E9") b(y: """a\\"""b""") }`,
	}
	return seeds
}

// lexStream returns the tokens graphql-go's lexer gives the parser for
// doc, in the order the parser asks for them, and the error that ends
// them, if any.
func lexStream(doc string) ([]lexer.Token, error) {
	next := lexer.Lex(&source.Source{Body: []byte(doc), Name: sourceName})
	var toks []lexer.Token
	from := 0
	for {
		t, err := next(from)
		if err != nil {
			return toks, err
		}
		toks = append(toks, t)
		if t.Kind == lexer.EOF {
			return toks, nil
		}
		from = t.End
	}
}

// checkScanMatchesGraphQLGo fails t unless the guard's lexer reads doc as
// graphql-go's does, and the scan refuses doc exactly when graphql-go's
// parser does, with graphql-go's message and location.
func checkScanMatchesGraphQLGo(t *testing.T, doc string) {
	t.Helper()
	// Limits out of the way: every document goes through the whole scan.
	l := RequestLimits{MaxTokens: 1 << 30, MaxNesting: 1 << 30, MaxNameLength: 1 << 30}

	want, wantErr := lexStream(doc)
	sc := docScanner{body: doc}
	from := 0
	for i := 0; ; i++ {
		got, err := sc.read(from)
		if err != nil || i == len(want) {
			if i != len(want) || wantErr == nil || err == nil {
				t.Fatalf("token %d: scan error %v, graphql-go tokens %d and error %v", i, err, len(want), wantErr)
			}
			if w := sc.syntaxError(err.pos, err.desc).msg; !strings.HasPrefix(wantErr.Error(), w+"\n\n") {
				t.Fatalf("lexical error\n got %q\nwant %q", w, wantErr)
			}
			break
		}
		w := want[i]
		if got.kind != w.Kind || got.start != w.Start || got.end != w.End || (got.kind == lexer.NAME || got.kind == lexer.INT || got.kind == lexer.FLOAT) && got.text != w.Value {
			t.Fatalf("token %d: got %v %d-%d %q, graphql-go %v %d-%d %q", i, got.kind, got.start, got.end, got.text, w.Kind, w.Start, w.End, w.Value)
		}
		if got.kind == lexer.EOF {
			if wantErr != nil {
				t.Fatalf("scan reached the end, graphql-go: %v", wantErr)
			}
			break
		}
		from = got.end
	}

	_, gerr := scanDocument(doc, l)
	_, perr := parser.Parse(parser.ParseParams{Source: &source.Source{Body: []byte(doc), Name: sourceName}})
	switch {
	case gerr == nil && perr == nil:
	case gerr == nil:
		t.Fatalf("scan passed a document graphql-go refuses: %v", perr)
	case perr == nil:
		t.Fatalf("scan refused a document graphql-go parses: %s", gerr.msg)
	default:
		if gerr.code != "GRAPHQL_PARSE_FAILED" {
			t.Errorf("code %q", gerr.code)
		}
		msg := gerr.msg
		if len(doc) > maxShownValue && strings.HasSuffix(msg, `..."`) { // the value was shortened
			msg = strings.TrimSuffix(msg, `..."`)
		} else {
			msg += "\n\n"
		}
		if !strings.HasPrefix(perr.Error(), msg) {
			t.Fatalf("syntax error\n got %q\nwant %q", gerr.msg, perr)
		}
		var ge *gqlerrors.Error
		if errors.As(perr, &ge) && fmt.Sprint(ge.Locations) != fmt.Sprint(gerr.locations) {
			t.Fatalf("locations %v, graphql-go %v", gerr.locations, ge.Locations)
		}
	}
}

func TestScanMatchesGraphQLGoOnSeeds(t *testing.T) {
	for _, doc := range guardSeeds() {
		t.Run("", func(t *testing.T) { checkScanMatchesGraphQLGo(t, doc) })
	}
	for _, s := range costShapes {
		t.Run(s.name, func(t *testing.T) { checkScanMatchesGraphQLGo(t, s.doc(300)) })
	}
}

// FuzzScanMatchesGraphQLGo checks on arbitrary documents that the guard's
// lexer is graphql-go's, token for token, and that the scan refuses exactly
// the documents graphql-go's parser refuses, with the same message and
// location: so it refuses no valid document, and no document it passes
// reaches graphql-go's syntax error path. Documents are kept short, where
// graphql-go's error path is cheap enough to compare with.
func FuzzScanMatchesGraphQLGo(f *testing.F) {
	for _, doc := range guardSeeds() {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 4<<10 {
			return
		}
		checkScanMatchesGraphQLGo(t, doc)
	})
}

// padUnits are what FuzzGuardCost pads documents with: the fillings of the
// shapes that made graphql-go quadratic (long lines, long names, strings
// and comments, many lines, multi-byte characters, byte order marks).
var padUnits = []string{" ", "x", "\n", "é", "\uFEFF", `\"`, "# x\n", "0", ",", "\t", `\u00e9`, `\"""`, "\r\n", "a "}

// FuzzGuardCost pads an arbitrary document with 16 KiB of one of padUnits
// at an arbitrary place, the way the pathological shapes are built, and
// bounds the cost of the guard, of graphql-go's parse and of the whole of
// prepare (guard, parse, validation) as TestGuardCostIsLinear does,
// without timing anything: the characters the scan looks at, the bytes
// allocated by scan and parse per byte of document, and the bytes prepare
// allocates for the padding: padding twice as long (the same unit at the
// same place, so the document means the same) may cost only a linear
// amount more. A document the scan passes must parse: graphql-go's syntax
// error path, the quadratic one, is never reached.
func FuzzGuardCost(f *testing.F) {
	for i, doc := range guardSeeds() {
		f.Add(doc, uint(len(doc)/2), uint8(i))
	}
	for i, doc := range validationCorpus() {
		f.Add(doc, uint(len(doc)), uint8(i))
	}
	for i, s := range validationShapes {
		f.Add(s.doc(2<<10), uint(0), uint8(i))
	}
	limits := RequestLimits{}.withDefaults()
	svc, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DocumentCache: -1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string, at uint, unit uint8) {
		if len(doc) > 4<<10 {
			return
		}
		pad := padUnits[int(unit)%len(padUnits)]
		cut := int(at % uint(len(doc)+1))
		padded := func(size int) string {
			return doc[:cut] + strings.Repeat(pad, size/len(pad)) + doc[cut:]
		}
		doc16, doc32 := padded(16<<10), padded(32<<10)

		refused := checkScanSteps(t, doc16)
		alloc := allocatedBy(func() {
			_, gerr := scanDocument(doc16, limits)
			if gerr != nil || refused {
				return
			}
			if _, err := parser.Parse(parser.ParseParams{Source: &source.Source{Body: []byte(doc16), Name: sourceName}}); err != nil {
				t.Fatalf("the scan passed a document graphql-go refuses: %.200s", err)
			}
		})
		// Scan and a successful parse allocate tens of bytes per byte of
		// document (a storefront document: 35); graphql-go's error path
		// at column 16k would allocate 128 MB.
		if alloc > 200*uint64(len(doc16))+1<<20 {
			t.Errorf("scan and parse allocated %d bytes for %d bytes of document", alloc, len(doc16))
		}

		ctx := context.Background()
		a16 := allocatedBy(func() { svc.api.prepare(ctx, doc16) })
		a32 := allocatedBy(func() { svc.api.prepare(ctx, doc32) })
		// Validation costs at most a few thousand bytes per byte of the
		// document's content (TestGuardCostIsLinear), and the padding
		// what scan and parse spend on it; errors located by a regular
		// expression over the whole text, the quadratic path, cost more
		// than a megabyte each for 16 KiB of lines.
		if a16 > 5000*uint64(len(doc))+300*uint64(len(doc16))+2<<20 {
			t.Errorf("prepare allocated %d bytes for %d bytes of document (%d before padding)", a16, len(doc16), len(doc))
		}
		if a32 > a16 && a32-a16 > 300*uint64(len(doc32)-len(doc16))+1<<20 {
			t.Errorf("prepare allocated %d bytes for %d bytes of document, %d for %d", a32, len(doc32), a16, len(doc16))
		}
	})
}
