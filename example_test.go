package customerauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/shopkit/customerauth"
)

// quietLogger keeps examples' output to what they print.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Mount the Storefront-compatible endpoint in a host's own mux.
func Example() {
	svc, err := customerauth.New(customerauth.Config{
		ShopURL: "https://shop.example",
		Logger:  quietLogger(),
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /api/{version}/graphql.json", svc.Handler())

	srv := httptest.NewServer(mux)
	defer srv.Close()
	res, err := http.Post(srv.URL+"/api/2026-04/graphql.json", "application/json",
		strings.NewReader(`{"query":"{ customer(customerAccessToken: \"0123456789abcdef0123456789abcdef\") { email } }"}`))
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Print(string(body))
	// Output:
	// {"data":{"customer":null}}
}

// Register, log in and read the customer from Go, without GraphQL.
func ExampleService_CreateAccessToken() {
	ctx := context.Background()
	svc, _ := customerauth.New(customerauth.Config{Logger: quietLogger()})

	_, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{
		Email: "ann@example.com", Password: "correct horse battery", FirstName: "Ann",
	})
	if err != nil {
		panic(err)
	}
	tok, err := svc.CreateAccessToken(ctx, "ANN@example.com", "correct horse battery")
	if err != nil {
		panic(err)
	}
	c, err := svc.CustomerByAccessToken(ctx, tok.Token)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.FirstName, c.Email, len(tok.Token))

	_, err = svc.CreateAccessToken(ctx, "ann@example.com", "wrong password")
	for _, ue := range customerauth.UserErrors(err) {
		fmt.Println(ue.Code, ue.Message)
	}
	// Output:
	// Ann ann@example.com 32
	// UNIDENTIFIED_CUSTOMER Unidentified customer
}

// Validation problems come back together, each with its code and field.
func ExampleUserErrors() {
	svc, _ := customerauth.New(customerauth.Config{Logger: quietLogger()})
	_, err := svc.CreateCustomer(context.Background(), customerauth.CustomerCreateInput{
		Email: "not-an-email", Password: "short",
	})
	for _, ue := range customerauth.UserErrors(err) {
		fmt.Println(ue.Code, ue.Field, ue.Message)
	}
	// Output:
	// INVALID [email] Email is invalid
	// TOO_SHORT [password] Password is too short (minimum is 8 characters)
}

// printLinks is a Notifier that prints what it would email.
type printLinks struct{}

func (printLinks) Notify(_ context.Context, n customerauth.Notification) error {
	fmt.Println(n.Kind, n.Email, strings.Contains(n.URL, "/account/reset/"))
	return nil
}

// Send a reset link, then set the new password with it.
func ExampleService_ResetPasswordByURL() {
	ctx := context.Background()
	var link string
	svc, _ := customerauth.New(customerauth.Config{
		ShopURL: "https://shop.example",
		Logger:  quietLogger(),
		Notifier: notifierFunc(func(n customerauth.Notification) {
			if n.Kind == customerauth.NotifyPasswordReset {
				link = n.URL
			}
		}),
	})
	_, _ = svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "first password"})
	if err := svc.Recover(ctx, "ann@example.com"); err != nil {
		panic(err)
	}
	c, tok, err := svc.ResetPasswordByURL(ctx, link, "second password")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Email, tok.Token != "")

	// The link works once.
	_, _, err = svc.ResetPasswordByURL(ctx, link, "third password")
	fmt.Println(customerauth.UserErrors(err)[0].Code)
	// Output:
	// ann@example.com true
	// TOKEN_INVALID
}

type notifierFunc func(customerauth.Notification)

func (f notifierFunc) Notify(_ context.Context, n customerauth.Notification) error {
	f(n)
	return nil
}

// Invite a customer the shop already knows; the customer activates the
// account from the emailed link.
func ExampleService_InviteCustomer() {
	ctx := context.Background()
	svc, _ := customerauth.New(customerauth.Config{Logger: quietLogger(), Notifier: printLinks{}})
	c, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "bob@example.com", FirstName: "Bob"})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.State)
	// Output:
	// activation bob@example.com false
	// INVITED
}

// Resolve the customer of a request for the host's own pages.
func ExampleService_Middleware() {
	ctx := context.Background()
	svc, _ := customerauth.New(customerauth.Config{Logger: quietLogger()})
	_, _ = svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "ann@example.com", Password: "correct horse", FirstName: "Ann"})
	tok, _ := svc.CreateAccessToken(ctx, "ann@example.com", "correct horse")

	account := svc.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := customerauth.CustomerFromContext(r.Context()); ok {
			fmt.Fprintf(w, "hello %s", c.FirstName)
			return
		}
		http.Error(w, "please log in", http.StatusUnauthorized)
	}))
	for _, auth := range []string{"Bearer " + tok.Token, ""} {
		req := httptest.NewRequest(http.MethodGet, "/account", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		account.ServeHTTP(w, req)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 200 hello Ann
	// 401 please log in
}

// Tell store errors apart with errors.Is.
func ExampleMemoryStore() {
	store := customerauth.NewMemoryStore()
	_, err := store.CustomerByEmail(context.Background(), "nobody@example.com")
	fmt.Println(errors.Is(err, customerauth.ErrNotFound))
	// Output:
	// true
}
