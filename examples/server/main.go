// Command server runs customerauth the way a shop would: the
// Shopify-compatible GraphQL endpoint at /api/{version}/graphql.json, the
// account pages a shopper uses, GraphiQL at /graphql, Prometheus metrics at
// /metrics and a health check at /healthz.
//
// With no flags it keeps customers in a SQLite file, customerauth.db, in the
// working directory and logs activation and reset links instead of
// emailing them:
//
//	go run ./examples/server
//
// Flags choose the store (-store memory|sqlite|postgres with -dsn), the
// listen address, the shop URL, a Multipass secret, a storefront access
// token, an SMTP server and tracing; -h lists them.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var uerr usageError
	switch {
	case errors.As(err, &uerr):
		// The flag package has printed the error and the usage.
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// usageError is a command line that does not parse, already reported with
// the usage.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// smtpUsage is the help of -smtp. It describes what smtpnotify.ParseURL
// accepts, parameter by parameter.
const smtpUsage = "send email through this mail server, given as a URL:\n" +
	"    smtp://[user:password@]host[:port]?from=ADDRESS[&tls=starttls|opportunistic|none][&shop=NAME]\n" +
	"    smtps://[user:password@]host[:port]?from=ADDRESS[&shop=NAME]\n" +
	"smtp:// defaults to port 587 and tls=starttls (also called mandatory: refuse a server without STARTTLS);\n" +
	"tls=opportunistic uses STARTTLS when offered, tls=none never (a local test server only), tls=implicit is smtps://.\n" +
	"smtps:// is TLS from the first byte, port 465 by default. from is the sender and required; shop names the shop\n" +
	"in the messages. Percent-encode @ : / ? in the user and password. Empty: log the links instead"

// parseFlags reads the command line into options. Usage and errors go to
// out; -h and -help return flag.ErrHelp.
func parseFlags(args []string, out io.Writer) (options, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(out)
	var o options
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.store, "store", "sqlite", "where customers are kept: memory, sqlite or postgres")
	fs.StringVar(&o.dsn, "dsn", "", "SQLite file (default customerauth.db) or PostgreSQL connection string")
	fs.StringVar(&o.shopURL, "shop-url", "", "base URL of the emailed links (default http://<addr>)")
	// The environment is read after parsing, not given as the default:
	// -h prints defaults, and this one is a secret.
	fs.StringVar(&o.multipassSecret, "multipass-secret", "", "Multipass secret (default $CUSTOMERAUTH_MULTIPASS_SECRET); empty disables Multipass")
	fs.StringVar(&o.storefrontToken, "storefront-token", "", "public storefront access token clients must send; empty: none needed")
	fs.StringVar(&o.smtp, "smtp", "", smtpUsage)
	fs.StringVar(&o.trace, "trace", "", "write OpenTelemetry spans of every request: stdout (one JSON span per line); empty: no tracing")
	fs.StringVar(&o.pagesLanguage, "pages-language", "", "language the account pages ask the API for, as a Shopify LanguageCode (FR, DE, PT_BR, JA...): its messages come in it; empty: English")
	fs.StringVar(&o.pagesAPI, "pages-api", "", "absolute URL of the GraphQL endpoint the account pages call, when the API runs on another origin; empty: this server's")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: server [flags]\n\n"+
			"Serves customerauth's Shopify-compatible customer API at /api/2026-04/graphql.json, the account\n"+
			"pages at /account, GraphiQL at /graphql, metrics at /metrics and a health check at /healthz.\n\n"+
			"Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usageError{err}
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q: the server takes flags only", fs.Arg(0))
	case o.trace != "" && o.trace != "stdout":
		err = fmt.Errorf("invalid value %q for flag -trace: want stdout, or nothing for no tracing", o.trace)
	case !languageCodeForm.MatchString(o.pagesLanguage):
		err = fmt.Errorf("invalid value %q for flag -pages-language: want a Shopify LanguageCode such as FR or PT_BR", o.pagesLanguage)
	case o.pagesAPI != "" && !absoluteHTTPURL(o.pagesAPI):
		err = fmt.Errorf("invalid value %q for flag -pages-api: want an absolute http or https URL", o.pagesAPI)
	}
	if err != nil {
		// Reported as the flag package reports its own errors.
		fmt.Fprintln(fs.Output(), err)
		fs.Usage()
		return o, usageError{err}
	}
	secretGiven := false
	fs.Visit(func(f *flag.Flag) { secretGiven = secretGiven || f.Name == "multipass-secret" })
	if !secretGiven {
		o.multipassSecret = os.Getenv("CUSTOMERAUTH_MULTIPASS_SECRET")
	}
	if o.shopURL == "" {
		o.shopURL = "http://" + o.addr
	}
	return o, nil
}

// run is the whole command. Asked for with -h or -help, the usage goes to
// stdout and run returns nil, so the command exits 0; a command line that
// does not parse is reported with the usage on stderr. Logs go to stderr,
// spans (-trace stdout) to stdout.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var usage bytes.Buffer
	o, err := parseFlags(args, &usage)
	if errors.Is(err, flag.ErrHelp) {
		_, werr := stdout.Write(usage.Bytes())
		return werr
	}
	_, _ = stderr.Write(usage.Bytes())
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	if o.trace == "stdout" {
		tp, shutdown, err := stdoutTracing(stdout)
		if err != nil {
			return err
		}
		o.tracerProvider = tp
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := shutdown(sctx); err != nil {
				logger.Error("tracing shutdown", "error", err)
			}
		}()
	}

	srv, err := newServer(ctx, o, logger)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Info("listening", "store", o.store,
		"endpoint", "http://"+ln.Addr().String()+"/api/2026-04/graphql.json",
		"pages", "http://"+ln.Addr().String()+"/account/login",
		"graphiql", "http://"+ln.Addr().String()+"/graphql",
		"health", "http://"+ln.Addr().String()+"/healthz")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// languageCodeForm is the form of Shopify's LanguageCode values, or empty.
var languageCodeForm = regexp.MustCompile(`^([A-Z]{2,3}(_[A-Z]{2,4})?)?$`)

// absoluteHTTPURL reports whether s is an absolute http or https URL.
func absoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
