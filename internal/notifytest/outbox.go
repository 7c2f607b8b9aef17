// Package notifytest provides the Notifier the project's tests share: an
// outbox that keeps every notification, so a test can follow the links a
// customer would receive by email.
package notifytest

import (
	"context"
	"strings"
	"sync"

	"github.com/shopkit/customerauth"
)

// Outbox is a customerauth.Notifier that keeps what it is given. It is safe
// for concurrent use; its zero value is empty and ready.
type Outbox struct {
	mu      sync.Mutex
	msgs    []customerauth.Notification
	arrived chan struct{} // closed and replaced at every notification
}

// Notify implements customerauth.Notifier.
func (o *Outbox) Notify(_ context.Context, n customerauth.Notification) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, n)
	if o.arrived != nil {
		close(o.arrived)
		o.arrived = nil
	}
	return nil
}

// All returns a copy of every notification, oldest first.
func (o *Outbox) All() []customerauth.Notification {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]customerauth.Notification(nil), o.msgs...)
}

// Last returns the newest notification of kind to email (compared without
// case, as emails are unique), and whether there is one.
func (o *Outbox) Last(kind customerauth.NotificationKind, email string) (customerauth.Notification, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, ok := o.lastLocked(kind, email)
	return n, ok
}

func (o *Outbox) lastLocked(kind customerauth.NotificationKind, email string) (customerauth.Notification, bool) {
	for i := len(o.msgs) - 1; i >= 0; i-- {
		if m := o.msgs[i]; m.Kind == kind && strings.EqualFold(m.Email, email) {
			return m, true
		}
	}
	return customerauth.Notification{}, false
}

// Count reports how many notifications of kind were sent, to anyone.
func (o *Outbox) Count(kind customerauth.NotificationKind) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.msgs {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

// Await returns the newest notification of kind to email, waiting for it
// until ctx is done when none has come yet: for flows where the message is
// sent by another goroutine (a server under test), without polling.
func (o *Outbox) Await(ctx context.Context, kind customerauth.NotificationKind, email string) (customerauth.Notification, error) {
	for {
		o.mu.Lock()
		if n, ok := o.lastLocked(kind, email); ok {
			o.mu.Unlock()
			return n, nil
		}
		if o.arrived == nil {
			o.arrived = make(chan struct{})
		}
		arrived := o.arrived
		o.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return customerauth.Notification{}, ctx.Err()
		}
	}
}
