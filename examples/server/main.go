// Command server runs the customer-account API of the Shopify Storefront API
// on its own, the way a shop would mount it: the GraphQL endpoint at
// /api/{version}/graphql.json and a health check at /healthz.
//
// It keeps customers in memory, so it suits trying the API out; activation
// and reset links are written to the log instead of being emailed.
//
//	go run ./examples/server -addr 127.0.0.1:8080 -shop-url http://127.0.0.1:8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/shopkit/customerauth"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	shopURL := fs.String("shop-url", "", "base URL of activation and reset links (default http://<addr>)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *shopURL == "" {
		*shopURL = "http://" + *addr
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	svc, err := customerauth.New(customerauth.Config{
		ShopURL: *shopURL,
		Logger:  logger,
		// Development only: the links are credentials and land in the log.
		Notifier: customerauth.LogNotifier{Logger: logger, IncludeURL: true},
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle("/api/{version}/graphql.json", svc.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		logger.Info("listening", "addr", *addr, "endpoint", "http://"+*addr+"/api/2026-04/graphql.json")
		errc <- srv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
