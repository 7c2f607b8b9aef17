package sqlitestore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// migrationFiles holds the schema, one file per version, named
// NNNN_description.sql. A file is never edited once released: a change of
// schema is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the embedded migration files (0001_init.sql, ...), for
// a host that applies schema changes with a tool of its own. Such a host
// should still record them in customerauth_migrations as Migrate does, or
// never call Migrate.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // "migrations" is a valid path that the embed pattern guarantees
	}
	return sub
}

// createLedgerSQL creates the table that records which migrations were
// applied. It is not a migration itself: it must exist before the first.
const createLedgerSQL = `CREATE TABLE IF NOT EXISTS customerauth_migrations (
	version    INTEGER NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	checksum   TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
) STRICT`

// migration is one embedded schema version.
type migration struct {
	version  int
	name     string // the file name
	sql      string
	checksum string // hex SHA-256 of sql
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(Migrations(), "*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_description.sql", name)
		}
		version, _ := strconv.Atoi(m[1]) // four digits
		body, err := fs.ReadFile(Migrations(), name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		out = append(out, migration{version: version, name: name, sql: string(body), checksum: hex.EncodeToString(sum[:])})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// Migrate brings the schema up to date: it applies, in version order, each
// embedded migration that the ledger table customerauth_migrations does not
// list, and records it there. Each migration and its ledger row commit as
// one transaction, so a failed migration leaves nothing behind and a second
// Migrate, by this process or by another at the same time, applies nothing
// twice. Migrate refuses a database on which an applied migration differs
// from the embedded file, since its schema is then not the one this code
// expects, and one whose connections do not enforce foreign keys (see
// DSNOptions).
//
// Hosts call Migrate once at startup, before the store serves requests.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, math.MaxInt)
}

// migrate is Migrate, applying only the migrations up to version through:
// the tests use it to build a database as an older release left it.
func (s *Store) migrate(ctx context.Context, through int) error {
	const op = "migrate"
	migrations, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if err := s.checkConn(ctx, false); err != nil {
		return err
	}
	return s.write(ctx, op, func() error {
		if _, err := s.db.ExecContext(ctx, createLedgerSQL); err != nil {
			return wrapErr(ctx, op, err)
		}
		for _, m := range migrations {
			if m.version > through {
				break
			}
			if err := s.applyMigration(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyMigration applies m unless the ledger lists it. The ledger row is
// written first: that INSERT takes the write lock at once, so two
// processes migrating together queue there and the second finds the row.
func (s *Store) applyMigration(ctx context.Context, m migration) error {
	op := "migrate " + m.name
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	defer tx.Rollback() // a no-op after Commit

	res, err := tx.ExecContext(ctx, `INSERT INTO customerauth_migrations (version, name, checksum, applied_at)
	VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`, m.version, m.name, m.checksum, time.Now().UnixNano())
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrapErr(ctx, op, err)
	} else if n == 0 {
		var checksum string
		err := tx.QueryRowContext(ctx, `SELECT checksum FROM customerauth_migrations WHERE version = ?`, m.version).Scan(&checksum)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		if checksum != m.checksum {
			return fmt.Errorf("sqlitestore: %s: the database recorded another version of this migration (checksum %s, embedded %s)", op, checksum, m.checksum)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return wrapErr(ctx, op, err)
	}
	if err := tx.Commit(); err != nil {
		return wrapErr(ctx, op, err)
	}
	return nil
}

// Migration is a migration recorded as applied in customerauth_migrations.
type Migration struct {
	// Version is the number the file name starts with.
	Version int
	// Name is the file name, such as "0001_init.sql".
	Name string
	// AppliedAt is when Migrate applied it, in UTC.
	AppliedAt time.Time
}

// AppliedMigrations returns the migrations the ledger lists, in version
// order, so a host or an operator can tell which schema a database has.
func (s *Store) AppliedMigrations(ctx context.Context) ([]Migration, error) {
	const op = "applied migrations"
	rows, err := s.db.QueryContext(ctx, `SELECT version, name, applied_at FROM customerauth_migrations ORDER BY version`)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	defer rows.Close()
	var out []Migration
	for rows.Next() {
		var m Migration
		var at int64
		if err := rows.Scan(&m.Version, &m.Name, &at); err != nil {
			return nil, wrapErr(ctx, op, err)
		}
		m.AppliedAt = decodeTime(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return out, nil
}
