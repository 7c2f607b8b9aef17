package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/shopkit/customerauth"
)

// ---------------------------------------------------------------------------
// Concurrency.

const racers = 50

// testConcurrentConsume: two clicks on one reset link must not both set a
// password, and the loser's session must not be stored.
func testConcurrentConsume(t *testing.T, s customerauth.Store) {
	c := newCustomer()
	reset := validToken(customerauth.TokenReset, c.ID)
	mustCreate(t, s, c, reset)

	issued := make([]*customerauth.Token, racers)
	hashes := make([]string, racers)
	errs := make([]error, racers)
	for i := range racers {
		issued[i] = validToken(customerauth.TokenAccess, c.ID)
		hashes[i] = fmt.Sprintf("hash-%d", i)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			_, errs[i] = s.UpdateCustomer(t.Context(), &customerauth.CustomerChange{
				ID: c.ID, PasswordHash: &hashes[i], UpdatedAt: base,
				Consume: &customerauth.TokenRef{Kind: customerauth.TokenReset, Hash: reset.Hash},
				Issue:   issued[i],
			})
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("racers %d and %d both consumed the token", winner, i)
		case !errors.Is(err, customerauth.ErrNotFound):
			t.Errorf("racer %d: error %v, want ErrNotFound", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racer consumed the token")
	}
	if got := mustGet(t, s, c.ID).PasswordHash; got != hashes[winner] {
		t.Errorf("stored PasswordHash = %q, want the winner's %q", got, hashes[winner])
	}
	wantNoToken(t, s, reset)
	for i, tok := range issued {
		if i == winner {
			wantToken(t, s, tok)
		} else {
			wantNoToken(t, s, tok)
		}
	}
}

// testConcurrentCreate: a uniqueness check done before the insert and not
// together with it lets two signups with one address both through.
func testConcurrentCreate(t *testing.T, s customerauth.Store) {
	customers := make([]*customerauth.Customer, racers)
	for i := range racers {
		customers[i] = newCustomer()
		setEmail(customers[i], "Ann@example.com")
	}
	raceCreates(t, s, customers, "email", "CustomerByEmail", s.CustomerByEmail, "ann@example.com")
}

// testConcurrentCreateIdentifier: two first Multipass logins of one identity
// provider user must not make two customers.
func testConcurrentCreateIdentifier(t *testing.T, s customerauth.Store) {
	customers := make([]*customerauth.Customer, racers)
	for i := range racers {
		customers[i] = newCustomer()
		customers[i].MultipassIdentifier = "idp-shared"
	}
	raceCreates(t, s, customers, "Multipass identifier", "CustomerByMultipassIdentifier", s.CustomerByMultipassIdentifier, "idp-shared")
}

// raceCreates creates customers, which share one unique value, all at once
// and checks that exactly one of them is stored and that find(key) finds it.
func raceCreates(t *testing.T, s customerauth.Store, customers []*customerauth.Customer, shared, findName string, find func(context.Context, string) (*customerauth.Customer, error), key string) {
	t.Helper()
	errs := make([]error, len(customers))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range customers {
		wg.Go(func() {
			<-start
			errs[i] = s.CreateCustomer(t.Context(), customers[i], nil)
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("customers %d and %d were both created with one %s", winner, i, shared)
		case !errors.Is(err, customerauth.ErrConflict):
			t.Errorf("racer %d: error %v, want ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no customer was created")
	}
	got, err := find(t.Context(), key)
	if err != nil {
		t.Fatalf("%s(%q): %v", findName, key, err)
	}
	checkCustomer(t, findName, customers[winner], got)
	for i, c := range customers {
		if i != winner {
			wantNoCustomer(t, s, c.ID)
		}
	}
}
