// Command server runs customerauth the way a shop would: the
// Shopify-compatible GraphQL endpoint at /api/{version}/graphql.json, the
// account pages a shopper uses, GraphiQL at /graphql, Prometheus metrics at
// /metrics and a health check at /healthz.
//
// With no flags it keeps customers in a SQLite file, customerauth.db, in the
// working directory and logs activation and reset links instead of
// emailing them:
//
//	go run ./examples/server
//
// Flags choose the store (-store memory|sqlite|postgres with -dsn), the
// listen address, the shop URL, a Multipass secret, a storefront access
// token and an SMTP server; -h lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, logOut *os.File) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.store, "store", "sqlite", "where customers are kept: memory, sqlite or postgres")
	fs.StringVar(&o.dsn, "dsn", "", "SQLite file (default customerauth.db) or PostgreSQL connection string")
	fs.StringVar(&o.shopURL, "shop-url", "", "base URL of the emailed links (default http://<addr>)")
	fs.StringVar(&o.multipassSecret, "multipass-secret", os.Getenv("CUSTOMERAUTH_MULTIPASS_SECRET"), "Multipass secret (default $CUSTOMERAUTH_MULTIPASS_SECRET); empty disables Multipass")
	fs.StringVar(&o.storefrontToken, "storefront-token", "", "public storefront access token clients must send; empty: none needed")
	fs.StringVar(&o.smtp, "smtp", "", "send email through this server, as smtp://user:password@host:port?from=shop@example.com&tls=starttls|none; empty: log the links")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.shopURL == "" {
		o.shopURL = "http://" + o.addr
	}
	logger := slog.New(slog.NewTextHandler(logOut, nil))

	srv, err := newServer(ctx, o, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Info("listening", "store", o.store,
		"endpoint", "http://"+ln.Addr().String()+"/api/2026-04/graphql.json",
		"pages", "http://"+ln.Addr().String()+"/account/login")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
