package sqlitestore

import (
	"context"
	"fmt"
	"math"
	"time"
)

// The replay cache statements.
const (
	// rememberSQL inserts key, or takes over an entry that expired at or
	// before now; an entry still valid after now is left alone, and then
	// no row changes. One statement, so of two concurrent calls with one
	// new key exactly one changes a row.
	rememberSQL = `INSERT INTO customerauth_replay (key, expires_at) VALUES (?, ?)
	ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
	WHERE customerauth_replay.expires_at <= ?`
	// deleteExpiredReplaySQL deletes one batch of expired entries.
	deleteExpiredReplaySQL = `DELETE FROM customerauth_replay WHERE key IN
	(SELECT key FROM customerauth_replay WHERE expires_at <= ? LIMIT ?)`
)

// replayPruneEvery is how often Remember deletes a batch of expired
// entries itself, so the table stays small even where the host never calls
// DeleteExpired.
const replayPruneEvery = time.Minute

// Remember implements customerauth.ReplayCache: it records key until
// expiresAt and reports whether key was new, that is, not recorded with an
// expiry after now. It is a single INSERT ... ON CONFLICT DO UPDATE, so
// processes sharing the database agree on which of them saw a key first.
//
// At most once a minute (by now), Remember first deletes a batch of
// entries that expired, within the same call: the package starts no
// goroutines.
func (s *Store) Remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	const op = "remember"
	expires, err := encodeTime(expiresAt)
	if err != nil {
		return false, fmt.Errorf("sqlitestore: %s: expiresAt: %w", op, err)
	}
	bound := boundTime(now)
	var added bool
	err = s.write(ctx, op, func() error {
		if next := s.nextReplayPrune.Load(); bound >= next {
			res, err := s.db.ExecContext(ctx, deleteExpiredReplaySQL, bound, sweepBatch)
			if err != nil {
				return wrapErr(ctx, op, err)
			}
			// A full batch means more are left: prune again next time.
			if n, err := res.RowsAffected(); err == nil && n < sweepBatch {
				s.nextReplayPrune.Store(addSaturating(bound, int64(replayPruneEvery)))
			}
		}
		res, err := s.db.ExecContext(ctx, rememberSQL, key[:], expires, bound)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		n, err := res.RowsAffected()
		added = n == 1
		return wrapErr(ctx, op, err)
	})
	if err != nil {
		return false, err
	}
	return added, nil
}

// DeleteExpired deletes every token and every replay cache entry that
// expired at or before now, and the attempt counters idle for two windows,
// and reports how many tokens and replay entries it deleted.
// Expired entries are refused whether or not they are deleted, so this is
// housekeeping: it is the call a host schedules, say hourly, to keep the
// tables small. It deletes in batches of short transactions, so it never
// holds up logins for long; if ctx ends midway, the counts so far are
// returned with the error.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (tokens, replays int, err error) {
	if tokens, err = s.DeleteExpiredTokens(ctx, now); err != nil {
		return tokens, 0, err
	}
	if replays, err = s.sweep(ctx, "delete expired replay entries", deleteExpiredReplaySQL, now); err != nil {
		return tokens, replays, err
	}
	_, err = s.sweep(ctx, "delete idle attempt counters", deleteIdleLimitsSQL, now)
	return tokens, replays, err
}

// addSaturating returns a+b for b >= 0, or math.MaxInt64 if that overflows.
func addSaturating(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
