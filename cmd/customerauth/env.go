package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/shopkit/customerauth"
	"github.com/shopkit/customerauth/internal/storeopen"
)

// env is what every command runs with: its streams and the common flags.
type env struct {
	cmd            command
	stdin          io.Reader
	stdout, stderr io.Writer
	storeKind, dsn string
	json           bool
	fs             *flag.FlagSet
	store          *storeopen.Store
	logger         *slog.Logger
}

// flags returns the command's flag set with the common flags on it.
func (e *env) flags() *flag.FlagSet {
	fs := flag.NewFlagSet(e.cmd.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.storeKind, "store", "sqlite", "where customers are kept: sqlite or postgres")
	fs.StringVar(&e.dsn, "dsn", "", "SQLite file (default "+storeopen.DefaultSQLiteFile+") or PostgreSQL connection string")
	fs.BoolVar(&e.json, "json", false, "write one JSON document to stdout")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: customerauth %s [flags] %s\n\n%s.\n\nFlags:\n", e.cmd.name, e.cmd.args, capitalize(e.cmd.summary))
		fs.PrintDefaults()
	}
	e.fs = fs
	return fs
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parse parses args; it returns the exit status to stop with, or -1 to go
// on. -h is not an error.
func (e *env) parse(args []string) int {
	if err := e.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

// badUsage reports a usage mistake and returns exitUsage.
func (e *env) badUsage(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "customerauth %s: %s\n", e.cmd.name, fmt.Sprintf(format, args...))
	fmt.Fprintf(e.stderr, "usage: customerauth %s [flags] %s (-h for the flags)\n", e.cmd.name, e.cmd.args)
	return exitUsage
}

// fail reports an error and returns exitFail.
func (e *env) fail(err error) int {
	fmt.Fprintf(e.stderr, "customerauth %s: %s\n", e.cmd.name, describe(err))
	return exitFail
}

// describe is err as a person reads it: UserErrors as "field: message".
func describe(err error) string {
	if ues := customerauth.UserErrors(err); len(ues) > 0 {
		parts := make([]string, len(ues))
		for i, ue := range ues {
			parts[i] = ue.Message
			if len(ue.Field) > 0 {
				parts[i] = strings.Join(ue.Field, ".") + ": " + ue.Message
			}
		}
		return strings.Join(parts, "; ")
	}
	// The command names itself already.
	return strings.TrimPrefix(err.Error(), "customerauth: ")
}

// open opens the store, applies its migrations and returns a Service on
// it. The caller defers e.close.
func (e *env) open(ctx context.Context, cfg customerauth.Config) (*customerauth.Service, error) {
	st, err := storeopen.Open(ctx, e.storeKind, e.dsn, false)
	if err != nil {
		return nil, err
	}
	e.store = st
	if err := st.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("applying the migrations of %s %s: %w", st.Kind, st.Where, err)
	}
	e.logger = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Store = st.Store
	cfg.Logger = e.logger
	return customerauth.New(cfg)
}

func (e *env) close() {
	if e.store != nil {
		e.store.Close()
	}
}

// writeJSON writes v as the command's one JSON document.
func (e *env) writeJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
