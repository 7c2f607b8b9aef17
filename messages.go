package customerauth

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/shopkit/customerauth/internal/i18n"
)

// The messages of UserErrors are written in English where they arise, as
// constant formats ("%s is too long (maximum is %d characters)") with
// their arguments; the English text is the key of the catalog
// (messages_catalog.go), which holds the same message in each language
// internal/i18n supports. Message is rendered in English when the error
// is made, for Go callers and logs; Localized renders it again in the
// shopper's language, which the GraphQL API does for every
// customerUserErrors and userErrors message. TestMessageCatalogComplete
// reads the source and fails for a format or term the catalog lacks.

// term is a word or phrase of the catalog that a message includes, such
// as the name of a field ("First name"): it is translated with the
// message, so "First name is too long" becomes "Le champ « Prénom » est
// trop long" and not half French. Only a literal, term{"First name"},
// makes one, so that the catalog test finds every term in the source.
type term struct{ en string }

// in returns t in lang, or in English when the catalog lacks it.
func (t term) in(lang language.Tag) string {
	if lang == language.English {
		return t.en
	}
	if tr, ok := translationOf(t.en); ok {
		if s := tr.in(lang); s != "" {
			return s
		}
	}
	return t.en
}

// userErr returns a UserError with the message format, an English text of
// the catalog, whose verbs args fill as fmt.Sprintf fills them; a term
// among args is translated with the message. format must be a constant:
// the catalog test finds it in the source. The field path is set with at.
func userErr(code CustomerErrorCode, format string, args ...any) *UserError {
	e := &UserError{Code: code, Message: format, format: format, args: args}
	if len(args) > 0 {
		e.Message = render(format, args, language.English)
	}
	return e
}

// at sets the field path of e (relative to the input; callers prefix it)
// and returns e.
func (e *UserError) at(field ...string) *UserError {
	e.Field = field
	return e
}

// render fills format, already in lang, with args, terms in lang too.
func render(format string, args []any, lang language.Tag) string {
	filled := make([]any, len(args))
	for i, a := range args {
		if t, ok := a.(term); ok {
			a = t.in(lang)
		}
		filled[i] = a
	}
	return fmt.Sprintf(format, filled...)
}

// Localized returns the message in the language lang names: a Shopify
// LanguageCode ("FR", "PT_BR") or a BCP 47 tag, matched by internal/i18n
// to English, French, German, Spanish, Italian, Dutch, Portuguese or
// Japanese; any other language, and "", get Message, the English text.
// Values the message quotes (an email address, a number, a country's
// name) are the same in every language.
func (e *UserError) Localized(lang string) string {
	if e.format == "" {
		return e.Message
	}
	tag := i18n.Match(lang)
	if tag == language.English {
		return e.Message
	}
	tr, ok := translationOf(e.format)
	if !ok {
		return e.Message
	}
	f := tr.in(tag)
	if f == "" {
		return e.Message
	}
	if len(e.args) == 0 {
		return f
	}
	return render(f, e.args, tag)
}

// translation is one entry of the catalog in every supported language but
// English, the entry's key.
type translation struct{ fr, de, es, it, nl, pt, ja string }

// in returns the text in lang, one of i18n.Supported, or "" for English
// and any other.
func (t *translation) in(lang language.Tag) string {
	switch lang {
	case language.French:
		return t.fr
	case language.German:
		return t.de
	case language.Spanish:
		return t.es
	case language.Italian:
		return t.it
	case language.Dutch:
		return t.nl
	case language.Portuguese:
		return t.pt
	case language.Japanese:
		return t.ja
	}
	return ""
}

// normalizeLanguage returns code as a value of Shopify's LanguageCode enum
// ("pt-br" and "PT_BR" are PT_BR), or "" when it is not one: what a
// customer keeps as Language. Through the API the value has passed the
// enum already; a host's WithLanguage, or an import, may name a language
// in another case or as a BCP 47 tag.
func normalizeLanguage(code string) string {
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", "_"))
	if code == "" || !slices.Contains(languageCodeValues[:], code) {
		return ""
	}
	return code
}
