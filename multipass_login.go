package customerauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Multipass returns the codec of the configured MultipassSecrets, for a
// host that is also the identity provider and mints tokens; nil when no
// secret is configured.
func (s *Service) Multipass() *Multipass { return s.multipass }

// CreateAccessTokenWithMultipass logs a customer in with a Multipass token
// from the shop's identity provider. The token must verify with one of the
// configured secrets, be fresh (Config.MultipassMaxAge, MultipassMaxSkew)
// and unused. The customer is found by the token's identifier, else by its
// email, and created when new; a disabled or invited account is enabled.
// The token's names, tags (which replace the customer's) and addresses are
// applied; a new customer keeps the language of ctx (WithLanguage).
//
// Every refusal is the same UserError, INVALID_MULTIPASS_REQUEST; the reason
// is logged at debug level only, so a client learns nothing from it.
func (s *Service) CreateAccessTokenWithMultipass(ctx context.Context, token string) (*AccessToken, error) {
	tok, _, err := s.redeemMultipass(ctx, token)
	return tok, err
}

// LinkMultipassIdentifier sets the Multipass identifier of an existing
// customer, so that the identity provider's user with that identifier logs
// in as this customer. An account that has no identifier refuses tokens
// that carry one, as on Shopify, until it is linked. The empty identifier
// unlinks.
func (s *Service) LinkMultipassIdentifier(ctx context.Context, customerID, identifier string) error {
	if err := refuseUnstorable(text(identifier, term{"Identifier"}, "identifier")); err != nil {
		return err
	}
	id, ok := s.parseCustomerID(customerID)
	if !ok {
		return customerNotFound("id")
	}
	_, err := s.store.UpdateCustomer(ctx, &CustomerChange{ID: id, MultipassIdentifier: &identifier, UpdatedAt: s.now()})
	switch {
	case errors.Is(err, ErrNotFound):
		return customerNotFound("id")
	case errors.Is(err, ErrConflict):
		return userErr(CodeTaken, "Identifier has already been taken").at("identifier")
	case err != nil:
		return storeErr("link identifier", err)
	}
	return nil
}

// multipassRefusal carries the private reason of a refused token to the one
// place that logs it.
type multipassRefusal struct{ reason string }

func (r *multipassRefusal) Error() string { return "multipass refused: " + r.reason }

func refuse(format string, args ...any) error {
	return &multipassRefusal{reason: fmt.Sprintf(format, args...)}
}

// redeemMultipass runs CreateAccessTokenWithMultipass and also returns the
// payload, whose return_to the redirect login needs.
func (s *Service) redeemMultipass(ctx context.Context, token string) (*AccessToken, *MultipassPayload, error) {
	tok, p, err := s.redeemMultipassChecked(ctx, token)
	var r *multipassRefusal
	if errors.As(err, &r) {
		s.emit(ctx, EventMultipassRefused, "", "multipass")
		s.log.LogAttrs(ctx, slog.LevelDebug, "customerauth: multipass refused",
			slog.String("reason", r.reason), slog.String("request_id", RequestID(ctx)))
		return nil, nil, userErr(CodeInvalidMultipassRequest, "Invalid multipass request").at("multipassToken")
	}
	return tok, p, err
}

func (s *Service) redeemMultipassChecked(ctx context.Context, token string) (*AccessToken, *MultipassPayload, error) {
	if s.multipass == nil {
		return nil, nil, refuse("no multipass secret is configured")
	}
	p, tag, err := s.multipass.Decode(token)
	if err != nil {
		return nil, nil, refuse("%v", err)
	}
	now := s.now()
	switch {
	case p.CreatedAt.Before(now.Add(-s.cfg.MultipassMaxAge)):
		return nil, nil, refuse("token expired: created_at %s", p.CreatedAt.Format(time.RFC3339))
	case p.CreatedAt.After(now.Add(s.cfg.MultipassMaxSkew)):
		return nil, nil, refuse("token made in the future: created_at %s", p.CreatedAt.Format(time.RFC3339))
	}
	// Remember the token past the last instant it could be accepted.
	fresh, err := s.replay.Remember(ctx, tag, now, p.CreatedAt.Add(s.cfg.MultipassMaxAge+time.Second))
	if err != nil {
		return nil, nil, storeErr("multipass replay", err)
	}
	if !fresh {
		return nil, nil, refuse("token was already used")
	}
	in, err := checkMultipassPayload(p)
	if err != nil {
		return nil, nil, err
	}
	tok, err := s.multipassLogin(ctx, in, now)
	if err != nil {
		return nil, nil, err
	}
	s.emit(ctx, EventMultipassRedeemed, "", "multipass")
	s.emit(ctx, EventTokenIssued, "", "multipass")
	return tok, p, nil
}

// multipassInput is a payload after validation and normalization.
type multipassInput struct {
	email, key, firstName, lastName, identifier string
	tags                                        *[]string
	addresses                                   []Address
	defaultIndex                                int // into addresses; -1 for none
}

func checkMultipassPayload(p *MultipassPayload) (*multipassInput, error) {
	// Decode checked the payload's UTF-8, but JSON's \u0000 still decodes
	// to a NUL; such a token is refused like any other bad one.
	if err := refuseUnstorable(multipassTexts(p)...); err != nil {
		return nil, refuse("payload: %v", err)
	}
	first, last := p.FirstName, p.LastName
	pr, errs := checkProfile(&p.Email, nil, &first, &last)
	if len(errs) > 0 {
		return nil, refuse("payload field %s: %s", strings.Join(errs[0].Field, "."), errs[0].Message)
	}
	in := &multipassInput{
		email: pr.email, key: EmailKey(pr.email), firstName: pr.firstName, lastName: pr.lastName,
		identifier: strings.TrimSpace(p.Identifier), defaultIndex: -1,
	}
	if utf8.RuneCountInString(in.identifier) > maxNameLength {
		return nil, refuse("identifier is too long")
	}
	if strings.TrimSpace(p.TagString) != "" {
		var tags []string
		for _, t := range strings.Split(p.TagString, ",") {
			t = strings.TrimSpace(t)
			if t == "" || slices.ContainsFunc(tags, func(x string) bool { return strings.EqualFold(x, t) }) {
				continue
			}
			if utf8.RuneCountInString(t) > maxNameLength {
				return nil, refuse("tag %q is too long", t)
			}
			tags = append(tags, t)
		}
		in.tags = &tags
	}
	for i, a := range p.Addresses {
		addr := Address{
			FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Address1: a.Address1, Address2: a.Address2,
			City: a.City, Province: a.Province, ProvinceCode: a.ProvinceCode, Country: a.Country,
			CountryCode: strings.ToUpper(strings.TrimSpace(a.CountryCode)), Zip: a.Zip, Phone: a.Phone,
		}
		if addr.CountryCode != "" && !slices.Contains(countryCodeValues[:], addr.CountryCode) {
			return nil, refuse("address %d: unknown country code %q", i, a.CountryCode)
		}
		in.addresses = append(in.addresses, addr)
		if a.Default {
			in.defaultIndex = i
		}
	}
	return in, nil
}

// multipassTexts lists the text fields of p, named by their JSON keys.
func multipassTexts(p *MultipassPayload) []textInput {
	texts := []textInput{
		text(p.Email, term{"Email"}, "email"), text(p.FirstName, term{"First name"}, "first_name"),
		text(p.LastName, term{"Last name"}, "last_name"), text(p.TagString, term{"Tag string"}, "tag_string"),
		text(p.Identifier, term{"Identifier"}, "identifier"), text(p.ReturnTo, term{"Return to"}, "return_to"),
		text(p.RemoteIP, term{"Remote IP"}, "remote_ip"),
	}
	for i, a := range p.Addresses {
		at := func(value string, label term, key string) textInput {
			return text(value, label, "addresses", fmt.Sprint(i), key)
		}
		texts = append(texts,
			at(a.Address1, term{"Address1"}, "address1"), at(a.Address2, term{"Address2"}, "address2"),
			at(a.City, term{"City"}, "city"), at(a.Company, term{"Company"}, "company"),
			at(a.Country, term{"Country"}, "country"), at(a.CountryCode, term{"Country code"}, "country_code"),
			at(a.FirstName, term{"First name"}, "first_name"), at(a.LastName, term{"Last name"}, "last_name"),
			at(a.Phone, term{"Phone"}, "phone"), at(a.Province, term{"Province"}, "province"),
			at(a.ProvinceCode, term{"Province code"}, "province_code"), at(a.Zip, term{"Zip"}, "zip"),
		)
	}
	return texts
}

// multipassLogin finds or creates the customer of a verified payload,
// applies the payload and issues an access token, in one Store step.
func (s *Service) multipassLogin(ctx context.Context, in *multipassInput, now time.Time) (*AccessToken, error) {
	c, err := s.multipassCustomer(ctx, in)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return s.multipassCreate(ctx, in, now)
	}
	tok, rec := newAccessToken(c.ID, now, s.cfg.TokenTTL)
	ch := &CustomerChange{ID: c.ID, UpdatedAt: now, Issue: rec, Tags: in.tags}
	if c.State != StateEnabled {
		enabled := StateEnabled
		ch.State = &enabled
	}
	if in.key != c.EmailKey || in.email != c.Email {
		ch.Email = &in.email
	}
	if in.firstName != "" {
		ch.FirstName = &in.firstName
	}
	if in.lastName != "" {
		ch.LastName = &in.lastName
	}
	if len(in.addresses) > 0 {
		addrs, def, err := mergeAddresses(c, in)
		if err != nil {
			return nil, err
		}
		ch.Addresses, ch.DefaultAddressID = &addrs, &def
	}
	switch _, err := s.store.UpdateCustomer(ctx, ch); {
	case errors.Is(err, ErrConflict):
		return nil, refuse("the new email belongs to another customer")
	case errors.Is(err, ErrNotFound):
		return nil, refuse("the customer was deleted meanwhile")
	case err != nil:
		return nil, storeErr("multipass", err)
	}
	if in.key != c.EmailKey {
		// The identity provider moved the customer to a new address; the
		// old one hears of it, as with customerUpdate, once it is stored.
		s.notify(ctx, s.emailChangedNotice(ctx, c, in.email))
	}
	return &tok, nil
}

// multipassCustomer applies the identifier policy: a token with an
// identifier belongs to the customer with that identifier (whose email it
// may change); otherwise to the customer with its email, provided that
// customer's identifier is the token's (both may be empty). nil means a new
// customer.
func (s *Service) multipassCustomer(ctx context.Context, in *multipassInput) (*Customer, error) {
	if in.identifier != "" {
		c, err := s.store.CustomerByMultipassIdentifier(ctx, in.identifier)
		switch {
		case err == nil:
			if c.EmailKey != in.key {
				if other, err := s.store.CustomerByEmail(ctx, in.key); err == nil && other.ID != c.ID {
					return nil, refuse("identifier's customer would take an email another customer has")
				}
			}
			return c, nil
		case !errors.Is(err, ErrNotFound):
			return nil, storeErr("multipass", err)
		}
	}
	c, err := s.store.CustomerByEmail(ctx, in.key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, storeErr("multipass", err)
	case c.MultipassIdentifier != in.identifier:
		return nil, refuse("the email is used by a customer with a different multipass identifier")
	}
	return c, nil
}

func (s *Service) multipassCreate(ctx context.Context, in *multipassInput, now time.Time) (*AccessToken, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	c := &Customer{
		ID: id.String(), Email: in.email, EmailKey: in.key, FirstName: in.firstName, LastName: in.lastName,
		MultipassIdentifier: in.identifier, State: StateEnabled, CreatedAt: now, UpdatedAt: now,
		Language: normalizeLanguage(LanguageFrom(ctx)),
	}
	if in.tags != nil {
		c.Tags = *in.tags
	}
	if len(in.addresses) > 0 {
		if c.Addresses, c.DefaultAddressID, err = mergeAddresses(c, in); err != nil {
			return nil, err
		}
	}
	tok, rec := newAccessToken(c.ID, now, s.cfg.TokenTTL)
	switch err := s.store.CreateCustomer(ctx, c, rec); {
	case errors.Is(err, ErrConflict):
		return nil, refuse("another customer with this email or identifier was created meanwhile")
	case err != nil:
		return nil, storeErr("multipass", err)
	}
	return &tok, nil
}

// mergeAddresses adds the payload's addresses that the customer does not
// have yet, so that logging in again does not repeat them, and returns the
// list with the ID of its default address.
func mergeAddresses(c *Customer, in *multipassInput) ([]Address, string, error) {
	list := slices.Clone(c.Addresses)
	def := c.DefaultAddressID
	for i, a := range in.addresses {
		j := slices.IndexFunc(list, func(b Address) bool { return sameAddress(a, b) })
		if j < 0 {
			u, err := uuid.NewV7()
			if err != nil {
				return nil, "", err
			}
			a.ID = u.String()
			list = append(list, a)
			j = len(list) - 1
		}
		if i == in.defaultIndex || def == "" {
			def = list[j].ID
		}
	}
	return list, def, nil
}

func sameAddress(a, b Address) bool {
	a.ID, b.ID = "", ""
	a.Latitude, a.Longitude, b.Latitude, b.Longitude = nil, nil, nil, nil
	return a == b
}
