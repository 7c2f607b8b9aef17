package smtpnotify

import (
	"golang.org/x/text/language"

	"github.com/shopkit/customerauth"
)

// english is the built-in catalog in English, the fallback for every
// language without one.
func english() *catalog {
	// once is the first sentence of a link's small print: how often and
	// how long the link works, or only how often when the Notification
	// does not say how long (a host's own Notify call).
	const once = "{{with .ValidFor}}The link works once and is valid for {{.}}.{{else}}The link works once.{{end}}"
	return &catalog{
		tag:      language.English,
		greeting: "{{if .FirstName}}Hi {{.FirstName}},{{else}}Hello,{{end}}",
		copyLink: "Or copy this link into your browser:",
		units: units{
			day: "%d day", days: "%d days",
			hour: "%d hour", hours: "%d hours",
			minute: "%d minute", minutes: "%d minutes",
		},
		messages: map[customerauth.NotificationKind]message{
			customerauth.NotifyWelcome: {
				subject: "Welcome to {{.ShopName}}",
				body: []paragraph{p("Welcome to {{.ShopName}}! Your customer account is ready. " +
					"Log in with {{.Email}} and your password to check out faster and follow your orders.")},
			},
			customerauth.NotifyActivation: {
				subject: "Activate your account at {{.ShopName}}",
				body:    []paragraph{p("To activate your account at {{.ShopName}}, open this link and choose your password.")},
				button:  "Activate your account",
				notes: []paragraph{p(once + " Whoever has it can set the password of your account, " +
					"so please don't forward this email. If you didn't ask for an account, ignore it.")},
			},
			customerauth.NotifyPasswordReset: {
				subject: "Reset your password for {{.ShopName}}",
				body: []paragraph{p("Someone, hopefully you, asked to reset the password of your account at {{.ShopName}}. " +
					"To choose a new password, open this link.")},
				button: "Reset your password",
				notes: []paragraph{p(once + " Whoever has it can set your password, so please don't forward this email. " +
					"If you didn't ask for a new password, ignore it: your password stays as it is.")},
			},
			customerauth.NotifyPasswordChanged: {
				subject: "Your password for {{.ShopName}} was changed",
				body: []paragraph{
					p("The password of your account at {{.ShopName}} ({{.Email}}) was just changed. " +
						"If you changed it, there is nothing more to do."),
					p("If you didn't, choose a new password right away with “Forgot your password?” " +
						"on the login page, and let us know."),
				},
			},
			customerauth.NotifyAccountExists: {
				subject: "You already have an account at {{.ShopName}}",
				body: []paragraph{p("Someone tried to create an account at {{.ShopName}} with this email address " +
					"({{.Email}}), but you already have one. Log in with your password, or choose a new one " +
					"with “Forgot your password?” on the login page.")},
				notes: []paragraph{p("If it wasn't you, ignore this email: your account is unchanged.")},
			},
			// It says what changed, how it shows, and what to do if it was
			// not the customer: the old address no longer receives reset
			// links, so contacting the shop is the way back into the
			// account.
			customerauth.NotifyEmailChanged: {
				subject: "The email address of your {{.ShopName}} account was changed",
				body: []paragraph{
					p("The email address of your account at {{.ShopName}} was just changed from {{.Email}} " +
						"to {{.MaskedNewEmail}}. From now on you log in with the new address, and messages " +
						"about your account, password reset links included, go there."),
					p("If you made this change, there is nothing more to do."),
					{lead: "If you didn't", text: ", someone else may be using your account. Contact {{.ShopName}} " +
						"right away, from this address, so that the change can be undone; choosing a new password " +
						"with “Forgot your password?” would not help, as the link goes to the new address."},
				},
			},
			// The reader never asked for an account here: the shop moved
			// its customer accounts. The message says who writes, why now,
			// that nothing is needed to keep shopping, and how to ignore it.
			customerauth.NotifyInvitation: {
				subject: "{{.ShopName}} has a new customer account for you",
				body: []paragraph{p("{{.ShopName}} has moved its online shop, and your customer account " +
					"({{.Email}}) came along: your details and addresses are already there. Your old password " +
					"did not, so to log in again, open this link and choose a password.")},
				button: "Choose your password",
				notes: []paragraph{p(once + " Whoever has it can set the password of your account, so please " +
					"don't forward this email. If you'd rather not have an account, ignore this email: nothing " +
					"happens until you open the link, and you can still shop as a guest.")},
			},
		},
	}
}
