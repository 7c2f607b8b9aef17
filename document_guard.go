package customerauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
	"github.com/graphql-go/graphql/language/visitor"
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

// sourceName is the name prepare gives a document's source; graphql-go's
// syntax errors begin "Syntax Error <name> (line:column)".
const sourceName = "GraphQL request"

// scanDocument checks the text of a document before graphql-go parses it.
// It returns its measures (docMeasures: the deepest bracket nesting, the
// number of tokens as graphql-go's lexer reads them, the first name longer
// than l.MaxNameLength), stopping as soon as one exceeds its limit in l
// (the caller refuses the document for it: docMeasures.exceeded); or, for
// a document graphql-go could not parse, the syntax error graphql-go would
// report, with code GRAPHQL_PARSE_FAILED. It never recurses past
// l.MaxNesting and its work is linear in the length of q.
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
func scanDocument(q string, l RequestLimits) (m docMeasures, gerr *guardError) {
	sc := docScanner{body: q}
	return sc.scan(l)
}

// docMeasures are the measures of a document's text that scanDocument
// takes.
type docMeasures struct {
	nesting, tokens int
	// longName is the first name longer than the limit, and longNameAt its
	// position as graphql-go counts it; "" when there is none.
	longName   string
	longNameAt int
}

// exceeded returns the refusal for the first limit of l that m exceeds,
// or nil. body is the document m measures.
func (m docMeasures) exceeded(body string, l RequestLimits) *guardError {
	switch {
	case m.nesting > l.MaxNesting:
		return refuseDoc("MAX_DEPTH_EXCEEDED", "Document nests deeper than %d levels.", l.MaxNesting)
	case m.tokens > l.MaxTokens:
		return refuseDoc("MAX_TOKENS_EXCEEDED", "Document has more than %d tokens.", l.MaxTokens)
	case m.longName != "":
		gerr := refuseDoc("MAX_NAME_LENGTH_EXCEEDED", "The name %q is longer than %d characters.", shortened(m.longName, 40), l.MaxNameLength)
		gerr.locations = []location.SourceLocation{locate(body, m.longNameAt)}
		return gerr
	}
	return nil
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

func (sc *docScanner) scan(l RequestLimits) (m docMeasures, gerr *guardError) {
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
		m.tokens++
		switch t.kind {
		case lexer.BRACE_L, lexer.PAREN_L, lexer.BRACKET_L:
			depth++
			m.nesting = max(m.nesting, depth)
		case lexer.BRACE_R, lexer.PAREN_R, lexer.BRACKET_R:
			depth--
		case lexer.NAME:
			if len(t.text) > l.MaxNameLength {
				m.longName, m.longNameAt = t.text, t.start
			}
		}
		if m.nesting > l.MaxNesting || m.tokens > l.MaxTokens || m.longName != "" {
			return m, nil
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
			return m, sc.syntaxError(lexErr.pos, lexErr.desc)
		}
		return m, nil
	}
	var perr *gqlerrors.Error
	if !errors.As(err, &perr) || len(perr.Positions) != 1 || perr.Positions[0] > len(compact) {
		return m, &guardError{code: "GRAPHQL_PARSE_FAILED", msg: strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	// Token k of q is line k of the copy; k == tokens is the end of the
	// document or the lexical error.
	k := bytes.Count(compact[:perr.Positions[0]], []byte{'\n'})
	desc := syntaxDescription(perr.Message)
	if k == m.tokens && lexErr != nil {
		return m, sc.syntaxError(lexErr.pos, lexErr.desc)
	}
	t := sc.nth(k)
	// The description names the token it found: name the one in q.
	if shown, orig := lexer.GetTokenDesc(lexer.Token{Kind: t.kind, Value: compactValue(t)}), lexer.GetTokenDesc(lexer.Token{Kind: t.kind, Value: sc.value(t)}); shown != orig && strings.HasSuffix(desc, shown) {
		desc = desc[:len(desc)-len(shown)] + orig
	}
	return m, sc.syntaxError(t.start, desc)
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
	return shortened(v, maxShownValue)
}

// shortened returns v cut to n bytes, at a character boundary, with "..."
// when it was longer.
func shortened(v string, n int) string {
	if len(v) <= n {
		return v
	}
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return v[:n] + "..."
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

// locateErrors sets the locations of the errors graphql-go located in a
// tree parsed without its source (ParseOptions.NoSource, which gives each
// line 1 and the position as column) to those graphql-go would compute
// with the source: locate's, at every position, for all the errors in one
// pass over query. It returns errs, changed in place (a FormattedError's
// original error cannot be set from outside graphql-go, so the errors
// are kept, and their Locations slices written).
func locateErrors(query string, errs []gqlerrors.FormattedError) []gqlerrors.FormattedError {
	type at struct{ pos, err, loc int }
	var ats []at
	for i, fe := range errs {
		ge, ok := fe.OriginalError().(*gqlerrors.Error)
		if !ok || ge.Source != nil || len(ge.Positions) != len(fe.Locations) {
			continue
		}
		for j, pos := range ge.Positions {
			ats = append(ats, at{pos, i, j})
		}
	}
	if len(ats) == 0 {
		return errs
	}
	sort.Slice(ats, func(i, j int) bool { return ats[i].pos < ats[j].pos })
	// As locate, from one position to the next: line counts the line
	// terminators that begin before the position, lineStart is where the
	// last of them ends, next is where the search for the next one starts.
	line, lineStart, next := 1, 0, 0
	for _, a := range ats {
		for next < len(query) && next < a.pos {
			j := strings.IndexAny(query[next:], "\r\n")
			if j < 0 {
				next = len(query)
				break
			}
			if next+j >= a.pos {
				next += j
				break
			}
			next += j
			n := 1
			if query[next] == '\r' && next+1 < len(query) && query[next+1] == '\n' {
				n = 2
			}
			line++
			next += n
			lineStart = next
		}
		errs[a.err].Locations[a.loc] = location.SourceLocation{Line: line, Column: a.pos + 1 - lineStart}
	}
	return errs
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

// stripLocations takes the locations out of n and the nodes below it,
// saving them in saved. It knows the nodes of executable definitions; type
// system definitions keep theirs (graphql-go's rules report nothing
// there, and selectOperation refuses documents that hold one).
func stripLocations(n any, saved *[]savedLoc) {
	take := func(at **ast.Location) {
		if *at != nil {
			*saved = append(*saved, savedLoc{at, *at})
			*at = nil
		}
	}
	name := func(n *ast.Name) {
		if n != nil {
			take(&n.Loc)
		}
	}
	directives := func(ds []*ast.Directive) {
		for _, d := range ds {
			stripLocations(d, saved)
		}
	}
	switch n := n.(type) {
	case *ast.Document:
		if n == nil {
			return
		}
		take(&n.Loc)
		for _, d := range n.Definitions {
			stripLocations(d, saved)
		}
	case *ast.OperationDefinition:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		for _, vd := range n.VariableDefinitions {
			stripLocations(vd, saved)
		}
		directives(n.Directives)
		stripLocations(n.SelectionSet, saved)
	case *ast.FragmentDefinition:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		for _, vd := range n.VariableDefinitions {
			stripLocations(vd, saved)
		}
		stripLocations(n.TypeCondition, saved)
		directives(n.Directives)
		stripLocations(n.SelectionSet, saved)
	case *ast.VariableDefinition:
		if n == nil {
			return
		}
		take(&n.Loc)
		stripLocations(n.Variable, saved)
		stripLocations(n.Type, saved)
		stripLocations(n.DefaultValue, saved)
	case *ast.SelectionSet:
		if n == nil {
			return
		}
		take(&n.Loc)
		for _, sel := range n.Selections {
			stripLocations(sel, saved)
		}
	case *ast.Field:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Alias)
		name(n.Name)
		for _, a := range n.Arguments {
			stripLocations(a, saved)
		}
		directives(n.Directives)
		stripLocations(n.SelectionSet, saved)
	case *ast.FragmentSpread:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		directives(n.Directives)
	case *ast.InlineFragment:
		if n == nil {
			return
		}
		take(&n.Loc)
		stripLocations(n.TypeCondition, saved)
		directives(n.Directives)
		stripLocations(n.SelectionSet, saved)
	case *ast.Directive:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		for _, a := range n.Arguments {
			stripLocations(a, saved)
		}
	case *ast.Argument:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		stripLocations(n.Value, saved)
	case *ast.Named:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
	case *ast.List:
		if n == nil {
			return
		}
		take(&n.Loc)
		stripLocations(n.Type, saved)
	case *ast.NonNull:
		if n == nil {
			return
		}
		take(&n.Loc)
		stripLocations(n.Type, saved)
	case *ast.Variable:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
	case *ast.IntValue:
		if n != nil {
			take(&n.Loc)
		}
	case *ast.FloatValue:
		if n != nil {
			take(&n.Loc)
		}
	case *ast.StringValue:
		if n != nil {
			take(&n.Loc)
		}
	case *ast.BooleanValue:
		if n != nil {
			take(&n.Loc)
		}
	case *ast.EnumValue:
		if n != nil {
			take(&n.Loc)
		}
	case *ast.ListValue:
		if n == nil {
			return
		}
		take(&n.Loc)
		for _, v := range n.Values {
			stripLocations(v, saved)
		}
	case *ast.ObjectValue:
		if n == nil {
			return
		}
		take(&n.Loc)
		for _, f := range n.Fields {
			stripLocations(f, saved)
		}
	case *ast.ObjectField:
		if n == nil {
			return
		}
		take(&n.Loc)
		name(n.Name)
		stripLocations(n.Value, saved)
	}
}

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
