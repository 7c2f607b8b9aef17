package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/shopkit/customerauth"
)

var _ customerauth.Limiter = (*Store)(nil)

const (
	selectLimitSQL = `SELECT window_start, prev, cur FROM customerauth_limits WHERE key = ?`
	upsertLimitSQL = `INSERT INTO customerauth_limits (key, window_start, idle_at, prev, cur) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, idle_at = excluded.idle_at,
	prev = excluded.prev, cur = excluded.cur`
	// deleteIdleLimitsSQL deletes one batch of counters idle for two
	// windows, which count nothing any more.
	deleteIdleLimitsSQL = `DELETE FROM customerauth_limits WHERE key IN
	(SELECT key FROM customerauth_limits WHERE idle_at <= ? LIMIT ?)`
)

// Allow implements customerauth.Limiter: it counts one attempt under key in
// the database, so every process on it enforces one limit. The read and the
// write of the counter are one write transaction, which SQLite runs one at
// a time, so concurrent attempts are all counted.
func (s *Store) Allow(ctx context.Context, key string, rule customerauth.Rule, now time.Time) (bool, error) {
	const op = "allow"
	var ok bool
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var st customerauth.WindowState
		var start int64
		switch err := tx.QueryRowContext(ctx, selectLimitSQL, key).Scan(&start, &st.Prev, &st.Cur); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return wrapErr(ctx, op, err)
		default:
			st.Start = decodeTime(start)
		}
		st, ok = customerauth.CountAttempt(st, rule, now)
		startNS, err := encodeTime(st.Start)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		_, err = tx.ExecContext(ctx, upsertLimitSQL, key, startNS, boundTime(st.Start.Add(2*rule.Window)), st.Prev, st.Cur)
		return wrapErr(ctx, op, err)
	})
	if err != nil {
		return false, err
	}
	return ok, nil
}
