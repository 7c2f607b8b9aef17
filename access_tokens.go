package customerauth

import (
	"context"
	"errors"
)

// maxPasswordBytes bounds the password a login hashes. Longer input cannot
// match a password this library set, and hashing it would only cost time.
const maxPasswordBytes = 4 * maxPasswordLength

// CreateAccessToken logs a customer in with email and password. A wrong
// password, an unknown email and an account that is not enabled all give
// the same UserError (UNIDENTIFIED_CUSTOMER) after the same amount of work,
// so the answer does not tell which emails have accounts.
func (s *Service) CreateAccessToken(ctx context.Context, email, password string) (*AccessToken, error) {
	// Refused before the throttle and the lookup: no account is looked up
	// and nothing is hashed, so the answer and its cost are the same for
	// every email and tell nothing about which ones have accounts.
	if err := refuseUnstorable(text(email, term{"Email"}, "email"), text(password, term{"Password"}, "password")); err != nil {
		return nil, err
	}
	unidentified := userErr(CodeUnidentifiedCustomer, "Unidentified customer")
	key := EmailKey(NormalizeEmail(email))
	// Every attempt counts against the client and the account, known
	// account or not, before any hashing is paid for.
	if err := s.throttle(ctx, "login",
		limitCheck{ipKey(ctx, "login"), s.throttleCfg.LoginPerIP},
		limitCheck{accountKey("login", key), s.throttleCfg.LoginPerAccount},
	); err != nil {
		return nil, err
	}
	c, err := s.store.CustomerByEmail(ctx, key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, storeErr("login", err)
	}
	hash := s.dummyHash
	if c != nil && c.PasswordHash != "" {
		hash = c.PasswordHash
	}
	if len(password) > maxPasswordBytes {
		password = ""
	}
	ok, rehash, err := s.verify(ctx, password, hash)
	if err != nil && !errors.Is(err, errMalformedHash) {
		if errors.Is(err, ErrThrottled) {
			s.emit(ctx, EventThrottled, "", "hash")
		}
		return nil, err // throttled or cancelled
	}
	if err != nil {
		// A corrupt stored hash must not lock the whole login path, but the
		// operator has to know.
		if c != nil {
			s.log.ErrorContext(ctx, "customerauth: stored password hash is unusable",
				"customer_id", c.ID, "request_id", RequestID(ctx))
		}
		return nil, unidentified
	}
	if !ok || c == nil || hash == s.dummyHash || c.State != StateEnabled {
		s.emit(ctx, EventLoginFailed, "", "login")
		return nil, unidentified
	}

	now := s.now()
	tok, rec := newAccessToken(c.ID, now, s.cfg.TokenTTL)
	// The token is bound to the credentials the password was checked
	// against. If they were replaced while it was hashing, the store
	// refuses it: the password this login proved is no longer the
	// customer's.
	rec.CredentialVersion = c.CredentialVersion
	if !rehash {
		err = s.store.IssueToken(ctx, rec)
	} else {
		// The stored hash is bcrypt or weaker than today's parameters:
		// replace it now, while the plain password is at hand, unless the
		// password was changed meanwhile.
		var newHash string
		if newHash, err = s.hash(ctx, password); err != nil {
			return nil, err
		}
		_, err = s.store.UpdateCustomer(ctx, &CustomerChange{ID: c.ID, PasswordHash: &newHash, UpdatedAt: now, Issue: rec, IfCredentialVersion: &c.CredentialVersion})
	}
	switch {
	case errors.Is(err, ErrCredentialsChanged), errors.Is(err, ErrNotFound):
		s.emit(ctx, EventLoginFailed, c.ID, "login")
		return nil, unidentified
	case err != nil:
		return nil, storeErr("login", err)
	}
	s.emit(ctx, EventLoginSucceeded, c.ID, "login")
	s.emit(ctx, EventTokenIssued, c.ID, "login")
	return &tok, nil
}

// CustomerByAccessToken returns the customer the access token belongs to,
// or ErrInvalidToken when the token is unknown, expired or revoked.
func (s *Service) CustomerByAccessToken(ctx context.Context, token string) (*Customer, error) {
	if !wellFormedAccessToken(token) {
		return nil, ErrInvalidToken
	}
	t, err := s.store.TokenByHash(ctx, TokenAccess, HashToken(token), s.now())
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrInvalidToken
		}
		return nil, storeErr("customer", err)
	}
	c, err := s.store.CustomerByID(ctx, t.CustomerID)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrInvalidToken
		}
		return nil, storeErr("customer", err)
	}
	if c.State != StateEnabled {
		return nil, ErrInvalidToken
	}
	return c, nil
}

// RenewAccessToken extends a valid access token to TokenTTL from now. The
// token string stays the same. An expired token cannot be renewed: the
// customer logs in again.
func (s *Service) RenewAccessToken(ctx context.Context, token string) (*AccessToken, error) {
	if !wellFormedAccessToken(token) {
		return nil, ErrInvalidToken
	}
	now := s.now()
	t, err := s.store.RenewToken(ctx, HashToken(token), now, now.Add(s.cfg.TokenTTL))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, ErrInvalidToken
		}
		return nil, storeErr("renew", err)
	}
	s.emit(ctx, EventTokenRenewed, t.CustomerID, "renew")
	return &AccessToken{Token: token, ExpiresAt: t.ExpiresAt}, nil
}

// DeleteAccessToken revokes an access token (logs the customer out) and
// returns an opaque id of the deleted token.
func (s *Service) DeleteAccessToken(ctx context.Context, token string) (string, error) {
	if !wellFormedAccessToken(token) {
		return "", ErrInvalidToken
	}
	t, err := s.store.DeleteToken(ctx, HashToken(token), s.now())
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", ErrInvalidToken
		}
		return "", storeErr("delete token", err)
	}
	s.emit(ctx, EventTokenRevoked, t.CustomerID, "logout")
	return tokenID(t.Hash), nil
}
