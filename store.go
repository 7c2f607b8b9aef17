package customerauth

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"
)

// Errors a Store returns. Callers test for them with errors.Is, so an
// implementation may wrap them with detail of its own.
var (
	// ErrNotFound reports that the customer or token asked for does not
	// exist, or that a token exists but can no longer be used (expired,
	// consumed, of another kind or of another customer).
	ErrNotFound = errors.New("customerauth: not found")

	// ErrConflict reports that a write would give a second customer an email
	// address, phone number, Multipass identifier or address id that another
	// customer already has (or one customer the same address id twice).
	ErrConflict = errors.New("customerauth: conflict")

	// ErrAddressNotFound reports that the customer has no address with the
	// given id (it may be another customer's, or deleted).
	ErrAddressNotFound = errors.New("customerauth: address not found")

	// ErrTooManyAddresses reports that a customer already has as many
	// addresses as the caller allows.
	ErrTooManyAddresses = errors.New("customerauth: too many addresses")

	// ErrCredentialsChanged reports that a token or change was prepared
	// under a customer's credentials that were replaced before it reached
	// the store (Customer.CredentialVersion moved on): a login that checked
	// the old password while the password was being changed, say. Nothing
	// was written.
	ErrCredentialsChanged = errors.New("customerauth: credentials changed")
)

// Store keeps customers and their tokens. The Service is its only caller and
// holds every business rule; a Store only stores, finds and applies changes
// atomically.
//
// Implementations must be safe for concurrent use, must never let a caller
// change stored state through a value it passed in or got back, and must
// honour context cancellation. The package storetest checks all of this.
//
// Tokens are bound to credentials: a token is stored with the customer's
// CredentialVersion and is usable (found by TokenByHash, RenewToken,
// DeleteToken, CustomerChange.Consume and CustomerChange.AccessToken) only
// while that is still the customer's version. Together with the checks
// below, made in the same atomic step as the write, this is what makes a
// password change final however requests interleave.
type Store interface {
	// CreateCustomer stores a new customer and, when tok is not nil, a token
	// for it bound to c.CredentialVersion, as one unit. It returns
	// ErrConflict when another customer already has the email (compared by
	// Customer.EmailKey), the phone, the Multipass identifier or an address
	// id, or when two of c's addresses share an id.
	CreateCustomer(ctx context.Context, c *Customer, tok *Token) error

	// CustomerByID returns the customer with the given ID, or ErrNotFound.
	CustomerByID(ctx context.Context, id string) (*Customer, error)

	// CustomerByEmail returns the customer whose EmailKey equals key, or
	// ErrNotFound.
	CustomerByEmail(ctx context.Context, key string) (*Customer, error)

	// CustomerByPhone returns the customer with the given E.164 phone number,
	// or ErrNotFound.
	CustomerByPhone(ctx context.Context, phone string) (*Customer, error)

	// CustomerByMultipassIdentifier returns the customer whose
	// MultipassIdentifier equals identifier, or ErrNotFound. The empty
	// identifier never matches.
	CustomerByMultipassIdentifier(ctx context.Context, identifier string) (*Customer, error)

	// UpdateCustomer applies ch as one unit: either every part of it takes
	// effect or none does. It returns the customer as stored afterwards,
	// ErrNotFound when the customer does not exist or ch.Consume or
	// ch.AccessToken names a token that cannot be used,
	// ErrCredentialsChanged when ch.IfCredentialVersion is not the
	// customer's version, and ErrConflict when the new email, phone,
	// Multipass identifier or an address id belongs to another customer (or
	// two new addresses share an id). The conditions are
	// checked in the same atomic step that writes.
	UpdateCustomer(ctx context.Context, ch *CustomerChange) (*Customer, error)

	// IssueToken stores tok. An activation or reset token replaces every
	// earlier token of the same kind of the same customer, so only the
	// newest link sent by email works. It returns ErrNotFound when the
	// customer does not exist, and ErrCredentialsChanged, storing nothing,
	// when tok.CredentialVersion is not the customer's CredentialVersion at
	// the moment of the write.
	IssueToken(ctx context.Context, tok *Token) error

	// TokenByHash returns the token of the given kind with the given hash
	// that is still valid at now and bound to its customer's current
	// CredentialVersion, or ErrNotFound.
	TokenByHash(ctx context.Context, kind TokenKind, hash TokenHash, now time.Time) (*Token, error)

	// RenewToken moves the expiry of the access token with the given hash to
	// expiresAt, provided it is still valid at now, and returns it; otherwise
	// it returns ErrNotFound.
	RenewToken(ctx context.Context, hash TokenHash, now, expiresAt time.Time) (*Token, error)

	// DeleteToken deletes the access token with the given hash and returns
	// it, or returns ErrNotFound when no such token is valid at now.
	DeleteToken(ctx context.Context, hash TokenHash, now time.Time) (*Token, error)

	// DeleteExpiredTokens deletes every token that expired before now and
	// reports how many it deleted. Hosts call it on a schedule of their
	// choosing; expired tokens are never accepted either way.
	DeleteExpiredTokens(ctx context.Context, now time.Time) (int, error)

	AddressBook
}

// AddressBook is the part of a Store that changes one address of a
// customer at a time. Each call is one atomic step, so concurrent changes
// to one customer's addresses never lose one another: twenty concurrent
// adds keep twenty addresses, and a delete racing an update leaves the
// address either deleted or updated in full, never resurrected.
//
// Addresses keep the order in which they were added. A customer's first
// address becomes its default; when the default is deleted, the first
// remaining address (the oldest) becomes the default. Every call returns the
// customer as stored afterwards, and ErrNotFound when the customer does not
// exist or ch.AccessToken cannot be used (see CustomerChange.AccessToken).
type AddressBook interface {
	// AddAddress adds a (whose ID is new) to the customer's addresses. It
	// returns ErrTooManyAddresses, adding nothing, when the customer already
	// has limit addresses (a limit of 0 or less means no limit), and
	// ErrConflict when a.ID is already an address id of any customer.
	AddAddress(ctx context.Context, ch AddressChange, a Address, limit int) (*Customer, error)

	// UpdateAddress replaces the customer's address that has a.ID with a,
	// in place. It returns ErrAddressNotFound when the customer has none.
	UpdateAddress(ctx context.Context, ch AddressChange, a Address) (*Customer, error)

	// DeleteAddress deletes the customer's address with the given id. It
	// returns ErrAddressNotFound when the customer has none.
	DeleteAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error)

	// SetDefaultAddress makes the customer's address with the given id the
	// default. It returns ErrAddressNotFound when the customer has none.
	SetDefaultAddress(ctx context.Context, ch AddressChange, addressID string) (*Customer, error)
}

// AddressChange says whose addresses an AddressBook call changes, on whose
// authority and when.
type AddressChange struct {
	// CustomerID names the customer.
	CustomerID string
	// AccessToken, when set, must be a usable access token of the customer
	// at UpdatedAt, checked in the same step as the write, as
	// CustomerChange.AccessToken is.
	AccessToken *TokenHash
	// UpdatedAt is stored as the customer's new modification time.
	UpdatedAt time.Time
}

// DefaultAfterDelete is the default address of addrs, the addresses left
// after deleting one, when the deleted one was the default current: the
// first of them, or none. Stores share it so that every store picks alike.
func DefaultAfterDelete(addrs []Address, current string) string {
	for _, a := range addrs {
		if a.ID == current {
			return current
		}
	}
	if len(addrs) == 0 {
		return ""
	}
	return addrs[0].ID
}

// CustomerChange is a set of changes to one customer that a Store applies as
// one unit. Nil fields are left unchanged.
type CustomerChange struct {
	// ID names the customer to change.
	ID string

	// Profile fields. A non-nil pointer to the empty string clears Phone.
	Email            *string
	Phone            *string
	FirstName        *string
	LastName         *string
	AcceptsMarketing *bool
	// AcceptsSMSMarketing, TaxExempt and Note are the shop's records kept
	// from an import (see Customer).
	AcceptsSMSMarketing *bool
	TaxExempt           *bool
	Note                *string
	Language            *string
	State               *State
	PasswordHash        *string
	Tags                *[]string
	// MultipassIdentifier links the customer to a user of the shop's
	// identity provider; "" unlinks.
	MultipassIdentifier *string
	Addresses           *[]Address
	// DefaultAddressID is applied together with Addresses; when it names
	// no address in the new list the first address becomes the default.
	DefaultAddressID *string
	// PutAddress, when set (and Addresses is not), stores one address and
	// makes it the customer's default: it replaces, in place, the
	// customer's address with the same ID, or else is added after the
	// others. Every other address is kept. The Store returns ErrConflict
	// when another customer has an address with that ID. An import uses
	// it so that re-importing a row rewrites the address it made instead
	// of adding a copy, whatever the customer added since.
	PutAddress *Address

	// UpdatedAt is stored as the customer's new modification time.
	UpdatedAt time.Time

	// Consume, when set, names a single-use token that must be valid at
	// UpdatedAt, of that kind, bound to the current credentials and belong
	// to this customer; it is deleted as part of the change. If it cannot be
	// used, nothing changes and the Store returns ErrNotFound. Of two
	// concurrent changes that consume the same token, at most one succeeds.
	Consume *TokenRef

	// AccessToken, when set, is the access token on whose authority the
	// change is made: it must be valid at UpdatedAt, bound to the current
	// credentials and belong to this customer, or nothing changes and the
	// Store returns ErrNotFound. Checked in the same step as the write, it
	// makes a token revoked by a concurrent reset lose the race.
	AccessToken *TokenHash

	// IfCredentialVersion, when set, makes the change apply only while the
	// customer's CredentialVersion still equals it; otherwise nothing
	// changes and the Store returns ErrCredentialsChanged. Used when the
	// change was decided on the strength of the password as it was (a hash
	// upgraded at login).
	IfCredentialVersion *uint64

	// RevokeTokens deletes every token of the customer (access, activation
	// and reset) and increments the customer's CredentialVersion, as part
	// of the change: the credentials are replaced. Tokens minted under the
	// old version, even ones issued concurrently, are never usable again.
	RevokeTokens bool

	// Issue, when set, is a token stored as part of the change, after the
	// revocation, so it survives it. It is bound to the customer's
	// CredentialVersion as it stands after the change; the Store ignores
	// Issue.CredentialVersion.
	Issue *Token
}

// NewDefaultAddressID is the default address a change with Addresses set
// results in: DefaultAddressID when it names an address of the new list,
// else the first address, else none. Stores apply it with the list.
func (ch *CustomerChange) NewDefaultAddressID() string {
	if ch.Addresses == nil || len(*ch.Addresses) == 0 {
		return ""
	}
	if want := ch.DefaultAddressID; want != nil {
		for _, a := range *ch.Addresses {
			if a.ID == *want {
				return a.ID
			}
		}
	}
	return (*ch.Addresses)[0].ID
}

// TokenRef identifies a stored token by kind and hash.
type TokenRef struct {
	Kind TokenKind
	Hash TokenHash
}

// TokenKind tells what a token grants.
type TokenKind uint8

// The kinds of token.
const (
	// TokenAccess is a customer access token: it acts as the customer.
	TokenAccess TokenKind = iota + 1
	// TokenActivation activates an invited or disabled account once.
	TokenActivation
	// TokenReset sets a new password once.
	TokenReset
)

// String returns the kind's lowercase name.
func (k TokenKind) String() string {
	switch k {
	case TokenAccess:
		return "access"
	case TokenActivation:
		return "activation"
	case TokenReset:
		return "reset"
	}
	return "unknown"
}

// TokenHash is the SHA-256 digest of a token's secret. Stores keep only the
// digest, so a copy of the database does not let anyone act as a customer.
type TokenHash [sha256.Size]byte

// HashToken returns the digest under which the token secret s is stored.
func HashToken(s string) TokenHash {
	return sha256.Sum256([]byte(s))
}

// Token is a stored token: never the secret itself, only its digest.
type Token struct {
	Hash       TokenHash
	Kind       TokenKind
	CustomerID string
	// CredentialVersion is the customer's CredentialVersion the token was
	// minted under; the token works only while it is still current.
	CredentialVersion uint64
	CreatedAt         time.Time
	ExpiresAt         time.Time
}

// ValidAt reports whether the token can still be used at t.
func (t *Token) ValidAt(now time.Time) bool {
	return now.Before(t.ExpiresAt)
}

// ReplayCache remembers single-use values, such as the MACs of redeemed
// Multipass tokens, until they could no longer be accepted anyway.
//
// A Store that also implements ReplayCache is used for it, so that several
// processes on one database refuse a token the others have seen.
type ReplayCache interface {
	// Remember records key until expiresAt and reports whether it was new:
	// false when key is already recorded with an expiry after now. Of two
	// concurrent calls with the same new key exactly one reports true.
	// Entries that expired before now may be forgotten.
	Remember(ctx context.Context, key [32]byte, now, expiresAt time.Time) (bool, error)
}
