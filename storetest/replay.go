package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// ReplayCache.

// RunReplayCache checks that the ReplayCaches made by newCache keep the
// customerauth.ReplayCache contract. The Service relies on its ReplayCache
// to let each Multipass token log in once: a cache that forgets a key
// early, or tells two concurrent callers that one key is new, lets an
// intercepted token log in a second time. RunReplayCache lets a ReplayCache that is not
// a Store prove that; Run calls it for a Store that is one.
//
// Each behaviour runs as a subtest of t and calls newCache for a cache of
// its own, so newCache must return a cache that remembers nothing (and may
// register cleanup with t): the behaviours use fixed keys, and would see
// one another's in a shared cache.
func RunReplayCache(t *testing.T, newCache func(t *testing.T) customerauth.ReplayCache) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, rc customerauth.ReplayCache)
	}{
		{"NewKeyIsNew", testReplayNewKey},
		{"SameKeyBeforeExpiryIsNotNew", testReplaySameKey},
		{"DifferentKeysAreIndependent", testReplayDifferentKeys},
		{"ExpiredKeyMayBeRememberedAgain", testReplayExpired},
		{"ConcurrentRemembersOfOneKeySucceedOnce", testReplayConcurrent},
		{"CancelledContextFailsAndRemembersNothing", testReplayCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newCache(t))
		})
	}
}

// replayTTL is how long the ReplayCache behaviours remember a key, about as
// long as a Multipass token is accepted.
const replayTTL = 10 * time.Minute

// replayKey returns a fixed key named by s. Each behaviour has a store of
// its own, so fixed keys cannot collide across behaviours.
func replayKey(s string) [32]byte {
	return sha256.Sum256([]byte(s))
}

// wantRemember fails unless Remember(key, now, expiresAt) succeeds and
// reports want; what tells which call it is.
func wantRemember(t *testing.T, rc customerauth.ReplayCache, key [32]byte, now, expiresAt time.Time, want bool, what string) {
	t.Helper()
	got, err := rc.Remember(t.Context(), key, now, expiresAt)
	if err != nil {
		t.Errorf("Remember(%x…, now %s, expiresAt %s) %s: %v", key[:6], show(now), show(expiresAt), what, err)
		return
	}
	if got != want {
		t.Errorf("Remember(%x…, now %s, expiresAt %s) %s = %t, want %t", key[:6], show(now), show(expiresAt), what, got, want)
	}
}

func testReplayNewKey(t *testing.T, rc customerauth.ReplayCache) {
	wantRemember(t, rc, replayKey("new"), base, base.Add(replayTTL), true, "of a new key")
}

// testReplaySameKey: a replayed Multipass token must be refused for as long
// as it could otherwise be accepted.
func testReplaySameKey(t *testing.T, rc customerauth.ReplayCache) {
	k, exp := replayKey("replayed"), base.Add(replayTTL)
	wantRemember(t, rc, k, base, exp, true, "of a new key")
	wantRemember(t, rc, k, base, exp, false, "again at once")
	wantRemember(t, rc, k, base.Add(replayTTL/2), exp, false, "again half-way to expiry")
	wantRemember(t, rc, k, exp.Add(-tick), exp, false, "again a tick before expiry")
	// What the repeated call claims as expiry does not make the key new.
	wantRemember(t, rc, k, base.Add(time.Minute), exp.Add(time.Hour), false, "again with a later expiry")
}

// testReplayDifferentKeys uses keys that differ in one byte, at either end,
// so a store that keeps or compares only part of a key is caught.
func testReplayDifferentKeys(t *testing.T, rc customerauth.ReplayCache) {
	first := replayKey("first")
	lastFlipped, firstFlipped := first, first
	lastFlipped[31] ^= 1
	firstFlipped[0] ^= 1
	keys := [][32]byte{first, lastFlipped, firstFlipped, {}, replayKey("other")}
	exp := base.Add(replayTTL)
	for i, k := range keys {
		wantRemember(t, rc, k, base, exp, true, fmt.Sprintf("of key %d, after the %d before it", i, i))
	}
	for i, k := range keys {
		wantRemember(t, rc, k, base.Add(tick), exp, false, fmt.Sprintf("of key %d again", i))
	}
}

// testReplayExpired: the cache may forget a key once a token with it would
// be refused as too old anyway, but it must not forget keys that have not
// expired yet, and a key remembered again is kept until its new expiry.
func testReplayExpired(t *testing.T, rc customerauth.ReplayCache) {
	k, long := replayKey("expiring"), replayKey("long-lived")
	exp := base.Add(replayTTL)
	wantRemember(t, rc, k, base, exp, true, "of a new key")
	wantRemember(t, rc, long, base, base.Add(time.Hour), true, "of a new long-lived key")

	after := exp.Add(tick)
	newExp := after.Add(replayTTL)
	wantRemember(t, rc, k, after, newExp, true, "a tick after the key expired")
	wantRemember(t, rc, k, after, newExp, false, "again, after it was remembered anew")
	wantRemember(t, rc, k, newExp.Add(-tick), newExp, false, "a tick before its new expiry")
	wantRemember(t, rc, long, after, base.Add(time.Hour), false, "of a key that has not expired, after another key expired")
}

// testReplayConcurrent: two processes handed one Multipass token at once
// must not both log it in. A key whose entry has expired counts as new.
func testReplayConcurrent(t *testing.T, rc customerauth.ReplayCache) {
	cases := []struct {
		name    string
		key     [32]byte
		prepare bool // remember the key with an expiry before the race first
	}{
		{"NewKey", replayKey("raced"), false},
		{"ExpiredKey", replayKey("raced-after-expiry"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := base
			if tc.prepare {
				wantRemember(t, rc, tc.key, base.Add(-replayTTL), base.Add(-tick), true, "of a new key, before the race")
			}
			exp := now.Add(replayTTL)
			fresh := make([]bool, racers)
			errs := make([]error, racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				wg.Go(func() {
					<-start
					fresh[i], errs[i] = rc.Remember(t.Context(), tc.key, now, exp)
				})
			}
			close(start)
			wg.Wait()

			winner := -1
			for i := range racers {
				switch {
				case errs[i] != nil:
					t.Errorf("racer %d: Remember: %v", i, errs[i])
				case fresh[i] && winner < 0:
					winner = i
				case fresh[i]:
					t.Errorf("racers %d and %d were both told the key was new", winner, i)
				}
			}
			if winner < 0 {
				t.Errorf("no racer was told the key was new")
			}
			wantRemember(t, rc, tc.key, now.Add(tick), exp, false, "after the race")
		})
	}
}

// testReplayCancelled: a request the client gave up on must not use up the
// token, or the client's retry would be refused as a replay.
func testReplayCancelled(t *testing.T, rc customerauth.ReplayCache) {
	k, exp := replayKey("cancelled"), base.Add(replayTTL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if fresh, err := rc.Remember(ctx, k, base, exp); !errors.Is(err, context.Canceled) {
		t.Errorf("Remember with a cancelled context = %t, %v; want context.Canceled", fresh, err)
	}
	wantRemember(t, rc, k, base, exp, true, "with a live context, after a cancelled call")
}
