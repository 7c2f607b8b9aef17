package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// dutch is the built-in catalog in Dutch. It says "je", as most Dutch and
// Flemish online shops do.
func dutch() *catalog {
	const once = "{{with .ValidFor}}De link werkt maar één keer en is {{.}} geldig." +
		"{{else}}De link werkt maar één keer.{{end}}"
	const forgot = "‘Wachtwoord vergeten?’"
	return &catalog{
		tag:      language.Dutch,
		greeting: "{{if .FirstName}}Hallo {{.FirstName}},{{else}}Hallo,{{end}}",
		copyLink: "Of kopieer deze link naar je browser:",
		units: units{
			day: "%d dag", days: "%d dagen",
			// "uur" takes no plural after a number: 24 uur.
			hour: "%d uur", hours: "%d uur",
			minute: "%d minuut", minutes: "%d minuten",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Welkom bij {{.ShopName}}",
				body: []paragraph{p("Welkom bij {{.ShopName}}! Je klantaccount is klaar. Log in met {{.Email}} " +
					"en je wachtwoord om sneller af te rekenen en je bestellingen te volgen.")},
			},
			customerauth.NotifyActivation: {
				subject: "Activeer je account bij {{.ShopName}}",
				body: []paragraph{p("Om je account bij {{.ShopName}} te activeren, open je deze link en kies " +
					"je een wachtwoord.")},
				button: "Account activeren",
				notes: []paragraph{p(once + " Wie de link heeft, kan het wachtwoord van je account instellen, " +
					"dus stuur deze e-mail niet door. Heb je geen account aangevraagd? Dan kun je deze e-mail " +
					"negeren.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Stel je wachtwoord voor {{.ShopName}} opnieuw in",
				body: []paragraph{p("Iemand, hopelijk jij, heeft gevraagd om het wachtwoord van je account " +
					"bij {{.ShopName}} opnieuw in te stellen. Open deze link om een nieuw wachtwoord te kiezen.")},
				button: "Wachtwoord opnieuw instellen",
				notes: []paragraph{p(once + " Wie de link heeft, kan je wachtwoord instellen, dus stuur deze " +
					"e-mail niet door. Heb je geen nieuw wachtwoord aangevraagd? Dan kun je deze e-mail " +
					"negeren: je wachtwoord blijft zoals het is.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Je wachtwoord voor {{.ShopName}} is gewijzigd",
				body: []paragraph{
					p("Het wachtwoord van je account bij {{.ShopName}} ({{.Email}}) is zojuist gewijzigd. " +
						"Heb je dat zelf gedaan? Dan hoef je verder niets te doen."),
					p("Zo niet, kies dan meteen een nieuw wachtwoord via " + forgot + " op de inlogpagina " +
						"en laat het ons weten."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Je hebt al een account bij {{.ShopName}}",
				body: []paragraph{p("Iemand heeft geprobeerd een account aan te maken bij {{.ShopName}} met " +
					"dit e-mailadres ({{.Email}}), maar je hebt er al een. Log in met je wachtwoord of kies " +
					"een nieuw wachtwoord via " + forgot + " op de inlogpagina.")},
				notes: []paragraph{p("Was jij dit niet? Dan kun je deze e-mail negeren: er is niets aan je " +
					"account veranderd.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "Het e-mailadres van je account bij {{.ShopName}} is gewijzigd",
				body: []paragraph{
					p("Het e-mailadres van je account bij {{.ShopName}} is zojuist gewijzigd van {{.Email}} " +
						"in {{.MaskedNewEmail}}. Vanaf nu log je in met het nieuwe adres, en berichten over " +
						"je account, ook links om je wachtwoord opnieuw in te stellen, gaan daarheen."),
					p("Heb je deze wijziging zelf gedaan? Dan hoef je verder niets te doen."),
					{lead: "Heb je dit niet zelf gedaan?", text: " Dan gebruikt iemand anders misschien je " +
						"account. Neem meteen vanaf dit adres contact op met {{.ShopName}}, zodat de wijziging " +
						"ongedaan kan worden gemaakt. Een nieuw wachtwoord kiezen via " + forgot + " helpt " +
						"niet, want die link gaat naar het nieuwe adres."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} heeft een nieuw klantaccount voor je",
				body: []paragraph{p("{{.ShopName}} is met de webwinkel naar een nieuw platform verhuisd en je " +
					"klantaccount ({{.Email}}) is meeverhuisd: je gegevens en adressen staan er al. Je oude " +
					"wachtwoord kon niet mee, dus om weer in te loggen open je deze link en kies je een " +
					"wachtwoord.")},
				button: "Kies je wachtwoord",
				notes: []paragraph{p(once + " Wie de link heeft, kan het wachtwoord van je account instellen, " +
					"dus stuur deze e-mail niet door. Wil je liever geen account? Dan kun je deze e-mail " +
					"negeren: er gebeurt niets zolang je de link niet opent, en je kunt gewoon als gast " +
					"blijven bestellen.")},
			},
		},
	}
}
