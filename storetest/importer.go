package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// CustomerImporter.

// importerStore is a Store that is a CustomerImporter.
type importerStore interface {
	customerauth.Store
	customerauth.CustomerImporter
}

// runImporter checks the customerauth.CustomerImporter contract. An import
// matches a file's records to stored customers with FindCustomers and
// creates the new ones a batch at a time with CreateCustomers; when a
// batch conflicts it falls back to one CreateCustomer per record, so that
// only the records that conflict fail. That works only if a refused batch
// stored none of its customers.
func runImporter(t *testing.T, newStore func(t *testing.T) importerStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s importerStore)
	}{
		{"FindCustomersByIDsAndEmailKeys", testFindCustomers},
		{"FindCustomersOfNothingFindsNothing", testFindNothing},
		{"FoundCustomersAreCopies", testFindCopies},
		{"CreateCustomersStoresThousandWhole", testCreateMany},
		{"CreateCustomersOfNothingSucceeds", testCreateNone},
		{"CreateCustomersConflictWithStoredStoresNothing", testCreateManyConflictStored},
		{"CreateCustomersConflictWithinBatchStoresNothing", testCreateManyConflictBatch},
		{"CreateCustomersNeitherModifiesNorKeepsItsInput", testCreateManyInput},
		{"ConcurrentBatchesSharingAnEmailStoreOne", testCreateManyConcurrent},
		{"CancelledContextFindsAndCreatesNothing", testImportCancelled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// importedCustomer returns a customer as an import makes it: a Shopify id,
// and, by i, without phone, Multipass identifier, tags or addresses, in
// other states and at other credential versions, so a batch mixes every
// shape of row.
func importedCustomer(i int) *customerauth.Customer {
	c := newCustomer()
	c.ID = shopifyID()
	// The email is made from the ID: newCustomer's 32 random bits would
	// collide now and then in a batch of a thousand.
	setEmail(c, "Ann."+c.ID+"@example.com")
	c.CredentialVersion = uint64(i % 3)
	if i%2 == 1 {
		c.State, c.PasswordHash = customerauth.StateDisabled, ""
	}
	if i%3 == 1 {
		c.Phone = ""
	}
	if i%4 == 1 {
		c.MultipassIdentifier = ""
	}
	if i%5 == 1 {
		c.Tags = nil
		c.Note, c.TaxExempt, c.AcceptsSMSMarketing, c.Language = "", false, false, ""
	}
	switch i % 3 {
	case 1:
		c.Addresses, c.DefaultAddressID = nil, ""
	case 2:
		c.Addresses = c.Addresses[:1]
		c.DefaultAddressID = c.Addresses[0].ID
	}
	return c
}

// importedBatch returns n customers of importedCustomer.
func importedBatch(n int) []*customerauth.Customer {
	cs := make([]*customerauth.Customer, n)
	for i := range cs {
		cs[i] = importedCustomer(i)
	}
	return cs
}

// find calls FindCustomers and fails the test on an error.
func find(t *testing.T, s customerauth.CustomerImporter, ids, keys []string) []*customerauth.Customer {
	t.Helper()
	found, err := s.FindCustomers(t.Context(), ids, keys)
	if err != nil {
		t.Fatalf("FindCustomers(%d ids, %d email keys): %v", len(ids), len(keys), err)
	}
	return found
}

// wantFound fails unless found holds exactly the customers want, each once
// and whole, in any order.
func wantFound(t *testing.T, call string, found []*customerauth.Customer, want ...*customerauth.Customer) {
	t.Helper()
	found = slices.Clone(found)
	slices.SortFunc(found, func(a, b *customerauth.Customer) int { return cmp.Compare(a.ID, b.ID) })
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b *customerauth.Customer) int { return cmp.Compare(a.ID, b.ID) })
	if g, w := ids(found), ids(want); !slices.Equal(g, w) {
		t.Errorf("%s found %q, want %q", call, g, w)
		return
	}
	for i := range want {
		checkCustomer(t, call, want[i], found[i])
	}
}

// testFindCustomers: IDs and email keys find their customers, a customer
// that both find is returned once, and values that match nothing, or match
// only as the other kind of value, are ignored.
func testFindCustomers(t *testing.T, s importerStore) {
	cs := importedBatch(5)
	for _, c := range cs {
		mustCreate(t, s, c, nil)
	}
	c1, c2, c3, c4, c5 := cs[0], cs[1], cs[2], cs[3], cs[4]
	cases := []struct {
		name      string
		ids, keys []string
		want      []*customerauth.Customer
	}{
		{"IDs", []string{c1.ID, c2.ID}, nil, []*customerauth.Customer{c1, c2}},
		{"EmailKeys", nil, []string{c3.EmailKey, c4.EmailKey}, []*customerauth.Customer{c3, c4}},
		{"IDOfOneEmailKeyOfAnother", []string{c4.ID}, []string{c5.EmailKey}, []*customerauth.Customer{c4, c5}},
		{"BothOfOneCustomer", []string{c2.ID}, []string{c2.EmailKey}, []*customerauth.Customer{c2}},
		{"Mixed", []string{c1.ID, c2.ID, uuid.NewString(), c1.ID}, []string{c3.EmailKey, c2.EmailKey, "nobody@example.com", c3.EmailKey}, []*customerauth.Customer{c1, c2, c3}},
		{"UnknownOnly", []string{shopifyID(), uuid.NewString()}, []string{"nobody@example.com"}, nil},
		{"EmailKeyAsID", []string{c5.EmailKey}, nil, nil},
		{"IDAsEmailKey", nil, []string{c5.ID}, nil},
		{"PhoneAndIdentifier", []string{c1.Phone, c1.MultipassIdentifier}, []string{c1.Phone, c1.MultipassIdentifier}, nil},
	}
	for _, tc := range cases {
		found := find(t, s, tc.ids, tc.keys)
		wantFound(t, "FindCustomers("+tc.name+")", found, tc.want...)
	}
}

// testFindNothing: no values, or empty ones, find nothing, without error.
func testFindNothing(t *testing.T, s importerStore) {
	for _, c := range importedBatch(3) {
		mustCreate(t, s, c, nil)
	}
	for _, in := range []struct {
		name      string
		ids, keys []string
	}{
		{"Nil", nil, nil},
		{"Empty", []string{}, []string{}},
		{"EmptyStrings", []string{""}, []string{""}},
	} {
		if found := find(t, s, in.ids, in.keys); len(found) != 0 {
			t.Errorf("FindCustomers(%s) found %q, want nothing", in.name, ids(found))
		}
	}
}

// testFindCopies: customers found share no memory with the store.
func testFindCopies(t *testing.T, s importerStore) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	found := find(t, s, []string{c.ID}, []string{c.EmailKey})
	if len(found) != 1 {
		t.Fatalf("FindCustomers found %d customers, want 1", len(found))
	}
	mutate(found[0])
	wantCustomer(t, s, c)
}

// testCreateMany: a thousand customers, every shape of row, stored in one
// call, each whole and found by every lookup, and by FindCustomers at
// once.
func testCreateMany(t *testing.T, s importerStore) {
	cs := importedBatch(1000)
	if err := s.CreateCustomers(t.Context(), cs); err != nil {
		t.Fatalf("CreateCustomers(1000 customers): %v", err)
	}
	idList := make([]string, len(cs))
	keys := make([]string, len(cs))
	for i, c := range cs {
		idList[i], keys[i] = c.ID, c.EmailKey
		got, err := s.CustomerByID(t.Context(), c.ID)
		if err != nil {
			t.Fatalf("CustomerByID(customer %d): %v", i, err)
		}
		checkCustomer(t, "CustomerByID", c, got)
		for _, l := range customerLookups(s, c)[1:] {
			if l.key == "" {
				continue
			}
			got, err := l.find(t.Context(), l.key)
			if err != nil || got.ID != c.ID {
				t.Errorf("%s(value of customer %d) = %v, %v; want customer %s", l.name, i, got, err, c.ID)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	wantFound(t, "FindCustomers(1000 IDs)", find(t, s, idList, nil), cs...)
	wantFound(t, "FindCustomers(1000 email keys)", find(t, s, nil, keys), cs...)
	wantFound(t, "FindCustomers(1000 IDs and their email keys)", find(t, s, idList, keys), cs...)

	// A second batch goes in beside the first.
	more := importedBatch(10)
	if err := s.CreateCustomers(t.Context(), more); err != nil {
		t.Fatalf("CreateCustomers(a second batch): %v", err)
	}
	for _, c := range more {
		wantCustomer(t, s, c)
	}
}

// testCreateNone: an empty batch stores nothing and is no error.
func testCreateNone(t *testing.T, s importerStore) {
	for _, cs := range [][]*customerauth.Customer{nil, {}} {
		if err := s.CreateCustomers(t.Context(), cs); err != nil {
			t.Errorf("CreateCustomers(%d customers): %v", len(cs), err)
		}
	}
}

// wantBatchRefused checks that CreateCustomers(batch) is ErrConflict and
// stores none of fresh, customers whose values are all their own, and
// takes none of their address ids; onto is where it tries those.
func wantBatchRefused(t *testing.T, s importerStore, batch, fresh []*customerauth.Customer, onto *customerauth.Customer) {
	t.Helper()
	wantErr(t, s.CreateCustomers(t.Context(), batch), customerauth.ErrConflict, "CreateCustomers")
	for _, c := range fresh {
		for _, l := range customerLookups(s, c) {
			if got, err := l.find(t.Context(), l.key); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("%s(value of a customer of the refused batch) = %v, %v; want ErrNotFound", l.name, got, err)
			}
		}
	}
	for _, c := range fresh {
		for _, a := range c.Addresses {
			if _, err := s.AddAddress(t.Context(), change(onto), a, 0); err != nil {
				t.Errorf("AddAddress with an address id of the refused batch: %v", err)
			}
		}
	}
}

// testCreateManyConflictStored: one customer of the batch, not the first,
// has a value of a stored customer: nothing of the batch is stored, and
// the stored customer is as it was.
func testCreateManyConflictStored(t *testing.T, s importerStore) {
	clashes := []struct {
		name  string
		clash func(c, stored *customerauth.Customer)
	}{
		{"ID", func(c, st *customerauth.Customer) { c.ID = st.ID }},
		{"EmailKey", func(c, st *customerauth.Customer) { setEmail(c, strings.ToUpper(st.Email)) }},
		{"Phone", func(c, st *customerauth.Customer) { c.Phone = st.Phone }},
		{"MultipassIdentifier", func(c, st *customerauth.Customer) { c.MultipassIdentifier = st.MultipassIdentifier }},
		{"AddressID", func(c, st *customerauth.Customer) { c.Addresses[0].ID = st.Addresses[1].ID }},
	}
	for _, tc := range clashes {
		t.Run(tc.name, func(t *testing.T) {
			stored := newCustomer()
			mustCreate(t, s, stored, nil)
			fresh := importedBatch(3)
			clash := newCustomer()
			clash.ID = shopifyID()
			tc.clash(clash, stored)
			batch := []*customerauth.Customer{fresh[0], fresh[1], clash, fresh[2]}
			wantBatchRefused(t, s, batch, fresh, bareStored(t, s))
			wantCustomer(t, s, stored)
			for _, l := range customerLookups(s, stored) {
				got, err := l.find(t.Context(), l.key)
				if err != nil || got.ID != stored.ID {
					t.Errorf("%s(value of the stored customer) = %v, %v; want customer %s", l.name, got, err, stored.ID)
				}
			}
			if tc.name != "ID" {
				wantNoCustomer(t, s, clash.ID)
			}
		})
	}
}

// bareStored stores a customer without addresses, for address ids to be
// tried on.
func bareStored(t *testing.T, s customerauth.Store) *customerauth.Customer {
	t.Helper()
	c := bareCustomer()
	mustCreate(t, s, c, nil)
	return c
}

// testCreateManyConflictWithinBatch: two customers of the batch share a
// value, or one has an address id twice: nothing of the batch is stored.
func testCreateManyConflictBatch(t *testing.T, s importerStore) {
	clashes := []struct {
		name  string
		clash func(a, b *customerauth.Customer)
	}{
		{"ID", func(a, b *customerauth.Customer) { b.ID = a.ID }},
		{"EmailKey", func(a, b *customerauth.Customer) { setEmail(b, strings.ToUpper(a.Email)) }},
		{"Phone", func(a, b *customerauth.Customer) { b.Phone = a.Phone }},
		{"MultipassIdentifier", func(a, b *customerauth.Customer) { b.MultipassIdentifier = a.MultipassIdentifier }},
		{"AddressID", func(a, b *customerauth.Customer) { b.Addresses[0].ID = a.Addresses[1].ID }},
		{"AddressIDTwiceInOneCustomer", func(a, _ *customerauth.Customer) { a.Addresses[0].ID = a.Addresses[1].ID }},
	}
	for _, tc := range clashes {
		t.Run(tc.name, func(t *testing.T) {
			fresh := importedBatch(3)
			a, b := newCustomer(), newCustomer()
			a.ID, b.ID = shopifyID(), shopifyID()
			tc.clash(a, b)
			batch := []*customerauth.Customer{fresh[0], a, fresh[1], b, fresh[2]}
			wantBatchRefused(t, s, batch, fresh, bareStored(t, s))
			wantNoCustomer(t, s, a.ID)
			wantNoCustomer(t, s, b.ID)
			for _, c := range []*customerauth.Customer{a, b} {
				if got, err := s.CustomerByEmail(t.Context(), c.EmailKey); !errors.Is(err, customerauth.ErrNotFound) {
					t.Errorf("CustomerByEmail(email of a clashing customer) = %v, %v; want ErrNotFound", got, err)
				}
			}
		})
	}
}

// testCreateManyInput: CreateCustomers changes nothing in the customers it
// is given, whether it stores them or not, and keeps copies of them.
func testCreateManyInput(t *testing.T, s importerStore) {
	for _, conflict := range []bool{false, true} {
		t.Run(fmt.Sprintf("Conflict=%t", conflict), func(t *testing.T) {
			// newCustomer's have every field set, for mutate to change.
			cs := make([]*customerauth.Customer, 4)
			for i := range cs {
				cs[i] = newCustomer()
				cs[i].ID = shopifyID()
			}
			if conflict {
				cs[3].ID = cs[1].ID
			}
			backing := slices.Clone(cs)
			want := make([]*customerauth.Customer, len(cs))
			for i, c := range cs {
				want[i] = c.Clone()
			}
			err := s.CreateCustomers(t.Context(), cs)
			if conflict {
				wantErr(t, err, customerauth.ErrConflict, "CreateCustomers")
			} else if err != nil {
				t.Fatalf("CreateCustomers: %v", err)
			}
			for i := range cs {
				if cs[i] != backing[i] {
					t.Errorf("CreateCustomers replaced element %d of its slice", i)
				}
				for _, d := range structDiff(want[i], cs[i]) {
					t.Errorf("CreateCustomers changed its customer %d: %s", i, d)
				}
			}
			if conflict {
				return
			}
			for _, c := range cs {
				mutate(c)
			}
			for _, c := range want {
				wantCustomer(t, s, c)
			}
		})
	}
}

// testCreateManyConcurrent: batches that share one email, created at once:
// exactly one is stored, whole, and none of the others' customers is.
func testCreateManyConcurrent(t *testing.T, s importerStore) {
	const n, size = 10, 4
	batches := make([][]*customerauth.Customer, n)
	errs := make([]error, n)
	for i := range batches {
		batches[i] = importedBatch(size)
		setEmail(batches[i][i%size], "Shared@Example.com")
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range batches {
		wg.Go(func() {
			<-start
			errs[i] = s.CreateCustomers(context.Background(), batches[i])
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("batches %d and %d were both stored with one email", winner, i)
		case !errors.Is(err, customerauth.ErrConflict):
			t.Errorf("batch %d: error %v, want ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no batch was stored")
	}
	for i, b := range batches {
		for _, c := range b {
			if i == winner {
				wantCustomer(t, s, c)
			} else {
				wantNoCustomer(t, s, c.ID)
			}
		}
	}
}

// testImportCancelled: with a cancelled context FindCustomers fails and
// CreateCustomers stores nothing.
func testImportCancelled(t *testing.T, s importerStore) {
	stored := newCustomer()
	mustCreate(t, s, stored, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	found, err := s.FindCustomers(ctx, []string{stored.ID}, []string{stored.EmailKey})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("FindCustomers with a cancelled context = %d customers, %v; want context.Canceled", len(found), err)
	}
	batch := importedBatch(3)
	wantErr(t, s.CreateCustomers(ctx, batch), context.Canceled, "CreateCustomers with a cancelled context")
	for _, c := range batch {
		wantNoCustomer(t, s, c.ID)
		if got, err := s.CustomerByEmail(t.Context(), c.EmailKey); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("CustomerByEmail(email of a cancelled batch) = %v, %v; want ErrNotFound", got, err)
		}
	}
	wantCustomer(t, s, stored)
}
