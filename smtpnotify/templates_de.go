package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// german is the built-in catalog in German. It says "Sie", as shops do
// with customers they do not know. As in a German letter, the greeting
// ends with a comma and the first paragraph goes on in lower case (unless
// it starts with a noun, a name or "Sie").
func german() *catalog {
	const once = "{{with .ValidFor}}Der Link funktioniert nur einmal und ist {{.}} lang gültig." +
		"{{else}}Der Link funktioniert nur einmal.{{end}}"
	const forgot = "„Passwort vergessen?“"
	return &catalog{
		tag:      language.German,
		greeting: "{{if .FirstName}}Hallo {{.FirstName}},{{else}}Guten Tag,{{end}}",
		copyLink: "Oder kopieren Sie diesen Link in Ihren Browser:",
		units: units{
			day: "%d Tag", days: "%d Tage",
			hour: "%d Stunde", hours: "%d Stunden",
			minute: "%d Minute", minutes: "%d Minuten",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Willkommen bei {{.ShopName}}",
				body: []paragraph{p("willkommen bei {{.ShopName}}! Ihr Kundenkonto ist eingerichtet. " +
					"Melden Sie sich mit {{.Email}} und Ihrem Passwort an, um schneller zu bezahlen und Ihre " +
					"Bestellungen zu verfolgen.")},
			},
			customerauth.NotifyActivation: {
				subject: "Aktivieren Sie Ihr Konto bei {{.ShopName}}",
				body: []paragraph{p("um Ihr Konto bei {{.ShopName}} zu aktivieren, öffnen Sie diesen Link " +
					"und wählen Sie Ihr Passwort.")},
				button: "Konto aktivieren",
				notes: []paragraph{p(once + " Wer ihn besitzt, kann das Passwort Ihres Kontos festlegen. " +
					"Bitte leiten Sie diese E-Mail deshalb nicht weiter. Falls Sie kein Konto angefordert " +
					"haben, ignorieren Sie sie einfach.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Passwort für {{.ShopName}} zurücksetzen",
				body: []paragraph{p("jemand – hoffentlich Sie – hat angefordert, das Passwort Ihres Kontos " +
					"bei {{.ShopName}} zurückzusetzen. Öffnen Sie diesen Link, um ein neues Passwort zu wählen.")},
				button: "Passwort zurücksetzen",
				notes: []paragraph{p(once + " Wer ihn besitzt, kann Ihr Passwort festlegen. Bitte leiten Sie " +
					"diese E-Mail deshalb nicht weiter. Falls Sie kein neues Passwort angefordert haben, " +
					"ignorieren Sie sie einfach: Ihr Passwort bleibt unverändert.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Ihr Passwort für {{.ShopName}} wurde geändert",
				body: []paragraph{
					p("das Passwort Ihres Kontos bei {{.ShopName}} ({{.Email}}) wurde soeben geändert. " +
						"Wenn Sie das selbst waren, ist nichts weiter zu tun."),
					p("Falls nicht, wählen Sie bitte sofort über " + forgot + " auf der Anmeldeseite ein " +
						"neues Passwort und geben Sie uns Bescheid."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Sie haben bereits ein Konto bei {{.ShopName}}",
				body: []paragraph{p("jemand hat versucht, mit dieser E-Mail-Adresse ({{.Email}}) ein Konto " +
					"bei {{.ShopName}} anzulegen, doch Sie haben bereits eines. Melden Sie sich mit Ihrem " +
					"Passwort an oder wählen Sie über " + forgot + " auf der Anmeldeseite ein neues.")},
				notes: []paragraph{p("Falls Sie das nicht waren, ignorieren Sie diese E-Mail einfach: " +
					"An Ihrem Konto hat sich nichts geändert.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "Die E-Mail-Adresse Ihres Kontos bei {{.ShopName}} wurde geändert",
				body: []paragraph{
					p("die E-Mail-Adresse Ihres Kontos bei {{.ShopName}} wurde soeben von {{.Email}} in " +
						"{{.MaskedNewEmail}} geändert. Ab jetzt melden Sie sich mit der neuen Adresse an, und " +
						"Nachrichten zu Ihrem Konto, auch Links zum Zurücksetzen des Passworts, gehen dorthin."),
					p("Wenn Sie diese Änderung selbst vorgenommen haben, ist nichts weiter zu tun."),
					{lead: "Falls nicht", text: ", nutzt womöglich jemand anderes Ihr Konto. Wenden Sie sich " +
						"sofort von dieser Adresse aus an {{.ShopName}}, damit die Änderung rückgängig gemacht " +
						"werden kann. Ein neues Passwort über " + forgot + " hilft hier nicht, denn der Link " +
						"ginge an die neue Adresse."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "Ihr neues Kundenkonto bei {{.ShopName}}",
				body: []paragraph{p("{{.ShopName}} ist mit dem Onlineshop auf eine neue Plattform umgezogen, " +
					"und Ihr Kundenkonto ({{.Email}}) ist mitgekommen: Ihre Daten und Adressen sind bereits " +
					"da. Ihr bisheriges Passwort konnte jedoch nicht übernommen werden. Um sich wieder " +
					"anzumelden, öffnen Sie diesen Link und wählen Sie ein Passwort.")},
				button: "Passwort wählen",
				notes: []paragraph{p(once + " Wer ihn besitzt, kann das Passwort Ihres Kontos festlegen. " +
					"Bitte leiten Sie diese E-Mail deshalb nicht weiter. Wenn Sie lieber kein Konto möchten, " +
					"ignorieren Sie diese E-Mail einfach: Solange Sie den Link nicht öffnen, geschieht nichts, " +
					"und Sie können weiterhin als Gast einkaufen.")},
			},
		},
	}
}
