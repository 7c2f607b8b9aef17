package pgstore_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

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
