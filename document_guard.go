package customerauth

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
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
	// expansion, counting every use of a fragment. Zero means 1000.
	MaxFields int
	// MaxAliases bounds aliased fields after fragment expansion. Zero
	// means 50.
	MaxAliases int
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
	setDefault(&l.MaxCredentialFields, 3)
	return l
}

// guardError is a document refused by a limit. Its message is shown to
// the client; code goes into extensions.
type guardError struct {
	code, msg string
}

func (e *guardError) Error() string { return e.msg }

func refuseDoc(code, format string, args ...any) *guardError {
	return &guardError{code: code, msg: fmt.Sprintf(format, args...)}
}

// scanDocument measures the text of a document before it is parsed: the
// deepest bracket nesting and the number of lexical tokens. Strings and
// comments are skipped; it never recurses, so any input is safe.
func scanDocument(q string) (nesting, tokens int) {
	depth := 0
	inWord := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		word := c == '_' || c == '-' || c == '.' && !strings.HasPrefix(q[i:], "...") ||
			c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if word {
			if !inWord {
				tokens++
			}
			inWord = true
			continue
		}
		inWord = false
		switch c {
		case ' ', '\t', '\n', '\r', ',', 0xef, 0xbb, 0xbf:
		case '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case '"':
			tokens++
			if strings.HasPrefix(q[i:], `"""`) {
				end := strings.Index(q[i+3:], `"""`)
				if end < 0 {
					return nesting, tokens
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case '{', '(', '[':
			tokens++
			depth++
			nesting = max(nesting, depth)
		case '}', ')', ']':
			tokens++
			depth--
		case '.':
			tokens++
			i += 2
		default:
			tokens++
		}
	}
	return nesting, tokens
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
// even when fragments multiply.
func checkDocument(doc *ast.Document, l RequestLimits) *guardError {
	frags := map[string]*ast.FragmentDefinition{}
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			if d.Name == nil {
				continue
			}
			if _, dup := frags[d.Name.Value]; dup {
				return refuseDoc("BAD_REQUEST", "There can be only one fragment named %q.", d.Name.Value)
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
					continue // unknown: the validator reports it
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
	// Fragments no operation uses are validated too; they must not cycle.
	for name, def := range frags {
		if state[name] == unvisited {
			state[name] = visiting
			memo[name] = measure(def.SelectionSet)
			state[name] = done
		}
	}
	switch {
	case cycle != "":
		return refuseDoc("BAD_REQUEST", "Cannot spread fragment %q within itself.", cycle)
	case total.depth > l.MaxDepth:
		return refuseDoc("MAX_DEPTH_EXCEEDED", "Query has depth of %d, which exceeds max depth of %d.", total.depth, l.MaxDepth)
	case total.fields > l.MaxFields:
		return refuseDoc("MAX_COMPLEXITY_EXCEEDED", "Query selects %s fields, which exceeds the maximum of %d.", countText(total.fields), l.MaxFields)
	case total.credentials > l.MaxCredentialFields:
		return refuseDoc("THROTTLED", "A request may hold at most %d login, registration, recovery, reset or activation fields.", l.MaxCredentialFields)
	case total.aliases > l.MaxAliases:
		return refuseDoc("MAX_ALIASES_EXCEEDED", "Query has %s aliases, which exceeds the maximum of %d.", countText(total.aliases), l.MaxAliases)
	case l.DisableIntrospection && total.introspection:
		return refuseDoc("INTROSPECTION_DISABLED", "Introspection is disabled.")
	}
	return nil
}

func countText(n int) string {
	if n >= saturated {
		return "more than a trillion"
	}
	return fmt.Sprint(n)
}
