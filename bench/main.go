// Command bench measures customerauth's GraphQL handler side by side with
// plain graphql-go/handler serving the same schema and resolvers, and with a
// hand-written net/http + encoding/json handler doing the same store work
// through the Service's Go API. The three servers listen on 127.0.0.1 in
// this process; every measurement is repeated in rounds, with the servers
// interleaved, and medians are reported. DESIGN.md §7 lists the targets.
//
// Usage:
//
//	go run ./bench                      # memory store, results in bench/results
//	go run ./bench -store sqlite
//	go run ./bench -store all -dsn postgres://...   # or CUSTOMERAUTH_TEST_POSTGRES
//	go run ./bench -flood               # 500-connection login flood: peak RSS, timing check
//	go run ./bench -ops customer -rounds 1 -only-profile -cpuprofile cpu.out
//	go run ./bench -import -store all -dsn postgres://... [-rows 50000] [-rounds 3] [-batch 1000]
//
// The results are written as bench/results/results-<store>.md (and .json),
// bench/results/ratios.svg (from every results-*.json in the directory),
// bench/results/flood.md and, for -import, bench/results/import.md (and
// .json).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// options are the command-line flags.
type options struct {
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	slices      int
	conns       int
	store       string
	dsn         string
	pgMaxConns  int
	out         string
	customers   int
	addresses   int
	ops         string
	inproc      time.Duration
	allocRuns   int
	cpuprofile  string
	profileOp   string
	onlyProfile bool

	flood         bool
	floodConns    int
	floodDuration time.Duration
	floodChild    bool
	timingN       int

	importMode bool
	rows       int
	batch      int
}

// envDSN is the variable the project's PostgreSQL tests read; the bench
// uses it when -dsn is not given.
const envDSN = "CUSTOMERAUTH_TEST_POSTGRES"

func main() {
	var o options
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "measured time per operation × server × round")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "unmeasured load before each measurement")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; each round measures every operation on every server, in rotating order")
	flag.IntVar(&o.slices, "slices", 3, "slices each measurement is cut into, visiting the servers in turn (A B C A B C …)")
	flag.IntVar(&o.conns, "conns", 32, "concurrent keep-alive connections of the load generator")
	flag.StringVar(&o.store, "store", "memory", "memory, sqlite, postgres or all (postgres needs -dsn or $"+envDSN+")")
	flag.StringVar(&o.dsn, "dsn", "", "PostgreSQL DSN for -store postgres (default $"+envDSN+"); the bench works in a schema of its own and drops it")
	flag.IntVar(&o.pgMaxConns, "pg-max-conns", 0, "pgxpool MaxConns for the postgres store (0: pgxpool's default)")
	flag.StringVar(&o.out, "out", "bench/results", "directory for results-<store>.md/.json, ratios.svg and flood.md")
	flag.IntVar(&o.customers, "customers", 1000, "customers seeded, each with an access token; requests pick them round-robin")
	flag.IntVar(&o.addresses, "addresses", 2, "mailing addresses per seeded customer")
	flag.StringVar(&o.ops, "ops", "customer,renew,update,login", "operations to measure (comma-separated)")
	flag.DurationVar(&o.inproc, "inproc", 300*time.Millisecond, "time per in-process single-goroutine timing (no network) per operation × server × round; 0 skips")
	flag.IntVar(&o.allocRuns, "alloc-runs", 500, "ServeHTTP calls averaged for allocs/op (login uses a tenth, at least 5)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of -profile-op through customerauth's handler (in process, GOMAXPROCS goroutines, -duration) to this file; "+
		"with -import, of one more import per store, after the measured rounds (file name suffixed -<store> when there are several)")
	flag.StringVar(&o.profileOp, "profile-op", "customer", "operation profiled with -cpuprofile")
	flag.BoolVar(&o.onlyProfile, "only-profile", false, "with -cpuprofile: skip the measurements, only profile")
	flag.BoolVar(&o.flood, "flood", false, "run the login flood (peak RSS of a child server process) and the login timing check instead")
	flag.IntVar(&o.floodConns, "flood-conns", 500, "connections of the login flood")
	flag.DurationVar(&o.floodDuration, "flood-duration", 10*time.Second, "length of the login flood")
	flag.IntVar(&o.timingN, "timing-n", 200, "logins of each kind (unknown email, wrong password) in the timing check")
	flag.BoolVar(&o.floodChild, "flood-child", false, "internal: serve the flood in this (child) process")
	flag.BoolVar(&o.importMode, "import", false, "measure the import of a Shopify CSV export against the store's plain batched insert (-store sqlite, postgres or all; default all)")
	flag.IntVar(&o.rows, "rows", 50000, "with -import: rows of the generated Shopify export")
	flag.IntVar(&o.batch, "batch", 1000, "with -import: the import's BatchSize and the plain insert's rows per transaction")
	flag.Parse()

	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var err error
	switch {
	case o.floodChild:
		err = runFloodChild(ctx, o)
	case o.flood:
		err = runFlood(ctx, o)
	case o.importMode:
		err = runImportBench(ctx, o)
	default:
		err = runBench(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func runBench(ctx context.Context, o options) error {
	if o.rounds < 1 || o.slices < 1 || o.conns < 1 || o.customers < 1 || o.duration <= 0 {
		return fmt.Errorf("-rounds, -slices, -conns, -customers and -duration must be positive")
	}
	ops, err := selectOps(o.ops)
	if err != nil {
		return err
	}
	stores, err := selectStores(&o)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	mach := machine()
	for i, name := range stores {
		env, err := newEnv(ctx, name, o, o.customers)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		err = func() error {
			defer env.close()
			if i == 0 && o.cpuprofile != "" && o.onlyProfile {
				return profile(ctx, env, o)
			}
			rep, err := measureStore(ctx, env, o, ops, mach)
			if err != nil {
				return err
			}
			md := rep.markdown()
			fmt.Println(md)
			if err := writeReport(o.out, rep, md); err != nil {
				return err
			}
			if i == 0 && o.cpuprofile != "" {
				return profile(ctx, env, o)
			}
			return nil
		}()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if o.cpuprofile != "" && o.onlyProfile {
			return nil
		}
	}
	path, err := writeRatiosSVG(o.out)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "wrote", path)
	return nil
}

func selectStores(o *options) ([]string, error) {
	if o.dsn == "" {
		o.dsn = os.Getenv(envDSN)
	}
	switch o.store {
	case "memory", "sqlite":
		return []string{o.store}, nil
	case "postgres":
		if o.dsn == "" {
			return nil, fmt.Errorf("-store postgres needs -dsn or $%s", envDSN)
		}
		return []string{o.store}, nil
	case "all":
		if o.dsn == "" {
			fmt.Fprintf(os.Stderr, "bench: postgres skipped: set -dsn or $%s\n", envDSN)
			return []string{"memory", "sqlite"}, nil
		}
		return []string{"memory", "sqlite", "postgres"}, nil
	}
	return nil, fmt.Errorf("unknown -store %q (memory, sqlite, postgres, all)", o.store)
}

// commandLine is the command that reproduces this run.
func commandLine() string {
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") || strings.HasPrefix(filepath.Base(prog), "bench") {
		prog = "go run ./bench"
	}
	parts := []string{prog}
	for _, a := range os.Args[1:] {
		a = redactDSN(a)
		if strings.ContainsAny(a, " \t'\"$&;|<>*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// redactDSN hides the password of a DSN given as (part of) an argument, so
// reports never hold a credential.
func redactDSN(arg string) string {
	i := strings.Index(arg, "://")
	if i < 0 {
		return arg
	}
	start := strings.LastIndex(arg[:i], "=") + 1
	u, err := url.Parse(arg[start:])
	if err != nil || u.User == nil {
		return arg
	}
	if _, ok := u.User.Password(); !ok {
		return arg
	}
	u.User = url.UserPassword(u.User.Username(), "xxxxx")
	return arg[:start] + u.String()
}

// discardLogger keeps the Service quiet: the bench reports errors itself.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
