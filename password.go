package customerauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of new password hashes. Hashes made
// with weaker parameters still verify and are rehashed at the next login.
type Argon2Params struct {
	// Memory in KiB, at most 1 GiB. Zero means 19456 (19 MiB), OWASP's
	// minimum for argon2id.
	Memory uint32
	// Iterations over the memory, at most 64. Zero means 2.
	Iterations uint32
	// Parallelism is the number of lanes. Zero means 1.
	Parallelism uint8
}

// inBounds reports whether p is within the range this package accepts, so
// that a corrupted or planted hash cannot make one login allocate
// gigabytes or spin for minutes.
func (p Argon2Params) inBounds() bool {
	return p.Memory >= 8 && p.Memory <= 1<<20 && p.Iterations >= 1 && p.Iterations <= 64 && p.Parallelism >= 1
}

func (p Argon2Params) withDefaults() Argon2Params {
	if p.Memory == 0 {
		p.Memory = 19 * 1024
	}
	if p.Iterations == 0 {
		p.Iterations = 2
	}
	if p.Parallelism == 0 {
		p.Parallelism = 1
	}
	return p
}

const (
	argon2SaltLen = 16
	argon2KeyLen  = 32
)

var errMalformedHash = errors.New("customerauth: malformed password hash")

// hashPassword returns a PHC-formatted argon2id hash of pw with a fresh salt.
func hashPassword(pw string, p Argon2Params) (string, error) {
	salt := make([]byte, argon2SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Iterations, p.Memory, p.Parallelism, argon2KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether pw matches hash, and whether hash should be
// replaced by one made with the current parameters. It accepts the argon2id
// hashes this package makes and the formats of other platforms that shops
// import (password_imported.go): a hash that is malformed or asks for more
// work than the bounds allow is refused with errMalformedHash before any
// hashing.
func verifyPassword(pw, hash string, current Argon2Params) (ok, rehash bool, err error) {
	h, err := parseStoredHash(hash)
	if err != nil {
		return false, false, errMalformedHash
	}
	return h.verify(pw, current)
}

// acquireHashSlot waits for one of Throttle.MaxConcurrentHashes slots.
// argon2id takes 19 MiB per hash: unbounded, a login flood would take all
// memory, so excess requests wait briefly and are then refused.
func (s *Service) acquireHashSlot(ctx context.Context) (release func(), err error) {
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	default:
	}
	t := time.NewTimer(s.throttleCfg.HashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-t.C:
		return nil, ErrThrottled
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hash is hashPassword within a hashing slot. Its span (Config.TracerProvider)
// covers the wait for the slot too: a login flood shows as spans that wait.
func (s *Service) hash(ctx context.Context, pw string) (_ string, err error) {
	_, sp := s.tracer.start(ctx, "customerauth.password.hash")
	defer func() { sp.end(err) }()
	release, err := s.acquireHashSlot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	if s.inHashSlot != nil {
		s.inHashSlot()
	}
	return hashPassword(pw, s.cfg.Argon2)
}

// verify is verifyPassword within a hashing slot, in a span as hash's. A
// wrong password is an answer, not an error of the span.
func (s *Service) verify(ctx context.Context, pw, hash string) (ok, rehash bool, err error) {
	_, sp := s.tracer.start(ctx, "customerauth.password.verify")
	defer func() { sp.setBool(attrPasswordRehash, rehash); sp.end(err) }()
	release, err := s.acquireHashSlot(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	if s.inHashSlot != nil {
		s.inHashSlot()
	}
	return verifyPassword(pw, hash, s.cfg.Argon2)
}

// commonPasswordSet returns the passwords people choose most often, from
// the ranked list zxcvbn maintains (about 30,000 entries), lowercased.
func commonPasswordSet() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[strings.ToLower(p)] = struct{}{}
	}
	return set
}

// isCommonPassword reports whether pw, ignoring case, is on the list.
func (s *Service) isCommonPassword(pw string) bool {
	_, ok := s.commonPasswords()[strings.ToLower(pw)]
	return ok
}
