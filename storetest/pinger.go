package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Pinger.

// pingerStore is a Store that is a customerauth.Pinger.
type pingerStore interface {
	customerauth.Store
	customerauth.Pinger
}

// runPinger checks the customerauth.Pinger contract: a store that works
// says so. A host's health check pings often and with a short deadline,
// so an open store must answer within one, before and after it has been
// used and from many goroutines at once; a Ping that failed on a healthy
// store would have the host taken out of service.
func runPinger(t *testing.T, newStore func(t *testing.T) pingerStore) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s pingerStore)
	}{
		{"OpenStoreAnswers", testPingOpenStore},
		{"UsedStoreAnswers", testPingUsedStore},
		{"ConcurrentPingsAnswer", testPingConcurrently},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// pingDeadline is the kind of deadline a health check gives a store.
const pingDeadline = 5 * time.Second

func ping(t *testing.T, s customerauth.Pinger) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), pingDeadline)
	defer cancel()
	return s.Ping(ctx)
}

func testPingOpenStore(t *testing.T, s pingerStore) {
	if err := ping(t, s); err != nil {
		t.Fatalf("Ping on a new store: %v", err)
	}
}

func testPingUsedStore(t *testing.T, s pingerStore) {
	c := newCustomer()
	mustCreate(t, s, c, validToken(customerauth.TokenAccess, c.ID))
	mustGet(t, s, c.ID)
	if err := ping(t, s); err != nil {
		t.Fatalf("Ping after a write and a read: %v", err)
	}
}

func testPingConcurrently(t *testing.T, s pingerStore) {
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = ping(t, s) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Ping %d of %d concurrent ones: %v", i+1, n, err)
		}
	}
}
