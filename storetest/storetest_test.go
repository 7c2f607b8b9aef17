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
