package customerauth

import (
	"net/http"
	"net/netip"
	"sync"

	"github.com/graphql-go/graphql"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/shopkit/customerauth/internal/fastpath"
)

// endpoint is the GraphQL and HTTP layers of one Service: the schema and
// its resolvers, the document cache and compiled plans, the request guards
// and the storefront-token and client-address rules of the transport. It
// reaches the domain only through the Service's Go API, so a host that
// merges the fields into its own schema gets the same behaviour.
type endpoint struct {
	svc              *Service
	gql              *schema
	docs             *lru.Cache[string, *fastpath.Document] // nil when disabled
	limits           RequestLimits
	storefrontTokens []StorefrontToken
	trustedProxies   []netip.Prefix
	openGrants       *grants   // every scope, for requests when no storefront token is configured
	unknownClient    sync.Once // warns once about requests without a client IP
}

func newEndpoint(s *Service, cfg Config) (*endpoint, error) {
	e := &endpoint{
		svc:              s,
		limits:           cfg.RequestLimits.withDefaults(),
		storefrontTokens: cfg.AccessTokens,
		trustedProxies:   cfg.TrustedProxies,
		openGrants:       &grants{all: true},
	}
	setDefault(&cfg.DocumentCache, 512)
	if cfg.DocumentCache > 0 {
		var err error
		if e.docs, err = lru.New[string, *fastpath.Document](cfg.DocumentCache); err != nil {
			return nil, err
		}
	}
	var err error
	if e.gql, err = newSchema(s); err != nil {
		return nil, err
	}
	return e, nil
}

// Handler returns the HTTP handler of the GraphQL endpoint, to be mounted
// where clients expect it, for example "/api/{version}/graphql.json".
//
// It accepts POST with an application/json body ({"query", "variables",
// "operationName"}) or an application/graphql body, and GET with the same
// fields as URL parameters for queries (never mutations). Every response
// carries an X-Request-ID header; internal errors are reported with that id
// and logged, never shown.
func (s *Service) Handler() http.Handler {
	return http.HandlerFunc(s.api.serveGraphQL)
}

// Schema returns the complete GraphQL schema served by Handler, with the
// root types QueryRoot and Mutation.
func (s *Service) Schema() graphql.Schema { return s.api.gql.schema }

// QueryFields returns the query root fields (customer), for a host that
// merges them into a schema of its own.
func (s *Service) QueryFields() graphql.Fields { return s.api.gql.queryFields() }

// MutationFields returns the eleven customer mutations, for a host that
// merges them into a schema of its own.
func (s *Service) MutationFields() graphql.Fields { return s.api.gql.mutationFields() }

// CustomerType returns the Customer object type. A host may add fields of
// its own (orders, say) with AddFieldConfig before it builds its schema and
// before it serves requests; the resolvers receive a *Customer as source.
func (s *Service) CustomerType() *graphql.Object { return s.api.gql.customer }
