package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/shopkit/customerauth"
)

var _ customerauth.Pinger = (*Store)(nil)

// Ping implements customerauth.Pinger, for a host's health check. It
// takes a connection, reads the schema's first page and checks that the
// database file is still where it was opened: SQLite keeps working on a
// file that was deleted or renamed while open, so a store whose file is
// gone would otherwise answer every lookup from a copy no other process
// and no restart will see. Like every query, Ping waits for a lock
// another process holds for up to the connection's busy_timeout (five
// seconds with DSNOptions), whatever ctx says: a health check that must
// answer sooner waits for it in a goroutine of its own. The error never
// names the file; the host knows it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return wrapErr(ctx, "ping", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return wrapErr(ctx, "ping", err)
	}
	defer conn.Close()
	// Counting sqlite_master reads the file's first page: a damaged file
	// fails it, and another process's exclusive lock holds it up.
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return wrapErr(ctx, "ping", err)
	}
	rows, err := conn.QueryContext(ctx, "PRAGMA database_list")
	if err != nil {
		return wrapErr(ctx, "ping", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var name, file string
		if err := rows.Scan(&seq, &name, &file); err != nil {
			return wrapErr(ctx, "ping", err)
		}
		// An in-memory or temporary database has no file to lose.
		if name != "main" || file == "" {
			continue
		}
		if _, err := os.Stat(file); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return errors.New("sqlitestore: ping: the database file has been removed or renamed since it was opened")
			}
			return fmt.Errorf("sqlitestore: ping: the database file cannot be examined: %w", errors.Unwrap(err))
		}
	}
	return wrapErr(ctx, "ping", rows.Err())
}
