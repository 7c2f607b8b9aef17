package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopkit/customerauth"
)

// The Store's administrative capabilities: listing customers a page at a
// time, erasing one for good, and finding and creating them many at a time
// for an import.
var (
	_ customerauth.CustomerLister   = (*Store)(nil)
	_ customerauth.CustomerEraser   = (*Store)(nil)
	_ customerauth.CustomerImporter = (*Store)(nil)
)

// eraseCustomer deletes the customer row; the foreign keys' ON DELETE
// CASCADE deletes its addresses and tokens in the same statement. The row
// lock it takes on the customer first is the lock every change of the
// customer starts with, so it waits for changes in progress and they,
// once it commits, find no customer.
const eraseCustomer = `DELETE FROM customerauth_customers WHERE id = $1`

var (
	customerColumnsOfC = customerColumnsOf("c.")
	addressColumnsOfA  = addressColumnsOf("a.")

	// findCustomers looks customers up by id and by email key at once: a
	// BitmapOr of the primary key and the unique index on email_key, which
	// yields each matching row once however many values it matches. The
	// customers' addresses are joined as in selectCustomerWithAddresses;
	// the ORDER BY keeps each customer's rows together and in order.
	findCustomers = `SELECT ` + customerColumnsOfC + `, ` + addressColumnsOfA + `
		FROM customerauth_customers c LEFT JOIN customerauth_addresses a ON a.customer_id = c.id
		WHERE c.id = ANY($1) OR c.email_key = ANY($2)
		ORDER BY c.id, a.position`
)

// customerCopyColumns are the columns CreateCustomers copies into
// customerauth_customers, in the order of customerCopyRow.
var customerCopyColumns = []string{
	"id", "email", "email_key", "phone", "first_name", "last_name", "accepts_marketing",
	"accepts_sms_marketing", "tax_exempt", "note", "state", "password_hash", "tags",
	"default_address_id", "multipass_identifier", "created_at", "updated_at", "credential_version",
	"language",
}

// addressCopyColumns are the columns CreateCustomers copies into
// customerauth_addresses: the customer, the position and addressColumns.
var addressCopyColumns = append([]string{"customer_id", "position"},
	strings.Split(strings.ReplaceAll(addressColumns, " ", ""), ",")...)

// ListCustomers implements customerauth.CustomerLister. One statement
// picks the page of customers, in the byte order of their ids (COLLATE
// "C", which is the column's own collation, so a range scan of the
// primary key yields them), and joins their addresses. Search is matched
// with strpos on lower() of both sides, so '%', '_' and '\' are plain
// characters; lower() folds case by the database's LC_CTYPE, which must
// be a UTF-8 locale (not C) for letters beyond ASCII to match without
// regard to case. A search has no index: it filters the customers in id
// order until the page is full.
func (s *Store) ListCustomers(ctx context.Context, q customerauth.CustomerQuery) ([]*customerauth.Customer, error) {
	const op = "list customers"
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	if q.Limit <= 0 {
		return nil, fmt.Errorf("pgstore: %s: the limit must be positive, not %d", op, q.Limit)
	}
	if strings.IndexByte(q.Search, 0) >= 0 || !utf8.ValidString(q.Search) {
		// No stored text holds such a string: PostgreSQL text cannot.
		return nil, nil
	}
	var (
		where = []string{`id COLLATE "C" > $1`}
		args  = []any{afterBound(q.After)}
	)
	if q.State != 0 {
		args = append(args, int16(q.State))
		where = append(where, `state = $`+strconv.Itoa(len(args)))
	}
	if q.Search != "" {
		args = append(args, q.Search)
		p := `lower($` + strconv.Itoa(len(args)) + `::text)`
		where = append(where, `(strpos(lower(email), `+p+`) > 0 OR strpos(lower(first_name), `+p+`) > 0 OR strpos(lower(last_name), `+p+`) > 0)`)
	}
	args = append(args, int64(q.Limit))
	query := `SELECT ` + customerColumnsOfC + `, ` + addressColumnsOfA + `
		FROM (SELECT * FROM customerauth_customers WHERE ` + strings.Join(where, " AND ") + `
			ORDER BY id COLLATE "C" LIMIT $` + strconv.Itoa(len(args)) + `) c
		LEFT JOIN customerauth_addresses a ON a.customer_id = c.id
		ORDER BY c.id COLLATE "C", a.position`
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	cs, err := scanCustomersWithAddresses(rows)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	return cs, nil
}

// afterBound returns a string that customer IDs (customerauth.
// ValidCustomerID) compare with, in byte order, exactly as they compare
// with after, and that PostgreSQL text can hold (no NUL, valid UTF-8).
// It keeps after up to its first byte that no ID has, b: IDs cannot have
// after's prefix up to b and then b, so every ID is ordered against after
// by that prefix and b alone; a NUL there orders every longer ID with the
// prefix after it, which the prefix alone does too; and a byte of 0x80 or
// more orders them all before it, which 0x7f, above every byte of an ID,
// does too.
func afterBound(after string) string {
	for i := 0; i < len(after); i++ {
		switch b := after[i]; {
		case customerauth.ValidCustomerID(after[i : i+1]):
		case b == 0:
			return after[:i]
		case b >= utf8.RuneSelf:
			return after[:i] + "\x7f"
		default:
			return after[:i+1]
		}
	}
	return after
}

// EraseCustomer implements customerauth.CustomerEraser with one DELETE of
// the customer row, which cascades to the customer's addresses and
// tokens: one statement, so one unit. What else the store keeps holds no
// copy of the customer's data: the attempt counters are keyed by digests
// and the replay cache by MACs.
func (s *Store) EraseCustomer(ctx context.Context, id string) error {
	const op = "erase customer"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if !validID(id) {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, eraseCustomer, id)
	if err != nil {
		return fail(ctx, op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// FindCustomers implements customerauth.CustomerImporter in one statement
// (findCustomers), whatever the number of values. Values that no customer
// can have (invalid IDs, empty email keys) are left out first.
func (s *Store) FindCustomers(ctx context.Context, ids, emailKeys []string) ([]*customerauth.Customer, error) {
	const op = "find customers"
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	ids = keep(ids, validID)
	emailKeys = keep(emailKeys, func(k string) bool {
		return k != "" && strings.IndexByte(k, 0) < 0 && utf8.ValidString(k)
	})
	if len(ids) == 0 && len(emailKeys) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, findCustomers, ids, emailKeys)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	cs, err := scanCustomersWithAddresses(rows)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	return cs, nil
}

// keep returns the values of vs for which ok is true, in a new slice (the
// caller's is not modified), never nil: pgx sends a nil slice as NULL, and
// an empty array matches nothing just as well.
func keep(vs []string, ok func(string) bool) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if ok(v) {
			out = append(out, v)
		}
	}
	return out
}

// CreateCustomers implements customerauth.CustomerImporter: one
// transaction that copies the customers into customerauth_customers, then
// their addresses into customerauth_addresses, with COPY, which costs a
// round trip per table instead of one statement per row. The unique
// indexes check every copied row against the stored ones and against the
// rows copied before it, so any clash of ID, email key, phone, Multipass
// identifier or address id, within cs or with a stored customer (or one
// being created concurrently), fails the COPY with a unique violation:
// the transaction rolls back, nothing is stored, and the error is
// customerauth.ErrConflict. Concurrent batches take turns (lockImport),
// and a transaction that PostgreSQL failed to break a deadlock is run
// again (createCustomersTries). Every customer is checked before anything
// is sent: an invalid ID, credential version or coordinate is a plain
// error.
func (s *Store) CreateCustomers(ctx context.Context, cs []*customerauth.Customer) error {
	const op = "create customers"
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	versions := make([]int64, len(cs))
	addresses := 0
	for i, c := range cs {
		if !validID(c.ID) {
			return fmt.Errorf("pgstore: %s: customer %d: %w", op, i, errInvalidID)
		}
		v, err := encodeVersion(c.CredentialVersion)
		if err != nil {
			return fmt.Errorf("pgstore: %s: customer %d: CredentialVersion: %w", op, i, err)
		}
		versions[i] = v
		if err := checkAddresses(c.Addresses...); err != nil {
			return fmt.Errorf("pgstore: %s: customer %d: %w", op, i, err)
		}
		addresses += len(c.Addresses)
	}
	if len(cs) == 0 {
		return nil
	}
	copyCustomers := copyCustomersFunc(ctx, cs, versions, addresses)
	err := s.inTx(ctx, copyCustomers)
	for try := 1; try < createCustomersTries && isDeadlock(err) && ctx.Err() == nil; try++ {
		err = s.inTx(ctx, copyCustomers)
	}
	if err != nil {
		return fail(ctx, op, err)
	}
	return nil
}

// lockImport is the first statement of CreateCustomers' transaction: a
// transaction-level advisory lock that makes concurrent batches of one
// table take turns. Two batches that share values in opposite orders
// (emails, say) would otherwise each insert one of them and then wait for
// the other's uncommitted index entry: a deadlock, which PostgreSQL breaks
// by failing one of them with an error that is no conflict. Taking turns,
// the second batch finds the first's values committed, a plain conflict.
// The lock's key is a pair: 1667331444, the bytes of "caut", and the OID
// of the customers table the statement resolves, so that stores in other
// schemas of the database do not wait for one another. (Pairs and single
// bigint keys, such as Migrate's, are separate key spaces.) It costs one
// round trip per batch.
const lockImport = `SELECT pg_advisory_xact_lock(1667331444, 'customerauth_customers'::regclass::oid::integer)`

// createCustomersTries is how many times CreateCustomers runs its
// transaction when PostgreSQL breaks a deadlock by failing it. lockImport
// keeps batches from deadlocking with one another, but a batch can still
// deadlock with a concurrent write of one customer that takes two of its
// values (an email and a phone, say) in the other order. That write is
// short: tried again, the batch finds its values committed (a plain
// conflict) or rolled back, and goes through.
const createCustomersTries = 3

// isDeadlock reports whether err is PostgreSQL's deadlock_detected.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == codeDeadlockDetected
}

// copyCustomersFunc returns the transaction of CreateCustomers for cs,
// whose encoded credential versions are versions and which have addresses
// addresses in all.
func copyCustomersFunc(ctx context.Context, cs []*customerauth.Customer, versions []int64, addresses int) func(pgx.Tx) error {
	return func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockImport); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"customerauth_customers"}, customerCopyColumns,
			pgx.CopyFromSlice(len(cs), func(i int) ([]any, error) {
				return customerCopyRow(cs[i], versions[i]), nil
			}))
		if err != nil || addresses == 0 {
			return err
		}
		// The addresses of every customer in turn, at positions 1 to n.
		ci, ai := 0, 0
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"customerauth_addresses"}, addressCopyColumns,
			pgx.CopyFromFunc(func() ([]any, error) {
				for ci < len(cs) && ai == len(cs[ci].Addresses) {
					ci, ai = ci+1, 0
				}
				if ci == len(cs) {
					return nil, nil
				}
				c := cs[ci]
				ai++
				return append([]any{c.ID, int32(ai)}, addressArgs(c.Addresses[ai-1])...), nil
			}))
		return err
	}
}

// customerCopyRow returns the values of customerCopyColumns for c, whose
// credential version encodes as version. An empty phone or Multipass
// identifier is NULL, as insertCustomer's NULLIF makes it.
func customerCopyRow(c *customerauth.Customer, version int64) []any {
	return []any{
		c.ID, c.Email, c.EmailKey, nullIfEmpty(c.Phone), c.FirstName, c.LastName, c.AcceptsMarketing,
		c.AcceptsSMSMarketing, c.TaxExempt, c.Note, int16(c.State), c.PasswordHash, nonNilTags(c.Tags),
		c.DefaultAddressID, nullIfEmpty(c.MultipassIdentifier), c.CreatedAt, c.UpdatedAt, version,
		c.Language,
	}
}

// nullIfEmpty returns nil, which pgx sends as NULL, for "", and s
// otherwise.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
