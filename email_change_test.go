package customerauth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
)

// storedWhenNotified is a Notifier that, for every email-change notice,
// records whether the store already held the new address: the notice must
// follow the change, never announce one that may still fail.
type storedWhenNotified struct {
	store customerauth.Store
	next  customerauth.Notifier

	mu     sync.Mutex
	stored []bool
}

func (n *storedWhenNotified) Notify(ctx context.Context, msg customerauth.Notification) error {
	if msg.Kind == customerauth.NotifyEmailChanged {
		c, err := n.store.CustomerByEmail(ctx, customerauth.EmailKey(msg.NewEmail))
		n.mu.Lock()
		n.stored = append(n.stored, err == nil && c.ID == msg.CustomerID)
		n.mu.Unlock()
	}
	return n.next.Notify(ctx, msg)
}

func (n *storedWhenNotified) seen() []bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.stored)
}

// failingUpdates makes every UpdateCustomer fail while fail is set.
type failingUpdates struct {
	customerauth.Store
	mu   sync.Mutex
	fail bool
}

func (s *failingUpdates) UpdateCustomer(ctx context.Context, ch *customerauth.CustomerChange) (*customerauth.Customer, error) {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return nil, errors.New("disk full")
	}
	return s.Store.UpdateCustomer(ctx, ch)
}

func (s *failingUpdates) setFail(v bool) {
	s.mu.Lock()
	s.fail = v
	s.mu.Unlock()
}

func newEmailChangeEnv(t *testing.T) (*env, *storedWhenNotified, *failingUpdates) {
	var watch *storedWhenNotified
	var store *failingUpdates
	e := newEnv(t, func(c *customerauth.Config) {
		store = &failingUpdates{Store: c.Store}
		watch = &storedWhenNotified{store: c.Store, next: c.Notifier}
		c.Store, c.Notifier = store, watch
		c.MultipassSecrets = []string{multipassSecret}
	})
	return e, watch, store
}

func TestEmailChangeNoticeGoesToTheOldAddress(t *testing.T) {
	e, watch, _ := newEmailChangeEnv(t)
	id := e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")

	r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"email": "Ann.New@Example.NET", "firstName": "Anna"}})
	r.noErrors(t, "customerUpdate")
	if r.str("customerUpdate", "customer", "email") != "Ann.New@example.net" {
		t.Fatalf("email not changed: %s", r.Raw)
	}
	if e.mail.count(customerauth.NotifyEmailChanged) != 1 {
		t.Fatalf("%d email change notices, want 1", e.mail.count(customerauth.NotifyEmailChanged))
	}
	n := e.mail.last(t, customerauth.NotifyEmailChanged, "ann@example.com")
	want := customerauth.Notification{
		Kind: customerauth.NotifyEmailChanged, Email: "ann@example.com", NewEmail: "Ann.New@example.net",
		CustomerID: n.CustomerID, FirstName: "Ann", LastName: "Lee",
	}
	if n != want || e.svc.GlobalID(n.CustomerID) != id {
		t.Errorf("notice %+v, want %+v for %s", n, want, id)
	}
	if n.Kind.String() != "email_changed" {
		t.Errorf("kind name %q", n.Kind.String())
	}
	if got := watch.seen(); !slices.Equal(got, []bool{true}) {
		t.Errorf("the notice came before the change was stored: %v", got)
	}
	// No password changed, so no password notice.
	if e.mail.count(customerauth.NotifyPasswordChanged) != 0 {
		t.Error("a password-changed notice was sent")
	}
}

func TestEmailChangeNoticeOnlyForANewAddress(t *testing.T) {
	e, _, store := newEmailChangeEnv(t)
	e.register("other@example.com", "correct horse")
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	update := func(in map[string]any) gqlResult {
		t.Helper()
		return e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": in})
	}
	update(map[string]any{"email": "ann@example.com"}).noErrors(t, "customerUpdate")
	update(map[string]any{"email": " ANN@example.com "}).noErrors(t, "customerUpdate") // the same mailbox in another case
	update(map[string]any{"firstName": "Anna", "phone": "+16135550123"}).noErrors(t, "customerUpdate")
	if got := update(map[string]any{"email": "other@example.com"}).userErrors("customerUpdate"); !slices.Equal(got, []string{"TAKEN customer.email: Email has already been taken"}) {
		t.Errorf("taken: %q", got)
	}
	if got := update(map[string]any{"email": "new@example.com", "lastName": "<b>x</b>"}).userErrors("customerUpdate"); len(got) != 1 {
		t.Errorf("refused update: %q", got)
	}
	store.setFail(true)
	if r := update(map[string]any{"email": "new@example.com"}); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTERNAL_SERVER_ERROR" {
		t.Errorf("failed store: %s", r.Raw)
	}
	store.setFail(false)
	if n := e.mail.count(customerauth.NotifyEmailChanged); n != 0 {
		t.Errorf("%d email change notices for updates that moved no address: %+v", n, e.mail.All())
	}
}

// TestEmailAndPasswordChangedTogether: a thief with a token who changes
// both still cannot keep the owner from hearing of it at the old address.
func TestEmailAndPasswordChangedTogether(t *testing.T) {
	e, _, _ := newEmailChangeEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"email": "thief@example.org", "password": "thief's password"}})
	r.noErrors(t, "customerUpdate")
	if n := e.mail.last(t, customerauth.NotifyEmailChanged, "ann@example.com"); n.NewEmail != "thief@example.org" {
		t.Errorf("notice %+v", n)
	}
	e.mail.last(t, customerauth.NotifyPasswordChanged, "thief@example.org")
	if e.customer(tok).get("customer") != nil {
		t.Error("the old token still works after the password change")
	}
}

func TestMultipassEmailChangeNotice(t *testing.T) {
	e, watch, _ := newEmailChangeEnv(t)
	if tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "mp@example.com", Identifier: "idp-1", FirstName: "Mo"})); tok == "" {
		t.Fatalf("first login: %q", errs)
	}
	if tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "mp@example.com", Identifier: "idp-1"})); tok == "" {
		t.Fatalf("second login: %q", errs)
	}
	if n := e.mail.count(customerauth.NotifyEmailChanged); n != 0 {
		t.Fatalf("%d notices without an email change", n)
	}
	if tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "mo@example.org", Identifier: "idp-1"})); tok == "" {
		t.Fatalf("login with the new email: %q", errs)
	}
	n := e.mail.last(t, customerauth.NotifyEmailChanged, "mp@example.com")
	if n.NewEmail != "mo@example.org" || n.FirstName != "Mo" {
		t.Errorf("notice %+v", n)
	}
	if got := watch.seen(); !slices.Equal(got, []bool{true}) {
		t.Errorf("the notice came before the change was stored: %v", got)
	}
}

// TestLogNotifierShowsTheNewEmail: the development Notifier logs both
// addresses of an email change.
func TestLogNotifierShowsTheNewEmail(t *testing.T) {
	var buf bytes.Buffer
	n := customerauth.Notification{Kind: customerauth.NotifyEmailChanged, Email: "old@example.com", NewEmail: "new@example.com", CustomerID: "c1"}
	if err := (customerauth.LogNotifier{Logger: slog.New(slog.NewTextHandler(&buf, nil))}).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kind=email_changed", "email=old@example.com", "new_email=new@example.com"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s: %s", want, buf.String())
		}
	}
}

// TestOwnerResetEndsAThiefsToken: an owner who still gets the reset email
// takes the account back, and the token the thief holds stops working.
func TestOwnerResetEndsAThiefsToken(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	thief := e.login("ann@example.com", "correct horse")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "a new password"}).noErrors(t, "customerResetByUrl")
	if r := e.customer(thief); r.get("customer") != nil {
		t.Errorf("the thief's token still works: %s", r.Raw)
	}
	r := e.do(updateDoc, map[string]any{"customerAccessToken": thief, "customer": map[string]any{"email": "thief@example.org"}})
	wantDenied(t, r, "customerUpdate", "CustomerUpdate access denied")
	if e.mail.count(customerauth.NotifyEmailChanged) != 0 {
		t.Error("an email change notice for a refused change")
	}
}
