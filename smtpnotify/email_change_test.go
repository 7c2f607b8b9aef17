package smtpnotify_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

func TestNotifyEmailChanged(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
	err := n.Notify(context.Background(), customerauth.Notification{
		Kind: customerauth.NotifyEmailChanged, Email: "ann@example.com", NewEmail: "Anna.Lee+shop@Mail.example.net",
		CustomerID: "c1", FirstName: "Ann", LastName: "Lee",
	})
	if err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := only(t, b)
	if len(got.To) != 1 || got.To[0] != "ann@example.com" {
		t.Errorf("envelope to %q, want the old address only", got.To)
	}
	m := parseMessage(t, got.Data)
	if want := "The email address of your Test Shop account was changed"; m.Subject != want {
		t.Errorf("Subject %q, want %q", m.Subject, want)
	}
	if len(m.To) != 1 || m.To[0].Address != "ann@example.com" {
		t.Errorf("To %v", m.To)
	}
	for part, body := range map[string]string{"text": m.Text, "HTML": m.HTML} {
		for _, want := range []string{
			"Hi Ann,",
			"changed from ann@example.com to A***@Mail.example.net.", // what changed, the new address masked
			"If you made this change, there is nothing more to do.",
			"Contact Test Shop right away", // what to do if it was not them
			"Forgot your password?",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s part lacks %q:\n%s", part, want, body)
			}
		}
		if strings.Contains(body, "Anna.Lee") || strings.Contains(body, "+shop") {
			t.Errorf("%s part shows the new address's local part:\n%s", part, body)
		}
		if strings.Contains(body, "http") || strings.Contains(body, "/account/") {
			t.Errorf("%s part has a link:\n%s", part, body)
		}
	}
	if strings.Contains(m.HTML, "<a ") || !strings.Contains(m.HTML, "<strong>If you didn't</strong>") {
		t.Errorf("HTML part:\n%s", m.HTML)
	}
}

func TestMaskedNewEmail(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"ann@example.com":      "a***@example.com",
		"a@b.example":          "a***@b.example",
		"zoë.ł@exämple.de":     "z***@exämple.de",
		"Édouard@example.fr":   "É***@example.fr",
		"weird@at@example.com": "w***@example.com",
		"no-at-sign":           "***",
		"@example.com":         "***",
	} {
		if got := (smtpnotify.TemplateData{NewEmail: in}).MaskedNewEmail(); got != want {
			t.Errorf("MaskedNewEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// A shop's own template may show the whole new address; the HTML one
// escapes it.
func TestEmailChangedTemplateOverride(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), func(c *smtpnotify.Config) {
		c.Templates = map[customerauth.NotificationKind]smtpnotify.Template{
			customerauth.NotifyEmailChanged: {Text: "now {{.NewEmail}}\n", HTML: "<p>now {{.NewEmail}}</p>"},
		}
	})
	if err := n.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyEmailChanged, Email: "ann@example.com", NewEmail: "a&b@example.net"}); err != nil {
		t.Fatal(err)
	}
	m := parseMessage(t, only(t, b).Data)
	if m.Text != "now a&b@example.net\n" || m.HTML != "<p>now a&amp;b@example.net</p>" {
		t.Errorf("bodies:\n%s\n%s", m.Text, m.HTML)
	}
}

// TestWithServiceEmailChanged: a customerUpdate that changes the email
// mails the old address through this Notifier.
func TestWithServiceEmailChanged(t *testing.T) {
	b := &backend{}
	n := notifierFor(t, startServer(t, b, serverOpts{}), nil)
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
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "first password 1", FirstName: "Ann"}); err != nil {
		t.Fatal(err)
	}
	tok, err := svc.CreateAccessToken(ctx, "ann@example.com", "first password 1")
	if err != nil {
		t.Fatal(err)
	}
	newEmail := "ann.lee@example.org"
	if _, _, err := svc.UpdateCustomer(ctx, tok.Token, customerauth.CustomerUpdateInput{Email: &newEmail}); err != nil {
		t.Fatal(err)
	}
	msgs := b.messages()
	if len(msgs) != 2 {
		t.Fatalf("server has %d messages, want 2 (welcome, email changed)", len(msgs))
	}
	m := parseMessage(t, msgs[1].Data)
	if m.To[0].Address != "ann@example.com" || !strings.Contains(m.Text, "to a***@example.org") {
		t.Errorf("to %v:\n%s", m.To, m.Text)
	}
}
