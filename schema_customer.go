package customerauth

import (
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/graphql-go/graphql"
)

// maxPageSize is the most items one page of a connection may hold, as on
// Shopify.
const maxPageSize = 250

// stringField is a nullable String field read from the source by get; the
// empty string reads as null, as Shopify reports fields that were never set.
func stringField[T any](desc string, get func(T) string) *graphql.Field {
	return &graphql.Field{
		Type:        graphql.String,
		Description: desc,
		Resolve: func(p graphql.ResolveParams) (interface{}, error) {
			if v := get(p.Source.(T)); v != "" {
				return v, nil
			}
			return nil, nil
		},
	}
}

// objectField is a field of the given type read from the source by get.
func objectField[T any](t graphql.Output, desc string, get func(T) interface{}) *graphql.Field {
	return &graphql.Field{
		Type:        t,
		Description: desc,
		Resolve: func(p graphql.ResolveParams) (interface{}, error) {
			return get(p.Source.(T)), nil
		},
	}
}

func nonNull(t graphql.Output) graphql.Output { return graphql.NewNonNull(t) }

func (g *schema) buildCustomerTypes() {
	g.node = graphql.NewInterface(graphql.InterfaceConfig{
		Name:        "Node",
		Description: "An object with a globally unique id.",
		Fields: graphql.Fields{
			"id": {Type: nonNull(graphql.ID), Description: "A globally unique id."},
		},
		ResolveType: func(graphql.ResolveTypeParams) *graphql.Object { return g.address },
	})
	g.pageInfo = graphql.NewObject(graphql.ObjectConfig{
		Name:        "PageInfo",
		Description: "Where a page of a connection lies in the whole list.",
		Fields: graphql.Fields{
			"endCursor":       stringField("The cursor of the last item of the page.", func(p *pageInfo) string { return p.end }),
			"startCursor":     stringField("The cursor of the first item of the page.", func(p *pageInfo) string { return p.start }),
			"hasNextPage":     objectField(nonNull(graphql.Boolean), "Whether items follow this page.", func(p *pageInfo) interface{} { return p.hasNext }),
			"hasPreviousPage": objectField(nonNull(graphql.Boolean), "Whether items precede this page.", func(p *pageInfo) interface{} { return p.hasPrev }),
		},
	})
	g.buildAddressType()
	g.addressEdge = graphql.NewObject(graphql.ObjectConfig{
		Name:        "MailingAddressEdge",
		Description: "A mailing address and its cursor.",
		Fields: graphql.Fields{
			"cursor": objectField(nonNull(graphql.String), "Where this item lies, for the after and before arguments.", func(e *addressEdge) interface{} { return e.cursor }),
			"node":   objectField(nonNull(g.address), "The address.", func(e *addressEdge) interface{} { return e.node }),
		},
	})
	g.addressConnection = graphql.NewObject(graphql.ObjectConfig{
		Name:        "MailingAddressConnection",
		Description: "One page of a list of mailing addresses.",
		Fields: graphql.Fields{
			"edges": objectField(nonNull(graphql.NewList(nonNull(g.addressEdge))), "The addresses of the page with their cursors.", func(c *addressPage) interface{} { return c.edges }),
			"nodes": objectField(nonNull(graphql.NewList(nonNull(g.address))), "The addresses of the page.", func(c *addressPage) interface{} {
				nodes := make([]*Address, len(c.edges))
				for i, e := range c.edges {
					nodes[i] = e.node
				}
				return nodes
			}),
			"pageInfo": objectField(nonNull(g.pageInfo), "Where the page lies in the whole list.", func(c *addressPage) interface{} { return &c.info }),
		},
	})
	g.socialLoginProvider = graphql.NewObject(graphql.ObjectConfig{
		Name:        "SocialLoginProvider",
		Description: "The social login service a customer signed up with.",
		Fields: graphql.Fields{
			"handle": {Type: nonNull(graphql.String), Description: "The name of the service."},
		},
	})

	svc := g.svc
	g.customer = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Customer",
		Description: "A customer account of the shop, as its owner sees it.",
		Fields: graphql.Fields{
			"acceptsMarketing": objectField(nonNull(graphql.Boolean), "Whether the customer agreed to receive marketing email.", func(c *Customer) interface{} { return c.AcceptsMarketing }),
			"addresses": {
				Type:        nonNull(g.addressConnection),
				Description: "The customer's mailing addresses, a page at a time.",
				Args:        connectionArgs(),
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return pageAddresses(p.Source.(*Customer).Addresses, p.Args)
				},
			},
			"avatarUrl": {Type: graphql.String, Description: "The URL of the customer's picture; null here, where accounts have none.",
				Resolve: func(graphql.ResolveParams) (interface{}, error) { return nil, nil }},
			"createdAt": objectField(nonNull(g.dateTime), "When the account was created.", func(c *Customer) interface{} { return c.CreatedAt }),
			"defaultAddress": objectField(g.address, "The address used unless the customer picks another.", func(c *Customer) interface{} {
				if a := c.DefaultAddress(); a != nil {
					return a
				}
				return nil
			}),
			"displayName": objectField(nonNull(graphql.String), "The customer's name, or else email, or else phone number.", func(c *Customer) interface{} { return c.DisplayName() }),
			"email":       stringField("The customer's email address.", func(c *Customer) string { return c.Email }),
			"firstName":   stringField("The customer's first name.", func(c *Customer) string { return c.FirstName }),
			"id":          objectField(nonNull(graphql.ID), "A globally unique id of the customer.", func(c *Customer) interface{} { return svc.GlobalID(c.ID) }),
			"lastName":    stringField("The customer's last name.", func(c *Customer) string { return c.LastName }),
			"numberOfOrders": {
				Type:        nonNull(g.uint64),
				Description: "How many orders the customer placed with the shop.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return svc.NumberOfOrders(p.Context, p.Source.(*Customer).ID)
				},
			},
			"phone": stringField("The customer's phone number in E.164 form.", func(c *Customer) string { return c.Phone }),
			"socialLoginProvider": {Type: g.socialLoginProvider, Description: "The social login service the customer signed up with; null here, where there is none.",
				Resolve: func(graphql.ResolveParams) (interface{}, error) { return nil, nil }},
			"tags": {
				Type:        nonNull(graphql.NewList(nonNull(graphql.String))),
				Description: "The shop's tags on the customer. Needs the unauthenticated_read_customer_tags scope.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					if !allowed(p.Context, ScopeReadCustomerTags) {
						return nil, scopeDenied("tags", ScopeReadCustomerTags)
					}
					if t := p.Source.(*Customer).Tags; t != nil {
						return t, nil
					}
					return []string{}, nil
				},
			},
			"updatedAt": objectField(nonNull(g.dateTime), "When the account last changed.", func(c *Customer) interface{} { return c.UpdatedAt }),
		},
	})
}

func (g *schema) buildAddressType() {
	svc := g.svc
	str := func(desc string, get func(*Address) string) *graphql.Field { return stringField(desc, get) }
	g.address = graphql.NewObject(graphql.ObjectConfig{
		Name:        "MailingAddress",
		Description: "A postal address of a customer.",
		Interfaces:  []*graphql.Interface{g.node},
		Fields: graphql.Fields{
			"address1": str("The first street line.", func(a *Address) string { return a.Address1 }),
			"address2": str("The second street line: apartment, suite or unit.", func(a *Address) string { return a.Address2 }),
			"city":     str("The city, district, village or town.", func(a *Address) string { return a.City }),
			"company":  str("The company or organization.", func(a *Address) string { return a.Company }),
			"country":  str("The country's name.", func(a *Address) string { return a.Country }),
			"countryCode": {
				Type:              graphql.String,
				Description:       "The two-letter country code.",
				DeprecationReason: "Use `countryCodeV2` instead.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					return nilIfEmpty(p.Source.(*Address).CountryCode), nil
				},
			},
			"countryCodeV2": {
				Type:        g.countryCode,
				Description: "The two-letter country code.",
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					cc := p.Source.(*Address).CountryCode
					if !slices.Contains(countryCodeValues[:], cc) {
						return nil, nil
					}
					return cc, nil
				},
			},
			"firstName": str("The first name on the address.", func(a *Address) string { return a.FirstName }),
			"formatted": {
				Type:        nonNull(graphql.NewList(nonNull(graphql.String))),
				Description: "The address as lines for an envelope.",
				Args: graphql.FieldConfigArgument{
					"withCompany": {Type: graphql.Boolean, DefaultValue: true, Description: "Whether to include the company line."},
					"withName":    {Type: graphql.Boolean, DefaultValue: false, Description: "Whether to include the name line."},
				},
				Resolve: func(p graphql.ResolveParams) (interface{}, error) {
					withCompany, _ := p.Args["withCompany"].(bool)
					withName, _ := p.Args["withName"].(bool)
					return p.Source.(*Address).Formatted(withName, withCompany), nil
				},
			},
			"formattedArea": str("The city, region and country on one line.", func(a *Address) string { return a.FormattedArea() }),
			"id":            objectField(nonNull(graphql.ID), "A globally unique id of the address.", func(a *Address) interface{} { return svc.AddressGlobalID(a.ID) }),
			"lastName":      str("The last name on the address.", func(a *Address) string { return a.LastName }),
			"latitude":      objectField(graphql.Float, "The latitude, when known.", func(a *Address) interface{} { return floatOrNil(a.Latitude) }),
			"longitude":     objectField(graphql.Float, "The longitude, when known.", func(a *Address) interface{} { return floatOrNil(a.Longitude) }),
			"name":          str("The full name on the address.", func(a *Address) string { return a.Name() }),
			"phone":         str("A phone number for the address, in E.164 form.", func(a *Address) string { return a.Phone }),
			"province":      str("The region: state, province or prefecture.", func(a *Address) string { return a.Province }),
			"provinceCode":  str("The region's code, such as ON.", func(a *Address) string { return a.ProvinceCode }),
			"zip":           str("The postal or ZIP code.", func(a *Address) string { return a.Zip }),
		},
	})
}

func nilIfEmpty(s string) interface{} {
	if s == "" {
		return nil
	}
	return s
}

func floatOrNil(f *float64) interface{} {
	if f == nil {
		return nil
	}
	return *f
}

func connectionArgs() graphql.FieldConfigArgument {
	return graphql.FieldConfigArgument{
		"after":   {Type: graphql.String, Description: "Start after the item with this cursor."},
		"before":  {Type: graphql.String, Description: "End before the item with this cursor."},
		"first":   {Type: graphql.Int, Description: "Return at most this many items from the start."},
		"last":    {Type: graphql.Int, Description: "Return at most this many items from the end."},
		"reverse": {Type: graphql.Boolean, DefaultValue: false, Description: "Walk the list in reverse order."},
	}
}

type pageInfo struct {
	start, end       string
	hasNext, hasPrev bool
}

type addressEdge struct {
	cursor string
	node   *Address
}

type addressPage struct {
	edges []*addressEdge
	info  pageInfo
}

func addressCursor(a *Address) string {
	return base64.RawURLEncoding.EncodeToString([]byte(a.ID))
}

// pageAddresses cuts one page out of addrs following the Relay cursor
// connection rules: after and before narrow the list, then first keeps the
// head of what is left and last its tail.
func pageAddresses(addrs []Address, args map[string]interface{}) (*addressPage, error) {
	first, hasFirst := args["first"].(int)
	last, hasLast := args["last"].(int)
	switch {
	case !hasFirst && !hasLast:
		return nil, badRequest("you must provide one of first or last")
	case hasFirst && hasLast:
		return nil, badRequest("providing both first and last is not supported")
	case hasFirst && (first < 0 || first > maxPageSize), hasLast && (last < 0 || last > maxPageSize):
		return nil, badRequest(fmt.Sprintf("first and last must be between 0 and %d", maxPageSize))
	}
	list := make([]*Address, len(addrs))
	for i := range addrs {
		list[i] = &addrs[i]
	}
	if rev, _ := args["reverse"].(bool); rev {
		slices.Reverse(list)
	}
	indexOf := func(cursor string) (int, error) {
		for i, a := range list {
			if addressCursor(a) == cursor {
				return i, nil
			}
		}
		return 0, badRequest("invalid cursor")
	}
	start, end := 0, len(list)
	if after, ok := args["after"].(string); ok {
		i, err := indexOf(after)
		if err != nil {
			return nil, err
		}
		start = i + 1
	}
	if before, ok := args["before"].(string); ok {
		i, err := indexOf(before)
		if err != nil {
			return nil, err
		}
		end = i
	}
	if end < start {
		end = start
	}
	if hasFirst && end-start > first {
		end = start + first
	}
	if hasLast && end-start > last {
		start = end - last
	}
	page := &addressPage{info: pageInfo{hasPrev: start > 0, hasNext: end < len(list)}}
	for _, a := range list[start:end] {
		page.edges = append(page.edges, &addressEdge{cursor: addressCursor(a), node: a})
	}
	if len(page.edges) > 0 {
		page.info.start = page.edges[0].cursor
		page.info.end = page.edges[len(page.edges)-1].cursor
	} else {
		page.edges = []*addressEdge{}
	}
	return page, nil
}
