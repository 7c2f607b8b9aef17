package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// root is the module root, where go generate runs the command.
const root = "../../.."

// TestSchemaEnumsAreGenerated fails when schema_enums.go is not what the
// generator makes of the structure file: edited by hand, or left behind
// when the structure file was updated.
func TestSchemaEnumsAreGenerated(t *testing.T) {
	structure, err := os.ReadFile(filepath.Join(root, structureFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(structure)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "schema_enums.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("schema_enums.go is not what %s generates from %s: run go generate in the module root", "internal/cmd/genenums", structureFile)
	}
}

// TestGenerateRefusesOddInput: the values go into Go source, so what is
// not a GraphQL name, or a missing enum, stops the generator.
func TestGenerateRefusesOddInput(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":      `{`,
		"no enums":      `{"__schema":{"types":[]}}`,
		"empty enum":    `{"__schema":{"types":[{"kind":"ENUM","name":"CountryCode","enumValues":[]},{"kind":"ENUM","name":"LanguageCode","enumValues":[{"name":"EN"}]}]}}`,
		"not an enum":   `{"__schema":{"types":[{"kind":"OBJECT","name":"CountryCode"},{"kind":"ENUM","name":"LanguageCode","enumValues":[{"name":"EN"}]}]}}`,
		"quote in name": `{"__schema":{"types":[{"kind":"ENUM","name":"CountryCode","enumValues":[{"name":"A\"B"}]},{"kind":"ENUM","name":"LanguageCode","enumValues":[{"name":"EN"}]}]}}`,
	} {
		if _, err := generate([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
