package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Tokens.

func testCreateWithToken(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := validToken(customerauth.TokenActivation, c.ID)
	mustCreate(t, s, c, tok)
	wantCustomer(t, s, c)
	wantToken(t, s, tok)
}

func testCreateConflictStoresNeither(t *testing.T, s customerauth.Store) {
	cases := []struct {
		name  string
		clash func(c, existing *customerauth.Customer)
	}{
		{"Email", func(c, e *customerauth.Customer) { setEmail(c, strings.ToUpper(e.Email)) }},
		{"Phone", func(c, e *customerauth.Customer) { c.Phone = e.Phone }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			existing := newCustomer()
			mustCreate(t, s, existing, nil)
			c := newCustomer()
			tc.clash(c, existing)
			tok := validToken(customerauth.TokenActivation, c.ID)
			err := s.CreateCustomer(t.Context(), c, tok)
			wantErr(t, err, customerauth.ErrConflict, "CreateCustomer with a clash")
			wantNoCustomer(t, s, c.ID)
			wantNoToken(t, s, tok)
			wantCustomer(t, s, existing)
		})
	}
}

func testIssueUnknownCustomer(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenAccess, customerauth.TokenActivation, customerauth.TokenReset} {
		tok := validToken(kind, uuid.NewString())
		err := s.IssueToken(t.Context(), tok)
		wantErr(t, err, customerauth.ErrNotFound, "IssueToken("+kind.String()+") for an unknown customer")
		wantNoToken(t, s, tok)
	}
}

// testTokenByHashChecksKind: a reset link must not be usable as an access
// token and the other way round, even though both are just hashes.
func testTokenByHashChecksKind(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	kinds := []customerauth.TokenKind{customerauth.TokenAccess, customerauth.TokenActivation, customerauth.TokenReset}
	toks := map[customerauth.TokenKind]*customerauth.Token{}
	for _, k := range kinds {
		toks[k] = validToken(k, c.ID)
		mustIssue(t, s, toks[k])
	}
	for _, stored := range kinds {
		for _, asked := range kinds {
			got, err := s.TokenByHash(t.Context(), asked, toks[stored].Hash, base)
			if stored == asked {
				if err != nil {
					t.Errorf("TokenByHash(%s, hash of %s token): %v", asked, stored, err)
					continue
				}
				checkToken(t, "TokenByHash", toks[stored], got)
				continue
			}
			if !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("TokenByHash(%s, hash of %s token) = %+v, %v; want ErrNotFound", asked, stored, got, err)
			}
		}
	}
}

// testLinkTokenReplaces: only the newest emailed link of a kind works, but a
// new link must not log the customer out, cancel the other kind of link or
// touch anybody else.
func testLinkTokenReplaces(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		t.Run(kind.String(), func(t *testing.T) {
			other := customerauth.TokenActivation
			if kind == customerauth.TokenActivation {
				other = customerauth.TokenReset
			}
			c, d := newCustomer(), newCustomer()
			older := validToken(kind, c.ID)
			mustCreate(t, s, c, older)
			mustCreate(t, s, d, nil)
			access := validToken(customerauth.TokenAccess, c.ID)
			otherKind := validToken(other, c.ID)
			dSame := validToken(kind, d.ID)
			dAccess := validToken(customerauth.TokenAccess, d.ID)
			mustIssue(t, s, access, otherKind, dSame, dAccess)

			newer := validToken(kind, c.ID)
			mustIssue(t, s, newer)
			wantNoToken(t, s, older)
			wantToken(t, s, newer)
			wantToken(t, s, access)
			wantToken(t, s, otherKind)
			wantToken(t, s, dSame)
			wantToken(t, s, dAccess)

			// Issuing through UpdateCustomer replaces the same way.
			newest := validToken(kind, c.ID)
			mustUpdate(t, s, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: base, Issue: newest})
			wantNoToken(t, s, newer)
			wantToken(t, s, newest)
			wantToken(t, s, access)
			wantToken(t, s, otherKind)
			wantToken(t, s, dSame)
		})
	}
}

// testAccessTokensAccumulate: a customer may be logged in on many devices.
func testAccessTokensAccumulate(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	first := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, first)
	link := validToken(customerauth.TokenReset, c.ID)
	mustIssue(t, s, link)
	toks := []*customerauth.Token{first}
	for range 3 {
		tok := validToken(customerauth.TokenAccess, c.ID)
		mustIssue(t, s, tok)
		toks = append(toks, tok)
	}
	for _, tok := range toks {
		wantToken(t, s, tok)
	}
	wantToken(t, s, link)
}

// testRenewDeleteAccessOnly: RenewToken and DeleteToken serve sessions; they
// must not extend or remove an emailed link.
func testRenewDeleteAccessOnly(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		tok := validToken(kind, c.ID)
		mustIssue(t, s, tok)
		got, err := s.RenewToken(t.Context(), tok.Hash, base, base.Add(72*time.Hour))
		if !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("RenewToken(%s token) = %+v, %v; want ErrNotFound", kind, got, err)
		}
		got, err = s.DeleteToken(t.Context(), tok.Hash, base)
		if !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("DeleteToken(%s token) = %+v, %v; want ErrNotFound", kind, got, err)
		}
		wantToken(t, s, tok)
	}
}

// ---------------------------------------------------------------------------
// Expiry.

func testExpiredTokenNotFound(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	mustCreate(t, s, c, nil)
	expires := base
	cases := []struct {
		name string
		now  time.Time
	}{
		// A token is valid strictly before ExpiresAt (Token.ValidAt).
		{"AtExpiry", expires},
		{"AfterExpiry", expires.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := newToken(customerauth.TokenAccess, c.ID, expires)
			mustIssue(t, s, tok)
			if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, tc.now); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("TokenByHash(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			if got, err := s.RenewToken(t.Context(), tok.Hash, tc.now, tc.now.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("RenewToken(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			if got, err := s.DeleteToken(t.Context(), tok.Hash, tc.now); !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("DeleteToken(expired) = %+v, %v; want ErrNotFound", got, err)
			}
			// Refusing an expired token must not have renewed or deleted it.
			wantToken(t, s, tok)
		})
	}

	// One tick before expiry the token is still good.
	tok := newToken(customerauth.TokenReset, c.ID, expires)
	mustIssue(t, s, tok)
	if _, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, expires.Add(-tick)); err != nil {
		t.Errorf("TokenByHash just before expiry: %v", err)
	}
}

func testRenewMovesExpiry(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := newToken(customerauth.TokenAccess, c.ID, base.Add(time.Hour))
	mustCreate(t, s, c, tok)
	now := base.Add(30 * time.Minute)
	newExpiry := base.Add(10 * time.Hour)
	got, err := s.RenewToken(t.Context(), tok.Hash, now, newExpiry)
	if err != nil {
		t.Fatalf("RenewToken: %v", err)
	}
	want := *tok
	want.ExpiresAt = newExpiry
	checkToken(t, "RenewToken", &want, got)
	wantToken(t, s, &want)

	// Valid after the old expiry, invalid at the new one.
	if _, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, tok.ExpiresAt); err != nil {
		t.Errorf("TokenByHash at the old expiry after renewal: %v", err)
	}
	if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, newExpiry); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash at the new expiry = %+v, %v; want ErrNotFound", got, err)
	}

	if got, err := s.RenewToken(t.Context(), customerauth.HashToken("unknown"), now, newExpiry); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken(unknown) = %+v, %v; want ErrNotFound", got, err)
	}
}

func testDeleteToken(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	tok := validToken(customerauth.TokenAccess, c.ID)
	keep := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, tok)
	mustIssue(t, s, keep)

	got, err := s.DeleteToken(t.Context(), tok.Hash, base)
	if err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	checkToken(t, "DeleteToken", tok, got)
	wantNoToken(t, s, tok)
	wantToken(t, s, keep)
	if got, err := s.DeleteToken(t.Context(), tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("second DeleteToken = %+v, %v; want ErrNotFound", got, err)
	}
	if got, err := s.RenewToken(t.Context(), tok.Hash, base, base.Add(time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken after DeleteToken = %+v, %v; want ErrNotFound", got, err)
	}
}

func testDeleteExpired(t *testing.T, s customerauth.Store) {
	c, d := newCustomer(), newCustomer()
	mustCreate(t, s, c, nil)
	mustCreate(t, s, d, nil)
	now := base
	var expired, valid []*customerauth.Token
	// Each kind, customer and side of the boundary. Expiring exactly at
	// now counts as expired, matching Token.ValidAt.
	for _, id := range []string{c.ID, d.ID} {
		expired = append(expired,
			newToken(customerauth.TokenAccess, id, now.Add(-time.Hour)),
			newToken(customerauth.TokenAccess, id, now),
			newToken(customerauth.TokenActivation, id, now.Add(-time.Minute)),
		)
		valid = append(valid,
			newToken(customerauth.TokenAccess, id, now.Add(tick)),
			newToken(customerauth.TokenAccess, id, now.Add(time.Hour)),
			newToken(customerauth.TokenReset, id, now.Add(time.Hour)),
		)
	}
	mustIssue(t, s, expired...)
	mustIssue(t, s, valid...)

	n, err := s.DeleteExpiredTokens(t.Context(), now)
	if err != nil {
		t.Fatalf("DeleteExpiredTokens: %v", err)
	}
	if n != len(expired) {
		t.Errorf("DeleteExpiredTokens = %d, want %d", n, len(expired))
	}
	for _, tok := range expired {
		wantNoToken(t, s, tok)
	}
	for _, tok := range valid {
		wantToken(t, s, tok)
	}
	if n, err := s.DeleteExpiredTokens(t.Context(), now); err != nil || n != 0 {
		t.Errorf("second DeleteExpiredTokens = %d, %v; want 0, nil", n, err)
	}
	wantCustomer(t, s, c)
	wantCustomer(t, s, d)
}

// ---------------------------------------------------------------------------
// Consume and revoke.

func testConsume(t *testing.T, s customerauth.Store) {
	for _, kind := range []customerauth.TokenKind{customerauth.TokenActivation, customerauth.TokenReset} {
		t.Run(kind.String(), func(t *testing.T) {
			c := newCustomer()
			link := validToken(kind, c.ID)
			mustCreate(t, s, c, link)
			access := validToken(customerauth.TokenAccess, c.ID)
			mustIssue(t, s, access)
			issue := validToken(customerauth.TokenAccess, c.ID)

			// Consumption is judged at UpdatedAt, not at the wall clock.
			at := link.ExpiresAt.Add(-tick)
			got := mustUpdate(t, s, &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: new("new-hash"), State: new(customerauth.StateEnabled),
				UpdatedAt: at, Consume: &customerauth.TokenRef{Kind: kind, Hash: link.Hash}, Issue: issue,
			})
			want := c.Clone()
			want.PasswordHash = "new-hash"
			want.UpdatedAt = at
			checkCustomer(t, "UpdateCustomer", want, got)
			wantCustomer(t, s, want)
			wantNoToken(t, s, link)
			wantToken(t, s, issue)
			wantToken(t, s, access)

			// A consumed token cannot be consumed again.
			_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: c.ID, UpdatedAt: base, Consume: &customerauth.TokenRef{Kind: kind, Hash: link.Hash},
			})
			wantErr(t, err, customerauth.ErrNotFound, "second UpdateCustomer consuming the same token")
		})
	}
}

func testConsumeUnusable(t *testing.T, s customerauth.Store) {
	type fixture struct {
		c, other   *customerauth.Customer
		reset      *customerauth.Token // c's valid reset token
		otherReset *customerauth.Token // other's valid reset token
	}
	cases := []struct {
		name      string
		ref       func(f fixture) customerauth.TokenRef
		updatedAt time.Time
	}{
		{"WrongKind", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenActivation, Hash: f.reset.Hash}
		}, base},
		{"AccessKind", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenAccess, Hash: f.reset.Hash}
		}, base},
		{"OtherCustomersToken", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.otherReset.Hash}
		}, base},
		{"ExpiredAtUpdatedAt", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash}
		}, base.Add(24 * time.Hour)},
		{"ExpiredAfterUpdatedAt", func(f fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: f.reset.Hash}
		}, base.Add(25 * time.Hour)},
		{"UnknownHash", func(fixture) customerauth.TokenRef {
			return customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: customerauth.HashToken(uuid.NewString())}
		}, base},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture{c: newCustomer(), other: newCustomer()}
			f.reset = validToken(customerauth.TokenReset, f.c.ID)
			f.otherReset = validToken(customerauth.TokenReset, f.other.ID)
			access := validToken(customerauth.TokenAccess, f.c.ID)
			mustCreate(t, s, f.c, f.reset)
			mustCreate(t, s, f.other, f.otherReset)
			mustIssue(t, s, access)

			ref := tc.ref(f)
			issue := validToken(customerauth.TokenAccess, f.c.ID)
			got, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: f.c.ID, PasswordHash: new("attacker"), Email: new("Changed." + f.c.ID[:8] + "@example.com"),
				UpdatedAt: tc.updatedAt, Consume: &ref, RevokeTokens: true, Issue: issue,
			})
			if !errors.Is(err, customerauth.ErrNotFound) {
				t.Errorf("UpdateCustomer consuming an unusable token = %v, %v; want ErrNotFound", got, err)
			}
			wantCustomer(t, s, f.c)
			wantCustomer(t, s, f.other)
			wantToken(t, s, f.reset)
			wantToken(t, s, f.otherReset)
			wantToken(t, s, access)
			wantNoToken(t, s, issue)
		})
	}
}

func testRevokeTokens(t *testing.T, s customerauth.Store) {
	c, d := newCustomer(), newCustomer()
	cAccess1 := validToken(customerauth.TokenAccess, c.ID)
	mustCreate(t, s, c, cAccess1)
	mustCreate(t, s, d, nil)
	revoked := []*customerauth.Token{
		cAccess1,
		validToken(customerauth.TokenAccess, c.ID),
		validToken(customerauth.TokenActivation, c.ID),
		validToken(customerauth.TokenReset, c.ID),
		// Expired tokens go too; none of the customer's old tokens survive.
		newToken(customerauth.TokenAccess, c.ID, base.Add(-time.Hour)),
	}
	kept := []*customerauth.Token{
		validToken(customerauth.TokenAccess, d.ID),
		validToken(customerauth.TokenActivation, d.ID),
		validToken(customerauth.TokenReset, d.ID),
	}
	mustIssue(t, s, revoked[1:]...)
	mustIssue(t, s, kept...)

	issue := validToken(customerauth.TokenAccess, c.ID)
	got := mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, State: new(customerauth.StateDisabled), UpdatedAt: base, RevokeTokens: true, Issue: issue,
	})
	want := c.Clone()
	want.State = customerauth.StateDisabled
	want.UpdatedAt = base
	// Revoking replaces the credentials: the version moves on, and the
	// token issued with the change is bound to the new one.
	want.CredentialVersion++
	checkCustomer(t, "UpdateCustomer", want, got)
	for _, tok := range revoked {
		wantNoToken(t, s, tok)
	}
	for _, tok := range kept {
		wantToken(t, s, tok)
	}
	issue.CredentialVersion = want.CredentialVersion
	wantToken(t, s, issue)

	// Consume, revoke and issue together, as a password reset does: the
	// consumed token is among those revoked, and the new session survives.
	reset := validToken(customerauth.TokenReset, c.ID)
	reset.CredentialVersion = want.CredentialVersion
	mustIssue(t, s, reset)
	issue2 := validToken(customerauth.TokenAccess, c.ID)
	mustUpdate(t, s, &customerauth.CustomerChange{
		ID: c.ID, PasswordHash: new("reset"), UpdatedAt: base, RevokeTokens: true, Issue: issue2,
		Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
	})
	wantNoToken(t, s, reset)
	wantNoToken(t, s, issue)
	issue2.CredentialVersion = want.CredentialVersion + 1
	wantToken(t, s, issue2)
	if v := mustGet(t, s, c.ID).CredentialVersion; v != want.CredentialVersion+1 {
		t.Errorf("CredentialVersion after a reset = %d, want %d", v, want.CredentialVersion+1)
	}
	for _, tok := range kept {
		wantToken(t, s, tok)
	}
}
