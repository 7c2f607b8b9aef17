package customerauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// Limiter counts attempts per key and says when a key has used up its
// allowance. The Service asks it before every login, registration and
// password recovery, with keys per account and per client IP.
//
// A Store that also implements Limiter is used for it, so that several
// processes on one database enforce one limit.
type Limiter interface {
	// Allow records one attempt under key at now and reports whether the
	// attempts within the last rule.Window, this one included, are at most
	// rule.Limit. Attempts that are refused count too, so hammering a
	// closed door keeps it closed.
	Allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error)
}

// Rule is an allowance: at most Limit attempts in any Window. Limiters
// may approximate the sliding window (MemoryLimiter weighs the previous
// fixed window), so a burst is forgotten gradually and completely after
// two windows.
type Rule struct {
	Limit  int
	Window time.Duration
}

// Throttle sets the allowances. Zero Rules take the defaults given; a
// negative Limit switches that rule off.
type Throttle struct {
	// LoginPerAccount: logins for one email. Zero means 10 per 15 minutes.
	LoginPerAccount Rule
	// LoginPerIP: logins from one client IP, across accounts. Zero means 50
	// per 15 minutes.
	LoginPerIP Rule
	// RecoverPerEmail: reset emails for one address. Zero means 5 per hour.
	RecoverPerEmail Rule
	// RecoverPerIP: recover requests from one client IP. Zero means 20 per
	// hour.
	RecoverPerIP Rule
	// CreatePerIP: registrations from one client IP. Zero means 20 per
	// hour.
	CreatePerIP Rule
	// MaxCredentialFields bounds the mutations that check a credential or
	// send an email (log in, register, recover, reset, activate, Multipass)
	// in one document, so aliases cannot multiply one request. Zero means
	// 3.
	MaxCredentialFields int
	// MaxConcurrentHashes bounds the password hashes computed at once, so
	// memory stays flat under a login flood. Zero means GOMAXPROCS.
	MaxConcurrentHashes int
	// HashWait is how long a request waits for a hashing slot before it is
	// answered THROTTLED. Zero means 3 seconds.
	HashWait time.Duration
}

func (t Throttle) withDefaults(procs int) Throttle {
	def := func(r *Rule, limit int, window time.Duration) {
		if r.Limit == 0 {
			r.Limit = limit
		}
		if r.Window <= 0 {
			r.Window = window
		}
	}
	def(&t.LoginPerAccount, 10, 15*time.Minute)
	def(&t.LoginPerIP, 50, 15*time.Minute)
	def(&t.RecoverPerEmail, 5, time.Hour)
	def(&t.RecoverPerIP, 20, time.Hour)
	def(&t.CreatePerIP, 20, time.Hour)
	setDefault(&t.MaxCredentialFields, 3)
	setDefault(&t.MaxConcurrentHashes, procs)
	setDefault(&t.HashWait, 3*time.Second)
	return t
}

// ErrThrottled reports that a limit was reached: too many attempts for an
// account or client, or no hashing slot free in time. The GraphQL API
// answers it with a top-level THROTTLED error.
var ErrThrottled = errors.New("customerauth: too many attempts")

// throttle asks the Limiter about each key under its rule, in order, and
// returns ErrThrottled when one is over. The client's key comes first: a
// client over its limit is refused before its attempt is counted against
// an account, so a throttled client cannot make the Limiter keep a counter
// for every email it makes up. Otherwise every key is counted, so each
// dimension sees every attempt. Empty keys (an unknown client IP) are
// skipped.
func (s *Service) throttle(ctx context.Context, operation string, checks ...limitCheck) error {
	for _, c := range checks {
		if c.key == "" || c.rule.Limit < 0 {
			continue
		}
		ok, err := s.limiter.Allow(ctx, c.key, c.rule, s.now())
		if err != nil {
			return storeErr("limiter", err)
		}
		if !ok {
			s.emit(ctx, EventThrottled, "", operation)
			return ErrThrottled
		}
	}
	return nil
}

type limitCheck struct {
	key  string
	rule Rule
}

// accountKey is the Limiter key of an email: a digest, so that keys have
// one size however long the email a client sends.
func accountKey(prefix, emailKey string) string {
	sum := sha256.Sum256([]byte(emailKey))
	return prefix + ":account:" + hex.EncodeToString(sum[:16])
}

// ipKey is the Limiter key of the request's client. IPv6 clients are keyed
// by their /64, the block one subscriber gets, so that rotating through it
// does not multiply the allowance.
func ipKey(ctx context.Context, prefix string) string {
	ip, err := netip.ParseAddr(ClientIP(ctx))
	if err != nil {
		return ""
	}
	if ip.Is6() && !ip.Is4In6() {
		return prefix + ":net:" + netip.PrefixFrom(ip, 64).Masked().String()
	}
	return prefix + ":ip:" + ip.String()
}

// WindowState is what a Limiter keeps per key: the start of the current
// fixed window and the attempts in it and in the one before. The sliding
// window is approximated from the two, weighing the previous window by how
// much of it still lies inside the sliding one. Limiters that keep the
// state elsewhere (a database) use CountAttempt, so that all of them
// throttle alike.
type WindowState struct {
	Start     time.Time
	Prev, Cur int
}

// CountAttempt records one attempt at now in st under rule and returns the
// new state and whether the attempt is within the limit. A zero state is a
// key never seen.
func CountAttempt(st WindowState, rule Rule, now time.Time) (WindowState, bool) {
	switch elapsed := now.Sub(st.Start); {
	case st.Start.IsZero() || elapsed >= 2*rule.Window:
		st = WindowState{Start: now.Truncate(rule.Window)}
	case elapsed >= rule.Window:
		st = WindowState{Start: st.Start.Add(rule.Window), Prev: st.Cur}
	}
	st.Cur++
	left := 1 - float64(now.Sub(st.Start))/float64(rule.Window)
	estimate := float64(st.Prev)*left + float64(st.Cur)
	return st, estimate <= float64(rule.Limit)
}

// MemoryLimiter is a Limiter for one process. It is safe for concurrent
// use; keys idle for two windows are swept.
type MemoryLimiter struct {
	mu        sync.Mutex
	counts    map[string]*memoryCount
	nextSweep time.Time
}

type memoryCount struct {
	WindowState
	window time.Duration
}

// NewMemoryLimiter returns an empty MemoryLimiter.
func NewMemoryLimiter() *MemoryLimiter {
	return &MemoryLimiter{counts: map[string]*memoryCount{}}
}

// Allow implements Limiter.
func (m *MemoryLimiter) Allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !now.Before(m.nextSweep) {
		for k, c := range m.counts {
			if now.Sub(c.Start) >= 2*c.window {
				delete(m.counts, k)
			}
		}
		m.nextSweep = now.Add(time.Minute)
	}
	c := m.counts[key]
	if c == nil {
		c = &memoryCount{window: rule.Window}
		m.counts[key] = c
	}
	var ok bool
	c.WindowState, ok = CountAttempt(c.WindowState, rule, now)
	return ok, nil
}
