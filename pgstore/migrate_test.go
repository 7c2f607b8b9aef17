package pgstore_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/argon2"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
)

// migrationNames lists the files of pgstore.Migrations in order.
func migrationNames(t *testing.T) []string {
	t.Helper()
	entries, err := fs.ReadDir(pgstore.Migrations(), ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestMigrationsListsFiles(t *testing.T) {
	names := migrationNames(t)
	if len(names) == 0 || names[0] != "0001_init.sql" {
		t.Fatalf("Migrations() lists %v, want 0001_init.sql first", names)
	}
	for _, n := range names {
		b, err := fs.ReadFile(pgstore.Migrations(), n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(n, ".sql") || len(b) == 0 {
			t.Errorf("migration %s: %d bytes; want a non-empty .sql file", n, len(b))
		}
	}
	b, _ := fs.ReadFile(pgstore.Migrations(), "0001_init.sql")
	for _, table := range []string{"customerauth_customers", "customerauth_tokens", "customerauth_replay"} {
		if !strings.Contains(string(b), "CREATE TABLE "+table+" (") {
			t.Errorf("0001_init.sql does not create %s", table)
		}
	}
}

type ledgerRow struct {
	Version   int
	Name      string
	AppliedAt time.Time
}

func ledger(t *testing.T, conn *pgx.Conn, schema string) []ledgerRow {
	t.Helper()
	rows, err := conn.Query(context.Background(), "SELECT version, name, applied_at FROM "+schema+".customerauth_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ledgerRow])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrateConcurrently: eight processes starting at once on an empty
// schema all succeed, and each migration is applied once.
func TestMigrateConcurrently(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	const procs = 8
	stores := make([]*pgstore.Store, procs)
	for i := range stores {
		stores[i] = pgstore.New(newPool(t, schema, func(c *pgxpool.Config) { c.MaxConns = 1 }))
	}
	errs := make([]error, procs)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range procs {
		wg.Go(func() {
			<-start
			errs[i] = stores[i].Migrate(t.Context())
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}

	admin := adminConn(t)
	before := ledger(t, admin, schema)
	var names []string
	for _, r := range before {
		names = append(names, r.Name)
	}
	if want := migrationNames(t); !slices.Equal(names, want) {
		t.Errorf("ledger lists %v, want each of %v once", names, want)
	}

	// Idempotent: again, from a process that did not take part.
	again := migrated(t, newPool(t, schema, nil))
	if after := ledger(t, admin, schema); !slices.Equal(after, before) {
		t.Errorf("ledger changed by a second Migrate:\n%v\n%v", before, after)
	}

	// The store works on the result.
	c := customer("Mig@example.com")
	if err := again.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Errorf("CreateCustomer after Migrate: %v", err)
	}
}

// TestSchemaObjects: every table carries the customerauth_ prefix, and
// the indexes the queries rely on exist.
func TestSchemaObjects(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	migrated(t, newPool(t, schema, nil))
	admin := adminConn(t)
	rows, err := admin.Query(t.Context(), "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"customerauth_addresses", "customerauth_customers", "customerauth_limits", "customerauth_migrations", "customerauth_replay", "customerauth_tokens"}
	if !slices.Equal(tables, want) {
		t.Errorf("tables %v, want %v", tables, want)
	}
	rows, err = admin.Query(t.Context(), "SELECT indexdef FROM pg_indexes WHERE schemaname = $1", schema)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(defs, "\n")
	for _, idx := range []string{
		"UNIQUE INDEX customerauth_customers_pkey ON " + schema + ".customerauth_customers USING btree (id)",
		"UNIQUE INDEX customerauth_customers_email_key_key ON " + schema + ".customerauth_customers USING btree (email_key)",
		"UNIQUE INDEX customerauth_customers_phone_key ON " + schema + ".customerauth_customers USING btree (phone)",
		"UNIQUE INDEX customerauth_customers_multipass_identifier_key ON " + schema + ".customerauth_customers USING btree (multipass_identifier)",
		"UNIQUE INDEX customerauth_tokens_pkey ON " + schema + ".customerauth_tokens USING btree (hash)",
		"INDEX customerauth_tokens_customer_id_kind_idx ON " + schema + ".customerauth_tokens USING btree (customer_id, kind)",
		"INDEX customerauth_tokens_expires_at_idx ON " + schema + ".customerauth_tokens USING btree (expires_at)",
		"UNIQUE INDEX customerauth_replay_pkey ON " + schema + ".customerauth_replay USING btree (key)",
		"INDEX customerauth_replay_expires_at_idx ON " + schema + ".customerauth_replay USING btree (expires_at)",
		"UNIQUE INDEX customerauth_addresses_pkey ON " + schema + ".customerauth_addresses USING btree (customer_id, \"position\")",
		"UNIQUE INDEX customerauth_addresses_id_key ON " + schema + ".customerauth_addresses USING btree (id)",
	} {
		if !strings.Contains(all, idx) {
			t.Errorf("missing %s; have:\n%s", idx, all)
		}
	}
	// The credential versions: bigint, NOT NULL, 0 for rows written
	// before 0003, never negative.
	for _, table := range []string{"customerauth_customers", "customerauth_tokens"} {
		var typ, nullable, def string
		err := admin.QueryRow(t.Context(), `SELECT data_type, is_nullable, column_default FROM information_schema.columns
			WHERE table_schema = $1 AND table_name = $2 AND column_name = 'credential_version'`, schema, table).Scan(&typ, &nullable, &def)
		if err != nil || typ != "bigint" || nullable != "NO" || def != "0" {
			t.Errorf("%s.credential_version: %s, nullable %s, default %s, %v; want bigint NOT NULL DEFAULT 0", table, typ, nullable, def, err)
		}
		var check string
		err = admin.QueryRow(t.Context(), `SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
			JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = $1 AND c.conname = $2`, schema, table+"_credential_version_check").Scan(&check)
		if err != nil || !strings.Contains(check, "credential_version >= 0") {
			t.Errorf("%s: CHECK of credential_version: %q, %v", table, check, err)
		}
	}
}

// recorder is a pgx tracer that keeps every statement the Store sends, with
// its arguments, so that their plans can be checked.
type recorder struct {
	mu    sync.Mutex
	stmts []recorded
}

type recorded struct {
	sql  string
	args []any
}

func (r *recorder) add(sql string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, recorded{sql, slices.Clone(args)})
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL, d.Args)
	return ctx
}
func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (r *recorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.add(d.SQL, d.Args)
}
func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestStatementsUseIndexes: every statement the Store runs on its tables
// can be answered through an index. With sequential scans disabled the
// planner still picks one when no index fits, so a "Seq Scan" in any plan
// is a lookup that would grow with the table.
func TestStatementsUseIndexes(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	rec := &recorder{}
	s := migrated(t, newPool(t, schema, func(c *pgxpool.Config) { c.ConnConfig.Tracer = rec }))
	ctx := t.Context()

	// Drive every method.
	c := customer("Idx@example.com")
	c.Phone, c.MultipassIdentifier = "+16135550123", "idp-idx"
	access := &customerauth.Token{Hash: customerauth.HashToken("a"), Kind: customerauth.TokenAccess, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	reset := &customerauth.Token{Hash: customerauth.HashToken("r"), Kind: customerauth.TokenReset, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.CreateCustomer(ctx, c, access))
	must(s.IssueToken(ctx, reset))
	must(s.IssueToken(ctx, &customerauth.Token{Hash: customerauth.HashToken("a2"), Kind: customerauth.TokenAccess, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}))
	_, err := s.CustomerByID(ctx, c.ID)
	must(err)
	_, err = s.CustomerByEmail(ctx, c.EmailKey)
	must(err)
	_, err = s.CustomerByPhone(ctx, c.Phone)
	must(err)
	_, err = s.CustomerByMultipassIdentifier(ctx, c.MultipassIdentifier)
	must(err)
	_, err = s.TokenByHash(ctx, access.Kind, access.Hash, base)
	must(err)
	_, err = s.RenewToken(ctx, access.Hash, base, base.Add(2*time.Hour))
	must(err)
	// Refused for replaced credentials: an access token, then a link.
	stale := &customerauth.Token{Hash: customerauth.HashToken("stale"), Kind: customerauth.TokenAccess, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour), CredentialVersion: 5}
	if err := s.IssueToken(ctx, stale); !errors.Is(err, customerauth.ErrCredentialsChanged) {
		t.Fatalf("IssueToken under another credential version: %v", err)
	}
	stale.Kind = customerauth.TokenActivation
	if err := s.IssueToken(ctx, stale); !errors.Is(err, customerauth.ErrCredentialsChanged) {
		t.Fatalf("IssueToken of a link under another credential version: %v", err)
	}
	// A change on the authority of an access token, guarded by the
	// credential version.
	_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{
		ID: c.ID, FirstName: new("Idx"), UpdatedAt: base, AccessToken: &access.Hash, IfCredentialVersion: new(uint64(0)),
	})
	must(err)
	_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{
		ID: c.ID, Email: new("Idx2@example.com"), UpdatedAt: base,
		Consume: &customerauth.TokenRef{Kind: reset.Kind, Hash: reset.Hash}, RevokeTokens: true,
		Issue: &customerauth.Token{Hash: customerauth.HashToken("act"), Kind: customerauth.TokenActivation, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)},
	})
	must(err)
	_, err = s.DeleteToken(ctx, access.Hash, base)
	if err == nil {
		t.Fatal("DeleteToken of a revoked token succeeded")
	}
	_, err = s.Remember(ctx, [32]byte{1}, base, base.Add(time.Hour))
	must(err)
	for range 2 {
		_, err = s.Allow(ctx, "login:account:idx@example.com", customerauth.Rule{Limit: 5, Window: time.Minute}, base)
		must(err)
	}
	_, _, err = s.DeleteExpired(ctx, base)
	must(err)
	// The address book, and a change that replaces the whole list.
	book := customer("Book@example.com")
	book.Addresses = []customerauth.Address{{ID: uuid.NewString(), City: "Ottawa", Latitude: new(45.4)}}
	session := &customerauth.Token{Hash: customerauth.HashToken("book"), Kind: customerauth.TokenAccess, CustomerID: book.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
	must(s.CreateCustomer(ctx, book, session))
	ach := customerauth.AddressChange{CustomerID: book.ID, AccessToken: &session.Hash, UpdatedAt: base}
	added := customerauth.Address{ID: uuid.NewString(), City: "Lyon"}
	_, err = s.AddAddress(ctx, ach, added, 10)
	must(err)
	added.City = "Nice"
	_, err = s.UpdateAddress(ctx, ach, added)
	must(err)
	_, err = s.SetDefaultAddress(ctx, ach, added.ID)
	must(err)
	_, err = s.DeleteAddress(ctx, ach, added.ID)
	must(err)
	_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: book.ID, UpdatedAt: base,
		Addresses: &[]customerauth.Address{{ID: uuid.NewString(), City: "Rome"}, {ID: uuid.NewString(), City: "Oslo"}}})
	must(err)
	_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: book.ID, UpdatedAt: base, Note: new("put"),
		PutAddress: &customerauth.Address{ID: uuid.NewString(), City: "Bern"}})
	must(err)
	// The administrative capabilities, but for CreateCustomers, which
	// copies rows and looks nothing up.
	for _, q := range []customerauth.CustomerQuery{
		{Limit: 10},
		{After: book.ID, State: customerauth.StateEnabled, Limit: 10},
	} {
		_, err = s.ListCustomers(ctx, q)
		must(err)
	}
	_, err = s.FindCustomers(ctx, []string{book.ID, "7085491241234"}, []string{c.EmailKey, "nobody@example.com"})
	must(err)
	must(s.EraseCustomer(ctx, book.ID))

	rec.mu.Lock()
	stmts := slices.Clone(rec.stmts)
	rec.mu.Unlock()
	conn, err := pgx.Connect(ctx, testDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, q := range []string{"SET search_path = " + schema, "SET enable_seqscan = off"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	checked := map[string]bool{}
	for _, st := range stmts {
		if checked[st.sql] || !strings.Contains(st.sql, "customerauth_") || strings.Contains(st.sql, "customerauth_migrations") ||
			strings.HasPrefix(strings.TrimSpace(st.sql), "CREATE") || strings.HasPrefix(strings.TrimSpace(st.sql), "--") {
			continue
		}
		checked[st.sql] = true
		rows, err := conn.Query(ctx, "EXPLAIN "+st.sql, st.args...)
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", st.sql, err)
			continue
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Errorf("EXPLAIN %s: %v", st.sql, err)
			continue
		}
		if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") {
			t.Errorf("statement scans a whole table:\n%s\n%s", st.sql, p)
		}
	}
	t.Logf("checked the plans of %d statements", len(checked))
	if len(checked) < 28 {
		t.Errorf("checked only %d statements; is the tracer seeing them?", len(checked))
	}
}

// phcArgon2id returns a PHC argon2id hash of password with a fixed salt and
// small parameters, as a release of any version stored it.
func phcArgon2id(password string) string {
	salt := []byte("upgradesaltupgra")
	key := argon2.IDKey([]byte(password), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// TestUpgradeFrom0004KeepsCustomers: a database that a release of schema
// version 4 wrote (uuid customer ids; customers with addresses, sessions
// and a reset link), migrated to version 5: the ids are text in their
// canonical form, every customer, address and token is intact, the new
// columns hold their defaults, the foreign keys still cascade, and the
// customers still log in, with their sessions and their passwords, through
// a Service. Customers with ids that are no UUID can join them.
func TestUpgradeFrom0004KeepsCustomers(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := pgstore.New(newPool(t, schema, nil))
	ctx := t.Context()
	if err := pgstore.MigrateThrough(ctx, s, 4); err != nil {
		t.Fatalf("migrating to version 4: %v", err)
	}

	const password = "Upgrade-Passw0rd"
	ann := customer("Ann@example.com")
	ann.FirstName, ann.LastName, ann.Phone, ann.MultipassIdentifier = "Ann", "Lee", "+16135550100", "idp-ann"
	ann.PasswordHash, ann.Tags, ann.AcceptsMarketing, ann.CredentialVersion = phcArgon2id(password), []string{"vip", "old"}, true, 3
	ann.Addresses = []customerauth.Address{
		{ID: "z-" + uuid.NewString(), Address1: "1 Main St", City: "Ottawa", CountryCode: "CA", Latitude: new(45.42153)},
		{ID: "a-" + uuid.NewString(), City: "Lyon", Zip: "69001"},
	}
	ann.DefaultAddressID = ann.Addresses[1].ID
	bob := customer("Bob@example.com")
	bob.PasswordHash = phcArgon2id(password)
	secrets := map[*customerauth.Customer]string{ann: randHex(16), bob: randHex(16)}
	resetSecret := randHex(16)

	// The rows as the statements of that release wrote them.
	admin := adminConn(t)
	for _, c := range []*customerauth.Customer{ann, bob} {
		if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_customers (id, email, email_key, phone,
			first_name, last_name, accepts_marketing, state, password_hash, tags, default_address_id,
			multipass_identifier, created_at, updated_at, credential_version)
			VALUES ($1::uuid, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13, $13, $14)`,
			c.ID, c.Email, c.EmailKey, c.Phone, c.FirstName, c.LastName, c.AcceptsMarketing, int16(c.State),
			c.PasswordHash, nonNil(c.Tags), c.DefaultAddressID, c.MultipassIdentifier, base, int64(c.CredentialVersion)); err != nil {
			t.Fatal(err)
		}
		for i, a := range c.Addresses {
			if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_addresses (customer_id, position, id,
				address1, city, zip, country_code, latitude) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8)`,
				c.ID, i+1, a.ID, a.Address1, a.City, a.Zip, a.CountryCode, a.Latitude); err != nil {
				t.Fatal(err)
			}
		}
		session := customerauth.HashToken(secrets[c])
		if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_tokens (hash, kind, customer_id, created_at,
			expires_at, credential_version) VALUES ($1, $2, $3::uuid, $4, $5, $6)`,
			session[:], int16(customerauth.TokenAccess), c.ID, base,
			time.Now().Add(24*time.Hour), int64(c.CredentialVersion)); err != nil {
			t.Fatal(err)
		}
	}
	reset := customerauth.HashToken(resetSecret)
	if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_tokens (hash, kind, customer_id, created_at,
		expires_at, credential_version) VALUES ($1, $2, $3::uuid, $4, $5, 3)`,
		reset[:], int16(customerauth.TokenReset), ann.ID, base, base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	if l := ledger(t, admin, schema); len(l) < 5 || l[4].Name != "0005_import.sql" {
		t.Fatalf("ledger %v, want 0005_import.sql fifth", l)
	}

	// The columns: text ids in byte order, the new fields, the foreign keys
	// and the id's CHECK.
	for _, col := range [][2]string{{"customerauth_customers", "id"}, {"customerauth_tokens", "customer_id"}, {"customerauth_addresses", "customer_id"}} {
		var typ, coll string
		err := admin.QueryRow(ctx, `SELECT data_type, COALESCE(collation_name, '') FROM information_schema.columns
			WHERE table_schema = $1 AND table_name = $2 AND column_name = $3`, schema, col[0], col[1]).Scan(&typ, &coll)
		if err != nil || typ != "text" || coll != "C" {
			t.Errorf("%s.%s: %s COLLATE %q, %v; want text COLLATE \"C\"", col[0], col[1], typ, coll, err)
		}
	}
	var defs []string
	rows, err := admin.Query(ctx, `SELECT c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype IN ('f', 'c') ORDER BY 1`, schema)
	if err == nil {
		defs, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(defs, "\n")
	for _, want := range []string{
		"customerauth_tokens_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES " + schema + ".customerauth_customers(id) ON DELETE CASCADE",
		"customerauth_addresses_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES " + schema + ".customerauth_customers(id) ON DELETE CASCADE",
		"customerauth_customers_id_check CHECK (((octet_length(id) >= 1) AND (octet_length(id) <= 64)))",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing constraint %s; have:\n%s", want, all)
		}
	}
	if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_customers (id, email, email_key, state, created_at,
		updated_at) VALUES ($1, 'long@example.com', 'long@example.com', 1, now(), now())`, strings.Repeat("x", 65)); err == nil {
		t.Error("a customer id of 65 bytes was stored")
	}

	// Every customer as it was, with the new fields at their defaults.
	for _, want := range []*customerauth.Customer{ann, bob} {
		got, err := s.CustomerByID(ctx, want.ID)
		if err != nil {
			t.Fatalf("CustomerByID(%s) after the upgrade: %v", want.ID, err)
		}
		if got.ID != want.ID || got.Email != want.Email || got.Phone != want.Phone || got.FirstName != want.FirstName ||
			got.AcceptsMarketing != want.AcceptsMarketing || got.PasswordHash != want.PasswordHash ||
			!slices.Equal(got.Tags, want.Tags) || got.MultipassIdentifier != want.MultipassIdentifier ||
			got.CredentialVersion != want.CredentialVersion || got.DefaultAddressID != want.DefaultAddressID ||
			got.Note != "" || got.AcceptsSMSMarketing || got.TaxExempt {
			t.Errorf("customer after the upgrade:\n%+v\nwant\n%+v", got, want)
		}
		if d := diffAddresses(want.Addresses, got.Addresses); d != "" {
			t.Errorf("%s after the upgrade: %s", want.Email, d)
		}
	}

	// They log in: with the sessions they had, and with their passwords.
	svc := newService(t, s, &outbox{}, nil)
	for c, secret := range secrets {
		if got, err := svc.CustomerByAccessToken(ctx, secret); err != nil || got.ID != c.ID {
			t.Errorf("%s's session after the upgrade: %+v, %v", c.Email, got, err)
		}
		tok, err := svc.CreateAccessToken(ctx, c.Email, password)
		if err != nil {
			t.Fatalf("%s's login after the upgrade: %v", c.Email, err)
		}
		if got, err := svc.CustomerByAccessToken(ctx, tok.Token); err != nil || got.ID != c.ID {
			t.Errorf("%s's new session: %+v, %v", c.Email, got, err)
		}
	}
	if got, err := s.TokenByHash(ctx, customerauth.TokenReset, reset, base); err != nil || got.CustomerID != ann.ID || got.CredentialVersion != 3 {
		t.Errorf("the reset link after the upgrade: %+v, %v", got, err)
	}

	// A customer with a Shopify id joins them, and erasing one still
	// cascades to its addresses and tokens.
	imported := customer("Imported@example.com")
	imported.ID, imported.Note, imported.TaxExempt = "7085491241234", "from Shopify", true
	if err := s.CreateCustomer(ctx, imported, nil); err != nil {
		t.Fatalf("CreateCustomer with a Shopify id after the upgrade: %v", err)
	}
	if got, err := s.CustomerByID(ctx, imported.ID); err != nil || got.Note != imported.Note || !got.TaxExempt {
		t.Errorf("the imported customer: %+v, %v", got, err)
	}
	if err := s.EraseCustomer(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := admin.QueryRow(ctx, "SELECT (SELECT count(*) FROM "+schema+".customerauth_tokens WHERE customer_id = $1) + (SELECT count(*) FROM "+
		schema+".customerauth_addresses WHERE customer_id = $1)", ann.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("rows of the erased customer: %d, %v; want none", left, err)
	}
}

// nonNil returns tags, or an empty list for nil.
func nonNil(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// TestUpgradeFrom0005KeepsCustomers: a database that a release of schema
// version 5 wrote (a customer with an imported id, addresses, the shop's
// records and a session; one with nothing but an email), migrated to
// version 6: every customer reads back exactly as it was, with no language
// (the shop's default), its session still works, and the column is text,
// NOT NULL and empty by default, so the previous release's INSERT, which does
// not name it, still works while its processes are replaced. The language
// can then be set and cleared, and customers created or imported with one
// keep it.
func TestUpgradeFrom0005KeepsCustomers(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := pgstore.New(newPool(t, schema, nil))
	ctx := t.Context()
	if err := pgstore.MigrateThrough(ctx, s, 5); err != nil {
		t.Fatalf("migrating to version 5: %v", err)
	}

	ann := customer("Ann@example.com")
	ann.ID = "7085491241234" // an id as an import keeps it
	ann.FirstName, ann.LastName, ann.Phone, ann.MultipassIdentifier = "Ann", "Lee", "+16135550100", "idp-ann"
	ann.PasswordHash, ann.Tags, ann.AcceptsMarketing, ann.CredentialVersion = "hash", []string{"vip"}, true, 2
	ann.AcceptsSMSMarketing, ann.TaxExempt, ann.Note = true, true, "Gate code 12#4 — côté cour"
	ann.Addresses = []customerauth.Address{
		{ID: "z-" + uuid.NewString(), Address1: "1 Main St", City: "Ottawa", CountryCode: "CA"},
		{ID: "a-" + uuid.NewString(), City: "Lyon", Zip: "69001"},
	}
	ann.DefaultAddressID = ann.Addresses[1].ID
	bob := customer("Bob@example.com")
	bob.State = customerauth.StateDisabled
	secret := randHex(16)

	// The rows as the statements of that release wrote them.
	admin := adminConn(t)
	insertV5 := "INSERT INTO " + schema + `.customerauth_customers (id, email, email_key, phone,
		first_name, last_name, accepts_marketing, state, password_hash, tags, default_address_id,
		multipass_identifier, created_at, updated_at, credential_version, accepts_sms_marketing, tax_exempt, note)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13, $13, $14, $15, $16, $17)`
	insertCustomerV5 := func(c *customerauth.Customer) error {
		_, err := admin.Exec(ctx, insertV5, c.ID, c.Email, c.EmailKey, c.Phone, c.FirstName, c.LastName, c.AcceptsMarketing,
			int16(c.State), c.PasswordHash, nonNil(c.Tags), c.DefaultAddressID, c.MultipassIdentifier, c.CreatedAt,
			int64(c.CredentialVersion), c.AcceptsSMSMarketing, c.TaxExempt, c.Note)
		return err
	}
	for _, c := range []*customerauth.Customer{ann, bob} {
		if err := insertCustomerV5(c); err != nil {
			t.Fatal(err)
		}
		for i, a := range c.Addresses {
			if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_addresses (customer_id, position, id,
				address1, city, zip, country_code) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				c.ID, i+1, a.ID, a.Address1, a.City, a.Zip, a.CountryCode); err != nil {
				t.Fatal(err)
			}
		}
	}
	session := customerauth.HashToken(secret)
	if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_tokens (hash, kind, customer_id, created_at,
		expires_at, credential_version) VALUES ($1, $2, $3, $4, $5, $6)`,
		session[:], int16(customerauth.TokenAccess), ann.ID, base, base.Add(time.Hour), int64(ann.CredentialVersion)); err != nil {
		t.Fatal(err)
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	if l := ledger(t, admin, schema); len(l) < 6 || l[5].Name != "0006_language.sql" {
		t.Fatalf("ledger %v, want 0006_language.sql sixth", l)
	}
	var typ, nullable, def string
	if err := admin.QueryRow(ctx, `SELECT data_type, is_nullable, COALESCE(column_default, '') FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'customerauth_customers' AND column_name = 'language'`, schema).
		Scan(&typ, &nullable, &def); err != nil || typ != "text" || nullable != "NO" || def != "''::text" {
		t.Errorf("the language column: %s, nullable %s, default %q, %v; want text NOT NULL DEFAULT ''", typ, nullable, def, err)
	}

	// Every customer exactly as it was, with no language.
	for _, want := range []*customerauth.Customer{ann, bob} {
		got, err := s.CustomerByID(ctx, want.ID)
		if err != nil {
			t.Fatalf("CustomerByID(%s) after the upgrade: %v", want.ID, err)
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
	if got, err := s.TokenByHash(ctx, customerauth.TokenAccess, session, base); err != nil || got.CustomerID != ann.ID ||
		got.CredentialVersion != ann.CredentialVersion {
		t.Errorf("the session after the upgrade: %+v, %v", got, err)
	}

	// The previous release, still running during the upgrade, creates a
	// customer without naming the column: it gets no language.
	old := customer("Old@example.com")
	if err := insertCustomerV5(old); err != nil {
		t.Fatalf("the previous release's INSERT after the upgrade: %v", err)
	}
	if got, err := s.CustomerByID(ctx, old.ID); err != nil || got.Language != "" {
		t.Errorf("a customer the previous release created: %+v, %v; want no language", got, err)
	}

	// The language of an old row, on the old session's authority: set,
	// then cleared; nothing else changes.
	for i, lang := range []string{"PT_BR", ""} {
		at := base.Add(time.Duration(i+1) * time.Minute)
		updated, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: ann.ID, Language: &lang, UpdatedAt: at,
			AccessToken: &session})
		if err != nil {
			t.Fatalf("UpdateCustomer(Language %q) after the upgrade: %v", lang, err)
		}
		got, err := s.CustomerByID(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*customerauth.Customer{updated, got} {
			if c.Language != lang || c.Note != ann.Note || !c.TaxExempt || len(c.Addresses) != 2 || !c.UpdatedAt.Equal(at) {
				t.Errorf("customer after setting Language %q: %+v", lang, c)
			}
		}
	}

	// Customers created, one at a time or imported in a batch, keep theirs.
	fr := customer("Fr@example.com")
	fr.Language = "FR"
	if err := s.CreateCustomer(ctx, fr, nil); err != nil {
		t.Fatal(err)
	}
	ja := customer("Ja@example.com")
	ja.ID, ja.Language = "7085491245678", "JA"
	if err := s.CreateCustomers(ctx, []*customerauth.Customer{ja}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*customerauth.Customer{fr, ja} {
		if got, err := s.CustomerByID(ctx, want.ID); err != nil || got.Language != want.Language {
			t.Errorf("customer created with Language %s: %+v, %v", want.Language, got, err)
		}
	}
}
