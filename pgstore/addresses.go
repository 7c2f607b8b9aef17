package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
)

// Addresses are rows of customerauth_addresses (migration 0004), one per
// address, ordered within a customer by position: an added address gets
// one more than the customer's greatest, under the customer's row lock, so
// that is the order of insertion. The primary key (customer_id, position)
// finds a customer's addresses in order, and the unique constraint on id
// keeps address ids unique among all customers and finds the address an
// update or a deletion names.

// addressColumnsOf is the list of an address's columns, each prefixed
// with t, in the order addressScan reads them and addressArgs writes them.
func addressColumnsOf(t string) string {
	return t + `id, ` + t + `first_name, ` + t + `last_name, ` + t + `company, ` + t + `address1, ` +
		t + `address2, ` + t + `city, ` + t + `province, ` + t + `province_code, ` + t + `country, ` +
		t + `country_code, ` + t + `zip, ` + t + `phone, ` + t + `latitude, ` + t + `longitude`
}

var addressColumns = addressColumnsOf("")

// The address statements.
var (
	// insertAddress stores an address at a given position, for the lists
	// that CreateCustomer and UpdateCustomer write whole.
	insertAddress = `INSERT INTO customerauth_addresses (customer_id, position, ` + addressColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

	// appendAddress adds an address after the customer's others, unless
	// the customer already has $18 of them ($18 of 0 or less is no
	// limit): then it inserts nothing. It runs after the customer's row
	// was locked, so under READ COMMITTED its snapshot, taken when it
	// starts, sees every address that the transactions that held the lock
	// before committed, and none can be added until this one commits:
	// the count and the position are exact. The aggregate reads one range
	// of the primary key; without a GROUP BY it yields one row, which the
	// HAVING keeps or drops.
	appendAddress = appendAddressIf("")

	// putAddress is CustomerChange.PutAddress: updateAddress, and
	// appendAddress (with no limit) only if that updated nothing, in one
	// statement. Both parts see the same snapshot, taken after the
	// customer's row lock; the update keeps the position, so the append's
	// max(position) is right either way. An id another customer has
	// makes the append a unique violation: ErrConflict.
	putAddress = `WITH updated AS (` + updateAddress + ` RETURNING 1) ` +
		appendAddressIf(` AND NOT EXISTS (SELECT 1 FROM updated)`)

	// selectAddresses reads a customer's addresses in order.
	selectAddresses = `SELECT ` + addressColumns + ` FROM customerauth_addresses WHERE customer_id = $1 ORDER BY position`

	// updateAddress replaces every field of one of the customer's
	// addresses; its position, so its place in the list, stays.
	updateAddress = `UPDATE customerauth_addresses SET first_name = $3, last_name = $4, company = $5,
		address1 = $6, address2 = $7, city = $8, province = $9, province_code = $10, country = $11,
		country_code = $12, zip = $13, phone = $14, latitude = $15, longitude = $16
		WHERE customer_id = $1 AND id = $2`
)

const (
	deleteAddress   = `DELETE FROM customerauth_addresses WHERE customer_id = $1 AND id = $2`
	deleteAddresses = `DELETE FROM customerauth_addresses WHERE customer_id = $1`

	// lockCustomerAddresses is the first statement of an AddressBook
	// call: like lockCustomer, it takes the customer's row lock before
	// any token or address row is touched, and it returns the default
	// address as the transactions before this one left it.
	lockCustomerAddresses = `SELECT default_address_id FROM customerauth_customers WHERE id = $1 FOR NO KEY UPDATE`
)

// appendAddressIf is appendAddress with cond, which may refer to the
// statement's parameters, added to its HAVING.
func appendAddressIf(cond string) string {
	return `INSERT INTO customerauth_addresses (customer_id, position, ` + addressColumns + `)
		SELECT $1::text, COALESCE(max(position), 0) + 1, $2::text, $3::text, $4::text, $5::text, $6::text,
			$7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text,
			$15::double precision, $16::double precision
		FROM customerauth_addresses WHERE customer_id = $17
		HAVING ($18::bigint <= 0 OR count(*) < $18::bigint)` + cond
}

// setAddressBook ends an AddressBook call: the default address as the
// change leaves it, and the time of the change.
var setAddressBook = `UPDATE customerauth_customers SET default_address_id = $2, updated_at = $3
	WHERE id = $1 RETURNING ` + customerColumns

// addressArgs returns the values of the columns addressColumns for a, the
// coordinates as they are when it is called.
func addressArgs(a customerauth.Address) []any {
	return []any{a.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2, a.City, a.Province,
		a.ProvinceCode, a.Country, a.CountryCode, a.Zip, a.Phone, copyFloat(a.Latitude), copyFloat(a.Longitude)}
}

// errCoordinate refuses an address with a coordinate that is no place on
// Earth: NaN or an infinity. The JSON the addresses were stored as before
// they had a table of their own had no form for them, and the SQLite
// store cannot keep NaN, so neither store takes them.
var errCoordinate = errors.New("address latitude and longitude must be finite numbers")

// checkAddresses returns errCoordinate, naming the address, when one of
// addrs has a coordinate that is NaN or infinite.
func checkAddresses(addrs ...customerauth.Address) error {
	for _, a := range addrs {
		for _, f := range []*float64{a.Latitude, a.Longitude} {
			if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
				return fmt.Errorf("address %q: %w", a.ID, errCoordinate)
			}
		}
	}
	return nil
}

// copyFloat returns a pointer to a copy of *f, or nil: pgx sends a nil
// *float64 as NULL.
func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}

// appendArgs returns the arguments of appendAddress, and of putAddress,
// that store a for the customer, with a limit on the customer's addresses
// (0 or less: none).
func appendArgs(customerID string, a customerauth.Address, limit int) []any {
	args := append([]any{customerID}, addressArgs(a)...)
	return append(args, customerID, int64(limit))
}

// queueInsertAddresses queues the statements that store addrs as the
// customer's addresses at positions 1 to n, in their order. The customer
// has none when they run.
func queueInsertAddresses(b *pgx.Batch, customerID string, addrs []customerauth.Address) {
	for i, a := range addrs {
		b.Queue(insertAddress, append([]any{customerID, int32(i + 1)}, addressArgs(a)...)...)
	}
}

// addressScan receives the columns addressColumns. Every one is nullable:
// in the lookups' LEFT JOIN a customer without addresses has a row of
// NULLs.
type addressScan struct {
	id, firstName, lastName, company, address1, address2, city, province, provinceCode,
	country, countryCode, zip, phone *string
	latitude, longitude *float64
}

func (as *addressScan) dest() []any {
	return []any{&as.id, &as.firstName, &as.lastName, &as.company, &as.address1, &as.address2, &as.city,
		&as.province, &as.provinceCode, &as.country, &as.countryCode, &as.zip, &as.phone, &as.latitude, &as.longitude}
}

// address returns the address scanned, with coordinates of its own, and
// false for a row of NULLs.
func (as *addressScan) address() (customerauth.Address, bool) {
	if as.id == nil {
		return customerauth.Address{}, false
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return customerauth.Address{
		ID: *as.id, FirstName: str(as.firstName), LastName: str(as.lastName), Company: str(as.company),
		Address1: str(as.address1), Address2: str(as.address2), City: str(as.city), Province: str(as.province),
		ProvinceCode: str(as.provinceCode), Country: str(as.country), CountryCode: str(as.countryCode),
		Zip: str(as.zip), Phone: str(as.phone), Latitude: copyFloat(as.latitude), Longitude: copyFloat(as.longitude),
	}, true
}

// scanAddresses reads the rows of selectAddresses, and closes them: nil
// for none.
func scanAddresses(rows pgx.Rows) ([]customerauth.Address, error) {
	defer rows.Close()
	var (
		out []customerauth.Address
		as  addressScan
	)
	dest := as.dest()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if a, ok := as.address(); ok {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// addressWrite is the statement by which an AddressBook call changes the
// customer's address rows, and the error it means when it changes no
// row.
type addressWrite struct {
	sql  string
	args []any
	none error
}

// AddAddress implements customerauth.AddressBook: after the customer's
// row lock, appendAddress counts the customer's addresses and inserts the
// new one after them in one statement, so concurrent adds, from any
// process, take turns: none is lost, and no more than limit are kept
// (ErrTooManyAddresses). A customer without a default gets a as its
// default. An id another address has is ErrConflict.
func (s *Store) AddAddress(ctx context.Context, ch customerauth.AddressChange, a customerauth.Address, limit int) (*customerauth.Customer, error) {
	const op = "add address"
	if err := checkAddresses(a); err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	return s.changeAddresses(ctx, op, ch,
		&addressWrite{appendAddress, appendArgs(ch.CustomerID, a, limit), customerauth.ErrTooManyAddresses},
		func(current string, _ []customerauth.Address) (string, error) {
			if current == "" {
				return a.ID, nil
			}
			return current, nil
		})
}

// UpdateAddress implements customerauth.AddressBook with one UPDATE of the
// address row, which keeps its position.
func (s *Store) UpdateAddress(ctx context.Context, ch customerauth.AddressChange, a customerauth.Address) (*customerauth.Customer, error) {
	const op = "update address"
	if err := checkAddresses(a); err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	}
	args := append([]any{ch.CustomerID}, addressArgs(a)...) // $2 is the id
	return s.changeAddresses(ctx, op, ch,
		&addressWrite{updateAddress, args, customerauth.ErrAddressNotFound},
		func(current string, _ []customerauth.Address) (string, error) { return current, nil })
}

// DeleteAddress implements customerauth.AddressBook with one DELETE of the
// address row. When it was the default, the oldest address left becomes
// the default (customerauth.DefaultAfterDelete).
func (s *Store) DeleteAddress(ctx context.Context, ch customerauth.AddressChange, addressID string) (*customerauth.Customer, error) {
	return s.changeAddresses(ctx, "delete address", ch,
		&addressWrite{deleteAddress, []any{ch.CustomerID, addressID}, customerauth.ErrAddressNotFound},
		func(current string, addrs []customerauth.Address) (string, error) {
			return customerauth.DefaultAfterDelete(addrs, current), nil
		})
}

// SetDefaultAddress implements customerauth.AddressBook: it writes the
// customer's default_address_id, once the address is found among the
// customer's, which the row lock keeps from changing meanwhile.
func (s *Store) SetDefaultAddress(ctx context.Context, ch customerauth.AddressChange, addressID string) (*customerauth.Customer, error) {
	return s.changeAddresses(ctx, "set default address", ch, nil,
		func(_ string, addrs []customerauth.Address) (string, error) {
			if !slices.ContainsFunc(addrs, func(a customerauth.Address) bool { return a.ID == addressID }) {
				return "", customerauth.ErrAddressNotFound
			}
			return addressID, nil
		})
}

// changeAddresses runs one AddressBook call as one transaction, in two
// round trips. The first is a batch: lock the customer row
// (lockCustomerAddresses; no row: ErrNotFound), the lock order of every
// transaction that changes a customer; lock the access token the change is
// made with if it is usable (checkAccessToken; unusable: ErrNotFound),
// so that a logout or a revocation of that token either committed before
// and the token is not found, or waits for this transaction to commit;
// change the address rows
// (write; no row changed: write.none); read the addresses as they are now.
// Under READ COMMITTED each statement after the lock takes its snapshot
// once the lock is granted, so it sees all that the transactions that held
// the lock before committed. newDefault then gives the default address
// from the one before and the addresses after, or refuses the change; the
// second round trip stores it with updated_at and returns the customer.
// Any error rolls everything back.
func (s *Store) changeAddresses(ctx context.Context, op string, ch customerauth.AddressChange, write *addressWrite,
	newDefault func(current string, addrs []customerauth.Address) (string, error),
) (*customerauth.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	if !validID(ch.CustomerID) {
		return nil, notFound(op)
	}
	var changed *customerauth.Customer
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(lockCustomerAddresses, ch.CustomerID)
		if ch.AccessToken != nil {
			b.Queue(checkAccessToken, ch.AccessToken[:], int16(customerauth.TokenAccess), ch.CustomerID, ch.UpdatedAt)
		}
		if write != nil {
			b.Queue(write.sql, write.args...)
		}
		b.Queue(selectAddresses, ch.CustomerID)
		var (
			current string
			addrs   []customerauth.Address
		)
		err := runBatch(ctx, tx, b, func(br pgx.BatchResults) error {
			// The first refusal decides the error: an unknown customer,
			// then an unusable token, then the change's own.
			if err := br.QueryRow().Scan(&current); err != nil {
				return err // no row: ErrNotFound
			}
			if ch.AccessToken != nil {
				if tag, err := br.Exec(); err != nil {
					return err
				} else if tag.RowsAffected() == 0 {
					return customerauth.ErrNotFound
				}
			}
			if write != nil {
				if tag, err := br.Exec(); err != nil {
					return err
				} else if tag.RowsAffected() == 0 {
					return write.none
				}
			}
			rows, err := br.Query()
			if err != nil {
				return err
			}
			addrs, err = scanAddresses(rows)
			return err
		})
		if err != nil {
			return err
		}
		def, err := newDefault(current, addrs)
		if err != nil {
			return err
		}
		c, err := scanCustomer(tx.QueryRow(ctx, setAddressBook, ch.CustomerID, def, ch.UpdatedAt))
		if err != nil {
			return err
		}
		c.Addresses = addrs
		changed = c
		return nil
	})
	switch {
	case errors.Is(err, customerauth.ErrNotFound), errors.Is(err, pgx.ErrNoRows):
		return nil, notFound(op)
	case errors.Is(err, customerauth.ErrAddressNotFound), errors.Is(err, customerauth.ErrTooManyAddresses):
		return nil, fmt.Errorf("pgstore: %s: %w", op, err)
	case err != nil:
		return nil, fail(ctx, op, err)
	}
	return changed, nil
}
