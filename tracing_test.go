package customerauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/shopkit/customerauth"
)

// tracedEnv is a Service whose spans go to an in-memory exporter as each
// ends.
func tracedEnv(t *testing.T, edit ...func(*customerauth.Config)) (*env, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return newEnv(t, append([]func(*customerauth.Config){func(c *customerauth.Config) { c.TracerProvider = tp }}, edit...)...), exp
}

// spanSet is the spans of one or more requests, with their parents.
type spanSet struct {
	t     *testing.T
	spans tracetest.SpanStubs
	byID  map[trace.SpanID]tracetest.SpanStub
}

func newSpanSet(t *testing.T, spans tracetest.SpanStubs) spanSet {
	s := spanSet{t: t, spans: spans, byID: map[trace.SpanID]tracetest.SpanStub{}}
	for _, sp := range spans {
		s.byID[sp.SpanContext.SpanID()] = sp
	}
	return s
}

// named returns the spans called name.
func (s spanSet) named(name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, sp := range s.spans {
		if sp.Name == name {
			out = append(out, sp)
		}
	}
	return out
}

// one returns the only span called name, failing the test otherwise.
func (s spanSet) one(name string) tracetest.SpanStub {
	s.t.Helper()
	got := s.named(name)
	if len(got) != 1 {
		s.t.Fatalf("%d spans %s, want 1; spans: %v", len(got), name, s.names())
	}
	return got[0]
}

func (s spanSet) names() []string {
	var out []string
	for _, sp := range s.spans {
		out = append(out, sp.Name)
	}
	return out
}

// ancestors returns the names of sp's parent, its parent's, and so on,
// within the set.
func (s spanSet) ancestors(sp tracetest.SpanStub) []string {
	var out []string
	for sp.Parent.IsValid() {
		p, ok := s.byID[sp.Parent.SpanID()]
		if !ok {
			break
		}
		out = append(out, p.Name)
		sp = p
	}
	return out
}

// wantParent fails unless the parent of every span called child is the
// span called parent.
func (s spanSet) wantParent(child, parent string) {
	s.t.Helper()
	kids := s.named(child)
	if len(kids) == 0 {
		s.t.Errorf("no span %s; spans: %v", child, s.names())
	}
	for _, sp := range kids {
		if a := s.ancestors(sp); len(a) == 0 || a[0] != parent {
			s.t.Errorf("%s has ancestors %v, want parent %s", child, a, parent)
		}
	}
}

func attr(sp tracetest.SpanStub, key string) (string, bool) {
	for _, kv := range sp.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String(), true
		}
	}
	return "", false
}

// noSecrets fails when a span's name, attributes, events or status holds
// one of secrets.
func (s spanSet) noSecrets(secrets ...string) {
	s.t.Helper()
	for _, sp := range s.spans {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s", sp.Name, sp.Status.Description)
		for _, kv := range sp.Attributes {
			fmt.Fprintf(&b, " %s=%s", kv.Key, kv.Value.String())
		}
		for _, ev := range sp.Events {
			fmt.Fprintf(&b, " %s", ev.Name)
			for _, kv := range ev.Attributes {
				fmt.Fprintf(&b, " %s=%s", kv.Key, kv.Value.String())
			}
		}
		for _, secret := range secrets {
			if strings.Contains(strings.ToLower(b.String()), strings.ToLower(secret)) {
				s.t.Errorf("span %s holds %q: %s", sp.Name, secret, b.String())
			}
		}
	}
}

func TestTracingALoginThroughHandler(t *testing.T) {
	const email, password = "ann@example.com", "correct horse battery"
	for _, tc := range []struct {
		name    string
		cache   int
		execute string
	}{
		{"compiled plan", 0, "customerauth.fastpath.execute"},
		{"graphql-go", -1, "customerauth.execute"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, exp := tracedEnv(t, func(c *customerauth.Config) { c.DocumentCache = tc.cache })
			id := e.register(email, password)
			exp.Reset()

			r := e.do(loginDoc, loginVars(email, password))
			r.noErrors(t, "customerAccessTokenCreate")
			token := r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
			s := newSpanSet(t, exp.GetSpans())

			req := s.one("customerauth.request")
			for key, want := range map[string]string{
				"graphql.operation.type":    "mutation",
				"graphql.operation.name":    "customerAccessTokenCreate",
				"http.response.status_code": "200",
				"customerauth.request.id":   r.Header.Get("X-Request-ID"),
			} {
				if got, _ := attr(req, key); got != want {
					t.Errorf("request span %s = %q, want %q", key, got, want)
				}
			}
			if req.Status.Code == codes.Error {
				t.Errorf("request span status %v", req.Status)
			}
			for _, phase := range []string{"customerauth.parse", "customerauth.validate", tc.execute} {
				s.wantParent(phase, "customerauth.request")
			}
			s.wantParent("customerauth.password.verify", tc.execute)
			s.wantParent("customerauth.store.CustomerByEmail", tc.execute)
			var stores int
			for _, sp := range s.spans {
				if sp.SpanContext.TraceID() != req.SpanContext.TraceID() {
					t.Errorf("%s is in another trace", sp.Name)
				}
				if strings.HasPrefix(sp.Name, "customerauth.store.") {
					stores++
					if a := s.ancestors(sp); len(a) != 2 || a[0] != tc.execute || a[1] != "customerauth.request" {
						t.Errorf("%s has ancestors %v, want %s, request", sp.Name, a, tc.execute)
					}
				}
			}
			if stores < 2 {
				t.Errorf("%d store spans, want the lookup and the token's write: %v", stores, s.names())
			}
			if got, _ := attr(s.one("customerauth.store.CustomerByEmail"), "customerauth.customer.id"); got == "" || !strings.HasSuffix(id, "/"+got) {
				t.Errorf("CustomerByEmail span names customer %q, want the id of %s", got, id)
			}
			s.noSecrets(password, token, email, "ann%40example.com")

			// The customer's query, twice: the second skips parse and
			// validate when the document is cached.
			e.customer(token)
			exp.Reset()
			e.customer(token)
			s = newSpanSet(t, exp.GetSpans())
			if cached := len(s.named("customerauth.parse")) == 0 && len(s.named("customerauth.validate")) == 0; cached != (tc.cache >= 0) {
				t.Errorf("cache %d: a repeated document skipped parse and validate: %v; spans: %v", tc.cache, cached, s.names())
			}
			s.wantParent(tc.execute, "customerauth.request")
			s.wantParent("customerauth.store.TokenByHash", tc.execute)
			if got, _ := attr(s.one("customerauth.request"), "graphql.operation.type"); got != "query" {
				t.Errorf("operation type %q, want query", got)
			}
			s.noSecrets(password, token, email)
		})
	}
}

// emailLookupDown fails every lookup by email, as a database that went away.
type emailLookupDown struct{ customerauth.Store }

func (emailLookupDown) CustomerByEmail(context.Context, string) (*customerauth.Customer, error) {
	return nil, errors.New("connection refused")
}

func TestTracingMarksFailures(t *testing.T) {
	e, exp := tracedEnv(t, func(c *customerauth.Config) { c.Store = emailLookupDown{customerauth.NewMemoryStore()} })
	r := e.do(loginDoc, loginVars("ann@example.com", "correct horse battery"))
	if firstCode(r.Errors) != "INTERNAL_SERVER_ERROR" {
		t.Fatalf("got %s, want INTERNAL_SERVER_ERROR", r.Raw)
	}
	s := newSpanSet(t, exp.GetSpans())
	for _, name := range []string{"customerauth.store.CustomerByEmail", "customerauth.request"} {
		if sp := s.one(name); sp.Status.Code != codes.Error || !strings.Contains(sp.Status.Description, "connection refused") {
			t.Errorf("%s status %v, want an error saying why", name, sp.Status)
		}
	}
	// An unknown email is an answer, not a failure of the store.
	e, exp = tracedEnv(t)
	e.do(loginDoc, loginVars("nobody@example.com", "correct horse battery"))
	sp := newSpanSet(t, exp.GetSpans()).one("customerauth.store.CustomerByEmail")
	if got, _ := attr(sp, "customerauth.outcome"); sp.Status.Code == codes.Error || got != "not_found" {
		t.Errorf("CustomerByEmail of an unknown email: status %v, outcome %q; want no error, not_found", sp.Status, got)
	}
}

func TestTracingANotification(t *testing.T) {
	const email = "ann@example.com"
	e, exp := tracedEnv(t)
	e.register(email, "correct horse battery")
	exp.Reset()
	r := e.do(recoverDoc, map[string]any{"email": email})
	r.noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, email).URL
	s := newSpanSet(t, exp.GetSpans())
	n := s.one("customerauth.notify")
	if got, _ := attr(n, "customerauth.notification.kind"); got != "password_reset" {
		t.Errorf("notification kind %q", got)
	}
	if a := s.ancestors(n); len(a) < 2 || a[len(a)-1] != "customerauth.request" {
		t.Errorf("notify has ancestors %v, want it under the request", a)
	}
	s.noSecrets(email, link, link[strings.LastIndex(link, "/")+1:])
}

// capabilityNames are the optional Store interfaces, in the bit order of
// customerauth.StoreWithCapabilities.
var capabilityNames = []string{"Limiter", "ReplayCache", "CustomerLister", "CustomerEraser", "CustomerImporter", "Pinger"}

func capabilitiesOf(s customerauth.Store) uint8 {
	var c uint8
	for i, ok := range []bool{
		is[customerauth.Limiter](s), is[customerauth.ReplayCache](s), is[customerauth.CustomerLister](s),
		is[customerauth.CustomerEraser](s), is[customerauth.CustomerImporter](s), is[customerauth.Pinger](s),
	} {
		if ok {
			c |= 1 << i
		}
	}
	return c
}

func is[T any](s customerauth.Store) bool {
	_, ok := s.(T)
	return ok
}

func capabilityList(c uint8) []string {
	var out []string
	for i, n := range capabilityNames {
		if c&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// fullStore has every optional capability.
type fullStore struct {
	*customerauth.MemoryStore
	*customerauth.MemoryLimiter
}

func TestTracedStoreKeepsCapabilities(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	full := fullStore{customerauth.NewMemoryStore(), customerauth.NewMemoryLimiter()}
	if got := capabilitiesOf(full); got != 1<<len(capabilityNames)-1 {
		t.Fatalf("the test's full store has %v only", capabilityList(got))
	}
	for caps := range uint8(1 << len(capabilityNames)) {
		inner := customerauth.StoreWithCapabilities(full, caps)
		if got := capabilitiesOf(inner); got != caps {
			t.Errorf("StoreWithCapabilities(%v) has %v", capabilityList(caps), capabilityList(got))
		}
		if got := capabilitiesOf(customerauth.TracedStore(inner, tp)); got != caps {
			t.Errorf("traced store of one with %v has %v", capabilityList(caps), capabilityList(got))
		}
	}
	mem := customerauth.NewMemoryStore()
	if got, want := capabilitiesOf(customerauth.TracedStore(mem, tp)), capabilitiesOf(mem); got != want {
		t.Errorf("traced MemoryStore has %v, the MemoryStore %v", capabilityList(got), capabilityList(want))
	}
}

// TestTracedStoreForwardsCapabilities calls each optional capability of a
// traced store and finds its span.
func TestTracedStoreForwardsCapabilities(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	s := customerauth.TracedStore(fullStore{customerauth.NewMemoryStore(), customerauth.NewMemoryLimiter()}, tp)
	ctx, now := context.Background(), newClock().Now()
	for _, tc := range []struct {
		span string
		call func() error
	}{
		{"Allow", func() error {
			_, err := s.(customerauth.Limiter).Allow(ctx, "login:ann@example.com", customerauth.Rule{Limit: 1, Window: 60e9}, now)
			return err
		}},
		{"Remember", func() error {
			_, err := s.(customerauth.ReplayCache).Remember(ctx, [32]byte{1}, now, now.Add(60e9))
			return err
		}},
		{"CreateCustomers", func() error {
			return s.(customerauth.CustomerImporter).CreateCustomers(ctx, []*customerauth.Customer{{ID: "42", Email: "ann@example.com", State: customerauth.StateEnabled}})
		}},
		{"FindCustomers", func() error {
			_, err := s.(customerauth.CustomerImporter).FindCustomers(ctx, []string{"42"}, nil)
			return err
		}},
		{"ListCustomers", func() error {
			_, err := s.(customerauth.CustomerLister).ListCustomers(ctx, customerauth.CustomerQuery{Search: "ann", Limit: 10})
			return err
		}},
		{"EraseCustomer", func() error { return s.(customerauth.CustomerEraser).EraseCustomer(ctx, "42") }},
		{"Ping", func() error { return s.(customerauth.Pinger).Ping(ctx) }},
	} {
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.span, err)
		}
	}
	set := newSpanSet(t, exp.GetSpans())
	for _, name := range []string{"Allow", "Remember", "CreateCustomers", "FindCustomers", "ListCustomers", "EraseCustomer", "Ping"} {
		set.one("customerauth.store." + name)
	}
	if got, _ := attr(set.one("customerauth.store.EraseCustomer"), "customerauth.customer.id"); got != "42" {
		t.Errorf("EraseCustomer span names customer %q, want 42", got)
	}
	set.noSecrets("ann@example.com", "login:")
}

// TestUntracedHandlerAllocations holds a Service without a TracerProvider
// (or with OpenTelemetry's no-op one) to the allocations of the handler
// underneath: the CORS headers of a cross-origin request and the span
// checks of an untraced one cost none.
func TestUntracedHandlerAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	for _, tc := range []struct {
		name string
		tp   trace.TracerProvider
	}{
		{"nil", nil},
		{"noop", noop.NewTracerProvider()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *customerauth.Config) { c.TracerProvider = tc.tp })
			e.register("ann@example.com", "correct horse")
			tok := e.login("ann@example.com", "correct horse")
			q := gqlReq{query: customerDoc, vars: map[string]any{"customerAccessToken": tok, "country": "CA", "language": "EN"},
				headers: map[string]string{"Origin": corsShop}}
			count := func(h http.Handler) float64 {
				const runs = 100
				reqs := make([]*http.Request, runs+1)
				recs := make([]*httptest.ResponseRecorder, runs+1)
				for i := range reqs {
					reqs[i], recs[i] = q.build(), httptest.NewRecorder()
				}
				i := 0
				n := testing.AllocsPerRun(runs, func() {
					h.ServeHTTP(recs[i], reqs[i])
					i++
				})
				if recs[0].Code != 200 || !strings.Contains(recs[0].Body.String(), `"customer"`) {
					t.Fatalf("%d %s", recs[0].Code, recs[0].Body.String())
				}
				return n
			}
			// The least of a few rounds: under the race detector,
			// sync.Pool drops a share of what the fast path returns to
			// it, at random.
			least := func(h http.Handler) float64 {
				n := count(h)
				for range 4 {
					n = min(n, count(h))
				}
				return n
			}
			inner, _ := customerauth.FastHandler(e.svc, true)
			nh, ni := least(e.svc.Handler()), least(inner)
			t.Logf("customer query: %.0f allocs through Handler, %.0f underneath", nh, ni)
			if nh > ni {
				t.Errorf("Handler: %.0f allocs, want no more than the %.0f of the handler it wraps", nh, ni)
			}
		})
	}
}
