package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// childStats is what the flood child reports about itself.
type childStats struct {
	// Before the flood, after seeding, GC and FreeOSMemory.
	SetupHWMKiB  int64   `json:"setupHWMKiB"`   // VmHWM of the whole life up to then
	BaselineKiB  int64   `json:"baselineKiB"`   // VmRSS when the flood starts
	HWMResetOK   bool    `json:"hwmResetOK"`    // /proc/self/clear_refs accepted "5"
	FloodHWMKiB  int64   `json:"floodHWMKiB"`   // VmHWM at the end (since the reset when HWMResetOK)
	SampledMaxKB int64   `json:"sampledMaxKiB"` // highest VmRSS seen by a 50 ms sampler during the flood
	EndRSSKiB    int64   `json:"endRSSKiB"`
	HeapSysMiB   float64 `json:"heapSysMiB"`
	NumGC        uint32  `json:"numGC"`
	Hashes       int     `json:"maxConcurrentHashes"`
}

// procStatus reads a "Vm…: N kB" line of /proc/self/status.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

// runFloodChild serves customerauth's handler (memory store, default
// argon2, default Throttle.MaxConcurrentHashes and HashWait, attempt rules
// off) for the parent's flood. Protocol on stdout/stdin: it prints
// "ADDR <url>" when ready, resets its VmHWM when it reads "START", and on
// "STOP" prints "STATS <json>" and exits.
func runFloodChild(ctx context.Context, o options) error {
	env, err := newEnv(ctx, "memory", o, o.customers)
	if err != nil {
		return err
	}
	defer env.close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: env.svc.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	var st childStats
	st.Hashes = runtime.GOMAXPROCS(0)
	runtime.GC()
	debug.FreeOSMemory()
	st.SetupHWMKiB = procStatus("VmHWM")
	fmt.Printf("ADDR http://%s%s\n", ln.Addr(), endpoint)

	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() || in.Text() != "START" {
		return errors.New("flood child: expected START")
	}
	st.HWMResetOK = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	st.BaselineKiB = procStatus("VmRSS")
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := procStatus("VmRSS")
				mu.Lock()
				st.SampledMaxKB = max(st.SampledMaxKB, v)
				mu.Unlock()
			}
		}
	}()
	fmt.Println("STARTED")
	if !in.Scan() || in.Text() != "STOP" {
		return errors.New("flood child: expected STOP")
	}
	close(done)
	mu.Lock()
	defer mu.Unlock()
	st.FloodHWMKiB = procStatus("VmHWM")
	st.EndRSSKiB = procStatus("VmRSS")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st.HeapSysMiB, st.NumGC = float64(ms.HeapSys)/(1<<20), ms.NumGC
	j, _ := json.Marshal(st)
	fmt.Printf("STATS %s\n", j)
	return nil
}

type floodReport struct {
	Date, Command string
	Machine       machineInfo
	Conns         int
	Duration      time.Duration
	Customers     int
	Load          loadResult
	Child         childStats
	HashRate      float64   // mean of HashRates
	HashRates     []float64 // before and after the flood, the child stopped

	TimingN                    int
	UnknownMean, WrongMean     time.Duration
	UnknownMedian, WrongMedian time.Duration
	TimingRatio                float64
}

// runFlood starts the child server, floods it with logins from
// -flood-conns connections for -flood-duration, collects the child's
// memory figures, then runs the login timing check in this process.
func runFlood(ctx context.Context, o options) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	rep := floodReport{Date: time.Now().Format(time.RFC3339), Command: commandLine(), Machine: machine(),
		Conns: o.floodConns, Duration: o.floodDuration, Customers: o.customers}

	logf("flood: raw argon2id reference for 3s")
	rep.HashRates = append(rep.HashRates, rawHashRate(3*time.Second))

	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.CommandContext(ctx, exe, "-flood-child", "-customers", strconv.Itoa(o.customers), "-addresses", strconv.Itoa(o.addresses))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	stopped := false
	stopChild := func() {
		if !stopped {
			stopped = true
			stdin.Close()
			_ = cmd.Wait()
		}
	}
	defer stopChild()
	out := bufio.NewScanner(stdout)
	readLine := func(prefix string) (string, error) {
		for out.Scan() {
			if v, ok := strings.CutPrefix(out.Text(), prefix); ok {
				return strings.TrimSpace(v), nil
			}
		}
		return "", fmt.Errorf("flood child exited before %q", prefix)
	}
	url, err := readLine("ADDR ")
	if err != nil {
		return err
	}
	logf("flood: child pid %d serving %s", cmd.Process.Pid, url)

	emails := make([]string, o.customers)
	for i := range emails {
		emails[i] = seedEmail(i)
	}
	op := &operation{name: "login"}
	for _, e := range emails {
		op.bodies = append(op.bodies, mustJSON(map[string]any{"query": loginDoc, "variables": map[string]any{
			"input": map[string]any{"email": e, "password": password}}}))
	}
	fmt.Fprintln(stdin, "START")
	if _, err := readLine("STARTED"); err != nil {
		return err
	}
	logf("flood: %d connections logging in for %v", o.floodConns, o.floodDuration)
	rep.Load = runLoad(ctx, loadSpec{url: url, conns: o.floodConns, window: o.floodDuration, body: op.body,
		classify: func(status int, b []byte) string {
			switch {
			case status == http.StatusOK && bytes.Contains(b, []byte(`"accessToken":"`)) && !bytes.Contains(b, []byte(`"errors"`)):
				return "ok"
			case bytes.Contains(b, []byte(`"THROTTLED"`)):
				return "throttled"
			}
			return fmt.Sprintf("other (%d)", status)
		}})
	fmt.Fprintln(stdin, "STOP")
	statsJSON, err := readLine("STATS ")
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(statsJSON), &rep.Child); err != nil {
		return err
	}

	stopChild()
	logf("flood: raw argon2id reference for 3s")
	rep.HashRates = append(rep.HashRates, rawHashRate(3*time.Second))
	rep.HashRate = median(rep.HashRates)

	if err := timingCheck(ctx, o, &rep); err != nil {
		return err
	}
	md := rep.markdown()
	fmt.Println(md)
	path := filepath.Join(o.out, "flood.md")
	if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
		return err
	}
	logf("wrote %s", path)
	return nil
}

// timingCheck logs in through customerauth's handler (in process, one at a
// time) alternately with an unknown email and with a known email and a
// wrong password, and compares the mean times.
func timingCheck(ctx context.Context, o options, rep *floodReport) error {
	n := max(1, min(o.customers, 50))
	env, err := newEnv(ctx, "memory", o, n)
	if err != nil {
		return err
	}
	defer env.close()
	h := env.svc.Handler()
	login := func(email, pw string) (time.Duration, error) {
		body := mustJSON(map[string]any{"query": loginDoc, "variables": map[string]any{"input": map[string]any{"email": email, "password": pw}}})
		r, w := newRequest(body), newRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(t0)
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte("UNIDENTIFIED_CUSTOMER")) {
			return 0, fmt.Errorf("timing check: expected UNIDENTIFIED_CUSTOMER, got %d %s", w.Code, truncate(w.Body.String(), 300))
		}
		return d, nil
	}
	// Warm-up of both paths.
	for i := range 5 {
		if _, err := login(fmt.Sprintf("warm%03d@example.com", i), password); err != nil {
			return err
		}
		if _, err := login(env.emails[i%n], "Wrong-Pass-0000-x"); err != nil {
			return err
		}
	}
	rep.TimingN = o.timingN
	var unknown, wrong []float64
	var su, sw time.Duration
	for i := 0; i < o.timingN && ctx.Err() == nil; i++ {
		// The order alternates too (unknown first in even pairs, wrong
		// password first in odd ones), so that whatever the previous
		// login leaves behind (garbage, a GC cycle) falls on both alike.
		var du, dw time.Duration
		var err error
		unknownLogin := func() { du, err = login(fmt.Sprintf("nobody%05d@example.com", i), password) }
		wrongLogin := func() { dw, err = login(env.emails[i%n], fmt.Sprintf("Wrong-Pass-%04d-x", i)) }
		first, second := unknownLogin, wrongLogin
		if i%2 == 1 {
			first, second = wrongLogin, unknownLogin
		}
		if first(); err != nil {
			return err
		}
		if second(); err != nil {
			return err
		}
		su, sw = su+du, sw+dw
		unknown, wrong = append(unknown, float64(du)), append(wrong, float64(dw))
	}
	rep.UnknownMean, rep.WrongMean = su/time.Duration(len(unknown)), sw/time.Duration(len(wrong))
	rep.UnknownMedian, rep.WrongMedian = time.Duration(median(unknown)), time.Duration(median(wrong))
	rep.TimingRatio = float64(rep.UnknownMean) / float64(rep.WrongMean)
	return nil
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func (r *floodReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	ok := r.Load.Classes["ok"]
	secs := r.Duration.Seconds()
	p("# customerauth login flood and login timing")
	p("")
	p("- Date: %s", r.Date)
	p("- Machine: %s", r.Machine)
	p("- Command: `%s`", r.Command)
	p("- Server: a child process of the bench (re-executed with -flood-child) serving customerauth's Handler on 127.0.0.1 with the memory store, %d customers, "+
		"default argon2id (m=19456 KiB, t=2, p=1), default Throttle.MaxConcurrentHashes (GOMAXPROCS = %d) and HashWait (3 s), attempt rules off (Limit -1). "+
		"The load generator is the parent process, so the child's VmHWM is the server's own; the child resets it (`echo 5 > /proc/self/clear_refs`) when the flood starts.",
		r.Customers, r.Child.Hashes)
	p("")
	p("## Flood: %d connections logging in for %v", r.Conns, r.Duration)
	p("")
	p("| figure | value | target |")
	p("|---|---:|---|")
	peak := mib(r.Child.FloodHWMKiB)
	p("| peak RSS during the flood (VmHWM%s) | **%.1f MiB** | < 256 MiB: %s |", map[bool]string{true: " after reset", false: ", whole life: reset refused"}[r.Child.HWMResetOK], peak, verdict(peak < targetPeakRSSMiB))
	p("| highest VmRSS sampled every 50 ms | %.1f MiB | |", mib(r.Child.SampledMaxKB))
	p("| RSS when the flood started | %.1f MiB | |", mib(r.Child.BaselineKiB))
	p("| VmHWM of the setup (seeding, before the reset) | %.1f MiB | |", mib(r.Child.SetupHWMKiB))
	p("| RSS at the end / Go HeapSys / GCs | %.1f MiB / %.1f MiB / %d | |", mib(r.Child.EndRSSKiB), r.Child.HeapSysMiB, r.Child.NumGC)
	p("| successful logins | %d (%.1f/s) | |", ok, float64(ok)/secs)
	p("| successful logins as %% of raw hashing (%.1f hashes/s: mean of %s, measured before and after the flood) | %.1f%% | |", r.HashRate, joinf(r.HashRates, "%.1f"), 100*float64(ok)/secs/r.HashRate)
	p("| login latency p50 / p99 (successful) | %.0f ms / %.0f ms | |", ms(r.Load.P50), ms(r.Load.P99))
	var classes []string
	for k, v := range r.Load.Classes {
		if k != "ok" {
			classes = append(classes, fmt.Sprintf("%s %d (%.1f/s)", k, v, float64(v)/secs))
		}
	}
	if len(classes) == 0 {
		classes = []string{"none"}
	}
	p("| refused / failed responses | %s | |", strings.Join(classes, ", "))
	p("")
	p("## Timing: unknown email vs wrong password")
	p("")
	p("%d logins of each kind through customerauth's Handler in process (httptest), one at a time, alternating (unknown first in even pairs, wrong password first in odd ones); default argon2id, same Service.", r.TimingN)
	p("")
	p("| login | mean | median |")
	p("|---|---:|---:|")
	p("| unknown email | %.2f ms | %.2f ms |", ms(r.UnknownMean), ms(r.UnknownMedian))
	p("| wrong password | %.2f ms | %.2f ms |", ms(r.WrongMean), ms(r.WrongMedian))
	p("")
	p("Ratio of means (unknown ÷ wrong password): **%.3f** — target within 10%%: %s", r.TimingRatio, verdict(r.TimingRatio >= 1-targetTimingSkew && r.TimingRatio <= 1+targetTimingSkew))
	return b.String()
}
