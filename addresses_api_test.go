package customerauth_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// The address-book documents, as Hydrogen's account routes send them.
const (
	addressCreateDoc  = storefrontdocs.CustomerAddressCreate
	addressUpdateDoc  = storefrontdocs.CustomerAddressUpdate
	addressDeleteDoc  = storefrontdocs.CustomerAddressDelete
	defaultAddressDoc = storefrontdocs.CustomerDefaultAddressUpdate
	addressEditDoc    = storefrontdocs.CustomerAddressEdit
)

// addressBookDoc reads every field the mutations fill.
const addressBookDoc = `query($t: String!) { customer(customerAccessToken: $t) {
  defaultAddress { id }
  addresses(first: 250) { nodes {
    id firstName lastName name company address1 address2 city province provinceCode
    zip country countryCodeV2 countryCode phone formatted(withName: true) formattedArea
  } }
} }`

func (e *env) addAddress(tok string, addr map[string]any) gqlResult {
	e.t.Helper()
	return e.do(addressCreateDoc, map[string]any{"customerAccessToken": tok, "address": addr, "country": "CA", "language": "EN"})
}

// mustAddAddress adds an address and returns its id.
func (e *env) mustAddAddress(tok string, addr map[string]any) string {
	e.t.Helper()
	r := e.addAddress(tok, addr)
	r.noErrors(e.t, "customerAddressCreate")
	id := r.str("customerAddressCreate", "customerAddress", "id")
	if id == "" {
		e.t.Fatalf("no address id: %s", r.Raw)
	}
	return id
}

func (e *env) updateAddress(tok, id string, addr map[string]any) gqlResult {
	e.t.Helper()
	return e.do(addressEditDoc, map[string]any{"customerAccessToken": tok, "id": id, "address": addr})
}

func (e *env) deleteAddress(tok, id string) gqlResult {
	e.t.Helper()
	return e.do(addressDeleteDoc, map[string]any{"customerAccessToken": tok, "id": id})
}

func (e *env) setDefaultAddress(tok, id string) gqlResult {
	e.t.Helper()
	return e.do(defaultAddressDoc, map[string]any{"customerAccessToken": tok, "addressId": id})
}

// addressBook returns the default address's id and the addresses, in order.
func (e *env) addressBook(tok string) (string, []map[string]any) {
	e.t.Helper()
	r := e.do(addressBookDoc, map[string]any{"t": tok})
	r.noErrors(e.t, "")
	var out []map[string]any
	nodes, _ := r.get("customer", "addresses", "nodes").([]any)
	for _, n := range nodes {
		out = append(out, n.(map[string]any))
	}
	return r.str("customer", "defaultAddress", "id"), out
}

func addressIDs(addrs []map[string]any) []string {
	var ids []string
	for _, a := range addrs {
		ids = append(ids, a["id"].(string))
	}
	return ids
}

// newAddressOwner registers and logs in a customer.
func (e *env) newAddressOwner(email string) string {
	e.t.Helper()
	e.register(email, "correct horse")
	return e.login(email, "correct horse")
}

var homeAddress = map[string]any{
	"firstName": "Ann", "lastName": "Lee", "company": "Acme", "address1": "1 Main St", "address2": "Unit 4",
	"city": "Toronto", "province": "ON", "country": "CA", "zip": "M5V 2T6", "phone": "+1 416 555 0123",
}

func TestAddressBookLifecycle(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")

	// The first address becomes the default; later ones do not.
	a := e.mustAddAddress(tok, homeAddress)
	b := e.mustAddAddress(tok, map[string]any{"address1": "2 Side St", "city": "Ottawa", "country": "Canada"})
	c := e.mustAddAddress(tok, map[string]any{"address1": "3 Back Rd", "country": "US", "province": "New York"})
	def, book := e.addressBook(tok)
	if def != a || !slices.Equal(addressIDs(book), []string{a, b, c}) {
		t.Fatalf("default %s, addresses %v; want %s and [%s %s %s]", def, addressIDs(book), a, a, b, c)
	}
	// Ids are stable across reads.
	if def2, book2 := e.addressBook(tok); def2 != def || !slices.Equal(addressIDs(book2), addressIDs(book)) {
		t.Errorf("a second read gave other ids: %v, then %v", addressIDs(book), addressIDs(book2))
	}
	want := map[string]any{
		"firstName": "Ann", "lastName": "Lee", "name": "Ann Lee", "company": "Acme", "address1": "1 Main St",
		"address2": "Unit 4", "city": "Toronto", "province": "Ontario", "provinceCode": "ON", "zip": "M5V 2T6",
		"country": "Canada", "countryCodeV2": "CA", "countryCode": "CA", "phone": "+14165550123",
		"formattedArea": "Toronto, ON, Canada",
	}
	for k, v := range want {
		if book[0][k] != v {
			t.Errorf("%s = %v, want %v", k, book[0][k], v)
		}
	}
	if got := fmt.Sprint(book[0]["formatted"]); got != "[Ann Lee Acme 1 Main St Unit 4 Toronto ON M5V 2T6 Canada]" {
		t.Errorf("formatted = %s", got)
	}

	// customerDefaultAddressUpdate answers with the customer and its new
	// default.
	r := e.setDefaultAddress(tok, c)
	r.noErrors(t, "customerDefaultAddressUpdate")
	if got := r.str("customerDefaultAddressUpdate", "customer", "defaultAddress", "id"); got != c {
		t.Errorf("default after update = %q, want %s", got, c)
	}

	// An update returns the address, changes what it names and keeps the
	// rest.
	r = e.updateAddress(tok, b, map[string]any{"city": "Kingston", "zip": "K7L 3N6"})
	r.noErrors(t, "customerAddressUpdate")
	if r.str("customerAddressUpdate", "customerAddress", "id") != b || r.str("customerAddressUpdate", "customerAddress", "city") != "Kingston" ||
		r.str("customerAddressUpdate", "customerAddress", "address1") != "2 Side St" || r.str("customerAddressUpdate", "customerAddress", "country") != "Canada" {
		t.Errorf("update answered %s", r.Raw)
	}

	// Deleting the default makes the oldest remaining address the default;
	// deleting another leaves the default alone.
	for _, step := range []struct {
		del     string
		wantDef string
		left    []string
	}{
		{c, a, []string{a, b}},
		{b, a, []string{a}},
		{a, "", nil},
	} {
		r := e.deleteAddress(tok, step.del)
		r.noErrors(t, "customerAddressDelete")
		if got := r.str("customerAddressDelete", "deletedCustomerAddressId"); got != step.del {
			t.Errorf("deletedCustomerAddressId = %q, want the id customer.addresses gave, %s", got, step.del)
		}
		def, book := e.addressBook(tok)
		if def != step.wantDef || !slices.Equal(addressIDs(book), step.left) {
			t.Errorf("after deleting %s: default %q, addresses %v; want %q, %v", step.del, def, addressIDs(book), step.wantDef, step.left)
		}
	}
	// After the last is gone, the next address is the first again.
	d := e.mustAddAddress(tok, map[string]any{"address1": "4 New St"})
	if def, _ := e.addressBook(tok); def != d {
		t.Errorf("default after adding to an empty book = %q, want %s", def, d)
	}
}

// TestAddressIDsRoundTrip: the id customer.addresses gives is accepted with
// the query part Shopify appends, without it, bare, and with spaces around,
// by every mutation that takes one; answers always give the plain global id.
func TestAddressIDsRoundTrip(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	forms := []struct {
		name string
		of   func(gid string) string
	}{
		{"as given", func(gid string) string { return gid }},
		{"with model_name", func(gid string) string { return gid + "?model_name=CustomerAddress" }},
		{"with Shopify's whole query part", func(gid string) string {
			return gid + "?model_name=CustomerAddress&customer_access_token=k5vXaeLP6WBzG7enDAI-LPTGQ6vP5DAaxAr"
		}},
		{"bare", func(gid string) string { return gid[strings.LastIndexByte(gid, '/')+1:] }},
		{"with spaces", func(gid string) string { return " " + gid + " " }},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			gid := e.mustAddAddress(tok, map[string]any{"address1": "1 Main St"})
			if !strings.HasPrefix(gid, "gid://shopify/MailingAddress/") {
				t.Fatalf("address id %q is not a MailingAddress global id", gid)
			}
			id := f.of(gid)
			r := e.updateAddress(tok, id, map[string]any{"city": f.name})
			r.noErrors(t, "customerAddressUpdate")
			if got := r.str("customerAddressUpdate", "customerAddress", "id"); got != gid {
				t.Errorf("update answered id %q, want %q", got, gid)
			}
			r = e.setDefaultAddress(tok, id)
			r.noErrors(t, "customerDefaultAddressUpdate")
			if got := r.str("customerDefaultAddressUpdate", "customer", "defaultAddress", "id"); got != gid {
				t.Errorf("default is %q, want %q", got, gid)
			}
			r = e.deleteAddress(tok, id)
			r.noErrors(t, "customerAddressDelete")
			if got := r.str("customerAddressDelete", "deletedCustomerAddressId"); got != gid {
				t.Errorf("deletedCustomerAddressId = %q, want %q", got, gid)
			}
		})
	}
}

// TestAddressNotFound: an id that is not one of this customer's addresses,
// another customer's included, is NOT_FOUND on the argument that carried
// it, and changes nothing.
func TestAddressNotFound(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	mine := e.mustAddAddress(tok, homeAddress)
	otherTok := e.newAddressOwner("bob@example.com")
	theirs := e.mustAddAddress(otherTok, map[string]any{"address1": "9 Bob St", "city": "Bobton"})
	customerID := e.register("cy@example.com", "correct horse")

	ids := map[string]string{
		"another customer's":         theirs,
		"another customer's, bare":   theirs[strings.LastIndexByte(theirs, '/')+1:],
		"unknown":                    "gid://shopify/MailingAddress/0190a3f4-0000-7000-8000-000000000000",
		"a customer's id":            customerID,
		"another type":               strings.Replace(mine, "MailingAddress", "Customer", 1),
		"another namespace":          strings.Replace(mine, "shopify", "elsewhere", 1),
		"empty":                      "",
		"only a query part":          "?model_name=CustomerAddress",
		"a NUL byte":                 mine + "\x00",
		"a line break":               "abc\ndef",
		"longer than any id":         strings.Repeat("9", 200),
		"a path":                     "../" + mine[strings.LastIndexByte(mine, '/')+1:],
		"Shopify's number, not ours": "gid://shopify/MailingAddress/9059216687380?model_name=CustomerAddress",
	}
	for name, id := range ids {
		t.Run(name, func(t *testing.T) {
			for _, m := range []struct {
				field, arg string
				r          gqlResult
			}{
				{"customerAddressUpdate", "id", e.updateAddress(tok, id, map[string]any{"city": "Nowhere"})},
				{"customerAddressDelete", "id", e.deleteAddress(tok, id)},
				{"customerDefaultAddressUpdate", "addressId", e.setDefaultAddress(tok, id)},
			} {
				if len(m.r.Errors) > 0 {
					t.Fatalf("%s: top-level errors: %s", m.field, m.r.Raw)
				}
				want := []string{"NOT_FOUND " + m.arg + ": Address does not exist"}
				if got := m.r.userErrors(m.field); !slices.Equal(got, want) {
					t.Errorf("%s: %v, want %v", m.field, got, want)
				}
				for _, k := range []string{"customerAddress", "deletedCustomerAddressId", "customer"} {
					if v, ok := m.r.get(m.field).(map[string]any)[k]; ok && v != nil {
						t.Errorf("%s: %s = %v on failure, want null", m.field, k, v)
					}
				}
			}
		})
	}
	// Nothing changed on either side.
	if def, book := e.addressBook(tok); def != mine || len(book) != 1 || book[0]["city"] != "Toronto" {
		t.Errorf("the owner's book changed: %s %v", def, book)
	}
	if def, book := e.addressBook(otherTok); def != theirs || len(book) != 1 || book[0]["city"] != "Bobton" {
		t.Errorf("the other customer's book changed: %s %v", def, book)
	}
}

// TestAddressMutationsDenyInvalidTokens: an unknown, malformed, expired or
// revoked token, or a storefront token without the write scope, is a
// top-level "<Mutation> access denied" with the field null, as for
// customerUpdate.
func TestAddressMutationsDenyInvalidTokens(t *testing.T) {
	const public = "4f12cc6de73079c2c92ef4bef9e3c68a"
	e := newEnv(t, func(c *customerauth.Config) {
		c.AccessTokens = []customerauth.StorefrontToken{
			{Token: public, Scopes: []string{customerauth.ScopeReadCustomers, customerauth.ScopeWriteCustomers}},
			{Token: strings.Repeat("b", 32), Scopes: []string{customerauth.ScopeReadCustomers}},
		}
	})
	full := map[string]string{"X-Shopify-Storefront-Access-Token": public}
	readOnly := map[string]string{"X-Shopify-Storefront-Access-Token": strings.Repeat("b", 32)}
	post := func(h map[string]string, doc string, vars map[string]any) gqlResult {
		return e.from("192.0.2.1:1", h, doc, vars)
	}
	post(full, createDoc, map[string]any{"input": map[string]any{"email": "ann@example.com", "password": "correct horse"}}).noErrors(t, "customerCreate")
	login := func() string {
		return post(full, loginDoc, loginVars("ann@example.com", "correct horse")).str("customerAccessTokenCreate", "customerAccessToken", "accessToken")
	}
	valid := login()
	r := post(full, addressCreateDoc, map[string]any{"customerAccessToken": valid, "address": homeAddress})
	r.noErrors(t, "customerAddressCreate")
	id := r.str("customerAddressCreate", "customerAddress", "id")

	loggedOut := login()
	post(full, deleteDoc, map[string]any{"customerAccessToken": loggedOut}).noErrors(t, "")

	mutations := []struct {
		field, msg, doc string
		vars            func(tok string) map[string]any
	}{
		{"customerAddressCreate", "CustomerAddressCreate access denied", addressCreateDoc, func(tok string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "address": homeAddress}
		}},
		{"customerAddressUpdate", "CustomerAddressUpdate access denied", addressUpdateDoc, func(tok string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "id": id, "address": map[string]any{"city": "Denied"}}
		}},
		{"customerAddressDelete", "CustomerAddressDelete access denied", addressDeleteDoc, func(tok string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "id": id}
		}},
		{"customerDefaultAddressUpdate", "CustomerDefaultAddressUpdate access denied", defaultAddressDoc, func(tok string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "addressId": id}
		}},
	}
	cases := []struct {
		name    string
		headers map[string]string
		token   func() string
	}{
		{"unknown token", full, func() string { return strings.Repeat("0", 32) }},
		{"malformed token", full, func() string { return "not a token" }},
		{"logged-out token", full, func() string { return loggedOut }},
		{"valid token, no write scope", readOnly, func() string { return valid }},
		// Last: it moves the clock past every token's life.
		{"expired token", full, func() string { e.clock.Advance(customerauth.DefaultTokenTTL + time.Minute); return valid }},
	}
	for _, c := range cases {
		tok := c.token()
		for _, m := range mutations {
			t.Run(c.name+"/"+m.field, func(t *testing.T) {
				wantDenied(t, post(c.headers, m.doc, m.vars(tok)), m.field, m.msg)
			})
		}
	}
	// The address is untouched.
	stored, err := e.store.CustomerByEmail(context.Background(), "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Addresses) != 1 || stored.Addresses[0].City != "Toronto" {
		t.Errorf("addresses after the denied calls: %+v", stored.Addresses)
	}
}

// TestAddressFieldRules sends each rule's failure through customerAddressCreate and
// customerAddressUpdate and checks the code, the path and the message.
func TestAddressFieldRules(t *testing.T) {
	long := strings.Repeat("a", 256)
	tooLong := func(field, label string) []string {
		return []string{"TOO_LONG address." + field + ": " + label + " is too long (maximum is 255 characters)"}
	}
	with := func(kv ...string) map[string]any {
		m := map[string]any{"address1": "1 Main St"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	const controls = " cannot contain control characters, line or paragraph separators, or text direction marks"
	blank := []string{"BLANK address.address1: Address can't be blank: give at least a street, city, postal code, region or country"}
	for _, tc := range []struct {
		name string
		addr map[string]any
		want []string
	}{
		{"nothing", map[string]any{}, blank},
		{"only a name and a phone", map[string]any{"firstName": "Ann", "phone": "+16135550123", "address1": "  "}, blank},
		{"first name too long", with("firstName", long), tooLong("firstName", "First name")},
		{"last name too long", with("lastName", long), tooLong("lastName", "Last name")},
		{"company too long", with("company", long), tooLong("company", "Company")},
		{"address1 too long", with("address1", long), tooLong("address1", "Address1")},
		{"address2 too long", with("address2", long), tooLong("address2", "Address2")},
		{"city too long", with("city", long), tooLong("city", "City")},
		{"zip too long", with("zip", long), tooLong("zip", "Zip")},
		{"free-text province too long", with("country", "FR", "province", long), tooLong("province", "Province")},
		{"country too long", with("country", long), tooLong("country", "Country")},
		{"HTML in a first name", with("firstName", "<b>Ann</b>"), []string{"CONTAINS_HTML_TAGS address.firstName: First name cannot contain HTML tags"}},
		{"HTML in a last name", with("lastName", "Lee<img src=x onerror=alert(1)>"), []string{"CONTAINS_HTML_TAGS address.lastName: Last name cannot contain HTML tags"}},
		{"HTML in the company", with("company", "<a href=x>Acme</a>"), []string{"CONTAINS_HTML_TAGS address.company: Company cannot contain HTML tags"}},
		{"HTML in address1", map[string]any{"address1": "<script>alert(1)</script>"}, []string{"CONTAINS_HTML_TAGS address.address1: Address1 cannot contain HTML tags"}},
		{"HTML in address2", with("address2", "<p>Unit 4"), []string{"CONTAINS_HTML_TAGS address.address2: Address2 cannot contain HTML tags"}},
		{"HTML in the city", with("city", "<i>Toronto</i>"), []string{"CONTAINS_HTML_TAGS address.city: City cannot contain HTML tags"}},
		{"HTML in the zip", with("zip", "<br>"), []string{"CONTAINS_HTML_TAGS address.zip: Zip cannot contain HTML tags"}},
		{"HTML in a free-text province", with("country", "FR", "province", "<b>IDF</b>"), []string{"CONTAINS_HTML_TAGS address.province: Province cannot contain HTML tags"}},
		{"a host in a first name", with("firstName", "Ann evil.de"), []string{"CONTAINS_URL address.firstName: First name cannot contain URL"}},
		{"a URL in a last name", with("lastName", "https://x.example/"), []string{"CONTAINS_URL address.lastName: Last name cannot contain URL"}},
		{"a host in the company", with("company", "www.acme"), []string{"CONTAINS_URL address.company: Company cannot contain URL"}},
		{"a line break in address1", map[string]any{"address1": "1 Main St\nCall me"}, []string{"INVALID address.address1: Address1" + controls}},
		{"a direction override in the city", with("city", "Tor\u202eonto"), []string{"INVALID address.city: City" + controls}},
		{"a NUL byte", map[string]any{"address1": "1 Main\x00St"}, []string{"INVALID address.address1: Address1 cannot contain NUL characters"}},
		{"a NUL byte in the country", with("country", "CA\x00"), []string{"INVALID address.country: Country cannot contain NUL characters"}},
		{"a phone that is not E.164", with("phone", "555-0123"), []string{"INVALID address.phone: Phone is invalid"}},
		{"an unknown country", with("country", "Narnia"), []string{"INVALID address.country: Country is not a country name or code we know"}},
		{"the unknown-country code", with("country", "ZZ"), []string{"INVALID address.country: Country is not a country name or code we know"}},
		{"a province of another country", with("country", "Canada", "province", "NY"), []string{"INVALID address.province: Province is not a state or province of Canada"}},
		{"an unknown prefecture", with("country", "JP", "province", "48"), []string{"INVALID address.province: Province is not a state or province of Japan"}},
		{"several at once", with("firstName", "<b>Ann</b>", "phone", "12", "country", "Narnia"), []string{
			"CONTAINS_HTML_TAGS address.firstName: First name cannot contain HTML tags",
			"INVALID address.phone: Phone is invalid",
			"INVALID address.country: Country is not a country name or code we know",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tok := e.newAddressOwner("ann@example.com")
			r := e.addAddress(tok, tc.addr)
			if len(r.Errors) > 0 {
				t.Fatalf("create: top-level errors: %s", r.Raw)
			}
			if got := r.userErrors("customerAddressCreate"); !slices.Equal(got, tc.want) {
				t.Errorf("create: %q\nwant %q", got, tc.want)
			}
			if r.get("customerAddressCreate", "customerAddress") != nil {
				t.Errorf("create: an address despite errors: %s", r.Raw)
			}

			// The same fields change an address with the same errors;
			// for a blank address, every place field is cleared.
			id := e.mustAddAddress(tok, homeAddress)
			upd := tc.addr
			if slices.Equal(tc.want, blank) {
				upd = map[string]any{"address1": "", "address2": "", "city": "", "zip": "", "province": "", "country": ""}
			}
			r = e.updateAddress(tok, id, upd)
			if got := r.userErrors("customerAddressUpdate"); !slices.Equal(got, tc.want) {
				t.Errorf("update: %q\nwant %q", got, tc.want)
			}
			// userErrors, deprecated, has the same entries without codes.
			var plain []string
			for _, w := range tc.want {
				plain = append(plain, w[strings.IndexByte(w, ' ')+1:])
			}
			var got []string
			for _, u := range r.get("customerAddressUpdate", "userErrors").([]any) {
				m := u.(map[string]any)
				var f []string
				for _, s := range m["field"].([]any) {
					f = append(f, s.(string))
				}
				got = append(got, strings.Join(f, ".")+": "+m["message"].(string))
			}
			if !slices.Equal(got, plain) {
				t.Errorf("update userErrors: %q\nwant %q", got, plain)
			}
			if _, book := e.addressBook(tok); len(book) != 1 || book[0]["city"] != "Toronto" || book[0]["address1"] != "1 Main St" {
				t.Errorf("a refused update changed the address: %v", book)
			}
		})
	}
}

// TestAddressCountryAndProvince: names and codes in any case fill the code
// and the English name of both, and the derived fields follow.
func TestAddressCountryAndProvince(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	null := any(nil)
	for _, tc := range []struct {
		country, province                          string
		wantCountry, wantCode, wantProv, wantPCode any
		wantArea                                   string
	}{
		{"Canada", "Ontario", "Canada", "CA", "Ontario", "ON", "Town, ON, Canada"},
		{"ca", "on", "Canada", "CA", "Ontario", "ON", "Town, ON, Canada"},
		{"CAN", "ONTARIO", "Canada", "CA", "Ontario", "ON", "Town, ON, Canada"},
		{"canada", "CA-ON", "Canada", "CA", "Ontario", "ON", "Town, ON, Canada"},
		{"Canada", "Québec", "Canada", "CA", "Quebec", "QC", "Town, QC, Canada"},
		{"United States of America", "new york", "United States", "US", "New York", "NY", "Town, NY, United States"},
		{"USA", "AE", "United States", "US", "Armed Forces Europe", "AE", "Town, AE, United States"},
		{"JP", "東京都", "Japan", "JP", "Tokyo", "13", "Town, Tokyo, Japan"},
		{"Japan", "JP-27", "Japan", "JP", "Osaka", "27", "Town, Osaka, Japan"},
		{"Mexico", "Mexico City", "Mexico", "MX", "Ciudad de México", "CMX", "Town, CMX, Mexico"},
		{"BR", "Sao Paulo", "Brazil", "BR", "São Paulo", "SP", "Town, SP, Brazil"},
		{"India", "Orissa", "India", "IN", "Odisha", "OD", "Town, OD, India"},
		{"Australia", "nsw", "Australia", "AU", "New South Wales", "NSW", "Town, NSW, Australia"},
		{"France", "Île-de-France", "France", "FR", "Île-de-France", null, "Town, Île-de-France, France"},
		{"Turkey", "", "Türkiye", "TR", null, null, "Town, Türkiye"},
		{"Cote d'Ivoire", "", "Côte d’Ivoire", "CI", null, null, "Town, Côte d’Ivoire"},
		{"", "Somewhere", null, null, "Somewhere", null, "Town, Somewhere"},
	} {
		t.Run(tc.country+"/"+tc.province, func(t *testing.T) {
			r := e.updateAddress(tok, e.mustAddAddress(tok, map[string]any{"address1": "1 Main St"}),
				map[string]any{"city": "Town", "country": tc.country, "province": tc.province})
			r.noErrors(t, "customerAddressUpdate")
			got := r.get("customerAddressUpdate", "customerAddress").(map[string]any)
			for k, want := range map[string]any{"country": tc.wantCountry, "countryCodeV2": tc.wantCode, "province": tc.wantProv, "provinceCode": tc.wantPCode, "formattedArea": tc.wantArea} {
				if got[k] != want {
					t.Errorf("%s = %v, want %v", k, got[k], want)
				}
			}
			// Created the same way, the address comes out the same.
			id := e.mustAddAddress(tok, map[string]any{"address1": "1 Main St", "city": "Town", "country": tc.country, "province": tc.province})
			_, book := e.addressBook(tok)
			for _, a := range book {
				if a["id"] == id && (a["countryCodeV2"] != tc.wantCode || a["provinceCode"] != tc.wantPCode || a["formattedArea"] != tc.wantArea) {
					t.Errorf("created: %v", a)
				}
			}
		})
	}
}

// TestAddressUpdateReplacesOnlyWhatItNames: absent fields are kept, null
// and "" clear, and the province is judged again when the country changes.
func TestAddressUpdateReplacesOnlyWhatItNames(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	id := e.mustAddAddress(tok, homeAddress)
	field := func(r gqlResult, k string) any { return r.get("customerAddressUpdate", "customerAddress", k) }

	r := e.updateAddress(tok, id, map[string]any{"city": "Ottawa"})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "city") != "Ottawa" || field(r, "firstName") != "Ann" || field(r, "phone") != "+14165550123" || field(r, "provinceCode") != "ON" {
		t.Errorf("a city change touched more: %s", r.Raw)
	}
	r = e.updateAddress(tok, id, map[string]any{"phone": nil, "company": ""})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "phone") != nil || field(r, "company") != nil || field(r, "lastName") != "Lee" {
		t.Errorf("null and \"\" did not clear: %s", r.Raw)
	}
	// The stored province, Ontario, is not one of the United States.
	r = e.updateAddress(tok, id, map[string]any{"country": "US"})
	if got := r.userErrors("customerAddressUpdate"); !slices.Equal(got, []string{"INVALID address.province: Province is not a state or province of United States"}) {
		t.Errorf("country change under a foreign province: %v", got)
	}
	r = e.updateAddress(tok, id, map[string]any{"country": "US", "province": "Washington"})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "provinceCode") != "WA" || field(r, "countryCodeV2") != "US" {
		t.Errorf("country and province together: %s", r.Raw)
	}
	// A province alone is judged by the stored country.
	r = e.updateAddress(tok, id, map[string]any{"province": "CA"})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "province") != "California" || field(r, "formattedArea") != "Ottawa, CA, United States" {
		t.Errorf("province alone: %s", r.Raw)
	}
	// A country without a list keeps the province as text, without a code.
	r = e.updateAddress(tok, id, map[string]any{"country": "Germany", "province": "Bavaria"})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "province") != "Bavaria" || field(r, "provinceCode") != nil {
		t.Errorf("free-text province: %s", r.Raw)
	}
	// Clearing the country leaves the province text.
	r = e.updateAddress(tok, id, map[string]any{"country": nil})
	r.noErrors(t, "customerAddressUpdate")
	if field(r, "country") != nil || field(r, "countryCodeV2") != nil || field(r, "province") != "Bavaria" {
		t.Errorf("clearing the country: %s", r.Raw)
	}
}

func TestAddressLimit(t *testing.T) {
	e := newEnv(t, func(c *customerauth.Config) { c.MaxAddresses = 3 })
	tok := e.newAddressOwner("ann@example.com")
	var ids []string
	for i := range 3 {
		ids = append(ids, e.mustAddAddress(tok, map[string]any{"address1": fmt.Sprintf("%d Main St", i)}))
	}
	r := e.addAddress(tok, map[string]any{"address1": "4 Main St"})
	if got := r.userErrors("customerAddressCreate"); !slices.Equal(got, []string{"INVALID address: A customer can have at most 3 addresses."}) {
		t.Errorf("over the limit: %v (%s)", got, r.Raw)
	}
	if _, book := e.addressBook(tok); len(book) != 3 {
		t.Errorf("%d addresses after a refused create, want 3", len(book))
	}
	// Updates are not held to it, and a deletion makes room.
	e.updateAddress(tok, ids[0], map[string]any{"city": "Ottawa"}).noErrors(t, "customerAddressUpdate")
	e.deleteAddress(tok, ids[1]).noErrors(t, "customerAddressDelete")
	e.mustAddAddress(tok, map[string]any{"address1": "5 Main St"})

	// The default limit is 100.
	d := newEnv(t)
	dtok := d.newAddressOwner("bob@example.com")
	for i := range customerauth.DefaultMaxAddresses {
		d.mustAddAddress(dtok, map[string]any{"address1": fmt.Sprintf("%d Main St", i)})
	}
	if got := d.addAddress(dtok, map[string]any{"address1": "one more"}).userErrors("customerAddressCreate"); !slices.Equal(got, []string{"INVALID address: A customer can have at most 100 addresses."}) {
		t.Errorf("over the default limit: %v", got)
	}

	if _, err := customerauth.New(customerauth.Config{MaxAddresses: -1}); err == nil {
		t.Error("New accepted a negative MaxAddresses")
	}
}

// TestConcurrentAddressChangesThroughHandler: twenty creates released at
// once keep twenty addresses, and deletes racing updates of the same
// addresses never bring one back.
func TestConcurrentAddressChangesThroughHandler(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	const n = 20
	results := make([]gqlResult, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			results[i] = e.addAddress(tok, map[string]any{"address1": fmt.Sprintf("%d Main St", i)})
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	var created []string
	for i, r := range results {
		if len(r.Errors) > 0 || len(r.userErrors("customerAddressCreate")) > 0 {
			t.Fatalf("create %d: %s", i, r.Raw)
		}
		created = append(created, r.str("customerAddressCreate", "customerAddress", "id"))
	}
	def, book := e.addressBook(tok)
	got := addressIDs(book)
	if len(got) != n || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(created))) {
		t.Fatalf("%d addresses kept of %d created: %v", len(got), n, got)
	}
	if def != got[0] {
		t.Errorf("default %s, want the first stored, %s", def, got[0])
	}

	// Each address is deleted and updated at the same moment: the update
	// either lands before the delete or finds nothing; none survives.
	updates := make([]gqlResult, n)
	start = make(chan struct{})
	for i, id := range created {
		done.Add(2)
		go func() { defer done.Done(); <-start; e.deleteAddress(tok, id) }()
		go func() {
			defer done.Done()
			<-start
			updates[i] = e.updateAddress(tok, id, map[string]any{"city": "Racing"})
		}()
	}
	close(start)
	done.Wait()
	for i, r := range updates {
		ue := r.userErrors("customerAddressUpdate")
		if len(r.Errors) > 0 || !(len(ue) == 0 || slices.Equal(ue, []string{"NOT_FOUND id: Address does not exist"})) {
			t.Errorf("update %d racing a delete: %s", i, r.Raw)
		}
	}
	if def, book := e.addressBook(tok); len(book) != 0 || def != "" {
		t.Errorf("after deleting all: default %q, %d addresses left: %v", def, len(book), addressIDs(book))
	}
}

// revokingStore revokes the caller's access token just before each
// address change reaches the store, as a password reset or a logout on
// another device would while the request is under way.
type revokingStore struct {
	customerauth.Store
}

func (s revokingStore) revoke(ctx context.Context, ch customerauth.AddressChange) {
	if ch.AccessToken == nil {
		panic("the address change carries no access token for the store to check")
	}
	if _, err := s.DeleteToken(ctx, *ch.AccessToken, ch.UpdatedAt); err != nil {
		panic(err)
	}
}

func (s revokingStore) AddAddress(ctx context.Context, ch customerauth.AddressChange, a customerauth.Address, limit int) (*customerauth.Customer, error) {
	s.revoke(ctx, ch)
	return s.Store.AddAddress(ctx, ch, a, limit)
}

func (s revokingStore) UpdateAddress(ctx context.Context, ch customerauth.AddressChange, a customerauth.Address) (*customerauth.Customer, error) {
	s.revoke(ctx, ch)
	return s.Store.UpdateAddress(ctx, ch, a)
}

func (s revokingStore) DeleteAddress(ctx context.Context, ch customerauth.AddressChange, id string) (*customerauth.Customer, error) {
	s.revoke(ctx, ch)
	return s.Store.DeleteAddress(ctx, ch, id)
}

func (s revokingStore) SetDefaultAddress(ctx context.Context, ch customerauth.AddressChange, id string) (*customerauth.Customer, error) {
	s.revoke(ctx, ch)
	return s.Store.SetDefaultAddress(ctx, ch, id)
}

// TestAddressChangeLosesToARevocation: the store checks the token in the
// same step as the change, so a token revoked while the request was under
// way refuses the change (ACCESS_DENIED) and nothing is written.
func TestAddressChangeLosesToARevocation(t *testing.T) {
	for _, m := range []struct {
		field, msg, doc string
		vars            func(tok, id string) map[string]any
	}{
		{"customerAddressCreate", "CustomerAddressCreate access denied", addressCreateDoc, func(tok, _ string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "address": map[string]any{"address1": "2 Late St"}}
		}},
		{"customerAddressUpdate", "CustomerAddressUpdate access denied", addressUpdateDoc, func(tok, id string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "id": id, "address": map[string]any{"city": "Late"}}
		}},
		{"customerAddressDelete", "CustomerAddressDelete access denied", addressDeleteDoc, func(tok, id string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "id": id}
		}},
		{"customerDefaultAddressUpdate", "CustomerDefaultAddressUpdate access denied", defaultAddressDoc, func(tok, id string) map[string]any {
			return map[string]any{"customerAccessToken": tok, "addressId": id}
		}},
	} {
		t.Run(m.field, func(t *testing.T) {
			mem := customerauth.NewMemoryStore()
			e := newEnv(t, func(c *customerauth.Config) { c.Store = revokingStore{mem} })
			tok := e.newAddressOwner("ann@example.com")
			// Two addresses put in place by the shop, so the default could
			// move.
			c, err := mem.CustomerByEmail(context.Background(), "ann@example.com")
			if err != nil {
				t.Fatal(err)
			}
			addrs, err := e.svc.SetAddresses(context.Background(), c.ID, []customerauth.Address{{Address1: "1 Main St", City: "Toronto"}, {Address1: "3 Other St"}}, 0)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := mem.CustomerByID(context.Background(), c.ID)

			wantDenied(t, e.do(m.doc, m.vars(tok, e.svc.AddressGlobalID(addrs[1].ID))), m.field, m.msg)
			after, _ := mem.CustomerByID(context.Background(), c.ID)
			if fmt.Sprint(after.Addresses) != fmt.Sprint(before.Addresses) || after.DefaultAddressID != before.DefaultAddressID {
				t.Errorf("the refused change was written: %+v, default %s", after.Addresses, after.DefaultAddressID)
			}
		})
	}
}

// TestAddressGoAPI covers what the GraphQL layer hides: the Go methods'
// results and the input GraphQL cannot carry.
func TestAddressGoAPI(t *testing.T) {
	e := newEnv(t)
	tok := e.newAddressOwner("ann@example.com")
	ctx := context.Background()
	str := func(s string) *string { return &s }

	a, err := e.svc.CreateAddress(ctx, tok, customerauth.AddressInput{Address1: str(" 1 Main St "), Country: str("de")})
	if err != nil {
		t.Fatal(err)
	}
	if a.Address1 != "1 Main St" || a.CountryCode != "DE" || a.Country != "Germany" || a.ID == "" || strings.Contains(a.ID, "/") {
		t.Errorf("created %+v", a)
	}
	_, err = e.svc.CreateAddress(ctx, tok, customerauth.AddressInput{Address1: str("1 Main St"), FirstName: str("An\xffn")})
	if ue := customerauth.UserErrors(err); len(ue) != 1 || ue[0].Code != customerauth.CodeInvalid || strings.Join(ue[0].Field, ".") != "address.firstName" || ue[0].Message != "First name is not valid UTF-8" {
		t.Errorf("invalid UTF-8: %v", err)
	}
	// Coordinates stay with the place: kept when a change does not move
	// the address, dropped when it does.
	stored, err := e.store.CustomerByEmail(ctx, "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	lat, lng := 52.52, 13.405
	placed, err := e.svc.SetAddresses(ctx, stored.ID, []customerauth.Address{{Address1: "1 Main St", City: "Berlin", CountryCode: "DE", Latitude: &lat, Longitude: &lng}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := e.svc.UpdateAddress(ctx, tok, placed[0].ID, customerauth.AddressInput{Phone: str("+49 30 1234567"), City: str("Berlin")})
	if err != nil || kept.Latitude == nil || *kept.Latitude != lat || kept.Phone != "+49301234567" {
		t.Errorf("a change that does not move the address: %+v, %v", kept, err)
	}
	moved, err := e.svc.UpdateAddress(ctx, tok, placed[0].ID, customerauth.AddressInput{City: str("Potsdam")})
	if err != nil || moved.Latitude != nil || moved.Longitude != nil {
		t.Errorf("a moved address kept its old coordinates: %+v, %v", moved, err)
	}
	a, err = e.svc.CreateAddress(ctx, tok, customerauth.AddressInput{Address1: str("1 Main St"), Country: str("de")})
	if err != nil {
		t.Fatal(err)
	}

	c, err := e.svc.SetDefaultAddress(ctx, tok, a.ID)
	if err != nil || c.DefaultAddressID != a.ID {
		t.Errorf("SetDefaultAddress: %v, %+v", err, c)
	}
	id, err := e.svc.DeleteAddress(ctx, tok, e.svc.AddressGlobalID(a.ID)+"?model_name=CustomerAddress")
	if err != nil || id != a.ID {
		t.Errorf("DeleteAddress = %q, %v; want the bare id %s", id, err, a.ID)
	}
	for name, err := range map[string]error{
		"create": func() error { _, err := e.svc.CreateAddress(ctx, "nope", customerauth.AddressInput{}); return err }(),
		"update": func() error {
			_, err := e.svc.UpdateAddress(ctx, "nope", a.ID, customerauth.AddressInput{})
			return err
		}(),
		"delete":  func() error { _, err := e.svc.DeleteAddress(ctx, "nope", a.ID); return err }(),
		"default": func() error { _, err := e.svc.SetDefaultAddress(ctx, "nope", a.ID); return err }(),
	} {
		if err != customerauth.ErrInvalidToken {
			t.Errorf("%s with a bad token: %v, want ErrInvalidToken", name, err)
		}
	}
}

// TestAddressDocumentsOnTheFastPath: the compiled plan answers the address
// documents as graphql-go does. Each request runs twice, once per executor,
// so only answers that a second run repeats are compared: failures, and
// changes that are the same when made again.
func TestAddressDocumentsOnTheFastPath(t *testing.T) {
	p := newFastPair(t)
	tok := p.newAddressOwner("ann@example.com")
	id := p.mustAddAddress(tok, homeAddress)
	bad := strings.Repeat("0", 32)
	for _, tc := range []struct {
		name string
		doc  string
		vars map[string]any
	}{
		{"create, field errors", addressCreateDoc, map[string]any{"customerAccessToken": tok, "address": map[string]any{"firstName": "<b>x</b>", "phone": "1"}, "country": "CA"}},
		{"create, access denied", addressCreateDoc, map[string]any{"customerAccessToken": bad, "address": homeAddress}},
		{"update", addressUpdateDoc, map[string]any{"customerAccessToken": tok, "id": id + "?model_name=CustomerAddress", "address": homeAddress, "language": "EN"}},
		{"update, whole address back", addressEditDoc, map[string]any{"customerAccessToken": tok, "id": id, "address": map[string]any{"city": "Ottawa", "phone": nil}}},
		{"update, not found", addressEditDoc, map[string]any{"customerAccessToken": tok, "id": "gid://shopify/MailingAddress/1", "address": homeAddress}},
		{"update, province of another country", addressEditDoc, map[string]any{"customerAccessToken": tok, "id": id, "address": map[string]any{"country": "US", "province": "ON"}}},
		{"delete, not found", addressDeleteDoc, map[string]any{"customerAccessToken": tok, "id": "nope"}},
		{"delete, access denied", addressDeleteDoc, map[string]any{"customerAccessToken": bad, "id": id}},
		{"default", defaultAddressDoc, map[string]any{"customerAccessToken": tok, "addressId": id}},
		{"default, not found", defaultAddressDoc, map[string]any{"customerAccessToken": tok, "addressId": ""}},
	} {
		p.check(t, tc.name, gqlReq{query: tc.doc, vars: tc.vars}, 1)
	}
}
