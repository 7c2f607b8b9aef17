package customerauth

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// tracedStore is a Store whose every call is a span, a child of the span
// in the call's context (the request's, through its execute span). The
// span names the operation and, where the call names one, the customer by
// id; never an email, a phone number, a token hash or a limiter key (which
// holds an email or an IP address). Answers that are outcomes rather than
// failures (ErrNotFound, ErrConflict, …) are recorded as such, not as
// errors: see endStoreSpan.
//
// The optional capabilities (Limiter, ReplayCache, CustomerLister,
// CustomerEraser, CustomerImporter, Pinger) are methods of tracedStore
// under unexported names, so that its own method set grants none of them;
// traceStore grants exactly those of the wrapped Store (withCapabilities),
// so the Service's type assertions find what the Store has, and nothing
// else. AddressBook is part of Store, so every Store has it.
type tracedStore struct {
	next Store
	t    trace.Tracer
}

// traceStore returns s with every call traced by t, and with exactly s's
// optional capabilities.
func traceStore(s Store, t trace.Tracer) Store {
	return withCapabilities(&tracedStore{next: s, t: t}, capabilitiesOf(s))
}

// start begins the span of one Store call; customerID, when not empty,
// names the customer it concerns.
func (s *tracedStore) start(ctx context.Context, name, customerID string) (context.Context, trace.Span) {
	if customerID == "" {
		return s.t.Start(ctx, name)
	}
	return s.t.Start(ctx, name, trace.WithAttributes(attribute.String(attrCustomerID, customerID)))
}

// endFound ends the span of a call that returns a customer, naming the
// customer found.
func endFound(sp trace.Span, c *Customer, err error) {
	if err == nil && c != nil {
		sp.SetAttributes(attribute.String(attrCustomerID, c.ID))
	}
	endStoreSpan(sp, err)
}

func customerIDOf(c *Customer) string {
	if c == nil {
		return ""
	}
	return c.ID
}

func tokenCustomerID(t *Token) string {
	if t == nil {
		return ""
	}
	return t.CustomerID
}

// CreateCustomer implements Store.
func (s *tracedStore) CreateCustomer(ctx context.Context, c *Customer, tok *Token) error {
	ctx, sp := s.start(ctx, "customerauth.store.CreateCustomer", customerIDOf(c))
	err := s.next.CreateCustomer(ctx, c, tok)
	endStoreSpan(sp, err)
	return err
}

// CustomerByID implements Store.
func (s *tracedStore) CustomerByID(ctx context.Context, id string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.CustomerByID", id)
	c, err := s.next.CustomerByID(ctx, id)
	endStoreSpan(sp, err)
	return c, err
}

// CustomerByEmail implements Store. The key is an email: the span names
// the customer found instead.
func (s *tracedStore) CustomerByEmail(ctx context.Context, key string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.CustomerByEmail", "")
	c, err := s.next.CustomerByEmail(ctx, key)
	endFound(sp, c, err)
	return c, err
}

// CustomerByPhone implements Store.
func (s *tracedStore) CustomerByPhone(ctx context.Context, phone string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.CustomerByPhone", "")
	c, err := s.next.CustomerByPhone(ctx, phone)
	endFound(sp, c, err)
	return c, err
}

// CustomerByMultipassIdentifier implements Store.
func (s *tracedStore) CustomerByMultipassIdentifier(ctx context.Context, identifier string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.CustomerByMultipassIdentifier", "")
	c, err := s.next.CustomerByMultipassIdentifier(ctx, identifier)
	endFound(sp, c, err)
	return c, err
}

// UpdateCustomer implements Store.
func (s *tracedStore) UpdateCustomer(ctx context.Context, ch *CustomerChange) (*Customer, error) {
	id := ""
	if ch != nil {
		id = ch.ID
	}
	ctx, sp := s.start(ctx, "customerauth.store.UpdateCustomer", id)
	c, err := s.next.UpdateCustomer(ctx, ch)
	endStoreSpan(sp, err)
	return c, err
}

// IssueToken implements Store.
func (s *tracedStore) IssueToken(ctx context.Context, tok *Token) error {
	ctx, sp := s.start(ctx, "customerauth.store.IssueToken", tokenCustomerID(tok))
	if tok != nil {
		sp.SetAttributes(attribute.String(attrTokenKind, tok.Kind.String()))
	}
	err := s.next.IssueToken(ctx, tok)
	endStoreSpan(sp, err)
	return err
}

// TokenByHash implements Store.
func (s *tracedStore) TokenByHash(ctx context.Context, kind TokenKind, hash TokenHash, now time.Time) (*Token, error) {
	ctx, sp := s.t.Start(ctx, "customerauth.store.TokenByHash", trace.WithAttributes(attribute.String(attrTokenKind, kind.String())))
	tok, err := s.next.TokenByHash(ctx, kind, hash, now)
	if err == nil && tok != nil {
		sp.SetAttributes(attribute.String(attrCustomerID, tok.CustomerID))
	}
	endStoreSpan(sp, err)
	return tok, err
}

// RenewToken implements Store.
func (s *tracedStore) RenewToken(ctx context.Context, hash TokenHash, now, expiresAt time.Time) (*Token, error) {
	ctx, sp := s.start(ctx, "customerauth.store.RenewToken", "")
	tok, err := s.next.RenewToken(ctx, hash, now, expiresAt)
	if err == nil && tok != nil {
		sp.SetAttributes(attribute.String(attrCustomerID, tok.CustomerID))
	}
	endStoreSpan(sp, err)
	return tok, err
}

// DeleteToken implements Store.
func (s *tracedStore) DeleteToken(ctx context.Context, hash TokenHash, now time.Time) (*Token, error) {
	ctx, sp := s.start(ctx, "customerauth.store.DeleteToken", "")
	tok, err := s.next.DeleteToken(ctx, hash, now)
	if err == nil && tok != nil {
		sp.SetAttributes(attribute.String(attrCustomerID, tok.CustomerID))
	}
	endStoreSpan(sp, err)
	return tok, err
}

// DeleteExpiredTokens implements Store.
func (s *tracedStore) DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	ctx, sp := s.start(ctx, "customerauth.store.DeleteExpiredTokens", "")
	n, err := s.next.DeleteExpiredTokens(ctx, now)
	sp.SetAttributes(attribute.Int("customerauth.tokens.deleted", n))
	endStoreSpan(sp, err)
	return n, err
}

// AddAddress implements AddressBook.
func (s *tracedStore) AddAddress(ctx context.Context, ch AddressChange, a Address, limit int) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.AddAddress", ch.CustomerID)
	c, err := s.next.AddAddress(ctx, ch, a, limit)
	endStoreSpan(sp, err)
	return c, err
}

// UpdateAddress implements AddressBook.
func (s *tracedStore) UpdateAddress(ctx context.Context, ch AddressChange, a Address) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.UpdateAddress", ch.CustomerID)
	c, err := s.next.UpdateAddress(ctx, ch, a)
	endStoreSpan(sp, err)
	return c, err
}

// DeleteAddress implements AddressBook.
func (s *tracedStore) DeleteAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.DeleteAddress", ch.CustomerID)
	c, err := s.next.DeleteAddress(ctx, ch, addressID)
	endStoreSpan(sp, err)
	return c, err
}

// SetDefaultAddress implements AddressBook.
func (s *tracedStore) SetDefaultAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.SetDefaultAddress", ch.CustomerID)
	c, err := s.next.SetDefaultAddress(ctx, ch, addressID)
	endStoreSpan(sp, err)
	return c, err
}

// The optional capabilities, granted by withCapabilities only when the
// wrapped Store has them (so the type assertions cannot fail).

// allow traces Limiter.Allow. The key holds an email or an IP address and
// stays out of the span; whether the attempt was allowed goes in.
func (s *tracedStore) allow(ctx context.Context, key string, rule Rule, now time.Time) (bool, error) {
	ctx, sp := s.start(ctx, "customerauth.store.Allow", "")
	ok, err := s.next.(Limiter).Allow(ctx, key, rule, now)
	sp.SetAttributes(attribute.Bool("customerauth.limiter.allowed", ok))
	endStoreSpan(sp, err)
	return ok, err
}

func (s *tracedStore) remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	ctx, sp := s.start(ctx, "customerauth.store.Remember", "")
	fresh, err := s.next.(ReplayCache).Remember(ctx, key, now, expiresAt)
	sp.SetAttributes(attribute.Bool("customerauth.replay.new", fresh))
	endStoreSpan(sp, err)
	return fresh, err
}

// listCustomers traces CustomerLister.ListCustomers; the search text may
// be part of an email and stays out of the span.
func (s *tracedStore) listCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.ListCustomers", "")
	cs, err := s.next.(CustomerLister).ListCustomers(ctx, q)
	sp.SetAttributes(attribute.Int("customerauth.customers", len(cs)))
	endStoreSpan(sp, err)
	return cs, err
}

func (s *tracedStore) eraseCustomer(ctx context.Context, id string) error {
	ctx, sp := s.start(ctx, "customerauth.store.EraseCustomer", id)
	err := s.next.(CustomerEraser).EraseCustomer(ctx, id)
	endStoreSpan(sp, err)
	return err
}

func (s *tracedStore) findCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error) {
	ctx, sp := s.start(ctx, "customerauth.store.FindCustomers", "")
	cs, err := s.next.(CustomerImporter).FindCustomers(ctx, ids, emailKeys)
	sp.SetAttributes(attribute.Int("customerauth.customers", len(cs)))
	endStoreSpan(sp, err)
	return cs, err
}

func (s *tracedStore) createCustomers(ctx context.Context, cs []*Customer) error {
	ctx, sp := s.start(ctx, "customerauth.store.CreateCustomers", "")
	sp.SetAttributes(attribute.Int("customerauth.customers", len(cs)))
	err := s.next.(CustomerImporter).CreateCustomers(ctx, cs)
	endStoreSpan(sp, err)
	return err
}

func (s *tracedStore) ping(ctx context.Context) error {
	ctx, sp := s.start(ctx, "customerauth.store.Ping", "")
	err := s.next.(Pinger).Ping(ctx)
	endStoreSpan(sp, err)
	return err
}
