package customerauth

import "github.com/shopkit/customerauth/internal/i18n"

// CatalogText returns the message catalog's entry for english (a message
// format given to userErr, or a term) in lang, matched as Localized
// matches it, and whether the catalog has the entry at all; English gets
// "".
func CatalogText(english, lang string) (string, bool) {
	tr, ok := translationOf(english)
	if !ok {
		return "", false
	}
	return tr.in(i18n.Match(lang)), true
}
