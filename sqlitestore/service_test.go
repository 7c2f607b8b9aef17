package sqlitestore_test

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
	"github.com/shopkit/customerauth/sqlitestore"
)

// capture is the shared test Notifier, so tests can follow the links a
// customer would get by email.
type capture struct{ notifytest.Outbox }

// lastURL returns the link of the latest notification of the kind sent to
// email.
func (c *capture) lastURL(t testing.TB, kind customerauth.NotificationKind, email string) string {
	t.Helper()
	n, ok := c.Last(kind, email)
	if !ok || n.URL == "" {
		t.Fatalf("no %s notification with a link was sent to %s", kind, email)
	}
	return n.URL
}

// linkSecret returns the token in an activation or reset link: its last
// path segment.
func linkSecret(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := url.PathUnescape(path.Base(u.EscapedPath()))
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// multipassSecret is the shop's Multipass secret in these tests.
const multipassSecret = "multipass secret of the test shop"

func newService(t testing.TB, st customerauth.Store, n customerauth.Notifier, now func() time.Time) *customerauth.Service {
	t.Helper()
	svc, err := customerauth.New(customerauth.Config{
		Store:            st,
		Notifier:         n,
		ShopURL:          "https://shop.example",
		Argon2:           cheapArgon2,
		Logger:           slog.New(slog.DiscardHandler),
		Now:              now,
		MultipassSecrets: []string{multipassSecret},
	})
	if err != nil {
		t.Fatalf("customerauth.New: %v", err)
	}
	return svc
}

// account is what a customer got back from the Service: the proof that a
// write was acknowledged.
type account struct {
	customer    *customerauth.Customer
	email       string
	accessToken string
	resetURL    string
}

// TestAcknowledgedWritesSurviveReopen writes through a Service, closes the
// store, reopens the file and finds every customer and token that was
// acknowledged.
func TestAcknowledgedWritesSurviveReopen(t *testing.T) {
	ctx := t.Context()
	st, path := openStore(t)
	notes := &capture{}
	svc := newService(t, st, notes, nil)

	var accounts []account
	for i := range 20 {
		email := fmt.Sprintf("customer%d@example.com", i)
		c, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{
			Email: email, Password: "durable password " + strconv.Itoa(i), FirstName: "Cus", LastName: "Tomer",
			Phone: fmt.Sprintf("+1613555%04d", i), AcceptsMarketing: i%2 == 0,
		})
		if err != nil {
			t.Fatalf("CreateCustomer(%s): %v", email, err)
		}
		tok, err := svc.CreateAccessToken(ctx, email, "durable password "+strconv.Itoa(i))
		if err != nil {
			t.Fatalf("CreateAccessToken(%s): %v", email, err)
		}
		if err := svc.Recover(ctx, email); err != nil {
			t.Fatalf("Recover(%s): %v", email, err)
		}
		accounts = append(accounts, account{c, email, tok.Token, notes.lastURL(t, customerauth.NotifyPasswordReset, email)})
	}
	if _, err := svc.SetAddresses(ctx, accounts[0].customer.ID, []customerauth.Address{{City: "Ottawa", Latitude: new(45.4215)}}, 0); err != nil {
		t.Fatalf("SetAddresses: %v", err)
	}
	accounts[0].customer, _ = st.CustomerByID(ctx, accounts[0].customer.ID)
	if err := st.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	st2, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st2.Close()
	if err := st2.Migrate(ctx); err != nil { // already migrated: a no-op
		t.Fatalf("Migrate on reopen: %v", err)
	}
	svc2 := newService(t, st2, notes, nil)
	for _, a := range accounts {
		got, err := st2.CustomerByEmail(ctx, a.email)
		if err != nil {
			t.Errorf("customer %s lost: %v", a.email, err)
			continue
		}
		if d := diffCustomer(a.customer, got); d != "" {
			t.Errorf("customer %s after reopen: %s", a.email, d)
		}
		c, err := svc2.CustomerByAccessToken(ctx, a.accessToken)
		if err != nil || c.ID != a.customer.ID {
			t.Errorf("access token of %s after reopen: %v, %v", a.email, c, err)
		}
		if _, err := st2.TokenByHash(ctx, customerauth.TokenReset, customerauth.HashToken(linkSecret(t, a.resetURL)), time.Now()); err != nil {
			t.Errorf("reset token of %s after reopen: %v", a.email, err)
		}
	}
	// The reset link still works end to end.
	if _, _, err := svc2.ResetPasswordByURL(ctx, accounts[1].resetURL, "a brand new password"); err != nil {
		t.Errorf("ResetPasswordByURL after reopen: %v", err)
	}
}

// diffCustomer names the first field in which got differs from want, or
// returns "".
func diffCustomer(want, got *customerauth.Customer) string {
	w, g := fmt.Sprintf("%+v", *want), fmt.Sprintf("%+v", *got)
	switch {
	case want.ID != got.ID || want.Email != got.Email || want.EmailKey != got.EmailKey || want.Phone != got.Phone:
		return "identity: " + g + ", want " + w
	case want.FirstName != got.FirstName || want.LastName != got.LastName || want.AcceptsMarketing != got.AcceptsMarketing || want.State != got.State:
		return "profile: " + g + ", want " + w
	case want.PasswordHash != got.PasswordHash:
		return "password hash differs"
	case !want.CreatedAt.Equal(got.CreatedAt) || !want.UpdatedAt.Equal(got.UpdatedAt):
		return fmt.Sprintf("times %v/%v, want %v/%v", got.CreatedAt, got.UpdatedAt, want.CreatedAt, want.UpdatedAt)
	case len(want.Addresses) != len(got.Addresses) || want.DefaultAddressID != got.DefaultAddressID:
		return "addresses differ"
	}
	for i := range want.Addresses {
		a, b := want.Addresses[i], got.Addresses[i]
		if a.ID != b.ID || a.City != b.City || (a.Latitude == nil) != (b.Latitude == nil) || (a.Latitude != nil && *a.Latitude != *b.Latitude) {
			return fmt.Sprintf("address %d differs", i)
		}
	}
	return ""
}

// crashChildEnv names the database file the helper process of
// TestAcknowledgedWritesSurviveAKill writes to.
const crashChildEnv = "SQLITESTORE_CRASH_CHILD_DB"

// TestAcknowledgedWritesSurviveAKill runs a writer in another process,
// kills it with SIGKILL in the middle of its writes, and then finds every
// customer and access token the writer had been told were stored: what a
// crash does to a server, short of the power loss that synchronous=FULL
// also covers but a test cannot produce.
func TestAcknowledgedWritesSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	ctx := t.Context()
	st, path := openStore(t) // creates and migrates the file
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const want = 40
	acked := map[string]string{} // email -> access token
	sc := bufio.NewScanner(out)
	for len(acked) < want && sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "ack" {
			acked[f[1]] = f[2]
		}
	}
	// Kill it while it goes on writing.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // "signal: killed"
	if len(acked) < want {
		t.Fatalf("the writer acknowledged only %d writes before it ended", len(acked))
	}

	st2, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	defer st2.Close()
	svc := newService(t, st2, &capture{}, nil)
	for email, token := range acked {
		c, err := st2.CustomerByEmail(ctx, email)
		if err != nil {
			t.Errorf("acknowledged customer %s lost: %v", email, err)
			continue
		}
		got, err := svc.CustomerByAccessToken(ctx, token)
		if err != nil || got.ID != c.ID {
			t.Errorf("acknowledged access token of %s lost: %v, %v", email, got, err)
		}
	}
	var n int
	if err := st2.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(new(string)); err != nil {
		t.Errorf("integrity_check: %v", err)
	}
	if err := st2.DB().QueryRowContext(ctx, "SELECT count(*) FROM customerauth_customers").Scan(&n); err != nil || n < want {
		t.Errorf("%d customers after the kill (%v), want at least %d", n, err, want)
	}
}

// TestCrashChild is the writer process of TestAcknowledgedWritesSurviveAKill;
// run on its own it skips. It registers and logs in customers and prints
// "ack <email> <token>" after each login the Service acknowledged, until it
// is killed (or, should the parent be gone, for at most 30 seconds).
func TestCrashChild(t *testing.T) {
	dbPath := os.Getenv(crashChildEnv)
	if dbPath == "" {
		t.Skip("helper process of TestAcknowledgedWritesSurviveAKill")
	}
	ctx := t.Context()
	st, err := sqlitestore.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := newService(t, st, &capture{}, nil)
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		email := fmt.Sprintf("crash%d@example.com", i)
		if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: email, Password: "crash password"}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateAccessToken(ctx, email, "crash password")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "ack %s %s\n", email, tok.Token)
	}
}

// TestNoSecretInClear runs every flow that handles a password or a token
// through the Service and then searches every row of every table, and the
// database files themselves, for any password or token in any of the forms
// it could have been written in. Only hashes may be stored.
func TestNoSecretInClear(t *testing.T) {
	ctx := t.Context()
	st, dbPath := openStore(t)
	notes := &capture{}
	svc := newService(t, st, notes, nil)

	var passwords, tokens []string
	pw := func(s string) string { passwords = append(passwords, s); return s }
	tok := func(s string) string { tokens = append(tokens, s); return s }

	// Register and log in.
	const ann = "ann@example.com"
	if _, err := svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: ann, Password: pw("first secret password"), FirstName: "Ann"}); err != nil {
		t.Fatalf("CreateCustomer: %v", err)
	}
	login, err := svc.CreateAccessToken(ctx, ann, "first secret password")
	if err != nil {
		t.Fatalf("CreateAccessToken: %v", err)
	}
	tok(login.Token)
	if _, err := svc.RenewAccessToken(ctx, login.Token); err != nil {
		t.Fatalf("RenewAccessToken: %v", err)
	}
	// Recover twice (the second link replaces the first), then reset.
	for range 2 {
		if err := svc.Recover(ctx, ann); err != nil {
			t.Fatalf("Recover: %v", err)
		}
		tok(linkSecret(t, notes.lastURL(t, customerauth.NotifyPasswordReset, ann)))
	}
	_, afterReset, err := svc.ResetPasswordByURL(ctx, notes.lastURL(t, customerauth.NotifyPasswordReset, ann), pw("second secret password"))
	if err != nil {
		t.Fatalf("ResetPasswordByURL: %v", err)
	}
	tok(afterReset.Token)
	// Change the password while logged in.
	_, afterUpdate, err := svc.UpdateCustomer(ctx, afterReset.Token, customerauth.CustomerUpdateInput{Password: new(pw("third secret password"))})
	if err != nil {
		t.Fatalf("UpdateCustomer: %v", err)
	}
	tok(afterUpdate.Token)
	// A second login that stays, and one that logs out.
	kept, err := svc.CreateAccessToken(ctx, ann, "third secret password")
	if err != nil {
		t.Fatalf("CreateAccessToken: %v", err)
	}
	tok(kept.Token)
	gone, err := svc.CreateAccessToken(ctx, ann, "third secret password")
	if err != nil {
		t.Fatalf("CreateAccessToken: %v", err)
	}
	tok(gone.Token)
	if _, err := svc.DeleteAccessToken(ctx, gone.Token); err != nil {
		t.Fatalf("DeleteAccessToken: %v", err)
	}
	// Invite and activate.
	const bob = "bob@example.com"
	if _, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: bob}); err != nil {
		t.Fatalf("InviteCustomer: %v", err)
	}
	activation := notes.lastURL(t, customerauth.NotifyActivation, bob)
	tok(linkSecret(t, activation))
	_, activated, err := svc.ActivateByURL(ctx, activation, pw("fourth secret password"))
	if err != nil {
		t.Fatalf("ActivateByURL: %v", err)
	}
	tok(activated.Token)
	// An activation link that is never used stays stored.
	const cat = "cat@example.com"
	if _, err := svc.InviteCustomer(ctx, customerauth.InviteInput{Email: cat}); err != nil {
		t.Fatalf("InviteCustomer: %v", err)
	}
	tok(linkSecret(t, notes.lastURL(t, customerauth.NotifyActivation, cat)))

	// A Multipass login: the token is a credential until it expires.
	mp, err := svc.Multipass().Encode(customerauth.MultipassPayload{Email: "dee@example.com", Identifier: "idp-dee"})
	if err != nil {
		t.Fatal(err)
	}
	tok(mp)
	viaMultipass, err := svc.CreateAccessTokenWithMultipass(ctx, mp)
	if err != nil {
		t.Fatalf("CreateAccessTokenWithMultipass: %v", err)
	}
	tok(viaMultipass.Token)

	dump := dumpTables(t, st.DB())
	files := readFiles(t, filepath.Dir(dbPath))

	// The dump is real: it holds the rows, and the hashes of live tokens.
	for _, want := range [][]byte{[]byte(ann), []byte(bob), []byte("$argon2id$"), hashBytes(kept.Token), hashBytes(activated.Token)} {
		if !bytes.Contains(dump, want) {
			t.Fatalf("the dump lacks %q: it does not show what is stored", want)
		}
	}
	check := func(kind, secret string) {
		for _, form := range secretForms(secret) {
			if bytes.Contains(dump, form) {
				t.Errorf("a %s is stored in the clear (form %q) in the tables", kind, form)
			}
			if bytes.Contains(files, form) {
				t.Errorf("a %s is in the database files in the clear (form %q)", kind, form)
			}
		}
	}
	for _, p := range passwords {
		check("password", p)
	}
	for _, s := range tokens {
		check("token", s)
	}
}

// TestMultipassReplayIsSharedByProcesses: two Services on one database
// file, as two processes of one shop, accept a Multipass token once
// between them, because the store is their replay cache.
func TestMultipassReplayIsSharedByProcesses(t *testing.T) {
	ctx := t.Context()
	a, path := openStore(t)
	b, err := sqlitestore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	svcA, svcB := newService(t, a, &capture{}, nil), newService(t, b, &capture{}, nil)

	token, err := svcA.Multipass().Encode(customerauth.MultipassPayload{Email: "eve@example.com", Identifier: "idp-eve"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svcA.CreateAccessTokenWithMultipass(ctx, token); err != nil {
		t.Fatalf("first redemption: %v", err)
	}
	if _, err := svcB.CreateAccessTokenWithMultipass(ctx, token); err == nil {
		t.Error("the other process accepted a Multipass token that was already used")
	}
	c, err := b.CustomerByMultipassIdentifier(ctx, "idp-eve")
	if err != nil || c.EmailKey != "eve@example.com" {
		t.Errorf("CustomerByMultipassIdentifier on the other process = %v, %v", c, err)
	}
	// A new token for the same user works on either.
	again, err := svcB.Multipass().Encode(customerauth.MultipassPayload{Email: "eve@example.com", Identifier: "idp-eve"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svcB.CreateAccessTokenWithMultipass(ctx, again); err != nil {
		t.Errorf("a fresh token on the other process: %v", err)
	}
}

// secretForms returns the ways a secret could have been written: as is, in
// hex either case, and, for a hex secret (an access token, or the random
// part of a link token), the bytes the hex stands for.
func secretForms(secret string) [][]byte {
	forms := [][]byte{[]byte(secret), []byte(hex.EncodeToString([]byte(secret))), []byte(strings.ToUpper(hex.EncodeToString([]byte(secret))))}
	random, _, _ := strings.Cut(secret, "-")
	if b, err := hex.DecodeString(random); err == nil && len(b) >= 16 {
		forms = append(forms, []byte(random), []byte(strings.ToUpper(random)), b)
	}
	return forms
}

func hashBytes(token string) []byte {
	h := customerauth.HashToken(token)
	return h[:]
}

// dumpTables returns every value of every row of every table, the schema
// included, as bytes.
func dumpTables(t *testing.T, db *sql.DB) []byte {
	t.Helper()
	ctx := t.Context()
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	tables = append(tables, "sqlite_schema")

	var dump bytes.Buffer
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					dump.Write(v)
				case string:
					dump.WriteString(v)
				default:
					fmt.Fprint(&dump, v)
				}
				dump.WriteByte(0)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		t.Logf("dumped %d rows of %s", n, table)
	}
	return dump.Bytes()
}

// readFiles returns the contents of every file in dir: the database, its
// write-ahead log and shared-memory index.
func readFiles(t *testing.T, dir string) []byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}
