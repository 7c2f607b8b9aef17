package customerauth_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
	"golang.org/x/crypto/bcrypt"
)

// plainStore is a Store with none of the optional capabilities, for the
// Service's fallbacks.
type plainStore struct{ customerauth.Store }

func records(recs ...customerauth.ImportRecord) func(func(customerauth.ImportRecord, error) bool) {
	return func(yield func(customerauth.ImportRecord, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func newImportService(t *testing.T, store customerauth.Store) *customerauth.Service {
	t.Helper()
	svc, err := customerauth.New(customerauth.Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestImportCustomersWorksOnEveryKindOfStore(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store customerauth.Store
	}{
		{"bulk", customerauth.NewMemoryStore()},
		{"one at a time", plainStore{customerauth.NewMemoryStore()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := newImportService(t, tc.store)
			recs := []customerauth.ImportRecord{
				{Line: 2, ID: "1001", Email: "Ann@Example.com", FirstName: "Ann", Tags: []string{"vip", " vip ", ""},
					Address: &customerauth.Address{Address1: "1 Main St", City: "Ottawa", ProvinceCode: "ON", CountryCode: "CA"}},
				{Line: 3, Email: "bob@example.com", Phone: "+1 (613) 555-0100"},
				{Line: 4, ID: "1002", Email: "ann@example.com"},                       // Ann's email, another id
				{Line: 5, ID: "1003", Email: "cy@example.com", Phone: "+16135550100"}, // Bob's phone
				{Line: 6, ID: "not/valid", Email: "dee@example.com"},
			}
			var results []customerauth.ImportResult
			sum, err := svc.ImportCustomers(context.Background(), records(recs...), customerauth.ImportOptions{
				BatchSize: 2, OnResult: func(r customerauth.ImportResult) { results = append(results, r) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum != (customerauth.ImportSummary{Created: 2, Failed: 3}) {
				t.Fatalf("summary = %+v", sum)
			}
			var outcomes []string
			for _, r := range results {
				outcomes = append(outcomes, fmt.Sprint(r.Line, r.Outcome))
			}
			if want := []string{"2 created", "3 created", "4 failed", "5 failed", "6 failed"}; !slices.Equal(outcomes, want) {
				t.Errorf("outcomes = %v, want %v", outcomes, want)
			}
			ann, err := svc.Customer(context.Background(), "gid://shopify/Customer/1001")
			if err != nil || ann.State != customerauth.StateDisabled || !slices.Equal(ann.Tags, []string{"vip"}) ||
				ann.DefaultAddress() == nil || ann.DefaultAddress().Province != "Ontario" {
				t.Errorf("imported Ann = %+v, %v", ann, err)
			}
			// Again: nothing changes.
			sum, err = svc.ImportCustomers(context.Background(), records(recs...), customerauth.ImportOptions{})
			if err != nil || sum != (customerauth.ImportSummary{Unchanged: 2, Failed: 3}) {
				t.Errorf("second import = %+v, %v", sum, err)
			}
			// A changed record updates its customer in place, address too.
			recs[0].LastName, recs[0].Address.City = "Lee", "Toronto"
			sum, err = svc.ImportCustomers(context.Background(), records(recs[0]), customerauth.ImportOptions{})
			ann, _ = svc.Customer(context.Background(), "1001")
			if err != nil || sum.Updated != 1 || ann.LastName != "Lee" || len(ann.Addresses) != 1 || ann.Addresses[0].City != "Toronto" {
				t.Errorf("update = %+v, %v: %+v", sum, err, ann)
			}
		})
	}
}

func TestImportCustomersKeepsWhatCustomersAddedSince(t *testing.T) {
	svc := newImportService(t, customerauth.NewMemoryStore())
	rec := customerauth.ImportRecord{ID: "7", Email: "eve@example.com", FirstName: "Eve",
		Address: &customerauth.Address{Address1: "1 Main St", City: "Ottawa", CountryCode: "CA"}}
	ctx := context.Background()
	if _, err := svc.ImportCustomers(ctx, records(rec), customerauth.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetAddresses(ctx, "7", append(mustCustomer(t, svc, "7").Addresses, customerauth.Address{City: "Paris", CountryCode: "FR"}), 1); err != nil {
		t.Fatal(err)
	}
	rec.Address.City = "Toronto"
	if _, err := svc.ImportCustomers(ctx, records(rec), customerauth.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c := mustCustomer(t, svc, "7")
	var cities []string
	for _, a := range c.Addresses {
		cities = append(cities, a.City)
	}
	if !slices.Equal(cities, []string{"Toronto", "Paris"}) || c.DefaultAddress().City != "Toronto" {
		t.Errorf("addresses = %v, default %s", cities, c.DefaultAddress().City)
	}
}

func mustCustomer(t *testing.T, svc *customerauth.Service, id string) *customerauth.Customer {
	t.Helper()
	c, err := svc.Customer(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestImportCustomersDryRunWritesNothing(t *testing.T) {
	store := customerauth.NewMemoryStore()
	svc := newImportService(t, store)
	sum, err := svc.ImportCustomers(context.Background(), records(customerauth.ImportRecord{Email: "a@example.com"}),
		customerauth.ImportOptions{DryRun: true})
	if err != nil || sum.Created != 1 {
		t.Fatalf("dry run = %+v, %v", sum, err)
	}
	if _, err := store.CustomerByEmail(context.Background(), "a@example.com"); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("a dry run stored the customer: %v", err)
	}
}

// TestConcurrentImportsOfOneFileCreateEachCustomerOnce runs the same file
// in several imports at once: every customer ends up created exactly once,
// and the losers of each race report it instead of failing the import.
func TestConcurrentImportsOfOneFileCreateEachCustomerOnce(t *testing.T) {
	svc := newImportService(t, customerauth.NewMemoryStore())
	var recs []customerauth.ImportRecord
	for i := range 200 {
		recs = append(recs, customerauth.ImportRecord{Line: i + 2, ID: fmt.Sprint(5000 + i), Email: fmt.Sprintf("c%d@example.com", i)})
	}
	var wg sync.WaitGroup
	sums := make([]customerauth.ImportSummary, 4)
	for i := range sums {
		wg.Go(func() {
			var err error
			sums[i], err = svc.ImportCustomers(context.Background(), records(recs...), customerauth.ImportOptions{BatchSize: 50})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	created := 0
	for _, s := range sums {
		created += s.Created
		if s.Created+s.Unchanged+s.Failed != 200 {
			t.Errorf("summary %+v does not account for every record", s)
		}
	}
	if created != 200 {
		t.Errorf("%d customers created, want 200: %+v", created, sums)
	}
	list, _ := svc.ListCustomers(context.Background(), customerauth.CustomerQuery{Limit: 1000})
	if len(list) != 200 {
		t.Errorf("store holds %d customers", len(list))
	}
}

func TestInviteSkipsEnabledAndInvitedCustomers(t *testing.T) {
	svc := newImportService(t, customerauth.NewMemoryStore())
	ctx := context.Background()
	if _, err := svc.ImportCustomers(ctx, records(customerauth.ImportRecord{ID: "9", Email: "ivy@example.com"}), customerauth.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	link, err := svc.Invite(ctx, "9", customerauth.InvitationOptions{LinkOnly: true})
	if err != nil || !strings.Contains(link, "/account/activate/9/") {
		t.Fatalf("invite = %q, %v", link, err)
	}
	if _, err := svc.Invite(ctx, "9", customerauth.InvitationOptions{LinkOnly: true}); !errors.Is(err, customerauth.ErrNoInvitationNeeded) {
		t.Errorf("second invite = %v, want ErrNoInvitationNeeded", err)
	}
	if _, _, err := svc.ActivateByURL(ctx, link, "a long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Invite(ctx, "9", customerauth.InvitationOptions{Resend: true, LinkOnly: true}); !errors.Is(err, customerauth.ErrNoInvitationNeeded) {
		t.Errorf("inviting an enabled customer = %v", err)
	}
}

func ExampleService_ImportCustomers() {
	svc, _ := customerauth.New(customerauth.Config{Logger: slog.New(slog.DiscardHandler)})
	recs := []customerauth.ImportRecord{
		{Line: 2, ID: "7085491241234", Email: "ann@example.com", FirstName: "Ann"},
		{Line: 3, Email: "not an email"},
	}
	sum, _ := svc.ImportCustomers(context.Background(), func(yield func(customerauth.ImportRecord, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}, customerauth.ImportOptions{OnResult: func(r customerauth.ImportResult) {
		if r.Err != nil {
			fmt.Printf("line %d: %v\n", r.Line, r.Err)
		}
	}})
	c, _ := svc.Customer(context.Background(), "7085491241234")
	fmt.Println(sum.Created, "created,", sum.Failed, "failed")
	fmt.Println(svc.GlobalID(c.ID), c.State)
	// Output:
	// line 3: email: Email is invalid
	// 1 created, 1 failed
	// gid://shopify/Customer/7085491241234 DISABLED
}

// afterFindStore runs hook once, right after FindCustomers answers: the
// interleaving in which a customer changes between an import's lookup and
// its write.
type afterFindStore struct {
	*customerauth.MemoryStore
	hook func()
}

func (s *afterFindStore) FindCustomers(ctx context.Context, ids, keys []string) ([]*customerauth.Customer, error) {
	cs, err := s.MemoryStore.FindCustomers(ctx, ids, keys)
	if hook := s.hook; hook != nil {
		s.hook = nil
		hook()
	}
	return cs, err
}

// TestImportRacingActivationKeepsTheCustomersPassword: an import that
// brings a password hash for a customer without one, while that customer
// activates the account with a password of its own, fails that record and
// leaves the customer's own password in place.
func TestImportRacingActivationKeepsTheCustomersPassword(t *testing.T) {
	ctx := context.Background()
	store := &afterFindStore{MemoryStore: customerauth.NewMemoryStore()}
	svc, err := customerauth.New(customerauth.Config{Store: store, Logger: slog.New(slog.DiscardHandler),
		Argon2: customerauth.Argon2Params{Memory: 64, Iterations: 1}})
	if err != nil {
		t.Fatal(err)
	}
	rec := customerauth.ImportRecord{ID: "77", Email: "pat@example.com"}
	if _, err := svc.ImportCustomers(ctx, records(rec), customerauth.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	hashed, err := bcrypt.GenerateFromPassword([]byte("the old platform's password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	rec.PasswordHash = string(hashed)
	store.hook = func() {
		link, err := svc.ActivationURL(ctx, "77")
		if err == nil {
			_, _, err = svc.ActivateByURL(ctx, link, "the customer's own passphrase")
		}
		if err != nil {
			t.Error(err)
		}
	}
	var results []customerauth.ImportResult
	sum, err := svc.ImportCustomers(ctx, records(rec), customerauth.ImportOptions{
		OnResult: func(r customerauth.ImportResult) { results = append(results, r) },
	})
	if err != nil || sum.Failed != 1 || !strings.Contains(fmt.Sprint(results[0].Err), "set a password during the import") {
		t.Fatalf("import = %+v, %v, %+v", sum, err, results)
	}
	if _, err := svc.CreateAccessToken(ctx, "pat@example.com", "the customer's own passphrase"); err != nil {
		t.Errorf("the customer's own password no longer logs in: %v", err)
	}
	if _, err := svc.CreateAccessToken(ctx, "pat@example.com", "the old platform's password"); err == nil {
		t.Error("the imported hash replaced the customer's own password")
	}
}
