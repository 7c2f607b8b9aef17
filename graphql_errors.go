package customerauth

// apiError is a top-level GraphQL error whose message and code clients may
// see. Every other error a resolver returns is reported as an internal error
// with a request id, its text only logged.
type apiError struct {
	msg  string
	code string
}

func (e *apiError) Error() string { return e.msg }

// Extensions implements gqlerrors.ExtendedError, which puts the code into
// the error's "extensions" member.
func (e *apiError) Extensions() map[string]interface{} {
	return map[string]interface{}{"code": e.code}
}

func accessDenied(msg string) error { return &apiError{msg: msg, code: "ACCESS_DENIED"} }

func badRequest(msg string) error { return &apiError{msg: msg, code: "BAD_REQUEST"} }

// throttled is the top-level error of a mutation refused by a limit, with
// the messages Shopify uses where it has one.
func throttled(typeName string) error {
	msg := "Too many attempts. Please try again later."
	switch typeName {
	case "CustomerAccessTokenCreate":
		msg = "Login attempt limit exceeded. Please try again later."
	case "CustomerCreate":
		msg = "Creating Customer Limit exceeded. Please try again later."
	case "CustomerRecover":
		msg = "Resetting password limit exceeded. Please try again later."
	}
	return &apiError{msg: msg, code: "THROTTLED"}
}
