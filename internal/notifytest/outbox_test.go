package notifytest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

func TestOutboxFindsNewestByKindAndEmail(t *testing.T) {
	var o notifytest.Outbox
	ctx := context.Background()
	_ = o.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "ann@example.com", URL: "first"})
	_ = o.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"})
	_ = o.Notify(ctx, customerauth.Notification{Kind: customerauth.NotifyPasswordReset, Email: "Ann@Example.com", URL: "second"})

	if n, ok := o.Last(customerauth.NotifyPasswordReset, "ann@example.com"); !ok || n.URL != "second" {
		t.Errorf("Last = %+v, %v; want the second reset", n, ok)
	}
	if _, ok := o.Last(customerauth.NotifyActivation, "ann@example.com"); ok {
		t.Error("Last found an activation that was never sent")
	}
	if got := o.Count(customerauth.NotifyPasswordReset); got != 2 {
		t.Errorf("Count = %d, want 2", got)
	}
	if got := len(o.All()); got != 3 {
		t.Errorf("All has %d, want 3", got)
	}
}

func TestOutboxAwaitWakesOnArrival(t *testing.T) {
	var o notifytest.Outbox
	got := make(chan customerauth.Notification)
	go func() {
		n, err := o.Await(context.Background(), customerauth.NotifyWelcome, "bob@example.com")
		if err != nil {
			t.Error(err)
		}
		got <- n
	}()
	// Another customer's message does not end the wait; Bob's does.
	_ = o.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "ann@example.com"})
	_ = o.Notify(context.Background(), customerauth.Notification{Kind: customerauth.NotifyWelcome, Email: "bob@example.com", URL: "hi"})
	if n := <-got; n.URL != "hi" {
		t.Errorf("Await = %+v", n)
	}
}

func TestOutboxAwaitStopsWithContext(t *testing.T) {
	var o notifytest.Outbox
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := o.Await(ctx, customerauth.NotifyWelcome, "x@example.com"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Await = %v, want the context's error", err)
	}
}
