// Package sqlitestore is a customerauth.Store, and customerauth.ReplayCache,
// kept in a SQLite database through modernc.org/sqlite, a SQLite compiled to
// pure Go: it needs no cgo and no server, which makes it the embedded
// default for a single host.
//
// Open a database file, apply the schema and hand the store to the Service:
//
//	st, err := sqlitestore.Open(ctx, "/var/lib/shop/customers.db")
//	if err != nil { ... }
//	defer st.Close()
//	if err := st.Migrate(ctx); err != nil { ... }
//	svc, err := customerauth.New(customerauth.Config{Store: st, ...})
//
// Every table, index and the migration ledger is named customerauth_..., so
// the store may share a database with the host's own tables; a host that
// opens the database itself passes its *sql.DB to New.
//
// Every change the Store contract describes as one unit is one SQLite
// transaction, so it is stored whole or not at all, and the conditions it
// depends on (a token still usable, an email still free) are checked by
// the database in that same transaction. Several processes may therefore
// share one database file: SQLite's lock serializes their writes. Tokens
// are stored only as SHA-256 digests, passwords only as the hashes the
// Service made. Expired tokens and replay entries are refused whether or
// not they are deleted; hosts delete them on a schedule with DeleteExpired.
// The package starts no goroutines.
//
// The Store also has the optional administrative capabilities
// customerauth.CustomerLister, CustomerEraser and CustomerImporter
// (ListCustomers, EraseCustomer, FindCustomers and CreateCustomers).
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"github.com/shopkit/customerauth"
)

// DriverName is the database/sql driver name under which modernc.org/sqlite
// registers itself; this package imports it, so sql.Open(DriverName, dsn)
// works for a host that opens the database itself.
const DriverName = "sqlite"

// DSNOptions are the connection parameters, in modernc.org/sqlite's DSN
// syntax, that the store needs on every connection. Open appends them to
// the path; a host that opens the database itself for New appends them too:
//
//	db, err := sql.Open(sqlitestore.DriverName, path+"?"+sqlitestore.DSNOptions)
//
// They are:
//
//   - _journal_mode=WAL: readers never block the writer or one another,
//     and a commit writes the log once instead of the pages twice.
//   - _synchronous=FULL: each commit is fsynced before it returns, so a
//     write the store acknowledged survives an operating system crash or a
//     power loss, not just the death of the process. (With NORMAL, a power
//     loss may undo the last commits: a password reset could come undone.)
//   - _busy_timeout=5000: a connection that finds the database locked by
//     another writer waits up to five seconds instead of failing at once.
//   - _foreign_keys=on: SQLite enforces foreign keys only when asked, per
//     connection; the store relies on them to refuse tokens of unknown
//     customers and to delete a customer's tokens with the customer.
//   - _txlock=immediate: transactions begin with BEGIN IMMEDIATE and so take
//     the write lock at once. A deferred transaction that reads first and
//     writes later can fail with SQLITE_BUSY when another connection wrote
//     in between, and busy_timeout does not help with that.
const DSNOptions = "_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_foreign_keys=on&_txlock=immediate"

// maxConns bounds the connections Open keeps. Each SQLite connection has a
// page cache of its own; beyond a few, more connections only contend for
// the one write lock and for the CPUs.
const maxConns = 8

// Store is a customerauth.Store and customerauth.ReplayCache on a SQLite
// database. It is safe for concurrent use, by goroutines and by several
// processes sharing the database file. Create it with Open or New and apply
// the schema with Migrate before first use.
type Store struct {
	db *sql.DB
	// ownDB tells Close whether the database is ours to close.
	ownDB bool
	// writeSlot holds one token per write in progress in this process.
	// SQLite admits one writer at a time anyway; queueing writers here,
	// where a waiter wakes as soon as the slot is free and gives up when
	// its context ends, spares them busy_timeout's polling sleeps. Writers
	// of other processes are still kept apart by SQLite's lock.
	writeSlot chan struct{}
	// nextReplayPrune is when Remember next deletes expired replay
	// entries, in the encoding of encodeTime; see Remember.
	nextReplayPrune atomic.Int64
	// stmts holds the prepared statements of the lookups, by query text;
	// see prepared.
	stmts sync.Map // string -> *sql.Stmt
}

var (
	_ customerauth.Store       = (*Store)(nil)
	_ customerauth.ReplayCache = (*Store)(nil)
)

// Open opens (creating it if needed) the SQLite database file at path with
// DSNOptions, checks that the connection works and returns a Store that
// owns the database: Close closes it. Open does not change the schema; call
// Migrate for that.
//
// path is a file name. ":memory:" and other in-memory names are refused:
// every pooled connection would get a database of its own.
func Open(ctx context.Context, path string) (*Store, error) {
	switch {
	case path == "", path == ":memory:", strings.HasPrefix(path, "file::memory:"):
		return nil, errors.New("sqlitestore: Open needs a database file, not an in-memory database")
	case strings.ContainsRune(path, '?'):
		// The driver would take the rest of the name as DSN parameters.
		return nil, errors.New("sqlitestore: the database path must not contain '?'; open the database yourself and use New")
	}
	db, err := sql.Open(DriverName, path+"?"+DSNOptions)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	// Keep every connection: opening one reruns the pragmas.
	db.SetMaxIdleConns(maxConns)
	s := New(db)
	s.ownDB = true
	if err := s.checkConn(ctx, true); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// New returns a Store on a database the host opened itself, with the
// modernc.org/sqlite driver (DriverName) and with DSNOptions in its DSN;
// without them the store still keeps its guarantees of atomicity, but
// acknowledged writes may be lost in a crash, concurrent writers may get
// SQLITE_BUSY errors and tokens may be issued for unknown customers
// (Migrate refuses a database without foreign keys for that reason).
//
// The host keeps ownership of db: Close leaves it open.
func New(db *sql.DB) *Store {
	s := &Store{db: db, writeSlot: make(chan struct{}, 1)}
	s.nextReplayPrune.Store(math.MinInt64)
	return s
}

// DB returns the database the store works on, for a host that keeps tables
// of its own beside the store's or wants to inspect them.
func (s *Store) DB() *sql.DB { return s.db }

// Close releases the store's prepared statements and closes the database
// if Open opened it. A Store made by New leaves the host's database open,
// since the host may still use it. The store must not be used after Close.
func (s *Store) Close() error {
	var errs []error
	s.stmts.Range(func(query, stmt any) bool {
		s.stmts.Delete(query)
		if err := stmt.(*sql.Stmt).Close(); err != nil {
			errs = append(errs, err)
		}
		return true
	})
	if s.ownDB {
		errs = append(errs, s.db.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlitestore: close: %w", err)
	}
	return nil
}

// checkConn verifies that a connection opens and has the settings the
// store depends on, so a misconfigured database fails at startup rather
// than at the first token issued for an unknown customer. Foreign keys are
// required; the WAL journal only of a database that Open opened, since a
// host may have reasons of its own for another journal mode.
func (s *Store) checkConn(ctx context.Context, wantWAL bool) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return wrapErr(ctx, "open", err)
	}
	defer conn.Close()
	var fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return wrapErr(ctx, "open", err)
	}
	if fk != 1 {
		return errors.New("sqlitestore: foreign keys are off; open the database with sqlitestore.DSNOptions")
	}
	if !wantWAL {
		return nil
	}
	// SQLite keeps the old journal mode, without an error, where it cannot
	// use WAL (on a file system without shared memory, say).
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return wrapErr(ctx, "open", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlitestore: open: the database is in journal mode %q, not WAL; WAL needs a local file system", mode)
	}
	return nil
}

// prepared returns query prepared on the store's database. The lookups
// that every request makes run as prepared statements: that saves SQLite
// compiling the statement each time, a third of a token lookup's cost.
// database/sql prepares a statement again on each pooled connection that
// runs it. A failed preparation (before Migrate, say) is not cached.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close() // another call prepared it first
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// lockWrite waits for this process's write slot, or for ctx to end. The
// returned function gives the slot back.
func (s *Store) lockWrite(ctx context.Context) (func(), error) {
	select {
	case s.writeSlot <- struct{}{}:
		return func() { <-s.writeSlot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// write runs fn, which makes one autocommit write, holding the write slot.
func (s *Store) write(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return wrapErr(ctx, op, err)
	}
	unlock, err := s.lockWrite(ctx)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	defer unlock()
	return fn()
}

// inTx runs fn in a write transaction holding the write slot, and commits
// when fn returns nil. fn's error is returned as it is, after rollback;
// fn wraps its own errors.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.write(ctx, op, func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback() // fn's error is the one that matters
			return err
		}
		return wrapErr(ctx, op, tx.Commit())
	})
}

// sqliteCode returns the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}
