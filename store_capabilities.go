package customerauth

import (
	"context"
	"time"
)

// A Store decorator (store_tracing.go) must have the optional interfaces
// of the Store it wraps, no more and no fewer: the Service finds a Store's
// capabilities by type assertion, so a decorator that had all of them would
// promise what the Store cannot do, and one that had none would hide what
// it can. This file builds a Store with exactly a given set.

// capabilities is a set of a Store's optional interfaces, one bit each. A
// new optional interface needs a bit here, a method in capableStore, a
// granting type, and twice the cases in withCapabilities.
type capabilities uint8

const (
	capLimiter capabilities = 1 << iota
	capReplayCache
	capLister
	capEraser
	capImporter
	capPinger
)

// capabilitiesOf returns the optional interfaces s implements.
func capabilitiesOf(s Store) capabilities {
	var c capabilities
	if _, ok := s.(Limiter); ok {
		c |= capLimiter
	}
	if _, ok := s.(ReplayCache); ok {
		c |= capReplayCache
	}
	if _, ok := s.(CustomerLister); ok {
		c |= capLister
	}
	if _, ok := s.(CustomerEraser); ok {
		c |= capEraser
	}
	if _, ok := s.(CustomerImporter); ok {
		c |= capImporter
	}
	if _, ok := s.(Pinger); ok {
		c |= capPinger
	}
	return c
}

// capableStore is a Store that has every optional capability's method
// under an unexported name, so that its method set grants none of them.
type capableStore interface {
	Store
	allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error)
	remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error)
	listCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error)
	eraseCustomer(ctx context.Context, id string) error
	findCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error)
	createCustomers(ctx context.Context, cs []*Customer) error
	ping(ctx context.Context) error
}

// Each of these grants one capability of a capableStore when embedded.
type (
	limiterCap     struct{ c capableStore }
	replayCacheCap struct{ c capableStore }
	listerCap      struct{ c capableStore }
	eraserCap      struct{ c capableStore }
	importerCap    struct{ c capableStore }
	pingerCap      struct{ c capableStore }
)

// Allow implements Limiter.
func (x limiterCap) Allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error) {
	return x.c.allow(ctx, key, rule, now)
}

// Remember implements ReplayCache.
func (x replayCacheCap) Remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	return x.c.remember(ctx, key, now, expiresAt)
}

// ListCustomers implements CustomerLister.
func (x listerCap) ListCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error) {
	return x.c.listCustomers(ctx, q)
}

// EraseCustomer implements CustomerEraser.
func (x eraserCap) EraseCustomer(ctx context.Context, id string) error {
	return x.c.eraseCustomer(ctx, id)
}

// FindCustomers implements CustomerImporter.
func (x importerCap) FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error) {
	return x.c.findCustomers(ctx, ids, emailKeys)
}

// CreateCustomers implements CustomerImporter.
func (x importerCap) CreateCustomers(ctx context.Context, cs []*Customer) error {
	return x.c.createCustomers(ctx, cs)
}

// Ping implements Pinger.
func (x pingerCap) Ping(ctx context.Context) error { return x.c.ping(ctx) }

// withCapabilities returns c as a Store that implements exactly the
// optional interfaces in caps. Go cannot add methods to a value at run
// time, so there is one struct type per set: each embeds the Store and the
// granting types of its capabilities. The sets are written out in bit
// order; TestTracedStoreKeepsCapabilities checks every one of them.
func withCapabilities(c capableStore, caps capabilities) Store {
	switch caps {
	case 0:
		return struct{ Store }{c}
	case capLimiter:
		return struct {
			Store
			limiterCap
		}{c, limiterCap{c}}
	case capReplayCache:
		return struct {
			Store
			replayCacheCap
		}{c, replayCacheCap{c}}
	case capLimiter | capReplayCache:
		return struct {
			Store
			limiterCap
			replayCacheCap
		}{c, limiterCap{c}, replayCacheCap{c}}
	case capLister:
		return struct {
			Store
			listerCap
		}{c, listerCap{c}}
	case capLimiter | capLister:
		return struct {
			Store
			limiterCap
			listerCap
		}{c, limiterCap{c}, listerCap{c}}
	case capReplayCache | capLister:
		return struct {
			Store
			replayCacheCap
			listerCap
		}{c, replayCacheCap{c}, listerCap{c}}
	case capLimiter | capReplayCache | capLister:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}}
	case capEraser:
		return struct {
			Store
			eraserCap
		}{c, eraserCap{c}}
	case capLimiter | capEraser:
		return struct {
			Store
			limiterCap
			eraserCap
		}{c, limiterCap{c}, eraserCap{c}}
	case capReplayCache | capEraser:
		return struct {
			Store
			replayCacheCap
			eraserCap
		}{c, replayCacheCap{c}, eraserCap{c}}
	case capLimiter | capReplayCache | capEraser:
		return struct {
			Store
			limiterCap
			replayCacheCap
			eraserCap
		}{c, limiterCap{c}, replayCacheCap{c}, eraserCap{c}}
	case capLister | capEraser:
		return struct {
			Store
			listerCap
			eraserCap
		}{c, listerCap{c}, eraserCap{c}}
	case capLimiter | capLister | capEraser:
		return struct {
			Store
			limiterCap
			listerCap
			eraserCap
		}{c, limiterCap{c}, listerCap{c}, eraserCap{c}}
	case capReplayCache | capLister | capEraser:
		return struct {
			Store
			replayCacheCap
			listerCap
			eraserCap
		}{c, replayCacheCap{c}, listerCap{c}, eraserCap{c}}
	case capLimiter | capReplayCache | capLister | capEraser:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			eraserCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, eraserCap{c}}
	case capImporter:
		return struct {
			Store
			importerCap
		}{c, importerCap{c}}
	case capLimiter | capImporter:
		return struct {
			Store
			limiterCap
			importerCap
		}{c, limiterCap{c}, importerCap{c}}
	case capReplayCache | capImporter:
		return struct {
			Store
			replayCacheCap
			importerCap
		}{c, replayCacheCap{c}, importerCap{c}}
	case capLimiter | capReplayCache | capImporter:
		return struct {
			Store
			limiterCap
			replayCacheCap
			importerCap
		}{c, limiterCap{c}, replayCacheCap{c}, importerCap{c}}
	case capLister | capImporter:
		return struct {
			Store
			listerCap
			importerCap
		}{c, listerCap{c}, importerCap{c}}
	case capLimiter | capLister | capImporter:
		return struct {
			Store
			limiterCap
			listerCap
			importerCap
		}{c, limiterCap{c}, listerCap{c}, importerCap{c}}
	case capReplayCache | capLister | capImporter:
		return struct {
			Store
			replayCacheCap
			listerCap
			importerCap
		}{c, replayCacheCap{c}, listerCap{c}, importerCap{c}}
	case capLimiter | capReplayCache | capLister | capImporter:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			importerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, importerCap{c}}
	case capEraser | capImporter:
		return struct {
			Store
			eraserCap
			importerCap
		}{c, eraserCap{c}, importerCap{c}}
	case capLimiter | capEraser | capImporter:
		return struct {
			Store
			limiterCap
			eraserCap
			importerCap
		}{c, limiterCap{c}, eraserCap{c}, importerCap{c}}
	case capReplayCache | capEraser | capImporter:
		return struct {
			Store
			replayCacheCap
			eraserCap
			importerCap
		}{c, replayCacheCap{c}, eraserCap{c}, importerCap{c}}
	case capLimiter | capReplayCache | capEraser | capImporter:
		return struct {
			Store
			limiterCap
			replayCacheCap
			eraserCap
			importerCap
		}{c, limiterCap{c}, replayCacheCap{c}, eraserCap{c}, importerCap{c}}
	case capLister | capEraser | capImporter:
		return struct {
			Store
			listerCap
			eraserCap
			importerCap
		}{c, listerCap{c}, eraserCap{c}, importerCap{c}}
	case capLimiter | capLister | capEraser | capImporter:
		return struct {
			Store
			limiterCap
			listerCap
			eraserCap
			importerCap
		}{c, limiterCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}}
	case capReplayCache | capLister | capEraser | capImporter:
		return struct {
			Store
			replayCacheCap
			listerCap
			eraserCap
			importerCap
		}{c, replayCacheCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}}
	case capLimiter | capReplayCache | capLister | capEraser | capImporter:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			eraserCap
			importerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}}
	case capPinger:
		return struct {
			Store
			pingerCap
		}{c, pingerCap{c}}
	case capLimiter | capPinger:
		return struct {
			Store
			limiterCap
			pingerCap
		}{c, limiterCap{c}, pingerCap{c}}
	case capReplayCache | capPinger:
		return struct {
			Store
			replayCacheCap
			pingerCap
		}{c, replayCacheCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, pingerCap{c}}
	case capLister | capPinger:
		return struct {
			Store
			listerCap
			pingerCap
		}{c, listerCap{c}, pingerCap{c}}
	case capLimiter | capLister | capPinger:
		return struct {
			Store
			limiterCap
			listerCap
			pingerCap
		}{c, limiterCap{c}, listerCap{c}, pingerCap{c}}
	case capReplayCache | capLister | capPinger:
		return struct {
			Store
			replayCacheCap
			listerCap
			pingerCap
		}{c, replayCacheCap{c}, listerCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capLister | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, pingerCap{c}}
	case capEraser | capPinger:
		return struct {
			Store
			eraserCap
			pingerCap
		}{c, eraserCap{c}, pingerCap{c}}
	case capLimiter | capEraser | capPinger:
		return struct {
			Store
			limiterCap
			eraserCap
			pingerCap
		}{c, limiterCap{c}, eraserCap{c}, pingerCap{c}}
	case capReplayCache | capEraser | capPinger:
		return struct {
			Store
			replayCacheCap
			eraserCap
			pingerCap
		}{c, replayCacheCap{c}, eraserCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capEraser | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			eraserCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, eraserCap{c}, pingerCap{c}}
	case capLister | capEraser | capPinger:
		return struct {
			Store
			listerCap
			eraserCap
			pingerCap
		}{c, listerCap{c}, eraserCap{c}, pingerCap{c}}
	case capLimiter | capLister | capEraser | capPinger:
		return struct {
			Store
			limiterCap
			listerCap
			eraserCap
			pingerCap
		}{c, limiterCap{c}, listerCap{c}, eraserCap{c}, pingerCap{c}}
	case capReplayCache | capLister | capEraser | capPinger:
		return struct {
			Store
			replayCacheCap
			listerCap
			eraserCap
			pingerCap
		}{c, replayCacheCap{c}, listerCap{c}, eraserCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capLister | capEraser | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			eraserCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, eraserCap{c}, pingerCap{c}}
	case capImporter | capPinger:
		return struct {
			Store
			importerCap
			pingerCap
		}{c, importerCap{c}, pingerCap{c}}
	case capLimiter | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, importerCap{c}, pingerCap{c}}
	case capReplayCache | capImporter | capPinger:
		return struct {
			Store
			replayCacheCap
			importerCap
			pingerCap
		}{c, replayCacheCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, importerCap{c}, pingerCap{c}}
	case capLister | capImporter | capPinger:
		return struct {
			Store
			listerCap
			importerCap
			pingerCap
		}{c, listerCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capLister | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			listerCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, listerCap{c}, importerCap{c}, pingerCap{c}}
	case capReplayCache | capLister | capImporter | capPinger:
		return struct {
			Store
			replayCacheCap
			listerCap
			importerCap
			pingerCap
		}{c, replayCacheCap{c}, listerCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capLister | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, importerCap{c}, pingerCap{c}}
	case capEraser | capImporter | capPinger:
		return struct {
			Store
			eraserCap
			importerCap
			pingerCap
		}{c, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capEraser | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			eraserCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capReplayCache | capEraser | capImporter | capPinger:
		return struct {
			Store
			replayCacheCap
			eraserCap
			importerCap
			pingerCap
		}{c, replayCacheCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capEraser | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			eraserCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capLister | capEraser | capImporter | capPinger:
		return struct {
			Store
			listerCap
			eraserCap
			importerCap
			pingerCap
		}{c, listerCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capLister | capEraser | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			listerCap
			eraserCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capReplayCache | capLister | capEraser | capImporter | capPinger:
		return struct {
			Store
			replayCacheCap
			listerCap
			eraserCap
			importerCap
			pingerCap
		}{c, replayCacheCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	case capLimiter | capReplayCache | capLister | capEraser | capImporter | capPinger:
		return struct {
			Store
			limiterCap
			replayCacheCap
			listerCap
			eraserCap
			importerCap
			pingerCap
		}{c, limiterCap{c}, replayCacheCap{c}, listerCap{c}, eraserCap{c}, importerCap{c}, pingerCap{c}}
	}
	panic("customerauth: unknown store capabilities")
}
