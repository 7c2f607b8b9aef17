package geo_test

import (
	"testing"

	"github.com/shopkit/customerauth/internal/geo"
)

// TestSubdivisionCounts holds the data to the number of first-level
// subdivisions each country has, so that a line lost or added by mistake
// shows.
func TestSubdivisionCounts(t *testing.T) {
	for _, tc := range []struct {
		country string
		want    int
		what    string
	}{
		{"US", 60, "50 states, DC, 6 outlying areas, 3 armed forces codes"},
		{"CA", 13, "10 provinces, 3 territories"},
		{"AU", 8, "6 states, 2 territories"},
		{"MX", 32, "31 states, Mexico City"},
		{"BR", 27, "26 states, the Federal District"},
		{"IN", 36, "28 states, 8 union territories"},
		{"JP", 47, "47 prefectures"},
	} {
		if got := len(geo.Subdivisions(tc.country)); got != tc.want {
			t.Errorf("%s has %d subdivisions, want %d (%s)", tc.country, got, tc.want, tc.what)
		}
		if !geo.HasSubdivisions(tc.country) {
			t.Errorf("HasSubdivisions(%s) is false", tc.country)
		}
	}
	if geo.HasSubdivisions("FR") || geo.Subdivisions("FR") != nil {
		t.Error("FR has subdivisions; its provinces are free text")
	}
}

func TestCountryCount(t *testing.T) {
	// Shopify's CountryCode enum (API 2026-04) has 245 values; ZZ, the
	// unknown country, names no place.
	if got := geo.Countries(); got != 244 {
		t.Errorf("%d countries, want 244", got)
	}
}

func TestFindCountry(t *testing.T) {
	for _, tc := range []struct{ in, code, name string }{
		{"CA", "CA", "Canada"},
		{"ca", "CA", "Canada"},
		{" Canada ", "CA", "Canada"},
		{"CANADA", "CA", "Canada"},
		{"CAN", "CA", "Canada"},
		{"United States", "US", "United States"},
		{"United States of America", "US", "United States"},
		{"U.S.A.", "US", "United States"},
		{"usa", "US", "United States"},
		{"UK", "GB", "United Kingdom"},
		{"Côte d’Ivoire", "CI", "Côte d’Ivoire"},
		{"Cote d'Ivoire", "CI", "Côte d’Ivoire"},
		{"Ivory Coast", "CI", "Côte d’Ivoire"},
		{"Bosnia and Herzegovina", "BA", "Bosnia & Herzegovina"},
		{"Saint Kitts and Nevis", "KN", "St. Kitts & Nevis"},
		{"Congo Kinshasa", "CD", "Congo - Kinshasa"},
		{"Turkey", "TR", "Türkiye"},
		{"turkiye", "TR", "Türkiye"},
		{"Swaziland", "SZ", "Eswatini"},
		{"Macedonia", "MK", "North Macedonia"},
		{"ＪＰ", "JP", "Japan"},
		{"AN", "AN", "Netherlands Antilles"},
		{"XK", "XK", "Kosovo"},
	} {
		c, ok := geo.FindCountry(tc.in)
		if !ok || c.Code != tc.code || c.Name != tc.name {
			t.Errorf("FindCountry(%q) = %+v, %v; want %s %q", tc.in, c, ok, tc.code, tc.name)
		}
	}
	for _, in := range []string{"", "ZZ", "Narnia", "EU", "419", "C", "XKK", "Canada2"} {
		if c, ok := geo.FindCountry(in); ok {
			t.Errorf("FindCountry(%q) = %+v; want none", in, c)
		}
	}
}

func TestFindSubdivision(t *testing.T) {
	for _, tc := range []struct{ country, in, code, name string }{
		{"CA", "ON", "ON", "Ontario"},
		{"CA", "on", "ON", "Ontario"},
		{"CA", "Ontario", "ON", "Ontario"},
		{"CA", "CA-ON", "ON", "Ontario"},
		{"CA", "Québec", "QC", "Quebec"},
		{"CA", "quebec", "QC", "Quebec"},
		{"US", "New York", "NY", "New York"},
		{"US", "Washington, D.C.", "DC", "District of Columbia"},
		{"US", "AE", "AE", "Armed Forces Europe"},
		{"US", "Virgin Islands, U.S.", "VI", "U.S. Virgin Islands"},
		{"AU", "nsw", "NSW", "New South Wales"},
		{"MX", "Mexico City", "CMX", "Ciudad de México"},
		{"MX", "Nuevo Leon", "NLE", "Nuevo León"},
		{"BR", "Sao Paulo", "SP", "São Paulo"},
		{"IN", "OR", "OD", "Odisha"},
		{"IN", "Orissa", "OD", "Odisha"},
		{"IN", "TS", "TS", "Telangana"},
		{"JP", "13", "13", "Tokyo"},
		{"JP", "JP-13", "13", "Tokyo"},
		{"JP", "東京都", "13", "Tokyo"},
		{"JP", "Hokkaidō", "01", "Hokkaido"},
	} {
		s, ok := geo.FindSubdivision(tc.country, tc.in)
		if !ok || s.Code != tc.code || s.Name != tc.name {
			t.Errorf("FindSubdivision(%s, %q) = %+v, %v; want %s %q", tc.country, tc.in, s, ok, tc.code, tc.name)
		}
	}
	for _, tc := range []struct{ country, in string }{
		{"CA", "NY"},            // another country's
		{"US", "Ontario"},       // another country's
		{"CA", "US-ON"},         // the wrong prefix
		{"FR", "Île-de-France"}, // no list: free text, never found
		{"CA", ""},
		{"JP", "48"},
	} {
		if s, ok := geo.FindSubdivision(tc.country, tc.in); ok {
			t.Errorf("FindSubdivision(%s, %q) = %+v; want none", tc.country, tc.in, s)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"São Paulo":         "sao paulo",
		"St. Kitts & Nevis": "saint kitts and nevis",
		"Congo - Kinshasa":  "congo kinshasa",
		"  U.S.   Virgin  ": "us virgin",
		"Myanmar (Burma)":   "myanmar burma",
		"Ｔｏｋｙｏ":             "tokyo",
		"Washington, D.C.":  "washington dc",
		"Stanley":           "stanley",
	} {
		if got := geo.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
