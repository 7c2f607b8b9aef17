package pgstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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

// The benchmark database: a schema seeded once with a million customers
// and kept across runs, because seeding takes a while. The schema comment
// marks a complete seed; a schema without it (an interrupted seed) is
// dropped and seeded again. Drop it by hand to reclaim the space:
//
//	psql "$CUSTOMERAUTH_TEST_POSTGRES" -c 'DROP SCHEMA ct_bench_1m CASCADE'
const (
	benchSchema    = "ct_bench_1m"
	benchCustomers = 1_000_000
	benchMarker    = "customerauth pgstore benchmark: 1000000 customers"
)

// benchEmail and benchSecret derive customer n's email and access token
// from n, so reruns need no list of them.
func benchEmail(n int) string { return fmt.Sprintf("bench.%07d@example.com", n) }

func benchSecret(n int) string {
	h := sha256.Sum256([]byte("customerauth-bench-" + strconv.Itoa(n)))
	return hex.EncodeToString(h[:16]) // 32 lowercase hex, like a real token
}

// seedMillion makes sure benchSchema holds benchCustomers customers, each
// with one access token. It reports how long the seed took, now or when
// it was made.
func seedMillion(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, testDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	var comment *string
	err = admin.QueryRow(ctx, "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1", benchSchema).Scan(&comment)
	if err == nil && comment != nil && strings.HasPrefix(*comment, benchMarker) {
		b.Logf("using the existing seed of schema %s (%s)", benchSchema, *comment)
		return
	}
	if err != nil && err != pgx.ErrNoRows {
		b.Fatal(err)
	}

	start := time.Now()
	for _, q := range []string{"DROP SCHEMA IF EXISTS " + benchSchema + " CASCADE", "CREATE SCHEMA " + benchSchema} {
		if _, err := admin.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	pool := benchPool(b)
	defer pool.Close()
	if err := pgstore.New(pool).Migrate(ctx); err != nil {
		b.Fatal(err)
	}

	// One real argon2id hash, shared by every customer: seeding must not
	// spend an hour hashing.
	salt := []byte("benchsaltbenchsa")
	key := argon2.IDKey([]byte("Bench-Passw0rd"), salt, 2, 19*1024, 1, 32)
	b64 := base64.RawStdEncoding
	pwHash := fmt.Sprintf("$argon2id$v=%d$m=19456,t=2,p=1$%s$%s", argon2.Version, b64.EncodeToString(salt), b64.EncodeToString(key))
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	expires := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

	ids := make([]string, benchCustomers)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7()).String()
	}
	addrIDs := make([]string, benchCustomers)
	for i := range addrIDs {
		addrIDs[i] = uuid.NewString()
	}
	n := 0
	copied, err := pool.CopyFrom(ctx, pgx.Identifier{"customerauth_customers"},
		[]string{"id", "email", "email_key", "first_name", "last_name", "accepts_marketing", "state",
			"password_hash", "tags", "default_address_id", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == benchCustomers {
				return nil, nil
			}
			i := n
			n++
			email := benchEmail(i)
			return []any{ids[i], email, email, "Ann", "Lee", i%2 == 0, int16(customerauth.StateEnabled),
				pwHash, []string{"bench"}, addrIDs[i], created, created}, nil
		}))
	if err != nil || copied != benchCustomers {
		b.Fatalf("COPY customers: %d rows, %v", copied, err)
	}
	n = 0
	copied, err = pool.CopyFrom(ctx, pgx.Identifier{"customerauth_addresses"},
		[]string{"customer_id", "position", "id", "first_name", "last_name", "address1", "city", "province",
			"province_code", "country", "country_code", "zip"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == benchCustomers {
				return nil, nil
			}
			i := n
			n++
			return []any{ids[i], int32(1), addrIDs[i], "Ann", "Lee", strconv.Itoa(i) + " Main St", "Ottawa", "Ontario",
				"ON", "Canada", "CA", "K1A 0A1"}, nil
		}))
	if err != nil || copied != benchCustomers {
		b.Fatalf("COPY addresses: %d rows, %v", copied, err)
	}
	n = 0
	copied, err = pool.CopyFrom(ctx, pgx.Identifier{"customerauth_tokens"},
		[]string{"hash", "kind", "customer_id", "created_at", "expires_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == benchCustomers {
				return nil, nil
			}
			i := n
			n++
			h := customerauth.HashToken(benchSecret(i))
			return []any{h[:], int16(customerauth.TokenAccess), ids[i], created, expires}, nil
		}))
	if err != nil || copied != benchCustomers {
		b.Fatalf("COPY tokens: %d rows, %v", copied, err)
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE customerauth_customers"); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE customerauth_tokens"); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE customerauth_addresses"); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start).Round(100 * time.Millisecond)
	marker := fmt.Sprintf("%s, seeded in %s on %s", benchMarker, took, time.Now().UTC().Format(time.DateOnly))
	if _, err := admin.Exec(ctx, "COMMENT ON SCHEMA "+benchSchema+" IS "+quoteLiteral(marker)); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d customers and %d access tokens into %s in %s", benchCustomers, benchCustomers, benchSchema, took)
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// benchPool opens a pool on benchSchema with pgx's defaults otherwise.
func benchPool(b *testing.B) *pgxpool.Pool {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(testDSN(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = benchSchema
	cfg.ConnConfig.RuntimeParams["application_name"] = "customerauth-pgstore-bench"
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return pool
}

// reportLatencies reports the median and 99th percentile of lat.
func reportLatencies(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))]) / float64(time.Microsecond)
	}
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(q(0.999), "p99.9-µs")
}

const benchCustomerDoc = `query customer($t: String!) {
  customer(customerAccessToken: $t) { id email firstName lastName acceptsMarketing tags
    defaultAddress { id address1 city zip } }
}`

// customerRequest returns a request of the customer query for customer n.
func customerRequest(n int) *http.Request {
	body := fmt.Sprintf(`{"query":%q,"variables":{"t":%q}}`, benchCustomerDoc, benchSecret(n))
	req := httptest.NewRequest(http.MethodPost, "/graphql.json", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// serveCustomer runs the customer query for customer n through h and
// returns how long it took; it fails b unless the customer comes back.
func serveCustomer(b *testing.B, h http.Handler, n int) time.Duration {
	req := customerRequest(n)
	w := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(w, req)
	d := time.Since(start)
	if !strings.Contains(w.Body.String(), benchEmail(n)) {
		b.Fatalf("customer %d: %s", n, w.Body.String())
	}
	return d
}

// BenchmarkMillion measures the two hot read paths on a store of a million
// customers (each with an access token): the customer query through the
// GraphQL handler, and the lookups of a login. Latencies are taken per
// operation and reported as percentiles; each sub-benchmark picks
// customers at random.
//
//	CUSTOMERAUTH_TEST_POSTGRES=... go test ./pgstore/ -run '^$' -bench BenchmarkMillion -benchtime 20000x
func BenchmarkMillion(b *testing.B) {
	seedMillion(b)
	pool := benchPool(b)
	defer pool.Close()
	store := pgstore.New(pool)
	// A kept seed may predate newer migrations.
	if err := store.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	svc, err := customerauth.New(customerauth.Config{
		Store: store, Argon2: smallArgon2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	h := svc.Handler()
	// Warm up: open the pool's connections and prepare the statements on
	// each, as on a server that has been up for a while.
	var warm sync.WaitGroup
	for g := range int(pool.Config().MaxConns) {
		warm.Go(func() {
			rng := rand.New(rand.NewPCG(0, uint64(g)))
			for range 500 {
				h.ServeHTTP(httptest.NewRecorder(), customerRequest(rng.IntN(benchCustomers)))
			}
		})
	}
	warm.Wait()

	b.Run("customer", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, uint64(b.N)))
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for range b.N {
			lat = append(lat, serveCustomer(b, h, rng.IntN(benchCustomers)))
		}
		b.StopTimer()
		reportLatencies(b, lat)
	})

	b.Run("customer-parallel", func(b *testing.B) {
		var mu sync.Mutex
		var lat []time.Duration
		var seed sync.Mutex
		next := uint64(0)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			seed.Lock()
			next++
			rng := rand.New(rand.NewPCG(2, next))
			seed.Unlock()
			var mine []time.Duration
			for pb.Next() {
				mine = append(mine, serveCustomer(b, h, rng.IntN(benchCustomers)))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		b.StopTimer()
		reportLatencies(b, lat)
	})

	b.Run("login-lookup", func(b *testing.B) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(3, uint64(b.N)))
		lat := make([]time.Duration, 0, b.N)
		now := time.Now()
		b.ResetTimer()
		for range b.N {
			n := rng.IntN(benchCustomers)
			key := benchEmail(n)
			hash := customerauth.HashToken(benchSecret(n))
			start := time.Now()
			c, err := store.CustomerByEmail(ctx, key)
			if err != nil {
				b.Fatal(err)
			}
			t, err := store.TokenByHash(ctx, customerauth.TokenAccess, hash, now)
			lat = append(lat, time.Since(start))
			if err != nil || t.CustomerID != c.ID {
				b.Fatalf("customer %d: token %+v, %v; customer %s", n, t, err, c.ID)
			}
		}
		b.StopTimer()
		reportLatencies(b, lat)
	})
}

// importBatch is how many customers BenchmarkCreateCustomers stores per
// call, as an import of a large file does.
const importBatch = 1000

// importBatches returns n batches of importBatch new customers, each with
// one address, numbered from *next on: what an import of a Shopify export
// hands CreateCustomers.
func importBatches(n int, next *int) [][]*customerauth.Customer {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([][]*customerauth.Customer, n)
	for i := range out {
		batch := make([]*customerauth.Customer, importBatch)
		for j := range batch {
			k := *next
			*next++
			email := fmt.Sprintf("import.%08d@example.com", k)
			a := customerauth.Address{ID: uuid.NewString(), FirstName: "Ann", LastName: "Lee", Address1: strconv.Itoa(k) + " Main St",
				City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0A1"}
			batch[j] = &customerauth.Customer{
				ID: strconv.Itoa(7_000_000_000_000 + k), Email: email, EmailKey: email, FirstName: "Ann", LastName: "Lee",
				Phone: fmt.Sprintf("+1613%07d", k), AcceptsMarketing: k%2 == 0, AcceptsSMSMarketing: k%3 == 0, Note: "imported",
				State: customerauth.StateEnabled, PasswordHash: "$2a$10$abcdefghijklmnopqrstuuJ3yTpeXlAqWGEm9A1cX6p7pPSwmG2Fy",
				Tags: []string{"imported"}, Addresses: []customerauth.Address{a}, DefaultAddressID: a.ID,
				CreatedAt: created, UpdatedAt: created,
			}
		}
		out[i] = batch
	}
	return out
}

// BenchmarkCreateCustomers measures CreateCustomers with batches of
// importBatch customers, each with one address, into a store that grows
// with the run, and, for comparison, two ways of writing the same rows
// without the Store: pgx's CopyFrom of the same columns into the same
// tables in one transaction, and a pgx.Batch of one INSERT per row.
// rows/s counts customers.
//
//	CUSTOMERAUTH_TEST_POSTGRES=... go test ./pgstore/ -run '^$' -bench BenchmarkCreateCustomers -benchtime 50x
func BenchmarkCreateCustomers(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, write func(pool *pgxpool.Pool, s *pgstore.Store, batch []*customerauth.Customer) error) {
		pool := newPool(b, newSchema(b), nil)
		s := migrated(b, pool)
		next := 0
		batches := importBatches(b.N, &next)
		b.ResetTimer()
		for _, batch := range batches {
			if err := write(pool, s, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N*importBatch)/b.Elapsed().Seconds(), "rows/s")
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM customerauth_customers").Scan(&n); err != nil || n != b.N*importBatch {
			b.Fatalf("%d customers stored, %v; want %d", n, err, b.N*importBatch)
		}
	}

	b.Run("CreateCustomers", func(b *testing.B) {
		run(b, func(_ *pgxpool.Pool, s *pgstore.Store, batch []*customerauth.Customer) error {
			return s.CreateCustomers(ctx, batch)
		})
	})

	customerColumns := []string{"id", "email", "email_key", "phone", "first_name", "last_name", "accepts_marketing",
		"accepts_sms_marketing", "tax_exempt", "note", "state", "password_hash", "tags", "default_address_id",
		"multipass_identifier", "created_at", "updated_at", "credential_version"}
	customerRow := func(c *customerauth.Customer) []any {
		return []any{c.ID, c.Email, c.EmailKey, c.Phone, c.FirstName, c.LastName, c.AcceptsMarketing,
			c.AcceptsSMSMarketing, c.TaxExempt, c.Note, int16(c.State), c.PasswordHash, c.Tags, c.DefaultAddressID,
			nil, c.CreatedAt, c.UpdatedAt, int64(0)}
	}
	addressColumns := []string{"customer_id", "position", "id", "first_name", "last_name", "address1", "city",
		"province", "province_code", "country", "country_code", "zip"}
	addressRow := func(c *customerauth.Customer) []any {
		a := c.Addresses[0]
		return []any{c.ID, int32(1), a.ID, a.FirstName, a.LastName, a.Address1, a.City, a.Province, a.ProvinceCode,
			a.Country, a.CountryCode, a.Zip}
	}

	b.Run("CopyFrom", func(b *testing.B) {
		run(b, func(pool *pgxpool.Pool, _ *pgstore.Store, batch []*customerauth.Customer) error {
			return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := tx.CopyFrom(ctx, pgx.Identifier{"customerauth_customers"}, customerColumns,
					pgx.CopyFromSlice(len(batch), func(i int) ([]any, error) { return customerRow(batch[i]), nil }))
				if err != nil {
					return err
				}
				_, err = tx.CopyFrom(ctx, pgx.Identifier{"customerauth_addresses"}, addressColumns,
					pgx.CopyFromSlice(len(batch), func(i int) ([]any, error) { return addressRow(batch[i]), nil }))
				return err
			})
		})
	})

	b.Run("BatchedInsert", func(b *testing.B) {
		insertCustomer := "INSERT INTO customerauth_customers (" + strings.Join(customerColumns, ", ") +
			") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
		insertAddress := "INSERT INTO customerauth_addresses (" + strings.Join(addressColumns, ", ") +
			") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
		run(b, func(pool *pgxpool.Pool, _ *pgstore.Store, batch []*customerauth.Customer) error {
			return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				q := &pgx.Batch{}
				for _, c := range batch {
					q.Queue(insertCustomer, customerRow(c)...)
				}
				for _, c := range batch {
					q.Queue(insertAddress, addressRow(c)...)
				}
				return tx.SendBatch(ctx, q).Close()
			})
		})
	})

	// The lookups an import makes before it writes a batch: every ID and
	// email of the batch, half of them stored.
	b.Run("FindCustomers", func(b *testing.B) {
		pool := newPool(b, newSchema(b), nil)
		s := migrated(b, pool)
		next := 0
		stored := importBatches(10, &next)
		for _, batch := range stored {
			if err := s.CreateCustomers(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		fresh := importBatches(10, &next)
		ids, keys := make([][]string, 10), make([][]string, 10)
		for i := range ids {
			for j := range importBatch {
				c := stored[i][j]
				if j%2 == 1 {
					c = fresh[i][j]
				}
				ids[i] = append(ids[i], c.ID)
				keys[i] = append(keys[i], c.EmailKey)
			}
		}
		b.ResetTimer()
		for i := range b.N {
			found, err := s.FindCustomers(ctx, ids[i%10], keys[i%10])
			if err != nil || len(found) != importBatch/2 {
				b.Fatalf("FindCustomers: %d customers, %v; want %d", len(found), err, importBatch/2)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N*importBatch)/b.Elapsed().Seconds(), "rows/s")
	})
}
