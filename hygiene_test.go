package customerauth_test

import (
	"context"
	"fmt"
	"slices"
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
