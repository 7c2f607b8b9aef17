package customerauth

import (
	"context"
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
