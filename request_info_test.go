package customerauth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/shopkit/customerauth"
)

// TestHandlerFillsInRequestInfo: a host's middleware hands Handler an
// empty RequestInfo and finds in it, once Handler returns, the operation
// that ran, for its request log and metrics.
func TestHandlerFillsInRequestInfo(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name          string
		method        string
		query, opName string
		want          customerauth.RequestInfo
	}{
		{
			name:   "anonymous mutation",
			method: http.MethodPost,
			query:  `mutation { customerAccessTokenCreate(input: {email: "ann@example.com", password: "x"}) { customerUserErrors { code } } }`,
			want:   customerauth.RequestInfo{OperationType: "mutation", OperationName: "customerAccessTokenCreate", RootFields: []string{"customerAccessTokenCreate"}},
		},
		{
			name:   "named query over GET",
			method: http.MethodGet,
			query:  `query Me { customer(customerAccessToken: "x") { id } }`,
			want:   customerauth.RequestInfo{OperationType: "query", OperationName: "Me", RootFields: []string{"customer"}},
		},
		{
			name:   "anonymous query with aliases, a repeated field and fragments",
			method: http.MethodPost,
			query: `{ a: customer(customerAccessToken: "x") { id } ...Root ... on QueryRoot { __typename b: customer(customerAccessToken: "y") { id } } }
				fragment Root on QueryRoot { __typename ...Again }
				fragment Again on QueryRoot { c: customer(customerAccessToken: "z") { id } }`,
			want: customerauth.RequestInfo{OperationType: "query", OperationName: "customer,__typename", RootFields: []string{"customer", "__typename"}},
		},
		{
			name:   "the operation operationName chooses",
			method: http.MethodPost,
			query:  `query Me { customer(customerAccessToken: "x") { id } } mutation Out { customerAccessTokenDelete(customerAccessToken: "x") { deletedAccessToken } }`,
			opName: "Out",
			want:   customerauth.RequestInfo{OperationType: "mutation", OperationName: "Out", RootFields: []string{"customerAccessTokenDelete"}},
		},
		{
			name:   "a document that does not parse runs nothing",
			method: http.MethodPost,
			query:  `{ customer(`,
			want:   customerauth.RequestInfo{},
		},
		{
			name:   "an unknown operationName runs nothing",
			method: http.MethodPost,
			query:  `query Me { customer(customerAccessToken: "x") { id } }`,
			opName: "You",
			want:   customerauth.RequestInfo{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.method == http.MethodGet {
				q := url.Values{"query": {tt.query}}
				if tt.opName != "" {
					q.Set("operationName", tt.opName)
				}
				req = httptest.NewRequest(http.MethodGet, "/api/2026-04/graphql.json?"+q.Encode(), nil)
			} else {
				b, _ := json.Marshal(map[string]string{"query": tt.query, "operationName": tt.opName})
				req = httptest.NewRequest(http.MethodPost, "/api/2026-04/graphql.json", strings.NewReader(string(b)))
				req.Header.Set("Content-Type", "application/json")
			}
			info := &customerauth.RequestInfo{}
			req = req.WithContext(customerauth.WithRequestInfo(req.Context(), info))
			res := e.send(req)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res.Raw)
			}
			if !reflect.DeepEqual(*info, tt.want) {
				t.Errorf("RequestInfo = %+v, want %+v", *info, tt.want)
			}
		})
	}
}

// TestHandlerWithoutRequestInfo: a host that passes none is served as
// before.
func TestHandlerWithoutRequestInfo(t *testing.T) {
	e := newEnv(t)
	if r := e.do(`{ customer(customerAccessToken: "x") { id } }`, nil); r.Status != http.StatusOK || len(r.Errors) != 0 {
		t.Errorf("%d %s", r.Status, r.Raw)
	}
}
