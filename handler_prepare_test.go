package customerauth_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestHandlerRefusesVariablesWithoutType: graphql-go's parser accepts a
// variable definition whose type is missing or incomplete, and its
// validator then panics on it (FuzzFastPathMatchesGraphQLGo found
// "mutation ($A:){A}"). The handler must answer such documents with a
// syntax error instead.
func TestHandlerRefusesVariablesWithoutType(t *testing.T) {
	e := newEnv(t)
	for _, doc := range []string{
		`mutation ($A:){A}`,
		`query ($A:) { __typename }`,
		`query ($A: String, $B:) { __typename }`,
		`query ($A: !) { __typename }`,
		`query ($A: []) { __typename }`,
		`query ($A: [!]) { __typename }`,
		`query ($A: ]) { __typename }`,
		`query ($A: [String]!, $B: [[]]) { __typename }`,
		`query Q { __typename } query ($A:) { __typename }`,
	} {
		var r gqlResult
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: the handler panicked: %v", doc, p)
				}
			}()
			r = e.do(doc, nil)
		}()
		if r.Status != http.StatusOK || len(r.Errors) != 1 || !strings.HasPrefix(r.Errors[0].Message, "Syntax Error") || r.Data != nil {
			t.Errorf("%s: %d %s", doc, r.Status, r.Raw)
		}
	}
	// Well-formed types get as far as validation.
	if r := e.do(`query ($A: [String!]!, $B: Boolean = true) { __typename @include(if: $B) }`, map[string]any{"A": []any{"x"}}); len(r.Errors) != 1 || r.Errors[0].Message != `Variable "$A" is never used.` {
		t.Errorf("well-formed list type: %s", r.Raw)
	}
	if r := e.do(`query ($B: Boolean!) { __typename @include(if: $B) }`, map[string]any{"B": true}); len(r.Errors) != 0 {
		t.Errorf("well-formed type: %s", r.Raw)
	}
}
