package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/graphql-go/handler"
)

// The three servers compared.
const (
	srvCustomerAuth = "customerauth"
	srvGraphQLGo    = "graphql-go/handler"
	srvHandWritten  = "hand-written"
)

var serverNames = []string{srvCustomerAuth, srvGraphQLGo, srvHandWritten}

type server struct {
	name string
	h    http.Handler
	url  string
}

// startServers serves the three handlers on 127.0.0.1, each with a
// net/http server of its own.
func startServers(env *benchEnv) ([]server, func(), error) {
	schema := env.svc.Schema()
	handlers := []http.Handler{
		env.svc.Handler(),
		handler.New(&handler.Config{Schema: &schema, Pretty: false}),
		newHandWritten(env.svc),
	}
	var servers []server
	var stops []func()
	stop := func() {
		for _, s := range stops {
			s()
		}
	}
	for i, h := range handlers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, nil, err
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logf("server: %v", err)
			}
		}()
		stops = append(stops, func() { srv.Close() })
		servers = append(servers, server{name: serverNames[i], h: h, url: "http://" + ln.Addr().String() + endpoint})
	}
	return servers, stop, nil
}

// measureStore measures every operation on every server of env, in
// rounds: within a round each operation is measured on the three servers
// one after the other, in an order that rotates from round to round and
// operation to operation, so that drift and order effects hit all alike.
func measureStore(ctx context.Context, env *benchEnv, o options, opList []string, mach machineInfo) (*storeReport, error) {
	servers, stop, err := startServers(env)
	if err != nil {
		return nil, err
	}
	defer stop()

	rep := &storeReport{
		Store: env.store, StoreDesc: env.storeDesc, Date: time.Now().Format(time.RFC3339),
		Machine: mach, Command: commandLine(),
		Duration: o.duration.String(), Warmup: o.warmup.String(), Rounds: o.rounds, Slices: o.slices, Conns: o.conns,
		Customers: o.customers, Addresses: o.addresses, Inproc: o.inproc.String(),
	}
	ops := make([]*operation, len(opList))
	for i, name := range opList {
		ops[i] = buildOp(name, env)
		if err := checkSameAnswers(ops[i], servers); err != nil {
			return nil, fmt.Errorf("answers differ: %w", err)
		}
		or := &opReport{Name: name, GraphQL: ops[i].graphQL, TokenOp: ops[i].tokenOp}
		for _, s := range servers {
			or.Servers = append(or.Servers, &serverReport{Name: s.name})
		}
		rep.Ops = append(rep.Ops, or)
	}
	logf("%s: the three servers give the same answers to %v", env.store, opList)

	// Allocations: deterministic, once.
	for i, op := range ops {
		runs := o.allocRuns
		if op.name == "login" {
			runs = max(5, runs/10)
		}
		for j, s := range servers {
			a, b, err := measureAllocs(s.h, op, runs)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.name, err)
			}
			rep.Ops[i].Servers[j].Allocs, rep.Ops[i].Servers[j].Bytes = a, b
		}
	}
	logf("%s: allocations measured", env.store)

	for r := 0; r < o.rounds; r++ {
		for i, op := range ops {
			// The op's time in this round is cut into slices that visit
			// the servers in turn (A B C A B C …), each server keeping its
			// connections from slice to slice, so that a burst of load from
			// elsewhere on the machine falls on all three alike.
			res := make([]loadResult, len(servers))
			clients := make([]*http.Client, len(servers))
			for j := range clients {
				clients[j] = newClient(o.conns)
			}
			for sl := 0; sl < o.slices; sl++ {
				for k := range servers {
					j := (k + r + i) % len(servers)
					warmup := o.warmup
					switch {
					case sl > 0:
						warmup = min(warmup, sliceWarmup)
					case !op.tokenOp:
						// The first login measurement after the token
						// operations runs slow for a second or so while the
						// heap grows to the hashes' 19 MiB working sets.
						warmup = max(warmup, loginWarmup)
					}
					runtime.GC()
					part := runLoad(ctx, loadSpec{url: servers[j].url, conns: o.conns, client: clients[j], warmup: warmup,
						window: o.duration / time.Duration(o.slices), body: op.body, ok: op.ok})
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					res[j].merge(part)
				}
			}
			for k := range servers {
				j := (k + r + i) % len(servers)
				clients[j].CloseIdleConnections()
				sr := rep.Ops[i].Servers[j]
				sr.Rounds = append(sr.Rounds, roundResult{RPS: res[j].RPS, P50ms: ms(res[j].P50), P99ms: ms(res[j].P99), Failed: res[j].Failed, OK: res[j].OK})
				if res[j].Failed > 0 && sr.FirstErr == "" {
					sr.FirstErr = res[j].FirstErr
				}
				logf("%s round %d/%d %-8s %-18s %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  failed %d %s",
					env.store, r+1, o.rounds, op.name, servers[j].name, res[j].RPS, ms(res[j].P50), ms(res[j].P99), res[j].Failed, truncate(res[j].FirstErr, 120))
			}
			if op.name == "login" {
				runtime.GC()
				h := rawHashRate(o.duration)
				rep.HashRates = append(rep.HashRates, h)
				logf("%s round %d/%d raw argon2id %.1f hashes/s on %d goroutines", env.store, r+1, o.rounds, h, runtime.GOMAXPROCS(0))
			}
		}
		if o.inproc > 0 {
			for i, op := range ops {
				for k := range servers {
					j := (k + r + i) % len(servers)
					d, err := timeInProcess(servers[j].h, op, o.inproc)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", servers[j].name, err)
					}
					sr := rep.Ops[i].Servers[j]
					sr.InprocUs = append(sr.InprocUs, float64(d.Nanoseconds())/1e3)
				}
			}
		}
	}
	rep.compute()
	return rep, nil
}

const (
	// loginWarmup is the least warm-up of a round's first login slice.
	loginWarmup = 2 * time.Second
	// sliceWarmup is the most warm-up of later slices, whose connections
	// are open already.
	sliceWarmup = 200 * time.Millisecond
)

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
