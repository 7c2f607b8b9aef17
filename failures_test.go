package customerauth_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

func TestCustomerCreateRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	e.register("taken@example.com", "correct horse")
	r := e.do(createDoc, map[string]any{"input": map[string]any{"email": "phone@example.com", "password": "correct horse", "phone": "+16135550000"}})
	r.noErrors(t, "customerCreate")

	long := strings.Repeat("a", 256)
	for _, tc := range []struct {
		name  string
		input map[string]any
		want  []string
	}{
		{"email taken", map[string]any{"email": "taken@example.com"}, []string{"TAKEN input.email: Email has already been taken"}},
		{"email taken in another case", map[string]any{"email": "TAKEN@Example.com"}, []string{"TAKEN input.email: Email has already been taken"}},
		{"blank email", map[string]any{"email": "  "}, []string{"BLANK input.email: Email can't be blank"}},
		{"malformed email", map[string]any{"email": "ann.example.com"}, []string{"INVALID input.email: Email is invalid"}},
		{"email with space", map[string]any{"email": "ann lee@example.com"}, []string{"INVALID input.email: Email is invalid"}},
		{"domain without dot", map[string]any{"email": "ann@localhost"}, []string{"BAD_DOMAIN input.email: Email contains an invalid domain name"}},
		{"numeric top-level domain", map[string]any{"email": "ann@10.0.0.1"}, []string{"BAD_DOMAIN input.email: Email contains an invalid domain name"}},
		{"label with underscore", map[string]any{"email": "ann@ex_ample.com"}, []string{"BAD_DOMAIN input.email: Email contains an invalid domain name"}},
		{"html in first name", map[string]any{"firstName": "<script>alert(1)</script>"}, []string{"CONTAINS_HTML_TAGS input.firstName: First name cannot contain HTML tags"}},
		{"url in last name", map[string]any{"lastName": "visit https://spam.example"}, []string{"CONTAINS_URL input.lastName: Last name cannot contain URL"}},
		{"domain in first name", map[string]any{"firstName": "cheap-pills.com"}, []string{"CONTAINS_URL input.firstName: First name cannot contain URL"}},
		{"long first name", map[string]any{"firstName": long}, []string{"TOO_LONG input.firstName: First name is too long (maximum is 255 characters)"}},
		{"phone not E.164", map[string]any{"phone": "613-555-1111"}, []string{"INVALID input.phone: Phone is invalid"}},
		{"phone taken", map[string]any{"phone": "+1 613 555 0000"}, []string{"TAKEN input.phone: Phone has already been taken"}},
		{"short password", map[string]any{"password": "seven c"}, []string{"TOO_SHORT input.password: Password is too short (minimum is 8 characters)"}},
		{"long password", map[string]any{"password": strings.Repeat("p", 257)}, []string{"TOO_LONG input.password: Password is too long (maximum is 256 characters)"}},
		{"password with leading space", map[string]any{"password": " correct horse"}, []string{"PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE input.password: Password cannot start or end with whitespace"}},
		{"password with trailing newline", map[string]any{"password": "correct horse\n"}, []string{"PASSWORD_STARTS_OR_ENDS_WITH_WHITESPACE input.password: Password cannot start or end with whitespace"}},
		{"blank password", map[string]any{"password": ""}, []string{"BLANK input.password: Password can't be blank"}},
		{"several problems at once", map[string]any{"email": "nope", "password": "short", "firstName": "<b>x</b>"}, []string{
			"INVALID input.email: Email is invalid",
			"CONTAINS_HTML_TAGS input.firstName: First name cannot contain HTML tags",
			"TOO_SHORT input.password: Password is too short (minimum is 8 characters)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := map[string]any{"email": "new@example.com", "password": "correct horse"}
			for k, v := range tc.input {
				input[k] = v
			}
			r := e.do(createDoc, map[string]any{"input": input})
			if len(r.Errors) > 0 {
				t.Fatalf("top-level errors: %s", r.Raw)
			}
			if got := r.userErrors("customerCreate"); !slices.Equal(got, tc.want) {
				t.Errorf("customerUserErrors = %q, want %q", got, tc.want)
			}
			if r.get("customerCreate", "customer") != nil {
				t.Error("customer is not null")
			}
			// The deprecated list mirrors the new one without codes.
			if n := len(r.get("customerCreate", "userErrors").([]any)); n != len(tc.want) {
				t.Errorf("userErrors has %d entries, want %d", n, len(tc.want))
			}
		})
	}
	if _, err := e.store.CustomerByEmail(context.Background(), "new@example.com"); err == nil {
		t.Error("a refused registration stored a customer")
	}
}

func TestCustomerCreateForAnInvitedEmailSendsActivation(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	first := e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL

	r := e.do(createDoc, map[string]any{"input": map[string]any{"email": "Bob@example.com", "password": "bobs password"}})
	want := []string{"CUSTOMER_DISABLED input: We have sent an email to bob@example.com, please click the link included to verify your email address."}
	if got := r.userErrors("customerCreate"); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	second := e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL
	if second == first {
		t.Fatal("no new activation email")
	}
	if got := e.do(activateByURLDoc, map[string]any{"activationUrl": first, "password": "bobs password"}).userErrors("customerActivateByUrl"); len(got) != 1 || !strings.HasPrefix(got[0], "TOKEN_INVALID") {
		t.Errorf("the replaced link still works: %v", got)
	}
	e.do(activateByURLDoc, map[string]any{"activationUrl": second, "password": "bobs password"}).noErrors(t, "customerActivateByUrl")
}

func TestCustomerCreateWithEmailVerificationInvites(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.RequireEmailVerification = true })
	r := e.do(createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}})
	r.noErrors(t, "customerCreate")
	r = e.do(loginDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}})
	if got := r.userErrors("customerAccessTokenCreate"); len(got) != 1 {
		t.Fatalf("unverified account logged in: %s", r.Raw)
	}
	link := e.mail.last(t, customerauth.NotifyActivation, "ann@example.com").URL
	e.do(activateByURLDoc, map[string]any{"activationUrl": link, "password": "chosen at activation"}).noErrors(t, "customerActivateByUrl")
	e.login("ann@example.com", "chosen at activation")
}

func TestLoginFailuresAreIndistinguishable(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	if _, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "invited@example.com"}); err != nil {
		t.Fatal(err)
	}
	disabled := e.register("disabled@example.com", "correct horse")
	if err := e.svc.DisableCustomer(context.Background(), disabled); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, tc := range []struct{ name, email, password string }{
		{"wrong password", "ann@example.com", "wrong horse"},
		{"unknown email", "nobody@example.com", "correct horse"},
		{"invited account", "invited@example.com", "correct horse"},
		{"disabled account", "disabled@example.com", "correct horse"},
		{"empty password", "ann@example.com", ""},
		{"huge password", "ann@example.com", strings.Repeat("x", 100000)},
	} {
		r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": tc.email, "password": tc.password}})
		if got := r.userErrors("customerAccessTokenCreate"); !slices.Equal(got, []string{"UNIDENTIFIED_CUSTOMER : Unidentified customer"}) {
			t.Errorf("%s: %v", tc.name, got)
		}
		bodies = append(bodies, r.Raw)
	}
	for i := range bodies {
		if bodies[i] != bodies[0] {
			t.Errorf("response %d differs from the first:\n%s\n%s", i, bodies[i], bodies[0])
		}
	}
}

func TestCustomerUpdateFailures(t *testing.T) {
	e := newEnv(t)
	e.register("other@example.com", "correct horse")
	e.do(updateDoc, map[string]any{"customerAccessToken": e.login("other@example.com", "correct horse"), "customer": map[string]any{"phone": "+4930123456"}}).noErrors(t, "customerUpdate")
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")

	for _, tc := range []struct {
		name  string
		input map[string]any
		want  []string
	}{
		{"email taken", map[string]any{"email": "OTHER@example.com"}, []string{"TAKEN customer.email: Email has already been taken"}},
		{"phone taken", map[string]any{"phone": "+4930123456"}, []string{"TAKEN customer.phone: Phone has already been taken"}},
		{"blank email", map[string]any{"email": ""}, []string{"BLANK customer.email: Email can't be blank"}},
		{"bad phone", map[string]any{"phone": "call me"}, []string{"INVALID customer.phone: Phone is invalid"}},
		{"short password", map[string]any{"password": "abc"}, []string{"TOO_SHORT customer.password: Password is too short (minimum is 8 characters)"}},
		{"html name", map[string]any{"lastName": "<img src=x>"}, []string{"CONTAINS_HTML_TAGS customer.lastName: Last name cannot contain HTML tags"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": tc.input})
			if got := r.userErrors("customerUpdate"); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// Nothing of the refused updates stuck, and the token still works.
	r := e.customer(tok)
	if r.str("customer", "email") != "ann@example.com" || r.get("customer", "phone") != nil || r.str("customer", "lastName") != "Lee" {
		t.Errorf("refused updates changed the customer: %s", r.Raw)
	}

	wantDenied(t, e.do(updateDoc, map[string]any{"customerAccessToken": "0123456789abcdef0123456789abcdef", "customer": map[string]any{"firstName": "X"}}), "customerUpdate", "CustomerUpdate access denied")
}

func TestCustomerUpdateNullPhoneRemovesIt(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"phone": "+16135551111"}}).noErrors(t, "customerUpdate")

	// Absent leaves it; explicit null (whole object as a variable) removes it.
	r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Ann"}})
	if r.str("customerUpdate", "customer", "phone") != "+16135551111" {
		t.Fatalf("an absent phone changed it: %s", r.Raw)
	}
	r = e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"phone": nil}})
	r.noErrors(t, "customerUpdate")
	if v := r.get("customerUpdate", "customer", "phone"); v != nil {
		t.Fatalf("phone after null = %v", v)
	}

	// The same through a field variable inside an object literal.
	e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"phone": "+16135551111"}}).noErrors(t, "customerUpdate")
	r = e.do(`mutation($t: String!, $phone: String) {
  customerUpdate(customerAccessToken: $t, customer: {phone: $phone}) { customer { phone } customerUserErrors { code } }
}`, map[string]any{"t": tok, "phone": nil})
	if v := r.get("customerUpdate", "customer", "phone"); v != nil || len(r.Errors) > 0 {
		t.Fatalf("phone after null variable: %s", r.Raw)
	}
	// The number is free for another customer now.
	r = e.do(createDoc, map[string]any{"input": map[string]any{"email": "bob@example.com", "password": "correct horse", "phone": "+16135551111"}})
	r.noErrors(t, "customerCreate")
}

func TestRecoverUnknownEmail(t *testing.T) {
	e := newEnv(t)
	r := e.do(recoverDoc, map[string]any{"email": "nobody@example.com"})
	if got := r.userErrors("customerRecover"); !slices.Equal(got, []string{"UNIDENTIFIED_CUSTOMER email: Could not find customer"}) {
		t.Errorf("got %v", got)
	}
	if n := e.mail.count(customerauth.NotifyPasswordReset); n != 0 {
		t.Errorf("%d reset emails sent", n)
	}
}

func TestRecoverForAnAccountThatIsNotEnabledSendsNothing(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	e.do(recoverDoc, map[string]any{"email": "bob@example.com"}).noErrors(t, "customerRecover")
	if n := e.mail.count(customerauth.NotifyPasswordReset); n != 0 {
		t.Errorf("%d reset emails sent to an invited account", n)
	}
}

func TestDisabledCustomerIsLoggedOut(t *testing.T) {
	e := newEnv(t)
	id := e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	if err := e.svc.DisableCustomer(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if e.customer(tok).get("customer") != nil {
		t.Error("a disabled customer's token still works")
	}
	url, err := e.svc.ActivationURL(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	e.do(activateByURLDoc, map[string]any{"activationUrl": url, "password": "a new password"}).noErrors(t, "customerActivateByUrl")
	e.login("ann@example.com", "a new password")
	if _, err := e.svc.ActivationURL(context.Background(), id); len(customerauth.UserErrors(err)) != 1 || customerauth.UserErrors(err)[0].Code != customerauth.CodeAlreadyEnabled {
		t.Errorf("ActivationURL for an enabled customer: %v", err)
	}
}
