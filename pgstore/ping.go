package pgstore

import (
	"context"
	"fmt"

	"github.com/shopkit/customerauth"
)

var _ customerauth.Pinger = (*Store)(nil)

// Ping implements customerauth.Pinger, for a host's health check: it
// takes a connection from the pool, opening one if none is idle, and
// runs an empty statement on it, so a server that is down, unreachable
// or refusing the credentials fails. pgx's errors name the host, user and
// database but never the password.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pgstore: ping: %w", err)
	}
	return nil
}
