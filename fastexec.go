package customerauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// This file is a compiled executor for cached documents: the fast path.
//
// graphql-go's executor collects fields into maps, builds a response path,
// an argument map and a ResolveInfo for every field, serializes every
// string through fmt.Sprintf and finally hands a tree of maps to
// encoding/json. For a document the cache keeps, all the work that depends
// only on the document (operation choice, fragment expansion, type
// conditions, merging of fields by response key, argument ASTs, the
// completion shape of each return type) is done once, by compile, into a
// plan. execute then coerces the request's variables, calls the same
// resolvers with the same ResolveParams graphql-go would build, and writes
// the JSON straight into a pooled buffer in selection order.
//
// The plan is an optimisation, never a second semantics: whatever compile
// does not fully understand, and every request whose variables do not
// type-check exactly, returns ok=false before any resolver has run, and the
// caller uses graphql.Execute, which is always right. The equivalence tests
// in fastexec_test.go hold the two executors to the same answers.
//
// Answers differ from graphql-go's in form only: object keys come in
// selection order (graphql-go's maps encode alphabetically), a query's
// fields run in selection order (graphql-go's in map order) and so its
// errors come in that order. A mutation's root fields run serially in
// graphql-go's order, by source position.
//
// Deliberate differences from graphql-go v0.8.1, none reachable through
// this package's own resolvers:
//   - a resolver that returns both a value and an error yields null (as the
//     spec says), where graphql-go puts the raw Go value into the response;
//   - a resolver that panics with a value that is neither an error nor a
//     string is reported as an internal error (logged with the request id),
//     where graphql-go answers "An unknown error occurred.";
//   - a value the JSON encoder cannot represent (an infinite float) is
//     written as null, where graphql-go's response fails to encode at all;
//   - thunks (resolvers returning func() (interface{}, error)) are called
//     at once instead of breadth-first after their siblings;
//   - fields without declared arguments get nil Args instead of an empty
//     map, and fields whose arguments are all constants share one Args
//     map between requests (resolvers read Args; none writes it).

// maxPlanSelections bounds the field selections of one plan after fragment
// expansion. The guard (Limits.MaxFields) refuses far larger documents
// before they get here; the bound only keeps a misconfigured limit from
// making a plan arbitrarily big.
const maxPlanSelections = 10000

// plan is the compiled form of one operation of a cached document.
type plan struct {
	schema    graphql.Schema
	op        *ast.OperationDefinition
	fragments map[string]ast.Definition
	mutation  bool
	vars      []varPlan
	root      *selPlan
	// serial is the order graphql-go runs a mutation's root fields in (by
	// source position), when the root has no conditional selections.
	serial []*fieldPlan
	// pathHint sizes the chunks response paths are allocated in.
	pathHint int
}

// selPlan is a selection set, fragments expanded, for one object type.
type selPlan struct {
	typ      *graphql.Object
	typeName string
	fields   []*fieldPlan
	// conditional is set when some field's inclusion depends on @skip or
	// @include with a variable, so it is decided per request.
	conditional bool
}

// fieldPlan is one response key of a selection set with every field AST
// that was merged into it.
type fieldPlan struct {
	key      string
	keyJSON  string // `"key":`
	keyPath  interface{}
	name     string
	typename bool
	def      *graphql.FieldDefinition
	resolve  graphql.FieldResolveFn
	out      *outPlan
	refs     []astRef
	// When !conditional, asts and args are the same for every request.
	conditional bool
	asts        []*ast.Field
	args        *argPlan
	minLoc      int
}

// astRef is one field AST of a response key with the @skip/@include
// conditions of it and of every fragment it was reached through.
type astRef struct {
	f     *ast.Field
	conds []cond
	args  *argPlan
}

// cond is one variable-driven @skip or @include; constant ones are decided
// when the plan is compiled.
type cond struct {
	include bool
	varName string
}

// outKind is how a value of a return type is completed.
type outKind uint8

const (
	outNonNull outKind = iota
	outList
	outLeaf
	outObject
)

// leafKind marks the built-in scalars whose Serialize the executor can
// skip for values of the Go type they would return unchanged.
type leafKind uint8

const (
	leafOther leafKind = iota
	leafString
	leafBool
	leafInt
)

type outPlan struct {
	kind outKind
	of   *outPlan
	leaf graphql.Leaf
	lk   leafKind
	sel  *selPlan
}

// argPlan builds a field's Args the way graphql-go's getArgumentValues
// does.
type argPlan struct {
	specs []argSpec
	// fixed is the finished Args when no value depends on a variable and
	// every type is a leaf: built once and shared by every request, so
	// resolvers must only read p.Args (all of this package's do).
	fixed map[string]interface{}
}

type argSpec struct {
	name  string
	typ   graphql.Input
	value ast.Value
	def   interface{}
}

// varPlan coerces one variable of the operation.
type varPlan struct {
	name    string
	typ     graphql.Input
	in      *inPlan
	def     ast.Value
	nonNull bool
}

type inKind uint8

const (
	inString inKind = iota
	inID
	inBool
	inInt
	inScalar
	inEnum
	inObject
)

// inPlan is the strict coercion of an input type: it accepts a subset of
// what graphql-go accepts and produces exactly the value graphql-go would.
type inPlan struct {
	nonNull bool
	kind    inKind
	scalar  *graphql.Scalar
	enum    *graphql.Enum
	fields  []inField
}

type inField struct {
	name string
	in   *inPlan
	def  interface{}
}

// compile builds the plan of the operation opName selects in doc (a
// document that passed validation against schema), or returns false for
// anything the fast path does not support: introspection other than
// __typename, subscriptions, documents without a unique operation, other
// directives than @skip, @include and @inContext, abstract return types,
// list or unknown input types, and whatever else looks unusual.
func compile(schema graphql.Schema, doc *ast.Document, opName string) (*plan, bool) {
	if doc == nil {
		return nil, false
	}
	var op *ast.OperationDefinition
	frags := map[string]ast.Definition{}
	fragDefs := map[string]*ast.FragmentDefinition{}
	// Operation choice as in graphql-go's buildExecutionContext.
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			if opName == "" && op != nil {
				return nil, false
			}
			if opName == "" || d.Name != nil && d.Name.Value == opName {
				op = d
			}
		case *ast.FragmentDefinition:
			key := ""
			if d.Name != nil {
				key = d.Name.Value
			}
			frags[key] = d
			fragDefs[key] = d
		default:
			return nil, false
		}
	}
	if op == nil || op.SelectionSet == nil {
		return nil, false
	}
	p := &plan{schema: schema, op: op, fragments: frags}
	var root *graphql.Object
	switch op.Operation {
	case ast.OperationTypeQuery:
		root = schema.QueryType()
	case ast.OperationTypeMutation:
		root = schema.MutationType()
		p.mutation = true
	default:
		return nil, false
	}
	if root == nil || root.PrivateName == "" {
		return nil, false
	}
	// @inContext changes nothing here; graphql-go ignores operation
	// directives altogether.
	for _, d := range op.Directives {
		if d == nil || d.Name == nil || d.Name.Value != "inContext" {
			return nil, false
		}
	}
	for _, vd := range op.VariableDefinitions {
		if vd == nil || vd.Variable == nil || vd.Variable.Name == nil {
			return nil, false
		}
		t, ok := inputTypeFromAST(schema, vd.Type)
		if !ok {
			return nil, false
		}
		in, ok := compileInput(t, 0)
		if !ok {
			return nil, false
		}
		p.vars = append(p.vars, varPlan{name: vd.Variable.Name.Value, typ: t, in: in, def: vd.DefaultValue, nonNull: in.nonNull})
	}
	c := &compiler{schema: schema, frags: fragDefs}
	sel, ok := c.selection(root, []selSource{{set: op.SelectionSet}})
	if !ok {
		return nil, false
	}
	p.root = sel
	if p.mutation && !sel.conditional {
		p.serial = slices.Clone(sel.fields)
		slices.SortStableFunc(p.serial, func(a, b *fieldPlan) int { return a.minLoc - b.minLoc })
	}
	// Lists multiply the paths; twice the selections covers short ones.
	p.pathHint = min(2*c.selections+16, 1024)
	return p, true
}

// inputTypeFromAST resolves a variable's declared type.
func inputTypeFromAST(schema graphql.Schema, t ast.Type) (graphql.Input, bool) {
	switch t := t.(type) {
	case *ast.NonNull:
		inner, ok := inputTypeFromAST(schema, t.Type)
		if !ok {
			return nil, false
		}
		if _, nn := inner.(*graphql.NonNull); nn {
			return nil, false
		}
		return graphql.NewNonNull(inner), true
	case *ast.Named:
		if t.Name == nil {
			return nil, false
		}
		switch nt := schema.Type(t.Name.Value).(type) {
		case *graphql.Scalar:
			return nt, true
		case *graphql.Enum:
			return nt, true
		case *graphql.InputObject:
			return nt, true
		}
	}
	return nil, false
}

func compileInput(t graphql.Type, depth int) (*inPlan, bool) {
	if depth > 16 {
		return nil, false
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		inner, ok := compileInput(t.OfType, depth+1)
		if !ok || inner.nonNull {
			return nil, false
		}
		nn := *inner
		nn.nonNull = true
		return &nn, true
	case *graphql.Scalar:
		switch t {
		case graphql.String:
			return &inPlan{kind: inString}, true
		case graphql.ID:
			return &inPlan{kind: inID}, true
		case graphql.Boolean:
			return &inPlan{kind: inBool}, true
		case graphql.Int:
			return &inPlan{kind: inInt}, true
		}
		return &inPlan{kind: inScalar, scalar: t}, true
	case *graphql.Enum:
		return &inPlan{kind: inEnum, enum: t}, true
	case *graphql.InputObject:
		p := &inPlan{kind: inObject}
		for name, f := range t.Fields() {
			in, ok := compileInput(f.Type, depth+1)
			if !ok {
				return nil, false
			}
			p.fields = append(p.fields, inField{name: name, in: in, def: f.DefaultValue})
		}
		slices.SortFunc(p.fields, func(a, b inField) int {
			switch {
			case a.name < b.name:
				return -1
			case a.name > b.name:
				return 1
			}
			return 0
		})
		return p, true
	}
	return nil, false
}

// selSource is a selection set to collect fields from, with the conditions
// under which it applies.
type selSource struct {
	set   *ast.SelectionSet
	conds []cond
}

type compiler struct {
	schema     graphql.Schema
	frags      map[string]*ast.FragmentDefinition
	stack      []string
	selections int
}

// selection collects the fields of srcs for the object type obj, as
// graphql-go's collectFields would for every possible request, and
// compiles each field's arguments and return type.
func (c *compiler) selection(obj *graphql.Object, srcs []selSource) (*selPlan, bool) {
	if obj.IsTypeOf != nil {
		return nil, false
	}
	sp := &selPlan{typ: obj, typeName: obj.Name()}
	index := map[string]*fieldPlan{}
	for _, s := range srcs {
		if s.set != nil && !c.collect(obj, sp, index, s.set, s.conds) {
			return nil, false
		}
	}
	defs := obj.Fields()
	for _, fp := range sp.fields {
		if !c.finish(defs, fp) {
			return nil, false
		}
		sp.conditional = sp.conditional || fp.conditional
	}
	return sp, true
}

func (c *compiler) collect(obj *graphql.Object, sp *selPlan, index map[string]*fieldPlan, set *ast.SelectionSet, conds []cond) bool {
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			fc, never, ok := withConds(conds, s.Directives)
			if !ok || s.Name == nil {
				return false
			}
			if never {
				continue
			}
			if c.selections++; c.selections > maxPlanSelections {
				return false
			}
			key := s.Name.Value
			if s.Alias != nil && s.Alias.Value != "" {
				key = s.Alias.Value
			}
			fp := index[key]
			if fp == nil {
				fp = &fieldPlan{key: key, keyJSON: `"` + key + `":`, keyPath: key, name: s.Name.Value}
				index[key] = fp
				sp.fields = append(sp.fields, fp)
			} else if fp.name != s.Name.Value {
				return false
			}
			fp.refs = append(fp.refs, astRef{f: s, conds: fc})
		case *ast.InlineFragment:
			fc, never, ok := withConds(conds, s.Directives)
			if !ok {
				return false
			}
			match, ok := c.typeMatches(s.TypeCondition, obj)
			if !ok {
				return false
			}
			if never || !match || s.SelectionSet == nil {
				continue
			}
			if !c.collect(obj, sp, index, s.SelectionSet, fc) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Name == nil {
				return false
			}
			name := s.Name.Value
			fc, never, ok := withConds(conds, s.Directives)
			if !ok {
				return false
			}
			def := c.frags[name]
			if def == nil || len(def.Directives) > 0 || slices.Contains(c.stack, name) {
				return false
			}
			match, ok := c.typeMatches(def.TypeCondition, obj)
			if !ok {
				return false
			}
			if never || !match || def.SelectionSet == nil {
				continue
			}
			c.stack = append(c.stack, name)
			ok = c.collect(obj, sp, index, def.SelectionSet, fc)
			c.stack = c.stack[:len(c.stack)-1]
			if !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// withConds adds the @skip/@include of a selection to the conditions of
// its parent. never reports a constant exclusion. Any other directive, or
// a repeated one, makes the selection unsupported.
func withConds(parent []cond, dirs []*ast.Directive) (out []cond, never, ok bool) {
	out = parent
	var skip, include bool
	for _, d := range dirs {
		if d == nil || d.Name == nil {
			continue
		}
		c := cond{}
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			if skip {
				return nil, false, false
			}
			skip = true
		case graphql.IncludeDirective.Name:
			if include {
				return nil, false, false
			}
			include = true
			c.include = true
		default:
			return nil, false, false
		}
		// getArgumentValues keeps the last "if" argument.
		var v ast.Value
		for _, a := range d.Arguments {
			if a != nil && a.Name != nil && a.Name.Value == "if" {
				v = a.Value
			}
		}
		switch v := v.(type) {
		case *ast.BooleanValue:
			if v.Value != c.include {
				never = true
			}
		case *ast.Variable:
			if v.Name == nil {
				continue
			}
			c.varName = v.Name.Value
			out = append(out[:len(out):len(out)], c)
		}
		// Anything else parses to null, which graphql-go treats as "keep".
	}
	return out, never, true
}

// typeMatches is graphql-go's doesFragmentConditionMatch for our schema:
// object and interface conditions only.
func (c *compiler) typeMatches(tc *ast.Named, obj *graphql.Object) (match, ok bool) {
	if tc == nil {
		return true, true
	}
	if tc.Name == nil {
		return false, false
	}
	switch t := c.schema.Type(tc.Name.Value).(type) {
	case *graphql.Object:
		return t == obj || t.Name() == obj.Name(), true
	case *graphql.Interface:
		for _, i := range obj.Interfaces() {
			if i == t || i.Name() == t.Name() {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

// finish resolves a response key's field definition, compiles its return
// type over the union of its ASTs' selection sets and its arguments, and
// decides whether the key's ASTs vary per request.
func (c *compiler) finish(defs graphql.FieldDefinitionMap, fp *fieldPlan) bool {
	// A fragment reached twice adds the same AST twice; graphql-go expands
	// it once. An unconditional earlier copy always wins.
	refs := fp.refs[:0]
	for _, r := range fp.refs {
		if slices.ContainsFunc(refs, func(o astRef) bool { return o.f == r.f && len(o.conds) == 0 }) {
			continue
		}
		refs = append(refs, r)
	}
	fp.refs = refs
	for i, r := range refs {
		if len(r.conds) > 0 || slices.ContainsFunc(refs[:i], func(o astRef) bool { return o.f == r.f }) {
			fp.conditional = true
		}
	}
	fp.minLoc = -1
	for _, r := range refs {
		if r.f.Loc != nil && (fp.minLoc < 0 || r.f.Loc.Start < fp.minLoc) {
			fp.minLoc = r.f.Loc.Start
		}
	}
	switch fp.name {
	case "__typename":
		fp.typename = true
	case "__schema", "__type":
		return false
	default:
		def := defs[fp.name]
		if def == nil || def.Type == nil {
			return false
		}
		fp.def = def
		fp.resolve = def.Resolve
		if fp.resolve == nil {
			fp.resolve = graphql.DefaultResolveFn
		}
		srcs := make([]selSource, len(refs))
		for i, r := range refs {
			srcs[i] = selSource{set: r.f.SelectionSet, conds: r.conds}
		}
		out, ok := c.output(def.Type, srcs)
		if !ok {
			return false
		}
		fp.out = out
		for i := range refs {
			refs[i].args = compileArgs(def.Args, refs[i].f.Arguments)
		}
	}
	if !fp.conditional {
		fp.asts = make([]*ast.Field, len(refs))
		for i, r := range refs {
			fp.asts[i] = r.f
		}
		fp.args = refs[0].args
	}
	return true
}

func (c *compiler) output(t graphql.Type, srcs []selSource) (*outPlan, bool) {
	switch t := t.(type) {
	case *graphql.NonNull:
		of, ok := c.output(t.OfType, srcs)
		if !ok || of.kind == outNonNull {
			return nil, false
		}
		return &outPlan{kind: outNonNull, of: of}, true
	case *graphql.List:
		of, ok := c.output(t.OfType, srcs)
		if !ok {
			return nil, false
		}
		return &outPlan{kind: outList, of: of}, true
	case *graphql.Scalar:
		o := &outPlan{kind: outLeaf, leaf: t}
		switch t {
		case graphql.String, graphql.ID:
			o.lk = leafString
		case graphql.Boolean:
			o.lk = leafBool
		case graphql.Int:
			o.lk = leafInt
		}
		return o, true
	case *graphql.Enum:
		return &outPlan{kind: outLeaf, leaf: t}, true
	case *graphql.Object:
		sel, ok := c.selection(t, srcs)
		if !ok {
			return nil, false
		}
		return &outPlan{kind: outObject, sel: sel}, true
	}
	return nil, false
}

func compileArgs(defs []*graphql.Argument, asts []*ast.Argument) *argPlan {
	if len(defs) == 0 {
		return nil
	}
	ap := &argPlan{}
	isFixed := true
	for _, d := range defs {
		var v ast.Value
		for _, a := range asts {
			if a != nil && a.Name != nil && a.Name.Value == d.PrivateName {
				v = a.Value
			}
		}
		ap.specs = append(ap.specs, argSpec{name: d.PrivateName, typ: d.Type, value: v, def: d.DefaultValue})
		if hasVariable(v) || !isLeafInput(d.Type) {
			isFixed = false
		}
	}
	if isFixed {
		ap.fixed = map[string]interface{}{}
		for _, s := range ap.specs {
			if v := s.build(nil); !isNullish(v) {
				ap.fixed[s.name] = v
			}
		}
	}
	return ap
}

func hasVariable(v ast.Value) bool {
	switch v := v.(type) {
	case *ast.Variable:
		return true
	case *ast.ListValue:
		return slices.ContainsFunc(v.Values, hasVariable)
	case *ast.ObjectValue:
		for _, f := range v.Fields {
			if f != nil && hasVariable(f.Value) {
				return true
			}
		}
	}
	return false
}

func isLeafInput(t graphql.Input) bool {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	switch t.(type) {
	case *graphql.Scalar, *graphql.Enum:
		return true
	}
	return false
}

// build is one entry of getArgumentValues: the value, else the default,
// kept only when not null.
func (s *argSpec) build(vars map[string]interface{}) interface{} {
	v := valueFromAST(s.value, s.typ, vars)
	if isNullish(v) {
		v = s.def
	}
	return v
}

func (ap *argPlan) build(vars map[string]interface{}) map[string]interface{} {
	if ap == nil {
		return nil
	}
	if ap.fixed != nil {
		return ap.fixed
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

// cachedDoc is what the document cache keeps: a validated document and,
// compiled on first use, the plan of each of its operations.
type cachedDoc struct {
	doc   *ast.Document
	plans []planSlot // by operation, in document order
}

type planSlot struct {
	mu   sync.Mutex
	done atomic.Pointer[planResult]
}

type planResult struct{ p *plan }

func newCachedDoc(doc *ast.Document) *cachedDoc {
	n := 0
	for _, d := range doc.Definitions {
		if _, ok := d.(*ast.OperationDefinition); ok {
			n++
		}
	}
	return &cachedDoc{doc: doc, plans: make([]planSlot, n)}
}

// plan returns the compiled plan of the operation opName selects, compiling
// it on first use, or nil when the request must go through graphql.Execute.
func (c *cachedDoc) plan(schema graphql.Schema, opName string) *plan {
	i, n := -1, 0
	for _, d := range c.doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if opName == "" && n > 0 {
			return nil // graphql-go: "Must provide operation name…"
		}
		if opName == "" || op.Name != nil && op.Name.Value == opName {
			i = n
		}
		n++
	}
	if i < 0 || i >= len(c.plans) {
		return nil
	}
	s := &c.plans[i]
	if r := s.done.Load(); r != nil {
		return r.p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.done.Load(); r != nil {
		return r.p
	}
	p, ok := compile(schema, c.doc, opName)
	if !ok {
		p = nil
	}
	s.done.Store(&planResult{p})
	return p
}

// fastResult is an executed plan: the response body up to its errors, and
// the errors, which the caller passes through publicErrors before body
// finishes the response. It is pooled: release it after use.
type fastResult struct {
	exec
	noData bool
}

var fastResults = sync.Pool{New: func() any { return new(fastResult) }}

// maxPooledBody is the largest buffer put back into the pool.
const maxPooledBody = 64 << 10

// execute runs the plan for one request. It first coerces rawVars against
// the operation's variable definitions and returns false, having run no
// resolver, unless every value type-checks exactly. The context passed to
// resolvers carries rawVars (see WithVariables), as the handler's does.
func (p *plan) execute(ctx context.Context, rawVars map[string]interface{}) (*fastResult, bool) {
	vars := make(map[string]interface{}, len(p.vars))
	for i := range p.vars {
		v, ok := p.vars[i].coerce(rawVars)
		if !ok {
			return nil, false
		}
		vars[p.vars[i].name] = v
	}
	if ctx.Err() != nil {
		return nil, false
	}
	r := fastResults.Get().(*fastResult)
	r.exec = exec{p: p, ctx: WithVariables(ctx, rawVars), vars: vars, b: r.b[:0]}
	r.noData = false
	r.b = append(r.b, `{"data":`...)
	var st status
	if p.mutation {
		st = r.serial()
	} else {
		st = r.object(p.root, emptyRoot, nil)
	}
	if st == stBubble {
		// A non-null root field is null: graphql-go's executor panics out
		// of the operation and answers that one error without data.
		r.noData = true
		r.errs = r.errs[r.bubble : r.bubble+1]
	}
	if err := ctx.Err(); err != nil {
		// graphql.Execute answers the context's error once it is done.
		r.noData = true
		r.errs = []gqlerrors.FormattedError{gqlerrors.FormatError(err)}
	}
	return r, true
}

// body finishes the response with errs (the result's errors after
// publicErrors) as the handler's writeJSON would encode it.
func (r *fastResult) body(errs []gqlerrors.FormattedError) []byte {
	if r.noData {
		r.b = append(r.b[:0], '{')
	}
	if len(errs) > 0 {
		eb, err := json.Marshal(errs)
		if err != nil {
			return nil // writeJSON's encoder would write nothing either
		}
		if !r.noData {
			r.b = append(r.b, ',')
		}
		r.b = append(r.b, `"errors":`...)
		r.b = append(r.b, eb...)
	}
	r.b = append(r.b, '}', '\n')
	return r.b
}

func (r *fastResult) release() {
	if cap(r.b) > maxPooledBody {
		return
	}
	r.exec = exec{b: r.b[:0]}
	fastResults.Put(r)
}

// emptyRoot is the root value graphql-go passes when there is none.
var emptyRoot = map[string]interface{}{}

// status is the outcome of completing a value.
type status uint8

const (
	// stOK: the value was written.
	stOK status = iota
	// stNull: the value is null; nothing was written.
	stNull
	// stBubble: a non-null value is null, its error recorded; the nearest
	// nullable ancestor becomes null (whatever was written is cut).
	stBubble
)

// exec is the state of one execution.
type exec struct {
	p      *plan
	ctx    context.Context
	vars   map[string]interface{}
	b      []byte
	errs   []gqlerrors.FormattedError
	bubble int // index in errs of the error behind the last stBubble
	paths  []graphql.ResponsePath
}

// fieldCtx is what completion needs to know about the field it completes.
type fieldCtx struct {
	parent *selPlan
	fp     *fieldPlan
	asts   []*ast.Field
}

func (x *exec) path(prev *graphql.ResponsePath, key interface{}) *graphql.ResponsePath {
	if len(x.paths) == cap(x.paths) {
		x.paths = make([]graphql.ResponsePath, 0, x.p.pathHint)
	}
	x.paths = append(x.paths, graphql.ResponsePath{Prev: prev, Key: key})
	return &x.paths[len(x.paths)-1]
}

// included returns the ASTs of a conditional response key this request
// selects, in graphql-go's order, and the arguments of the first.
func (x *exec) included(fp *fieldPlan) ([]*ast.Field, *argPlan) {
	var asts []*ast.Field
	var args *argPlan
	for i := range fp.refs {
		r := &fp.refs[i]
		if !x.holds(r.conds) || slices.Contains(asts, r.f) {
			continue
		}
		if asts == nil {
			args = r.args
		}
		asts = append(asts, r.f)
	}
	return asts, args
}

// holds evaluates conditions as graphql-go's shouldIncludeNode: only a
// boolean excludes; a null variable keeps the selection.
func (x *exec) holds(conds []cond) bool {
	for _, c := range conds {
		if b, ok := x.vars[c.varName].(bool); ok && b != c.include {
			return false
		}
	}
	return true
}

func (x *exec) object(sp *selPlan, src interface{}, path *graphql.ResponsePath) status {
	x.b = append(x.b, '{')
	n := 0
	for _, fp := range sp.fields {
		asts, args := fp.asts, fp.args
		if fp.conditional {
			if asts, args = x.included(fp); asts == nil {
				continue
			}
		}
		if n > 0 {
			x.b = append(x.b, ',')
		}
		n++
		x.b = append(x.b, fp.keyJSON...)
		if x.field(sp, fp, asts, args, src, path) == stBubble {
			return stBubble
		}
	}
	x.b = append(x.b, '}')
	return stOK
}

// serial runs a mutation's root fields one after the other, in the order
// graphql-go's executeFieldsSerially does: by source position.
func (x *exec) serial() status {
	type item struct {
		fp   *fieldPlan
		asts []*ast.Field
		args *argPlan
		loc  int
	}
	sp := x.p.root
	var items []item
	if sp.conditional {
		for _, fp := range sp.fields {
			asts, args := fp.asts, fp.args
			if fp.conditional {
				if asts, args = x.included(fp); asts == nil {
					continue
				}
			}
			loc := -1
			for _, f := range asts {
				if f.Loc != nil && (loc < 0 || f.Loc.Start < loc) {
					loc = f.Loc.Start
				}
			}
			items = append(items, item{fp, asts, args, loc})
		}
		slices.SortStableFunc(items, func(a, b item) int { return a.loc - b.loc })
	}
	x.b = append(x.b, '{')
	n := len(x.p.serial)
	if sp.conditional {
		n = len(items)
	}
	for i := 0; i < n; i++ {
		var it item
		if sp.conditional {
			it = items[i]
		} else {
			fp := x.p.serial[i]
			it = item{fp: fp, asts: fp.asts, args: fp.args}
		}
		if i > 0 {
			x.b = append(x.b, ',')
		}
		x.b = append(x.b, it.fp.keyJSON...)
		if x.field(sp, it.fp, it.asts, it.args, emptyRoot, nil) == stBubble {
			return stBubble
		}
	}
	x.b = append(x.b, '}')
	return stOK
}

// field resolves and completes one field, as graphql-go's resolveField.
func (x *exec) field(parent *selPlan, fp *fieldPlan, asts []*ast.Field, ap *argPlan, src interface{}, ppath *graphql.ResponsePath) status {
	path := x.path(ppath, fp.keyPath)
	if fp.typename {
		x.b = appendString(x.b, parent.typeName)
		return stOK
	}
	res, err := x.resolve(fp.resolve, graphql.ResolveParams{
		Source:  src,
		Args:    ap.build(x.vars),
		Context: x.ctx,
		Info: graphql.ResolveInfo{
			FieldName:      fp.name,
			FieldASTs:      asts,
			Path:           path,
			ReturnType:     fp.def.Type,
			ParentType:     parent.typ,
			Schema:         x.p.schema,
			Fragments:      x.p.fragments,
			Operation:      x.p.op,
			VariableValues: x.vars,
		},
	})
	if err != nil {
		x.fail(err, asts, path)
		if fp.out.kind == outNonNull {
			return stBubble
		}
		x.b = append(x.b, "null"...)
		return stOK
	}
	fc := fieldCtx{parent: parent, fp: fp, asts: asts}
	return x.catch(fp.out, &fc, path, res)
}

// resolve calls a resolver, turning a panic into its error.
func (x *exec) resolve(fn graphql.FieldResolveFn, p graphql.ResolveParams) (res interface{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, panicError(r)
		}
	}()
	return fn(p)
}

// panicError is the error a recovered panic is reported as; errors and
// strings keep their text, as in graphql-go.
func panicError(r interface{}) error {
	switch r := r.(type) {
	case error:
		return r
	case string:
		return errors.New(r)
	}
	return fmt.Errorf("customerauth: resolver panicked: %v", r)
}

// fail records a field error as graphql-go's handleFieldError formats it.
func (x *exec) fail(err interface{}, asts []*ast.Field, path *graphql.ResponsePath) {
	nodes := make([]ast.Node, len(asts))
	for i, f := range asts {
		nodes[i] = f
	}
	e := graphql.NewLocatedErrorWithPath(err, nodes, path.AsArray())
	x.errs = append(x.errs, gqlerrors.FormatError(e))
	x.bubble = len(x.errs) - 1
}

// catch is graphql-go's completeValueCatchingError: the boundary where a
// null from below stops unless the type is non-null, and where panics in
// completion become field errors.
func (x *exec) catch(o *outPlan, fc *fieldCtx, path *graphql.ResponsePath, v interface{}) (st status) {
	mark := len(x.b)
	defer func() {
		if r := recover(); r != nil {
			x.b = x.b[:mark]
			x.fail(panicError(r), fc.asts, path)
			if o.kind == outNonNull {
				st = stBubble
				return
			}
			x.b = append(x.b, "null"...)
			st = stOK
		}
	}()
	switch x.complete(o, fc, path, v) {
	case stOK:
		return stOK
	case stNull:
		x.b = append(x.b, "null"...)
		return stOK
	}
	if o.kind == outNonNull {
		return stBubble
	}
	x.b = append(x.b[:mark], "null"...)
	return stOK
}

// complete is graphql-go's completeValue.
func (x *exec) complete(o *outPlan, fc *fieldCtx, path *graphql.ResponsePath, v interface{}) status {
	if thunk, ok := v.(func() (interface{}, error)); ok {
		r, err := thunk()
		if err != nil {
			panic(err)
		}
		v = r
	}
	if o.kind == outNonNull {
		st := x.complete(o.of, fc, path, v)
		if st == stNull {
			x.fail(fmt.Sprintf("Cannot return null for non-nullable field %v.%v.", fc.parent.typeName, fc.fp.name), fc.asts, path)
			return stBubble
		}
		return st
	}
	if isNullish(v) {
		return stNull
	}
	switch o.kind {
	case outLeaf:
		return x.leaf(o, v)
	case outList:
		return x.list(o, fc, path, v)
	}
	return x.object(o.sel, v, path)
}

func (x *exec) leaf(o *outPlan, v interface{}) status {
	// String, ID, Boolean and Int serialize these unchanged.
	switch o.lk {
	case leafString:
		if s, ok := v.(string); ok {
			x.b = appendString(x.b, s)
			return stOK
		}
	case leafBool:
		if b, ok := v.(bool); ok {
			x.b = strconv.AppendBool(x.b, b)
			return stOK
		}
	case leafInt:
		if n, ok := v.(int); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			x.b = strconv.AppendInt(x.b, int64(n), 10)
			return stOK
		}
	}
	s := o.leaf.Serialize(v)
	if isNullish(s) {
		return stNull
	}
	x.b = appendValue(x.b, s)
	return stOK
}

// list is graphql-go's completeListValue.
func (x *exec) list(o *outPlan, fc *fieldCtx, path *graphql.ResponsePath, v interface{}) status {
	switch v := v.(type) {
	case []string:
		if item := o.of; item.kind == outLeaf && item.lk == leafString || item.kind == outNonNull && item.of.kind == outLeaf && item.of.lk == leafString {
			x.b = append(x.b, '[')
			for i, s := range v {
				if i > 0 {
					x.b = append(x.b, ',')
				}
				x.b = appendString(x.b, s)
			}
			x.b = append(x.b, ']')
			return stOK
		}
	case []*Address:
		return listOf(x, o, fc, path, v)
	case []*addressEdge:
		return listOf(x, o, fc, path, v)
	case []*UserError:
		return listOf(x, o, fc, path, v)
	case []interface{}:
		return listOf(x, o, fc, path, v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		panic(gqlerrors.NewFormattedError(fmt.Sprintf("User Error: expected iterable, but did not find one for field %v.%v.", fc.parent.typeName, fc.fp.name)))
	}
	x.b = append(x.b, '[')
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			x.b = append(x.b, ',')
		}
		if x.catch(o.of, fc, x.path(path, i), rv.Index(i).Interface()) == stBubble {
			return stBubble
		}
	}
	x.b = append(x.b, ']')
	return stOK
}

func listOf[T any](x *exec, o *outPlan, fc *fieldCtx, path *graphql.ResponsePath, items []T) status {
	x.b = append(x.b, '[')
	for i, it := range items {
		if i > 0 {
			x.b = append(x.b, ',')
		}
		if x.catch(o.of, fc, x.path(path, i), it) == stBubble {
			return stBubble
		}
	}
	x.b = append(x.b, ']')
	return stOK
}

// isNullish is graphql-go's isNullish: nil, a nil pointer or NaN. Nil
// slices and maps are not null.
func isNullish(v interface{}) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, bool, int, uint64, time.Time, []string, map[string]interface{}:
		return false
	case float64:
		return math.IsNaN(v)
	case float32:
		return math.IsNaN(float64(v))
	case *Customer:
		return v == nil
	case *Address:
		return v == nil
	case *addressEdge:
		return v == nil
	case *addressPage:
		return v == nil
	case *pageInfo:
		return v == nil
	case *payload:
		return v == nil
	case *AccessToken:
		return v == nil
	case *UserError:
		return v == nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}

// appendValue writes a serialized leaf as encoding/json would.
func appendValue(b []byte, v interface{}) []byte {
	switch v := v.(type) {
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int8:
		return strconv.AppendInt(b, int64(v), 10)
	case int16:
		return strconv.AppendInt(b, int64(v), 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case uint:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case float64:
		return appendFloat(b, v, 64)
	case float32:
		return appendFloat(b, float64(v), 32)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// appendFloat is encoding/json's float encoding.
func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string encoding with HTML escaping, as
// json.Encoder writes the handler's answers.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
