package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopkit/customerauth"
)

// The Store's administrative capabilities: listing customers a page at a
// time, erasing one for good, and finding and creating many at once for an
// import.
var (
	_ customerauth.CustomerLister   = (*Store)(nil)
	_ customerauth.CustomerEraser   = (*Store)(nil)
	_ customerauth.CustomerImporter = (*Store)(nil)
)

// The statements of the administrative calls.
var (
	// listCustomersSQL selects the ids of a page of customers in the
	// subquery, walking the primary key from After (a range search, which
	// yields the ids in byte order, as SQLite's default BINARY collation
	// compares TEXT with memcmp) and stopping at the limit, then reads
	// those customers, in that order, each joined to its addresses: one
	// statement, so the page and its addresses come from one snapshot.
	// The parameters are After, the state twice (0 keeps every state) and
	// the limit. A search is applied in Go, on the rows this yields (see
	// ListCustomers).
	listCustomersSQL = `SELECT ` + customerColumnsOfC + `, ` + addressColumnsOfA + `
	FROM customerauth_customers AS c LEFT JOIN customerauth_addresses AS a ON a.customer_id = c.id
	WHERE c.id IN (SELECT id FROM customerauth_customers
		WHERE id > ? AND (? = 0 OR state = ?)
		ORDER BY id LIMIT ?)
	ORDER BY c.id, a.position`

	// findCustomersSQL finds the customers whose id is in the JSON array
	// of strings given first or whose email_key is in the one given
	// second, with their addresses. The subquery is the union of the ids
	// asked for and the ids of the customers with the email keys asked
	// for (one search of the unique index on email_key each), without
	// duplicates and in order; each is then one search of the primary
	// key, which finds nothing for an id no customer has. JSON arrays,
	// unpacked by json_each, make the statement one fixed text, prepared
	// once, whatever the number of values, and keep it clear of SQLite's
	// limit on bound parameters.
	findCustomersSQL = `SELECT ` + customerColumnsOfC + `, ` + addressColumnsOfA + `
	FROM customerauth_customers AS c LEFT JOIN customerauth_addresses AS a ON a.customer_id = c.id
	WHERE c.id IN (SELECT value FROM json_each(?)
		UNION SELECT id FROM customerauth_customers WHERE email_key IN (SELECT value FROM json_each(?)))
	ORDER BY c.id, a.position`

	// eraseCustomerSQL deletes a customer; the foreign keys of its
	// addresses and tokens (ON DELETE CASCADE) delete those in the same
	// statement, so all of it goes at once.
	eraseCustomerSQL = `DELETE FROM customerauth_customers WHERE id = ?`

	// customerColumnsOfC and addressColumnsOfA are the columns
	// customerColumns and addressColumns of the tables aliased c and a.
	customerColumnsOfC = qualified("c", customerColumns)
	addressColumnsOfA  = qualified("a", addressColumns)
)

// errLimit refuses a CustomerQuery without a positive Limit.
var errLimit = errors.New("the query's Limit must be positive")

// ListCustomers implements customerauth.CustomerLister with a range
// search of the primary key from q.After (listCustomersSQL), in ID byte
// order, each customer with its addresses.
//
// A search reads customers in that order, a chunk at a time, and keeps
// those whose email, first name or last name contains q.Search, until the
// page is full or no customer is left: no index can find a substring, so
// it costs a scan of the customers after q.After, which suits an
// administrator's search. It is done in Go because case is ignored as
// strings.ToLower ignores it, with Unicode, while SQLite's lower() and
// LIKE fold ASCII only; and as a plain substring, '%', '_' and '\' match
// only themselves.
func (s *Store) ListCustomers(ctx context.Context, q customerauth.CustomerQuery) ([]*customerauth.Customer, error) {
	const op = "list customers"
	if q.Limit <= 0 {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, errLimit)
	}
	stmt, err := s.prepared(ctx, listCustomersSQL)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	chunk := q.Limit
	if q.Search != "" {
		chunk = max(q.Limit, 500)
	}
	search := strings.ToLower(q.Search)
	var out []*customerauth.Customer
	for after := q.After; ; {
		if err := ctx.Err(); err != nil {
			return nil, wrapErr(ctx, op, err)
		}
		// Every stored id is at least one byte long, so After "" is every id.
		rows, err := stmt.QueryContext(ctx, after, int64(q.State), int64(q.State), int64(chunk))
		if err != nil {
			return nil, wrapErr(ctx, op, err)
		}
		cs, err := scanCustomersWithAddresses(rows)
		if err != nil {
			return nil, wrapErr(ctx, op, err)
		}
		for _, c := range cs {
			if search == "" || matchesSearch(c, search) {
				out = append(out, c)
				if len(out) == q.Limit {
					return out, nil
				}
			}
		}
		if len(cs) < chunk {
			return out, nil
		}
		after = cs[len(cs)-1].ID
	}
}

// matchesSearch reports whether c's email, first name or last name
// contains search, which strings.ToLower lowercased.
func matchesSearch(c *customerauth.Customer, search string) bool {
	return strings.Contains(c.EmailKey, search) ||
		strings.Contains(strings.ToLower(c.FirstName), search) ||
		strings.Contains(strings.ToLower(c.LastName), search)
}

// EraseCustomer implements customerauth.CustomerEraser. One DELETE of the
// customer's row takes its addresses and tokens with it, by the foreign
// keys' ON DELETE CASCADE, as one unit. It runs with SQLite's secure_delete
// on, so the pages that held the rows are overwritten with zeros rather
// than left, with the data still in them, on the free list; older copies
// of those pages in the write-ahead log are overwritten as SQLite reuses
// the log after its next checkpoints. The connection it runs on gets back
// the secure_delete setting it had, or is discarded.
func (s *Store) EraseCustomer(ctx context.Context, id string) error {
	const op = "erase customer"
	return s.write(ctx, op, func() error {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		defer conn.Close()
		var was int
		if err := conn.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&was); err != nil {
			return wrapErr(ctx, op, err)
		}
		if was != 1 { // 0, off, or 2, FAST, which leaves the free list as it is
			if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = 1`); err != nil {
				return wrapErr(ctx, op, err)
			}
			defer func() {
				// Even when ctx is done: the pooled connection must not
				// keep a setting the host did not choose.
				if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = `+strconv.Itoa(was)); err != nil {
					_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // discard it instead
				}
			}()
		}
		res, err := conn.ExecContext(ctx, eraseCustomerSQL, id)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return wrapErr(ctx, op, err)
		} else if n == 0 {
			return notFound(op)
		}
		return nil
	})
}

// FindCustomers implements customerauth.CustomerImporter with one
// statement (findCustomersSQL), whatever the number of ids and email keys:
// each value is one search of the primary key or of the unique index on
// email_key, and every customer found comes with its addresses, from one
// snapshot of the database. The customers are in ID order.
func (s *Store) FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*customerauth.Customer, error) {
	const op = "find customers"
	if err := ctx.Err(); err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	if len(ids) == 0 && len(emailKeys) == 0 {
		return nil, nil
	}
	idsJSON, err := jsonStrings(ids)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: ids: %w", op, err)
	}
	keysJSON, err := jsonStrings(emailKeys)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: email keys: %w", op, err)
	}
	stmt, err := s.prepared(ctx, findCustomersSQL)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	rows, err := stmt.QueryContext(ctx, idsJSON, keysJSON)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	cs, err := scanCustomersWithAddresses(rows)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return cs, nil
}

// jsonStrings returns vs as a JSON array, for json_each. A value that is
// not valid UTF-8 is left out: JSON cannot carry it unchanged (encoding/json
// would replace the invalid bytes, which could make it another value), and
// it matches nothing the Service stores, since ids are ASCII and emails are
// validated.
func jsonStrings(vs []string) (string, error) {
	invalid := func(v string) bool { return !utf8.ValidString(v) }
	if slices.ContainsFunc(vs, invalid) {
		vs = slices.DeleteFunc(slices.Clone(vs), invalid) // the caller's slice is left alone
	}
	if len(vs) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(vs)
	return string(b), err
}

// CreateCustomers implements customerauth.CustomerImporter: every customer
// and address row of cs is inserted in one write transaction, by two
// statements prepared once for the transaction and run once per row, so
// the cost per row is SQLite's insert and its index updates, and the
// commit's fsync is paid once for the batch. The primary key and the
// UNIQUE indexes that decide conflicts for CreateCustomer decide them here
// too, against the stored customers and against the batch's own earlier
// rows alike, which are in the tables by then: a customer of cs that has
// the ID, email key, phone, Multipass identifier or an address id of a
// stored customer or of another customer of cs fails its INSERT with a
// constraint error, which is ErrConflict and rolls the whole batch back.
// Values the store cannot keep (a time out of range, a coordinate that is
// not finite) fail the call before it writes. cs is only read.
func (s *Store) CreateCustomers(ctx context.Context, cs []*customerauth.Customer) error {
	const op = "create customers"
	if err := ctx.Err(); err != nil {
		return wrapErr(ctx, op, err)
	}
	if len(cs) == 0 {
		return nil
	}
	// Encoded before the transaction, which then holds the write lock
	// only for the inserts.
	args := make([][]any, len(cs))
	for i, c := range cs {
		if c == nil {
			return fmt.Errorf("sqlitestore: %s: customer %d of %d is nil", op, i+1, len(cs))
		}
		var err error
		if args[i], err = customerArgs(c); err != nil {
			return fmt.Errorf("sqlitestore: %s: customer %s: %w", op, c.ID, err)
		}
		if err := checkAddresses(c.Addresses...); err != nil {
			return fmt.Errorf("sqlitestore: %s: customer %s: %w", op, c.ID, err)
		}
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		insertCustomer, err := tx.PrepareContext(ctx, insertCustomerSQL)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		defer insertCustomer.Close()
		insertAddress, err := tx.PrepareContext(ctx, insertAddressSQL)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		defer insertAddress.Close()
		addrArgs := make([]any, 0, 17)
		for i, c := range cs {
			// The error names the customer by its id, not by the email
			// or phone that collided: errors end up in logs.
			if _, err := insertCustomer.ExecContext(ctx, args[i]...); err != nil {
				return wrapErr(ctx, op+": customer "+c.ID, err)
			}
			for j, a := range c.Addresses {
				addrArgs = append(append(addrArgs[:0], c.ID, int64(j+1)), addressArgs(a)...)
				if _, err := insertAddress.ExecContext(ctx, addrArgs...); err != nil {
					return wrapErr(ctx, op+": customer "+c.ID, err)
				}
			}
		}
		return nil
	})
}
