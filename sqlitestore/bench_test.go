package sqlitestore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
)

// seedCustomers is the size of the benchmark database.
const seedCustomers = 10_000

// seeded is a store with seedCustomers customers, each with two addresses,
// tags and one access token, and the keys to find them.
type seeded struct {
	st     *sqlitestore.Store
	emails []string
	hashes []customerauth.TokenHash
}

// seedStore builds the benchmark database. It writes with synchronous=OFF,
// which only makes seeding faster, then reopens the file with Open, so what
// is measured is the store as a host runs it.
func seedStore(b *testing.B) *seeded {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	fast := sqlitestore.New(openDB(b, path, "_journal_mode=WAL&_synchronous=OFF&_foreign_keys=on&_busy_timeout=5000&_txlock=immediate"))
	if err := fast.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := &seeded{}
	for i := range seedCustomers {
		c := newCustomer(fmt.Sprintf("Customer.%05d@Example.com", i))
		c.Phone = fmt.Sprintf("+1613%07d", i)
		c.FirstName, c.LastName = "Ann", "Lee"
		c.PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
		c.Tags = []string{"vip", "newsletter"}
		c.Addresses = []customerauth.Address{
			{ID: uuid.NewString(), FirstName: "Ann", LastName: "Lee", Address1: "1 Main St", City: "Ottawa", Province: "Ontario",
				ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0A1", Latitude: new(45.4215), Longitude: new(-75.6972)},
			{ID: uuid.NewString(), Address1: "2 Side St", City: "Toronto", CountryCode: "CA"},
		}
		c.DefaultAddressID = c.Addresses[0].ID
		tok := &customerauth.Token{
			Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess, CustomerID: c.ID,
			CreatedAt: base, ExpiresAt: base.Add(42 * 24 * time.Hour),
		}
		if err := fast.CreateCustomer(ctx, c, tok); err != nil {
			b.Fatal(err)
		}
		s.emails = append(s.emails, c.EmailKey)
		s.hashes = append(s.hashes, tok.Hash)
	}
	if err := fast.DB().Close(); err != nil {
		b.Fatal(err)
	}
	st, err := sqlitestore.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s.st = st
	return s
}

// BenchmarkTokenLookup measures TokenByHash, the store call behind every
// token-authenticated request, on 10k customers.
func BenchmarkTokenLookup(b *testing.B) {
	s := seedStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.st.TokenByHash(ctx, customerauth.TokenAccess, s.hashes[i%len(s.hashes)], base); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTokenLookupParallel is BenchmarkTokenLookup from GOMAXPROCS
// goroutines: WAL readers do not block one another.
func BenchmarkTokenLookupParallel(b *testing.B) {
	s := seedStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.st.TokenByHash(ctx, customerauth.TokenAccess, s.hashes[i%len(s.hashes)], base); err != nil {
				b.Error(err)
				return
			}
			i += 7
		}
	})
}

// BenchmarkCustomerByEmail measures the lookup of a login, including the
// decoding of tags and addresses, on 10k customers.
func BenchmarkCustomerByEmail(b *testing.B) {
	s := seedStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.st.CustomerByEmail(ctx, s.emails[i%len(s.emails)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkIssueToken measures a login's write: one INSERT committed with
// an fsync (synchronous=FULL), which bounds logins per second per disk.
func BenchmarkIssueToken(b *testing.B) {
	s := seedStore(b)
	ctx := context.Background()
	c, err := s.st.CustomerByEmail(ctx, s.emails[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var h customerauth.TokenHash
		h[0], h[1], h[2], h[3] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24)
		tok := &customerauth.Token{Hash: h, Kind: customerauth.TokenAccess, CustomerID: c.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		if err := s.st.IssueToken(ctx, tok); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// importBatchSize is the number of customers BenchmarkCreateCustomers
// stores per call, as an import sends them.
const importBatchSize = 1000

// benchBatch returns batch number n of importBatchSize customers with one
// address each, as an import makes them, distinct from every other batch.
func benchBatch(n int) []*customerauth.Customer {
	cs := make([]*customerauth.Customer, importBatchSize)
	for i := range cs {
		k := n*importBatchSize + i
		c := newCustomer(fmt.Sprintf("Imported.%08d@Example.com", k))
		c.ID = fmt.Sprintf("%d", 7_000_000_000_000+k) // a Shopify id
		c.Phone = fmt.Sprintf("+1613%07d", k%10_000_000)
		c.FirstName, c.LastName, c.Note = "Ann", "Lee", "imported from Shopify"
		c.State, c.AcceptsSMSMarketing = customerauth.StateDisabled, true
		c.Tags = []string{"imported", "newsletter"}
		c.Addresses = []customerauth.Address{{ID: uuid.NewString(), FirstName: "Ann", LastName: "Lee", Address1: "1 Main St",
			City: "Ottawa", Province: "Ontario", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "K1A 0A1",
			Phone: "+16135550100", Latitude: new(45.4215), Longitude: new(-75.6972)}}
		c.DefaultAddressID = c.Addresses[0].ID
		cs[i] = c
	}
	return cs
}

// BenchmarkCreateCustomers measures an import's write: CreateCustomers of a
// batch of 1000 customers with one address each, committed with an fsync
// (synchronous=FULL), into a store that grows by a batch per iteration. The
// "plainInsert" case writes the same rows into the same tables with the
// least work there is: values encoded beforehand, multi-row INSERTs of as
// many rows as a statement binds, one transaction per batch. It is the
// bound CreateCustomers is measured against.
func BenchmarkCreateCustomers(b *testing.B) {
	b.Run("store", func(b *testing.B) {
		st, _ := openStore(b)
		ctx := context.Background()
		n := 0
		for b.Loop() {
			b.StopTimer()
			cs := benchBatch(n)
			n++
			b.StartTimer()
			if err := st.CreateCustomers(ctx, cs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*importBatchSize)/b.Elapsed().Seconds(), "customers/s")
	})
	b.Run("plainInsert", func(b *testing.B) {
		st, _ := openStore(b)
		ctx := context.Background()
		n := 0
		for b.Loop() {
			b.StopTimer()
			var customers, addresses [][]any
			for _, c := range benchBatch(n) {
				a := c.Addresses[0]
				customers = append(customers, []any{c.ID, c.Email, c.EmailKey, c.Phone, nil, c.FirstName, c.LastName, 0,
					int64(c.State), "", `["imported","newsletter"]`, c.DefaultAddressID, c.CreatedAt.UnixNano(),
					c.UpdatedAt.UnixNano(), 0, 1, 0, c.Note})
				addresses = append(addresses, []any{c.ID, 1, a.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2,
					a.City, a.Province, a.ProvinceCode, a.Country, a.CountryCode, a.Zip, a.Phone, *a.Latitude, *a.Longitude})
			}
			n++
			b.StartTimer()
			tx, err := st.DB().BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, ins := range []struct {
				prefix string
				rows   [][]any
			}{
				{`INSERT INTO customerauth_customers (id, email, email_key, phone, multipass_identifier, first_name,
					last_name, accepts_marketing, state, password_hash, tags, default_address_id, created_at, updated_at,
					credential_version, accepts_sms_marketing, tax_exempt, note) VALUES `, customers},
				{`INSERT INTO customerauth_addresses (customer_id, position, id, first_name, last_name, company, address1,
					address2, city, province, province_code, country, country_code, zip, phone, latitude, longitude) VALUES `, addresses},
			} {
				per := 32766 / len(ins.rows[0])
				for start := 0; start < len(ins.rows); start += per {
					chunk := ins.rows[start:min(start+per, len(ins.rows))]
					row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk[0])), ", ") + ")"
					var args []any
					for _, r := range chunk {
						args = append(args, r...)
					}
					query := ins.prefix + strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
					if _, err := tx.ExecContext(ctx, query, args...); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*importBatchSize)/b.Elapsed().Seconds(), "customers/s")
	})
}

// BenchmarkFindCustomers measures an import's lookup: FindCustomers of the
// ids and email keys of a batch of 1000, half of them stored, in a store of
// 20,000 imported customers.
func BenchmarkFindCustomers(b *testing.B) {
	st, _ := openStore(b)
	ctx := context.Background()
	const stored = 20
	for n := range stored {
		if err := st.CreateCustomers(ctx, benchBatch(n)); err != nil {
			b.Fatal(err)
		}
	}
	var ids, keys []string
	for i, c := range append(benchBatch(stored - 1)[:importBatchSize/2], benchBatch(stored)[:importBatchSize/2]...) {
		ids = append(ids, c.ID)
		if i%2 == 0 {
			keys = append(keys, c.EmailKey)
		}
	}
	n := 0
	for b.Loop() {
		found, err := st.FindCustomers(ctx, ids, keys)
		if err != nil || len(found) != importBatchSize/2 {
			b.Fatalf("FindCustomers: %d found, %v", len(found), err)
		}
		n++
	}
	b.ReportMetric(float64(n*importBatchSize)/b.Elapsed().Seconds(), "lookups/s")
}
