package customerauth

import (
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryStore is a Store that keeps everything in memory: for tests,
// development and single-process demos. All data is lost when the process
// exits. It is safe for concurrent use; every lookup is a map access.
type MemoryStore struct {
	mu        sync.RWMutex
	customers map[string]*Customer // by ID
	byEmail   map[string]string    // EmailKey -> ID
	byPhone   map[string]string    // Phone -> ID
	byIdent   map[string]string    // MultipassIdentifier -> ID
	byAddress map[string]string    // Address.ID -> ID: address ids are unique across customers
	tokens    map[TokenHash]*Token
	// byCustomer indexes tokens by customer so revocation does not scan.
	byCustomer map[string]map[TokenHash]struct{}
	// order is every customer ID in byte order, for ListCustomers; nil
	// when it must be rebuilt (see memstore_admin.go).
	order []string

	replayMu  sync.Mutex
	replay    map[[32]byte]time.Time
	nextPrune time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		customers:  map[string]*Customer{},
		byEmail:    map[string]string{},
		byPhone:    map[string]string{},
		byIdent:    map[string]string{},
		byAddress:  map[string]string{},
		replay:     map[[32]byte]time.Time{},
		tokens:     map[TokenHash]*Token{},
		byCustomer: map[string]map[TokenHash]struct{}{},
	}
}

var (
	_ Store       = (*MemoryStore)(nil)
	_ ReplayCache = (*MemoryStore)(nil)
)

// uniqueIndexes lists the secondary keys that must be unique, each with
// the customer field it indexes. Empty values are not indexed.
func (m *MemoryStore) uniqueIndexes() []struct {
	index map[string]string
	key   func(*Customer) string
} {
	return []struct {
		index map[string]string
		key   func(*Customer) string
	}{
		{m.byEmail, func(c *Customer) string { return c.EmailKey }},
		{m.byPhone, func(c *Customer) string { return c.Phone }},
		{m.byIdent, func(c *Customer) string { return c.MultipassIdentifier }},
	}
}

// takenLocked reports whether a unique key of c belongs to another
// customer.
func (m *MemoryStore) takenLocked(c *Customer) bool {
	for _, ix := range m.uniqueIndexes() {
		if k := ix.key(c); k != "" {
			if id, ok := ix.index[k]; ok && id != c.ID {
				return true
			}
		}
	}
	seen := make(map[string]bool, len(c.Addresses))
	for _, a := range c.Addresses {
		if id, ok := m.byAddress[a.ID]; seen[a.ID] || ok && id != c.ID {
			return true
		}
		seen[a.ID] = true
	}
	return false
}

func (m *MemoryStore) indexLocked(c *Customer, add bool) {
	for _, ix := range m.uniqueIndexes() {
		if k := ix.key(c); k != "" {
			if add {
				ix.index[k] = c.ID
			} else {
				delete(ix.index, k)
			}
		}
	}
	for _, a := range c.Addresses {
		if add {
			m.byAddress[a.ID] = c.ID
		} else {
			delete(m.byAddress, a.ID)
		}
	}
}

// CreateCustomer implements Store.
func (m *MemoryStore) CreateCustomer(ctx context.Context, c *Customer, tok *Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.customers[c.ID]; ok || m.takenLocked(c) {
		return ErrConflict
	}
	c = c.Clone()
	m.customers[c.ID] = c
	m.indexLocked(c, true)
	m.orderAddLocked(c.ID)
	if tok != nil {
		m.issueLocked(tok, c.CredentialVersion)
	}
	return nil
}

// CustomerByID implements Store.
func (m *MemoryStore) CustomerByID(ctx context.Context, id string) (*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.customerLocked(id)
}

// CustomerByEmail implements Store.
func (m *MemoryStore) CustomerByEmail(ctx context.Context, key string) (*Customer, error) {
	return m.customerBy(ctx, m.byEmail, key)
}

// CustomerByPhone implements Store.
func (m *MemoryStore) CustomerByPhone(ctx context.Context, phone string) (*Customer, error) {
	return m.customerBy(ctx, m.byPhone, phone)
}

// CustomerByMultipassIdentifier implements Store.
func (m *MemoryStore) CustomerByMultipassIdentifier(ctx context.Context, identifier string) (*Customer, error) {
	return m.customerBy(ctx, m.byIdent, identifier)
}

func (m *MemoryStore) customerBy(ctx context.Context, index map[string]string, key string) (*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := index[key]
	if !ok || key == "" {
		return nil, ErrNotFound
	}
	return m.customerLocked(id)
}

func (m *MemoryStore) customerLocked(id string) (*Customer, error) {
	c, ok := m.customers[id]
	if !ok {
		return nil, ErrNotFound
	}
	return c.Clone(), nil
}

// UpdateCustomer implements Store. It checks every condition before it
// changes anything, so a refused change leaves no trace.
func (m *MemoryStore) UpdateCustomer(ctx context.Context, ch *CustomerChange) (*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.customers[ch.ID]
	if !ok {
		return nil, ErrNotFound
	}
	if ch.IfCredentialVersion != nil && *ch.IfCredentialVersion != old.CredentialVersion {
		return nil, ErrCredentialsChanged
	}
	if ch.Consume != nil {
		if t, ok := m.usableLocked(ch.Consume.Kind, ch.Consume.Hash, ch.UpdatedAt); !ok || t.CustomerID != ch.ID {
			return nil, ErrNotFound
		}
	}
	if ch.AccessToken != nil {
		if t, ok := m.usableLocked(TokenAccess, *ch.AccessToken, ch.UpdatedAt); !ok || t.CustomerID != ch.ID {
			return nil, ErrNotFound
		}
	}
	c := old.Clone()
	applyChange(c, ch)
	if ch.RevokeTokens {
		c.CredentialVersion++
	}
	if m.takenLocked(c) {
		return nil, ErrConflict
	}

	// Every check passed: apply.
	m.indexLocked(old, false)
	m.indexLocked(c, true)
	m.customers[c.ID] = c
	if ch.Consume != nil {
		m.deleteTokenLocked(ch.Consume.Hash)
	}
	if ch.RevokeTokens {
		for h := range m.byCustomer[c.ID] {
			m.deleteTokenLocked(h)
		}
	}
	if ch.Issue != nil {
		m.issueLocked(ch.Issue, c.CredentialVersion)
	}
	return c.Clone(), nil
}

// applyChange sets the non-nil fields of ch on c. Store implementations
// that load and save whole customers can share it.
func applyChange(c *Customer, ch *CustomerChange) {
	if ch.Email != nil {
		c.Email = *ch.Email
		c.EmailKey = EmailKey(*ch.Email)
	}
	setIf(&c.Phone, ch.Phone)
	setIf(&c.FirstName, ch.FirstName)
	setIf(&c.LastName, ch.LastName)
	setIf(&c.AcceptsMarketing, ch.AcceptsMarketing)
	setIf(&c.AcceptsSMSMarketing, ch.AcceptsSMSMarketing)
	setIf(&c.TaxExempt, ch.TaxExempt)
	setIf(&c.Note, ch.Note)
	setIf(&c.Language, ch.Language)
	setIf(&c.State, ch.State)
	setIf(&c.PasswordHash, ch.PasswordHash)
	setIf(&c.MultipassIdentifier, ch.MultipassIdentifier)
	if ch.Tags != nil {
		c.Tags = slices.Clone(*ch.Tags)
	}
	if ch.Addresses != nil {
		c.Addresses = make([]Address, len(*ch.Addresses))
		for i, a := range *ch.Addresses {
			c.Addresses[i] = a.clone()
		}
		c.DefaultAddressID = ch.NewDefaultAddressID()
	} else if ch.PutAddress != nil {
		putAddress(c, *ch.PutAddress)
	}
	c.UpdatedAt = ch.UpdatedAt
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// IssueToken implements Store.
func (m *MemoryStore) IssueToken(ctx context.Context, tok *Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.customers[tok.CustomerID]
	if !ok {
		return ErrNotFound
	}
	if c.CredentialVersion != tok.CredentialVersion {
		return ErrCredentialsChanged
	}
	m.issueLocked(tok, c.CredentialVersion)
	return nil
}

// issueLocked stores tok bound to the credential version given.
func (m *MemoryStore) issueLocked(tok *Token, version uint64) {
	// Keep the per-customer index exact even if a hash were ever reissued.
	m.deleteTokenLocked(tok.Hash)
	if tok.Kind != TokenAccess {
		for h := range m.byCustomer[tok.CustomerID] {
			if m.tokens[h].Kind == tok.Kind {
				m.deleteTokenLocked(h)
			}
		}
	}
	t := *tok
	t.CredentialVersion = version
	m.tokens[t.Hash] = &t
	set := m.byCustomer[t.CustomerID]
	if set == nil {
		set = map[TokenHash]struct{}{}
		m.byCustomer[t.CustomerID] = set
	}
	set[t.Hash] = struct{}{}
}

func (m *MemoryStore) deleteTokenLocked(h TokenHash) {
	t, ok := m.tokens[h]
	if !ok {
		return
	}
	delete(m.tokens, h)
	if set := m.byCustomer[t.CustomerID]; set != nil {
		delete(set, h)
		if len(set) == 0 {
			delete(m.byCustomer, t.CustomerID)
		}
	}
}

// TokenByHash implements Store.
func (m *MemoryStore) TokenByHash(ctx context.Context, kind TokenKind, hash TokenHash, now time.Time) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.usableLocked(kind, hash, now)
	if !ok {
		return nil, ErrNotFound
	}
	c := *t
	return &c, nil
}

// usableLocked returns the token of the kind with the hash when it is
// valid at now and bound to its customer's current credentials.
func (m *MemoryStore) usableLocked(kind TokenKind, hash TokenHash, now time.Time) (*Token, bool) {
	t, ok := m.tokens[hash]
	if !ok || t.Kind != kind || !t.ValidAt(now) {
		return nil, false
	}
	if c, ok := m.customers[t.CustomerID]; !ok || c.CredentialVersion != t.CredentialVersion {
		return nil, false
	}
	return t, true
}

// RenewToken implements Store.
func (m *MemoryStore) RenewToken(ctx context.Context, hash TokenHash, now, expiresAt time.Time) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.usableLocked(TokenAccess, hash, now)
	if !ok {
		return nil, ErrNotFound
	}
	t.ExpiresAt = expiresAt
	c := *t
	return &c, nil
}

// DeleteToken implements Store.
func (m *MemoryStore) DeleteToken(ctx context.Context, hash TokenHash, now time.Time) (*Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.usableLocked(TokenAccess, hash, now)
	if !ok {
		return nil, ErrNotFound
	}
	m.deleteTokenLocked(hash)
	c := *t
	return &c, nil
}

// DeleteExpiredTokens implements Store.
func (m *MemoryStore) DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for h, t := range m.tokens {
		if !t.ValidAt(now) {
			m.deleteTokenLocked(h)
			n++
		}
	}
	return n, nil
}

// Remember implements ReplayCache. Expired entries are swept at most once
// a minute, so memory stays bounded by the keys of the last lifetime.
func (m *MemoryStore) Remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.replayMu.Lock()
	defer m.replayMu.Unlock()
	if !now.Before(m.nextPrune) {
		for k, exp := range m.replay {
			if exp.Before(now) {
				delete(m.replay, k)
			}
		}
		m.nextPrune = now.Add(time.Minute)
	}
	if exp, ok := m.replay[key]; ok && exp.After(now) {
		return false, nil
	}
	m.replay[key] = expiresAt
	return true, nil
}
