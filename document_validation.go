package customerauth

import (
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/visitor"
)

// validate runs graphql-go's validation (validationRules) on doc, parsed
// from query, and returns its errors, located in query, or nil.
//
// Each error graphql-go's rules report would be located with
// location.GetLocation, which compiles a regular expression every time it
// is called (and, given the source, runs it over the whole text): a
// hundred microseconds and kilobytes per error, whatever locateErrors does
// after. So the tree goes into validation without its locations (nodes
// without one are not located), which come back afterwards; the
// positions of each error's nodes are then taken as graphql-go would
// have taken them, and located all at once by locateErrors.
//
// graphql-go's OverlappingFieldsCanBeMergedRule compares the arguments of
// every two fields that share a response name and a field name by printing
// them with graphql-go's printer, which costs kilobytes for a single
// number and more than the square of a value's size for larger ones: 20
// copies of one field with an argument nested 60 lists deep took two
// seconds. So that rule runs on its own, in a second pass, on the tree
// with each field's arguments (when it has any) replaced by one whose
// value names them: fields whose arguments print alike get the same
// name. The rule's reports do not show arguments, and it finds the same
// conflicts (but with an argument given twice, itself an error, where
// graphql-go's comparison is not symmetric). Its reports go where the
// single pass would have put them: before the other rules' reports from
// later in the document, since the rule reports on entering a selection
// set, where no other rule reports (see mergeReports). When no selection
// set merges fields under one response name (merges false: checkDocument
// tells), the rule has nothing to compare and nothing to report, and
// does not run.
func validate(schema *graphql.Schema, doc *ast.Document, query string, merges bool) []gqlerrors.FormattedError {
	var saved []savedLoc
	stripLocations(doc, &saved)
	var errs []gqlerrors.FormattedError
	if !merges {
		errs = graphql.ValidateDocument(schema, doc, validationRules).Errors
	} else {
		var marks, overlapMarks []int
		errs = graphql.ValidateDocument(schema, doc, append([]graphql.ValidationRuleFn{markSelectionSets(&marks)}, validationRules...)).Errors
		restore := internArguments(doc)
		overlap := graphql.ValidateDocument(schema, doc, []graphql.ValidationRuleFn{markSelectionSets(&overlapMarks), graphql.OverlappingFieldsCanBeMergedRule}).Errors
		for _, r := range restore {
			r.field.Arguments = r.args
		}
		errs = mergeReports(errs, marks, overlap, overlapMarks)
	}
	for _, s := range saved {
		*s.at = s.loc
	}
	if len(errs) == 0 {
		return nil
	}
	for i, fe := range errs {
		ge, ok := fe.OriginalError().(*gqlerrors.Error)
		if !ok || len(ge.Positions) > 0 || ge.Source != nil {
			continue
		}
		// As gqlerrors.NewError takes them.
		for _, n := range ge.Nodes {
			if n == nil || reflect.ValueOf(n).IsNil() || n.GetLoc() == nil {
				continue
			}
			ge.Positions = append(ge.Positions, n.GetLoc().Start)
		}
		ge.Locations = make([]location.SourceLocation, len(ge.Positions))
		errs[i].Locations = ge.Locations
	}
	return locateErrors(query, errs)
}

// markSelectionSets is a validation rule that records, on entering each
// selection set, how many errors have been reported so far. It goes first,
// so that it sees a selection set before any other rule does.
func markSelectionSets(marks *[]int) graphql.ValidationRuleFn {
	return func(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
			KindFuncMap: map[string]visitor.NamedVisitFuncs{
				kinds.SelectionSet: {Kind: func(visitor.VisitFuncParams) (string, interface{}) {
					*marks = append(*marks, len(ctx.Errors()))
					return visitor.ActionNoChange, nil
				}},
			},
		}}
	}
}

// mergeReports puts the overlap rule's reports (overlap, with their marks)
// among the other rules' (errs, with theirs) where one pass with every
// rule would have reported them: the rule reports on entering a selection
// set, after the rules before it in SpecifiedRules, which report nothing
// there, so the reports of the k-th selection set come after the others'
// reports made before entering it.
func mergeReports(errs []gqlerrors.FormattedError, marks []int, overlap []gqlerrors.FormattedError, overlapMarks []int) []gqlerrors.FormattedError {
	if len(overlap) == 0 {
		return errs
	}
	if len(marks) != len(overlapMarks) { // cannot happen: the passes walk the same sets
		return append(errs, overlap...)
	}
	out := make([]gqlerrors.FormattedError, 0, len(errs)+len(overlap))
	done := 0
	for k := range marks {
		out = append(out, errs[done:marks[k]]...)
		done = marks[k]
		end := len(overlap)
		if k+1 < len(overlapMarks) {
			end = overlapMarks[k+1]
		}
		out = append(out, overlap[overlapMarks[k]:end]...)
	}
	return append(out, errs[done:]...)
}

// swappedArguments are a field's own arguments, put aside.
type swappedArguments struct {
	field *ast.Field
	args  []*ast.Argument
}

// internArguments replaces the arguments of every field of doc that has
// some with a single argument whose value names them: fields whose
// arguments are alike (argumentsSignature) get the same name. It returns
// what to put back.
func internArguments(doc *ast.Document) []swappedArguments {
	var swapped []swappedArguments
	names := map[string]*ast.EnumValue{}
	var walk func(set *ast.SelectionSet)
	walk = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				if sel == nil {
					continue
				}
				if len(sel.Arguments) > 0 {
					sig := argumentsSignature(sel.Arguments)
					v, ok := names[sig]
					if !ok {
						v = &ast.EnumValue{Kind: kinds.EnumValue, Value: "args" + strconv.Itoa(len(names))}
						names[sig] = v
					}
					swapped = append(swapped, swappedArguments{sel, sel.Arguments})
					sel.Arguments = []*ast.Argument{{Kind: kinds.Argument, Name: &ast.Name{Kind: kinds.Name, Value: "args"}, Value: v}}
				}
				walk(sel.SelectionSet)
			case *ast.InlineFragment:
				if sel != nil {
					walk(sel.SelectionSet)
				}
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			if d != nil {
				walk(d.SelectionSet)
			}
		case *ast.FragmentDefinition:
			if d != nil {
				walk(d.SelectionSet)
			}
		}
	}
	return swapped
}

// argumentsSignature is what graphql-go's overlap rule compares of two
// fields' arguments (sameArguments): each argument's name and value, as
// printed, in an order of their own (the rule finds arguments by name).
func argumentsSignature(args []*ast.Argument) string {
	list := make([]string, 0, len(args))
	for _, a := range args {
		if a == nil {
			continue
		}
		name, v := "", ""
		if a.Name != nil {
			name = a.Name.Value
		}
		if a.Value != nil {
			v = printValue(a.Value)
		}
		list = append(list, name+":"+v)
	}
	sort.Strings(list)
	return strings.Join(list, "\x00")
}

// savedLoc is a node's location, taken out of it.
type savedLoc struct {
	at  **ast.Location
	loc *ast.Location
}

// stripLocations takes the locations out of n and every node below it,
// saving them in saved so that validate can put them back. It walks the
// tree by reflection, setting every *ast.Location field it meets to nil:
// a node type it was not told about cannot keep a location (and with it
// graphql-go's per-error rescan of the body). The walk is linear in the
// nodes; only documents that are not cached yet pay for it.
func stripLocations(n any, saved *[]savedLoc) {
	stripValue(reflect.ValueOf(n), saved)
}

var locationType = reflect.TypeFor[*ast.Location]()

func stripValue(v reflect.Value, saved *[]savedLoc) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			stripValue(v.Elem(), saved)
		}
	case reflect.Slice:
		for i := range v.Len() {
			stripValue(v.Index(i), saved)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Type() != locationType {
				stripValue(f, saved)
				continue
			}
			if at := f.Addr().Interface().(**ast.Location); *at != nil {
				*saved = append(*saved, savedLoc{at, *at})
				*at = nil
			}
		}
	}
}
