package customerauth

import "context"

// The request context carries what the transport learnt about a request
// (its id, the client's address) down to the Service, which uses them for
// logs and per-client limits. Hosts calling the Go API directly set the
// client with WithClientIP.

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
