package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/shopkit/customerauth"
)

func runMultipass(_ context.Context, e *env, args []string) int {
	fs := e.flags()
	secret := fs.String("secret", os.Getenv("CUSTOMERAUTH_MULTIPASS_SECRET"), "the shop's Multipass secret (default $CUSTOMERAUTH_MULTIPASS_SECRET)")
	email := fs.String("email", "", "the customer's email (required)")
	returnTo := fs.String("return-to", "", "where the storefront sends the customer after logging in")
	first := fs.String("first-name", "", "the customer's first name")
	last := fs.String("last-name", "", "the customer's last name")
	identifier := fs.String("identifier", "", "the customer's id at the identity provider")
	tags := fs.String("tags", "", "comma-separated tags to set")
	shopURL := fs.String("shop-url", "", "also print the login URL on this shop: <shop-url>/account/login/multipass/<token>")
	if code := e.parse(args); code >= 0 {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return e.badUsage("unexpected argument %q", fs.Arg(0))
	case *secret == "":
		return e.badUsage("-secret (or $CUSTOMERAUTH_MULTIPASS_SECRET) is required")
	case *email == "":
		return e.badUsage("-email is required")
	}
	// Minting needs only the secret: the store is not opened.
	mp, err := customerauth.NewMultipass(*secret)
	if err != nil {
		return e.badUsage("-secret: %s", err)
	}
	now := time.Now()
	token, err := mp.Encode(customerauth.MultipassPayload{
		Email: *email, CreatedAt: now, ReturnTo: *returnTo,
		FirstName: *first, LastName: *last, Identifier: *identifier, TagString: *tags,
	})
	if err != nil {
		return e.fail(err)
	}
	var loginURL string
	if *shopURL != "" {
		loginURL = strings.TrimRight(*shopURL, "/") + "/account/login/multipass/" + token
	}
	if e.json {
		out := map[string]any{"token": token, "expiresAt": now.Add(15 * time.Minute).UTC()}
		if loginURL != "" {
			out["url"] = loginURL
		}
		if err := e.writeJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintln(e.stdout, token)
	if loginURL != "" {
		fmt.Fprintln(e.stdout, loginURL)
	}
	fmt.Fprintln(e.stderr, "the token works once, for 15 minutes")
	return exitOK
}
