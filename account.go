package customerauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CustomerCreateInput is what a customer gives to register.
type CustomerCreateInput struct {
	Email            string
	Password         string
	FirstName        string
	LastName         string
	Phone            string
	AcceptsMarketing bool
}

// CustomerUpdateInput holds the profile changes a customer asks for. Nil
// fields stay as they are; a pointer to "" removes the phone number.
type CustomerUpdateInput struct {
	Email            *string
	Password         *string
	FirstName        *string
	LastName         *string
	Phone            *string
	AcceptsMarketing *bool
}

// InviteInput describes a customer the shop invites to open an account.
type InviteInput struct {
	Email            string
	FirstName        string
	LastName         string
	Phone            string
	AcceptsMarketing bool
	Tags             []string
}

// profile is the validated, normalized form of the fields shared by create,
// invite and update.
type profile struct {
	email, phone, firstName, lastName string
}

// checkProfile validates and normalizes the given fields; nil pointers are
// skipped. Field paths are the input keys.
func checkProfile(email, phone, firstName, lastName *string) (profile, []*UserError) {
	var p profile
	var errs []*UserError
	if email != nil {
		p.email = NormalizeEmail(*email)
		if e := validateEmail(p.email); e != nil {
			errs = append(errs, e)
		}
	}
	if firstName != nil {
		p.firstName = strings.TrimSpace(*firstName)
		if e := validateName(p.firstName, term{"First name"}, "firstName"); e != nil {
			errs = append(errs, e)
		}
	}
	if lastName != nil {
		p.lastName = strings.TrimSpace(*lastName)
		if e := validateName(p.lastName, term{"Last name"}, "lastName"); e != nil {
			errs = append(errs, e)
		}
	}
	if phone != nil {
		if p.phone = NormalizePhone(*phone); p.phone != "" {
			if e := validatePhone(p.phone); e != nil {
				errs = append(errs, e)
			}
		}
	}
	return p, errs
}

// newCustomer returns a customer with a new UUIDv7 (time-ordered, so new
// rows land together in the stores' indexes) made of p.
func (p profile) newCustomer(state State, acceptsMarketing bool, now time.Time) (*Customer, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	return &Customer{
		ID: id.String(), Email: p.email, EmailKey: EmailKey(p.email), Phone: p.phone,
		FirstName: p.firstName, LastName: p.lastName, AcceptsMarketing: acceptsMarketing,
		State: state, CreatedAt: now, UpdatedAt: now,
	}, nil
}

func joinUserErrors(errs []*UserError) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

func emailTaken() *UserError {
	return userErr(CodeTaken, "Email has already been taken").at("email")
}

func phoneTaken() *UserError {
	return userErr(CodeTaken, "Phone has already been taken").at("phone")
}

// CreateCustomer registers a customer. The account is ENABLED and can log in
// at once, or INVITED when Config.RequireEmailVerification is set; either
// way the customer is notified. When an account that is not enabled already
// has the email, no second account is made: the owner gets a new activation
// link and the error is CUSTOMER_DISABLED. With Config.HideAccountExistence
// both outcomes return a nil customer and no error. The new customer keeps
// the language of ctx (WithLanguage) as Language.
func (s *Service) CreateCustomer(ctx context.Context, in CustomerCreateInput) (*Customer, error) {
	if err := refuseUnstorable(
		text(in.Email, term{"Email"}, "email"), text(in.Password, term{"Password"}, "password"),
		text(in.FirstName, term{"First name"}, "firstName"), text(in.LastName, term{"Last name"}, "lastName"),
		text(in.Phone, term{"Phone"}, "phone"),
	); err != nil {
		return nil, err
	}
	p, errs := checkProfile(&in.Email, &in.Phone, &in.FirstName, &in.LastName)
	if e := s.validatePassword(in.Password, "password"); e != nil {
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, joinUserErrors(errs)
	}
	if err := s.throttle(ctx, "create", limitCheck{ipKey(ctx, "create"), s.throttleCfg.CreatePerIP}); err != nil {
		return nil, err
	}
	key := EmailKey(p.email)
	switch existing, err := s.store.CustomerByEmail(ctx, key); {
	case err == nil && s.cfg.HideAccountExistence:
		return nil, s.hideExisting(ctx, existing, in.Password)
	case err == nil:
		return nil, s.refuseExisting(ctx, existing)
	case !errors.Is(err, ErrNotFound):
		return nil, storeErr("create", err)
	}

	now := s.now()
	c, err := p.newCustomer(StateEnabled, in.AcceptsMarketing, now)
	if err != nil {
		return nil, err
	}
	// The language the customer registers in is the one the shop writes
	// to them in from now on.
	c.Language = normalizeLanguage(LanguageFrom(ctx))
	var tok *Token
	var link string
	if s.cfg.RequireEmailVerification {
		// The password is chosen again on the activation page, which proves
		// the customer reads this mailbox; nothing is stored before that.
		c.State = StateInvited
		var secret string
		secret, tok = newLinkToken(TokenActivation, c.ID, now, s.cfg.ActivationTTL)
		link = s.linkURL(TokenActivation, c.ID, secret)
	} else if c.PasswordHash, err = s.hash(ctx, in.Password); err != nil {
		return nil, err
	}
	if err := s.store.CreateCustomer(ctx, c, tok); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, s.conflict(ctx, c.ID, key, p.phone)
		}
		return nil, storeErr("create", err)
	}
	s.emit(ctx, EventCustomerCreated, c.ID, "create")
	if link != "" {
		if err := s.notifier.Notify(ctx, s.notification(ctx, NotifyActivation, c, link)); err != nil {
			return nil, fmt.Errorf("customerauth: sending activation email: %w", err)
		}
	} else {
		s.notify(ctx, s.notification(ctx, NotifyWelcome, c, ""))
	}
	if s.cfg.HideAccountExistence {
		// The answer for an email that has an account carries no
		// customer; neither may this one.
		return nil, nil
	}
	return c, nil
}

// hideExisting handles a registration for an email that has an account
// when Config.HideAccountExistence is set: the owner hears of it by email,
// the caller gets the answer a new registration gets, after as much work.
func (s *Service) hideExisting(ctx context.Context, c *Customer, password string) error {
	if !s.cfg.RequireEmailVerification {
		if _, err := s.hash(ctx, password); err != nil {
			return err
		}
	}
	if c.State == StateEnabled {
		s.notify(ctx, s.notification(ctx, NotifyAccountExists, c, ""))
		return nil
	}
	// As in Recover: a failed delivery must not answer differently from a
	// new registration, so it is logged, not returned.
	link, c, err := s.issueLink(ctx, TokenActivation, c, s.cfg.ActivationTTL)
	switch {
	case errors.Is(err, errLinkNotWanted):
		// Activated meanwhile: the answer is the same either way.
		return nil
	case err != nil:
		return err
	}
	s.notify(ctx, s.notification(ctx, NotifyActivation, c, link))
	return nil
}

// refuseExisting answers a registration for an email that has an account.
func (s *Service) refuseExisting(ctx context.Context, c *Customer) error {
	if c.State == StateEnabled {
		return emailTaken()
	}
	switch _, err := s.sendActivation(ctx, c); {
	case errors.Is(err, errLinkNotWanted):
		return emailTaken() // activated meanwhile
	case err != nil:
		return err
	}
	// The empty, non-nil field becomes ["input"]: the whole input is at
	// fault, as on Shopify.
	return userErr(CodeCustomerDisabled,
		"We have sent an email to %s, please click the link included to verify your email address.", c.Email,
	).at([]string{}...)
}

// conflict tells which unique field a failed write collided on. The Store
// only says ErrConflict; asking again names the field.
func (s *Service) conflict(ctx context.Context, selfID, key, phone string) error {
	if c, err := s.store.CustomerByEmail(ctx, key); err == nil && c.ID != selfID {
		return emailTaken()
	}
	if phone != "" {
		if c, err := s.store.CustomerByPhone(ctx, phone); err == nil && c.ID != selfID {
			return phoneTaken()
		}
	}
	// The other customer went away between the write and the lookup; the
	// email is the likelier culprit and a retry will succeed.
	return emailTaken()
}

// sendActivation issues a fresh activation link for c (replacing older
// ones) and sends it. It returns the link.
func (s *Service) sendActivation(ctx context.Context, c *Customer) (string, error) {
	link, c, err := s.issueLink(ctx, TokenActivation, c, s.cfg.ActivationTTL)
	if err != nil {
		return "", err
	}
	if err := s.notifier.Notify(ctx, s.notification(ctx, NotifyActivation, c, link)); err != nil {
		return "", fmt.Errorf("customerauth: sending activation email: %w", err)
	}
	return link, nil
}

// issueLink issues a fresh activation or reset link for c, replacing older
// ones of the kind, and returns its URL and the customer it is for. The
// link is bound to c's credentials as read; when they were replaced
// meanwhile (a password set, or the account disabled, by another request),
// the store refuses it and the customer is read again, so that the link
// sent is one that works. The customer read again must still be one the
// caller would send this link to (linkWanted), or no link is issued and the
// error is errLinkNotWanted: a reset link for an account disabled meanwhile
// would let its holder enable it again.
func (s *Service) issueLink(ctx context.Context, kind TokenKind, c *Customer, ttl time.Duration) (string, *Customer, error) {
	for attempt := 0; ; attempt++ {
		secret, tok := newLinkToken(kind, c.ID, s.now(), ttl)
		tok.CredentialVersion = c.CredentialVersion
		err := s.store.IssueToken(ctx, tok)
		if err == nil {
			return s.linkURL(kind, c.ID, secret), c, nil
		}
		if !errors.Is(err, ErrCredentialsChanged) || attempt == 2 {
			return "", nil, storeErr(kind.String()+" link", err)
		}
		if c, err = s.store.CustomerByID(ctx, c.ID); err != nil {
			return "", nil, storeErr(kind.String()+" link", err)
		}
		if !linkWanted(kind, c) {
			return "", c, errLinkNotWanted
		}
	}
}

// errLinkNotWanted reports that issueLink found the customer changed so
// that the link is no longer wanted (see linkWanted).
var errLinkNotWanted = errors.New("customerauth: the customer changed; no link issued")

// linkWanted reports whether c may be sent a link of kind: a reset link
// only while the account is enabled, an activation link only while it is
// not.
func linkWanted(kind TokenKind, c *Customer) bool {
	if kind == TokenReset {
		return c.State == StateEnabled
	}
	return c.State != StateEnabled
}

// notification is the message of kind to c, with link when the kind has
// one. It is in c's language; for a customer without one (imported
// without a language, or registered before languages were kept), in the
// language of the request that caused it, which is the best guess there
// is. A link is valid as long as links of its kind live.
func (s *Service) notification(ctx context.Context, kind NotificationKind, c *Customer, link string) Notification {
	n := Notification{
		Kind: kind, Email: c.Email, URL: link, CustomerID: c.ID, FirstName: c.FirstName, LastName: c.LastName,
		Language: c.Language,
	}
	if n.Language == "" {
		n.Language = normalizeLanguage(LanguageFrom(ctx))
	}
	if link != "" {
		n.LinkValidFor = s.cfg.ActivationTTL // activation and invitation links
		if kind == NotifyPasswordReset {
			n.LinkValidFor = s.cfg.ResetTTL
		}
	}
	return n
}

// emailChangedNotice is the notice to old, the customer as it was before
// its email became newEmail. The names are the old ones too: the owner
// should recognise the account even if the names were changed with it.
func (s *Service) emailChangedNotice(ctx context.Context, old *Customer, newEmail string) Notification {
	n := s.notification(ctx, NotifyEmailChanged, old, "")
	n.NewEmail = newEmail
	return n
}

// UpdateCustomer changes the profile of the customer the access token
// belongs to. When the password changes, every token of the customer is
// revoked in the same step and a new access token is returned; otherwise the
// returned token is nil.
func (s *Service) UpdateCustomer(ctx context.Context, accessToken string, in CustomerUpdateInput) (*Customer, *AccessToken, error) {
	c, err := s.CustomerByAccessToken(ctx, accessToken)
	if err != nil {
		return nil, nil, err
	}
	// The lookup above gave the store only the token's hash; the input is
	// checked before any of it goes further.
	if err := refuseUnstorable(
		optText(in.Email, term{"Email"}, "email"), optText(in.Password, term{"Password"}, "password"),
		optText(in.FirstName, term{"First name"}, "firstName"), optText(in.LastName, term{"Last name"}, "lastName"),
		optText(in.Phone, term{"Phone"}, "phone"),
	); err != nil {
		return nil, nil, err
	}
	p, errs := checkProfile(in.Email, in.Phone, in.FirstName, in.LastName)
	if in.Password != nil {
		if e := s.validatePassword(*in.Password, "password"); e != nil {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, nil, joinUserErrors(errs)
	}

	now := s.now()
	// The change commits only if the token is still valid when the store
	// writes it: a reset that revoked it while the password was hashing
	// wins, and this change is refused.
	tokenHash := HashToken(accessToken)
	ch := &CustomerChange{ID: c.ID, AcceptsMarketing: in.AcceptsMarketing, UpdatedAt: now, AccessToken: &tokenHash}
	key := c.EmailKey
	if in.Email != nil {
		key = EmailKey(p.email)
		if key != c.EmailKey {
			if other, err := s.store.CustomerByEmail(ctx, key); err == nil && other.ID != c.ID {
				return nil, nil, emailTaken()
			}
		}
		ch.Email = &p.email
	}
	if in.Phone != nil {
		ch.Phone = &p.phone
	}
	if in.FirstName != nil {
		ch.FirstName = &p.firstName
	}
	if in.LastName != nil {
		ch.LastName = &p.lastName
	}
	var tok *AccessToken
	if in.Password != nil {
		hash, err := s.hash(ctx, *in.Password)
		if err != nil {
			return nil, nil, err
		}
		t, rec := newAccessToken(c.ID, now, s.cfg.TokenTTL)
		ch.PasswordHash, ch.RevokeTokens, ch.Issue, tok = &hash, true, rec, &t
	}
	updated, err := s.store.UpdateCustomer(ctx, ch)
	switch {
	case errors.Is(err, ErrConflict):
		return nil, nil, s.conflict(ctx, c.ID, key, p.phone)
	case errors.Is(err, ErrNotFound):
		// The token was revoked (a reset, a password change, a logout) or
		// the customer deleted while this request was under way.
		return nil, nil, ErrInvalidToken
	case err != nil:
		return nil, nil, storeErr("update", err)
	}
	if key != c.EmailKey {
		// Only now that the change is stored, and to the address the
		// customer had: reset links now go to the new one, so a thief with
		// an access token could otherwise take the account unnoticed.
		s.notify(ctx, s.emailChangedNotice(ctx, c, updated.Email))
	}
	if tok != nil {
		s.emit(ctx, EventPasswordChanged, c.ID, "update")
		s.emit(ctx, EventTokenIssued, c.ID, "update")
		s.notify(ctx, s.notification(ctx, NotifyPasswordChanged, updated, ""))
	}
	return updated, tok, nil
}

// Recover sends a password reset link to the customer with the given email.
// An unknown email gives UNIDENTIFIED_CUSTOMER, or nothing with
// Config.HideAccountExistence. An account that is not
// enabled gets no email and no error, as on Shopify: it has no password to
// reset and its owner activates it from the activation email instead.
func (s *Service) Recover(ctx context.Context, email string) error {
	// Refused before the lookup, so the answer is the same whether or not
	// an account has the rest of the address.
	if err := refuseUnstorable(text(email, term{"Email"}, "email")); err != nil {
		return err
	}
	key := EmailKey(NormalizeEmail(email))
	if err := s.throttle(ctx, "recover",
		limitCheck{ipKey(ctx, "recover"), s.throttleCfg.RecoverPerIP},
		limitCheck{accountKey("recover", key), s.throttleCfg.RecoverPerEmail},
	); err != nil {
		return err
	}
	c, err := s.store.CustomerByEmail(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound) && s.cfg.HideAccountExistence:
		return nil
	case errors.Is(err, ErrNotFound):
		return userErr(CodeUnidentifiedCustomer, "Could not find customer").at("email")
	case err != nil:
		return storeErr("recover", err)
	case c.State != StateEnabled:
		s.log.DebugContext(ctx, "customerauth: recover for an account that is not enabled", "customer_id", c.ID, "state", c.State.String())
		return nil
	}
	link, c, err := s.issueLink(ctx, TokenReset, c, s.cfg.ResetTTL)
	switch {
	case errors.Is(err, errLinkNotWanted):
		// Disabled meanwhile: as for any account that is not enabled.
		return nil
	case err != nil:
		return err
	}
	n := s.notification(ctx, NotifyPasswordReset, c, link)
	if s.cfg.HideAccountExistence {
		// An error answered only for addresses that have an account
		// would tell a caller which ones do: a failed delivery is logged
		// (with the request id) and the answer is the same as for an
		// unknown address.
		s.notify(ctx, n)
		return nil
	}
	if err := s.notifier.Notify(ctx, n); err != nil {
		return fmt.Errorf("customerauth: sending reset email: %w", err)
	}
	return nil
}

// Activate sets the password of an invited or disabled customer from the
// id and token of an activation link, enables the account and logs the
// customer in.
func (s *Service) Activate(ctx context.Context, customerID, token, password string) (*Customer, *AccessToken, error) {
	return s.redeem(ctx, TokenActivation, customerID, token, password, "activationToken", "password")
}

// ActivateByURL is Activate with the whole activation link.
func (s *Service) ActivateByURL(ctx context.Context, activationURL, password string) (*Customer, *AccessToken, error) {
	id, token, ok := parseLinkURL(TokenActivation, activationURL)
	if !ok {
		return nil, nil, userErr(CodeInvalid, "Activation URL is invalid").at("activationUrl")
	}
	return s.redeem(ctx, TokenActivation, id, token, password, "activationUrl", "password")
}

// ResetPassword sets a new password from the id and token of a reset link,
// revokes every other token of the customer and logs the customer in.
func (s *Service) ResetPassword(ctx context.Context, customerID, token, password string) (*Customer, *AccessToken, error) {
	return s.redeem(ctx, TokenReset, customerID, token, password, "resetToken", "password")
}

// ResetPasswordByURL is ResetPassword with the whole reset link.
func (s *Service) ResetPasswordByURL(ctx context.Context, resetURL, password string) (*Customer, *AccessToken, error) {
	id, token, ok := parseLinkURL(TokenReset, resetURL)
	if !ok {
		return nil, nil, userErr(CodeInvalid, "Reset URL is invalid").at("resetUrl")
	}
	return s.redeem(ctx, TokenReset, id, token, password, "resetUrl", "password")
}

// redeem uses an activation or reset token to set a password. The token is
// consumed, the password set, every other token revoked and a new access
// token issued in one Store step, so of two concurrent uses one wins.
func (s *Service) redeem(ctx context.Context, kind TokenKind, rawID, secret, password, tokenField, passwordField string) (*Customer, *AccessToken, error) {
	// The id must parse as a UUID and the token reaches the store only as
	// its hash; the password is the one text here to check.
	if err := refuseUnstorable(text(password, term{"Password"}, passwordField)); err != nil {
		return nil, nil, err
	}
	if e := s.validatePassword(password, passwordField); e != nil {
		return nil, nil, e
	}
	invalid := userErr(CodeTokenInvalid, "Invalid activation token").at(tokenField)
	if kind == TokenReset {
		invalid = userErr(CodeTokenInvalid, "Invalid reset token").at(tokenField)
	}
	id, ok := s.parseCustomerID(rawID)
	if !ok {
		return nil, nil, invalid
	}
	c, err := s.store.CustomerByID(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil, invalid
	case err != nil:
		return nil, nil, storeErr(kind.String(), err)
	case kind == TokenActivation && c.State == StateEnabled:
		return nil, nil, userErr(CodeAlreadyEnabled, "Customer already enabled").at(tokenField)
	}
	hash := HashToken(strings.TrimSpace(secret))
	now := s.now()
	// Check the token before paying for a password hash.
	if t, err := s.store.TokenByHash(ctx, kind, hash, now); err != nil || t.CustomerID != id {
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, storeErr(kind.String(), err)
		}
		return nil, nil, invalid
	}
	pwHash, err := s.hash(ctx, password)
	if err != nil {
		return nil, nil, err
	}
	enabled := StateEnabled
	tok, rec := newAccessToken(id, now, s.cfg.TokenTTL)
	updated, err := s.store.UpdateCustomer(ctx, &CustomerChange{
		ID: id, PasswordHash: &pwHash, State: &enabled, UpdatedAt: now,
		Consume: &TokenRef{Kind: kind, Hash: hash}, RevokeTokens: true, Issue: rec,
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil, invalid
	case err != nil:
		return nil, nil, storeErr(kind.String(), err)
	}
	s.emit(ctx, EventPasswordChanged, id, kind.String())
	s.emit(ctx, EventTokenIssued, id, kind.String())
	if kind == TokenReset {
		s.notify(ctx, s.notification(ctx, NotifyPasswordChanged, updated, ""))
	}
	return updated, &tok, nil
}

// InviteCustomer creates an INVITED account for a customer the shop knows
// and emails an activation link. Inviting an email whose account is not
// enabled sends a new link to that account; inviting an enabled account is
// TAKEN. A new customer keeps the language of ctx (WithLanguage), if any.
func (s *Service) InviteCustomer(ctx context.Context, in InviteInput) (*Customer, error) {
	texts := []textInput{
		text(in.Email, term{"Email"}, "email"), text(in.FirstName, term{"First name"}, "firstName"),
		text(in.LastName, term{"Last name"}, "lastName"), text(in.Phone, term{"Phone"}, "phone"),
	}
	for i, t := range in.Tags {
		texts = append(texts, text(t, term{"Tag"}, "tags", fmt.Sprint(i)))
	}
	if err := refuseUnstorable(texts...); err != nil {
		return nil, err
	}
	p, errs := checkProfile(&in.Email, &in.Phone, &in.FirstName, &in.LastName)
	if len(errs) > 0 {
		return nil, joinUserErrors(errs)
	}
	key := EmailKey(p.email)
	switch existing, err := s.store.CustomerByEmail(ctx, key); {
	case err == nil && existing.State == StateEnabled:
		return nil, emailTaken()
	case err == nil:
		if _, err := s.sendActivation(ctx, existing); errors.Is(err, errLinkNotWanted) {
			return nil, emailTaken() // activated meanwhile
		} else if err != nil {
			return existing, err
		}
		return existing, nil
	case !errors.Is(err, ErrNotFound):
		return nil, storeErr("invite", err)
	}
	now := s.now()
	c, err := p.newCustomer(StateInvited, in.AcceptsMarketing, now)
	if err != nil {
		return nil, err
	}
	c.Language = normalizeLanguage(LanguageFrom(ctx))
	c.Tags = slices.Clone(in.Tags)
	secret, tok := newLinkToken(TokenActivation, c.ID, now, s.cfg.ActivationTTL)
	if err := s.store.CreateCustomer(ctx, c, tok); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, s.conflict(ctx, c.ID, key, p.phone)
		}
		return nil, storeErr("invite", err)
	}
	if err := s.notifier.Notify(ctx, s.notification(ctx, NotifyActivation, c, s.linkURL(TokenActivation, c.ID, secret))); err != nil {
		return c, fmt.Errorf("customerauth: sending activation email: %w", err)
	}
	return c, nil
}

// ActivationURL issues a new activation link for a customer that is not
// enabled and returns it without sending anything, for a shop that delivers
// invitations itself. Older links of the customer stop working.
func (s *Service) ActivationURL(ctx context.Context, customerID string) (string, error) {
	id, ok := s.parseCustomerID(customerID)
	if !ok {
		return "", customerNotFound("id")
	}
	c, err := s.store.CustomerByID(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", customerNotFound("id")
	case err != nil:
		return "", storeErr("activation url", err)
	case c.State == StateEnabled:
		return "", userErr(CodeAlreadyEnabled, "Customer already enabled").at("id")
	}
	link, _, err := s.issueLink(ctx, TokenActivation, c, s.cfg.ActivationTTL)
	if errors.Is(err, errLinkNotWanted) {
		return "", userErr(CodeAlreadyEnabled, "Customer already enabled").at("id")
	}
	return link, err
}

// DisableCustomer disables an account and revokes all of its tokens: the
// customer is logged out everywhere and cannot log in until activated again.
func (s *Service) DisableCustomer(ctx context.Context, customerID string) error {
	id, ok := s.parseCustomerID(customerID)
	if !ok {
		return customerNotFound("id")
	}
	disabled := StateDisabled
	_, err := s.store.UpdateCustomer(ctx, &CustomerChange{ID: id, State: &disabled, RevokeTokens: true, UpdatedAt: s.now()})
	switch {
	case errors.Is(err, ErrNotFound):
		return customerNotFound("id")
	case err != nil:
		return storeErr("disable", err)
	}
	s.emit(ctx, EventTokenRevoked, id, "disable")
	return nil
}

// SetAddresses replaces the addresses of a customer; addresses without an
// ID get one. defaultIndex picks the default address; it is ignored when out
// of range, and the first address becomes the default.
func (s *Service) SetAddresses(ctx context.Context, customerID string, addrs []Address, defaultIndex int) ([]Address, error) {
	id, ok := s.parseCustomerID(customerID)
	if !ok {
		return nil, customerNotFound("id")
	}
	var texts []textInput
	for i, a := range addrs {
		texts = append(texts, addressTexts(a, "addresses", fmt.Sprint(i))...)
	}
	if err := refuseUnstorable(texts...); err != nil {
		return nil, err
	}
	list := make([]Address, len(addrs))
	for i, a := range addrs {
		a = a.clone()
		a.CountryCode = strings.ToUpper(strings.TrimSpace(a.CountryCode))
		if a.CountryCode != "" && !slices.Contains(countryCodeValues[:], a.CountryCode) {
			return nil, userErr(CodeInvalid, "Country code is invalid").at("addresses", fmt.Sprint(i), "countryCode")
		}
		if a.ID == "" {
			u, err := uuid.NewV7()
			if err != nil {
				return nil, err
			}
			a.ID = u.String()
		}
		list[i] = a
	}
	var def string
	if defaultIndex >= 0 && defaultIndex < len(list) {
		def = list[defaultIndex].ID
	}
	c, err := s.store.UpdateCustomer(ctx, &CustomerChange{ID: id, Addresses: &list, DefaultAddressID: &def, UpdatedAt: s.now()})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, customerNotFound("id")
	case errors.Is(err, ErrConflict):
		// Address ids are unique across customers: a caller that supplies
		// ids gave one twice, or one of another customer's.
		return nil, userErr(CodeTaken, "An address id is used twice or by another customer").at("addresses")
	case err != nil:
		return nil, storeErr("addresses", err)
	}
	return c.Addresses, nil
}
