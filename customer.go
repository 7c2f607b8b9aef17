package customerauth

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// State is where a customer account stands. The Storefront API does not
// expose it; it decides who may log in and what activation does.
type State uint8

// The account states, as Shopify names them.
const (
	// StateDisabled: the account exists (a guest or an imported customer)
	// but has no password set by the customer; it cannot log in.
	StateDisabled State = iota + 1
	// StateInvited: the shop sent an activation email that is not used yet.
	StateInvited
	// StateEnabled: the customer can log in.
	StateEnabled
	// StateDeclined: the customer declined the invitation.
	StateDeclined
)

// String returns the state's name as the Shopify Admin API spells it.
func (s State) String() string {
	switch s {
	case StateDisabled:
		return "DISABLED"
	case StateInvited:
		return "INVITED"
	case StateEnabled:
		return "ENABLED"
	case StateDeclined:
		return "DECLINED"
	}
	return "UNKNOWN"
}

// Customer is a customer account as the Store keeps it.
type Customer struct {
	// ID is opaque: a UUIDv7 for a customer created here, or the id the
	// customer had on the platform it was imported from (Shopify's number).
	// It is 1 to 64 bytes of ASCII letters, digits, '-' and '_' (see
	// ValidCustomerID), so it can stand in a URL path as it is; the GraphQL
	// id is built from it (see Service.GlobalID).
	ID string
	// Email is the address as the customer gave it, trimmed and with the
	// domain lowercased.
	Email string
	// EmailKey is the lowercased Email; it is unique across customers and is
	// what CustomerByEmail looks up.
	EmailKey string
	// Phone is in E.164 form, or empty.
	Phone            string
	FirstName        string
	LastName         string
	AcceptsMarketing bool
	// AcceptsSMSMarketing is the customer's consent to marketing text
	// messages, kept from an import; the Storefront API does not expose it.
	AcceptsSMSMarketing bool
	// TaxExempt and Note are the shop's own records about the customer,
	// kept so that an import from Shopify loses nothing and an export gives
	// them back; customers never see them.
	TaxExempt bool
	Note      string
	// Language is the language the customer uses with the shop, as a
	// Shopify LanguageCode ("EN", "FR", "PT_BR"): the @inContext language
	// of the registration, or the import's. Messages sent later use it.
	// Empty when unknown: the shop's default language then.
	Language string
	State    State
	// PasswordHash is a PHC-formatted argon2id hash or a bcrypt hash; empty
	// when the customer never set a password.
	PasswordHash string
	// CredentialVersion counts the times the customer's credentials were
	// replaced (a password set, reset or activated). Every token carries the
	// version it was minted under and works only while it is current, so a
	// token minted from a password that has since been replaced, even by a
	// request that raced the change, is never accepted. Stores increment it
	// (see CustomerChange.RevokeTokens); the Service only reads it.
	CredentialVersion uint64
	Tags              []string
	Addresses         []Address
	// DefaultAddressID names one of Addresses, or is empty.
	DefaultAddressID string
	// MultipassIdentifier is the identity provider's own id of the customer,
	// kept from the first Multipass login that carried one.
	MultipassIdentifier string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// MaxCustomerIDLength is the longest customer ID accepted.
const MaxCustomerIDLength = 64

// ValidCustomerID reports whether id can be a customer's ID: 1 to
// MaxCustomerIDLength bytes of ASCII letters, digits, '-' and '_'. UUIDs and
// the numeric ids of Shopify and most other platforms qualify; anything that
// would need escaping in a URL path or a log line does not.
func ValidCustomerID(id string) bool {
	if id == "" || len(id) > MaxCustomerIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// Clone returns a deep copy of c, so that stores can hand out values that
// share no memory with what they keep.
func (c *Customer) Clone() *Customer {
	if c == nil {
		return nil
	}
	d := *c
	d.Tags = slices.Clone(c.Tags)
	if c.Addresses != nil {
		d.Addresses = make([]Address, len(c.Addresses))
		for i := range c.Addresses {
			d.Addresses[i] = c.Addresses[i].clone()
		}
	}
	return &d
}

// DisplayName is the name shown for the customer: the full name, or else the
// email, or else the phone number.
func (c *Customer) DisplayName() string {
	if n := strings.TrimSpace(c.FirstName + " " + c.LastName); n != "" {
		return n
	}
	if c.Email != "" {
		return c.Email
	}
	return c.Phone
}

// DefaultAddress returns the customer's default address, or nil when the
// customer has none.
func (c *Customer) DefaultAddress() *Address {
	for i := range c.Addresses {
		if c.Addresses[i].ID == c.DefaultAddressID {
			return &c.Addresses[i]
		}
	}
	return nil
}

// Address is a mailing address of a customer. The JSON names are the form
// in which the SQL stores keep addresses; they are part of their schema and
// must not change.
type Address struct {
	// ID is unique among all addresses; the GraphQL id is built from it.
	ID           string `json:"id"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
	Company      string `json:"company,omitempty"`
	Address1     string `json:"address1,omitempty"`
	Address2     string `json:"address2,omitempty"`
	City         string `json:"city,omitempty"`
	Province     string `json:"province,omitempty"`
	ProvinceCode string `json:"province_code,omitempty"`
	Country      string `json:"country,omitempty"`
	// CountryCode is the ISO 3166-1 alpha-2 code, upper case.
	CountryCode string   `json:"country_code,omitempty"`
	Zip         string   `json:"zip,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
}

func (a Address) clone() Address {
	if a.Latitude != nil {
		v := *a.Latitude
		a.Latitude = &v
	}
	if a.Longitude != nil {
		v := *a.Longitude
		a.Longitude = &v
	}
	return a
}

// Name is the full name on the address.
func (a *Address) Name() string {
	return strings.TrimSpace(a.FirstName + " " + a.LastName)
}

// Formatted returns the address as the lines printed on an envelope.
func (a *Address) Formatted(withName, withCompany bool) []string {
	lines := make([]string, 0, 6)
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	if withName {
		add(a.Name())
	}
	if withCompany {
		add(a.Company)
	}
	add(a.Address1)
	add(a.Address2)
	add(joinNonEmpty(" ", a.City, a.region(), a.Zip))
	add(firstNonEmpty(a.Country, a.CountryCode))
	return lines
}

// FormattedArea returns the city, region and country on one line.
func (a *Address) FormattedArea() string {
	return joinNonEmpty(", ", a.City, a.region(), firstNonEmpty(a.Country, a.CountryCode))
}

// region is the state or province as an address line shows it: the code
// where it is the abbreviation people write ("ON", "NY"), else the name.
// Japan's prefecture codes are numbers, which no one writes on mail.
func (a *Address) region() string {
	if strings.ContainsFunc(a.ProvinceCode, unicode.IsLetter) {
		return a.ProvinceCode
	}
	return firstNonEmpty(a.Province, a.ProvinceCode)
}

func joinNonEmpty(sep string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
