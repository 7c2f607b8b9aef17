package customerauth

import "github.com/graphql-go/graphql/language/ast"

// inContextLanguage returns the language the operation asks for with
// @inContext(language: …): an enum literal (FR) or a variable ($language),
// whose value comes from vars or else from its default. It returns "" when
// the operation names no language.
//
// graphql-go does not give resolvers the directives of the operation, so
// the endpoint reads this before executing and passes it on with
// WithLanguage. The value is not checked here: a literal that is not a
// LanguageCode fails validation, and a variable that is not one fails the
// coercion of variables, both before any resolver runs.
func inContextLanguage(op *ast.OperationDefinition, vars map[string]interface{}) string {
	for _, d := range op.Directives {
		if d == nil || d.Name == nil || d.Name.Value != "inContext" {
			continue
		}
		for _, a := range d.Arguments {
			if a == nil || a.Name == nil || a.Name.Value != "language" {
				continue
			}
			return languageValue(op, a.Value, vars)
		}
	}
	return ""
}

// languageValue is the LanguageCode an argument value names.
func languageValue(op *ast.OperationDefinition, v ast.Value, vars map[string]interface{}) string {
	switch v := v.(type) {
	case *ast.EnumValue:
		return v.Value
	case *ast.Variable:
		if v.Name == nil {
			return ""
		}
		if raw, given := vars[v.Name.Value]; given {
			// An explicit null is no language, whatever the default.
			s, _ := raw.(string)
			return s
		}
		for _, vd := range op.VariableDefinitions {
			if vd != nil && vd.Variable != nil && vd.Variable.Name != nil && vd.Variable.Name.Value == v.Name.Value {
				if def, ok := vd.DefaultValue.(*ast.EnumValue); ok {
					return def.Value
				}
			}
		}
	}
	return ""
}
