package customerauth_test

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopkit/customerauth"
)

// mpFuzzSecondSecret is the second secret of the fuzzed Multipass.
const mpFuzzSecondSecret = "4c191800e584533ab18fc533397fce1d"

// mpCheckAccepted is the fuzz property for a token Decode accepted: an
// independent stdlib verifier must find the token made with one of the
// configured secrets, and decrypting it must give the returned email.
func mpCheckAccepted(t *testing.T, token string, p *customerauth.MultipassPayload, mac [32]byte, secrets ...string) {
	t.Helper()
	if p == nil {
		t.Fatalf("Decode(%q) returned nil payload and nil error", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		t.Fatalf("Decode accepted %q, which is not base64url: %v", token, err)
	}
	n := len(raw)
	if n < 64 || (n-32)%16 != 0 {
		t.Fatalf("Decode accepted %q of %d bytes", token, n)
	}
	if !bytes.Equal(mac[:], raw[n-32:]) {
		t.Fatalf("Decode(%q) returned MAC %x, token's tag is %x", token, mac, raw[n-32:])
	}
	for _, s := range secrets {
		enc, sig := mpKeys(s)
		if !hmac.Equal(mpHMAC(sig, raw[:n-32]), raw[n-32:]) {
			continue
		}
		plain, _, ok := mpOpen(token, enc, sig)
		if !ok {
			t.Fatalf("Decode accepted %q whose PKCS#7 padding is bad", token)
		}
		if !utf8.Valid(plain) || !json.Valid(plain) {
			t.Fatalf("Decode accepted %q whose plaintext %q is not one valid UTF-8 JSON value", token, plain)
		}
		var obj map[string]any
		if err := json.Unmarshal(plain, &obj); err != nil {
			t.Fatalf("Decode accepted %q whose plaintext %q is not a JSON object: %v", token, plain, err)
		}
		if email, _ := obj["email"].(string); email != p.Email || strings.TrimSpace(email) == "" {
			t.Fatalf("Decode(%q) returned email %q, plaintext %q carries %q", token, p.Email, plain, obj["email"])
		}
		if _, ok := obj["created_at"].(string); !ok {
			t.Fatalf("Decode accepted %q whose plaintext %q has no created_at string", token, plain)
		}
		return
	}
	t.Fatalf("Decode accepted %q, which no configured secret signed", token)
}

func FuzzDecode(f *testing.F) {
	v := loadMPVectors(f)
	for _, tv := range v.Multipassify {
		f.Add(tv.Token)
		f.Add(tv.TokenUnpadded)
	}
	for _, nv := range v.Negative {
		f.Add(nv.Token)
	}
	minimal := mpVector(f, "minimal")
	for _, s := range []string{
		"", "=", "==", "===", "A", "AAAA", "-_-_",
		minimal.Token + "=",
		minimal.TokenUnpadded + "==",
		minimal.Token[:40] + "\n" + minimal.Token[40:],
		strings.ReplaceAll(minimal.Token, "-", "+"),
		strings.ReplaceAll(minimal.Token, "_", "/"),
		minimal.Token[:len(minimal.Token)-5] + "Z=",
		minimal.Token[1:],
		"B" + minimal.Token[1:],
		minimal.Token[:100] + "A" + minimal.Token[101:],
		mpForgeJSON(f, mpVectorSecret, `{"email":"a@example.com","created_at":"2013-04-11T19:16:23Z"}`),
		mpForgeJSON(f, mpFuzzSecondSecret, `{"email":"b@example.com","created_at":"2013-04-11T19:16:23.123456"}`),
	} {
		f.Add(s)
	}
	m := mpNew(f, mpVectorSecret, mpFuzzSecondSecret)
	f.Fuzz(func(t *testing.T, token string) {
		p, mac, err := m.Decode(token)
		if err != nil {
			if p != nil {
				t.Fatalf("Decode(%q) returned a payload with error %v", token, err)
			}
			return
		}
		mpCheckAccepted(t, token, p, mac, mpVectorSecret, mpFuzzSecondSecret)
	})
}

// FuzzMultipassPlaintext reaches the code behind the MAC, which random
// tokens never do: it signs arbitrary block-aligned plaintext with the
// secret and holds Decode to the same property.
func FuzzMultipassPlaintext(f *testing.F) {
	for _, tv := range loadMPVectors(f).Multipassify {
		f.Add([]byte(tv.Plaintext), true)
	}
	for _, s := range []string{
		`{"email":"a@example.com","created_at":"2013-04-11T19:16:23Z"}`,
		`{"email":"a@example.com","created_at":"2013-04-11T19:16:23.123456"}`,
		`{"email":"a@example.com","created_at":"2013-04-11T19:16:23Z","addresses":[{"default":true}]}`,
		`[{"email":"a@example.com","created_at":"2013-04-11T19:16:23Z"}]`,
		"{\"email\":\"\xff@x.com\",\"created_at\":\"2013-04-11T19:16:23Z\"}",
		`{"email":" ","created_at":"x"}`,
		`null`,
		``,
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	m := mpNew(f, mpVectorSecret, mpFuzzSecondSecret)
	f.Fuzz(func(t *testing.T, plain []byte, pad bool) {
		if len(plain) > 4096 {
			return
		}
		var padded []byte
		if pad {
			padded = mpPKCS7(plain)
		} else {
			// Use the bytes as they are, zero-extended to a block.
			padded = append(bytes.Clone(plain), make([]byte, (16-len(plain)%16)%16)...)
			if len(padded) == 0 {
				return
			}
		}
		token := mpForge(t, mpVectorSecret, padded)
		p, mac, err := m.Decode(token)
		if err != nil {
			if p != nil {
				t.Fatalf("Decode returned a payload with error %v", err)
			}
			return
		}
		mpCheckAccepted(t, token, p, mac, mpVectorSecret, mpFuzzSecondSecret)
	})
}

func BenchmarkMultipassDecode(b *testing.B) {
	v := mpVector(b, "doc-optional-fields")
	m := mpNew(b, v.Secret)
	if _, _, err := m.Decode(v.Token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(v.Token)))
	for b.Loop() {
		if _, _, err := m.Decode(v.Token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMultipassEncode(b *testing.B) {
	m := mpNew(b, mpVectorSecret)
	p := mpFullPayload()
	tok, err := m.Encode(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(tok)))
	for b.Loop() {
		if _, err := m.Encode(p); err != nil {
			b.Fatal(err)
		}
	}
}
