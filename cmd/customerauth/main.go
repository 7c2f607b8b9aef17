// Command customerauth is a shop's administration tool for the customer
// accounts that the customerauth library serves: it applies the store's
// migrations, imports customers from Shopify's export or from another
// platform's password hashes, invites them, lists, shows, disables,
// enables, erases and exports them, and mints Multipass tokens for testing
// single sign-on.
//
//	go run ./cmd/customerauth <command> [flags] [args]
//
// Every command takes -store sqlite|postgres (default sqlite), -dsn (the
// SQLite file, default customerauth.db, or a PostgreSQL connection string)
// and -json (one JSON document on stdout instead of text). Progress and
// logs go to stderr. The exit status is 0 on success, 1 when something (or
// some of the items) failed, and 2 for bad usage. Every command that opens
// the store first applies its pending migrations, as the example server
// does when it starts.
//
// Run "customerauth help" for the commands, "customerauth <command> -h"
// for a command's flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"migrate", "", "apply the store's migrations", runMigrate},
		{"import", "[-format shopify|hashes] [-dry-run] FILE", "import customers from a Shopify export or a file of password hashes (FILE - is stdin)", runImport},
		{"invite", "(-all | -email E...) [-resend] [-rate N/s] -shop-url URL (-smtp URL | -print-links) [-dry-run]", "send activation invitations to customers without a password", runInvite},
		{"list", "[-state S] [-search TEXT] [-limit N]", "list customers", runList},
		{"show", "(-email E | -id ID)", "show one customer", runShow},
		{"disable", "(-email E | -id ID)", "disable a customer and log it out everywhere", runDisable},
		{"enable", "(-email E | -id ID)", "let a disabled customer with a password log in again", runEnable},
		{"erase", "(-email E | -id ID) -yes", "delete a customer and everything about it for good", runErase},
		{"export", "[-format shopify] [-o FILE]", "export every customer in Shopify's customer CSV format", runExport},
		{"multipass", "-secret S -email E [-return-to URL]", "mint a Multipass token, for testing single sign-on", runMultipass},
	}
}

// run is the whole command, with its streams, returning the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			e := &env{cmd: c, stdin: stdin, stdout: stdout, stderr: stderr}
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "customerauth: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: customerauth <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command takes -store sqlite|postgres, -dsn and -json. Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "customerauth <command> -h" for a command's flags.`)
}
