package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth/internal/notifytest"
)

// TestBrowserPagesOnAnotherOriginInFrench serves the account pages from one
// origin and the API from another, as a storefront on its own domain does,
// with the pages asking for French: the browser's cross-origin calls pass
// CORS (preflights included, for the storefront token header), the API's
// errors come back in French, and the customer keeps French as its language.
func TestBrowserPagesOnAnotherOriginInFrench(t *testing.T) {
	start := time.Now()
	mail := &notifytest.Outbox{}
	api, apiServer := startBrowserServer(t, mail, "")

	mux := http.NewServeMux()
	mountPages(mux, pageConfig{
		StorefrontToken: "browser-test-storefront-token",
		APIEndpoint:     apiServer.URL + "/api/2026-04/graphql.json",
		Language:        "FR",
		Logger:          slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	pages := httptest.NewServer(mux)
	t.Cleanup(pages.Close)
	if strings.EqualFold(pages.URL, apiServer.URL) {
		t.Fatal("the pages and the API must be on different origins")
	}

	b := startBrowser(t, pages.URL)
	defer b.report(start)

	t.Log("step: register from the pages' origin with a too-short password: the API answers in French")
	b.open("/account/register", "/account/register")
	b.waitFor("the page in French", `document.documentElement.lang === "fr"`)
	b.fill("#first-name", "Léa")
	b.fill("#last-name", "Martin")
	b.fill("#email", "lea.martin@example.fr")
	b.fill("#password", "court")
	b.click("#submit")
	b.waitText("#message", "Le mot de passe est trop court (8 caractères minimum)")
	if msg := b.text("#message"); strings.Contains(msg, "Password") || strings.Contains(msg, "too short") {
		b.fail("the error is still in English: %q", msg)
	}

	t.Log("step: a bad email, then a good registration, across origins")
	b.fill("#email", "lea.martin@")
	b.fill("#password", "Rivoli-Paris-2026")
	b.click("#submit")
	b.waitFor("a French message about the email", `(() => { const t = document.querySelector("#message").textContent; return t.includes("e-mail") && !t.includes("Password is too short"); })()`)
	b.fill("#email", "lea.martin@example.fr")
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Léa Martin")

	c, err := api.svc.CustomerByEmail(context.Background(), "lea.martin@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if c.Language != "FR" {
		b.fail("the customer's language is %q, want FR", c.Language)
	}
	b.snap("french-account")
	if lines, serious := b.problems(); serious {
		b.fail("console problems:\n%s", strings.Join(lines, "\n"))
	}
}
