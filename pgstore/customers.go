package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

// customerColumns is the select list scanCustomer reads. Phone and the
// Multipass identifier are NULL in the table when empty (so that they do
// not collide in their unique indexes) and "" in Go.
const customerColumns = `id, email, email_key, COALESCE(phone, ''), first_name, last_name,
	accepts_marketing, state, password_hash, tags, addresses, default_address_id,
	COALESCE(multipass_identifier, ''), created_at, updated_at, credential_version`

const (
	selectCustomerByID = `SELECT ` + customerColumns + `
		FROM customerauth_customers WHERE id = $1`
	selectCustomerByEmail = `SELECT ` + customerColumns + `
		FROM customerauth_customers WHERE email_key = $1`
	selectCustomerByPhone = `SELECT ` + customerColumns + `
		FROM customerauth_customers WHERE phone = $1`
	selectCustomerByIdentifier = `SELECT ` + customerColumns + `
		FROM customerauth_customers WHERE multipass_identifier = $1`

	insertCustomer = `INSERT INTO customerauth_customers (
		id, email, email_key, phone, first_name, last_name, accepts_marketing, state,
		password_hash, tags, addresses, default_address_id, multipass_identifier,
		created_at, updated_at, credential_version
	) VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8, $9, $10, $11, $12, NULLIF($13, ''), $14, $15, $16)`

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

	// updateCustomer applies a CustomerChange in one statement: a NULL
	// argument leaves its column untouched. Phone and identifier need a
	// CASE because there NULL is also a value to store (for "").
	updateCustomer = `UPDATE customerauth_customers SET
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
		addresses = COALESCE($12, addresses),
		default_address_id = COALESCE($13, default_address_id),
		updated_at = $14,
		credential_version = credential_version + CASE WHEN $15 THEN 1 ELSE 0 END
	WHERE id = $1
	RETURNING ` + customerColumns

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

// CreateCustomer implements customerauth.Store. The customer and tok,
// bound to c.CredentialVersion, are inserted in one transaction; the
// unique indexes on email_key, phone and multipass_identifier (and the
// primary key) turn any clash, including one with a concurrent insert,
// into customerauth.ErrConflict.
func (s *Store) CreateCustomer(ctx context.Context, c *customerauth.Customer, tok *customerauth.Token) error {
	const op = "create customer"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if !validID(c.ID) {
		return fmt.Errorf("pgstore: %s: customer ID %q is not a canonical UUID", op, c.ID)
	}
	if tok != nil && !validID(tok.CustomerID) {
		return notFound(op)
	}
	addrs, err := encodeAddresses(c.Addresses)
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", op, err)
	}
	version, err := encodeVersion(c.CredentialVersion)
	if err != nil {
		return fmt.Errorf("pgstore: %s: CredentialVersion: %w", op, err)
	}
	args := []any{
		c.ID, c.Email, c.EmailKey, c.Phone, c.FirstName, c.LastName, c.AcceptsMarketing, int16(c.State),
		c.PasswordHash, nonNilTags(c.Tags), addrs, c.DefaultAddressID, c.MultipassIdentifier,
		c.CreatedAt, c.UpdatedAt, version,
	}
	if tok == nil {
		if _, err := s.pool.Exec(ctx, insertCustomer, args...); err != nil {
			return fail(ctx, op, err)
		}
		return nil
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(insertCustomer, args...)
		queueIssue(b, tok, c.ID)
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
	c, err := scanCustomer(s.pool.QueryRow(ctx, query, key))
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
// change revokes the tokens; revoke them; issue the new token, bound to
// the version the update left. The row lock, taken first and held to the
// commit, keeps the version that every later statement checks or binds to
// from changing under the transaction, and makes concurrent changes of
// the customer, and IssueToken, wait for it. Under READ COMMITTED each
// later statement of the batch takes its snapshot when it starts, after
// the lock was granted, so it sees all that the change that held the lock
// before committed: a change that relied on a token another one revoked
// finds it gone. Any failure, a unique violation included, rolls
// everything back, so a refused change leaves no trace.
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
		if ch.RevokeTokens {
			b.Queue(revokeTokens, ch.ID)
		}
		if ch.Issue != nil {
			queueIssue(b, ch.Issue, ch.ID)
		}
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
			updated = c
			// Revocation and issue: their errors (a foreign key violation
			// for an Issue of another, unknown customer) count too.
			for ; read < b.Len(); read++ {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
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
	var addrs, defaultID any
	if ch.Addresses != nil {
		enc, err := encodeAddresses(*ch.Addresses)
		if err != nil {
			return nil, err
		}
		addrs, defaultID = enc, ch.NewDefaultAddressID()
	}
	return []any{
		ch.ID, ch.Email, emailKey, ch.Phone, ch.FirstName, ch.LastName, ch.AcceptsMarketing, state,
		ch.PasswordHash, tags, ch.MultipassIdentifier, addrs, defaultID, ch.UpdatedAt, ch.RevokeTokens,
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

// scanCustomer reads one row of customerColumns. Times come back in UTC
// and empty lists as nil, so callers see what they stored.
func scanCustomer(row pgx.Row) (*customerauth.Customer, error) {
	var (
		c       customerauth.Customer
		state   int16
		addrs   []byte
		version int64
	)
	err := row.Scan(&c.ID, &c.Email, &c.EmailKey, &c.Phone, &c.FirstName, &c.LastName,
		&c.AcceptsMarketing, &state, &c.PasswordHash, &c.Tags, &addrs, &c.DefaultAddressID,
		&c.MultipassIdentifier, &c.CreatedAt, &c.UpdatedAt, &version)
	if err != nil {
		return nil, err
	}
	c.State = customerauth.State(state)
	c.CredentialVersion = decodeVersion(version)
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if c.Addresses, err = decodeAddresses(addrs); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// encodeAddresses returns the JSON array stored for addrs. pgx sends a Go
// string to a jsonb parameter as JSON text, unchanged.
func encodeAddresses(addrs []customerauth.Address) (string, error) {
	if addrs == nil {
		addrs = []customerauth.Address{}
	}
	b, err := json.Marshal(addrs)
	if err != nil {
		return "", fmt.Errorf("encoding addresses: %w", err)
	}
	return string(b), nil
}

// decodeAddresses parses the addresses column. The result shares no
// memory with anything else: json.Unmarshal allocates every coordinate.
func decodeAddresses(b []byte) ([]customerauth.Address, error) {
	var out []customerauth.Address
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decoding addresses: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
