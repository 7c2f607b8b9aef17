package customerauth

import (
	"context"
	"net/http"

	"github.com/graphql-go/graphql/language/ast"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// requestSpan is the span of one Handler request (Config.TracerProvider),
// the parent of its parse, validate and execute spans. A nil *requestSpan,
// as an untraced Service has, does nothing.
type requestSpan struct {
	s trace.Span
	w statusWriter
}

// startRequest starts the request's span and returns the context that
// carries it and the writer that notes the status answered, or ctx, w and
// nil when tracing is off.
func (e *endpoint) startRequest(ctx context.Context, w http.ResponseWriter, requestID string) (context.Context, http.ResponseWriter, *requestSpan) {
	if e.svc.tracer == nil {
		return ctx, w, nil
	}
	rs := &requestSpan{w: statusWriter{ResponseWriter: w}}
	ctx, rs.s = e.svc.tracer.t.Start(ctx, "customerauth.request", trace.WithAttributes(attribute.String(attrRequestID, requestID)))
	return ctx, &rs.w, rs
}

// operation records the operation the request runs: its type and, when it
// has one, its name.
func (rs *requestSpan) operation(op *ast.OperationDefinition) {
	if rs == nil || op == nil {
		return
	}
	rs.s.SetAttributes(attribute.String(attrOperationType, op.Operation))
	if op.Name != nil {
		rs.s.SetAttributes(attribute.String(attrOperationName, op.Name.Value))
	}
}

// end records the status answered and ends the span. A server error
// fails the span; a client's mistake (4xx) does not, as OpenTelemetry's
// conventions for servers say.
func (rs *requestSpan) end() {
	if rs == nil {
		return
	}
	status := rs.w.status
	if status == 0 {
		status = http.StatusOK
	}
	rs.s.SetAttributes(attribute.Int(attrHTTPStatus, status))
	if status >= 500 {
		rs.s.SetStatus(codes.Error, http.StatusText(status))
	}
	rs.s.End()
}

// failRequest marks the span of the request in ctx failed with err, the
// internal error that publicErrors hides from the client: the answer is a
// 200, and the trace would otherwise not show that it went wrong.
func (e *endpoint) failRequest(ctx context.Context, err error) {
	if e.svc.tracer != nil {
		failSpan(trace.SpanFromContext(ctx), err)
	}
}

// statusWriter notes the status of the answer it writes. It hides the
// writer's other interfaces, which Handler does not use; net/http's hint
// that a too large body should close the connection is among them, so a
// traced Service's 413 answers leave it open.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader notes the first status and writes it.
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write writes b, noting the implicit 200 of a body without a status.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the writer underneath, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
