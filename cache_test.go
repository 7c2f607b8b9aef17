package customerauth_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

func TestDocumentCacheKeepsOnlyValidDocumentsAndStaysBounded(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.DocumentCache = 16 })
	if r := e.post(`{ __typename }`); r.str("__typename") != "QueryRoot" {
		t.Fatal(r.Raw)
	}
	if n := customerauth.CachedDocuments(e.svc); n != 1 {
		t.Fatalf("%d cached after one valid document", n)
	}
	// The same document again is answered the same, from the cache.
	if r := e.post(`{ __typename }`); r.str("__typename") != "QueryRoot" || customerauth.CachedDocuments(e.svc) != 1 {
		t.Fatalf("repeat: %s", r.Raw)
	}
	for _, bad := range []string{`{ nope }`, `{ __typename `, `query { ...A } fragment A on QueryRoot { ...A }`} {
		e.post(bad)
	}
	if n := customerauth.CachedDocuments(e.svc); n != 1 {
		t.Errorf("%d cached after refused documents, want 1", n)
	}
	// A flood of distinct valid documents cannot grow the cache.
	for i := range 1000 {
		e.post(fmt.Sprintf(`{ a%d: __typename }`, i))
	}
	if n := customerauth.CachedDocuments(e.svc); n != 16 {
		t.Errorf("%d cached after a flood, want the bound 16", n)
	}
	big := `{ __typename ` + strings.Repeat("# padding\n", 1000) + `}`
	e.post(big)
	e.post(`{ b: __typename }`)
	if n := customerauth.CachedDocuments(e.svc); n != 16 {
		t.Errorf("%d cached", n)
	}
}

func TestDocumentCacheStillAppliesPerRequestRules(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	// A cached mutation is still refused over GET, and variables still
	// differ per request.
	doc := `mutation($e: String!) { customerRecover(email: $e) { customerUserErrors { code field message } } }`
	e.do(doc, map[string]any{"e": "ann@example.com"}).noErrors(t, "customerRecover")
	r := e.do(doc, map[string]any{"e": "nobody@example.com"})
	if got := r.userErrors("customerRecover"); len(got) != 1 {
		t.Errorf("second variables: %s", r.Raw)
	}
}

func TestDocumentCacheCanBeTurnedOff(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.DocumentCache = -1 })
	e.post(`{ __typename }`)
	if n := customerauth.CachedDocuments(e.svc); n != 0 {
		t.Errorf("%d cached with the cache off", n)
	}
}
