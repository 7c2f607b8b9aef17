package customerauth_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/shopkit/customerauth"
)

// hostSchema is what a host builds from the exported fields: its own roots,
// the customer fields merged in, and a field of its own.
func hostSchema(t *testing.T, svc *customerauth.Service) graphql.Schema {
	t.Helper()
	query := svc.QueryFields()
	query["shopName"] = &graphql.Field{Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) { return "Host", nil }}
	s, err := graphql.NewSchema(graphql.SchemaConfig{
		Query:    graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: query}),
		Mutation: graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: svc.MutationFields()}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmbeddedSchemaClearsFieldsLikeHandler holds a host schema built from
// MutationFields to Handler's answers for explicit nulls, in both shapes
// clients send them, once the host passes its variables with WithVariables.
func TestEmbeddedSchemaClearsFieldsLikeHandler(t *testing.T) {
	const fieldVarDoc = `mutation($t: String!, $phone: String, $last: String) {
  customerUpdate(customerAccessToken: $t, customer: {phone: $phone, lastName: $last}) { customer { phone lastName } customerUserErrors { code } }
}`
	tests := []struct {
		name string
		doc  string
		vars func(tok string) map[string]any
	}{
		{"WholeObjectVariable", updateDoc, func(tok string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "customer": map[string]any{"phone": nil, "lastName": nil}}
		}},
		{"FieldVariables", fieldVarDoc, func(tok string) map[string]any {
			return map[string]any{"t": tok, "phone": nil, "last": nil}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			schema := hostSchema(t, e.svc)
			e.register("ann@example.com", "correct horse")
			tok := e.login("ann@example.com", "correct horse")
			set := func() {
				t.Helper()
				e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"phone": "+16135551111", "lastName": "Lee"}}).noErrors(t, "customerUpdate")
			}
			embedded := func(ctx func(map[string]any) context.Context) string {
				t.Helper()
				vars := tc.vars(tok)
				res := graphql.Do(graphql.Params{Schema: schema, RequestString: tc.doc, VariableValues: vars, Context: ctx(vars)})
				if len(res.Errors) > 0 {
					t.Fatalf("host schema: %v", res.Errors)
				}
				c, _ := json.Marshal(res.Data.(map[string]any)["customerUpdate"].(map[string]any)["customer"])
				return string(c)
			}

			set()
			r := e.do(tc.doc, tc.vars(tok))
			r.noErrors(t, "customerUpdate")
			viaHandler, _ := json.Marshal(r.get("customerUpdate", "customer"))
			if r.get("customerUpdate", "customer", "phone") != nil || r.get("customerUpdate", "customer", "lastName") != nil {
				t.Fatalf("Handler did not clear: %s", viaHandler)
			}

			set()
			if got := embedded(func(vars map[string]any) context.Context {
				return customerauth.WithVariables(context.Background(), vars)
			}); got != string(viaHandler) {
				t.Errorf("host schema with WithVariables = %s, Handler = %s", got, viaHandler)
			}

			// Without the variables a null is indistinguishable from an
			// absent field, and absent fields are kept: documented on
			// WithVariables.
			set()
			got := embedded(func(map[string]any) context.Context { return context.Background() })
			var kept struct{ Phone, LastName string }
			if err := json.Unmarshal([]byte(got), &kept); err != nil || kept.Phone != "+16135551111" || kept.LastName != "Lee" {
				t.Errorf("host schema without WithVariables = %s, want the fields kept", got)
			}
		})
	}
}
