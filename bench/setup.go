package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/argon2"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
	"github.com/shopkit/customerauth/sqlitestore"
)

// password is every seeded customer's password.
const password = "Bench-Pass-4711-zebra"

// Default argon2id parameters of customerauth (Argon2Params' zero value).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// fastArgon2 makes seeding cheap; it never affects a measured operation
// (see seed).
var fastArgon2 = customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}

// noLimits switches every attempt limit off (Limit -1) so that the limiter
// does not refuse the flood, and leaves MaxConcurrentHashes and HashWait at
// their defaults.
var noLimits = customerauth.Throttle{
	LoginPerAccount: customerauth.Rule{Limit: -1},
	LoginPerIP:      customerauth.Rule{Limit: -1},
	RecoverPerEmail: customerauth.Rule{Limit: -1},
	RecoverPerIP:    customerauth.Rule{Limit: -1},
	CreatePerIP:     customerauth.Rule{Limit: -1},
}

type nopNotifier struct{}

func (nopNotifier) Notify(context.Context, customerauth.Notification) error { return nil }

// benchEnv is one store with the Service under test and its seeded
// customers.
type benchEnv struct {
	store     string // memory, sqlite, postgres
	storeDesc string
	st        customerauth.Store
	svc       *customerauth.Service // default argon2 parameters, limits off
	emails    []string
	tokens    []string
	closers   []func()
}

func (e *benchEnv) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
}

func serviceConfig(st customerauth.Store, a customerauth.Argon2Params) customerauth.Config {
	return customerauth.Config{
		Store:    st,
		ShopURL:  "https://shop.example",
		Notifier: nopNotifier{},
		Logger:   discardLogger,
		Argon2:   a,
		Throttle: noLimits,
	}
}

// newEnv opens the store, builds the Service and seeds n customers.
func newEnv(ctx context.Context, store string, o options, n int) (*benchEnv, error) {
	e := &benchEnv{store: store}
	var err error
	switch store {
	case "memory":
		e.st, e.storeDesc = customerauth.NewMemoryStore(), "customerauth.NewMemoryStore()"
	case "sqlite":
		err = e.openSQLite(ctx)
	case "postgres":
		err = e.openPostgres(ctx, o)
	default:
		err = fmt.Errorf("unknown store %q", store)
	}
	if err != nil {
		e.close()
		return nil, err
	}
	// Argon2 zero: the defaults (m=19456 KiB, t=2, p=1), which is what
	// login pays. Throttle: rules off, MaxConcurrentHashes default.
	if e.svc, err = customerauth.New(serviceConfig(e.st, customerauth.Argon2Params{})); err != nil {
		e.close()
		return nil, err
	}
	start := time.Now()
	if err := e.seed(ctx, n, o.addresses); err != nil {
		e.close()
		return nil, fmt.Errorf("seeding: %w", err)
	}
	logf("%s: seeded %d customers with tokens and %d addresses each in %v", store, n, o.addresses, time.Since(start).Round(time.Millisecond))
	return e, nil
}

func (e *benchEnv) openSQLite(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "customerauth-bench-")
	if err != nil {
		return err
	}
	e.closers = append(e.closers, func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "bench.db")
	st, err := sqlitestore.Open(ctx, path)
	if err != nil {
		return err
	}
	e.closers = append(e.closers, func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	e.st = st
	e.storeDesc = "sqlitestore.Open(" + path + ") + Migrate (WAL, synchronous=FULL, 8 connections; file on the local disk)"
	return nil
}

// openPostgres creates a schema of its own in the database of the DSN,
// points a pool's search_path at it, and drops it on close.
func (e *benchEnv) openPostgres(ctx context.Context, o options) error {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "customerauth_bench_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, o.dsn)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return err
	}
	e.closers = append(e.closers, func() {
		c, err := pgx.Connect(context.Background(), o.dsn)
		if err != nil {
			logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			logf("dropping schema %s: %v", schema, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(o.dsn)
	if err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if o.pgMaxConns > 0 {
		cfg.MaxConns = int32(o.pgMaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	e.closers = append(e.closers, pool.Close)
	st := pgstore.New(pool)
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	e.st = st
	host := cfg.ConnConfig.Host
	if u, err := url.Parse(o.dsn); err == nil && u.Host != "" {
		host = u.Host
	}
	e.storeDesc = fmt.Sprintf("pgstore.New(pgxpool, MaxConns %d) + Migrate, database %q on %s, schema %s (dropped afterwards)",
		cfg.MaxConns, cfg.ConnConfig.Database, host, schema)
	return nil
}

// defaultHash returns a PHC argon2id hash of password with customerauth's
// default parameters, in the format the Service writes, so that logins
// verify at full cost and never rehash.
func defaultHash() string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func seedEmail(i int) string { return fmt.Sprintf("bench%05d@example.com", i) }

// seed creates n customers through the Go API of a second Service on the
// same store that uses fastArgon2: CreateCustomer, CreateAccessToken and
// SetAddresses. The password hash is then replaced, directly in the store,
// by one made with the default parameters, so the login measured later
// pays the full default cost (and never rehashes); the token operations
// never touch the hash.
func (e *benchEnv) seed(ctx context.Context, n, addresses int) error {
	seeder, err := customerauth.New(serviceConfig(e.st, fastArgon2))
	if err != nil {
		return err
	}
	hash := defaultHash()
	e.emails = make([]string, n)
	e.tokens = make([]string, n)
	workers := 4 * runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := e.seedOne(ctx, seeder, i, addresses, hash); err != nil {
					errc <- fmt.Errorf("customer %d: %w", i, err)
					return
				}
			}
		}()
	}
	var firstErr error
loop:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case firstErr = <-errc:
			break loop
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil {
		select {
		case firstErr = <-errc:
		default:
		}
	}
	if firstErr != nil {
		return firstErr
	}

	// The measured Service logs the first customer in: the hash must verify
	// and must be left as it is (no rehash).
	if _, err := e.svc.CreateAccessToken(ctx, e.emails[0], password); err != nil {
		return fmt.Errorf("login with the default-parameter hash: %w", err)
	}
	tok, err := e.svc.CreateAccessToken(ctx, e.emails[0], password)
	if err != nil {
		return err
	}
	c, err := e.svc.CustomerByAccessToken(ctx, tok.Token)
	if err != nil {
		return err
	}
	if c.PasswordHash != hash {
		return errors.New("the login rehashed the seeded password: its parameters are not the defaults")
	}
	return nil
}

func (e *benchEnv) seedOne(ctx context.Context, seeder *customerauth.Service, i, addresses int, hash string) error {
	email := seedEmail(i)
	c, err := seeder.CreateCustomer(ctx, customerauth.CustomerCreateInput{
		Email: email, Password: password, FirstName: "Ann", LastName: "Lee", AcceptsMarketing: i%2 == 0,
	})
	if err != nil {
		return err
	}
	tok, err := seeder.CreateAccessToken(ctx, email, password)
	if err != nil {
		return err
	}
	if addresses > 0 {
		addrs := make([]customerauth.Address, addresses)
		for k := range addrs {
			addrs[k] = customerauth.Address{
				FirstName: "Ann", LastName: "Lee", Company: "Lee Bakery",
				Address1: fmt.Sprintf("%d Queen Street West", 100+k), Address2: "Unit 4",
				City: "Toronto", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA",
				Zip: "M5H 2N2", Phone: "+14165550123",
			}
		}
		if _, err := seeder.SetAddresses(ctx, c.ID, addrs, 0); err != nil {
			return err
		}
	}
	if _, err := e.st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: &hash, UpdatedAt: time.Now()}); err != nil {
		return err
	}
	e.emails[i], e.tokens[i] = email, tok.Token
	return nil
}
