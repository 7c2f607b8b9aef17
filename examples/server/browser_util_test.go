package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

// chromiumPath returns the Chromium binary the browser tests drive:
// $CHROMIUM when set, else Debian's /usr/bin/chromium or chromium on PATH.
// Every browser test comes through here, so this is where
// CUSTOMERAUTH_TEST_BROWSER=1 is asked for; with it, no binary is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	requireSwitch(t, "CUSTOMERAUTH_TEST_BROWSER", "Chromium driven by chromedp")
	candidates := []string{"/usr/bin/chromium", "chromium"}
	if env := os.Getenv("CHROMIUM"); env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no Chromium binary (looked for %s): install Debian's package with apt-get install -y chromium, or set $CHROMIUM",
		strings.Join(candidates, ", "))
	t.Fatal(msg + "; CUSTOMERAUTH_TEST_BROWSER=1 requires the browser tests")
	return ""
}

// startBrowserServer runs the example server for a browser test, with a
// memory store, fast password hashing, emails into mail and a storefront
// token the pages must send as X-Shopify-Storefront-Access-Token, or every
// call is refused. An empty multipassSecret leaves Multipass off.
func startBrowserServer(t *testing.T, mail *notifytest.Outbox, multipassSecret string) (*server, *httptest.Server) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := newServer(context.Background(), options{
		store:           "memory",
		shopURL:         "http://" + ts.Listener.Addr().String(),
		notifier:        mail,
		argon2:          customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		multipassSecret: multipassSecret,
		storefrontToken: "browser-test-storefront-token",
		quietAccess:     true,
		disableCleanup:  true,
	}, logger)
	if err != nil {
		ts.Close()
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
	})
	return srv, ts
}

// browser is one headless Chromium tab on the example server, with what the
// page wrote to its console.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string // http://127.0.0.1:port

	mu      sync.Mutex
	console []chromedp.ConsoleMessage
	shots   int
}

// startBrowser starts Chromium with a fresh profile. The browser stops when
// the test ends.
func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath(t)
	profile := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1024, 900),
	)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// Registered after t.TempDir, so Chromium is gone before its profile is
	// removed.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	start := time.Now()
	// The first Run starts the browser; it gets no timeout, which would stop
	// the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Logf("browser: %s started in %v", path, time.Since(start).Round(time.Millisecond))
	b := &browser{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// problems returns the console errors and warnings so far, and whether one of
// them is an uncaught exception or a security (CSP) violation.
func (b *browser) problems() (lines []string, serious bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
		default:
			continue
		}
		where := ""
		if m.URL != "" {
			where = fmt.Sprintf(" (%s:%d)", strings.TrimPrefix(m.URL, b.base), m.Line+1)
		}
		lines = append(lines, m.String()+where)
		if m.IsException() || m.Source == "security" {
			serious = true
		}
	}
	return lines, serious
}

// logConsole logs the console errors and warnings of the page.
func (b *browser) logConsole() {
	b.t.Helper()
	lines, _ := b.problems()
	for _, l := range lines {
		b.t.Logf("browser console: %s", l)
	}
}

// fail records what the page looked like and ends the test: a full-page
// screenshot, the console errors, the URL and the visible text.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		b.t.Logf("browser: page %s", strings.TrimPrefix(loc, b.base))
	}
	if text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`)); err == nil {
		if len(text) > 2000 {
			text = text[:2000] + "…"
		}
		b.t.Logf("browser: page text:\n%s", text)
	}
	fields := `Array.from(document.querySelectorAll("input[id]")).map(i =>
		"#" + i.id + "=" + (i.type === "password" ? "(" + i.value.length + " characters)" : JSON.stringify(i.value)) +
		(i.getAttribute("aria-invalid") === "true" ? " invalid" : "")).join(", ")`
	if s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fields)); err == nil && s != "" {
		b.t.Logf("browser: inputs: %s", s)
	}
	b.screenshot(ctx, "failure")
	b.logConsole()
	b.t.Fatal(msg)
}

// screenshot saves a full-page PNG into the test's temporary directory, or
// into $CUSTOMERAUTH_BROWSER_ARTIFACTS when set (t.TempDir is removed when
// the test ends), and logs its path.
func (b *browser) screenshot(ctx context.Context, name string) {
	b.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("browser: no screenshot: %v", err)
		return
	}
	dir := os.Getenv("CUSTOMERAUTH_BROWSER_ARTIFACTS")
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("browser: no screenshot: %v", err)
		return
	}
	b.mu.Lock()
	b.shots++
	file := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", strings.ReplaceAll(b.t.Name(), "/", "_"), name, b.shots))
	b.mu.Unlock()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("browser: no screenshot: %v", err)
		return
	}
	b.t.Logf("browser: screenshot saved to %s", file)
}

// snap saves a screenshot of the page as it is now, when
// $CUSTOMERAUTH_BROWSER_ARTIFACTS asks for them; it lets a person look at
// the pages a run went through.
func (b *browser) snap(name string) {
	b.t.Helper()
	if os.Getenv("CUSTOMERAUTH_BROWSER_ARTIFACTS") == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	b.screenshot(ctx, name)
}

// do runs actions with a time limit, failing the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// waitFor polls the JavaScript expression until it is true. It keeps
// polling across navigations, during which evaluation fails.
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail("timed out waiting for %s (last error: %v)", what, err)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// open loads the path and waits until app.js is ready on it.
func (b *browser) open(path, wantPath string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
	b.waitPage(wantPath)
}

// waitPage waits until the browser shows the page at path and its script has
// set up the page.
func (b *browser) waitPage(path string) {
	b.t.Helper()
	b.waitFor("page "+path, `location.pathname === `+js(path)+` && document.body && document.body.dataset.ready === "true"`)
}

// fill replaces the value of the input by typing.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.do("fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+js(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value))
	b.waitFor("the value of "+sel, `document.querySelector(`+js(sel)+`).value === `+js(value))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%s to show %q", sel, want),
		`(() => { const el = document.querySelector(`+js(sel)+`); return !!el && el.textContent.includes(`+js(want)+`); })()`)
}

// text returns the element's text.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// setValue sets the input's value as a paste would, for a value too long
// to type key by key.
func (b *browser) setValue(sel, value string) {
	b.t.Helper()
	b.do("set "+sel, chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.querySelector(`+js(sel)+`);
		el.value = `+js(value)+`;
		el.dispatchEvent(new Event("input", { bubbles: true }));
	})()`))
}

// report logs the page's console errors and warnings and how long the test
// took, and fails the test on an uncaught exception or a content security
// policy violation. Deferred by each browser test.
func (b *browser) report(start time.Time) {
	b.t.Helper()
	lines, serious := b.problems()
	for _, l := range lines {
		b.t.Logf("browser console: %s", l)
	}
	if serious {
		b.t.Error("the pages threw an exception or broke the content security policy; see the console lines above")
	}
	b.t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// token returns the customer access token in the browser's cookie; the
// page's script writes it unescaped, as it is hex.
func (b *browser) token() string {
	b.t.Helper()
	c := b.tokenCookie()
	if c == nil || c.Value == "" {
		b.fail("no token cookie")
	}
	return c.Value
}

// mustJSON encodes v, which cannot fail for the strings tests encode.
func mustJSON(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// tokenCookie returns the customer_access_token cookie of the server, or
// nil.
func (b *browser) tokenCookie() *network.Cookie {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base + "/"}})
	if err != nil {
		b.fail("read cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == customerauth.AccessTokenCookie {
			return c
		}
	}
	return nil
}

// link returns the link of the newest email of the kind to the address,
// waiting for it to be sent, as a shopper would open it.
func (b *browser) link(mail *notifytest.Outbox, kind customerauth.NotificationKind, email string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.t.Context(), 5*time.Second)
	defer cancel()
	n, err := mail.Await(ctx, kind, email)
	if err != nil || n.URL == "" {
		b.fail("no %v email with a link to %s: %v", kind, email, err)
	}
	return n.URL
}
