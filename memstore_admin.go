package customerauth

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// The optional Store capabilities of store_admin.go, as MemoryStore has
// them: the admin command's list, export, erase and import work against the
// in-memory store as they do against a database.
var (
	_ CustomerLister   = (*MemoryStore)(nil)
	_ CustomerEraser   = (*MemoryStore)(nil)
	_ CustomerImporter = (*MemoryStore)(nil)
)

// ListCustomers implements CustomerLister. It walks the IDs in byte order
// from q.After and stops at q.Limit matches, so a page costs what it skips
// and returns, not a sort of every customer.
func (m *MemoryStore) ListCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if q.Limit <= 0 {
		return nil, fmt.Errorf("customerauth: ListCustomers: Limit %d is not positive", q.Limit)
	}
	// strings.ToLower on both sides is the rule CustomerQuery.Search
	// states; a plain substring test makes '%', '_' and '\' literal.
	search := strings.ToLower(q.Search)

	m.mu.RLock()
	for m.order == nil {
		// The order is rebuilt under the write lock, the listing then done
		// under the read lock like every other lookup. A create may drop
		// the order again in between, hence the loop.
		m.mu.RUnlock()
		m.mu.Lock()
		if m.order == nil {
			m.order = make([]string, 0, len(m.customers))
			for id := range m.customers {
				m.order = append(m.order, id)
			}
			slices.Sort(m.order)
		}
		m.mu.Unlock()
		m.mu.RLock()
	}
	defer m.mu.RUnlock()

	i := 0
	if q.After != "" {
		var found bool
		i, found = slices.BinarySearch(m.order, q.After)
		if found {
			i++
		}
	}
	var out []*Customer
	for _, id := range m.order[i:] {
		if len(out) == q.Limit {
			break
		}
		c := m.customers[id]
		if q.State != 0 && c.State != q.State {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(c.Email), search) &&
			!strings.Contains(strings.ToLower(c.FirstName), search) &&
			!strings.Contains(strings.ToLower(c.LastName), search) {
			continue
		}
		out = append(out, c.Clone())
	}
	return out, nil
}

// orderAddLocked records a new customer ID in the list order. IDs made here
// are UUIDv7s, which sort by creation time, so a new one usually goes last
// and the order stays valid; any other ID (an imported one) drops the order,
// to be sorted again by the next ListCustomers, rather than paying for an
// insertion into the middle of a long slice on every create.
func (m *MemoryStore) orderAddLocked(id string) {
	if m.order != nil && (len(m.order) == 0 || m.order[len(m.order)-1] < id) {
		m.order = append(m.order, id)
		return
	}
	m.order = nil
}

// EraseCustomer implements CustomerEraser. The customer, its index entries
// (email, phone, Multipass identifier, address ids) and every token it has
// go under one write lock, so no concurrent call can see part of it or add
// a token or an address to a customer that is being erased.
func (m *MemoryStore) EraseCustomer(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.customers[id]
	if !ok {
		return ErrNotFound
	}
	m.indexLocked(c, false)
	delete(m.customers, id)
	for h := range m.byCustomer[id] {
		m.deleteTokenLocked(h)
	}
	if m.order != nil {
		if i, found := slices.BinarySearch(m.order, id); found {
			m.order = slices.Delete(m.order, i, i+1)
		}
	}
	return nil
}

// FindCustomers implements CustomerImporter.
func (m *MemoryStore) FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	// A customer can match by ID and by email key, or be named twice; seen
	// keeps it to one copy in the result.
	seen := make(map[string]bool, len(ids)+len(emailKeys))
	var out []*Customer
	add := func(id string) {
		if c, ok := m.customers[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, c.Clone())
		}
	}
	for _, id := range ids {
		add(id)
	}
	for _, k := range emailKeys {
		if id, ok := m.byEmail[k]; ok && k != "" {
			add(id)
		}
	}
	return out, nil
}

// CreateCustomers implements CustomerImporter. Every customer is checked,
// against the store and against the others of cs, before the first is
// stored, all under one write lock, so a conflict anywhere stores nothing.
func (m *MemoryStore) CreateCustomers(ctx context.Context, cs []*Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()

	// batch holds the unique values of the customers of cs checked so far,
	// one set per kind of value, so two customers of cs sharing one is a
	// conflict as one sharing it with a stored customer is.
	var batch struct{ ids, emails, phones, idents, addrs map[string]bool }
	batch.ids = make(map[string]bool, len(cs))
	batch.emails = make(map[string]bool, len(cs))
	batch.phones = make(map[string]bool, len(cs))
	batch.idents = make(map[string]bool, len(cs))
	batch.addrs = make(map[string]bool, len(cs))
	claim := func(set map[string]bool, v string) bool {
		if v == "" {
			return true
		}
		if set[v] {
			return false
		}
		set[v] = true
		return true
	}
	for _, c := range cs {
		if _, ok := m.customers[c.ID]; ok || m.takenLocked(c) {
			return ErrConflict
		}
		if !claim(batch.ids, c.ID) || !claim(batch.emails, c.EmailKey) ||
			!claim(batch.phones, c.Phone) || !claim(batch.idents, c.MultipassIdentifier) {
			return ErrConflict
		}
		for _, a := range c.Addresses {
			// takenLocked has refused one address id twice in c, so a
			// repeat here is another customer of cs.
			if !claim(batch.addrs, a.ID) {
				return ErrConflict
			}
		}
	}

	for _, c := range cs {
		c = c.Clone()
		m.customers[c.ID] = c
		m.indexLocked(c, true)
		m.orderAddLocked(c.ID)
	}
	return nil
}
