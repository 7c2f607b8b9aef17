package customerauth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The root package is one Go package in three layers, each a set of files
// (README, "How it is built"). Calls go one way: HTTP → GraphQL → domain.
// Every non-test file is listed here, so a new file has to be given a
// layer, and the layer decides what it may import and call.
var fileLayers = map[string]string{
	// The domain: accounts, tokens, Multipass, every business rule, and the
	// interfaces it needs (Store, Limiter, Notifier).
	"access_tokens.go":      "domain",
	"addresses.go":          "domain",
	"config.go":             "domain",
	"account.go":            "domain",
	"admin.go":              "domain",
	"customer.go":           "domain",
	"doc.go":                "domain",
	"errors.go":             "domain",
	"import.go":             "domain",
	"events.go":             "domain",
	"limiter.go":            "domain",
	"links.go":              "domain",
	"memstore.go":           "domain",
	"memstore_addresses.go": "domain",
	"memstore_admin.go":     "domain",
	"messages.go":           "domain",
	"messages_catalog.go":   "domain",
	"memstore_ping.go":      "domain",
	"mint.go":               "domain",
	"multipass.go":          "domain",
	"multipass_login.go":    "domain",
	"notify.go":             "domain",
	"password.go":           "domain",
	"password_imported.go":  "domain",
	"request_context.go":    "domain",
	"service.go":            "domain",
	"store.go":              "domain",
	"store_admin.go":        "domain",
	"store_capabilities.go": "domain",
	"store_tracing.go":      "domain",
	"throttle.go":           "domain",
	"tracing.go":            "domain",
	"validate.go":           "domain",
	// The enum values are the schema's, and the domain validates country
	// codes against them.
	"schema_enums.go": "domain",

	// The GraphQL layer: the schema and its resolvers. The compiled plans
	// that answer prepared documents are internal/fastpath, which the HTTP
	// layer calls.
	"graphql_errors.go":   "graphql",
	"schema.go":           "graphql",
	"schema_addresses.go": "graphql",
	"schema_customer.go":  "graphql",
	"schema_language.go":  "graphql",
	"schema_mutations.go": "graphql",
	"scopes.go":           "graphql",
	"schema_variables.go": "graphql",

	// The HTTP layer: transport, request guards, storefront tokens, client
	// addresses and the browser routes.
	"cors.go":                      "http",
	"document_guard.go":            "http",
	"document_scan.go":             "http",
	"document_validation.go":       "http",
	"document_validation_rules.go": "http",
	"endpoint.go":                  "http",
	"forwarded.go":                 "http",
	"handler.go":                   "http",
	"middleware.go":                "http",
	"multipass_handler.go":         "http",
	"request_tracing.go":           "http",
	"storefront_tokens.go":         "http",
}

var layerRank = map[string]int{"domain": 0, "graphql": 1, "http": 2}

// forbiddenImports are the import paths (prefixes) a layer must not use.
var forbiddenImports = map[string][]string{
	"domain":  {"github.com/graphql-go/", "net/http", "github.com/hashicorp/golang-lru", "github.com/shopkit/customerauth/internal/fastpath"},
	"graphql": {"net/http"},
}

// seams are the references from a lower layer to a higher one that the
// design allows: New builds the endpoint that serves the Service, and
// Config carries the settings of every layer.
var seams = map[string][]string{
	"service.go": {"endpoint", "newEndpoint"},
	// Config configures every layer, so it names their settings.
	"config.go": {"RequestLimits", "StorefrontToken", "CORSConfig"},
}

func TestLayersCallOneWay(t *testing.T) {
	fset := token.NewFileSet()
	files := map[string]*ast.File{}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := fileLayers[name]; !ok {
			t.Errorf("%s has no layer: add it to fileLayers in layers_test.go (domain, graphql or http)", name)
			continue
		}
		files[name] = f
	}

	// Top-level names declared by each layer (methods are reached through
	// their receivers' types, which are covered).
	declaredIn := map[string]string{}
	for name, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declaredIn[d.Name.Name] = fileLayers[name]
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declaredIn[s.Name.Name] = fileLayers[name]
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declaredIn[n.Name] = fileLayers[name]
						}
					}
				}
			}
		}
	}

	for name, f := range files {
		layer := fileLayers[name]
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbiddenImports[layer] {
				if strings.HasPrefix(path, bad) {
					t.Errorf("%s (%s layer) imports %s", name, layer, path)
				}
			}
		}
		var upward []string
		var visit func(n ast.Node) bool
		visit = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				// The right side names a field or method, never a
				// package-level identifier.
				ast.Inspect(n.X, visit)
				return false
			case *ast.Ident:
				if owner, ok := declaredIn[n.Name]; ok && layerRank[owner] > layerRank[layer] && !slices.Contains(seams[name], n.Name) {
					upward = append(upward, n.Name+" ("+owner+")")
				}
			}
			return true
		}
		ast.Inspect(f, visit)
		if len(upward) > 0 {
			sort.Strings(upward)
			upward = slices.Compact(upward)
			t.Errorf("%s (%s layer) refers to a higher layer: %s", name, layer, strings.Join(upward, ", "))
		}
	}
	for name := range fileLayers {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("fileLayers lists %s: %v", name, err)
		}
	}
}
