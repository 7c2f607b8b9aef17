package customerauth

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/source"
)

// TestSyntaxErrorAtMatchesGraphQLGo: syntaxErrorAt says what
// gqlerrors.NewSyntaxError says, at every position of a document with
// every kind of line terminator, without its cost.
func TestSyntaxErrorAtMatchesGraphQLGo(t *testing.T) {
	doc := "query Q(\r\n  $v: \r\r\n\n  $w: String\r) { __typename }"
	for pos := 0; pos <= len(doc); pos++ {
		got := syntaxErrorAt(doc, pos, "Expected a type.")
		want := gqlerrors.NewSyntaxError(&source.Source{Body: []byte(doc), Name: sourceName}, pos, "Expected a type.")
		if !strings.HasPrefix(want.Message, got.msg+"\n\n") || fmt.Sprint(got.locations) != fmt.Sprint(want.Locations) {
			t.Errorf("at %d: got %q %v, want %q %v", pos, got.msg, got.locations, want.Message, want.Locations)
		}
		if f := got.formatted(); f.Extensions["code"] != "GRAPHQL_PARSE_FAILED" || len(f.Locations) != 1 {
			t.Errorf("at %d: formatted %+v", pos, f)
		}
	}
}

func TestRequestGone(t *testing.T) {
	if errs := requestGone(context.Background()); errs != nil {
		t.Errorf("live request: %v", errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if errs := requestGone(ctx); len(errs) != 1 || errs[0].Extensions["code"] != "CLIENT_CLOSED_REQUEST" {
		t.Errorf("cancelled request: %+v", errs)
	}
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if errs := requestGone(ctx); len(errs) != 1 || errs[0].Extensions["code"] != "TIMEOUT" {
		t.Errorf("request past its deadline: %+v", errs)
	}
}
