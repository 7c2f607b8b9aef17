package main

import (
	"context"
	"fmt"

	"github.com/shopkit/customerauth"
)

func runMigrate(ctx context.Context, e *env, args []string) int {
	fs := e.flags()
	if code := e.parse(args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		return e.badUsage("unexpected argument %q", fs.Arg(0))
	}
	// open applies the migrations.
	_, err := e.open(ctx, customerauth.Config{})
	defer e.close()
	if err != nil {
		return e.fail(err)
	}
	if e.json {
		if err := e.writeJSON(map[string]any{"store": e.store.Kind, "where": e.store.Where, "migrated": true}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s store %s: schema up to date\n", e.store.Kind, e.store.Where)
	return exitOK
}
