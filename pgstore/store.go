// Package pgstore is a customerauth.Store on PostgreSQL, through
// github.com/jackc/pgx/v5. It is the store for shops that run more than one
// process: every rule that must hold across processes (unique emails,
// single-use tokens, tokens bound to the credentials they were minted
// under, Multipass replay protection) is enforced by the database inside
// one transaction, never by locks in Go.
//
// A host opens a pgxpool.Pool, creates the tables once with Migrate (or
// applies Migrations with its own migration tool) and hands the Store to
// customerauth.New:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	...
//	store := pgstore.New(pool)
//	if err := store.Migrate(ctx); err != nil { ... }
//	svc, err := customerauth.New(customerauth.Config{Store: store})
//
// Every table is named customerauth_* and is created in the first schema
// of the connection's search_path, so the store can share a schema with
// the host's own tables or live in one of its own.
//
// The Store starts no goroutines and runs no timers. Expired tokens are
// never accepted, but they stay in the table until the host calls
// DeleteExpired (or DeleteExpiredTokens) on a schedule of its choosing.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
)

// Store is a customerauth.Store and customerauth.ReplayCache on a
// PostgreSQL database, with the administrative capabilities
// customerauth.CustomerLister, customerauth.CustomerEraser and
// customerauth.CustomerImporter. It is safe for concurrent use by any
// number of goroutines and processes, because every change is one
// database transaction and every uniqueness rule is a unique index.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store that runs its queries on pool. The pool stays the
// caller's: the Store never closes it, so one pool can serve the host's
// own queries too. The tables must exist before the first call; see
// Migrate.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool}
}

var (
	_ customerauth.Store       = (*Store)(nil)
	_ customerauth.ReplayCache = (*Store)(nil)
)

// SQLSTATE codes the Store turns into customerauth's sentinel errors.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeDeadlockDetected    = "40P01"
)

// rollbackTimeout bounds the rollback of a failed transaction. The rollback
// runs even when the request's context is cancelled, so the connection goes
// back to the pool clean instead of being closed; the bound keeps a dead
// network from holding it forever.
const rollbackTimeout = 5 * time.Second

// fail wraps err, returned while performing op, with context. A unique
// violation becomes customerauth.ErrConflict and a foreign key violation
// customerauth.ErrNotFound, so the Service can tell them from outages. The
// wrapped text never holds a query argument: PostgreSQL's error message
// names the constraint, never the value (that is in PgError.Detail, which
// is not part of Error()).
func fail(ctx context.Context, op string, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case codeUniqueViolation:
			return fmt.Errorf("pgstore: %s: %w (constraint %s): %w", op, customerauth.ErrConflict, pgErr.ConstraintName, err)
		case codeForeignKeyViolation:
			return fmt.Errorf("pgstore: %s: %w: %w", op, customerauth.ErrNotFound, err)
		}
	}
	// pgx reports a cancelled query in its own words; make sure callers can
	// still test for the context's error.
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("pgstore: %s: %w: %w", op, cerr, err)
	}
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

// notFound is the ErrNotFound of op.
func notFound(op string) error {
	return fmt.Errorf("pgstore: %s: %w", op, customerauth.ErrNotFound)
}

// credentialsChanged is the ErrCredentialsChanged of op.
func credentialsChanged(op string) error {
	return fmt.Errorf("pgstore: %s: %w", op, customerauth.ErrCredentialsChanged)
}

// Credential versions (Customer.CredentialVersion, Token.CredentialVersion)
// are uint64 in Go and bigint, a signed 64-bit integer, in the tables: the
// store keeps 0 to math.MaxInt64. A version only grows by one per
// password change, so that bound is never reached by use; a larger value
// handed in is refused rather than wrapped into a negative one, and the
// columns' CHECK keeps negative values out.

var errVersionRange = errors.New("credential version above 2^63-1, which the store cannot keep")

// encodeVersion returns the stored form of a credential version to write.
func encodeVersion(v uint64) (int64, error) {
	if v > math.MaxInt64 {
		return 0, errVersionRange
	}
	return int64(v), nil
}

// matchVersion returns the argument that compares a stored credential
// version with v: v itself, or -1, which no stored version equals, for a
// v beyond what the store keeps.
func matchVersion(v uint64) int64 {
	if v > math.MaxInt64 {
		return -1
	}
	return int64(v)
}

// decodeVersion is the inverse of encodeVersion. The column's CHECK keeps
// n from being negative.
func decodeVersion(n int64) uint64 {
	return uint64(n)
}

// validID reports whether id can be a customer's ID
// (customerauth.ValidCustomerID). Anything else names no stored customer:
// it is refused before it reaches a statement, so it is "not found" (or,
// for a new customer, a plain error) rather than a CHECK violation. IDs
// are compared as they are, byte for byte, exactly as in the in-memory
// store: another spelling of a stored UUID names no one.
func validID(id string) bool {
	return customerauth.ValidCustomerID(id)
}

// errInvalidID refuses a new customer whose ID validID refuses. It does
// not quote the ID, which may be anything a caller passed.
var errInvalidID = fmt.Errorf("customer ID is not 1 to %d ASCII letters, digits, '-' or '_'", customerauth.MaxCustomerIDLength)

// inTx runs fn in a transaction and commits when fn returns nil. On error
// the transaction is rolled back, so nothing fn did takes effect.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		// A failed rollback closes the connection, which rolls back too.
		_ = tx.Rollback(rctx)
		return err
	}
	return tx.Commit(ctx)
}

// runBatch sends b within tx and hands its results to read, which must
// consume them in order. Sending the statements of a change as one batch
// costs one round trip instead of one per statement; the transaction
// still makes them one unit.
func runBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch, read func(br pgx.BatchResults) error) error {
	br := tx.SendBatch(ctx, b)
	if err := read(br); err != nil {
		_ = br.Close()
		return err
	}
	return br.Close()
}
