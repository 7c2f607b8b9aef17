package sqlitestore_test

import (
	"context"
	"fmt"
	"path/filepath"
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
