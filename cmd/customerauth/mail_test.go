package main

import (
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/emersion/go-smtp"
)

// mailBackend is a mail server that hands every message it receives to a
// channel.
type mailBackend struct{ mails chan string }

func (b *mailBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{b: b}, nil }

type mailSession struct{ b *mailBackend }

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mails <- string(b)
	return nil
}

// startMailServer runs a plain-text mail server on a loopback port until t
// ends and returns its address and the messages it receives.
func startMailServer(t *testing.T) (string, <-chan string) {
	t.Helper()
	b := &mailBackend{mails: make(chan string, 16)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := smtp.NewServer(b)
	s.Domain = "localhost"
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return ln.Addr().String(), b.mails
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
