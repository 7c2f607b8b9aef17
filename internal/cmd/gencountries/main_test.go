package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// root is the module root.
const root = "../../.."

// TestCountriesAreGenerated fails when internal/geo/countries.tsv is not
// what the generator makes of the structure file: edited by hand, or left
// behind when the structure file or the corrections here changed.
func TestCountriesAreGenerated(t *testing.T) {
	structure, err := os.ReadFile(filepath.Join(root, structureFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(structure)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "internal/geo/countries.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("internal/geo/countries.tsv is not what internal/cmd/gencountries generates from %s: run go generate ./internal/geo", structureFile)
	}
}

func TestGenerateRefusesOddInput(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":        `{`,
		"no enum":         `{"__schema":{"types":[]}}`,
		"not two letters": `{"__schema":{"types":[{"name":"CountryCode","enumValues":[{"name":"CAN"}]}]}}`,
		"no name known":   `{"__schema":{"types":[{"name":"CountryCode","enumValues":[{"name":"QQ"}]}]}}`,
	} {
		if _, err := generate([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
