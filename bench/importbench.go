package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
	"github.com/shopkit/customerauth/pgstore"
	"github.com/shopkit/customerauth/sqlitestore"
)

// The import benchmark (-import) compares, on a fresh empty store each
// time, the admin command's import of a Shopify customer export with the
// store's own batched insert of the same rows, and reports the ratio that
// DESIGN.md §7 sets a target for.

// Targets of DESIGN.md §7 for imports.
const (
	targetImportRatio     = 0.5    // import ≥ 50% of the store's plain batched-insert rate
	targetImportSQLiteRPS = 2000.0 // and at least 2,000 rows/s on SQLite
)

// The two measured ways of filling a store with the file's customers.
const (
	wayImport = "import"
	wayPlain  = "plain"
)

type importRound struct {
	// Order is the order of the round's measurements, such as "import, plain".
	Order     string  `json:"order"`
	ImportSec float64 `json:"importSec"`
	PlainSec  float64 `json:"plainSec"`
	ImportRPS float64 `json:"importRowsPerSec"`
	PlainRPS  float64 `json:"plainRowsPerSec"`
	Ratio     float64 `json:"ratio"`
	// ReadRPS is customerfile.ReadShopifyCSV alone over the file, no
	// store: the parsing share of the import.
	ReadRPS float64 `json:"readRowsPerSec"`
}

// importBreakdown is where the wall time of one profiled import went, by
// a wrapper around the store that times its batch calls.
type importBreakdown struct {
	Profile     string  `json:"profile"`
	TotalSec    float64 `json:"totalSec"`
	FindSec     float64 `json:"findCustomersSec"`
	CreateSec   float64 `json:"createCustomersSec"`
	FindCalls   int     `json:"findCustomersCalls"`
	CreateCalls int     `json:"createCustomersCalls"`
}

type importStoreReport struct {
	Store     string        `json:"store"`
	StoreDesc string        `json:"storeDesc"`
	PlainDesc string        `json:"plainDesc"`
	Rounds    []importRound `json:"rounds"`

	ImportRPS float64 `json:"importRowsPerSecMedian"`
	PlainRPS  float64 `json:"plainRowsPerSecMedian"`
	ReadRPS   float64 `json:"readRowsPerSecMedian"`
	// Ratio is the median of the per-round ratios import ÷ plain.
	Ratio    float64 `json:"ratioMedian"`
	RatioMet bool    `json:"ratioMet"`
	// FloorRPS is the least import rate DESIGN asks of this store (0: none).
	FloorRPS float64 `json:"floorRowsPerSec,omitempty"`
	FloorMet bool    `json:"floorMet,omitempty"`

	Breakdown *importBreakdown `json:"profiledImport,omitempty"`
}

type importReport struct {
	Date      string               `json:"date"`
	Machine   machineInfo          `json:"machine"`
	Command   string               `json:"command"`
	Rows      int                  `json:"rows"`
	Batch     int                  `json:"batch"`
	Rounds    int                  `json:"rounds"`
	FileBytes int                  `json:"fileBytes"`
	Load      [2]float64           `json:"loadAverage1m"` // before and after
	Stores    []*importStoreReport `json:"stores"`
}

// runImportBench is -import.
func runImportBench(ctx context.Context, o options) error {
	if o.rounds < 1 || o.rows < 2 || o.rows > 9_000_000 || o.batch < 1 || o.batch > 10000 {
		return errors.New("-import needs -rounds ≥ 1, -rows between 2 and 9,000,000 and -batch between 1 and 10,000")
	}
	stores, err := selectImportStores(&o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	file := shopifyExport(o.rows)
	want, err := expectedCustomers(ctx, file, o)
	if err != nil {
		return fmt.Errorf("preparing the rows: %w", err)
	}
	logf("import: %d rows, %.1f MiB of CSV; parsed into the customers the import stores (memory store) for the plain insert", o.rows, float64(len(file))/(1<<20))

	rep := &importReport{Date: time.Now().Format(time.RFC3339), Machine: machine(), Command: commandLine(),
		Rows: o.rows, Batch: o.batch, Rounds: o.rounds, FileBytes: len(file)}
	rep.Load[0] = loadAverage()
	for _, name := range stores {
		sr, err := measureImports(ctx, name, o, file, want)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if o.cpuprofile != "" {
			path := o.cpuprofile
			if len(stores) > 1 {
				ext := filepath.Ext(path)
				path = strings.TrimSuffix(path, ext) + "-" + name + ext
			}
			if sr.Breakdown, err = profileImport(ctx, name, o, file, path); err != nil {
				return fmt.Errorf("%s: profile: %w", name, err)
			}
		}
		rep.Stores = append(rep.Stores, sr)
	}
	rep.Load[1] = loadAverage()
	md := rep.markdown()
	fmt.Println(md)
	base := filepath.Join(o.out, "import")
	if err := os.WriteFile(base+".md", []byte(md), 0o644); err != nil {
		return err
	}
	j, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(j, '\n'), 0o644); err != nil {
		return err
	}
	logf("wrote %s.md and %s.json", base, base)
	return nil
}

// selectImportStores returns the SQL stores -store names; without -store,
// both (PostgreSQL only with a DSN).
func selectImportStores(o *options) ([]string, error) {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "store" })
	if !given {
		o.store = "all"
	}
	if o.store == "memory" {
		return nil, errors.New("-import measures the SQL stores: -store sqlite, postgres or all")
	}
	stores, err := selectStores(o)
	if err != nil {
		return nil, err
	}
	out := stores[:0]
	for _, s := range stores {
		if s != "memory" {
			out = append(out, s)
		}
	}
	return out, nil
}

// measureImports measures both ways on one store in rounds: within a
// round each way fills a fresh empty store, in an order that alternates
// from round to round.
func measureImports(ctx context.Context, store string, o options, file []byte, want []*customerauth.Customer) (*importStoreReport, error) {
	sr := &importStoreReport{Store: store}
	switch store {
	case "sqlite":
		sr.PlainDesc = "one transaction per batch on (*sqlitestore.Store).DB(), the two INSERTs of sqlitestore (customerauth_customers, customerauth_addresses) prepared per transaction and run once per row, with the values sqlitestore encodes"
		sr.FloorRPS = targetImportSQLiteRPS
	case "postgres":
		sr.PlainDesc = "one transaction per batch on the store's pgxpool: pgx CopyFrom into customerauth_customers, then into customerauth_addresses, with the values pgstore copies"
	}
	for r := 0; r < o.rounds; r++ {
		ways := []string{wayImport, wayPlain}
		if r%2 == 1 {
			ways[0], ways[1] = ways[1], ways[0]
		}
		round := importRound{Order: strings.Join(ways, ", ")}
		for _, way := range ways {
			d, desc, err := measureOnce(ctx, store, way, o, file, want)
			if err != nil {
				return nil, fmt.Errorf("round %d, %s: %w", r+1, way, err)
			}
			sr.StoreDesc = desc
			rps := float64(o.rows) / d.Seconds()
			if way == wayImport {
				round.ImportSec, round.ImportRPS = d.Seconds(), rps
			} else {
				round.PlainSec, round.PlainRPS = d.Seconds(), rps
			}
			logf("%s round %d/%d %-6s %d rows in %7.3fs = %8.0f rows/s", store, r+1, o.rounds, way, o.rows, d.Seconds(), rps)
		}
		round.Ratio = round.ImportRPS / round.PlainRPS
		runtime.GC()
		d, err := readOnly(file, o.rows)
		if err != nil {
			return nil, err
		}
		round.ReadRPS = float64(o.rows) / d.Seconds()
		logf("%s round %d/%d ratio import ÷ plain %.2f (CSV read alone: %.0f rows/s)", store, r+1, o.rounds, round.Ratio, round.ReadRPS)
		sr.Rounds = append(sr.Rounds, round)
	}
	var imp, plain, read, ratio []float64
	for _, r := range sr.Rounds {
		imp, plain, read, ratio = append(imp, r.ImportRPS), append(plain, r.PlainRPS), append(read, r.ReadRPS), append(ratio, r.Ratio)
	}
	sr.ImportRPS, sr.PlainRPS, sr.ReadRPS, sr.Ratio = median(imp), median(plain), median(read), median(ratio)
	sr.RatioMet = sr.Ratio >= targetImportRatio
	if sr.FloorRPS > 0 {
		sr.FloorMet = sr.ImportRPS >= sr.FloorRPS
	}
	return sr, nil
}

// measureOnce fills a fresh, migrated, empty store one way, checks that it
// then holds exactly the file's customers and addresses, and returns the
// time from the first byte read (import) or first row written (plain) to
// the last commit.
func measureOnce(ctx context.Context, store, way string, o options, file []byte, want []*customerauth.Customer) (time.Duration, string, error) {
	fs, err := openFreshStore(ctx, store, o)
	if err != nil {
		return 0, "", err
	}
	defer fs.close()
	runtime.GC()
	var d time.Duration
	switch way {
	case wayImport:
		svc, err := customerauth.New(customerauth.Config{Store: fs.st, Logger: discardLogger})
		if err != nil {
			return 0, "", err
		}
		start := time.Now()
		err = importFile(ctx, svc, file, o)
		d = time.Since(start)
		if err != nil {
			return 0, "", err
		}
	case wayPlain:
		start := time.Now()
		err = fs.plainInsert(ctx, want, o.batch)
		d = time.Since(start)
		if err != nil {
			return 0, "", err
		}
	}
	if err := fs.checkFilled(ctx, want, way == wayPlain); err != nil {
		return 0, "", err
	}
	return d, fs.desc, nil
}

// importFile is what `customerauth import FILE` does with the file (see
// cmd/customerauth/import.go): ReadShopifyCSV over the bytes,
// customerfile.ForImport turning per-record errors into failed records, and
// ImportCustomers with the batch size. It fails if any record failed.
func importFile(ctx context.Context, svc *customerauth.Service, file []byte, o options) error {
	src := bytes.NewReader(file)
	records, err := customerfile.ReadShopifyCSV(src)
	if err != nil {
		return err
	}
	var readErr error
	records = customerfile.ForImport(records, &readErr)
	var failed int
	var firstFailure string
	sum, err := svc.ImportCustomers(ctx, records, customerauth.ImportOptions{
		BatchSize: o.batch,
		OnResult: func(r customerauth.ImportResult) {
			if r.Outcome == customerauth.ImportFailed {
				if failed++; failed == 1 {
					firstFailure = fmt.Sprintf("line %d (%s): %v", r.Line, r.Email, r.Err)
				}
			}
		},
	})
	switch {
	case err != nil:
		return err
	case readErr != nil:
		return readErr
	case failed > 0:
		return fmt.Errorf("%d records failed, the first at %s", failed, firstFailure)
	case sum.Created != o.rows:
		return fmt.Errorf("import created %d customers, want %d (%+v)", sum.Created, o.rows, sum)
	}
	return nil
}

// readOnly times ReadShopifyCSV over the file, every record read and
// dropped.
func readOnly(file []byte, rows int) (time.Duration, error) {
	start := time.Now()
	records, err := customerfile.ReadShopifyCSV(bytes.NewReader(file))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, err := range records {
		if err != nil {
			return 0, err
		}
		n++
	}
	d := time.Since(start)
	if n != rows {
		return 0, fmt.Errorf("read %d records, want %d", n, rows)
	}
	return d, nil
}

// expectedCustomers imports the file once into a memory store and returns
// its customers in the file's order: exactly the values the import stores
// (IDs, normalized fields, address ids, state, times), which the plain
// insert then writes.
func expectedCustomers(ctx context.Context, file []byte, o options) ([]*customerauth.Customer, error) {
	mem := customerauth.NewMemoryStore()
	svc, err := customerauth.New(customerauth.Config{Store: mem, Logger: discardLogger})
	if err != nil {
		return nil, err
	}
	if err := importFile(ctx, svc, file, o); err != nil {
		return nil, err
	}
	var out []*customerauth.Customer
	after := ""
	for {
		page, err := mem.ListCustomers(ctx, customerauth.CustomerQuery{After: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		out = append(out, page...)
		after = page[len(page)-1].ID
	}
	if len(out) != o.rows {
		return nil, fmt.Errorf("the memory store holds %d customers, want %d", len(out), o.rows)
	}
	// The IDs are numbers of one length, so ID order is the file's order.
	return out, nil
}

// freshStore is an empty, migrated store of its own: a new SQLite file in
// a temporary directory, or a new PostgreSQL schema.
type freshStore struct {
	kind    string
	st      customerauth.Store
	sqlite  *sqlitestore.Store
	pool    *pgxpool.Pool
	desc    string
	closers []func()
}

func (f *freshStore) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
}

func openFreshStore(ctx context.Context, kind string, o options) (*freshStore, error) {
	f := &freshStore{kind: kind}
	var err error
	switch kind {
	case "sqlite":
		err = f.openSQLite(ctx)
	case "postgres":
		err = f.openPostgres(ctx, o)
	default:
		err = fmt.Errorf("unknown store %q", kind)
	}
	if err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// openSQLite opens the store as the command does (sqlitestore.Open: WAL,
// synchronous=FULL) on a new file, and migrates it.
func (f *freshStore) openSQLite(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "customerauth-importbench-")
	if err != nil {
		return err
	}
	f.closers = append(f.closers, func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "import.db")
	st, err := sqlitestore.Open(ctx, path)
	if err != nil {
		return err
	}
	f.closers = append(f.closers, func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	f.st, f.sqlite = st, st
	f.desc = "sqlitestore.Open(<new file in " + os.TempDir() + ">) + Migrate, as the command opens it (WAL, synchronous=FULL); a new file for every measurement"
	return nil
}

// openPostgres creates a new schema, a default pgxpool (as the command
// makes) whose search_path is that schema, and migrates it; close drops
// the schema.
func (f *freshStore) openPostgres(ctx context.Context, o options) error {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "customerauth_importbench_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, o.dsn)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return err
	}
	f.closers = append(f.closers, func() {
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
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	f.closers = append(f.closers, pool.Close)
	st := pgstore.New(pool)
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	f.st, f.pool = st, pool
	host := cfg.ConnConfig.Host
	if u, err := url.Parse(o.dsn); err == nil && u.Host != "" {
		host = u.Host
	}
	f.desc = fmt.Sprintf("pgstore.New(pgxpool, default config: MaxConns %d) + Migrate, database %q on %s; a new schema for every measurement, dropped afterwards",
		cfg.MaxConns, cfg.ConnConfig.Database, host)
	return nil
}

// The statements of the plain SQLite insert: sqlitestore's insertCustomerSQL
// and insertAddressSQL (customers.go, addresses.go).
const (
	plainSQLiteCustomer = `INSERT INTO customerauth_customers (id, email, email_key, phone, multipass_identifier, first_name, last_name,
	accepts_marketing, state, password_hash, tags, default_address_id, created_at, updated_at,
	credential_version, accepts_sms_marketing, tax_exempt, note)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	plainSQLiteAddress = `INSERT INTO customerauth_addresses (customer_id, position, id, first_name, last_name, company, address1, address2,
	city, province, province_code, country, country_code, zip, phone, latitude, longitude)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// pgstore's COPY columns (admin.go: customerCopyColumns, addressCopyColumns).
var (
	plainPGCustomerColumns = []string{
		"id", "email", "email_key", "phone", "first_name", "last_name", "accepts_marketing",
		"accepts_sms_marketing", "tax_exempt", "note", "state", "password_hash", "tags",
		"default_address_id", "multipass_identifier", "created_at", "updated_at", "credential_version",
	}
	plainPGAddressColumns = []string{"customer_id", "position", "id", "first_name", "last_name", "company", "address1",
		"address2", "city", "province", "province_code", "country", "country_code", "zip", "phone", "latitude", "longitude"}
)

// plainInsert writes cs straight into the store's tables, batch customers
// per transaction: no validation, no lookups.
func (f *freshStore) plainInsert(ctx context.Context, cs []*customerauth.Customer, batch int) error {
	for start := 0; start < len(cs); start += batch {
		part := cs[start:min(start+batch, len(cs))]
		var err error
		if f.kind == "sqlite" {
			err = plainSQLiteBatch(ctx, f.sqlite.DB(), part)
		} else {
			err = plainPGBatch(ctx, f.pool, part)
		}
		if err != nil {
			return fmt.Errorf("batch at customer %d: %w", start, err)
		}
	}
	return nil
}

func plainSQLiteBatch(ctx context.Context, db *sql.DB, cs []*customerauth.Customer) (err error) {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: sqlitestore.DSNOptions
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	insC, err := tx.PrepareContext(ctx, plainSQLiteCustomer)
	if err != nil {
		return err
	}
	defer insC.Close()
	insA, err := tx.PrepareContext(ctx, plainSQLiteAddress)
	if err != nil {
		return err
	}
	defer insA.Close()
	args := make([]any, 0, 18)
	for _, c := range cs {
		// As sqlitestore's customerArgs encodes a customer: phone and
		// identifier NULL when empty, tags a JSON array, times Unix
		// nanoseconds, booleans as the driver stores them (0 or 1).
		tags, err := sqliteTags(c.Tags)
		if err != nil {
			return err
		}
		args = append(args[:0], c.ID, c.Email, c.EmailKey, nullIfEmpty(c.Phone), nullIfEmpty(c.MultipassIdentifier),
			c.FirstName, c.LastName, c.AcceptsMarketing, int64(c.State), c.PasswordHash,
			tags, c.DefaultAddressID, sqliteTime(c.CreatedAt), sqliteTime(c.UpdatedAt), int64(c.CredentialVersion),
			c.AcceptsSMSMarketing, c.TaxExempt, c.Note)
		if _, err := insC.ExecContext(ctx, args...); err != nil {
			return err
		}
		for j, a := range c.Addresses {
			args = append(args[:0], c.ID, int64(j+1), a.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2,
				a.City, a.Province, a.ProvinceCode, a.Country, a.CountryCode, a.Zip, a.Phone, nullFloat(a.Latitude), nullFloat(a.Longitude))
			if _, err := insA.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func plainPGBatch(ctx context.Context, pool *pgxpool.Pool, cs []*customerauth.Customer) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	// As pgstore's customerCopyRow: phone and identifier NULL when empty,
	// tags a text[] (never NULL), state smallint, times timestamptz.
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"customerauth_customers"}, plainPGCustomerColumns,
		pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
			c := cs[i]
			tags := c.Tags
			if tags == nil {
				tags = []string{}
			}
			return []any{
				c.ID, c.Email, c.EmailKey, nullIfEmpty(c.Phone), c.FirstName, c.LastName, c.AcceptsMarketing,
				c.AcceptsSMSMarketing, c.TaxExempt, c.Note, int16(c.State), c.PasswordHash, tags,
				c.DefaultAddressID, nullIfEmpty(c.MultipassIdentifier), c.CreatedAt, c.UpdatedAt, int64(c.CredentialVersion),
			}, nil
		}))
	if err != nil {
		return err
	}
	ci, ai := 0, 0
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"customerauth_addresses"}, plainPGAddressColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			for ci < len(cs) && ai == len(cs[ci].Addresses) {
				ci, ai = ci+1, 0
			}
			if ci == len(cs) {
				return nil, nil
			}
			c := cs[ci]
			a := c.Addresses[ai]
			ai++
			return []any{c.ID, int32(ai), a.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2,
				a.City, a.Province, a.ProvinceCode, a.Country, a.CountryCode, a.Zip, a.Phone, a.Latitude, a.Longitude}, nil
		}))
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// sqliteTags and sqliteTime are sqlitestore's encodeTags and encodeTime.
func sqliteTags(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

func sqliteTime(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// checkFilled checks that the store holds exactly the file's customers,
// each with its one address, and that a sample of them reads back, through
// the store's own FindCustomers, as the import stores them (times aside,
// unless sameTimes).
func (f *freshStore) checkFilled(ctx context.Context, want []*customerauth.Customer, sameTimes bool) error {
	var customers, addresses int64
	const countC, countA = `SELECT count(*) FROM customerauth_customers`, `SELECT count(*) FROM customerauth_addresses`
	if f.kind == "sqlite" {
		db := f.sqlite.DB()
		if err := db.QueryRowContext(ctx, countC).Scan(&customers); err != nil {
			return err
		}
		if err := db.QueryRowContext(ctx, countA).Scan(&addresses); err != nil {
			return err
		}
	} else {
		if err := f.pool.QueryRow(ctx, countC).Scan(&customers); err != nil {
			return err
		}
		if err := f.pool.QueryRow(ctx, countA).Scan(&addresses); err != nil {
			return err
		}
	}
	wantAddresses := 0
	for _, c := range want {
		wantAddresses += len(c.Addresses)
	}
	if customers != int64(len(want)) || addresses != int64(wantAddresses) {
		return fmt.Errorf("the store holds %d customers and %d addresses, want %d and %d", customers, addresses, len(want), wantAddresses)
	}
	step := max(1, len(want)/97)
	var ids []string
	byID := map[string]*customerauth.Customer{}
	for i := 0; i < len(want); i += step {
		ids = append(ids, want[i].ID)
		byID[want[i].ID] = want[i]
	}
	found, err := f.st.(customerauth.CustomerImporter).FindCustomers(ctx, ids, nil)
	if err != nil {
		return err
	}
	if len(found) != len(ids) {
		return fmt.Errorf("FindCustomers found %d of %d sampled customers", len(found), len(ids))
	}
	for _, got := range found {
		w := byID[got.ID]
		if d := customerDiff(w, got, sameTimes); d != "" {
			return fmt.Errorf("customer %s reads back other than the import stores it: %s", got.ID, d)
		}
	}
	return nil
}

// customerDiff describes how got differs from want, or returns "".
// Times are compared to the microsecond (PostgreSQL's precision) when
// sameTimes, and otherwise only checked to be set.
func customerDiff(want, got *customerauth.Customer, sameTimes bool) string {
	norm := func(c *customerauth.Customer) customerauth.Customer {
		n := *c
		n.CreatedAt, n.UpdatedAt = time.Time{}, time.Time{}
		if len(n.Tags) == 0 {
			n.Tags = nil
		}
		if len(n.Addresses) == 0 {
			n.Addresses = nil
		}
		return n
	}
	w, g := norm(want), norm(got)
	if !reflect.DeepEqual(w, g) {
		return fmt.Sprintf("got %+v, want %+v", g, w)
	}
	if got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
		return "times not set"
	}
	if sameTimes && (!want.CreatedAt.Truncate(time.Microsecond).Equal(got.CreatedAt.Truncate(time.Microsecond)) ||
		!want.UpdatedAt.Truncate(time.Microsecond).Equal(got.UpdatedAt.Truncate(time.Microsecond))) {
		return fmt.Sprintf("times %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	}
	return ""
}

// timedImporter is the store of the profiled import: it passes every call
// on and adds up the time of the batch calls, so that the wall time can be
// split into the store's batch work (Go and database) and the rest
// (reading, checking, matching).
type timedImporter struct {
	customerauth.Store
	im                     customerauth.CustomerImporter
	find, create           atomic.Int64
	findCalls, createCalls atomic.Int64
}

func (t *timedImporter) FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*customerauth.Customer, error) {
	start := time.Now()
	defer func() { t.find.Add(int64(time.Since(start))); t.findCalls.Add(1) }()
	return t.im.FindCustomers(ctx, ids, emailKeys)
}

func (t *timedImporter) CreateCustomers(ctx context.Context, cs []*customerauth.Customer) error {
	start := time.Now()
	defer func() { t.create.Add(int64(time.Since(start))); t.createCalls.Add(1) }()
	return t.im.CreateCustomers(ctx, cs)
}

// profileImport imports the file once more, unmeasured, on a fresh store
// with a CPU profile written to path, and returns where its wall time went.
func profileImport(ctx context.Context, store string, o options, file []byte, path string) (*importBreakdown, error) {
	fs, err := openFreshStore(ctx, store, o)
	if err != nil {
		return nil, err
	}
	defer fs.close()
	ti := &timedImporter{Store: fs.st, im: fs.st.(customerauth.CustomerImporter)}
	svc, err := customerauth.New(customerauth.Config{Store: ti, Logger: discardLogger})
	if err != nil {
		return nil, err
	}
	out, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	runtime.GC()
	if err := pprof.StartCPUProfile(out); err != nil {
		return nil, err
	}
	start := time.Now()
	err = importFile(ctx, svc, file, o)
	d := time.Since(start)
	pprof.StopCPUProfile()
	if err != nil {
		return nil, err
	}
	b := &importBreakdown{Profile: path, TotalSec: d.Seconds(),
		FindSec: time.Duration(ti.find.Load()).Seconds(), CreateSec: time.Duration(ti.create.Load()).Seconds(),
		FindCalls: int(ti.findCalls.Load()), CreateCalls: int(ti.createCalls.Load())}
	logf("%s profile: import of %d rows in %.3fs (%.0f rows/s): FindCustomers %.3fs (%d calls), CreateCustomers %.3fs (%d calls), the rest %.3fs → %s",
		store, o.rows, b.TotalSec, float64(o.rows)/b.TotalSec, b.FindSec, b.FindCalls, b.CreateSec, b.CreateCalls,
		b.TotalSec-b.FindSec-b.CreateSec, path)
	return b, nil
}

// loadAverage returns the 1-minute load average, or -1.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// A customer of the generated export: names in several scripts, with the
// ASCII form the email is made of.
var exportNames = []struct{ first, last, ascii string }{
	{"Zoë", "Ångström", "zoe.angstrom"},
	{"太郎", "山田", "taro.yamada"},
	{"ليلى", "حداد", "layla.haddad"},
	{"Émile", "Zola", "emile.zola"},
	{"Jean-Luc", "O'Brien", "jl.obrien"},
	{"Søren", "Kierkegaard", "soren.k"},
	{"Łukasz", "Żółkiewski", "lukasz.z"},
	{"Иван", "Петров", "ivan.petrov"},
	{"María José", "García-López", "mj.garcia"},
	{"Nguyễn", "Thị Lan", "lan.nguyen"},
	{"Ana", "Lima", "ana.lima"},
	{"Björn", "Müller", "bjorn.muller"},
}

// exportPlaces are default addresses the validation accepts: country
// codes, province codes (JP-13: Shopify's ISO form) and zips as Shopify
// exports them.
var exportPlaces = []struct{ street, city, province, country, zip string }{
	{"%d Queen Street West", "Toronto", "ON", "CA", "M5H 2N2"},
	{"%d Broadway", "New York", "NY", "US", "10001"},
	{"Drottninggatan %d", "Stockholm", "", "SE", "111 51"},
	{"%d-1 Chiyoda, Chiyoda-ku", "Tokyo", "JP-13", "JP", "100-0001"},
	{"%d rue de la Paix", "Paris", "", "FR", "75002"},
	{"Sheikh Zayed Road %d", "Dubai", "DU", "AE", ""},
	{"Avenida Paulista, %d", "São Paulo", "SP", "BR", "01310-100"},
	{"%d George Street", "Sydney", "NSW", "AU", "2000"},
	{"Friedrichstraße %d", "Berlin", "", "DE", "10117"},
	{"%d Baker Street", "London", "", "GB", "NW1 6XE"},
}

var exportNotes = []string{
	"",
	"Prefers pickup, \"weekdays\" only\nCall first 📦",
	"",
	"Line one\r\nLine two, with comma\n\"Line three\"",
	"VIP since 2019 🎉",
	"'=HYPERLINK(\"https://example.com\",\"click\")",
	"",
}

var exportTags = []string{"vip, newsletter", "wholesale", "", "gold,  repeat , gold", "'-sale, clearance", "newsletter"}

// shopifyExport returns a Shopify customer export of n customers, as
// Shopify's admin writes it and Excel saves it: a byte order mark, the 20
// columns of the current export, the apostrophe guards before the Customer
// ID, zips and phones (and before a note that starts with '='), quoted
// fields with commas, doubled quotes and line breaks, names in several
// scripts, yes/no flags, comma-separated tags, and a default address on
// every row. Emails, Customer IDs and phones are distinct; one customer in
// ten has no phone.
func shopifyExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing",
		"Default Address Company", "Default Address Address1", "Default Address Address2", "Default Address City",
		"Default Address Province Code", "Default Address Country Code", "Default Address Zip",
		"Default Address Phone", "Phone", "Accepts SMS Marketing", "Total Spent", "Total Orders", "Note",
		"Tax Exempt", "Tags"})
	yesNo := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	guard := func(v string) string {
		if v == "" {
			return ""
		}
		return "'" + v
	}
	row := make([]string, 20)
	for i := range n {
		name := exportNames[i%len(exportNames)]
		place := exportPlaces[(i/3)%len(exportPlaces)]
		email := fmt.Sprintf("%s.%d@example.com", name.ascii, i)
		if i%5 == 0 {
			email = strings.ToUpper(email[:1]) + email[1:] // a mixed-case email: the key is lowercased
		}
		// +46 70 followed by 7 digits of i: distinct, and written as
		// Shopify writes phones, in E.164 or spaced.
		digits := fmt.Sprintf("%07d", i)
		phone := "+4670" + digits
		if i%2 == 1 {
			phone = "+46 70 " + digits[:3] + " " + digits[3:5] + " " + digits[5:]
		}
		if i%10 == 9 {
			phone = ""
		}
		company, address2 := "", ""
		if i%4 == 0 {
			company = "Ångström & Co., AB"
		}
		if i%5 == 2 {
			address2 = "Apt 4B"
		}
		row[0] = guard(strconv.Itoa(7012345678901 + i))
		row[1], row[2], row[3] = name.first, name.last, email
		row[4] = yesNo(i%3 == 0)
		row[5] = company
		row[6] = fmt.Sprintf(place.street, 1+i%200)
		row[7], row[8], row[9], row[10] = address2, place.city, place.province, place.country
		row[11] = guard(place.zip)
		row[12] = guard("+4681234567")
		row[13] = guard(phone)
		row[14] = yesNo(i%4 == 1)
		row[15] = fmt.Sprintf("%d,%03d.%02d", i%3, i%1000, i%100)
		row[16] = strconv.Itoa(i % 40)
		row[17] = exportNotes[i%len(exportNotes)]
		row[18] = yesNo(i%7 == 0)
		row[19] = exportTags[i%len(exportTags)]
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

func (r *importReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# customerauth import benchmark")
	p("")
	p("- Date: %s", r.Date)
	p("- Machine: %s; load average (1 min) %.1f before, %.1f after", r.Machine, r.Load[0], r.Load[1])
	p("- Command: `%s`", r.Command)
	p("- File: one generated Shopify customer export of %d rows, %.1f MiB, in memory: byte order mark, the 20 columns of the current export, "+
		"apostrophe guards on Customer ID, zips and phones, quoted multi-line notes with commas and doubled quotes, names in Latin script with diacritics, Japanese, Arabic and Cyrillic, yes/no flags, tags, "+
		"a default address in one of ten countries on every row; distinct emails, Customer IDs and phones (one row in ten without a phone).", r.Rows, float64(r.FileBytes)/(1<<20))
	p("- import: what `customerauth import -batch %d FILE` runs: `customerfile.ReadShopifyCSV` over the bytes, `customerfile.ForImport` (per-record errors "+
		"become failed records), `(*customerauth.Service).ImportCustomers` with `BatchSize: %d` (default Config, discard logger; FindCustomers + CreateCustomers per batch). "+
		"Timed from the first byte read to the return of ImportCustomers (the last commit).", r.Batch, r.Batch)
	p("- plain: the store's own batched insert of the same %d customers (each with its address), already in memory as exactly the values the import stores "+
		"(the file imported once into a memory store beforehand), %d customers per transaction, no validation and no lookups (per store below).", r.Rows, r.Batch)
	p("- Method: every measurement fills a fresh, migrated, empty store; the two ways alternate their order from round to round; %d rounds; medians. "+
		"After each measurement the store must hold exactly %d customers and %d addresses, and a sample of ~100 customers must read back (FindCustomers) as the import stores them. "+
		"CSV read alone: ReadShopifyCSV over the bytes with no store, after each round. Rows/s = %d ÷ wall time.", r.Rounds, r.Rows, r.Rows, r.Rows)
	p("")
	p("| store | import rows/s (median) | plain rows/s (median) | import ÷ plain (median) | per round (import / plain = ratio) | target ≥ 50%% | floor ≥ 2,000 rows/s | CSV read alone rows/s |")
	p("|---|---:|---:|---:|---|---|---|---:|")
	for _, s := range r.Stores {
		var rounds []string
		for _, rr := range s.Rounds {
			rounds = append(rounds, fmt.Sprintf("%.0f / %.0f = %.2f", rr.ImportRPS, rr.PlainRPS, rr.Ratio))
		}
		floor := "—"
		if s.FloorRPS > 0 {
			floor = verdict(s.FloorMet)
		}
		p("| %s | %.0f | %.0f | **%.2f** | %s | %s | %s | %.0f |", s.Store, s.ImportRPS, s.PlainRPS, s.Ratio,
			strings.Join(rounds, "; "), verdict(s.RatioMet), floor, s.ReadRPS)
	}
	for _, s := range r.Stores {
		p("")
		p("%s: store %s. plain: %s.", s.Store, s.StoreDesc, s.PlainDesc)
	}
	for _, s := range r.Stores {
		if bd := s.Breakdown; bd != nil {
			rest := bd.TotalSec - bd.FindSec - bd.CreateSec
			p("")
			p("%s, one more import with a CPU profile (`%s`), unmeasured: %.3f s in all; FindCustomers %.3f s (%.0f%%, %d calls), CreateCustomers %.3f s (%.0f%%, %d calls), "+
				"reading, checking and matching %.3f s (%.0f%%).", s.Store, bd.Profile, bd.TotalSec, bd.FindSec, 100*bd.FindSec/bd.TotalSec, bd.FindCalls,
				bd.CreateSec, 100*bd.CreateSec/bd.TotalSec, bd.CreateCalls, rest, 100*rest/bd.TotalSec)
		}
	}
	return b.String()
}
