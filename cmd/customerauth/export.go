package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

func runExport(ctx context.Context, e *env, args []string) int {
	fs := e.flags()
	format := fs.String("format", "shopify", "the file's format: shopify (Shopify's customer CSV)")
	out := fs.String("o", "", "write to this file instead of stdout (replaced only when the export is complete)")
	if code := e.parse(args); code >= 0 {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return e.badUsage("unexpected argument %q", fs.Arg(0))
	case *format != "shopify":
		return e.badUsage("-format must be shopify, not %q", *format)
	case *out == "" && e.json:
		return e.badUsage("-json needs -o: the CSV itself goes to stdout otherwise")
	}
	svc, err := e.open(ctx, customerauth.Config{})
	defer e.close()
	if err != nil {
		return e.fail(err)
	}
	var w io.Writer = e.stdout
	var tmp *os.File
	if *out != "" {
		// A partial file never takes the name: the export goes to a
		// temporary file beside it, renamed at the end.
		if tmp, err = os.CreateTemp(filepath.Dir(*out), filepath.Base(*out)+".*.tmp"); err != nil {
			return e.fail(err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	cw := customerfile.NewShopifyWriter(w)
	n, skipped := 0, 0
	for c, err := range svc.AllCustomers(ctx, customerauth.CustomerQuery{Limit: 1000}) {
		if err != nil {
			return e.fail(err)
		}
		switch err := cw.Write(c); {
		case errors.Is(err, customerfile.ErrNotWritable):
			// One customer the format cannot carry does not stop the
			// export; it is named, and the exit status says so.
			skipped++
			fmt.Fprintf(e.stderr, "customerauth export: skipped %s: %s\n", c.Email, describe(err))
			continue
		case err != nil:
			return e.fail(err)
		}
		n++
	}
	if err := cw.Flush(); err != nil {
		return e.fail(err)
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return e.fail(err)
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return e.fail(err)
		}
		if e.json {
			if err := e.writeJSON(map[string]any{"exported": n, "skipped": skipped, "file": *out}); err != nil {
				return e.fail(err)
			}
		} else {
			fmt.Fprintf(e.stdout, "exported %d customers to %s\n", n, *out)
		}
	} else {
		fmt.Fprintf(e.stderr, "exported %d customers\n", n)
	}
	if skipped > 0 {
		fmt.Fprintf(e.stderr, "customerauth export: %d customers skipped\n", skipped)
		return exitFail
	}
	return exitOK
}
