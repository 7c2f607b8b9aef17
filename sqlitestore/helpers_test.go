package sqlitestore_test

import (
	"database/sql"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/sqlitestore"
)

// openDB opens a database the way a host would for sqlitestore.New, and
// closes it when the test ends.
func openDB(t testing.TB, path, options string) *sql.DB {
	t.Helper()
	db, err := sql.Open(sqlitestore.DriverName, path+"?"+options)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newCustomer returns an enabled customer with the given email and a
// random ID.
func newCustomer(email string) *customerauth.Customer {
	return &customerauth.Customer{
		ID: uuid.NewString(), Email: email, EmailKey: strings.ToLower(email),
		State: customerauth.StateEnabled, CreatedAt: base, UpdatedAt: base,
	}
}

func hexString(b []byte) string { return hex.EncodeToString(b) }

// cheapArgon2 keeps password hashing fast in tests.
var cheapArgon2 = customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}
