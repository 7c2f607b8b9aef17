package customerauth

import (
	"context"
	"slices"
)

// Storefront access scopes, as Shopify names them.
const (
	// ScopeReadCustomers allows the customer query and reading
	// CustomerAccessToken objects.
	ScopeReadCustomers = "unauthenticated_read_customers"
	// ScopeWriteCustomers allows every customer mutation.
	ScopeWriteCustomers = "unauthenticated_write_customers"
	// ScopeReadCustomerTags additionally allows Customer.tags.
	ScopeReadCustomerTags = "unauthenticated_read_customer_tags"
)

// grants are the scopes of the request being served.
type grants struct {
	all     bool // no storefront tokens configured: everything is allowed
	scopes  []string
	private bool
}

type grantsKey struct{}

// allowed reports whether the request in ctx holds scope. Requests that did
// not come through Handler (a host's own schema, the Go API) hold every
// scope: the host decides who calls them.
func allowed(ctx context.Context, scope string) bool {
	g, ok := ctx.Value(grantsKey{}).(*grants)
	return !ok || g.all || slices.Contains(g.scopes, scope)
}

// scopeDenied is the error for a query field read without its scope.
func scopeDenied(field, scope string) error {
	return accessDenied("Access denied for " + field + " field. Required access: `" + scope + "` access scope.")
}
