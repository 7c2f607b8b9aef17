package smtpnotify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopkit/customerauth/smtpnotify"
)

// freePort returns a port on 127.0.0.1 that was just free: nothing listens
// there.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

func TestCheckPassesWithoutSending(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	tests := []struct {
		name   string
		server serverOpts
		edit   func(*smtpnotify.Config)
		auth   bool
	}{
		{"plain server, TLSNone", serverOpts{}, nil, false},
		{"plain server, TLSNone, with a password to loopback", serverOpts{}, func(c *smtpnotify.Config) {
			c.Username, c.Password = "shop", testPassword
		}, true},
		{"STARTTLS, TLSMandatory, authenticated", serverOpts{startTLS: serverTLS}, func(c *smtpnotify.Config) {
			c.TLSPolicy, c.TLSConfig = smtpnotify.TLSMandatory, &tls.Config{RootCAs: roots}
			c.Username, c.Password = "shop", testPassword
		}, true},
		{"plain server, TLSOpportunistic", serverOpts{}, func(c *smtpnotify.Config) {
			c.TLSPolicy = smtpnotify.TLSOpportunistic
		}, false},
		{"implicit TLS, authenticated", serverOpts{implicit: serverTLS}, func(c *smtpnotify.Config) {
			c.TLSPolicy, c.TLSConfig = smtpnotify.TLSImplicit, &tls.Config{RootCAs: roots}
			c.Username, c.Password = "shop", testPassword
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &backend{}
			if tt.auth {
				b.user, b.pass = "shop", testPassword
			}
			n := notifierFor(t, startServer(t, b, tt.server), tt.edit)
			if err := n.Check(t.Context()); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if len(b.messages()) != 0 {
				t.Error("Check sent a message")
			}
			if want := map[bool]int{true: 1, false: 0}[tt.auth]; b.auths() != want {
				t.Errorf("%d authentications, want %d", b.auths(), want)
			}
		})
	}
}

func TestCheckNamesTheFailingStep(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	tests := []struct {
		name     string
		server   *serverOpts // nil: nothing listens
		user     string      // non-empty: the server requires AUTH PLAIN with password "the right one"
		edit     func(*smtpnotify.Config)
		step     smtpnotify.CheckStep
		code     int
		mention  string
		unwrapTo []error // any of them
		auths    int
	}{
		{
			name: "nothing listens", server: nil,
			step: smtpnotify.CheckConnect, mention: "cannot connect to 127.0.0.1:", unwrapTo: []error{syscall.ECONNREFUSED},
		},
		{
			name: "mandatory TLS, plain server", server: &serverOpts{},
			user: "shop",
			edit: func(c *smtpnotify.Config) { c.TLSPolicy = smtpnotify.TLSMandatory },
			step: smtpnotify.CheckSTARTTLS, mention: "does not offer STARTTLS",
		},
		{
			name: "certificate not trusted", server: &serverOpts{startTLS: serverTLS},
			user: "shop",
			edit: func(c *smtpnotify.Config) { c.TLSPolicy = smtpnotify.TLSMandatory },
			step: smtpnotify.CheckTLS, mention: "does not verify",
		},
		{
			name: "certificate for another name", server: &serverOpts{startTLS: serverTLS},
			user: "shop",
			edit: func(c *smtpnotify.Config) {
				c.TLSPolicy, c.TLSConfig = smtpnotify.TLSMandatory, &tls.Config{RootCAs: roots, ServerName: "mail.shop.example"}
			},
			step: smtpnotify.CheckTLS, mention: `does not verify for "mail.shop.example"`,
		},
		{
			name: "implicit TLS, plain server", server: &serverOpts{},
			edit: func(c *smtpnotify.Config) { c.TLSPolicy = smtpnotify.TLSImplicit },
			step: smtpnotify.CheckTLS, mention: "TLS handshake",
		},
		{
			name: "plain client, implicit-TLS port", server: &serverOpts{implicit: serverTLS},
			edit: func(c *smtpnotify.Config) { c.Timeout = 300 * time.Millisecond },
			step: smtpnotify.CheckGreeting, mention: "did not answer as a mail server", // Config.Timeout ends the read or the context, whichever
			// comes first.
			unwrapTo: []error{os.ErrDeadlineExceeded, context.DeadlineExceeded},
		},
		{
			name: "wrong password", server: &serverOpts{},
			user: "shop",
			step: smtpnotify.CheckAuth, code: 535, mention: "authentication to 127.0.0.1:", auths: 1,
		},
		{
			name: "no AUTH offered", server: &serverOpts{},
			step: smtpnotify.CheckAuth, mention: "AUTH",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &backend{}
			if tt.user != "" {
				b.user, b.pass = tt.user, "the right one"
			}
			port := freePort(t)
			if tt.server != nil {
				port = startServer(t, b, *tt.server)
			}
			n := notifierFor(t, port, func(c *smtpnotify.Config) {
				c.Username, c.Password = "shop", testPassword
				if tt.edit != nil {
					tt.edit(c)
				}
			})
			err := n.Check(t.Context())
			var ce *smtpnotify.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check = %v (%T), want a *CheckError", err, err)
			}
			if ce.Step != tt.step || ce.Code != tt.code {
				t.Errorf("step %v code %d, want %v and %d: %v", ce.Step, ce.Code, tt.step, tt.code, err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not say %q", err, tt.mention)
			}
			if tt.unwrapTo != nil && !slices.ContainsFunc(tt.unwrapTo, func(target error) bool { return errors.Is(err, target) }) {
				t.Errorf("error %v unwraps to none of %v", err, tt.unwrapTo)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, testPassword) {
					t.Errorf("error reveals the password: %s", s)
				}
			}
			if b.auths() != tt.auths || len(b.messages()) != 0 {
				t.Errorf("%d authentications and %d messages, want %d and none", b.auths(), len(b.messages()), tt.auths)
			}
		})
	}
}

func TestCheckHonoursTheContext(t *testing.T) {
	b := &backend{block: make(chan struct{})}
	n := notifierFor(t, startServer(t, b, serverOpts{implicit: nil}), nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := n.Check(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Check with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestCheckStepString(t *testing.T) {
	for step, want := range map[smtpnotify.CheckStep]string{
		smtpnotify.CheckConnect:  "connect",
		smtpnotify.CheckGreeting: "greeting",
		smtpnotify.CheckSTARTTLS: "starttls",
		smtpnotify.CheckTLS:      "tls",
		smtpnotify.CheckAuth:     "auth",
		0:                        "CheckStep(0)",
	} {
		if got := step.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint8(step), got, want)
		}
	}
}
