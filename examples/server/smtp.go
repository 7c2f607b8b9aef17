package main

import (
	"fmt"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// newSMTPNotifier configures email delivery from a URL such as
// smtp://user:password@mail.example:587?from=Shop%20<no-reply@shop.example>&tls=starttls
// (see smtpnotify.ParseURL).
func newSMTPNotifier(raw string) (customerauth.Notifier, error) {
	cfg, err := smtpnotify.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("-smtp: %w", err)
	}
	return smtpnotify.New(cfg)
}
