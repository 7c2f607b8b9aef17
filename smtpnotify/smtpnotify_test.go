package smtpnotify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

const (
	testLink     = "https://shop.example/account/reset/0195f3a0-0000-7000-8000-000000000001/9f86d081884c7d659a2feaa0c55ad015"
	testToken    = "9f86d081884c7d659a2feaa0c55ad015"
	testPassword = "smtp-s3cret-pass"
)

// notifierFor makes a Notifier for a test server on 127.0.0.1:port without
// TLS; edit adjusts the Config first.
func notifierFor(t *testing.T, port int, edit func(*smtpnotify.Config)) *smtpnotify.Notifier {
	t.Helper()
	cfg := smtpnotify.Config{
		Host:      "127.0.0.1",
		Port:      port,
		From:      "Test Shop <no-reply@shop.example>",
		ShopName:  "Test Shop",
		TLSPolicy: smtpnotify.TLSNone,
		Timeout:   5 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	n, err := smtpnotify.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return n
}

func only(t *testing.T, b *backend) received {
	t.Helper()
	msgs := b.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func TestNotifyKinds(t *testing.T) {
	tests := []struct {
		kind    customerauth.NotificationKind
		url     string
		subject string
		button  string // link text in the HTML part
	}{
		{customerauth.NotifyWelcome, "", "Welcome to Test Shop", ""},
		{customerauth.NotifyActivation, strings.Replace(testLink, "/reset/", "/activate/", 1), "Activate your account at Test Shop", "Activate your account"},
		{customerauth.NotifyPasswordReset, testLink, "Reset your password for Test Shop", "Reset your password"},
		{customerauth.NotifyPasswordChanged, "", "Your password for Test Shop was changed", ""},
		{customerauth.NotifyAccountExists, "", "You already have an account at Test Shop", ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			b := &backend{}
			n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
			err := n.Notify(context.Background(), customerauth.Notification{
				Kind: tt.kind, Email: "ann@example.com", URL: tt.url,
				CustomerID: "c1", FirstName: "Ann", LastName: "Lee",
			})
			if err != nil {
				t.Fatalf("Notify: %v", err)
			}
			got := only(t, b)
			if got.From != "no-reply@shop.example" || len(got.To) != 1 || got.To[0] != "ann@example.com" {
				t.Errorf("envelope from %q to %q", got.From, got.To)
			}
			m := parseMessage(t, got.Data)
			if m.Subject != tt.subject {
				t.Errorf("Subject %q, want %q", m.Subject, tt.subject)
			}
			if m.From.Address != "no-reply@shop.example" || m.From.Name != "Test Shop" {
				t.Errorf("From %v", m.From)
			}
			if len(m.To) != 1 || m.To[0].Address != "ann@example.com" || m.To[0].Name != "Ann Lee" {
				t.Errorf("To %v", m.To)
			}
			if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@shop.example>") {
				t.Errorf("Message-ID %q does not name the sender's domain", id)
			}
			if m.Header.Get("Date") == "" {
				t.Error("no Date header")
			}
			if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
				t.Errorf("Auto-Submitted %q", got)
			}
			if ua := m.Header.Get("User-Agent") + m.Header.Get("X-Mailer"); ua != "" {
				t.Errorf("the message advertises its mailer: %q", ua)
			}
			for part, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
				if !strings.Contains(body, "Ann") || !strings.Contains(body, "Test Shop") {
					t.Errorf("%s part lacks the name or the shop:\n%s", part, body)
				}
				if tt.url != "" {
					// Once in the text; in the HTML, once behind the
					// button and once as text to copy.
					want := map[string]int{"text": 1, "HTML": 2}[part]
					if c := strings.Count(body, tt.url); c != want {
						t.Errorf("%s part has the link %d times, want %d:\n%s", part, c, want, body)
					}
				} else if strings.Contains(body, "http") || strings.Contains(body, "/account/") {
					t.Errorf("%s part has a link it should not have:\n%s", part, body)
				}
			}
			if tt.url != "" {
				want := `href="` + html.EscapeString(tt.url) + `"`
				if !strings.Contains(m.HTML, want) || !strings.Contains(m.HTML, tt.button+"</a>") {
					t.Errorf("HTML part lacks %s with text %q:\n%s", want, tt.button, m.HTML)
				}
			} else if strings.Contains(m.HTML, "<a ") {
				t.Errorf("HTML part has an anchor:\n%s", m.HTML)
			}
			if !strings.Contains(m.HTML, "<title>"+html.EscapeString(tt.subject)+"</title>") {
				t.Errorf("HTML title is not the subject:\n%s", m.HTML)
			}
		})
	}
}

func TestNotifyEscapesNamesInHTML(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	err := n.Notify(context.Background(), customerauth.Notification{
		Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink,
		FirstName: "<b>Ann</b>", LastName: `O'Brien & "Co"`,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := parseMessage(t, only(t, b).Data)
	if strings.Contains(m.HTML, "<b>") {
		t.Errorf("HTML part has the name unescaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, "&lt;b&gt;Ann&lt;/b&gt;") {
		t.Errorf("HTML part lacks the escaped name:\n%s", m.HTML)
	}
	// Plain text is not markup: the name appears as typed.
	if !strings.Contains(m.Text, "Hi <b>Ann</b>,") {
		t.Errorf("text part lacks the name as typed:\n%s", m.Text)
	}
	if len(m.To) != 1 || m.To[0].Name != `<b>Ann</b> O'Brien & "Co"` {
		t.Errorf("To %v", m.To)
	}
}

func TestNotifyWithoutNames(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) { c.ShopName = "" })
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	m := parseMessage(t, only(t, b).Data)
	if m.Subject != "Welcome to our shop" || !strings.HasPrefix(m.Text, "Hello,\n") {
		t.Errorf("subject %q, text:\n%s", m.Subject, m.Text)
	}
	if len(m.To) != 1 || m.To[0].Name != "" {
		t.Errorf("To %v", m.To)
	}
}

func TestNotifyAuthenticates(t *testing.T) {
	b := &backend{user: "shop", pass: testPassword}
	port := startServer(t, b, serverOpts{})
	n := notifierFor(t, port, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"}); err != nil {
		t.Fatal(err)
	}
	if got := only(t, b); got.User != "shop" {
		t.Errorf("server saw user %q", got.User)
	}

	wrong := notifierFor(t, port, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", "wrong-"+testPassword })
	err := wrong.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink})
	assertSafeError(t, err, "wrong-"+testPassword)
	var se *smtpnotify.SendError
	if !errors.As(err, &se) || se.Code != 535 || se.Temporary {
		t.Errorf("error %#v, want code 535, permanent", se)
	}
	if len(b.messages()) != 1 {
		t.Error("a message went through with a wrong password")
	}
}

// assertSafeError checks that err is a *SendError whose text, in any
// format, holds neither the link nor the password.
func assertSafeError(t *testing.T, err error, password string) {
	t.Helper()
	if err == nil {
		t.Fatal("Notify succeeded, want an error")
	}
	var se *smtpnotify.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %T is not a *SendError: %v", err, err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, secret := range []string{testLink, testToken, password} {
			if strings.Contains(s, secret) {
				t.Errorf("error reveals %q: %s", secret, s)
			}
		}
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		if s := e.Error(); strings.Contains(s, testToken) || strings.Contains(s, password) {
			t.Errorf("wrapped error reveals a secret: %s", s)
		}
	}
}

func TestNotifyRecipientRefused(t *testing.T) {
	for _, tt := range []struct {
		code      int
		temporary bool
	}{{550, false}, {450, true}} {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			b := &backend{user: "shop", pass: testPassword, rcptErr: func(to string) error {
				return &smtp.SMTPError{Code: tt.code, EnhancedCode: smtp.EnhancedCode{tt.code / 100, 1, 1}, Message: "no mailbox " + to}
			}}
			n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
			err := n.Notify(context.Background(), customerauth.Notification{
				Kind: customerauth.NotifyPasswordReset, Email: "nobody@example.com", URL: testLink,
			})
			assertSafeError(t, err, testPassword)
			var se *smtpnotify.SendError
			errors.As(err, &se)
			if se.Code != tt.code || se.Temporary != tt.temporary || se.Kind != customerauth.NotifyPasswordReset {
				t.Errorf("got code %d temporary %v kind %v", se.Code, se.Temporary, se.Kind)
			}
			if !strings.Contains(err.Error(), "password_reset") || !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("error does not say what failed: %v", err)
			}
			if len(b.messages()) != 0 {
				t.Error("server kept a message")
			}
		})
	}
}

// A server that quotes the message in its refusal must not get the link
// into the error.
func TestNotifyRedactsServerReply(t *testing.T) {
	b := &backend{dataErr: &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "rejected content: " + testLink}}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	err := n.Notify(context.Background(), customerauth.Notification{
		Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink,
	})
	assertSafeError(t, err, testPassword)
	if !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error %q, want the quoted link redacted", err)
	}
}

// Once the server has accepted the message, a failure of RSET or QUIT does
// not make Notify fail: the customer gets the email.
func TestNotifyDeliveredThenDisconnected(t *testing.T) {
	b := &backend{hangUp: true}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	only(t, b)
}

func TestNotifyInvalidRecipient(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	for _, email := range []string{"", "not an address", "ann@example.com, eve@evil.example", "Eve <eve@evil.example>"} {
		err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: email, URL: testLink})
		assertSafeError(t, err, testPassword)
	}
	if len(b.messages()) != 0 {
		t.Error("a message was sent")
	}
	for _, link := range []string{"", "/account/reset/1/2", "javascript:alert(1)", "ftp://shop.example/x"} {
		err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: link})
		if err == nil || !strings.Contains(err.Error(), "link") {
			t.Errorf("link %q: %v", link, err)
		}
	}
	if len(b.messages()) != 0 {
		t.Error("a message was sent")
	}
	err := n.Notify(context.Background(), customerauth.Notification{Kind: 99, Email: "ann@example.com"})
	if err == nil || !strings.Contains(err.Error(), "unknown notification kind") {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestNotifyUnreachable(t *testing.T) {
	// A port that was just free: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	n := notifierFor(t, port, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	err = n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink})
	assertSafeError(t, err, testPassword)
	var se *smtpnotify.SendError
	errors.As(err, &se)
	if !se.Temporary || se.Code != 0 {
		t.Errorf("temporary %v code %d, want a temporary failure without code", se.Temporary, se.Code)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not unwrap to ECONNREFUSED", err)
	}
}

func TestNotifyHonoursDeadlines(t *testing.T) {
	t.Run("context", func(t *testing.T) {
		b := &backend{block: make(chan struct{})}
		n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := n.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Notify took %v after the deadline", d)
		}
		assertSafeError(t, err, testPassword)
	})
	t.Run("cancel", func(t *testing.T) {
		b := &backend{block: make(chan struct{})}
		n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		err := n.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
	t.Run("Config.Timeout", func(t *testing.T) {
		b := &backend{block: make(chan struct{})}
		n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) { c.Timeout = 200 * time.Millisecond })
		start := time.Now()
		err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"})
		var se *smtpnotify.SendError
		if !errors.As(err, &se) || !se.Temporary {
			t.Fatalf("error %v, want a temporary *SendError", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Notify took %v with a 200ms timeout", d)
		}
	})
}

func TestNotifySTARTTLS(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	b := &backend{user: "shop", pass: testPassword}
	port := startServer(t, b, serverOpts{startTLS: serverTLS})

	// The default policy, TLSMandatory, with the test CA trusted.
	n, err := smtpnotify.New(smtpnotify.Config{
		Host: "127.0.0.1", Port: port, Username: "shop", Password: testPassword,
		From: "no-reply@shop.example", TLSConfig: &tls.Config{RootCAs: roots},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink}); err != nil {
		t.Fatal(err)
	}
	if got := only(t, b); !got.TLS || got.User != "shop" {
		t.Errorf("TLS %v user %q, want an authenticated TLS session", got.TLS, got.User)
	}

	// Without the CA the certificate does not verify: nothing is sent,
	// not even the password.
	untrusting := notifierFor(t, port, func(c *smtpnotify.Config) {
		c.TLSPolicy, c.Username, c.Password = smtpnotify.TLSMandatory, "shop", testPassword
	})
	err = untrusting.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink})
	assertSafeError(t, err, testPassword)
	if b.auths() != 1 || len(b.messages()) != 1 {
		t.Errorf("after a failed verification: %d auths, %d messages", b.auths(), len(b.messages()))
	}
}

func TestNotifyOpportunisticTLS(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	for _, offer := range []bool{true, false} {
		t.Run(fmt.Sprint("offered=", offer), func(t *testing.T) {
			b := &backend{}
			o := serverOpts{}
			if offer {
				o.startTLS = serverTLS
			}
			n := notifierFor(t, startServer(t, b, o), func(c *smtpnotify.Config) {
				c.TLSPolicy = smtpnotify.TLSOpportunistic
				c.TLSConfig = &tls.Config{RootCAs: roots}
			})
			if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"}); err != nil {
				t.Fatal(err)
			}
			if got := only(t, b); got.TLS != offer {
				t.Errorf("TLS %v, want %v", got.TLS, offer)
			}
		})
	}
}

func TestNotifyMandatoryTLSRefusesPlainServer(t *testing.T) {
	b := &backend{user: "shop", pass: testPassword}
	n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) {
		c.TLSPolicy, c.Username, c.Password = smtpnotify.TLSMandatory, "shop", testPassword
	})
	err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink})
	assertSafeError(t, err, testPassword)
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q does not mention STARTTLS", err)
	}
	if b.auths() != 0 || len(b.messages()) != 0 {
		t.Errorf("%d auths, %d messages over a connection without TLS", b.auths(), len(b.messages()))
	}
}

func TestNotifyImplicitTLS(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	b := &backend{user: "shop", pass: testPassword}
	n := notifierFor(t, startServer(t, b, serverOpts{implicit: serverTLS}), func(c *smtpnotify.Config) {
		c.TLSPolicy, c.Username, c.Password = smtpnotify.TLSImplicit, "shop", testPassword
		c.TLSConfig = &tls.Config{RootCAs: roots}
	})
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyActivation, Email: "ann@example.com", URL: testLink}); err != nil {
		t.Fatal(err)
	}
	if got := only(t, b); !got.TLS || got.User != "shop" {
		t.Errorf("TLS %v user %q", got.TLS, got.User)
	}
}

func TestNotifyIPv6(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		_ = ln.Close()
	}
	for _, host := range []string{"::1", "[::1]"} {
		b := &backend{user: "shop", pass: testPassword}
		port := startServer(t, b, serverOpts{addr: "[::1]:0"})
		n := notifierFor(t, port, func(c *smtpnotify.Config) { c.Host, c.Username, c.Password = host, "shop", testPassword })
		if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"}); err != nil {
			t.Fatalf("host %s: %v", host, err)
		}
		only(t, b)
	}
}

func TestNotifyConcurrent(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			err := n.Notify(context.Background(), customerauth.Notification{
				Kind: customerauth.NotifyPasswordReset, Email: fmt.Sprintf("c%d@example.com", i), URL: testLink + fmt.Sprint(i),
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(b.messages()); got != 8 {
		t.Errorf("%d messages, want 8", got)
	}
}

func TestTemplates(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) {
		c.Templates = map[customerauth.NotificationKind]smtpnotify.Template{
			// Only the subject: the bodies stay built in.
			customerauth.NotifyWelcome: {Subject: "Hello {{.Name}}, from {{.ShopName}}\r\nBcc: eve@evil.example"},
			customerauth.NotifyPasswordReset: {
				Text: "Reset: {{.URL}}\n",
				HTML: `<p>{{.Name}}: <a href="{{.URL}}">reset</a></p>`,
			},
		}
	})
	ctx := context.Background()
	if err := n.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com", FirstName: "Ann", LastName: "Lee"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: testLink, FirstName: "<i>Ann</i>"}); err != nil {
		t.Fatal(err)
	}
	msgs := b.messages()
	welcome := parseMessage(t, msgs[0].Data)
	if welcome.Subject != "Hello Ann Lee, from Test Shop Bcc: eve@evil.example" || welcome.Header.Get("Bcc") != "" {
		t.Errorf("subject %q, Bcc %q", welcome.Subject, welcome.Header.Get("Bcc"))
	}
	if len(msgs[0].To) != 1 {
		t.Errorf("envelope recipients %q", msgs[0].To)
	}
	if !strings.Contains(welcome.Text, "Welcome to Test Shop!") {
		t.Errorf("built-in text body lost:\n%s", welcome.Text)
	}
	reset := parseMessage(t, msgs[1].Data)
	if reset.Text != "Reset: "+testLink+"\n" || reset.HTML != `<p>&lt;i&gt;Ann&lt;/i&gt;: <a href="`+testLink+`">reset</a></p>` {
		t.Errorf("custom bodies:\n%s\n%s", reset.Text, reset.HTML)
	}
	if reset.Subject != "Reset your password for Test Shop" {
		t.Errorf("built-in subject lost: %q", reset.Subject)
	}
}

func TestNewValidates(t *testing.T) {
	valid := smtpnotify.Config{Host: "smtp.example.com", From: "Shop <no-reply@shop.example>"}
	if n, err := smtpnotify.New(valid); err != nil || n == nil {
		t.Fatalf("New(valid) = %v, %v", n, err)
	}
	tmpl := func(k customerauth.NotificationKind, t smtpnotify.Template) func(*smtpnotify.Config) {
		return func(c *smtpnotify.Config) { c.Templates = map[customerauth.NotificationKind]smtpnotify.Template{k: t} }
	}
	for name, edit := range map[string]func(*smtpnotify.Config){
		"no host":              func(c *smtpnotify.Config) { c.Host = "" },
		"host with port":       func(c *smtpnotify.Config) { c.Host = "smtp.example.com:587" },
		"host with scheme":     func(c *smtpnotify.Config) { c.Host = "smtp://smtp.example.com" },
		"no from":              func(c *smtpnotify.Config) { c.From = "" },
		"bad from":             func(c *smtpnotify.Config) { c.From = "Shop no-reply" },
		"two froms":            func(c *smtpnotify.Config) { c.From = "a@shop.example, b@shop.example" },
		"port too big":         func(c *smtpnotify.Config) { c.Port = 70000 },
		"negative port":        func(c *smtpnotify.Config) { c.Port = -1 },
		"negative timeout":     func(c *smtpnotify.Config) { c.Timeout = -time.Second },
		"username only":        func(c *smtpnotify.Config) { c.Username = "shop" },
		"password only":        func(c *smtpnotify.Config) { c.Password = "pw" },
		"unknown TLS policy":   func(c *smtpnotify.Config) { c.TLSPolicy = 9 },
		"unknown kind":         tmpl(42, smtpnotify.Template{Subject: "x"}),
		"syntax error":         tmpl(customerauth.NotifyWelcome, smtpnotify.Template{Text: "{{.ShopName"}),
		"html syntax error":    tmpl(customerauth.NotifyWelcome, smtpnotify.Template{HTML: "{{if}}"}),
		"unknown field":        tmpl(customerauth.NotifyWelcome, smtpnotify.Template{Text: "{{.Url}}"}),
		"empty subject":        tmpl(customerauth.NotifyWelcome, smtpnotify.Template{Subject: "{{/* nothing */}} "}),
		"reset text no link":   tmpl(customerauth.NotifyPasswordReset, smtpnotify.Template{Text: "Reset your password."}),
		"reset html no link":   tmpl(customerauth.NotifyPasswordReset, smtpnotify.Template{HTML: "<p>Reset your password.</p>"}),
		"activation no link":   tmpl(customerauth.NotifyActivation, smtpnotify.Template{Text: "Hi {{.FirstName}}"}),
		"link only as a query": tmpl(customerauth.NotifyActivation, smtpnotify.Template{HTML: `<a href="/go?to={{.URL}}">go</a>`}),
	} {
		t.Run(name, func(t *testing.T) {
			cfg := valid
			edit(&cfg)
			if n, err := smtpnotify.New(cfg); err == nil {
				t.Errorf("New accepted %+v: %v", cfg, n)
			} else if !strings.HasPrefix(err.Error(), "smtpnotify: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestNewDoesNotRevealPasswordInErrors(t *testing.T) {
	_, err := smtpnotify.New(smtpnotify.Config{Host: "smtp.example.com", From: "bad", Username: "u", Password: testPassword})
	if err == nil || strings.Contains(err.Error(), testPassword) {
		t.Errorf("error %v", err)
	}
}

func TestTLSPolicyString(t *testing.T) {
	for p, want := range map[smtpnotify.TLSPolicy]string{
		smtpnotify.TLSMandatory: "mandatory", smtpnotify.TLSImplicit: "implicit",
		smtpnotify.TLSOpportunistic: "opportunistic", smtpnotify.TLSNone: "none", 7: "TLSPolicy(7)",
	} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint8(p), got, want)
		}
	}
}

var linkPattern = regexp.MustCompile(`https://shop\.example/account/(?:reset|activate)/\S+`)

// linkIn returns the one link in a message's text part.
func linkIn(t *testing.T, m parsed) string {
	t.Helper()
	links := linkPattern.FindAllString(m.Text, -1)
	if len(links) != 1 {
		t.Fatalf("text part has %d links, want 1:\n%s", len(links), m.Text)
	}
	if c := strings.Count(m.HTML, `href="`+html.EscapeString(links[0])+`"`); c != 1 {
		t.Fatalf("HTML part has the text part's link %d times:\n%s", c, m.HTML)
	}
	return links[0]
}

// TestWithService runs the customer-account flows of a customerauth.Service
// against a real SMTP server, following the links from the messages.
func TestWithService(t *testing.T) {
	b := &backend{user: "shop", pass: testPassword}
	n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	svc, err := customerauth.New(customerauth.Config{
		Notifier: n,
		ShopURL:  "https://shop.example",
		Argon2:   customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	next := func(want int) parsed {
		t.Helper()
		msgs := b.messages()
		if len(msgs) != want {
			t.Fatalf("server has %d messages, want %d", len(msgs), want)
		}
		return parseMessage(t, msgs[want-1].Data)
	}

	// Registration: a welcome message without a link.
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{
		Email: "ann@example.com", Password: "first password 1", FirstName: "Ann", LastName: "O'Brien",
	}); err != nil {
		t.Fatal(err)
	}
	welcome := next(1)
	if welcome.Subject != "Welcome to Test Shop" || welcome.To[0].Address != "ann@example.com" {
		t.Errorf("welcome: subject %q to %v", welcome.Subject, welcome.To)
	}
	if linkPattern.MatchString(welcome.Text) || strings.Contains(welcome.HTML, "href") {
		t.Error("welcome message has a link")
	}
	if welcome.To[0].Name != "Ann O'Brien" || !strings.Contains(welcome.HTML, "Hi Ann,") {
		t.Errorf("welcome: To %v, HTML:\n%s", welcome.To, welcome.HTML)
	}

	// Password reset with the link from the email.
	if err := svc.Recover(ctx, "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	reset := next(2)
	if reset.Subject != "Reset your password for Test Shop" {
		t.Errorf("reset subject %q", reset.Subject)
	}
	link := linkIn(t, reset)
	if !strings.Contains(link, "/account/reset/") {
		t.Fatalf("reset link %q", link)
	}
	if _, tok, err := svc.ResetPasswordByURL(ctx, link, "a new password 1"); err != nil || tok == nil {
		t.Fatalf("ResetPasswordByURL: %v, %v", tok, err)
	}
	changed := next(3)
	if changed.Subject != "Your password for Test Shop was changed" || linkPattern.MatchString(changed.Text) {
		t.Errorf("password changed: subject %q\n%s", changed.Subject, changed.Text)
	}
	if tok, err := svc.CreateAccessToken(ctx, "ann@example.com", "a new password 1"); err != nil || tok == nil || tok.Token == "" {
		t.Fatalf("CreateAccessToken with the new password: %v, %v", tok, err)
	}
	if _, err := svc.CreateAccessToken(ctx, "ann@example.com", "first password 1"); err == nil {
		t.Error("the old password still works")
	}
	if _, _, err := svc.ResetPasswordByURL(ctx, link, "another password 2"); err == nil {
		t.Error("the reset link works twice")
	}

	// Invitation and activation with the link from the email.
	if _, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "bob@example.com", FirstName: "Bob"}); err != nil {
		t.Fatal(err)
	}
	invite := next(4)
	if invite.Subject != "Activate your account at Test Shop" || invite.To[0].Address != "bob@example.com" {
		t.Errorf("activation: subject %q to %v", invite.Subject, invite.To)
	}
	link = linkIn(t, invite)
	if !strings.Contains(link, "/account/activate/") {
		t.Fatalf("activation link %q", link)
	}
	c, tok, err := svc.ActivateByURL(ctx, link, "bob's password 1")
	if err != nil || tok == nil || c.State != customerauth.StateEnabled {
		t.Fatalf("ActivateByURL: %v, %v, %v", c, tok, err)
	}
	if _, err := svc.CreateAccessToken(ctx, "bob@example.com", "bob's password 1"); err != nil {
		t.Fatalf("CreateAccessToken after activation: %v", err)
	}
}

// A failing server makes Recover fail with an error that reveals neither
// the link nor the SMTP password.
func TestWithServiceSendFailure(t *testing.T) {
	b := &backend{user: "shop", pass: testPassword}
	port := startServer(t, b, serverOpts{})
	ok := notifierFor(t, port, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	failing := &switchable{n: ok}
	svc, err := customerauth.New(customerauth.Config{
		Notifier: failing,
		ShopURL:  "https://shop.example",
		Argon2:   customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "first password 1"}); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.rcptErr = func(string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox gone"}
	}
	b.mu.Unlock()
	err = svc.Recover(ctx, "ann@example.com")
	if err == nil {
		t.Fatal("Recover succeeded with a refusing server")
	}
	if !strings.Contains(err.Error(), "550") || strings.Contains(err.Error(), "/account/reset/") || strings.Contains(err.Error(), testPassword) {
		t.Errorf("Recover error %q", err)
	}
	if got := failing.lastURL(); got == "" || strings.Contains(err.Error(), got) {
		t.Errorf("link %q in error %q", got, err)
	}
}

// switchable passes notifications on and remembers the last link, so the
// test knows what must not leak.
type switchable struct {
	n   customerauth.Notifier
	mu  sync.Mutex
	url string
}

func (s *switchable) Notify(ctx context.Context, n customerauth.Notification) error {
	s.mu.Lock()
	if n.URL != "" {
		s.url = n.URL
	}
	s.mu.Unlock()
	return s.n.Notify(ctx, n)
}

func (s *switchable) lastURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

func TestNotifierPrintsWithoutPassword(t *testing.T) {
	n := notifierFor(t, 2525, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, n); strings.Contains(s, testPassword) {
			t.Errorf("%s shows the password: %s", verb, s)
		}
	}
}

// TestWithServiceHiddenSendFailureIsLoggedNotAnswered: with
// HideAccountExistence, a failed reset email answers like an unknown
// address (no error), so delivery failures do not reveal which addresses
// have accounts; the failure is logged without the link.
func TestWithServiceHiddenSendFailureIsLoggedNotAnswered(t *testing.T) {
	b := &backend{user: "shop", pass: testPassword}
	port := startServer(t, b, serverOpts{})
	n := notifierFor(t, port, func(c *smtpnotify.Config) { c.Username, c.Password = "shop", testPassword })
	var logs strings.Builder
	svc, err := customerauth.New(customerauth.Config{
		Notifier: n, ShopURL: "https://shop.example", HideAccountExistence: true,
		Argon2: customerauth.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1},
		Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "first password 1"}); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	b.rcptErr = func(string) error {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox gone"}
	}
	b.mu.Unlock()
	if err := svc.Recover(ctx, "ann@example.com"); err != nil {
		t.Fatalf("Recover = %v, want the answer of an unknown address", err)
	}
	if got := logs.String(); !strings.Contains(got, "notification failed") || strings.Contains(got, "/account/reset/") {
		t.Errorf("log = %q, want the failure logged without the link", got)
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
