package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
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

// TestIDsMustBeCanonical: the uuid column would accept other spellings of
// a UUID, but the contract compares IDs as strings.
func TestIDsMustBeCanonical(t *testing.T) {
	testDSN(t)
	t.Parallel()
	s := newStore(t)
	c := customer("Id@example.com")
	if err := s.CreateCustomer(t.Context(), c, nil); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{strings.ToUpper(c.ID), "{" + c.ID + "}", "urn:uuid:" + c.ID, "not-a-uuid", ""} {
		if got, err := s.CustomerByID(t.Context(), id); !errors.Is(err, customerauth.ErrNotFound) {
			t.Errorf("CustomerByID(%q) = %v, %v; want ErrNotFound", id, got, err)
		}
	}
	bad := customer("Bad@example.com")
	bad.ID = "customer-1"
	if err := s.CreateCustomer(t.Context(), bad, nil); err == nil || errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("CreateCustomer with a non-UUID ID: error %v, want a plain error", err)
	}
	tok := &customerauth.Token{Hash: customerauth.HashToken("x"), Kind: customerauth.TokenReset, CustomerID: "nope", ExpiresAt: base}
	if err := s.IssueToken(t.Context(), tok); !errors.Is(err, customerauth.ErrNotFound) {
		t.Errorf("IssueToken for a non-UUID customer: %v, want ErrNotFound", err)
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
// consumed links, renewals, logouts and expiry sweeps. They touch the same
// rows in different ways; the Store's lock order (customer row first) must
// keep PostgreSQL from ever aborting one as a deadlock. The only error
// allowed is ErrNotFound, for a token another writer got to first.
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
	links := make(chan customerauth.TokenHash, 1000)
	sessions := make(chan customerauth.TokenHash, 1000)
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
			err := s.IssueToken(ctx, t)
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
			err := s.IssueToken(ctx, t)
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
			default:
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
			default:
				return nil
			}
		},
		func(s *pgstore.Store, i int) error { // expiry sweep
			_, _, err := s.DeleteExpired(ctx, now)
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
					if err := work(s, i); err != nil && !errors.Is(err, customerauth.ErrNotFound) {
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
}
