package i18n_test

import (
	"slices"
	"testing"

	"golang.org/x/text/language"

	"github.com/shopkit/customerauth/internal/i18n"
)

func TestMatchServesEachReader(t *testing.T) {
	tests := []struct {
		code string
		want language.Tag
	}{
		{"", language.English},
		{"EN", language.English},
		{"FR", language.French},
		{"DE", language.German},
		{"ES", language.Spanish},
		{"IT", language.Italian},
		{"NL", language.Dutch},
		{"PT", language.Portuguese},
		{"JA", language.Japanese},
		// Every Portuguese reads the one Portuguese.
		{"PT_BR", language.Portuguese},
		{"PT_PT", language.Portuguese},
		{"pt-BR", language.Portuguese},
		// Regions and letter case do not matter.
		{"fr", language.French},
		{"fr-CA", language.French},
		{"ES_419", language.Spanish},
		{"de_ch", language.German},
		// Readers of a close language get it, as CLDR knows them.
		{"LB", language.German},
		{"AF", language.Dutch},
		// A language without a close one, and what is no language, read
		// English.
		{"DA", language.English},
		{"ZH_CN", language.English},
		{"ZH_TW", language.English},
		{"KO", language.English},
		{"Klingon", language.English},
		{"_", language.English},
		{"fr\x00", language.English},
	}
	for _, tt := range tests {
		if got := i18n.Match(tt.code); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestSupportedLanguages(t *testing.T) {
	got := i18n.Supported()
	want := []language.Tag{language.English, language.French, language.German, language.Spanish,
		language.Italian, language.Dutch, language.Portuguese, language.Japanese}
	if !slices.Equal(got, want) {
		t.Fatalf("Supported() = %v, want %v (English first)", got, want)
	}
	// Each matches itself, by its Shopify code and by its tag, and the
	// caller's copy is its own.
	for _, tag := range got {
		if m := i18n.Match(tag.String()); m != tag {
			t.Errorf("Match(%q) = %v", tag.String(), m)
		}
	}
	got[0] = language.Korean
	if i18n.Supported()[0] != language.English {
		t.Error("Supported returned a list its caller can change")
	}
}
