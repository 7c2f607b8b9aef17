package sqlitestore

import "github.com/shopkit/customerauth"

// Statements returns every statement the store runs against its tables,
// by name, for the query plan test.
func Statements() map[string]string {
	all := &customerauth.CustomerChange{
		Email: new(""), Phone: new(""), FirstName: new(""), LastName: new(""), AcceptsMarketing: new(false),
		State: new(customerauth.StateEnabled), PasswordHash: new(""), Tags: &[]string{}, MultipassIdentifier: new(""),
		Addresses: &[]customerauth.Address{}, DefaultAddressID: new(""),
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
	}
}
