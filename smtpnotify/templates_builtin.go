package smtpnotify

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// The built-in templates are written once per language as a catalog: the
// words of each message, in Go template syntax, without markup. The layout
// below turns a catalog into the text and HTML templates, so that every
// language gets the same structure (greeting, paragraphs, the link as a
// button and as text, the small print, the shop's name) and a translator
// only writes sentences.

// catalog holds one language's words for the built-in templates.
type catalog struct {
	// tag is the language, as i18n.Match returns it; its string is the
	// HTML lang attribute.
	tag language.Tag
	// greeting opens every message, addressing the customer by name when
	// there is one, with the punctuation the language's letters use.
	greeting string
	// copyLink introduces the link in plain text below the button, for
	// readers whose mail client shows no button or will not follow it.
	copyLink string
	// units names durations, for TemplateData.ValidFor.
	units units
	// messages holds the words of each kind of message.
	messages map[customerauth.NotificationKind]message
}

// message is the words of one kind of message.
type message struct {
	subject string
	// body comes before the link, or makes up the message when it has
	// none.
	body []paragraph
	// button is the text of the link's button, for the kinds with a link.
	button string
	// notes come last, in smaller print: what the link can do, what to do
	// if the message was not expected.
	notes []paragraph
}

// paragraph is one paragraph of a message. Lead, when set, starts it and
// is set in bold in HTML: the words a reader scanning the message must not
// miss.
type paragraph struct {
	lead string
	text string
}

// p is a paragraph without a lead.
func p(text string) paragraph { return paragraph{text: text} }

// units are the words for durations of one language, each a format with
// one %d. Every language here takes its singular for 1 and its plural for
// every larger number (French would take the singular for 0 as well, but a
// duration of 0 is never written out), and Japanese does not inflect.
type units struct {
	day, days       string
	hour, hours     string
	minute, minutes string
}

// duration writes d as whole days when it is a whole number of days above
// one, else as whole hours when it is a whole number of hours, else in
// minutes, rounded down so that a link never works for less time than the
// message says. A single day is "24 hours", as a link's life is usually
// told. It returns "" for durations under a minute, which it cannot state
// truthfully in those units, and for zero, which means the time is unknown.
func (u units) duration(d time.Duration) string {
	const day = 24 * time.Hour
	var n int64
	var one, many string
	switch {
	case d < time.Minute:
		return ""
	case d > day && d%day == 0:
		n, one, many = int64(d/day), u.day, u.days
	case d%time.Hour == 0:
		n, one, many = int64(d/time.Hour), u.hour, u.hours
	default:
		n, one, many = int64(d/time.Minute), u.minute, u.minutes
	}
	f := many
	if n == 1 {
		f = one
	}
	return strings.Replace(f, "%d", strconv.FormatInt(n, 10), 1)
}

// catalogs returns the built-in languages, English first.
func catalogs() []*catalog {
	return []*catalog{
		english(), french(), german(), spanish(), italian(), dutch(), portuguese(), japanese(),
	}
}

// catalogFor returns the built-in catalog of tag, or English when there is
// none (a language i18n serves that this package has no words for yet).
func catalogFor(all []*catalog, tag language.Tag) *catalog {
	for _, c := range all {
		if c.tag == tag {
			return c
		}
	}
	return all[0]
}

// Pieces of the HTML layout.
const (
	htmlHeadStart = `<!DOCTYPE html>
<html lang="`
	htmlHeadEnd = `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#222;background:#fff">
<div style="max-width:560px;margin:0 auto">
`
	htmlFoot = `<p>{{.ShopName}}</p>
</div>
</body>
</html>
`
	htmlButton = `<p style="margin:28px 0"><a href="{{.URL}}" style="display:inline-block;padding:12px 20px;border-radius:4px;background:#222;color:#fff;text-decoration:none;font-weight:600">`
	htmlSmall  = `<p style="color:#666;font-size:14px">`
	// htmlCopyLink shows the link as text: long links break anywhere
	// rather than widen the message.
	htmlCopyLink = `<p style="color:#666;font-size:14px;word-break:break-all">`
)

// template lays out the message of kind k in c's words.
func (c *catalog) template(k customerauth.NotificationKind) Template {
	m := c.messages[k]
	var text, html strings.Builder

	text.WriteString(c.greeting + "\n\n")
	html.WriteString(htmlHeadStart + c.tag.String() + htmlHeadEnd)
	html.WriteString("<p>" + htmlLiteral(c.greeting) + "</p>\n")

	for _, para := range m.body {
		text.WriteString(para.lead + para.text + "\n\n")
		html.WriteString("<p>" + para.html() + "</p>\n")
	}
	if hasLink(k) {
		text.WriteString("{{.URL}}\n\n")
		html.WriteString(htmlButton + htmlLiteral(m.button) + "</a></p>\n")
		html.WriteString(htmlCopyLink + htmlLiteral(c.copyLink) + " {{.URL}}</p>\n")
	}
	for _, para := range m.notes {
		text.WriteString(para.lead + para.text + "\n\n")
		html.WriteString(htmlSmall + para.html() + "</p>\n")
	}

	text.WriteString("{{.ShopName}}\n")
	html.WriteString(htmlFoot)
	return Template{Subject: m.subject, Text: text.String(), HTML: html.String()}
}

// html returns the paragraph's content for an HTML template.
func (para paragraph) html() string {
	if para.lead == "" {
		return htmlLiteral(para.text)
	}
	return "<strong>" + htmlLiteral(para.lead) + "</strong>" + htmlLiteral(para.text)
}

// htmlLiteral escapes the characters of s that are markup in HTML text,
// outside the template actions: html/template escapes what actions insert,
// but takes the template's own text as HTML. So a catalog's words are
// plain text, in the HTML body as in the text one.
func htmlLiteral(s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			i = len(s)
		}
		b.WriteString(escapeText(s[:i]))
		s = s[i:]
		if s == "" {
			break
		}
		j := strings.Index(s, "}}")
		if j < 0 {
			j = len(s) - 2 // unterminated: Parse will refuse it
		}
		b.WriteString(s[:j+2])
		s = s[j+2:]
	}
	return b.String()
}

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeText(s string) string { return textEscaper.Replace(s) }
