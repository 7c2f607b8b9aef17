package customerauth_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

// described is the part of an introspection answer this test reads. The
// comparison with Shopify's reference drops descriptions, so it has its own
// shape.
type described struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

type describedSchema struct {
	Types []struct {
		described
		Fields []struct {
			described
			Args []described `json:"args"`
		} `json:"fields"`
		InputFields []described `json:"inputFields"`
		EnumValues  []described `json:"enumValues"`
	} `json:"types"`
	Directives []struct {
		described
		Args []described `json:"args"`
	} `json:"directives"`
}

// TestSchemaIsFullyDescribed asks the served schema, as GraphiQL and code
// generators do, for every description, and lists each type, field,
// argument, input field, enum value and directive of this package that has
// none. GraphQL's own introspection types, scalars and directives are left
// out: graphql-go describes them.
func TestSchemaIsFullyDescribed(t *testing.T) {
	svc, err := customerauth.New(customerauth.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"query": introspectionQuery, "operationName": "IntrospectionQuery"})
	res, err := srv.Client().Post(srv.URL+"/api/2026-04/graphql.json", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, raw)
	}
	var answer struct {
		Data struct {
			Schema describedSchema `json:"__schema"`
		} `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil || len(answer.Errors) > 0 {
		t.Fatalf("introspection answer %s: %v", raw, err)
	}
	sch := answer.Data.Schema
	if len(sch.Types) == 0 {
		t.Fatalf("no types in %s", raw)
	}

	var missing []string
	check := func(d described, what string) {
		if strings.TrimSpace(d.Description) == "" {
			missing = append(missing, what)
		}
	}
	for _, typ := range sch.Types {
		if builtinTypes[typ.Name] || strings.HasPrefix(typ.Name, "__") {
			continue
		}
		check(typ.described, "type "+typ.Name)
		for _, f := range typ.Fields {
			check(f.described, "field "+typ.Name+"."+f.Name)
			for _, a := range f.Args {
				check(a, "argument "+typ.Name+"."+f.Name+"("+a.Name+":)")
			}
		}
		for _, f := range typ.InputFields {
			check(f, "input field "+typ.Name+"."+f.Name)
		}
		for _, v := range typ.EnumValues {
			check(v, "enum value "+typ.Name+"."+v.Name)
		}
	}
	for _, d := range sch.Directives {
		if specifiedDirectives[d.Name] {
			continue
		}
		check(d.described, "directive @"+d.Name)
		for _, a := range d.Args {
			check(a, "argument @"+d.Name+"("+a.Name+":)")
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Errorf("%d parts of the schema have no description:\n\t%s", len(missing), strings.Join(missing, "\n\t"))
	}
}

// specifiedDirectives come with every graphql-go schema.
var specifiedDirectives = map[string]bool{"include": true, "skip": true, "deprecated": true, "specifiedBy": true, "oneOf": true}
