package customerauth

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// costShape is a document class whose cost per byte the guard must keep
// near that of an ordinary document, at any size up to the body limit.
type costShape struct {
	name string
	// refused: the guard answers it without graphql-go parsing it.
	refused bool
	// doc returns a document of about n bytes, never more.
	doc func(n int) string
}

// fill returns prefix + unit repeated + suffix, at most n bytes long.
func fill(prefix, unit, suffix string, n int) string {
	k := max(0, (n-len(prefix)-len(suffix))/len(unit))
	return prefix + strings.Repeat(unit, k) + suffix
}

const argOpen = `{ customer(customerAccessToken: `

// costShapes are the shapes measured by BenchmarkGuardAndParse and bounded
// by TestGuardCostIsLinear. Before the guard knew them, every refused one
// was quadratic in graphql-go v0.8.1: its syntax errors pad a string one
// space per column of the error (gqlerrors.highlightSourceAtLocation), so
// an error on a long line costs the square of the line's length, and each
// also scans the whole body with a regexp three times.
var costShapes = []costShape{
	// Refused: malformed text.
	{"unterminated string", true, func(n int) string { return fill(argOpen+`"`, "x", "", n) }},
	{"unterminated string with escapes", true, func(n int) string { return fill(argOpen+`"`, `\"`, "", n) }},
	{"unterminated block string", true, func(n int) string { return fill(argOpen+`"""`, "x", "", n) }},
	{"unterminated block string of lines", true, func(n int) string { return fill(argOpen+`"""`, "xxxxxxx\n", "", n) }},
	{"unterminated block string of escaped quotes", true, func(n int) string { return fill(argOpen+`"""`, `\"""`, "", n) }},
	{"bad escape after a long string", true, func(n int) string { return fill(argOpen+`"`, "x", `\q") { email } }`, n) }},
	{"bad unicode escape after many", true, func(n int) string { return fill(argOpen+`"`, `\u00e9`, `\u00zz") { email } }`, n) }},
	{"control character after spaces", true, func(n int) string { return fill(`{`, " ", "\x01 }", n) }},
	{"unexpected character after spaces", true, func(n int) string { return fill(`{`, " ", "% }", n) }},
	{"number without exponent digits", true, func(n int) string { return fill(argOpen, " ", "1e) { email } }", n) }},
	{"syntax error after spaces", true, func(n int) string { return fill(`{ customer`, " ", "! }", n) }},
	{"syntax error after a long name", true, func(n int) string { return fill(`{ `, "a", "! }", n) }},
	{"syntax error after a long string", true, func(n int) string { return fill(argOpen+`"`, "x", `" ! }`, n) }},
	{"syntax error after a long comment", true, func(n int) string { return fill(`{ customer #`, "x", "\n! }", n) }},
	{"syntax error after many lines", true, func(n int) string { return fill(`{ customer`, "\n", "! }", n) }},
	{"syntax error after many comment lines", true, func(n int) string { return fill(`{ customer`, "# x\n", "! }", n) }},
	{"end of document after spaces", true, func(n int) string { return fill(argOpen, " ", "", n) }},
	{"name after byte order marks", true, func(n int) string { return fill(`{ `, "\uFEFF", "customer }", n) }},
	{"name after a comment of multibyte characters", true, func(n int) string { return fill(`{ #`, "é", "\ncustomer }", n) }},
	{"long name", true, func(n int) string { return fill(`{ `, "a", " }", n) }}, // RequestLimits.MaxNameLength
	// Accepted by the guard: graphql-go parses them (validation may still
	// refuse them, once, as any document).
	{"long string", false, func(n int) string { return fill(argOpen+`"`, "x", `") { email } }`, n) }},
	{"string of escapes", false, func(n int) string { return fill(argOpen+`"`, `\"`, `") { email } }`, n) }},
	{"string of unicode escapes", false, func(n int) string { return fill(argOpen+`"`, `\u00e9`, `") { email } }`, n) }},
	{"string of multibyte characters", false, func(n int) string { return fill(argOpen+`"`, "é", `") { email } }`, n) }},
	{"block string of lines", false, func(n int) string { return fill(argOpen+`"""`, "  xxxxx\n", `""") { email } }`, n) }},
	{"block string of escaped quotes", false, func(n int) string { return fill(argOpen+`"""`, `\"""`, `""") { email } }`, n) }},
	{"long comment", false, func(n int) string { return fill(`{ __typename #`, "x", "\n}", n) }},
	{"many lines", false, func(n int) string { return fill(`{ __typename`, "\n", "}", n) }},
	{"spaces", false, func(n int) string { return fill(`{ __typename`, " ", "}", n) }},
	{"long number", false, func(n int) string { return fill(argOpen+`1`, "0", `) { email } }`, n) }},
	// Accepted by the scan, reported by validation or refused by the
	// guards after parsing; see validationShapes.
	{"variable without a type after spaces", false, func(n int) string { return fill(`query(`, " ", `$v:) { __typename }`, n) }},
}

// validationShapes are the documents whose validation by graphql-go
// v0.8.1 cost more than linear time before prepare kept it linear: many
// errors (each located by a regular expression over the whole text),
// fields sharing a response name (compared two by two, their arguments
// printed by a printer quadratic in their size), unknown names (suggestions
// computed in the product of the names' lengths), values nested deep (each
// message rebuilt at every level), fragments spread together (compared two
// by two) or in a diamond (followed along every path). Each is as much of
// its content as the token limit and n allow, after padding (pad: a
// comment, lines, or white space) that fills the document to n bytes, so
// that every error is located past it.
var validationShapes = []costShape{
	{"unknown fields after a long comment", false, units("#", "{ ", func(i int) string { return fmt.Sprintf("zz%d ", i) }, 1000, "}")},
	{"unknown fields after many lines", false, units("\n", "{ ", func(i int) string { return fmt.Sprintf("zz%d ", i) }, 1000, "}")},
	{"unknown fields on lines of their own", false, units("\r\n", "{\n", func(i int) string { return fmt.Sprintf("zz%d\r\n", i) }, 1000, "}")},
	{"long unknown field names", false, units(" ", "{ ", func(i int) string { return fmt.Sprintf("a%0254d ", i) }, 1000, "}")},
	{"long unknown type names", false, units("\n", "query(", func(i int) string { return fmt.Sprintf("$v%d: %s%0240d ", i, "Customer", i) }, 1200, ") { __typename }")},
	{"unknown types of 30 characters", false, units("#", "query(", func(i int) string { return fmt.Sprintf("$v%d: %s ", i, strings.Repeat("Q", 30)) }, 1200, ") { __typename }")},
	{"duplicate variables of unknown types", false, units("#", "query(", func(int) string { return "$v: Xyz, " }, 1200, ") { __typename }")},
	{"fields with different arguments", false, units("\n", "{ ", func(i int) string { return fmt.Sprintf(`a(x: "%d") `, i) }, 14, "}")}, // 91 pairs
	{"fields with the same arguments", false, units("\n", "{ ", func(i int) string { return fmt.Sprintf(`f%d(x: [1, 2, {a: "b"}]) `, i/20) }, 340, "}")},
	{"arguments nested deep, repeated", false, units("#", "{ ", func(int) string {
		return `customer(customerAccessToken: ` + strings.Repeat("[", 60) + `"x"` + strings.Repeat("]", 60) + `) { email } `
	}, 20, "}")},
	{"a default value nested deep", false, units("#", "query($v: "+strings.Repeat("[", 60)+"String"+strings.Repeat("]", 60)+" = "+strings.Repeat("[", 60), func(int) string { return "1," }, 4600, strings.Repeat("]", 60)+") { __typename }")},
	{"a default value with many wrong elements", false, units("#", "query($v: [String] = [", func(int) string { return "1," }, 4900, "]) { __typename }")},
	{"fragments spread together", false, units("#", "{ customer(customerAccessToken: \"x\") { ", func(i int) string { return fmt.Sprintf("...F%d ", i) }, 140, "} } "+customerFragments(140))},
	{"fragments in a diamond ending in an unknown spread", false, units(" ", "{ customer(customerAccessToken: \"x\") { ...L0 } } ", func(i int) string {
		return fmt.Sprintf("fragment L%d on Customer { ...L%d ...R%d } fragment R%d on Customer { ...L%d ...R%d } ", i, i+1, i+1, i, i+1, i+1)
	}, 100, "fragment L100 on Customer { ...Missing } fragment R100 on Customer { ...Missing }")},
}

// units returns a document of at most n bytes: padding made of pad ("#"
// for one comment line), then prefix, up to max units, and suffix; the
// units stop where the document would exceed n, except the first.
func units(pad, prefix string, unit func(i int) string, max int, suffix string) func(n int) string {
	return func(n int) string {
		var b strings.Builder
		b.WriteString(prefix)
		for i := 0; i < max; i++ {
			u := unit(i)
			if i > 0 && b.Len()+len(u)+len(suffix) > n {
				break
			}
			b.WriteString(u)
		}
		b.WriteString(suffix)
		body := b.String()
		rest := n - len(body)
		switch {
		case rest <= 2:
			return body
		case pad == "#":
			return "#" + strings.Repeat("x", rest-2) + "\n" + body
		}
		return strings.Repeat(pad, rest/len(pad)) + body
	}
}

// customerFragments returns fragments F0 ... Fn-1 on Customer, each
// selecting one of its scalar fields, none more than 20 times.
func customerFragments(n int) string {
	fields := []string{"acceptsMarketing", "avatarUrl", "createdAt", "displayName", "email", "firstName", "id", "lastName", "numberOfOrders", "phone", "tags", "updatedAt"}
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Customer { %s } ", i, fields[i%len(fields)])
	}
	return b.String()
}

var costSizes = []int{10 << 10, 100 << 10, 1 << 20}

func sizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dkB", n>>10)
}

// BenchmarkGuardAndParse sends each shape through Handler, as a client
// would (application/graphql, so the body is the document byte for byte),
// and reports the cost per byte of document. The document cache is off, so
// every iteration scans, parses and validates; the first sub-benchmark is a
// storefront document, the cost per byte to compare with.
func BenchmarkGuardAndParse(b *testing.B) {
	svc, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DocumentCache: -1})
	if err != nil {
		b.Fatal(err)
	}
	h := svc.Handler()
	run := func(name, doc string) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(doc))
				r.Header.Set("Content-Type", "application/graphql")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %.300s", w.Code, w.Body.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(doc)), "ns/byte")
		})
	}
	run("storefront_document", storefrontdocs.CustomerDetails)
	for _, s := range append(costShapes, validationShapes...) {
		for _, n := range costSizes {
			run(strings.ReplaceAll(s.name, " ", "_")+"/"+sizeName(n), s.doc(n))
		}
	}
}

// maxScanStepsPerByte bounds the characters the scan looks at per byte of
// document. It looks at most bytes once, at a quote or a backslash up to
// three ahead, and at a token again only to name it in an error.
const maxScanStepsPerByte = 8

// allocatedBy returns the bytes f allocates: the least of three runs, so
// that an allocation by another goroutine during one run does not count.
func allocatedBy(f func()) uint64 {
	var least uint64
	for i := 0; i < 3; i++ {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; i == 0 || d < least {
			least = d
		}
	}
	return least
}

// checkScanSteps fails t unless the scan of doc stays within
// maxScanStepsPerByte, and returns its verdict.
func checkScanSteps(t *testing.T, doc string) (refused bool) {
	t.Helper()
	l := RequestLimits{}.withDefaults()
	sc := docScanner{body: doc}
	m, gerr := sc.scan(l)
	if sc.steps > maxScanStepsPerByte*len(doc)+64 {
		t.Errorf("scan looked at %d characters of a %d-byte document", sc.steps, len(doc))
	}
	return gerr != nil || m.exceeded(doc, l) != nil
}

// TestGuardCostIsLinear bounds the cost per byte of every shape in
// costShapes and validationShapes at 1 MiB, the body limit, through
// Handler, and that of the validation shapes at 10 kB, where they are
// all content.
//
// Nothing here is timed: these machines are shared and noisy. Cost is
// counted two ways that do not depend on the machine. The scan counts the
// characters it looks at (exact). Handler's whole answer is measured in
// bytes allocated (runtime.MemStats.TotalAlloc, a running total that does
// not depend on when the collector runs; the least of three runs, so an
// allocation by another goroutine cannot add to all of them): graphql-go's
// quadratic error path allocates a string per column, so it shows there
// as clearly as in time, a thousand times over at 1 MiB. The bounds are
// ratios measured in the same test: bytes allocated per byte of document
// at 1 MiB at most 20 times that of the same shape at 10 kB (linear cost
// gives 1, the old quadratic path about 100 at these sizes), and at most
// 20 times that of a real storefront document; a validation shape at 10 kB
// at most 40 times (graphql-go's validation before prepare kept it linear:
// 10 to 1000 times more than its cost now at 10 kB, and at 1 MiB hours).
// The margins are wide enough for any noise and any linear change, and
// far below a quadratic one.
func TestGuardCostIsLinear(t *testing.T) {
	svc, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), DocumentCache: -1})
	if err != nil {
		t.Fatal(err)
	}
	h := svc.Handler()
	perByte := func(doc string) float64 {
		return float64(allocatedBy(func() {
			r := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(doc))
			r.Header.Set("Content-Type", "application/graphql")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("%d %.300s", w.Code, w.Body.String())
			}
		})) / float64(len(doc))
	}
	normal := perByte(storefrontdocs.CustomerDetails)
	validation := map[string]bool{}
	for _, s := range validationShapes {
		validation[s.name] = true
	}
	for _, s := range append(costShapes, validationShapes...) {
		t.Run(s.name, func(t *testing.T) {
			small, large := s.doc(10<<10), s.doc(1<<20)
			for _, doc := range []string{small, large} {
				// Checked before Handler runs: a malformed document the
				// scan let through would take hours there.
				if refused := checkScanSteps(t, doc); refused != s.refused {
					t.Fatalf("%d bytes: refused %v, want %v", len(doc), refused, s.refused)
				}
			}
			smallCost, largeCost := perByte(small), perByte(large)
			t.Logf("bytes allocated per byte of document: %.1f at 1 MiB, %.1f at 10 kB, %.1f for a storefront document", largeCost, smallCost, normal)
			if largeCost > 20*smallCost || largeCost > 20*normal {
				t.Errorf("bytes allocated per byte of document: %.1f at 1 MiB, %.1f at 10 kB, %.1f for a storefront document", largeCost, smallCost, normal)
			}
			// At 10 kB a validation shape is all content: the densest cost
			// 15 times a storefront document (values nested 60 deep:
			// graphql-go's visitor copies a node's ancestors for every
			// node); their quadratic paths cost thousands of times.
			if validation[s.name] && smallCost > 40*normal {
				t.Errorf("bytes allocated per byte of document at 10 kB: %.1f, %.1f for a storefront document", smallCost, normal)
			}
		})
	}
}
