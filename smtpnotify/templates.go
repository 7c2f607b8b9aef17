package smtpnotify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/i18n"
)

// Template holds the subject and bodies of one kind of message, each in
// Go template syntax and executed with a TemplateData. An empty field keeps
// the built-in text for that field, in the message's language, so a shop
// can change a subject alone.
//
// Subject and Text are text/template templates: their output is plain text
// and is not escaped. HTML is an html/template template, which escapes
// what it inserts according to context, so a customer's name cannot inject
// markup and a link lands in an href attribute intact.
type Template struct {
	// Subject is the subject line. Line breaks in its output are folded
	// into spaces.
	Subject string
	// Text is the plain-text body, which clients without HTML show and
	// which carries the link in a form that can be copied.
	Text string
	// HTML is the HTML body.
	HTML string
}

// TemplateData is what a Template is executed with.
type TemplateData struct {
	// Kind is the kind of notification.
	Kind customerauth.NotificationKind
	// ShopName is Config.ShopName, or DefaultShopName.
	ShopName string
	// Subject is the rendered subject line. It is empty while the subject
	// itself is rendered; the bodies can use it, as the HTML title for
	// instance.
	Subject string
	// Email is the recipient's address.
	Email string
	// FirstName and LastName are the customer's names as stored; they
	// may be empty.
	FirstName string
	LastName  string
	// URL is the activation or reset link for the kinds that have one,
	// and empty otherwise. It is a credential: put it in the message and
	// nowhere else.
	URL string
	// NewEmail is the address that replaced Email, for NotifyEmailChanged;
	// empty otherwise. The built-in template shows MaskedNewEmail instead.
	NewEmail string
	// Language is the language the message is written in, as a BCP 47
	// tag: "en", "fr", "de", "es", "it", "nl", "pt" or "ja", the one of
	// those that serves the customer's Notification.Language ("pt" for
	// "PT_BR", "en" for an unknown or empty code). A template can use it
	// to pick words of its own, as in {{if eq .Language "fr"}}…{{end}}.
	Language string
	// LinkValidFor is how long URL works from the time the message is
	// sent: the Service's ActivationTTL or ResetTTL. It is zero when there
	// is no link or the Notification did not say (a host's own Notify
	// call); a message should then say nothing of when the link expires.
	// ValidFor writes it out.
	LinkValidFor time.Duration

	// units are the words of Language for ValidFor.
	units units
}

// ValidFor returns LinkValidFor written out in the message's language:
// "24 hours", "30 days", "90 minutes" in English, "24 heures" in French,
// "30日間" in Japanese. It uses whole days when LinkValidFor is a whole
// number of days above one, else whole hours when it is a whole number of
// hours (so one day is "24 hours"), else minutes, rounded down. It returns
// "" when LinkValidFor is zero (or under a minute), so a template can say
// how long the link works only when that is known:
//
//	{{with .ValidFor}}The link is valid for {{.}}.{{end}}
func (d TemplateData) ValidFor() string {
	u := d.units
	if u == (units{}) {
		// TemplateData made outside this package: look the words up.
		u = catalogFor(catalogs(), i18n.Match(d.Language)).units
	}
	return u.duration(d.LinkValidFor)
}

// Name returns the customer's first and last name joined by a space, or
// the one that is set, or "".
func (d TemplateData) Name() string {
	return strings.TrimSpace(d.FirstName + " " + d.LastName)
}

// MaskedNewEmail returns NewEmail with its local part cut to the first
// character and "***", as in "a***@example.com", or "" when there is no new
// address.
//
// The notice of an email change goes to the old address, which may be read
// by someone else by now: a mailbox at a former employer, a recycled one, or
// the one a thief took over first. The owner recognises their own new
// address from its first letter and its domain; whoever else reads the
// message does not learn the address the account now logs in with and
// sends its reset links to. The mask has a fixed length so that it does not
// tell the local part's length either.
func (d TemplateData) MaskedNewEmail() string {
	if d.NewEmail == "" {
		return ""
	}
	at := strings.LastIndexByte(d.NewEmail, '@')
	if at <= 0 {
		return "***"
	}
	first, _ := utf8.DecodeRuneInString(d.NewEmail)
	return string(first) + "***" + d.NewEmail[at:]
}

// newTemplateData returns the data of n's message, but for its language,
// which the template it is rendered with sets (see compiled.render).
func newTemplateData(n customerauth.Notification, shopName string) TemplateData {
	return TemplateData{
		Kind:         n.Kind,
		ShopName:     shopName,
		Email:        n.Email,
		FirstName:    n.FirstName,
		LastName:     n.LastName,
		URL:          n.URL,
		NewEmail:     n.NewEmail,
		LinkValidFor: n.LinkValidFor,
	}
}

// compiled is a Template parsed once, in New, for one language.
type compiled struct {
	lang    language.Tag
	units   units
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// render executes the three templates, with d in the template's language.
func (c *compiled) render(d TemplateData) (subject, text, html string, err error) {
	d.Language, d.units = c.lang.String(), c.units
	var b bytes.Buffer
	if err := c.subject.Execute(&b, d); err != nil {
		return "", "", "", fmt.Errorf("rendering subject: %w", err)
	}
	d.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := c.text.Execute(&b, d); err != nil {
		return "", "", "", fmt.Errorf("rendering text body: %w", err)
	}
	text = b.String()
	b.Reset()
	if err := c.html.Execute(&b, d); err != nil {
		return "", "", "", fmt.Errorf("rendering HTML body: %w", err)
	}
	return d.Subject, text, b.String(), nil
}

// kinds lists the notification kinds this package renders.
func kinds() []customerauth.NotificationKind {
	return []customerauth.NotificationKind{
		customerauth.NotifyWelcome,
		customerauth.NotifyActivation,
		customerauth.NotifyPasswordReset,
		customerauth.NotifyPasswordChanged,
		customerauth.NotifyAccountExists,
		customerauth.NotifyEmailChanged,
		customerauth.NotifyInvitation,
	}
}

// hasLink tells whether messages of kind k carry a link.
func hasLink(k customerauth.NotificationKind) bool {
	return k == customerauth.NotifyActivation || k == customerauth.NotifyPasswordReset || k == customerauth.NotifyInvitation
}

// templateSet holds the compiled templates of every language and kind.
type templateSet map[language.Tag]map[customerauth.NotificationKind]*compiled

// lookup returns the template of kind k in the language that serves a
// reader of code, a Shopify LanguageCode (Notification.Language).
func (ts templateSet) lookup(k customerauth.NotificationKind, code string) (*compiled, bool) {
	c, ok := ts[i18n.Match(code)][k]
	return c, ok
}

// compileTemplates builds the templates of every language i18n serves and
// every kind. Each field comes from the first that sets it of: the shop's
// template for that language (localized), the shop's template for every
// language (overrides), the built-in one of that language. It parses them
// and tries each on sample data, so that mistakes show when the shop
// starts rather than when a customer waits for a reset link.
func compileTemplates(overrides map[customerauth.NotificationKind]Template,
	localized map[string]map[customerauth.NotificationKind]Template, shopName string) (templateSet, error) {
	known := kinds()
	for k := range overrides {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("smtpnotify: Config.Templates has an unknown notification kind %d", uint8(k))
		}
	}
	byLang, err := localizedByTag(localized)
	if err != nil {
		return nil, err
	}
	builtin := catalogs()
	out := make(templateSet, len(i18n.Supported()))
	for _, tag := range i18n.Supported() {
		cat := catalogFor(builtin, tag)
		out[tag] = make(map[customerauth.NotificationKind]*compiled, len(known))
		for _, k := range known {
			t := cat.template(k)
			t.merge(overrides[k])
			t.merge(byLang[tag][k])
			c, err := compile(k, t)
			if err != nil {
				return nil, fmt.Errorf("smtpnotify: %s template (%s): %w", k, tag, err)
			}
			c.lang, c.units = tag, cat.units
			if err := check(k, c, shopName); err != nil {
				return nil, fmt.Errorf("smtpnotify: %s template (%s): %w", k, tag, err)
			}
			out[tag][k] = c
		}
	}
	return out, nil
}

// merge sets the fields of t that o sets.
func (t *Template) merge(o Template) {
	if o.Subject != "" {
		t.Subject = o.Subject
	}
	if o.Text != "" {
		t.Text = o.Text
	}
	if o.HTML != "" {
		t.HTML = o.HTML
	}
}

// localizedByTag returns Config.LocalizedTemplates keyed by the languages
// i18n serves. A key must name one of them ("fr", or "FR" as Shopify
// writes it), and only once: a key with a region ("pt-BR") or a language
// that is not served would hold templates no message ever used, which is
// a mistake to report rather than ignore.
func localizedByTag(localized map[string]map[customerauth.NotificationKind]Template) (map[language.Tag]map[customerauth.NotificationKind]Template, error) {
	out := make(map[language.Tag]map[customerauth.NotificationKind]Template, len(localized))
	seen := make(map[language.Tag]string, len(localized))
	for key, templates := range localized {
		tag, ok := servedLanguage(key)
		if !ok {
			names := make([]string, 0, len(i18n.Supported()))
			for _, t := range i18n.Supported() {
				names = append(names, t.String())
			}
			return nil, fmt.Errorf("smtpnotify: Config.LocalizedTemplates has the language %q; the languages are %s",
				key, strings.Join(names, ", "))
		}
		if other, dup := seen[tag]; dup {
			return nil, fmt.Errorf("smtpnotify: Config.LocalizedTemplates has the language %s twice, as %q and %q", tag, other, key)
		}
		seen[tag] = key
		for k := range templates {
			if !slices.Contains(kinds(), k) {
				return nil, fmt.Errorf("smtpnotify: Config.LocalizedTemplates[%q] has an unknown notification kind %d", key, uint8(k))
			}
		}
		out[tag] = templates
	}
	return out, nil
}

// servedLanguage returns the language i18n serves that key names, in any
// letter case and with "_" or "-".
func servedLanguage(key string) (language.Tag, bool) {
	key = strings.ToLower(strings.ReplaceAll(key, "_", "-"))
	for _, tag := range i18n.Supported() {
		if tag.String() == key {
			return tag, true
		}
	}
	return language.Und, false
}

func compile(k customerauth.NotificationKind, t Template) (*compiled, error) {
	subject, err := texttemplate.New(k.String() + ".subject").Parse(t.Subject)
	if err != nil {
		return nil, err
	}
	text, err := texttemplate.New(k.String() + ".text").Parse(t.Text)
	if err != nil {
		return nil, err
	}
	html, err := htmltemplate.New(k.String() + ".html").Parse(t.HTML)
	if err != nil {
		return nil, err
	}
	return &compiled{subject: subject, text: text, html: html}, nil
}

// check renders c with sample data. The templates must execute, give a
// subject, and, for the kinds that have one, show the link in both bodies:
// a reset email without its link is worse than none. Messages with a link
// are tried with and without a LinkValidFor, as both are sent.
func check(k customerauth.NotificationKind, c *compiled, shopName string) error {
	const sampleURL = "https://shop.example/account/sample/0123456789/0123456789abcdef"
	d := TemplateData{
		Kind: k, ShopName: shopName, Email: "customer@example.com",
		FirstName: "Ann", LastName: "Example",
	}
	validFor := []time.Duration{0}
	if hasLink(k) {
		d.URL = sampleURL
		validFor = append(validFor, 24*time.Hour)
	}
	if k == customerauth.NotifyEmailChanged {
		d.NewEmail = "new-address@example.net"
	}
	for _, v := range validFor {
		d.LinkValidFor = v
		subject, text, html, err := c.render(d)
		switch {
		case err != nil:
			return err
		case subject == "":
			return errors.New("the subject is empty")
		case hasLink(k) && !strings.Contains(text, sampleURL):
			return errors.New("the text body does not contain the link ({{.URL}})")
		case hasLink(k) && !strings.Contains(html, sampleURL):
			return errors.New(`the HTML body does not contain the link (as in <a href="{{.URL}}">)`)
		}
	}
	return nil
}
