package pgstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
	"github.com/shopkit/customerauth/pgstore"
)

// envDSN names the environment variable that holds the DSN of the test
// database. Without it every test here skips.
const envDSN = "CUSTOMERAUTH_TEST_POSTGRES"

// testDSN returns the DSN of the test database or skips tb.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		tb.Skipf("PostgreSQL tests skipped: set %s to a DSN, e.g. %s='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'", envDSN, envDSN)
	}
	return dsn
}

// randHex returns n random bytes as hex, for unique names.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// adminConn opens a connection of its own, outside every store pool, for
// setting up schemas and for interfering with the store's sessions.
func adminConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	conn, err := pgx.Connect(context.Background(), testDSN(tb))
	if err != nil {
		tb.Fatalf("connecting to %s: %v", envDSN, err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// newSchema creates an empty schema ct_<random> and drops it with
// everything in it when tb ends, so tests can run in parallel and
// repeatedly without seeing each other's rows.
func newSchema(tb testing.TB) string {
	tb.Helper()
	dsn := testDSN(tb)
	name := "ct_" + randHex(8)
	conn := adminConn(tb)
	if _, err := conn.Exec(context.Background(), "CREATE SCHEMA "+name); err != nil {
		tb.Fatalf("CREATE SCHEMA: %v", err)
	}
	// Registered before any pool of the schema, so it runs after they are
	// closed; on a connection of its own, because the one above may be
	// closed by then.
	tb.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			tb.Errorf("connecting to drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			tb.Errorf("DROP SCHEMA %s: %v", name, err)
		}
	})
	return name
}

// newPool opens a pool whose sessions use schema, after letting edit
// change its configuration. It is closed when tb ends.
func newPool(tb testing.TB, schema string, edit func(*pgxpool.Config)) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(tb))
	if err != nil {
		tb.Fatalf("%s: %v", envDSN, err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.ConnConfig.RuntimeParams["application_name"] = "customerauth-pgstore-test"
	if edit != nil {
		edit(cfg)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("pgxpool: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

// migrated returns a Store on pool after running Migrate.
func migrated(tb testing.TB, pool *pgxpool.Pool) *pgstore.Store {
	tb.Helper()
	s := pgstore.New(pool)
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// newStore returns a migrated Store on a fresh schema.
func newStore(tb testing.TB) *pgstore.Store {
	tb.Helper()
	return migrated(tb, newPool(tb, newSchema(tb), nil))
}

// smallArgon2 keeps password hashing cheap in tests.
var smallArgon2 = customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}

// outbox is the shared test Notifier, so tests can follow the links a
// customer would get by email.
type outbox struct{ notifytest.Outbox }

// lastURL returns the link of the newest notification of kind to email.
func (o *outbox) lastURL(tb testing.TB, kind customerauth.NotificationKind, email string) string {
	tb.Helper()
	n, ok := o.Last(kind, email)
	if !ok {
		tb.Fatalf("no %s notification to %s", kind, email)
	}
	return n.URL
}

// lockedBuffer is an io.Writer that many goroutines may log to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newService returns a Service on store with cheap password hashing,
// notifications going to box and logs to logs (discarded when nil), after
// letting edit change its Config.
func newService(tb testing.TB, store customerauth.Store, box *outbox, logs io.Writer, edit ...func(*customerauth.Config)) *customerauth.Service {
	tb.Helper()
	if logs == nil {
		logs = io.Discard
	}
	cfg := customerauth.Config{
		Store:    store,
		ShopURL:  "https://shop.example",
		Notifier: box,
		Argon2:   smallArgon2,
		Logger:   slog.New(slog.NewJSONHandler(logs, nil)),
	}
	for _, e := range edit {
		e(&cfg)
	}
	svc, err := customerauth.New(cfg)
	if err != nil {
		tb.Fatalf("customerauth.New: %v", err)
	}
	return svc
}

// linkSecret returns the token of an activation or reset URL: the part
// after the last '/'.
func linkSecret(u string) string {
	return u[strings.LastIndex(u, "/")+1:]
}
