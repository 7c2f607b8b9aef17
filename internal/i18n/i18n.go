// Package i18n decides which of the languages customerauth writes in
// serves a shopper. Requests name their language as Shopify does, with a
// LanguageCode of the Storefront API ("FR", "PT_BR", "ZH_CN"); customers
// keep that code; and whatever writes to them (the messages of
// customerUserErrors, the emails of smtpnotify) asks Match for the language
// to use, so that every part answers one shopper in one language.
//
// Matching is golang.org/x/text/language's, which knows which languages a
// reader of another one understands: every Portuguese (PT, PT_BR, PT_PT)
// reads PT, Luxembourgish readers get German, Afrikaans readers Dutch.
// Anything else, an unknown code or none, reads English.
package i18n

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// supported lists the languages written, English first: it is the
// fallback, and what a matcher built from this list answers when nothing
// matches.
func supported() []language.Tag {
	return []language.Tag{
		language.English,
		language.French,
		language.German,
		language.Spanish,
		language.Italian,
		language.Dutch,
		language.Portuguese,
		language.Japanese,
	}
}

// Supported returns the languages customerauth writes in, English (the
// fallback) first. Match returns one of them, and the tags compare equal
// with ==.
func Supported() []language.Tag { return supported() }

// matcher is built on first use (it costs tens of microseconds and
// hundreds of allocations) and only read afterwards, which x/text's
// matcher allows from any number of goroutines.
var matcher = sync.OnceValue(func() language.Matcher { return language.NewMatcher(supported()) })

// Match returns the supported language that serves a reader of code: a
// Shopify LanguageCode such as "FR" or "PT_BR" (or a BCP 47 tag such as
// "pt-BR", in any letter case). The result is one of Supported's tags
// exactly, without region or extensions; it is English for "", for a code
// that is not a language, and for a language no supported one is close to.
func Match(code string) language.Tag {
	// The common cases need no matcher: a supported code as is.
	switch code {
	case "", "EN":
		return language.English
	case "FR":
		return language.French
	case "DE":
		return language.German
	case "ES":
		return language.Spanish
	case "IT":
		return language.Italian
	case "NL":
		return language.Dutch
	case "PT", "PT_BR", "PT_PT":
		return language.Portuguese
	case "JA":
		return language.Japanese
	}
	tag, err := language.Parse(strings.ReplaceAll(code, "_", "-"))
	if err != nil {
		return language.English
	}
	// The index, not the tag Match returns: that one may carry the
	// reader's region as an extension ("pt-u-rg-brzzzz").
	_, i, conf := matcher().Match(tag)
	if conf == language.No {
		return language.English
	}
	return supported()[i]
}
