package customerauth

import "context"

// EventKind names something that happened, for metrics and audit logs.
type EventKind uint8

// The events a Service reports through Config.OnEvent.
const (
	EventLoginSucceeded EventKind = iota + 1
	EventLoginFailed
	// EventThrottled: a limit refused an attempt; Event.Operation says
	// which ("login", "recover", "create", "hash").
	EventThrottled
	EventTokenIssued
	EventTokenRenewed
	EventTokenRevoked
	EventPasswordChanged
	EventMultipassRedeemed
	EventMultipassRefused
	EventCustomerCreated
)

// String returns the event's snake_case name, as metrics label it.
func (k EventKind) String() string {
	switch k {
	case EventLoginSucceeded:
		return "login_succeeded"
	case EventLoginFailed:
		return "login_failed"
	case EventThrottled:
		return "throttled"
	case EventTokenIssued:
		return "token_issued"
	case EventTokenRenewed:
		return "token_renewed"
	case EventTokenRevoked:
		return "token_revoked"
	case EventPasswordChanged:
		return "password_changed"
	case EventMultipassRedeemed:
		return "multipass_redeemed"
	case EventMultipassRefused:
		return "multipass_refused"
	case EventCustomerCreated:
		return "customer_created"
	}
	return "unknown"
}

// Event is one occurrence. It never holds a secret.
type Event struct {
	Kind EventKind
	// CustomerID is the customer concerned, when one is known.
	CustomerID string
	// Operation is the operation that caused the event, such as "login".
	Operation string
}

// emit reports e to Config.OnEvent, if set.
func (s *Service) emit(ctx context.Context, kind EventKind, customerID, operation string) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(ctx, Event{Kind: kind, CustomerID: customerID, Operation: operation})
	}
}
