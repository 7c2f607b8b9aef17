package customerauth

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Config configures a Service. The zero value is usable: it keeps customers
// in memory, logs notifications instead of sending them and builds links on
// http://localhost.
type Config struct {
	// Store keeps customers and tokens. Nil means a new in-memory store,
	// which forgets everything when the process exits (New logs a warning).
	Store Store

	// ShopURL is the absolute base URL of the storefront, such as
	// "https://shop.example"; activation and reset links start with it.
	// Empty means "http://localhost".
	ShopURL string

	// Notifier sends welcome, activation, reset and password-changed
	// messages. Nil means a LogNotifier that logs without the links.
	Notifier Notifier

	// MultipassSecrets are the shop's Multipass secrets. The first one
	// encodes (Service.Multipass), any one verifies, so a shop rotates its
	// secret by adding the new one first and dropping the old one later.
	// Empty means Multipass logins are refused with
	// INVALID_MULTIPASS_REQUEST.
	MultipassSecrets []string

	// MultipassMaxAge is how long after its created_at a Multipass token
	// is accepted. Zero means 15 minutes, as on Shopify.
	MultipassMaxAge time.Duration

	// MultipassMaxSkew is how far in the future a token's created_at may
	// lie, for identity providers whose clock runs ahead. Zero means 60
	// seconds.
	MultipassMaxSkew time.Duration

	// ReplayCache remembers redeemed Multipass tokens so each works once.
	// Nil means the Store when it implements ReplayCache (the SQL stores
	// do, so several processes share it), else a cache in this process.
	ReplayCache ReplayCache

	// Now returns the current time. Nil means time.Now; tests set it to
	// move the clock.
	Now func() time.Time

	// Logger receives the Service's own records (errors, warnings). Nil
	// means slog.Default(). Records never contain passwords or tokens.
	Logger *slog.Logger

	// TokenTTL is how long a customer access token lives after it is
	// issued or renewed. Zero means 42 days, as on Shopify.
	TokenTTL time.Duration

	// ActivationTTL is how long an activation link works. Zero means 30
	// days.
	ActivationTTL time.Duration

	// ResetTTL is how long a password reset link works. Zero means 24
	// hours.
	ResetTTL time.Duration

	// MinPasswordLength is the fewest characters a new password may have.
	// Zero means 8.
	MinPasswordLength int

	// RequireEmailVerification makes customerCreate create INVITED accounts
	// that the customer activates from an emailed link (setting the
	// password there), instead of ENABLED accounts that can log in at once.
	RequireEmailVerification bool

	// IDNamespace is the namespace of global IDs: customers are
	// "gid://<IDNamespace>/Customer/<id>". Empty means "shopify", so
	// client code that builds Shopify IDs keeps working.
	IDNamespace string

	// Argon2 sets the cost of new password hashes; see Argon2Params for the
	// defaults.
	Argon2 Argon2Params

	// AccessTokens are the storefront access tokens clients must send, with
	// their scopes. Nil means no token is needed and every scope is
	// granted, for a host that authenticates clients itself.
	AccessTokens []StorefrontToken

	// TrustedProxies are the networks of reverse proxies in front of the
	// server. Only a request from one of them has its X-Forwarded-For
	// believed when the client IP is determined for per-IP limits. Nil
	// means the peer address is the client.
	TrustedProxies []netip.Prefix

	// Throttle sets the attempt limits and the bound on concurrent
	// password hashing; see Throttle for the defaults.
	Throttle Throttle

	// Limiter counts attempts for Throttle. Nil means the Store when it
	// implements Limiter (the SQL stores do, so several processes share
	// the counts), else a MemoryLimiter.
	Limiter Limiter

	// HideAccountExistence makes customerCreate and customerRecover answer
	// alike whether or not the email has an account: customerCreate then
	// never returns the customer, and an existing owner is notified
	// (NotifyAccountExists) instead of being told TAKEN; customerRecover
	// reports no error for unknown emails and sends nothing. A failed
	// delivery of their emails is then logged rather than answered as an
	// internal error, which would happen only for addresses that exist;
	// without it, customerRecover reports the failure so the customer
	// knows no email is coming.
	HideAccountExistence bool

	// RequestLimits bounds the size and shape of the requests Handler
	// accepts, before graphql-go parses them; see RequestLimits for the
	// defaults.
	RequestLimits RequestLimits

	// CORS is how Handler answers browsers calling it from other origins
	// (a storefront on its own domain); see CORSConfig. The zero value
	// allows any origin, as Shopify does, never with credentials.
	CORS CORSConfig

	// OnEvent receives the Service's events (logins, throttling, tokens,
	// password changes, Multipass) for metrics or an audit log. It is
	// called synchronously on the request's goroutine and must be quick.
	// Nil means events are not reported.
	OnEvent func(ctx context.Context, e Event)

	// TracerProvider, when set, makes OpenTelemetry spans of the Service's
	// work: one per Handler request (customerauth.request, with the
	// operation's name and type, the HTTP status and the request id), its
	// parse, validate and execute phases (fastpath.execute for cached
	// documents), each Store call, each password hash or verification and
	// each notification. Spans name customers by id only, never by email,
	// and never hold a password or a token. The request span is a child of
	// the span in the request's context: a host that wants the incoming
	// trace context honoured wraps Handler with its own HTTP
	// instrumentation (otelhttp). A Limiter or ReplayCache configured apart
	// from the Store is not traced. Nil (or OpenTelemetry's no-op provider)
	// means no spans, at no cost: nothing is wrapped and nothing allocated.
	TracerProvider trace.TracerProvider

	// DocumentCache is how many parsed and validated documents are kept,
	// keyed by their text, so that repeated documents skip parsing and
	// validation. Zero means 512; negative turns the cache off. Documents
	// over 8 KiB are never kept.
	DocumentCache int

	// MaxAddresses is the most addresses one customer may keep:
	// customerAddressCreate (Service.CreateAddress) refuses one more with
	// INVALID on ["address"]. It bounds what one account can make the
	// Store hold. Zero means DefaultMaxAddresses (100); a negative value is
	// refused by New. Addresses the shop sets itself (SetAddresses,
	// Multipass) are not held to it, but count towards it.
	MaxAddresses int

	// NumberOfOrders reports a customer's order count for the
	// Customer.numberOfOrders field. Nil means every customer has 0 orders.
	NumberOfOrders func(ctx context.Context, customerID string) (uint64, error)
}

// Default lifetimes, as documented on Config.
const (
	DefaultTokenTTL      = 42 * 24 * time.Hour
	DefaultActivationTTL = 30 * 24 * time.Hour
	DefaultResetTTL      = 24 * time.Hour
)

// DefaultMaxAddresses is how many addresses a customer may keep when
// Config.MaxAddresses is zero.
const DefaultMaxAddresses = 100
