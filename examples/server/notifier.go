package main

import (
	"log/slog"

	"github.com/shopkit/customerauth"
)

// newNotifier returns the SMTP notifier for -smtp, or, without it, a
// notifier that logs the links so a developer can follow them.
func newNotifier(smtpURL string, logger *slog.Logger) (customerauth.Notifier, error) {
	if smtpURL == "" {
		// Development only: the links are credentials and land in the log.
		return customerauth.LogNotifier{Logger: logger, IncludeURL: true}, nil
	}
	return newSMTPNotifier(smtpURL)
}
