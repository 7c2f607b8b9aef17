package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

// TestShopifyStorefrontClient drives the example server with Shopify's
// official JavaScript client, @shopify/storefront-api-client (pinned in
// storefront-client/package-lock.json), through the account life cycle in
// storefront-client/run.mjs. It needs node, npm and the npm registry, so it
// runs only with CUSTOMERAUTH_TEST_NODE=1.
func TestShopifyStorefrontClient(t *testing.T) {
	requireSwitch(t, "CUSTOMERAUTH_TEST_NODE", "node, npm and the npm registry to install @shopify/storefront-api-client")
	node, nodeErr := exec.LookPath("node")
	npm, npmErr := exec.LookPath("npm")
	if err := errors.Join(nodeErr, npmErr); err != nil {
		t.Fatalf("CUSTOMERAUTH_TEST_NODE=1 but Node.js is missing: %v", err)
	}

	dir := t.TempDir()
	for _, name := range []string{"package.json", "package-lock.json", "run.mjs"} {
		b, err := os.ReadFile(filepath.Join("storefront-client", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	installCtx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(installCtx, npm, "ci", "--no-audit", "--no-fund")
	install.Dir = dir
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm ci (is the npm registry reachable?): %v\n%s", err, out)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	const storefrontToken = "6d2f0c9a4b8e17f35a0c2e9d41b7f608"
	notifier := &notifytest.Outbox{}
	ts := httptest.NewUnstartedServer(nil)
	srv, err := newServer(ctx, options{
		store:           "memory",
		shopURL:         "http://" + ts.Listener.Addr().String(),
		storefrontToken: storefrontToken,
		notifier:        notifier,
		argon2:          customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		quietAccess:     true,
		disableCleanup:  true,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		ts.Close()
		t.Fatal(err)
	}
	defer srv.Close()
	ts.Config.Handler = srv
	ts.Start()
	defer ts.Close()

	runCtx, cancelRun := context.WithTimeout(ctx, time.Minute)
	defer cancelRun()
	run := exec.CommandContext(runCtx, node, "run.mjs", ts.URL, storefrontToken)
	run.Dir = dir
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Run(); err != nil {
		t.Fatalf("node run.mjs: %v\n%s", err, out.String())
	}
	t.Logf("node run.mjs:\n%s", strings.TrimSpace(out.String()))

	// customerCreate greeted the new customer.
	var welcomed bool
	for _, n := range notifier.All() {
		if n.Kind == customerauth.NotifyWelcome && strings.HasPrefix(n.Email, "storefront-client-") {
			welcomed = true
		}
	}
	if !welcomed {
		t.Errorf("no welcome notification for the customer run.mjs created; got %+v", notifier.All())
	}
}
