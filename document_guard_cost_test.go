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
	{"long name", false, func(n int) string { return fill(`{ `, "a", " }", n) }},
	{"long number", false, func(n int) string { return fill(argOpen+`1`, "0", `) { email } }`, n) }},
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
	for _, s := range costShapes {
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
	sc := docScanner{body: doc}
	nesting, tokens, gerr := sc.scan(RequestLimits{}.withDefaults())
	if sc.steps > maxScanStepsPerByte*len(doc)+64 {
		t.Errorf("scan looked at %d characters of a %d-byte document", sc.steps, len(doc))
	}
	l := RequestLimits{}.withDefaults()
	return gerr != nil || nesting > l.MaxNesting || tokens > l.MaxTokens
}

// TestGuardCostIsLinear bounds the cost per byte of every shape in
// costShapes at 1 MiB, the body limit, through Handler.
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
// 20 times that of a real storefront document. The margins are wide enough
// for any noise and any linear change, and far below a quadratic one.
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
	for _, s := range costShapes {
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
			if largeCost > 20*smallCost || largeCost > 20*normal {
				t.Errorf("bytes allocated per byte of document: %.1f at 1 MiB, %.1f at 10 kB, %.1f for a storefront document", largeCost, smallCost, normal)
			}
		})
	}
}
