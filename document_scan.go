package customerauth

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

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
