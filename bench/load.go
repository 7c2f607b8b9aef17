package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// loadResult is one measurement of one server under load.
type loadResult struct {
	OK       int           // successful responses completed in the window
	Failed   int           // responses that failed the check, or transport errors
	Window   time.Duration // measured window
	RPS      float64       // OK / Window
	P50, P99 time.Duration // over the successful responses
	FirstErr string        // the first failure, for the report
	// Classes counts completed responses by class (see classify), when a
	// classifier is given.
	Classes map[string]int
	// lat holds the latencies of the successful responses, sorted.
	lat []time.Duration
}

// merge adds the responses of b, measured in a window of its own, to r.
func (r *loadResult) merge(b loadResult) {
	r.OK += b.OK
	r.Failed += b.Failed
	r.Window += b.Window
	if r.FirstErr == "" {
		r.FirstErr = b.FirstErr
	}
	r.lat = append(r.lat, b.lat...)
	slices.Sort(r.lat)
	r.RPS = float64(r.OK) / r.Window.Seconds()
	r.P50, r.P99 = percentile(r.lat, 0.50), percentile(r.lat, 0.99)
}

// loadSpec describes a load: conns workers, each with one keep-alive
// connection, sending POSTs of body() to url back to back.
type loadSpec struct {
	url   string
	conns int
	// client, when set, is used (and its connections kept) instead of a
	// new one sized to conns.
	client *http.Client
	warmup time.Duration
	window time.Duration
	body   func() []byte
	ok     func([]byte) bool
	// classify, when set, names the class of each response (for the flood:
	// "ok", "throttled", ...); latencies are kept for "ok" only.
	classify func(status int, body []byte) string
}

// newTransport returns a transport with room for conns keep-alive
// connections to one host.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
}

func newClient(conns int) *http.Client {
	return &http.Client{Transport: newTransport(conns), Timeout: 2 * time.Minute}
}

// runLoad runs the load: warmup unmeasured, then window measured. A
// response counts when it completes inside the window, wherever it
// started, so that throughput is not biased by slow requests at the edges;
// workers stop sending when the window ends.
func runLoad(ctx context.Context, s loadSpec) loadResult {
	client := s.client
	if client == nil {
		client = newClient(s.conns)
		defer client.CloseIdleConnections()
	}

	start := time.Now()
	mStart := start.Add(s.warmup)
	mEnd := mStart.Add(s.window)

	type workerOut struct {
		lat      []time.Duration
		failed   int
		firstErr string
		classes  map[string]int
	}
	outs := make([]workerOut, s.conns)
	var wg sync.WaitGroup
	for w := 0; w < s.conns; w++ {
		wg.Add(1)
		go func(out *workerOut) {
			defer wg.Done()
			out.lat = make([]time.Duration, 0, 1024)
			if s.classify != nil {
				out.classes = map[string]int{}
			}
			var buf bytes.Buffer
			for ctx.Err() == nil && time.Now().Before(mEnd) {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(s.body()))
				if err != nil {
					panic(err)
				}
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				status := 0
				buf.Reset()
				if err == nil {
					_, err = io.Copy(&buf, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				t1 := time.Now()
				if t1.Before(mStart) || !t1.Before(mEnd) {
					continue
				}
				if s.classify != nil {
					class := "transport error"
					if err == nil {
						class = s.classify(status, buf.Bytes())
					}
					out.classes[class]++
					if class == "ok" {
						out.lat = append(out.lat, t1.Sub(t0))
					}
					continue
				}
				switch {
				case err != nil:
					out.failed++
					if out.firstErr == "" {
						out.firstErr = err.Error()
					}
				case status != http.StatusOK || !s.ok(buf.Bytes()):
					out.failed++
					if out.firstErr == "" {
						out.firstErr = resp.Status + ": " + truncate(buf.String(), 300)
					}
				default:
					out.lat = append(out.lat, t1.Sub(t0))
				}
			}
		}(&outs[w])
	}
	wg.Wait()

	res := loadResult{Window: s.window}
	var all []time.Duration
	for _, o := range outs {
		all = append(all, o.lat...)
		res.Failed += o.failed
		if res.FirstErr == "" {
			res.FirstErr = o.firstErr
		}
		if o.classes != nil {
			if res.Classes == nil {
				res.Classes = map[string]int{}
			}
			for k, v := range o.classes {
				res.Classes[k] += v
			}
		}
	}
	res.OK = len(all)
	res.RPS = float64(res.OK) / s.window.Seconds()
	res.P50, res.P99 = percentile(all, 0.50), percentile(all, 0.99)
	res.lat = all
	return res
}

// percentile returns the q-quantile of d (nearest rank); it sorts d.
func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q*float64(len(d))+0.5) - 1
	i = max(0, min(i, len(d)-1))
	return d[i]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
