package storetest_test

import (
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/storetest"
)

// TestMemoryStore runs the Store contract suite against MemoryStore, the
// store the Service uses when the host configures none.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) customerauth.Store {
		return customerauth.NewMemoryStore()
	})
}

// limitedMemoryStore is a MemoryStore that also counts attempts, the way a
// SQL store does, so that MemoryLimiter runs the Limiter contract.
type limitedMemoryStore struct {
	*customerauth.MemoryStore
	*customerauth.MemoryLimiter
}

// TestMemoryLimiter runs the Limiter behaviours against MemoryLimiter, the
// Limiter the Service uses when the Store has none.
func TestMemoryLimiter(t *testing.T) {
	storetest.Run(t, func(*testing.T) customerauth.Store {
		return limitedMemoryStore{customerauth.NewMemoryStore(), customerauth.NewMemoryLimiter()}
	})
}
