package customerauth_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

// beforeIssueStore runs hook once, just before the first IssueToken
// reaches the store: the interleaving in which another request changes the
// customer between a link's decision and its write.
type beforeIssueStore struct {
	customerauth.Store
	hook func() // taken by the first IssueToken; the tests are sequential
}

func (s *beforeIssueStore) IssueToken(ctx context.Context, tok *customerauth.Token) error {
	if hook := s.hook; hook != nil {
		// Cleared first: the other request may issue a link of its own.
		s.hook = nil
		hook()
	}
	return s.Store.IssueToken(ctx, tok)
}

// TestLinksAreNotIssuedToCustomersChangedMeanwhile: a link's request that
// loses the race to a change of the customer's state issues nothing when
// the customer read again should not get that link. Before, the retry
// issued a reset link for an account disabled meanwhile, and redeeming it
// enabled the account again.
func TestLinksAreNotIssuedToCustomersChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// start makes the customer as it is when the request reads it.
		start func(t *testing.T, svc *customerauth.Service) *customerauth.Customer
		// change is the other request, run between the read and the write.
		change func(svc *customerauth.Service, c *customerauth.Customer)
		// run is the racing request; it must not issue or send a link.
		run      func(svc *customerauth.Service, c *customerauth.Customer) error
		wantErr  func(error) bool
		wantFrom customerauth.State
	}{
		{
			name:  "RecoverRacingDisable",
			start: enabledCustomer,
			change: func(svc *customerauth.Service, c *customerauth.Customer) {
				if err := svc.DisableCustomer(ctx, c.ID); err != nil {
					t.Error(err)
				}
			},
			run:      func(svc *customerauth.Service, c *customerauth.Customer) error { return svc.Recover(ctx, c.Email) },
			wantErr:  func(err error) bool { return err == nil },
			wantFrom: customerauth.StateDisabled,
		},
		{
			name:  "InviteRacingActivation",
			start: importedCustomer,
			change: func(svc *customerauth.Service, c *customerauth.Customer) {
				activateDirectly(t, svc, c)
			},
			run: func(svc *customerauth.Service, c *customerauth.Customer) error {
				_, err := svc.Invite(ctx, c.ID, customerauth.InvitationOptions{})
				return err
			},
			wantErr:  func(err error) bool { return errors.Is(err, customerauth.ErrNoInvitationNeeded) },
			wantFrom: customerauth.StateEnabled,
		},
		{
			name:  "ActivationURLRacingActivation",
			start: importedCustomer,
			change: func(svc *customerauth.Service, c *customerauth.Customer) {
				activateDirectly(t, svc, c)
			},
			run: func(svc *customerauth.Service, c *customerauth.Customer) error {
				_, err := svc.ActivationURL(ctx, c.ID)
				return err
			},
			wantErr: func(err error) bool {
				ues := customerauth.UserErrors(err)
				return len(ues) == 1 && ues[0].Code == customerauth.CodeAlreadyEnabled
			},
			wantFrom: customerauth.StateEnabled,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := &beforeIssueStore{Store: customerauth.NewMemoryStore()}
			outbox := &notifytest.Outbox{}
			svc, err := customerauth.New(customerauth.Config{
				Store: store, Notifier: outbox, Logger: slog.New(slog.DiscardHandler),
				Argon2: customerauth.Argon2Params{Memory: 64, Iterations: 1},
			})
			if err != nil {
				t.Fatal(err)
			}
			c := tc.start(t, svc)
			sent := len(outbox.All())
			store.hook = func() { tc.change(svc, c) }

			if err := tc.run(svc, c); !tc.wantErr(err) {
				t.Fatalf("err = %v", err)
			}
			if got := outbox.All()[sent:]; len(got) != 0 {
				t.Errorf("sent %d messages after the change, want none: %+v", len(got), got)
			}
			after, err := svc.Customer(ctx, c.ID)
			if err != nil || after.State != tc.wantFrom {
				t.Errorf("state = %v, %v; want %v", after.State, err, tc.wantFrom)
			}
		})
	}
}

func enabledCustomer(t *testing.T, svc *customerauth.Service) *customerauth.Customer {
	t.Helper()
	c, err := svc.CreateCustomer(context.Background(), customerauth.CustomerCreateInput{Email: "race@example.com", Password: "a long passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func importedCustomer(t *testing.T, svc *customerauth.Service) *customerauth.Customer {
	t.Helper()
	ctx := context.Background()
	rec := customerauth.ImportRecord{ID: "42", Email: "race@example.com"}
	if _, err := svc.ImportCustomers(ctx, func(yield func(customerauth.ImportRecord, error) bool) { yield(rec, nil) }, customerauth.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Customer(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// activateDirectly activates c as another request would: with a link of
// its own, redeemed.
func activateDirectly(t *testing.T, svc *customerauth.Service, c *customerauth.Customer) {
	t.Helper()
	link, err := svc.ActivationURL(context.Background(), c.ID)
	if err != nil {
		t.Error(err)
		return
	}
	if _, _, err := svc.ActivateByURL(context.Background(), link, "another long passphrase"); err != nil {
		t.Error(err)
	}
}
