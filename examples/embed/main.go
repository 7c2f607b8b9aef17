// Command embed shows a host that has a graphql-go schema of its own and
// merges customerauth into it: the customer query and mutations sit beside
// the host's fields, and the host adds an orders field to Customer.
//
//	go run ./examples/embed
//
// It prints the answer to one document that uses both.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/graphql-go/graphql"

	"github.com/shopkit/customerauth"
)

// order is the host's own data.
type order struct {
	Name  string
	Total string
}

// ordersByCustomer stands in for the host's order database.
type ordersByCustomer map[string][]order

func main() {
	out, err := run(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
	fmt.Println(out)
}

// buildSchema merges customerauth's fields with the host's into one schema.
func buildSchema(svc *customerauth.Service, orders ordersByCustomer) (graphql.Schema, error) {
	orderType := graphql.NewObject(graphql.ObjectConfig{
		Name: "Order",
		Fields: graphql.Fields{
			"name":  {Type: graphql.NewNonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(order).Name, nil }},
			"total": {Type: graphql.NewNonNull(graphql.String), Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source.(order).Total, nil }},
		},
	})
	// The host's field on customerauth's Customer: resolvers get the
	// *customerauth.Customer as their source. Add it before building any
	// schema and before serving.
	svc.CustomerType().AddFieldConfig("orders", &graphql.Field{
		Type:        graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(orderType))),
		Description: "The customer's orders, from the host's own database.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return orders[p.Source.(*customerauth.Customer).ID], nil
		},
	})

	query := svc.QueryFields()
	query["shopName"] = &graphql.Field{Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) { return "Example Shop", nil }}
	return graphql.NewSchema(graphql.SchemaConfig{
		Query:    graphql.NewObject(graphql.ObjectConfig{Name: "QueryRoot", Fields: query}),
		Mutation: graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: svc.MutationFields()}),
	})
}

func run(ctx context.Context) (string, error) {
	svc, err := customerauth.New(customerauth.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return "", err
	}
	c, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "correct horse battery", FirstName: "Ann"})
	if err != nil {
		return "", err
	}
	tok, err := svc.CreateAccessToken(ctx, "ann@example.com", "correct horse battery")
	if err != nil {
		return "", err
	}
	schema, err := buildSchema(svc, ordersByCustomer{c.ID: {{Name: "#1001", Total: "42.00"}}})
	if err != nil {
		return "", err
	}
	// A host running its own graphql-go endpoint executes documents itself;
	// customerauth's request guards then are the host's to apply, or the
	// host mounts svc.Handler() for the customer operations.
	// The variables go into the context too, so that an explicit null (as
	// in customerUpdate(customer: {phone: null})) clears the field as it
	// does through svc.Handler(): graphql-go itself drops such nulls.
	vars := map[string]any{"t": tok.Token}
	res := graphql.Do(graphql.Params{
		Schema:         schema,
		RequestString:  `query($t: String!) { shopName customer(customerAccessToken: $t) { firstName orders { name total } } }`,
		VariableValues: vars,
		Context:        customerauth.WithVariables(ctx, vars),
	})
	if len(res.Errors) > 0 {
		return "", fmt.Errorf("%v", res.Errors)
	}
	b, err := json.Marshal(res.Data)
	return string(b), err
}
