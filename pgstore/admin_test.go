package pgstore_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
)

// TestListAfterAnyString: After may be any string, not only an ID from an
// earlier page; one that PostgreSQL text cannot hold (a NUL, bytes that are
// not UTF-8) or that holds bytes no ID has still lists exactly the IDs
// that sort after it byte by byte, as Go compares strings.
func TestListAfterAnyString(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	ids := []string{"-", "0", "9", "A", "Z", "_", "a", "a-", "a_", "aa", "az", "b", "z", "zz"}
	var cs []*customerauth.Customer
	for i, id := range ids {
		c := customer(fmt.Sprintf("list%d@example.com", i))
		c.ID = id
		cs = append(cs, c)
	}
	if err := s.CreateCustomers(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	for _, after := range []string{"", "a", "a\x00", "a\x00zz", "a\xff", "a\xffb", "a b", "a~", "a.", "é", "\x7f", "\x00", " ", "zzz", "a_\x80"} {
		got, err := s.ListCustomers(t.Context(), customerauth.CustomerQuery{After: after, Limit: 100})
		if err != nil {
			t.Errorf("ListCustomers(After: %q): %v", after, err)
			continue
		}
		var gotIDs, want []string
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		for _, id := range ids {
			if id > after {
				want = append(want, id)
			}
		}
		if !slices.Equal(gotIDs, want) {
			t.Errorf("ListCustomers(After: %q) = %q, want %q", after, gotIDs, want)
		}
	}
	// A search PostgreSQL text cannot hold matches nothing, without an error.
	for _, search := range []string{"a\x00", "\xff"} {
		if got, err := s.ListCustomers(t.Context(), customerauth.CustomerQuery{Search: search, Limit: 100}); err != nil || len(got) != 0 {
			t.Errorf("ListCustomers(Search: %q) = %d customers, %v; want none", search, len(got), err)
		}
	}
	if _, err := s.ListCustomers(t.Context(), customerauth.CustomerQuery{Limit: 0}); err == nil {
		t.Error("ListCustomers with Limit 0 succeeded")
	}
}

// TestConcurrentBatchesInOppositeOrders: two imports that create the same
// emails at once, in opposite orders, would deadlock in the unique index,
// each waiting for the other's uncommitted row, and PostgreSQL would fail
// one with an error that is no conflict. CreateCustomers' batches take
// turns instead: exactly one batch is stored, and the other gets
// ErrConflict.
func TestConcurrentBatchesInOppositeOrders(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	const n = 3000
	for round := range 4 {
		batches := make([][]*customerauth.Customer, 2)
		for i := range n {
			for b := range batches {
				k := i
				if b == 1 {
					k = n - 1 - i
				}
				c := customer(fmt.Sprintf("r%d.k%d@example.com", round, k))
				c.ID = fmt.Sprintf("r%d-b%d-%d", round, b, k)
				batches[b] = append(batches[b], c)
			}
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for b := range batches {
			wg.Go(func() { errs[b] = s.CreateCustomers(t.Context(), batches[b]) })
		}
		wg.Wait()
		ok := 0
		for b, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, customerauth.ErrConflict):
				t.Errorf("round %d, batch %d: %v, want nil or ErrConflict", round, b, err)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d batches stored, want 1 (%v)", round, ok, errs)
		}
	}
}
