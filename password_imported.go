package customerauth

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// The names of the stored hash formats this package verifies, as
// importedHashFormat reports them to the import command and its reports.
const (
	hashFormatArgon2id        = "argon2id"
	hashFormatArgon2i         = "argon2i"
	hashFormatBcrypt          = "bcrypt"
	hashFormatWordPressBcrypt = "wordpress-bcrypt"
	hashFormatSHA512Crypt     = "sha512-crypt"
	hashFormatDjangoPBKDF2    = "django-pbkdf2-sha256"
	hashFormatPHPass          = "phpass"
)

// Bounds on what a stored hash may ask for. A hash states its own cost, and
// whoever can write one to the store (an import file, a compromised
// database) could otherwise make a single login spin for hours or allocate
// gigabytes. Every bound is checked while parsing, before any hashing.
const (
	// The longest hash any accepted format produces is an argon2 PHC string
	// of about 200 characters; a kilobyte leaves room for long salts while
	// keeping parsing trivially cheap.
	maxStoredHashLen = 1024

	// Each step of bcrypt's cost doubles its work. 16 is 64 times PHP's
	// default of 10, a few seconds on one core; x/crypto would accept up to
	// 31, which would take days.
	maxBcryptCost = 16

	// sha512-crypt's cost is its number of rounds: 5000 when the hash does
	// not say, and never fewer than 1000 (the specification raises smaller
	// counts to 1000 rather than refusing them). A million is over 200 times
	// the default, above any configuration seen in practice, and still well
	// under a second for a password of ordinary length.
	sha512CryptDefaultRounds = 5000
	sha512CryptMinRounds     = 1000
	sha512CryptMaxRounds     = 1_000_000
	// glibc reads at most 16 characters of salt and prints what it used, so
	// a longer salt cannot have come from it.
	sha512CryptMaxSalt = 16
	// 64 digest bytes in the crypt alphabet: 21 groups of 4 characters and
	// 2 for the last byte.
	sha512CryptDigestLen = 86

	// Django raises its PBKDF2 iteration count every release; 6.0 uses
	// 1,200,000. Two million leaves room for hashes made by later releases
	// and keeps a planted hash to about a second of work.
	djangoMaxIterations = 2_000_000
	// Django stores one SHA-256 block of derived key.
	djangoKeyLen = 32

	// phpass stores the base-2 logarithm of its MD5 iteration count.
	// WordPress and phpBB write 8 (256 iterations) and phpass itself
	// refuses fewer than 7; it would accept up to 30, a billion MD5s, so
	// this package stops at 20, about a million.
	phpassMinLog2 = 7
	phpassMaxLog2 = 20
	// "$P$", the count character, 8 of salt and 22 of digest.
	phpassHashLen = 34

	// bcrypt hashes are "$2x$", two cost digits, "$" and 53 characters of
	// salt and digest.
	bcryptHashLen = 60
	// The cost of which bcrypt itself refuses anything lower.
	minBcryptCost = bcrypt.MinCost
)

// cryptAlphabet is the 64-character alphabet of crypt(3) and phpass, in the
// order that gives each character its 6-bit value.
const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// wordpressPrehashKey is the fixed HMAC key WordPress 6.8 and later put in
// front of bcrypt, so that passwords longer than bcrypt's 72 bytes keep
// their entropy and the result cannot be mistaken for a plain bcrypt input.
const wordpressPrehashKey = "wp-sha384"

// importedHashFormat names the format hash claims to be, from its prefix
// alone, or returns "" for a format this package does not know. It does not
// say the hash is valid (checkImportedHash does): the import command uses
// it to count and report hashes by format.
func importedHashFormat(hash string) string {
	switch {
	case strings.HasPrefix(hash, "$argon2id$"):
		return hashFormatArgon2id
	case strings.HasPrefix(hash, "$argon2i$"):
		return hashFormatArgon2i
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		return hashFormatBcrypt
	case strings.HasPrefix(hash, "$wp$"):
		return hashFormatWordPressBcrypt
	case strings.HasPrefix(hash, "$6$"):
		return hashFormatSHA512Crypt
	case strings.HasPrefix(hash, "pbkdf2_sha256$"):
		return hashFormatDjangoPBKDF2
	case strings.HasPrefix(hash, "$P$"), strings.HasPrefix(hash, "$H$"):
		return hashFormatPHPass
	}
	return ""
}

// checkImportedHash reports whether hash is in an accepted format and within
// the cost bounds, by parsing it only: nothing is hashed, so the import
// command can check a whole file of hashes quickly and refuse the bad ones
// before they are stored. The error wraps errMalformedHash and says which
// format and what is wrong; it never quotes the hash, which is a credential
// and must not end up in logs.
func checkImportedHash(hash string) error {
	_, err := parseStoredHash(hash)
	return err
}

// storedHash is a password hash that was taken apart and found within
// bounds. verify compares pw with it in constant time, and says whether a
// match should be replaced by a hash made with the current parameters.
type storedHash interface {
	verify(pw string, current Argon2Params) (ok, rehash bool, err error)
}

// parseStoredHash recognises the format of hash and parses it, refusing
// malformed hashes and those whose cost is out of bounds before any work is
// done. verifyPassword and checkImportedHash share it, so that a hash the
// import accepts is one a login can check, and the other way round.
func parseStoredHash(hash string) (storedHash, error) {
	format := importedHashFormat(hash)
	if format == "" {
		return nil, &hashError{problem: "format is not one of argon2id, argon2i, bcrypt, wordpress-bcrypt, sha512-crypt, django-pbkdf2-sha256, phpass"}
	}
	if len(hash) > maxStoredHashLen {
		return nil, refuseHash(format, "hash is %d bytes, more than %d", len(hash), maxStoredHashLen)
	}
	switch format {
	case hashFormatArgon2id, hashFormatArgon2i:
		return parseArgon2(format, hash)
	case hashFormatBcrypt:
		return parseBcrypt(format, hash, false)
	case hashFormatWordPressBcrypt:
		return parseBcrypt(format, strings.TrimPrefix(hash, "$wp"), true)
	case hashFormatSHA512Crypt:
		return parseSHA512Crypt(hash)
	case hashFormatDjangoPBKDF2:
		return parseDjangoPBKDF2(hash)
	default:
		return parsePHPass(hash)
	}
}

// hashError says why a stored hash cannot be used, in words an import
// report can show as they are: "<format> <problem>". It wraps
// errMalformedHash, so that callers treat it as any unusable hash.
type hashError struct {
	format  string // "" when the format is not recognised
	problem string
}

// Error reads "<format> <problem>", e.g. "sha512-crypt rounds 50000000
// exceed 1000000".
func (e *hashError) Error() string {
	if e.format == "" {
		return e.problem
	}
	return e.format + " " + e.problem
}

// Unwrap makes errors.Is(err, errMalformedHash) hold.
func (e *hashError) Unwrap() error { return errMalformedHash }

// refuseHash builds the hashError for a hash of the given format. Callers
// pass numbers and lengths only, never parts of the hash, which is a
// credential and must not reach logs or reports.
func refuseHash(format, problem string, args ...any) error {
	return &hashError{format: format, problem: fmt.Sprintf(problem, args...)}
}

// spendArgon2idOnce does the work of one argon2id hash with the current
// parameters and discards it. The formats added for imports can be far
// cheaper than argon2id (phpass is a few hundred MD5s), while a login for an
// unknown email pays one argon2id for the dummy hash: without this, an
// account with an imported hash would answer measurably faster than no
// account at all, and the timing would tell which emails have accounts.
func spendArgon2idOnce(pw string, current Argon2Params) {
	p := current.withDefaults()
	var salt [argon2SaltLen]byte
	_ = argon2.IDKey([]byte(pw), salt[:], p.Iterations, p.Memory, p.Parallelism, argon2KeyLen)
}

// parseCount reads a cost written as plain ASCII digits, as every format
// here writes it. It refuses an empty string, signs and anything over 18
// digits, so the result always fits an int64 and a number of absurd length
// is refused without being converted.
func parseCount(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// inCryptAlphabet reports whether s uses only the characters of
// cryptAlphabet, which bcrypt, sha512-crypt and phpass all encode with (in
// different orders, but the same set).
func inCryptAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(cryptAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// appendCrypt64 appends n characters encoding the 24-bit group
// hi<<16 | mid<<8 | lo, lowest six bits first. sha512-crypt and phpass both
// encode digests this way; they differ in how they pick the bytes of each
// group.
func appendCrypt64(dst []byte, hi, mid, lo byte, n int) []byte {
	w := uint32(hi)<<16 | uint32(mid)<<8 | uint32(lo)
	for range n {
		dst = append(dst, cryptAlphabet[w&0x3f])
		w >>= 6
	}
	return dst
}

// argon2Hash is an argon2id or argon2i hash in PHC form:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>, salt and key in
// unpadded base64.
type argon2Hash struct {
	format string
	params Argon2Params
	salt   []byte
	key    []byte
}

// parseArgon2 takes apart an argon2id or argon2i PHC string. Hashes from
// other platforms may use other salt and key lengths: salts of 8 bytes or
// more and keys of 16 to 64 bytes are accepted, and the parameters must be
// within Argon2Params' bounds, the same as for the hashes this package
// makes.
func parseArgon2(format, hash string) (storedHash, error) {
	parts := strings.Split(hash, "$")
	// "", variant, "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 {
		return nil, refuseHash(format, "hash has %d $-separated fields, want 5", len(parts)-1)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, refuseHash(format, "version is not v=%d, the only one supported", argon2.Version)
	}
	h := argon2Hash{format: format}
	var err error
	if h.params, err = parseArgon2Params(format, parts[3]); err != nil {
		return nil, err
	}
	b64 := base64.RawStdEncoding
	if h.salt, err = b64.DecodeString(parts[4]); err != nil {
		return nil, refuseHash(format, "salt is not unpadded base64")
	}
	if len(h.salt) < 8 {
		return nil, refuseHash(format, "salt is %d bytes, fewer than 8", len(h.salt))
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil {
		return nil, refuseHash(format, "key is not unpadded base64")
	}
	if len(h.key) < 16 || len(h.key) > 64 {
		return nil, refuseHash(format, "key is %d bytes, not 16 to 64", len(h.key))
	}
	return h, nil
}

// parseArgon2Params reads "m=<KiB>,t=<passes>,p=<lanes>" in that order, the
// only order PHC strings use, and checks the values against
// Argon2Params.inBounds.
func parseArgon2Params(format, s string) (Argon2Params, error) {
	var p Argon2Params
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return p, refuseHash(format, "parameters are not m=<KiB>,t=<passes>,p=<lanes>")
	}
	var vals [3]int64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(fields[i], name)
		n, valid := parseCount(v)
		if !ok || !valid {
			return p, refuseHash(format, "parameters are not m=<KiB>,t=<passes>,p=<lanes>")
		}
		vals[i] = n
	}
	switch m, t, l := vals[0], vals[1], vals[2]; {
	case m < 8 || m > 1<<20:
		return p, refuseHash(format, "memory %d KiB is not between 8 and %d", m, 1<<20)
	case t < 1 || t > 64:
		return p, refuseHash(format, "iterations %d are not between 1 and 64", t)
	case l < 1 || l > 255:
		return p, refuseHash(format, "parallelism %d is not between 1 and 255", l)
	}
	// The cases above are Argon2Params.inBounds, one message each.
	return Argon2Params{Memory: uint32(vals[0]), Iterations: uint32(vals[1]), Parallelism: uint8(vals[2])}, nil
}

// verify recomputes the key. An argon2id hash keeps the behaviour it always
// had: it is rehashed when its memory, passes or salt are below today's. An
// argon2i hash comes from another platform and is always replaced by
// argon2id, which resists side channels and GPU attacks together; it also
// pays the dummy argon2id, as every format added for imports does.
func (h argon2Hash) verify(pw string, current Argon2Params) (ok, rehash bool, err error) {
	p, n := h.params, uint32(len(h.key))
	if h.format == hashFormatArgon2i {
		got := argon2.Key([]byte(pw), h.salt, p.Iterations, p.Memory, p.Parallelism, n)
		ok = subtle.ConstantTimeCompare(got, h.key) == 1
		spendArgon2idOnce(pw, current)
		return ok, ok, nil
	}
	got := argon2.IDKey([]byte(pw), h.salt, p.Iterations, p.Memory, p.Parallelism, n)
	ok = subtle.ConstantTimeCompare(got, h.key) == 1
	weaker := p.Memory < current.Memory || p.Iterations < current.Iterations || len(h.salt) < argon2SaltLen
	return ok, ok && weaker, nil
}

// bcryptHash is a bcrypt hash, either as stored by most platforms or behind
// WordPress's "$wp" prefix, where the password was first put through
// HMAC-SHA384.
type bcryptHash struct {
	hash      []byte // without "$wp"
	wordpress bool
}

// parseBcrypt checks the shape of a bcrypt hash: the 2a/2b/2y variants
// (which differ only in bugs of old C code that do not affect verification
// here), a cost within bounds, and exactly 53 characters of salt and
// digest. x/crypto would parse looser strings, but a hash of any other shape
// could never match, and the import should say so.
func parseBcrypt(format, hash string, wordpress bool) (storedHash, error) {
	if !strings.HasPrefix(hash, "$2a$") && !strings.HasPrefix(hash, "$2b$") && !strings.HasPrefix(hash, "$2y$") {
		return nil, refuseHash(format, "hash is not $2a$, $2b$ or $2y$ bcrypt")
	}
	if len(hash) != bcryptHashLen {
		return nil, refuseHash(format, "hash is %d characters, not %d", len(hash), bcryptHashLen)
	}
	n, ok := parseCount(hash[4:6])
	cost := int(n)
	if !ok || hash[6] != '$' {
		return nil, refuseHash(format, "cost is not two digits")
	}
	if cost < minBcryptCost {
		return nil, refuseHash(format, "cost %d is below %d", cost, minBcryptCost)
	}
	if cost > maxBcryptCost {
		return nil, refuseHash(format, "cost %d exceeds %d", cost, maxBcryptCost)
	}
	if !inCryptAlphabet(hash[7:]) {
		return nil, refuseHash(format, "salt and digest are not in the bcrypt alphabet")
	}
	return bcryptHash{hash: []byte(hash), wordpress: wordpress}, nil
}

// verify lets x/crypto recompute and compare (in constant time). Plain
// bcrypt behaves as it always has: a match is always rehashed. A WordPress
// hash is checked as WordPress 6.8 checks it (the password as typed, not
// trimmed) and also pays the dummy argon2id.
func (h bcryptHash) verify(pw string, current Argon2Params) (ok, rehash bool, err error) {
	secret := []byte(pw)
	if h.wordpress {
		secret = wordpressPrehash(pw)
	}
	switch err := bcrypt.CompareHashAndPassword(h.hash, secret); {
	case err == nil:
		ok = true
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
	default:
		return false, false, errMalformedHash
	}
	if h.wordpress {
		spendArgon2idOnce(pw, current)
	}
	return ok, ok, nil
}

// wordpressPrehash is what WordPress 6.8+ gives bcrypt instead of the
// password: the standard base64 of HMAC-SHA384 keyed with "wp-sha384". It
// is 64 characters, within bcrypt's 72-byte limit whatever the password's
// length.
func wordpressPrehash(pw string) []byte {
	m := hmac.New(sha512.New384, []byte(wordpressPrehashKey))
	m.Write([]byte(pw))
	return base64.StdEncoding.AppendEncode(nil, m.Sum(nil))
}

// sha512CryptHash is a glibc sha512-crypt hash:
// $6$[rounds=<n>$]<salt>$<86-character digest>.
type sha512CryptHash struct {
	rounds int
	salt   string
	digest string
}

// parseSHA512Crypt takes apart a sha512-crypt hash. The rounds field is
// optional (5000 when absent); a count below 1000 is raised to 1000 as the
// specification says, and one above the bound is refused.
func parseSHA512Crypt(hash string) (storedHash, error) {
	const format = hashFormatSHA512Crypt
	rest := strings.TrimPrefix(hash, "$6$")
	h := sha512CryptHash{rounds: sha512CryptDefaultRounds}
	if r, ok := strings.CutPrefix(rest, "rounds="); ok {
		digits, after, found := strings.Cut(r, "$")
		n, valid := parseCount(digits)
		if !found || !valid {
			return nil, refuseHash(format, "rounds are not a decimal number of at most 18 digits followed by $")
		}
		if n > sha512CryptMaxRounds {
			return nil, refuseHash(format, "rounds %d exceed %d", n, sha512CryptMaxRounds)
		}
		h.rounds = max(int(n), sha512CryptMinRounds)
		rest = after
	}
	salt, digest, found := strings.Cut(rest, "$")
	if !found {
		return nil, refuseHash(format, "hash has no $ between salt and digest")
	}
	if len(salt) > sha512CryptMaxSalt {
		return nil, refuseHash(format, "salt is %d characters, more than %d", len(salt), sha512CryptMaxSalt)
	}
	if len(digest) != sha512CryptDigestLen || !inCryptAlphabet(digest) {
		return nil, refuseHash(format, "digest is not %d characters of ./0-9A-Za-z", sha512CryptDigestLen)
	}
	h.salt, h.digest = salt, digest
	return h, nil
}

// verify recomputes the digest and compares its encoding with the stored
// one in constant time. A match is always upgraded to argon2id.
func (h sha512CryptHash) verify(pw string, current Argon2Params) (ok, rehash bool, err error) {
	got := encodeSHA512Crypt(sha512CryptSum([]byte(pw), []byte(h.salt), h.rounds))
	ok = subtle.ConstantTimeCompare(got, []byte(h.digest)) == 1
	spendArgon2idOnce(pw, current)
	return ok, ok, nil
}

// sha512CryptSum computes the 64-byte sha512-crypt digest of pw with salt
// and rounds, following Ulrich Drepper's specification of SHA-crypt. Its
// steps are numbered there; here they are grouped by the value they build.
func sha512CryptSum(pw, salt []byte, rounds int) []byte {
	// An alternate digest of password, salt and password again.
	alt := sha512.New()
	alt.Write(pw)
	alt.Write(salt)
	alt.Write(pw)
	altSum := alt.Sum(nil)

	// The initial digest: password and salt, then as many bytes of the
	// alternate digest (repeated) as the password is long, then one piece
	// per bit of the password's length, lowest bit first: the alternate
	// digest for a one, the password for a zero.
	h := sha512.New()
	h.Write(pw)
	h.Write(salt)
	for n := len(pw); n > 0; n -= sha512.Size {
		h.Write(altSum[:min(n, sha512.Size)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 == 1 {
			h.Write(altSum)
		} else {
			h.Write(pw)
		}
	}
	sum := h.Sum(nil)

	// P: the digest of the password written len(pw) times, stretched or
	// cut to the password's length.
	h.Reset()
	for range len(pw) {
		h.Write(pw)
	}
	p := repeatToLen(h.Sum(nil), len(pw))

	// S: the digest of the salt written 16 + sum[0] times, stretched or cut
	// to the salt's length.
	h.Reset()
	for range 16 + int(sum[0]) {
		h.Write(salt)
	}
	s := repeatToLen(h.Sum(nil), len(salt))

	// The rounds: each digests the previous result with P and S in an order
	// that depends on the round number's divisibility by 2, 3 and 7.
	for i := range rounds {
		h.Reset()
		if i%2 == 1 {
			h.Write(p)
		} else {
			h.Write(sum)
		}
		if i%3 != 0 {
			h.Write(s)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i%2 == 1 {
			h.Write(sum)
		} else {
			h.Write(p)
		}
		sum = h.Sum(sum[:0])
	}
	return sum
}

// repeatToLen returns n bytes made of b repeated, as sha512-crypt builds
// its P and S sequences from one digest.
func repeatToLen(b []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, b[:min(len(b), n-len(out))]...)
	}
	return out
}

// encodeSHA512Crypt writes the 64-byte digest as sha512-crypt's 86
// characters. The bytes are taken in groups of three, k, k+21 and k+42,
// with the byte that goes in the high position rotating by one each group;
// the last byte, 63, takes two characters alone.
func encodeSHA512Crypt(sum []byte) []byte {
	out := make([]byte, 0, sha512CryptDigestLen)
	for k := range 21 {
		g := [3]int{k, k + 21, k + 42}
		r := k % 3
		out = appendCrypt64(out, sum[g[r]], sum[g[(r+1)%3]], sum[g[(r+2)%3]], 4)
	}
	return appendCrypt64(out, 0, 0, sum[63], 2)
}

// djangoHash is Django's default hash:
// pbkdf2_sha256$<iterations>$<salt>$<standard base64 of 32 bytes>.
type djangoHash struct {
	iterations int
	salt       string
	key        []byte
}

// parseDjangoPBKDF2 takes apart a Django PBKDF2-SHA256 hash. Django writes
// the salt as text (its own salts are alphanumeric) and never puts "$" in
// it, so the hash splits into exactly four fields.
func parseDjangoPBKDF2(hash string) (storedHash, error) {
	const format = hashFormatDjangoPBKDF2
	parts := strings.Split(hash, "$")
	if len(parts) != 4 {
		return nil, refuseHash(format, "hash has %d $-separated fields, want 4", len(parts))
	}
	n, ok := parseCount(parts[1])
	if !ok {
		return nil, refuseHash(format, "iterations are not a decimal number of at most 18 digits")
	}
	if n < 1 {
		return nil, refuseHash(format, "iterations %d are below 1", n)
	}
	if n > djangoMaxIterations {
		return nil, refuseHash(format, "iterations %d exceed %d", n, djangoMaxIterations)
	}
	if parts[2] == "" {
		return nil, refuseHash(format, "salt is empty")
	}
	key, err := base64.StdEncoding.DecodeString(parts[3])
	if err != nil {
		return nil, refuseHash(format, "digest is not standard base64")
	}
	if len(key) != djangoKeyLen {
		return nil, refuseHash(format, "digest is %d bytes, not %d", len(key), djangoKeyLen)
	}
	return djangoHash{iterations: int(n), salt: parts[2], key: key}, nil
}

// verify derives the key again with PBKDF2-HMAC-SHA256 and compares it in
// constant time. A match is always upgraded to argon2id.
func (h djangoHash) verify(pw string, current Argon2Params) (ok, rehash bool, err error) {
	got, err := pbkdf2.Key(sha256.New, pw, []byte(h.salt), h.iterations, len(h.key))
	ok = err == nil && subtle.ConstantTimeCompare(got, h.key) == 1
	spendArgon2idOnce(pw, current)
	return ok, ok, nil
}

// phpassHash is a phpass "portable" hash, $P$ (WordPress before 6.8,
// WooCommerce) or $H$ (phpBB): a count character, 8 characters of salt and
// 22 of digest.
type phpassHash struct {
	log2   int
	salt   string
	digest string
}

// parsePHPass takes apart a phpass portable hash. Its fixed layout makes
// the length alone tell a truncated hash.
func parsePHPass(hash string) (storedHash, error) {
	const format = hashFormatPHPass
	if len(hash) != phpassHashLen {
		return nil, refuseHash(format, "hash is %d characters, not %d", len(hash), phpassHashLen)
	}
	log2 := strings.IndexByte(cryptAlphabet, hash[3])
	switch {
	case log2 < 0:
		return nil, refuseHash(format, "count character is not in ./0-9A-Za-z")
	case log2 < phpassMinLog2:
		return nil, refuseHash(format, "log2 count %d is below %d", log2, phpassMinLog2)
	case log2 > phpassMaxLog2:
		return nil, refuseHash(format, "log2 count %d exceeds %d", log2, phpassMaxLog2)
	}
	salt, digest := hash[4:12], hash[12:]
	if !inCryptAlphabet(salt) || !inCryptAlphabet(digest) {
		return nil, refuseHash(format, "salt and digest are not in ./0-9A-Za-z")
	}
	return phpassHash{log2: log2, salt: salt, digest: digest}, nil
}

// verify runs phpass's iterated MD5 and compares the encoded digest in
// constant time. A match is always upgraded to argon2id.
func (h phpassHash) verify(pw string, current Argon2Params) (ok, rehash bool, err error) {
	sum := md5.Sum([]byte(h.salt + pw))
	buf := make([]byte, 0, md5.Size+len(pw))
	for range 1 << h.log2 {
		buf = append(append(buf[:0], sum[:]...), pw...)
		sum = md5.Sum(buf)
	}
	ok = subtle.ConstantTimeCompare(encodePHPass(sum), []byte(h.digest)) == 1
	spendArgon2idOnce(pw, current)
	return ok, ok, nil
}

// encodePHPass writes a 16-byte MD5 digest as phpass's 22 characters:
// consecutive groups of three bytes, the first byte lowest, and the last
// byte alone in two characters.
func encodePHPass(sum [md5.Size]byte) []byte {
	out := make([]byte, 0, 22)
	for i := 0; i+3 <= md5.Size; i += 3 {
		out = appendCrypt64(out, sum[i+2], sum[i+1], sum[i], 4)
	}
	return appendCrypt64(out, 0, 0, sum[md5.Size-1], 2)
}
