package customerauth

import (
	"context"
	"log/slog"
	"time"
)

// Notifier delivers the messages a shop sends its customers, usually by
// email. Notify is called while the request that caused it waits, so a slow
// Notifier should queue the message and return.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotificationKind tells which message to send.
type NotificationKind uint8

// The kinds of notification.
const (
	// NotifyWelcome greets a customer whose account was just created.
	NotifyWelcome NotificationKind = iota + 1
	// NotifyActivation invites the customer to set a password; URL holds
	// the activation link.
	NotifyActivation
	// NotifyPasswordReset carries the reset link in URL.
	NotifyPasswordReset
	// NotifyPasswordChanged tells the customer that the password changed,
	// so that an unexpected change does not go unnoticed.
	NotifyPasswordChanged
	// NotifyAccountExists tells the owner of an account that someone tried
	// to register with its email (Config.HideAccountExistence), pointing
	// to login and password recovery instead.
	NotifyAccountExists
	// NotifyEmailChanged tells a customer, at the address they had, that
	// the account's email was changed to NewEmail. Whoever holds an access
	// token can change the email, and with it where reset links go; this
	// notice is how the owner hears of it.
	NotifyEmailChanged
	// NotifyInvitation invites a customer whose account was moved here
	// from another platform (see Service.Invite) to set a password; URL
	// holds the activation link. Unlike NotifyActivation, it goes to
	// someone who never asked for an account on this site, so it must say
	// why it arrives.
	NotifyInvitation
)

// String returns the kind's name, as used in logs.
func (k NotificationKind) String() string {
	switch k {
	case NotifyWelcome:
		return "welcome"
	case NotifyActivation:
		return "activation"
	case NotifyPasswordReset:
		return "password_reset"
	case NotifyPasswordChanged:
		return "password_changed"
	case NotifyAccountExists:
		return "account_exists"
	case NotifyEmailChanged:
		return "email_changed"
	case NotifyInvitation:
		return "invitation"
	}
	return "unknown"
}

// Notification is one message to one customer.
type Notification struct {
	Kind NotificationKind
	// Email is the recipient.
	Email string
	// URL is the activation or reset link for the kinds that have one. It
	// holds a secret: whoever has it can set the customer's password.
	URL        string
	CustomerID string
	FirstName  string
	LastName   string
	// Language is the customer's language (Customer.Language, or, when
	// the customer has none, the @inContext language of the request that
	// caused the message), as a Shopify LanguageCode; empty means the
	// shop's default. A Notifier writes in it when it can.
	Language string
	// LinkValidFor is how long URL works (Config.ActivationTTL or
	// ResetTTL), so that the message can say so exactly; zero when there
	// is no link.
	LinkValidFor time.Duration
	// NewEmail is the address that replaced Email, for NotifyEmailChanged;
	// empty for the other kinds. Email is then the old address, the one
	// the message goes to. A Notifier should show the new address only in
	// part (smtpnotify masks its local part): the old mailbox may be read
	// by someone the customer left it to.
	NewEmail string
}

// LogNotifier writes notifications to a structured log instead of sending
// them. It suits development and tests; a shop needs a Notifier that
// reaches its customers.
type LogNotifier struct {
	// Logger receives the records. Nil means slog.Default().
	Logger *slog.Logger
	// IncludeURL puts activation and reset links into the log. Leave it
	// false wherever logs are kept or shared: a link is a password-setting
	// credential.
	IncludeURL bool
}

// Notify logs n at Info level.
func (l LogNotifier) Notify(ctx context.Context, n Notification) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	attrs := []slog.Attr{
		slog.String("kind", n.Kind.String()),
		slog.String("email", n.Email),
		slog.String("customer_id", n.CustomerID),
	}
	if n.NewEmail != "" {
		attrs = append(attrs, slog.String("new_email", n.NewEmail))
	}
	if n.URL != "" {
		if l.IncludeURL {
			attrs = append(attrs, slog.String("url", n.URL))
		} else {
			attrs = append(attrs, slog.String("url", "[redacted]"))
		}
	}
	lg.LogAttrs(ctx, slog.LevelInfo, "customerauth: notification", attrs...)
	return nil
}
