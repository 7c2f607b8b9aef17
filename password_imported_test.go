package customerauth_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/shopkit/customerauth"
)

// importedVector is one entry of testdata/imported_hashes.json: a hash made
// by another implementation (or by the reference one) for a known password,
// and where it comes from.
type importedVector struct {
	Format   string `json:"format"`
	Password string `json:"password"`
	Hash     string `json:"hash"`
	Source   string `json:"source"`
}

// importedVectors reads the vectors, failing the test if the file is
// missing a format: every accepted format must be checked against hashes
// that this package did not make.
func importedVectors(t *testing.T) []importedVector {
	t.Helper()
	b, err := os.ReadFile("testdata/imported_hashes.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []importedVector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, v := range vs {
		if v.Source == "" {
			t.Errorf("vector %s %q has no source", v.Format, v.Hash)
		}
		seen[v.Format]++
	}
	for _, f := range []string{"argon2id", "argon2i", "bcrypt", "wordpress-bcrypt", "sha512-crypt", "django-pbkdf2-sha256", "phpass"} {
		if seen[f] < 2 {
			t.Errorf("testdata/imported_hashes.json has %d vectors of %s, want at least 2", seen[f], f)
		}
	}
	return vs
}

// vectorName names a subtest after its vector without quoting a whole hash.
func vectorName(i int, v importedVector) string {
	return fmt.Sprintf("%02d_%s", i, v.Format)
}

// TestImportedHashesVerifyWithTheRightPasswordAndAreUpgraded checks every
// vector: it is named as its format, passes the import check, and its
// password matches and asks for the hash to be replaced by argon2id.
func TestImportedHashesVerifyWithTheRightPasswordAndAreUpgraded(t *testing.T) {
	for i, v := range importedVectors(t) {
		t.Run(vectorName(i, v), func(t *testing.T) {
			t.Parallel()
			if got := customerauth.ImportedHashFormat(v.Hash); got != v.Format {
				t.Errorf("ImportedHashFormat = %q, want %q", got, v.Format)
			}
			if err := customerauth.CheckImportedHash(v.Hash); err != nil {
				t.Errorf("CheckImportedHash: %v", err)
			}
			ok, rehash, err := customerauth.VerifyPassword(v.Password, v.Hash, fastArgon2)
			// Every vector is weaker than today's argon2id (other formats by
			// definition; the argon2id ones by their 8-byte salt), so a
			// match is always upgraded.
			if err != nil || !ok || !rehash {
				t.Errorf("VerifyPassword(%q, %q) = ok %v, rehash %v, err %v; want a match to upgrade (source: %s)", v.Password, v.Hash, ok, rehash, err, v.Source)
			}
		})
	}
}

// TestImportedHashesRefuseAWrongPassword tries near misses of each vector's
// password (one more character, changed case, one fewer, empty): none
// matches, and none is an error.
func TestImportedHashesRefuseAWrongPassword(t *testing.T) {
	for i, v := range importedVectors(t) {
		t.Run(vectorName(i, v), func(t *testing.T) {
			t.Parallel()
			wrong := []string{v.Password + "!", strings.ToUpper(v.Password) + "x"}
			if v.Password != "" {
				wrong = append(wrong, "", v.Password[:len(v.Password)-1])
			}
			for _, pw := range wrong {
				ok, rehash, err := customerauth.VerifyPassword(pw, v.Hash, fastArgon2)
				if err != nil || ok || rehash {
					t.Errorf("VerifyPassword(%q, %q) = ok %v, rehash %v, err %v; want no match and no error", pw, v.Hash, ok, rehash, err)
				}
			}
		})
	}
}

// TestImportedHashWithAnAlteredDigestDoesNotMatch changes one character of
// each vector's digest for another of the same alphabet: the hash still
// parses, and the right password must no longer match.
func TestImportedHashWithAnAlteredDigestDoesNotMatch(t *testing.T) {
	for i, v := range importedVectors(t) {
		t.Run(vectorName(i, v), func(t *testing.T) {
			t.Parallel()
			// The character 6 from the end is inside the digest of every
			// format, and never one whose low bits are padding.
			b := []byte(v.Hash)
			j := len(b) - 6
			if b[j] == 'a' {
				b[j] = 'b'
			} else {
				b[j] = 'a'
			}
			altered := string(b)
			if err := customerauth.CheckImportedHash(altered); err != nil {
				t.Fatalf("altered hash no longer parses: %v", err)
			}
			ok, rehash, err := customerauth.VerifyPassword(v.Password, altered, fastArgon2)
			if err != nil || ok || rehash {
				t.Errorf("right password against altered hash %q: ok %v, rehash %v, err %v; want no match", altered, ok, rehash, err)
			}
		})
	}
}

// Well-formed pieces to build malformed and over-bound hashes from.
const (
	bcryptTail   = "CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" // 53 characters
	sha512Digest = "kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX."
	djangoDigest = "8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="
	argonSalt    = "c29tZXNhbHQ" // "somesalt", 8 bytes
	argonKey     = "iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"
	phpassTail   = "IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0" // salt and digest
)

// b64 is the unpadded base64 of n zero bytes, for argon2 salts and keys of
// a given length.
func b64(n int) string { return base64.RawStdEncoding.EncodeToString(make([]byte, n)) }

// malformedHashes are hashes that no login can use, each with the format
// it claims and words its refusal must contain.
var malformedHashes = []struct {
	name, hash, format, says string
}{
	{"empty", "", "", "format is not one of"},
	{"plain text", "hunter2hunter2", "", "format is not one of"},
	{"md5-crypt", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "", "format is not one of"},
	{"sha256-crypt", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", "", "format is not one of"},
	{"argon2d", "$argon2d$v=19$m=256,t=2,p=1$" + argonSalt + "$" + argonKey, "", "format is not one of"},
	{"longer than 1 KiB", "$6$salt$" + strings.Repeat("a", 1100), "sha512-crypt", "bytes, more than 1024"},

	{"sha512-crypt truncated digest", "$6$roundstoolow$" + sha512Digest[:85], "sha512-crypt", "digest is not 86"},
	{"sha512-crypt digest with a foreign character", "$6$roundstoolow$" + sha512Digest[:85] + "!", "sha512-crypt", "digest is not 86"},
	{"sha512-crypt without digest", "$6$roundstoolow", "sha512-crypt", "no $ between salt and digest"},
	{"sha512-crypt salt of 17", "$6$" + strings.Repeat("s", 17) + "$" + sha512Digest, "sha512-crypt", "salt is 17 characters, more than 16"},
	{"sha512-crypt rounds over the bound", "$6$rounds=50000000$salt$" + sha512Digest, "sha512-crypt", "rounds 50000000 exceed 1000000"},
	{"sha512-crypt rounds one over", "$6$rounds=1000001$salt$" + sha512Digest, "sha512-crypt", "rounds 1000001 exceed 1000000"},
	{"sha512-crypt rounds of 40 digits", "$6$rounds=" + strings.Repeat("9", 40) + "$salt$" + sha512Digest, "sha512-crypt", "rounds are not a decimal number"},
	{"sha512-crypt rounds empty", "$6$rounds=$salt$" + sha512Digest, "sha512-crypt", "rounds are not a decimal number"},
	{"sha512-crypt rounds signed", "$6$rounds=+5000$salt$" + sha512Digest, "sha512-crypt", "rounds are not a decimal number"},
	{"sha512-crypt rounds not a number", "$6$rounds=5k$salt$" + sha512Digest, "sha512-crypt", "rounds are not a decimal number"},

	{"django iterations zero", "pbkdf2_sha256$0$seasalt$" + djangoDigest, "django-pbkdf2-sha256", "iterations 0 are below 1"},
	{"django iterations over the bound", "pbkdf2_sha256$3000000$seasalt$" + djangoDigest, "django-pbkdf2-sha256", "iterations 3000000 exceed 2000000"},
	{"django iterations negative", "pbkdf2_sha256$-1$seasalt$" + djangoDigest, "django-pbkdf2-sha256", "iterations are not a decimal number"},
	{"django empty salt", "pbkdf2_sha256$390000$$" + djangoDigest, "django-pbkdf2-sha256", "salt is empty"},
	{"django truncated digest", "pbkdf2_sha256$390000$seasalt$" + djangoDigest[:42], "django-pbkdf2-sha256", "digest is not standard base64"},
	{"django short digest", "pbkdf2_sha256$390000$seasalt$" + base64.StdEncoding.EncodeToString(make([]byte, 16)), "django-pbkdf2-sha256", "digest is 16 bytes, not 32"},
	{"django extra field", "pbkdf2_sha256$390000$sea$salt$" + djangoDigest, "django-pbkdf2-sha256", "5 $-separated fields, want 4"},
	{"django without digest", "pbkdf2_sha256$390000$seasalt", "django-pbkdf2-sha256", "3 $-separated fields, want 4"},

	{"phpass truncated", "$P$9" + phpassTail[:29], "phpass", "33 characters, not 34"},
	{"phpass count over the bound", "$P$J" + phpassTail, "phpass", "log2 count 21 exceeds 20"},
	{"phpass count at phpass's own limit", "$P$S" + phpassTail, "phpass", "log2 count 30 exceeds 20"},
	{"phpass count under 7", "$H$4" + phpassTail, "phpass", "log2 count 6 is below 7"},
	{"phpass foreign count character", "$P$!" + phpassTail, "phpass", "count character is not in"},
	{"phpass foreign digest character", "$P$9" + phpassTail[:29] + "!", "phpass", "salt and digest are not in"},

	{"bcrypt cost over the bound", "$2a$17$" + bcryptTail, "bcrypt", "cost 17 exceeds 16"},
	{"bcrypt cost x/crypto's maximum", "$2b$31$" + bcryptTail, "bcrypt", "cost 31 exceeds 16"},
	{"bcrypt cost under 4", "$2y$03$" + bcryptTail, "bcrypt", "cost 3 is below 4"},
	{"bcrypt cost not digits", "$2a$1x$" + bcryptTail, "bcrypt", "cost is not two digits"},
	{"bcrypt truncated", "$2a$05$" + bcryptTail[:52], "bcrypt", "59 characters, not 60"},
	{"bcrypt foreign character", "$2a$05$" + bcryptTail[:52] + "!", "bcrypt", "not in the bcrypt alphabet"},
	{"wordpress cost over the bound", "$wp$2y$20$" + bcryptTail, "wordpress-bcrypt", "cost 20 exceeds 16"},
	{"wordpress around phpass", "$wp$P$9" + phpassTail, "wordpress-bcrypt", "not $2a$, $2b$ or $2y$ bcrypt"},
	{"wordpress truncated", "$wp$2y$10$" + bcryptTail[:40], "wordpress-bcrypt", "47 characters, not 60"},

	{"argon2id memory over the bound", "$argon2id$v=19$m=2097152,t=2,p=1$" + argonSalt + "$" + argonKey, "argon2id", "memory 2097152 KiB is not between 8 and 1048576"},
	{"argon2i memory under 8", "$argon2i$v=19$m=4,t=2,p=1$" + argonSalt + "$" + argonKey, "argon2i", "memory 4 KiB is not between"},
	{"argon2i iterations over the bound", "$argon2i$v=19$m=256,t=65,p=1$" + argonSalt + "$" + argonKey, "argon2i", "iterations 65 are not between 1 and 64"},
	{"argon2id no lanes", "$argon2id$v=19$m=256,t=2,p=0$" + argonSalt + "$" + argonKey, "argon2id", "parallelism 0 is not between 1 and 255"},
	{"argon2id too many lanes", "$argon2id$v=19$m=256,t=2,p=256$" + argonSalt + "$" + argonKey, "argon2id", "parallelism 256 is not between 1 and 255"},
	{"argon2i parameters reordered", "$argon2i$v=19$t=2,m=256,p=1$" + argonSalt + "$" + argonKey, "argon2i", "parameters are not m=<KiB>,t=<passes>,p=<lanes>"},
	{"argon2i version 16", "$argon2i$v=16$m=256,t=2,p=1$" + argonSalt + "$" + argonKey, "argon2i", "version is not v=19"},
	{"argon2i without version", "$argon2i$m=256,t=2,p=1$" + argonSalt + "$" + argonKey, "argon2i", "4 $-separated fields, want 5"},
	{"argon2id salt of 7 bytes", "$argon2id$v=19$m=256,t=2,p=1$" + b64(7) + "$" + argonKey, "argon2id", "salt is 7 bytes, fewer than 8"},
	{"argon2i key of 15 bytes", "$argon2i$v=19$m=256,t=2,p=1$" + argonSalt + "$" + b64(15), "argon2i", "key is 15 bytes, not 16 to 64"},
	{"argon2id key of 65 bytes", "$argon2id$v=19$m=256,t=2,p=1$" + argonSalt + "$" + b64(65), "argon2id", "key is 65 bytes, not 16 to 64"},
	{"argon2id key not base64", "$argon2id$v=19$m=256,t=2,p=1$" + argonSalt + "$" + argonKey[:42] + "!", "argon2id", "key is not unpadded base64"},
}

// TestMalformedImportedHashesAreRefusedByImportAndLogin: the import check
// and a login agree on every unusable hash. The import gets an error that
// names the format and the problem; a login gets ErrMalformedHash, which
// CreateAccessToken answers like a wrong password.
func TestMalformedImportedHashesAreRefusedByImportAndLogin(t *testing.T) {
	for _, c := range malformedHashes {
		t.Run(c.name, func(t *testing.T) {
			if got := customerauth.ImportedHashFormat(c.hash); got != c.format {
				t.Errorf("ImportedHashFormat = %q, want %q", got, c.format)
			}
			err := customerauth.CheckImportedHash(c.hash)
			if !errors.Is(err, customerauth.ErrMalformedHash) {
				t.Fatalf("CheckImportedHash = %v, want an error wrapping ErrMalformedHash", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.format) || !strings.Contains(msg, c.says) {
				t.Errorf("CheckImportedHash error %q, want it to start with the format %q and say %q", msg, c.format, c.says)
			}
			ok, rehash, err := customerauth.VerifyPassword("password", c.hash, fastArgon2)
			if err != customerauth.ErrMalformedHash || ok || rehash {
				t.Errorf("VerifyPassword = ok %v, rehash %v, err %v; want ErrMalformedHash", ok, rehash, err)
			}
		})
	}
}

// TestImportedHashErrorsNeverContainTheHash: a hash is a credential. The
// import report and logs get the error, so neither the hash nor any long
// piece of it (salt, digest) may appear in it.
func TestImportedHashErrorsNeverContainTheHash(t *testing.T) {
	for _, c := range malformedHashes {
		err := customerauth.CheckImportedHash(c.hash)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		msg := err.Error()
		if c.hash != "" && strings.Contains(msg, c.hash) {
			t.Errorf("%s: error %q contains the hash", c.name, msg)
		}
		for _, piece := range strings.FieldsFunc(c.hash, func(r rune) bool { return r == '$' || r == ',' }) {
			if len(piece) > 8 && strings.Contains(msg, piece) {
				t.Errorf("%s: error %q contains %q from the hash", c.name, msg, piece)
			}
		}
	}
}

// TestOverBoundImportedHashesAreRefusedBeforeAnyWork uses hashes that are
// well formed but ask for absurd work: computed, each would take from
// minutes to days or allocate gigabytes. That this test finishes at all
// shows they are refused while parsing, before any hashing; it measures no
// time.
func TestOverBoundImportedHashesAreRefusedBeforeAnyWork(t *testing.T) {
	for _, c := range []struct{ name, hash string }{
		{"bcrypt cost 31", "$2a$31$" + bcryptTail},
		{"wordpress-bcrypt cost 31", "$wp$2y$31$" + bcryptTail},
		{"sha512-crypt 999,999,999 rounds", "$6$rounds=999999999$salt$" + sha512Digest},
		{"django 10^12 iterations", "pbkdf2_sha256$1000000000000$seasalt$" + djangoDigest},
		{"phpass 2^30 MD5s", "$P$S" + phpassTail},
		{"phpass 2^63 MD5s", "$P$z" + phpassTail},
		{"argon2id 4 TiB", "$argon2id$v=19$m=4294967295,t=2,p=1$" + argonSalt + "$" + argonKey},
		{"argon2i 2^32 passes", "$argon2i$v=19$m=256,t=4294967295,p=1$" + argonSalt + "$" + argonKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := customerauth.CheckImportedHash(c.hash); !errors.Is(err, customerauth.ErrMalformedHash) {
				t.Errorf("CheckImportedHash = %v, want ErrMalformedHash", err)
			}
			if _, _, err := customerauth.VerifyPassword("password", c.hash, fastArgon2); err != customerauth.ErrMalformedHash {
				t.Errorf("VerifyPassword err = %v, want ErrMalformedHash", err)
			}
		})
	}
}

// TestImportedHashCostsAtTheBounds checks, by parsing only, that each bound
// is inclusive and that one step beyond is refused.
func TestImportedHashCostsAtTheBounds(t *testing.T) {
	argon := func(variant, params string, salt, key int) string {
		return "$" + variant + "$v=19$" + params + "$" + b64(salt) + "$" + b64(key)
	}
	for _, c := range []struct {
		hash string
		ok   bool
	}{
		{"$2a$04$" + bcryptTail, true},
		{"$2a$16$" + bcryptTail, true},
		{"$2a$17$" + bcryptTail, false},
		{"$wp$2y$16$" + bcryptTail, true},
		{"$6$rounds=1000000$salt$" + sha512Digest, true},
		{"$6$rounds=1000001$salt$" + sha512Digest, false},
		{"$6$rounds=0$salt$" + sha512Digest, true}, // raised to 1000
		{"$6$" + strings.Repeat("s", 16) + "$" + sha512Digest, true},
		{"$6$$" + sha512Digest, true},
		{"pbkdf2_sha256$1$seasalt$" + djangoDigest, true},
		{"pbkdf2_sha256$2000000$seasalt$" + djangoDigest, true},
		{"pbkdf2_sha256$2000001$seasalt$" + djangoDigest, false},
		{"$H$5" + phpassTail, true},  // 2^7
		{"$P$I" + phpassTail, true},  // 2^20
		{"$P$J" + phpassTail, false}, // 2^21
		{argon("argon2id", "m=1048576,t=64,p=255", 8, 16), true},
		{argon("argon2i", "m=8,t=1,p=1", 8, 64), true},
		{argon("argon2id", "m=1048577,t=1,p=1", 16, 32), false},
		{argon("argon2i", "m=256,t=2,p=1", 64, 32), true},
	} {
		err := customerauth.CheckImportedHash(c.hash)
		if (err == nil) != c.ok {
			t.Errorf("CheckImportedHash(%q) = %v, want accepted %v", c.hash, err, c.ok)
		}
	}
}

// TestImportedHashFormatNamesEachFormat: the name comes from the prefix
// alone, and formats close to accepted ones (argon2d, sha256-crypt,
// Django's other hashers) get none.
func TestImportedHashFormatNamesEachFormat(t *testing.T) {
	for hash, want := range map[string]string{
		"$argon2id$v=19$":     "argon2id",
		"$argon2i$v=19$":      "argon2i",
		"$2a$10$":             "bcrypt",
		"$2b$10$":             "bcrypt",
		"$2y$10$":             "bcrypt",
		"$wp$2y$10$":          "wordpress-bcrypt",
		"$6$salt$":            "sha512-crypt",
		"$6$rounds=5000$":     "sha512-crypt",
		"pbkdf2_sha256$1000$": "django-pbkdf2-sha256",
		"$P$B":                "phpass",
		"$H$9":                "phpass",
		"$argon2d$v=19$":      "",
		"$2x$10$":             "",
		"$2$10$":              "",
		"$5$salt$":            "",
		"$1$salt$":            "",
		"pbkdf2_sha1$1000$":   "",
		"bcrypt$$2b$12$":      "",
		"":                    "",
	} {
		if got := customerauth.ImportedHashFormat(hash); got != want {
			t.Errorf("ImportedHashFormat(%q) = %q, want %q", hash, got, want)
		}
	}
}

// TestImportedArgon2KeyAndSaltLengths: other platforms write argon2 hashes
// with other salt and key lengths than this package's 16 and 32 bytes. Keys
// of 16 to 64 bytes and salts of 8 bytes or more verify, for argon2id and
// argon2i. An argon2i match is always upgraded; an argon2id one, as before,
// only when weaker than the current parameters (here: a salt under 16).
func TestImportedArgon2KeyAndSaltLengths(t *testing.T) {
	const pw = "imported from elsewhere"
	p := fastArgon2
	for _, variant := range []string{"argon2id", "argon2i"} {
		for _, saltLen := range []int{8, 16, 33} {
			for _, keyLen := range []uint32{16, 32, 48, 64} {
				salt := make([]byte, saltLen)
				if _, err := rand.Read(salt); err != nil {
					t.Fatal(err)
				}
				derive := argon2.IDKey
				if variant == "argon2i" {
					derive = argon2.Key
				}
				key := derive([]byte(pw), salt, p.Iterations, p.Memory, p.Parallelism, keyLen)
				enc := base64.RawStdEncoding
				hash := fmt.Sprintf("$%s$v=19$m=%d,t=%d,p=%d$%s$%s", variant, p.Memory, p.Iterations, p.Parallelism, enc.EncodeToString(salt), enc.EncodeToString(key))
				wantRehash := variant == "argon2i" || saltLen < 16
				ok, rehash, err := customerauth.VerifyPassword(pw, hash, p)
				if err != nil || !ok || rehash != wantRehash {
					t.Errorf("%s salt %d key %d: ok %v, rehash %v, err %v; want a match, rehash %v", variant, saltLen, keyLen, ok, rehash, err, wantRehash)
				}
				if ok, _, err := customerauth.VerifyPassword(pw+"?", hash, p); ok || err != nil {
					t.Errorf("%s salt %d key %d: wrong password: ok %v, err %v", variant, saltLen, keyLen, ok, err)
				}
			}
		}
	}
}

// TestWordPressHashIsCheckedThroughItsPrehash: WordPress 6.8 bcrypts
// base64(HMAC-SHA384) of the password, not the password. A "$wp" hash of
// the raw password must not verify, and the pre-hash string typed as a
// password against a plain bcrypt hash made of it verifies as ordinary
// bcrypt only.
func TestWordPressHashIsCheckedThroughItsPrehash(t *testing.T) {
	const pw = "wp68 customer pässwörd"
	const prehash = "zu7RviKVIGP/bHVTkaMcNtMKCMN6iBmPpJyfD0hqAbIaCsAGZ1a9/Fkv5IvsDeDl" // python3 hmac + base64
	raw, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := customerauth.VerifyPassword(pw, "$wp"+string(raw), fastArgon2); ok || err != nil {
		t.Errorf("$wp hash of the raw password: ok %v, err %v; want no match", ok, err)
	}
	pre, err := bcrypt.GenerateFromPassword([]byte(prehash), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := customerauth.VerifyPassword(pw, "$wp"+string(pre), fastArgon2); !ok || err != nil {
		t.Errorf("$wp hash of the pre-hash: ok %v, err %v; want a match", ok, err)
	}
	if ok, _, err := customerauth.VerifyPassword(pw, string(pre), fastArgon2); ok || err != nil {
		t.Errorf("plain bcrypt of the pre-hash with the password: ok %v, err %v; want no match", ok, err)
	}
}

// TestImportedHashesCostAnArgon2idLikeAnUnknownEmail: a login for an
// unknown email pays one argon2id (the dummy hash). The formats added for
// imports can be far cheaper (phpass is a few hundred MD5s), so their check
// pays one argon2id at the current parameters too, right password or
// wrong: otherwise a fast answer would reveal an account. Like
// TestUnknownEmailCostsAHash it measures bytes allocated, not time.
func TestImportedHashesCostAnArgon2idLikeAnUnknownEmail(t *testing.T) {
	const argonBytes = 19 * 1024 * 1024 // Argon2Params' default memory
	for _, v := range []importedVector{
		{Format: "phpass", Password: "test12345", Hash: "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"},
		{Format: "sha512-crypt", Password: "pw", Hash: "$6$saltsalt$pauPrmdmG4BTE9h2HPmywiw152IFch6BJCEsaY6D.PLTfpV8sqvXwWdyfsgVgozkYH9B80bAip/08R2BPH2xk/"},
		{Format: "django-pbkdf2-sha256", Password: "lètmein", Hash: "pbkdf2_sha256$1$seasalt$mJQ8D8xVBAKQGCo0t0n+NSPS2a0gQhVtjuC9LdL9WiM="},
		{Format: "wordpress-bcrypt", Password: "", Hash: "$wp$2y$05$uxgtlMo8s8EMcnqSQ/gJouTCV5vug2Cwdobl9aw6v6xdCtoeb3inq"},
		{Format: "argon2i", Password: "password", Hash: "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"},
	} {
		for _, pw := range []string{v.Password, v.Password + "wrong"} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			ok, _, err := customerauth.VerifyPassword(pw, v.Hash, customerauth.Argon2Params{})
			runtime.ReadMemStats(&after)
			if err != nil || ok != (pw == v.Password) {
				t.Fatalf("%s: VerifyPassword(%q) = ok %v, err %v", v.Format, pw, ok, err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got < argonBytes {
				t.Errorf("%s, password %q: allocated %d bytes, want at least one argon2id (%d)", v.Format, pw, got, argonBytes)
			}
		}
	}
}

// TestImportedCustomersLogInOnceAndAreUpgraded runs one vector of each
// format through CreateAccessToken: a wrong password is refused, the right
// one logs in and replaces the stored hash with argon2id, which then logs
// in as well.
func TestImportedCustomersLogInOnceAndAreUpgraded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, v := range []importedVector{
		{Format: "sha512-crypt", Password: "Hello world!", Hash: "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
		{Format: "django-pbkdf2-sha256", Password: "hunter2", Hash: "pbkdf2_sha256$10000$Kx9pQ2mN7vLr$lpgIwBKrWPOHkIYpmJg+s51MPy8xOI1+KUIQjqeNVxo="},
		{Format: "phpass", Password: "test12345", Hash: "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"},
		{Format: "wordpress-bcrypt", Password: "wp68 customer pässwörd", Hash: "$wp$2y$05$Yn9T.ApA.Q0r1s0XCNy0/ebnva4pX02ZEY6s2Uaa4O55LBVPXuAyq"},
		{Format: "argon2i", Password: "password", Hash: "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"},
	} {
		t.Run(v.Format, func(t *testing.T) {
			email := fmt.Sprintf("imported%d@example.com", i)
			c := &customerauth.Customer{
				ID: fmt.Sprintf("01900000-0000-7000-8000-00000000010%d", i), Email: email, EmailKey: email,
				State: customerauth.StateEnabled, PasswordHash: v.Hash, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(),
			}
			if err := e.store.CreateCustomer(ctx, c, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.CreateAccessToken(ctx, email, v.Password+"x"); len(customerauth.UserErrors(err)) != 1 {
				t.Fatalf("wrong password: err %v, want one user error", err)
			}
			if got, _ := e.store.CustomerByID(ctx, c.ID); got.PasswordHash != v.Hash {
				t.Fatalf("a failed login changed the stored hash")
			}
			if _, err := e.svc.CreateAccessToken(ctx, email, v.Password); err != nil {
				t.Fatalf("right password: %v", err)
			}
			got, _ := e.store.CustomerByID(ctx, c.ID)
			if !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
				t.Fatalf("hash after login is %s, want it upgraded to argon2id", customerauth.ImportedHashFormat(got.PasswordHash))
			}
			if _, err := e.svc.CreateAccessToken(ctx, email, v.Password); err != nil {
				t.Fatalf("login after the upgrade: %v", err)
			}
		})
	}
}

// TestOverBoundStoredHashRefusesLoginWithoutHashing: a planted bcrypt hash
// of cost 31 would take days to check; the login is refused like a wrong
// password, at once, and the operator is told in the log.
func TestOverBoundStoredHashRefusesLoginWithoutHashing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := &customerauth.Customer{
		ID: "01900000-0000-7000-8000-000000000199", Email: "planted@example.com", EmailKey: "planted@example.com",
		State: customerauth.StateEnabled, PasswordHash: "$2a$31$" + bcryptTail, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(),
	}
	if err := e.store.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateAccessToken(ctx, "planted@example.com", "U*U"); len(customerauth.UserErrors(err)) != 1 {
		t.Fatalf("login against an over-bound hash: err %v, want one user error", err)
	}
	if !strings.Contains(e.logs.String(), "stored password hash is unusable") {
		t.Errorf("nothing logged for the unusable hash; log:\n%s", e.logs.String())
	}
}
