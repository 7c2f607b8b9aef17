package sqlitestore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth/sqlitestore"
)

// TestPingFailsWhenTheStoreIsGone: a health check must hear that the
// database is lost, though SQLite would go on working on a deleted file.
func TestPingFailsWhenTheStoreIsGone(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(t *testing.T, s *sqlitestore.Store, file string)
		want    string // empty: Ping succeeds
	}{
		{"open", func(*testing.T, *sqlitestore.Store, string) {}, ""},
		{"file removed", func(t *testing.T, _ *sqlitestore.Store, file string) {
			for _, f := range []string{file, file + "-wal", file + "-shm"} {
				if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
		}, "removed or renamed"},
		{"file renamed", func(t *testing.T, _ *sqlitestore.Store, file string) {
			if err := os.Rename(file, file+".old"); err != nil {
				t.Fatal(err)
			}
		}, "removed or renamed"},
		{"store closed", func(t *testing.T, s *sqlitestore.Store, _ string) {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}, "database is closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "customers.db")
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			s, err := sqlitestore.Open(ctx, file)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			tt.breakIt(t, s, file)
			err = s.Ping(ctx)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Ping: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Ping = %v, want an error saying %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), file):
				t.Errorf("Ping's error names the file: %v", err)
			}
		})
	}
}
