package customerauth

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// StoreWithCapabilities returns s with only the optional capabilities set
// in caps, one bit each in this order: Limiter, ReplayCache,
// CustomerLister, CustomerEraser, CustomerImporter, Pinger. s must have
// every capability asked for.
func StoreWithCapabilities(s Store, caps uint8) Store {
	return withCapabilities(forwardStore{s}, capabilities(caps))
}

// TracedStore returns s as a Service with the TracerProvider tp uses it.
func TracedStore(s Store, tp trace.TracerProvider) Store {
	return traceStore(s, tp.Tracer(tracerName))
}

// forwardStore is a capableStore that only forwards to a Store.
type forwardStore struct{ Store }

func (f forwardStore) allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error) {
	return f.Store.(Limiter).Allow(ctx, key, rule, now)
}

func (f forwardStore) remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	return f.Store.(ReplayCache).Remember(ctx, key, now, expiresAt)
}

func (f forwardStore) listCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error) {
	return f.Store.(CustomerLister).ListCustomers(ctx, q)
}

func (f forwardStore) eraseCustomer(ctx context.Context, id string) error {
	return f.Store.(CustomerEraser).EraseCustomer(ctx, id)
}

func (f forwardStore) findCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error) {
	return f.Store.(CustomerImporter).FindCustomers(ctx, ids, emailKeys)
}

func (f forwardStore) createCustomers(ctx context.Context, cs []*Customer) error {
	return f.Store.(CustomerImporter).CreateCustomers(ctx, cs)
}

func (f forwardStore) ping(ctx context.Context) error { return f.Store.(Pinger).Ping(ctx) }
