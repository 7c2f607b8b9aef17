package customerauth

import (
	"errors"
	"strings"
)

// CustomerErrorCode is the machine-readable reason of a UserError, with the
// values of Shopify's CustomerErrorCode enum.
type CustomerErrorCode string

// The error codes a Service reports, as in Shopify's CustomerErrorCode.
const (
	CodeAlreadyEnabled          CustomerErrorCode = "ALREADY_ENABLED"
	CodeBadDomain               CustomerErrorCode = "BAD_DOMAIN"
	CodeBlank                   CustomerErrorCode = "BLANK"
	CodeContainsHTMLTags        CustomerErrorCode = "CONTAINS_HTML_TAGS"
	CodeContainsURL             CustomerErrorCode = "CONTAINS_URL"
	CodeCustomerDisabled        CustomerErrorCode = "CUSTOMER_DISABLED"
	CodeInvalid                 CustomerErrorCode = "INVALID"
	CodeInvalidMultipassRequest CustomerErrorCode = "INVALID_MULTIPASS_REQUEST"
	CodeNotFound                CustomerErrorCode = "NOT_FOUND"
	CodePasswordWhitespace      CustomerErrorCode = "PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE"
	CodeTaken                   CustomerErrorCode = "TAKEN"
	CodeTokenInvalid            CustomerErrorCode = "TOKEN_INVALID"
	CodeTooLong                 CustomerErrorCode = "TOO_LONG"
	CodeTooShort                CustomerErrorCode = "TOO_SHORT"
	CodeUnidentifiedCustomer    CustomerErrorCode = "UNIDENTIFIED_CUSTOMER"
)

// customerErrorCodes lists every code in the order of Shopify's enum.
func customerErrorCodes() []CustomerErrorCode {
	return []CustomerErrorCode{
		CodeAlreadyEnabled, CodeBadDomain, CodeBlank, CodeContainsHTMLTags, CodeContainsURL,
		CodeCustomerDisabled, CodeInvalid, CodeInvalidMultipassRequest, CodeNotFound,
		CodePasswordWhitespace, CodeTaken, CodeTokenInvalid, CodeTooLong, CodeTooShort,
		CodeUnidentifiedCustomer,
	}
}

// UserError is a failure the customer can act on: a field that does not
// pass, a used link, a wrong password. The GraphQL API reports it in the
// payload's customerUserErrors (and userErrors); other errors never reach
// API clients.
//
// A Service method that finds several such problems at once returns them
// joined with errors.Join; UserErrors takes them apart again.
type UserError struct {
	Code CustomerErrorCode
	// Field is the path of the input that caused the error, such as
	// ["input", "email"], or nil when no single input is at fault.
	Field []string
	// Message says what is wrong, in English; Localized says it in the
	// shopper's language, as the GraphQL API does.
	Message string

	// format is the English message as the catalog knows it, with its
	// verbs, and args what fills them (a term is translated too), so
	// that Localized can render it again in another language. A
	// UserError made outside this package has neither: its Message is
	// all there is.
	format string
	args   []any
}

// Error returns the message, prefixed with the field path when there is one.
func (e *UserError) Error() string {
	if len(e.Field) == 0 {
		return e.Message
	}
	return strings.Join(e.Field, ".") + ": " + e.Message
}

// UserErrors returns every *UserError in err's tree, in order, or nil when
// err holds none.
func UserErrors(err error) []*UserError {
	var out []*UserError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *UserError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}

// Errors that a Service reports for a whole request rather than for a field.
var (
	// ErrInvalidToken reports an unknown, expired or revoked customer access
	// token given to an operation that acts as the customer. The GraphQL
	// API answers it with a top-level ACCESS_DENIED error.
	ErrInvalidToken = errors.New("customerauth: invalid customer access token")
)

// withPrefix returns a copy of the errors in err with prefix put before each
// field path, so that rules written once can report paths of any argument.
func withPrefix(prefix []string, errs []*UserError) error {
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		c := *e
		if c.Field != nil {
			c.Field = append(append([]string{}, prefix...), e.Field...)
		}
		out = append(out, &c)
	}
	return errors.Join(out...)
}
