package smtpnotify_test

import (
	"log"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// A shop that words its password reset subject its own way in English and
// in French; customers in other languages keep the built-in subject of
// theirs, and every customer keeps the built-in bodies of their language.
// A shop's template can say how long the link works with ValidFor.
func ExampleConfig_localizedTemplates() {
	notifier, err := smtpnotify.New(smtpnotify.Config{
		Host:     "smtp.mailprovider.example",
		From:     "Example Shop <no-reply@shop.example>",
		ShopName: "Example Shop",
		LocalizedTemplates: map[string]map[customerauth.NotificationKind]smtpnotify.Template{
			"en": {customerauth.NotifyPasswordReset: {
				Subject: "{{.ShopName}}: choose a new password{{with .ValidFor}} within {{.}}{{end}}",
			}},
			"fr": {customerauth.NotifyPasswordReset: {
				Subject: "{{.ShopName}} : choisissez un nouveau mot de passe{{with .ValidFor}} sous {{.}}{{end}}",
			}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = notifier // customerauth.Config{Notifier: notifier, ...}
}
