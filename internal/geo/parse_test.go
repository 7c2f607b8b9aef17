package geo

import (
	"strings"
	"testing"
)

// TestParseRefusesAmbiguousData: a name that two entries share, a
// duplicate or a malformed line would make lookups depend on the order of
// the file, so loading stops instead.
func TestParseRefusesAmbiguousData(t *testing.T) {
	const countries = "CA\tCAN\tCanada\nUS\tUSA\tUnited States\n"
	for name, tc := range map[string]struct{ countries, subdivisions, want string }{
		"duplicate country":       {countries + "CA\t\tCanada again\n", "", "listed twice"},
		"shared country name":     {countries + "GB\tGBR\tUnited Kingdom\tU.S.A\n", "", "names both"},
		"lower-case code":         {"ca\tCAN\tCanada\n", "", "capital"},
		"missing field":           {"CA\tCAN\n", "", "fields"},
		"padded field":            {"CA\tCAN\t Canada\n", "", "padded"},
		"unknown country":         {countries, "FR\tIDF\tÎle-de-France\n", "no country"},
		"duplicate subdivision":   {countries, "CA\tON\tOntario\nCA\tON\tOntario\n", "listed twice"},
		"code is another's alias": {countries, "CA\tON\tOntario\nCA\tQC\tQuebec\tON\n", "names both"},
	} {
		_, err := parse(tc.countries, tc.subdivisions)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one that says %q", name, err, tc.want)
		}
	}
	if _, err := parse(countries, "# a comment\n\nCA\tON\tOntario\tCA-ON\n"); err != nil {
		t.Errorf("valid data: %v", err)
	}
}
