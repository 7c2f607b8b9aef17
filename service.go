package customerauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
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
	throttleCfg       Throttle
	limiter           Limiter
	hashSlots         chan struct{}
	inHashSlot        func() // nil; tests hold a slot with it instead of with a costly hash
	commonPasswords   func() map[string]struct{}
	tracer            *tracer // nil unless Config.TracerProvider is set: see tracing.go

	// api is the GraphQL schema and HTTP handler built on this Service.
	// They call the Service's Go API; the Service never calls them.
	api *endpoint
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
	if cfg.MaxAddresses < 0 {
		return nil, errors.New("customerauth: MaxAddresses must not be negative")
	}
	setDefault(&cfg.MaxAddresses, DefaultMaxAddresses)
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
	s.traceWith(cfg.TracerProvider)
	if len(cfg.MultipassSecrets) > 0 {
		if s.multipass, err = NewMultipass(cfg.MultipassSecrets...); err != nil {
			return nil, err
		}
	}
	s.hashSlots = make(chan struct{}, s.throttleCfg.MaxConcurrentHashes)
	s.limiter = capability(cfg.Limiter, s.store, func() Limiter { return NewMemoryLimiter() })
	s.replay = capability(cfg.ReplayCache, s.store, func() ReplayCache { return NewMemoryStore() })
	// Unknown emails are checked against this hash, so that they cost as
	// much time as a wrong password and do not reveal which emails exist.
	if s.dummyHash, err = hashPassword(newSecret(16), cfg.Argon2); err != nil {
		return nil, fmt.Errorf("customerauth: %w", err)
	}
	if s.api, err = newEndpoint(s, cfg); err != nil {
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

// GlobalID returns the GraphQL id of the customer with the given ID.
func (s *Service) GlobalID(customerID string) string { return s.customerGIDPrefix + customerID }

// AddressGlobalID returns the GraphQL id of the address with the given id.
func (s *Service) AddressGlobalID(addressID string) string { return s.addressGIDPrefix + addressID }

// NumberOfOrders reports how many orders the customer placed, through
// Config.NumberOfOrders; without one, every customer has 0.
func (s *Service) NumberOfOrders(ctx context.Context, customerID string) (uint64, error) {
	if s.cfg.NumberOfOrders == nil {
		return 0, nil
	}
	return s.cfg.NumberOfOrders(ctx, customerID)
}

// parseCustomerID accepts a customer's global ID or its bare ID and returns
// the bare ID. IDs are opaque (UUIDs for customers created here, numbers
// for imported ones) and compared exactly, as every store does.
func (s *Service) parseCustomerID(id string) (string, bool) {
	id = strings.TrimPrefix(strings.TrimSpace(id), s.customerGIDPrefix)
	if !ValidCustomerID(id) {
		return "", false
	}
	return id, true
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
