package customerauth

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"
)

// validationRules are graphql-go v0.8.1's graphql.SpecifiedRules, in their
// order, with five replaced by copies that cost linear time: the three
// that suggest names ("Did you mean ...?"), and the two that check
// literal values (see literalChecker).
//
// graphql-go computes a suggestion's edit distance with a table of
// float64 rows grown by append: time and memory the product of the two
// names' lengths, for every name it compares with (every field of the
// type, every type of the schema). An unknown 10 kB type name took half a
// second and half a gigabyte; a thousand unknown type names of 30
// characters, six seconds. The copies give the same messages, suggestions
// included: a name is suggested when its edit distance to the unknown one
// is at most half the longer's length (graphql-go's threshold), and the
// distance is at least the difference of the lengths, so names whose
// lengths differ more are never compared; the others are compared in two
// reused rows of ints. A comparison then costs at most twice the square of
// the longest name in the schema, whatever the document holds.
//
// Suggestions come nearest first, and by name at equal distance, so the
// same document always gets the same message. graphql-go's order varies
// from run to run: its candidates come from a map, and its sort swaps the
// names without their distances; with more than five candidates, even
// which five it shows varies.
var validationRules = []graphql.ValidationRuleFn{
	argumentsOfCorrectTypeRule,
	defaultValuesOfCorrectTypeRule,
	fieldsOnCorrectTypeRule,
	graphql.FragmentsOnCompositeTypesRule,
	knownArgumentNamesRule,
	graphql.KnownDirectivesRule,
	graphql.KnownFragmentNamesRule,
	knownTypeNamesRule,
	graphql.LoneAnonymousOperationRule,
	graphql.NoFragmentCyclesRule,
	graphql.NoUndefinedVariablesRule,
	graphql.NoUnusedFragmentsRule,
	graphql.NoUnusedVariablesRule,
	// graphql.OverlappingFieldsCanBeMergedRule runs apart: see validate.
	graphql.PossibleFragmentSpreadsRule,
	graphql.ProvidedNonNullArgumentsRule,
	graphql.ScalarLeafsRule,
	graphql.UniqueArgumentNamesRule,
	graphql.UniqueFragmentNamesRule,
	graphql.UniqueInputFieldNamesRule,
	graphql.UniqueOperationNamesRule,
	graphql.UniqueVariableNamesRule,
	graphql.VariablesAreInputTypesRule,
	graphql.VariablesInAllowedPositionRule,
}

// argumentsOfCorrectTypeRule is graphql.ArgumentsOfCorrectTypeRule, with
// literalChecker's messages.
func argumentsOfCorrectTypeRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Argument: {Kind: func(p visitor.VisitFuncParams) (string, interface{}) {
				arg, ok := p.Node.(*ast.Argument)
				def := ctx.Argument()
				if !ok || def == nil {
					return visitor.ActionSkip, nil
				}
				if messages := checkLiteral(def.Type, arg.Value); messages != "" {
					name := ""
					if arg.Name != nil {
						name = arg.Name.Value
					}
					reportValidationError(ctx, fmt.Sprintf(`Argument "%v" has invalid value %v.%v`, name, printValue(arg.Value), messages), arg.Value)
				}
				return visitor.ActionSkip, nil
			}},
		},
	}}
}

// defaultValuesOfCorrectTypeRule is graphql.DefaultValuesOfCorrectTypeRule,
// with literalChecker's messages.
func defaultValuesOfCorrectTypeRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	skip := visitor.NamedVisitFuncs{Kind: func(visitor.VisitFuncParams) (string, interface{}) {
		return visitor.ActionSkip, nil
	}}
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.VariableDefinition: {Kind: func(p visitor.VisitFuncParams) (string, interface{}) {
				vd, ok := p.Node.(*ast.VariableDefinition)
				if !ok {
					return visitor.ActionSkip, nil
				}
				name := ""
				if vd.Variable != nil && vd.Variable.Name != nil {
					name = vd.Variable.Name.Value
				}
				t := ctx.InputType()
				if nn, ok := t.(*graphql.NonNull); ok && vd.DefaultValue != nil {
					reportValidationError(ctx, fmt.Sprintf(`Variable "$%v" of type "%v" is required and will not use the default value. Perhaps you meant to use type "%v".`, name, nn, nn.OfType), vd.DefaultValue)
				}
				if vd.DefaultValue == nil {
					return visitor.ActionSkip, nil
				}
				if messages := checkLiteral(t, vd.DefaultValue); messages != "" {
					reportValidationError(ctx, fmt.Sprintf(`Variable "$%v" has invalid default value: %v.%v`, name, printValue(vd.DefaultValue), messages), vd.DefaultValue)
				}
				return visitor.ActionSkip, nil
			}},
			kinds.SelectionSet:       skip,
			kinds.FragmentDefinition: skip,
		},
	}}
}

// maxValueMessages bounds the lines checkLiteral reports about one value.
const maxValueMessages = 20

// checkLiteral is graphql-go's isValidLiteralValue: it returns "" when
// the literal v is valid for type t, otherwise its messages, each on a
// line of its own after a newline, as the two rules append them (or
// "\n" alone, when there are none, as graphql-go's rules could not tell
// either: cannot happen).
//
// graphql-go builds a message for every wrong leaf of a value, and at
// every list and input object around it builds it again with a prefix
// ("In element #1: ", "In field "x": "): the work is the square of the
// depth for each leaf, and a variable can declare a type 60 lists deep
// with a default value as deep: eight hundred milliseconds and half a
// gigabyte for 9 kB. literalChecker writes each message once, with the
// prefixes of the levels around it, and at most maxValueMessages of them,
// then a line that says more were left out: the messages of a value with
// a few errors are graphql-go's, and those of a value with thousands
// cost no more than the first ones.
func checkLiteral(t graphql.Input, v ast.Value) string {
	c := literalChecker{}
	if c.check(t, v) {
		return ""
	}
	var b strings.Builder
	for _, m := range c.messages {
		b.WriteString("\n")
		b.WriteString(m)
	}
	if c.full {
		fmt.Fprintf(&b, "\nThe value has more than %d errors; the others are not shown.", maxValueMessages)
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

// literalChecker walks a literal as isValidLiteralValue does, writing its
// messages as they are found.
type literalChecker struct {
	messages []string
	// levels are the lists and input objects around the value being
	// checked: a list's prefix counts the messages of its current
	// element, from first (graphql-go numbers the messages of each
	// element, not the elements).
	levels []literalLevel
	// full: maxValueMessages were written, and another was found.
	full bool
}

type literalLevel struct {
	field string // "" for a list
	first int    // for a list: the index of its element's first message
}

// report writes msg with the prefixes of the levels around it.
func (c *literalChecker) report(msg string) {
	if len(c.messages) == maxValueMessages {
		c.full = true
		return
	}
	var b strings.Builder
	for _, l := range c.levels {
		if l.field != "" {
			fmt.Fprintf(&b, `In field "%v": `, l.field)
		} else {
			fmt.Fprintf(&b, `In element #%v: `, len(c.messages)-l.first+1)
		}
	}
	b.WriteString(msg)
	c.messages = append(c.messages, b.String())
}

// check reports whether v is valid for t, reporting why not; it stops
// early once full.
func (c *literalChecker) check(t graphql.Input, v ast.Value) bool {
	if c.full {
		return false
	}
	if _, ok := t.(*graphql.NonNull); !ok {
		if v == nil || v.GetKind() == kinds.Variable {
			return true
		}
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		if err := t.Error(); err != nil {
			c.report(err.Error())
			return false
		}
		if v == nil {
			if t.OfType.Name() != "" {
				c.report(fmt.Sprintf(`Expected "%v!", found null.`, t.OfType.Name()))
			} else {
				c.report("Expected non-null value, found null.")
			}
			return false
		}
		of, _ := t.OfType.(graphql.Input)
		return c.check(of, v)
	case *graphql.List:
		of, _ := t.OfType.(graphql.Input)
		list, ok := v.(*ast.ListValue)
		if !ok {
			return c.check(of, v)
		}
		valid := true
		for _, item := range list.Values {
			c.levels = append(c.levels, literalLevel{first: len(c.messages)})
			valid = c.check(of, item) && valid
			c.levels = c.levels[:len(c.levels)-1]
			if c.full {
				return false
			}
		}
		return valid
	case *graphql.InputObject:
		obj, ok := v.(*ast.ObjectValue)
		if !ok {
			c.report(fmt.Sprintf(`Expected "%v", found not an object.`, t.Name()))
			return false
		}
		fields := t.Fields()
		valid := true
		given := map[string]*ast.ObjectField{}
		for _, f := range obj.Fields {
			given[f.Name.Value] = f
			if def, ok := fields[f.Name.Value]; !ok || def == nil {
				c.report(fmt.Sprintf(`In field "%v": Unknown field.`, f.Name.Value))
				valid = false
			}
		}
		// graphql-go takes the fields in map order, which varies; here
		// they come by name.
		names := make([]string, 0, len(fields))
		for name := range fields {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			var fv ast.Value
			if f := given[name]; f != nil {
				fv = f.Value
			}
			c.levels = append(c.levels, literalLevel{field: name})
			valid = c.check(fields[name].Type, fv) && valid
			c.levels = c.levels[:len(c.levels)-1]
			if c.full {
				return false
			}
		}
		return valid
	case *graphql.Scalar:
		if isNullish(t.ParseLiteral(v)) {
			c.report(fmt.Sprintf(`Expected type "%v", found %v.`, t.Name(), printValue(v)))
			return false
		}
	case *graphql.Enum:
		if isNullish(t.ParseLiteral(v)) {
			c.report(fmt.Sprintf(`Expected type "%v", found %v.`, t.Name(), printValue(v)))
			return false
		}
	}
	return true
}

// printValue is printer.Print(v) for a value, in time and memory linear in
// its size. graphql-go's printer rebuilds each node as a map, through
// JSON, on the way up: printing a list of a thousand numbers cost 7 MB,
// one nested sixty deep 640 MB and three seconds.
func printValue(v ast.Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v ast.Value) {
	switch v := v.(type) {
	case *ast.Variable:
		b.WriteByte('$')
		if v.Name != nil {
			b.WriteString(v.Name.Value)
		}
	case *ast.IntValue:
		b.WriteString(v.Value)
	case *ast.FloatValue:
		b.WriteString(v.Value)
	case *ast.EnumValue:
		b.WriteString(v.Value)
	case *ast.BooleanValue:
		b.WriteString(strconv.FormatBool(v.Value))
	case *ast.StringValue:
		b.WriteString(strconv.Quote(v.Value))
	case *ast.ListValue:
		b.WriteByte('[')
		for i, item := range v.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, item)
		}
		b.WriteByte(']')
	case *ast.ObjectValue:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			if f.Name != nil {
				b.WriteString(f.Name.Value)
			}
			b.WriteString(": ")
			writeValue(b, f.Value)
		}
		b.WriteByte('}')
	}
}

// isNullish is graphql-go's isNullish: nil, a nil pointer, or NaN.
func isNullish(v interface{}) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Ptr {
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

// reportValidationError reports msg at nodes as graphql-go's rules do.
func reportValidationError(ctx *graphql.ValidationContext, msg string, nodes ...ast.Node) {
	ctx.ReportError(gqlerrors.NewError(msg, nodes, "", nil, []int{}, nil))
}

// fieldsOnCorrectTypeRule is graphql.FieldsOnCorrectTypeRule.
func fieldsOnCorrectTypeRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Field: {Kind: func(p visitor.VisitFuncParams) (string, interface{}) {
				node, ok := p.Node.(*ast.Field)
				if !ok {
					return visitor.ActionNoChange, nil
				}
				parent := ctx.ParentType()
				switch t := parent.(type) {
				case nil:
					return visitor.ActionNoChange, nil
				case *graphql.Object:
					if t == nil {
						return visitor.ActionNoChange, nil
					}
				case *graphql.Interface:
					if t == nil {
						return visitor.ActionNoChange, nil
					}
				case *graphql.Union:
					if t == nil {
						return visitor.ActionNoChange, nil
					}
				}
				if ctx.FieldDef() != nil {
					return visitor.ActionNoChange, nil
				}
				name := ""
				if node.Name != nil {
					name = node.Name.Value
				}
				types := suggestedTypeNames(ctx.Schema(), parent, name)
				var fields []string
				if len(types) == 0 {
					fields = suggestedFieldNames(parent, name)
				}
				reportValidationError(ctx, graphql.UndefinedFieldMessage(name, parent.Name(), types, fields), node)
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// suggestedTypeNames is graphql-go's getSuggestedTypeNames: the possible
// types of an abstract type t, and the interfaces they implement, that
// define the field, interfaces first (most used first), then objects, by
// name. Its work does not depend on the length of field.
func suggestedTypeNames(schema *graphql.Schema, t graphql.Composite, field string) []string {
	type iface struct {
		name  string
		count int
	}
	var (
		objects    []string
		objectSeen = map[string]bool{}
		ifaces     []*iface
		ifaceIndex = map[string]int{}
	)
	for _, pt := range schema.PossibleTypes(t) {
		if f, ok := pt.Fields()[field]; !ok || f == nil {
			continue
		}
		objects = append(objects, pt.Name())
		objectSeen[pt.Name()] = true
		for _, it := range pt.Interfaces() {
			if f, ok := it.Fields()[field]; !ok || f == nil {
				continue
			}
			i, ok := ifaceIndex[it.Name()]
			if !ok {
				ifaces = append(ifaces, &iface{name: it.Name()})
				i = len(ifaces) - 1
				ifaceIndex[it.Name()] = i
			}
			ifaces[i].count++
		}
	}
	sort.Slice(ifaces, func(i, j int) bool {
		if ifaces[i].count == ifaces[j].count {
			return ifaces[i].name < ifaces[j].name
		}
		return ifaces[i].count > ifaces[j].count
	})
	sort.Strings(objects)
	var out []string
	for _, it := range ifaces {
		if !objectSeen[it.name] {
			out = append(out, it.name)
		}
	}
	return append(out, objects...)
}

// suggestedFieldNames is graphql-go's getSuggestedFieldNames.
func suggestedFieldNames(t graphql.Composite, field string) []string {
	var fields graphql.FieldDefinitionMap
	switch t := t.(type) {
	case *graphql.Object:
		fields = t.Fields()
	case *graphql.Interface:
		fields = t.Fields()
	default:
		return nil
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	return suggestionList(field, names)
}

// knownArgumentNamesRule is graphql.KnownArgumentNamesRule.
func knownArgumentNamesRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.Argument: {Kind: func(p visitor.VisitFuncParams) (string, interface{}) {
				node, ok := p.Node.(*ast.Argument)
				if !ok || len(p.Ancestors) == 0 || p.Ancestors[len(p.Ancestors)-1] == nil {
					return visitor.ActionNoChange, nil
				}
				name := ""
				if node.Name != nil {
					name = node.Name.Value
				}
				var args []*graphql.Argument
				switch p.Ancestors[len(p.Ancestors)-1].GetKind() {
				case kinds.Field:
					def := ctx.FieldDef()
					if def == nil {
						return visitor.ActionNoChange, nil
					}
					args = def.Args
					if names, known := argumentNames(args, name); !known {
						parent := ""
						if pt := ctx.ParentType(); pt != nil {
							parent = pt.Name()
						}
						reportValidationError(ctx, suggestMore(fmt.Sprintf(`Unknown argument "%v" on field "%v" of type "%v".`, name, def.Name, parent), suggestionList(name, names)), node)
					}
				case kinds.Directive:
					d := ctx.Directive()
					if d == nil {
						return visitor.ActionNoChange, nil
					}
					if names, known := argumentNames(d.Args, name); !known {
						reportValidationError(ctx, suggestMore(fmt.Sprintf(`Unknown argument "%v" on directive "@%v".`, name, d.Name), suggestionList(name, names)), node)
					}
				}
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// argumentNames reports whether args has one named name, and otherwise
// returns all their names.
func argumentNames(args []*graphql.Argument, name string) (names []string, known bool) {
	for _, a := range args {
		if a.Name() == name {
			return nil, true
		}
		names = append(names, a.Name())
	}
	return names, false
}

// knownTypeNamesRule is graphql.KnownTypeNamesRule.
func knownTypeNamesRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	skip := visitor.NamedVisitFuncs{Kind: func(visitor.VisitFuncParams) (string, interface{}) {
		return visitor.ActionSkip, nil
	}}
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.ObjectDefinition:      skip,
			kinds.InterfaceDefinition:   skip,
			kinds.UnionDefinition:       skip,
			kinds.InputObjectDefinition: skip,
			kinds.Named: {Kind: func(p visitor.VisitFuncParams) (string, interface{}) {
				node, ok := p.Node.(*ast.Named)
				if !ok {
					return visitor.ActionNoChange, nil
				}
				name := ""
				if node.Name != nil {
					name = node.Name.Value
				}
				schema := ctx.Schema()
				if schema.Type(name) != nil {
					return visitor.ActionNoChange, nil
				}
				names := make([]string, 0, len(schema.TypeMap()))
				for n := range schema.TypeMap() {
					names = append(names, n)
				}
				reportValidationError(ctx, suggestMore(fmt.Sprintf(`Unknown type "%v".`, name), suggestionList(name, names)), node)
				return visitor.ActionNoChange, nil
			}},
		},
	}}
}

// suggestMore appends graphql-go's " Did you mean ...?" to msg, when there
// are suggestions.
func suggestMore(msg string, suggestions []string) string {
	if len(suggestions) == 0 {
		return msg
	}
	return fmt.Sprintf(`%v Did you mean %v?`, msg, quotedOrList(suggestions))
}

// quotedOrList is graphql-go's: the first five of list quoted, joined
// with commas and a final "or".
func quotedOrList(list []string) string {
	list = list[:min(len(list), 5)]
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = fmt.Sprintf(`"%v"`, s)
	}
	switch len(quoted) {
	case 0:
		return ""
	case 1:
		return quoted[0]
	case 2:
		return quoted[0] + " or " + quoted[1]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + ", or " + quoted[len(quoted)-1]
}

// suggestionList is graphql-go's suggestionList: the options within an
// edit distance of max(len(input)/2, len(option)/2, 1) of input, nearest
// first (then by name), in bounded time (see validationRules).
func suggestionList(input string, options []string) []string {
	type candidate struct {
		name string
		dist int
	}
	var (
		found []candidate
		rows  []int
	)
	for _, opt := range options {
		threshold := max(len(input)/2, len(opt)/2, 1)
		if abs(len(input)-len(opt)) > threshold {
			continue // the distance is at least the difference of the lengths
		}
		var d int
		d, rows = editDistance(input, opt, rows)
		if d <= threshold {
			found = append(found, candidate{opt, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].name < found[j].name
	})
	out := make([]string, len(found))
	for i, c := range found {
		out[i] = c.name
	}
	return out
}

// editDistance is graphql-go's lexicalDistance (the Levenshtein distance
// between a and b, byte by byte: its transposition case never applies) in
// two rows of ints, taken from buf and returned for reuse.
func editDistance(a, b string, buf []int) (int, []int) {
	n := len(b) + 1
	if cap(buf) < 2*n {
		buf = make([]int, 2*n)
	}
	prev, cur := buf[:n], buf[n:2*n]
	for k := range prev {
		prev[k] = k
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for k := 1; k < n; k++ {
			cost := 1
			if a[i-1] == b[k-1] {
				cost = 0
			}
			cur[k] = min(prev[k]+1, cur[k-1]+1, prev[k-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[n-1], buf
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
