package customerauth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Multipass encodes and decodes Shopify Multipass tokens: base64url of
// IV ‖ AES-128-CBC(PKCS#7(JSON)) ‖ HMAC-SHA256(IV ‖ ciphertext), with both
// keys taken from SHA-256 of the shop's secret.
//
// A Multipass holds one or more secrets so that a shop can rotate its
// secret without downtime: the first secret encodes, any of them decodes.
// It is safe for concurrent use.
type Multipass struct {
	keys []multipassKey
	// rand is the source of IVs; tests pin it to reproduce known tokens.
	rand io.Reader
}

type multipassKey struct {
	enc cipher.Block
	sig []byte
}

// Errors Decode returns. The reasons are for logs; API clients only ever
// see INVALID_MULTIPASS_REQUEST.
var (
	ErrMultipassMalformed = errors.New("customerauth: multipass token is malformed")
	ErrMultipassSignature = errors.New("customerauth: multipass signature does not match")
	ErrMultipassPayload   = errors.New("customerauth: multipass payload is invalid")
)

// NewMultipass returns a Multipass for the given secrets, the strings the
// shop's admin shows. A trailing newline, as files and environment
// variables add, is removed; nothing else is changed.
func NewMultipass(secrets ...string) (*Multipass, error) {
	if len(secrets) == 0 {
		return nil, errors.New("customerauth: multipass needs at least one secret")
	}
	m := &Multipass{rand: rand.Reader}
	for _, s := range secrets {
		s = strings.TrimRight(s, "\r\n")
		if s == "" {
			return nil, errors.New("customerauth: multipass secret is empty")
		}
		k := sha256.Sum256([]byte(s))
		block, err := aes.NewCipher(k[:16])
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, multipassKey{enc: block, sig: bytes.Clone(k[16:])})
	}
	return m, nil
}

// MultipassPayload is the customer data a Multipass token carries.
type MultipassPayload struct {
	// Email is required.
	Email string `json:"email"`
	// CreatedAt is when the token was made; tokens are accepted for a short
	// time after it. Encode uses the current time when it is zero.
	CreatedAt time.Time `json:"-"`
	FirstName string    `json:"first_name,omitempty"`
	LastName  string    `json:"last_name,omitempty"`
	// TagString is a comma-separated list of tags that replaces the
	// customer's tags.
	TagString string `json:"tag_string,omitempty"`
	// Identifier is the identity provider's own stable id of the user.
	Identifier string `json:"identifier,omitempty"`
	// ReturnTo is where the browser goes after a redirect login.
	ReturnTo  string             `json:"return_to,omitempty"`
	Addresses []MultipassAddress `json:"addresses,omitempty"`
	// RemoteIP is deprecated by Shopify and ignored; it is kept so that
	// tokens that carry it decode.
	RemoteIP string `json:"remote_ip,omitempty"`
}

// MultipassAddress is an address in a Multipass payload, in Shopify's
// customer address fields.
type MultipassAddress struct {
	Address1     string `json:"address1,omitempty"`
	Address2     string `json:"address2,omitempty"`
	City         string `json:"city,omitempty"`
	Company      string `json:"company,omitempty"`
	Country      string `json:"country,omitempty"`
	CountryCode  string `json:"country_code,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Province     string `json:"province,omitempty"`
	ProvinceCode string `json:"province_code,omitempty"`
	Zip          string `json:"zip,omitempty"`
	// Default makes this the customer's default address.
	Default bool `json:"default,omitempty"`
}

// multipassWire is the JSON form: created_at travels as a string in one of
// several spellings.
type multipassWire struct {
	MultipassPayload
	CreatedAt *string `json:"created_at"`
}

// Encode returns a token for p made with the first secret, as an identity
// provider sends it to the shop. The token uses padded base64url, as
// Shopify's own examples and multipassify do.
func (m *Multipass) Encode(p MultipassPayload) (string, error) {
	if strings.TrimSpace(p.Email) == "" {
		return "", fmt.Errorf("%w: email is required", ErrMultipassPayload)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	created := p.CreatedAt.Format(time.RFC3339)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(multipassWire{MultipassPayload: p, CreatedAt: &created}); err != nil {
		return "", err
	}
	return m.seal(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// seal encrypts and signs plaintext, the JSON of a payload, with the first
// secret.
func (m *Multipass) seal(plaintext []byte) (string, error) {
	k := m.keys[0]
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	raw := make([]byte, aes.BlockSize, aes.BlockSize+len(plaintext)+pad+sha256.Size)
	if _, err := io.ReadFull(m.rand, raw); err != nil {
		return "", err
	}
	raw = append(raw, plaintext...)
	raw = append(raw, bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(k.enc, raw[:aes.BlockSize]).CryptBlocks(raw[aes.BlockSize:], raw[aes.BlockSize:])
	mac := hmac.New(sha256.New, k.sig)
	mac.Write(raw)
	raw = mac.Sum(raw)
	return base64.URLEncoding.EncodeToString(raw), nil
}

// maxMultipassToken bounds the token text Decode looks at; real tokens are
// a few hundred bytes.
const maxMultipassToken = 16 << 10

// Decode verifies token with each secret and returns its payload and its
// MAC, the value a replay cache keys on: padded and unpadded spellings of
// one token share it. It checks, in order: the base64url alphabet and
// length, the MAC over IV and ciphertext in constant time, and only then
// decrypts, strips the padding, and requires UTF-8 JSON with an email and
// a created_at. It does not judge freshness.
func (m *Multipass) Decode(token string) (*MultipassPayload, [32]byte, error) {
	var tag [32]byte
	if len(token) > maxMultipassToken {
		return nil, tag, fmt.Errorf("%w: too long", ErrMultipassMalformed)
	}
	raw, err := decodeBase64URL(token)
	if err != nil {
		return nil, tag, err
	}
	n := len(raw)
	if n < aes.BlockSize*2+sha256.Size || (n-sha256.Size)%aes.BlockSize != 0 {
		return nil, tag, fmt.Errorf("%w: bad length %d", ErrMultipassMalformed, n)
	}
	signed, got := raw[:n-sha256.Size], raw[n-sha256.Size:]
	var key *multipassKey
	for i := range m.keys {
		mac := hmac.New(sha256.New, m.keys[i].sig)
		mac.Write(signed)
		if hmac.Equal(mac.Sum(nil), got) {
			key = &m.keys[i]
			break
		}
	}
	if key == nil {
		return nil, tag, ErrMultipassSignature
	}
	copy(tag[:], got)

	plain := make([]byte, len(signed)-aes.BlockSize)
	cipher.NewCBCDecrypter(key.enc, signed[:aes.BlockSize]).CryptBlocks(plain, signed[aes.BlockSize:])
	if plain, err = unpadPKCS7(plain); err != nil {
		return nil, tag, err
	}
	p, err := parseMultipassJSON(plain)
	if err != nil {
		return nil, tag, err
	}
	return p, tag, nil
}

// decodeBase64URL accepts base64url with or without '=' padding and nothing
// else: no standard alphabet, no whitespace, canonical trailing bits only.
func decodeBase64URL(s string) ([]byte, error) {
	trimmed := strings.TrimSuffix(strings.TrimSuffix(s, "="), "=")
	if pad := len(s) - len(trimmed); pad > 0 && (len(trimmed)+pad)%4 != 0 {
		return nil, fmt.Errorf("%w: bad padding", ErrMultipassMalformed)
	}
	for i := 0; i < len(trimmed); i++ {
		c := trimmed[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, fmt.Errorf("%w: not base64url", ErrMultipassMalformed)
		}
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(trimmed)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", ErrMultipassMalformed)
	}
	return raw, nil
}

func unpadPKCS7(b []byte) ([]byte, error) {
	if len(b) == 0 || len(b)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: bad padding", ErrMultipassPayload)
	}
	n := int(b[len(b)-1])
	if n < 1 || n > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding", ErrMultipassPayload)
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, fmt.Errorf("%w: bad padding", ErrMultipassPayload)
		}
	}
	return b[:len(b)-n], nil
}

func parseMultipassJSON(plain []byte) (*MultipassPayload, error) {
	// encoding/json would silently turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(plain) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrMultipassPayload)
	}
	var p MultipassPayload
	var created *string
	var addrs []json.RawMessage
	if err := decodeExact(plain, map[string]any{
		"email": &p.Email, "created_at": &created, "first_name": &p.FirstName, "last_name": &p.LastName,
		"tag_string": &p.TagString, "identifier": &p.Identifier, "return_to": &p.ReturnTo,
		"remote_ip": &p.RemoteIP, "addresses": &addrs,
	}); err != nil {
		return nil, err
	}
	for _, raw := range addrs {
		var a MultipassAddress
		if err := decodeExact(raw, map[string]any{
			"address1": &a.Address1, "address2": &a.Address2, "city": &a.City, "company": &a.Company,
			"country": &a.Country, "country_code": &a.CountryCode, "first_name": &a.FirstName,
			"last_name": &a.LastName, "phone": &a.Phone, "province": &a.Province,
			"province_code": &a.ProvinceCode, "zip": &a.Zip, "default": &a.Default,
		}); err != nil {
			return nil, err
		}
		p.Addresses = append(p.Addresses, a)
	}
	if strings.TrimSpace(p.Email) == "" {
		return nil, fmt.Errorf("%w: email is missing", ErrMultipassPayload)
	}
	if created == nil {
		return nil, fmt.Errorf("%w: created_at is missing", ErrMultipassPayload)
	}
	t, err := parseMultipassTime(*created)
	if err != nil {
		return nil, err
	}
	p.CreatedAt = t
	return &p, nil
}

// decodeExact decodes a JSON object whose keys must match exactly: the
// struct decoding of encoding/json also takes "Email" for "email", which
// would let a payload carry two different emails and have the wrong one
// win. Each known key is decoded into its destination; other keys are
// ignored, as Shopify ignores keys it does not know.
func decodeExact(data []byte, fields map[string]any) error {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return fmt.Errorf("%w: not a JSON object", ErrMultipassPayload)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: data after the JSON object", ErrMultipassPayload)
	}
	for key, dst := range fields {
		if raw, ok := obj[key]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return fmt.Errorf("%w: %s has the wrong type", ErrMultipassPayload, key)
			}
		}
	}
	return nil
}

// parseMultipassTime reads the created_at spellings issuers use: RFC 3339
// with or without fraction (Ruby, PHP, Go, JavaScript), and the zone-less
// form of Python's isoformat(), read as UTC.
func parseMultipassTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: created_at %q is not an ISO 8601 time", ErrMultipassPayload, s)
}
