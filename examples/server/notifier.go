package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/smtpnotify"
)

// newNotifier returns the SMTP notifier for -smtp, checked against its
// server (see checkMail), or, without -smtp, a notifier that logs the
// links so a developer can follow them. It reports to mail what /healthz
// should say about email.
func newNotifier(ctx context.Context, smtpURL string, logger *slog.Logger, mail *mailHealth) (customerauth.Notifier, error) {
	if smtpURL == "" {
		mail.set(mailLogged, false)
		// Development only: the links are credentials and land in the log.
		return customerauth.LogNotifier{Logger: logger, IncludeURL: true}, nil
	}
	n, cfg, err := newSMTPNotifier(smtpURL)
	if err != nil {
		return nil, err
	}
	if err := checkMail(ctx, n, cfg, logger); err != nil {
		mail.set(err.Error(), true)
	} else {
		mail.set(mailOK, true)
	}
	return n, nil
}

// countingNotifier counts the notifications of next by kind and result,
// and tells mail how the last delivery went.
type countingNotifier struct {
	next customerauth.Notifier
	m    *metrics
	mail *mailHealth
}

// Notify passes n on and returns next's answer unchanged: whether a
// failed delivery fails the request is the Service's decision.
func (c countingNotifier) Notify(ctx context.Context, n customerauth.Notification) error {
	err := c.next.Notify(ctx, n)
	result := "sent"
	if err != nil {
		result = "failed"
	}
	c.m.notifications.WithLabelValues(n.Kind.String(), result).Inc()
	c.mail.delivered(err)
	return err
}

// recipientRefused reports a delivery the server refused for its
// recipient (550 to 553: no such mailbox, not allowed, bad address):
// the mail server works, and /healthz need not say otherwise.
func recipientRefused(err error) bool {
	var se *smtpnotify.SendError
	return errors.As(err, &se) && se.Code >= 550 && se.Code <= 553
}
