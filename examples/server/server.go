package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storeopen"
)

// options are the server's settings, from flags.
type options struct {
	addr, store, dsn, shopURL   string
	multipassSecret             string
	storefrontToken             string
	smtp                        string
	trace                       string                // "stdout" or ""; run turns it into tracerProvider
	pagesLanguage, pagesAPI     string                // -pages-language, -pages-api
	tracerProvider              trace.TracerProvider  // nil: no tracing
	notifier                    customerauth.Notifier // set by tests; overrides smtp
	now                         func() time.Time      // set by tests
	argon2                      customerauth.Argon2Params
	disableCleanup, quietAccess bool
}

// server is the example's http.Handler with what it must release.
type server struct {
	http.Handler
	close []func()
	svc   *customerauth.Service // for tests: invitations, clock moves
	store *storeopen.Store      // for tests: closing the store under the server
}

// Close releases the store and stops the cleanup loop.
func (s *server) Close() {
	for i := len(s.close) - 1; i >= 0; i-- {
		s.close[i]()
	}
}

// newServer builds the whole example: store, Service, metrics and routes.
// A mail server that fails its check is logged and reported by /healthz
// but does not stop the server: accounts work without email, and the shop
// can fix -smtp while customers log in.
func newServer(ctx context.Context, o options, logger *slog.Logger) (*server, error) {
	srv := &server{}
	st, err := openStore(ctx, o.store, o.dsn, logger)
	if err != nil {
		return nil, err
	}
	srv.store = st
	srv.close = append(srv.close, st.Close)

	mail := &mailHealth{}
	notifier := o.notifier
	if notifier == nil {
		if notifier, err = newNotifier(ctx, o.smtp, logger, mail); err != nil {
			srv.Close()
			return nil, err
		}
	}
	cfg := customerauth.Config{
		Store:          st.Store,
		ShopURL:        o.shopURL,
		Logger:         logger,
		Now:            o.now,
		Argon2:         o.argon2,
		TracerProvider: o.tracerProvider,
	}
	if o.multipassSecret != "" {
		cfg.MultipassSecrets = []string{o.multipassSecret}
	}
	if o.storefrontToken != "" {
		cfg.AccessTokens = []customerauth.StorefrontToken{{
			Token:  o.storefrontToken,
			Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers, customerauth.ScopeReadCustomerTags},
		}}
	}
	// The metrics need the schema's root fields, which only a Service
	// has; the Service needs the metrics' hooks. The hooks are set on the
	// Config before New and find the metrics through m.
	m := &metrics{}
	cfg.OnEvent = m.event
	cfg.Notifier = countingNotifier{next: notifier, m: m, mail: mail}
	svc, err := customerauth.New(cfg)
	if err != nil {
		srv.Close()
		return nil, err
	}
	m.init(svc)
	srv.svc = svc
	if st.DeleteExpired != nil && !o.disableCleanup {
		srv.close = append(srv.close, startCleanup(st.DeleteExpired, logger))
	}

	mux := http.NewServeMux()
	mux.Handle("/api/{version}/graphql.json", svc.Handler())
	mux.Handle("GET /account/login/multipass/{token}", svc.MultipassLoginHandler())
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.Handle("GET /healthz", healthHandler(st.Store, mail, secretsOf(o.store, o.dsn), healthTimeout))
	pages := pageConfig{StorefrontToken: o.storefrontToken, APIVersion: defaultAPIVersion, Logger: logger,
		Language: o.pagesLanguage, APIEndpoint: o.pagesAPI}
	mux.Handle("GET /graphql", graphiQL(pages))
	mountPages(mux, pages)
	srv.Handler = requestLog(mux, logger, m, o.quietAccess)
	return srv, nil
}

// openStore opens the chosen store and applies its migrations.
func openStore(ctx context.Context, kind, dsn string, logger *slog.Logger) (*storeopen.Store, error) {
	st, err := storeopen.Open(ctx, kind, dsn, true)
	if err != nil {
		return nil, err
	}
	if st.Migrate != nil {
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	logger.Info("store", "kind", st.Kind, "where", st.Where)
	return st, nil
}

// startCleanup deletes expired tokens and replay entries every few minutes,
// the call the stores leave to their host.
func startCleanup(cleanup func(context.Context, time.Time) (int, int, error), logger *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if tokens, replays, err := cleanup(ctx, now); err != nil {
					logger.Error("cleanup", "error", err)
				} else if tokens+replays > 0 {
					logger.Info("cleanup", "tokens", tokens, "replays", replays)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// metrics are the Prometheus collectors of one server.
type metrics struct {
	registry      *prometheus.Registry
	events        *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	notifications *prometheus.CounterVec
	// rootFields are the names of the schema's root fields, the only
	// operation labels the latency takes: a client names its operations
	// as it likes, and every new name would be a new series.
	rootFields map[string]bool
}

// init makes the collectors, with the root fields of svc's schema.
func (m *metrics) init(svc *customerauth.Service) {
	m.registry = prometheus.NewRegistry()
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "customerauth_events_total",
		Help: "Customer-account events by kind (logins, throttling, tokens, password changes).",
	}, []string{"kind", "operation"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "customerauth_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, by route, status code and GraphQL operation: the root field " +
			"of a one-field operation, \"other\" for the rest, empty outside the GraphQL endpoint.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "code", "operation"})
	m.notifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "customerauth_notifications_total",
		Help: "Notifications (activation, reset, welcome … emails) by kind and result: sent (handed to the mail server, or logged without -smtp) or failed.",
	}, []string{"kind", "result"})
	m.registry.MustRegister(m.events, m.latency, m.notifications,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.rootFields = map[string]bool{}
	for name := range svc.QueryFields() {
		m.rootFields[name] = true
	}
	for name := range svc.MutationFields() {
		m.rootFields[name] = true
	}
}

func (m *metrics) event(_ context.Context, e customerauth.Event) {
	m.events.WithLabelValues(e.Kind.String(), e.Operation).Inc()
}

// operationLabel is the latency's operation label for a request: its root
// field when it has exactly one the schema knows, "other" for any other
// GraphQL operation, "" when no operation ran.
func (m *metrics) operationLabel(info *customerauth.RequestInfo) string {
	switch {
	case info.OperationType == "":
		return ""
	case len(info.RootFields) == 1 && m.rootFields[info.RootFields[0]]:
		return info.RootFields[0]
	}
	return "other"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestLog gives every request an id (kept from a plausible incoming
// X-Request-ID, as customerauth does), logs it with its route pattern
// (never the raw path: reset, activation and Multipass paths hold
// credentials) and the GraphQL operation it ran, and records its latency.
func requestLog(next http.Handler, logger *slog.Logger, m *metrics, quiet bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// The same rule as customerauth's, so both log the same id.
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
			r.Header.Set("X-Request-ID", id)
		}
		w.Header().Set("X-Request-ID", id)
		info := &customerauth.RequestInfo{}
		r = r.WithContext(customerauth.WithRequestInfo(r.Context(), info))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		m.latency.WithLabelValues(route, fmt.Sprint(sw.status), m.operationLabel(info)).Observe(d.Seconds())
		if quiet {
			return
		}
		attrs := []slog.Attr{
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
		}
		if info.OperationType != "" {
			attrs = append(attrs, slog.String("operation", info.OperationName), slog.String("type", info.OperationType))
		}
		attrs = append(attrs, slog.Int("status", sw.status), slog.Duration("duration", d))
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
