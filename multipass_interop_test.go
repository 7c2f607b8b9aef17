package customerauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// npmEncoder installs the pinned multipassify package into a temporary
// directory and returns a function that mints tokens with it. The install
// needs the npm registry, and a machine can have node without reaching it,
// so the test runs only when CUSTOMERAUTH_TEST_INTEROP=1 (as .ci/run sets)
// asks for it; then a missing node, npm or registry is a failure, so that CI
// cannot pass without the interop check.
func npmEncoder(t *testing.T, secret string) func(payloads []map[string]any) []string {
	t.Helper()
	if os.Getenv("CUSTOMERAUTH_TEST_INTEROP") != "1" {
		t.Skip("skipped: installs multipassify from the npm registry with node and npm; set CUSTOMERAUTH_TEST_INTEROP=1 to run it")
	}
	npm, errNpm := exec.LookPath("npm")
	node, errNode := exec.LookPath("node")
	if err := errors.Join(errNode, errNpm); err != nil {
		t.Fatalf("CUSTOMERAUTH_TEST_INTEROP=1 but node or npm is missing: %v", err)
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "mint.js"} {
		b, err := os.ReadFile(filepath.Join("testdata", "multipassify", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm ci (is the npm registry reachable?): %v\n%s", err, out)
	}
	return func(payloads []map[string]any) []string {
		t.Helper()
		in, _ := json.Marshal(payloads)
		cmd := exec.Command(node, "mint.js", secret)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(string(in))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("node mint.js: %v", err)
		}
		var tokens []string
		if err := json.Unmarshal(out, &tokens); err != nil {
			t.Fatalf("mint.js output %q: %v", out, err)
		}
		return tokens
	}
}

func TestMultipassInteropTokensFromMultipassifyRedeem(t *testing.T) {
	mint := npmEncoder(t, multipassSecret)
	// multipassify stamps created_at with the real time, so the server
	// runs on the real clock here.
	e := newMultipassEnv(t, func(c *customerauth.Config) { c.Now = time.Now })
	payloads := []map[string]any{
		{"email": "minimal@example.com"},
		{
			"email": "nic@example.com", "first_name": "Nic", "last_name": "Potts", "tag_string": "canadian, premium",
			"identifier": "nic-123", "return_to": "https://shop.example/cart",
			"addresses": []map[string]any{{
				"address1": "123 Oak St", "city": "Ottawa", "country": "Canada", "first_name": "Nic", "last_name": "Potts",
				"phone": "555-1212", "province": "Ontario", "zip": "123 ABC", "province_code": "ON", "country_code": "CA", "default": true,
			}},
		},
		{"email": "zoë@example.com", "first_name": "Zoë", "last_name": "Ålander-Øst 山田", "tag_string": "ünïcode"},
		{"email": "aligned@example.com", "remote_ip": "203.0.113.7"},
	}
	tokens := mint(payloads)
	if len(tokens) != len(payloads) {
		t.Fatalf("%d tokens for %d payloads", len(tokens), len(payloads))
	}
	for i, tok := range tokens {
		access, errs := e.redeem(tok)
		if len(errs) > 0 {
			t.Errorf("token %d (%s): %v", i, payloads[i]["email"], errs)
			continue
		}
		r := e.customer(access)
		if got := r.str("customer", "email"); got != payloads[i]["email"] {
			t.Errorf("token %d: email %q", i, got)
		}
		if name, ok := payloads[i]["last_name"]; ok && r.str("customer", "lastName") != name {
			t.Errorf("token %d: lastName %q", i, r.str("customer", "lastName"))
		}
		// And only once, also in the unpadded spelling.
		if _, errs := e.redeem(strings.TrimRight(tok, "=")); len(errs) != 1 {
			t.Errorf("token %d redeemed twice", i)
		}
	}
	c, err := e.store.CustomerByMultipassIdentifier(context.Background(), "nic-123")
	if err != nil || len(c.Addresses) != 1 || c.Addresses[0].ProvinceCode != "ON" || c.DefaultAddressID != c.Addresses[0].ID {
		t.Errorf("customer from the full payload: %+v, %v", c, err)
	}
}
