package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the SQL migrations that create and evolve the Store's
// tables, as files named NNNN_description.sql at the root of the returned
// file system, to be applied in name order. Hosts that run their own
// migration tool (goose, golang-migrate, Atlas, ...) apply these files
// instead of calling Migrate; each file is plain SQL that creates its
// objects in the first schema of search_path.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		// The directory is embedded at compile time; it cannot be missing.
		panic(err)
	}
	return sub
}

// migration is one embedded migration file.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries { // ReadDir sorts by name, so by version
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || path.Ext(e.Name()) != ".sql" {
			return nil, fmt.Errorf("migration file %q is not named NNNN_description.sql", e.Name())
		}
		if len(out) > 0 && out[len(out)-1].version >= v {
			return nil, fmt.Errorf("migration file %q repeats version %d", e.Name(), v)
		}
		b, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return out, nil
}

// migrationLockKey is the key of the transaction-level advisory lock that
// serializes Migrate across processes: the bytes of "cauthmig". Advisory
// locks are per database, so Migrate runs in different schemas of one
// database also take turns, which costs nothing but a short wait.
const migrationLockKey int64 = 0x63617574686d6967

const (
	createLedger = `CREATE TABLE IF NOT EXISTS customerauth_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`
	migrationApplied = `SELECT EXISTS (SELECT 1 FROM customerauth_migrations WHERE version = $1)`
	recordMigration  = `INSERT INTO customerauth_migrations (version, name) VALUES ($1, $2)`
)

// Migrate brings the database up to the schema this version of the
// package needs, applying the embedded migrations that the ledger table
// customerauth_migrations does not list yet. It is explicit, never run
// behind the host's back, because schema changes are the host's to time.
//
// Migrate is idempotent and safe to call from every process at start-up:
// each migration runs in its own transaction that first takes
// pg_advisory_xact_lock(migrationLockKey), so concurrent callers wait for
// one another and each migration is applied exactly once, together with
// its ledger row. If a migration fails, it is rolled back completely and
// the earlier ones stay applied.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, math.MaxInt)
}

// migrate is Migrate, applying only the migrations up to version through:
// the tests use it to build a database as an older release left it.
func (s *Store) migrate(ctx context.Context, through int) error {
	const op = "migrate"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	for _, m := range ms {
		if m.version > through {
			break
		}
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockKey); err != nil {
				return err
			}
			// Created under the lock: concurrent CREATE TABLE IF NOT
			// EXISTS of one table can fail with a unique violation.
			if _, err := tx.Exec(ctx, createLedger); err != nil {
				return err
			}
			var done bool
			if err := tx.QueryRow(ctx, migrationApplied, m.version).Scan(&done); err != nil || done {
				return err
			}
			// No arguments: pgx uses the simple protocol, which runs a
			// file of several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("applying %s: %w", m.name, err)
			}
			_, err := tx.Exec(ctx, recordMigration, m.version, m.name)
			return err
		})
		if err != nil {
			return fail(ctx, op, err)
		}
	}
	return nil
}
