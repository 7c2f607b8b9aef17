// Package geo recognises the countries, states and provinces customers type
// into an address, by code or by name, and gives their codes and English
// names.
//
// Countries are every code of Shopify's CountryCode enum but ZZ
// (countries.tsv, generated from CLDR's English names by
// internal/cmd/gencountries). Subdivisions are known for the countries
// whose addresses name a state, province or prefecture that mail is sorted
// by (subdivisions.tsv: the United States, Canada, Australia, Mexico,
// Brazil, India and Japan); for other countries the province is free text.
//
// Matching ignores letter case, accents, punctuation and the difference
// between "&" and "and" or "St." and "Saint", so "cote d'ivoire",
// "Côte d’Ivoire" and "COTE D IVOIRE" are one country and "quebec" is
// Québec. The tables are read once, on first use, and never change.
package geo

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run ../cmd/gencountries -in ../../testdata/storefront-customer.structure.json -out countries.tsv

//go:embed countries.tsv
var countriesTSV string

//go:embed subdivisions.tsv
var subdivisionsTSV string

// Country is a country or territory.
type Country struct {
	// Code is the ISO 3166-1 alpha-2 code, such as "CA".
	Code string
	// Name is the English name, such as "Canada".
	Name string
}

// Subdivision is a state, province, territory or prefecture of a country.
type Subdivision struct {
	// Code is the ISO 3166-2 code without the country prefix, such as "ON"
	// for CA-ON or "13" for JP-13.
	Code string
	// Name is the English name, such as "Ontario".
	Name string
}

type tables struct {
	countries    map[string]Country                // by alpha-2 code
	countryKeys  map[string]string                 // folded code, name or alias → alpha-2 code
	subdivisions map[string][]Subdivision          // by country, in file order
	subKeys      map[string]map[string]string      // country → folded code, name or alias → code
	subByCode    map[string]map[string]Subdivision // country → code → subdivision
}

// data parses the embedded files on first use. They are part of the
// program, and a test reads them, so a malformed line is a bug that stops
// the program at once rather than an error to handle.
var data = sync.OnceValue(func() *tables {
	t, err := parse(countriesTSV, subdivisionsTSV)
	if err != nil {
		panic("geo: " + err.Error())
	}
	return t
})

func parse(countries, subdivisions string) (*tables, error) {
	t := &tables{
		countries:    map[string]Country{},
		countryKeys:  map[string]string{},
		subdivisions: map[string][]Subdivision{},
		subKeys:      map[string]map[string]string{},
		subByCode:    map[string]map[string]Subdivision{},
	}
	err := eachRecord(countries, "countries.tsv", 3, func(f []string) error {
		code, alpha3, name := f[0], f[1], f[2]
		if len(code) != 2 || strings.ToUpper(code) != code {
			return fmt.Errorf("country code %q is not two capital letters", code)
		}
		if _, dup := t.countries[code]; dup {
			return fmt.Errorf("country %s is listed twice", code)
		}
		t.countries[code] = Country{Code: code, Name: name}
		keys := append([]string{code, name}, f[3:]...)
		if alpha3 != "" {
			keys = append(keys, alpha3)
		}
		return addKeys(t.countryKeys, keys, code)
	})
	if err != nil {
		return nil, err
	}
	err = eachRecord(subdivisions, "subdivisions.tsv", 3, func(f []string) error {
		country, code, name := f[0], f[1], f[2]
		if _, ok := t.countries[country]; !ok {
			return fmt.Errorf("subdivision %s-%s: no country %s", country, code, country)
		}
		if t.subKeys[country] == nil {
			t.subKeys[country] = map[string]string{}
			t.subByCode[country] = map[string]Subdivision{}
		}
		if _, dup := t.subByCode[country][code]; dup {
			return fmt.Errorf("subdivision %s-%s is listed twice", country, code)
		}
		s := Subdivision{Code: code, Name: name}
		t.subdivisions[country] = append(t.subdivisions[country], s)
		t.subByCode[country][code] = s
		return addKeys(t.subKeys[country], append([]string{code, name}, f[3:]...), code)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// eachRecord calls fn with the tab-separated fields of every line of text
// that is neither empty nor a comment; each record has at least min fields
// and no empty field but, in countries.tsv, the alpha-3 code.
func eachRecord(text, file string, min int, fn func(fields []string) error) error {
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < min {
			return fmt.Errorf("%s:%d: %d fields, want at least %d", file, i+1, len(f), min)
		}
		for j, v := range f {
			if (v == "" && !(file == "countries.tsv" && j == 1)) || strings.TrimSpace(v) != v {
				return fmt.Errorf("%s:%d: field %d is empty or padded", file, i+1, j+1)
			}
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
	}
	return nil
}

// addKeys maps the folded form of every key to target. Two entries that
// fold alike would make a lookup depend on file order, so they are refused.
func addKeys(m map[string]string, keys []string, target string) error {
	for _, k := range keys {
		f := Fold(k)
		if f == "" {
			return fmt.Errorf("%q folds to nothing", k)
		}
		if prev, ok := m[f]; ok && prev != target {
			return fmt.Errorf("%q names both %s and %s", k, prev, target)
		}
		m[f] = target
	}
	return nil
}

// Fold is the form in which names and codes are compared: accents and
// other combining marks removed (after compatibility decomposition, which
// also turns full-width letters into ASCII), lower case, "&" read as "and",
// dots and apostrophes dropped, every other run of characters that are
// neither letters nor digits made one space, and the word "st" read as
// "saint".
func Fold(s string) string {
	var words []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), strings.ContainsRune(".'’‘ʼ`", r):
			// Accents, and marks that join a word rather than split it
			// ("U.S.", "d’Ivoire").
		case r == '&':
			flush()
			words = append(words, "and")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	for i, w := range words {
		if w == "st" {
			words[i] = "saint"
		}
	}
	return strings.Join(words, " ")
}

// CountryByCode returns the country with the given ISO 3166-1 alpha-2 code
// in capitals.
func CountryByCode(code string) (Country, bool) {
	c, ok := data().countries[code]
	return c, ok
}

// FindCountry finds the country s names: its alpha-2 or alpha-3 code, its
// English name or one of the other names in countries.tsv.
func FindCountry(s string) (Country, bool) {
	t := data()
	code, ok := t.countryKeys[Fold(s)]
	if !ok {
		return Country{}, false
	}
	return t.countries[code], true
}

// Countries returns how many countries are known.
func Countries() int { return len(data().countries) }

// HasSubdivisions reports whether the subdivisions of the country with the
// given alpha-2 code are known, so that a province given with it must be
// one of them.
func HasSubdivisions(countryCode string) bool {
	_, ok := data().subKeys[countryCode]
	return ok
}

// Subdivisions returns the known subdivisions of the country with the given
// alpha-2 code, or nil.
func Subdivisions(countryCode string) []Subdivision {
	return append([]Subdivision(nil), data().subdivisions[countryCode]...)
}

// FindSubdivision finds the subdivision of the given country that s names:
// its code, with or without the country prefix ("ON", "CA-ON"), its English
// name or one of the other names in subdivisions.tsv.
func FindSubdivision(countryCode, s string) (Subdivision, bool) {
	t := data()
	keys := t.subKeys[countryCode]
	if keys == nil {
		return Subdivision{}, false
	}
	f := Fold(s)
	code, ok := keys[f]
	if !ok {
		// "CA-ON" folds to "ca on".
		rest, found := strings.CutPrefix(f, strings.ToLower(countryCode)+" ")
		if !found {
			return Subdivision{}, false
		}
		if code, ok = keys[rest]; !ok {
			return Subdivision{}, false
		}
	}
	return t.subByCode[countryCode][code], true
}
