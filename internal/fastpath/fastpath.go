// Package fastpath is a compiled executor for cached GraphQL documents: the
// fast path of customerauth's endpoint.
//
// graphql-go's executor collects fields into maps, builds a response path,
// an argument map and a ResolveInfo for every field, serializes every
// string through fmt.Sprintf and finally hands a tree of maps to
// encoding/json. For a document the endpoint keeps, all the work that
// depends only on the document (operation choice, fragment expansion, type
// conditions, merging of fields by response key, argument ASTs, the
// completion shape of each return type) is done once, by compile, into a
// Plan. Plan.Execute then coerces the request's variables, calls the same
// resolvers with the same ResolveParams graphql-go would build, and writes
// the JSON straight into a pooled buffer in selection order.
//
// The plan is an optimisation, never a second semantics: whatever compile
// does not fully understand makes Document.Plan return nil, and every
// request whose variables do not type-check exactly makes Execute return
// false before any resolver has run; the caller then uses graphql.Execute,
// which is always right. The plan mirrors the executor of graphql-go
// v0.8.1 (TestGraphQLGoVersion fails when that version changes), and
// customerauth's equivalence and differential fuzz tests hold the two
// executors to the same answers.
//
// Answers differ from graphql-go's in form only: object keys come in
// selection order (graphql-go's maps encode alphabetically), a query's
// fields run in selection order (graphql-go's in map order) and so its
// errors come in that order. A mutation's root fields run serially in
// graphql-go's order, by source position.
//
// Every resolver call gets what graphql-go's would, built afresh where
// graphql-go builds it afresh: a new Args map per field execution (an
// empty one for fields without arguments, as getArgumentValues returns),
// a new root value per request (the empty map graphql-go passes when
// ExecuteParams.Root is nil), a new Fragments map per request and a new
// FieldASTs slice per field execution. A resolver may therefore keep or
// write what it is given without another request seeing it. Only a field
// without arguments gets nil Args, and only where nothing can see them:
// when graphql.DefaultResolveFn resolves it (it reads no Args and hands
// them on only to a source that is a graphql.FieldResolver, which gets a
// new map), or when Options.ArgsUnused vouches for its resolver.
//
// Deliberate differences from graphql-go v0.8.1, none reachable through
// customerauth's own resolvers:
//   - a resolver that returns both a value and an error yields null (as the
//     spec says), where graphql-go puts the raw Go value into the response;
//   - a resolver that panics with a value that is neither an error nor a
//     string is reported as an internal error (the caller logs it), where
//     graphql-go answers "An unknown error occurred.";
//   - a value the JSON encoder cannot represent (an infinite float) is
//     written as null, where graphql-go's response fails to encode at all;
//   - thunks (resolvers returning func() (interface{}, error)) are called
//     at once instead of breadth-first after their siblings.
package fastpath

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// Document is what a document cache keeps so that repeated requests skip
// parsing, validation and planning: a validated document and, compiled on
// first use, the plan of each of its operations. It is safe for
// concurrent use.
type Document struct {
	doc   *ast.Document
	opts  Options
	plans []planSlot // by operation, in document order
}

// Options tells the compiler what it cannot see in the schema, so that
// plans may skip work whose absence no resolver can notice.
type Options struct {
	// ArgsUnused reports whether a resolver never looks at its Args: it
	// neither reads, writes, keeps nor compares the map. A field without
	// arguments whose resolver it approves gets nil Args instead of the
	// new empty map graphql-go builds for every call, which is most of the
	// allocations of a plain document. Nil approves none; the plan calls
	// it once per field when it compiles.
	ArgsUnused func(graphql.FieldResolveFn) bool
}

type planSlot struct {
	mu   sync.Mutex
	done atomic.Pointer[planResult]
}

type planResult struct{ p *Plan }

// NewDocument wraps doc, a document that passed graphql-go's validation
// against the schema its plans will be compiled for, so that its plans
// are compiled once, with opts, and shared by every request that sends
// it.
func NewDocument(doc *ast.Document, opts Options) *Document {
	n := 0
	for _, d := range doc.Definitions {
		if _, ok := d.(*ast.OperationDefinition); ok {
			n++
		}
	}
	return &Document{doc: doc, opts: opts, plans: make([]planSlot, n)}
}

// AST returns the parsed document, for the requests that graphql.Execute
// answers instead of a plan.
func (d *Document) AST() *ast.Document { return d.doc }

// Plan returns the compiled plan of the operation opName selects (as
// graphql-go selects it), compiling it on first use, or nil when the
// request must go through graphql.Execute: the operation is ambiguous or
// missing, or the plan would not answer exactly as graphql-go does. Every
// call for one Document must pass the same schema.
func (d *Document) Plan(schema graphql.Schema, opName string) *Plan {
	i, n := -1, 0
	for _, def := range d.doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if opName == "" && n > 0 {
			return nil // graphql-go: "Must provide operation name…"
		}
		if opName == "" || op.Name != nil && op.Name.Value == opName {
			i = n
		}
		n++
	}
	if i < 0 || i >= len(d.plans) {
		return nil
	}
	s := &d.plans[i]
	if r := s.done.Load(); r != nil {
		return r.p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.done.Load(); r != nil {
		return r.p
	}
	p, ok := compile(schema, d.doc, opName, d.opts)
	if !ok {
		p = nil
	}
	s.done.Store(&planResult{p})
	return p
}

// Result is an executed plan: the response body up to its errors, and the
// errors, which the caller may rewrite (hiding internal errors, say)
// before Body finishes the response. Results are pooled, so that a busy
// endpoint reuses their buffers: call Release once the body is written.
type Result struct {
	exec
	noData bool
}

var results = sync.Pool{New: func() any { return new(Result) }}

// maxPooledBody is the largest buffer put back into the pool.
const maxPooledBody = 64 << 10

// Execute runs the plan for one request, so that the caller can answer it
// without graphql.Execute. It first coerces vars (the request's variables
// as decoded JSON, numbers already int or float64) against the
// operation's variable definitions and returns false, having run no
// resolver, unless every value type-checks exactly: graphql.Execute then
// reports the error or coerces loosely. ctx is passed to every resolver
// as it is; a context error ends the answer as graphql.Execute's does.
func (p *Plan) Execute(ctx context.Context, vars map[string]interface{}) (*Result, bool) {
	coerced := make(map[string]interface{}, len(p.vars))
	for i := range p.vars {
		v, ok := p.vars[i].coerce(vars)
		if !ok {
			return nil, false
		}
		coerced[p.vars[i].name] = v
	}
	if ctx.Err() != nil {
		return nil, false
	}
	r := results.Get().(*Result)
	r.exec = exec{p: p, ctx: ctx, vars: coerced, b: r.b[:0], fragments: maps.Clone(p.fragments)}
	r.noData = false
	r.b = append(r.b, `{"data":`...)
	// graphql-go passes a new empty map as the root value of every
	// operation when ExecuteParams.Root is nil, as the endpoint leaves it.
	root := map[string]interface{}{}
	var st status
	if p.mutation {
		st = r.serial(root)
	} else {
		st = r.object(p.root, root, nil)
	}
	if st == stBubble {
		// A non-null root field is null: graphql-go's executor panics out
		// of the operation and answers that one error without data.
		r.noData = true
		r.errs = r.errs[r.bubble : r.bubble+1]
	}
	if err := ctx.Err(); err != nil {
		// graphql.Execute answers the context's error once it is done.
		r.noData = true
		r.errs = []gqlerrors.FormattedError{gqlerrors.FormatError(err)}
	}
	return r, true
}

// Errors returns the errors of the answer, in the form graphql.Execute
// reports them, for the caller to filter before it calls Body.
func (r *Result) Errors() []gqlerrors.FormattedError { return r.errs }

// Body finishes the response with errs (the result's Errors, as the caller
// rewrote them) exactly as json.Encoder would encode
// {"data": ..., "errors": errs} with an empty errors list omitted, so that
// the caller can write it as the whole HTTP body. The bytes belong to r:
// they are valid until Release.
func (r *Result) Body(errs []gqlerrors.FormattedError) []byte {
	if r.noData {
		r.b = append(r.b[:0], '{')
	}
	if len(errs) > 0 {
		eb, err := json.Marshal(errs)
		if err != nil {
			return nil // an encoder would write nothing either
		}
		if !r.noData {
			r.b = append(r.b, ',')
		}
		r.b = append(r.b, `"errors":`...)
		r.b = append(r.b, eb...)
	}
	r.b = append(r.b, '}', '\n')
	return r.b
}

// Release returns r to the pool, so that its buffer serves a later
// request. Neither r nor its Body may be used afterwards.
func (r *Result) Release() {
	if cap(r.b) > maxPooledBody {
		return
	}
	r.exec = exec{b: r.b[:0]}
	results.Put(r)
}
