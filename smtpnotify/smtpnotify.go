// Package smtpnotify sends customerauth notifications as email over SMTP.
//
// A Notifier turns each customerauth.Notification into a multipart message
// with a plain-text and an HTML part, rendered from built-in or configured
// templates, and hands it to a mail server (a relay, a mail provider's
// submission service or a local MTA) with authentication and TLS as
// configured:
//
//	n, err := smtpnotify.New(smtpnotify.Config{
//		Host:     "smtp.example.com",
//		Username: "shop",
//		Password: os.Getenv("SMTP_PASSWORD"),
//		From:     "Example Shop <no-reply@shop.example>",
//		ShopName: "Example Shop",
//	})
//	...
//	svc, err := customerauth.New(customerauth.Config{Notifier: n, ...})
//
// Each message is written in the customer's language
// (customerauth.Notification.Language) when it is English, French, German,
// Spanish, Italian, Dutch, Portuguese or Japanese, and in English otherwise;
// a message with a link says exactly how long the link works. A shop can
// reword any message, in every language (Config.Templates) or in one
// (Config.LocalizedTemplates).
//
// Notify delivers while the caller waits: the customerauth.Service calls
// it inside the request that caused the message, so Config.Timeout bounds
// how long a slow or unreachable server can hold that request. A shop that
// sends much mail, or whose server is far away, can wrap the Notifier in a
// queue of its own.
//
// Activation and reset links are credentials: whoever has one can set the
// customer's password. The Notifier never puts them, or the SMTP password,
// into the errors it returns, and it sends the SMTP password only over TLS
// (or to a server on the loopback interface).
package smtpnotify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"

	"github.com/shopkit/customerauth"
)

// Defaults for the zero fields of Config.
const (
	// DefaultPort is the mail submission port (RFC 6409), which takes
	// authenticated mail and offers STARTTLS.
	DefaultPort = 587
	// DefaultImplicitTLSPort is the submission port with implicit TLS
	// (RFC 8314), the default when Config.TLSPolicy is TLSImplicit.
	DefaultImplicitTLSPort = 465
	// DefaultTimeout bounds one delivery. It is short because the customer
	// whose registration or password reset caused the message is waiting.
	DefaultTimeout = 10 * time.Second
	// DefaultShopName is how messages name the shop when Config.ShopName
	// is empty.
	DefaultShopName = "our shop"
)

// TLSPolicy tells how the connection to the mail server is protected. The
// zero value, TLSMandatory, is the safe choice: the password and the links
// in the messages never cross the network in clear text.
type TLSPolicy uint8

// The TLS policies.
const (
	// TLSMandatory connects in clear text and upgrades with STARTTLS,
	// refusing to go on when the server does not offer it or the
	// certificate does not verify. This is what submission servers on port
	// 587 expect.
	TLSMandatory TLSPolicy = iota
	// TLSImplicit speaks TLS from the first byte, as servers on port 465
	// expect.
	TLSImplicit
	// TLSOpportunistic uses STARTTLS when the server offers it and sends in
	// clear text otherwise. An attacker on the path can strip the offer,
	// so use it only where the network itself is trusted. The password is
	// still sent only over TLS or to the loopback interface.
	TLSOpportunistic
	// TLSNone never uses TLS. It is meant for a mail server on the same
	// host or a test server; anyone on the path can read the messages and
	// with them the links.
	TLSNone
)

// String returns the policy's name, for logs and error messages.
func (p TLSPolicy) String() string {
	switch p {
	case TLSMandatory:
		return "mandatory"
	case TLSImplicit:
		return "implicit"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSNone:
		return "none"
	}
	return fmt.Sprintf("TLSPolicy(%d)", uint8(p))
}

// Config configures a Notifier. Host and From are required; every other
// field has a default that suits a submission server on port 587.
type Config struct {
	// Host is the mail server's host name or IP address, without a port;
	// an IPv6 address may be written with or without brackets.
	// With TLS it is also the name the certificate must carry (unless
	// TLSConfig says otherwise).
	Host string

	// Port is the mail server's TCP port. Zero means DefaultPort (587), or
	// DefaultImplicitTLSPort (465) when TLSPolicy is TLSImplicit.
	Port int

	// Username and Password authenticate to the server. Both empty means
	// no authentication, for a relay that trusts the sender's address;
	// set one and the other is required. The first of SCRAM-SHA-256,
	// SCRAM-SHA-1, PLAIN, LOGIN and CRAM-MD5 that the server offers is
	// used, PLAIN and LOGIN only over TLS or to a loopback address, so the
	// password is never sent readable on the network. The Notifier keeps
	// the password out of its errors and its printed form; keep it out of
	// logs of the Config as well.
	Username string
	Password string

	// From is the sender, such as "Example Shop <no-reply@shop.example>".
	// It is required: a customer decides whether to trust a password
	// reset email partly by who sent it.
	From string

	// ShopName names the shop in subjects and bodies. Empty means
	// DefaultShopName.
	ShopName string

	// TLSPolicy tells how the connection is protected. The zero value is
	// TLSMandatory.
	TLSPolicy TLSPolicy

	// TLSConfig customizes certificate verification, for a server whose
	// certificate is signed by a private CA, for instance. Nil means the
	// system's roots. ServerName defaults to Host and MinVersion to TLS
	// 1.2. New copies it, so later changes have no effect.
	TLSConfig *tls.Config

	// Timeout bounds one whole delivery: connecting, TLS, authentication
	// and transfer. Zero means DefaultTimeout (10 seconds). A deadline on
	// the context passed to Notify applies too; the earlier one wins.
	Timeout time.Duration

	// Templates replaces the built-in subject and bodies for some kinds of
	// notification, in every language: a shop that writes to all its
	// customers in one language needs nothing else, and one that writes in
	// several sets LocalizedTemplates instead. A Template's empty fields
	// keep the built-in text for that field, in the customer's language.
	// New refuses templates that do not parse, fail on sample data, or
	// leave the link out of either body of an activation or reset message.
	Templates map[customerauth.NotificationKind]Template

	// LocalizedTemplates replaces the built-in subject and bodies of some
	// kinds in one language: the key is the language, "en", "fr", "de",
	// "es", "it", "nl", "pt" or "ja" (any letter case; "PT_BR" is no key,
	// as "pt" serves every Portuguese reader). For messages in that
	// language its fields win over Templates' and the built-in ones; its
	// empty fields keep those. New checks them as it checks Templates, and
	// refuses a key that is not one of the languages above.
	//
	// The built-in templates write to a customer in the language of
	// Notification.Language when it is one of those, and in English
	// otherwise (see TemplateData.Language).
	LocalizedTemplates map[string]map[customerauth.NotificationKind]Template
}

// Notifier sends customerauth notifications by email. It implements
// customerauth.Notifier and is safe for concurrent use; each Notify opens
// its own connection.
type Notifier struct {
	host      string
	port      int
	auth      func() (username, password string) // nil: no authentication
	from      mail.Address
	shopName  string
	policy    TLSPolicy
	tlsConfig *tls.Config
	timeout   time.Duration
	templates templateSet
}

var _ customerauth.Notifier = (*Notifier)(nil)

// password returns the SMTP password, or "" without authentication.
func (nt *Notifier) password() string {
	if nt.auth == nil {
		return ""
	}
	_, pw := nt.auth()
	return pw
}

// New checks cfg, fills in its defaults, parses the templates and returns
// a Notifier. It does not contact the server, so a mail server that is
// down at start-up does not keep the shop from starting.
func New(cfg Config) (*Notifier, error) {
	host := strings.TrimSpace(cfg.Host)
	switch {
	case host == "":
		return nil, errors.New("smtpnotify: Config.Host is required")
	case strings.ContainsAny(host, "/ \t\r\n") || strings.Contains(host, "://"):
		return nil, fmt.Errorf("smtpnotify: Config.Host %q must be a host name or IP address, without scheme or port", host)
	}
	if _, _, err := net.SplitHostPort(host); err == nil {
		return nil, fmt.Errorf("smtpnotify: Config.Host %q must not include a port; set Config.Port", host)
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1] // an IPv6 literal as in a URL
	}
	if cfg.TLSPolicy > TLSNone {
		return nil, fmt.Errorf("smtpnotify: unknown Config.TLSPolicy %d", uint8(cfg.TLSPolicy))
	}
	port := cfg.Port
	if port == 0 {
		port = DefaultPort
		if cfg.TLSPolicy == TLSImplicit {
			port = DefaultImplicitTLSPort
		}
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtpnotify: Config.Port %d is out of range", cfg.Port)
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("smtpnotify: Config.Username and Config.Password must be set together")
	}
	if cfg.From == "" {
		return nil, errors.New("smtpnotify: Config.From is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtpnotify: Config.From %q is not an email address: %w", cfg.From, err)
	}
	timeout := cfg.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		return nil, errors.New("smtpnotify: Config.Timeout must not be negative")
	}
	shopName := strings.TrimSpace(cfg.ShopName)
	if shopName == "" {
		shopName = DefaultShopName
	}
	var tlsConfig *tls.Config
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	} else {
		tlsConfig = &tls.Config{}
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	if tlsConfig.MinVersion == 0 {
		tlsConfig.MinVersion = tls.VersionTLS12
	}
	templates, err := compileTemplates(cfg.Templates, cfg.LocalizedTemplates, shopName)
	if err != nil {
		return nil, err
	}
	// The credentials live in a closure: fmt prints a func as an address,
	// so a Notifier printed with any verb does not show the password.
	var auth func() (string, string)
	if user, pw := cfg.Username, cfg.Password; user != "" {
		auth = func() (string, string) { return user, pw }
	}
	return &Notifier{
		host:      host,
		port:      port,
		auth:      auth,
		from:      *from,
		shopName:  shopName,
		policy:    cfg.TLSPolicy,
		tlsConfig: tlsConfig,
		timeout:   timeout,
		templates: templates,
	}, nil
}

// Notify renders the message for n and delivers it to n.Email. It returns
// once the server has accepted the message, or with a *SendError when it
// could not be delivered within Config.Timeout or before ctx ended.
func (nt *Notifier) Notify(ctx context.Context, n customerauth.Notification) error {
	tmpl, ok := nt.templates.lookup(n.Kind, n.Language)
	if !ok {
		return nt.fail(ctx, n, fmt.Errorf("unknown notification kind %d", uint8(n.Kind)))
	}
	msg, err := nt.message(tmpl, n)
	if err != nil {
		return nt.fail(ctx, n, err)
	}

	ctx, cancel := context.WithTimeout(ctx, nt.timeout)
	// Cancelling closes the connection (see dialer), also on the paths where
	// go-mail would leave it open.
	defer cancel()
	client, err := nt.client(ctx)
	if err != nil {
		return nt.fail(ctx, n, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil && !msg.IsDelivered() {
		// A failure after the server accepted the message (RSET, QUIT)
		// does not count: the customer gets the email, and reporting an
		// error would fail the request that sent it.
		return nt.fail(ctx, n, err)
	}
	return nil
}

// message builds the email for n.
func (nt *Notifier) message(t *compiled, n customerauth.Notification) (*gomail.Msg, error) {
	to, err := recipient(n)
	if err != nil {
		return nil, err
	}
	if hasLink(n.Kind) {
		if u, err := url.Parse(n.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, errors.New("the notification lacks an absolute http or https link")
		}
	}
	subject, text, html, err := t.render(newTemplateData(n, nt.shopName))
	if err != nil {
		return nil, err
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(&nt.from)
	m.ToMailAddress(to)
	m.Subject(subject)
	m.SetMessageIDWithValue(rand.Text() + "@" + domainOf(nt.from.Address))
	m.SetDate()
	// RFC 3834: tells auto-responders (vacation replies) not to answer.
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, text)
	m.AddAlternativeString(gomail.TypeTextHTML, html)
	return m, nil
}

// recipient checks that n.Email is exactly one bare address, so that a
// stray comma or display name cannot send the message elsewhere as well,
// and adds the customer's name for display.
func recipient(n customerauth.Notification) (*mail.Address, error) {
	addr, err := mail.ParseAddress(n.Email)
	if err != nil || addr.Name != "" || addr.Address != strings.TrimSpace(n.Email) {
		return nil, errors.New("recipient is not a single email address")
	}
	addr.Name = stripControl(strings.TrimSpace(n.FirstName + " " + n.LastName))
	return addr, nil
}

// client makes a go-mail client for one delivery that ends when ctx does.
func (nt *Notifier) client(ctx context.Context) (*gomail.Client, error) {
	policy := gomail.TLSMandatory
	switch nt.policy {
	case TLSOpportunistic:
		policy = gomail.TLSOpportunistic
	case TLSNone, TLSImplicit:
		// With TLSImplicit, dial has already done TLS; there is nothing
		// to upgrade.
		policy = gomail.NoTLS
	}
	opts := []gomail.Option{
		gomail.WithPort(nt.port),
		gomail.WithTimeout(nt.timeout),
		gomail.WithTLSPolicy(policy),
		gomail.WithTLSConfig(nt.tlsConfig),
		gomail.WithDialContextFunc(nt.dialer(ctx)),
	}
	if nt.auth != nil {
		user, pw := nt.auth()
		opts = append(opts,
			gomail.WithUsername(user),
			gomail.WithPassword(pw),
			// The PLAIN and LOGIN implementations refuse to send the
			// password unless the connection is TLS or goes to loopback.
			gomail.WithOpportunisticSMTPAuth(
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5,
			),
		)
	}
	return gomail.NewClient(nt.host, opts...)
}

// dialer returns the dial function for one delivery. The connection is
// closed when ctx ends, which aborts a delivery stuck at any stage: go-mail
// itself consults the context only while dialing.
func (nt *Notifier) dialer(ctx context.Context) gomail.DialContextFunc {
	// go-mail's address is host:port, wrong for IPv6 literals.
	addr := net.JoinHostPort(nt.host, strconv.Itoa(nt.port))
	return func(dialCtx context.Context, network, _ string) (net.Conn, error) {
		var conn net.Conn
		var err error
		if nt.policy == TLSImplicit {
			d := tls.Dialer{Config: nt.tlsConfig}
			conn, err = d.DialContext(dialCtx, network, addr)
		} else {
			var d net.Dialer
			conn, err = d.DialContext(dialCtx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
}

// domainOf returns the domain of an address, for Message-IDs that name the
// sender's domain rather than the host the shop happens to run on.
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}

// stripControl removes control characters, which have no place in a
// display name.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// CheckStep is the step of the conversation with the mail server at which
// Check found a problem. Each calls for a different fix, which is why a
// host may want to tell them apart.
type CheckStep uint8

// The steps Check reports.
const (
	// CheckConnect: no connection could be opened. The host or port is
	// wrong, the server is down, a firewall is in the way or the name does
	// not resolve.
	CheckConnect CheckStep = iota + 1
	// CheckGreeting: a connection opened, but no SMTP conversation
	// followed. Often the port expects TLS from the first byte (465, for
	// TLSImplicit), or what listens there is not a mail server.
	CheckGreeting
	// CheckSTARTTLS: the policy is TLSMandatory and the server does not
	// offer STARTTLS, as local test servers often do not.
	CheckSTARTTLS
	// CheckTLS: the TLS handshake failed. The certificate does not verify
	// for Host (expired, self-signed, issued for another name, signed by a
	// private CA that Config.TLSConfig lacks), or the server does not speak
	// TLS where the policy expects it.
	CheckTLS
	// CheckAuth: authentication failed. The server offers no mechanism the
	// Notifier may use on this connection, or it refused the username and
	// password.
	CheckAuth
)

// String returns the step's name, for logs.
func (s CheckStep) String() string {
	switch s {
	case CheckConnect:
		return "connect"
	case CheckGreeting:
		return "greeting"
	case CheckSTARTTLS:
		return "starttls"
	case CheckTLS:
		return "tls"
	case CheckAuth:
		return "auth"
	}
	return fmt.Sprintf("CheckStep(%d)", uint8(s))
}

// CheckError reports why Check found the mail server unusable. Like
// SendError, its message never contains the SMTP password.
type CheckError struct {
	// Step is the step that failed.
	Step CheckStep

	// Code is the SMTP reply code of the server's refusal, such as 535
	// for credentials it does not accept, or 0 when the failure was not a
	// reply.
	Code int

	detail string
	cause  error
}

// Error says what failed, with the server's address and, where there is
// one, its answer.
func (e *CheckError) Error() string {
	return "smtpnotify: mail server check: " + e.detail
}

// Unwrap returns the context's error when the check was cut short by the
// context, the network error when the server could not be reached or
// stopped answering (a timeout among them), and the certificate error when
// it did not verify; otherwise nil.
func (e *CheckError) Unwrap() error { return e.cause }

// Check holds the conversation a delivery begins with, and ends it without
// sending anything: it connects, reads the greeting, says EHLO, negotiates
// TLS as Config.TLSPolicy says, authenticates when Config.Username is set,
// and says QUIT. It uses the client Notify uses, so a server that passes
// will not fail a delivery for any of those reasons. New does not contact
// the server; a host calls Check at start-up to hear of a wrong port, a
// missing STARTTLS or a refused password then, rather than from a customer
// whose password reset email never came. Config.Timeout bounds it, as it
// bounds a delivery. A failure is a *CheckError naming the step.
func (nt *Notifier) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, nt.timeout)
	// Cancelling closes the connection, also when go-mail gave up on it
	// half-way (see dialer).
	defer cancel()
	client, err := nt.client(ctx)
	if err != nil {
		return nt.checkFailed(ctx, err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nt.checkFailed(ctx, err)
	}
	// Every step that matters went well; the answer to QUIT is of no
	// interest.
	_ = client.CloseWithSMTPClient(conn)
	return nil
}

// checkFailed turns an error of Check's conversation into a *CheckError.
// go-mail does not say which step failed, so the step is read from the
// error: its type where it has one, else go-mail's wording, which the
// tests against a real server pin down.
func (nt *Notifier) checkFailed(ctx context.Context, err error) error {
	addr := net.JoinHostPort(nt.host, strconv.Itoa(nt.port))
	msg := redact(err.Error(), nt.password(), "")
	e := &CheckError{}
	var (
		protoErr *textproto.Error
		certErr  *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		alert    tls.AlertError
		dnsErr   *net.DNSError
		opErr    *net.OpError
	)
	if errors.As(err, &protoErr) {
		e.Code = protoErr.Code
	}
	switch {
	case errors.As(err, &certErr):
		e.Step, e.cause = CheckTLS, certErr
		e.detail = fmt.Sprintf("the certificate of %s does not verify for %q: %s", addr, nt.tlsConfig.ServerName, msg)
	case errors.As(err, &recErr), errors.As(err, &alert):
		e.Step = CheckTLS
		e.detail = fmt.Sprintf("the TLS handshake with %s failed (TLS policy %s): %s", addr, nt.policy, msg)
	case errors.As(err, &dnsErr):
		e.Step, e.cause = CheckConnect, dnsErr
		e.detail = fmt.Sprintf("cannot connect to %s: %s", addr, msg)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		e.Step, e.cause = CheckConnect, opErr
		e.detail = fmt.Sprintf("cannot connect to %s: %s", addr, msg)
	case strings.Contains(msg, "does not support STARTTLS"):
		e.Step = CheckSTARTTLS
		e.detail = fmt.Sprintf("%s does not offer STARTTLS, which TLS policy %s requires", addr, nt.policy)
	case strings.Contains(strings.ToLower(msg), "smtp auth"):
		e.Step = CheckAuth
		e.detail = fmt.Sprintf("authentication to %s failed: %s", addr, msg)
	default:
		e.Step = CheckGreeting
		e.detail = fmt.Sprintf("%s did not answer as a mail server (TLS policy %s): %s", addr, nt.policy, msg)
		if errors.As(err, &opErr) {
			e.cause = opErr
		}
	}
	if ctx.Err() != nil {
		e.cause = ctx.Err()
		e.detail += " (" + ctx.Err().Error() + ")"
	}
	return e
}
