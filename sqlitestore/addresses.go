package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/shopkit/customerauth"
)

// Addresses are rows of customerauth_addresses (migration 0004), one per
// address, ordered within a customer by position: an added address gets
// one more than the customer's greatest, so that is the order of
// insertion. The table's primary key (customer_id, position) keeps a
// customer's addresses together and in order, and a unique index on id
// keeps address ids unique among all customers and finds the address an
// update or a deletion names.

// addressColumns are the columns an address is read from, in the order
// addressScan expects, and written to, in the order of addressArgs.
const addressColumns = `id, first_name, last_name, company, address1, address2, city, province, province_code,
	country, country_code, zip, phone, latitude, longitude`

// The address statements.
const (
	// insertAddressSQL stores an address at a given position, for the
	// lists that CreateCustomer and UpdateCustomer write whole.
	insertAddressSQL = `INSERT INTO customerauth_addresses (customer_id, position, ` + addressColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	// appendAddressSQL adds an address after the customer's others, unless
	// the customer already has the limit given last (twice; 0 or less is
	// no limit): then it inserts nothing. The aggregate reads one range
	// of the primary key; without a GROUP BY it yields one row, which the
	// HAVING keeps or drops.
	appendAddressSQL = `INSERT INTO customerauth_addresses (customer_id, position, ` + addressColumns + `)
	SELECT ?, COALESCE(max(position), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
	FROM customerauth_addresses WHERE customer_id = ?
	HAVING ? <= 0 OR count(*) < ?`

	// addressesOfSQL reads a customer's addresses in order.
	addressesOfSQL = `SELECT ` + addressColumns + ` FROM customerauth_addresses WHERE customer_id = ? ORDER BY position`

	// updateAddressSQL replaces every field of one of the customer's
	// addresses; its position, so its place in the list, stays.
	updateAddressSQL = `UPDATE customerauth_addresses SET first_name = ?, last_name = ?, company = ?, address1 = ?,
	address2 = ?, city = ?, province = ?, province_code = ?, country = ?, country_code = ?, zip = ?, phone = ?,
	latitude = ?, longitude = ?
	WHERE id = ? AND customer_id = ?`

	deleteAddressSQL   = `DELETE FROM customerauth_addresses WHERE id = ? AND customer_id = ?`
	deleteAddressesSQL = `DELETE FROM customerauth_addresses WHERE customer_id = ?`

	// customerDefaultAddressSQL finds the customer an AddressBook call
	// changes and its default address before the change.
	customerDefaultAddressSQL = `SELECT default_address_id FROM customerauth_customers WHERE id = ?`

	// setAddressBookSQL ends an AddressBook call: the default address as
	// the change leaves it, and the time of the change.
	setAddressBookSQL = `UPDATE customerauth_customers SET default_address_id = ?, updated_at = ?
	WHERE id = ? RETURNING ` + customerColumns
)

// addressArgs returns the values of the columns addressColumns for a, the
// coordinates as they are when it is called.
func addressArgs(a customerauth.Address) []any {
	return []any{a.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2, a.City, a.Province,
		a.ProvinceCode, a.Country, a.CountryCode, a.Zip, a.Phone, nullFloat(a.Latitude), nullFloat(a.Longitude)}
}

// appendAddressArgs returns the values of appendAddressSQL that add a after
// the customer's addresses, unless it already has limit of them.
func appendAddressArgs(customerID string, a customerauth.Address, limit int) []any {
	args := append([]any{customerID}, addressArgs(a)...)
	return append(args, customerID, int64(limit), int64(limit))
}

// updateAddressArgs returns the values of updateAddressSQL that replace the
// customer's address with a.ID by a.
func updateAddressArgs(customerID string, a customerauth.Address) []any {
	return append(addressArgs(a)[1:], a.ID, customerID) // the fields but the id, then the key
}

// errCoordinate refuses an address the store could not give back as it
// was given: SQLite stores NaN as NULL, and before the addresses had a
// table of their own, the JSON they were stored as had no form for NaN or
// the infinities either.
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

// nullFloat stores an unknown coordinate as NULL.
func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// addressScan receives the columns addressColumns. Every one is nullable:
// in the lookups' LEFT JOIN a customer without addresses has a row of
// NULLs.
type addressScan struct {
	id, firstName, lastName, company, address1, address2, city, province, provinceCode,
	country, countryCode, zip, phone sql.NullString
	latitude, longitude sql.NullFloat64
}

func (as *addressScan) dest() []any {
	return []any{&as.id, &as.firstName, &as.lastName, &as.company, &as.address1, &as.address2, &as.city,
		&as.province, &as.provinceCode, &as.country, &as.countryCode, &as.zip, &as.phone, &as.latitude, &as.longitude}
}

// address returns the address scanned, with coordinates of its own, and
// false for a row of NULLs.
func (as *addressScan) address() (customerauth.Address, bool) {
	if !as.id.Valid {
		return customerauth.Address{}, false
	}
	a := customerauth.Address{
		ID: as.id.String, FirstName: as.firstName.String, LastName: as.lastName.String, Company: as.company.String,
		Address1: as.address1.String, Address2: as.address2.String, City: as.city.String, Province: as.province.String,
		ProvinceCode: as.provinceCode.String, Country: as.country.String, CountryCode: as.countryCode.String,
		Zip: as.zip.String, Phone: as.phone.String,
	}
	if as.latitude.Valid {
		v := as.latitude.Float64
		a.Latitude = &v
	}
	if as.longitude.Valid {
		v := as.longitude.Float64
		a.Longitude = &v
	}
	return a, true
}

// insertAddresses stores addrs as the customer's addresses at positions 1
// to n, in their order. The customer has none when it is called.
func insertAddresses(ctx context.Context, tx *sql.Tx, customerID string, addrs []customerauth.Address) error {
	for i, a := range addrs {
		args := append([]any{customerID, int64(i + 1)}, addressArgs(a)...)
		if _, err := tx.ExecContext(ctx, insertAddressSQL, args...); err != nil {
			return err
		}
	}
	return nil
}

// putAddress stores a as one of the customer's addresses, for
// CustomerChange.PutAddress: the customer's address with a.ID is replaced
// in place by updateAddressSQL, as UpdateAddress does, keeping its
// position; if the customer has none, appendAddressSQL adds a after the
// others, as AddAddress does without a limit. The customer must exist.
// When another customer has an address with a.ID, the update finds no row
// of this customer and the insert violates the unique index on id: a
// constraint error that wrapErr makes ErrConflict. It runs in the caller's
// transaction, which sets the default.
func putAddress(ctx context.Context, tx *sql.Tx, customerID string, a customerauth.Address) error {
	err := mustChangeAddress(tx.ExecContext(ctx, updateAddressSQL, updateAddressArgs(customerID, a)...))
	if !errors.Is(err, customerauth.ErrAddressNotFound) {
		return err // nil: replaced in place
	}
	_, err = tx.ExecContext(ctx, appendAddressSQL, appendAddressArgs(customerID, a, 0)...)
	return err
}

// addressesOf returns the customer's addresses in order, nil for none.
func addressesOf(ctx context.Context, tx *sql.Tx, customerID string) ([]customerauth.Address, error) {
	rows, err := tx.QueryContext(ctx, addressesOfSQL, customerID)
	if err != nil {
		return nil, err
	}
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

// AddAddress implements customerauth.AddressBook: appendAddressSQL counts
// the customer's addresses and inserts the new one after them in one
// statement, in a transaction that holds SQLite's write lock (see
// changeAddresses), so concurrent adds, from this process or another,
// take turns: none is lost, and no more than limit are kept. A customer
// without a default gets a as its default. An id another address has is
// ErrConflict.
func (s *Store) AddAddress(ctx context.Context, ch customerauth.AddressChange, a customerauth.Address, limit int) (*customerauth.Customer, error) {
	const op = "add address"
	if err := checkAddresses(a); err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	args := appendAddressArgs(ch.CustomerID, a, limit)
	return s.changeAddresses(ctx, op, ch, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, appendAddressSQL, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return customerauth.ErrTooManyAddresses
		}
		return nil
	}, func(current string, _ []customerauth.Address) (string, error) {
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
		return nil, fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	args := updateAddressArgs(ch.CustomerID, a)
	return s.changeAddresses(ctx, op, ch, func(tx *sql.Tx) error {
		return mustChangeAddress(tx.ExecContext(ctx, updateAddressSQL, args...))
	}, keepDefault)
}

// DeleteAddress implements customerauth.AddressBook with one DELETE of the
// address row. When it was the default, the oldest address left becomes
// the default (customerauth.DefaultAfterDelete).
func (s *Store) DeleteAddress(ctx context.Context, ch customerauth.AddressChange, addressID string) (*customerauth.Customer, error) {
	return s.changeAddresses(ctx, "delete address", ch, func(tx *sql.Tx) error {
		return mustChangeAddress(tx.ExecContext(ctx, deleteAddressSQL, addressID, ch.CustomerID))
	}, func(current string, addrs []customerauth.Address) (string, error) {
		return customerauth.DefaultAfterDelete(addrs, current), nil
	})
}

// SetDefaultAddress implements customerauth.AddressBook: it writes the
// customer's default_address_id, once the address is found among the
// customer's.
func (s *Store) SetDefaultAddress(ctx context.Context, ch customerauth.AddressChange, addressID string) (*customerauth.Customer, error) {
	return s.changeAddresses(ctx, "set default address", ch, nil, func(_ string, addrs []customerauth.Address) (string, error) {
		if !slices.ContainsFunc(addrs, func(a customerauth.Address) bool { return a.ID == addressID }) {
			return "", customerauth.ErrAddressNotFound
		}
		return addressID, nil
	})
}

// keepDefault is the newDefault of a change that leaves the default alone.
func keepDefault(current string, _ []customerauth.Address) (string, error) { return current, nil }

// mustChangeAddress is the error of an UPDATE or DELETE of one address
// row: ErrAddressNotFound when there was no such row of the customer.
func mustChangeAddress(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return customerauth.ErrAddressNotFound
	}
	return nil
}

// changeAddresses runs one AddressBook call as one write transaction. Its
// BEGIN IMMEDIATE takes SQLite's write lock, held to the commit, so what
// the transaction checks cannot change before it writes, and AddressBook
// calls and every other change of the customer, from this process or
// another, take turns. In order: the customer must exist and ch.AccessToken
// must be usable (checkAccessTokenSQL: valid at ch.UpdatedAt, of the
// customer and bound to its current credentials), else ErrNotFound; write,
// when not nil, changes the address rows; newDefault gives the default
// address from the one before and the addresses after, or refuses the
// change; then the customer's default_address_id and updated_at are set,
// and the customer is returned with its addresses as committed. Any error
// rolls everything back.
func (s *Store) changeAddresses(ctx context.Context, op string, ch customerauth.AddressChange,
	write func(tx *sql.Tx) error,
	newDefault func(current string, addrs []customerauth.Address) (string, error),
) (*customerauth.Customer, error) {
	updatedAt, err := encodeTime(ch.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %s: UpdatedAt: %w", op, err)
	}
	var changed *customerauth.Customer
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, customerDefaultAddressSQL, ch.CustomerID).Scan(&current); err != nil {
			return wrapErr(ctx, op, err) // no row: ErrNotFound
		}
		if ch.AccessToken != nil {
			hash := *ch.AccessToken
			var one int
			err := tx.QueryRowContext(ctx, checkAccessTokenSQL,
				hash[:], int64(customerauth.TokenAccess), ch.CustomerID, boundTime(ch.UpdatedAt)).Scan(&one)
			if err != nil {
				return wrapErr(ctx, op, err) // no row: ErrNotFound
			}
		}
		if write != nil {
			if err := write(tx); err != nil {
				return wrapErr(ctx, op, err)
			}
		}
		addrs, err := addressesOf(ctx, tx, ch.CustomerID)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		def, err := newDefault(current, addrs)
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		c, err := scanCustomer(tx.QueryRowContext(ctx, setAddressBookSQL, def, updatedAt, ch.CustomerID))
		if err != nil {
			return wrapErr(ctx, op, err)
		}
		c.Addresses = addrs
		changed = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}
