package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// french is the built-in catalog in French. It says "vous", as shops do
// with their customers, and puts a no-break space (U+00A0) before the
// colon, question mark and exclamation mark and inside guillemets, as
// French typography wants, so that none of them starts a line on its own.
func french() *catalog {
	const once = "{{with .ValidFor}}Ce lien ne fonctionne qu'une fois et reste valable {{.}}." +
		"{{else}}Ce lien ne fonctionne qu'une fois.{{end}}"
	const forgot = "«\u00a0Mot de passe oublié\u00a0?\u00a0»"
	return &catalog{
		tag:      language.French,
		greeting: "{{if .FirstName}}Bonjour {{.FirstName}},{{else}}Bonjour,{{end}}",
		copyLink: "Vous pouvez aussi copier ce lien dans votre navigateur\u00a0:",
		units: units{
			day: "%d jour", days: "%d jours",
			hour: "%d heure", hours: "%d heures",
			minute: "%d minute", minutes: "%d minutes",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Bienvenue chez {{.ShopName}}",
				body: []paragraph{p("Bienvenue chez {{.ShopName}}\u00a0! Votre compte client est prêt. " +
					"Connectez-vous avec {{.Email}} et votre mot de passe pour finaliser vos achats plus " +
					"rapidement et suivre vos commandes.")},
			},
			customerauth.NotifyActivation: {
				subject: "Activez votre compte chez {{.ShopName}}",
				body: []paragraph{p("Pour activer votre compte chez {{.ShopName}}, ouvrez ce lien et " +
					"choisissez votre mot de passe.")},
				button: "Activer mon compte",
				notes: []paragraph{p(once + " Toute personne qui en dispose peut définir le mot de passe de " +
					"votre compte\u00a0: ne transférez donc pas cet e-mail. Si vous n'avez pas demandé de " +
					"compte, ignorez-le.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Réinitialisez votre mot de passe chez {{.ShopName}}",
				body: []paragraph{p("Quelqu'un, sans doute vous-même, a demandé à réinitialiser le mot de " +
					"passe de votre compte chez {{.ShopName}}. Pour choisir un nouveau mot de passe, ouvrez ce lien.")},
				button: "Réinitialiser mon mot de passe",
				notes: []paragraph{p(once + " Toute personne qui en dispose peut définir votre mot de passe\u00a0: " +
					"ne transférez donc pas cet e-mail. Si vous n'avez pas demandé de nouveau mot de passe, " +
					"ignorez-le\u00a0: votre mot de passe reste inchangé.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Votre mot de passe chez {{.ShopName}} a été modifié",
				body: []paragraph{
					p("Le mot de passe de votre compte chez {{.ShopName}} ({{.Email}}) vient d'être modifié. " +
						"Si c'est vous qui l'avez changé, vous n'avez rien d'autre à faire."),
					p("Sinon, choisissez sans attendre un nouveau mot de passe avec " + forgot +
						" sur la page de connexion, et prévenez-nous."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "Vous avez déjà un compte chez {{.ShopName}}",
				body: []paragraph{p("Quelqu'un a essayé de créer un compte chez {{.ShopName}} avec cette " +
					"adresse e-mail ({{.Email}}), mais vous en avez déjà un. Connectez-vous avec votre mot de " +
					"passe, ou choisissez-en un nouveau avec " + forgot + " sur la page de connexion.")},
				notes: []paragraph{p("Si ce n'était pas vous, ignorez cet e-mail\u00a0: votre compte n'a pas changé.")},
			},
			customerauth.NotifyEmailChanged: {
				subject: "L'adresse e-mail de votre compte {{.ShopName}} a été modifiée",
				body: []paragraph{
					p("L'adresse e-mail de votre compte chez {{.ShopName}} vient de passer de {{.Email}} à " +
						"{{.MaskedNewEmail}}. Désormais, vous vous connectez avec la nouvelle adresse, et les " +
						"messages concernant votre compte, liens de réinitialisation du mot de passe compris, " +
						"y sont envoyés."),
					p("Si c'est vous qui avez fait ce changement, vous n'avez rien d'autre à faire."),
					{lead: "Si ce n'est pas vous", text: ", quelqu'un d'autre utilise peut-être votre compte. " +
						"Contactez {{.ShopName}} sans attendre, depuis cette adresse, pour faire annuler ce " +
						"changement\u00a0; choisir un nouveau mot de passe avec " + forgot + " ne servirait " +
						"à rien, car le lien partirait vers la nouvelle adresse."},
				},
			},
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} vous a préparé un nouveau compte client",
				body: []paragraph{p("{{.ShopName}} a déménagé sa boutique en ligne sur une nouvelle " +
					"plateforme, et votre compte client ({{.Email}}) a suivi\u00a0: vos informations et vos " +
					"adresses y sont déjà. Votre ancien mot de passe, lui, n'a pas pu être repris\u00a0: pour " +
					"vous connecter à nouveau, ouvrez ce lien et choisissez un mot de passe.")},
				button: "Choisir mon mot de passe",
				notes: []paragraph{p(once + " Toute personne qui en dispose peut définir le mot de passe de " +
					"votre compte\u00a0: ne transférez donc pas cet e-mail. Si vous préférez ne pas avoir de " +
					"compte, ignorez-le\u00a0: rien ne se passe tant que vous n'ouvrez pas le lien, et vous " +
					"pouvez toujours commander sans compte.")},
			},
		},
	}
}
