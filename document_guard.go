package customerauth

import (
	"context"
	"errors"
	"fmt"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/location"
)

// RequestLimits bounds what one request may ask of Handler. graphql-go
// parses, validates and executes documents recursively and expands
// fragments without bounds, so a small hostile document can exhaust memory
// or, with a fragment cycle, overflow the stack and kill the whole process.
// Handler checks these limits before graphql-go validates or executes
// anything. Zero fields take the defaults given.
type RequestLimits struct {
	// MaxBodyBytes bounds the request body. Zero means 1 MiB.
	MaxBodyBytes int64
	// MaxTokens bounds the lexical tokens of a document. Zero means 5000;
	// storefront documents have a few hundred.
	MaxTokens int
	// MaxNesting bounds how deeply brackets nest in the document text,
	// checked before parsing. Zero means 64.
	MaxNesting int
	// MaxDepth bounds the depth of field selections after fragment
	// expansion. Zero means 20, enough for the full introspection query.
	MaxDepth int
	// MaxFields bounds the field selections of a document after fragment
	// expansion, counting every use of a fragment (and a spread of an
	// unknown fragment as a field). Each operation and each fragment no
	// operation uses is held to it. Zero means 1000.
	MaxFields int
	// MaxAliases bounds aliased fields after fragment expansion. Zero
	// means 50.
	MaxAliases int
	// MaxFieldsPerResponseName bounds the fields one selection set selects
	// under the same response name (a field and the aliases equal to its
	// name), counted as execution merges them: with fragments expanded
	// and the selections of fields that share a response name merged.
	// Zero means 20; storefront documents repeat a field two or three
	// times, through fragments. graphql-go's validation compares every
	// two such fields, and reports every two that differ: 250 copies of
	// one field with different arguments took eight seconds. Besides, a
	// document may hold at most 100 pairs of such fields that differ (in
	// field or arguments) and 10,000 pairs of fragments spread into the
	// same selection sets, fixed bounds (see merger).
	MaxFieldsPerResponseName int
	// MaxNameLength bounds, in bytes, every name in a document: fields,
	// aliases, arguments, types, variables, fragments, operations and
	// directives. Zero means 255. The longest name in the part of
	// Shopify's Storefront schema served here has 48 characters
	// (testdata/storefront-customer.structure.json); graphql-go's
	// validation repeats or compares names in ways that cost more the
	// longer they are.
	MaxNameLength int
	// MaxCredentialFields bounds the mutations that check a credential or
	// send an email (log in, register, recover, reset, activate, Multipass)
	// in one document, so that aliases cannot multiply the attempts one
	// request makes. Zero means 3.
	MaxCredentialFields int
	// DisableIntrospection refuses documents that select __schema or
	// __type. __typename stays allowed; clients rely on it.
	DisableIntrospection bool
}

func (l RequestLimits) withDefaults() RequestLimits {
	setDefault(&l.MaxBodyBytes, 1<<20)
	setDefault(&l.MaxTokens, 5000)
	setDefault(&l.MaxNesting, 64)
	setDefault(&l.MaxDepth, 20)
	setDefault(&l.MaxFields, 1000)
	setDefault(&l.MaxAliases, 50)
	setDefault(&l.MaxFieldsPerResponseName, 20)
	setDefault(&l.MaxNameLength, 255)
	setDefault(&l.MaxCredentialFields, 3)
	return l
}

// guardError is a document refused by a guard. Its message is shown to the
// client; code goes into extensions and locations, when the refusal has
// one, into locations.
type guardError struct {
	code, msg string
	locations []location.SourceLocation
}

func (e *guardError) Error() string { return e.msg }

// formatted is the error as the client sees it.
func (e *guardError) formatted() gqlerrors.FormattedError {
	locs := e.locations
	if locs == nil {
		locs = []location.SourceLocation{}
	}
	return gqlerrors.FormattedError{Message: e.msg, Locations: locs, Extensions: map[string]interface{}{"code": e.code}}
}

func refuseDoc(code, format string, args ...any) *guardError {
	return &guardError{code: code, msg: fmt.Sprintf(format, args...)}
}

// requestGone returns the answer for a request whose context is done (the
// client went away, or a deadline passed), or nil while it is live. Called
// between the phases of preparing a document (after the scan, after
// parsing, after validation), it stops the work for a client that has gone
// at the next phase; nobody reads the answer, it only has to be well
// formed.
func requestGone(ctx context.Context) []gqlerrors.FormattedError {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return []gqlerrors.FormattedError{(&guardError{code: "TIMEOUT", msg: "The request took too long."}).formatted()}
	default:
		return []gqlerrors.FormattedError{(&guardError{code: "CLIENT_CLOSED_REQUEST", msg: "The request was cancelled."}).formatted()}
	}
}

// credentialFields are the mutations that check a credential, cost a
// password hash or send an email.
var credentialFields = map[string]bool{
	"customerAccessTokenCreate": true, "customerAccessTokenCreateWithMultipass": true,
	"customerCreate": true, "customerRecover": true, "customerReset": true, "customerResetByUrl": true,
	"customerActivate": true, "customerActivateByUrl": true, "customerUpdate": true,
}

// selectionStats are the measures of a selection set after fragment
// expansion. Counts saturate, so a fragment bomb cannot overflow them.
type selectionStats struct {
	depth, fields, aliases int
	// credentials counts root fields that check a credential or send an
	// email; only meaningful for a root selection set.
	credentials   int
	introspection bool
}

func (s *selectionStats) add(o selectionStats, times int) {
	s.depth = max(s.depth, o.depth)
	s.fields = satAdd(s.fields, satMul(o.fields, times))
	s.aliases = satAdd(s.aliases, satMul(o.aliases, times))
	s.credentials = satAdd(s.credentials, satMul(o.credentials, times))
	s.introspection = s.introspection || o.introspection
}

const saturated = 1 << 40

func satAdd(a, b int) int { return min(a+b, saturated) }
func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturated/b {
		return saturated
	}
	return a * b
}

// checkDocument applies the limits to a parsed document before graphql-go
// validates it. It refuses fragment cycles and duplicate fragment names
// first, because graphql-go's validator recurses through fragments without
// guarding against cycles; then it measures every operation with each
// fragment's stats computed once, so the work stays linear in the document
// even when fragments multiply; then it merges the selection sets
// (merger). merges reports whether some merged selection set has fields
// that share a response name, which validate needs to know.
func checkDocument(doc *ast.Document, l RequestLimits) (merges bool, gerr *guardError) {
	frags := map[string]*ast.FragmentDefinition{}
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			if d.Name == nil {
				continue
			}
			if _, dup := frags[d.Name.Value]; dup {
				return false, refuseDoc("BAD_REQUEST", "There can be only one fragment named %q.", d.Name.Value)
			}
			frags[d.Name.Value] = d
		case *ast.OperationDefinition:
			ops = append(ops, d)
		}
	}

	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	memo := map[string]selectionStats{}
	var cycle string
	var measure func(set *ast.SelectionSet) selectionStats
	measure = func(set *ast.SelectionSet) selectionStats {
		var st selectionStats
		if set == nil || cycle != "" {
			return st
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				child := measure(sel.SelectionSet)
				f := selectionStats{depth: child.depth + 1, fields: satAdd(child.fields, 1), aliases: child.aliases, introspection: child.introspection}
				child.credentials = 0
				if sel.Alias != nil && sel.Alias.Value != "" {
					f.aliases = satAdd(f.aliases, 1)
				}
				if sel.Name != nil && (sel.Name.Value == "__schema" || sel.Name.Value == "__type") {
					f.introspection = true
				}
				// Counted wherever the name appears; only mutation roots
				// have these fields, so that is where they count.
				if sel.Name != nil && credentialFields[sel.Name.Value] {
					f.credentials = 1
				}
				st.add(f, 1)
			case *ast.InlineFragment:
				st.add(measure(sel.SelectionSet), 1)
			case *ast.FragmentSpread:
				if sel.Name == nil {
					continue
				}
				name := sel.Name.Value
				def, ok := frags[name]
				if !ok {
					// Unknown: the validator reports it. It counts as a
					// field: graphql-go's validation follows every path
					// through the fragments to it (OverlappingFields-
					// CanBeMergedRule does not remember the fragments it
					// has compared with a set of fields), so fragments
					// that each spread the next two, ending in an unknown
					// spread, cost twice as much per level: 18 levels took
					// a fifth of a second, 30 would take minutes, from
					// three kilobytes. Counted, they exceed MaxFields as
					// any other fragment bomb does.
					st.add(selectionStats{fields: 1}, 1)
					continue
				}
				switch state[name] {
				case visiting:
					cycle = name
					return st
				case unvisited:
					state[name] = visiting
					memo[name] = measure(def.SelectionSet)
					state[name] = done
				}
				st.add(memo[name], 1)
			}
		}
		return st
	}

	var total selectionStats
	for _, op := range ops {
		total.add(measure(op.SelectionSet), 1)
	}
	// Fragments no operation uses are validated too; they must not cycle,
	// and they are held to the operations' size, since graphql-go's
	// validation walks them as it walks operations.
	var unused []*ast.FragmentDefinition
	var unusedStats selectionStats
	for name, def := range frags {
		if state[name] == unvisited {
			state[name] = visiting
			memo[name] = measure(def.SelectionSet)
			state[name] = done
			unused = append(unused, def)
		}
	}
	for _, def := range unused {
		st := memo[def.Name.Value]
		unusedStats.depth = max(unusedStats.depth, st.depth)
		unusedStats.fields = max(unusedStats.fields, st.fields)
	}
	switch {
	case cycle != "":
		return false, refuseDoc("BAD_REQUEST", "Cannot spread fragment %q within itself.", cycle)
	case total.depth > l.MaxDepth:
		return false, refuseDoc("MAX_DEPTH_EXCEEDED", "Query has depth of %d, which exceeds max depth of %d.", total.depth, l.MaxDepth)
	case total.fields > l.MaxFields:
		return false, refuseDoc("MAX_COMPLEXITY_EXCEEDED", "Query selects %s fields, which exceeds the maximum of %d.", countText(total.fields), l.MaxFields)
	case unusedStats.depth > l.MaxDepth:
		return false, refuseDoc("MAX_DEPTH_EXCEEDED", "A fragment has depth of %d, which exceeds max depth of %d.", unusedStats.depth, l.MaxDepth)
	case unusedStats.fields > l.MaxFields:
		return false, refuseDoc("MAX_COMPLEXITY_EXCEEDED", "A fragment selects %s fields, which exceeds the maximum of %d.", countText(unusedStats.fields), l.MaxFields)
	case total.credentials > l.MaxCredentialFields:
		return false, refuseDoc("THROTTLED", "A request may hold at most %d login, registration, recovery, reset or activation fields.", l.MaxCredentialFields)
	case total.aliases > l.MaxAliases:
		return false, refuseDoc("MAX_ALIASES_EXCEEDED", "Query has %s aliases, which exceeds the maximum of %d.", countText(total.aliases), l.MaxAliases)
	case l.DisableIntrospection && total.introspection:
		return false, refuseDoc("INTROSPECTION_DISABLED", "Introspection is disabled.")
	}
	// Only now, with every operation and fragment bounded in size after
	// expansion, are the selection sets merged (merger): the work is at
	// most MaxFields per operation and per unused fragment.
	m := merger{frags: frags, l: l}
	for _, op := range ops {
		if gerr := m.check([]*ast.SelectionSet{op.SelectionSet}); gerr != nil {
			return false, gerr
		}
	}
	for _, def := range unused {
		if gerr := m.check([]*ast.SelectionSet{def.SelectionSet}); gerr != nil {
			return false, gerr
		}
	}
	return m.merges, nil
}

// merger checks selection sets merged as execution merges them:
// inline fragments and fragment spreads expanded (a fragment once per
// merged set, as graphql-go's collectFields and its validation take it),
// and the selections of the fields that share a response name merged into
// one, checked in turn.
//
// graphql-go's OverlappingFieldsCanBeMergedRule compares every two fields
// of such a merged set that share a response name, and reports every two
// that select different fields or arguments, each report locating every
// field concerned: 250 copies of one field with different arguments took
// seconds, from a few kilobytes, and 41 names selected 20 times each with
// different arguments, within the limits below, still made 7,800 errors
// and a tenth of a second. So a merged set may select at most
// l.MaxFieldsPerResponseName fields under one response name, and a
// document may hold at most maxDifferingPairs pairs of fields that share
// a response name and differ (as graphql-go's rule tells them apart: field
// name, or argument printed), counted in every merged set, and at most
// maxFragmentPairs pairs of fragments merged together. graphql-go's
// comparisons then number at most the bound times the fields after
// expansion plus the fragment pairs, and its reports about a hundred.
type merger struct {
	frags map[string]*ast.FragmentDefinition
	l     RequestLimits
	// differing counts the pairs that differ, so far, fragmentPairs the
	// pairs of fragments expanded into the same merged set.
	differing, fragmentPairs int
	// sigs memoizes signature.
	sigs map[*ast.Field]string
	// merges: some merged set has fields that share a response name.
	merges bool
}

// maxDifferingPairs bounds the pairs of fields that share a response name
// in a merged selection set and differ, in one document: graphql-go
// reports each as an error. A document that means what it says has none.
const maxDifferingPairs = 100

// maxFragmentPairs bounds the pairs of fragments expanded into the same
// merged selection set, summed over the document's merged sets.
// graphql-go's rule compares every two fragments spread together, field
// by field (540 fragments spread into one set cost a fifth of a second);
// the bound lets one set take 141 fragments, far more than documents
// written by hand or generated per component have.
const maxFragmentPairs = 10000

// check refuses the selection made of sets when it breaks a bound.
func (m *merger) check(sets []*ast.SelectionSet) *guardError {
	var order []string
	groups := map[string][]*ast.Field{}
	spread := map[string]bool{}
	var collect func(set *ast.SelectionSet)
	collect = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				key := ""
				switch {
				case sel.Alias != nil && sel.Alias.Value != "":
					key = sel.Alias.Value
				case sel.Name != nil:
					key = sel.Name.Value
				}
				if _, ok := groups[key]; !ok {
					order = append(order, key)
				}
				groups[key] = append(groups[key], sel)
			case *ast.InlineFragment:
				collect(sel.SelectionSet)
			case *ast.FragmentSpread:
				if sel.Name == nil || spread[sel.Name.Value] {
					continue
				}
				spread[sel.Name.Value] = true
				if def, ok := m.frags[sel.Name.Value]; ok {
					collect(def.SelectionSet)
				}
			}
		}
	}
	for _, set := range sets {
		collect(set)
	}
	m.fragmentPairs += len(spread) * (len(spread) - 1) / 2
	if m.fragmentPairs > maxFragmentPairs {
		return refuseDoc("MAX_COMPLEXITY_EXCEEDED", "The document spreads more than %d pairs of fragments into the same selection sets.", maxFragmentPairs)
	}
	for _, key := range order {
		fields := groups[key]
		if len(fields) > m.l.MaxFieldsPerResponseName {
			return refuseDoc("MAX_COMPLEXITY_EXCEEDED", "A selection set selects %d fields named %q, which exceeds the maximum of %d for one response name.", len(fields), shortened(key, 40), m.l.MaxFieldsPerResponseName)
		}
		if len(fields) > 1 {
			m.merges = true
			// Pairs that differ: all pairs less those of equal fields.
			same := map[string]int{}
			for _, f := range fields {
				same[m.signature(f)]++
			}
			m.differing += len(fields) * (len(fields) - 1) / 2
			for _, n := range same {
				m.differing -= n * (n - 1) / 2
			}
			if m.differing > maxDifferingPairs {
				return refuseDoc("MAX_COMPLEXITY_EXCEEDED", "The document has more than %d pairs of fields that share a response name but select different fields or arguments.", maxDifferingPairs)
			}
		}
		var children []*ast.SelectionSet
		for _, f := range fields {
			if f.SelectionSet != nil {
				children = append(children, f.SelectionSet)
			}
		}
		if len(children) > 0 {
			if gerr := m.check(children); gerr != nil {
				return gerr
			}
		}
	}
	return nil
}

// signature is what graphql-go's overlap rule compares of two fields that
// share a response name: the field's name and its arguments
// (argumentsSignature).
func (m *merger) signature(f *ast.Field) string {
	if sig, ok := m.sigs[f]; ok {
		return sig
	}
	name := ""
	if f.Name != nil {
		name = f.Name.Value
	}
	sig := name + "(" + argumentsSignature(f.Arguments)
	if m.sigs == nil {
		m.sigs = map[*ast.Field]string{}
	}
	m.sigs[f] = sig
	return sig
}

func countText(n int) string {
	if n >= saturated {
		return "more than a trillion"
	}
	return fmt.Sprint(n)
}
