package sqlitestore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
	"github.com/shopkit/customerauth/storetest"
)

// base is the tests' "now".
var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// openStore opens and migrates a new database file in a fresh temporary
// directory and closes it when the test ends.
func openStore(t testing.TB) (*sqlitestore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "customers.db")
	st, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st, path
}

// TestStoreContract runs the Store contract suite, each behaviour on a
// database file of its own. The Store is also the package's
// customerauth.Limiter and customerauth.ReplayCache, so Run checks those
// contracts too (its "Limiter" and "ReplayCache" subtests); there is no
// separate TestLimiterContract, which would only run them again.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) customerauth.Store {
		st, _ := openStore(t)
		return st
	})
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	st, _ := openStore(t) // migrated once
	first, err := st.AppliedMigrations(t.Context())
	if err != nil {
		t.Fatalf("AppliedMigrations: %v", err)
	}
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	second, err := st.AppliedMigrations(t.Context())
	if err != nil {
		t.Fatalf("AppliedMigrations: %v", err)
	}
	if !slices.Equal(first, second) {
		t.Errorf("the ledger changed on the second Migrate:\n%v\n%v", first, second)
	}

	files, err := fs.Glob(sqlitestore.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range second {
		names = append(names, m.Name)
		if m.AppliedAt.IsZero() || m.AppliedAt.Location() != time.UTC {
			t.Errorf("migration %s: AppliedAt = %v, want a UTC time", m.Name, m.AppliedAt)
		}
	}
	if !slices.Equal(names, files) {
		t.Errorf("ledger lists %q, want each embedded file once: %q", names, files)
	}

	// The ledger table itself holds one row per migration.
	var rows, distinct int
	err = st.DB().QueryRowContext(t.Context(), `SELECT count(*), count(DISTINCT version) FROM customerauth_migrations`).Scan(&rows, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if rows != len(files) || distinct != len(files) {
		t.Errorf("customerauth_migrations has %d rows (%d versions), want %d", rows, distinct, len(files))
	}
}

// TestConcurrentMigrate: several processes starting together each call
// Migrate; none may fail or apply a migration twice.
func TestConcurrentMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	const n = 4
	stores := make([]*sqlitestore.Store, n)
	for i := range stores {
		st, err := sqlitestore.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores[i] = st
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, st := range stores {
		wg.Go(func() { errs[i] = st.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
	applied, err := stores[0].AppliedMigrations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(sqlitestore.Migrations(), "*.sql")
	if len(applied) != len(files) {
		t.Errorf("ledger lists %d migrations, want %d", len(applied), len(files))
	}
}

func TestMigrationsListsEmbeddedFiles(t *testing.T) {
	files, err := fs.Glob(sqlitestore.Migrations(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || files[0] != "0001_init.sql" {
		t.Fatalf("Migrations() lists %q, want 0001_init.sql first", files)
	}
	body, err := fs.ReadFile(sqlitestore.Migrations(), "0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"customerauth_customers", "customerauth_tokens", "customerauth_replay"} {
		if !strings.Contains(string(body), "CREATE TABLE "+table) {
			t.Errorf("0001_init.sql does not create %s", table)
		}
	}
}

// TestMigrateRefusesAChangedMigration: a database migrated with another
// version of a released file has a schema this code does not know.
func TestMigrateRefusesAChangedMigration(t *testing.T) {
	st, _ := openStore(t)
	if _, err := st.DB().ExecContext(t.Context(), `UPDATE customerauth_migrations SET checksum = 'edited' WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	err := st.Migrate(t.Context())
	if err == nil || !strings.Contains(err.Error(), "0001_init.sql") {
		t.Errorf("Migrate after the applied migration changed = %v, want an error naming the file", err)
	}
}

// TestTablesArePrefixed: everything the store creates is named
// customerauth_*, so it can share a database with a host's tables.
func TestTablesArePrefixed(t *testing.T) {
	st, _ := openStore(t)
	rows, err := st.DB().QueryContext(t.Context(), `SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		if !strings.HasPrefix(name, "customerauth_") {
			t.Errorf("%s %q is not prefixed customerauth_", typ, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customerauth_customers", "customerauth_addresses", "customerauth_tokens", "customerauth_replay", "customerauth_migrations"} {
		if !slices.Contains(names, want) {
			t.Errorf("table %s missing; have %q", want, names)
		}
	}
}

// TestQueriesUseIndexes asks SQLite for the plan of every statement the
// store runs: none may scan a table.
func TestQueriesUseIndexes(t *testing.T) {
	st, _ := openStore(t)
	for name, query := range sqlitestore.Statements() {
		args := make([]any, strings.Count(query, "?"))
		rows, err := st.DB().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		t.Logf("%s: %q", name, plan)
		// An INSERT has no plan to show (its conflict checks are searches
		// of the unique indexes); everything else must show its search.
		if len(plan) == 0 && !strings.HasPrefix(query, "INSERT") {
			t.Errorf("%s: empty query plan", name)
		}
		for _, step := range plan {
			// json_each is a statement's own argument, a JSON array of
			// the values it looks up, not a table: reading it whole is
			// the point.
			if strings.HasPrefix(step, "SCAN") && !strings.HasPrefix(step, "SCAN json_each VIRTUAL TABLE") {
				t.Errorf("%s scans: %q", name, plan)
			}
		}
	}
}

func TestOpenRefusesInMemoryAndAmbiguousPaths(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:", filepath.Join(t.TempDir(), "a?b.db")} {
		if st, err := sqlitestore.Open(t.Context(), path); err == nil {
			st.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

// TestNewRequiresForeignKeys: a host that opens the database without
// DSNOptions is told at Migrate, not by a token for a missing customer.
func TestNewRequiresForeignKeys(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "host.db"), "_journal_mode=WAL")
	st := sqlitestore.New(db)
	err := st.Migrate(t.Context())
	if err == nil || !strings.Contains(err.Error(), "foreign keys") {
		t.Errorf("Migrate without foreign keys = %v, want an error about foreign keys", err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	// Close of a Store made by New leaves the host's database open.
	if err := db.PingContext(t.Context()); err != nil {
		t.Errorf("the host's database was closed by Store.Close: %v", err)
	}
}

// TestNewWithHostDSN: a host that opens the database itself with
// DSNOptions and keeps tables of its own beside the store's.
func TestNewWithHostDSN(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "host.db"), sqlitestore.DSNOptions)
	if _, err := db.ExecContext(t.Context(), `CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id TEXT)`); err != nil {
		t.Fatal(err)
	}
	st := sqlitestore.New(db)
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	c := newCustomer("host@example.com")
	if err := st.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatalf("CreateCustomer: %v", err)
	}
	if _, err := st.CustomerByEmail(t.Context(), "host@example.com"); err != nil {
		t.Errorf("CustomerByEmail: %v", err)
	}
}

// TestTimesRoundTripExactlyInUTC: nanoseconds and far dates survive, and
// the zero time is kept as the zero time.
func TestTimesRoundTripExactlyInUTC(t *testing.T) {
	st, _ := openStore(t)
	loc := time.FixedZone("UTC+5:30", 5*3600+1800)
	cases := []time.Time{
		time.Date(2026, 3, 4, 5, 6, 7, 123456789, loc),
		time.Date(1700, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2261, 12, 31, 23, 59, 59, 999999999, time.UTC),
		{},
	}
	for _, at := range cases {
		c := newCustomer(uuid.NewString() + "@example.com")
		c.CreatedAt, c.UpdatedAt = at, at
		if err := st.CreateCustomer(t.Context(), c, nil); err != nil {
			t.Fatalf("CreateCustomer(%v): %v", at, err)
		}
		got, err := st.CustomerByID(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(at) || got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt %v came back as %v (%v), want the same instant in UTC", at, got.CreatedAt, got.CreatedAt.Location())
		}
		if at.IsZero() && !got.CreatedAt.IsZero() {
			t.Errorf("the zero time came back as %v", got.CreatedAt)
		}
	}
	// Beyond what an int64 of nanoseconds holds: refused, not garbled.
	c := newCustomer("far@example.com")
	c.CreatedAt = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := st.CreateCustomer(t.Context(), c, nil); err == nil {
		t.Error("CreateCustomer with a time in the year 3000 succeeded, want an error")
	}
}

// TestConflictErrorHasNoSecrets: errors are logged; they must not carry
// the password hash or token hash of the refused write.
func TestConflictErrorHasNoSecrets(t *testing.T) {
	st, _ := openStore(t)
	a, b := newCustomer("a@example.com"), newCustomer("b@example.com")
	for _, c := range []*customerauth.Customer{a, b} {
		if err := st.CreateCustomer(t.Context(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	hash := "$argon2id$v=19$m=64,t=1,p=1$c2VjcmV0c2FsdA$c2VjcmV0aGFzaA"
	tok := &customerauth.Token{Hash: customerauth.HashToken("secret"), Kind: customerauth.TokenAccess, CustomerID: b.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	_, err := st.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
		ID: b.ID, Email: new("A@example.com"), PasswordHash: &hash, UpdatedAt: base, Issue: tok,
	})
	if !errors.Is(err, customerauth.ErrConflict) {
		t.Fatalf("UpdateCustomer onto a's email = %v, want ErrConflict", err)
	}
	msg := err.Error()
	for _, secret := range []string{hash, "c2VjcmV0aGFzaA", string(tok.Hash[:]), hexString(tok.Hash[:])} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains a secret", msg)
		}
	}
	if !strings.Contains(msg, "email_key") {
		t.Errorf("error %q does not say which column collided", msg)
	}

	// A token for a customer that does not exist: ErrNotFound from the
	// foreign key, again without the hash.
	tok.CustomerID = uuid.NewString()
	err = st.IssueToken(t.Context(), tok)
	if !errors.Is(err, customerauth.ErrNotFound) {
		t.Fatalf("IssueToken for a missing customer = %v, want ErrNotFound", err)
	}
	if strings.Contains(err.Error(), hexString(tok.Hash[:])) {
		t.Errorf("error %q contains the token hash", err)
	}
}

// TestRemember checks the ReplayCache contract on the store.
func TestRemember(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	key := sha256.Sum256([]byte("mac"))
	remember := func(now, exp time.Time) bool {
		t.Helper()
		ok, err := st.Remember(ctx, key, now, exp)
		if err != nil {
			t.Fatalf("Remember: %v", err)
		}
		return ok
	}
	exp := base.Add(15 * time.Minute)
	if !remember(base, exp) {
		t.Error("first Remember of a key = false, want true")
	}
	if remember(base, exp) {
		t.Error("second Remember before expiry = true, want false")
	}
	if remember(exp.Add(-time.Millisecond), exp.Add(time.Hour)) {
		t.Error("Remember just before expiry = true, want false")
	}
	// Once the entry has expired the key is new again, and is kept until
	// the new expiry.
	if !remember(exp, exp.Add(time.Hour)) {
		t.Error("Remember at the old expiry = false, want true")
	}
	if remember(exp.Add(time.Minute), exp.Add(2*time.Hour)) {
		t.Error("Remember after re-recording = true, want false")
	}
	other := sha256.Sum256([]byte("other"))
	if ok, err := st.Remember(ctx, other, base, exp); err != nil || !ok {
		t.Errorf("Remember of another key = %v, %v; want true", ok, err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fresh := sha256.Sum256([]byte("fresh"))
	if _, err := st.Remember(cancelled, fresh, base, exp); !errors.Is(err, context.Canceled) {
		t.Errorf("Remember with a cancelled context: %v, want context.Canceled", err)
	}
	if ok, err := st.Remember(ctx, fresh, base, exp); err != nil || !ok {
		t.Errorf("Remember after the cancelled call = %v, %v; want true (nothing was recorded)", ok, err)
	}
}

func TestConcurrentRememberSucceedsOnce(t *testing.T) {
	st, _ := openStore(t)
	key := sha256.Sum256([]byte("raced"))
	const racers = 20
	results := make([]bool, racers)
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = st.Remember(t.Context(), key, base, base.Add(time.Minute))
		})
	}
	close(start)
	wg.Wait()
	wins := 0
	for i := range racers {
		if errs[i] != nil {
			t.Errorf("racer %d: %v", i, errs[i])
		}
		if results[i] {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%d racers were told the key was new, want exactly 1", wins)
	}
}

// TestRememberSharedAcrossStores: two processes on one database file see
// each other's keys.
func TestRememberSharedAcrossStores(t *testing.T) {
	a, path := openStore(t)
	b, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	key := sha256.Sum256([]byte("shared"))
	if ok, err := a.Remember(t.Context(), key, base, base.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("Remember on a = %v, %v", ok, err)
	}
	if ok, err := b.Remember(t.Context(), key, base, base.Add(time.Minute)); err != nil || ok {
		t.Errorf("Remember of the same key on b = %v, %v; want false", ok, err)
	}
}

func TestDeleteExpired(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	c := newCustomer("sweep@example.com")
	if err := st.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	// More than one batch of expired tokens, and some that stay.
	const expired = 1500
	for i := range expired + 10 {
		exp := base.Add(-time.Duration(i+1) * time.Second)
		if i >= expired {
			exp = base.Add(time.Hour)
		}
		tok := &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess, CustomerID: c.ID, CreatedAt: exp.Add(-time.Hour), ExpiresAt: exp}
		if err := st.IssueToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	// Replay entries: two expired (one exactly at now), one valid. The
	// store's own pruning in Remember runs on the first call, before any
	// entry exists.
	for i, exp := range []time.Time{base.Add(-time.Minute), base, base.Add(time.Minute)} {
		key := sha256.Sum256([]byte{byte(i)})
		if _, err := st.Remember(ctx, key, base.Add(-time.Hour), exp); err != nil {
			t.Fatal(err)
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := st.DeleteExpired(cancelled, base); !errors.Is(err, context.Canceled) {
		t.Errorf("DeleteExpired with a cancelled context: %v, want context.Canceled", err)
	}

	tokens, replays, err := st.DeleteExpired(ctx, base)
	if err != nil {
		t.Fatalf("DeleteExpired: %v", err)
	}
	if tokens != expired || replays != 2 {
		t.Errorf("DeleteExpired = %d tokens, %d replay entries; want %d, 2", tokens, replays, expired)
	}
	var left int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM customerauth_tokens`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 10 {
		t.Errorf("%d tokens left, want 10", left)
	}
	if tokens, replays, err := st.DeleteExpired(ctx, base); err != nil || tokens != 0 || replays != 0 {
		t.Errorf("second DeleteExpired = %d, %d, %v; want 0, 0, nil", tokens, replays, err)
	}
}

// TestCancelledDuringWait: a writer queued behind another gives up when
// its context ends, and reports context.Canceled.
func TestCancelledDuringWait(t *testing.T) {
	st, _ := openStore(t)
	c := newCustomer("wait@example.com")
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	// Hold SQLite's write lock from another connection.
	conn, err := st.DB().Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	err = st.CreateCustomer(ctx, c, nil)
	if _, rerr := conn.ExecContext(t.Context(), "ROLLBACK"); rerr != nil {
		t.Fatal(rerr)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("CreateCustomer while the database is locked: %v, want context.DeadlineExceeded", err)
	}
	if _, err := st.CustomerByID(t.Context(), c.ID); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("customer of the abandoned write: %v, want ErrNotFound", err)
	}
}

// TestUpgradeFrom0002KeepsTokens: a database that a release of schema
// version 2 wrote (a customer, a session and a reset link, with no
// credential version anywhere), migrated to version 3: the customer is at
// version 0 and its tokens, bound to 0, keep working, until a password
// change moves the version on.
func TestUpgradeFrom0002KeepsTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	st, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if err := sqlitestore.MigrateThrough(ctx, st, 2); err != nil {
		t.Fatalf("migrating to version 2: %v", err)
	}
	c := newCustomer("Old@example.com")
	c.PasswordHash = "old hash"
	session := &customerauth.Token{Hash: customerauth.HashToken("old session"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	reset := &customerauth.Token{Hash: customerauth.HashToken("old reset"), Kind: customerauth.TokenReset, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	// The rows as the statements of that release wrote them.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_customers (id, email, email_key, phone,
		multipass_identifier, first_name, last_name, accepts_marketing, state, password_hash, tags, addresses,
		default_address_id, created_at, updated_at) VALUES (?, ?, ?, NULL, NULL, '', '', 0, ?, ?, '[]', '[]', '', ?, ?)`,
		c.ID, c.Email, c.EmailKey, int64(c.State), c.PasswordHash, base.UnixNano(), base.UnixNano()); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []*customerauth.Token{session, reset} {
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, tok.Hash[:], int64(tok.Kind), tok.CustomerID, tok.CreatedAt.UnixNano(), tok.ExpiresAt.UnixNano()); err != nil {
			t.Fatal(err)
		}
	}

	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	applied, err := st.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(applied); n < 3 || applied[2].Name != "0003_credential_version.sql" {
		t.Fatalf("applied migrations %v, want 0003_credential_version.sql third", applied)
	}

	got, err := st.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatalf("CustomerByID after the upgrade: %v", err)
	}
	if got.CredentialVersion != 0 || got.PasswordHash != "old hash" || got.Email != c.Email {
		t.Errorf("customer after the upgrade: %+v; want it unchanged, at version 0", got)
	}
	for _, tok := range []*customerauth.Token{session, reset} {
		if got, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CredentialVersion != 0 || got.CustomerID != c.ID {
			t.Errorf("%s token after the upgrade: %+v, %v; want it found, bound to version 0", tok.Kind, got, err)
		}
	}
	if _, err := st.RenewToken(ctx, session.Hash, base, base.Add(2*time.Hour)); err != nil {
		t.Errorf("RenewToken of the old session: %v", err)
	}
	login := &customerauth.Token{Hash: customerauth.HashToken("new login"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	if err := st.IssueToken(ctx, login); err != nil {
		t.Errorf("IssueToken under version 0: %v", err)
	}

	// A password change on the old session's authority: the version moves
	// on, and every token of version 0 is gone.
	fresh := &customerauth.Token{Hash: customerauth.HashToken("fresh"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	updated, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("new hash"), UpdatedAt: base,
		AccessToken: &session.Hash, RevokeTokens: true, Issue: fresh})
	if err != nil || updated.CredentialVersion != 1 {
		t.Fatalf("password change after the upgrade: %+v, %v; want version 1", updated, err)
	}
	for _, tok := range []*customerauth.Token{session, reset, login} {
		if _, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("%s token of version 0 after the change: %v, want ErrNotFound", tok.Kind, err)
		}
	}
	if got, err := st.TokenByHash(ctx, fresh.Kind, fresh.Hash, base); err != nil || got.CredentialVersion != 1 {
		t.Errorf("the change's token: %+v, %v; want it bound to version 1", got, err)
	}
}

// TestUpgradeFrom0004KeepsEverything: a database that a release of schema
// version 4 wrote (customers with and without addresses, phone, Multipass
// identifier, tags, a credential version past 0, and their tokens),
// migrated to version 5: every customer reads back as it was, with the new
// fields at their zero values, its addresses are in place and its tokens
// keep working; the new fields can then be set and read.
func TestUpgradeFrom0004KeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	st, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if err := sqlitestore.MigrateThrough(ctx, st, 4); err != nil {
		t.Fatalf("migrating to version 4: %v", err)
	}

	full := newCustomer("Full@example.com")
	full.ID = "7085491241234" // an id as an import keeps it
	full.Phone, full.MultipassIdentifier = "+16135550123", "idp-full"
	full.FirstName, full.LastName, full.AcceptsMarketing = "Ann", "Lee", true
	full.PasswordHash, full.CredentialVersion = "hash", 3
	full.Tags = []string{"vip", "wholesale"}
	full.Addresses = []customerauth.Address{
		{ID: uuid.NewString(), FirstName: "Ann", Address1: "1 Main St", City: "Ottawa", CountryCode: "CA",
			Latitude: new(45.4215), Longitude: new(-75.6972)},
		{ID: uuid.NewString(), City: "Toronto"},
	}
	full.DefaultAddressID = full.Addresses[1].ID
	bare := newCustomer("Bare@example.com")
	bare.State = customerauth.StateDisabled
	session := &customerauth.Token{Hash: customerauth.HashToken("v4 session"), Kind: customerauth.TokenAccess, CustomerID: full.ID,
		CredentialVersion: 3, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	activation := &customerauth.Token{Hash: customerauth.HashToken("v4 activation"), Kind: customerauth.TokenActivation, CustomerID: bare.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}

	// The rows as the statements of that release wrote them.
	for _, c := range []*customerauth.Customer{full, bare} {
		tags := "[]"
		if len(c.Tags) > 0 {
			tags = `["` + strings.Join(c.Tags, `","`) + `"]`
		}
		var phone, ident any
		if c.Phone != "" {
			phone = c.Phone
		}
		if c.MultipassIdentifier != "" {
			ident = c.MultipassIdentifier
		}
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_customers (id, email, email_key, phone,
			multipass_identifier, first_name, last_name, accepts_marketing, state, password_hash, tags,
			default_address_id, created_at, updated_at, credential_version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Email, c.EmailKey, phone, ident, c.FirstName, c.LastName, c.AcceptsMarketing, int64(c.State),
			c.PasswordHash, tags, c.DefaultAddressID, c.CreatedAt.UnixNano(), c.UpdatedAt.UnixNano(), int64(c.CredentialVersion)); err != nil {
			t.Fatal(err)
		}
		for i, a := range c.Addresses {
			var lat, lon any
			if a.Latitude != nil {
				lat, lon = *a.Latitude, *a.Longitude
			}
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_addresses (customer_id, position, id, first_name,
				address1, city, country_code, latitude, longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.ID, i+1, a.ID, a.FirstName, a.Address1, a.City, a.CountryCode, lat, lon); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tok := range []*customerauth.Token{session, activation} {
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at,
			credential_version) VALUES (?, ?, ?, ?, ?, ?)`, tok.Hash[:], int64(tok.Kind), tok.CustomerID,
			tok.CreatedAt.UnixNano(), tok.ExpiresAt.UnixNano(), int64(tok.CredentialVersion)); err != nil {
			t.Fatal(err)
		}
	}

	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	applied, err := st.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(applied); n < 5 || applied[4].Name != "0005_import.sql" {
		t.Fatalf("applied migrations %v, want 0005_import.sql fifth", applied)
	}

	for _, want := range []*customerauth.Customer{full, bare} {
		got, err := st.CustomerByEmail(ctx, want.EmailKey)
		if err != nil {
			t.Fatalf("CustomerByEmail(%s) after the upgrade: %v", want.Email, err)
		}
		if d := diffAddresses(want.Addresses, got.Addresses); d != "" {
			t.Errorf("%s after the upgrade: %s", want.Email, d)
		}
		got.Addresses, want.Addresses = nil, nil
		if !slices.Equal(got.Tags, want.Tags) {
			t.Errorf("%s after the upgrade: tags %q, want %q", want.Email, got.Tags, want.Tags)
		}
		got.Tags, want.Tags = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s after the upgrade:\n got %+v\nwant %+v", want.Email, *got, *want)
		}
	}
	if got, err := st.CustomerByPhone(ctx, full.Phone); err != nil || got.ID != full.ID {
		t.Errorf("CustomerByPhone after the upgrade: %v, %v", got, err)
	}
	if got, err := st.CustomerByMultipassIdentifier(ctx, full.MultipassIdentifier); err != nil || got.ID != full.ID {
		t.Errorf("CustomerByMultipassIdentifier after the upgrade: %v, %v", got, err)
	}
	for _, tok := range []*customerauth.Token{session, activation} {
		if got, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CustomerID != tok.CustomerID ||
			got.CredentialVersion != tok.CredentialVersion {
			t.Errorf("%s token after the upgrade: %+v, %v; want it found, bound to version %d", tok.Kind, got, err, tok.CredentialVersion)
		}
	}

	// The new columns on the old rows, on the old session's authority.
	updated, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: full.ID, AcceptsSMSMarketing: new(true), TaxExempt: new(true),
		Note: new("Prefers \"phone\" calls; 10% discount"), UpdatedAt: base.Add(time.Minute), AccessToken: &session.Hash})
	if err != nil {
		t.Fatalf("UpdateCustomer of the new fields after the upgrade: %v", err)
	}
	got, err := st.CustomerByID(ctx, full.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*customerauth.Customer{updated, got} {
		if !c.AcceptsSMSMarketing || !c.TaxExempt || c.Note != "Prefers \"phone\" calls; 10% discount" || len(c.Addresses) != 2 {
			t.Errorf("customer after setting the new fields: %+v", c)
		}
	}
	// The CHECKs keep the booleans 0 or 1.
	if _, err := st.DB().ExecContext(ctx, `UPDATE customerauth_customers SET tax_exempt = 2 WHERE id = ?`, full.ID); err == nil {
		t.Error("tax_exempt = 2 was stored, want the CHECK to refuse it")
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE customerauth_customers SET accepts_sms_marketing = -1 WHERE id = ?`, full.ID); err == nil {
		t.Error("accepts_sms_marketing = -1 was stored, want the CHECK to refuse it")
	}
}

// TestUpgradeFrom0005KeepsEverything: a database that a release of schema
// version 5 wrote (customers with and without addresses, phone, Multipass
// identifier, tags, the shop's records, a credential version past 0, and
// their tokens), migrated to version 6: every customer reads back as it
// was, with no language (the shop's default), its addresses are in place
// and its tokens keep working; the language can then be set, read and
// cleared, and a customer created with one keeps it.
func TestUpgradeFrom0005KeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customers.db")
	st, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if err := sqlitestore.MigrateThrough(ctx, st, 5); err != nil {
		t.Fatalf("migrating to version 5: %v", err)
	}

	full := newCustomer("Full@example.com")
	full.ID = "7085491241234" // an id as an import keeps it
	full.Phone, full.MultipassIdentifier = "+16135550123", "idp-full"
	full.FirstName, full.LastName, full.AcceptsMarketing = "Ann", "Lee", true
	full.AcceptsSMSMarketing, full.TaxExempt, full.Note = true, true, "Gate code 12#4"
	full.PasswordHash, full.CredentialVersion = "hash", 3
	full.Tags = []string{"vip", "wholesale"}
	full.Addresses = []customerauth.Address{
		{ID: uuid.NewString(), FirstName: "Ann", Address1: "1 Main St", City: "Ottawa", CountryCode: "CA"},
		{ID: uuid.NewString(), City: "Toronto"},
	}
	full.DefaultAddressID = full.Addresses[1].ID
	bare := newCustomer("Bare@example.com")
	bare.State = customerauth.StateDisabled
	session := &customerauth.Token{Hash: customerauth.HashToken("v5 session"), Kind: customerauth.TokenAccess, CustomerID: full.ID,
		CredentialVersion: 3, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	activation := &customerauth.Token{Hash: customerauth.HashToken("v5 activation"), Kind: customerauth.TokenActivation, CustomerID: bare.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}

	// The rows as the statements of that release wrote them.
	for _, c := range []*customerauth.Customer{full, bare} {
		tags := "[]"
		if len(c.Tags) > 0 {
			tags = `["` + strings.Join(c.Tags, `","`) + `"]`
		}
		var phone, ident any
		if c.Phone != "" {
			phone = c.Phone
		}
		if c.MultipassIdentifier != "" {
			ident = c.MultipassIdentifier
		}
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_customers (id, email, email_key, phone,
			multipass_identifier, first_name, last_name, accepts_marketing, state, password_hash, tags,
			default_address_id, created_at, updated_at, credential_version, accepts_sms_marketing, tax_exempt, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Email, c.EmailKey, phone, ident, c.FirstName, c.LastName, c.AcceptsMarketing, int64(c.State),
			c.PasswordHash, tags, c.DefaultAddressID, c.CreatedAt.UnixNano(), c.UpdatedAt.UnixNano(), int64(c.CredentialVersion),
			c.AcceptsSMSMarketing, c.TaxExempt, c.Note); err != nil {
			t.Fatal(err)
		}
		for i, a := range c.Addresses {
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_addresses (customer_id, position, id, first_name,
				address1, city, country_code) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				c.ID, i+1, a.ID, a.FirstName, a.Address1, a.City, a.CountryCode); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tok := range []*customerauth.Token{session, activation} {
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at,
			credential_version) VALUES (?, ?, ?, ?, ?, ?)`, tok.Hash[:], int64(tok.Kind), tok.CustomerID,
			tok.CreatedAt.UnixNano(), tok.ExpiresAt.UnixNano(), int64(tok.CredentialVersion)); err != nil {
			t.Fatal(err)
		}
	}

	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	applied, err := st.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(applied); n < 6 || applied[5].Name != "0006_language.sql" {
		t.Fatalf("applied migrations %v, want 0006_language.sql sixth", applied)
	}

	for _, want := range []*customerauth.Customer{full, bare} {
		got, err := st.CustomerByEmail(ctx, want.EmailKey)
		if err != nil {
			t.Fatalf("CustomerByEmail(%s) after the upgrade: %v", want.Email, err)
		}
		if d := diffAddresses(want.Addresses, got.Addresses); d != "" {
			t.Errorf("%s after the upgrade: %s", want.Email, d)
		}
		want := want.Clone()
		got.Addresses, want.Addresses = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s after the upgrade:\n got %+v\nwant %+v", want.Email, *got, *want)
		}
	}
	for _, tok := range []*customerauth.Token{session, activation} {
		if got, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CustomerID != tok.CustomerID ||
			got.CredentialVersion != tok.CredentialVersion {
			t.Errorf("%s token after the upgrade: %+v, %v; want it found, bound to version %d", tok.Kind, got, err, tok.CredentialVersion)
		}
	}

	// The new column on an old row, on the old session's authority: set,
	// then cleared; nothing else changes.
	for i, lang := range []string{"PT_BR", ""} {
		at := base.Add(time.Duration(i+1) * time.Minute)
		updated, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: full.ID, Language: &lang, UpdatedAt: at,
			AccessToken: &session.Hash})
		if err != nil {
			t.Fatalf("UpdateCustomer(Language %q) after the upgrade: %v", lang, err)
		}
		got, err := st.CustomerByID(ctx, full.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*customerauth.Customer{updated, got} {
			if c.Language != lang || c.Note != full.Note || !c.TaxExempt || len(c.Addresses) != 2 || !c.UpdatedAt.Equal(at) {
				t.Errorf("customer after setting Language %q: %+v", lang, c)
			}
		}
	}

	// A customer created after the upgrade keeps its language.
	fr := newCustomer("Fr@example.com")
	fr.Language = "FR"
	if err := st.CreateCustomer(ctx, fr, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CustomerByEmail(ctx, fr.EmailKey); err != nil || got.Language != "FR" {
		t.Errorf("customer created with Language FR: %+v, %v", got, err)
	}
}

// TestCredentialVersionRange: versions are uint64 in Go and signed 64-bit
// integers in SQLite. One beyond 2^63-1 is refused, not wrapped, and the
// largest one round-trips.
func TestCredentialVersionRange(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	huge := newCustomer("huge@example.com")
	huge.CredentialVersion = 1 << 63
	if err := st.CreateCustomer(ctx, huge, nil); err == nil || errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("CreateCustomer with CredentialVersion 2^63: %v, want a plain error", err)
	}
	c := newCustomer("max@example.com")
	c.CredentialVersion = 1<<63 - 1
	tok := &customerauth.Token{Hash: customerauth.HashToken("max"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	if err := st.CreateCustomer(ctx, c, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CustomerByID(ctx, c.ID); err != nil || got.CredentialVersion != c.CredentialVersion {
		t.Errorf("CustomerByID: %+v, %v; want CredentialVersion %d", got, err, c.CredentialVersion)
	}
	if got, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CredentialVersion != c.CredentialVersion {
		t.Errorf("TokenByHash: %+v, %v; want CredentialVersion %d", got, err, c.CredentialVersion)
	}
	other := &customerauth.Token{Hash: customerauth.HashToken("other"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour), CredentialVersion: 1 << 63}
	if err := st.IssueToken(ctx, other); !errors.Is(err, customerauth.ErrCredentialsChanged) {
		t.Errorf("IssueToken under version 2^63: %v, want ErrCredentialsChanged", err)
	}
	// Moving on from the largest version fails, and changes nothing.
	if _, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("x"), UpdatedAt: base, RevokeTokens: true}); err == nil {
		t.Error("RevokeTokens at version 2^63-1 succeeded, want an error")
	}
	if _, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil {
		t.Errorf("the token after the refused change: %v", err)
	}
}

// TestLoginsRacePasswordChangeAcrossProcesses: logins that checked the old
// password, run by one Store, and a password change, by another Store on
// the same file (two processes), race. SQLite's write lock, not the
// in-process write slot, keeps each login's check and insert together: no
// login's token works afterwards.
func TestLoginsRacePasswordChangeAcrossProcesses(t *testing.T) {
	a, path := openStore(t)
	b, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := t.Context()
	for round := range 5 {
		c := newCustomer(fmt.Sprintf("race%d@example.com", round))
		session := &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess, CustomerID: c.ID,
			CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		if err := a.CreateCustomer(ctx, c, session); err != nil {
			t.Fatal(err)
		}
		const logins = 16
		toks := make([]*customerauth.Token, logins)
		errs := make([]error, logins)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range toks {
			toks[i] = &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess, CustomerID: c.ID,
				CreatedAt: base, ExpiresAt: base.Add(time.Hour)} // version 0, as read before the change
			wg.Go(func() {
				<-start
				errs[i] = a.IssueToken(ctx, toks[i])
			})
		}
		var changeErr error
		wg.Go(func() {
			<-start
			_, changeErr = b.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("new"), UpdatedAt: base,
				AccessToken: &session.Hash, RevokeTokens: true})
		})
		close(start)
		wg.Wait()
		if changeErr != nil {
			t.Fatalf("round %d: password change: %v", round, changeErr)
		}
		for i, tok := range toks {
			if errs[i] != nil && !errors.Is(errs[i], customerauth.ErrCredentialsChanged) {
				t.Errorf("round %d: login %d: %v, want nil or ErrCredentialsChanged", round, i, errs[i])
			}
			for _, st := range []*sqlitestore.Store{a, b} {
				if _, err := st.TokenByHash(ctx, tok.Kind, tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
					t.Errorf("round %d: login %d's token after the change: %v, want ErrNotFound", round, i, err)
				}
			}
		}
		var left int
		if err := a.DB().QueryRowContext(ctx, `SELECT count(*) FROM customerauth_tokens WHERE customer_id = ?`, c.ID).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("round %d: %d token rows left after the change; every login either lost or was revoked", round, left)
		}
	}
}

// TestStaleTokenRowsAreUnusable: the second line of defence. A token row
// bound to a credential version the customer has left (one that escaped a
// revocation, or that a process of an older release wrote) is refused by
// every call that uses a token, exactly as if it were absent, and is not
// touched by them.
func TestStaleTokenRowsAreUnusable(t *testing.T) {
	st, _ := openStore(t)
	ctx := t.Context()
	c := newCustomer("stale@example.com")
	c.CredentialVersion = 1
	if err := st.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	insert := func(name string, kind customerauth.TokenKind, version int64) customerauth.TokenHash {
		t.Helper()
		h := customerauth.HashToken(name)
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at, credential_version)
			VALUES (?, ?, ?, ?, ?, ?)`, h[:], int64(kind), c.ID, base.UnixNano(), base.Add(time.Hour).UnixNano(), version); err != nil {
			t.Fatal(err)
		}
		return h
	}
	staleAccess := insert("stale access", customerauth.TokenAccess, 0)
	staleReset := insert("stale reset", customerauth.TokenReset, 0)
	liveAccess := insert("live access", customerauth.TokenAccess, 1)

	if _, err := st.TokenByHash(ctx, customerauth.TokenAccess, staleAccess, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash of a stale access token: %v, want ErrNotFound", err)
	}
	if _, err := st.TokenByHash(ctx, customerauth.TokenReset, staleReset, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash of a stale reset token: %v, want ErrNotFound", err)
	}
	if _, err := st.RenewToken(ctx, staleAccess, base, base.Add(2*time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken of a stale token: %v, want ErrNotFound", err)
	}
	if _, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, FirstName: new("Thief"), UpdatedAt: base, AccessToken: &staleAccess}); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer with a stale access token: %v, want ErrNotFound", err)
	}
	if _, err := st.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("thief's"), UpdatedAt: base,
		Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: staleReset}, RevokeTokens: true}); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer consuming a stale reset token: %v, want ErrNotFound", err)
	}
	// Last: a DeleteToken that wrongly succeeded would hide the others.
	if _, err := st.DeleteToken(ctx, staleAccess, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("DeleteToken of a stale token: %v, want ErrNotFound", err)
	}
	var rows int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM customerauth_tokens WHERE customer_id = ?`, c.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("%d token rows after the refused calls, want the 3 untouched", rows)
	}
	if got, err := st.CustomerByID(ctx, c.ID); err != nil || got.FirstName != "" || got.PasswordHash != "" || got.CredentialVersion != 1 {
		t.Errorf("customer after the refused changes: %+v, %v; want it unchanged", got, err)
	}
	if got, err := st.TokenByHash(ctx, customerauth.TokenAccess, liveAccess, base); err != nil || got.CredentialVersion != 1 {
		t.Errorf("TokenByHash of the current token: %+v, %v; want it, at version 1", got, err)
	}
}
