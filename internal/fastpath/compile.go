package fastpath

import (
	"reflect"
	"slices"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// maxPlanSelections bounds the field selections of one plan after fragment
// expansion. customerauth's document guard (RequestLimits.MaxFields)
// refuses far larger documents before they get here; the bound only keeps
// a misconfigured limit from making a plan arbitrarily big.
const maxPlanSelections = 10000

// Plan is the compiled form of one operation of a Document, shared by
// every request that runs the operation so that the work that depends only
// on the document is done once. It is safe for concurrent use.
type Plan struct {
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
	// noArgs is set for a field without arguments that
	// graphql.DefaultResolveFn resolves (it reads no Args unless the
	// source is a graphql.FieldResolver, so other sources get nil Args
	// instead of a new empty map), or whose resolver Options.ArgsUnused
	// vouches for.
	noArgs bool
	out    *outPlan
	refs   []astRef
	// When !conditional, asts and args are the same for every request.
	// Resolvers get copies of asts, and maps built by args.
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
// does: a new map for every field execution, since a resolver may keep or
// write the map it is given.
type argPlan struct {
	specs []argSpec
}

// argSpec is one declared argument of a field.
type argSpec struct {
	name  string
	typ   graphql.Input
	value ast.Value
	def   interface{}
	// constant is set when value is a literal of a built-in scalar or an
	// enum: cval is then what ParseLiteral returns for it, a string,
	// number, bool or the enum value's own Value, which graphql-go also
	// hands to every request alike.
	constant bool
	cval     interface{}
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
func compile(schema graphql.Schema, doc *ast.Document, opName string, opts Options) (*Plan, bool) {
	if doc == nil || hasExtensions(schema) {
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
	p := &Plan{schema: schema, op: op, fragments: frags}
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
	// directives altogether. What it says reaches the resolvers through
	// the context, which the caller builds alike for both executors
	// (customerauth reads the shopper's language from it before either
	// runs), so a plan answers in the language graphql.Execute would.
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
	c := &compiler{schema: schema, frags: fragDefs, opts: opts}
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

// hasExtensions reports whether graphql-go would call schema extensions
// around the execution and every resolver, which the plan does not do. The
// list is unexported, so it is read by reflection; a schema whose layout
// is not v0.8.1's counts as having some.
func hasExtensions(schema graphql.Schema) bool {
	f := reflect.ValueOf(schema).FieldByName("extensions")
	return !f.IsValid() || f.Kind() != reflect.Slice || f.Len() > 0
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
	opts       Options
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
			fp.noArgs = len(def.Args) == 0
		} else if len(def.Args) == 0 && c.opts.ArgsUnused != nil {
			fp.noArgs = c.opts.ArgsUnused(def.Resolve)
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
	for _, d := range defs {
		var v ast.Value
		// getArgumentValues keeps the last argument of a name.
		for _, a := range asts {
			if a != nil && a.Name != nil && a.Name.Value == d.PrivateName {
				v = a.Value
			}
		}
		s := argSpec{name: d.PrivateName, typ: d.Type, value: v, def: d.DefaultValue}
		if !hasVariable(v) && isImmutableLeaf(d.Type) {
			s.constant = true
			s.cval = valueFromAST(v, d.Type, nil)
		}
		ap.specs = append(ap.specs, s)
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

// isImmutableLeaf reports whether the values ParseLiteral returns for t
// are the same for every call and cannot be written through: the built-in
// scalars' strings, numbers and bools, and an enum's own values (which
// graphql-go shares between requests too). Other scalars may parse into
// anything, so their literals are parsed per field execution.
func isImmutableLeaf(t graphql.Input) bool {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	switch t := t.(type) {
	case *graphql.Scalar:
		return t == graphql.String || t == graphql.ID || t == graphql.Int || t == graphql.Float || t == graphql.Boolean
	case *graphql.Enum:
		return true
	}
	return false
}
