package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Cancellation.

// testCancelledContext: a request the client gave up on must not go on to
// change anything, so every method checks the context before it acts.
func testCancelledContext(t *testing.T, s customerauth.Store) {
	type fixture struct {
		c                     *customerauth.Customer
		access, reset, old    *customerauth.Token
		newCustomer           *customerauth.Customer
		newToken, issue, link *customerauth.Token
	}
	cases := []struct {
		name string
		call func(ctx context.Context, f fixture) error
	}{
		{"CreateCustomer", func(ctx context.Context, f fixture) error {
			return s.CreateCustomer(ctx, f.newCustomer, f.newToken)
		}},
		{"CustomerByID", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByID(ctx, f.c.ID)
			return err
		}},
		{"CustomerByEmail", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByEmail(ctx, f.c.EmailKey)
			return err
		}},
		{"CustomerByPhone", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByPhone(ctx, f.c.Phone)
			return err
		}},
		{"CustomerByMultipassIdentifier", func(ctx context.Context, f fixture) error {
			_, err := s.CustomerByMultipassIdentifier(ctx, f.c.MultipassIdentifier)
			return err
		}},
		{"UpdateCustomer", func(ctx context.Context, f fixture) error {
			_, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{
				ID: f.c.ID, FirstName: new("Changed"), Phone: new(""), MultipassIdentifier: new(""), UpdatedAt: base,
				Consume:      &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash},
				RevokeTokens: true, Issue: f.issue,
			})
			return err
		}},
		{"IssueToken", func(ctx context.Context, f fixture) error {
			// A new reset link would also replace f.reset.
			return s.IssueToken(ctx, f.link)
		}},
		{"TokenByHash", func(ctx context.Context, f fixture) error {
			_, err := s.TokenByHash(ctx, customerauth.TokenAccess, f.access.Hash, base)
			return err
		}},
		{"RenewToken", func(ctx context.Context, f fixture) error {
			_, err := s.RenewToken(ctx, f.access.Hash, base, base.Add(72*time.Hour))
			return err
		}},
		{"DeleteToken", func(ctx context.Context, f fixture) error {
			_, err := s.DeleteToken(ctx, f.access.Hash, base)
			return err
		}},
		{"DeleteExpiredTokens", func(ctx context.Context, f fixture) error {
			_, err := s.DeleteExpiredTokens(ctx, base)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture{c: newCustomer(), newCustomer: newCustomer()}
			f.access = validToken(customerauth.TokenAccess, f.c.ID)
			f.reset = validToken(customerauth.TokenReset, f.c.ID)
			f.old = newToken(customerauth.TokenAccess, f.c.ID, base.Add(-time.Hour))
			f.newToken = validToken(customerauth.TokenActivation, f.newCustomer.ID)
			f.issue = validToken(customerauth.TokenAccess, f.c.ID)
			f.link = validToken(customerauth.TokenReset, f.c.ID)
			mustCreate(t, s, f.c, f.access)
			mustIssue(t, s, f.reset, f.old)

			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := tc.call(ctx, f); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled context: error %v, want context.Canceled", tc.name, err)
			}

			wantCustomer(t, s, f.c)
			wantByIdentifier(t, s, f.c.MultipassIdentifier, f.c)
			wantToken(t, s, f.access)
			wantToken(t, s, f.reset)
			wantToken(t, s, f.old)
			wantNoCustomer(t, s, f.newCustomer.ID)
			wantNoIdentifier(t, s, f.newCustomer.MultipassIdentifier, "of a customer whose creation was cancelled")
			wantNoToken(t, s, f.newToken)
			wantNoToken(t, s, f.issue)
			wantNoToken(t, s, f.link)
		})
	}
}
