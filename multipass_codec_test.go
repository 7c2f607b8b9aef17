package customerauth_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// The vectors file is described in /work/shared/reference/multipass.md §8.
const mpVectorsPath = "testdata/multipass-vectors.json"

// mpVectorSecret is the secret most vectors use.
const mpVectorSecret = "multipass secret from shop admin"

type mpVectors struct {
	KDF []struct {
		Secret           string `json:"secret"`
		SHA256Hex        string `json:"sha256_hex"`
		EncryptionKeyHex string `json:"encryption_key_hex"`
		SignatureKeyHex  string `json:"signature_key_hex"`
	} `json:"kdf"`
	Multipassify []mpTokenVector `json:"multipassify"`
	Negative     []struct {
		Name          string `json:"name"`
		Secret        string `json:"secret"`
		Token         string `json:"token"`
		RejectBecause string `json:"reject_because"`
	} `json:"negative"`
}

type mpTokenVector struct {
	Name           string          `json:"name"`
	Secret         string          `json:"secret"`
	Plaintext      string          `json:"plaintext"`
	DecodedPayload json.RawMessage `json:"decoded_payload"`
	Token          string          `json:"token"`
	TokenUnpadded  string          `json:"token_unpadded"`
	IVHex          string          `json:"iv_hex"`
	HMACHex        string          `json:"hmac_hex"`
}

var (
	mpVectorsOnce sync.Once
	mpVectorsData mpVectors
	mpVectorsErr  error
)

// loadMPVectors reads and parses the vectors file once per test binary.
func loadMPVectors(tb testing.TB) *mpVectors {
	tb.Helper()
	mpVectorsOnce.Do(func() {
		b, err := os.ReadFile(mpVectorsPath)
		if err != nil {
			mpVectorsErr = err
			return
		}
		mpVectorsErr = json.Unmarshal(b, &mpVectorsData)
	})
	if mpVectorsErr != nil {
		tb.Fatalf("loading %s: %v", mpVectorsPath, mpVectorsErr)
	}
	v := &mpVectorsData
	if len(v.KDF) != 4 || len(v.Multipassify) != 9 || len(v.Negative) != 3 {
		tb.Fatalf("%s: got %d kdf, %d multipassify, %d negative vectors; want 4, 9, 3",
			mpVectorsPath, len(v.KDF), len(v.Multipassify), len(v.Negative))
	}
	return v
}

func mpVector(tb testing.TB, name string) mpTokenVector {
	tb.Helper()
	for _, v := range loadMPVectors(tb).Multipassify {
		if v.Name == name {
			return v
		}
	}
	tb.Fatalf("no multipassify vector %q", name)
	return mpTokenVector{}
}

func mpUnhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// --- test-side token construction, stdlib only ---

// mpKeys derives the keys as §2 step 1 says: SHA-256 of the secret text,
// first half encrypts, second half signs.
func mpKeys(secret string) (enc, sig []byte) {
	k := sha256.Sum256([]byte(secret))
	return k[:16], k[16:]
}

func mpPKCS7(b []byte) []byte {
	n := aes.BlockSize - len(b)%aes.BlockSize
	return append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
}

// mpFixedIV is the IV forged tokens use unless a test needs another.
var mpFixedIV = []byte("0123456789abcdef")

// mpCBC returns IV ‖ AES-128-CBC(enc, iv, padded); padded must already be
// a whole number of blocks, in whatever padding the test wants.
func mpCBC(tb testing.TB, enc, iv, padded []byte) []byte {
	tb.Helper()
	if len(padded)%aes.BlockSize != 0 || len(iv) != aes.BlockSize {
		tb.Fatalf("mpCBC: plaintext of %d bytes or IV of %d bytes is not block-sized", len(padded), len(iv))
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		tb.Fatal(err)
	}
	out := append(bytes.Clone(iv), make([]byte, len(padded))...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[aes.BlockSize:], padded)
	return out
}

func mpHMAC(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// mpRaw builds IV ‖ ciphertext ‖ HMAC-SHA256(sig, IV ‖ ciphertext).
func mpRaw(tb testing.TB, enc, sig, iv, padded []byte) []byte {
	tb.Helper()
	ct := mpCBC(tb, enc, iv, padded)
	return append(ct, mpHMAC(sig, ct)...)
}

func mpB64(raw []byte) string { return base64.URLEncoding.EncodeToString(raw) }

// mpForge returns a correctly encrypted and signed token for secret around
// padded, arbitrary plaintext bytes that are already block-aligned: the way
// to put bad padding, bad UTF-8 or bad JSON under a valid MAC.
func mpForge(tb testing.TB, secret string, padded []byte) string {
	tb.Helper()
	enc, sig := mpKeys(secret)
	return mpB64(mpRaw(tb, enc, sig, mpFixedIV, padded))
}

// mpForgeJSON forges a token around PKCS#7-padded text.
func mpForgeJSON(tb testing.TB, secret, text string) string {
	tb.Helper()
	return mpForge(tb, secret, mpPKCS7([]byte(text)))
}

// mpOpen is an independent verifier: it checks the MAC with sig over
// raw[:n-32] and returns the unpadded plaintext, or ok=false.
func mpOpen(token string, enc, sig []byte) (plain []byte, tag []byte, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		return nil, nil, false
	}
	n := len(raw)
	if n < 64 || (n-32)%16 != 0 {
		return nil, nil, false
	}
	if !hmac.Equal(mpHMAC(sig, raw[:n-32]), raw[n-32:]) {
		return nil, nil, false
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, nil, false
	}
	plain = make([]byte, n-32-16)
	cipher.NewCBCDecrypter(block, raw[:16]).CryptBlocks(plain, raw[16:n-32])
	p := int(plain[len(plain)-1])
	if p < 1 || p > 16 {
		return nil, nil, false
	}
	for _, c := range plain[len(plain)-p:] {
		if int(c) != p {
			return nil, nil, false
		}
	}
	return plain[:len(plain)-p], raw[n-32:], true
}

func mpNew(tb testing.TB, secrets ...string) *customerauth.Multipass {
	tb.Helper()
	m, err := customerauth.NewMultipass(secrets...)
	if err != nil {
		tb.Fatalf("NewMultipass: %v", err)
	}
	return m
}

// --- expected payloads from the vectors' decoded_payload objects ---

type mpWantAddress struct {
	Address1     string `json:"address1"`
	Address2     string `json:"address2"`
	City         string `json:"city"`
	Company      string `json:"company"`
	Country      string `json:"country"`
	CountryCode  string `json:"country_code"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Phone        string `json:"phone"`
	Province     string `json:"province"`
	ProvinceCode string `json:"province_code"`
	Zip          string `json:"zip"`
	Default      bool   `json:"default"`
}

type mpWantPayload struct {
	Email      string          `json:"email"`
	CreatedAt  string          `json:"created_at"`
	FirstName  string          `json:"first_name"`
	LastName   string          `json:"last_name"`
	TagString  string          `json:"tag_string"`
	Identifier string          `json:"identifier"`
	ReturnTo   string          `json:"return_to"`
	RemoteIP   string          `json:"remote_ip"`
	Addresses  []mpWantAddress `json:"addresses"`
}

// mpExpected turns a vector's decoded_payload into the MultipassPayload
// Decode must return. Unknown keys fail the test, so that no key of a
// vector goes unchecked.
func mpExpected(tb testing.TB, raw json.RawMessage) customerauth.MultipassPayload {
	tb.Helper()
	var w mpWantPayload
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		tb.Fatalf("decoded_payload %s: %v", raw, err)
	}
	created, err := time.Parse(time.RFC3339Nano, w.CreatedAt)
	if err != nil {
		tb.Fatalf("decoded_payload created_at %q: %v", w.CreatedAt, err)
	}
	p := customerauth.MultipassPayload{
		Email: w.Email, CreatedAt: created, FirstName: w.FirstName, LastName: w.LastName,
		TagString: w.TagString, Identifier: w.Identifier, ReturnTo: w.ReturnTo, RemoteIP: w.RemoteIP,
	}
	for _, a := range w.Addresses {
		p.Addresses = append(p.Addresses, customerauth.MultipassAddress(a))
	}
	return p
}

// mpComparePayload compares field by field, CreatedAt as an instant, and
// then deep-compares the rest so that a field added later is not missed.
func mpComparePayload(tb testing.TB, got *customerauth.MultipassPayload, want customerauth.MultipassPayload) {
	tb.Helper()
	if got == nil {
		tb.Fatal("payload is nil")
	}
	for _, f := range []struct{ name, got, want string }{
		{"email", got.Email, want.Email},
		{"first_name", got.FirstName, want.FirstName},
		{"last_name", got.LastName, want.LastName},
		{"tag_string", got.TagString, want.TagString},
		{"identifier", got.Identifier, want.Identifier},
		{"return_to", got.ReturnTo, want.ReturnTo},
		{"remote_ip", got.RemoteIP, want.RemoteIP},
	} {
		if f.got != f.want {
			tb.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		tb.Errorf("created_at = %v, want %v", got.CreatedAt, want.CreatedAt)
	}
	if len(got.Addresses) != len(want.Addresses) {
		tb.Errorf("%d addresses, want %d", len(got.Addresses), len(want.Addresses))
	} else {
		for i := range want.Addresses {
			if got.Addresses[i] != want.Addresses[i] {
				tb.Errorf("addresses[%d] = %+v, want %+v", i, got.Addresses[i], want.Addresses[i])
			}
		}
	}
	g, w := *got, want
	g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Errorf("payload = %+v, want %+v", g, w)
	}
}

// --- tests ---

// TestMultipassKDFVectors proves the key split through behaviour: a token
// built by the test with the vector's halves decodes, one built with the
// halves swapped does not.
func TestMultipassKDFVectors(t *testing.T) {
	const text = `{"email":"a@example.com","created_at":"2013-04-11T19:16:23Z"}`
	for _, v := range loadMPVectors(t).KDF {
		t.Run(v.Secret, func(t *testing.T) {
			k := sha256.Sum256([]byte(v.Secret))
			if got := hex.EncodeToString(k[:]); got != v.SHA256Hex {
				t.Fatalf("vector file: sha256 = %s, file says %s", got, v.SHA256Hex)
			}
			enc, sig := mpUnhex(t, v.EncryptionKeyHex), mpUnhex(t, v.SignatureKeyHex)
			m := mpNew(t, v.Secret)

			good := mpB64(mpRaw(t, enc, sig, mpFixedIV, mpPKCS7([]byte(text))))
			p, _, err := m.Decode(good)
			if err != nil {
				t.Fatalf("Decode(token with encryption_key/signature_key): %v", err)
			}
			if p.Email != "a@example.com" {
				t.Errorf("email = %q", p.Email)
			}
			if want := time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC); !p.CreatedAt.Equal(want) {
				t.Errorf("created_at = %v, want %v", p.CreatedAt, want)
			}

			swapped := mpB64(mpRaw(t, sig, enc, mpFixedIV, mpPKCS7([]byte(text))))
			if _, _, err := m.Decode(swapped); !errors.Is(err, customerauth.ErrMultipassSignature) {
				t.Errorf("Decode(token with swapped halves) = %v, want ErrMultipassSignature", err)
			}
		})
	}
}

func TestMultipassMultipassifyVectors(t *testing.T) {
	for _, v := range loadMPVectors(t).Multipassify {
		t.Run(v.Name, func(t *testing.T) {
			if strings.TrimRight(v.Token, "=") != v.TokenUnpadded {
				t.Fatalf("vector file: token_unpadded is not token without '='")
			}
			m := mpNew(t, v.Secret)
			customerauth.SetMultipassRand(m, bytes.NewReader(mpUnhex(t, v.IVHex)))
			sealed, err := customerauth.SealMultipass(m, []byte(v.Plaintext))
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			if sealed != v.Token {
				t.Errorf("Seal(plaintext) =\n %s\nwant\n %s", sealed, v.Token)
			}

			want := mpExpected(t, v.DecodedPayload)
			wantMAC := mpUnhex(t, v.HMACHex)
			var macs [][32]byte
			for _, tok := range []string{v.Token, v.TokenUnpadded} {
				p, mac, err := m.Decode(tok)
				if err != nil {
					t.Fatalf("Decode(%q): %v", tok, err)
				}
				if !bytes.Equal(mac[:], wantMAC) {
					t.Errorf("Decode(%q) MAC = %x, want %s", tok, mac, v.HMACHex)
				}
				macs = append(macs, mac)
				mpComparePayload(t, p, want)
			}
			if macs[0] != macs[1] {
				t.Errorf("padded and unpadded spellings give different MACs: %x, %x", macs[0], macs[1])
			}
		})
	}
}

func mpFullPayload() customerauth.MultipassPayload {
	return customerauth.MultipassPayload{
		Email:      "nicpotts@example.com",
		CreatedAt:  time.Date(2013, 4, 11, 15, 16, 23, 987654321, time.FixedZone("EDT", -4*3600)),
		FirstName:  "<b>&",
		LastName:   "Potts \"Zoë\" 山田",
		TagString:  "canadian, premium",
		Identifier: "nic123",
		ReturnTo:   "https://shop.example.com/a?b=1&c=<2>",
		RemoteIP:   "203.0.113.7",
		Addresses: []customerauth.MultipassAddress{
			{
				Address1: "123 Oak St", Address2: "Apt 4", City: "Ottawa", Company: "ACME",
				Country: "Canada", CountryCode: "CA", FirstName: "Nic", LastName: "Potts",
				Phone: "555-1212", Province: "Ontario", ProvinceCode: "ON", Zip: "123 ABC", Default: true,
			},
			{Address1: "1 Second St", City: "Toronto"},
		},
	}
}

func TestMultipassEncodeRoundTrip(t *testing.T) {
	m := mpNew(t, mpVectorSecret)
	in := mpFullPayload()
	tok, err := m.Encode(in)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	got, mac, err := m.Decode(tok)
	if err != nil {
		t.Fatalf("Decode(Encode(p)): %v", err)
	}
	want := in
	want.CreatedAt = in.CreatedAt.Truncate(time.Second)
	mpComparePayload(t, got, want)

	// The MAC Decode returns is the token's last 32 bytes.
	raw, _ := base64.URLEncoding.DecodeString(tok)
	if !bytes.Equal(mac[:], raw[len(raw)-32:]) {
		t.Errorf("MAC %x is not the token's tag %x", mac, raw[len(raw)-32:])
	}

	t.Run("no HTML escaping", func(t *testing.T) {
		enc, sig := mpKeys(mpVectorSecret)
		plain, _, ok := mpOpen(tok, enc, sig)
		if !ok {
			t.Fatal("independent verifier refused Encode's token")
		}
		if !bytes.Contains(plain, []byte(`"first_name":"<b>&"`)) {
			t.Errorf("plaintext %s does not carry <b>& unescaped", plain)
		}
		if bytes.Contains(plain, []byte(`\u003c`)) || bytes.Contains(plain, []byte(`\u0026`)) {
			t.Errorf("plaintext %s is HTML-escaped", plain)
		}
		if !json.Valid(plain) {
			t.Errorf("plaintext %s is not valid JSON", plain)
		}
	})

	t.Run("zero CreatedAt is now", func(t *testing.T) {
		before := time.Now().Truncate(time.Second)
		tok, err := m.Encode(customerauth.MultipassPayload{Email: "a@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		p, _, err := m.Decode(tok)
		if err != nil {
			t.Fatal(err)
		}
		if p.CreatedAt.Before(before) || p.CreatedAt.After(after) {
			t.Errorf("created_at %v not in [%v, %v]", p.CreatedAt, before, after)
		}
	})

	t.Run("email required", func(t *testing.T) {
		p := mpFullPayload()
		p.Email = ""
		tok, err := m.Encode(p)
		if err == nil {
			t.Fatalf("Encode without email = %q, nil; want an error", tok)
		}
		if tok != "" {
			t.Errorf("Encode without email returned token %q with its error", tok)
		}
	})
}

func TestMultipassRotation(t *testing.T) {
	const oldSecret, newSecret = "old shop secret 0123456789abcdef", "new shop secret fedcba9876543210"
	rotated := mpNew(t, newSecret, oldSecret)
	oldOnly := mpNew(t, oldSecret)
	newOnly := mpNew(t, newSecret)

	for _, c := range []struct {
		name string
		m    *customerauth.Multipass
	}{{"made with old secret", oldOnly}, {"made with new secret", newOnly}} {
		t.Run(c.name, func(t *testing.T) {
			tok, err := c.m.Encode(customerauth.MultipassPayload{Email: "rot@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			p, _, err := rotated.Decode(tok)
			if err != nil {
				t.Fatalf("rotated Decode: %v", err)
			}
			if p.Email != "rot@example.com" {
				t.Errorf("email = %q", p.Email)
			}
		})
	}

	t.Run("Encode uses the first secret", func(t *testing.T) {
		tok, err := rotated.Encode(customerauth.MultipassPayload{Email: "rot@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := newOnly.Decode(tok); err != nil {
			t.Errorf("new-secret Multipass refused the rotated token: %v", err)
		}
		if _, _, err := oldOnly.Decode(tok); !errors.Is(err, customerauth.ErrMultipassSignature) {
			t.Errorf("old-secret Multipass: Decode = %v, want ErrMultipassSignature", err)
		}
	})

	t.Run("vector token under a second secret", func(t *testing.T) {
		v := mpVector(t, "minimal")
		p, _, err := mpNew(t, "some other secret", v.Secret).Decode(v.Token)
		if err != nil || p.Email != "nicpotts@example.com" {
			t.Errorf("Decode = %v, %v", p, err)
		}
	})

	t.Run("secret with trailing newline", func(t *testing.T) {
		v := mpVector(t, "minimal")
		if _, _, err := mpNew(t, v.Secret+"\n").Decode(v.Token); err != nil {
			t.Errorf("secret+\"\\n\": %v", err)
		}
		if _, _, err := mpNew(t, v.Secret+"\r\n").Decode(v.Token); err != nil {
			t.Errorf("secret+\"\\r\\n\": %v", err)
		}
	})
}

func TestMultipassNegativeVectors(t *testing.T) {
	for _, v := range loadMPVectors(t).Negative {
		t.Run(v.Name, func(t *testing.T) {
			var want error
			switch v.RejectBecause {
			case "signature":
				want = customerauth.ErrMultipassSignature
			case "length":
				want = customerauth.ErrMultipassMalformed
			default:
				t.Fatalf("unknown reject_because %q", v.RejectBecause)
			}
			p, _, err := mpNew(t, v.Secret).Decode(v.Token)
			if !errors.Is(err, want) {
				t.Errorf("Decode = %+v, %v; want %v", p, err, want)
			}
			if p != nil {
				t.Errorf("refused token returned a payload %+v", p)
			}
		})
	}
}

// TestMultipassRejections has one case per rejection multipass.md §8 lists
// (and the codec's own checks), each with its sentinel.
func TestMultipassRejections(t *testing.T) {
	const secret = mpVectorSecret
	const created = `"created_at":"2013-04-11T19:16:23Z"`
	v := mpVector(t, "minimal")                // one '=' of padding
	docv := mpVector(t, "doc-optional-fields") // two '='
	enc, sig := mpKeys(secret)
	validText := `{"email":"a@example.com",` + created + `}`
	raw, err := base64.URLEncoding.DecodeString(v.Token)
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) string { return mpB64(f(bytes.Clone(raw))) }
	padded := func(text string, pad ...byte) []byte {
		b := append([]byte(text), pad...)
		if len(b)%16 != 0 {
			t.Fatalf("test bug: %d bytes are not block-aligned", len(b))
		}
		return b
	}
	// alignTo16 pads text with spaces inside the object so that, with the
	// n padding bytes, it is block-aligned.
	alignTo16 := func(text string, n int) string {
		for (len(text)+n)%16 != 0 {
			text = strings.Replace(text, "{", "{ ", 1)
		}
		return text
	}
	ct := raw[16 : len(raw)-32]

	malformed, signature, payload := customerauth.ErrMultipassMalformed, customerauth.ErrMultipassSignature, customerauth.ErrMultipassPayload
	cases := []struct {
		name  string
		token string
		want  error
	}{
		// Integrity.
		{"flipped IV bit", mutate(func(b []byte) []byte { b[3] ^= 0x01; return b }), signature},
		{"flipped ciphertext bit", mutate(func(b []byte) []byte { b[40] ^= 0x80; return b }), signature},
		{"flipped last ciphertext bit", mutate(func(b []byte) []byte { b[len(b)-33] ^= 0x01; return b }), signature},
		{"16-byte tag", mutate(func(b []byte) []byte { return b[:len(b)-16] }), signature}, // 16+80+16 = 32+16k, so it reaches the MAC check
		{"swapped key halves", mpB64(mpRaw(t, sig, enc, mpFixedIV, mpPKCS7([]byte(validText)))), signature},
		{"MAC over ciphertext only", func() string {
			c := mpCBC(t, enc, mpFixedIV, mpPKCS7([]byte(validText)))
			return mpB64(append(c, mpHMAC(sig, c[16:])...))
		}(), signature},
		{"MAC over plaintext", func() string {
			c := mpCBC(t, enc, mpFixedIV, mpPKCS7([]byte(validText)))
			return mpB64(append(c, mpHMAC(sig, []byte(validText))...))
		}(), signature},
		{"MAC keyed with the whole digest", func() string {
			k := sha256.Sum256([]byte(secret))
			c := mpCBC(t, enc, mpFixedIV, mpPKCS7([]byte(validText)))
			return mpB64(append(c, mpHMAC(k[:], c)...))
		}(), signature},
		{"other secret", mpForgeJSON(t, secret+" ", validText), signature},
		{"tag of another token", mpB64(append(mpCBC(t, enc, mpFixedIV, mpPKCS7([]byte(validText))), raw[len(raw)-32:]...)), signature},
		{"IV and ciphertext swapped for another's", mpB64(append(append(bytes.Clone(mpFixedIV), ct...), raw[len(raw)-32:]...)), signature},

		// Framing.
		{"empty string", "", malformed},
		{"too short: one char", "A", malformed},
		{"too short: 4 chars", "AAAA", malformed},
		{"too short: IV and tag only (48 bytes)", mpB64(append(bytes.Clone(raw[:16]), raw[len(raw)-32:]...)), malformed},
		{"too short: 63 bytes", mpB64(raw[:63]), malformed},
		{"length not 32+16k: one byte more", mutate(func(b []byte) []byte { return append(b, 0) }), malformed},
		{"length not 32+16k: one byte less", mutate(func(b []byte) []byte { return b[:len(b)-1] }), malformed},
		{"length not 32+16k: 8 bytes more", mutate(func(b []byte) []byte { return append(b, make([]byte, 8)...) }), malformed},
		{"length not 32+16k: truncated by 4 chars", v.TokenUnpadded[:len(v.TokenUnpadded)-4], malformed},
		{"'+' alphabet", strings.ReplaceAll(v.Token, "-", "+"), malformed},
		{"'/' alphabet", strings.ReplaceAll(v.Token, "_", "/"), malformed},
		{"standard base64", base64.StdEncoding.EncodeToString(raw), malformed},
		{"newline inside", v.Token[:40] + "\n" + v.Token[40:], malformed},
		{"CRLF inside", v.Token[:40] + "\r\n" + v.Token[40:], malformed},
		{"space inside", v.Token[:40] + " " + v.Token[40:], malformed},
		{"tab inside", v.Token[:40] + "\t" + v.Token[40:], malformed},
		{"trailing newline", v.Token + "\n", malformed},
		{"leading space", " " + v.Token, malformed},
		{"NUL inside", v.Token[:40] + "\x00" + v.Token[40:], malformed},
		{"non-ASCII inside", v.Token[:40] + "é" + v.Token[40:], malformed},
		{"three '='", v.TokenUnpadded + "===", malformed},
		{"three '=' after two", docv.Token + "=", malformed},
		{"two '=' where one is due", v.Token + "=", malformed},
		{"one '=' where two are due", docv.TokenUnpadded + "=", malformed},
		{"'=' where none is due", mpVector(t, "block-aligned-plaintext").Token + "=", malformed},
		{"'==' where none is due", mpVector(t, "block-aligned-plaintext").Token + "==", malformed},
		{"'=' inside", v.Token[:40] + "=" + v.Token[40:], malformed},
		{"only padding", "==", malformed},
		{"non-canonical trailing bits", v.TokenUnpadded[:len(v.TokenUnpadded)-1] + "Z", malformed}, // "Y"+"Z" share the decoded byte; Strict refuses the stray bits
		{"over 16 KiB", strings.Repeat("A", 16<<10+4), malformed},

		// Under a valid MAC: padding.
		{"PKCS#7 pad byte 0", mpForge(t, secret, padded(alignTo16(validText, 1), 0)), payload},
		{"PKCS#7 pad byte 17", mpForge(t, secret, padded(alignTo16(validText, 1), 17)), payload},
		{"PKCS#7 pad byte 0xff", mpForge(t, secret, padded(alignTo16(validText, 1), 0xff)), payload},
		{"PKCS#7 inconsistent bytes", mpForge(t, secret, padded(alignTo16(validText, 3), 2, 3, 3)), payload},
		{"PKCS#7 inconsistent bytes in full block", mpForge(t, secret, padded(alignTo16(validText, 0)+strings.Repeat("\x10", 15)+"\x0f")), payload},
		{"PKCS#7 missing (block-aligned text, no pad block)", mpForge(t, secret, padded(alignTo16(validText, 0))), payload},

		// Under a valid MAC: the JSON.
		{"empty plaintext", mpForge(t, secret, bytes.Repeat([]byte{16}, 16)), payload},
		{"not JSON", mpForgeJSON(t, secret, "email=a@example.com&created_at=2013-04-11T19:16:23Z"), payload},
		{"JSON array", mpForgeJSON(t, secret, `[`+validText+`]`), payload},
		{"JSON string", mpForgeJSON(t, secret, `"a@example.com"`), payload},
		{"JSON null", mpForgeJSON(t, secret, `null`), payload},
		{"truncated JSON", mpForgeJSON(t, secret, validText[:len(validText)-1]), payload},
		{"trailing data: second object", mpForgeJSON(t, secret, validText+`{}`), payload},
		{"trailing data: word", mpForgeJSON(t, secret, validText+` x`), payload},
		{"trailing data: number", mpForgeJSON(t, secret, validText+`1`), payload},
		{"trailing data: '}'", mpForgeJSON(t, secret, validText+`}`), payload},
		{"trailing data: ']'", mpForgeJSON(t, secret, validText+`]`), payload},
		{"trailing data: '}' then garbage", mpForgeJSON(t, secret, validText+`}garbage`), payload},
		{"invalid UTF-8 in email", mpForgeJSON(t, secret, "{\"email\":\"\xff@x.com\","+created+"}"), payload},
		{"invalid UTF-8 in another field", mpForgeJSON(t, secret, "{\"email\":\"a@x.com\",\"first_name\":\"\xc3\x28\","+created+"}"), payload},
		{"missing email", mpForgeJSON(t, secret, `{`+created+`}`), payload},
		{"empty email", mpForgeJSON(t, secret, `{"email":"",`+created+`}`), payload},
		{"blank email", mpForgeJSON(t, secret, `{"email":"  ",`+created+`}`), payload},
		{"null email", mpForgeJSON(t, secret, `{"email":null,`+created+`}`), payload},
		{"email a number", mpForgeJSON(t, secret, `{"email":42,`+created+`}`), payload},
		{"email an array", mpForgeJSON(t, secret, `{"email":["a@example.com"],`+created+`}`), payload},
		{"email an object", mpForgeJSON(t, secret, `{"email":{"a":"a@example.com"},`+created+`}`), payload},
		{"email true", mpForgeJSON(t, secret, `{"email":true,`+created+`}`), payload},
		{"missing email: only an \"Email\" key", mpForgeJSON(t, secret, `{"Email":"a@example.com",`+created+`}`), payload},
		{"missing email: only an \"EMAIL\" key", mpForgeJSON(t, secret, `{"EMAIL":"a@example.com",`+created+`}`), payload},
		{"missing created_at: only a \"Created_At\" key", mpForgeJSON(t, secret, `{"email":"a@example.com","Created_At":"2013-04-11T19:16:23Z"}`), payload},
		{"missing created_at", mpForgeJSON(t, secret, `{"email":"a@example.com"}`), payload},
		{"null created_at", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":null}`), payload},
		{"created_at not a time", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":"yesterday"}`), payload},
		{"created_at empty", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":""}`), payload},
		{"created_at date only", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":"2013-04-11"}`), payload},
		{"created_at month 13", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":"2013-13-11T19:16:23Z"}`), payload},
		{"created_at a number", mpForgeJSON(t, secret, `{"email":"a@example.com","created_at":1365707783}`), payload},
		{"addresses an object", mpForgeJSON(t, secret, `{"email":"a@example.com",`+created+`,"addresses":{"city":"Ottawa"}}`), payload},
		{"address default a string", mpForgeJSON(t, secret, `{"email":"a@example.com",`+created+`,"addresses":[{"default":"yes"}]}`), payload},
	}
	// Check the controls: the unmodified pieces are accepted.
	m := mpNew(t, secret)
	if _, _, err := m.Decode(v.Token); err != nil {
		t.Fatalf("control: vector token refused: %v", err)
	}
	if _, _, err := m.Decode(mpForgeJSON(t, secret, validText)); err != nil {
		t.Fatalf("control: forged valid token refused: %v", err)
	}
	if _, _, err := m.Decode(mpForge(t, secret, padded(alignTo16(validText, 1), 1))); err != nil {
		t.Fatalf("control: forged token with one pad byte refused: %v", err)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			p, mac, err := m.Decode(c.token)
			if !errors.Is(err, c.want) {
				t.Fatalf("Decode = %+v, %v; want %v", p, err, c.want)
			}
			if p != nil {
				t.Errorf("refused token returned a payload %+v", p)
			}
			if c.want != payload && mac != ([32]byte{}) {
				t.Errorf("token refused before the MAC matched returned MAC %x", mac)
			}
		})
	}
}

func TestMultipassCreatedAtSpellings(t *testing.T) {
	m := mpNew(t, mpVectorSecret)
	cases := []struct {
		spelling string
		want     time.Time
	}{
		{"2013-04-11T15:16:23-04:00", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
		{"2013-04-11T19:16:23+00:00", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
		{"2013-04-11T19:16:23.000Z", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
		{"2013-04-11T19:16:23Z", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
		{"2013-04-11T19:16:23.123456", time.Date(2013, 4, 11, 19, 16, 23, 123456000, time.UTC)},
		{"2013-04-11T19:16:23", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
		{"2013-04-12T04:46:23+09:30", time.Date(2013, 4, 11, 19, 16, 23, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.spelling, func(t *testing.T) {
			tok := mpForgeJSON(t, mpVectorSecret, `{"email":"a@example.com","created_at":"`+c.spelling+`"}`)
			p, _, err := m.Decode(tok)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !p.CreatedAt.Equal(c.want) {
				t.Errorf("created_at = %v, want %v", p.CreatedAt, c.want)
			}
		})
	}
}

// mpBigToken forges a valid token of rawLen decoded bytes (32+16k).
func mpBigToken(tb testing.TB, secret string, rawLen int) string {
	tb.Helper()
	if rawLen < 64 || (rawLen-32)%16 != 0 {
		tb.Fatalf("test bug: %d bytes do not make a token", rawLen)
	}
	plainLen := rawLen - 16 - 32 - 1 // one byte of padding
	head := `{"email":"big@example.com","created_at":"2013-04-11T19:16:23Z","tag_string":"`
	text := head + strings.Repeat("t", plainLen-len(head)-2) + `"}`
	tok := mpForge(tb, secret, append([]byte(text), 1))
	enc, sig := mpKeys(secret)
	if _, _, ok := mpOpen(tok, enc, sig); !ok {
		tb.Fatal("test bug: big token does not verify")
	}
	return tok
}

func TestMultipassTokenSizeLimit(t *testing.T) {
	m := mpNew(t, mpVectorSecret)

	// A valid token of exactly 16 KiB (12288 bytes = 16+765·16+32, no
	// padding) is accepted.
	atLimit := mpBigToken(t, mpVectorSecret, 12288)
	if len(atLimit) != 16<<10 {
		t.Fatalf("test bug: token is %d chars", len(atLimit))
	}
	if p, _, err := m.Decode(atLimit); err != nil || p.Email != "big@example.com" {
		t.Fatalf("16 KiB token: %v, %v", p, err)
	}

	// The next valid size, one block more (16408 chars padded, 16406
	// unpadded), is refused although its MAC is good.
	over := mpBigToken(t, mpVectorSecret, 12304)
	for _, tok := range []string{over, strings.TrimRight(over, "=")} {
		if _, _, err := m.Decode(tok); !errors.Is(err, customerauth.ErrMultipassMalformed) {
			t.Errorf("Decode(%d-char valid token) = %v, want ErrMultipassMalformed", len(tok), err)
		}
	}

	// "Without work": refusing a 1 MiB token must not decode it; measure the
	// bytes allocated per call (a base64 decode alone would be 768 KiB).
	huge := strings.Repeat("A", 1<<20)
	if _, _, err := m.Decode(huge); !errors.Is(err, customerauth.ErrMultipassMalformed) {
		t.Fatalf("Decode(1 MiB) = %v, want ErrMultipassMalformed", err)
	}
	const runs = 100
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		m.Decode(huge)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 4096 {
		t.Errorf("refusing a 1 MiB token allocates %d bytes per call; want it refused before decoding", per)
	}
}

// TestMultipassKeysAreCaseSensitive: JSON keys are case-sensitive (RFC
// 8259), as in the issuers' and Shopify's parsers; "Email" is not "email".
// encoding/json matches struct fields case-insensitively, so a token that
// carries both gives the last one, not the "email" key.
func TestMultipassKeysAreCaseSensitive(t *testing.T) {
	m := mpNew(t, mpVectorSecret)
	for _, text := range []string{
		`{"email":"user@example.com","Email":"victim@example.com","created_at":"2013-04-11T19:16:23Z"}`,
		`{"email":"user@example.com","created_at":"2013-04-11T19:16:23Z","EMAIL":"victim@example.com"}`,
	} {
		p, _, err := m.Decode(mpForgeJSON(t, mpVectorSecret, text))
		if err != nil {
			t.Errorf("Decode(%s): %v", text, err)
			continue
		}
		if p.Email != "user@example.com" {
			t.Errorf("Decode(%s) email = %q, want the \"email\" key's user@example.com", text, p.Email)
		}
	}
}
