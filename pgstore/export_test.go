package pgstore

import "context"

// MigrateThrough applies the migrations up to version only, leaving the
// database as a release of that schema version left it.
func MigrateThrough(ctx context.Context, s *Store, version int) error {
	return s.migrate(ctx, version)
}
