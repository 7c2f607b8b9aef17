package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// portuguese is the built-in catalog in Portuguese, which i18n.Match
// serves to every Portuguese reader (PT, PT_BR, PT_PT). It is Brazilian
// Portuguese, the language of most of them, saying "você", with the words
// ("senha", "e-mail", "link") that readers in Portugal use as well. It
// writes "em {{.ShopName}}", without an article, as the shop's name may
// be masculine or feminine.
func portuguese() *catalog {
	const once = "{{with .ValidFor}}O link só funciona uma vez e é válido por {{.}}." +
		"{{else}}O link só funciona uma vez.{{end}}"
	const forgot = "“Esqueceu sua senha?”"
	return &catalog{
		tag:      language.Portuguese,
		greeting: "{{if .FirstName}}Olá, {{.FirstName}}!{{else}}Olá!{{end}}",
		copyLink: "Ou copie este link no seu navegador:",
		units: units{
			day: "%d dia", days: "%d dias",
			hour: "%d hora", hours: "%d horas",
			minute: "%d minuto", minutes: "%d minutos",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Sua conta em {{.ShopName}} está pronta",
				body: []paragraph{p("Boas-vindas! Sua conta de cliente em {{.ShopName}} está pronta. " +
					"Entre com {{.Email}} e sua senha para finalizar suas compras mais rápido e acompanhar " +
					"seus pedidos.")},
			},
			customerauth.NotifyActivation: {
				subject: "Ative sua conta em {{.ShopName}}",
				body:    []paragraph{p("Para ativar sua conta em {{.ShopName}}, abra este link e escolha sua senha.")},
				button:  "Ativar minha conta",
				notes: []paragraph{p(once + " Quem tiver este link pode definir a senha da sua conta, então " +
					"não encaminhe este e-mail. Se você não pediu uma conta, ignore-o.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Redefina sua senha em {{.ShopName}}",
				body: []paragraph{p("Alguém, esperamos que você, pediu para redefinir a senha da sua conta em " +
					"{{.ShopName}}. Para escolher uma nova senha, abra este link.")},
				button: "Redefinir minha senha",
				notes: []paragraph{p(once + " Quem tiver este link pode definir sua senha, então não " +
					"encaminhe este e-mail. Se você não pediu uma nova senha, ignore-o: sua senha continua " +
					"a mesma.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Sua senha em {{.ShopName}} foi alterada",
				body: []paragraph{
					p("A senha da sua conta em {{.ShopName}} ({{.Email}}) acabou de ser alterada. " +
						"Se foi você, não é preciso fazer mais nada."),
					p("Se não foi você, escolha agora mesmo uma nova senha com " + forgot + " na página de " +
						"login e nos avise."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Você já tem uma conta em {{.ShopName}}",
				body: []paragraph{p("Alguém tentou criar uma conta em {{.ShopName}} com este endereço de " +
					"e-mail ({{.Email}}), mas você já tem uma. Entre com sua senha ou escolha uma nova com " +
					forgot + " na página de login.")},
				notes: []paragraph{p("Se não foi você, ignore este e-mail: nada mudou na sua conta.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "O e-mail da sua conta em {{.ShopName}} foi alterado",
				body: []paragraph{
					p("O endereço de e-mail da sua conta em {{.ShopName}} acabou de ser alterado de " +
						"{{.Email}} para {{.MaskedNewEmail}}. A partir de agora, você entra com o novo " +
						"endereço, e as mensagens sobre sua conta, inclusive os links para redefinir a " +
						"senha, vão para ele."),
					p("Se foi você que fez essa alteração, não é preciso fazer mais nada."),
					{lead: "Se não foi você", text: ", outra pessoa pode estar usando sua conta. Entre em " +
						"contato com {{.ShopName}} imediatamente, a partir deste endereço, para que a " +
						"alteração seja desfeita. Escolher uma nova senha com " + forgot + " não adiantaria, " +
						"pois o link iria para o novo endereço."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} tem uma nova conta de cliente para você",
				body: []paragraph{p("{{.ShopName}} transferiu a loja on-line para uma nova plataforma, e sua " +
					"conta de cliente ({{.Email}}) veio junto: seus dados e endereços já estão lá. Sua senha " +
					"antiga não pôde ser transferida; para entrar novamente, abra este link e escolha uma senha.")},
				button: "Escolher minha senha",
				notes: []paragraph{p(once + " Quem tiver este link pode definir a senha da sua conta, então " +
					"não encaminhe este e-mail. Se preferir não ter uma conta, ignore este e-mail: nada " +
					"acontece enquanto você não abrir o link, e você pode continuar comprando sem conta.")},
			},
		},
	}
}
