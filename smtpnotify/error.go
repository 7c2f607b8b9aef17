package smtpnotify

import (
	"context"
	"errors"
	"net"
	"net/textproto"
	"net/url"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/shopkit/customerauth"
)

// SendError reports a notification that was not delivered. Its message
// never contains the activation or reset link nor the SMTP password, so it
// can be logged as it is; for the same reason it does not wrap go-mail's
// errors, which carry the whole message with the link.
type SendError struct {
	// Kind is the kind of notification that was not delivered.
	Kind customerauth.NotificationKind

	// Code is the SMTP reply code of the server's refusal, such as 550
	// for an unknown mailbox or 535 for bad credentials, or 0 when the
	// failure was not a reply (the server could not be reached, the
	// message could not be built).
	Code int

	// Temporary reports a failure that may go away by itself: a 4xx
	// reply, a network error or a timeout. A queueing Notifier can retry
	// those later; retrying the others only repeats the failure.
	Temporary bool

	detail string
	cause  error
}

// Error describes the failure without the link or the password.
func (e *SendError) Error() string {
	return "smtpnotify: sending " + e.Kind.String() + " email: " + e.detail
}

// Unwrap returns the context's error when the delivery was cut short by
// the context passed to Notify or by Config.Timeout, and the network error
// when the server could not be reached, so that errors.Is works with
// context.DeadlineExceeded, context.Canceled and syscall errors. Otherwise
// it returns nil.
func (e *SendError) Unwrap() error { return e.cause }

// fail turns err into a *SendError, scrubbed of the secrets it might hold.
func (nt *Notifier) fail(ctx context.Context, n customerauth.Notification, err error) error {
	e := &SendError{Kind: n.Kind, detail: redact(err.Error(), nt.password(), n.URL)}

	var sendErr *gomail.SendError
	var protoErr *textproto.Error
	var netErr *net.OpError
	switch {
	case errors.As(err, &sendErr):
		e.Code = sendErr.ErrorCode()
		e.Temporary = sendErr.IsTemp()
	case errors.As(err, &protoErr):
		e.Code = protoErr.Code
		e.Temporary = protoErr.Code >= 400 && protoErr.Code < 500
	}
	if e.Code >= 400 && e.Code < 500 {
		e.Temporary = true
	}
	switch {
	case ctx.Err() != nil:
		// The connection was closed under go-mail; its error ("use of
		// closed network connection") says less than the context's.
		e.cause = ctx.Err()
		e.Temporary = true
		e.detail += " (" + ctx.Err().Error() + ")"
	case errors.As(err, &netErr):
		e.cause = netErr
		e.Temporary = true
	}
	return e
}

// redact replaces the secrets in s. The link's last path segment is the
// token that makes it a credential, so it goes too, in case an error
// quotes the link in another form.
func redact(s, password, link string) string {
	if password != "" {
		s = strings.ReplaceAll(s, password, "[redacted]")
	}
	secrets := []string{link}
	if u, err := url.Parse(link); err == nil {
		if i := strings.LastIndexByte(u.Path, '/'); i >= 0 {
			secrets = append(secrets, u.Path[i+1:], url.PathEscape(u.Path[i+1:]))
		}
	}
	for _, v := range secrets {
		// A segment this short is no secret, and replacing it would
		// garble the message.
		if len(v) >= 8 {
			s = strings.ReplaceAll(s, v, "[redacted]")
		}
	}
	return s
}
