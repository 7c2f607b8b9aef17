package pgstore_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/pgstore"
)

// twoServices returns two Services, each on a Store with a pool of its own
// on one schema: two processes of one shop. They share the outbox.
func twoServices(t *testing.T) (a, b *customerauth.Service, box *outbox, schema string) {
	t.Helper()
	schema = newSchema(t)
	box = &outbox{}
	a = newService(t, migrated(t, newPool(t, schema, nil)), box, nil)
	b = newService(t, pgstore.New(newPool(t, schema, nil)), box, nil)
	return a, b, box, schema
}

// hasCode reports whether err holds a UserError with code.
func hasCode(err error, code customerauth.CustomerErrorCode) bool {
	for _, ue := range customerauth.UserErrors(err) {
		if ue.Code == code {
			return true
		}
	}
	return false
}

// TestTwoServicesResetOnce: one reset link clicked many times at once,
// through two processes, sets the password exactly once.
func TestTwoServicesResetOnce(t *testing.T) {
	testDSN(t)
	t.Parallel()
	a, b, box, _ := twoServices(t)
	ctx := t.Context()
	const email = "ann@example.com"
	if _, err := a.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: email, Password: "Old-Passw0rd-xyz"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Recover(ctx, email); err != nil {
		t.Fatal(err)
	}
	link := box.lastURL(t, customerauth.NotifyPasswordReset, email)

	const attempts = 20
	svcs := []*customerauth.Service{a, b}
	errs := make([]error, attempts)
	toks := make([]*customerauth.AccessToken, attempts)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Go(func() {
			<-start
			_, toks[i], errs[i] = svcs[i%2].ResetPasswordByURL(ctx, link, fmt.Sprintf("New-Passw0rd-%02d", i))
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("attempts %d and %d both reset the password", winner, i)
		case !hasCode(err, customerauth.CodeTokenInvalid):
			t.Errorf("attempt %d: error %v, want a TOKEN_INVALID UserError", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no attempt reset the password")
	}
	// The winner's password is the one stored, whichever process asks, and
	// the winner's session is the one that survived.
	if _, err := svcs[(winner+1)%2].CreateAccessToken(ctx, email, fmt.Sprintf("New-Passw0rd-%02d", winner)); err != nil {
		t.Errorf("login with the winning password: %v", err)
	}
	if _, err := a.CreateAccessToken(ctx, email, "Old-Passw0rd-xyz"); !hasCode(err, customerauth.CodeUnidentifiedCustomer) {
		t.Errorf("login with the old password: %v, want UNIDENTIFIED_CUSTOMER", err)
	}
	if _, err := b.CustomerByAccessToken(ctx, toks[winner].Token); err != nil {
		t.Errorf("the winner's access token: %v", err)
	}
}

// TestTwoServicesRegisterOnce: one email registered many times at once,
// through two processes, makes one customer.
func TestTwoServicesRegisterOnce(t *testing.T) {
	testDSN(t)
	t.Parallel()
	a, b, _, schema := twoServices(t)
	ctx := t.Context()
	const racers = 24
	svcs := []*customerauth.Service{a, b}
	// The same address in two spellings: only the domain is lowercased by
	// normalization, the key is what must be unique.
	emails := []string{"Bob@Example.com", "bob@example.com", "BOB@example.COM"}
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			_, errs[i] = svcs[i%2].CreateCustomer(ctx, customerauth.CustomerCreateInput{
				Email: emails[i%len(emails)], Password: "Some-Passw0rd-xyz", FirstName: fmt.Sprint("Racer", i),
			})
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i, err := range errs {
		switch {
		case err == nil:
			created++
		case !hasCode(err, customerauth.CodeTaken):
			t.Errorf("racer %d: error %v, want a TAKEN UserError", i, err)
		}
	}
	if created != 1 {
		t.Errorf("%d customers created, want 1", created)
	}
	var n int
	if err := adminConn(t).QueryRow(ctx, "SELECT count(*) FROM "+schema+".customerauth_customers").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d customer rows stored, want 1", n)
	}
}

// TestTwoServicesMultipassOnce: one Multipass token redeemed many times at
// once, through two processes, logs in once: the Store is the Services'
// shared replay cache.
func TestTwoServicesMultipassOnce(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	withSecret := func(c *customerauth.Config) { c.MultipassSecrets = []string{"pgstore-test-multipass-secret"} }
	a := newService(t, migrated(t, newPool(t, schema, nil)), &outbox{}, nil, withSecret)
	b := newService(t, pgstore.New(newPool(t, schema, nil)), &outbox{}, nil, withSecret)
	ctx := t.Context()
	token, err := a.Multipass().Encode(customerauth.MultipassPayload{Email: "hal@example.com", Identifier: "idp-hal", FirstName: "Hal"})
	if err != nil {
		t.Fatal(err)
	}
	const racers = 16
	svcs := []*customerauth.Service{a, b}
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			_, errs[i] = svcs[i%2].CreateAccessTokenWithMultipass(ctx, token)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !hasCode(err, customerauth.CodeInvalidMultipassRequest):
			t.Errorf("racer %d: error %v, want INVALID_MULTIPASS_REQUEST", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d logins with one Multipass token, want 1", ok)
	}
	if _, err := pgstore.New(newPool(t, schema, nil)).CustomerByMultipassIdentifier(ctx, "idp-hal"); err != nil {
		t.Errorf("the Multipass customer: %v", err)
	}
}

// dumpTables returns every row of every customerauth_ table of schema as
// JSON text, and the names of the tables.
func dumpTables(t *testing.T, conn *pgx.Conn, schema string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'customerauth\_%' ORDER BY 1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for _, table := range tables {
		q := "SELECT row_to_json(t)::text FROM " + pgx.Identifier{schema, table}.Sanitize() + " t"
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			dump.WriteString(table + ": " + l + "\n")
		}
	}
	return dump.String(), tables
}

// TestNoSecretInClear: after every step of a customer's life, no password
// and no token the customer was given can be read from the database, in
// clear or in the hex or base64 encodings a leak would likely use; only
// digests are there.
func TestNoSecretInClear(t *testing.T) {
	testDSN(t)
	t.Parallel()
	schema := newSchema(t)
	box := &outbox{}
	svc := newService(t, migrated(t, newPool(t, schema, nil)), box, nil)
	admin := adminConn(t)
	ctx := t.Context()
	secrets := map[string]string{} // what -> secret

	check := func(step string) string {
		t.Helper()
		dump, tables := dumpTables(t, admin, schema)
		if len(tables) != 6 {
			t.Fatalf("tables %v, want addresses, customers, limits, migrations, replay and tokens", tables)
		}
		low := strings.ToLower(dump)
		for what, s := range secrets {
			for enc, v := range map[string]string{
				"clear": s, "hex": hex.EncodeToString([]byte(s)),
				"base64": base64.StdEncoding.EncodeToString([]byte(s)), "base64url": base64.RawURLEncoding.EncodeToString([]byte(s)),
			} {
				if strings.Contains(dump, v) || strings.Contains(low, strings.ToLower(v)) {
					t.Errorf("after %s: the %s (%s) is in the database:\n%s", step, what, enc, dump)
				}
			}
		}
		return dump
	}

	const email = "carol@example.com"
	secrets["first password"] = "First-Passw0rd-abc"
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: email, Password: secrets["first password"], FirstName: "Carol"}); err != nil {
		t.Fatal(err)
	}
	tok, err := svc.CreateAccessToken(ctx, email, secrets["first password"])
	if err != nil {
		t.Fatal(err)
	}
	secrets["login token"] = tok.Token
	if err := svc.Recover(ctx, email); err != nil {
		t.Fatal(err)
	}
	resetURL := box.lastURL(t, customerauth.NotifyPasswordReset, email)
	secrets["reset token"] = linkSecret(resetURL)
	if _, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "dan@example.com"}); err != nil {
		t.Fatal(err)
	}
	secrets["activation token"] = linkSecret(box.lastURL(t, customerauth.NotifyActivation, "dan@example.com"))
	dump := check("login, recover and invite")
	// The live tokens are there, as digests: the dump really covers them.
	for _, s := range []string{secrets["login token"], secrets["reset token"], secrets["activation token"]} {
		h := customerauth.HashToken(s)
		if !strings.Contains(dump, hex.EncodeToString(h[:])) {
			t.Errorf("the digest of a live token is not in the dump; does the dump cover customerauth_tokens?\n%s", dump)
		}
	}

	secrets["second password"] = "Second-Passw0rd-def"
	_, tok, err = svc.ResetPasswordByURL(ctx, resetURL, secrets["second password"])
	if err != nil {
		t.Fatal(err)
	}
	secrets["reset session token"] = tok.Token
	check("reset by URL")

	secrets["third password"] = "Third-Passw0rd-ghi"
	_, tok, err = svc.UpdateCustomer(ctx, secrets["reset session token"], customerauth.CustomerUpdateInput{Password: new(secrets["third password"])})
	if err != nil {
		t.Fatal(err)
	}
	secrets["update session token"] = tok.Token
	tok, err = svc.CreateAccessToken(ctx, email, secrets["third password"])
	if err != nil {
		t.Fatal(err)
	}
	secrets["last login token"] = tok.Token
	dump = check("password update and login")
	if !strings.Contains(dump, "$argon2id$") {
		t.Errorf("no argon2id hash in the dump:\n%s", dump)
	}
	if t.Failed() {
		return
	}
	// A sanity check of the check: a token it is told about is found.
	if _, err := admin.Exec(ctx, "UPDATE "+schema+".customerauth_customers SET first_name = $1", secrets["last login token"]); err != nil {
		t.Fatal(err)
	}
	if d, _ := dumpTables(t, admin, schema); !strings.Contains(d, secrets["last login token"]) {
		t.Error("the dump does not show a planted secret")
	}
}

// TestServiceUpdateConflict: a Service on the Store answers TAKEN when an
// update races another customer onto an email (the Store's ErrConflict).
func TestServiceUpdateConflict(t *testing.T) {
	testDSN(t)
	t.Parallel()
	a, b, _, _ := twoServices(t)
	ctx := t.Context()
	for _, e := range []string{"eve@example.com", "fay@example.com"} {
		if _, err := a.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: e, Password: "Some-Passw0rd-xyz"}); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := b.CreateAccessToken(ctx, "fay@example.com", "Some-Passw0rd-xyz")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = b.UpdateCustomer(ctx, tok.Token, customerauth.CustomerUpdateInput{Email: new("Eve@example.com")})
	if !hasCode(err, customerauth.CodeTaken) {
		t.Errorf("UpdateCustomer onto a taken email: %v, want TAKEN", err)
	}
	if errors.Is(err, customerauth.ErrConflict) {
		t.Errorf("the Store's ErrConflict leaked through the Service: %v", err)
	}
}
