package pgstore

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopkit/customerauth"
)

const (
	// boundToCurrent is the condition, on a row of customerauth_tokens,
	// that the token was minted under its customer's current credential
	// version: one more primary key lookup. Every statement that finds a
	// token to use it has it, so a token minted under replaced
	// credentials is as good as absent, even one that a revocation did
	// not delete.
	boundToCurrent = `credential_version = (SELECT c.credential_version FROM customerauth_customers c
			WHERE c.id = customerauth_tokens.customer_id)`

	// onHashConflict replaces a token with the same hash, as in the
	// in-memory store; hashes of 128-bit random secrets only meet when
	// the secret is the same.
	onHashConflict = `
		ON CONFLICT (hash) DO UPDATE SET kind = EXCLUDED.kind, customer_id = EXCLUDED.customer_id,
			created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
			credential_version = EXCLUDED.credential_version`

	// insertToken stores a token bound to the credential version that
	// customer $6 has in this transaction: the one just created, or the
	// one a change has just left (moved on, if it revoked the tokens).
	// The transaction already holds that customer's row.
	insertToken = `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at, credential_version)
		SELECT $1::bytea, $2::smallint, $3::text, $4::timestamptz, $5::timestamptz, credential_version
		FROM customerauth_customers WHERE id = $6` + onHashConflict

	// insertTokenIfCurrent stores a token for customer $3 if, and only
	// if, the customer's credential version is $6 when the row is
	// written; otherwise it inserts nothing. FOR SHARE makes the check
	// and the insert one atomic step: the lock conflicts with the FOR NO
	// KEY UPDATE (or FOR UPDATE) that every change of the customer takes
	// first. So the insert waits for a change in progress and, once that
	// commits, PostgreSQL evaluates the condition again on the row as
	// the change left it (READ COMMITTED's recheck of an updated row): a
	// version that moved on inserts nothing. The other way round, a
	// change waits for the insert to commit, and its revocation, a later
	// statement with a later snapshot, sees the token and deletes it.
	// FOR KEY SHARE, which the foreign key check takes anyway, would not
	// do: it does not conflict with FOR NO KEY UPDATE. Concurrent logins
	// of one customer share the lock and do not wait for one another.
	insertTokenIfCurrent = `INSERT INTO customerauth_tokens (hash, kind, customer_id, created_at, expires_at, credential_version)
		SELECT $1::bytea, $2::smallint, id, $4::timestamptz, $5::timestamptz, credential_version
		FROM customerauth_customers WHERE id = $3 AND credential_version = $6
		FOR SHARE` + onHashConflict

	// selectCredentialVersion tells, after insertTokenIfCurrent inserted
	// nothing, an unknown customer from replaced credentials.
	selectCredentialVersion = `SELECT credential_version FROM customerauth_customers WHERE id = $1`

	// replaceLinks deletes the customer's older emailed links of the kind
	// of a new one, so that only the newest link works.
	replaceLinks = `DELETE FROM customerauth_tokens WHERE customer_id = $1 AND kind = $2 AND hash <> $3`

	selectToken = `SELECT customer_id, created_at, expires_at, credential_version FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND expires_at > $3 AND ` + boundToCurrent

	renewToken = `UPDATE customerauth_tokens SET expires_at = $4
		WHERE hash = $1 AND kind = $2 AND expires_at > $3 AND ` + boundToCurrent + `
		RETURNING customer_id, created_at, expires_at, credential_version`

	deleteToken = `DELETE FROM customerauth_tokens
		WHERE hash = $1 AND kind = $2 AND expires_at > $3 AND ` + boundToCurrent + `
		RETURNING customer_id, created_at, expires_at, credential_version`

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

// queueIssue queues the statements that store tok bound to the credential
// version that customer versionOf has in the transaction: for an emailed
// link, first the deletion of the older links of its kind.
func queueIssue(b *pgx.Batch, tok *customerauth.Token, versionOf string) {
	if tok.Kind != customerauth.TokenAccess {
		b.Queue(replaceLinks, tok.CustomerID, int16(tok.Kind), tok.Hash[:])
	}
	b.Queue(insertToken, tok.Hash[:], int16(tok.Kind), tok.CustomerID, tok.CreatedAt, tok.ExpiresAt, versionOf)
}

// IssueToken implements customerauth.Store. An access token is a single
// insertTokenIfCurrent, atomic with its check of the customer's credential
// version (see there). An activation or reset link is one transaction
// that locks the customer row, deletes the older links of its kind and
// inserts the new one under the same condition. When nothing was
// inserted, the customer is unknown (ErrNotFound) or its credentials were
// replaced (ErrCredentialsChanged).
func (s *Store) IssueToken(ctx context.Context, tok *customerauth.Token) error {
	const op = "issue token"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if !validID(tok.CustomerID) {
		return notFound(op)
	}
	args := []any{tok.Hash[:], int16(tok.Kind), tok.CustomerID, tok.CreatedAt, tok.ExpiresAt, matchVersion(tok.CredentialVersion)}
	var err error
	if tok.Kind == customerauth.TokenAccess {
		var tag pgconn.CommandTag
		if tag, err = s.pool.Exec(ctx, insertTokenIfCurrent, args...); err == nil && tag.RowsAffected() == 0 {
			// Nothing was written; this read only names the reason.
			var v int64
			if err = s.pool.QueryRow(ctx, selectCredentialVersion, tok.CustomerID).Scan(&v); err == nil {
				err = customerauth.ErrCredentialsChanged
			}
		}
	} else {
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			b := &pgx.Batch{}
			b.Queue(lockCustomer, tok.CustomerID)
			b.Queue(replaceLinks, tok.CustomerID, int16(tok.Kind), tok.Hash[:])
			b.Queue(insertTokenIfCurrent, args...)
			return runBatch(ctx, tx, b, func(br pgx.BatchResults) error {
				if tag, err := br.Exec(); err != nil {
					return err
				} else if tag.RowsAffected() == 0 {
					return customerauth.ErrNotFound
				}
				if _, err := br.Exec(); err != nil {
					return err
				}
				if tag, err := br.Exec(); err != nil {
					return err
				} else if tag.RowsAffected() == 0 {
					// Rolled back with the deletion of the older links.
					return customerauth.ErrCredentialsChanged
				}
				return nil
			})
		})
	}
	switch {
	case errors.Is(err, customerauth.ErrNotFound), errors.Is(err, pgx.ErrNoRows):
		return notFound(op)
	case errors.Is(err, customerauth.ErrCredentialsChanged):
		return credentialsChanged(op)
	case err != nil:
		return fail(ctx, op, err)
	}
	return nil
}

// TokenByHash implements customerauth.Store with a primary key lookup that
// also checks kind and expiry, and one of the customer's that checks the
// token is bound to its current credentials.
func (s *Store) TokenByHash(ctx context.Context, kind customerauth.TokenKind, hash customerauth.TokenHash, now time.Time) (*customerauth.Token, error) {
	return s.tokenQuery(ctx, "token by hash", selectToken, kind, hash, now)
}

// RenewToken implements customerauth.Store in one UPDATE ... RETURNING
// that touches only a valid access token bound to its customer's current
// credentials.
func (s *Store) RenewToken(ctx context.Context, hash customerauth.TokenHash, now, expiresAt time.Time) (*customerauth.Token, error) {
	return s.tokenQuery(ctx, "renew token", renewToken, customerauth.TokenAccess, hash, now, expiresAt)
}

// DeleteToken implements customerauth.Store in one DELETE ... RETURNING
// that touches only a valid access token bound to its customer's current
// credentials.
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
	var version int64
	err := s.pool.QueryRow(ctx, query, args...).Scan(&tok.CustomerID, &tok.CreatedAt, &tok.ExpiresAt, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	tok.CreatedAt, tok.ExpiresAt = tok.CreatedAt.UTC(), tok.ExpiresAt.UTC()
	tok.CredentialVersion = decodeVersion(version)
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
