package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopkit/customerauth"
)

// customerColumns are the columns a customer is read from, in the order
// scanCustomer expects. The addresses are rows of customerauth_addresses
// (see addresses.go).
const customerColumns = `id, email, email_key, phone, multipass_identifier, first_name, last_name,
	accepts_marketing, state, password_hash, tags, default_address_id, created_at, updated_at,
	credential_version, accepts_sms_marketing, tax_exempt, note, language`

// The customer statements. Each lookup is a search of a unique index of
// the customers, joined to the customer's addresses by a range search of
// the addresses' primary key, which yields them in order: one statement,
// so the customer and its addresses come from one snapshot of the
// database, even while a writer changes them. A customer with n addresses
// is n rows, its columns repeated; one without is one row of NULL
// addresses.
var (
	customerByIDSQL        = customerWithAddressesSQL("id")
	customerByEmailSQL     = customerWithAddressesSQL("email_key")
	customerByPhoneSQL     = customerWithAddressesSQL("phone")
	customerByMultipassSQL = customerWithAddressesSQL("multipass_identifier")
)

const insertCustomerSQL = `INSERT INTO customerauth_customers (` + customerColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// customerWithAddressesSQL returns the lookup of a customer by the value of
// the uniquely indexed column key, with its addresses.
func customerWithAddressesSQL(key string) string {
	return `SELECT ` + qualified("c", customerColumns) + `, ` + qualified("a", addressColumns) + `
	FROM customerauth_customers AS c LEFT JOIN customerauth_addresses AS a ON a.customer_id = c.id
	WHERE c.` + key + ` = ? ORDER BY a.position`
}

// qualified prefixes each name of the comma-separated list columns with
// alias.
func qualified(alias, columns string) string {
	names := strings.Split(columns, ",")
	for i, n := range names {
		names[i] = alias + "." + strings.TrimSpace(n)
	}
	return strings.Join(names, ", ")
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanCustomer reads a customer, without its addresses, from the columns
// customerColumns.
func scanCustomer(row rowScanner) (*customerauth.Customer, error) {
	var cs customerScan
	if err := row.Scan(cs.dest()...); err != nil {
		return nil, err
	}
	return cs.customer()
}

// customerScan receives the columns customerColumns.
type customerScan struct {
	c                customerauth.Customer
	phone, ident     sql.NullString
	state            int64
	tags             string
	created, updated int64
	version          int64
}

func (cs *customerScan) dest() []any {
	c := &cs.c
	return []any{&c.ID, &c.Email, &c.EmailKey, &cs.phone, &cs.ident, &c.FirstName, &c.LastName,
		&c.AcceptsMarketing, &cs.state, &c.PasswordHash, &cs.tags, &c.DefaultAddressID, &cs.created, &cs.updated,
		&cs.version, &c.AcceptsSMSMarketing, &c.TaxExempt, &c.Note, &c.Language}
}

// customer returns the customer scanned, sharing no memory with cs.
func (cs *customerScan) customer() (*customerauth.Customer, error) {
	c := cs.c
	c.CredentialVersion = decodeVersion(cs.version)
	c.Phone, c.MultipassIdentifier = cs.phone.String, cs.ident.String
	c.State = customerauth.State(cs.state)
	c.CreatedAt, c.UpdatedAt = decodeTime(cs.created), decodeTime(cs.updated)
	var err error
	if c.Tags, err = decodeTags(cs.tags); err != nil {
		return nil, fmt.Errorf("customer %s: stored tags: %w", c.ID, err)
	}
	return &c, nil
}

// scanCustomerWithAddresses reads the rows of a customerWithAddressesSQL
// lookup: the customer, with its addresses in order. No row is
// sql.ErrNoRows.
func scanCustomerWithAddresses(rows *sql.Rows) (*customerauth.Customer, error) {
	cs, err := scanCustomersWithAddresses(rows)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, sql.ErrNoRows
	}
	return cs[0], nil
}

// scanCustomersWithAddresses reads, and closes, rows of the columns
// customerColumns followed by addressColumns, a customer's rows together
// and its addresses in order among them, as a LEFT JOIN of the customers
// to their addresses ordered by customer and position yields them: the
// customers in the order of the rows, each with its addresses.
func scanCustomersWithAddresses(rows *sql.Rows) ([]*customerauth.Customer, error) {
	defer rows.Close()
	var (
		out []*customerauth.Customer
		c   *customerauth.Customer
		cs  customerScan
		as  addressScan
	)
	dest := append(cs.dest(), as.dest()...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if c == nil || c.ID != cs.c.ID {
			var err error
			if c, err = cs.customer(); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		if a, ok := as.address(); ok {
			c.Addresses = append(c.Addresses, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// customerArgs returns the values of insertCustomerSQL for c.
func customerArgs(c *customerauth.Customer) ([]any, error) {
	tags, err := encodeTags(c.Tags)
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	created, err := encodeTime(c.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("CreatedAt: %w", err)
	}
	updated, err := encodeTime(c.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("UpdatedAt: %w", err)
	}
	version, err := encodeVersion(c.CredentialVersion)
	if err != nil {
		return nil, fmt.Errorf("CredentialVersion: %w", err)
	}
	return []any{
		c.ID, c.Email, c.EmailKey, nullIfEmpty(c.Phone), nullIfEmpty(c.MultipassIdentifier),
		c.FirstName, c.LastName, c.AcceptsMarketing, int64(c.State), c.PasswordHash,
		tags, c.DefaultAddressID, created, updated, version, c.AcceptsSMSMarketing, c.TaxExempt, c.Note,
		c.Language,
	}, nil
}

// CreateCustomer implements customerauth.Store. The customer, its
// addresses and tok, bound to c.CredentialVersion, are inserted in one
// transaction; the primary key on id and the UNIQUE indexes on email_key,
// phone and multipass_identifier decide conflicts, so two concurrent
// creates with one email, or one imported id, cannot both succeed. An
// address id that another address has is a conflict too.
func (s *Store) CreateCustomer(ctx context.Context, c *customerauth.Customer, tok *customerauth.Token) error {
	const op = "create customer"
	args, err := customerArgs(c)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if err := checkAddresses(c.Addresses...); err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	var tokArgs []any
	if tok != nil {
		if tokArgs, err = tokenArgs(tok); err != nil {
			return fmt.Errorf("sqlitestore: %s: %w", op, err)
		}
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertCustomerSQL, args...); err != nil {
			return wrapErr(ctx, op, err)
		}
		if err := insertAddresses(ctx, tx, c.ID, c.Addresses); err != nil {
			return wrapErr(ctx, op, err)
		}
		if tok != nil {
			// Bound to the customer's version, whatever tok says.
			version, _ := encodeVersion(c.CredentialVersion) // checked by customerArgs
			if err := issue(ctx, tx, tok.Kind, tok.CustomerID, tokArgs, version); err != nil {
				return wrapErr(ctx, op, err)
			}
		}
		return nil
	})
}

// CustomerByID implements customerauth.Store with a search of the primary
// key.
func (s *Store) CustomerByID(ctx context.Context, id string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by id", customerByIDSQL, id)
}

// CustomerByEmail implements customerauth.Store with a search of the
// unique index on email_key, which the caller has already lowercased.
func (s *Store) CustomerByEmail(ctx context.Context, key string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by email", customerByEmailSQL, key)
}

// CustomerByPhone implements customerauth.Store. The empty phone matches
// no one: it is stored as NULL.
func (s *Store) CustomerByPhone(ctx context.Context, phone string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by phone", customerByPhoneSQL, phone)
}

// CustomerByMultipassIdentifier implements customerauth.Store. The empty
// identifier matches no one: it is stored as NULL.
func (s *Store) CustomerByMultipassIdentifier(ctx context.Context, identifier string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by multipass identifier", customerByMultipassSQL, identifier)
}

func (s *Store) customerBy(ctx context.Context, op, query, key string) (*customerauth.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	if key == "" {
		return nil, notFound(op)
	}
	stmt, err := s.prepared(ctx, query)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	rows, err := stmt.QueryContext(ctx, key)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	c, err := scanCustomerWithAddresses(rows)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return c, nil
}

// Statements of UpdateCustomer besides the UPDATE itself.
const (
	// checkAccessTokenSQL finds the access token a change is made with
	// if it can be used: of the customer, valid at UpdatedAt and bound to
	// the current credentials.
	checkAccessTokenSQL = `SELECT 1 FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND customer_id = ? AND expires_at > ? AND ` + boundToCurrent
	// consumeTokenSQL deletes the token only if it can be used: right
	// kind, right customer, valid at UpdatedAt, bound to the current
	// credentials. Of two concurrent consumers only the first deletes a
	// row.
	consumeTokenSQL = `DELETE FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND customer_id = ? AND expires_at > ? AND ` + boundToCurrent
	revokeTokensSQL = `DELETE FROM customerauth_tokens WHERE customer_id = ?`
)

// UpdateCustomer implements customerauth.Store. Everything happens in one
// write transaction, which holds SQLite's write lock from its BEGIN
// IMMEDIATE to its commit, so what it checks cannot change before it
// writes. In the order the contract gives: the customer's credential
// version must be ch.IfCredentialVersion (else ErrCredentialsChanged), the
// access token ch.AccessToken must be usable and the token named by
// Consume is deleted if it is usable (otherwise nothing changes and the
// result is ErrNotFound); then the fields that ch sets are updated, the
// address rows are replaced by ch.Addresses if it is set, or else the one
// address ch.PutAddress is updated in place or appended (see putAddress),
// the credential version moves on if ch.RevokeTokens, the customer's
// tokens are revoked, and Issue is stored bound to the version as it then
// is. A UNIQUE violation rolls it all back and gives ErrConflict.
func (s *Store) UpdateCustomer(ctx context.Context, ch *customerauth.CustomerChange) (*customerauth.Customer, error) {
	const op = "update customer"
	query, args, err := updateCustomerSQL(ch)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	var issueArgs []any
	if ch.Issue != nil {
		if issueArgs, err = tokenArgs(ch.Issue); err != nil {
			return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
		}
	}
	var updated *customerauth.Customer
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		if want := ch.IfCredentialVersion; want != nil {
			var stored int64
			if err := tx.QueryRowContext(ctx, customerVersionSQL, ch.ID).Scan(&stored); err != nil {
				return wrapErr(ctx, op, err) // no row: ErrNotFound
			}
			if decodeVersion(stored) != *want {
				return credentialsChanged(op)
			}
		}
		if ch.AccessToken != nil {
			hash := *ch.AccessToken
			var one int
			err := tx.QueryRowContext(ctx, checkAccessTokenSQL,
				hash[:], int64(customerauth.TokenAccess), ch.ID, boundTime(ch.UpdatedAt)).Scan(&one)
			if err != nil {
				return wrapErr(ctx, op, err) // no row: ErrNotFound
			}
		}
		if ch.Consume != nil {
			res, err := tx.ExecContext(ctx, consumeTokenSQL,
				ch.Consume.Hash[:], int64(ch.Consume.Kind), ch.ID, boundTime(ch.UpdatedAt))
			if err != nil {
				return wrapErr(ctx, op, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return wrapErr(ctx, op, err)
			} else if n == 0 {
				return notFound(op)
			}
		}
		c, err := scanCustomer(tx.QueryRowContext(ctx, query, args...))
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		switch {
		case ch.Addresses != nil:
			// The whole list is replaced: positions 1 to n, in its order.
			if _, err := tx.ExecContext(ctx, deleteAddressesSQL, ch.ID); err != nil {
				return wrapErr(ctx, op, err)
			}
			if err := insertAddresses(ctx, tx, ch.ID, *ch.Addresses); err != nil {
				return wrapErr(ctx, op, err)
			}
		case ch.PutAddress != nil:
			if err := putAddress(ctx, tx, ch.ID, *ch.PutAddress); err != nil {
				return wrapErr(ctx, op, err)
			}
		}
		if c.Addresses, err = addressesOf(ctx, tx, ch.ID); err != nil {
			return wrapErr(ctx, op, err)
		}
		if ch.RevokeTokens {
			if _, err := tx.ExecContext(ctx, revokeTokensSQL, ch.ID); err != nil {
				return wrapErr(ctx, op, err)
			}
		}
		if ch.Issue != nil {
			// c is the customer as the UPDATE left it: with the new
			// version when the change revoked the old credentials.
			version, err := encodeVersion(c.CredentialVersion)
			if err != nil {
				return fmt.Errorf("sqlitestore: %s: %w", op, err)
			}
			if err := issue(ctx, tx, ch.Issue.Kind, ch.Issue.CustomerID, issueArgs, version); err != nil {
				return wrapErr(ctx, op, err)
			}
		}
		updated = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return updated, nil
}

// updateCustomerSQL builds the UPDATE for ch: it sets updated_at and the
// columns of the fields ch sets, and returns the customer as stored
// afterwards. The statement is made only of the fixed column names below;
// every value is a bound parameter.
func updateCustomerSQL(ch *customerauth.CustomerChange) (string, []any, error) {
	updatedAt, err := encodeTime(ch.UpdatedAt)
	if err != nil {
		return "", nil, fmt.Errorf("UpdatedAt: %w", err)
	}
	var b strings.Builder
	b.WriteString("UPDATE customerauth_customers SET updated_at = ?")
	args := make([]any, 1, 18)
	args[0] = updatedAt
	set := func(column string, v any) {
		b.WriteString(", ")
		b.WriteString(column)
		b.WriteString(" = ?")
		args = append(args, v)
	}
	if ch.Email != nil {
		set("email", *ch.Email)
		// As customerauth derives EmailKey (Customer.EmailKey).
		set("email_key", customerauth.EmailKey(*ch.Email))
	}
	if ch.Phone != nil {
		set("phone", nullIfEmpty(*ch.Phone))
	}
	if ch.FirstName != nil {
		set("first_name", *ch.FirstName)
	}
	if ch.LastName != nil {
		set("last_name", *ch.LastName)
	}
	if ch.AcceptsMarketing != nil {
		set("accepts_marketing", *ch.AcceptsMarketing)
	}
	if ch.AcceptsSMSMarketing != nil {
		set("accepts_sms_marketing", *ch.AcceptsSMSMarketing)
	}
	if ch.TaxExempt != nil {
		set("tax_exempt", *ch.TaxExempt)
	}
	if ch.Note != nil {
		set("note", *ch.Note)
	}
	if ch.Language != nil {
		set("language", *ch.Language)
	}
	if ch.State != nil {
		set("state", int64(*ch.State))
	}
	if ch.PasswordHash != nil {
		set("password_hash", *ch.PasswordHash)
	}
	if ch.MultipassIdentifier != nil {
		set("multipass_identifier", nullIfEmpty(*ch.MultipassIdentifier))
	}
	if ch.Tags != nil {
		tags, err := encodeTags(*ch.Tags)
		if err != nil {
			return "", nil, fmt.Errorf("tags: %w", err)
		}
		set("tags", tags)
	}
	if ch.RevokeTokens {
		// The credentials are replaced: every token minted under the
		// old version is dead from this commit on, even one the
		// revocation below cannot see.
		b.WriteString(", credential_version = credential_version + 1")
	}
	if ch.Addresses != nil {
		if err := checkAddresses(*ch.Addresses...); err != nil {
			return "", nil, err
		}
		// The default follows from the new list alone, so there is
		// nothing to read first. UpdateCustomer writes the list's rows.
		set("default_address_id", ch.NewDefaultAddressID())
	} else if a := ch.PutAddress; a != nil {
		if err := checkAddresses(*a); err != nil {
			return "", nil, err
		}
		// The put address becomes the default whether it was the
		// customer's already or is new. UpdateCustomer writes its row.
		set("default_address_id", a.ID)
	}
	b.WriteString(" WHERE id = ? RETURNING ")
	b.WriteString(customerColumns)
	args = append(args, ch.ID)
	return b.String(), args, nil
}
