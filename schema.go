package customerauth

// The CountryCode and LanguageCode value lists come from Shopify's
// introspection structure, the file the introspection tests hold the served
// schema to, so that a new API version is one file to replace.
//go:generate go run ./internal/cmd/genenums

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// schema holds one Service's GraphQL types. Every type is built anew for
// each Service: graphql-go types cache lazily and are not safe to share
// between schemas that are used concurrently.
type schema struct {
	svc *Service

	schema graphql.Schema
	query  *graphql.Object
	mut    *graphql.Object

	dateTime, url, uint64 *graphql.Scalar
	countryCode           *graphql.Enum
	languageCode          *graphql.Enum
	errorCode             *graphql.Enum
	displayableError      *graphql.Interface
	node                  *graphql.Interface
	userError             *graphql.Object
	customerUserError     *graphql.Object
	accessToken           *graphql.Object
	pageInfo              *graphql.Object
	address               *graphql.Object
	addressEdge           *graphql.Object
	addressConnection     *graphql.Object
	socialLoginProvider   *graphql.Object
	customer              *graphql.Object
}

func newSchema(s *Service) (*schema, error) {
	g := &schema{svc: s}
	g.dateTime = newDateTimeScalar()
	g.url = newURLScalar()
	g.uint64 = newUnsignedInt64Scalar()
	g.countryCode = stringEnum("CountryCode", "An ISO 3166-1 alpha-2 country or territory code.", countryCodeValues[:], describeCountryCode)
	g.languageCode = stringEnum("LanguageCode", "A language code, for localized content.", languageCodeValues[:], describeLanguageCode)
	g.buildErrorTypes()
	g.buildCustomerTypes()
	g.buildAccessTokenType()

	g.query = graphql.NewObject(graphql.ObjectConfig{
		Name:        "QueryRoot",
		Description: "The root of every query.",
		Fields:      g.queryFields(),
	})
	g.mut = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Mutation",
		Description: "The root of every mutation.",
		Fields:      g.mutationFields(),
	})
	inContext := g.inContextDirective()
	directives := append([]*graphql.Directive{}, graphql.SpecifiedDirectives...)
	directives = append(directives, inContext)
	// graphql-go does not collect the types of directive arguments, so
	// they are listed here for validation and introspection to find.
	types := []graphql.Type{g.userError, g.customerUserError}
	for _, a := range inContext.Args {
		types = append(types, a.Type)
	}
	sch, err := graphql.NewSchema(graphql.SchemaConfig{
		Query:      g.query,
		Mutation:   g.mut,
		Directives: directives,
		Types:      types,
	})
	if err != nil {
		return nil, fmt.Errorf("customerauth: building schema: %w", err)
	}
	g.schema = sch
	warmEnums(sch)
	return g, nil
}

// warmEnums fills the lookup maps that graphql-go builds on first use, so
// that concurrent requests only ever read them.
func warmEnums(sch graphql.Schema) {
	for _, t := range sch.TypeMap() {
		if e, ok := t.(*graphql.Enum); ok && len(e.Values()) > 0 {
			v := e.Values()[0]
			e.Serialize(v.Value)
			e.ParseValue(v.Name)
		}
	}
}

// inContextDirective is accepted on queries and mutations so that documents
// written for Shopify validate. Only language changes anything: it is the
// language of customerUserErrors messages, and a customer who registers
// keeps it for later emails (schema_language.go reads it). Customer data
// does not vary by country.
func (g *schema) inContextDirective() *graphql.Directive {
	buyer := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "BuyerInput",
		Description: "Identifies a business buyer.",
		Fields: graphql.InputObjectConfigFieldMap{
			"companyLocationId":   {Type: graphql.ID, Description: "The company location the business buyer acts for; accepted and not used, since accounts here belong to no company."},
			"customerAccessToken": {Type: graphql.NewNonNull(graphql.String), Description: "The business buyer's customer access token."},
		},
	})
	consent := graphql.NewInputObject(graphql.InputObjectConfig{
		Name:        "VisitorConsent",
		Description: "What the visitor agreed to; null where the visitor did not say.",
		Fields: graphql.InputObjectConfigFieldMap{
			"analytics":   {Type: graphql.Boolean, Description: "Whether the visitor lets the shop measure how the site is used."},
			"marketing":   {Type: graphql.Boolean, Description: "Whether the visitor lets the shop use their data to advertise to them."},
			"preferences": {Type: graphql.Boolean, Description: "Whether the visitor lets the shop remember their choices, such as language."},
			"saleOfData":  {Type: graphql.Boolean, Description: "Whether the visitor lets the shop sell or share their data with others."},
		},
	})
	return graphql.NewDirective(graphql.DirectiveConfig{
		Name:        "inContext",
		Description: "Sets the buyer's country, language and context for the operation.",
		Locations:   []string{graphql.DirectiveLocationQuery, graphql.DirectiveLocationMutation},
		Args: graphql.FieldConfigArgument{
			"buyer":               {Type: buyer, Description: "The business buyer the operation is made for; accepted and ignored by customer operations."},
			"country":             {Type: g.countryCode, Description: "The buyer's country; accepted and ignored, since customer data is the same everywhere."},
			"language":            {Type: g.languageCode, Description: "The buyer's language: customerUserErrors messages are written in it, and a customer who registers keeps it for later emails."},
			"preferredLocationId": {Type: graphql.ID, Description: "The store location the buyer would pick up from; accepted and ignored."},
			"visitorConsent":      {Type: consent, Description: "The visitor's privacy choices; accepted and ignored, since customer operations track nothing."},
		},
	})
}

// stringEnum builds an enum of string values. describe writes each value's
// description from the value, so that the generated lists of a few hundred
// codes need no text kept beside them.
func stringEnum(name, desc string, values []string, describe func(value string) string) *graphql.Enum {
	m := make(graphql.EnumValueConfigMap, len(values))
	for _, v := range values {
		m[v] = &graphql.EnumValueConfig{Value: v, Description: describe(v)}
	}
	return graphql.NewEnum(graphql.EnumConfig{Name: name, Description: desc, Values: m})
}

// describeCountryCode: ZZ is the one value that names no place.
func describeCountryCode(code string) string {
	if code == "ZZ" {
		return "An unknown or unspecified country or territory."
	}
	return "The country or territory with code " + code + "."
}

// describeLanguageCode: a value such as PT_BR is a language with the region
// whose way of writing it is meant.
func describeLanguageCode(code string) string {
	if lang, region, ok := strings.Cut(code, "_"); ok {
		return "The language with ISO 639 code " + lang + ", as written in the region with code " + region + "."
	}
	return "The language with ISO 639 code " + code + "."
}

func newDateTimeScalar() *graphql.Scalar {
	parse := func(s string) interface{} {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil
		}
		return t
	}
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "DateTime",
		Description: "An ISO 8601 date and time in UTC, such as \"2026-04-01T12:00:00Z\".",
		Serialize: func(v interface{}) interface{} {
			if t, ok := v.(time.Time); ok {
				return t.UTC().Format(time.RFC3339)
			}
			return nil
		},
		ParseValue: func(v interface{}) interface{} {
			if s, ok := v.(string); ok {
				return parse(s)
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) interface{} {
			if s, ok := v.(*ast.StringValue); ok {
				return parse(s.Value)
			}
			return nil
		},
	})
}

// newURLScalar accepts any string: whether an activation or reset URL is
// usable is a business rule answered in the payload (INVALID), not a
// request error.
func newURLScalar() *graphql.Scalar {
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "URL",
		Description: "An absolute URL (RFC 3986), such as \"https://shop.example/account\".",
		Serialize: func(v interface{}) interface{} {
			if s, ok := v.(string); ok {
				return s
			}
			return nil
		},
		ParseValue: func(v interface{}) interface{} {
			if s, ok := v.(string); ok {
				return s
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) interface{} {
			if s, ok := v.(*ast.StringValue); ok {
				return s.Value
			}
			return nil
		},
	})
}

func newUnsignedInt64Scalar() *graphql.Scalar {
	parse := func(s string) interface{} {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil
		}
		return n
	}
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        "UnsignedInt64",
		Description: "A whole number from 0 to 2^64-1, written as a string of decimal digits.",
		Serialize: func(v interface{}) interface{} {
			if n, ok := v.(uint64); ok {
				return strconv.FormatUint(n, 10)
			}
			return nil
		},
		ParseValue: func(v interface{}) interface{} {
			if s, ok := v.(string); ok {
				return parse(s)
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) interface{} {
			switch v := v.(type) {
			case *ast.StringValue:
				return parse(v.Value)
			case *ast.IntValue:
				return parse(v.Value)
			}
			return nil
		},
	})
}

func (g *schema) buildErrorTypes() {
	codes := customerErrorCodes()
	values := make(graphql.EnumValueConfigMap, len(codes))
	for _, c := range codes {
		values[string(c)] = &graphql.EnumValueConfig{Value: c, Description: errorCodeDescriptions[c]}
	}
	g.errorCode = graphql.NewEnum(graphql.EnumConfig{
		Name:        "CustomerErrorCode",
		Description: "Why a customer operation failed.",
		Values:      values,
	})
	fieldField := &graphql.Field{
		Type:        graphql.NewList(graphql.NewNonNull(graphql.String)),
		Description: "The path to the input that caused the error, or null when no single input did.",
		Resolve: func(p graphql.ResolveParams) (interface{}, error) {
			if f := p.Source.(*UserError).Field; f != nil {
				return f, nil
			}
			return nil, nil
		},
	}
	messageField := &graphql.Field{
		Type:        graphql.NewNonNull(graphql.String),
		Description: "A message that can be shown to the customer.",
		Resolve: func(p graphql.ResolveParams) (interface{}, error) {
			return p.Source.(*UserError).Message, nil
		},
	}
	g.displayableError = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "DisplayableError",
		Description: "An error that can be shown next to the input that caused it.",
		Fields: graphql.Fields{
			"field":   {Type: fieldField.Type, Description: fieldField.Description},
			"message": {Type: messageField.Type, Description: messageField.Description},
		},
		// Both implementations share the Go type; the one that carries a
		// code is the answer wherever the static type does not say.
		ResolveType: func(graphql.ResolveTypeParams) *graphql.Object { return g.customerUserError },
	})
	g.userError = graphql.NewObject(graphql.ObjectConfig{
		Name:        "UserError",
		Description: "An error in the input of a mutation, without a code. Kept for older clients.",
		Interfaces:  []*graphql.Interface{g.displayableError},
		Fields:      graphql.Fields{"field": fieldField, "message": messageField},
	})
	g.customerUserError = graphql.NewObject(graphql.ObjectConfig{
		Name:        "CustomerUserError",
		Description: "An error in a customer mutation, with a code a client can act on.",
		Interfaces:  []*graphql.Interface{g.displayableError},
		Fields: graphql.Fields{
			"code": {
				Type:        g.errorCode,
				Description: "The reason, as a code.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return p.Source.(*UserError).Code, nil
				},
			},
			"field":   fieldField,
			"message": messageField,
		},
	})
}

// errorCodeDescriptions say when this package reports each code, which is
// not always when Shopify does: NOT_FOUND, for one, is about customers here.
// They live beside the enum rather than in errors.go, which stays free of
// the GraphQL layer.
var errorCodeDescriptions = map[CustomerErrorCode]string{
	CodeAlreadyEnabled:          "The account can already log in, so there is nothing to activate.",
	CodeBadDomain:               "The part of the email after the @ is not a usable domain name.",
	CodeBlank:                   "A value that must be given, such as the email or the password, is empty, or an address names no place at all.",
	CodeContainsHTMLTags:        "A name or an address field holds text that looks like an HTML tag.",
	CodeContainsURL:             "A name, or the company of an address, holds text that looks like a web address.",
	CodeCustomerDisabled:        "The email belongs to an account that cannot log in yet; a new activation email was sent instead of registering it again.",
	CodeInvalid:                 "A value is malformed (an email, a phone number, a name, a country or province, an activation or reset URL), the password is one of the most common ones, or the customer has as many addresses as allowed.",
	CodeInvalidMultipassRequest: "The Multipass token was refused: Multipass is not set up, or the token does not decrypt and verify with the shop's secret, is too old, was used before, carries customer details that do not pass or that clash with another account.",
	CodeNotFound:                "No customer has the given id, or the customer has no address with it.",
	CodePasswordWhitespace:      "The password begins or ends with a space or another blank character.",
	CodeTaken:                   "Another account already uses this email, phone number or Multipass identifier.",
	CodeTokenInvalid:            "The activation or reset token is unknown, has expired or was already used.",
	CodeTooLong:                 "A value is longer than its limit, which the message states.",
	CodeTooShort:                "The password is shorter than the shop's minimum, which the message states.",
	CodeUnidentifiedCustomer:    "No account that can log in matches the email and password; or, when recovering a password, no account has the email.",
}

func (g *schema) buildAccessTokenType() {
	g.accessToken = graphql.NewObject(graphql.ObjectConfig{
		Name:        "CustomerAccessToken",
		Description: "A token that acts as the customer until it expires or is deleted.",
		Fields: graphql.Fields{
			"accessToken": {
				Type:        graphql.NewNonNull(graphql.String),
				Description: "The secret to send with customer operations.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return p.Source.(*AccessToken).Token, nil
				},
			},
			"expiresAt": {
				Type:        graphql.NewNonNull(g.dateTime),
				Description: "When the token stops working unless renewed.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return p.Source.(*AccessToken).ExpiresAt, nil
				},
			},
		},
	})
}

// queryFields returns the query root fields. Each call returns new Field
// values around the same types, so a host may add them to its own root.
func (g *schema) queryFields() graphql.Fields {
	return graphql.Fields{
		"customer": {
			Type:        g.customer,
			Description: "The customer a customer access token belongs to; null when the token is unknown or expired.",
			Args: graphql.FieldConfigArgument{
				"customerAccessToken": {Type: graphql.NewNonNull(graphql.String), Description: "A token from customerAccessTokenCreate or another mutation that logs in; it names the customer to return."},
			},
			Resolve: func(p graphql.ResolveParams) (interface{}, error) {
				if !allowed(p.Context, ScopeReadCustomers) {
					return nil, scopeDenied("customer", ScopeReadCustomers)
				}
				tok, _ := p.Args["customerAccessToken"].(string)
				c, err := g.svc.CustomerByAccessToken(p.Context, tok)
				switch {
				case err == ErrInvalidToken:
					return nil, nil
				case err != nil:
					return nil, err
				}
				return c, nil
			},
		},
	}
}
