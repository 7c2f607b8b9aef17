package customerauth_test

import (
	"os/exec"
	"strings"
	"testing"
)

// hostDependencies is everything outside the standard library that a host
// importing only this package may build: the modules in go.mod that serve
// tests, examples and the bench (chromedp, prometheus, go-smtp, pgx,
// sqlite, …) must stay out of it, and so must the store packages of this
// module. Each entry covers a path and the packages below it.
var hostDependencies = map[string]string{
	"github.com/shopkit/customerauth/internal": "the module's own helpers, which only this module can import",
	"github.com/graphql-go/graphql":            "the GraphQL executor the API is served with",
	"github.com/google/uuid":                   "the ids of customers and addresses (UUIDv7)",
	"golang.org/x/crypto":                      "argon2id for password hashes, and bcrypt to check hashes imported from other systems",
	"golang.org/x/sys":                         "x/crypto's blake2b, inside argon2, picks its code by CPU features with x/sys/cpu",
	"github.com/hashicorp/golang-lru/v2":       "the bounded cache of parsed documents",
	"github.com/trustelem/zxcvbn":              "its list of the most common passwords, which registrations are checked against",
	"golang.org/x/text/unicode/norm":           "Unicode decomposition, so that country and province names match without their accents (internal/geo)",
	"golang.org/x/text/transform":              "the interface of x/text/unicode/norm",
	"golang.org/x/text/language":               "matching the shopper's @inContext language to the languages messages are written in (internal/i18n)",
	"golang.org/x/text/internal/language":      "the tag tables and parser behind x/text/language",
	"golang.org/x/text/internal/tag":           "an index x/text/internal/language looks tags up in",
	// Config.TracerProvider: the OpenTelemetry API only. The SDK (otel/sdk)
	// is the host's choice and must never come in through this package.
	"go.opentelemetry.io/otel/trace":     "the OpenTelemetry tracing API behind Config.TracerProvider (and its no-op provider)",
	"go.opentelemetry.io/otel/attribute": "span attributes, part of the tracing API",
	"go.opentelemetry.io/otel/codes":     "span status codes, part of the tracing API",
	"go.opentelemetry.io/otel/semconv":   "attribute names the tracing API itself imports",
	"github.com/cespare/xxhash/v2":       "the hash otel/attribute keys its attribute sets with",
}

// TestHostDependencies keeps what a host compiles in small: go list names
// every package the root package pulls in, and each must be the standard
// library or fall under hostDependencies.
func TestHostDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipped: the go command is not on PATH to list the dependencies: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}",
		"github.com/shopkit/customerauth").Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	var listed int
	for _, pkg := range strings.Fields(string(out)) {
		listed++
		if !allowedForHosts(pkg) {
			t.Errorf("%s is a dependency of github.com/shopkit/customerauth: every host would build it; "+
				"keep it in a test, an example or a separate package, or add it to hostDependencies with the reason", pkg)
		}
	}
	if listed == 0 {
		t.Fatalf("go list printed no packages, not even the package itself: %q", out)
	}
}

func allowedForHosts(pkg string) bool {
	// The package itself, but none of the module's other public packages:
	// sqlitestore and pgstore bring their drivers.
	if pkg == "github.com/shopkit/customerauth" {
		return true
	}
	for prefix := range hostDependencies {
		if pkg == prefix || strings.HasPrefix(pkg, prefix+"/") {
			return true
		}
	}
	return false
}
