package customerauth

import (
	"context"
	"slices"
)

// AddAddress implements AddressBook.
func (m *MemoryStore) AddAddress(ctx context.Context, ch AddressChange, a Address, limit int) (*Customer, error) {
	return m.changeAddresses(ctx, ch, func(c *Customer) error {
		if limit > 0 && len(c.Addresses) >= limit {
			return ErrTooManyAddresses
		}
		if _, ok := m.byAddress[a.ID]; ok {
			return ErrConflict
		}
		c.Addresses = append(c.Addresses, a.clone())
		if c.DefaultAddressID == "" {
			c.DefaultAddressID = a.ID
		}
		return nil
	})
}

// UpdateAddress implements AddressBook.
func (m *MemoryStore) UpdateAddress(ctx context.Context, ch AddressChange, a Address) (*Customer, error) {
	return m.changeAddresses(ctx, ch, func(c *Customer) error {
		i := slices.IndexFunc(c.Addresses, func(x Address) bool { return x.ID == a.ID })
		if i < 0 {
			return ErrAddressNotFound
		}
		c.Addresses[i] = a.clone()
		return nil
	})
}

// DeleteAddress implements AddressBook.
func (m *MemoryStore) DeleteAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error) {
	return m.changeAddresses(ctx, ch, func(c *Customer) error {
		i := slices.IndexFunc(c.Addresses, func(x Address) bool { return x.ID == addressID })
		if i < 0 {
			return ErrAddressNotFound
		}
		c.Addresses = slices.Delete(c.Addresses, i, i+1)
		c.DefaultAddressID = DefaultAfterDelete(c.Addresses, c.DefaultAddressID)
		return nil
	})
}

// SetDefaultAddress implements AddressBook.
func (m *MemoryStore) SetDefaultAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error) {
	return m.changeAddresses(ctx, ch, func(c *Customer) error {
		if !slices.ContainsFunc(c.Addresses, func(x Address) bool { return x.ID == addressID }) {
			return ErrAddressNotFound
		}
		c.DefaultAddressID = addressID
		return nil
	})
}

// putAddress applies CustomerChange.PutAddress to c: a replaces, in place,
// c's address with its ID, or else is appended, and becomes the default.
// Whether another customer owns a.ID is checked afterwards, with every other
// unique value of c (MemoryStore.takenLocked), so a conflict refuses the
// whole change.
func putAddress(c *Customer, a Address) {
	a = a.clone()
	if i := slices.IndexFunc(c.Addresses, func(x Address) bool { return x.ID == a.ID }); i >= 0 {
		c.Addresses[i] = a
	} else {
		c.Addresses = append(c.Addresses, a)
	}
	c.DefaultAddressID = a.ID
}

// changeAddresses applies edit to a copy of the customer under the write
// lock and stores the copy only when edit succeeds, so a refused change
// leaves no trace.
func (m *MemoryStore) changeAddresses(ctx context.Context, ch AddressChange, edit func(c *Customer) error) (*Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.customers[ch.CustomerID]
	if !ok {
		return nil, ErrNotFound
	}
	if ch.AccessToken != nil {
		if t, ok := m.usableLocked(TokenAccess, *ch.AccessToken, ch.UpdatedAt); !ok || t.CustomerID != ch.CustomerID {
			return nil, ErrNotFound
		}
	}
	c := old.Clone()
	if err := edit(c); err != nil {
		return nil, err
	}
	c.UpdatedAt = ch.UpdatedAt
	m.indexLocked(old, false)
	m.indexLocked(c, true)
	m.customers[c.ID] = c
	return c.Clone(), nil
}
