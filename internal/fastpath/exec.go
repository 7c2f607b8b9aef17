package fastpath

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

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
	p      *Plan
	ctx    context.Context
	vars   map[string]interface{}
	b      []byte
	errs   []gqlerrors.FormattedError
	bubble int // index in errs of the error behind the last stBubble
	// paths and asts are chunks that response paths and the FieldASTs
	// handed to resolvers are cut from: new for every request, as a
	// resolver may keep them.
	paths []graphql.ResponsePath
	asts  []*ast.Field
	// fragments is this request's copy of the plan's fragments, as
	// graphql-go builds the map for every execution.
	fragments map[string]ast.Definition
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

// fieldASTs returns a copy of asts for one field execution, cut from a
// chunk with its capacity capped, so that nothing a resolver does with its
// FieldASTs reaches another field or request.
func (x *exec) fieldASTs(asts []*ast.Field) []*ast.Field {
	n := len(asts)
	if cap(x.asts)-len(x.asts) < n {
		x.asts = make([]*ast.Field, 0, max(n, x.p.pathHint))
	}
	i := len(x.asts)
	x.asts = append(x.asts, asts...)
	return x.asts[i : i+n : i+n]
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
func (x *exec) serial(root interface{}) status {
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
		if x.field(sp, it.fp, it.asts, it.args, root, nil) == stBubble {
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
	fieldASTs := asts
	if !fp.conditional {
		// included made a new slice for a conditional key; the plan's
		// own is shared.
		fieldASTs = x.fieldASTs(asts)
	}
	res, err := x.resolve(fp, ap, graphql.ResolveParams{
		Source:  src,
		Context: x.ctx,
		Info: graphql.ResolveInfo{
			FieldName:      fp.name,
			FieldASTs:      fieldASTs,
			Path:           path,
			ReturnType:     fp.def.Type,
			ParentType:     parent.typ,
			Schema:         x.p.schema,
			Fragments:      x.fragments,
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

// resolve builds the field's Args into p and calls its resolver, turning
// a panic in either into the field's error, as resolveField does.
func (x *exec) resolve(fp *fieldPlan, ap *argPlan, p graphql.ResolveParams) (res interface{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, panicError(r)
		}
	}()
	if !fp.noArgs {
		p.Args = ap.build(x.vars)
	} else if _, ok := p.Source.(graphql.FieldResolver); ok {
		// DefaultResolveFn hands such a source the ResolveParams.
		p.Args = map[string]interface{}{}
	}
	return fp.resolve(p)
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
	case string, bool, int, uint64, time.Time, []string, []interface{}, map[string]interface{}:
		return false
	case float64:
		return math.IsNaN(v)
	case float32:
		return math.IsNaN(float64(v))
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
