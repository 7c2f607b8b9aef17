package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

// customerColumnsOf is the select list scanCustomer reads, each column
// prefixed with t. Phone and the Multipass identifier are NULL in the
// table when empty (so that they do not collide in their unique indexes)
// and "" in Go. The addresses are rows of customerauth_addresses (see
// addresses.go).
func customerColumnsOf(t string) string {
	return t + `id, ` + t + `email, ` + t + `email_key, COALESCE(` + t + `phone, ''), ` + t + `first_name, ` +
		t + `last_name, ` + t + `accepts_marketing, ` + t + `state, ` + t + `password_hash, ` + t + `tags, ` +
		t + `default_address_id, COALESCE(` + t + `multipass_identifier, ''), ` + t + `created_at, ` +
		t + `updated_at, ` + t + `credential_version, ` + t + `accepts_sms_marketing, ` + t + `tax_exempt, ` + t + `note, ` +
		t + `language`
}

// customerColumns is the select list of a statement on
// customerauth_customers alone.
var customerColumns = customerColumnsOf("")

// The lookups. Each is a search of a unique index of the customers, left
// joined to the customer's addresses by the addresses' primary key, which
// yields them in order: one statement, so the customer and its addresses
// come from one snapshot, even while a transaction changes them. A
// customer with n addresses is n rows, its columns repeated; one without
// is one row of NULL addresses.
var (
	selectCustomerByID         = selectCustomerWithAddresses("id")
	selectCustomerByEmail      = selectCustomerWithAddresses("email_key")
	selectCustomerByPhone      = selectCustomerWithAddresses("phone")
	selectCustomerByIdentifier = selectCustomerWithAddresses("multipass_identifier")
)

// selectCustomerWithAddresses returns the lookup of a customer by the
// value of the uniquely indexed column key, with its addresses.
func selectCustomerWithAddresses(key string) string {
	return `SELECT ` + customerColumnsOf("c.") + `, ` + addressColumnsOf("a.") + `
		FROM customerauth_customers c LEFT JOIN customerauth_addresses a ON a.customer_id = c.id
		WHERE c.` + key + ` = $1 ORDER BY a.position`
}

const (
	insertCustomer = `INSERT INTO customerauth_customers (
		id, email, email_key, phone, first_name, last_name, accepts_marketing, state,
		password_hash, tags, default_address_id, multipass_identifier,
		created_at, updated_at, credential_version, accepts_sms_marketing, tax_exempt, note, language
	) VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13, $14, $15, $16, $17, $18, $19)`

	// lockCustomer and lockCustomerKeys take the row lock every
	// transaction that deletes or locks tokens of a customer takes first.
	// Locking the customer before any token row gives all of them one
	// lock order, so a revocation and a new emailed link for the same
	// customer queue up instead of deadlocking. A change of email, phone
	// or identifier (the columns with unique indexes) needs the stronger
	// FOR UPDATE anyway, so it takes that from the start rather than
	// upgrading later. Both conflict with the FOR SHARE of
	// insertTokenIfCurrent, and hold the credential version, which they
	// return, fixed until the transaction ends: every check of it later
	// in the transaction sees the version the transaction writes over.
	lockCustomer     = `SELECT credential_version FROM customerauth_customers WHERE id = $1 FOR NO KEY UPDATE`
	lockCustomerKeys = `SELECT credential_version FROM customerauth_customers WHERE id = $1 FOR UPDATE`

	// checkAccessToken finds the access token a change is made with if it
	// can be used: of that customer, not expired at the change's time and
	// bound to the current credentials. FOR KEY SHARE holds the row until
	// the change commits: a logout (DeleteToken) of the same token waits
	// for the change, or the change, finding the row gone once the logout
	// commits, is refused. It does not conflict with a renewal's update.
	checkAccessToken = `SELECT 1 FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND customer_id = $3 AND expires_at > $4 AND ` + boundToCurrent + `
		FOR KEY SHARE`

	// consumeToken deletes a single-use token if, and only if, it can be
	// used: of that kind, of that customer, not expired at the change's
	// time and bound to the current credentials. Two transactions
	// consuming one token both try to delete the row; the second waits for
	// the first and then finds nothing.
	consumeToken = `DELETE FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND customer_id = $3 AND expires_at > $4 AND ` + boundToCurrent

	revokeTokens = `DELETE FROM customerauth_tokens WHERE customer_id = $1`
)

// updateCustomer applies a CustomerChange to the customer row in one
// statement: a NULL argument leaves its column untouched. Phone and
// identifier need a CASE because there NULL is also a value to store (for
// ""). The address rows of a change that sets Addresses are written by
// statements of their own.
var updateCustomer = `UPDATE customerauth_customers SET
		email = COALESCE($2, email),
		email_key = COALESCE($3, email_key),
		phone = CASE WHEN $4::text IS NULL THEN phone ELSE NULLIF($4::text, '') END,
		first_name = COALESCE($5, first_name),
		last_name = COALESCE($6, last_name),
		accepts_marketing = COALESCE($7, accepts_marketing),
		state = COALESCE($8, state),
		password_hash = COALESCE($9, password_hash),
		tags = COALESCE($10, tags),
		multipass_identifier = CASE WHEN $11::text IS NULL THEN multipass_identifier ELSE NULLIF($11::text, '') END,
		default_address_id = COALESCE($12, default_address_id),
		updated_at = $13,
		credential_version = credential_version + CASE WHEN $14 THEN 1 ELSE 0 END,
		accepts_sms_marketing = COALESCE($15, accepts_sms_marketing),
		tax_exempt = COALESCE($16, tax_exempt),
		note = COALESCE($17, note),
		language = COALESCE($18, language)
	WHERE id = $1
	RETURNING ` + customerColumns

// CreateCustomer implements customerauth.Store. The customer, its
// addresses and tok, bound to c.CredentialVersion, are inserted in one
// transaction; the unique indexes on email_key, phone and
// multipass_identifier (and the primary key) turn any clash, including one
// with a concurrent insert, into customerauth.ErrConflict, as does an
// address id that another address has.
func (s *Store) CreateCustomer(ctx context.Context, c *customerauth.Customer, tok *customerauth.Token) error {
	const op = "create customer"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if !validID(c.ID) {
		return fmt.Errorf("pgstore: %s: %w", op, errInvalidID)
	}
	if tok != nil && !validID(tok.CustomerID) {
		return notFound(op)
	}
	version, err := encodeVersion(c.CredentialVersion)
	if err != nil {
		return fmt.Errorf("pgstore: %s: CredentialVersion: %w", op, err)
	}
	if err := checkAddresses(c.Addresses...); err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	args := []any{
		c.ID, c.Email, c.EmailKey, c.Phone, c.FirstName, c.LastName, c.AcceptsMarketing, int16(c.State),
		c.PasswordHash, nonNilTags(c.Tags), c.DefaultAddressID, c.MultipassIdentifier,
		c.CreatedAt, c.UpdatedAt, version, c.AcceptsSMSMarketing, c.TaxExempt, c.Note, c.Language,
	}
	if tok == nil && len(c.Addresses) == 0 {
		if _, err := s.pool.Exec(ctx, insertCustomer, args...); err != nil {
			return fail(ctx, op, err)
		}
		return nil
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(insertCustomer, args...)
		queueInsertAddresses(b, c.ID, c.Addresses)
		if tok != nil {
			queueIssue(b, tok, c.ID)
		}
		return runBatch(ctx, tx, b, func(br pgx.BatchResults) error {
			for range b.Len() {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fail(ctx, op, err)
	}
	return nil
}

// CustomerByID implements customerauth.Store with a primary key lookup.
func (s *Store) CustomerByID(ctx context.Context, id string) (*customerauth.Customer, error) {
	if !validID(id) {
		id = "" // names no customer
	}
	return s.customerBy(ctx, "customer by id", selectCustomerByID, id)
}

// CustomerByEmail implements customerauth.Store with a lookup in the
// unique index on email_key.
func (s *Store) CustomerByEmail(ctx context.Context, key string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by email", selectCustomerByEmail, key)
}

// CustomerByPhone implements customerauth.Store with a lookup in the
// unique index on phone. The empty phone never matches: phoneless
// customers have NULL there.
func (s *Store) CustomerByPhone(ctx context.Context, phone string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by phone", selectCustomerByPhone, phone)
}

// CustomerByMultipassIdentifier implements customerauth.Store with a
// lookup in the unique index on multipass_identifier. The empty
// identifier never matches.
func (s *Store) CustomerByMultipassIdentifier(ctx context.Context, identifier string) (*customerauth.Customer, error) {
	return s.customerBy(ctx, "customer by multipass identifier", selectCustomerByIdentifier, identifier)
}

// customerBy runs one of the single-row customer selects with key. An
// empty key finds nothing without asking the database: no stored customer
// is found by an empty value.
func (s *Store) customerBy(ctx context.Context, op, query, key string) (*customerauth.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	if key == "" {
		return nil, notFound(op)
	}
	rows, err := s.pool.Query(ctx, query, key)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	c, err := scanCustomerWithAddresses(rows)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	return c, nil
}

// UpdateCustomer implements customerauth.Store. The whole change is one
// transaction, sent as one batch: lock the customer row, which returns its
// credential version (not ch.IfCredentialVersion: rollback,
// ErrCredentialsChanged); lock the access token the change is made with
// and consume the token it uses up (either unusable: rollback,
// ErrNotFound); update the row, moving the credential version on if the
// change revokes the tokens; replace the address rows if the change sets
// Addresses, or else write the one address of PutAddress (putAddress; the
// update made it the default); revoke the tokens; issue the new token,
// bound to the version the update left; read the addresses. The row lock,
// taken first and held to the commit, keeps the version that every later
// statement checks or binds to, and the address rows, from changing under
// the transaction, and makes concurrent changes of the customer
// (AddressBook calls included), and IssueToken, wait for it. Under READ
// COMMITTED each later statement of the batch takes its snapshot when it
// starts, after the lock was granted, so it sees all that the change that
// held the lock before committed: a change that relied on a token another
// one revoked finds it gone. Any failure, a unique violation included,
// rolls everything back, so a refused change leaves no trace.
func (s *Store) UpdateCustomer(ctx context.Context, ch *customerauth.CustomerChange) (*customerauth.Customer, error) {
	const op = "update customer"
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	if !validID(ch.ID) || (ch.Issue != nil && !validID(ch.Issue.CustomerID)) {
		return nil, notFound(op)
	}
	args, err := changeArgs(ch)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	}

	var updated *customerauth.Customer
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		lock := lockCustomer
		if ch.Email != nil || ch.Phone != nil || ch.MultipassIdentifier != nil {
			lock = lockCustomerKeys
		}
		b.Queue(lock, ch.ID)
		if ch.AccessToken != nil {
			b.Queue(checkAccessToken, ch.AccessToken[:], int16(customerauth.TokenAccess), ch.ID, ch.UpdatedAt)
		}
		if ch.Consume != nil {
			b.Queue(consumeToken, ch.Consume.Hash[:], int16(ch.Consume.Kind), ch.ID, ch.UpdatedAt)
		}
		b.Queue(updateCustomer, args...)
		if ch.Addresses != nil {
			// The whole list is replaced: positions 1 to n, in its order.
			b.Queue(deleteAddresses, ch.ID)
			queueInsertAddresses(b, ch.ID, *ch.Addresses)
		} else if ch.PutAddress != nil {
			// One address rewritten in place or appended; updateCustomer
			// made it the default.
			b.Queue(putAddress, appendArgs(ch.ID, *ch.PutAddress, 0)...)
		}
		if ch.RevokeTokens {
			b.Queue(revokeTokens, ch.ID)
		}
		if ch.Issue != nil {
			queueIssue(b, ch.Issue, ch.ID)
		}
		// Last, the addresses as the change leaves them.
		b.Queue(selectAddresses, ch.ID)
		return runBatch(ctx, tx, b, func(br pgx.BatchResults) error {
			// Results come back in the order queued; the first refusal
			// decides the error, as in the in-memory store: an unknown
			// customer, then replaced credentials, then an unusable
			// token, then a conflict.
			read := 1
			var version int64
			if err := br.QueryRow().Scan(&version); err != nil { // the lock
				return err // no row: ErrNotFound
			}
			if want := ch.IfCredentialVersion; want != nil && *want != decodeVersion(version) {
				return customerauth.ErrCredentialsChanged
			}
			mustAffect := func() error {
				read++
				tag, err := br.Exec()
				if err == nil && tag.RowsAffected() == 0 {
					err = customerauth.ErrNotFound
				}
				return err
			}
			if ch.AccessToken != nil {
				if err := mustAffect(); err != nil {
					return err
				}
			}
			if ch.Consume != nil {
				if err := mustAffect(); err != nil {
					return err
				}
			}
			read++
			c, err := scanCustomer(br.QueryRow())
			if err != nil {
				return err
			}
			// The addresses, the revocation and the issue: their errors (a
			// unique violation for an address id another customer has, a
			// foreign key violation for an Issue of another, unknown
			// customer) count too.
			for ; read < b.Len()-1; read++ {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			rows, err := br.Query()
			if err != nil {
				return err
			}
			if c.Addresses, err = scanAddresses(rows); err != nil {
				return err
			}
			updated = c
			return nil
		})
	})
	switch {
	case errors.Is(err, customerauth.ErrNotFound), errors.Is(err, pgx.ErrNoRows):
		return nil, notFound(op)
	case errors.Is(err, customerauth.ErrCredentialsChanged):
		return nil, credentialsChanged(op)
	case err != nil:
		return nil, fail(ctx, op, err)
	}
	return updated, nil
}

// changeArgs returns the arguments of updateCustomer for ch: nil for every
// field ch leaves unchanged.
func changeArgs(ch *customerauth.CustomerChange) ([]any, error) {
	var emailKey *string
	if ch.Email != nil {
		// The Service's EmailKey is the lowercased normalized email
		// (customerauth's emailKey); it is computed here, not with
		// PostgreSQL's lower(), so both sides agree on every character.
		k := customerauth.EmailKey(*ch.Email)
		emailKey = &k
	}
	var state *int16
	if ch.State != nil {
		v := int16(*ch.State)
		state = &v
	}
	var tags any
	if ch.Tags != nil {
		tags = nonNilTags(*ch.Tags)
	}
	var defaultID any
	if ch.Addresses != nil {
		if err := checkAddresses(*ch.Addresses...); err != nil {
			return nil, err
		}
		// The default follows from the new list alone.
		defaultID = ch.NewDefaultAddressID()
	} else if ch.PutAddress != nil {
		if err := checkAddresses(*ch.PutAddress); err != nil {
			return nil, err
		}
		defaultID = ch.PutAddress.ID
	}
	return []any{
		ch.ID, ch.Email, emailKey, ch.Phone, ch.FirstName, ch.LastName, ch.AcceptsMarketing, state,
		ch.PasswordHash, tags, ch.MultipassIdentifier, defaultID, ch.UpdatedAt, ch.RevokeTokens,
		ch.AcceptsSMSMarketing, ch.TaxExempt, ch.Note, ch.Language,
	}, nil
}

// nonNilTags returns tags, or an empty list for nil: the column is NOT
// NULL, and pgx sends a nil slice as NULL.
func nonNilTags(tags []string) []string {
	if tags == nil {
		return []string{}
	}
	return tags
}

// scanCustomer reads one row of customerColumns: a customer without its
// addresses.
func scanCustomer(row pgx.Row) (*customerauth.Customer, error) {
	var cs customerScan
	if err := row.Scan(cs.dest()...); err != nil {
		return nil, err
	}
	return cs.customer(), nil
}

// customerScan receives the columns customerColumns.
type customerScan struct {
	c       customerauth.Customer
	state   int16
	version int64
}

func (cs *customerScan) dest() []any {
	c := &cs.c
	return []any{&c.ID, &c.Email, &c.EmailKey, &c.Phone, &c.FirstName, &c.LastName,
		&c.AcceptsMarketing, &cs.state, &c.PasswordHash, &c.Tags, &c.DefaultAddressID,
		&c.MultipassIdentifier, &c.CreatedAt, &c.UpdatedAt, &cs.version,
		&c.AcceptsSMSMarketing, &c.TaxExempt, &c.Note, &c.Language}
}

// customer returns the customer scanned. Times come back in UTC and empty
// lists as nil, so callers see what they stored.
func (cs *customerScan) customer() *customerauth.Customer {
	c := cs.c
	c.State = customerauth.State(cs.state)
	c.CredentialVersion = decodeVersion(cs.version)
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c
}

// scanCustomerWithAddresses reads the rows of a lookup made with
// selectCustomerWithAddresses, and closes them: the customer, with its
// addresses in order. No row is pgx.ErrNoRows.
func scanCustomerWithAddresses(rows pgx.Rows) (*customerauth.Customer, error) {
	cs, err := scanCustomersWithAddresses(rows)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, pgx.ErrNoRows
	}
	return cs[0], nil
}

// scanCustomersWithAddresses reads rows of customerColumnsOf("c.") and
// addressColumnsOf("a.") from customers left joined to their addresses,
// and closes them: the customers in the order of their first rows, each
// with its addresses in the order of the rows. The rows of one customer
// must be consecutive (ordered by the customer's id, then position); a
// customer without addresses is one row of NULL addresses.
func scanCustomersWithAddresses(rows pgx.Rows) ([]*customerauth.Customer, error) {
	defer rows.Close()
	var (
		out []*customerauth.Customer
		cs  customerScan
		as  addressScan
	)
	dest := append(cs.dest(), as.dest()...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != cs.c.ID {
			// Every row repeats the customer's columns; the first is kept.
			out = append(out, cs.customer())
		}
		if a, ok := as.address(); ok {
			c := out[len(out)-1]
			c.Addresses = append(c.Addresses, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
