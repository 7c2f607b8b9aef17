package customerauth_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

func TestAddressesPaginateByCursor(t *testing.T) {
	e := newEnv(t)
	id := e.register("ann@example.com", "correct horse")
	tok := e.login("ann@example.com", "correct horse")
	var addrs []customerauth.Address
	for _, c := range []string{"A", "B", "C", "D", "E"} {
		addrs = append(addrs, customerauth.Address{Address1: c})
	}
	lat := 45.42
	addrs[0].Latitude, addrs[0].Longitude = &lat, &lat
	if _, err := e.svc.SetAddresses(context.Background(), id, addrs, 0); err != nil {
		t.Fatal(err)
	}
	page := func(args string) (names []string, info map[string]any, errs []gqlError) {
		t.Helper()
		r := e.do(`query($t: String!) { customer(customerAccessToken: $t) { addresses(`+args+`) {
  edges { cursor node { address1 } }
  nodes { address1 }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} } }`, map[string]any{"t": tok})
		if len(r.Errors) > 0 {
			return nil, nil, r.Errors
		}
		for i, edge := range r.get("customer", "addresses", "edges").([]any) {
			name := edge.(map[string]any)["node"].(map[string]any)["address1"].(string)
			if r.str("customer", "addresses", "nodes", i, "address1") != name {
				t.Errorf("nodes and edges disagree at %d", i)
			}
			names = append(names, name)
		}
		return names, r.get("customer", "addresses", "pageInfo").(map[string]any), nil
	}
	cursorOf := func(args string, i int) string {
		t.Helper()
		r := e.do(`query($t: String!) { customer(customerAccessToken: $t) { addresses(`+args+`) { edges { cursor } } } }`, map[string]any{"t": tok})
		return r.str("customer", "addresses", "edges", i, "cursor")
	}
	cB := cursorOf("first: 5", 1)
	cD := cursorOf("first: 5", 3)

	for _, tc := range []struct {
		args           string
		want           []string
		hasNext, hasPr bool
	}{
		{"first: 2", []string{"A", "B"}, true, false},
		{"first: 10", []string{"A", "B", "C", "D", "E"}, false, false},
		{"first: 2, after: \"" + cB + "\"", []string{"C", "D"}, true, true},
		{"last: 2", []string{"D", "E"}, false, true},
		{"last: 2, before: \"" + cD + "\"", []string{"B", "C"}, true, true},
		{"first: 5, after: \"" + cB + "\", before: \"" + cD + "\"", []string{"C"}, true, true},
		{"first: 2, reverse: true", []string{"E", "D"}, true, false},
		{"first: 0", nil, true, false},
	} {
		t.Run(tc.args, func(t *testing.T) {
			got, info, errs := page(tc.args)
			if errs != nil {
				t.Fatalf("errors: %v", errs)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if info["hasNextPage"] != tc.hasNext || info["hasPreviousPage"] != tc.hasPr {
				t.Errorf("pageInfo %v, want hasNextPage=%v hasPreviousPage=%v", info, tc.hasNext, tc.hasPr)
			}
		})
	}
	for _, tc := range []struct{ args, want string }{
		{"", "you must provide one of first or last"},
		{"first: 251", "first and last must be between 0 and 250"},
		{"first: -1", "first and last must be between 0 and 250"},
		{"first: 1, after: \"bogus\"", "invalid cursor"},
	} {
		args := tc.args
		if args == "" {
			args = "reverse: false"
		}
		if _, _, errs := page(args); len(errs) != 1 || errs[0].Message != tc.want || errs[0].Extensions["code"] != "BAD_REQUEST" {
			t.Errorf("addresses(%s): %v, want %q", tc.args, errs, tc.want)
		}
	}

	r := e.do(`query($t: String!) { customer(customerAccessToken: $t) { defaultAddress { id address1 latitude longitude countryCodeV2 formatted(withName: true) formattedArea } } }`, map[string]any{"t": tok})
	if r.get("customer", "defaultAddress", "latitude") != 45.42 || r.get("customer", "defaultAddress", "countryCodeV2") != nil {
		t.Errorf("default address: %s", r.Raw)
	}
	if !strings.HasPrefix(r.str("customer", "defaultAddress", "id"), "gid://shopify/MailingAddress/") {
		t.Errorf("address id: %s", r.Raw)
	}
}

func TestSetAddressesRejectsUnknownCountryCodes(t *testing.T) {
	e := newEnv(t)
	id := e.register("ann@example.com", "correct horse")
	_, err := e.svc.SetAddresses(context.Background(), id, []customerauth.Address{{CountryCode: "XX"}}, 0)
	if ue := customerauth.UserErrors(err); len(ue) != 1 || ue[0].Code != customerauth.CodeInvalid {
		t.Errorf("got %v, want INVALID", err)
	}
}

func TestSetAddressesRefusesTakenAddressIDs(t *testing.T) {
	e := newEnv(t)
	ann := e.register("ann@example.com", "correct horse")
	bob := e.register("bob@example.com", "correct horse")
	a := customerauth.Address{ID: "0199a2b3-0000-7000-8000-000000000001", Address1: "1 Main St"}
	if _, err := e.svc.SetAddresses(context.Background(), ann, []customerauth.Address{a}, 0); err != nil {
		t.Fatal(err)
	}
	for name, list := range map[string][]customerauth.Address{
		"AnotherCustomersID": {a},
		"OneIDTwice":         {{ID: "0199a2b3-0000-7000-8000-000000000002"}, {ID: "0199a2b3-0000-7000-8000-000000000002"}},
	} {
		_, err := e.svc.SetAddresses(context.Background(), bob, list, 0)
		if ue := customerauth.UserErrors(err); len(ue) != 1 || ue[0].Code != customerauth.CodeTaken {
			t.Errorf("%s: SetAddresses = %v, want one TAKEN user error", name, err)
		}
	}
}
