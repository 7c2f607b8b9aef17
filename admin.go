package customerauth

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// This file holds what a shop's administrator does to accounts: look them
// up, list them, invite, enable and erase them. The admin command
// (cmd/customerauth) is built on these methods, and a host can call them
// the same way. None is reachable from the Storefront API.
//
// A customer that does not exist is a UserError with CodeNotFound on
// ["id"] (or ["email"]), as DisableCustomer reports it.

// ErrNoInvitationNeeded reports that Invite left a customer alone: the
// account is enabled already, or was invited and InvitationOptions.Resend
// is not set. The error wrapping it says which.
var ErrNoInvitationNeeded = errors.New("customerauth: no invitation needed")

// Customer returns the customer with the given ID, bare or global
// ("gid://shopify/Customer/7085491241234").
func (s *Service) Customer(ctx context.Context, id string) (*Customer, error) {
	bare, ok := s.parseCustomerID(id)
	if !ok {
		return nil, customerNotFound("id")
	}
	c, err := s.store.CustomerByID(ctx, bare)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, customerNotFound("id")
	case err != nil:
		return nil, storeErr("customer", err)
	}
	return c, nil
}

// CustomerByEmail returns the customer with the given email, compared as
// the API compares emails (without regard to case).
func (s *Service) CustomerByEmail(ctx context.Context, email string) (*Customer, error) {
	c, err := s.store.CustomerByEmail(ctx, EmailKey(NormalizeEmail(email)))
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, customerNotFound("email")
	case err != nil:
		return nil, storeErr("customer", err)
	}
	return c, nil
}

func customerNotFound(field string) *UserError {
	return userErr(CodeNotFound, "Customer not found").at(field)
}

// maxListLimit bounds one page of ListCustomers.
const maxListLimit = 1000

// ListCustomers returns a page of customers in ID order (see
// CustomerQuery). A Limit of 0 means 100; more than 1000 means 1000. It
// fails with an error wrapping errors.ErrUnsupported when the Store is not
// a CustomerLister.
func (s *Service) ListCustomers(ctx context.Context, q CustomerQuery) ([]*Customer, error) {
	l, ok := s.store.(CustomerLister)
	if !ok {
		return nil, unsupported("list customers")
	}
	q.Limit = pageLimit(q.Limit)
	cs, err := l.ListCustomers(ctx, q)
	if err != nil {
		return nil, storeErr("list", err)
	}
	return cs, nil
}

// AllCustomers yields every customer matching q (whose Limit is the page
// size), in ID order, a page at a time, so that an export of any size
// holds one page in memory. It stops at the first error, which it yields.
func (s *Service) AllCustomers(ctx context.Context, q CustomerQuery) iter.Seq2[*Customer, error] {
	q.Limit = pageLimit(q.Limit)
	return func(yield func(*Customer, error) bool) {
		for {
			page, err := s.ListCustomers(ctx, q)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if len(page) < q.Limit {
				return
			}
			q.After = page[len(page)-1].ID
		}
	}
}

// pageLimit is the page size ListCustomers uses for a requested limit.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 100
	case n > maxListLimit:
		return maxListLimit
	}
	return n
}

func unsupported(what string) error {
	return fmt.Errorf("customerauth: the store cannot %s: %w", what, errors.ErrUnsupported)
}

// EnableCustomer lets a disabled customer log in again with the password
// the account has. An account without a password cannot be enabled: it
// needs an invitation (see Invite), which lets the customer choose one.
func (s *Service) EnableCustomer(ctx context.Context, customerID string) (*Customer, error) {
	c, err := s.Customer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	if c.State == StateEnabled {
		return c, nil
	}
	if c.PasswordHash == "" {
		return nil, userErr(CodeInvalid, "Customer has no password; send an invitation instead").at("id")
	}
	enabled := StateEnabled
	// Guarded by the credential version: a password set meanwhile is
	// the customer's own decision and already enabled the account.
	c, err = s.store.UpdateCustomer(ctx, &CustomerChange{
		ID: c.ID, State: &enabled, UpdatedAt: s.now(), IfCredentialVersion: &c.CredentialVersion,
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, customerNotFound("id")
	case errors.Is(err, ErrCredentialsChanged):
		return s.Customer(ctx, customerID)
	case err != nil:
		return nil, storeErr("enable", err)
	}
	return c, nil
}

// EraseCustomer deletes a customer for good, as a data-protection erasure
// request requires: the account, its addresses and every token it has, in
// one step. What is left afterwards holds nothing that names the customer:
// Multipass replay entries are digests of used tokens, kept only until the
// token could no longer be used anyway, and expire within minutes; events
// and logs already sent elsewhere are the host's to erase. It fails with an
// error wrapping errors.ErrUnsupported when the Store is not a
// CustomerEraser.
func (s *Service) EraseCustomer(ctx context.Context, customerID string) error {
	e, ok := s.store.(CustomerEraser)
	if !ok {
		return unsupported("erase customers")
	}
	id, ok := s.parseCustomerID(customerID)
	if !ok {
		return customerNotFound("id")
	}
	switch err := e.EraseCustomer(ctx, id); {
	case errors.Is(err, ErrNotFound):
		return customerNotFound("id")
	case err != nil:
		return storeErr("erase", err)
	}
	s.emit(ctx, EventTokenRevoked, id, "erase")
	return nil
}

// InvitationOptions tunes Invite. The zero value emails the invitation to
// customers who never had one.
type InvitationOptions struct {
	// Resend invites customers already INVITED again, with a new link
	// (the old one stops working).
	Resend bool
	// LinkOnly returns the link without sending anything, for a shop that
	// delivers invitations itself.
	LinkOnly bool
}

// Invite sends a customer who has no password here (an imported one,
// say) an invitation to activate the account, and marks it INVITED. It
// returns the activation link. A customer already enabled, or already
// invited without opt.Resend, is left alone with an error wrapping
// ErrNoInvitationNeeded, so that inviting everyone twice sends each
// invitation once.
//
// The account is marked INVITED only after the invitation is sent: when
// sending fails, the customer stays as it was and a later run tries again.
func (s *Service) Invite(ctx context.Context, customerID string, opt InvitationOptions) (string, error) {
	c, err := s.Customer(ctx, customerID)
	if err != nil {
		return "", err
	}
	switch {
	case c.State == StateEnabled:
		return "", fmt.Errorf("%w: the account is enabled", ErrNoInvitationNeeded)
	case c.State == StateInvited && !opt.Resend:
		return "", fmt.Errorf("%w: the account was invited already", ErrNoInvitationNeeded)
	}
	// c is read again when the credentials changed meanwhile: the state
	// and version below must be the current ones.
	link, c, err := s.issueLink(ctx, TokenActivation, c, s.cfg.ActivationTTL)
	switch {
	case errors.Is(err, errLinkNotWanted):
		return "", fmt.Errorf("%w: the account was enabled meanwhile", ErrNoInvitationNeeded)
	case err != nil:
		return "", err
	}
	if !opt.LinkOnly {
		if err := s.notifier.Notify(ctx, s.notification(ctx, NotifyInvitation, c, link)); err != nil {
			return "", fmt.Errorf("customerauth: sending the invitation: %w", err)
		}
	}
	if c.State == StateInvited {
		return link, nil
	}
	invited := StateInvited
	// The credential version guards against marking INVITED an account
	// activated between the link and now.
	_, err = s.store.UpdateCustomer(ctx, &CustomerChange{
		ID: c.ID, State: &invited, UpdatedAt: s.now(), IfCredentialVersion: &c.CredentialVersion,
	})
	switch {
	case errors.Is(err, ErrCredentialsChanged), errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("%w: the account changed while it was being invited", ErrNoInvitationNeeded)
	case err != nil:
		return "", storeErr("invite", err)
	}
	return link, nil
}
