package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
	"github.com/shopkit/customerauth/storetest"
)

// TestStore runs the Store contract suite, each behaviour on a freshly
// migrated schema of its own. The Store is also the package's
// customerauth.Limiter and customerauth.ReplayCache, so Run checks those
// contracts too (its "Limiter" and "ReplayCache" subtests); there is no
// separate TestLimiterContract, which would only run them again.
func TestStore(t *testing.T) {
	testDSN(t)
	t.Parallel()
	storetest.Run(t, func(t *testing.T) customerauth.Store {
		return newStore(t)
	})
}

var base = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func customer(email string) *customerauth.Customer {
	return &customerauth.Customer{
		ID: uuid.NewString(), Email: email, EmailKey: strings.ToLower(email),
		State: customerauth.StateEnabled, CreatedAt: base, UpdatedAt: base,
	}
}

// TestTimesComeBackInUTC: whatever the session's time zone, the Store
// hands out UTC times.
func TestTimesComeBackInUTC(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := migrated(t, newPool(t, schema, nil))
	// A second pool whose sessions run in another zone reads the rows.
	tz := pgstore.New(newPool(t, schema, func(c *pgxpool.Config) {
		c.ConnConfig.RuntimeParams["timezone"] = "Asia/Tokyo"
	}))
	paris := time.FixedZone("CET", 3600)
	c := customer("Tz@example.com")
	c.CreatedAt, c.UpdatedAt = base.In(paris), base.In(paris)
	tok := &customerauth.Token{Hash: customerauth.HashToken("tz"), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base.In(paris), ExpiresAt: base.Add(time.Hour).In(paris)}
	if err := s.CreateCustomer(t.Context(), c, tok); err != nil {
		t.Fatal(err)
	}
	got, err := tz.CustomerByID(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	gotTok, err := tz.TokenByHash(t.Context(), tok.Kind, tok.Hash, base)
	if err != nil {
		t.Fatal(err)
	}
	for name, tm := range map[string]time.Time{
		"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt,
		"token CreatedAt": gotTok.CreatedAt, "token ExpiresAt": gotTok.ExpiresAt,
	} {
		if tm.Location() != time.UTC {
			t.Errorf("%s in %v, want UTC", name, tm.Location())
		}
	}
	if !got.CreatedAt.Equal(base) || !gotTok.ExpiresAt.Equal(base.Add(time.Hour)) {
		t.Errorf("times = %v, %v; want %v, %v", got.CreatedAt, gotTok.ExpiresAt, base, base.Add(time.Hour))
	}
}

// TestIDsAreOpaque: ids are text compared byte for byte. Another spelling
// of a stored UUID names no one; an id that customerauth.ValidCustomerID
// refuses never reaches a statement (no CHECK violation, no encoding
// error): a lookup finds nothing, and a new customer is a plain error.
func TestIDsAreOpaque(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	c := customer("Id@example.com")
	if err := s.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatal(err)
	}
	invalid := []string{"", "a b", "id\x00", "\xff\xfe", "urn:uuid:" + c.ID, "{" + c.ID + "}", strings.Repeat("x", 65), "é"}
	for _, id := range append([]string{strings.ToUpper(c.ID), "not-a-uuid"}, invalid...) {
		if got, err := s.CustomerByID(t.Context(), id); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("CustomerByID(%q) = %v, %v; want ErrNotFound", id, got, err)
		}
		if got, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: id, UpdatedAt: base}); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("UpdateCustomer(%q) = %v, %v; want ErrNotFound", id, got, err)
		}
		if err := s.EraseCustomer(t.Context(), id); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("EraseCustomer(%q) = %v; want ErrNotFound", id, err)
		}
		tok := &customerauth.Token{Hash: customerauth.HashToken("x"), Kind: customerauth.TokenReset, CustomerID: id, ExpiresAt: base}
		if err := s.IssueToken(t.Context(), tok); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("IssueToken for customer %q: %v, want ErrNotFound", id, err)
		}
	}
	if found, err := s.FindCustomers(t.Context(), invalid, []string{"", "\xff"}); err != nil || len(found) != 0 {
		t.Errorf("FindCustomers(invalid ids) = %v, %v; want none", found, err)
	}
	for _, id := range invalid {
		bad := customer("Bad@example.com")
		bad.ID = id
		if err := s.CreateCustomer(t.Context(), bad, nil); err == nil || errors.Is(err, customerauth.ErrConflict) {
			t.Errorf("CreateCustomer with ID %q: error %v, want a plain error", id, err)
		}
		if err := s.CreateCustomers(t.Context(), []*customerauth.Customer{customer("Good@example.com"), bad}); err == nil || errors.Is(err, customerauth.ErrConflict) {
			t.Errorf("CreateCustomers with ID %q: error %v, want a plain error", id, err)
		}
	}
	if got, err := s.CustomerByEmail(t.Context(), "good@example.com"); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("a customer of a refused CreateCustomers was stored: %+v, %v", got, err)
	}
	// Ids that are no UUID work.
	for _, id := range []string{"customer-1", "7085491241234", "0007", strings.Repeat("Z", 64)} {
		o := customer(id + "@example.com")
		o.ID = id
		tok := &customerauth.Token{Hash: customerauth.HashToken(id), Kind: customerauth.TokenAccess, CustomerID: id, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		if err := s.CreateCustomer(t.Context(), o, tok); err != nil {
			t.Errorf("CreateCustomer with ID %q: %v", id, err)
			continue
		}
		if got, err := s.CustomerByID(t.Context(), id); err != nil || got.ID != id {
			t.Errorf("CustomerByID(%q) = %+v, %v", id, got, err)
		}
		if got, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, base); err != nil || got.CustomerID != id {
			t.Errorf("TokenByHash of customer %q = %+v, %v", id, got, err)
		}
	}
}

// TestMultipassIdentifierIsUnique covers the third unique key, which the
// Multipass login relies on.
func TestMultipassIdentifierIsUnique(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	a, b := customer("A@example.com"), customer("B@example.com")
	a.MultipassIdentifier = "idp-1"
	for _, c := range []*customerauth.Customer{a, b} {
		if err := s.CreateCustomer(t.Context(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.CustomerByMultipassIdentifier(t.Context(), "idp-1"); err != nil || got.ID != a.ID {
		t.Errorf("CustomerByMultipassIdentifier = %v, %v; want %s", got, err, a.ID)
	}
	if got, err := s.CustomerByMultipassIdentifier(t.Context(), ""); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("CustomerByMultipassIdentifier(\"\") = %v, %v; want ErrNotFound", got, err)
	}
	_, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: b.ID, MultipassIdentifier: new("idp-1"), UpdatedAt: base})
	if !errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("UpdateCustomer onto a taken identifier: %v, want ErrConflict", err)
	}
	c := customer("C@example.com")
	c.MultipassIdentifier = "idp-1"
	if err := s.CreateCustomer(t.Context(), c, nil); !errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("CreateCustomer with a taken identifier: %v, want ErrConflict", err)
	}
	// Unlinking frees it.
	if _, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: a.ID, MultipassIdentifier: new(""), UpdatedAt: base}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{ID: b.ID, MultipassIdentifier: new("idp-1"), UpdatedAt: base}); err != nil {
		t.Errorf("taking a freed identifier: %v", err)
	}
}

// TestErrorsHoldNoValues: a conflict names the constraint, never the email
// that collided, so errors can be logged as they are.
func TestErrorsHoldNoValues(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	a := customer("Secret.Person@example.com")
	a.PasswordHash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA"
	if err := s.CreateCustomer(t.Context(), a, nil); err != nil {
		t.Fatal(err)
	}
	b := customer("secret.person@example.com")
	b.PasswordHash = a.PasswordHash
	err := s.CreateCustomer(t.Context(), b, nil)
	if !errors.Is(err, customerauth.ErrConflict) {
		t.Fatalf("CreateCustomer: %v, want ErrConflict", err)
	}
	for _, v := range []string{"secret.person", "argon2id", b.ID} {
		if strings.Contains(strings.ToLower(err.Error()), v) {
			t.Errorf("error %q contains %q", err, v)
		}
	}
	if !strings.Contains(err.Error(), "customerauth_customers_email_key_key") {
		t.Errorf("error %q does not name the constraint", err)
	}
}

func TestRemember(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := migrated(t, newPool(t, schema, nil))
	other := pgstore.New(newPool(t, schema, nil))
	key := [32]byte{1, 2, 3}
	steps := []struct {
		s         *pgstore.Store
		now, exp  time.Time
		want      bool
		situation string
	}{
		{s, base, base.Add(time.Minute), true, "new key"},
		{s, base, base.Add(time.Minute), false, "same key again"},
		{other, base.Add(30 * time.Second), base.Add(2 * time.Minute), false, "same key from another pool"},
		{other, base.Add(time.Minute), base.Add(2 * time.Minute), true, "same key once its entry has expired"},
		{s, base.Add(90 * time.Second), base.Add(3 * time.Minute), false, "again within the new expiry"},
	}
	for _, st := range steps {
		got, err := st.s.Remember(t.Context(), key, st.now, st.exp)
		if err != nil || got != st.want {
			t.Errorf("%s: Remember = %v, %v; want %v", st.situation, got, err, st.want)
		}
	}
}

// TestRememberConcurrent: of many processes redeeming one Multipass token
// at once, exactly one is told it is new.
func TestRememberConcurrent(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	stores := []*pgstore.Store{migrated(t, newPool(t, schema, nil)), pgstore.New(newPool(t, schema, nil))}
	for round := range 5 {
		key := [32]byte{byte(round), 9}
		const racers = 20
		var wg sync.WaitGroup
		results := make([]bool, racers)
		errs := make([]error, racers)
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				results[i], errs[i] = stores[i%2].Remember(t.Context(), key, base, base.Add(time.Minute))
			})
		}
		close(start)
		wg.Wait()
		news := 0
		for i := range racers {
			if errs[i] != nil {
				t.Errorf("round %d racer %d: %v", round, i, errs[i])
			}
			if results[i] {
				news++
			}
		}
		if news != 1 {
			t.Errorf("round %d: %d racers were told the key is new, want 1", round, news)
		}
	}
}

func TestDeleteExpired(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	c := customer("Exp@example.com")
	if err := s.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatal(err)
	}
	var expired, valid []*customerauth.Token
	for i := range 7 {
		exp := base.Add(time.Duration(i-3) * time.Minute) // three before base, one at, three after
		tok := &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess,
			CustomerID: c.ID, CreatedAt: exp.Add(-time.Hour), ExpiresAt: exp}
		if err := s.IssueToken(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		if i <= 3 {
			expired = append(expired, tok)
		} else {
			valid = append(valid, tok)
		}
		if _, err := s.Remember(t.Context(), [32]byte{byte(i)}, exp.Add(-time.Hour), exp); err != nil {
			t.Fatal(err)
		}
	}
	tokens, replays, err := s.DeleteExpired(t.Context(), base)
	if err != nil || tokens != len(expired) || replays != 4 {
		t.Errorf("DeleteExpired = %d, %d, %v; want %d, 4, nil", tokens, replays, err, len(expired))
	}
	for _, tok := range valid {
		if _, err := s.TokenByHash(t.Context(), tok.Kind, tok.Hash, base); err != nil {
			t.Errorf("valid token gone: %v", err)
		}
	}
	if tokens, replays, err := s.DeleteExpired(t.Context(), base); err != nil || tokens != 0 || replays != 0 {
		t.Errorf("second DeleteExpired = %d, %d, %v; want 0, 0, nil", tokens, replays, err)
	}
	// The swept replay entries are gone: their keys are new again even at
	// a time before they expired.
	if isNew, err := s.Remember(t.Context(), [32]byte{0}, base.Add(-time.Hour), base); err != nil || !isNew {
		t.Errorf("Remember of a swept key = %v, %v; want true", isNew, err)
	}
	if isNew, err := s.Remember(t.Context(), [32]byte{6}, base.Add(-time.Hour), base); err != nil || isNew {
		t.Errorf("Remember of a kept key = %v, %v; want false", isNew, err)
	}
}

// TestCancelledContext covers the methods beyond the Store interface; the
// contract suite covers the rest.
func TestCancelledContext(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := map[string]func() error{
		"Migrate": func() error { return s.Migrate(ctx) },
		"Remember": func() error {
			_, err := s.Remember(ctx, [32]byte{7}, base, base.Add(time.Hour))
			return err
		},
		"DeleteExpired": func() error {
			_, _, err := s.DeleteExpired(ctx, base)
			return err
		},
		"CustomerByMultipassIdentifier": func() error {
			_, err := s.CustomerByMultipassIdentifier(ctx, "idp")
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
	if isNew, err := s.Remember(t.Context(), [32]byte{7}, base, base.Add(time.Hour)); err != nil || !isNew {
		t.Errorf("the cancelled Remember stored its key: Remember = %v, %v", isNew, err)
	}
}

// TestCancelledWhileWaiting: a change that waits on a row lock and whose
// context ends returns context.Canceled and changes nothing.
func TestCancelledWhileWaiting(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := migrated(t, newPool(t, schema, nil))
	c := customer("Wait@example.com")
	if err := s.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatal(err)
	}
	admin := adminConn(t)
	tx, err := admin.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), "SELECT 1 FROM "+schema+".customerauth_customers WHERE id = $1 FOR UPDATE", c.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, FirstName: new("Changed"), UpdatedAt: base})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("UpdateCustomer blocked until its deadline: %v, want context.DeadlineExceeded", err)
	}
	_ = tx.Rollback(t.Context())
	got, err := s.CustomerByID(t.Context(), c.ID)
	if err != nil || got.FirstName != "" {
		t.Errorf("after the cancelled update: %+v, %v; want the customer unchanged", got, err)
	}
}

// TestNoDeadlocks hammers one customer with every kind of write at once:
// password changes that revoke and issue, new emailed links, logins,
// consumed links, renewals, logouts, changes made with a session (which
// lock its row), password rehashes guarded by the credential version,
// expiry sweeps and address book calls, with a session or without, and
// changes that replace the whole address list. They touch the same rows in different ways; the Store's
// lock order (customer row first) must keep PostgreSQL from ever aborting
// one as a deadlock. The only errors allowed are ErrNotFound, for a token
// another writer got to first, and ErrCredentialsChanged, for a login or
// link whose credential version a password change moved on.
func TestNoDeadlocks(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	stores := []*pgstore.Store{migrated(t, newPool(t, schema, nil)), pgstore.New(newPool(t, schema, nil))}
	c := customer("Busy@example.com")
	if err := stores[0].CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	now := base
	tok := func(kind customerauth.TokenKind, exp time.Time) *customerauth.Token {
		return &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: kind, CustomerID: c.ID, CreatedAt: now.Add(-time.Hour), ExpiresAt: exp}
	}
	// version reads the customer's credential version, as a login does
	// before it checks the password.
	version := func(s *pgstore.Store) (uint64, error) {
		got, err := s.CustomerByID(ctx, c.ID)
		if err != nil {
			return 0, err
		}
		return got.CredentialVersion, nil
	}
	links := make(chan customerauth.TokenHash, 1000)
	sessions := make(chan customerauth.TokenHash, 1000)
	// idle bounds how long a worker that needs a link or a session waits
	// for one: long enough for the logins and recoveries, which do a
	// round trip or two each, to deliver, so that consumed links,
	// renewals, logouts and changes made with a session do race them.
	idle := func() <-chan time.Time { return time.After(50 * time.Millisecond) }
	const rounds = 150
	workers := []func(s *pgstore.Store, i int) error{
		func(s *pgstore.Store, i int) error { // password change
			_, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: new(fmt.Sprint("hash-", i)), Email: new(fmt.Sprintf("Busy%d@example.com", i%2)),
				UpdatedAt: now, RevokeTokens: true, Issue: tok(customerauth.TokenAccess, now.Add(time.Hour)),
			})
			return err
		},
		func(s *pgstore.Store, i int) error { // recover
			kind := []customerauth.TokenKind{customerauth.TokenReset, customerauth.TokenActivation}[i%2]
			t := tok(kind, now.Add(time.Hour))
			v, err := version(s)
			if err != nil {
				return err
			}
			t.CredentialVersion = v
			err = s.IssueToken(ctx, t)
			if err == nil && kind == customerauth.TokenReset {
				select {
				case links <- t.Hash:
				default:
				}
			}
			return err
		},
		func(s *pgstore.Store, i int) error { // login, sometimes with a token that is already expired
			exp := now.Add(time.Hour)
			if i%3 == 0 {
				exp = now.Add(-time.Minute)
			}
			t := tok(customerauth.TokenAccess, exp)
			v, err := version(s)
			if err != nil {
				return err
			}
			t.CredentialVersion = v
			err = s.IssueToken(ctx, t)
			if err == nil && i%3 != 0 {
				select {
				case sessions <- t.Hash:
				default:
				}
			}
			return err
		},
		func(s *pgstore.Store, i int) error { // reset by link
			select {
			case h := <-links:
				_, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{
					ID: c.ID, PasswordHash: new("reset"), UpdatedAt: now, RevokeTokens: true,
					Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: h},
					Issue:   tok(customerauth.TokenAccess, now.Add(time.Hour)),
				})
				return err
			case <-idle():
				return nil
			}
		},
		func(s *pgstore.Store, i int) error { // renew or log out
			select {
			case h := <-sessions:
				var err error
				if i%2 == 0 {
					_, err = s.RenewToken(ctx, h, now, now.Add(2*time.Hour))
				} else {
					_, err = s.DeleteToken(ctx, h, now)
				}
				return err
			case <-idle():
				return nil
			}
		},
		func(s *pgstore.Store, i int) error { // a change with a session: a profile edit, or a password change
			select {
			case h := <-sessions:
				ch := &customerauth.CustomerChange{ID: c.ID, FirstName: new(fmt.Sprint("name-", i)), UpdatedAt: now, AccessToken: &h}
				if i%3 == 0 {
					ch.PasswordHash, ch.RevokeTokens, ch.Issue = new("changed"), true, tok(customerauth.TokenAccess, now.Add(time.Hour))
				}
				_, err := s.UpdateCustomer(ctx, ch)
				if err == nil && !ch.RevokeTokens {
					select {
					case sessions <- h: // still good: someone else may use it
					default:
					}
				}
				return err
			case <-idle():
				return nil
			}
		},
		func(s *pgstore.Store, i int) error { // a login that rehashes the password it checked
			v, err := version(s)
			if err != nil {
				return err
			}
			_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: new("rehashed"), UpdatedAt: now, IfCredentialVersion: &v,
				Issue: tok(customerauth.TokenAccess, now.Add(time.Hour)),
			})
			return err
		},
		func(s *pgstore.Store, i int) error { // expiry sweep
			_, _, err := s.DeleteExpired(ctx, now)
			return err
		},
		func(s *pgstore.Store, i int) error { // the address book, with a session when there is one; a change that replaces the list
			ach := customerauth.AddressChange{CustomerID: c.ID, UpdatedAt: now}
			if i%2 == 0 { // log in, and share the session with the logouts and the changes
				t := tok(customerauth.TokenAccess, now.Add(time.Hour))
				v, err := version(s)
				if err != nil {
					return err
				}
				t.CredentialVersion = v
				if err := s.IssueToken(ctx, t); err == nil {
					ach.AccessToken = &t.Hash
					select {
					case sessions <- t.Hash:
					default:
					}
				}
			}
			got, err := s.CustomerByID(ctx, c.ID)
			if err != nil {
				return err
			}
			switch {
			case i%5 == 4:
				_, err = s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, UpdatedAt: now, AccessToken: ach.AccessToken,
					Addresses: &[]customerauth.Address{{ID: uuid.NewString(), City: "Replaced"}, {ID: uuid.NewString(), City: "Replaced too"}}})
			case i%5 == 0 || len(got.Addresses) == 0:
				_, err = s.AddAddress(ctx, ach, customerauth.Address{ID: uuid.NewString(), City: fmt.Sprint("City ", i)}, 6)
			default:
				a := got.Addresses[i%len(got.Addresses)]
				switch i % 5 {
				case 1:
					a.City = fmt.Sprint("Updated ", i)
					_, err = s.UpdateAddress(ctx, ach, a)
				case 2:
					_, err = s.SetDefaultAddress(ctx, ach, a.ID)
				case 3:
					_, err = s.DeleteAddress(ctx, ach, a.ID)
				}
			}
			if errors.Is(err, customerauth.ErrAddressNotFound) || errors.Is(err, customerauth.ErrTooManyAddresses) {
				return nil // another worker got to the address first, or added the last one allowed
			}
			return err
		},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures := map[string]int{}
	for w, work := range workers {
		for _, s := range stores {
			wg.Go(func() {
				for i := range rounds {
					if err := work(s, i); err != nil && !errors.Is(err, customerauth.ErrNotFound) && !errors.Is(err, customerauth.ErrCredentialsChanged) {
						mu.Lock()
						failures[fmt.Sprintf("worker %d: %v", w, err)]++
						mu.Unlock()
					}
				}
			})
		}
	}
	wg.Wait()
	for f, n := range failures {
		t.Errorf("%d× %s", n, f)
	}
	// The address book is whole: its default is one of its addresses.
	got, err := stores[1].CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(got.Addresses, func(a customerauth.Address) bool { return a.ID == got.DefaultAddressID }) &&
		(len(got.Addresses) > 0 || got.DefaultAddressID != "") {
		t.Errorf("default %q is not one of the addresses %+v", got.DefaultAddressID, got.Addresses)
	}
}

// raceEnv is a Store whose sessions carry a unique application_name, so
// a test can see which of its statements waits for a lock, and an admin
// connection to interfere with it.
type raceEnv struct {
	s      *pgstore.Store
	schema string
	app    string
	admin  *pgx.Conn // holds the test's own transactions
	watch  *pgx.Conn // reads pg_stat_activity meanwhile
}

func newRaceEnv(t *testing.T) *raceEnv {
	t.Helper()
	e := &raceEnv{schema: newSchema(t), app: "ct-race-" + randHex(6)}
	e.s = migrated(t, newPool(t, e.schema, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["application_name"] = e.app }))
	e.admin, e.watch = adminConn(t), adminConn(t)
	return e
}

// waitBlocked waits until a statement of the store that starts with
// prefix waits for a lock.
func (e *raceEnv) waitBlocked(t *testing.T, prefix string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting bool
		err := e.watch.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock' AND state = 'active'
			AND query LIKE $2 || '%')`, e.app, prefix).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no statement %q of the store ever waited for a lock", prefix)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// tokenRows counts the rows of the token with the given hash, usable or
// not.
func (e *raceEnv) tokenRows(t *testing.T, h customerauth.TokenHash) int {
	t.Helper()
	var n int
	if err := e.watch.QueryRow(t.Context(), "SELECT count(*) FROM "+e.schema+".customerauth_tokens WHERE hash = $1", h[:]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func raceToken(c *customerauth.Customer) *customerauth.Token {
	return &customerauth.Token{Hash: customerauth.HashToken(uuid.NewString()), Kind: customerauth.TokenAccess, CustomerID: c.ID,
		CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
}

// TestLoginWaitsForPasswordChange walks the interleaving the credential
// version exists for, on real row locks: a password change has moved the
// version on and holds the customer row, but has not committed (its
// revocation waits for a token row the test holds); a login that checked
// the old password then issues its token under version 0. The login's
// insert waits for the change and, once it commits, finds version 1 and
// inserts nothing: ErrCredentialsChanged, and no row.
func TestLoginWaitsForPasswordChange(t *testing.T) {
	testDSN(t)
	t.Parallel()
	e := newRaceEnv(t)
	ctx := t.Context()
	c := customer("Race1@example.com")
	session, link := raceToken(c), raceToken(c)
	link.Kind = customerauth.TokenReset
	if err := e.s.CreateCustomer(ctx, c, session); err != nil {
		t.Fatal(err)
	}
	if err := e.s.IssueToken(ctx, link); err != nil {
		t.Fatal(err)
	}

	// Hold the link's row, which the change's revocation must delete.
	tx, err := e.admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT 1 FROM "+e.schema+".customerauth_tokens WHERE hash = $1 FOR UPDATE", link.Hash[:]); err != nil {
		t.Fatal(err)
	}
	issued := raceToken(c)
	changed := make(chan error, 1)
	go func() {
		_, err := e.s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("new"), UpdatedAt: base,
			AccessToken: &session.Hash, RevokeTokens: true, Issue: issued})
		changed <- err
	}()
	e.waitBlocked(t, "DELETE FROM customerauth_tokens WHERE customer_id")

	login := raceToken(c) // under version 0, as read before the change
	loggedIn := make(chan error, 1)
	go func() { loggedIn <- e.s.IssueToken(ctx, login) }()
	e.waitBlocked(t, "INSERT INTO customerauth_tokens")

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-changed; err != nil {
		t.Fatalf("password change: %v", err)
	}
	if err := <-loggedIn; !errors.Is(err, customerauth.ErrCredentialsChanged) {
		t.Errorf("login that waited for the change: %v, want ErrCredentialsChanged", err)
	}
	if n := e.tokenRows(t, login.Hash); n != 0 {
		t.Errorf("the refused login left %d token rows", n)
	}
	if got, err := e.s.TokenByHash(ctx, issued.Kind, issued.Hash, base); err != nil || got.CredentialVersion != 1 {
		t.Errorf("the change's token: %+v, %v; want it bound to version 1", got, err)
	}
}

// TestPasswordChangeWaitsForLogin is the other order: a login's insert
// holds the customer row FOR SHARE (it waits, on the unique index, for a
// row with its hash that the test inserted and has not committed) when a
// password change starts. The change waits for the login to commit, and
// its revocation, a later statement, then sees the login's token and
// deletes it: the login succeeded, and its token did not survive the
// change, not even as a dead row.
func TestPasswordChangeWaitsForLogin(t *testing.T) {
	testDSN(t)
	t.Parallel()
	e := newRaceEnv(t)
	ctx := t.Context()
	c := customer("Race2@example.com")
	session := raceToken(c)
	if err := e.s.CreateCustomer(ctx, c, session); err != nil {
		t.Fatal(err)
	}

	login := raceToken(c)
	tx, err := e.admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "INSERT INTO "+e.schema+".customerauth_tokens (hash, kind, customer_id, created_at, expires_at) VALUES ($1, 1, $2, $3, $3)",
		login.Hash[:], c.ID, base); err != nil {
		t.Fatal(err)
	}
	loggedIn := make(chan error, 1)
	go func() { loggedIn <- e.s.IssueToken(ctx, login) }()
	e.waitBlocked(t, "INSERT INTO customerauth_tokens")

	issued := raceToken(c)
	changed := make(chan error, 1)
	go func() {
		_, err := e.s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("new"), UpdatedAt: base,
			AccessToken: &session.Hash, RevokeTokens: true, Issue: issued})
		changed <- err
	}()
	e.waitBlocked(t, "SELECT credential_version FROM customerauth_customers")

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-loggedIn; err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := <-changed; err != nil {
		t.Fatalf("password change: %v", err)
	}
	if n := e.tokenRows(t, login.Hash); n != 0 {
		t.Errorf("the login's token left %d rows after the change that waited for it; want it revoked", n)
	}
	if got, err := e.s.CustomerByID(ctx, c.ID); err != nil || got.CredentialVersion != 1 {
		t.Errorf("customer after the change: %+v, %v; want version 1", got, err)
	}
}

// TestUpgradeFrom0002KeepsTokens: a database that a release of schema
// version 2 wrote (a customer, a session and a reset link, with no
// credential version anywhere), migrated to version 3: the customer is at
// version 0 and its tokens, bound to 0, keep working, until a password
// change moves the version on.
func TestUpgradeFrom0002KeepsTokens(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := pgstore.New(newPool(t, schema, nil))
	ctx := t.Context()
	if err := pgstore.MigrateThrough(ctx, s, 2); err != nil {
		t.Fatalf("migrating to version 2: %v", err)
	}
	c := customer("Old@example.com")
	c.PasswordHash = "old hash"
	session := raceToken(c)
	reset := raceToken(c)
	reset.Kind = customerauth.TokenReset
	// The rows as the statements of that release wrote them.
	admin := adminConn(t)
	if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_customers (id, email, email_key, phone, first_name,
		last_name, accepts_marketing, state, password_hash, tags, addresses, default_address_id, multipass_identifier,
		created_at, updated_at) VALUES ($1, $2, $3, NULL, '', '', false, $4, $5, '{}', '[]', '', NULL, $6, $6)`,
		c.ID, c.Email, c.EmailKey, int16(c.State), c.PasswordHash, base); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []*customerauth.Token{session, reset} {
		if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_tokens (hash, kind, customer_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, tok.Hash[:], int16(tok.Kind), tok.CustomerID, tok.CreatedAt, tok.ExpiresAt); err != nil {
			t.Fatal(err)
		}
	}

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating to the current version: %v", err)
	}
	if l := ledger(t, admin, schema); len(l) < 3 || l[2].Name != "0003_credential_version.sql" {
		t.Fatalf("ledger %v, want 0003_credential_version.sql third", l)
	}

	got, err := s.CustomerByID(ctx, c.ID)
	if err != nil {
		t.Fatalf("CustomerByID after the upgrade: %v", err)
	}
	if got.CredentialVersion != 0 || got.PasswordHash != "old hash" || got.Email != c.Email {
		t.Errorf("customer after the upgrade: %+v; want it unchanged, at version 0", got)
	}
	for _, tok := range []*customerauth.Token{session, reset} {
		if got, err := s.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CredentialVersion != 0 || got.CustomerID != c.ID {
			t.Errorf("%s token after the upgrade: %+v, %v; want it found, bound to version 0", tok.Kind, got, err)
		}
	}
	if _, err := s.RenewToken(ctx, session.Hash, base, base.Add(2*time.Hour)); err != nil {
		t.Errorf("RenewToken of the old session: %v", err)
	}
	login := raceToken(c)
	if err := s.IssueToken(ctx, login); err != nil {
		t.Errorf("IssueToken under version 0: %v", err)
	}

	// A password change on the old session's authority: the version moves
	// on, and every token of version 0 is gone.
	fresh := raceToken(c)
	updated, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("new hash"), UpdatedAt: base,
		AccessToken: &session.Hash, RevokeTokens: true, Issue: fresh})
	if err != nil || updated.CredentialVersion != 1 {
		t.Fatalf("password change after the upgrade: %+v, %v; want version 1", updated, err)
	}
	for _, tok := range []*customerauth.Token{session, reset, login} {
		if _, err := s.TokenByHash(ctx, tok.Kind, tok.Hash, base); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("%s token of version 0 after the change: %v, want ErrNotFound", tok.Kind, err)
		}
	}
	if got, err := s.TokenByHash(ctx, fresh.Kind, fresh.Hash, base); err != nil || got.CredentialVersion != 1 {
		t.Errorf("the change's token: %+v, %v; want it bound to version 1", got, err)
	}
}

// TestCredentialVersionRange: versions are uint64 in Go and bigint in the
// tables. One beyond 2^63-1 is refused, not wrapped, and the largest one
// round-trips.
func TestCredentialVersionRange(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	ctx := t.Context()
	huge := customer("Huge@example.com")
	huge.CredentialVersion = 1 << 63
	if err := s.CreateCustomer(ctx, huge, nil); err == nil || errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("CreateCustomer with CredentialVersion 2^63: %v, want a plain error", err)
	}
	c := customer("Max@example.com")
	c.CredentialVersion = 1<<63 - 1
	tok := raceToken(c)
	if err := s.CreateCustomer(ctx, c, tok); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CustomerByID(ctx, c.ID); err != nil || got.CredentialVersion != c.CredentialVersion {
		t.Errorf("CustomerByID: %+v, %v; want CredentialVersion %d", got, err, c.CredentialVersion)
	}
	if got, err := s.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil || got.CredentialVersion != c.CredentialVersion {
		t.Errorf("TokenByHash: %+v, %v; want CredentialVersion %d", got, err, c.CredentialVersion)
	}
	other := raceToken(c)
	other.CredentialVersion = 1 << 63
	if err := s.IssueToken(ctx, other); !errors.Is(err, customerauth.ErrCredentialsChanged) {
		t.Errorf("IssueToken under version 2^63: %v, want ErrCredentialsChanged", err)
	}
	// Moving on from the largest version fails, and changes nothing.
	if _, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("x"), UpdatedAt: base, RevokeTokens: true}); err == nil {
		t.Error("RevokeTokens at version 2^63-1 succeeded, want an error")
	}
	if _, err := s.TokenByHash(ctx, tok.Kind, tok.Hash, base); err != nil {
		t.Errorf("the token after the refused change: %v", err)
	}
}

// TestStaleTokenRowsAreUnusable: the second line of defence. A token row
// bound to a credential version the customer has left (one that escaped a
// revocation, or that a process of an older release wrote during a rolling
// upgrade) is refused by every call that uses a token, exactly as if it
// were absent, and is not touched by them.
func TestStaleTokenRowsAreUnusable(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	s := migrated(t, newPool(t, schema, nil))
	admin := adminConn(t)
	ctx := t.Context()
	c := customer("Stale@example.com")
	c.CredentialVersion = 1
	if err := s.CreateCustomer(ctx, c, nil); err != nil {
		t.Fatal(err)
	}
	insert := func(name string, kind customerauth.TokenKind, version int64) customerauth.TokenHash {
		t.Helper()
		h := customerauth.HashToken(name)
		if _, err := admin.Exec(ctx, "INSERT INTO "+schema+`.customerauth_tokens (hash, kind, customer_id, created_at, expires_at, credential_version)
			VALUES ($1, $2, $3, $4, $5, $6)`, h[:], int16(kind), c.ID, base, base.Add(time.Hour), version); err != nil {
			t.Fatal(err)
		}
		return h
	}
	staleAccess := insert("stale access", customerauth.TokenAccess, 0)
	staleReset := insert("stale reset", customerauth.TokenReset, 0)
	liveAccess := insert("live access", customerauth.TokenAccess, 1)

	if _, err := s.TokenByHash(ctx, customerauth.TokenAccess, staleAccess, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash of a stale access token: %v, want ErrNotFound", err)
	}
	if _, err := s.TokenByHash(ctx, customerauth.TokenReset, staleReset, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("TokenByHash of a stale reset token: %v, want ErrNotFound", err)
	}
	if _, err := s.RenewToken(ctx, staleAccess, base, base.Add(2*time.Hour)); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("RenewToken of a stale token: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, FirstName: new("Thief"), UpdatedAt: base, AccessToken: &staleAccess}); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer with a stale access token: %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateCustomer(ctx, &customerauth.CustomerChange{ID: c.ID, PasswordHash: new("thief's"), UpdatedAt: base,
		Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: staleReset}, RevokeTokens: true}); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("UpdateCustomer consuming a stale reset token: %v, want ErrNotFound", err)
	}
	// Last: a DeleteToken that wrongly succeeded would hide the others.
	if _, err := s.DeleteToken(ctx, staleAccess, base); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("DeleteToken of a stale token: %v, want ErrNotFound", err)
	}
	var rows int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM "+schema+".customerauth_tokens WHERE customer_id = $1", c.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("%d token rows after the refused calls, want the 3 untouched", rows)
	}
	if got, err := s.CustomerByID(ctx, c.ID); err != nil || got.FirstName != "" || got.PasswordHash != "" || got.CredentialVersion != 1 {
		t.Errorf("customer after the refused changes: %+v, %v; want it unchanged", got, err)
	}
	if got, err := s.TokenByHash(ctx, customerauth.TokenAccess, liveAccess, base); err != nil || got.CredentialVersion != 1 {
		t.Errorf("TokenByHash of the current token: %+v, %v; want it, at version 1", got, err)
	}
}
