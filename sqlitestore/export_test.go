package sqlitestore

import (
	"context"

	"github.com/shopkit/customerauth"
)

// MigrateThrough applies the migrations up to version only, leaving the
// database as a release of that schema version left it.
func MigrateThrough(ctx context.Context, s *Store, version int) error {
	return s.migrate(ctx, version)
}

// Statements returns every statement the store runs against its tables,
// by name, for the query plan test.
func Statements() map[string]string {
	all := &customerauth.CustomerChange{
		Email: new(""), Phone: new(""), FirstName: new(""), LastName: new(""), AcceptsMarketing: new(false),
		AcceptsSMSMarketing: new(false), TaxExempt: new(false), Note: new(""),
		State: new(customerauth.StateEnabled), PasswordHash: new(""), Tags: &[]string{}, MultipassIdentifier: new(""),
		Addresses: &[]customerauth.Address{}, DefaultAddressID: new(""), RevokeTokens: true,
	}
	update, _, err := updateCustomerSQL(all)
	if err != nil {
		panic(err)
	}
	return map[string]string{
		"insertCustomer":      insertCustomerSQL,
		"customerByID":        customerByIDSQL,
		"customerByEmail":     customerByEmailSQL,
		"customerByPhone":     customerByPhoneSQL,
		"customerByMultipass": customerByMultipassSQL,
		"updateCustomer":      update,
		"customerVersion":     customerVersionSQL,
		"checkAccessToken":    checkAccessTokenSQL,
		"consumeToken":        consumeTokenSQL,
		"revokeTokens":        revokeTokensSQL,
		"insertToken":         insertTokenSQL,
		"deleteOlderLinks":    deleteOlderLinksSQL,
		"tokenByHash":         tokenByHashSQL,
		"renewToken":          renewTokenSQL,
		"deleteToken":         deleteTokenSQL,
		"deleteExpiredTokens": deleteExpiredTokensSQL,
		"remember":            rememberSQL,
		"deleteExpiredReplay": deleteExpiredReplaySQL,
		"insertAddress":       insertAddressSQL,
		"appendAddress":       appendAddressSQL,
		"addressesOf":         addressesOfSQL,
		"updateAddress":       updateAddressSQL,
		"deleteAddress":       deleteAddressSQL,
		"deleteAddresses":     deleteAddressesSQL,
		"customerDefault":     customerDefaultAddressSQL,
		"setAddressBook":      setAddressBookSQL,
		"listCustomers":       listCustomersSQL,
		"findCustomers":       findCustomersSQL,
		"eraseCustomer":       eraseCustomerSQL,
	}
}
