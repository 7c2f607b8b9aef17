package customerauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"time"
)

// Throttle sets the allowances. Zero Rules take the defaults given; a
// negative Limit switches that rule off.
type Throttle struct {
	// LoginPerAccount: logins for one email. Zero means 10 per 15 minutes.
	LoginPerAccount Rule
	// LoginPerIP: logins from one client IP, across accounts. Zero means 50
	// per 15 minutes.
	LoginPerIP Rule
	// RecoverPerEmail: reset emails for one address. Zero means 5 per hour.
	RecoverPerEmail Rule
	// RecoverPerIP: recover requests from one client IP. Zero means 20 per
	// hour.
	RecoverPerIP Rule
	// CreatePerIP: registrations from one client IP. Zero means 20 per
	// hour.
	CreatePerIP Rule
	// MaxConcurrentHashes bounds the password hashes computed at once, so
	// memory stays flat under a login flood. Zero means GOMAXPROCS.
	MaxConcurrentHashes int
	// HashWait is how long a request waits for a hashing slot before it is
	// answered THROTTLED. Zero means 3 seconds.
	HashWait time.Duration
}

func (t Throttle) withDefaults(procs int) Throttle {
	def := func(r *Rule, limit int, window time.Duration) {
		if r.Limit == 0 {
			r.Limit = limit
		}
		if r.Window <= 0 {
			r.Window = window
		}
	}
	def(&t.LoginPerAccount, 10, 15*time.Minute)
	def(&t.LoginPerIP, 50, 15*time.Minute)
	def(&t.RecoverPerEmail, 5, time.Hour)
	def(&t.RecoverPerIP, 20, time.Hour)
	def(&t.CreatePerIP, 20, time.Hour)
	setDefault(&t.MaxConcurrentHashes, procs)
	setDefault(&t.HashWait, 3*time.Second)
	return t
}

// ErrThrottled reports that a limit was reached: too many attempts for an
// account or client, or no hashing slot free in time. The GraphQL API
// answers it with a top-level THROTTLED error.
var ErrThrottled = errors.New("customerauth: too many attempts")

// throttle asks the Limiter about each key under its rule, in order, and
// returns ErrThrottled when one is over. The client's key comes first: a
// client over its limit is refused before its attempt is counted against
// an account, so a throttled client cannot make the Limiter keep a counter
// for every email it makes up. Otherwise every key is counted, so each
// dimension sees every attempt. Empty keys (an unknown client IP) are
// skipped.
func (s *Service) throttle(ctx context.Context, operation string, checks ...limitCheck) error {
	for _, c := range checks {
		if c.key == "" || c.rule.Limit < 0 {
			continue
		}
		ok, err := s.limiter.Allow(ctx, c.key, c.rule, s.now())
		if err != nil {
			return storeErr("limiter", err)
		}
		if !ok {
			s.emit(ctx, EventThrottled, "", operation)
			return ErrThrottled
		}
	}
	return nil
}

type limitCheck struct {
	key  string
	rule Rule
}

// accountKey is the Limiter key of an email: a digest, so that keys have
// one size however long the email a client sends.
func accountKey(prefix, emailKey string) string {
	sum := sha256.Sum256([]byte(emailKey))
	return prefix + ":account:" + hex.EncodeToString(sum[:16])
}

// ipKey is the Limiter key of the request's client. IPv6 clients are keyed
// by their /64, the block one subscriber gets, so that rotating through it
// does not multiply the allowance.
func ipKey(ctx context.Context, prefix string) string {
	ip, err := netip.ParseAddr(ClientIP(ctx))
	if err != nil {
		return ""
	}
	if ip.Is6() && !ip.Is4In6() {
		return prefix + ":net:" + netip.PrefixFrom(ip, 64).Masked().String()
	}
	return prefix + ":ip:" + ip.String()
}
