package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

var _ customerauth.Limiter = (*Store)(nil)

const (
	// claimLimit makes sure the key's row exists, so that the SELECT ...
	// FOR UPDATE after it always has a row to lock: concurrent first
	// attempts then queue on the lock instead of racing to insert.
	claimLimit = `INSERT INTO customerauth_limits (key, window_start, idle_at, prev, cur)
		VALUES ($1, NULL, $2, 0, 0) ON CONFLICT (key) DO NOTHING`
	lockLimit   = `SELECT window_start, prev, cur FROM customerauth_limits WHERE key = $1 FOR UPDATE`
	updateLimit = `UPDATE customerauth_limits SET window_start = $2, idle_at = $3, prev = $4, cur = $5 WHERE key = $1`

	deleteIdleLimits = `DELETE FROM customerauth_limits WHERE key = ANY(ARRAY(
		SELECT key FROM customerauth_limits WHERE idle_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`
)

// Allow implements customerauth.Limiter: it counts one attempt under key in
// the database, so every process on it enforces one limit. The counter row
// is locked for the read and the write, in one transaction, so concurrent
// attempts from any process are all counted.
func (s *Store) Allow(ctx context.Context, key string, rule customerauth.Rule, now time.Time) (bool, error) {
	const op = "allow"
	if err := ctx.Err(); err != nil {
		return false, fail(ctx, op, err)
	}
	var ok bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, claimLimit, key, now.Add(2*rule.Window)); err != nil {
			return err
		}
		var st customerauth.WindowState
		var start *time.Time
		if err := tx.QueryRow(ctx, lockLimit, key).Scan(&start, &st.Prev, &st.Cur); err != nil {
			return err
		}
		if start != nil {
			st.Start = start.UTC()
		}
		st, ok = customerauth.CountAttempt(st, rule, now)
		_, err := tx.Exec(ctx, updateLimit, key, st.Start, st.Start.Add(2*rule.Window), st.Prev, st.Cur)
		return err
	})
	if err != nil {
		return false, fail(ctx, op, err)
	}
	return ok, nil
}
