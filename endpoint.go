package customerauth

import (
	"net/http"
	"net/netip"
	"reflect"
	"strings"
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
	planOpts         fastpath.Options
	limits           RequestLimits
	storefrontTokens []StorefrontToken
	trustedProxies   []netip.Prefix
	openGrants       *grants   // every scope, for requests when no storefront token is configured
	unknownClient    sync.Once // warns once about requests without a client IP

	// cors answers preflights and marks answers (cors.go); nil when
	// Config.CORS.Disabled.
	cors *corsPolicy
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
	if e.cors, err = newCORSPolicy(cfg.CORS); err != nil {
		return nil, err
	}
	if e.gql, err = newSchema(s); err != nil {
		return nil, err
	}
	e.planOpts = fastpath.Options{ArgsUnused: ownArgFreeResolvers(e.gql.schema)}
	return e, nil
}

// ownArgFreeResolvers vouches for the resolvers of the schema's own fields
// without arguments, as it is built, before a host adds fields: none of
// them looks at its Args, so the compiled plans may pass them nil instead
// of the empty map graphql-go builds for every call, most of a plan's
// allocations. Func values cannot be compared, so resolvers are known by
// their code: a host's resolver, whatever it does, has code of its own. A
// resolver of this package that looks at its Args must therefore belong
// to a field with arguments.
func ownArgFreeResolvers(sch graphql.Schema) func(graphql.FieldResolveFn) bool {
	own := map[uintptr]bool{}
	for name, t := range sch.TypeMap() {
		o, ok := t.(*graphql.Object)
		if !ok || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range o.Fields() {
			if len(f.Args) == 0 && f.Resolve != nil {
				own[reflect.ValueOf(f.Resolve).Pointer()] = true
			}
		}
	}
	return func(fn graphql.FieldResolveFn) bool { return own[reflect.ValueOf(fn).Pointer()] }
}

// Handler returns the HTTP handler of the GraphQL endpoint, to be mounted
// where clients expect it, for example "/api/{version}/graphql.json".
//
// It accepts POST with an application/json body ({"query", "variables",
// "operationName"}) or an application/graphql body, and GET with the same
// fields as URL parameters for queries (never mutations). Every response
// carries an X-Request-ID header; internal errors are reported with that id
// and logged, never shown. Browsers on other origins may call it as
// Config.CORS allows: preflights are answered before the storefront token
// is looked at.
func (s *Service) Handler() http.Handler {
	return s.api.cors.wrap(http.HandlerFunc(s.api.serveGraphQL))
}

// Schema returns the complete GraphQL schema served by Handler, with the
// root types QueryRoot and Mutation.
func (s *Service) Schema() graphql.Schema { return s.api.gql.schema }

// QueryFields returns the query root fields (customer), for a host that
// merges them into a schema of its own.
func (s *Service) QueryFields() graphql.Fields { return s.api.gql.queryFields() }

// MutationFields returns the fifteen customer mutations (accounts, tokens
// and the address book), for a host that merges them into a schema of its
// own.
func (s *Service) MutationFields() graphql.Fields { return s.api.gql.mutationFields() }

// CustomerType returns the Customer object type. A host may add fields of
// its own (orders, say) with AddFieldConfig before it builds its schema and
// before it serves requests; the resolvers receive a *Customer as source.
func (s *Service) CustomerType() *graphql.Object { return s.api.gql.customer }
