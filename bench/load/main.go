// Command load measures HTTP throughput and latency against loopback
// addresses only, bounded in time and in requests. With -baseline it first
// measures a bare net/http handler in this process with the same settings,
// so that every figure comes with its ratio to a baseline of the same run.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Name       string  `json:"name"`
	URL        string  `json:"url"`
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	Ratio      float64 `json:"ratio_to_baseline,omitempty"`
	StatusSeen []int   `json:"statuses"`
}

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	var (
		duration    = flag.Duration("duration", 10*time.Second, "how long to load each target")
		warmup      = flag.Duration("warmup", time.Second, "unmeasured load before each target")
		concurrency = flag.Int("concurrency", 16, "concurrent clients")
		maxRequests = flag.Int("max-requests", 2_000_000, "hard cap on requests per target")
		baseline    = flag.Bool("baseline", false, "measure a bare net/http handler first and print ratios to it")
		hdrs        headers
	)
	flag.Var(&hdrs, "header", "request header 'Name: value' (repeatable)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: load [flags] NAME=URL ...  (loopback URLs only)")
		flag.PrintDefaults()
	}
	flag.Parse()
	targets := flag.Args()
	if len(targets) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	cfg := config{duration: *duration, warmup: *warmup, concurrency: *concurrency, max: *maxRequests, headers: hdrs}
	var base *result
	if *baseline {
		srv, addr := bareServer()
		r := cfg.run("baseline (bare net/http)", "http://"+addr+"/")
		srv.Close()
		base = &r
		report(r)
	}
	for _, t := range targets {
		name, raw, ok := strings.Cut(t, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "load: %q is not NAME=URL\n", t)
			os.Exit(2)
		}
		if err := loopbackOnly(raw); err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(2)
		}
		r := cfg.run(name, raw)
		if base != nil && base.PerSecond > 0 {
			r.Ratio = r.PerSecond / base.PerSecond
		}
		report(r)
	}
}

// loopbackOnly refuses any target that is not on this machine.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s: only loopback addresses may be loaded", raw)
	}
	return nil
}

func bareServer() (*http.Server, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})}
	go srv.Serve(ln)
	return srv, ln.Addr().String()
}

type config struct {
	duration, warmup time.Duration
	concurrency, max int
	headers          headers
}

func (c config) run(name, target string) result {
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: c.concurrency, MaxConnsPerHost: c.concurrency},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	do := func(ctx context.Context) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
		for _, h := range c.headers {
			k, v, _ := strings.Cut(h, ":")
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// Warm-up: connections, caches, JIT-free Go but lazy data.
	c.load(c.warmup, c.max, do, nil)
	var mu sync.Mutex
	var lat []time.Duration
	statuses := map[int]bool{}
	errors := 0
	start := time.Now()
	c.load(c.duration, c.max, do, func(d time.Duration, code int, err error) {
		mu.Lock()
		defer mu.Unlock()
		lat = append(lat, d)
		if err != nil || code >= 400 {
			errors++
		}
		statuses[code] = true
	})
	elapsed := time.Since(start).Seconds()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	r := result{Name: name, URL: target, Requests: len(lat), Errors: errors, Seconds: elapsed, PerSecond: float64(len(lat)) / elapsed,
		P50ms: pct(.50), P90ms: pct(.90), P99ms: pct(.99), MaxMs: pct(1)}
	for s := range statuses {
		r.StatusSeen = append(r.StatusSeen, s)
	}
	slices.Sort(r.StatusSeen)
	return r
}

// load runs concurrency workers until the time or the request cap is reached.
func (c config) load(d time.Duration, cap int, do func(context.Context) (int, error), record func(time.Duration, int, error)) int {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var count atomic.Int64
	var wg sync.WaitGroup
	for range c.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil && count.Add(1) <= int64(cap) {
				t := time.Now()
				code, err := do(ctx)
				if ctx.Err() != nil {
					count.Add(-1) // cut off by the deadline: not a measured request
					return
				}
				if record != nil {
					record(time.Since(t), code, err)
				}
			}
		})
	}
	wg.Wait()
	return int(min(count.Load(), int64(cap)))
}

func report(r result) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	ratio := ""
	if r.Ratio > 0 {
		ratio = fmt.Sprintf(" = %.2f× baseline", r.Ratio)
	}
	fmt.Fprintf(os.Stderr, "%-28s %9.0f req/s%s  p50 %.2f ms  p99 %.2f ms  max %.1f ms  errors %d  statuses %v\n",
		r.Name, r.PerSecond, ratio, r.P50ms, r.P99ms, r.MaxMs, r.Errors, r.StatusSeen)
}
