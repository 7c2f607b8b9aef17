package customerauth

import "context"

// The request context carries what the transport learnt about a request
// (its id, the client's address, the shopper's language) down to the
// Service, which uses them for logs, per-client limits and the language it
// answers in. Hosts calling the Go API directly set the client with
// WithClientIP and the language with WithLanguage.

type clientIPKey struct{}

// WithClientIP returns a context that names the client's IP address, for
// callers of the Go API whose requests do not come through Handler; the
// per-IP limits apply to it.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP returns the client IP address of the request in ctx, or "".
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

type requestIDKey struct{}

// withRequestID returns a context carrying the id of the request being
// served, which every log record about it repeats.
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id of the request being served by Handler, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// RequestInfo is what Handler learnt about a GraphQL request, for the
// host's request log and metrics: a middleware in front of Handler only
// sees a POST to the endpoint, and the operation is inside the body. The
// host passes an empty one in with WithRequestInfo and reads it once
// Handler has returned.
type RequestInfo struct {
	// OperationType is "query" or "mutation"; empty when the request was
	// refused before an operation was chosen (a bad token, body or
	// document).
	OperationType string
	// OperationName is the operation's name, as the client wrote it; for
	// an anonymous operation, the names of its root fields joined with
	// ",", such as "customerAccessTokenCreate". A client chooses it, so a
	// host that makes a metric label of it bounds it first (RootFields
	// are the schema's names).
	OperationName string
	// RootFields are the names (not aliases) of the fields the operation
	// selects at its root, each once, in document order.
	RootFields []string
}

type requestInfoKey struct{}

// WithRequestInfo returns a context in which Handler fills in info when it
// has chosen the operation of the request, so that middleware can log and
// count requests by operation:
//
//	info := &customerauth.RequestInfo{}
//	next.ServeHTTP(w, r.WithContext(customerauth.WithRequestInfo(r.Context(), info)))
//	logger.Info("request", "operation", info.OperationName, "type", info.OperationType)
//
// Handler writes info before it answers and never after.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// requestInfo returns the RequestInfo of WithRequestInfo, or nil.
func requestInfo(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return info
}

type languageKey struct{}

// WithLanguage returns a context that names the shopper's language, as a
// Shopify LanguageCode ("FR", "PT_BR"): the language of the operation's
// @inContext(language:) directive. Handler reads the directive and does
// this for every request; a host that merges MutationFields into a schema
// of its own reads it from its request and passes
// WithLanguage(ctx, code) as graphql.Params.Context, as it does
// WithVariables, and so does a caller of the Go API that knows the
// shopper's language.
//
// The language picks the language of customerUserErrors messages (see
// UserError.Localized) and is kept as the Language of a customer who
// registers (CreateCustomer), which notifications carry. Without it,
// messages are English and new customers have no language.
func WithLanguage(ctx context.Context, code string) context.Context {
	return context.WithValue(ctx, languageKey{}, code)
}

// LanguageFrom returns the shopper's language set by WithLanguage, as
// given, or "" when the request named none.
func LanguageFrom(ctx context.Context) string {
	code, _ := ctx.Value(languageKey{}).(string)
	return code
}
