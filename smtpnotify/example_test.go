package smtpnotify_test

import (
	"log"
	"os"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// A shop that sends through its mail provider's submission server, with
// STARTTLS (the default policy) and a password from the environment, and
// its own wording for the password reset subject.
func Example() {
	notifier, err := smtpnotify.New(smtpnotify.Config{
		Host:     "smtp.mailprovider.example",
		Port:     587,
		Username: "shop@shop.example",
		Password: os.Getenv("SMTP_PASSWORD"),
		From:     "Example Shop <no-reply@shop.example>",
		ShopName: "Example Shop",
		Timeout:  5 * time.Second,
		Templates: map[customerauth.NotificationKind]smtpnotify.Template{
			customerauth.NotifyPasswordReset: {
				Subject: "{{.ShopName}}: choose a new password",
			},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	svc, err := customerauth.New(customerauth.Config{
		ShopURL:  "https://shop.example",
		Notifier: notifier,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = svc // serve svc.Handler(), call svc.Recover, ...
}

// A mail server on the same host, such as a local Postfix that relays for
// the shop, needs neither TLS nor a password.
func ExampleNew_localRelay() {
	notifier, err := smtpnotify.New(smtpnotify.Config{
		Host:      "localhost",
		Port:      25,
		TLSPolicy: smtpnotify.TLSNone,
		From:      "no-reply@shop.example",
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = notifier
}
