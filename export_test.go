package customerauth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/shopkit/customerauth/internal/fastpath"
)

// SetMultipassRand pins the IV source of m, so that tests reproduce tokens
// made by other encoders byte for byte.
func SetMultipassRand(m *Multipass, r io.Reader) { m.rand = r }

// HashSlotsInUse reports how many password hashes s is computing now.
func HashSlotsInUse(s *Service) int { return len(s.hashSlots) }

// CachedDocuments reports how many documents s keeps parsed.
func CachedDocuments(s *Service) int {
	if s.api.docs == nil {
		return 0
	}
	return s.api.docs.Len()
}

// FastHandler serves like Handler (fast) or always through graphql.Execute
// (!fast), for the fast path's equivalence tests and benchmarks. hits
// counts the requests the fast path answered.
func FastHandler(s *Service, fast bool) (h http.Handler, hits *atomic.Int64) {
	hits = new(atomic.Int64)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.api.serve(w, r, fast) {
			hits.Add(1)
		}
	}), hits
}

// FastCompiles reports whether the fast path compiles the operation opName
// of query, parsed but not validated.
func FastCompiles(s *Service, query, opName string) bool {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return false
	}
	return fastpath.NewDocument(doc, s.api.planOpts).Plan(s.api.gql.schema, opName) != nil
}

// FastRunners prepares query as the handler does and returns two ways to
// run its operation opName that answer with a response body: fast through
// the compiled plan (ok false when the variables do not type-check and
// nothing ran), ref through graphql.Execute. compiled is false when the
// document is refused or the fast path declines it.
func FastRunners(s *Service, query, opName string) (fast func(ctx context.Context, vars map[string]any) ([]byte, bool), ref func(ctx context.Context, vars map[string]any) []byte, compiled bool) {
	doc, _, errs := s.api.prepare(context.Background(), query)
	if errs != nil {
		return nil, nil, false
	}
	p := fastpath.NewDocument(doc, s.api.planOpts).Plan(s.api.gql.schema, opName)
	if p == nil {
		return nil, nil, false
	}
	fast = func(ctx context.Context, vars map[string]any) ([]byte, bool) {
		r, ok := p.Execute(WithVariables(ctx, vars), vars)
		if !ok {
			return nil, false
		}
		body := bytes.Clone(r.Body(s.api.publicErrors(ctx, r.Errors())))
		r.Release()
		return body, true
	}
	ref = func(ctx context.Context, vars map[string]any) []byte {
		res := graphql.Execute(graphql.ExecuteParams{Schema: s.api.gql.schema, AST: doc, OperationName: opName, Args: vars, Context: WithVariables(ctx, vars)})
		var b bytes.Buffer
		_ = json.NewEncoder(&b).Encode(response{Data: res.Data, Errors: s.api.publicErrors(ctx, res.Errors)})
		return b.Bytes()
	}
	return fast, ref, true
}

// SealMultipass encrypts and signs plaintext as Multipass.Encode does after
// encoding the payload, so that tests reproduce tokens whose JSON other
// encoders wrote byte for byte.
func SealMultipass(m *Multipass, plaintext []byte) (string, error) { return m.seal(plaintext) }

// HoldHashSlots makes every password hash or check of s, once it holds its
// slot, report on entered and wait for release to be closed: tests of the
// slot bound hold slots as long as they need without a costly hash.
func HoldHashSlots(s *Service) (entered <-chan struct{}, release chan<- struct{}) {
	in, out := make(chan struct{}), make(chan struct{})
	s.inHashSlot = func() {
		select {
		case in <- struct{}{}:
			<-out
		case <-out: // released: later hashes pass straight through
		}
	}
	return in, out
}

// OnHashSlot makes every password hash or check of s call fn once it holds
// its hashing slot, before it hashes: tests pause one request there, in the
// window between reading a customer and writing, to run another request
// through that window deterministically.
func OnHashSlot(s *Service, fn func()) { s.inHashSlot = fn }

// VerifyPassword, CheckImportedHash and ImportedHashFormat expose the checks
// of stored password hashes to the tests of imported formats, and
// ErrMalformedHash the error every unusable hash wraps.
var (
	VerifyPassword     = verifyPassword
	CheckImportedHash  = checkImportedHash
	ImportedHashFormat = importedHashFormat
	ErrMalformedHash   = errMalformedHash
)
