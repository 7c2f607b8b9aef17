package customerauth

import (
	"context"

	"github.com/graphql-go/graphql"
)

// addressMutationFields are the four address-book mutations. Each calls
// one Service method; the field paths of their errors come from the
// Service, which names them after these arguments.
func (g *schema) addressMutationFields() graphql.Fields {
	svc := g.svc
	input := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "MailingAddressInput",
		Description: "A mailing address to add or the changes to make to one. When changing an address, " +
			"absent fields stay as they are and null or an empty string clears a field.",
		Fields: graphql.InputObjectConfigFieldMap{
			"address1":  {Type: graphql.String, Description: "The first street line."},
			"address2":  {Type: graphql.String, Description: "The second street line: apartment, suite or unit."},
			"city":      {Type: graphql.String, Description: "The city, district, village or town."},
			"company":   {Type: graphql.String, Description: "The company or organization."},
			"country":   {Type: graphql.String, Description: "The country, by English name or ISO 3166-1 code (\"Canada\" or \"CA\")."},
			"firstName": {Type: graphql.String, Description: "The first name of the person the address is for."},
			"lastName":  {Type: graphql.String, Description: "The last name of the person the address is for."},
			"phone":     {Type: graphql.String, Description: "A phone number for the address, in E.164 form such as +16135550123."},
			"province": {Type: graphql.String, Description: "The state, province or prefecture, by name or code (\"Ontario\" or \"ON\"); " +
				"where the country's regions are listed it must be one of them."},
			"zip": {Type: graphql.String, Description: "The postal or ZIP code."},
		},
	})
	token := &graphql.ArgumentConfig{Type: nonNullString(), Description: "The access token of the customer whose addresses change."}
	addressArg := &graphql.ArgumentConfig{Type: graphql.NewNonNull(input), Description: "The address fields."}
	idArg := func(desc string) *graphql.ArgumentConfig {
		return &graphql.ArgumentConfig{Type: graphql.NewNonNull(graphql.ID), Description: desc}
	}
	const idDesc = "The address's id, as customer.addresses gives it, with or without the part from \"?\" on."

	return graphql.Fields{
		"customerAddressCreate": {
			Type:        g.payloadType("CustomerAddressCreatePayload", "The result of customerAddressCreate.", "customerAddress", "customerUserErrors", "userErrors"),
			Description: "Adds a mailing address to the customer's address book. The customer's first address becomes the default.",
			Args:        graphql.FieldConfigArgument{"address": addressArg, "customerAccessToken": token},
			Resolve: mutationResolver("CustomerAddressCreate", nil, func(ctx context.Context, a map[string]interface{}, p graphql.ResolveParams) (*payload, error) {
				addr, err := svc.CreateAddress(ctx, argString(a, "customerAccessToken"), addressInput(ctx, a, p))
				return &payload{address: addr}, err
			}),
		},
		"customerAddressUpdate": {
			Type:        g.payloadType("CustomerAddressUpdatePayload", "The result of customerAddressUpdate.", "customerAddress", "customerUserErrors", "userErrors"),
			Description: "Changes one of the customer's mailing addresses; the fields given replace the stored ones.",
			Args: graphql.FieldConfigArgument{
				"address":             &graphql.ArgumentConfig{Type: addressArg.Type, Description: "The fields to change; absent fields stay as they are."},
				"customerAccessToken": token,
				"id":                  idArg(idDesc),
			},
			Resolve: mutationResolver("CustomerAddressUpdate", nil, func(ctx context.Context, a map[string]interface{}, p graphql.ResolveParams) (*payload, error) {
				addr, err := svc.UpdateAddress(ctx, argString(a, "customerAccessToken"), argString(a, "id"), addressInput(ctx, a, p))
				return &payload{address: addr}, err
			}),
		},
		"customerAddressDelete": {
			Type:        g.payloadType("CustomerAddressDeletePayload", "The result of customerAddressDelete.", "customerUserErrors", "deletedCustomerAddressId", "userErrors"),
			Description: "Deletes one of the customer's mailing addresses for good. When it was the default, the oldest remaining address becomes the default.",
			Args:        graphql.FieldConfigArgument{"customerAccessToken": token, "id": idArg(idDesc)},
			Resolve: mutationResolver("CustomerAddressDelete", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				id, err := svc.DeleteAddress(ctx, argString(a, "customerAccessToken"), argString(a, "id"))
				if err != nil {
					return nil, err
				}
				return &payload{deletedAddressID: svc.AddressGlobalID(id)}, nil
			}),
		},
		"customerDefaultAddressUpdate": {
			Type:        g.payloadType("CustomerDefaultAddressUpdatePayload", "The result of customerDefaultAddressUpdate.", "customer", "customerUserErrors", "userErrors"),
			Description: "Makes one of the customer's mailing addresses the default and returns the customer.",
			Args: graphql.FieldConfigArgument{
				"addressId":           idArg("The id of the address to make the default, as customer.addresses gives it, with or without the part from \"?\" on."),
				"customerAccessToken": token,
			},
			Resolve: mutationResolver("CustomerDefaultAddressUpdate", nil, func(ctx context.Context, a map[string]interface{}, _ graphql.ResolveParams) (*payload, error) {
				c, err := svc.SetDefaultAddress(ctx, argString(a, "customerAccessToken"), argString(a, "addressId"))
				return &payload{customer: c}, err
			}),
		},
	}
}

// addressInput reads the address argument. graphql-go drops explicit nulls;
// the raw variables still have them, and a null clears the field as an
// empty string does.
func addressInput(ctx context.Context, args map[string]interface{}, p graphql.ResolveParams) AddressInput {
	m := argObject(args, "address")
	in := AddressInput{
		FirstName: optString(m, "firstName"), LastName: optString(m, "lastName"), Company: optString(m, "company"),
		Address1: optString(m, "address1"), Address2: optString(m, "address2"), City: optString(m, "city"),
		Province: optString(m, "province"), Country: optString(m, "country"), Zip: optString(m, "zip"),
		Phone: optString(m, "phone"),
	}
	fields := map[string]**string{
		"firstName": &in.FirstName, "lastName": &in.LastName, "company": &in.Company,
		"address1": &in.Address1, "address2": &in.Address2, "city": &in.City,
		"province": &in.Province, "country": &in.Country, "zip": &in.Zip, "phone": &in.Phone,
	}
	for _, k := range explicitNulls(ctx, p, "address") {
		if f, ok := fields[k]; ok {
			cleared := ""
			*f = &cleared
		}
	}
	return in
}
