package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestImportShopifyExportThenActivateThroughTheAPI(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var rep importReport
			b.cli(t, "", "import", "-json", "testdata/shopify_export.csv").must(t, exitFail).decode(t, &rep)
			if rep.Created != 3 || rep.Updated != 0 || rep.Unchanged != 0 || rep.Failed != 2 {
				t.Fatalf("report = %+v, want 3 created and 2 failed", rep)
			}
			// The failures name the line each record starts on: the first
			// record spans lines 2 and 3.
			var lines []int
			for _, e := range rep.Errors {
				lines = append(lines, e.Line)
			}
			if !slices.Equal(lines, []int{5, 6}) {
				t.Errorf("error lines = %v, want [5 6]: %+v", lines, rep.Errors)
			}
			if rep.Errors[0].Email != "not-an-email" || !strings.Contains(rep.Errors[0].Error, "email") {
				t.Errorf("first error = %+v, want the invalid email named", rep.Errors[0])
			}
			if !strings.Contains(rep.Errors[1].Error, "Accepts Email Marketing") {
				t.Errorf("second error = %+v, want the bad boolean's column named", rep.Errors[1])
			}

			// Importing the same file again changes nothing.
			b.cli(t, "", "import", "-json", "testdata/shopify_export.csv").must(t, exitFail).decode(t, &rep)
			if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 3 || rep.Failed != 2 {
				t.Fatalf("second import = %+v, want 3 unchanged", rep)
			}

			var shown struct{ Customer customerJSON }
			b.cli(t, "", "show", "-json", "-id", "7085491241234").must(t, exitOK).decode(t, &shown)
			c := shown.Customer
			if c.ID != "gid://shopify/Customer/7085491241234" || c.Email != "Zoe.Angstrom@example.com" ||
				c.FirstName != "Zoë" || c.LastName != "Ångström" || c.State != "DISABLED" || c.Phone != "+16135550102" ||
				!*c.AcceptsMarketing || *c.AcceptsSMSMarketing || *c.TaxExempt || *c.HasPassword ||
				c.Note != "Prefers email.\nCall before delivery, please." || !slices.Equal(c.Tags, []string{"vip", "wholesale"}) {
				t.Errorf("imported customer = %+v", c)
			}
			if len(c.Addresses) != 1 || !c.Addresses[0].Default || c.Addresses[0].Company != "Ångström & Co, Ltd" ||
				c.Addresses[0].Zip != "K1M 1M4" || c.Addresses[0].ProvinceCode != "ON" || c.Addresses[0].CountryCode != "CA" ||
				c.Addresses[0].Phone != "+16135550101" || c.Addresses[0].FirstName != "Zoë" {
				t.Errorf("imported address = %+v", c.Addresses)
			}
			b.cli(t, "", "show", "-json", "-email", "taro@example.jp").must(t, exitOK).decode(t, &shown)
			if a := shown.Customer.Addresses; len(a) != 1 || a[0].ProvinceCode != "13" || a[0].CountryCode != "JP" || !*shown.Customer.TaxExempt {
				t.Errorf("JP-13 should be Tokyo's code 13 in JP: %+v", shown.Customer)
			}

			// Invite, then activate the invitation through the API.
			var inv inviteReport
			b.cli(t, "", "invite", "-json", "-email", "zoe.angstrom@example.com", "-shop-url", "https://shop.example", "-print-links").
				must(t, exitOK).decode(t, &inv)
			if inv.Sent != 1 || len(inv.Links) != 1 || !strings.HasPrefix(inv.Links[0].URL, "https://shop.example/account/activate/7085491241234/") {
				t.Fatalf("invite = %+v", inv)
			}
			svc, _ := b.service(t)
			data := graphql(t, svc.Handler(), `mutation($url: URL!, $pw: String!) {
				customerActivateByUrl(activationUrl: $url, password: $pw) {
					customer { id email }
					customerAccessToken { accessToken }
					customerUserErrors { code field message }
				}
			}`, map[string]any{"url": inv.Links[0].URL, "pw": "a long new passphrase"})
			if errs := dig(data, "customerActivateByUrl", "customerUserErrors"); len(errs.([]any)) != 0 {
				t.Fatalf("activation refused: %v", errs)
			}
			token := dig(data, "customerActivateByUrl", "customerAccessToken", "accessToken").(string)
			data = graphql(t, svc.Handler(), `query($t: String!) {
				customer(customerAccessToken: $t) { id email firstName tags defaultAddress { city zip provinceCode countryCodeV2 } }
			}`, map[string]any{"t": token})
			if id := dig(data, "customer", "id"); id != "gid://shopify/Customer/7085491241234" {
				t.Errorf("customer id = %v, want Shopify's", id)
			}
			if city := dig(data, "customer", "defaultAddress", "city"); city != "Ottawa" {
				t.Errorf("default address = %v", dig(data, "customer", "defaultAddress"))
			}

			// Importing again keeps the password the customer chose.
			b.cli(t, "", "import", "-json", "testdata/shopify_export.csv").must(t, exitFail).decode(t, &rep)
			if rep.Unchanged != 3 {
				t.Errorf("import after activation = %+v", rep)
			}
			b.cli(t, "", "show", "-json", "-id", "7085491241234").must(t, exitOK).decode(t, &shown)
			if shown.Customer.State != "ENABLED" || !*shown.Customer.HasPassword {
				t.Errorf("after re-import: %+v", shown.Customer)
			}
		})
	}
}

func TestImportAcceptsShopifysOlderTemplate(t *testing.T) {
	b := backends(t)[0]
	var rep importReport
	b.cli(t, "", "import", "-json", "testdata/shopify_template.csv").must(t, exitOK).decode(t, &rep)
	if rep.Created != 2 || rep.Failed != 0 {
		t.Fatalf("report = %+v", rep)
	}
	var shown struct{ Customer customerJSON }
	b.cli(t, "", "show", "-json", "-email", "lea@example.fr").must(t, exitOK).decode(t, &shown)
	c := shown.Customer
	if !strings.HasPrefix(c.ID, "gid://shopify/Customer/") || len(c.Addresses) != 1 || c.Addresses[0].CountryCode != "FR" ||
		c.Addresses[0].City != "Paris" || !slices.Equal(c.Tags, []string{"fr", "vip"}) || c.Phone != "+33612345678" {
		t.Errorf("imported = %+v", c)
	}
}

func TestImportRefusesAFileMissingAColumnBeforeWriting(t *testing.T) {
	b := backends(t)[0]
	file := filepath.Join(t.TempDir(), "no-email.csv")
	if err := os.WriteFile(file, []byte("Customer ID,First Name,Last Name\n'1,Ann,Lee\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := b.cli(t, "", "import", file).must(t, exitFail)
	if !strings.Contains(r.stderr, "Email") {
		t.Errorf("stderr = %q, want the missing column named", r.stderr)
	}
	var list []customerJSON
	b.cli(t, "", "list", "-json").must(t, exitOK).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("customers after a refused file: %v", list)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	b := backends(t)[0]
	var rep importReport
	b.cli(t, "", "import", "-json", "-dry-run", "testdata/shopify_export.csv").must(t, exitFail).decode(t, &rep)
	if rep.Created != 3 || rep.Failed != 2 || !rep.DryRun {
		t.Fatalf("dry run = %+v", rep)
	}
	var list []customerJSON
	b.cli(t, "", "list", "-json").must(t, exitOK).decode(t, &list)
	if len(list) != 0 {
		t.Errorf("a dry run stored %d customers", len(list))
	}
}

func TestImportReadsStdin(t *testing.T) {
	b := backends(t)[0]
	in := `{"email":"kim@example.com","first_name":"Kim","id":42,"tags":"a, b","language":"pt-BR"}` + "\n"
	var rep importReport
	b.cli(t, in, "import", "-json", "-format", "hashes", "-").must(t, exitOK).decode(t, &rep)
	if rep.Created != 1 {
		t.Fatalf("report = %+v", rep)
	}
	var shown struct{ Customer customerJSON }
	b.cli(t, "", "show", "-json", "-id", "gid://shopify/Customer/42").must(t, exitOK).decode(t, &shown)
	if shown.Customer.Language != "PT_BR" || !slices.Equal(shown.Customer.Tags, []string{"a", "b"}) {
		t.Errorf("imported = %+v", shown.Customer)
	}
}

func TestImportConflictsAreReportedNotMerged(t *testing.T) {
	b := backends(t)[0]
	dir := t.TempDir()
	first := filepath.Join(dir, "first.jsonl")
	second := filepath.Join(dir, "second.jsonl")
	os.WriteFile(first, []byte(`{"id":"100","email":"pat@example.com","phone":"+14155550100"}`+"\n"), 0o600)
	// 200 has 100's email: a different customer, never merged. 300 has
	// 100's phone. 400 repeats itself.
	os.WriteFile(second, []byte(strings.Join([]string{
		`{"id":"200","email":"PAT@example.com"}`,
		`{"id":"300","email":"sam@example.com","phone":"+1 415 555 0100"}`,
		`{"id":"400","email":"lou@example.com"}`,
		`{"id":"400","email":"lou2@example.com"}`,
		`{"id":"500","email":"max@example.com"}`,
	}, "\n")), 0o600)
	b.cli(t, "", "import", "-format", "hashes", first).must(t, exitOK)
	var rep importReport
	b.cli(t, "", "import", "-json", "-format", "hashes", second).must(t, exitFail).decode(t, &rep)
	if rep.Created != 2 || rep.Failed != 3 {
		t.Fatalf("report = %+v, want 400 and 500 created, 200, 300 and the second 400 failed", rep)
	}
	want := []string{"another customer", "Phone has already been taken", "repeats line 3"}
	for i, e := range rep.Errors {
		if !strings.Contains(e.Error, want[i]) {
			t.Errorf("error %d = %+v, want it to say %q", i, e, want[i])
		}
	}
	var shown struct{ Customer customerJSON }
	b.cli(t, "", "show", "-json", "-id", "100").must(t, exitOK).decode(t, &shown)
	if shown.Customer.Email != "pat@example.com" {
		t.Errorf("customer 100 changed: %+v", shown.Customer)
	}
}

// TestImportLargeFile imports 50,000 rows, then imports them again.
func TestImportLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 50,000 rows; skipped in -short")
	}
	file := filepath.Join(t.TempDir(), "large.csv")
	writeLargeExport(t, file, 50_000)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var rep importReport
			b.cli(t, "", "import", "-json", "-batch", "1000", file).must(t, exitOK).decode(t, &rep)
			if rep.Created != 50_000 || rep.Failed != 0 {
				t.Fatalf("report = %+v", rep)
			}
			b.cli(t, "", "import", "-json", "-batch", "1000", file).must(t, exitOK).decode(t, &rep)
			if rep.Unchanged != 50_000 {
				t.Fatalf("second import = %+v", rep)
			}
			var list []customerJSON
			b.cli(t, "", "list", "-json", "-search", "number 49999").must(t, exitOK).decode(t, &list)
			if len(list) != 1 || list[0].ID != "gid://shopify/Customer/9000000049999" {
				t.Errorf("search = %+v", list)
			}
		})
	}
}

// writeLargeExport writes n rows of Shopify's export with the quirks of
// real ones: guards, a quoted note across two lines, unicode.
func writeLargeExport(t testing.TB, file string, n int) {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("\ufeff" + shopifyHeader + "\r\n")
	for i := range n {
		fmt.Fprintf(&sb, "'%d,Zoë,Number %d,customer%d@example.com,%s,,%d Main St,,Ottawa,ON,CA,'K1A 0B%d,,,no,0.00,0,\"Note for %d,\r\nsecond line\",no,\"tag%d, imported\"\r\n",
			9000000000000+i, i, i, []string{"yes", "no"}[i%2], i, i%10, i, i%7)
	}
	if err := os.WriteFile(file, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

const shopifyHeader = "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags"

func TestExportThenImportGivesTheSameCustomers(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			b.cli(t, "", "import", "testdata/shopify_export.csv").must(t, exitFail)
			b.cli(t, "", "import", "testdata/shopify_template.csv").must(t, exitOK)
			out := filepath.Join(t.TempDir(), "export.csv")
			var ex struct{ Exported int }
			b.cli(t, "", "export", "-json", "-o", out).must(t, exitOK).decode(t, &ex)
			if ex.Exported != 5 {
				t.Fatalf("exported %d, want 5", ex.Exported)
			}
			// Into the same store: nothing changes.
			var rep importReport
			b.cli(t, "", "import", "-json", out).must(t, exitOK).decode(t, &rep)
			if rep.Unchanged != 5 {
				t.Errorf("re-import into the same store = %+v", rep)
			}
			// Into a fresh store: the same customers.
			fresh := backends(t)[0]
			fresh.cli(t, "", "import", "-json", out).must(t, exitOK).decode(t, &rep)
			if rep.Created != 5 {
				t.Fatalf("import into a fresh store = %+v", rep)
			}
			if a, b := details(t, b), details(t, fresh); !slices.Equal(a, b) {
				t.Errorf("customers differ after export and import:\n%s\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
		})
	}
}

// details lists every customer of b as show prints it, without the times.
func details(t *testing.T, b backend) []string {
	t.Helper()
	var list []customerJSON
	b.cli(t, "", "list", "-json", "-limit", "1000").must(t, exitOK).decode(t, &list)
	var out []string
	for _, c := range list {
		var shown struct{ Customer customerJSON }
		b.cli(t, "", "show", "-json", "-id", c.ID).must(t, exitOK).decode(t, &shown)
		d := shown.Customer
		d.CreatedAt, d.UpdatedAt = time.Time{}, nil
		for i := range d.Addresses {
			d.Addresses[i].ID = ""
		}
		flags := fmt.Sprint(*d.AcceptsMarketing, *d.AcceptsSMSMarketing, *d.TaxExempt, *d.HasPassword)
		d.AcceptsMarketing, d.AcceptsSMSMarketing, d.TaxExempt, d.HasPassword = nil, nil, nil, nil
		out = append(out, fmt.Sprintf("%+v %s", d, flags))
	}
	return out
}

func TestImportedPasswordHashesLogInAndAreUpgraded(t *testing.T) {
	b := backends(t)[0]
	vectors := readHashVectors(t)
	var lines []string
	for i, v := range vectors {
		lines = append(lines, fmt.Sprintf(`{"email":"user%d@example.com","password_hash":%q}`, i, v.Hash))
	}
	var rep importReport
	b.cli(t, strings.Join(lines, "\n"), "import", "-json", "-format", "hashes", "-").must(t, exitOK).decode(t, &rep)
	if rep.Created != len(vectors) {
		t.Fatalf("report = %+v", rep)
	}
	svc, _ := b.service(t)
	for i, v := range vectors {
		t.Run(v.Format, func(t *testing.T) {
			email := fmt.Sprintf("user%d@example.com", i)
			login := func(pw string) any {
				data := graphql(t, svc.Handler(), `mutation($e: String!, $p: String!) {
					customerAccessTokenCreate(input: {email: $e, password: $p}) { customerAccessToken { accessToken } }
				}`, map[string]any{"e": email, "p": pw})
				return dig(data, "customerAccessTokenCreate", "customerAccessToken")
			}
			if login(v.Password+"x") != nil {
				t.Fatal("a wrong password logged in")
			}
			if login(v.Password) == nil {
				t.Fatalf("the %s password did not log in", v.Format)
			}
			c, err := svc.CustomerByEmail(context.Background(), email)
			if err != nil || !strings.HasPrefix(c.PasswordHash, "$argon2id$") {
				t.Fatalf("hash after login = %q, %v; want argon2id", c.PasswordHash, err)
			}
			if login(v.Password) == nil {
				t.Fatal("the upgraded hash does not log in")
			}
		})
	}
}

func TestImportRefusesUnusableHashes(t *testing.T) {
	b := backends(t)[0]
	in := strings.Join([]string{
		`{"email":"a@example.com","password_hash":"md5$abc$def"}`,
		`{"email":"b@example.com","password_hash":"$6$rounds=999999999$salt$` + strings.Repeat("a", 86) + `"}`,
		`{"email":"c@example.com","password_hash":"$2b$31$` + strings.Repeat("a", 53) + `"}`,
	}, "\n")
	var rep importReport
	b.cli(t, in, "import", "-json", "-format", "hashes", "-").must(t, exitFail).decode(t, &rep)
	if rep.Failed != 3 || rep.Created != 0 {
		t.Fatalf("report = %+v", rep)
	}
	for _, e := range rep.Errors {
		if !strings.Contains(e.Error, "passwordHash") || strings.Contains(e.Error, "aaaa") {
			t.Errorf("error %+v should name the hash field without repeating the hash", e)
		}
	}
}

// customerStates maps emails to states, through list -json.
func customerStates(t *testing.T, b backend) map[string]string {
	t.Helper()
	var list []customerJSON
	b.cli(t, "", "list", "-json", "-limit", "1000").must(t, exitOK).decode(t, &list)
	out := map[string]string{}
	for _, c := range list {
		out[c.Email] = c.State
	}
	return out
}
