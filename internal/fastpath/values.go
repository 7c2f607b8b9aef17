package fastpath

import (
	"math"
	"slices"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// build is one entry of getArgumentValues: the value, else the default,
// kept only when not null.
func (s *argSpec) build(vars map[string]interface{}) interface{} {
	v := s.cval
	if !s.constant {
		v = valueFromAST(s.value, s.typ, vars)
	}
	if isNullish(v) {
		v = s.def
	}
	return v
}

// build returns a new Args map for one execution of a field, as
// getArgumentValues does for every call.
func (ap *argPlan) build(vars map[string]interface{}) map[string]interface{} {
	if ap == nil {
		return map[string]interface{}{}
	}
	m := make(map[string]interface{}, len(ap.specs))
	for i := range ap.specs {
		if v := ap.specs[i].build(vars); !isNullish(v) {
			m[ap.specs[i].name] = v
		}
	}
	return m
}

// valueFromAST is graphql-go's valueFromAST: variables are taken as
// coerced, literals parsed by their type, absent input object fields take
// their defaults and null ones are dropped.
func valueFromAST(v ast.Value, t graphql.Input, vars map[string]interface{}) interface{} {
	if v == nil {
		return nil
	}
	if vr, ok := v.(*ast.Variable); ok {
		if vr.Name == nil || vars == nil {
			return nil
		}
		return vars[vr.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(v, t.OfType, vars)
	case *graphql.List:
		values := []interface{}{}
		if lv, ok := v.(*ast.ListValue); ok {
			for _, item := range lv.Values {
				values = append(values, valueFromAST(item, t.OfType, vars))
			}
			return values
		}
		return append(values, valueFromAST(v, t.OfType, vars))
	case *graphql.InputObject:
		ov, ok := v.(*ast.ObjectValue)
		if !ok {
			return nil
		}
		fields := map[string]*ast.ObjectField{}
		for _, of := range ov.Fields {
			if of != nil && of.Name != nil {
				fields[of.Name.Value] = of
			}
		}
		obj := map[string]interface{}{}
		for name, f := range t.Fields() {
			var fv interface{}
			if of, ok := fields[name]; ok {
				fv = valueFromAST(of.Value, f.Type, vars)
			} else {
				fv = f.DefaultValue
			}
			if !isNullish(fv) {
				obj[name] = fv
			}
		}
		return obj
	case *graphql.Scalar:
		return t.ParseLiteral(v)
	case *graphql.Enum:
		return t.ParseLiteral(v)
	}
	return nil
}

// coerce returns the variable's value as graphql-go's getVariableValue
// would, or false when the raw value is not exactly of the declared type
// (graphql-go then reports the error, or coerces loosely).
func (vp *varPlan) coerce(raw map[string]interface{}) (interface{}, bool) {
	v := raw[vp.name]
	if v == nil {
		if vp.nonNull {
			return nil, false
		}
		if vp.def != nil {
			return valueFromAST(vp.def, vp.typ, nil), true
		}
		return nil, true
	}
	return vp.in.coerce(v)
}

func (p *inPlan) coerce(v interface{}) (interface{}, bool) {
	if v == nil {
		return nil, !p.nonNull
	}
	switch p.kind {
	case inString:
		if _, ok := v.(string); ok {
			return v, true
		}
	case inID:
		switch n := v.(type) {
		case string:
			return v, true
		case int:
			return strconv.Itoa(n), true
		}
	case inBool:
		if _, ok := v.(bool); ok {
			return v, true
		}
	case inInt:
		if n, ok := v.(int); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return v, true
		}
	case inScalar:
		if s, ok := v.(string); ok {
			if r := p.scalar.ParseValue(s); !isNullish(r) {
				return r, true
			}
		}
	case inEnum:
		if s, ok := v.(string); ok {
			if r := p.enum.ParseValue(s); !isNullish(r) {
				return r, true
			}
		}
	case inObject:
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil, false
		}
		for k := range m {
			if !slices.ContainsFunc(p.fields, func(f inField) bool { return f.name == k }) {
				return nil, false
			}
		}
		out := make(map[string]interface{}, len(p.fields))
		for _, f := range p.fields {
			fv, ok := f.in.coerce(m[f.name])
			if !ok {
				return nil, false
			}
			if isNullish(fv) {
				fv = f.def
			}
			if !isNullish(fv) {
				out[f.name] = fv
			}
		}
		return out, true
	}
	return nil, false
}
