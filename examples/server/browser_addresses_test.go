package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/notifytest"
)

// TestBrowserAddressBook walks the address book of the account page in
// headless Chromium: add two addresses (the first becomes the default), have
// one refused with a message next to each field at fault, edit one, make the
// second the default, delete the default (the remaining one becomes it), add
// one as the default with the form's checkbox, edit an address deleted
// behind the page's back (NOT_FOUND), list more addresses than
// CustomerDetails reads, and go back to the login page when the token is
// revoked (ACCESS_DENIED). What the page shows is checked against the
// server after the changes.
func TestBrowserAddressBook(t *testing.T) {
	start := time.Now()
	srv, ts := startBrowserServer(t, &notifytest.Outbox{}, "")
	b := startBrowser(t, ts.URL)
	defer b.report(start)
	ctx := t.Context()

	const (
		email    = "mary.somerville@example.com"
		password = "Mechanism-of-the-Heavens-1831"
	)
	if _, err := srv.svc.CreateCustomer(ctx, customerauth.CustomerCreateInput{
		Email: email, Password: password, FirstName: "Mary", LastName: "Somerville",
	}); err != nil {
		t.Fatal(err)
	}
	// serverBook checks the customer's addresses on the server against the
	// page's list, in the page's order (the default first).
	serverBook := func(step string) {
		t.Helper()
		c, err := srv.svc.CustomerByAccessToken(ctx, b.token())
		if err != nil {
			b.fail("%s: reading the customer on the server: %v", step, err)
		}
		var want []string
		if c.DefaultAddressID != "" {
			want = append(want, "default "+srv.svc.AddressGlobalID(c.DefaultAddressID))
		}
		for _, a := range c.Addresses {
			if a.ID != c.DefaultAddressID {
				want = append(want, srv.svc.AddressGlobalID(a.ID))
			}
		}
		got := b.listedIDs()
		if !slices.Equal(got, want) {
			b.fail("%s: the page lists %q, the server holds %q", step, got, want)
		}
	}

	t.Log("step: log in; the address book is empty")
	b.open("/account/login", "/account/login")
	b.fill("#email", email)
	b.fill("#password", password)
	b.click("#submit")
	b.waitPage("/account")
	b.waitText("#addresses-empty", "You haven't saved an address yet.")
	b.waitList()

	t.Log("step: add the first address; it becomes the default")
	b.click("#address-add")
	b.waitFor("the add form, focused", `!document.querySelector("#address-form").hidden && document.activeElement.id === "address-first-name"`)
	b.waitText("#address-form-heading", "Add a new address")
	b.waitFor("no default checkbox for the first address", `document.querySelector("#address-default-field").offsetParent === null`)
	b.fillAddress(map[string]string{
		"first-name": "Mary", "last-name": "Somerville", "address1": "24 Sussex Drive", "city": "Ottawa",
		"country": "Canada", "province": "ON", "zip": "K1M 1M4", "phone": "+1 613-555-0123",
	})
	b.click("#address-submit")
	b.waitText("#addresses-message", "Address added.")
	b.waitList("[Default address] Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123")
	b.waitFor("the form closed", `document.querySelector("#address-form").hidden && !document.querySelector("#address-add").hidden`)
	b.waitFor("no empty-book note", `document.querySelector("#addresses-empty").hidden`)

	t.Log("step: add a second address, by country code; the first stays the default")
	b.click("#address-add")
	b.waitFor("the default checkbox, unchecked", `document.querySelector("#address-default-field").offsetParent !== null && !document.querySelector("#address-default").checked`)
	b.fillAddress(map[string]string{
		"first-name": "Mary", "last-name": "Somerville", "company": "Royal Society",
		"address1": "6-9 Carlton House Terrace", "city": "London", "country": "GB", "zip": "SW1Y 5AG",
	})
	b.click("#address-submit")
	b.waitText("#addresses-message", "Address added.")
	b.waitList(
		"[Default address] Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123",
		"Mary Somerville / Royal Society / 6-9 Carlton House Terrace / London SW1Y 5AG / United Kingdom",
	)
	serverBook("after two adds")

	t.Log("step: a refused address: each message next to its field")
	b.click("#address-add")
	b.fillAddress(map[string]string{
		"first-name": "<b>Mary</b>", "last-name": "Somerville", "company": "www.royalsociety.org",
		"address1": "845 Sherbrooke Street West", "city": "Montréal", "country": "CA", "province": "Texas",
	})
	b.setValue("#address-zip", strings.Repeat("9", 300)) // typed, 300 keys would take seconds
	b.click("#address-submit")
	b.waitText("#address-province-error", "This isn't a state or province of Canada.")
	b.waitText("#address-first-name-error", "First name can't contain HTML tags.")
	b.waitText("#address-company-error", "Company can't contain a web address.")
	b.waitText("#address-zip-error", "Postal code is too long: use at most 255 characters.")
	b.waitText("#address-message", "Please correct the 4 fields marked below.")
	b.waitFor("the four fields marked invalid, described by their messages, the first focused", `(() => {
		const bad = Array.from(document.querySelectorAll("#address-form [aria-invalid=true]")).map(i => i.id);
		const described = (id) => document.querySelector("#" + id).getAttribute("aria-describedby").split(" ").includes(id + "-error");
		return bad.join() === "address-first-name,address-company,address-province,address-zip" &&
			bad.every(described) && document.activeElement.id === "address-first-name" &&
			document.querySelector("#address-city-error").hidden;
	})()`)
	b.snap("address-refused")

	b.fillAddress(map[string]string{"first-name": "Mary", "company": "", "province": "Quebec", "zip": "H3A 0G4", "country": "Narnia"})
	b.click("#address-submit")
	b.waitText("#address-country-error", "We don't know this country. Enter its name or two-letter code, like Canada or CA.")
	b.waitText("#address-message", "Please correct the field marked below.")
	b.waitFor("only the country marked now", `(() => {
		const bad = Array.from(document.querySelectorAll("#address-form [aria-invalid=true]")).map(i => i.id);
		return bad.join() === "address-country" && document.querySelector("#address-province-error").hidden &&
			document.querySelector("#address-province").getAttribute("aria-describedby") === "address-province-hint";
	})()`)

	for _, f := range []string{"first-name", "last-name", "address1", "city", "country", "province", "zip"} {
		b.fill("#address-"+f, "")
	}
	b.click("#address-submit")
	b.waitText("#address-address1-error", "Enter where the address is: at least a street, city, postal code, state or country.")
	b.click("#address-cancel")
	b.waitFor("the form closed", `document.querySelector("#address-form").hidden`)
	b.waitList(
		"[Default address] Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123",
		"Mary Somerville / Royal Society / 6-9 Carlton House Terrace / London SW1Y 5AG / United Kingdom",
	)
	serverBook("after the refused ones")

	t.Log("step: edit the second address; an emptied field is cleared")
	b.clickAddress("Carlton House", "edit")
	b.waitText("#address-form-heading", "Edit address")
	b.waitFor("the form filled from the address", `document.querySelector("#address-company").value === "Royal Society" &&
		document.querySelector("#address-country").value === "United Kingdom" &&
		document.querySelector("#address-submit").textContent === "Save address" &&
		document.querySelector("#address-default-field").offsetParent !== null`)
	b.fillAddress(map[string]string{"company": "", "address1": "Burlington House", "address2": "Piccadilly", "zip": "W1J 0BE"})
	b.click("#address-submit")
	b.waitText("#addresses-message", "Address saved.")
	b.waitList(
		"[Default address] Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123",
		"Mary Somerville / Burlington House / Piccadilly / London W1J 0BE / United Kingdom",
	)

	t.Log("step: make the second address the default")
	b.clickAddress("Burlington House", "default")
	b.waitText("#addresses-message", "Your default address is now Burlington House.")
	b.waitList(
		"[Default address] Mary Somerville / Burlington House / Piccadilly / London W1J 0BE / United Kingdom",
		"Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123",
	)
	b.waitFor("no Make default button on the default", `(() => {
		const li = document.querySelector("#address-list > li");
		return li.dataset.default === "true" && !li.querySelector("[data-action=default]");
	})()`)
	serverBook("after making the second the default")
	b.snap("address-book")

	t.Log("step: delete the default, after keeping it once; the remaining one becomes the default")
	b.clickAddress("Burlington House", "delete")
	b.waitFor("the delete question, focused", `document.activeElement.dataset.action === "confirm-delete"`)
	b.clickAddress("Burlington House", "cancel-delete")
	b.waitFor("the question gone", `document.querySelector("#address-list .confirm:not([hidden])") === null`)
	b.clickAddress("Burlington House", "delete")
	b.clickAddress("Burlington House", "confirm-delete")
	b.waitText("#addresses-message", "Address deleted. Your default address is now 24 Sussex Drive.")
	b.waitList("[Default address] Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123")
	serverBook("after deleting the default")

	t.Log("step: add an address as the default with the form's checkbox")
	b.click("#address-add")
	b.fillAddress(map[string]string{"first-name": "Mary", "last-name": "Somerville", "address1": "Chelsea Hospital", "city": "London", "country": "United Kingdom"})
	b.click("#address-default")
	b.click("#address-submit")
	b.waitText("#addresses-message", "Address added as your default address.")
	b.waitList(
		"[Default address] Mary Somerville / Chelsea Hospital / London / United Kingdom",
		"Mary Somerville / 24 Sussex Drive / Ottawa ON K1M 1M4 / Canada / +16135550123",
	)
	serverBook("after adding a default")

	t.Log("step: save an address deleted behind the page's back: NOT_FOUND, and the list catches up")
	b.clickAddress("Sussex", "edit")
	sussex := b.listedIDs()[1]
	if _, err := srv.svc.DeleteAddress(ctx, b.token(), sussex); err != nil {
		b.fail("deleting %s on the server: %v", sussex, err)
	}
	b.fill("#address-city", "Rockcliffe Park")
	b.click("#address-submit")
	b.waitText("#addresses-message", "This address no longer exists: it may have been deleted in another window.")
	b.waitList("[Default address] Mary Somerville / Chelsea Hospital / London / United Kingdom")
	b.waitFor("the form closed", `document.querySelector("#address-form").hidden`)
	serverBook("after NOT_FOUND")

	t.Log("step: more addresses than CustomerDetails reads are all listed")
	for i := 1; i <= 7; i++ {
		line, city, country := fmt.Sprintf("%d Observatory Lane", i), "Greenwich", "GB"
		if _, err := srv.svc.CreateAddress(ctx, b.token(), customerauth.AddressInput{Address1: &line, City: &city, Country: &country}); err != nil {
			b.fail("adding address %d on the server: %v", i, err)
		}
	}
	b.do("reload", chromedp.Reload())
	b.waitPage("/account")
	want := []string{"[Default address] Mary Somerville / Chelsea Hospital / London / United Kingdom"}
	for i := 1; i <= 7; i++ {
		want = append(want, fmt.Sprintf("%d Observatory Lane / Greenwich / United Kingdom", i))
	}
	b.waitList(want...)
	serverBook("after reloading eight addresses")

	t.Log("step: a revoked token sends the page back to the login page")
	if _, err := srv.svc.DeleteAccessToken(ctx, b.token()); err != nil {
		b.fail("revoking the token: %v", err)
	}
	b.clickAddress("7 Observatory Lane", "default")
	b.waitPage("/account/login")
	b.waitText("#message", "Your session has expired. Please log in again.")
	if c := b.tokenCookie(); c != nil {
		b.fail("after the token was refused the cookie is still there: %+v", c)
	}
}

// listExpr is the account page's address list as the shopper reads it:
// the badge in brackets, then the address's lines joined with " / ".
const listExpr = `Array.from(document.querySelectorAll("#address-list > li")).map(li => {
	const badge = li.querySelector(".badge");
	const lines = Array.from(li.querySelectorAll("address > div")).map(d => d.textContent).join(" / ");
	return (badge && badge.offsetParent !== null ? "[" + badge.textContent + "] " : "") + lines;
})`

// waitList waits until the page lists exactly these addresses, in order,
// with nothing being changed.
func (b *browser) waitList(want ...string) {
	b.t.Helper()
	if want == nil {
		want = []string{}
	}
	b.waitFor(fmt.Sprintf("the address list %q", want),
		`document.querySelector("#address-list").getAttribute("aria-busy") === null && JSON.stringify(`+listExpr+`) === `+js(mustJSON(want)))
}

// listedIDs returns the ids of the listed addresses, the default's with
// "default " before it.
func (b *browser) listedIDs() []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#address-list > li")).map(li =>
		(li.dataset.default === "true" ? "default " : "") + li.dataset.addressId)`))
	if err != nil {
		b.fail("reading the address list: %v", err)
	}
	return ids
}

// clickAddress clicks the button with the data-action of the listed
// address whose lines contain text.
func (b *browser) clickAddress(text, action string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	i, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#address-list > li")).findIndex(li =>
		li.querySelector("address").textContent.includes(`+js(text)+`))`))
	if err != nil || i < 0 {
		b.fail("no listed address with %q (%v)", text, err)
	}
	b.click(fmt.Sprintf(`#address-list > li:nth-child(%d) button[data-action=%q]`, i+1, action))
}

// fillAddress fills the address form's fields, by the part of their id
// after "address-".
func (b *browser) fillAddress(fields map[string]string) {
	b.t.Helper()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.fill("#address-"+k, fields[k])
	}
}
