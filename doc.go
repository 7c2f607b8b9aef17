// Package customerauth gives a Go server the customer-account part of the
// Shopify Storefront API: login tokens, registration, activation, password
// reset, profile update and Multipass single sign-on, with Shopify's types,
// payloads and error codes, so that storefront code written for Shopify runs
// unchanged against it.
//
// A Service holds every business rule. Its Go methods (CreateCustomer,
// CreateAccessToken, Recover, ResetPasswordByURL, …) are the API; Handler
// serves them as GraphQL over HTTP at the path storefront clients use, and
// Schema, QueryFields, MutationFields and CustomerType let a host merge them
// into a graphql-go schema of its own.
//
// Customers and tokens live in a Store: MemoryStore is built in, packages
// sqlitestore and pgstore keep them in SQLite and PostgreSQL, and any other
// store passes the contract suite in package storetest. Tokens are stored
// only as SHA-256 hashes and passwords as argon2id hashes, so a copy of the
// store lets no one log in. Package smtpnotify delivers the emails.
//
// Handler checks every document against RequestLimits before graphql-go sees it,
// throttles credential checks through a Limiter, and runs documents it has
// seen before from a compiled plan. SECURITY.md and BENCHMARKS.md in the
// repository give the details and the measurements.
//
// Errors take two channels, as on Shopify. Problems the customer can fix
// come back as *UserError values (see UserErrors) and appear in the payload's
// customerUserErrors; an invalid customer access token is ErrInvalidToken
// and appears as a top-level ACCESS_DENIED error; anything else is an
// internal error that the handler logs with a request id and never shows.
package customerauth
