// Command load is Passerelle's HTTP load generator: GET one URL with a fixed
// number of keep-alive clients for a fixed time, then report throughput and
// exact latency percentiles. It only ever talks to loopback addresses, and it
// stops by itself: after -duration or -max-requests, whichever comes first.
//
//	load -url http://127.0.0.1:8080/healthz [-name healthz] [-duration 10s]
//	     [-concurrency 16] [-warmup 1s] [-max-requests 2000000]
//	     [-header 'Cookie: passerelle_session=…'] [-expect-status 200]
//	     [-baseline-rps 41000]
//	load -url http://127.0.0.1:8080 -urls mix.txt [same flags]
//	load -baseline [same flags]
//
// -baseline loads a bare net/http handler that answers "ok\n". That handler
// runs in a child process (this program again), listening on 127.0.0.1:0, so
// that the baseline has the same shape as a measured server: another process,
// a loopback TCP connection, its own Go runtime. Every Passerelle figure is
// then read as a ratio to a baseline measured in the same run (-baseline-rps).
//
// -urls loads a mix instead of one URL: a file of paths, one a line, each
// optionally preceded by a label and a tab ("near+need\t/api/v1/…"); blank
// lines and lines starting with # are skipped. The paths are requested on
// -url's host; each client goes through the list in turn from its own
// starting point, so that every path is requested about as often. The
// report adds latency percentiles per label.
//
// Output: one JSON object on stdout, one line for people on stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Result is the JSON line printed for one target.
type Result struct {
	Kind           string         `json:"kind"` // always "load"
	Name           string         `json:"name"`
	URL            string         `json:"url"`
	Concurrency    int            `json:"concurrency"`
	Requests       int            `json:"requests"`
	Errors         int            `json:"errors"`
	Statuses       map[string]int `json:"statuses"` // "200": count; "error": transport errors
	ErrorSample    string         `json:"error_sample,omitempty"`
	Seconds        float64        `json:"seconds"`
	PerSecond      float64        `json:"per_second"`
	MeanMs         float64        `json:"mean_ms"`
	P50ms          float64        `json:"p50_ms"`
	P90ms          float64        `json:"p90_ms"`
	P99ms          float64        `json:"p99_ms"`
	MaxMs          float64        `json:"max_ms"`
	BytesPerAnswer float64        `json:"bytes_per_response"`
	CappedByCount  bool           `json:"capped_by_max_requests,omitempty"`
	Ratio          float64        `json:"ratio_to_baseline,omitempty"`
	Baseline       bool           `json:"baseline,omitempty"` // the bare net/http handler
	URLs           int            `json:"urls,omitempty"`     // -urls: how many paths in the mix
	Labels         []LabelResult  `json:"labels,omitempty"`   // -urls: figures per label, in the file's order
}

// LabelResult is what the requests of one label of a mix gave.
type LabelResult struct {
	Label    string  `json:"label"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	MeanMs   float64 `json:"mean_ms"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
}

type headerList []string

func (h *headerList) String() string { return strings.Join(*h, "; ") }
func (h *headerList) Set(v string) error {
	k, _, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q is not 'Name: value'", v)
	}
	*h = append(*h, v)
	return nil
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-serve-bare" {
		serveBare()
		return
	}
	var (
		target      = flag.String("url", "", "URL to GET (loopback only); with -urls, the server the paths are requested on")
		urlsFile    = flag.String("urls", "", "file of paths to GET in turn, one a line, optionally 'label<TAB>path'")
		name        = flag.String("name", "", "label in the report (default: the URL's path)")
		duration    = flag.Duration("duration", 10*time.Second, "measured time")
		warmup      = flag.Duration("warmup", time.Second, "unmeasured load before the measure (connections, caches)")
		concurrency = flag.Int("concurrency", 16, "concurrent clients, each with its own keep-alive connection")
		maxRequests = flag.Int("max-requests", 2_000_000, "hard cap on measured requests")
		timeout     = flag.Duration("timeout", 10*time.Second, "limit for one request")
		expect      = flag.Int("expect-status", 0, "count any other status as an error (default: any 2xx or 3xx is a success)")
		baselineRPS = flag.Float64("baseline-rps", 0, "baseline throughput measured earlier in the same run, to report a ratio")
		baseline    = flag.Bool("baseline", false, "load a bare net/http handler (\"ok\\n\") in a child process instead of -url")
		headers     headerList
	)
	flag.Var(&headers, "header", "request header 'Name: value' (repeatable)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(2, "unexpected arguments %v", flag.Args())
	}
	if *concurrency < 1 || *maxRequests < 1 || *duration <= 0 || *warmup < 0 || *timeout <= 0 {
		fail(2, "-concurrency and -max-requests must be at least 1, -duration and -timeout positive")
	}
	if *duration > 10*time.Minute {
		fail(2, "-duration %s: more than 10 minutes is not a benchmark of this harness", *duration)
	}

	if *baseline {
		if *target != "" || *urlsFile != "" {
			fail(2, "-baseline excludes -url and -urls")
		}
		addr, stop, err := startBare()
		if err != nil {
			fail(1, "baseline server: %v", err)
		}
		defer stop()
		*target = "http://" + addr + "/"
		if *name == "" {
			*name = "baseline (bare net/http)"
		}
	}
	if *target == "" {
		fail(2, "-url is required (or -baseline)")
	}
	if err := loopbackOnly(*target); err != nil {
		fail(2, "%v", err)
	}
	targets := []mixEntry{{url: *target}}
	if *urlsFile != "" {
		var err error
		if targets, err = readMix(*urlsFile, *target); err != nil {
			fail(2, "%v", err)
		}
	}
	if *name == "" {
		u, _ := url.Parse(targets[0].url)
		*name = u.RequestURI()
	}

	l := &loader{
		targets: targets, headers: headers, concurrency: *concurrency, expect: *expect,
		client: newClient(*concurrency, *timeout),
	}
	defer l.client.CloseIdleConnections()
	if *warmup > 0 {
		l.run(*warmup, *maxRequests)
	}
	r := l.run(*duration, *maxRequests)
	r.Name = *name
	r.Baseline = *baseline
	if *urlsFile != "" {
		r.URL = *target
		r.URLs = len(targets)
	}
	if *baselineRPS > 0 {
		r.Ratio = r.PerSecond / *baselineRPS
	}
	report(r)
	if r.Requests == r.Errors {
		os.Exit(1) // nothing succeeded: no figure to speak of
	}
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
	os.Exit(code)
}

// loopbackOnly refuses any URL that is not http(s) to a loopback host. Names
// are resolved and every address must be loopback; the dialer checks again.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: only http and https URLs", raw)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%s: no host", raw)
	}
	ips := []net.IP{net.ParseIP(host)}
	if ips[0] == nil {
		addrs, err := net.DefaultResolver.LookupIPAddr(context.Background(), host)
		if err != nil {
			return fmt.Errorf("%s: %v", raw, err)
		}
		ips = ips[:0]
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s: %s is not a loopback address; load is only ever sent to this machine", raw, ip)
		}
	}
	return nil
}

// newClient is a keep-alive client with one idle connection per worker that
// does not follow redirects (a 303 is an answer, not a second request) and
// refuses to connect anywhere but loopback.
func newClient(concurrency int, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := dialer.DialContext(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				if ta, ok := c.RemoteAddr().(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
					c.Close()
					return nil, fmt.Errorf("refusing non-loopback peer %s", c.RemoteAddr())
				}
				return c, nil
			},
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			MaxConnsPerHost:     concurrency,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true, // measure the server, not gzip in the client
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// mixEntry is one URL of the load, with its label in a mix.
type mixEntry struct {
	label, url string
}

// readMix reads a -urls file: paths resolved against base, which must be a
// loopback URL; a line that is not a path is refused, so that the mix can
// only ever reach base's host.
func readMix(file, base string) ([]mixEntry, error) {
	b, err := url.Parse(base)
	if err != nil || base == "" {
		return nil, fmt.Errorf("-urls needs -url, the server to request the paths on")
	}
	if err := loopbackOnly(base); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []mixEntry
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, path, ok := strings.Cut(line, "\t")
		if !ok {
			label, path = "", line
		}
		path = strings.TrimSpace(path)
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
			return nil, fmt.Errorf("%s:%d: %q is not a path starting with /", file, n+1, path)
		}
		p, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, n+1, err)
		}
		out = append(out, mixEntry{label: strings.TrimSpace(label), url: b.ResolveReference(p).String()})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no path", file)
	}
	return out, nil
}

type loader struct {
	targets     []mixEntry
	headers     headerList
	concurrency int
	expect      int
	client      *http.Client
}

// worker holds what one client saw; merged at the end, so that recording a
// request costs no lock.
type worker struct {
	lat      []time.Duration
	which    []int32 // index in targets of each latency, for a mix
	statuses map[string]int
	errors   int
	bytes    int64
	sample   string
}

// run loads the URL for d or until max requests have been sent. A request
// is started only before the deadline, and never cancelled by it: the
// measured time runs until the last one has answered, so that throughput is
// completed requests over the time they took.
func (l *loader) run(d time.Duration, max int) Result {
	var sent atomic.Int64
	workers := make([]*worker, l.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range workers {
		w := &worker{statuses: map[string]int{}, lat: make([]time.Duration, 0, 1024)}
		workers[i] = w
		next := i * len(l.targets) / l.concurrency // each client starts elsewhere in a mix
		wg.Go(func() {
			for time.Now().Before(deadline) && sent.Add(1) <= int64(max) {
				k := next
				next = (next + 1) % len(l.targets)
				t := time.Now()
				code, n, err := l.get(l.targets[k].url)
				w.lat = append(w.lat, time.Since(t))
				w.which = append(w.which, int32(k))
				w.bytes += n
				switch {
				case err != nil:
					w.statuses["error"]++
					w.errors++
					if w.sample == "" {
						w.sample = err.Error()
					}
					w.which[len(w.which)-1] = -1 - int32(k)
				case l.expect != 0 && code != l.expect, l.expect == 0 && (code < 200 || code > 399):
					w.statuses[strconv.Itoa(code)]++
					w.errors++
					w.which[len(w.which)-1] = -1 - int32(k)
					if w.sample == "" {
						w.sample = fmt.Sprintf("status %d for %s", code, l.targets[k].url)
					}
				default:
					w.statuses[strconv.Itoa(code)]++
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	r := Result{Kind: "load", URL: l.targets[0].url, Concurrency: l.concurrency, Statuses: map[string]int{}, Seconds: elapsed.Seconds()}
	var lat []time.Duration
	var bytes int64
	for _, w := range workers {
		lat = append(lat, w.lat...)
		r.Errors += w.errors
		bytes += w.bytes
		for k, v := range w.statuses {
			r.Statuses[k] += v
		}
		if r.ErrorSample == "" {
			r.ErrorSample = w.sample
		}
	}
	r.Requests = len(lat)
	r.CappedByCount = sent.Load() > int64(max)
	if r.Requests == 0 {
		return r
	}
	slices.Sort(lat)
	r.PerSecond = float64(r.Requests) / elapsed.Seconds()
	r.MeanMs = ms(mean(lat))
	r.P50ms = ms(percentile(lat, 50))
	r.P90ms = ms(percentile(lat, 90))
	r.P99ms = ms(percentile(lat, 99))
	r.MaxMs = ms(lat[len(lat)-1])
	r.BytesPerAnswer = float64(bytes) / float64(r.Requests)
	if len(l.targets) > 1 {
		r.Labels = l.byLabel(workers)
	}
	return r
}

// byLabel splits the latencies of a mix by label, in the order the labels
// first appear in the mix.
func (l *loader) byLabel(workers []*worker) []LabelResult {
	var order []string
	lats := map[string][]time.Duration{}
	errs := map[string]int{}
	for _, t := range l.targets {
		if _, ok := lats[t.label]; !ok {
			order = append(order, t.label)
			lats[t.label] = nil
		}
	}
	for _, w := range workers {
		for i, k := range w.which {
			if k < 0 {
				errs[l.targets[-1-k].label]++
				k = -1 - k
			}
			label := l.targets[k].label
			lats[label] = append(lats[label], w.lat[i])
		}
	}
	out := make([]LabelResult, 0, len(order))
	for _, label := range order {
		v := lats[label]
		if len(v) == 0 {
			continue
		}
		slices.Sort(v)
		out = append(out, LabelResult{Label: label, Requests: len(v), Errors: errs[label], MeanMs: ms(mean(v)),
			P50ms: ms(percentile(v, 50)), P99ms: ms(percentile(v, 99)), MaxMs: ms(v[len(v)-1])})
	}
	return out
}

func mean(v []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range v {
		sum += d
	}
	return sum / time.Duration(len(v))
}

// percentile is the nearest-rank percentile of sorted durations: the
// smallest recorded value with at least p% of the values at or below it.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// get sends one request and reads the whole answer, so that the connection
// goes back to the pool.
func (l *loader) get(u string) (status int, n int64, err error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, err
	}
	for _, h := range l.headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

func report(r Result) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	ratio := ""
	if r.Ratio > 0 {
		ratio = fmt.Sprintf(" = %.2f× baseline", r.Ratio)
	}
	codes := make([]string, 0, len(r.Statuses))
	for k, v := range r.Statuses {
		codes = append(codes, fmt.Sprintf("%s×%d", k, v))
	}
	slices.Sort(codes)
	fmt.Fprintf(os.Stderr, "%-32s %8.0f req/s%s  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.1f ms  %d requests  %d errors  [%s]  %.0f B/response\n",
		r.Name, r.PerSecond, ratio, r.P50ms, r.P90ms, r.P99ms, r.MaxMs, r.Requests, r.Errors, strings.Join(codes, " "), r.BytesPerAnswer)
	if r.ErrorSample != "" {
		fmt.Fprintf(os.Stderr, "%-32s first transport error: %s\n", "", r.ErrorSample)
	}
}

// startBare runs this program again as the bare baseline server and returns
// its address. The child exits when its stdin closes, that is when this
// process ends, however it ends.
func startBare() (addr string, stop func(), err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe, "-serve-bare")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("no address from the child: %v", err)
	}
	return strings.TrimSpace(line), stop, nil
}

// serveBare is the child: a net/http server on 127.0.0.1:0 whose only
// handler writes "ok\n" (as Passerelle's /healthz does, without any
// middleware). It prints its address, and stops when stdin closes.
func serveBare() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(1, "listen: %v", err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok\n"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fail(1, "serve: %v", err)
		}
	}()
	fmt.Println(ln.Addr().String())
	io.Copy(io.Discard, os.Stdin) // returns when the parent closes the pipe or dies
	srv.Close()
}
