package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// italian is the built-in catalog in Italian. It says "tu", as most
// Italian online shops do, and is worded so that nothing depends on
// whether the reader is a man or a woman.
func italian() *catalog {
	const once = "{{with .ValidFor}}Il link funziona una sola volta ed è valido per {{.}}." +
		"{{else}}Il link funziona una sola volta.{{end}}"
	const forgot = "«Password dimenticata?»"
	return &catalog{
		tag:      language.Italian,
		greeting: "{{if .FirstName}}Ciao {{.FirstName}},{{else}}Ciao,{{end}}",
		copyLink: "Oppure copia questo link nel tuo browser:",
		units: units{
			day: "%d giorno", days: "%d giorni",
			hour: "%d ora", hours: "%d ore",
			minute: "%d minuto", minutes: "%d minuti",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Ti diamo il benvenuto su {{.ShopName}}",
				body: []paragraph{p("Ti diamo il benvenuto su {{.ShopName}}! Il tuo account cliente è pronto. " +
					"Accedi con {{.Email}} e la tua password per completare gli acquisti più velocemente e " +
					"seguire i tuoi ordini.")},
			},
			customerauth.NotifyActivation: {
				subject: "Attiva il tuo account su {{.ShopName}}",
				body: []paragraph{p("Per attivare il tuo account su {{.ShopName}}, apri questo link e scegli " +
					"la tua password.")},
				button: "Attiva il tuo account",
				notes: []paragraph{p(once + " Chiunque lo abbia può impostare la password del tuo account, " +
					"quindi non inoltrare questa email. Se non hai chiesto un account, ignorala.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Reimposta la tua password di {{.ShopName}}",
				body: []paragraph{p("Qualcuno, speriamo tu, ha chiesto di reimpostare la password del tuo " +
					"account su {{.ShopName}}. Per scegliere una nuova password, apri questo link.")},
				button: "Reimposta la password",
				notes: []paragraph{p(once + " Chiunque lo abbia può impostare la tua password, quindi non " +
					"inoltrare questa email. Se non hai chiesto una nuova password, ignorala: la tua password " +
					"resta invariata.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "La tua password di {{.ShopName}} è stata cambiata",
				body: []paragraph{
					p("La password del tuo account su {{.ShopName}} ({{.Email}}) è appena stata cambiata. " +
						"Se l'hai cambiata tu, non devi fare nient'altro."),
					p("Se non l'hai cambiata tu, scegli subito una nuova password con " + forgot +
						" nella pagina di accesso e avvisaci."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Hai già un account su {{.ShopName}}",
				body: []paragraph{p("Qualcuno ha provato a creare un account su {{.ShopName}} con questo " +
					"indirizzo email ({{.Email}}), ma ne hai già uno. Accedi con la tua password oppure " +
					"scegline una nuova con " + forgot + " nella pagina di accesso.")},
				notes: []paragraph{p("Se non eri tu, ignora questa email: il tuo account non è cambiato.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "L'indirizzo email del tuo account su {{.ShopName}} è stato cambiato",
				body: []paragraph{
					p("L'indirizzo email del tuo account su {{.ShopName}} è appena stato cambiato da " +
						"{{.Email}} a {{.MaskedNewEmail}}. D'ora in poi accedi con il nuovo indirizzo, e i " +
						"messaggi sul tuo account, compresi i link per reimpostare la password, arrivano lì."),
					p("Se la modifica l'hai fatta tu, non devi fare nient'altro."),
					{lead: "Se non l'hai fatta tu", text: ", qualcun altro potrebbe usare il tuo account. " +
						"Contatta subito {{.ShopName}}, da questo indirizzo, perché la modifica possa essere " +
						"annullata: scegliere una nuova password con " + forgot + " non servirebbe, perché il " +
						"link arriverebbe al nuovo indirizzo."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} ha un nuovo account cliente per te",
				body: []paragraph{p("{{.ShopName}} ha trasferito il suo negozio online su una nuova " +
					"piattaforma e anche il tuo account cliente ({{.Email}}) è stato trasferito: i tuoi dati e " +
					"i tuoi indirizzi sono già lì. La tua vecchia password invece no, quindi per accedere di " +
					"nuovo apri questo link e scegli una password.")},
				button: "Scegli la tua password",
				notes: []paragraph{p(once + " Chiunque lo abbia può impostare la password del tuo account, " +
					"quindi non inoltrare questa email. Se preferisci non avere un account, ignorala: non " +
					"succede nulla finché non apri il link, e puoi continuare ad acquistare come ospite.")},
			},
		},
	}
}
