package customerauth

import (
	"context"
)

// The interfaces below are optional capabilities of a Store, found by type
// assertion. The Service's administrative operations (the admin command's
// list, export, erase and import) use them; every Store of this module
// implements all three, and storetest checks them when present.

// CustomerLister is a Store that can list its customers in ID order, a page
// at a time.
type CustomerLister interface {
	// ListCustomers returns q.Limit customers matching q, or fewer only
	// when no more match after q.After, ordered by ID (byte order). A
	// caller pages through all customers by passing the last ID it got as
	// the next query's After. A Limit of 0 or less is an error.
	ListCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error)
}

// CustomerQuery selects customers for CustomerLister.
type CustomerQuery struct {
	// State, when not zero, keeps only customers in that state.
	State State
	// Search, when not empty, keeps only customers whose email, first name
	// or last name contains it, both sides lowercased with strings.ToLower
	// (so case is ignored in every script, not only ASCII). It is matched
	// as plain text: '%', '_' and '\' have no special meaning.
	Search string
	// After, when not empty, keeps only customers whose ID sorts after it.
	After string
	// Limit is the most customers returned; it must be positive.
	Limit int
}

// CustomerEraser is a Store that can delete a customer for good.
type CustomerEraser interface {
	// EraseCustomer deletes the customer with the given ID together with
	// its addresses and every token it has, as one unit, leaving no copy
	// of the customer's data in the store: a customer created later with
	// the same ID gets nothing of the erased one, its tokens included. It
	// returns ErrNotFound when no such customer exists.
	EraseCustomer(ctx context.Context, id string) error
}

// CustomerImporter is a Store that can look up and create customers many
// at a time, which is what makes an import of a large file fast. Without
// it, an import makes one call per customer.
type CustomerImporter interface {
	// FindCustomers returns every stored customer whose ID is in ids or
	// whose EmailKey is in emailKeys, each once, in no particular order.
	// Values that match nothing are ignored.
	FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*Customer, error)

	// CreateCustomers stores every customer of cs as one unit: either all
	// of them or, with an error, none. It returns ErrConflict, storing
	// nothing, when any of them has the ID, email, phone, Multipass
	// identifier or an address id of a stored customer or of another
	// customer in cs. The customers are not modified.
	CreateCustomers(ctx context.Context, cs []*Customer) error
}

// Pinger is a Store that can tell whether it answers, for a host's health
// check: a database that is down or unreachable fails Ping.
type Pinger interface {
	// Ping returns nil when the store answers within ctx.
	Ping(ctx context.Context) error
}
