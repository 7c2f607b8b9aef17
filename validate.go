package customerauth

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on customer fields.
const (
	maxNameLength     = 255
	maxEmailLength    = 255
	maxPasswordLength = 256
)

// NormalizeEmail trims s and lowercases its domain, the form in which a
// customer's email is stored and shown. It does not validate.
func NormalizeEmail(s string) string {
	s = strings.TrimSpace(s)
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[:at+1] + strings.ToLower(s[at+1:])
	}
	return s
}

// EmailKey returns the form under which emails are unique (Customer.EmailKey):
// two addresses that differ only in case belong to one customer. Stores use
// it when a change sets a new email.
func EmailKey(email string) string {
	return strings.ToLower(email)
}

// validateEmail checks a normalized email. The field path is relative to the
// input object; callers prefix it.
func validateEmail(email string) *UserError {
	const field = "email"
	switch {
	case email == "":
		return userErr(CodeBlank, "Email can't be blank").at(field)
	case utf8.RuneCountInString(email) > maxEmailLength:
		return userErr(CodeTooLong, "Email is too long (maximum is %d characters)", maxEmailLength).at(field)
	}
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || !validLocalPart(email[:at]) {
		return userErr(CodeInvalid, "Email is invalid").at(field)
	}
	if !plausibleDomain(email[at+1:]) {
		return userErr(CodeBadDomain, "Email contains an invalid domain name").at(field)
	}
	return nil
}

// validLocalPart accepts the dot-atom form of RFC 5322 plus non-ASCII
// letters (RFC 6531); quoted local parts are refused because no mail
// provider in use hands them out and they make injection easier.
func validLocalPart(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(".!#$%&'*+/=?^_`{|}~-", r):
		case r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return true
}

// plausibleDomain reports whether s could be a domain that receives mail: at
// least two labels of letters, digits and inner hyphens, and a top-level
// label that is not numeric. It does not look the domain up.
func plausibleDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 {
		return false
	}
	for _, r := range tld {
		if r >= '0' && r <= '9' {
			return false
		}
	}
	return true
}

var htmlTagPattern = regexp.MustCompile(`<\s*/?\s*[a-zA-Z!?][^>]*>?`)

// validateName checks a first or last name. label is the name as a message
// shows it (term{"First name"}), field its input key.
//
// The rules serve the shop's own emails: a name is printed in the greeting
// of every message the shop sends, so a name that carries markup, a host a
// mail client turns into a link, or characters that reorder or hide text
// would let anyone send the shop's mail with their content in it.
func validateName(name string, label term, field string) *UserError {
	switch {
	case utf8.RuneCountInString(name) > maxNameLength:
		return userErr(CodeTooLong, "%s is too long (maximum is %d characters)", label, maxNameLength).at(field)
	case !utf8.ValidString(name):
		return userErr(CodeInvalid, "%s is not valid UTF-8", label).at(field)
	case strings.ContainsFunc(name, forbiddenInName):
		// First: what these characters hide is not what the other checks
		// would see.
		return userErr(CodeInvalid, "%s cannot contain control characters, line or paragraph separators, or text direction marks", label).at(field)
	case htmlTagPattern.MatchString(name):
		return userErr(CodeContainsHTMLTags, "%s cannot contain HTML tags", label).at(field)
	case hostLike(name):
		return userErr(CodeContainsURL, "%s cannot contain URL", label).at(field)
	}
	return nil
}

// forbiddenInName reports the characters no name needs: C0 and C1 controls
// (NUL, tab, line feed, DEL, NEL, …), the Unicode line and paragraph
// separators, and the bidirectional controls, with which "ed.live" can be
// shown as "evil.de" or the rest of an email's line turned around.
// Zero-width joiners stay allowed: Persian and Indic names need them.
func forbiddenInName(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u061C', // Arabic letter mark
		r == '\u200E', r == '\u200F', // left-to-right and right-to-left marks
		r >= '\u202A' && r <= '\u202E', // embeddings and overrides
		r >= '\u2066' && r <= '\u2069', // isolates
		r == '\u2028', r == '\u2029':   // line and paragraph separators
		return true
	}
	return false
}

var (
	// schemePattern is a URL scheme as RFC 3986 spells one, with its "//".
	schemePattern = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://`)
	// wwwPattern is "www." at the start of a word.
	wwwPattern = regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}\p{M}_-])www\.`)
	// punycodePattern is a label in IDNA's ASCII form (RFC 3492), which
	// only a host name has.
	punycodePattern = regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}\p{M}_-])xn--`)
	// ipv4Pattern is a dotted quad; whatever follows it (a port, a path) does
	// not matter.
	ipv4Pattern = regexp.MustCompile(`[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}`)
	// ipv6Candidate is a run of hex digits, colons and dots with at least
	// two colons, the material of an IPv6 literal with or without
	// brackets; netip decides whether it is one.
	ipv6Candidate = regexp.MustCompile(`[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*`)
)

// hostLike reports whether s holds something a reader or a mail client
// takes for a place to go: a URL scheme, "www.", a punycode label, an IPv4
// or IPv6 literal, or a registrable domain.
//
// A registrable domain is recognised by its shape, not by a list of
// top-level domains, which would go stale: a dot with a letter or digit
// right before it and a label of two or more letters right after it
// ("evil.de", "secure-login.fr", "x.com"). Initials keep passing because
// their labels are single letters ("J.R.R.", "A.B."), and a dot followed by
// a space is never a host ("St. John", "Dr. No"). The price: a dot glued to
// a word of two letters or more reads as a host, so "A.Co", "J.Lo" and
// "St.John" are refused and the customer writes "A. Co" or "St. John"; one
// letter before a short top-level domain is exactly how t.co and x.com are
// spelled.
func hostLike(s string) bool {
	s = foldHostText(s)
	if schemePattern.MatchString(s) || wwwPattern.MatchString(s) || punycodePattern.MatchString(s) || ipv4Pattern.MatchString(s) {
		return true
	}
	for _, c := range ipv6Candidate.FindAllString(s, -1) {
		// Without a decimal digit it is a word like "Dee::", not a place
		// to go: every routable address (2000::/3) and ::1 has one.
		c = strings.Trim(c, ".")
		if strings.ContainsAny(c, "0123456789") {
			if _, err := netip.ParseAddr(c); err == nil {
				return true
			}
		}
	}
	return hasDomainShape(s)
}

// hasDomainShape reports a dot between a letter or digit and a label of
// two or more letters (marks allowed) that ends the text or is followed by
// something that cannot continue a label.
func hasDomainShape(s string) bool {
	var prev rune
	for i, r := range s {
		if r == '.' && isLabelRune(prev) {
			letters, end := 0, len(s)
			for j, q := range s[i+1:] {
				if !unicode.IsLetter(q) && !unicode.IsMark(q) {
					end = i + 1 + j
					break
				}
				if unicode.IsLetter(q) {
					letters++
				}
			}
			if letters >= 2 {
				next, _ := utf8.DecodeRuneInString(s[end:])
				if end == len(s) || !(unicode.IsDigit(next) || next == '-' || next == '_') {
					return true
				}
			}
		}
		prev = r
	}
	return false
}

func isLabelRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// foldHostText maps what browsers and mail clients read as the ASCII of a
// host name to that ASCII, and drops invisible format characters, so that
// "ｅｖｉｌ．ｄｅ", "evil。de" and "evil.\u200bde" are judged as the evil.de
// they show. Only the check sees the folded text; the name is kept as
// typed.
func foldHostText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\uFF01' && r <= '\uFF5E': // fullwidth ASCII
			return r - 0xFEE0
		case r == '\u3002', r == '\uFF61', r == '\u2024', r == '\uFE52':
			// The ideographic full stops IDNA takes for label separators,
			// and the dots NFKC turns into ".".
			return '.'
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// NormalizePhone removes the spaces, dots, dashes and parentheses people
// type in phone numbers. The result is valid only if it is E.164.
func NormalizePhone(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')', '\t':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// validatePhone checks a normalized phone number.
func validatePhone(phone string) *UserError {
	if !e164Pattern.MatchString(phone) {
		return userErr(CodeInvalid, "Phone is invalid").at("phone")
	}
	return nil
}

// validatePassword applies the password policy. field is the input key of
// the password.
func (s *Service) validatePassword(pw, field string) *UserError {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return userErr(CodeBlank, "Password can't be blank").at(field)
	case !utf8.ValidString(pw):
		return userErr(CodeInvalid, "Password is invalid").at(field)
	case strings.TrimSpace(pw) != pw:
		return userErr(CodePasswordWhitespace, "Password cannot start or end with whitespace").at(field)
	case n < s.cfg.MinPasswordLength:
		return userErr(CodeTooShort, "Password is too short (minimum is %d characters)", s.cfg.MinPasswordLength).at(field)
	case n > maxPasswordLength:
		return userErr(CodeTooLong, "Password is too long (maximum is %d characters)", maxPasswordLength).at(field)
	case s.isCommonPassword(pw):
		return userErr(CodeInvalid, "Password is one of the most commonly used passwords. Choose one that is harder to guess.").at(field)
	}
	return nil
}

// textInput is one text argument of a Service method: its value, its name
// as messages show it, and its field path relative to the method's input.
type textInput struct {
	value string
	label term
	field []string
}

func text(value string, label term, field ...string) textInput {
	return textInput{value: value, label: label, field: field}
}

// optText is text for an optional argument; nil checks as "".
func optText(value *string, label term, field ...string) textInput {
	if value == nil {
		return textInput{label: label, field: field}
	}
	return text(*value, label, field...)
}

// refuseUnstorable is the first thing every Service method that takes text
// from outside runs: it refuses a NUL character or invalid UTF-8 in any of
// inputs with INVALID on that input's field, so that no Store is handed
// text it cannot keep. PostgreSQL rejects NUL in text columns and invalid
// UTF-8 in a UTF-8 database, which would surface as an internal error; the
// client, whose input it is, hears of it instead. It returns the errors
// joined, or nil.
func refuseUnstorable(inputs ...textInput) error {
	var errs []*UserError
	for _, in := range inputs {
		switch {
		case !utf8.ValidString(in.value):
			errs = append(errs, userErr(CodeInvalid, "%s is not valid UTF-8", in.label).at(in.field...))
		case strings.IndexByte(in.value, 0) >= 0:
			errs = append(errs, userErr(CodeInvalid, "%s cannot contain NUL characters", in.label).at(in.field...))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return joinUserErrors(errs)
}

// addressTexts lists the text fields of a, with field paths under prefix
// named as the GraphQL MailingAddress fields are.
func addressTexts(a Address, prefix ...string) []textInput {
	at := func(value string, label term, field string) textInput {
		return text(value, label, append(slices.Clone(prefix), field)...)
	}
	return []textInput{
		at(a.ID, term{"Address id"}, "id"),
		at(a.FirstName, term{"First name"}, "firstName"),
		at(a.LastName, term{"Last name"}, "lastName"),
		at(a.Company, term{"Company"}, "company"),
		at(a.Address1, term{"Address1"}, "address1"),
		at(a.Address2, term{"Address2"}, "address2"),
		at(a.City, term{"City"}, "city"),
		at(a.Province, term{"Province"}, "province"),
		at(a.ProvinceCode, term{"Province code"}, "provinceCode"),
		at(a.Country, term{"Country"}, "country"),
		at(a.CountryCode, term{"Country code"}, "countryCode"),
		at(a.Zip, term{"Zip"}, "zip"),
		at(a.Phone, term{"Phone"}, "phone"),
	}
}
