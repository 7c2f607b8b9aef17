package customerauth

import (
	"bytes"
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
	"unicode/utf8"

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
	ctx, w, rs := e.startRequest(ctx, w, id) // nil rs when tracing is off
	defer rs.end()
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
	doc, fd, errs := e.prepare(ctx, req.Query)
	if errs != nil {
		writeJSON(w, http.StatusOK, response{Errors: errs})
		return false
	}
	// The operation is chosen here, as graphql.Execute would choose it, so
	// that a name the document lacks is answered as the client's mistake
	// it is (graphql-go reports it as an error without a type, which
	// publicErrors would log and hide as an internal one), and so that the
	// GET rule looks at the operation that would run. The answer is a 200,
	// as for the document's other errors: over application/json, Shopify
	// and graphql-go/handler answer a 400 only for a body that is not a
	// GraphQL request.
	op, oerr := selectOperation(doc, req.OperationName)
	if oerr != nil {
		writeJSON(w, http.StatusOK, response{Errors: []gqlerrors.FormattedError{plainError(oerr.msg, oerr.code)}})
		return false
	}
	rs.operation(op)
	noteOperation(ctx, doc, op)
	if r.Method == http.MethodGet && op.Operation == ast.OperationTypeMutation {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, response{Errors: []gqlerrors.FormattedError{plainError("Mutations must be sent with POST.", "BAD_REQUEST")}})
		return false
	}
	// The shopper's language, for both executors alike: resolvers never
	// see the operation's directives.
	if lang := inContextLanguage(op, req.Variables); lang != "" {
		ctx = WithLanguage(ctx, lang)
	}
	// A cached document skips prepare's checks: a client that has gone
	// runs nothing.
	if errs := requestGone(ctx); errs != nil {
		writeJSON(w, http.StatusOK, response{Errors: errs})
		return false
	}
	// Cached documents run on their compiled plan (internal/fastpath)
	// unless it declines the operation or the variables; graphql.Execute
	// answers the rest.
	if fast && fd != nil {
		if p := fd.Plan(e.gql.schema, req.OperationName); p != nil && e.serveFast(ctx, w, p, req.Query, req.Variables) {
			return true
		}
	}
	xctx, xs := e.svc.tracer.start(ctx, "customerauth.execute")
	res := graphql.Execute(graphql.ExecuteParams{
		Schema:        e.gql.schema,
		AST:           doc,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       WithVariables(xctx, req.Variables),
	})
	xs.end(nil)
	writeJSON(w, http.StatusOK, response{Data: res.Data, Errors: e.publicErrors(ctx, locateErrors(req.Query, res.Errors))})
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
//
// Every phase costs time linear in the length of query (see
// document_guard.go): the scan, graphql-go's parser, the tree guards and
// the validation, whose rules the guards keep from their quadratic cases.
// Between phases, a request whose client has gone (ctx done) stops.
//
// The tree keeps no reference to the text (ParseOptions.NoSource), so
// graphql-go gives every error located in it line 1 and the byte offset as
// column, cheaply; locateErrors computes the real locations of all of a
// request's errors in one pass over the text. graphql-go would compute
// each one with a regular expression over the whole text: a thousand
// errors in a document of a megabyte took minutes.
func (e *endpoint) prepare(ctx context.Context, query string) (doc *ast.Document, fd *fastpath.Document, errs []gqlerrors.FormattedError) {
	if e.docs != nil {
		if fd, ok := e.docs.Get(query); ok {
			return fd.AST(), fd, nil
		}
	}
	// The parse span covers the scan, the parser and the tree guards.
	ph := e.svc.tracer.phase(ctx, "customerauth.parse")
	defer ph.end()
	// The document is measured as text, then as a tree, before graphql-go
	// recurses through it: see Limits.
	m, gerr := scanDocument(query, e.limits)
	if gerr == nil {
		gerr = m.exceeded(query, e.limits)
	}
	if gerr != nil {
		return nil, nil, []gqlerrors.FormattedError{gerr.formatted()}
	}
	if errs := requestGone(ctx); errs != nil {
		return nil, nil, errs
	}
	doc, err := parser.Parse(parser.ParseParams{
		Source:  &source.Source{Body: []byte(query), Name: sourceName},
		Options: parser.ParseOptions{NoSource: true},
	})
	if err != nil {
		// Cannot happen: the scan refuses every document graphql-go's
		// parser refuses. Its error would carry the cost the scan avoids,
		// so only its first line is kept.
		return nil, nil, []gqlerrors.FormattedError{plainError(strings.SplitN(err.Error(), "\n", 2)[0], "GRAPHQL_PARSE_FAILED")}
	}
	if gerr := variableTypesError(query, doc); gerr != nil {
		return nil, nil, []gqlerrors.FormattedError{gerr.formatted()}
	}
	if errs := requestGone(ctx); errs != nil {
		return nil, nil, errs
	}
	merges, gerr := checkDocument(doc, e.limits)
	if gerr != nil {
		return nil, nil, []gqlerrors.FormattedError{gerr.formatted()}
	}
	ph.next("customerauth.validate")
	if errs := validate(&e.gql.schema, doc, query, merges); errs != nil {
		return nil, nil, errs
	}
	ph.end()
	if errs := requestGone(ctx); errs != nil {
		return nil, nil, errs
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
// The error is syntaxErrorAt's: gqlerrors.NewSyntaxError costs the square
// of the column, and a definition may come after a megabyte of spaces.
func variableTypesError(query string, doc *ast.Document) *guardError {
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
			return syntaxErrorAt(query, pos, fmt.Sprintf("Expected a type for variable \"$%s\"", name))
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

// readRequest decodes the GraphQL request from the URL or the body. Every
// request it cannot decode exactly is refused with a 400 that says why:
// the text must be valid UTF-8 (encoding/json would turn each invalid byte
// into U+FFFD, so the document run would not be the one sent), a JSON body
// must be one object and nothing after it but white space, query and
// operationName strings, variables an object.
func readRequest(w http.ResponseWriter, r *http.Request, maxBody int64) (*graphQLRequest, *requestError) {
	req := &graphQLRequest{}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		v := q.Get("variables")
		if !utf8.ValidString(req.Query) || !utf8.ValidString(req.OperationName) || !utf8.ValidString(v) {
			return nil, &requestError{http.StatusBadRequest, "The request parameters are not valid UTF-8."}
		}
		if v != "" {
			// As before: numbers in the URL decode to float64, which
			// graphql-go coerces (and the fast path leaves to it).
			vars, herr := decodeVariables([]byte(v), false)
			if herr != nil {
				return nil, herr
			}
			req.Variables = vars
		}
		return req, nil
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		return nil, &requestError{http.StatusMethodNotAllowed, "Only GET and POST are supported."}
	}

	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" && ct != "application/graphql" {
		return nil, &requestError{http.StatusUnsupportedMediaType, "Content-Type must be application/json or application/graphql."}
	}
	// The body is read once, whole: it is at most maxBody bytes, and the
	// checks below look at all of it before anything is decoded.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errTooLarge()
		}
		return nil, &requestError{http.StatusBadRequest, "The request body could not be read."}
	}
	if !utf8.Valid(body) {
		return nil, &requestError{http.StatusBadRequest, "The request body is not valid UTF-8."}
	}
	if ct == "application/graphql" {
		req.Query = string(body)
		return req, nil
	}
	return decodeJSONRequest(body)
}

// jsonSpace is the white space JSON allows between values.
const jsonSpace = " \t\r\n"

// decodeJSONRequest decodes an application/json body, valid UTF-8.
func decodeJSONRequest(body []byte) (*graphQLRequest, *requestError) {
	trimmed := bytes.TrimLeft(body, jsonSpace)
	switch {
	case len(trimmed) == 0:
		return nil, &requestError{http.StatusBadRequest, "The request body is empty."}
	case trimmed[0] != '{':
		// null, a list, a string: json.Decode would take null for an
		// empty request and report the others in Go's words.
		return nil, &requestError{http.StatusBadRequest, "The request body must be a JSON object."}
	}
	// The fields are decoded raw first, so that a field of the wrong type
	// is named as such rather than reported as malformed JSON.
	var raw struct {
		Query         json.RawMessage `json:"query"`
		Variables     json.RawMessage `json:"variables"`
		OperationName json.RawMessage `json:"operationName"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return nil, &requestError{http.StatusBadRequest, "The request body is not a valid GraphQL JSON request."}
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], jsonSpace)) > 0 {
		return nil, &requestError{http.StatusBadRequest, "The request body has data after the JSON object."}
	}
	req := &graphQLRequest{}
	if !decodeString(raw.Query, &req.Query) {
		return nil, &requestError{http.StatusBadRequest, "Parameter 'query' must be a string."}
	}
	if !decodeString(raw.OperationName, &req.OperationName) {
		return nil, &requestError{http.StatusBadRequest, "Parameter 'operationName' must be a string."}
	}
	if len(raw.Variables) > 0 {
		vars, herr := decodeVariables(raw.Variables, true)
		if herr != nil {
			return nil, herr
		}
		req.Variables = vars
	}
	return req, nil
}

// decodeString decodes a JSON string or null (left as ""), reporting
// whether raw is one; absent (empty raw) counts as null.
func decodeString(raw json.RawMessage, s *string) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	return raw[0] == '"' && json.Unmarshal(raw, s) == nil
}

// decodeVariables decodes the variables parameter: a JSON object, or null
// for none. With exact, numbers keep their exact value (normalizeNumbers);
// otherwise they are float64.
func decodeVariables(raw []byte, exact bool) (map[string]interface{}, *requestError) {
	trimmed := bytes.TrimLeft(raw, jsonSpace)
	if string(bytes.TrimRight(trimmed, jsonSpace)) == "null" {
		return nil, nil
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, &requestError{http.StatusBadRequest, "Parameter 'variables' must be a JSON object."}
	}
	var vars map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if exact {
		dec.UseNumber()
	}
	if err := dec.Decode(&vars); err != nil || len(bytes.TrimLeft(raw[dec.InputOffset():], jsonSpace)) > 0 {
		return nil, &requestError{http.StatusBadRequest, "Parameter 'variables' must be a JSON object."}
	}
	if exact {
		normalizeNumbers(vars)
	}
	return vars, nil
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

// selectOperation returns the operation of doc a request runs: the one
// named opName, or the only one when opName is empty. Otherwise it returns
// the error graphql.Execute would (buildExecutionContext: the same checks
// in the same order, with the same messages), as a client error.
func selectOperation(doc *ast.Document, opName string) (*ast.OperationDefinition, *guardError) {
	var op *ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			if opName == "" && op != nil {
				return nil, refuseDoc("BAD_REQUEST", "Must provide operation name if query contains multiple operations.")
			}
			if opName == "" || d.Name != nil && d.Name.Value == opName {
				op = d
			}
		case *ast.FragmentDefinition:
		default:
			// Type system definitions pass graphql-go's validation.
			return nil, refuseDoc("BAD_REQUEST", "GraphQL cannot execute a request containing a %v", d.GetKind())
		}
	}
	switch {
	case op != nil:
		return op, nil
	case opName != "":
		return nil, refuseDoc("BAD_REQUEST", "Unknown operation named \"%s\".", opName)
	}
	return nil, refuseDoc("BAD_REQUEST", "Must provide an operation.")
}

// publicErrors keeps the errors clients may see (graphql-go's own request
// errors and apiErrors) and replaces every other one, such as a failing
// Store, with an internal error that carries the request id. The original
// is logged.
//
// An error that is the request context's own (the client went away, or
// the deadline passed, while the request ran: graphql.Execute then answers
// with ctx.Err(), and a Store may fail with it) is no fault of the
// server: it becomes requestGone's answer and an informational log line.
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
		if gone := requestGone(ctx); gone != nil && errors.Is(orig, ctx.Err()) {
			e.svc.log.LogAttrs(ctx, slog.LevelInfo, "customerauth: the request ended before its answer",
				slog.String("request_id", id), slog.Any("path", fe.Path), slog.Any("error", orig))
			gone[0].Locations, gone[0].Path = fe.Locations, fe.Path
			errs[i] = gone[0]
			continue
		}
		e.svc.log.LogAttrs(ctx, slog.LevelError, "customerauth: internal error",
			slog.String("request_id", id), slog.Any("path", fe.Path), slog.Any("error", orig))
		e.failRequest(ctx, orig)
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
// and errors go through locateErrors and publicErrors like every other
// answer's.
func (e *endpoint) serveFast(ctx context.Context, w http.ResponseWriter, p *fastpath.Plan, query string, vars map[string]interface{}) bool {
	fctx, fs := e.svc.tracer.start(ctx, "customerauth.fastpath.execute")
	r, ok := p.Execute(WithVariables(fctx, vars), vars)
	if !ok {
		fs.setBool(attrFastPathDeclined, true) // graphql.Execute answers instead
		fs.end(nil)
		return false
	}
	fs.end(nil)
	body := r.Body(e.publicErrors(ctx, locateErrors(query, r.Errors())))
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	r.Release()
	return true
}

// jsonContentType is the Content-Type of every answer, shared: Header.Set
// and Header.Add replace or grow a one-element slice, never write into it.
var jsonContentType = []string{"application/json; charset=utf-8"}

// noteOperation fills in the RequestInfo of WithRequestInfo, when the
// host passed one, with the operation the request runs.
func noteOperation(ctx context.Context, doc *ast.Document, op *ast.OperationDefinition) {
	info := requestInfo(ctx)
	if info == nil {
		return
	}
	frags := map[string]*ast.FragmentDefinition{}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			frags[f.Name.Value] = f
		}
	}
	info.OperationType = op.Operation
	info.RootFields = rootFieldNames(frags, op.SelectionSet, nil, map[string]bool{})
	if op.Name != nil && op.Name.Value != "" {
		info.OperationName = op.Name.Value
	} else {
		info.OperationName = strings.Join(info.RootFields, ",")
	}
}

// rootFieldNames appends the names of the fields set selects to names,
// each once, looking into inline fragments and the fragments it spreads.
// seen holds the names and fragments met so far: each fragment is walked
// once, so the walk costs no more than the document's length.
func rootFieldNames(frags map[string]*ast.FragmentDefinition, set *ast.SelectionSet, names []string, seen map[string]bool) []string {
	if set == nil {
		return names
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name != nil && !seen["field "+sel.Name.Value] {
				seen["field "+sel.Name.Value] = true
				names = append(names, sel.Name.Value)
			}
		case *ast.InlineFragment:
			names = rootFieldNames(frags, sel.SelectionSet, names, seen)
		case *ast.FragmentSpread:
			if sel.Name == nil || seen["fragment "+sel.Name.Value] || frags[sel.Name.Value] == nil {
				continue
			}
			seen["fragment "+sel.Name.Value] = true
			names = rootFieldNames(frags, frags[sel.Name.Value].SelectionSet, names, seen)
		}
	}
	return names
}
