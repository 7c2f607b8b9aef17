package storetest_test

import (
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/storetest"
)

// TestMemoryStore runs the Store contract suite against MemoryStore, the
// store the Service uses when the host configures none. MemoryStore is also
// a ReplayCache, so this runs the ReplayCache contract too.
func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) customerauth.Store {
		return customerauth.NewMemoryStore()
	})
}

// TestMemoryLimiter runs the Limiter contract against MemoryLimiter, the
// Limiter the Service uses when the Store has none.
func TestMemoryLimiter(t *testing.T) {
	storetest.RunLimiter(t, func(*testing.T) customerauth.Limiter {
		return customerauth.NewMemoryLimiter()
	})
}
