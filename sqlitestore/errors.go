package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/shopkit/customerauth"
)

// wrapErr names the operation that failed and maps what SQLite reports to
// the Store's sentinel errors: a unique or primary key violation is
// customerauth.ErrConflict, a foreign key violation (a token for a customer
// that does not exist) customerauth.ErrNotFound. Constraint errors are
// recognized by their extended result code, not by their text. The driver's
// error stays in the chain for the logs; SQLite's messages name tables and
// columns, never the values bound to a statement, so no token hash or
// password hash can end up in one.
//
// When ctx is done the error always satisfies errors.Is with ctx.Err(),
// even if SQLite reported the interruption in words of its own.
func wrapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	switch code := sqliteCode(err); {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("sqlitestore: %s: %w: %w", op, customerauth.ErrConflict, err)
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("sqlitestore: %s: %w: %w", op, customerauth.ErrNotFound, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlitestore: %s: %w", op, customerauth.ErrNotFound)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlitestore: %s: %w: %w", op, cerr, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// notFound is the error of an operation that found nothing to act on.
func notFound(op string) error {
	return fmt.Errorf("sqlitestore: %s: %w", op, customerauth.ErrNotFound)
}

// credentialsChanged is the error of an operation refused because the
// customer's credentials are no longer those it was prepared under.
func credentialsChanged(op string) error {
	return fmt.Errorf("sqlitestore: %s: %w", op, customerauth.ErrCredentialsChanged)
}
