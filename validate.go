package customerauth

import (
	"fmt"
	"regexp"
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
		return userErr(CodeBlank, "Email can't be blank", field)
	case utf8.RuneCountInString(email) > maxEmailLength:
		return userErr(CodeTooLong, fmt.Sprintf("Email is too long (maximum is %d characters)", maxEmailLength), field)
	}
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || !validLocalPart(email[:at]) {
		return userErr(CodeInvalid, "Email is invalid", field)
	}
	if !plausibleDomain(email[at+1:]) {
		return userErr(CodeBadDomain, "Email contains an invalid domain name", field)
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

var (
	htmlTagPattern = regexp.MustCompile(`<\s*/?\s*[a-zA-Z!?][^>]*>?`)
	urlPattern     = regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|me|ly|ru|cn|xyz|top|app|dev|shop|site|online|link|click|club|live)\b)`)
)

// validateName checks a first or last name. label is the name as a message
// shows it ("First name"), field its input key.
func validateName(name, label, field string) *UserError {
	switch {
	case utf8.RuneCountInString(name) > maxNameLength:
		return userErr(CodeTooLong, fmt.Sprintf("%s is too long (maximum is %d characters)", label, maxNameLength), field)
	case htmlTagPattern.MatchString(name):
		return userErr(CodeContainsHTMLTags, label+" cannot contain HTML tags", field)
	case urlPattern.MatchString(name):
		return userErr(CodeContainsURL, label+" cannot contain URL", field)
	case !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl):
		return userErr(CodeInvalid, label+" is invalid", field)
	}
	return nil
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
		return userErr(CodeInvalid, "Phone is invalid", "phone")
	}
	return nil
}

// validatePassword applies the password policy. field is the input key of
// the password.
func (s *Service) validatePassword(pw, field string) *UserError {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return userErr(CodeBlank, "Password can't be blank", field)
	case !utf8.ValidString(pw):
		return userErr(CodeInvalid, "Password is invalid", field)
	case strings.TrimSpace(pw) != pw:
		return userErr(CodePasswordWhitespace, "Password cannot start or end with whitespace", field)
	case n < s.cfg.MinPasswordLength:
		return userErr(CodeTooShort, fmt.Sprintf("Password is too short (minimum is %d characters)", s.cfg.MinPasswordLength), field)
	case n > maxPasswordLength:
		return userErr(CodeTooLong, fmt.Sprintf("Password is too long (maximum is %d characters)", maxPasswordLength), field)
	case s.isCommonPassword(pw):
		return userErr(CodeInvalid, "Password is one of the most commonly used passwords. Choose one that is harder to guess.", field)
	}
	return nil
}
