package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/shopkit/customerauth"
)

// The token statements. Every lookup by hash is a search of the primary
// key; the per-customer deletes use customerauth_tokens_customer and the
// expiry sweep customerauth_tokens_expires_at.
const (
	// insertTokenSQL stores a token; a token with the same hash, which
	// only a reissued secret could have, is replaced as a whole.
	insertTokenSQL = `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at)
	VALUES (?, ?, ?, ?, ?)
	ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, customer_id = excluded.customer_id,
		created_at = excluded.created_at, expires_at = excluded.expires_at`
	// deleteOlderLinksSQL makes room for a new activation or reset link:
	// only the newest link of a kind works.
	deleteOlderLinksSQL = `DELETE FROM customerauth_tokens WHERE customer_id = ? AND kind = ?`
	tokenByHashSQL      = `SELECT customer_id, created_at, expires_at FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND expires_at > ?`
	renewTokenSQL = `UPDATE customerauth_tokens SET expires_at = ?
	WHERE hash = ? AND kind = ? AND expires_at > ?
	RETURNING customer_id, created_at, expires_at`
	deleteTokenSQL = `DELETE FROM customerauth_tokens
	WHERE hash = ? AND kind = ? AND expires_at > ?
	RETURNING customer_id, created_at, expires_at`
	// deleteExpiredTokensSQL deletes one batch of expired tokens.
	deleteExpiredTokensSQL = `DELETE FROM customerauth_tokens WHERE hash IN
	(SELECT hash FROM customerauth_tokens WHERE expires_at <= ? LIMIT ?)`
)

// sweepBatch is how many expired rows one statement of a sweep deletes.
// Each batch is its own short transaction, so a large sweep never holds
// the write lock for long.
const sweepBatch = 1000

// tokenArgs returns the values of insertTokenSQL for tok.
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

// issue stores a token whose insertTokenSQL values are args; an activation
// or reset token first deletes the customer's older ones of its kind. The
// caller provides the transaction when there are two statements.
func issue(ctx context.Context, q execer, kind customerauth.TokenKind, customerID string, args []any) error {
	if kind != customerauth.TokenAccess {
		if _, err := q.ExecContext(ctx, deleteOlderLinksSQL, customerID, int64(kind)); err != nil {
			return err
		}
	}
	_, err := q.ExecContext(ctx, insertTokenSQL, args...)
	return err
}

// IssueToken implements customerauth.Store. The foreign key on customer_id
// refuses a token of an unknown customer (ErrNotFound). An activation or
// reset token replaces the customer's older ones of its kind in the same
// transaction.
func (s *Store) IssueToken(ctx context.Context, tok *customerauth.Token) error {
	const op = "issue token"
	args, err := tokenArgs(tok)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	if tok.Kind == customerauth.TokenAccess {
		// One statement: autocommit is enough.
		return s.write(ctx, op, func() error {
			return wrapErr(ctx, op, issue(ctx, s.db, tok.Kind, tok.CustomerID, args))
		})
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		return wrapErr(ctx, op, issue(ctx, tx, tok.Kind, tok.CustomerID, args))
	})
}

// scanToken reads the columns customer_id, created_at, expires_at of the
// token with the given hash and kind.
func scanToken(row rowScanner, hash customerauth.TokenHash, kind customerauth.TokenKind) (*customerauth.Token, error) {
	t := &customerauth.Token{Hash: hash, Kind: kind}
	var created, expires int64
	if err := row.Scan(&t.CustomerID, &created, &expires); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = decodeTime(created), decodeTime(expires)
	return t, nil
}

// TokenByHash implements customerauth.Store with one search of the
// primary key; kind and expiry are conditions of the same query, so a token
// of another kind or an expired one is simply not found.
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
// a token that is not a valid access token at now is left untouched.
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

// DeleteToken implements customerauth.Store, with one conditional DELETE.
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
