package customerauth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shopkit/customerauth"
)

// acceptedNames are names people have: none may be refused. Each is
// registered as a first name and read back as stored.
var acceptedNames = []string{
	"Jean-Luc",
	"O'Brien",
	"D'Angelo",
	"J. R. R.",
	"J.R.R. Tolkien",
	"A.B.",
	"A. Co",
	"J.-P. Sartre",
	"St. John",
	"St. John-Smith",
	"Dr.",
	"Mrs. Robinson",
	"Ma. Teresa",
	"Ann Lee Ph.D.",
	"Smith Jr.",
	"Mary-Kate",
	"van der Berg",
	"José María",
	"Nguyễn Thị Minh Khai",
	"李小龙",
	"山田・太郎",
	"Владимир",
	"А. С. Пушкин",
	"محمد",
	"زهرا\u200cسادات", // Persian writes some names with a zero-width non-joiner
	"अनुष्का",
	"ශ්\u200dරී", // Sinhala joins some letters with a zero-width joiner
	"Ωμέγα",
	"Zoë",
	"Łukasz",
	"Louis XIV",
	"III",
	"2nd",
	"Ann (Nan) Lee",
	"Ann 1.5",
}

// hostNames hide a host a reader or a mail client would follow; each is
// refused with CONTAINS_URL.
var hostNames = []string{
	"Visit evil.de to claim",
	"secure-login.fr",
	"EVIL.DE",
	"evil.de's prize",
	"mail.co.uk",
	"x.com",
	"t.co",
	"A.Co",
	"J.Lo",
	"St.John", // a dot glued to a word reads as a host: write "St. John"
	"J.R.R.Tolkien",
	"go to 203.0.113.9/login",
	"203.0.113.9:8080",
	"[2001:db8::1]",
	"2001:db8::1",
	"see fe80::1 now",
	"https://evil.example",
	"ftp://files",
	"www.evil",
	"Visit WWW.EVIL now",
	"xn--80ak6aa92e.com",
	"claim at xn--e1afmkfd",
	"пример.рф",
	"例子.中国",
	"evil。de",       // an ideographic full stop separates labels in IDNA
	"ｅｖｉｌ．ｄｅ",       // fullwidth letters and dot
	"evil.\u200bde", // a zero-width space the reader does not see
}

// controlNames carry characters no name needs, which reorder, hide or break
// the text around them; each is refused with INVALID.
var controlNames = map[string]string{
	"LRE": "Ann\u202aLee", "RLE": "Ann\u202bLee", "PDF": "Ann\u202cLee", "LRO": "Ann\u202dLee", "RLO": "\u202eed.live",
	"LRI": "Ann\u2066Lee", "RLI": "Ann\u2067Lee", "FSI": "Ann\u2068Lee", "PDI": "Ann\u2069Lee",
	"LRM": "Ann\u200eLee", "RLM": "Ann\u200fLee", "ALM": "Ann\u061cLee",
	"line separator": "Ann\u2028Lee", "paragraph separator": "Ann\u2029Lee",
	"tab": "Ann\tLee", "line feed": "Ann\nBcc: eve@example.com", "carriage return": "Ann\rLee",
	"SOH": "Ann\x01Lee", "ESC": "Ann\x1b[31mLee", "DEL": "Ann\x7fLee", "NEL": "Ann\u0085Lee", "CSI": "Ann\u009bLee",
}

const controlMessage = " cannot contain control characters, line or paragraph separators, or text direction marks"

func TestNamesAcceptedAndRefused(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.Throttle.CreatePerIP = customerauth.Rule{Limit: -1} })
	create := func(t *testing.T, i int, input map[string]any) gqlResult {
		t.Helper()
		input["email"] = fmt.Sprintf("name%d@example.com", i)
		input["password"] = "correct horse"
		r := e.do(createDoc, map[string]any{"input": input})
		if len(r.Errors) > 0 {
			t.Fatalf("top-level errors: %s", r.Raw)
		}
		return r
	}
	stored := func(t *testing.T, i int) bool {
		t.Helper()
		_, err := e.store.CustomerByEmail(context.Background(), fmt.Sprintf("name%d@example.com", i))
		return err == nil
	}
	n := 0
	for _, name := range acceptedNames {
		n++
		t.Run("accepts "+name, func(t *testing.T) {
			r := create(t, n, map[string]any{"firstName": name, "lastName": name})
			r.noErrors(t, "customerCreate")
			if got := r.str("customerCreate", "customer", "firstName"); got != name {
				t.Errorf("firstName stored as %q", got)
			}
		})
	}
	for _, name := range hostNames {
		n++
		t.Run("refuses "+name, func(t *testing.T) {
			r := create(t, n, map[string]any{"firstName": name})
			want := []string{"CONTAINS_URL input.firstName: First name cannot contain URL"}
			if got := r.userErrors("customerCreate"); !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if stored(t, n) {
				t.Error("the customer was stored")
			}
		})
	}
	for what, name := range controlNames {
		n++
		t.Run("refuses "+what, func(t *testing.T) {
			r := create(t, n, map[string]any{"lastName": name})
			want := []string{"INVALID input.lastName: Last name" + controlMessage}
			if got := r.userErrors("customerCreate"); !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if stored(t, n) {
				t.Error("the customer was stored")
			}
		})
	}
	if got := e.mail.count(customerauth.NotifyWelcome); got != len(acceptedNames) {
		t.Errorf("%d welcome emails, want one per accepted name (%d)", got, len(acceptedNames))
	}
	if len(acceptedNames) < 25 || len(hostNames) < 20 {
		t.Errorf("the tables shrank: %d accepted, %d refused hosts", len(acceptedNames), len(hostNames))
	}
}

// TestNameRulesOnUpdate: customerUpdate applies the same rules as
// customerCreate and keeps the name it had.
func TestNameRulesOnUpdate(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	for _, tc := range []struct{ name, want string }{
		{"Visit evil.de", "CONTAINS_URL customer.firstName: First name cannot contain URL"},
		{"go to 203.0.113.9", "CONTAINS_URL customer.firstName: First name cannot contain URL"},
		{"\u202eed.live", "INVALID customer.firstName: First name" + controlMessage},
		{"Ann\u2028Lee", "INVALID customer.firstName: First name" + controlMessage},
	} {
		r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": tc.name}})
		if got := r.userErrors("customerUpdate"); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%q: got %q, want %q", tc.name, got, tc.want)
		}
	}
	r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": "J.R.R. Tolkien"}})
	r.noErrors(t, "customerUpdate")
	if got := e.customer(tok).str("customer", "firstName"); got != "J.R.R. Tolkien" {
		t.Errorf("firstName %q", got)
	}
}

// TestMultipassNamesFollowTheRules: a Multipass token's names pass the same
// checks; a refused one is refused as every bad token is.
func TestMultipassNamesFollowTheRules(t *testing.T) {
	e := newMultipassEnv(t)
	for _, name := range []string{"Visit evil.de", "Ann\u202eLee"} {
		if tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "mp@example.com", FirstName: name})); tok != "" || !slices.Equal(errs, refused) {
			t.Errorf("%q: token %q, errors %q", name, tok, errs)
		}
	}
	if tok, errs := e.redeem(e.mint(customerauth.MultipassPayload{Email: "mp@example.com", FirstName: "J.R.R.", LastName: "St. John"})); tok == "" {
		t.Errorf("initials refused: %q", errs)
	}
}

// TestAddressesAreNotNameChecked pins a decision: addresses come from the
// host (SetAddresses) or the shop's identity provider (Multipass), not from
// anonymous storefront clients, so they get the storable-text rule only. A
// company may well be called "Example.com Ltd".
func TestAddressesAreNotNameChecked(t *testing.T) {
	e := newEnv(t)
	id := e.register("ann@example.com", "correct horse")
	got, err := e.svc.SetAddresses(context.Background(), id, []customerauth.Address{{Company: "Example.com Ltd", Address1: "1 St.John St."}}, 0)
	if err != nil || len(got) != 1 || got[0].Company != "Example.com Ltd" {
		t.Fatalf("SetAddresses: %v, %+v", err, got)
	}
}

// countingStore counts the email lookups a Service makes.
type countingStore struct {
	customerauth.Store
	emailLookups atomic.Int64
}

func (s *countingStore) CustomerByEmail(ctx context.Context, key string) (*customerauth.Customer, error) {
	s.emailLookups.Add(1)
	return s.Store.CustomerByEmail(ctx, key)
}

// nulCase is one text argument with a NUL in it, sent through the handler.
type nulCase struct {
	name      string
	doc       string
	vars      func(nul string) map[string]any
	mutation  string
	field     string // as userErrors prints it
	label     string
	unchanged func(t *testing.T) // fails when something was stored
}

func TestNULIsRefusedOnEveryTextInput(t *testing.T) {
	var store *countingStore
	e := newEnv(t, func(c *customerauth.Config) {
		store = &countingStore{Store: c.Store}
		c.Store = store
	})
	ctx := context.Background()
	e.register("ann@example.com", "correct horse")
	annToken := e.login("ann@example.com", "correct horse")
	if err := e.svc.Recover(ctx, "ann@example.com"); err != nil {
		t.Fatal(err)
	}
	resetLink := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	resetID, resetToken := splitLink(resetLink)
	invited, err := e.svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "bob@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	activationLink := e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL
	_, activationToken := splitLink(activationLink)

	noCustomer := func(email string) func(t *testing.T) {
		return func(t *testing.T) {
			t.Helper()
			if _, err := e.store.CustomerByEmail(ctx, email); err == nil {
				t.Errorf("%s was stored", email)
			}
		}
	}
	annUnchanged := func(t *testing.T) {
		t.Helper()
		r := e.customer(annToken)
		if r.str("customer", "email") != "ann@example.com" || r.str("customer", "firstName") != "Ann" || r.get("customer", "phone") != nil {
			t.Errorf("ann changed: %s", r.Raw)
		}
	}
	notRedeemed := func(t *testing.T) {
		t.Helper()
		c, err := e.store.CustomerByEmail(ctx, "bob@example.com")
		if err != nil || c.State != customerauth.StateInvited {
			t.Errorf("bob: %v, %+v", err, c)
		}
	}
	create := func(field string) func(nul string) map[string]any {
		return func(nul string) map[string]any {
			in := map[string]any{"email": "new@example.com", "password": "correct horse", "firstName": "New", "lastName": "Lee", "phone": "+16135550123"}
			in[field] = in[field].(string)[:2] + nul + in[field].(string)[2:]
			return map[string]any{"input": in}
		}
	}
	update := func(field, value string) func(nul string) map[string]any {
		return func(nul string) map[string]any {
			return map[string]any{"customerAccessToken": annToken, "customer": map[string]any{field: value[:2] + nul + value[2:]}}
		}
	}
	cases := []nulCase{
		{"create email", createDoc, create("email"), "customerCreate", "input.email", "Email", noCustomer("new@example.com")},
		{"create password", createDoc, create("password"), "customerCreate", "input.password", "Password", noCustomer("new@example.com")},
		{"create first name", createDoc, create("firstName"), "customerCreate", "input.firstName", "First name", noCustomer("new@example.com")},
		{"create last name", createDoc, create("lastName"), "customerCreate", "input.lastName", "Last name", noCustomer("new@example.com")},
		{"create phone", createDoc, create("phone"), "customerCreate", "input.phone", "Phone", noCustomer("new@example.com")},
		{"update email", updateDoc, update("email", "ann2@example.com"), "customerUpdate", "customer.email", "Email", annUnchanged},
		{"update password", updateDoc, update("password", "new password"), "customerUpdate", "customer.password", "Password", annUnchanged},
		{"update first name", updateDoc, update("firstName", "Anna"), "customerUpdate", "customer.firstName", "First name", annUnchanged},
		{"update last name", updateDoc, update("lastName", "Leigh"), "customerUpdate", "customer.lastName", "Last name", annUnchanged},
		{"update phone", updateDoc, update("phone", "+16135550199"), "customerUpdate", "customer.phone", "Phone", annUnchanged},
		{"reset password", resetDoc, func(nul string) map[string]any {
			return map[string]any{"id": resetID, "input": map[string]any{"resetToken": resetToken, "password": "new" + nul + "password"}}
		}, "customerReset", "input.password", "Password", annUnchanged},
		{"reset by URL password", resetByURLDoc, func(nul string) map[string]any {
			return map[string]any{"resetUrl": resetLink, "password": "new" + nul + "password"}
		}, "customerResetByUrl", "password", "Password", annUnchanged},
		{"activate password", activateDoc, func(nul string) map[string]any {
			return map[string]any{"id": invited.ID, "input": map[string]any{"activationToken": activationToken, "password": "new" + nul + "password"}}
		}, "customerActivate", "input.password", "Password", notRedeemed},
		{"activate by URL password", activateByURLDoc, func(nul string) map[string]any {
			return map[string]any{"activationUrl": activationLink, "password": "new" + nul + "password"}
		}, "customerActivateByUrl", "password", "Password", notRedeemed},
	}
	sent := len(e.mail.All())
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.doc, tc.vars("\x00")) // json.Marshal sends it as \u0000
			if len(r.Errors) > 0 {
				t.Fatalf("top-level errors: %s", r.Raw)
			}
			want := []string{"INVALID " + tc.field + ": " + tc.label + " cannot contain NUL characters"}
			if got := r.userErrors(tc.mutation); !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			tc.unchanged(t)
		})
	}
	// A link with a NUL does not parse: it is refused as any malformed link.
	r := e.do(resetByURLDoc, map[string]any{"resetUrl": strings.Replace(resetLink, "/reset/", "/reset/\x00", 1), "password": "new password"})
	if got, want := r.userErrors("customerResetByUrl"), []string{"INVALID resetUrl: Reset URL is invalid"}; !slices.Equal(got, want) {
		t.Errorf("reset URL with NUL: got %q, want %q", got, want)
	}
	annUnchanged(t)

	// The links were not used up by the refused requests.
	if _, _, err := e.svc.ResetPasswordByURL(ctx, resetLink, "new password"); err != nil {
		t.Errorf("reset link after the refusals: %v", err)
	}
	if _, _, err := e.svc.ActivateByURL(ctx, activationLink, "new password"); err != nil {
		t.Errorf("activation link after the refusals: %v", err)
	}
	sent++ // the password-changed notice of the reset just made

	// Login and recovery answer the same for an email with an account and
	// one without, and look neither up.
	lookups := store.emailLookups.Load()
	for _, email := range []string{"ann@example.com", "nobody@example.com"} {
		r = e.do(loginDoc, map[string]any{"input": map[string]any{"email": email + "\x00", "password": "correct horse"}})
		if got, want := r.userErrors("customerAccessTokenCreate"), []string{"INVALID input.email: Email cannot contain NUL characters"}; !slices.Equal(got, want) {
			t.Errorf("login %s: got %q, want %q", email, got, want)
		}
		r = e.do(loginDoc, map[string]any{"input": map[string]any{"email": email, "password": "correct\x00horse"}})
		if got, want := r.userErrors("customerAccessTokenCreate"), []string{"INVALID input.password: Password cannot contain NUL characters"}; !slices.Equal(got, want) {
			t.Errorf("login %s: got %q, want %q", email, got, want)
		}
		r = e.do(recoverDoc, map[string]any{"email": "\x00" + email})
		if got, want := r.userErrors("customerRecover"), []string{"INVALID email: Email cannot contain NUL characters"}; !slices.Equal(got, want) {
			t.Errorf("recover %s: got %q, want %q", email, got, want)
		}
	}
	if n := store.emailLookups.Load() - lookups; n != 0 {
		t.Errorf("refused logins and recoveries looked up %d emails", n)
	}
	if got := len(e.mail.All()); got != sent {
		t.Errorf("%d notifications sent by refused requests", got-sent)
	}
}

// TestNULInARawJSONBody sends the escape as a client writes it.
func TestNULInARawJSONBody(t *testing.T) {
	e := newEnv(t)
	body := `{"query":"mutation($e: String!) { customerRecover(email: $e) { customerUserErrors { code field message } } }","variables":{"e":"ann\u0000@example.com"}}`
	req := httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	r := e.send(req)
	if got, want := r.userErrors("customerRecover"), []string{"INVALID email: Email cannot contain NUL characters"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q (%s)", got, want, r.Raw)
	}
}

// TestUnstorableTextThroughTheGoAPI covers what JSON cannot carry (invalid
// UTF-8) and the methods the GraphQL API does not reach.
func TestUnstorableTextThroughTheGoAPI(t *testing.T) {
	e := newMultipassEnv(t)
	ctx := context.Background()
	id := e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	const bad = "\xff\xfe"
	notUTF8 := func(field, label string) []string {
		return []string{"INVALID " + field + ": " + label + " is not valid UTF-8"}
	}
	hasNUL := func(field, label string) []string {
		return []string{"INVALID " + field + ": " + label + " cannot contain NUL characters"}
	}
	lines := func(err error) []string {
		out := []string{}
		for _, ue := range customerauth.UserErrors(err) {
			out = append(out, string(ue.Code)+" "+strings.Join(ue.Field, ".")+": "+ue.Message)
		}
		return out
	}
	sent := len(e.mail.All())
	for _, tc := range []struct {
		name string
		call func() error
		want []string
	}{
		{"create email", func() error {
			_, err := e.svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "new" + bad + "@example.com", Password: "correct horse"})
			return err
		}, notUTF8("email", "Email")},
		{"create names and password at once", func() error {
			_, err := e.svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{Email: "new@example.com", Password: "correct" + bad, FirstName: bad, LastName: "x\x00"})
			return err
		}, append(append(notUTF8("password", "Password"), notUTF8("firstName", "First name")...), hasNUL("lastName", "Last name")...)},
		{"login", func() error {
			_, err := e.svc.CreateAccessToken(ctx, "ann@example.com", "correct horse"+bad)
			return err
		}, notUTF8("password", "Password")},
		{"recover", func() error { return e.svc.Recover(ctx, "ann@example.com"+bad) }, notUTF8("email", "Email")},
		{"update", func() error {
			name := "Ann" + bad
			_, _, err := e.svc.UpdateCustomer(ctx, tok, customerauth.CustomerUpdateInput{LastName: &name})
			return err
		}, notUTF8("lastName", "Last name")},
		{"invite tag", func() error {
			_, err := e.svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "tag@example.com", Tags: []string{"vip", "a\x00b"}})
			return err
		}, hasNUL("tags.1", "Tag")},
		{"invite email", func() error {
			_, err := e.svc.InviteCustomer(ctx, customerauth.InviteInput{Email: "tag" + bad + "@example.com"})
			return err
		}, notUTF8("email", "Email")},
		{"address field", func() error {
			_, err := e.svc.SetAddresses(ctx, id, []customerauth.Address{{Address1: "1 Main St"}, {City: "Ott\x00awa"}}, 0)
			return err
		}, hasNUL("addresses.1.city", "City")},
		{"address name", func() error {
			_, err := e.svc.SetAddresses(ctx, id, []customerauth.Address{{FirstName: bad}}, 0)
			return err
		}, notUTF8("addresses.0.firstName", "First name")},
		{"multipass identifier", func() error { return e.svc.LinkMultipassIdentifier(ctx, id, "idp\x00-1") }, hasNUL("identifier", "Identifier")},
		{"reset password", func() error {
			_, _, err := e.svc.ResetPassword(ctx, id, "0123456789abcdef0123456789abcdef-1775044800", "new password"+bad)
			return err
		}, notUTF8("password", "Password")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(tc.call()); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	c, err := e.store.CustomerByEmail(ctx, "ann@example.com")
	if err != nil || len(c.Addresses) != 0 || c.MultipassIdentifier != "" || c.LastName != "Lee" {
		t.Errorf("ann changed: %v, %+v", err, c)
	}
	for _, email := range []string{"new@example.com", "tag@example.com"} {
		if _, err := e.store.CustomerByEmail(ctx, email); err == nil {
			t.Errorf("%s was stored", email)
		}
	}
	if got := len(e.mail.All()); got != sent {
		t.Errorf("%d notifications sent by refused calls", got-sent)
	}
}

// TestMultipassPayloadWithNUL: JSON's \u0000 survives the token's UTF-8
// check; every field with one is refused like any bad token, and nothing
// is stored.
func TestMultipassPayloadWithNUL(t *testing.T) {
	e := newMultipassEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		p    customerauth.MultipassPayload
	}{
		{"email", customerauth.MultipassPayload{Email: "mp\x00@example.com"}},
		{"first name", customerauth.MultipassPayload{Email: "mp@example.com", FirstName: "A\x00"}},
		{"tag string", customerauth.MultipassPayload{Email: "mp@example.com", TagString: "vip,\x00"}},
		{"identifier", customerauth.MultipassPayload{Email: "mp@example.com", Identifier: "idp\x00"}},
		{"return to", customerauth.MultipassPayload{Email: "mp@example.com", ReturnTo: "https://shop.example/\x00"}},
		{"address", customerauth.MultipassPayload{Email: "mp@example.com", Addresses: []customerauth.MultipassAddress{{City: "Ott\x00awa"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tok, errs := e.redeem(e.mint(tc.p)); tok != "" || !slices.Equal(errs, refused) {
				t.Errorf("token %q, errors %q", tok, errs)
			}
			if _, err := e.store.CustomerByEmail(ctx, "mp@example.com"); err == nil {
				t.Error("the customer was stored")
			}
		})
	}
	if !strings.Contains(e.logs.String(), "cannot contain NUL characters") {
		t.Errorf("the debug log does not give the reason:\n%s", e.logs.String())
	}
}
