package pgstore_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
)

// A server process: open a pool, migrate, serve, and sweep expired rows
// once an hour. Every process of the shop can do the same on one database.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store := pgstore.New(pool)
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	svc, err := customerauth.New(customerauth.Config{Store: store, ShopURL: "https://shop.example"})
	if err != nil {
		log.Fatal(err)
	}

	go func() {
		for range time.Tick(time.Hour) {
			tokens, replays, err := store.DeleteExpired(ctx, time.Now())
			if err != nil {
				log.Printf("sweeping expired rows: %v", err)
				continue
			}
			log.Printf("swept %d expired tokens and %d replay entries", tokens, replays)
		}
	}()

	http.Handle("/api/2026-04/graphql.json", svc.Handler())
	log.Fatal(http.ListenAndServe(":8080", nil))
}
