package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"sync/atomic"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/customerfile"
)

// importReport is what import prints with -json.
type importReport struct {
	Created   int           `json:"created"`
	Updated   int           `json:"updated"`
	Unchanged int           `json:"unchanged"`
	Failed    int           `json:"failed"`
	DryRun    bool          `json:"dryRun,omitempty"`
	Errors    []importError `json:"errors"`
}

type importError struct {
	Line  int    `json:"line"`
	Email string `json:"email"`
	Error string `json:"error"`
}

func runImport(ctx context.Context, e *env, args []string) int {
	fs := e.flags()
	format := fs.String("format", "shopify", "the file's format: shopify (Shopify's customer CSV export) or hashes (JSON lines with password hashes)")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would happen, writing nothing")
	batch := fs.Int("batch", 1000, "customers looked up and written together")
	if code := e.parse(args); code >= 0 {
		return code
	}
	switch {
	case fs.NArg() != 1:
		return e.badUsage("give one FILE (- for stdin)")
	case *format != "shopify" && *format != "hashes":
		return e.badUsage("-format must be shopify or hashes, not %q", *format)
	case *batch < 1 || *batch > 10000:
		return e.badUsage("-batch must be between 1 and 10000")
	}

	in, size, closeIn, err := openInput(e, fs.Arg(0))
	if err != nil {
		return e.fail(err)
	}
	defer closeIn()
	bar := newProgress(e.stderr, size, "importing", true)
	// The readers buffer their input themselves.
	src := &countingReader{r: in}

	// The header is checked before the store is even opened: a file
	// missing a column is refused with nothing written.
	var records iter.Seq2[customerauth.ImportRecord, error]
	if *format == "shopify" {
		if records, err = customerfile.ReadShopifyCSV(src); err != nil {
			return e.fail(err)
		}
	} else {
		records = customerfile.ReadHashes(src)
	}
	var readErr error
	records = customerfile.ForImport(records, &readErr)

	svc, err := e.open(ctx, customerauth.Config{})
	defer e.close()
	if err != nil {
		return e.fail(err)
	}
	rep := importReport{DryRun: *dryRun, Errors: []importError{}}
	sum, err := svc.ImportCustomers(ctx, records, customerauth.ImportOptions{
		DryRun:    *dryRun,
		BatchSize: *batch,
		OnResult: func(r customerauth.ImportResult) {
			bar.set(src.n.Load())
			if r.Outcome != customerauth.ImportFailed {
				return
			}
			ie := importError{Line: r.Line, Email: r.Email, Error: describe(r.Err)}
			rep.Errors = append(rep.Errors, ie)
			if !e.json {
				fmt.Fprintf(e.stderr, "line %d (%s): %s\n", ie.Line, ie.Email, ie.Error)
			}
		},
	})
	bar.finish()
	rep.Created, rep.Updated, rep.Unchanged, rep.Failed = sum.Created, sum.Updated, sum.Unchanged, sum.Failed
	if err == nil {
		err = readErr
	}
	if err != nil {
		// What was imported stays; the same command finishes the job.
		fmt.Fprintf(e.stderr, "customerauth import: stopped after %d records: %s\n", sum.Created+sum.Updated+sum.Unchanged+sum.Failed, describe(err))
	}
	if e.json {
		if werr := e.writeJSON(rep); werr != nil {
			return e.fail(werr)
		}
	} else {
		verb := "imported"
		if *dryRun {
			verb = "would import (dry run)"
		}
		fmt.Fprintf(e.stdout, "%s: %d created, %d updated, %d unchanged, %d failed\n", verb, rep.Created, rep.Updated, rep.Unchanged, rep.Failed)
	}
	if err != nil || rep.Failed > 0 {
		return exitFail
	}
	return exitOK
}

// openInput opens FILE, or stdin for "-", and returns its size for the
// progress bar (-1 when unknown).
func openInput(e *env, name string) (io.Reader, int64, func(), error) {
	if name == "-" {
		return e.stdin, -1, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, nil, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, func() { f.Close() }, nil
}

// countingReader counts the bytes read, for the progress bar.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
