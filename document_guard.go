package customerauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
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

// sourceName is the name prepare gives a document's source; graphql-go's
// syntax errors begin "Syntax Error <name> (line:column)".
const sourceName = "GraphQL request"

// scanDocument checks the text of a document before graphql-go parses it.
// It returns the deepest bracket nesting and the number of tokens as
// graphql-go's lexer reads them, stopping as soon as either exceeds its
// limit in l (the caller refuses the document for it); or, for a document
// graphql-go could not parse, the syntax error graphql-go would report,
// with code GRAPHQL_PARSE_FAILED. It never recurses past l.MaxNesting and
// its work is linear in the length of q.
//
// graphql-go v0.8.1 parses valid documents in linear time, but its syntax
// errors do not cost that: gqlerrors.NewSyntaxError pads a string one
// space per column of the error (quadratic in the length of the line: an
// unterminated string in 100 kB on one line costs about ten seconds),
// prints the neighbouring lines with a fmt.Sprintf per character and scans
// the whole body with regular expressions three times. So no document with
// a syntax error may reach it. The scan first lexes q exactly as
// graphql-go's lexer does (docScanner), refusing a lexical error itself,
// then runs graphql-go's own parser on a compact copy of the tokens: one
// token per line, every string, number and long name replaced by a short
// one of its kind, which the parser treats the same. A syntax error there
// costs little and is reported at its place in q, with graphql-go's
// message; a copy that parses means q parses.
func scanDocument(q string, l RequestLimits) (nesting, tokens int, gerr *guardError) {
	sc := docScanner{body: q}
	return sc.scan(l)
}

// docScanner reproduces graphql-go v0.8.1's lexer (language/lexer), token
// boundaries, errors and quirks included: a name's start and end are
// counted in runes from where reading began, not in bytes, so a name after
// multi-byte characters in a comment or a byte order mark ends early and
// its tail is read again as a token of its own (graphql-go issue 699).
// Every position below is the one graphql-go computes.
type docScanner struct {
	body string
	// steps counts the characters looked at, for the tests' linear bound.
	steps int
}

// scanToken is a token as graphql-go's lexer returns it.
type scanToken struct {
	kind       lexer.TokenKind
	start, end int
	// from is where graphql-go starts reading it: the previous token's end.
	from int
	// text is the source text of a name or a number.
	text string
}

// scanError is a lexical error at position pos, with graphql-go's
// description of it.
type scanError struct {
	pos  int
	desc string
}

func (sc *docScanner) scan(l RequestLimits) (nesting, tokens int, gerr *guardError) {
	var (
		compact []byte
		depth   int
		from    int
		lexErr  *scanError
	)
	for {
		t, err := sc.read(from)
		if err != nil {
			lexErr = err
			break
		}
		if t.kind == lexer.EOF {
			break
		}
		tokens++
		switch t.kind {
		case lexer.BRACE_L, lexer.PAREN_L, lexer.BRACKET_L:
			depth++
			nesting = max(nesting, depth)
		case lexer.BRACE_R, lexer.PAREN_R, lexer.BRACKET_R:
			depth--
		}
		if nesting > l.MaxNesting || tokens > l.MaxTokens {
			return nesting, tokens, nil
		}
		compact = append(append(compact, compactText(t)...), '\n')
		from = t.end
	}
	if lexErr != nil {
		// A control character stands for the lexical error: the parser
		// reports it when it reads that far, or an earlier error, as it
		// would in q.
		compact = append(compact, 1)
	}
	_, err := parser.Parse(parser.ParseParams{
		Source:  &source.Source{Body: compact, Name: sourceName},
		Options: parser.ParseOptions{NoLocation: true},
	})
	if err == nil {
		if lexErr != nil { // cannot happen: the parser reads every token
			return nesting, tokens, sc.syntaxError(lexErr.pos, lexErr.desc)
		}
		return nesting, tokens, nil
	}
	var perr *gqlerrors.Error
	if !errors.As(err, &perr) || len(perr.Positions) != 1 || perr.Positions[0] > len(compact) {
		return nesting, tokens, &guardError{code: "GRAPHQL_PARSE_FAILED", msg: strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	// Token k of q is line k of the copy; k == tokens is the end of the
	// document or the lexical error.
	k := bytes.Count(compact[:perr.Positions[0]], []byte{'\n'})
	desc := syntaxDescription(perr.Message)
	if k == tokens && lexErr != nil {
		return nesting, tokens, sc.syntaxError(lexErr.pos, lexErr.desc)
	}
	t := sc.nth(k)
	// The description names the token it found: name the one in q.
	if shown, orig := lexer.GetTokenDesc(lexer.Token{Kind: t.kind, Value: compactValue(t)}), lexer.GetTokenDesc(lexer.Token{Kind: t.kind, Value: sc.value(t)}); shown != orig && strings.HasSuffix(desc, shown) {
		desc = desc[:len(desc)-len(shown)] + orig
	}
	return nesting, tokens, sc.syntaxError(t.start, desc)
}

// syntaxErrorAt is a syntax error at byte position pos of document q, in
// graphql-go's words ("Syntax Error GraphQL request (line:column) desc")
// and with its location, for refusals found after parsing. Use it instead
// of gqlerrors.NewSyntaxError, whose cost is quadratic in the column of pos
// (see scanDocument). Its work is linear in pos.
func syntaxErrorAt(q string, pos int, desc string) *guardError {
	sc := docScanner{body: q}
	return sc.syntaxError(pos, desc)
}

// syntaxError is graphql-go's syntax error at pos, without the excerpt of
// the document it appends (which repeats the client's own text).
func (sc *docScanner) syntaxError(pos int, desc string) *guardError {
	loc := locate(sc.body, pos)
	return &guardError{
		code:      "GRAPHQL_PARSE_FAILED",
		msg:       fmt.Sprintf("Syntax Error %s (%d:%d) %s", sourceName, loc.Line, loc.Column, desc),
		locations: []location.SourceLocation{loc},
	}
}

// syntaxDescription returns the description in one of graphql-go's syntax
// error messages: "Syntax Error <name> (l:c) <description>\n\n<excerpt>".
func syntaxDescription(msg string) string {
	if _, rest, ok := strings.Cut(msg, ") "); ok {
		msg = rest
	}
	desc, _, _ := strings.Cut(msg, "\n\n")
	return desc
}

// compactText is the text standing for t in the compact copy: its own for
// punctuation and for names short enough to be keywords, a short one of
// its kind otherwise. The parser looks at no other value.
func compactText(t scanToken) string {
	switch t.kind {
	case lexer.NAME:
		if len(t.text) <= 12 { // "subscription", the longest keyword
			return t.text
		}
		return "_"
	case lexer.INT:
		return "0"
	case lexer.FLOAT:
		return "0.0"
	case lexer.STRING:
		return `""`
	case lexer.BLOCK_STRING:
		return `""""""`
	}
	return t.kind.String()
}

// compactValue is the value graphql-go gives the token compactText writes.
func compactValue(t scanToken) string {
	switch t.kind {
	case lexer.NAME, lexer.INT, lexer.FLOAT:
		return compactText(t)
	}
	return ""
}

// maxShownValue bounds the value of a token quoted in a syntax error.
const maxShownValue = 100

// value returns the value graphql-go gives t, shortened to maxShownValue
// bytes.
func (sc *docScanner) value(t scanToken) string {
	v := t.text
	if t.kind == lexer.STRING || t.kind == lexer.BLOCK_STRING {
		// The scan found no error in q, so graphql-go's lexer reads this
		// token as it would in q, escapes and indentation included.
		tok, err := lexer.Lex(&source.Source{Body: []byte(sc.body[t.from:])})(0)
		if err != nil {
			return ""
		}
		v = tok.Value
	}
	if len(v) > maxShownValue {
		cut := maxShownValue
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		v = v[:cut] + "..."
	}
	return v
}

// nth returns token k of the document, the end of the document for k
// past the last one. Only called for a document without lexical errors
// before token k.
func (sc *docScanner) nth(k int) scanToken {
	from := 0
	for i := 0; ; i++ {
		t, err := sc.read(from)
		if err != nil || t.kind == lexer.EOF || i == k {
			return t
		}
		from = t.end
	}
}

// locate is graphql-go's location.GetLocation without its regular
// expression: the line is one more than the line terminators ("\r\n", "\n"
// or "\r") that begin before pos, the column counts from the end of the
// last one.
func locate(body string, pos int) location.SourceLocation {
	line, col := 1, pos+1
	for i := 0; i < len(body) && i < pos; {
		j := strings.IndexAny(body[i:], "\r\n")
		if j < 0 || i+j >= pos {
			break
		}
		i += j
		n := 1
		if body[i] == '\r' && i+1 < len(body) && body[i+1] == '\n' {
			n = 2
		}
		line++
		col = pos + 1 - (i + n)
		i += n
	}
	return location.SourceLocation{Line: line, Column: col}
}

// runeAt is the lexer's runeAt: the rune at byte p and its width, -1 past
// the end.
func (sc *docScanner) runeAt(p int) (rune, int) {
	sc.steps++
	if p >= len(sc.body) {
		return -1, utf8.RuneError
	}
	if c := sc.body[p]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(sc.body[p:])
}

// skipIgnored is positionAfterWhitespace: the byte position after white
// space, line terminators, commas, byte order marks and comments from
// from, and the same position counted in runes from from.
func (sc *docScanner) skipIgnored(from int) (pos, runePos int) {
	pos, runePos = from, from
	for pos < len(sc.body) {
		code, n := sc.runeAt(pos)
		switch {
		case code == 0xFEFF || code == '\t' || code == ' ' || code == '\n' || code == '\r' || code == ',':
			pos += n
			runePos++
		case code == '#':
			pos += n
			runePos++
			for pos < len(sc.body) {
				code, n := sc.runeAt(pos)
				if code == 0 || code <= 0x1F && code != '\t' || code == '\n' || code == '\r' {
					break
				}
				pos += n
				runePos++
			}
		default:
			return pos, runePos
		}
	}
	return pos, runePos
}

// read is readToken: the token graphql-go reads from position from.
func (sc *docScanner) read(from int) (scanToken, *scanError) {
	pos, runePos := sc.skipIgnored(from)
	if pos >= len(sc.body) {
		return scanToken{kind: lexer.EOF, start: pos, end: pos, from: from}, nil
	}
	code, width := sc.runeAt(pos)
	if code < 0x20 && code != '\t' && code != '\n' && code != '\r' {
		return scanToken{}, &scanError{runePos, fmt.Sprintf(`Invalid character %v`, printCharCode(code))}
	}
	punct := func(kind lexer.TokenKind, n int) (scanToken, *scanError) {
		return scanToken{kind: kind, start: pos, end: pos + n, from: from}, nil
	}
	switch code {
	case '!':
		return punct(lexer.BANG, 1)
	case '$':
		return punct(lexer.DOLLAR, 1)
	case '&':
		return punct(lexer.AMP, 1)
	case '(':
		return punct(lexer.PAREN_L, 1)
	case ')':
		return punct(lexer.PAREN_R, 1)
	case '.':
		if x, _ := sc.runeAt(pos + 1); x == '.' {
			if y, _ := sc.runeAt(pos + 2); y == '.' {
				return punct(lexer.SPREAD, 3)
			}
		}
	case ':':
		return punct(lexer.COLON, 1)
	case '=':
		return punct(lexer.EQUALS, 1)
	case '@':
		return punct(lexer.AT, 1)
	case '[':
		return punct(lexer.BRACKET_L, 1)
	case ']':
		return punct(lexer.BRACKET_R, 1)
	case '{':
		return punct(lexer.BRACE_L, 1)
	case '|':
		return punct(lexer.PIPE, 1)
	case '}':
		return punct(lexer.BRACE_R, 1)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		t, err := sc.readNumber(pos, code, width)
		t.from = from
		return t, err
	case '"':
		x, _ := sc.runeAt(pos + 1)
		y, _ := sc.runeAt(pos + 2)
		var t scanToken
		var err *scanError
		if x == '"' && y == '"' {
			t, err = sc.readBlockString(pos)
		} else {
			t, err = sc.readString(pos)
		}
		t.from = from
		return t, err
	default:
		if code == '_' || code >= 'A' && code <= 'Z' || code >= 'a' && code <= 'z' {
			end := pos + 1
			for {
				c, _ := sc.runeAt(end)
				if end == len(sc.body) || !(c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
					break
				}
				end++
			}
			return scanToken{kind: lexer.NAME, start: runePos, end: runePos + end - pos, from: from, text: sc.body[pos:end]}, nil
		}
	}
	return scanToken{}, &scanError{runePos, fmt.Sprintf("Unexpected character %v.", printCharCode(code))}
}

// readNumber is the lexer's readNumber.
func (sc *docScanner) readNumber(start int, code rune, n int) (scanToken, *scanError) {
	pos := start
	float := false
	if code == '-' {
		pos += n
		code, n = sc.runeAt(pos)
	}
	if code == '0' {
		pos += n
		code, n = sc.runeAt(pos)
		if code >= '0' && code <= '9' {
			return scanToken{}, &scanError{pos, fmt.Sprintf("Invalid number, unexpected digit after 0: %v.", printCharCode(code))}
		}
	} else {
		var err *scanError
		if pos, err = sc.readDigits(pos, code, n); err != nil {
			return scanToken{}, err
		}
		code, n = sc.runeAt(pos)
	}
	if code == '.' {
		float = true
		pos += n
		code, n = sc.runeAt(pos)
		var err *scanError
		if pos, err = sc.readDigits(pos, code, n); err != nil {
			return scanToken{}, err
		}
		code, n = sc.runeAt(pos)
	}
	if code == 'E' || code == 'e' {
		float = true
		pos += n
		code, n = sc.runeAt(pos)
		if code == '+' || code == '-' {
			pos += n
			code, n = sc.runeAt(pos)
		}
		var err *scanError
		if pos, err = sc.readDigits(pos, code, n); err != nil {
			return scanToken{}, err
		}
	}
	kind := lexer.INT
	if float {
		kind = lexer.FLOAT
	}
	return scanToken{kind: kind, start: start, end: pos, text: sc.body[start:pos]}, nil
}

// readDigits is the lexer's readDigits.
func (sc *docScanner) readDigits(pos int, code rune, n int) (int, *scanError) {
	if code < '0' || code > '9' {
		return pos, &scanError{pos, fmt.Sprintf("Invalid number, expected digit but got: %v.", printCharCode(code))}
	}
	for code >= '0' && code <= '9' {
		pos += n
		code, n = sc.runeAt(pos)
	}
	return pos, nil
}

// readString is the lexer's readString, without building the value.
func (sc *docScanner) readString(start int) (scanToken, *scanError) {
	pos, runePos := start+1, start+1
	var code rune
	for {
		var n int
		code, n = sc.runeAt(pos)
		if pos >= len(sc.body) || code == '\n' || code == '\r' || code == '"' {
			break
		}
		if code < 0x20 && code != '\t' {
			return scanToken{}, &scanError{runePos, fmt.Sprintf(`Invalid character within String: %v.`, printCharCode(code))}
		}
		pos += n
		runePos++
		if code != '\\' {
			continue
		}
		code, n = sc.runeAt(pos)
		switch code {
		case '"', '/', '\\', 'b', 'f', 'n', 'r', 't':
		case 'u':
			if len(sc.body) <= pos+4 {
				return scanToken{}, &scanError{runePos, fmt.Sprintf("Invalid character escape sequence: "+"\\u%v", sc.body[pos+1:])}
			}
			for _, h := range []byte(sc.body[pos+1 : pos+5]) {
				sc.steps++
				if !(h >= '0' && h <= '9' || h >= 'A' && h <= 'F' || h >= 'a' && h <= 'f') {
					return scanToken{}, &scanError{runePos, fmt.Sprintf("Invalid character escape sequence: "+"\\u%v", sc.body[pos+1:pos+5])}
				}
			}
			pos += 4
			runePos += 4
		default:
			return scanToken{}, &scanError{runePos, fmt.Sprintf(`Invalid character escape sequence: \\%c.`, code)}
		}
		pos += n
		runePos++
	}
	if code != '"' {
		return scanToken{}, &scanError{runePos, "Unterminated string."}
	}
	return scanToken{kind: lexer.STRING, start: start, end: pos + 1}, nil
}

// readBlockString is the lexer's readBlockString, without building the
// value.
func (sc *docScanner) readBlockString(start int) (scanToken, *scanError) {
	pos, runePos := start+3, start+3
	for pos < len(sc.body) {
		code, n := sc.runeAt(pos)
		if code == '"' {
			x, _ := sc.runeAt(pos + 1)
			y, _ := sc.runeAt(pos + 2)
			if x == '"' && y == '"' {
				return scanToken{kind: lexer.BLOCK_STRING, start: start, end: pos + 3}, nil
			}
		}
		if code < 0x20 && code != '\t' && code != '\n' && code != '\r' {
			return scanToken{}, &scanError{runePos, fmt.Sprintf(`Invalid character within String: %v.`, printCharCode(code))}
		}
		if code == '\\' {
			x, _ := sc.runeAt(pos + 1)
			y, _ := sc.runeAt(pos + 2)
			z, _ := sc.runeAt(pos + 3)
			if x == '"' && y == '"' && z == '"' {
				pos += 4
				runePos += 4
				continue
			}
		}
		pos += n
		runePos++
	}
	return scanToken{}, &scanError{runePos, "Unterminated string."}
}

// printCharCode is the lexer's printCharCode.
func printCharCode(code rune) string {
	switch {
	case code < 0:
		return "<EOF>"
	case code >= 0x20 && code < 0x7F:
		return fmt.Sprintf(`"%c"`, code)
	}
	return fmt.Sprintf(`"\\u%04X"`, code)
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
