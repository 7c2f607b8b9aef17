package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopkit/customerauth/smtpnotify"
)

// newSMTPNotifier configures email delivery from a URL such as
// smtp://user:password@mail.example:587?from=Shop%20<no-reply@shop.example>&tls=starttls
// (see smtpnotify.ParseURL, and smtpUsage for what it accepts).
func newSMTPNotifier(raw string) (*smtpnotify.Notifier, smtpnotify.Config, error) {
	cfg, err := smtpnotify.ParseURL(raw)
	if err != nil {
		return nil, cfg, fmt.Errorf("-smtp: %w", err)
	}
	n, err := smtpnotify.New(cfg)
	if err != nil {
		return nil, cfg, fmt.Errorf("-smtp: %w", err)
	}
	return n, cfg, nil
}

// mailCheckTimeout bounds the start-up check of the mail server, so that
// a server behind a firewall that drops packets delays the start by
// seconds, not by the notifier's whole timeout.
const mailCheckTimeout = 5 * time.Second

// checkMail holds the start of a delivery with the mail server (connect,
// EHLO, TLS, login) and logs the outcome: one INFO line when it works, one
// ERROR line saying what failed and how to fix -smtp when it does not. It
// returns the problem, with its fix, for /healthz. The server starts
// either way: accounts work without email.
func checkMail(ctx context.Context, n *smtpnotify.Notifier, cfg smtpnotify.Config, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, mailCheckTimeout)
	defer cancel()
	port := cfg.Port
	if port == 0 {
		port = smtpnotify.DefaultPort
		if cfg.TLSPolicy == smtpnotify.TLSImplicit {
			port = smtpnotify.DefaultImplicitTLSPort
		}
	}
	err := n.Check(ctx)
	if err == nil {
		logger.Info("mail server ready", "host", cfg.Host, "port", port, "tls", cfg.TLSPolicy.String())
		return nil
	}
	fix := mailFix(err)
	logger.Error("mail server check failed: accounts work, but no email (activation, password reset) will go out until -smtp is fixed",
		"problem", err.Error(), "fix", fix)
	return fmt.Errorf("%w; fix: %s", err, fix)
}

// mailFix says how to change -smtp for the failure of a check.
func mailFix(err error) string {
	var ce *smtpnotify.CheckError
	if !errors.As(err, &ce) {
		return "check the -smtp URL"
	}
	switch ce.Step {
	case smtpnotify.CheckConnect:
		return "check the host and port in -smtp, and that the mail server is running and reachable from here"
	case smtpnotify.CheckGreeting:
		return "if the port expects TLS from the first byte (usually 465), use smtps://host:465; otherwise check that -smtp names a mail server"
	case smtpnotify.CheckSTARTTLS:
		return "use tls=none for a local test server (never across a network), or a server and port that offer STARTTLS (usually 587)"
	case smtpnotify.CheckTLS:
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			return "use the host name the server's certificate names in -smtp, or give the server a certificate this machine trusts; tls=none only for a local test server"
		}
		return "the port does not speak TLS as asked: use smtps:// for a port with TLS from the first byte (465), smtp:// with tls=starttls for one that upgrades (587)"
	case smtpnotify.CheckAuth:
		if ce.Code == 535 {
			return "the server refused the user name and password in -smtp; check them (percent-encode @ : / ? in them)"
		}
		return "the server offers no login this connection may use: leave user:password@ out if the server needs none, or use TLS (tls=starttls or smtps://) so that the password may be sent"
	}
	return "check the -smtp URL"
}
