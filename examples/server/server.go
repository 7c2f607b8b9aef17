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
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storeopen"
)

// options are the server's settings, from flags.
type options struct {
	addr, store, dsn, shopURL   string
	multipassSecret             string
	storefrontToken             string
	smtp                        string
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
}

// Close releases the store and stops the cleanup loop.
func (s *server) Close() {
	for i := len(s.close) - 1; i >= 0; i-- {
		s.close[i]()
	}
}

// newServer builds the whole example: store, Service, metrics and routes.
func newServer(ctx context.Context, o options, logger *slog.Logger) (*server, error) {
	srv := &server{}
	store, cleanup, closeStore, err := openStore(ctx, o.store, o.dsn, logger)
	if err != nil {
		return nil, err
	}
	srv.close = append(srv.close, closeStore)

	notifier := o.notifier
	if notifier == nil {
		if notifier, err = newNotifier(o.smtp, logger); err != nil {
			srv.Close()
			return nil, err
		}
	}
	m := newMetrics()
	cfg := customerauth.Config{
		Store:    store,
		ShopURL:  o.shopURL,
		Notifier: notifier,
		Logger:   logger,
		Now:      o.now,
		Argon2:   o.argon2,
		OnEvent:  m.event,
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
	svc, err := customerauth.New(cfg)
	if err != nil {
		srv.Close()
		return nil, err
	}
	srv.svc = svc
	if cleanup != nil && !o.disableCleanup {
		srv.close = append(srv.close, startCleanup(cleanup, logger))
	}

	mux := http.NewServeMux()
	mux.Handle("/api/{version}/graphql.json", svc.Handler())
	mux.Handle("GET /account/login/multipass/{token}", svc.MultipassLoginHandler())
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /graphql", graphiQL)
	mountPages(mux, pageConfig{StorefrontToken: o.storefrontToken, APIVersion: "2026-04", Logger: logger})
	srv.Handler = requestLog(mux, logger, m, o.quietAccess)
	return srv, nil
}

// openStore opens the chosen store, applies its migrations, and returns
// the expiry cleanup the server schedules and the function that closes it.
func openStore(ctx context.Context, kind, dsn string, logger *slog.Logger) (customerauth.Store, func(context.Context, time.Time) (int, int, error), func(), error) {
	st, err := storeopen.Open(ctx, kind, dsn, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if st.Migrate != nil {
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, nil, nil, err
		}
	}
	logger.Info("store", "kind", st.Kind, "where", st.Where)
	return st.Store, st.DeleteExpired, st.Close, nil
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
	registry *prometheus.Registry
	events   *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "customerauth_events_total",
			Help: "Customer-account events by kind (logins, throttling, tokens, password changes).",
		}, []string{"kind", "operation"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "customerauth_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
	}
	m.registry.MustRegister(m.events, m.latency)
	return m
}

func (m *metrics) event(_ context.Context, e customerauth.Event) {
	m.events.WithLabelValues(e.Kind.String(), e.Operation).Inc()
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
// credentials) and records its latency.
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
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		m.latency.WithLabelValues(route, fmt.Sprint(sw.status)).Observe(d.Seconds())
		if !quiet {
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", sw.status), slog.Duration("duration", d))
		}
	})
}
