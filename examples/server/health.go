package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

// What /healthz says about email when nothing is wrong.
const (
	mailOK     = "ok"
	mailLogged = "not sent: no -smtp, the links are logged"
)

// mailHealth is what /healthz says about email: the outcome of the
// start-up check, then of the last delivery.
type mailHealth struct {
	mu     sync.Mutex
	status string
	// smtp tells whether deliveries reach a mail server, and so whether
	// their outcome says anything about it.
	smtp bool
}

// set records the mail status and whether it comes from a mail server.
func (h *mailHealth) set(status string, smtp bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.smtp = status, smtp
}

// delivered records the outcome of a delivery. A failure is the status
// until a delivery succeeds, unless a problem is known already: the
// start-up check's says how to fix it. A recipient's refusal says nothing
// of the server and changes nothing.
func (h *mailHealth) delivered(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.smtp || recipientRefused(err):
	case err == nil:
		h.status = mailOK
	case h.status == mailOK:
		h.status = "the last email failed: " + err.Error()
	}
}

// get returns the status and whether it is a problem.
func (h *mailHealth) get() (status string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.status == "" {
		return mailOK, true
	}
	return h.status, h.status == mailOK || h.status == mailLogged
}

// healthTimeout bounds the store's answer to /healthz: a database that
// takes longer is as good as down to the load balancer asking.
const healthTimeout = 2 * time.Second

// pingBudget bounds one ping in the background. It outlasts healthTimeout
// so that a slow store's answer still arrives, for the next check.
const pingBudget = 10 * time.Second

// healthReport is the body of /healthz.
type healthReport struct {
	// Status is "ok"; "degraded" when the store answers but email fails
	// (accounts work, activation and reset emails do not); "unavailable"
	// when the store does not answer, with the answer 503.
	Status string `json:"status"`
	// Store is "ok" or why the store did not answer.
	Store string `json:"store"`
	// Mail is "ok", mailLogged, or what is wrong with email and how to
	// fix it.
	Mail string `json:"mail"`
}

// healthHandler answers /healthz: 200 while the store answers within
// timeout, 503 otherwise, with a healthReport either way. A mail problem
// alone leaves it 200 (status "degraded"): taking the server out of service
// would not fix the mail server and would stop logins too. secrets are
// removed from every error shown.
func healthHandler(store customerauth.Store, mail *mailHealth, secrets []string, timeout time.Duration) http.Handler {
	var ping *storePing
	if p, ok := store.(customerauth.Pinger); ok {
		ping = &storePing{p: p}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := healthReport{Status: "ok", Store: "ok"}
		code := http.StatusOK
		if ping == nil {
			rep.Store = "not checked: the store cannot be pinged"
		} else if err := ping.await(r.Context(), timeout); err != nil {
			rep.Status, rep.Store, code = "unavailable", redact(err.Error(), secrets), http.StatusServiceUnavailable
		}
		var mailOK bool
		rep.Mail, mailOK = mail.get()
		if code == http.StatusOK && !mailOK {
			rep.Status = "degraded"
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(rep)
	})
}

// storePing runs a store's Ping in the background, one at a time, for the
// health checks waiting for it. A store may ignore the deadline while it
// waits (SQLite for a lock held by another process does); the check must
// not, and checks arriving meanwhile must not start pings of their own.
type storePing struct {
	p  customerauth.Pinger
	mu sync.Mutex
	// inflight is the ping running now, nil when none is.
	inflight *pingCall
}

// pingCall is one Ping: err is set before done is closed.
type pingCall struct {
	done chan struct{}
	err  error
}

// await returns the answer of the running ping, starting one if none is
// running, or an error once timeout has passed or ctx has ended.
func (sp *storePing) await(ctx context.Context, timeout time.Duration) error {
	sp.mu.Lock()
	call := sp.inflight
	if call == nil {
		call = &pingCall{done: make(chan struct{})}
		sp.inflight = call
		go func() {
			pctx, cancel := context.WithTimeout(context.Background(), pingBudget)
			call.err = sp.p.Ping(pctx)
			cancel()
			sp.mu.Lock()
			sp.inflight = nil
			sp.mu.Unlock()
			close(call.done)
		}()
	}
	sp.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-call.done:
		return call.err
	case <-t.C:
		return fmt.Errorf("the store did not answer within %v", timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// secretsOf returns what /healthz must never show of -dsn: the whole
// connection string and the PostgreSQL password in it.
func secretsOf(kind, dsn string) []string {
	if dsn == "" {
		return nil
	}
	secrets := []string{dsn}
	if kind == "postgres" {
		if cfg, err := pgx.ParseConfig(dsn); err == nil && cfg.Password != "" {
			secrets = append(secrets, cfg.Password)
		}
	}
	return secrets
}

// redact replaces every secret in s.
func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}
