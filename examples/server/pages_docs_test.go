package main

import (
	"os"
	"strings"
	"testing"

	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// TestPagesSendStorefrontDocuments checks that the account pages and the
// JS client test send Shopify's storefront documents as
// internal/storefrontdocs keeps them, the ones the library's tests and
// benchmarks use: a page that drifted from them would test a client no one
// runs. It needs no browser and no npm, so it always runs.
func TestPagesSendStorefrontDocuments(t *testing.T) {
	app, err := pageFiles.ReadFile("pages/assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	// app.js holds each document verbatim, as a template literal.
	for name, doc := range map[string]string{
		"CustomerCreate":               storefrontdocs.CustomerCreate,
		"CustomerAccessTokenCreate":    storefrontdocs.CustomerAccessTokenCreate,
		"CustomerDetails":              storefrontdocs.CustomerDetails,
		"CustomerUpdate":               storefrontdocs.CustomerUpdate,
		"CustomerAccessTokenDelete":    storefrontdocs.CustomerAccessTokenDelete,
		"CustomerRecover":              storefrontdocs.CustomerRecover,
		"CustomerResetByURL":           storefrontdocs.CustomerResetByURL,
		"CustomerActivateByURL":        storefrontdocs.CustomerActivateByURL,
		"CustomerAddressCreate":        storefrontdocs.CustomerAddressCreate,
		"CustomerAddressUpdate":        storefrontdocs.CustomerAddressUpdate,
		"CustomerAddressDelete":        storefrontdocs.CustomerAddressDelete,
		"CustomerDefaultAddressUpdate": storefrontdocs.CustomerDefaultAddressUpdate,
	} {
		if !strings.Contains(string(app), "`"+doc+"`") {
			t.Errorf("app.js does not send storefrontdocs.%s verbatim", name)
		}
	}

	// run.mjs keeps its documents indented inside `#graphql …` literals, as
	// storefront code does; compared line by line, without the indentation.
	run, err := os.ReadFile("storefront-client/run.mjs")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"CustomerAddressCreate":        storefrontdocs.CustomerAddressCreate,
		"CustomerAddressDelete":        storefrontdocs.CustomerAddressDelete,
		"CustomerDefaultAddressUpdate": storefrontdocs.CustomerDefaultAddressUpdate,
		"CustomerAddressEdit":          storefrontdocs.CustomerAddressEdit,
	} {
		if !strings.Contains(unindent(string(run)), "`#graphql\n"+unindent(doc)+"\n`") {
			t.Errorf("run.mjs does not send storefrontdocs.%s", name)
		}
	}
}

// unindent trims the spaces around every line of s.
func unindent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}
