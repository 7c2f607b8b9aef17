package smtpnotify_test

// A real SMTP server (github.com/emersion/go-smtp) for the tests, with a
// backend that keeps what it receives and can be told to refuse.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the server got it.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool // the session was encrypted
	User string
}

// backend is an smtp.Backend that records messages.
type backend struct {
	// Set before the server starts.
	user, pass string             // non-empty: AUTH PLAIN required
	rcptErr    func(string) error // refuses a recipient; may change under mu
	dataErr    error              // refuses every message after reading it
	block      chan struct{}      // non-nil: MAIL waits until it is closed
	hangUp     bool               // drop the connection after accepting a message

	mu           sync.Mutex
	msgs         []received
	authAttempts int
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, conn: c, tls: isTLS}, nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func (b *backend) auths() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.authAttempts
}

type session struct {
	b    *backend
	conn *smtp.Conn
	got  bool // a message was accepted
	tls  bool
	user string
	cur  received
}

func (s *session) AuthMechanisms() []string {
	if s.b.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.b.mu.Lock()
		s.b.authAttempts++
		s.b.mu.Unlock()
		if user != s.b.user || pass != s.b.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.block != nil {
		<-s.b.block
	}
	if s.b.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.cur = received{From: from, TLS: s.tls, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.mu.Lock()
	refuse := s.b.rcptErr
	s.b.mu.Unlock()
	if refuse != nil {
		if err := refuse(to); err != nil {
			return err
		}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.b.dataErr != nil {
		return s.b.dataErr
	}
	s.cur.Data = data
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	s.got = true
	return nil
}

// Reset runs after each message, once the server has answered it.
func (s *session) Reset() {
	s.cur = received{}
	if s.b.hangUp && s.got {
		_ = s.conn.Conn().Close() // Conn.Close would deadlock inside Reset
	}
}

func (s *session) Logout() error { return nil }

// serverOpts says how the test server listens.
type serverOpts struct {
	addr     string      // where to listen; empty means 127.0.0.1:0
	startTLS *tls.Config // offered with STARTTLS
	implicit *tls.Config // TLS from the first byte
}

// startServer runs an SMTP server for b on 127.0.0.1 and returns its port.
func startServer(t *testing.T, b *backend, o serverOpts) int {
	t.Helper()
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(b)
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.AllowInsecureAuth = o.startTLS == nil && o.implicit == nil
	s.TLSConfig = o.startTLS
	l := ln
	if o.implicit != nil {
		l = tls.NewListener(ln, o.implicit)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		if b.block != nil {
			select {
			case <-b.block:
			default:
				close(b.block)
			}
		}
		_ = s.Close()
		// Close misses a listener that Serve has not registered yet.
		_ = l.Close()
		<-done
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtpnotify test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// parsed is a received message taken apart.
type parsed struct {
	Header  mail.Header
	Subject string
	From    *mail.Address
	To      []*mail.Address
	Text    string
	HTML    string
}

// parseMessage parses a multipart/alternative message with one text/plain
// and one text/html part, failing the test on anything else.
func parseMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("parsing message: %v\n%s", err, raw)
	}
	var p parsed
	p.Header = m.Header
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatalf("Subject: %v", err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 {
		t.Fatalf("From %q: %v", m.Header.Get("From"), err)
	}
	p.From = from[0]
	if p.To, err = m.Header.AddressList("To"); err != nil {
		t.Fatalf("To %q: %v", m.Header.Get("To"), err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative (%v)", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		pt, pparams, err := mime.ParseMediaType(part.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part Content-Type %q: %v", part.Header.Get("Content-Type"), err)
		}
		if cs := strings.ToLower(pparams["charset"]); cs != "utf-8" {
			t.Errorf("part %s has charset %q, want utf-8", pt, cs)
		}
		var body io.Reader = part
		switch cte := strings.ToLower(part.Header.Get("Content-Transfer-Encoding")); cte {
		case "quoted-printable":
			body = quotedprintable.NewReader(part)
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, part)
		case "", "7bit", "8bit":
		default:
			t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("reading %s part: %v", pt, err)
		}
		b := strings.ReplaceAll(string(raw), "\r\n", "\n")
		switch pt {
		case "text/plain":
			if p.Text != "" {
				t.Fatal("two text/plain parts")
			}
			p.Text = b
		case "text/html":
			if p.HTML != "" {
				t.Fatal("two text/html parts")
			}
			p.HTML = b
		default:
			t.Fatalf("unexpected part %s", pt)
		}
	}
	if p.Text == "" || p.HTML == "" {
		t.Fatalf("want a text and an HTML part; text %q, HTML %q", p.Text, p.HTML)
	}
	return p
}
