package pgstore_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth/pgstore"
)

// TestPingFailsWhenTheServerIsUnreachable needs no database: the pool
// points at a port nothing listens on, which pgxpool only finds out when
// it connects, as Ping makes it.
func TestPingFailsWhenTheServerIsUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	const password = "pg-ping-secret"
	pool, err := pgxpool.New(t.Context(), "postgres://shop:"+password+"@127.0.0.1:"+strconv.Itoa(port)+"/shop?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	err = pgstore.New(pool).Ping(ctx)
	if err == nil || !strings.HasPrefix(err.Error(), "pgstore: ping: ") {
		t.Fatalf("Ping = %v, want a pgstore: ping: error", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("Ping's error reveals the password: %v", err)
	}
}
