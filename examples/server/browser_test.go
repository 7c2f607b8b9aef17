package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

// TestBrowserAccountPages walks a shopper through the account pages in
// headless Chromium, against the example server with a memory store:
// register, log out, log in, rename, reload, log out, recover, reset from
// the emailed link, log in with the new password (the old one fails), accept
// an invitation, and log in with Multipass (HttpOnly cookie) and out again.
func TestBrowserAccountPages(t *testing.T) {
	start := time.Now()
	mail := &notifytest.Outbox{}
	const multipassSecret = "browser-test-multipass-secret"

	srv, ts := startBrowserServer(t, mail, multipassSecret)
	base := ts.URL

	b := startBrowser(t, base)
	defer b.report(start)

	const (
		email       = "ada.lovelace@example.com"
		oldPassword = "Analytical-Engine-1843"
		newPassword = "Difference-Engine-1822"
	)

	t.Log("step: / without a session lands on the login page")
	b.open("/", "/account/login")

	t.Log("step: register, with a too-short password first")
	b.click("#register-link")
	b.waitPage("/account/register")
	b.fill("#first-name", "Ada")
	b.fill("#last-name", "Lovelace")
	b.fill("#email", email)
	b.fill("#password", "short")
	b.click("#submit")
	b.waitText("#message", "Password is too short: use at least 8 characters.")
	b.waitFor("the password field marked invalid", `document.querySelector("#password").getAttribute("aria-invalid") === "true"`)
	b.snap("register-error")
	b.fill("#password", oldPassword)
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Ada Lovelace")
	if c := b.tokenCookie(); c == nil || c.HTTPOnly || c.SameSite != "Lax" || c.Path != "/" {
		b.fail("after registering, want a script-set token cookie with Path=/ and SameSite=Lax, got %+v", c)
	}

	t.Log("step: log out")
	b.click("#logout")
	b.waitPage("/account/login")
	if c := b.tokenCookie(); c != nil {
		b.fail("after logout the token cookie is still there: %+v", c)
	}
	b.open("/account", "/account/login") // the server sees no session

	t.Log("step: log in")
	b.fill("#email", email)
	b.fill("#password", oldPassword)
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Ada Lovelace")
	b.waitText("#customer-email", email)

	t.Log("step: change the first name, reload")
	b.fill("#first-name", "Augusta")
	b.click("#submit")
	b.waitText("#message", "Your name was saved.")
	b.waitText("#customer-name", "Augusta Lovelace")
	b.do("reload", chromedp.Reload())
	b.waitPage("/account")
	b.waitText("#customer-name", "Augusta Lovelace")
	b.snap("account")
	if got := b.text("#customer-name"); got != "Augusta Lovelace" {
		b.fail("after reload the name is %q", got)
	}

	t.Log("step: log out, forgot password")
	b.click("#logout")
	b.waitPage("/account/login")
	b.click("#forgot-link")
	b.waitPage("/account/recover")
	b.fill("#email", "nobody@example.com")
	b.click("#submit")
	b.waitText("#message", "We couldn't find an account with that email.")
	b.fill("#email", email)
	b.click("#submit")
	b.waitText("#message", "We've sent you an email with a link to update your password.")

	t.Log("step: open the reset link, set a new password")
	resetURL := b.link(mail, customerauth.NotifyPasswordReset, email)
	if !strings.HasPrefix(resetURL, base+"/account/reset/") {
		b.fail("reset link %q is not on the example server", resetURL)
	}
	b.open(strings.TrimPrefix(resetURL, base), pathOf(resetURL))
	b.fill("#password", newPassword)
	b.fill("#password-confirm", newPassword+"x")
	b.click("#submit")
	b.waitText("#message", "The passwords don't match.")
	b.snap("reset-mismatch")
	b.fill("#password-confirm", newPassword)
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Augusta Lovelace")

	t.Log("step: the used reset link is refused")
	b.open(strings.TrimPrefix(resetURL, base), pathOf(resetURL))
	b.fill("#password", newPassword)
	b.fill("#password-confirm", newPassword)
	b.click("#submit")
	b.waitText("#message", "This reset link has expired or was already used.")

	t.Log("step: the old password fails, the new one works")
	b.open("/account", "/account")
	b.click("#logout")
	b.waitPage("/account/login")
	b.fill("#email", email)
	b.fill("#password", oldPassword)
	b.click("#submit")
	b.waitText("#message", "Incorrect email or password.")
	b.snap("login-error")
	b.waitFor("the login page to stay", `location.pathname === "/account/login"`)
	b.fill("#password", newPassword)
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Augusta Lovelace")

	t.Log("step: change the password on the account page")
	b.fill("#current-password", oldPassword)
	b.fill("#new-password", oldPassword)
	b.fill("#new-password-confirm", oldPassword)
	b.click("#password-submit")
	b.waitText("#password-message", "Your current password is incorrect.")
	b.fill("#current-password", newPassword)
	b.click("#password-submit")
	b.waitText("#password-message", "Your password was changed.")
	b.do("reload", chromedp.Reload()) // the new token is in the cookie
	b.waitPage("/account")
	b.waitText("#customer-name", "Augusta Lovelace")

	t.Log("step: accept an invitation")
	const invited = "grace.hopper@example.com"
	if _, err := srv.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: invited, FirstName: "Grace", LastName: "Hopper"}); err != nil {
		b.fail("InviteCustomer: %v", err)
	}
	activationURL := b.link(mail, customerauth.NotifyActivation, invited)
	b.open(strings.TrimPrefix(activationURL, base), pathOf(activationURL))
	b.fill("#password", "Grace-COBOL-1959")
	b.fill("#password-confirm", "Grace-COBOL-1959")
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Grace Hopper")
	b.waitText("#customer-email", invited)
	b.open(strings.TrimPrefix(activationURL, base), pathOf(activationURL))
	b.fill("#password", "Grace-COBOL-1959")
	b.fill("#password-confirm", "Grace-COBOL-1959")
	b.click("#submit")
	b.waitText("#message", "This account is already active.")

	t.Log("step: Multipass login keeps the token in an HttpOnly cookie; logout removes it")
	mp, err := customerauth.NewMultipass(multipassSecret)
	if err != nil {
		t.Fatal(err)
	}
	token, err := mp.Encode(customerauth.MultipassPayload{Email: "katherine.johnson@example.com", FirstName: "Katherine", LastName: "Johnson"})
	if err != nil {
		t.Fatal(err)
	}
	b.open("/account/login/multipass/"+token, "/account")
	b.waitText("#customer-name", "Katherine Johnson")
	if c := b.tokenCookie(); c == nil || !c.HTTPOnly {
		b.fail("after Multipass, want an HttpOnly token cookie, got %+v", c)
	}
	b.fill("#first-name", "Kate")
	b.click("#submit")
	b.waitText("#customer-name", "Kate Johnson")

	t.Log("step: an activation replaces the HttpOnly cookie with the script's")
	const invited2 = "mary.jackson@example.com"
	if _, err := srv.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: invited2, FirstName: "Mary", LastName: "Jackson"}); err != nil {
		b.fail("InviteCustomer: %v", err)
	}
	activationURL = b.link(mail, customerauth.NotifyActivation, invited2)
	b.open(strings.TrimPrefix(activationURL, base), pathOf(activationURL))
	b.fill("#password", "Mary-Wind-Tunnel-1958")
	b.fill("#password-confirm", "Mary-Wind-Tunnel-1958")
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#customer-name", "Mary Jackson")
	if c := b.tokenCookie(); c == nil || c.HTTPOnly {
		b.fail("after activation, want the script's token cookie in place of the HttpOnly one, got %+v", c)
	}
	b.click("#logout")
	b.waitPage("/account/login")
	if c := b.tokenCookie(); c != nil {
		b.fail("after logout the HttpOnly token cookie is still there: %+v", c)
	}

	t.Log("step: plain HTTP checks")
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/assets/app.js", http.StatusOK},
		{"GET", "/assets/style.css", http.StatusOK},
		{"GET", "/assets/", http.StatusNotFound},
		{"GET", "/graphql", http.StatusOK},
		{"GET", "/assets/config.json", http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, res.StatusCode, tc.want)
		}
	}
}

// pathOf returns the path of an absolute URL.
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.EscapedPath()
}
