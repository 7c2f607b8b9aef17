package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

// hashVector is a password and its hash made by another platform's
// software (testdata/imported_hashes.json).
type hashVector struct {
	Format, Password, Hash string
}

func readHashVectors(t *testing.T) []hashVector {
	t.Helper()
	raw, err := os.ReadFile("testdata/imported_hashes.json")
	if err != nil {
		t.Fatal(err)
	}
	var all []hashVector
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	// One vector per format is enough here; the root package tests them
	// all.
	seen := map[string]bool{}
	var out []hashVector
	for _, v := range all {
		if !seen[v.Format] {
			seen[v.Format] = true
			out = append(out, v)
		}
	}
	return out
}

func TestInviteIsResumableAndResendReplacesLinks(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			b.cli(t, "", "import", "testdata/shopify_export.csv").must(t, exitFail)
			invite := func(extra ...string) inviteReport {
				t.Helper()
				args := append([]string{"invite", "-json", "-all", "-shop-url", "https://shop.example", "-print-links", "-rate", "1000/s"}, extra...)
				var rep inviteReport
				b.cli(t, "", args...).must(t, exitOK).decode(t, &rep)
				return rep
			}
			var dry inviteReport
			b.cli(t, "", "invite", "-json", "-all", "-dry-run").must(t, exitOK).decode(t, &dry)
			if dry.Sent != 3 || len(dry.Links) != 0 {
				t.Fatalf("dry run = %+v", dry)
			}
			first := invite()
			if first.Sent != 3 || first.Skipped != 0 || len(first.Links) != 3 {
				t.Fatalf("first run = %+v", first)
			}
			for email, state := range customerStates(t, b) {
				if state != "INVITED" {
					t.Errorf("%s is %s after the invitation", email, state)
				}
			}
			if second := invite(); second.Sent != 0 || second.Skipped != 3 {
				t.Fatalf("second run = %+v, want every customer skipped", second)
			}
			third := invite("-resend")
			if third.Sent != 3 {
				t.Fatalf("resend = %+v", third)
			}
			// The first links no longer work; the resent ones do.
			svc, _ := b.service(t)
			activate := func(url string) []any {
				data := graphql(t, svc.Handler(), `mutation($u: URL!) {
					customerActivateByUrl(activationUrl: $u, password: "another long passphrase") { customerUserErrors { code } }
				}`, map[string]any{"u": url})
				return dig(data, "customerActivateByUrl", "customerUserErrors").([]any)
			}
			if errs := activate(first.Links[0].URL); len(errs) != 1 {
				t.Errorf("an old link still activates: %v", errs)
			}
			if errs := activate(third.Links[0].URL); len(errs) != 0 {
				t.Errorf("the resent link fails: %v", errs)
			}
			if again := invite("-resend"); again.Sent != 2 || again.Skipped != 0 {
				t.Errorf("after one activation, resend = %+v; the enabled customer is not listed", again)
			}
		})
	}
}

func TestInviteSendsTheInvitationEmail(t *testing.T) {
	b := backends(t)[0]
	b.cli(t, "", "import", "testdata/shopify_template.csv").must(t, exitOK)
	addr, mails := startMailServer(t)
	var rep inviteReport
	b.cli(t, "", "invite", "-json", "-email", "lea@example.fr", "-shop-url", "https://shop.example",
		"-smtp", "smtp://"+addr+"?tls=none&from=shop@shop.example&shop=Maison").must(t, exitOK).decode(t, &rep)
	if rep.Sent != 1 || len(rep.Links) != 0 {
		t.Fatalf("report = %+v", rep)
	}
	m := <-mails
	if !strings.Contains(m, "lea@example.fr") || !strings.Contains(m, "Maison has moved") || !strings.Contains(m, "https://shop.example/account/activate/") {
		t.Errorf("mail does not read as an invitation:\n%s", m)
	}
}

func TestInviteReportsUnknownEmailsAndBadUsage(t *testing.T) {
	b := backends(t)[0]
	var rep inviteReport
	b.cli(t, "", "invite", "-json", "-email", "nobody@example.com", "-shop-url", "https://shop.example", "-print-links").
		must(t, exitFail).decode(t, &rep)
	if rep.Failed != 1 || rep.Errors[0].Email != "nobody@example.com" {
		t.Errorf("report = %+v", rep)
	}
	for _, args := range [][]string{
		{"invite", "-all", "-print-links"},                                                    // no -shop-url
		{"invite", "-all", "-shop-url", "https://s.example"},                                  // neither -smtp nor -print-links
		{"invite", "-shop-url", "https://s.example", "-print-links"},                          // neither -all nor -email
		{"invite", "-all", "-shop-url", "https://s.example", "-print-links", "-rate", "fast"}, // bad rate
		{"invite", "-all", "-shop-url", "https://s.example", "-smtp", "http://x"},             // bad -smtp
	} {
		b.cli(t, "", args...).must(t, exitUsage)
	}
}

func TestListShowDisableEnableErase(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			b.cli(t, "", "import", "testdata/shopify_export.csv").must(t, exitFail)
			in := `{"id":"77","email":"hash@example.com","first_name":"Hash","password_hash":"` + readHashVectors(t)[0].Hash + `"}`
			b.cli(t, in, "import", "-format", "hashes", "-").must(t, exitOK)

			var list []customerJSON
			b.cli(t, "", "list", "-json").must(t, exitOK).decode(t, &list)
			if len(list) != 4 {
				t.Fatalf("list = %+v", list)
			}
			// ID order; the JSON has exactly the documented keys.
			raw := b.cli(t, "", "list", "-json", "-limit", "1").must(t, exitOK).stdout
			var keys []map[string]json.RawMessage
			json.Unmarshal([]byte(raw), &keys)
			for _, k := range []string{"id", "email", "firstName", "lastName", "state", "tags", "createdAt"} {
				if _, ok := keys[0][k]; !ok {
					t.Errorf("list -json lacks %q: %s", k, raw)
				}
			}
			if len(keys[0]) != 7 {
				t.Errorf("list -json has extra keys: %s", raw)
			}
			b.cli(t, "", "list", "-json", "-state", "enabled").must(t, exitOK).decode(t, &list)
			if len(list) != 1 || list[0].Email != "hash@example.com" {
				t.Errorf("enabled = %+v", list)
			}
			b.cli(t, "", "list", "-json", "-search", "ÅNGSTRÖM").must(t, exitOK).decode(t, &list)
			if len(list) != 1 || list[0].LastName != "Ångström" {
				t.Errorf("search by a name outside ASCII without regard to case = %+v", list)
			}
			b.cli(t, "", "list", "-json", "-search", "ZOE.ANGSTROM").must(t, exitOK).decode(t, &list)
			if len(list) != 1 {
				t.Errorf("search by email without regard to case = %+v", list)
			}
			if out := b.cli(t, "", "list").must(t, exitOK).stdout; !strings.Contains(out, "taro@example.jp") || !strings.Contains(out, "STATE") {
				t.Errorf("list as text:\n%s", out)
			}

			b.cli(t, "", "show", "-email", "nobody@example.com").must(t, exitFail)
			b.cli(t, "", "show", "-id", "gid://shopify/Customer/1").must(t, exitFail)
			b.cli(t, "", "show").must(t, exitUsage)
			b.cli(t, "", "show", "-id", "1", "-email", "a@b.c").must(t, exitUsage)

			// A customer logged in, then disabled: the token dies.
			svc, _ := b.service(t)
			login := func() any {
				data := graphql(t, svc.Handler(), `mutation { customerAccessTokenCreate(input: {email: "hash@example.com", password: "`+readHashVectors(t)[0].Password+`"}) { customerAccessToken { accessToken } } }`, nil)
				return dig(data, "customerAccessTokenCreate", "customerAccessToken", "accessToken")
			}
			tok := login()
			if tok == nil {
				t.Fatal("the imported customer cannot log in")
			}
			b.cli(t, "", "disable", "-id", "77").must(t, exitOK)
			if c, _ := svc.CustomerByAccessToken(context.Background(), tok.(string)); c != nil {
				t.Error("a token survived disable")
			}
			if login() != nil {
				t.Error("a disabled customer logged in")
			}
			b.cli(t, "", "enable", "-id", "77").must(t, exitOK)
			if login() == nil {
				t.Error("an enabled customer cannot log in")
			}
			r := b.cli(t, "", "enable", "-email", "taro@example.jp").must(t, exitFail)
			if !strings.Contains(r.stderr, "invitation") {
				t.Errorf("enabling a customer without a password: %q", r.stderr)
			}

			// Erase: refused without -yes; then gone, with its tokens.
			tok = login()
			b.cli(t, "", "erase", "-id", "77").must(t, exitUsage)
			b.cli(t, "", "erase", "-id", "77", "-yes").must(t, exitOK)
			b.cli(t, "", "show", "-id", "77").must(t, exitFail)
			b.cli(t, "", "erase", "-id", "77", "-yes").must(t, exitFail)
			if c, _ := svc.CustomerByAccessToken(context.Background(), tok.(string)); c != nil {
				t.Error("a token survived erasure")
			}
			// The email and id can be used again, by a new customer.
			b.cli(t, in, "import", "-format", "hashes", "-").must(t, exitOK)
		})
	}
}

func TestMultipassMintsATokenTheServiceRedeems(t *testing.T) {
	const secret = "a multipass secret for testing"
	var out struct {
		Token, URL string
		ExpiresAt  time.Time
	}
	runCLI(t, "", "multipass", "-json", "-secret", secret, "-email", "mp@example.com", "-first-name", "Mia",
		"-return-to", "https://shop.example/cart", "-shop-url", "https://shop.example/").must(t, exitOK).decode(t, &out)
	if out.URL != "https://shop.example/account/login/multipass/"+out.Token {
		t.Errorf("url = %q", out.URL)
	}
	mp, _ := customerauth.NewMultipass(secret)
	p, _, err := mp.Decode(out.Token)
	if err != nil || p.Email != "mp@example.com" || p.FirstName != "Mia" || p.ReturnTo != "https://shop.example/cart" {
		t.Fatalf("decoded %+v, %v", p, err)
	}
	svc, err := customerauth.New(customerauth.Config{MultipassSecrets: []string{secret}, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateAccessTokenWithMultipass(context.Background(), out.Token); err != nil {
		t.Errorf("the Service refused the token: %v", err)
	}
	runCLI(t, "", "multipass", "-email", "x@example.com").must(t, exitUsage)
	runCLI(t, "", "multipass", "-secret", secret).must(t, exitUsage)
}

func TestUsage(t *testing.T) {
	runCLI(t, "").must(t, exitUsage)
	runCLI(t, "", "frobnicate").must(t, exitUsage)
	if r := runCLI(t, "", "help").must(t, exitOK); !strings.Contains(r.stdout, "import") {
		t.Errorf("help = %q", r.stdout)
	}
	for _, c := range commands() {
		r := runCLI(t, "", c.name, "-h").must(t, exitOK)
		if !strings.Contains(r.stderr, "-json") || !strings.Contains(r.stderr, "-store") {
			t.Errorf("%s -h does not list the common flags:\n%s", c.name, r.stderr)
		}
	}
	runCLI(t, "", "list", "-store", "oracle").must(t, exitFail)
	runCLI(t, "", "list", "-limit", "0").must(t, exitUsage)
	runCLI(t, "", "list", "-state", "sleeping").must(t, exitUsage)
	runCLI(t, "", "import").must(t, exitUsage)
	runCLI(t, "", "import", "-format", "xml", "f").must(t, exitUsage)
	runCLI(t, "", "export", "-json").must(t, exitUsage)
}
