package customerauth

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// tracerName names the instrumentation scope of every span the Service
// starts, as OpenTelemetry asks: the import path of the instrumented
// package.
const tracerName = "github.com/shopkit/customerauth"

// Span attribute keys. The GraphQL and HTTP ones are OpenTelemetry's
// semantic conventions, written out so that the package needs the trace API
// only, not the semconv packages. No attribute ever holds a secret or a
// customer's email: a customer is named by its id, which says nothing by
// itself.
const (
	attrCustomerID       = "customerauth.customer.id"
	attrRequestID        = "customerauth.request.id"
	attrNotificationKind = "customerauth.notification.kind"
	attrTokenKind        = "customerauth.token.kind"
	attrOutcome          = "customerauth.outcome"
	attrOperationName    = "graphql.operation.name"
	attrOperationType    = "graphql.operation.type"
	attrHTTPStatus       = "http.response.status_code"
	attrFastPathDeclined = "customerauth.fastpath.declined"
	attrPasswordRehash   = "customerauth.password.rehash"
)

// tracer starts the Service's spans. A Service without a TracerProvider
// has a nil *tracer, whose methods do nothing and allocate nothing: an
// untraced request pays a nil check per span, not the context and span
// values even a no-op provider costs.
type tracer struct {
	t trace.Tracer
}

// newTracer returns the tracer of tp, or nil when tp is nil or
// OpenTelemetry's no-op provider, which would only add cost.
func newTracer(tp trace.TracerProvider) *tracer {
	switch tp.(type) {
	case nil, noop.TracerProvider, *noop.TracerProvider:
		return nil
	}
	return &tracer{t: tp.Tracer(tracerName)}
}

// start begins the span name as a child of the span in ctx and returns the
// context that carries it. On a nil tracer it returns ctx unchanged and a
// span whose methods do nothing, even when ctx carries a span of the
// host's: an untraced Service never touches the host's spans.
func (t *tracer) start(ctx context.Context, name string) (context.Context, span) {
	if t == nil {
		return ctx, span{}
	}
	ctx, s := t.t.Start(ctx, name)
	return ctx, span{s}
}

// span is a started span, or nothing (the zero span) when tracing is off.
type span struct {
	s trace.Span
}

// setBool sets one attribute; the attribute is built only when the span
// records, so that an untraced call allocates nothing.
func (s span) setBool(key string, value bool) {
	if s.s != nil {
		s.s.SetAttributes(attribute.Bool(key, value))
	}
}

// end ends the span, marking it failed when err is not nil.
func (s span) end(err error) {
	if s.s == nil {
		return
	}
	if err != nil {
		failSpan(s.s, err)
	}
	s.s.End()
}

// failSpan marks sp failed with err. The message is err's, which the
// Service's logs already carry and which, like them, never holds a secret:
// Store errors name the operation and the database's complaint, never the
// values written.
func failSpan(sp trace.Span, err error) {
	sp.RecordError(err)
	sp.SetStatus(codes.Error, err.Error())
}

// storeOutcome names the Store's answers that are outcomes, not failures,
// or returns "" for a failure: an unknown email at login is a lookup that
// found nothing, and a taken email is the client's mistake. A span records
// an outcome in attrOutcome, so that error rates count only stores that
// failed.
func storeOutcome(err error) string {
	switch {
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrAddressNotFound):
		return "address_not_found"
	case errors.Is(err, ErrTooManyAddresses):
		return "too_many_addresses"
	case errors.Is(err, ErrCredentialsChanged):
		return "credentials_changed"
	}
	return ""
}

// endStoreSpan ends the span of a Store call that returned err.
func endStoreSpan(sp trace.Span, err error) {
	if err != nil {
		if o := storeOutcome(err); o != "" {
			sp.SetAttributes(attribute.String(attrOutcome, o))
		} else {
			failSpan(sp, err)
		}
	}
	sp.End()
}

// traceWith turns tracing on for s when tp is a real provider: the Store
// and the Notifier are wrapped so that each of their calls is a span, and
// the handler and password hashing start theirs through s.tracer. New
// calls it after the Store and Notifier defaults are in place and before
// the Store's optional capabilities (Limiter, ReplayCache) are looked up,
// so that those are traced too.
func (s *Service) traceWith(tp trace.TracerProvider) {
	s.tracer = newTracer(tp)
	if s.tracer == nil {
		return
	}
	s.store = traceStore(s.store, s.tracer.t)
	s.notifier = tracedNotifier{next: s.notifier, t: s.tracer.t}
}

// tracedNotifier makes each notification a span: a slow or failing mail
// server shows in the trace of the request that sent the message.
type tracedNotifier struct {
	next Notifier
	t    trace.Tracer
}

// Notify sends n through the wrapped Notifier within a span that names the
// kind and the customer, never the address or the link.
func (n tracedNotifier) Notify(ctx context.Context, msg Notification) error {
	ctx, sp := n.t.Start(ctx, "customerauth.notify", trace.WithAttributes(
		attribute.String(attrNotificationKind, msg.Kind.String()),
		attribute.String(attrCustomerID, msg.CustomerID),
	))
	err := n.next.Notify(ctx, msg)
	if err != nil {
		failSpan(sp, err)
	}
	sp.End()
	return err
}

// phase is the span of one step of a request, which may hand over to the
// next step (parse, then validate): a function with several returns
// defers end once and calls next between its steps. On a nil tracer it
// does nothing.
type phase struct {
	t   *tracer
	ctx context.Context
	s   span
}

// phase starts the span of the step name, a child of the span in ctx.
func (t *tracer) phase(ctx context.Context, name string) phase {
	if t == nil {
		return phase{}
	}
	_, s := t.start(ctx, name)
	return phase{t: t, ctx: ctx, s: s}
}

// next ends the current step's span and starts the span of the step name,
// a sibling of it.
func (p *phase) next(name string) {
	if p.t == nil {
		return
	}
	p.s.end(nil)
	_, p.s = p.t.start(p.ctx, name)
}

// end ends the current step's span, once.
func (p *phase) end() {
	p.s.end(nil)
	p.s = span{}
}
