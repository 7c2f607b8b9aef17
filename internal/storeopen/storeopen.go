// Package storeopen opens the store a command-line flag names, for the
// example server and the admin command, so both read -store and -dsn
// alike.
package storeopen

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
	"github.com/shopkit/customerauth/sqlitestore"
)

// DefaultSQLiteFile is the SQLite file used when -dsn is empty.
const DefaultSQLiteFile = "customerauth.db"

// Store is an open store with what its host must do with it.
type Store struct {
	customerauth.Store
	// Kind is "memory", "sqlite" or "postgres".
	Kind string
	// Where names the file or database, without credentials, for logs.
	Where string
	// DeleteExpired removes expired tokens and replay entries; nil for the
	// memory store, which the Service cleans itself.
	DeleteExpired func(context.Context, time.Time) (int, int, error)
	// Migrate applies the store's migrations; nil for the memory store.
	Migrate func(context.Context) error
	// Close releases the store.
	Close func()
}

// Open opens the store of the given kind: "memory" (when allowMemory),
// "sqlite" (dsn is a file name, DefaultSQLiteFile when empty) or
// "postgres" (dsn is a connection string, required). It does not migrate.
func Open(ctx context.Context, kind, dsn string, allowMemory bool) (*Store, error) {
	switch kind {
	case "memory":
		if allowMemory {
			return &Store{Store: customerauth.NewMemoryStore(), Kind: kind, Where: "memory", Close: func() {}}, nil
		}
	case "sqlite":
		if dsn == "" {
			dsn = DefaultSQLiteFile
		}
		st, err := sqlitestore.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return &Store{Store: st, Kind: kind, Where: dsn, DeleteExpired: st.DeleteExpired, Migrate: st.Migrate, Close: func() { st.Close() }}, nil
	case "postgres":
		if dsn == "" {
			return nil, fmt.Errorf("-store postgres needs -dsn")
		}
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			// pgx's message can quote the connection string, password
			// included: say only that it did not parse.
			return nil, fmt.Errorf("-dsn is not a PostgreSQL connection string")
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, err
		}
		st := pgstore.New(pool)
		where := cfg.ConnConfig.Host + "/" + cfg.ConnConfig.Database
		return &Store{Store: st, Kind: kind, Where: where, DeleteExpired: st.DeleteExpired, Migrate: st.Migrate, Close: pool.Close}, nil
	}
	if allowMemory {
		return nil, fmt.Errorf("unknown -store %q: want memory, sqlite or postgres", kind)
	}
	return nil, fmt.Errorf("unknown -store %q: want sqlite or postgres", kind)
}
