package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/shopkit/customerauth/internal/storefrontdocs"
)

// The documents Shopify's storefront templates send, the same the
// package's tests use.
const (
	loginDoc    = storefrontdocs.CustomerAccessTokenCreate
	customerDoc = storefrontdocs.CustomerDetails
	updateDoc   = storefrontdocs.CustomerUpdate
	renewDoc    = storefrontdocs.CustomerAccessTokenRenew
)

// operation is one measured GraphQL operation: request bodies picked
// round-robin, and a cheap check of a response body.
type operation struct {
	name    string // short name: customer, renew, update, login
	graphQL string // root field
	tokenOp bool   // authenticated by a customer access token (DESIGN §7 ratio targets)
	bodies  [][]byte
	next    atomic.Uint64
	// mustHave is a substring of every successful response.
	mustHave string
	// mustNotHave is a substring of no successful response.
	mustNotHave string
}

var opNames = []string{"customer", "renew", "update", "login"}

func selectOps(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		found := false
		for _, n := range opNames {
			if s == n {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown operation %q in -ops (have %s)", s, strings.Join(opNames, ","))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-ops is empty")
	}
	return out, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// buildOp prepares the request bodies of the named operation for env's
// customers, as @shopify/storefront-api-client sends them: a JSON body with
// query and variables.
func buildOp(name string, env *benchEnv) *operation {
	op := &operation{name: name, mustNotHave: `"errors"`}
	switch name {
	case "customer":
		op.graphQL, op.tokenOp = "customer", true
		op.mustHave = `"displayName":`
		for _, t := range env.tokens {
			op.bodies = append(op.bodies, mustJSON(map[string]any{"query": customerDoc, "variables": map[string]any{
				"customerAccessToken": t, "country": "CA", "language": "EN"}}))
		}
	case "renew":
		op.graphQL, op.tokenOp = "customerAccessTokenRenew", true
		op.mustHave = `"accessToken":"`
		for _, t := range env.tokens {
			op.bodies = append(op.bodies, mustJSON(map[string]any{"query": renewDoc, "variables": map[string]any{
				"customerAccessToken": t}}))
		}
	case "update":
		// Request i sets customer i%n's first name to names[(i/n)%2], so
		// every customer's name alternates from one visit to the next.
		op.graphQL, op.tokenOp = "customerUpdate", true
		op.mustHave = `"customerUserErrors":[]`
		for _, name := range []string{"Bea", "Ann"} {
			for _, t := range env.tokens {
				op.bodies = append(op.bodies, mustJSON(map[string]any{"query": updateDoc, "variables": map[string]any{
					"customerAccessToken": t, "customer": map[string]any{"firstName": name}}}))
			}
		}
	case "login":
		op.graphQL = "customerAccessTokenCreate"
		op.mustHave = `"accessToken":"`
		for _, e := range env.emails {
			op.bodies = append(op.bodies, mustJSON(map[string]any{"query": loginDoc, "variables": map[string]any{
				"input": map[string]any{"email": e, "password": password}}}))
		}
	default:
		panic("unknown operation " + name)
	}
	return op
}

// body returns the next request body, round-robin across the customers;
// the position carries over from one measurement to the next.
func (op *operation) body() []byte {
	return op.bodies[(op.next.Add(1)-1)%uint64(len(op.bodies))]
}

// ok reports whether a response body is a success.
func (op *operation) ok(b []byte) bool {
	return bytes.Contains(b, []byte(op.mustHave)) && !bytes.Contains(b, []byte(op.mustNotHave))
}
