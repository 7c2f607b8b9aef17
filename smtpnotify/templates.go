package smtpnotify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/shopkit/customerauth"
)

// Template holds the subject and bodies of one kind of message, each in
// Go template syntax and executed with a TemplateData. An empty field keeps
// the built-in text for that field, so a shop can change a subject alone.
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

func newTemplateData(n customerauth.Notification, shopName string) TemplateData {
	return TemplateData{
		Kind:      n.Kind,
		ShopName:  shopName,
		Email:     n.Email,
		FirstName: n.FirstName,
		LastName:  n.LastName,
		URL:       n.URL,
		NewEmail:  n.NewEmail,
	}
}

// compiled is a Template parsed once, in New.
type compiled struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// render executes the three templates.
func (c *compiled) render(d TemplateData) (subject, text, html string, err error) {
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

// compileTemplates merges overrides into the built-in templates, parses
// them and tries each on sample data, so that mistakes show when the shop
// starts rather than when a customer waits for a reset link.
func compileTemplates(overrides map[customerauth.NotificationKind]Template, shopName string) (map[customerauth.NotificationKind]*compiled, error) {
	known := kinds()
	for k := range overrides {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("smtpnotify: Config.Templates has an unknown notification kind %d", uint8(k))
		}
	}
	out := make(map[customerauth.NotificationKind]*compiled, len(known))
	for _, k := range known {
		t := defaultTemplate(k)
		if o, ok := overrides[k]; ok {
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
		c, err := compile(k, t)
		if err != nil {
			return nil, fmt.Errorf("smtpnotify: %s template: %w", k, err)
		}
		if err := check(k, c, shopName); err != nil {
			return nil, fmt.Errorf("smtpnotify: %s template: %w", k, err)
		}
		out[k] = c
	}
	return out, nil
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
// a reset email without its link is worse than none.
func check(k customerauth.NotificationKind, c *compiled, shopName string) error {
	const sampleURL = "https://shop.example/account/sample/0123456789/0123456789abcdef"
	d := TemplateData{
		Kind: k, ShopName: shopName, Email: "customer@example.com",
		FirstName: "Ann", LastName: "Example",
	}
	if hasLink(k) {
		d.URL = sampleURL
	}
	if k == customerauth.NotifyEmailChanged {
		d.NewEmail = "new-address@example.net"
	}
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
	return nil
}

// The pieces the built-in templates share.
const (
	textGreeting = "{{if .FirstName}}Hi {{.FirstName}},{{else}}Hello,{{end}}\n\n"
	textSignOff  = "\n\n{{.ShopName}}\n"

	htmlHead = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#222;background:#fff">
<div style="max-width:560px;margin:0 auto">
<p>{{if .FirstName}}Hi {{.FirstName}},{{else}}Hello,{{end}}</p>
`
	htmlFoot = `<p>{{.ShopName}}</p>
</div>
</body>
</html>
`
	htmlButton = `<p style="margin:28px 0"><a href="{{.URL}}" style="display:inline-block;padding:12px 20px;border-radius:4px;background:#222;color:#fff;text-decoration:none;font-weight:600">`
	htmlSmall  = `<p style="color:#666;font-size:14px">`
)

// defaultTemplate returns the built-in template for k.
func defaultTemplate(k customerauth.NotificationKind) Template {
	switch k {
	case customerauth.NotifyWelcome:
		return Template{
			Subject: "Welcome to {{.ShopName}}",
			Text: textGreeting +
				"Welcome to {{.ShopName}}! Your customer account is ready. " +
				"Log in with {{.Email}} and your password to check out faster " +
				"and follow your orders." +
				textSignOff,
			HTML: htmlHead +
				"<p>Welcome to {{.ShopName}}! Your customer account is ready. " +
				"Log in with {{.Email}} and your password to check out faster " +
				"and follow your orders.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyActivation:
		return Template{
			Subject: "Activate your account at {{.ShopName}}",
			Text: textGreeting +
				"To activate your account at {{.ShopName}}, open this link " +
				"and choose your password:\n\n" +
				"{{.URL}}\n\n" +
				"The link works once and expires after a while. Whoever has it " +
				"can set the password of your account, so please don't forward " +
				"this email. If you didn't ask for an account, ignore it." +
				textSignOff,
			HTML: htmlHead +
				"<p>To activate your account at {{.ShopName}}, open this link " +
				"and choose your password.</p>\n" +
				htmlButton + "Activate your account</a></p>\n" +
				htmlSmall + "The link works once and expires after a while. " +
				"Whoever has it can set the password of your account, so please " +
				"don't forward this email. If you didn't ask for an account, " +
				"ignore it.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyPasswordReset:
		return Template{
			Subject: "Reset your password for {{.ShopName}}",
			Text: textGreeting +
				"Someone, hopefully you, asked to reset the password of your " +
				"account at {{.ShopName}}. To choose a new password, open this " +
				"link:\n\n" +
				"{{.URL}}\n\n" +
				"The link works once and expires after a while. Whoever has it " +
				"can set your password, so please don't forward this email. If " +
				"you didn't ask for a new password, ignore it: your password " +
				"stays as it is." +
				textSignOff,
			HTML: htmlHead +
				"<p>Someone, hopefully you, asked to reset the password of your " +
				"account at {{.ShopName}}. To choose a new password, open this " +
				"link.</p>\n" +
				htmlButton + "Reset your password</a></p>\n" +
				htmlSmall + "The link works once and expires after a while. " +
				"Whoever has it can set your password, so please don't forward " +
				"this email. If you didn't ask for a new password, ignore it: " +
				"your password stays as it is.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyPasswordChanged:
		return Template{
			Subject: "Your password for {{.ShopName}} was changed",
			Text: textGreeting +
				"The password of your account at {{.ShopName}} ({{.Email}}) was " +
				"just changed. If you changed it, there is nothing more to do.\n\n" +
				"If you didn't, choose a new password right away with \"Forgot " +
				"your password?\" on the login page, and let us know." +
				textSignOff,
			HTML: htmlHead +
				"<p>The password of your account at {{.ShopName}} ({{.Email}}) " +
				"was just changed. If you changed it, there is nothing more to " +
				"do.</p>\n" +
				"<p>If you didn't, choose a new password right away with " +
				"&ldquo;Forgot your password?&rdquo; on the login page, and let " +
				"us know.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyAccountExists:
		return Template{
			Subject: "You already have an account at {{.ShopName}}",
			Text: textGreeting +
				"Someone tried to create an account at {{.ShopName}} with this " +
				"email address ({{.Email}}), but you already have one. Log in " +
				"with your password, or choose a new one with \"Forgot your " +
				"password?\" on the login page.\n\n" +
				"If it wasn't you, ignore this email: your account is unchanged." +
				textSignOff,
			HTML: htmlHead +
				"<p>Someone tried to create an account at {{.ShopName}} with " +
				"this email address ({{.Email}}), but you already have one. Log " +
				"in with your password, or choose a new one with &ldquo;Forgot " +
				"your password?&rdquo; on the login page.</p>\n" +
				htmlSmall + "If it wasn't you, ignore this email: your account " +
				"is unchanged.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyEmailChanged:
		// It says what changed, how it shows, and what to do if it was not
		// the customer: the old address no longer receives reset links, so
		// contacting the shop is the way back into the account.
		return Template{
			Subject: "The email address of your {{.ShopName}} account was changed",
			Text: textGreeting +
				"The email address of your account at {{.ShopName}} was just " +
				"changed from {{.Email}} to {{.MaskedNewEmail}}. From now on you " +
				"log in with the new address, and messages about your account, " +
				"password reset links included, go there.\n\n" +
				"If you made this change, there is nothing more to do.\n\n" +
				"If you didn't, someone else may be using your account. Contact " +
				"{{.ShopName}} right away, from this address, so that the change " +
				"can be undone; choosing a new password with \"Forgot your " +
				"password?\" would not help, as the link goes to the new address." +
				textSignOff,
			HTML: htmlHead +
				"<p>The email address of your account at {{.ShopName}} was just " +
				"changed from {{.Email}} to {{.MaskedNewEmail}}. From now on you " +
				"log in with the new address, and messages about your account, " +
				"password reset links included, go there.</p>\n" +
				"<p>If you made this change, there is nothing more to do.</p>\n" +
				"<p><strong>If you didn't</strong>, someone else may be using " +
				"your account. Contact {{.ShopName}} right away, from this " +
				"address, so that the change can be undone; choosing a new " +
				"password with &ldquo;Forgot your password?&rdquo; would not " +
				"help, as the link goes to the new address.</p>\n" +
				htmlFoot,
		}
	case customerauth.NotifyInvitation:
		// The reader never asked for an account here: the shop moved its
		// customer accounts. The message says who writes, why now, that
		// nothing is needed to keep shopping, and how to ignore it.
		return Template{
			Subject: "{{.ShopName}} has a new customer account for you",
			Text: textGreeting +
				"{{.ShopName}} has moved its online shop, and your customer " +
				"account ({{.Email}}) came along: your details and addresses " +
				"are already there. Your old password does not, so to log in " +
				"again, open this link and choose a password:\n\n" +
				"{{.URL}}\n\n" +
				"The link works once. Whoever has it can set the password of " +
				"your account, so please don't forward this email. If you'd " +
				"rather not have an account, ignore this email: nothing " +
				"happens until you open the link, and you can still shop as a " +
				"guest." +
				textSignOff,
			HTML: htmlHead +
				"<p>{{.ShopName}} has moved its online shop, and your customer " +
				"account ({{.Email}}) came along: your details and addresses " +
				"are already there. Your old password does not, so to log in " +
				"again, open this link and choose a password.</p>\n" +
				htmlButton + "Choose your password</a></p>\n" +
				"<p>Or copy this link into your browser: {{.URL}}</p>\n" +
				htmlSmall + "The link works once. Whoever has it can set the " +
				"password of your account, so please don't forward this email. " +
				"If you'd rather not have an account, ignore this email: " +
				"nothing happens until you open the link, and you can still " +
				"shop as a guest.</p>\n" +
				htmlFoot,
		}
	}
	return Template{}
}
