package smtpnotify_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/i18n"
	"github.com/shopkit/customerauth/smtpnotify"
)

// languageCase is what the built-in messages of one language must show,
// for Ann Lee.
type languageCase struct {
	code     string // the Shopify LanguageCode a customer has
	greeting string
	day      string // LinkValidFor 24 hours, written out
	month    string // LinkValidFor 30 days, written out
}

// languages holds a case for every language i18n serves, keyed by its tag.
var languages = map[string]languageCase{
	"en": {"EN", "Hi Ann,", "24 hours", "30 days"},
	"fr": {"FR", "Bonjour Ann,", "24 heures", "30 jours"},
	"de": {"DE", "Hallo Ann,", "24 Stunden", "30 Tage"},
	"es": {"ES", "Hola, Ann:", "24 horas", "30 días"},
	"it": {"IT", "Ciao Ann,", "24 ore", "30 giorni"},
	"nl": {"NL", "Hallo Ann,", "24 uur", "30 dagen"},
	"pt": {"PT", "Olá, Ann!", "24 horas", "30 dias"},
	"ja": {"JA", "Lee Ann 様", "24時間", "30日間"},
}

// allKinds lists every kind of notification, with the link it carries and
// for how long the link works, as the Service sends them.
var allKinds = []struct {
	kind     customerauth.NotificationKind
	url      string
	validFor time.Duration
}{
	{customerauth.NotifyWelcome, "", 0},
	{customerauth.NotifyActivation, "https://shop.example/account/activate/c1/0123456789abcdef0123456789abcdef-1767323045", 30 * 24 * time.Hour},
	{customerauth.NotifyPasswordReset, testLink, 24 * time.Hour},
	{customerauth.NotifyPasswordChanged, "", 0},
	{customerauth.NotifyAccountExists, "", 0},
	{customerauth.NotifyEmailChanged, "", 0},
	{customerauth.NotifyInvitation, "https://shop.example/account/activate/c2/fedcba9876543210fedcba9876543210-1767323045", 30 * 24 * time.Hour},
}

// sendAll sends notification n through a Notifier made with edit, once for
// each language code given, and returns the messages in that order.
func sendAll(t *testing.T, edit func(*smtpnotify.Config), ns ...customerauth.Notification) []parsed {
	t.Helper()
	b := &backend{}
	nt := notifierFor(t, startServer(t, b, serverOpts{}), edit)
	for _, n := range ns {
		if err := nt.Notify(context.Background(), n); err != nil {
			t.Fatalf("Notify(%s in %q): %v", n.Kind, n.Language, err)
		}
	}
	msgs := b.messages()
	if len(msgs) != len(ns) {
		t.Fatalf("server got %d messages, want %d", len(msgs), len(ns))
	}
	out := make([]parsed, len(msgs))
	for i, m := range msgs {
		out[i] = parseMessage(t, m.Data)
	}
	return out
}

// notification returns the notification of kind k to Ann Lee in code.
func notification(k customerauth.NotificationKind, url string, validFor time.Duration, code string) customerauth.Notification {
	n := customerauth.Notification{
		Kind: k, Email: "ann@example.com", URL: url, LinkValidFor: validFor, Language: code,
		CustomerID: "c1", FirstName: "Ann", LastName: "Lee",
	}
	if k == customerauth.NotifyEmailChanged {
		n.NewEmail = "ann.lee@example.org"
	}
	return n
}

// tags matches HTML tags, to read an HTML body as text.
var tags = regexp.MustCompile(`<[^>]*>`)

// htmlText returns the text an HTML body shows, from its <body> on.
func htmlText(body string) string {
	if i := strings.Index(body, "<body"); i >= 0 {
		body = body[i:]
	}
	return html.UnescapeString(tags.ReplaceAllString(body, " "))
}

// sentenceBreak splits a text into sentences and clauses.
var sentenceBreak = regexp.MustCompile(`[.!?:;,]\s|\n`)

// englishSentences returns the sentences of an English text that are
// made of English words: at least three once the values a message quotes
// (the shop's name, addresses, the link) are taken out, as those are the
// same in every language.
func englishSentences(text string) []string {
	var out []string
	for _, s := range sentenceBreak.Split(text, -1) {
		for _, v := range []string{"Test Shop", "ann@example.com", "a***@example.org", "Ann", "Lee"} {
			s = strings.ReplaceAll(s, v, "")
		}
		s = strings.Join(strings.Fields(strings.Trim(s, " .!?:;,()“”")), " ")
		if len(strings.Fields(s)) >= 3 && !strings.Contains(s, "://") {
			out = append(out, s)
		}
	}
	return out
}

// TestBuiltInTemplatesInEveryLanguage renders every kind in every language
// i18n serves. Each message has a subject and a greeting in its language,
// the <html lang> of it, the link in both bodies (behind a button and as
// text in the HTML one) when it has one, says how long the link works,
// and, but for the English one, holds no sentence of the English message.
func TestBuiltInTemplatesInEveryLanguage(t *testing.T) {
	for _, tag := range i18n.Supported() {
		if _, ok := languages[tag.String()]; !ok {
			t.Fatalf("i18n serves %s, which this test has no case for", tag)
		}
	}
	for _, k := range allKinds {
		t.Run(k.kind.String(), func(t *testing.T) {
			var ns []customerauth.Notification
			for _, tag := range i18n.Supported() {
				ns = append(ns, notification(k.kind, k.url, k.validFor, languages[tag.String()].code))
			}
			msgs := sendAll(t, nil, ns...)
			english := msgs[0] // i18n.Supported starts with English
			// The HTML body's too: the button and the line above the
			// link to copy are only there.
			sentences := englishSentences(english.Text + "\n" + htmlText(english.HTML))
			if len(sentences) < 2 {
				t.Fatalf("found %d English sentences to compare with in:\n%s", len(sentences), english.Text)
			}
			for i, tag := range i18n.Supported() {
				lc, m := languages[tag.String()], msgs[i]
				t.Run(tag.String(), func(t *testing.T) {
					if m.Subject == "" {
						t.Error("no subject")
					}
					if !strings.Contains(m.HTML, `<html lang="`+tag.String()+`">`) {
						t.Errorf("HTML part is not <html lang=%q>:\n%s", tag, m.HTML)
					}
					if !strings.Contains(m.HTML, "<title>"+html.EscapeString(m.Subject)+"</title>") {
						t.Errorf("HTML title is not the subject %q", m.Subject)
					}
					bodies := map[string]string{"text": m.Text, "HTML": htmlText(m.HTML)}
					for part, body := range bodies {
						if !strings.HasPrefix(strings.TrimSpace(body), lc.greeting) {
							t.Errorf("%s part does not start with %q:\n%s", part, lc.greeting, body)
						}
						if strings.Contains(body, "{{") || strings.Contains(body, "<no value>") {
							t.Errorf("%s part has template residue:\n%s", part, body)
						}
						if !strings.Contains(body, "Test Shop") {
							t.Errorf("%s part does not name the shop:\n%s", part, body)
						}
					}
					if k.url != "" {
						if c := strings.Count(m.Text, k.url); c != 1 {
							t.Errorf("text part has the link %d times, want once:\n%s", c, m.Text)
						}
						if !strings.Contains(m.HTML, `href="`+html.EscapeString(k.url)+`"`) {
							t.Errorf("HTML part has no button to the link:\n%s", m.HTML)
						}
						if c := strings.Count(bodies["HTML"], k.url); c != 1 {
							t.Errorf("HTML part shows the link as text %d times, want once:\n%s", c, m.HTML)
						}
						phrase := lc.day
						if k.validFor == 30*24*time.Hour {
							phrase = lc.month
						}
						for part, body := range bodies {
							if !strings.Contains(body, phrase) {
								t.Errorf("%s part does not say the link works for %q:\n%s", part, phrase, body)
							}
						}
					} else if strings.Contains(m.HTML, "<a ") || strings.Contains(m.Text, "://") {
						t.Errorf("a message without a link has one:\n%s\n%s", m.Text, m.HTML)
					}
					if tag.String() == "en" {
						return
					}
					if m.Subject == english.Subject {
						t.Errorf("subject %q is the English one", m.Subject)
					}
					for part, body := range bodies {
						for _, s := range sentences {
							if strings.Contains(body, s) {
								t.Errorf("%s part has the English %q:\n%s", part, s, body)
							}
						}
					}
				})
			}
		})
	}
}

// TestLinkWithoutValidForSaysNothingOfExpiry: a Notification without
// LinkValidFor (a host's own Notify call) gets a message that says the
// link works once, and nothing of how long.
func TestLinkWithoutValidForSaysNothingOfExpiry(t *testing.T) {
	units := regexp.MustCompile(`(?i)[0-9]+\s*(hours?|days?|minutes?|heures?|jours?|stunden?|tage?|minuten?|horas?|días?|minutos?|ore|giorni|minuti|uur|dagen|minuut|dias|時間|日間|分間)\b`)
	for _, k := range allKinds {
		if k.url == "" {
			continue
		}
		var ns []customerauth.Notification
		for _, tag := range i18n.Supported() {
			ns = append(ns, notification(k.kind, k.url, 0, languages[tag.String()].code))
		}
		for i, m := range sendAll(t, nil, ns...) {
			for part, body := range map[string]string{"text": m.Text, "HTML": htmlText(m.HTML)} {
				body = strings.ReplaceAll(body, k.url, "")
				if d := units.FindString(body); d != "" {
					t.Errorf("%s in %s: %s part says %q without a LinkValidFor:\n%s", k.kind, ns[i].Language, part, d, body)
				}
			}
		}
	}
	m := sendAll(t, nil, notification(customerauth.NotifyPasswordReset, testLink, 0, "EN"))[0]
	if !strings.Contains(m.Text, "The link works once.") {
		t.Errorf("the reset message does not say the link works once:\n%s", m.Text)
	}
}

// TestValidFor: TemplateData.ValidFor writes whole days when there are
// more than one, else whole hours, else minutes rounded down, with
// singular and plural right, and nothing for no time or less than a
// minute.
func TestValidFor(t *testing.T) {
	durations := []time.Duration{24 * time.Hour, 30 * 24 * time.Hour, 48 * time.Hour, time.Hour, 2 * time.Hour,
		25 * time.Hour, 90 * time.Minute, time.Minute, 90*time.Minute + 30*time.Second}
	want := map[string][]string{
		"en": {"24 hours", "30 days", "2 days", "1 hour", "2 hours", "25 hours", "90 minutes", "1 minute", "90 minutes"},
		"fr": {"24 heures", "30 jours", "2 jours", "1 heure", "2 heures", "25 heures", "90 minutes", "1 minute", "90 minutes"},
		"de": {"24 Stunden", "30 Tage", "2 Tage", "1 Stunde", "2 Stunden", "25 Stunden", "90 Minuten", "1 Minute", "90 Minuten"},
		"es": {"24 horas", "30 días", "2 días", "1 hora", "2 horas", "25 horas", "90 minutos", "1 minuto", "90 minutos"},
		"it": {"24 ore", "30 giorni", "2 giorni", "1 ora", "2 ore", "25 ore", "90 minuti", "1 minuto", "90 minuti"},
		"nl": {"24 uur", "30 dagen", "2 dagen", "1 uur", "2 uur", "25 uur", "90 minuten", "1 minuut", "90 minuten"},
		"pt": {"24 horas", "30 dias", "2 dias", "1 hora", "2 horas", "25 horas", "90 minutos", "1 minuto", "90 minutos"},
		"ja": {"24時間", "30日間", "2日間", "1時間", "2時間", "25時間", "90分間", "1分間", "90分間"},
	}
	for _, tag := range i18n.Supported() {
		phrases, ok := want[tag.String()]
		if !ok {
			t.Errorf("no durations for %s", tag)
			continue
		}
		for i, d := range durations {
			if got := (smtpnotify.TemplateData{Language: tag.String(), LinkValidFor: d}).ValidFor(); got != phrases[i] {
				t.Errorf("%s: ValidFor(%v) = %q, want %q", tag, d, got, phrases[i])
			}
		}
		for _, d := range []time.Duration{0, 30 * time.Second, -time.Hour} {
			if got := (smtpnotify.TemplateData{Language: tag.String(), LinkValidFor: d}).ValidFor(); got != "" {
				t.Errorf("%s: ValidFor(%v) = %q, want nothing", tag, d, got)
			}
		}
	}
	// Data made by a host without a language is English.
	if got := (smtpnotify.TemplateData{LinkValidFor: time.Hour}).ValidFor(); got != "1 hour" {
		t.Errorf("ValidFor without a language = %q, want 1 hour", got)
	}
}

// TestLanguageMatching: a customer's LanguageCode picks the language that
// serves it: Brazilian and European Portuguese get Portuguese, a code in
// BCP 47 form works too, and an unknown, unserved or empty code gets
// English.
func TestLanguageMatching(t *testing.T) {
	cases := []struct {
		code, lang, subject string
	}{
		{"PT_BR", "pt", "Redefina sua senha em Test Shop"},
		{"PT_PT", "pt", "Redefina sua senha em Test Shop"},
		{"pt-BR", "pt", "Redefina sua senha em Test Shop"},
		{"fr", "fr", "Réinitialisez votre mot de passe chez Test Shop"},
		{"DE", "de", "Passwort für Test Shop zurücksetzen"},
		{"", "en", "Reset your password for Test Shop"},
		{"XX", "en", "Reset your password for Test Shop"},
		{"ZH_CN", "en", "Reset your password for Test Shop"},
		{"not a language", "en", "Reset your password for Test Shop"},
	}
	var ns []customerauth.Notification
	for _, c := range cases {
		ns = append(ns, notification(customerauth.NotifyPasswordReset, testLink, 24*time.Hour, c.code))
	}
	for i, m := range sendAll(t, nil, ns...) {
		c := cases[i]
		if m.Subject != c.subject || !strings.Contains(m.HTML, `<html lang="`+c.lang+`">`) ||
			!strings.Contains(m.Text, languages[c.lang].day) {
			t.Errorf("Language %q: subject %q, want %q in %s:\n%s", c.code, m.Subject, c.subject, c.lang, m.HTML)
		}
	}
}

// TestLocalizedTemplates: a shop's template for one language wins, field
// by field, over its template for every language, which wins over the
// built-in one; fields neither sets stay built in, in the customer's
// language. A shop's template can use Language and ValidFor.
func TestLocalizedTemplates(t *testing.T) {
	edit := func(c *smtpnotify.Config) {
		c.Templates = map[customerauth.NotificationKind]smtpnotify.Template{
			customerauth.NotifyPasswordReset: {
				Subject: "{{.ShopName}}: password",
				Text:    "[{{.Language}}] {{.URL}} ({{.ValidFor}})\n",
			},
		}
		c.LocalizedTemplates = map[string]map[customerauth.NotificationKind]smtpnotify.Template{
			"FR": {customerauth.NotifyPasswordReset: {Subject: "{{.ShopName}} : nouveau mot de passe"}},
			"ja": {customerauth.NotifyPasswordReset: {Text: "{{.URL}} — {{.ValidFor}}\n"}},
		}
	}
	msgs := sendAll(t, edit,
		notification(customerauth.NotifyPasswordReset, testLink, 24*time.Hour, "FR"),
		notification(customerauth.NotifyPasswordReset, testLink, 24*time.Hour, "JA"),
		notification(customerauth.NotifyPasswordReset, testLink, 2*time.Hour, "DE"),
		notification(customerauth.NotifyWelcome, "", 0, "FR"),
	)
	fr, ja, de, welcome := msgs[0], msgs[1], msgs[2], msgs[3]
	if fr.Subject != "Test Shop : nouveau mot de passe" || fr.Text != "[fr] "+testLink+" (24 heures)\n" ||
		!strings.Contains(fr.HTML, "Réinitialiser mon mot de passe</a>") {
		t.Errorf("French: subject %q, text %q, HTML:\n%s", fr.Subject, fr.Text, fr.HTML)
	}
	if ja.Subject != "Test Shop: password" || ja.Text != testLink+" — 24時間\n" || !strings.Contains(ja.HTML, `<html lang="ja">`) {
		t.Errorf("Japanese: subject %q, text %q, HTML:\n%s", ja.Subject, ja.Text, ja.HTML)
	}
	if de.Subject != "Test Shop: password" || de.Text != "[de] "+testLink+" (2 Stunden)\n" || !strings.Contains(de.HTML, "Passwort zurücksetzen</a>") {
		t.Errorf("German: subject %q, text %q, HTML:\n%s", de.Subject, de.Text, de.HTML)
	}
	if welcome.Subject != "Bienvenue chez Test Shop" {
		t.Errorf("French welcome, which no template replaces: subject %q", welcome.Subject)
	}
}

// TestNewValidatesLocalizedTemplates: New refuses keys that are not a
// language messages are written in, a language given twice, unknown kinds
// and templates that Templates would be refused for.
func TestNewValidatesLocalizedTemplates(t *testing.T) {
	reset := func(tm smtpnotify.Template) map[customerauth.NotificationKind]smtpnotify.Template {
		return map[customerauth.NotificationKind]smtpnotify.Template{customerauth.NotifyPasswordReset: tm}
	}
	ok := reset(smtpnotify.Template{Subject: "x"})
	for name, localized := range map[string]map[string]map[customerauth.NotificationKind]smtpnotify.Template{
		"region":           {"pt-BR": ok},
		"shopify region":   {"PT_BR": ok},
		"not served":       {"pl": ok},
		"not a language":   {"french": ok},
		"empty key":        {"": ok},
		"twice":            {"fr": ok, "FR": ok},
		"unknown kind":     {"fr": {42: {Subject: "x"}}},
		"syntax error":     {"de": reset(smtpnotify.Template{Subject: "{{.ShopName"})},
		"unknown field":    {"de": reset(smtpnotify.Template{Text: "{{.Url}}"})},
		"reset no link":    {"it": reset(smtpnotify.Template{Text: "Reimposta la password."})},
		"reset html no ln": {"it": reset(smtpnotify.Template{HTML: "<p>Reimposta la password.</p>"})},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := smtpnotify.Config{Host: "smtp.example.com", From: "Shop <no-reply@shop.example>", LocalizedTemplates: localized}
			if n, err := smtpnotify.New(cfg); err == nil {
				t.Errorf("New accepted LocalizedTemplates %v: %v", localized, n)
			} else if !strings.HasPrefix(err.Error(), "smtpnotify: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	cfg := smtpnotify.Config{Host: "smtp.example.com", From: "Shop <no-reply@shop.example>",
		LocalizedTemplates: map[string]map[customerauth.NotificationKind]smtpnotify.Template{"en": ok, "PT": ok, "Ja": ok}}
	if _, err := smtpnotify.New(cfg); err != nil {
		t.Errorf("New refused served languages: %v", err)
	}
}
