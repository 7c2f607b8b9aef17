package customerauth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/shopkit/customerauth/internal/fastpath"
)

// graphQLRequest is the body of a GraphQL request.
type graphQLRequest struct {
	Query         string                 `json:"query"`
	Variables     map[string]interface{} `json:"variables"`
	OperationName string                 `json:"operationName"`
}

// response is the body of every answer.
type response struct {
	Data   interface{}                `json:"data,omitempty"`
	Errors []gqlerrors.FormattedError `json:"errors,omitempty"`
}

func (e *endpoint) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	e.serve(w, r, true)
}

// serve answers one GraphQL request and reports whether the compiled plan
// answered it. fast false always runs graphql.Execute, the reference the
// plan's equivalence tests compare with.
func (e *endpoint) serve(w http.ResponseWriter, r *http.Request, fast bool) (servedFast bool) {
	id := requestID(r)
	w.Header().Set("X-Request-ID", id)
	ctx := withRequestID(r.Context(), id)
	g := e.authenticate(r)
	if g == nil {
		writeJSON(w, http.StatusUnauthorized, response{Errors: []gqlerrors.FormattedError{plainError("Invalid or missing storefront access token.", "UNAUTHORIZED")}})
		return false
	}
	ctx = context.WithValue(ctx, grantsKey{}, g)
	ip := e.clientIP(r, g)
	if ip == "" {
		// A peer that is not an IP address (a proxy on a Unix socket)
		// leaves the per-IP limits without a key: say so, once.
		e.unknownClient.Do(func() {
			e.svc.log.Warn("customerauth: a request came without a usable client IP address; per-IP limits do not apply to such requests",
				"remote_addr", r.RemoteAddr)
		})
	}
	ctx = WithClientIP(ctx, ip)

	req, herr := readRequest(w, r, e.limits.MaxBodyBytes)
	if herr != nil {
		writeJSON(w, herr.status, response{Errors: []gqlerrors.FormattedError{plainError(herr.msg, "BAD_REQUEST")}})
		return false
	}
	if req.Query == "" {
		writeJSON(w, http.StatusBadRequest, response{Errors: []gqlerrors.FormattedError{plainError("Parameter 'query' must be present.", "BAD_REQUEST")}})
		return false
	}
	doc, fd, errs := e.prepare(req.Query)
	if errs != nil {
		writeJSON(w, http.StatusOK, response{Errors: errs})
		return false
	}
	if r.Method == http.MethodGet && isMutation(doc, req.OperationName) {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, response{Errors: []gqlerrors.FormattedError{plainError("Mutations must be sent with POST.", "BAD_REQUEST")}})
		return false
	}
	// Cached documents run on their compiled plan (internal/fastpath)
	// unless it declines the operation or the variables; graphql.Execute
	// answers the rest.
	if fast && fd != nil {
		if p := fd.Plan(e.gql.schema, req.OperationName); p != nil && e.serveFast(ctx, w, p, req.Variables) {
			return true
		}
	}
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        e.gql.schema,
		AST:           doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       WithVariables(ctx, req.Variables),
	})
	writeJSON(w, http.StatusOK, response{Data: res.Data, Errors: e.publicErrors(ctx, res.Errors)})
	return false
}

// maxCachedDocument is the longest document text the cache keeps; real
// storefront documents are a few kilobytes, and the bound keeps the cache's
// memory proportional to its entry count.
const maxCachedDocument = 8 << 10

// prepare turns document text into a parsed, guarded and validated
// document, or into the errors that refuse it. Documents that pass are
// cached by their text, so a client repeating a document (as storefronts
// do) skips all of it; refused ones are not, so they cannot push the
// useful entries out for free. Only a kept document comes with the
// fastpath.Document that compiles and keeps its plans (fd); the others are
// answered by graphql.Execute.
func (e *endpoint) prepare(query string) (doc *ast.Document, fd *fastpath.Document, errs []gqlerrors.FormattedError) {
	if e.docs != nil {
		if fd, ok := e.docs.Get(query); ok {
			return fd.AST(), fd, nil
		}
	}
	// The document is measured as text, then as a tree, before graphql-go
	// recurses through it: see Limits.
	switch nesting, tokens, gerr := scanDocument(query, e.limits); {
	case gerr != nil:
		return nil, nil, []gqlerrors.FormattedError{gerr.formatted()}
	case nesting > e.limits.MaxNesting:
		return nil, nil, []gqlerrors.FormattedError{plainError(fmt.Sprintf("Document nests deeper than %d levels.", e.limits.MaxNesting), "MAX_DEPTH_EXCEEDED")}
	case tokens > e.limits.MaxTokens:
		return nil, nil, []gqlerrors.FormattedError{plainError(fmt.Sprintf("Document has more than %d tokens.", e.limits.MaxTokens), "MAX_TOKENS_EXCEEDED")}
	}
	src := source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})
	doc, err := parser.Parse(parser.ParseParams{Source: src})
	if err != nil {
		return nil, nil, gqlerrors.FormatErrors(err)
	}
	if err := variableTypesError(src, doc); err != nil {
		return nil, nil, gqlerrors.FormatErrors(err)
	}
	if gerr := checkDocument(doc, e.limits); gerr != nil {
		return nil, nil, []gqlerrors.FormattedError{plainError(gerr.msg, gerr.code)}
	}
	if v := graphql.ValidateDocument(&e.gql.schema, doc, nil); !v.IsValid {
		return nil, nil, v.Errors
	}
	if e.docs == nil || len(query) > maxCachedDocument {
		return doc, nil, nil // not kept: no plan is compiled
	}
	fd = fastpath.NewDocument(doc, e.planOpts)
	e.docs.Add(query, fd)
	return doc, fd, nil
}

// variableTypesError reports the first variable definition whose type is
// missing or incomplete ("query($v:)", "$v: []", "$v: !"), as the syntax
// error it is. graphql-go's parser takes these and its validator then
// dereferences the missing type; FuzzFastPathMatchesGraphQLGo found it.
func variableTypesError(src *source.Source, doc *ast.Document) error {
	var complete func(t ast.Type) bool
	complete = func(t ast.Type) bool {
		switch t := t.(type) {
		case *ast.Named:
			return t != nil && t.Name != nil
		case *ast.List:
			return t != nil && complete(t.Type)
		case *ast.NonNull:
			return t != nil && complete(t.Type)
		}
		return false
	}
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		for _, vd := range op.VariableDefinitions {
			if vd == nil || complete(vd.Type) {
				continue
			}
			pos, name := 0, ""
			if vd.Loc != nil {
				pos = vd.Loc.Start
			}
			if vd.Variable != nil && vd.Variable.Name != nil {
				name = vd.Variable.Name.Value
			}
			return gqlerrors.NewSyntaxError(src, pos, fmt.Sprintf("Expected a type for variable \"$%s\"", name))
		}
	}
	return nil
}

// requestError is a request the handler cannot run, with the HTTP status
// and the message to answer with.
type requestError struct {
	status int
	msg    string
}

func errTooLarge() *requestError {
	return &requestError{http.StatusRequestEntityTooLarge, "The request body is too large."}
}

// readRequest decodes the GraphQL request from the URL or the body.
func readRequest(w http.ResponseWriter, r *http.Request, maxBody int64) (*graphQLRequest, *requestError) {
	req := &graphQLRequest{}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				return nil, &requestError{http.StatusBadRequest, "Parameter 'variables' is not a JSON object."}
			}
		}
		return req, nil
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		return nil, &requestError{http.StatusMethodNotAllowed, "Only GET and POST are supported."}
	}

	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body := http.MaxBytesReader(w, r.Body, maxBody)
	switch ct {
	case "application/json":
		dec := json.NewDecoder(body)
		dec.UseNumber()
		if err := dec.Decode(req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errTooLarge()
			}
			return nil, &requestError{http.StatusBadRequest, "The request body is not a valid GraphQL JSON request."}
		}
		normalizeNumbers(req.Variables)
	case "application/graphql":
		b, err := io.ReadAll(body)
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errTooLarge()
			}
			return nil, &requestError{http.StatusBadRequest, "The request body could not be read."}
		}
		req.Query = string(b)
	default:
		return nil, &requestError{http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/graphql."}
	}
	return req, nil
}

// normalizeNumbers turns json.Number values into int or float64, the types
// graphql-go coerces; decoding with UseNumber keeps integers exact.
func normalizeNumbers(m map[string]interface{}) {
	for k, v := range m {
		m[k] = normalizeNumber(v)
	}
}

func normalizeNumber(v interface{}) interface{} {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil && int64(int(i)) == i {
			return int(i)
		}
		f, _ := v.Float64()
		return f
	case map[string]interface{}:
		normalizeNumbers(v)
	case []interface{}:
		for i := range v {
			v[i] = normalizeNumber(v[i])
		}
	}
	return v
}

// isMutation reports whether the operation the request selects is a
// mutation.
func isMutation(doc *ast.Document, opName string) bool {
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if opName == "" || (op.Name != nil && op.Name.Value == opName) {
			return op.Operation == ast.OperationTypeMutation
		}
	}
	return false
}

// publicErrors keeps the errors clients may see (graphql-go's own request
// errors and apiErrors) and replaces every other one, such as a failing
// Store, with an internal error that carries the request id. The original
// is logged.
func (e *endpoint) publicErrors(ctx context.Context, errs []gqlerrors.FormattedError) []gqlerrors.FormattedError {
	for i, fe := range errs {
		orig := fe.OriginalError()
		if ge, ok := orig.(*gqlerrors.Error); ok {
			orig = ge.OriginalError
		}
		var api *apiError
		if orig == nil || errors.As(orig, &api) {
			continue
		}
		id := RequestID(ctx)
		e.svc.log.LogAttrs(ctx, slog.LevelError, "customerauth: internal error",
			slog.String("request_id", id), slog.Any("path", fe.Path), slog.Any("error", orig))
		errs[i] = gqlerrors.FormattedError{
			Message:   "Internal error. Looks like something went wrong on our end.\nRequest ID: " + id,
			Locations: fe.Locations,
			Path:      fe.Path,
			Extensions: map[string]interface{}{
				"code":      "INTERNAL_SERVER_ERROR",
				"requestId": id,
			},
		}
	}
	return errs
}

func plainError(msg, code string) gqlerrors.FormattedError {
	return gqlerrors.FormattedError{
		Message:    msg,
		Locations:  []location.SourceLocation{},
		Extensions: map[string]interface{}{"code": code},
	}
}

func writeJSON(w http.ResponseWriter, status int, body response) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// requestID returns the id the client or a proxy in front sent, when it is
// a plausible id, or a new random one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); id != "" && len(id) <= 64 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return id
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// serveFast answers a request with the plan and returns true, or returns
// false having run and written nothing, when the request's variables do
// not type-check exactly: the caller then uses graphql.Execute. Resolvers
// get the raw variables through WithVariables, as graphql.Execute's do,
// and errors go through publicErrors like every other answer.
func (e *endpoint) serveFast(ctx context.Context, w http.ResponseWriter, p *fastpath.Plan, vars map[string]interface{}) bool {
	r, ok := p.Execute(WithVariables(ctx, vars), vars)
	if !ok {
		return false
	}
	body := r.Body(e.publicErrors(ctx, r.Errors()))
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	r.Release()
	return true
}

// jsonContentType is the Content-Type of every answer, shared: Header.Set
// and Header.Add replace or grow a one-element slice, never write into it.
var jsonContentType = []string{"application/json; charset=utf-8"}
