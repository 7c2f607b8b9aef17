package customerauth

import (
	"context"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

type rawVarsKey struct{}

// WithVariables returns a context that carries a request's variables as the
// client sent them (decoded JSON), for a host that serves MutationFields
// from a schema of its own: pass it as graphql.Params.Context together with
// the same map as VariableValues.
//
// graphql-go drops explicit nulls when it coerces variables, so a resolver
// cannot tell customerUpdate(customer: {phone: null}), which removes the
// phone, from a customer input without a phone, which keeps it. With the
// variables in the context it can; without them a null is taken as absent.
// Handler does this for every request itself.
func WithVariables(ctx context.Context, vars map[string]interface{}) context.Context {
	return context.WithValue(ctx, rawVarsKey{}, vars)
}

// explicitNulls lists the keys of the input object argument arg that the
// client set to null through variables (see WithVariables), either as a whole object
// ($customer: {phone: null}) or field by field (phone: $phone).
func explicitNulls(ctx context.Context, p graphql.ResolveParams, arg string) []string {
	raw, _ := ctx.Value(rawVarsKey{}).(map[string]interface{})
	if raw == nil || len(p.Info.FieldASTs) == 0 {
		return nil
	}
	var out []string
	for _, a := range p.Info.FieldASTs[0].Arguments {
		if a.Name == nil || a.Name.Value != arg {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.Variable:
			obj, _ := raw[v.Name.Value].(map[string]interface{})
			for k, val := range obj {
				if val == nil {
					out = append(out, k)
				}
			}
		case *ast.ObjectValue:
			for _, f := range v.Fields {
				vr, ok := f.Value.(*ast.Variable)
				if !ok || f.Name == nil {
					continue
				}
				if val, present := raw[vr.Name.Value]; present && val == nil {
					out = append(out, f.Name.Value)
				}
			}
		}
	}
	return out
}
