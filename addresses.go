package customerauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth/internal/geo"
)

// AddressInput is a mailing address as the customer gives it, to add an
// address or to change one. Country and Province take a name or a code
// ("Canada" or "CA", "Ontario" or "ON").
//
// On a change, a nil field stays as it is and a pointer to "" clears the
// field; the fields given replace those stored, the others are kept. On
// creation nil and "" both leave the field empty.
type AddressInput struct {
	FirstName *string
	LastName  *string
	Company   *string
	Address1  *string
	Address2  *string
	City      *string
	Province  *string
	Country   *string
	Zip       *string
	Phone     *string
}

// maxAddressIDLength bounds the address ids worth a store lookup: new ones
// are UUIDs, imported ones Shopify's numbers.
const maxAddressIDLength = 128

// CreateAddress adds an address to the customer the access token belongs
// to and returns it as stored, with its new id. The customer's first
// address becomes the default. A customer keeps at most Config.MaxAddresses
// addresses; one more is INVALID on ["address"].
//
// Field errors have paths under "address", as the GraphQL argument is
// named: ["address", "zip"].
func (s *Service) CreateAddress(ctx context.Context, accessToken string, in AddressInput) (*Address, error) {
	c, err := s.CustomerByAccessToken(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if err := refuseUnstorable(in.texts()...); err != nil {
		return nil, err
	}
	a, err := in.applyTo(Address{})
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	a.ID = id.String()
	updated, err := s.store.AddAddress(ctx, s.addressChange(c, accessToken), a, s.cfg.MaxAddresses)
	switch {
	case errors.Is(err, ErrTooManyAddresses):
		return nil, userErr(CodeInvalid, "A customer can have at most %d addresses.", s.cfg.MaxAddresses).at("address")
	case err != nil:
		return nil, addressStoreErr("add address", err)
	}
	return storedAddress(updated, a.ID)
}

// UpdateAddress changes the customer's address with the given id, which is
// the address's global id (with or without the "?…" part Shopify appends)
// or its bare id, and returns it as stored. The fields in gives replace
// those stored; the others are kept. An id that is not one of this
// customer's addresses is NOT_FOUND on ["id"].
//
// Of two changes to one address made at the same time, the one stored last
// wins whole; a change to an address deleted meanwhile is NOT_FOUND, and
// never brings it back.
func (s *Service) UpdateAddress(ctx context.Context, accessToken, addressID string, in AddressInput) (*Address, error) {
	c, err := s.CustomerByAccessToken(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if err := refuseUnstorable(in.texts()...); err != nil {
		return nil, err
	}
	id, ok := s.parseAddressID(addressID)
	var current *Address
	if ok {
		current = findAddress(c, id)
	}
	if current == nil {
		return nil, addressNotFound("id")
	}
	a, err := in.applyTo(current.clone())
	if err != nil {
		return nil, err
	}
	updated, err := s.store.UpdateAddress(ctx, s.addressChange(c, accessToken), a)
	switch {
	case errors.Is(err, ErrAddressNotFound):
		return nil, addressNotFound("id")
	case err != nil:
		return nil, addressStoreErr("update address", err)
	}
	return storedAddress(updated, id)
}

// DeleteAddress deletes the customer's address with the given id (as for
// UpdateAddress) and returns the bare id of the deleted address; its global
// id is AddressGlobalID of it. When the address was the default, the oldest
// remaining address becomes the default, or none when none remains.
func (s *Service) DeleteAddress(ctx context.Context, accessToken, addressID string) (string, error) {
	c, err := s.CustomerByAccessToken(ctx, accessToken)
	if err != nil {
		return "", err
	}
	id, ok := s.parseAddressID(addressID)
	if !ok {
		return "", addressNotFound("id")
	}
	_, err = s.store.DeleteAddress(ctx, s.addressChange(c, accessToken), id)
	switch {
	case errors.Is(err, ErrAddressNotFound):
		return "", addressNotFound("id")
	case err != nil:
		return "", addressStoreErr("delete address", err)
	}
	return id, nil
}

// SetDefaultAddress makes the customer's address with the given id (as for
// UpdateAddress) the default and returns the customer. An id that is not
// one of this customer's addresses is NOT_FOUND on ["addressId"], as the
// GraphQL argument is named.
func (s *Service) SetDefaultAddress(ctx context.Context, accessToken, addressID string) (*Customer, error) {
	c, err := s.CustomerByAccessToken(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	id, ok := s.parseAddressID(addressID)
	if !ok {
		return nil, addressNotFound("addressId")
	}
	updated, err := s.store.SetDefaultAddress(ctx, s.addressChange(c, accessToken), id)
	switch {
	case errors.Is(err, ErrAddressNotFound):
		return nil, addressNotFound("addressId")
	case err != nil:
		return nil, addressStoreErr("default address", err)
	}
	return updated, nil
}

// addressChange is the authority for an address change: the store applies
// it only while the access token is still usable, so a change racing a
// password reset or a logout that revoked the token is refused rather than
// written after the revocation.
func (s *Service) addressChange(c *Customer, accessToken string) AddressChange {
	hash := HashToken(accessToken)
	return AddressChange{CustomerID: c.ID, AccessToken: &hash, UpdatedAt: s.now()}
}

// addressStoreErr sorts the errors every AddressBook call shares: the
// customer or the token gone since the token was checked means the token
// is no longer valid.
func addressStoreErr(op string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return ErrInvalidToken
	}
	return storeErr(op, err)
}

func addressNotFound(field string) error {
	return userErr(CodeNotFound, "Address does not exist").at(field)
}

// parseAddressID accepts an address's global id, with or without the
// "?model_name=…" part Shopify appends to it, or its bare id, and returns
// the bare id. What cannot be an id this package gave out is refused
// before any store sees it.
func (s *Service) parseAddressID(raw string) (string, bool) {
	id := strings.TrimSpace(raw)
	if i := strings.IndexByte(id, '?'); i >= 0 {
		id = id[:i]
	}
	id = strings.TrimPrefix(id, s.addressGIDPrefix)
	if id == "" || len(id) > maxAddressIDLength || !utf8.ValidString(id) ||
		strings.ContainsAny(id, "/#\x00") || strings.ContainsFunc(id, forbiddenInName) {
		return "", false
	}
	return id, true
}

func findAddress(c *Customer, id string) *Address {
	for i := range c.Addresses {
		if c.Addresses[i].ID == id {
			return &c.Addresses[i]
		}
	}
	return nil
}

// storedAddress is the address with the given id in the customer a store
// returned after writing it.
func storedAddress(c *Customer, id string) (*Address, error) {
	if a := findAddress(c, id); a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("customerauth: store: the address %s written is not among the customer's addresses", id)
}

// texts lists the given fields for refuseUnstorable.
func (in AddressInput) texts() []textInput {
	return []textInput{
		optText(in.FirstName, term{"First name"}, "address", "firstName"),
		optText(in.LastName, term{"Last name"}, "address", "lastName"),
		optText(in.Company, term{"Company"}, "address", "company"),
		optText(in.Address1, term{"Address1"}, "address", "address1"),
		optText(in.Address2, term{"Address2"}, "address", "address2"),
		optText(in.City, term{"City"}, "address", "city"),
		optText(in.Province, term{"Province"}, "address", "province"),
		optText(in.Country, term{"Country"}, "address", "country"),
		optText(in.Zip, term{"Zip"}, "address", "zip"),
		optText(in.Phone, term{"Phone"}, "address", "phone"),
	}
}

// applyTo returns a with the given fields of in checked, normalized and put
// in place, or the UserErrors of every field that does not pass. The rules:
//
//   - every field is trimmed and at most 255 characters (TOO_LONG);
//   - names and the company follow the rules of the customer's own names
//     (validateName: no HTML, no host-like text, no control characters),
//     because they are printed in the shop's emails and on parcels;
//   - street lines, city, zip and a free-text province refuse HTML
//     (CONTAINS_HTML_TAGS) and control, line-separator and text-direction
//     characters (INVALID): every line of `formatted` is one of them;
//   - phone is E.164 after removing spaces, dots, dashes and parentheses
//     (INVALID); "" removes it;
//   - country is a name or an ISO code, stored as the code and the English
//     name (INVALID when unknown);
//   - province, in a country whose subdivisions geo knows, must be one of
//     them by name or code and is stored as both (INVALID otherwise); in
//     other countries, or without a country, it is free text with no code;
//   - an address must say where it is: with no street, city, zip, province
//     or country it is BLANK on ["address", "address1"];
//   - a change that moves the address drops its latitude and longitude,
//     which were the old place's.
//
// Only the fields given are checked against the text rules, so a stored
// value from an import that would not pass today does not block changes to
// the other fields; the country and province are resolved again whenever
// either is given, because each depends on the other.
func (in AddressInput) applyTo(a Address) (Address, error) {
	before := a.place()
	var errs []*UserError
	check := func(e *UserError) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	set := func(dst *string, v *string) (string, bool) {
		if v == nil {
			return "", false
		}
		*dst = strings.TrimSpace(*v)
		return *dst, true
	}
	if v, ok := set(&a.FirstName, in.FirstName); ok {
		check(validateName(v, term{"First name"}, "firstName"))
	}
	if v, ok := set(&a.LastName, in.LastName); ok {
		check(validateName(v, term{"Last name"}, "lastName"))
	}
	if v, ok := set(&a.Company, in.Company); ok {
		check(validateName(v, term{"Company"}, "company"))
	}
	if v, ok := set(&a.Address1, in.Address1); ok {
		check(validateAddressLine(v, term{"Address1"}, "address1"))
	}
	if v, ok := set(&a.Address2, in.Address2); ok {
		check(validateAddressLine(v, term{"Address2"}, "address2"))
	}
	if v, ok := set(&a.City, in.City); ok {
		check(validateAddressLine(v, term{"City"}, "city"))
	}
	if v, ok := set(&a.Zip, in.Zip); ok {
		check(validateAddressLine(v, term{"Zip"}, "zip"))
	}
	if in.Phone != nil {
		if a.Phone = NormalizePhone(*in.Phone); a.Phone != "" {
			check(validatePhone(a.Phone))
		}
	}
	if in.Country != nil || in.Province != nil {
		// A province is judged by the country it is in, so an unknown
		// country leaves it unjudged rather than wrongly refused.
		if e := a.placeCountry(in.Country); e != nil {
			check(e)
		} else {
			check(a.placeProvince(in.Province))
		}
	}
	if len(errs) == 0 && a.Address1 == "" && a.Address2 == "" && a.City == "" && a.Zip == "" &&
		a.Province == "" && a.Country == "" && a.CountryCode == "" {
		check(userErr(CodeBlank, "Address can't be blank: give at least a street, city, postal code, region or country").at("address1"))
	}
	if len(errs) > 0 {
		return Address{}, withPrefix([]string{"address"}, errs)
	}
	if a.place() != before {
		// The coordinates were those of the old place; nothing here can
		// find the new one's.
		a.Latitude, a.Longitude = nil, nil
	}
	return a, nil
}

// place is what locates an address, for telling whether a change moved it.
func (a *Address) place() [7]string {
	return [7]string{a.Address1, a.Address2, a.City, a.Zip, a.ProvinceCode, a.Province, a.CountryCode}
}

// placeCountry sets the country from a name or code; nil keeps the one
// stored.
func (a *Address) placeCountry(v *string) *UserError {
	if v == nil {
		return nil
	}
	name := strings.TrimSpace(*v)
	if name == "" {
		a.Country, a.CountryCode = "", ""
		return nil
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return userErr(CodeTooLong, "%s is too long (maximum is %d characters)", term{"Country"}, maxNameLength).at("country")
	}
	c, ok := geo.FindCountry(name)
	if !ok {
		return userErr(CodeInvalid, "Country is not a country name or code we know").at("country")
	}
	a.Country, a.CountryCode = c.Name, c.Code
	return nil
}

// placeProvince sets the province from v, or re-reads the stored one when v
// is nil, against the address's country: a country whose subdivisions are
// known takes only those, by name or code; any other keeps the text as
// given, without a code.
func (a *Address) placeProvince(v *string) *UserError {
	text := a.Province
	if v != nil {
		text = strings.TrimSpace(*v)
	} else if a.ProvinceCode != "" && geo.HasSubdivisions(a.CountryCode) {
		// The code is what the stored province was matched by.
		text = a.ProvinceCode
	}
	a.Province, a.ProvinceCode = text, ""
	if text == "" {
		return nil
	}
	if utf8.RuneCountInString(text) > maxNameLength {
		return userErr(CodeTooLong, "%s is too long (maximum is %d characters)", term{"Province"}, maxNameLength).at("province")
	}
	if !geo.HasSubdivisions(a.CountryCode) {
		return validateAddressLine(text, term{"Province"}, "province")
	}
	sub, ok := geo.FindSubdivision(a.CountryCode, text)
	if !ok {
		// The country's English name, as stored: the message quotes it
		// as the customer will see it in the address.
		return userErr(CodeInvalid, "Province is not a state or province of %s", a.Country).at("province")
	}
	a.Province, a.ProvinceCode = sub.Name, sub.Code
	return nil
}

// validateAddressLine checks a street line, city, zip or free-text region.
// Unlike a name, it may hold a host-like token: "Unit 4.B" and "Suite
// 3.Floor" read as domains to hostLike, and an address line is not a
// greeting; but it is one line of `formatted`, so it may not break into
// several or turn the text around, and it is printed by the shop, so it
// may not carry markup.
func validateAddressLine(v string, label term, field string) *UserError {
	switch {
	case utf8.RuneCountInString(v) > maxNameLength:
		return userErr(CodeTooLong, "%s is too long (maximum is %d characters)", label, maxNameLength).at(field)
	case strings.ContainsFunc(v, forbiddenInName):
		return userErr(CodeInvalid, "%s cannot contain control characters, line or paragraph separators, or text direction marks", label).at(field)
	case htmlTagPattern.MatchString(v):
		return userErr(CodeContainsHTMLTags, "%s cannot contain HTML tags", label).at(field)
	}
	return nil
}
