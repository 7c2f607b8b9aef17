package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Targets of DESIGN.md §7.
const (
	targetVsGraphQLGo   = 4.0       // token ops: ≥ 4x plain graphql-go/handler
	targetVsHandWritten = 1 / 1.5   // token ops: within 1.5x of hand-written
	targetLoginPct      = 90.0      // login ≥ 90% of raw hashing throughput
	targetPeakRSSMiB    = 256.0     // 500-connection login flood
	targetTimingSkew    = 0.10      // unknown email vs wrong password
	targetVsHWLabel     = "≥ 0.67×" // 1/1.5
)

type machineInfo struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"numCPU"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"goVersion"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
}

func machine() machineInfo {
	m := machineInfo{CPU: "unknown", NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

func (m machineInfo) String() string {
	return fmt.Sprintf("%s; runtime.NumCPU %d, GOMAXPROCS %d; %s %s/%s", m.CPU, m.NumCPU, m.GOMAXPROCS, m.GoVersion, m.OS, m.Arch)
}

type roundResult struct {
	RPS    float64 `json:"rps"`
	P50ms  float64 `json:"p50ms"`
	P99ms  float64 `json:"p99ms"`
	OK     int     `json:"ok"`
	Failed int     `json:"failed"`
}

type serverReport struct {
	Name     string        `json:"name"`
	Rounds   []roundResult `json:"rounds"`
	InprocUs []float64     `json:"inprocUs,omitempty"`
	Allocs   float64       `json:"allocsPerOp"`
	Bytes    float64       `json:"bytesPerOp"`
	FirstErr string        `json:"firstErr,omitempty"`

	RPS          float64 `json:"rpsMedian"`
	P50ms        float64 `json:"p50msMedian"`
	P99ms        float64 `json:"p99msMedian"`
	InprocMedian float64 `json:"inprocUsMedian"`
	Failed       int     `json:"failed"`
}

type opReport struct {
	Name    string          `json:"name"`
	GraphQL string          `json:"graphql"`
	TokenOp bool            `json:"tokenOp"`
	Servers []*serverReport `json:"servers"`

	// customerauth's req/s ÷ the other server's, per round and median.
	VsGraphQLGoRounds   []float64 `json:"vsGraphQLGoRounds"`
	VsHandWrittenRounds []float64 `json:"vsHandWrittenRounds"`
	VsGraphQLGo         float64   `json:"vsGraphQLGo"`
	VsHandWritten       float64   `json:"vsHandWritten"`
	// The same ratios from the in-process single-goroutine times (the
	// other's µs/call ÷ customerauth's): the handlers alone, without the
	// network and the load generator.
	InprocVsGraphQLGo   float64 `json:"inprocVsGraphQLGo"`
	InprocVsHandWritten float64 `json:"inprocVsHandWritten"`
}

type storeReport struct {
	Store     string      `json:"store"`
	StoreDesc string      `json:"storeDesc"`
	Date      string      `json:"date"`
	Machine   machineInfo `json:"machine"`
	Command   string      `json:"command"`
	Duration  string      `json:"duration"`
	Warmup    string      `json:"warmup"`
	Rounds    int         `json:"rounds"`
	Slices    int         `json:"slices"`
	Conns     int         `json:"conns"`
	Customers int         `json:"customers"`
	Addresses int         `json:"addresses"`
	Inproc    string      `json:"inproc"`
	Ops       []*opReport `json:"ops"`

	HashRates []float64 `json:"hashRates,omitempty"`
	HashRate  float64   `json:"hashRateMedian,omitempty"`
	// LoginPct is each server's login req/s as a percentage of the raw
	// hash rate of the same round, median over rounds.
	LoginPct map[string]float64 `json:"loginPct,omitempty"`
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (r *storeReport) server(op *opReport, name string) *serverReport {
	for _, s := range op.Servers {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (r *storeReport) compute() {
	for _, op := range r.Ops {
		for _, s := range op.Servers {
			var rps, p50, p99 []float64
			s.Failed = 0
			for _, rr := range s.Rounds {
				rps, p50, p99 = append(rps, rr.RPS), append(p50, rr.P50ms), append(p99, rr.P99ms)
				s.Failed += rr.Failed
			}
			s.RPS, s.P50ms, s.P99ms, s.InprocMedian = median(rps), median(p50), median(p99), median(s.InprocUs)
		}
		ca, gq, hw := r.server(op, srvCustomerAuth), r.server(op, srvGraphQLGo), r.server(op, srvHandWritten)
		op.VsGraphQLGoRounds, op.VsHandWrittenRounds = nil, nil
		for i := range ca.Rounds {
			if gq.Rounds[i].RPS > 0 {
				op.VsGraphQLGoRounds = append(op.VsGraphQLGoRounds, ca.Rounds[i].RPS/gq.Rounds[i].RPS)
			}
			if hw.Rounds[i].RPS > 0 {
				op.VsHandWrittenRounds = append(op.VsHandWrittenRounds, ca.Rounds[i].RPS/hw.Rounds[i].RPS)
			}
		}
		op.VsGraphQLGo, op.VsHandWritten = median(op.VsGraphQLGoRounds), median(op.VsHandWrittenRounds)
		if ca.InprocMedian > 0 {
			op.InprocVsGraphQLGo, op.InprocVsHandWritten = gq.InprocMedian/ca.InprocMedian, hw.InprocMedian/ca.InprocMedian
		}
		if op.Name == "login" && len(r.HashRates) == len(ca.Rounds) {
			r.HashRate = median(r.HashRates)
			r.LoginPct = map[string]float64{}
			for _, s := range op.Servers {
				var pct []float64
				for i, rr := range s.Rounds {
					pct = append(pct, 100*rr.RPS/r.HashRates[i])
				}
				r.LoginPct[s.Name] = median(pct)
			}
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "✅ met"
	}
	return "❌ missed"
}

func joinf(xs []float64, format string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(parts, ", ")
}

func (r *storeReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# customerauth benchmark — %s store", r.Store)
	p("")
	p("- Date: %s", r.Date)
	p("- Machine: %s", r.Machine)
	p("- Command: `%s`", r.Command)
	p("- Store: %s", r.StoreDesc)
	p("- Method: the three servers run in this one process, each a net/http server on 127.0.0.1:0; the load generator (same process) keeps %d keep-alive connections busy "+
		"(one http.Transport sized to %d per server). Each round measures every operation for %s per server, cut into %d slices that visit the servers in turn (A B C A B C …, "+
		"the order rotating from round to round), each server keeping its connections from slice to slice; warm-up %s before the first slice (login: at least 2s), "+
		"at most 200ms before later ones. %d rounds; medians over rounds. A response counts when it completes inside a window with status 200 and a success body. "+
		"%d seeded customers (%d addresses each), tokens and emails used round-robin. customerauth: default Config (DocumentCache 512, default argon2id m=19456 KiB t=2 p=1), "+
		"Throttle rules off (Limit -1), MaxConcurrentHashes default (GOMAXPROCS). allocs/op and B/op: runtime.MemStats deltas around ServeHTTP on prepared httptest requests, GOMAXPROCS 1 "+
		"(testing.AllocsPerRun style). In-process µs/op: one goroutine calling ServeHTTP without the network for %s per round.",
		r.Conns, r.Conns, r.Duration, r.Slices, r.Warmup, r.Rounds, r.Customers, r.Addresses, r.Inproc)
	p("")
	p("## Throughput and latency (loopback HTTP)")
	p("")
	p("| operation | server | req/s (median) | req/s per round | p50 ms | p99 ms | allocs/op | B/op | in-process µs/op | failed |")
	p("|---|---|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, op := range r.Ops {
		for _, s := range op.Servers {
			var rps []float64
			for _, rr := range s.Rounds {
				rps = append(rps, rr.RPS)
			}
			p("| %s | %s | %.1f | %s | %.2f | %.2f | %.0f | %.0f | %.1f | %d |",
				op.Name, s.Name, s.RPS, joinf(rps, "%.0f"), s.P50ms, s.P99ms, s.Allocs, s.Bytes, s.InprocMedian, s.Failed)
		}
	}
	for _, op := range r.Ops {
		for _, s := range op.Servers {
			if s.FirstErr != "" {
				p("")
				p("First failure of %s on %s: `%s`", op.Name, s.Name, strings.ReplaceAll(s.FirstErr, "`", "'"))
			}
		}
	}
	p("")
	p("## Ratios: customerauth's throughput ÷ the other server's")
	p("")
	p("Median of the per-round ratios (within a round the three servers are measured in interleaved slices). The in-process columns are the other handler's µs/call ÷ customerauth's, without network and load generator.")
	p("")
	p("| operation | ÷ graphql-go/handler | per round | target ≥ 4× | ÷ hand-written | per round | target %s | in-process ÷ graphql-go | in-process ÷ hand-written |", targetVsHWLabel)
	p("|---|---:|---|---|---:|---|---|---:|---:|")
	for _, op := range r.Ops {
		v1, v2 := "— (no target: hash-bound)", "— (no target: hash-bound)"
		if op.TokenOp {
			v1, v2 = verdict(op.VsGraphQLGo >= targetVsGraphQLGo), verdict(op.VsHandWritten >= targetVsHandWritten)
		}
		p("| %s | %.2f× | %s | %s | %.2f× | %s | %s | %.2f× | %.2f× |",
			op.Name, op.VsGraphQLGo, joinf(op.VsGraphQLGoRounds, "%.2f"), v1,
			op.VsHandWritten, joinf(op.VsHandWrittenRounds, "%.2f"), v2, op.InprocVsGraphQLGo, op.InprocVsHandWritten)
	}
	if r.LoginPct != nil {
		p("")
		p("## Login throughput vs raw password hashing")
		p("")
		p("Raw argon2id (m=19456 KiB, t=2, p=1, 32-byte key) on GOMAXPROCS = %d goroutines, measured for %s right after each login round: median **%.1f hashes/s** (rounds: %s).",
			r.Machine.GOMAXPROCS, r.Duration, r.HashRate, joinf(r.HashRates, "%.1f"))
		p("")
		p("| server | login req/s (median) | %% of raw hashing (median of per-round %%) | target ≥ 90%% |")
		p("|---|---:|---:|---|")
		for _, op := range r.Ops {
			if op.Name != "login" {
				continue
			}
			for _, s := range op.Servers {
				t := "—"
				if s.Name == srvCustomerAuth {
					t = verdict(r.LoginPct[s.Name] >= targetLoginPct)
				}
				p("| %s | %.1f | %.1f%% | %s |", s.Name, s.RPS, r.LoginPct[s.Name], t)
			}
		}
	}
	return b.String()
}

func writeReport(dir string, r *storeReport, md string) error {
	base := filepath.Join(dir, "results-"+r.Store)
	if err := os.WriteFile(base+".md", []byte(md), 0o644); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(j, '\n'), 0o644); err != nil {
		return err
	}
	logf("wrote %s.md and %s.json", base, base)
	return nil
}

// loadReports reads every results-<store>.json in dir, in the order
// memory, sqlite, postgres, then others.
func loadReports(dir string) ([]*storeReport, error) {
	files, err := filepath.Glob(filepath.Join(dir, "results-*.json"))
	if err != nil {
		return nil, err
	}
	var reps []*storeReport
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r storeReport
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		reps = append(reps, &r)
	}
	rank := func(s string) int {
		switch s {
		case "memory":
			return 0
		case "sqlite":
			return 1
		case "postgres":
			return 2
		}
		return 3
	}
	slices.SortStableFunc(reps, func(a, b *storeReport) int { return rank(a.Store) - rank(b.Store) })
	return reps, nil
}
