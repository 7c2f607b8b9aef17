package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// remember inserts key, or takes over an entry that has expired by
	// now; a row comes back exactly when the key was new. Of two
	// concurrent calls with one new key, the second waits on the first's
	// insert and then finds an entry that has not expired: no row.
	remember = `INSERT INTO customerauth_replay (key, expires_at) VALUES ($1, $3)
		ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
			WHERE customerauth_replay.expires_at <= $2
		RETURNING true`

	deleteExpiredReplays = `DELETE FROM customerauth_replay WHERE key = ANY(ARRAY(
		SELECT key FROM customerauth_replay WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`
)

// Remember implements customerauth.ReplayCache in one statement, so every
// process on the database refuses a Multipass token any of them redeemed.
// Entries that expired stay until DeleteExpired removes them; they do not
// count as seen.
func (s *Store) Remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	const op = "remember"
	if err := ctx.Err(); err != nil {
		return false, fail(ctx, op, err)
	}
	var isNew bool
	err := s.pool.QueryRow(ctx, remember, key[:], now, expiresAt).Scan(&isNew)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fail(ctx, op, err)
	}
	return isNew, nil
}

// DeleteExpired deletes the tokens and replay cache entries that expired
// at or before now, and the attempt counters idle for two windows, and
// reports how many tokens and replay entries it deleted. Nothing in the
// Store runs it: a host calls it on a schedule of its choosing (say,
// hourly from a ticker or a cron job), from any one process or from all of
// them, since concurrent sweeps skip each other's rows instead of waiting.
// When ctx ends part way, the counts so far come back with the error.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (tokens, replays int, err error) {
	if tokens, err = s.DeleteExpiredTokens(ctx, now); err != nil {
		return tokens, 0, err
	}
	if replays, err = s.sweep(ctx, "delete expired replay entries", deleteExpiredReplays, now); err != nil {
		return tokens, replays, err
	}
	_, err = s.sweep(ctx, "delete idle attempt counters", deleteIdleLimits, now)
	return tokens, replays, err
}
