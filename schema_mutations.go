package customerauth

import (
	"context"
	"errors"
	"maps"

	"github.com/graphql-go/graphql"
)

// payload is the Go value behind every mutation payload type; each type
// resolves only the fields it declares.
type payload struct {
	customer     *Customer
	token        *AccessToken
	errs         []*UserError
	deletedToken string
	deletedID    string
	address      *Address
	// deletedAddressID is the global id of a deleted address.
	deletedAddressID string
}

// mutationBody is a mutation's resolver body: it returns the payload, or an error
// that mutationResolver sorts into payload errors and top-level errors.
type mutationBody func(ctx context.Context, args map[string]interface{}, p graphql.ResolveParams) (*payload, error)

// mutationResolver turns Service errors into the two channels of the API:
// UserErrors into the payload (their field paths under argPrefix, the
// argument the input came in, their messages in the language of
// LanguageFrom), an invalid customer token into a top-level "<Name> access
// denied", anything else into an internal error. Top-level messages stay
// English whatever the language: clients match them by their text.
func mutationResolver(typeName string, argPrefix []string, fn mutationBody) graphql.FieldResolveFn {
	return func(p graphql.ResolveParams) (interface{}, error) {
		if !allowed(p.Context, ScopeWriteCustomers) {
			return nil, accessDenied(typeName + " access denied")
		}
		pl, err := fn(p.Context, p.Args, p)
		if err == nil {
			return pl, nil
		}
		if ues := UserErrors(err); len(ues) > 0 {
			// withPrefix made copies: their messages are this request's.
			errs := UserErrors(withPrefix(argPrefix, ues))
			if lang := LanguageFrom(p.Context); lang != "" {
				for _, e := range errs {
					e.Message = e.Localized(lang)
				}
			}
			return &payload{errs: errs}, nil
		}
		switch {
		case errors.Is(err, ErrInvalidToken):
			return nil, accessDenied(typeName + " access denied")
		case errors.Is(err, ErrThrottled):
			return nil, throttled(typeName)
		}
		return nil, err
	}
}

func argString(args map[string]interface{}, name string) string {
	s, _ := args[name].(string)
	return s
}

func argObject(args map[string]interface{}, name string) map[string]interface{} {
	m, _ := args[name].(map[string]interface{})
	return m
}

// optString returns a pointer to the string m[key], or nil when absent.
func optString(m map[string]interface{}, key string) *string {
	if s, ok := m[key].(string); ok {
		return &s
	}
	return nil
}

func optBool(m map[string]interface{}, key string) *bool {
	if b, ok := m[key].(bool); ok {
		return &b
	}
	return nil
}

func (g *schema) payloadType(name, desc string, fields ...string) *graphql.Object {
	all := graphql.Fields{
		"customer": {
			Type: g.customer, Description: "The customer, when the operation succeeded.",
			Resolve: func(p graphql.ResolveParams) (interface{}, error) {
				if c := p.Source.(*payload).customer; c != nil {
					return c, nil
				}
				return nil, nil
			},
		},
		"customerAccessToken": {
			Type: g.accessToken, Description: "A new or renewed customer access token, when there is one.",
			Resolve: func(p graphql.ResolveParams) (interface{}, error) {
				if !allowed(p.Context, ScopeReadCustomers) {
					return nil, scopeDenied("customerAccessToken", ScopeReadCustomers)
				}
				if t := p.Source.(*payload).token; t != nil {
					return t, nil
				}
				return nil, nil
			},
		},
		"customerUserErrors": {
			Type: nonNull(graphql.NewList(nonNull(g.customerUserError))), Description: "What went wrong; empty on success.",
			Resolve: func(p graphql.ResolveParams) (interface{}, error) { return errList(p), nil },
		},
		"userErrors": {
			Type: nonNull(graphql.NewList(nonNull(g.userError))), Description: "What went wrong, without codes; empty on success.",
			Resolve: func(p graphql.ResolveParams) (interface{}, error) { return errList(p), nil },
		},
		"deletedAccessToken": stringField("The access token that was deleted.", func(p *payload) string { return p.deletedToken }),
		"deletedCustomerAccessTokenId": stringField("An opaque id of the deleted access token.", func(p *payload) string {
			return p.deletedID
		}),
		"customerAddress": {
			Type: g.address, Description: "The address as stored, when the operation succeeded.",
			Resolve: func(p graphql.ResolveParams) (interface{}, error) {
				if a := p.Source.(*payload).address; a != nil {
					return a, nil
				}
				return nil, nil
			},
		},
		"deletedCustomerAddressId": stringField("The global id of the deleted address, as customer.addresses gave it out.", func(p *payload) string {
			return p.deletedAddressID
		}),
	}
	out := graphql.Fields{}
	for _, f := range fields {
		fd := *all[f]
		if f == "userErrors" && name != "CustomerAccessTokenRenewPayload" && name != "CustomerAccessTokenDeletePayload" {
			fd.DeprecationReason = "Use `customerUserErrors` instead."
		}
		out[f] = &fd
	}
	return graphql.NewObject(graphql.ObjectConfig{Name: name, Description: desc, Fields: out})
}

func errList(p graphql.ResolveParams) []*UserError {
	if e := p.Source.(*payload).errs; e != nil {
		return e
	}
	return []*UserError{}
}

func nonNullString() graphql.Input { return graphql.NewNonNull(graphql.String) }

func (g *schema) mutationFields() graphql.Fields {
	svc := g.svc
	tokenArg := graphql.FieldConfigArgument{"customerAccessToken": {Type: nonNullString(), Description: "The customer access token the mutation acts on."}}
	passwordInput := func(name, tokenField, desc string) *graphql.InputObject {
		return graphql.NewInputObject(graphql.InputObjectConfig{
			Name: name, Description: desc,
			Fields: graphql.InputObjectConfigFieldMap{
				tokenField: {Type: nonNullString(), Description: "The token from the emailed link."},
				"password": {Type: nonNullString(), Description: "The new password."},
			},
		})
	}
	standard := []string{"customer", "customerAccessToken", "customerUserErrors", "userErrors"}

	fields := graphql.Fields{
		"customerAccessTokenCreate": {
			Type:        g.payloadType("CustomerAccessTokenCreatePayload", "The result of customerAccessTokenCreate.", "customerAccessToken", "customerUserErrors", "userErrors"),
			Description: "Logs a customer in with email and password and returns an access token.",
			Args: graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(graphql.NewInputObject(graphql.InputObjectConfig{
				Name: "CustomerAccessTokenCreateInput", Description: "A customer's login credentials.",
				Fields: graphql.InputObjectConfigFieldMap{
					"email":    {Type: nonNullString(), Description: "The customer's email."},
					"password": {Type: nonNullString(), Description: "The customer's password."},
				},
			})), Description: "The email and password to log in with."}},
			Resolve: mutationResolver("CustomerAccessTokenCreate", []string{"input"}, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				in := argObject(a, "input")
				t, err := svc.CreateAccessToken(ctx, argString(in, "email"), argString(in, "password"))
				return &payload{token: t}, err
			}),
		},
		"customerAccessTokenCreateWithMultipass": {
			Type:        g.payloadType("CustomerAccessTokenCreateWithMultipassPayload", "The result of customerAccessTokenCreateWithMultipass.", "customerAccessToken", "customerUserErrors"),
			Description: "Logs a customer in with a Multipass token from the shop's identity provider.",
			Args:        graphql.FieldConfigArgument{"multipassToken": {Type: nonNullString(), Description: "The Multipass token."}},
			Resolve: mutationResolver("CustomerAccessTokenCreateWithMultipass", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				t, err := svc.CreateAccessTokenWithMultipass(ctx, argString(a, "multipassToken"))
				return &payload{token: t}, err
			}),
		},
		"customerAccessTokenDelete": {
			Type:        g.payloadType("CustomerAccessTokenDeletePayload", "The result of customerAccessTokenDelete.", "deletedAccessToken", "deletedCustomerAccessTokenId", "userErrors"),
			Description: "Deletes a customer access token for good: the customer is logged out.",
			Args:        tokenArg,
			Resolve: mutationResolver("CustomerAccessTokenDelete", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				tok := argString(a, "customerAccessToken")
				id, err := svc.DeleteAccessToken(ctx, tok)
				return &payload{deletedToken: tok, deletedID: id}, err
			}),
		},
		"customerAccessTokenRenew": {
			Type:        g.payloadType("CustomerAccessTokenRenewPayload", "The result of customerAccessTokenRenew.", "customerAccessToken", "userErrors"),
			Description: "Extends a customer access token that has not expired yet.",
			Args:        tokenArg,
			Resolve: mutationResolver("CustomerAccessTokenRenew", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				t, err := svc.RenewAccessToken(ctx, argString(a, "customerAccessToken"))
				return &payload{token: t}, err
			}),
		},
		"customerActivate": {
			Type:        g.payloadType("CustomerActivatePayload", "The result of customerActivate.", standard...),
			Description: "Activates an account with the customer id and token of an activation link, setting its password.",
			Args: graphql.FieldConfigArgument{
				"id":    {Type: graphql.NewNonNull(graphql.ID), Description: "The customer's id."},
				"input": {Type: graphql.NewNonNull(passwordInput("CustomerActivateInput", "activationToken", "The activation token and the new password.")), Description: "The token from the activation link and the password the customer chose."},
			},
			Resolve: mutationResolver("CustomerActivate", []string{"input"}, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				in := argObject(a, "input")
				c, t, err := svc.Activate(ctx, argString(a, "id"), argString(in, "activationToken"), argString(in, "password"))
				return &payload{customer: c, token: t}, err
			}),
		},
		"customerActivateByUrl": {
			Type:        g.payloadType("CustomerActivateByUrlPayload", "The result of customerActivateByUrl.", "customer", "customerAccessToken", "customerUserErrors"),
			Description: "Activates an account with the whole activation link, setting its password.",
			Args: graphql.FieldConfigArgument{
				"activationUrl": {Type: graphql.NewNonNull(g.url), Description: "The activation link from the email."},
				"password":      {Type: nonNullString(), Description: "The new password."},
			},
			Resolve: mutationResolver("CustomerActivateByUrl", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				c, t, err := svc.ActivateByURL(ctx, argString(a, "activationUrl"), argString(a, "password"))
				return &payload{customer: c, token: t}, err
			}),
		},
		"customerCreate": {
			Type:        g.payloadType("CustomerCreatePayload", "The result of customerCreate.", "customer", "customerUserErrors", "userErrors"),
			Description: "Registers a new customer account.",
			Args: graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(graphql.NewInputObject(graphql.InputObjectConfig{
				Name: "CustomerCreateInput", Description: "The details of a new customer account.",
				Fields: graphql.InputObjectConfigFieldMap{
					"acceptsMarketing": {Type: graphql.Boolean, Description: "Whether the customer agrees to marketing email."},
					"email":            {Type: nonNullString(), Description: "The customer's email."},
					"firstName":        {Type: graphql.String, Description: "The customer's first name."},
					"lastName":         {Type: graphql.String, Description: "The customer's last name."},
					"password":         {Type: nonNullString(), Description: "The password to log in with."},
					"phone":            {Type: graphql.String, Description: "The customer's phone number in E.164 form."},
				},
			})), Description: "Who the new customer is and the password they chose."}},
			Resolve: mutationResolver("CustomerCreate", []string{"input"}, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				in := argObject(a, "input")
				marketing, _ := in["acceptsMarketing"].(bool)
				c, err := svc.CreateCustomer(ctx, CustomerCreateInput{
					Email: argString(in, "email"), Password: argString(in, "password"),
					FirstName: argString(in, "firstName"), LastName: argString(in, "lastName"),
					Phone: argString(in, "phone"), AcceptsMarketing: marketing,
				})
				return &payload{customer: c}, err
			}),
		},
		"customerRecover": {
			Type:        g.payloadType("CustomerRecoverPayload", "The result of customerRecover.", "customerUserErrors", "userErrors"),
			Description: "Emails the customer a link to set a new password.",
			Args:        graphql.FieldConfigArgument{"email": {Type: nonNullString(), Description: "The customer's email."}},
			Resolve: mutationResolver("CustomerRecover", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				return &payload{}, svc.Recover(ctx, argString(a, "email"))
			}),
		},
		"customerReset": {
			Type:        g.payloadType("CustomerResetPayload", "The result of customerReset.", standard...),
			Description: "Sets a new password with the customer id and token of a reset link.",
			Args: graphql.FieldConfigArgument{
				"id":    {Type: graphql.NewNonNull(graphql.ID), Description: "The customer's id."},
				"input": {Type: graphql.NewNonNull(passwordInput("CustomerResetInput", "resetToken", "The reset token and the new password.")), Description: "The token from the reset link and the password that replaces the old one."},
			},
			Resolve: mutationResolver("CustomerReset", []string{"input"}, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				in := argObject(a, "input")
				c, t, err := svc.ResetPassword(ctx, argString(a, "id"), argString(in, "resetToken"), argString(in, "password"))
				return &payload{customer: c, token: t}, err
			}),
		},
		"customerResetByUrl": {
			Type:        g.payloadType("CustomerResetByUrlPayload", "The result of customerResetByUrl.", standard...),
			Description: "Sets a new password with the whole reset link.",
			Args: graphql.FieldConfigArgument{
				"password": {Type: nonNullString(), Description: "The new password."},
				"resetUrl": {Type: graphql.NewNonNull(g.url), Description: "The reset link from the email."},
			},
			Resolve: mutationResolver("CustomerResetByUrl", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				c, t, err := svc.ResetPasswordByURL(ctx, argString(a, "resetUrl"), argString(a, "password"))
				return &payload{customer: c, token: t}, err
			}),
		},
		"customerUpdate": {
			Type:        g.payloadType("CustomerUpdatePayload", "The result of customerUpdate.", standard...),
			Description: "Changes the customer's profile or password. A password change logs the customer out everywhere and returns a new access token.",
			Args: graphql.FieldConfigArgument{
				"customer": {Type: graphql.NewNonNull(graphql.NewInputObject(graphql.InputObjectConfig{
					Name: "CustomerUpdateInput", Description: "The profile fields to change; absent fields stay as they are.",
					Fields: graphql.InputObjectConfigFieldMap{
						"acceptsMarketing": {Type: graphql.Boolean, Description: "Whether the customer agrees to marketing email."},
						"email":            {Type: graphql.String, Description: "The new email."},
						"firstName":        {Type: graphql.String, Description: "The new first name."},
						"lastName":         {Type: graphql.String, Description: "The new last name."},
						"password":         {Type: graphql.String, Description: "The new password."},
						"phone":            {Type: graphql.String, Description: "The new phone number in E.164 form; null removes it."},
					},
				})), Description: "The changes to make to the profile."},
				"customerAccessToken": {Type: nonNullString(), Description: "The access token of the customer whose profile changes."},
			},
			Resolve: mutationResolver("CustomerUpdate", []string{"customer"}, func(ctx context.Context, a map[string]interface{}, p graphql.ResolveParams) (*payload, error) {
				in := argObject(a, "customer")
				upd := CustomerUpdateInput{
					Email: optString(in, "email"), Password: optString(in, "password"),
					FirstName: optString(in, "firstName"), LastName: optString(in, "lastName"),
					Phone: optString(in, "phone"), AcceptsMarketing: optBool(in, "acceptsMarketing"),
				}
				// graphql-go drops explicit nulls; the raw variables still
				// have them, and null is how a client clears these fields.
				cleared := ""
				for _, k := range explicitNulls(ctx, p, "customer") {
					switch k {
					case "phone":
						upd.Phone = &cleared
					case "firstName":
						upd.FirstName = &cleared
					case "lastName":
						upd.LastName = &cleared
					}
				}
				c, t, err := svc.UpdateCustomer(ctx, argString(a, "customerAccessToken"), upd)
				return &payload{customer: c, token: t}, err
			}),
		},
	}
	maps.Copy(fields, g.addressMutationFields())
	return fields
}
