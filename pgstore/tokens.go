package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

const (
	// insertToken stores a token. A token with the same hash is replaced,
	// as in the in-memory store; hashes of 128-bit random secrets only
	// meet when the secret is the same.
	insertToken = `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO UPDATE SET kind = EXCLUDED.kind, customer_id = EXCLUDED.customer_id,
			created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`

	// replaceLinks deletes the customer's older emailed links of the kind
	// of a new one, so that only the newest link works.
	replaceLinks = `DELETE FROM customerauth_tokens WHERE customer_id = $1 AND kind = $2 AND hash <> $3`

	selectToken = `SELECT customer_id, created_at, expires_at FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND expires_at > $3`

	renewToken = `UPDATE customerauth_tokens SET expires_at = $4
		WHERE hash = $1 AND kind = $2 AND expires_at > $3
		RETURNING customer_id, created_at, expires_at`

	deleteToken = `DELETE FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND expires_at > $3
		RETURNING customer_id, created_at, expires_at`

	// deleteExpiredTokens deletes up to $2 expired tokens. SKIP LOCKED
	// leaves rows that a running change is deleting anyway to that change,
	// so the sweep never waits for (or deadlocks with) a revocation; a row
	// it skipped is taken by the next sweep if it is still there.
	deleteExpiredTokens = `DELETE FROM customerauth_tokens WHERE hash = ANY(ARRAY(
		SELECT hash FROM customerauth_tokens WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`
)

// sweepBatch is how many rows one statement of an expiry sweep deletes.
// Each batch is its own short transaction, so a sweep of millions of rows
// neither holds millions of row locks nor one long transaction.
const sweepBatch = 5000

// queueIssue queues the statements that store tok: for an emailed link,
// first the deletion of the older links of its kind.
func queueIssue(b *pgx.Batch, tok *customerauth.Token) {
	if tok.Kind != customerauth.TokenAccess {
		b.Queue(replaceLinks, tok.CustomerID, int16(tok.Kind), tok.Hash[:])
	}
	b.Queue(insertToken, tok.Hash[:], int16(tok.Kind), tok.CustomerID, tok.CreatedAt, tok.ExpiresAt)
}

// IssueToken implements customerauth.Store. An access token is a single
// insert, whose foreign key makes an unknown customer ErrNotFound. An
// activation or reset link is one transaction that locks the customer row,
// deletes the older links of its kind and inserts the new one.
func (s *Store) IssueToken(ctx context.Context, tok *customerauth.Token) error {
	const op = "issue token"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if !validID(tok.CustomerID) {
		return notFound(op)
	}
	if tok.Kind == customerauth.TokenAccess {
		if _, err := s.pool.Exec(ctx, insertToken, tok.Hash[:], int16(tok.Kind), tok.CustomerID, tok.CreatedAt, tok.ExpiresAt); err != nil {
			return fail(ctx, op, err)
		}
		return nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(lockCustomer, tok.CustomerID)
		queueIssue(b, tok)
		return runBatch(ctx, tx, b, func(br pgx.BatchResults) error {
			if tag, err := br.Exec(); err != nil {
				return err
			} else if tag.RowsAffected() == 0 {
				return customerauth.ErrNotFound
			}
			for range b.Len() - 1 {
				if _, err := br.Exec(); err != nil {
					return err
				}
			}
			return nil
		})
	})
	switch {
	case errors.Is(err, customerauth.ErrNotFound):
		return notFound(op)
	case err != nil:
		return fail(ctx, op, err)
	}
	return nil
}

// TokenByHash implements customerauth.Store with a primary key lookup that
// also checks kind and expiry.
func (s *Store) TokenByHash(ctx context.Context, kind customerauth.TokenKind, hash customerauth.TokenHash, now time.Time) (*customerauth.Token, error) {
	return s.tokenQuery(ctx, "token by hash", selectToken, kind, hash, now)
}

// RenewToken implements customerauth.Store in one UPDATE ... RETURNING
// that touches only a valid access token.
func (s *Store) RenewToken(ctx context.Context, hash customerauth.TokenHash, now, expiresAt time.Time) (*customerauth.Token, error) {
	return s.tokenQuery(ctx, "renew token", renewToken, customerauth.TokenAccess, hash, now, expiresAt)
}

// DeleteToken implements customerauth.Store in one DELETE ... RETURNING
// that touches only a valid access token.
func (s *Store) DeleteToken(ctx context.Context, hash customerauth.TokenHash, now time.Time) (*customerauth.Token, error) {
	return s.tokenQuery(ctx, "delete token", deleteToken, customerauth.TokenAccess, hash, now)
}

// tokenQuery runs a statement that takes hash, kind and now (and maybe
// more) and returns at most one token row.
func (s *Store) tokenQuery(ctx context.Context, op, query string, kind customerauth.TokenKind, hash customerauth.TokenHash, now time.Time, more ...any) (*customerauth.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	tok := &customerauth.Token{Hash: hash, Kind: kind}
	args := append([]any{hash[:], int16(kind), now}, more...)
	err := s.pool.QueryRow(ctx, query, args...).Scan(&tok.CustomerID, &tok.CreatedAt, &tok.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	tok.CreatedAt, tok.ExpiresAt = tok.CreatedAt.UTC(), tok.ExpiresAt.UTC()
	return tok, nil
}

// DeleteExpiredTokens implements customerauth.Store: it deletes every
// token whose expiry is at or before now, in batches. When ctx ends
// between batches it returns the number deleted so far with the error.
func (s *Store) DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error) {
	return s.sweep(ctx, "delete expired tokens", deleteExpiredTokens, now)
}

// sweep runs a batched delete until a batch comes back short.
func (s *Store) sweep(ctx context.Context, op, query string, now time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, fail(ctx, op, err)
		}
		tag, err := s.pool.Exec(ctx, query, now, sweepBatch)
		if err != nil {
			return total, fail(ctx, op, err)
		}
		n := int(tag.RowsAffected())
		total += n
		if n < sweepBatch {
			return total, nil
		}
	}
}
