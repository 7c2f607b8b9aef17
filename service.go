package customerauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
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
	// "gid://<IDNamespace>/Customer/<uuid>". Empty means "shopify", so
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
	// reports no error for unknown emails and sends nothing.
	HideAccountExistence bool

	// Limits bounds the size and shape of requests the handler accepts;
	// see Limits for the defaults.
	Limits Limits

	// OnEvent receives the Service's events (logins, throttling, tokens,
	// password changes, Multipass) for metrics or an audit log. It is
	// called synchronously on the request's goroutine and must be quick.
	// Nil means events are not reported.
	OnEvent func(ctx context.Context, e Event)

	// DocumentCache is how many parsed and validated documents are kept,
	// keyed by their text, so that repeated documents skip parsing and
	// validation. Zero means 512; negative turns the cache off. Documents
	// over 8 KiB are never kept.
	DocumentCache int

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

// Service implements the customer-account operations. Its methods are the
// Go API, and its GraphQL schema and HTTP handler call nothing else. A
// Service is safe for concurrent use.
type Service struct {
	cfg               Config
	store             Store
	notifier          Notifier
	log               *slog.Logger
	now               func() time.Time
	shopURL           string
	customerGIDPrefix string
	addressGIDPrefix  string
	dummyHash         string
	multipass         *Multipass // nil when no secret is configured
	replay            ReplayCache
	limits            Limits
	throttleCfg       Throttle
	limiter           Limiter
	hashSlots         chan struct{}
	commonPasswords   func() map[string]struct{}
	unknownClient     sync.Once                      // warns once about requests without a client IP
	openGrants        *grants                        // every scope, for requests when no storefront token is configured
	docs              *lru.Cache[string, *cachedDoc] // nil when disabled

	gql *schema
}

// New validates cfg, fills in its defaults and returns a ready Service.
func New(cfg Config) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	setDefault(&cfg.TokenTTL, DefaultTokenTTL)
	setDefault(&cfg.ActivationTTL, DefaultActivationTTL)
	setDefault(&cfg.ResetTTL, DefaultResetTTL)
	setDefault(&cfg.MinPasswordLength, 8)
	setDefault(&cfg.IDNamespace, "shopify")
	setDefault(&cfg.MultipassMaxAge, 15*time.Minute)
	setDefault(&cfg.MultipassMaxSkew, 60*time.Second)
	cfg.Argon2 = cfg.Argon2.withDefaults()
	if !cfg.Argon2.inBounds() {
		return nil, errors.New("customerauth: Argon2 parameters are out of range (Memory 8 KiB to 1 GiB, Iterations 1 to 64)")
	}
	if cfg.TokenTTL < 0 || cfg.ActivationTTL < 0 || cfg.ResetTTL < 0 || cfg.MultipassMaxAge < 0 || cfg.MultipassMaxSkew < 0 {
		return nil, errors.New("customerauth: token lifetimes must not be negative")
	}
	if cfg.MinPasswordLength < 1 || cfg.MinPasswordLength > maxPasswordLength {
		return nil, fmt.Errorf("customerauth: MinPasswordLength must be between 1 and %d", maxPasswordLength)
	}
	if strings.ContainsAny(cfg.IDNamespace, "/?#: ") {
		return nil, fmt.Errorf("customerauth: IDNamespace %q must be a single path segment", cfg.IDNamespace)
	}
	shopURL, err := normalizeShopURL(cfg.ShopURL)
	if err != nil {
		return nil, err
	}

	s := &Service{
		cfg:               cfg,
		store:             cfg.Store,
		notifier:          cfg.Notifier,
		log:               cfg.Logger,
		now:               cfg.Now,
		shopURL:           shopURL,
		limits:            cfg.Limits.withDefaults(),
		openGrants:        &grants{all: true},
		throttleCfg:       cfg.Throttle.withDefaults(runtime.GOMAXPROCS(0)),
		commonPasswords:   sync.OnceValue(commonPasswordSet),
		customerGIDPrefix: "gid://" + cfg.IDNamespace + "/Customer/",
		addressGIDPrefix:  "gid://" + cfg.IDNamespace + "/MailingAddress/",
	}
	if s.store == nil {
		s.store = NewMemoryStore()
		s.log.Warn("customerauth: no Store configured; customers are kept in memory and lost when the process exits")
	}
	if s.notifier == nil {
		s.notifier = LogNotifier{Logger: s.log}
	}
	if len(cfg.MultipassSecrets) > 0 {
		if s.multipass, err = NewMultipass(cfg.MultipassSecrets...); err != nil {
			return nil, err
		}
	}
	s.hashSlots = make(chan struct{}, s.throttleCfg.MaxConcurrentHashes)
	setDefault(&cfg.DocumentCache, 512)
	if cfg.DocumentCache > 0 {
		if s.docs, err = lru.New[string, *cachedDoc](cfg.DocumentCache); err != nil {
			return nil, err
		}
	}
	s.limiter = capability(cfg.Limiter, s.store, func() Limiter { return NewMemoryLimiter() })
	s.replay = capability(cfg.ReplayCache, s.store, func() ReplayCache { return NewMemoryStore() })
	// Unknown emails are checked against this hash, so that they cost as
	// much time as a wrong password and do not reveal which emails exist.
	if s.dummyHash, err = hashPassword(newSecret(16), cfg.Argon2); err != nil {
		return nil, fmt.Errorf("customerauth: %w", err)
	}
	if s.gql, err = newSchema(s); err != nil {
		return nil, err
	}
	return s, nil
}

// capability returns configured when set, else the Store when it
// implements T (so processes sharing a database share the state), else
// what fallback makes.
func capability[T any](configured T, store Store, fallback func() T) T {
	if any(configured) != nil {
		return configured
	}
	if c, ok := store.(T); ok {
		return c
	}
	return fallback()
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

func normalizeShopURL(raw string) (string, error) {
	if raw == "" {
		return "http://localhost", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("customerauth: ShopURL %q must be an absolute http or https URL without query", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Schema returns the complete GraphQL schema served by Handler, with the
// root types QueryRoot and Mutation.
func (s *Service) Schema() graphql.Schema { return s.gql.schema }

// QueryFields returns the query root fields (customer), for a host that
// merges them into a schema of its own.
func (s *Service) QueryFields() graphql.Fields { return s.gql.queryFields() }

// MutationFields returns the eleven customer mutations, for a host that
// merges them into a schema of its own.
func (s *Service) MutationFields() graphql.Fields { return s.gql.mutationFields() }

// CustomerType returns the Customer object type. A host may add fields of
// its own (orders, say) with AddFieldConfig before it builds its schema and
// before it serves requests; the resolvers receive a *Customer as source.
func (s *Service) CustomerType() *graphql.Object { return s.gql.customer }

// GlobalID returns the GraphQL id of the customer with the given UUID.
func (s *Service) GlobalID(customerID string) string { return s.customerGIDPrefix + customerID }

// parseCustomerID accepts a global ID or a bare UUID and returns the UUID.
func (s *Service) parseCustomerID(id string) (string, bool) {
	id = strings.TrimPrefix(strings.TrimSpace(id), s.customerGIDPrefix)
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return "", false
	}
	return u.String(), true
}

// storeErr wraps an unexpected Store error; such errors are logged by the
// handler with the request id and never shown to API clients.
func storeErr(op string, err error) error {
	return fmt.Errorf("customerauth: %s: store: %w", op, err)
}

// notify sends n and logs a failure. Used for messages whose loss must not
// fail the operation that caused them.
func (s *Service) notify(ctx context.Context, n Notification) {
	if err := s.notifier.Notify(ctx, n); err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "customerauth: notification failed",
			slog.String("kind", n.Kind.String()), slog.String("customer_id", n.CustomerID),
			slog.String("request_id", RequestID(ctx)), slog.Any("error", err))
	}
}
