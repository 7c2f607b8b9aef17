package customerauth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// SetMultipassRand pins the IV source of m, so that tests reproduce tokens
// made by other encoders byte for byte.
func SetMultipassRand(m *Multipass, r io.Reader) { m.rand = r }

// HashSlotsInUse reports how many password hashes s is computing now.
func HashSlotsInUse(s *Service) int { return len(s.hashSlots) }

// CachedDocuments reports how many documents s keeps parsed.
func CachedDocuments(s *Service) int {
	if s.docs == nil {
		return 0
	}
	return s.docs.Len()
}

// FastHandler serves like Handler, but with the compiled fast path wired in
// the way handler.go is to call it (fast) or always through graphql.Execute
// (!fast), for the fast path's equivalence tests and benchmarks. hits
// counts the requests the fast path answered. Plans are cached by document
// (prepare returns the same *ast.Document for a cached text).
func FastHandler(s *Service, fast bool) (h http.Handler, hits *atomic.Int64) {
	hits = new(atomic.Int64)
	var docs sync.Map // *ast.Document → *cachedDoc
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// From here to the fast path: serveGraphQL as it is.
		id := requestID(r)
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		g := s.authenticate(r)
		if g == nil {
			writeJSON(w, http.StatusUnauthorized, response{Errors: []gqlerrors.FormattedError{plainError("Invalid or missing storefront access token.", "UNAUTHORIZED")}})
			return
		}
		ctx = context.WithValue(ctx, grantsKey{}, g)
		ctx = WithClientIP(ctx, s.clientIP(r, g))
		req, herr := readRequest(w, r, s.limits.MaxBodyBytes)
		if herr != nil {
			writeJSON(w, herr.status, response{Errors: []gqlerrors.FormattedError{plainError(herr.msg, "BAD_REQUEST")}})
			return
		}
		if req.Query == "" {
			writeJSON(w, http.StatusBadRequest, response{Errors: []gqlerrors.FormattedError{plainError("Parameter 'query' must be present.", "BAD_REQUEST")}})
			return
		}
		prepared, errs := s.prepare(req.Query)
		if errs != nil {
			writeJSON(w, http.StatusOK, response{Errors: errs})
			return
		}
		doc := preparedDoc(prepared)
		if r.Method == http.MethodGet && isMutation(doc, req.OperationName) {
			w.Header().Set("Allow", "POST")
			writeJSON(w, http.StatusMethodNotAllowed, response{Errors: []gqlerrors.FormattedError{plainError("Mutations must be sent with POST.", "BAD_REQUEST")}})
			return
		}
		if fast {
			// Once handler.go is wired, prepare hands out the cache's own
			// *cachedDoc; before, plans are kept here.
			cd, _ := any(prepared).(*cachedDoc)
			if cd == nil || len(cd.plans) == 0 {
				v, ok := docs.Load(doc)
				if !ok {
					v, _ = docs.LoadOrStore(doc, newCachedDoc(doc))
				}
				cd = v.(*cachedDoc)
			}
			if p := cd.plan(s.gql.schema, req.OperationName); p != nil && s.serveFast(ctx, w, p, req.Variables) {
				hits.Add(1)
				return
			}
		}
		res := graphql.Execute(graphql.ExecuteParams{
			Schema:        s.gql.schema,
			AST:           doc,
			OperationName: req.OperationName,
			Args:          req.Variables,
			Context:       withRawVariables(ctx, req.Variables),
		})
		writeJSON(w, http.StatusOK, response{Data: res.Data, Errors: s.publicErrors(ctx, res.Errors)})
	}), hits
}

// FastCompiles reports whether the fast path compiles the operation opName
// of query, parsed but not validated.
func FastCompiles(s *Service, query, opName string) bool {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return false
	}
	_, ok := compile(s.gql.schema, doc, opName)
	return ok
}

// FastRunners prepares query as the handler does and returns two ways to
// run its operation opName that answer with a response body: fast through
// the compiled plan (ok false when the variables do not type-check and
// nothing ran), ref through graphql.Execute. compiled is false when the
// document is refused or the fast path declines it.
func FastRunners(s *Service, query, opName string) (fast func(ctx context.Context, vars map[string]any) ([]byte, bool), ref func(ctx context.Context, vars map[string]any) []byte, compiled bool) {
	prepared, errs := s.prepare(query)
	if errs != nil {
		return nil, nil, false
	}
	doc := preparedDoc(prepared)
	p := newCachedDoc(doc).plan(s.gql.schema, opName)
	if p == nil {
		return nil, nil, false
	}
	fast = func(ctx context.Context, vars map[string]any) ([]byte, bool) {
		r, ok := p.execute(ctx, vars)
		if !ok {
			return nil, false
		}
		body := bytes.Clone(r.body(s.publicErrors(ctx, r.errs)))
		r.release()
		return body, true
	}
	ref = func(ctx context.Context, vars map[string]any) []byte {
		res := graphql.Execute(graphql.ExecuteParams{Schema: s.gql.schema, AST: doc, OperationName: opName, Args: vars, Context: withRawVariables(ctx, vars)})
		var b bytes.Buffer
		_ = json.NewEncoder(&b).Encode(response{Data: res.Data, Errors: s.publicErrors(ctx, res.Errors)})
		return b.Bytes()
	}
	return fast, ref, true
}

// preparedDoc is the document prepare returned, whether prepare returns
// the *ast.Document or (once handler.go is wired) the cache's *cachedDoc.
func preparedDoc(v any) *ast.Document {
	switch v := v.(type) {
	case *ast.Document:
		return v
	case *cachedDoc:
		return v.doc
	}
	return nil
}
