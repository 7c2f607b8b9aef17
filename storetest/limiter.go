package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// RunLimiter checks that the Limiters made by newLimiter keep the
// customerauth.Limiter contract. The Service asks its Limiter whether a
// login, recovery or registration attempt may go ahead, and a Limiter shared
// by several processes must count exactly as customerauth.MemoryLimiter
// does (see customerauth.CountAttempt), or the limits a host configures mean
// something else once it runs more than one process. RunLimiter lets a
// Limiter that is not a Store prove that; Run calls it for a Store that is
// one.
//
// Each behaviour runs as a subtest of t and calls newLimiter for a Limiter
// of its own, so newLimiter must return a Limiter that has counted nothing
// (and may register cleanup with t): the behaviours reuse keys and fixed
// times, and would see one another's attempts in a shared Limiter.
func RunLimiter(t *testing.T, newLimiter func(t *testing.T) customerauth.Limiter) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, l customerauth.Limiter)
	}{
		{"AllowsTheLimitThenRefuses", testLimitAllowsThenRefuses},
		{"KeysAreIndependent", testLimitKeysIndependent},
		{"RefusedAttemptsCount", testLimitRefusedCount},
		{"PreviousWindowIsWeighed", testLimitSlidingWindow},
		{"ForgetsAfterTwoWindows", testLimitForgets},
		{"ConcurrentAttemptsAreAllCounted", testLimitConcurrent},
		{"CancelledContextFails", testLimitCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newLimiter(t))
		})
	}
}

// limitRule is the rule the Limiter behaviours use: 5 attempts per minute.
var limitRule = customerauth.Rule{Limit: 5, Window: time.Minute}

// attempt calls Allow and fails the test on error.
func attempt(t *testing.T, l customerauth.Limiter, key string, now time.Time) bool {
	t.Helper()
	ok, err := l.Allow(context.Background(), key, limitRule, now)
	if err != nil {
		t.Fatalf("Allow(%q, %v): %v", key, now, err)
	}
	return ok
}

// windowStart is a whole minute, so the suite's fixed windows line up with
// the rule's.
var windowStart = base.Truncate(time.Minute)

func testLimitAllowsThenRefuses(t *testing.T, l customerauth.Limiter) {
	for i := range limitRule.Limit {
		if !attempt(t, l, "k", windowStart.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("attempt %d of %d was refused", i+1, limitRule.Limit)
		}
	}
	if attempt(t, l, "k", windowStart.Add(10*time.Second)) {
		t.Error("the attempt past the limit was allowed")
	}
}

func testLimitKeysIndependent(t *testing.T, l customerauth.Limiter) {
	for range limitRule.Limit + 1 {
		attempt(t, l, "login:account:a@example.com", windowStart)
	}
	if !attempt(t, l, "login:account:b@example.com", windowStart) {
		t.Error("another key was refused")
	}
	if !attempt(t, l, "login:account:A@example.com", windowStart) {
		t.Error("keys must be compared exactly: a key differing in case was refused")
	}
}

func testLimitRefusedCount(t *testing.T, l customerauth.Limiter) {
	// Hammer well past the limit in the first window; in the next window,
	// the weighed previous count keeps the door closed.
	for range 4 * limitRule.Limit {
		attempt(t, l, "k", windowStart)
	}
	if attempt(t, l, "k", windowStart.Add(limitRule.Window+limitRule.Window/2)) {
		t.Error("refused attempts were not counted: allowed half a window later")
	}
}

func testLimitSlidingWindow(t *testing.T, l customerauth.Limiter) {
	// 4 attempts early in window 1, then at 3/4 of window 2 the previous
	// window counts a quarter: 4 × 0.25 = 1, so 4 more fit and the 5th
	// (estimate 1 + 5 = 6) does not.
	for range 4 {
		attempt(t, l, "k", windowStart)
	}
	at := windowStart.Add(limitRule.Window + 3*limitRule.Window/4)
	for i := range 4 {
		if !attempt(t, l, "k", at) {
			t.Fatalf("attempt %d in the second window was refused", i+1)
		}
	}
	if attempt(t, l, "k", at) {
		t.Error("the previous window was not weighed")
	}
	if _, ok := customerauth.CountAttempt(customerauth.WindowState{Start: windowStart.Add(limitRule.Window), Prev: 4, Cur: 4}, limitRule, at); ok {
		t.Fatal("CountAttempt allows an estimate of 6 under a limit of 5")
	}
}

func testLimitForgets(t *testing.T, l customerauth.Limiter) {
	for range 3 * limitRule.Limit {
		attempt(t, l, "k", windowStart)
	}
	for i := range limitRule.Limit {
		if !attempt(t, l, "k", windowStart.Add(2*limitRule.Window+time.Duration(i)*time.Second)) {
			t.Fatalf("attempt %d two windows later was refused", i+1)
		}
	}
}

func testLimitConcurrent(t *testing.T, l customerauth.Limiter) {
	const n = 50
	var allowed atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := l.Allow(context.Background(), "k", limitRule, windowStart)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Allow: %v", err)
	}
	if got := allowed.Load(); got != int32(limitRule.Limit) {
		t.Errorf("%d of %d concurrent attempts were allowed, want exactly %d", got, n, limitRule.Limit)
	}
}

func testLimitCancelled(t *testing.T, l customerauth.Limiter) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Allow(ctx, "k", limitRule, windowStart); !errors.Is(err, context.Canceled) {
		t.Errorf("Allow with a cancelled context: %v, want context.Canceled", err)
	}
	// Nothing was counted.
	for i := range limitRule.Limit {
		if !attempt(t, l, "k", windowStart) {
			t.Fatalf("attempt %d refused: the cancelled call was counted", i+1)
		}
	}
}
