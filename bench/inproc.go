package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

const endpoint = "/api/2026-04/graphql.json"

func newRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func newRecorder() *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	w.Body.Grow(16 << 10)
	return w
}

// measureAllocs is testing.AllocsPerRun for a handler: with GOMAXPROCS 1,
// after one warm-up call, the runtime.MemStats deltas around runs calls of
// h.ServeHTTP on prepared httptest requests and recorders, divided by runs.
// The requests and recorders are made before the first reading, so only
// the handler's own allocations count.
func measureAllocs(h http.Handler, op *operation, runs int) (allocs, bytesPerOp float64, err error) {
	reqs := make([]*http.Request, runs+1)
	recs := make([]*httptest.ResponseRecorder, runs+1)
	for i := range reqs {
		reqs[i], recs[i] = newRequest(op.body()), newRecorder()
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	h.ServeHTTP(recs[0], reqs[0])
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 1; i <= runs; i++ {
		h.ServeHTTP(recs[i], reqs[i])
	}
	runtime.ReadMemStats(&after)
	for _, w := range recs {
		if w.Code != http.StatusOK || !op.ok(w.Body.Bytes()) {
			return 0, 0, fmt.Errorf("allocs: %s answered %d %s", op.name, w.Code, truncate(w.Body.String(), 300))
		}
	}
	return float64(after.Mallocs-before.Mallocs) / float64(runs), float64(after.TotalAlloc-before.TotalAlloc) / float64(runs), nil
}

// timeInProcess calls h.ServeHTTP from one goroutine, without the network,
// for about d (at least 3 calls), and returns the mean time per call.
func timeInProcess(h http.Handler, op *operation, d time.Duration) (time.Duration, error) {
	var spent time.Duration
	n := 0
	for n < 3 || spent < d {
		r, w := newRequest(op.body()), newRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		spent += time.Since(t0)
		n++
		if w.Code != http.StatusOK || !op.ok(w.Body.Bytes()) {
			return 0, fmt.Errorf("in-process: %s answered %d %s", op.name, w.Code, truncate(w.Body.String(), 300))
		}
	}
	return spent / time.Duration(n), nil
}

// checkSameAnswers sends one request of op to every server in process and
// requires the same JSON from all, up to the values that differ from call
// to call (new tokens, expiry and modification times). It guards the
// comparison: the hand-written handler must do the same work and give the
// same answer.
func checkSameAnswers(op *operation, servers []server) error {
	body := op.body()
	var first any
	var firstRaw string
	for i, s := range servers {
		w := newRecorder()
		s.h.ServeHTTP(w, newRequest(body))
		if w.Code != http.StatusOK || !op.ok(w.Body.Bytes()) {
			return fmt.Errorf("%s via %s: %d %s", op.name, s.name, w.Code, truncate(w.Body.String(), 500))
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			return fmt.Errorf("%s via %s: %v", op.name, s.name, err)
		}
		blank(v)
		if i == 0 {
			first, firstRaw = v, w.Body.String()
			continue
		}
		if !reflect.DeepEqual(first, v) {
			return fmt.Errorf("%s: %s and %s answer differently:\n%s\n%s", op.name, servers[0].name, s.name, firstRaw, w.Body.String())
		}
	}
	return nil
}

// blank replaces the values that legitimately differ between two calls.
func blank(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "accessToken", "expiresAt", "updatedAt":
				if x != nil {
					v[k] = "…"
				}
			default:
				blank(x)
			}
		}
	case []any:
		for _, x := range v {
			blank(x)
		}
	}
}

// rawHashRate runs argon2id with customerauth's default parameters on
// GOMAXPROCS goroutines for d and returns the hashes completed per second.
func rawHashRate(d time.Duration) float64 {
	var done atomic.Int64
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			salt := make([]byte, 16)
			for time.Now().Before(end) {
				argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
				if time.Now().Before(end) {
					done.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / d.Seconds()
}

// profile writes a CPU profile of -profile-op through customerauth's
// handler, in process (httptest, no network), from GOMAXPROCS goroutines
// for -duration.
func profile(ctx context.Context, env *benchEnv, o options) error {
	op := buildOp(o.profileOp, env)
	h := env.svc.Handler()
	for range 200 { // warm the document cache and the store
		h.ServeHTTP(newRecorder(), newRequest(op.body()))
	}
	f, err := os.Create(o.cpuprofile)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	var n atomic.Int64
	end := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(end) {
				w := newRecorder()
				h.ServeHTTP(w, newRequest(op.body()))
				if w.Code != http.StatusOK {
					panic(w.Body.String())
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	pprof.StopCPUProfile()
	logf("profile: %d %s requests through customerauth's handler on %s in %v (%.0f/s in process) → %s",
		n.Load(), op.name, env.store, o.duration, float64(n.Load())/o.duration.Seconds(), o.cpuprofile)
	return nil
}
