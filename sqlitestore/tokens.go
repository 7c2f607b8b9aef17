package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/shopkit/customerauth"
)

// The token statements. Every lookup by hash is a search of the primary
// key, and the check that the token is bound to its customer's current
// credentials (boundToCurrent) one search of the customers' primary key;
// the per-customer deletes use customerauth_tokens_customer and the expiry
// sweep customerauth_tokens_expires_at.
const (
	// boundToCurrent is the condition, on a row of customerauth_tokens,
	// that the token was minted under its customer's current credential
	// version. Every statement that finds a token to use it has it, so a
	// token minted under replaced credentials is as good as absent, even
	// one the revocation could not delete.
	boundToCurrent = `credential_version = (SELECT c.credential_version FROM customerauth_customers AS c
		WHERE c.id = customerauth_tokens.customer_id)`

	// insertTokenSQL stores a token bound to the credential version given
	// last; a token with the same hash, which only a reissued secret could
	// have, is replaced as a whole.
	insertTokenSQL = `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at, credential_version)
	VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, customer_id = excluded.customer_id,
		created_at = excluded.created_at, expires_at = excluded.expires_at,
		credential_version = excluded.credential_version`
	// deleteOlderLinksSQL makes room for a new activation or reset link:
	// only the newest link of a kind works.
	deleteOlderLinksSQL = `DELETE FROM customerauth_tokens WHERE customer_id = ? AND kind = ?`
	tokenByHashSQL      = `SELECT customer_id, created_at, expires_at, credential_version FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND expires_at > ? AND ` + boundToCurrent
	renewTokenSQL = `UPDATE customerauth_tokens SET expires_at = ?
	WHERE hash = ? AND kind = ? AND expires_at > ? AND ` + boundToCurrent + `
	RETURNING customer_id, created_at, expires_at, credential_version`
	deleteTokenSQL = `DELETE FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND expires_at > ? AND ` + boundToCurrent + `
	RETURNING customer_id, created_at, expires_at, credential_version`
	// deleteExpiredTokensSQL deletes one batch of expired tokens.
	deleteExpiredTokensSQL = `DELETE FROM customerauth_tokens WHERE hash IN
	(SELECT hash FROM customerauth_tokens WHERE expires_at <= ? LIMIT ?)`
)

// sweepBatch is how many expired rows one statement of a sweep deletes.
// Each batch is its own short transaction, so a large sweep never holds
// the write lock for long.
const sweepBatch = 1000

// tokenArgs returns the values of insertTokenSQL for tok but the last,
// the credential version, which issue adds.
func tokenArgs(tok *customerauth.Token) ([]any, error) {
	created, err := encodeTime(tok.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("token CreatedAt: %w", err)
	}
	expires, err := encodeTime(tok.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("token ExpiresAt: %w", err)
	}
	hash := tok.Hash // a copy: the statement binds the hash as it was when the call began
	return []any{hash[:], int64(tok.Kind), tok.CustomerID, created, expires}, nil
}

// issue stores a token whose insertTokenSQL values are args, bound to the
// stored credential version given; an activation or reset token first
// deletes the customer's older ones of its kind. It runs in the caller's
// transaction.
func issue(ctx context.Context, tx *sql.Tx, kind customerauth.TokenKind, customerID string, args []any, version int64) error {
	if kind != customerauth.TokenAccess {
		if _, err := tx.ExecContext(ctx, deleteOlderLinksSQL, customerID, int64(kind)); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, insertTokenSQL, append(slices.Clip(args), version)...)
	return err
}

// customerVersionSQL reads the credential version a token must be bound to.
const customerVersionSQL = `SELECT credential_version FROM customerauth_customers WHERE id = ?`

// IssueToken implements customerauth.Store. One write transaction reads
// the customer's credential version and, if it is the token's, stores the
// token (an activation or reset token replacing the customer's older ones
// of its kind). The transaction holds SQLite's write lock from its BEGIN
// IMMEDIATE to its commit, so no change of the credentials, from this
// process or another, can commit between the check and the insert: a
// login that checked a password being replaced either stores its token
// before the change (which then revokes it) or is refused with
// ErrCredentialsChanged after it. An unknown customer is ErrNotFound.
func (s *Store) IssueToken(ctx context.Context, tok *customerauth.Token) error {
	const op = "issue token"
	args, err := tokenArgs(tok)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var stored int64
		if err := tx.QueryRowContext(ctx, customerVersionSQL, tok.CustomerID).Scan(&stored); err != nil {
			return wrapErr(ctx, op, err) // no row: ErrNotFound
		}
		if decodeVersion(stored) != tok.CredentialVersion {
			return credentialsChanged(op)
		}
		return wrapErr(ctx, op, issue(ctx, tx, tok.Kind, tok.CustomerID, args, stored))
	})
}

// scanToken reads the columns customer_id, created_at, expires_at,
// credential_version of the token with the given hash and kind.
func scanToken(row rowScanner, hash customerauth.TokenHash, kind customerauth.TokenKind) (*customerauth.Token, error) {
	t := &customerauth.Token{Hash: hash, Kind: kind}
	var created, expires, version int64
	if err := row.Scan(&t.CustomerID, &created, &expires, &version); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = decodeTime(created), decodeTime(expires)
	t.CredentialVersion = decodeVersion(version)
	return t, nil
}

// TokenByHash implements customerauth.Store with one search of the
// primary key and one of the customers' to compare credential versions;
// kind, expiry and version are conditions of the same query, so a token
// of another kind, an expired one or one minted under replaced credentials
// is simply not found.
func (s *Store) TokenByHash(ctx context.Context, kind customerauth.TokenKind, hash customerauth.TokenHash, now time.Time) (*customerauth.Token, error) {
	const op = "token by hash"
	if err := ctx.Err(); err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	stmt, err := s.prepared(ctx, tokenByHashSQL)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	t, err := scanToken(stmt.QueryRowContext(ctx, hash[:], int64(kind), boundTime(now)), hash, kind)
	if err != nil {
		return nil, wrapErr(ctx, op, err)
	}
	return t, nil
}

// RenewToken implements customerauth.Store, with one conditional UPDATE:
// a token that is not a valid access token at now, bound to its customer's
// current credentials, is left untouched.
func (s *Store) RenewToken(ctx context.Context, hash customerauth.TokenHash, now, expiresAt time.Time) (*customerauth.Token, error) {
	const op = "renew token"
	expires, err := encodeTime(expiresAt)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: expiresAt: %w", op, err)
	}
	var t *customerauth.Token
	err = s.write(ctx, op, func() error {
		var err error
		row := s.db.QueryRowContext(ctx, renewTokenSQL, expires, hash[:], int64(customerauth.TokenAccess), boundTime(now))
		t, err = scanToken(row, hash, customerauth.TokenAccess)
		return wrapErr(ctx, op, err)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteToken implements customerauth.Store, with one conditional DELETE
// that, like RenewToken's UPDATE, touches only a usable access token.
func (s *Store) DeleteToken(ctx context.Context, hash customerauth.TokenHash, now time.Time) (*customerauth.Token, error) {
	const op = "delete token"
	var t *customerauth.Token
	err := s.write(ctx, op, func() error {
		var err error
		row := s.db.QueryRowContext(ctx, deleteTokenSQL, hash[:], int64(customerauth.TokenAccess), boundTime(now))
		t, err = scanToken(row, hash, customerauth.TokenAccess)
		return wrapErr(ctx, op, err)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteExpiredTokens implements customerauth.Store: it deletes every token
// whose expiry is not after now, the tokens Token.ValidAt refuses at now.
// It works in batches of short transactions, so other writers are not held
// up by a large sweep; if ctx ends between batches, the count of what was
// deleted so far is returned with the error. DeleteExpired also sweeps the
// replay cache.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	return s.sweep(ctx, "delete expired tokens", deleteExpiredTokensSQL, now)
}

// sweep runs a batch delete of expired rows until a batch comes back short.
func (s *Store) sweep(ctx context.Context, op, query string, now time.Time) (int, error) {
	bound := boundTime(now)
	total := 0
	for {
		var n int64
		err := s.write(ctx, op, func() error {
			res, err := s.db.ExecContext(ctx, query, bound, sweepBatch)
			if err != nil {
				return wrapErr(ctx, op, err)
			}
			n, err = res.RowsAffected()
			return wrapErr(ctx, op, err)
		})
		total += int(n)
		if err != nil {
			return total, err
		}
		if n < sweepBatch {
			return total, nil
		}
	}
}
