package customerauth_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
)

var accessTokenPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRegisterLoginReadAndUpdateProfile(t *testing.T) {
	e := newEnv(t)
	r := e.do(createDoc, map[string]any{"input": map[string]any{
		"email": "  Ann.Lee@Example.COM ", "password": "correct horse", "firstName": "Ann", "lastName": "Lee",
		"phone": "+1 (613) 555-1111", "acceptsMarketing": true,
	}})
	r.noErrors(t, "customerCreate")
	id := r.str("customerCreate", "customer", "id")
	if !regexp.MustCompile(`^gid://shopify/Customer/[0-9a-f-]{36}$`).MatchString(id) {
		t.Fatalf("id = %q, want gid://shopify/Customer/<uuid>", id)
	}
	if got := r.str("customerCreate", "customer", "email"); got != "Ann.Lee@example.com" {
		t.Errorf("email = %q, want the trimmed address with its domain lowercased", got)
	}
	if got := r.str("customerCreate", "customer", "phone"); got != "+16135551111" {
		t.Errorf("phone = %q, want E.164", got)
	}
	if e.mail.last(t, customerauth.NotifyWelcome, "Ann.Lee@example.com").URL != "" {
		t.Error("welcome email carries a link")
	}

	// Log in with the email in another case: emails are case-insensitive.
	tok := e.login("ann.lee@EXAMPLE.com", "correct horse")
	if !accessTokenPattern.MatchString(tok) {
		t.Fatalf("access token %q is not 32 lowercase hex", tok)
	}

	cid := strings.TrimPrefix(id, "gid://shopify/Customer/")
	if _, err := e.svc.SetAddresses(context.Background(), cid, []customerauth.Address{
		{FirstName: "Ann", LastName: "Lee", Address1: "1 Main St", City: "Ottawa", ProvinceCode: "ON", Province: "Ontario", Country: "Canada", CountryCode: "ca", Zip: "K1A 0B1"},
		{Company: "Lee Ltd", Address1: "2 Side St", City: "Toronto", ProvinceCode: "ON", Country: "Canada", CountryCode: "CA", Zip: "M5V 1J1"},
	}, 1); err != nil {
		t.Fatal(err)
	}
	r = e.customer(tok)
	r.noErrors(t, "")
	for path, want := range map[string]string{
		"id": id, "email": "Ann.Lee@example.com", "firstName": "Ann", "lastName": "Lee",
		"displayName": "Ann Lee", "numberOfOrders": "0", "createdAt": "2026-04-01T12:00:00Z",
	} {
		if got := r.str("customer", path); got != want {
			t.Errorf("customer.%s = %q, want %q", path, got, want)
		}
	}
	if r.get("customer", "acceptsMarketing") != true {
		t.Error("acceptsMarketing was not kept")
	}
	if got := r.str("customer", "defaultAddress", "address1"); got != "2 Side St" {
		t.Errorf("defaultAddress.address1 = %q, want the address chosen as default", got)
	}
	if got := r.get("customer", "defaultAddress", "formatted"); !slices.Equal(toStrings(got), []string{"Lee Ltd", "2 Side St", "Toronto ON M5V 1J1", "Canada"}) {
		t.Errorf("defaultAddress.formatted = %v", got)
	}
	if n := len(r.get("customer", "addresses", "edges").([]any)); n != 2 {
		t.Errorf("addresses: %d edges, want 2", n)
	}

	e.clock.Advance(time.Hour)
	r = e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"firstName": "Annie", "acceptsMarketing": false}})
	r.noErrors(t, "customerUpdate")
	if got := r.str("customerUpdate", "customer", "firstName"); got != "Annie" {
		t.Errorf("firstName after update = %q", got)
	}
	if r.get("customerUpdate", "customerAccessToken") != nil {
		t.Error("an update without a password returned a new token")
	}
	r = e.customer(tok)
	if r.str("customer", "firstName") != "Annie" || r.str("customer", "lastName") != "Lee" || r.get("customer", "acceptsMarketing") != false {
		t.Errorf("after update: %s", r.Raw)
	}
	if got := r.str("customer", "updatedAt"); got != "2026-04-01T13:00:00Z" {
		t.Errorf("updatedAt = %q, want the time of the update", got)
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, s := range l {
		out[i], _ = s.(string)
	}
	return out
}

func TestPasswordChangeRevokesEveryTokenAndReturnsANewOne(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "first password")
	tok := e.login("ann@example.com", "first password")
	other := e.login("ann@example.com", "first password")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	resetURL := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL

	r := e.do(updateDoc, map[string]any{"customerAccessToken": tok, "customer": map[string]any{"password": "second password"}})
	r.noErrors(t, "customerUpdate")
	newTok := r.str("customerUpdate", "customerAccessToken", "accessToken")
	if !accessTokenPattern.MatchString(newTok) || newTok == tok {
		t.Fatalf("new token %q", newTok)
	}
	for name, old := range map[string]string{"token used for the change": tok, "another session": other} {
		if r := e.customer(old); r.get("customer") != nil || len(r.Errors) > 0 {
			t.Errorf("%s still works: %s", name, r.Raw)
		}
	}
	if r := e.customer(newTok); r.str("customer", "email") != "ann@example.com" {
		t.Errorf("new token does not work: %s", r.Raw)
	}
	if got := e.do(resetByURLDoc, map[string]any{"resetUrl": resetURL, "password": "third password"}).userErrors("customerResetByUrl"); !slices.Equal(got, []string{"TOKEN_INVALID resetUrl: Invalid reset token"}) {
		t.Errorf("reset link issued before the change: %v, want TOKEN_INVALID", got)
	}
	r = e.do(loginDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "first password"}})
	if got := r.userErrors("customerAccessTokenCreate"); len(got) != 1 {
		t.Errorf("old password still logs in: %s", r.Raw)
	}
	e.login("ann@example.com", "second password")
	if e.mail.count(customerauth.NotifyPasswordChanged) != 1 {
		t.Error("no password-changed notification")
	}
}

func TestRenewKeepsTheTokenAndMovesExpiry(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")

	e.clock.Advance(41 * 24 * time.Hour)
	r := e.do(renewDoc, map[string]any{"customerAccessToken": tok})
	r.noErrors(t, "")
	if got := r.str("customerAccessTokenRenew", "customerAccessToken", "accessToken"); got != tok {
		t.Errorf("renew returned %q, want the same token", got)
	}
	want := e.clock.Now().Add(42 * 24 * time.Hour).Format(time.RFC3339)
	if got := r.str("customerAccessTokenRenew", "customerAccessToken", "expiresAt"); got != want {
		t.Errorf("expiresAt = %s, want %s", got, want)
	}

	// Past the renewed expiry the token is dead and cannot be renewed.
	e.clock.Advance(42*24*time.Hour + time.Second)
	if r := e.customer(tok); r.get("customer") != nil || len(r.Errors) != 0 {
		t.Errorf("expired token reads the customer: %s", r.Raw)
	}
	r = e.do(renewDoc, map[string]any{"customerAccessToken": tok})
	wantDenied(t, r, "customerAccessTokenRenew", "CustomerAccessTokenRenew access denied")
}

func TestTokenExpiresAfterFortyTwoDays(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}})
	tok := r.str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
	if got, want := r.str("customerAccessTokenCreate", "customerAccessToken", "expiresAt"), "2026-05-13T12:00:00Z"; got != want {
		t.Errorf("expiresAt = %s, want %s (42 days)", got, want)
	}
	e.clock.Advance(42*24*time.Hour - time.Second)
	if e.customer(tok).get("customer") == nil {
		t.Fatal("token died before its expiry")
	}
	e.clock.Advance(time.Second)
	if e.customer(tok).get("customer") != nil {
		t.Fatal("token lives past its expiry")
	}
}

// wantDenied checks Shopify's shape for a refused token: the root field is
// null and a top-level ACCESS_DENIED error names the mutation.
func wantDenied(t *testing.T, r gqlResult, field, msg string) {
	t.Helper()
	if r.Status != 200 {
		t.Errorf("status %d, want 200", r.Status)
	}
	if v, ok := r.Data[field]; !ok || v != nil {
		t.Errorf("data.%s = %v, want null", field, v)
	}
	if len(r.Errors) != 1 || r.Errors[0].Message != msg || r.Errors[0].Extensions["code"] != "ACCESS_DENIED" ||
		len(r.Errors[0].Path) != 1 || r.Errors[0].Path[0] != field {
		t.Errorf("errors = %s, want one %q ACCESS_DENIED at [%s]", r.Raw, msg, field)
	}
}

func TestDeleteLogsOut(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	keep := e.login("ann@example.com", "correct horse")

	r := e.do(deleteDoc, map[string]any{"customerAccessToken": tok})
	r.noErrors(t, "")
	if got := r.str("customerAccessTokenDelete", "deletedAccessToken"); got != tok {
		t.Errorf("deletedAccessToken = %q, want the token", got)
	}
	id := r.str("customerAccessTokenDelete", "deletedCustomerAccessTokenId")
	if id == "" || strings.Contains(id, tok) {
		t.Errorf("deletedCustomerAccessTokenId = %q, want an opaque id that does not contain the token", id)
	}
	if e.customer(tok).get("customer") != nil {
		t.Error("deleted token still reads the customer")
	}
	if e.customer(keep).get("customer") == nil {
		t.Error("deleting one token logged out another session")
	}
	wantDenied(t, e.do(deleteDoc, map[string]any{"customerAccessToken": tok}), "customerAccessTokenDelete", "CustomerAccessTokenDelete access denied")
	wantDenied(t, e.do(deleteDoc, map[string]any{"customerAccessToken": "not a token"}), "customerAccessTokenDelete", "CustomerAccessTokenDelete access denied")
}

func TestRecoverThenResetByURL(t *testing.T) {
	e := newEnv(t)
	id := e.register("ann@example.com", "first password")
	session := e.login("ann@example.com", "first password")

	e.do(recoverDoc, map[string]any{"email": "ANN@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	uuid := strings.TrimPrefix(id, "gid://shopify/Customer/")
	if !regexp.MustCompile(`^https://shop\.example/account/reset/` + uuid + `/[0-9a-f]{32}-\d+$`).MatchString(link) {
		t.Fatalf("reset link %q is not <ShopURL>/account/reset/<id>/<32 hex>-<unix seconds>", link)
	}

	r := e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "second password"})
	r.noErrors(t, "customerResetByUrl")
	if r.str("customerResetByUrl", "customer", "id") != id {
		t.Errorf("reset returned another customer: %s", r.Raw)
	}
	tok := r.str("customerResetByUrl", "customerAccessToken", "accessToken")
	if e.customer(tok).str("customer", "email") != "ann@example.com" {
		t.Error("token from reset does not work")
	}
	if e.customer(session).get("customer") != nil {
		t.Error("reset left an older session alive")
	}
	e.login("ann@example.com", "second password")

	// The link is single use.
	if got := e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "third password"}).userErrors("customerResetByUrl"); !slices.Equal(got, []string{"TOKEN_INVALID resetUrl: Invalid reset token"}) {
		t.Errorf("second use: %v", got)
	}
}

func TestRecoverThenResetByID(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "first password")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	older := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	if link == older {
		t.Fatal("two recover calls sent the same link")
	}

	// A storefront route /account/reset/:id/:token builds the gid itself.
	parts := strings.Split(link, "/")
	id, token := "gid://shopify/Customer/"+parts[len(parts)-2], parts[len(parts)-1]
	_, olderToken := splitLink(older)
	if got := e.do(resetDoc, map[string]any{"id": id, "input": map[string]any{"resetToken": olderToken, "password": "second password"}}).userErrors("customerReset"); !slices.Equal(got, []string{"TOKEN_INVALID input.resetToken: Invalid reset token"}) {
		t.Errorf("older link after a newer one was sent: %v, want TOKEN_INVALID", got)
	}
	r := e.do(resetDoc, map[string]any{"id": id, "input": map[string]any{"resetToken": token, "password": "second password"}})
	r.noErrors(t, "customerReset")
	if !accessTokenPattern.MatchString(r.str("customerReset", "customerAccessToken", "accessToken")) {
		t.Errorf("no access token: %s", r.Raw)
	}
	e.login("ann@example.com", "second password")
}

func splitLink(link string) (id, token string) {
	parts := strings.Split(link, "/")
	return parts[len(parts)-2], parts[len(parts)-1]
}

func TestResetLinkExpiresAfterADay(t *testing.T) {
	e := newEnv(t)
	e.register("ann@example.com", "first password")
	e.do(recoverDoc, map[string]any{"email": "ann@example.com"}).noErrors(t, "customerRecover")
	link := e.mail.last(t, customerauth.NotifyPasswordReset, "ann@example.com").URL
	e.clock.Advance(24 * time.Hour)
	if got := e.do(resetByURLDoc, map[string]any{"resetUrl": link, "password": "second password"}).userErrors("customerResetByUrl"); !slices.Equal(got, []string{"TOKEN_INVALID resetUrl: Invalid reset token"}) {
		t.Errorf("expired link: %v", got)
	}
	e.login("ann@example.com", "first password")
}

func TestInviteThenActivateByURL(t *testing.T) {
	e := newEnv(t)
	c, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "bob@example.com", FirstName: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	link := e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL
	if !strings.HasPrefix(link, "https://shop.example/account/activate/"+c.ID+"/") {
		t.Fatalf("activation link %q", link)
	}
	// An invited account cannot log in yet.
	r := e.do(loginDoc, map[string]any{"input": map[string]any{"email": "bob@example.com", "password": "anything at all"}})
	if got := r.userErrors("customerAccessTokenCreate"); !slices.Equal(got, []string{"UNIDENTIFIED_CUSTOMER : Unidentified customer"}) {
		t.Errorf("invited login: %v", got)
	}

	r = e.do(activateByURLDoc, map[string]any{"activationUrl": link, "password": "bobs password"})
	r.noErrors(t, "customerActivateByUrl")
	if r.str("customerActivateByUrl", "customer", "firstName") != "Bob" {
		t.Errorf("activate returned %s", r.Raw)
	}
	tok := r.str("customerActivateByUrl", "customerAccessToken", "accessToken")
	if e.customer(tok).str("customer", "email") != "bob@example.com" {
		t.Error("activation token does not work")
	}
	e.login("bob@example.com", "bobs password")

	if got := e.do(activateByURLDoc, map[string]any{"activationUrl": link, "password": "bobs password"}).userErrors("customerActivateByUrl"); !slices.Equal(got, []string{"ALREADY_ENABLED activationUrl: Customer already enabled"}) {
		t.Errorf("second activation: %v", got)
	}
}

func TestInviteThenActivateByID(t *testing.T) {
	e := newEnv(t)
	c, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "bob@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	id, token := splitLink(e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL)
	gid := "gid://shopify/Customer/" + id
	if gid != e.svc.GlobalID(c.ID) {
		t.Fatalf("link id %q does not build the customer's gid %q", gid, e.svc.GlobalID(c.ID))
	}
	for _, tc := range []struct {
		name, id, token, password string
		want                      []string
	}{
		{"wrong token", gid, "0123456789abcdef0123456789abcdef-1775044800", "bobs password", []string{"TOKEN_INVALID input.activationToken: Invalid activation token"}},
		{"unknown customer", "gid://shopify/Customer/01900000-0000-7000-8000-000000000000", token, "bobs password", []string{"TOKEN_INVALID input.activationToken: Invalid activation token"}},
		{"malformed id", "gid://shopify/Customer/42", token, "bobs password", []string{"TOKEN_INVALID input.activationToken: Invalid activation token"}},
		{"short password", gid, token, "short", []string{"TOO_SHORT input.password: Password is too short (minimum is 8 characters)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(activateDoc, map[string]any{"id": tc.id, "input": map[string]any{"activationToken": tc.token, "password": tc.password}}).userErrors("customerActivate")
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	r := e.do(activateDoc, map[string]any{"id": gid, "input": map[string]any{"activationToken": token, "password": "bobs password"}})
	r.noErrors(t, "customerActivate")
	e.login("bob@example.com", "bobs password")
}

func TestActivationLinkExpiresAfterThirtyDays(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.InviteCustomer(context.Background(), customerauth.InviteInput{Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	link := e.mail.last(t, customerauth.NotifyActivation, "bob@example.com").URL
	e.clock.Advance(30 * 24 * time.Hour)
	if got := e.do(activateByURLDoc, map[string]any{"activationUrl": link, "password": "bobs password"}).userErrors("customerActivateByUrl"); !slices.Equal(got, []string{"TOKEN_INVALID activationUrl: Invalid activation token"}) {
		t.Errorf("expired activation link: %v", got)
	}
}

func TestMalformedLinksAreInvalid(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{"", "not a url", "https://shop.example/account", "https://shop.example/account/reset/abc", "https://shop.example/account/activate/id/token", "%zz"} {
		if got := e.do(resetByURLDoc, map[string]any{"resetUrl": u, "password": "new password"}).userErrors("customerResetByUrl"); !slices.Equal(got, []string{"INVALID resetUrl: Reset URL is invalid"}) {
			t.Errorf("reset %q: %v", u, got)
		}
	}
	if got := e.do(activateByURLDoc, map[string]any{"activationUrl": "https://shop.example/account/reset/id/token", "password": "new password"}).userErrors("customerActivateByUrl"); !slices.Equal(got, []string{"INVALID activationUrl: Activation URL is invalid"}) {
		t.Errorf("activate with a reset link: %v", got)
	}
}
