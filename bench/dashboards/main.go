// Command dashboards measures the territorial dashboards on the data of
// `passerelle bench-data` (the national directory, its year of the
// capacity board, the children's records with their year of requests and
// alerts), beside a baseline measured in the same run. scripts/bench runs
// it on a SQLite file and a PostgreSQL schema:
//
//	dashboards -db URL [-url http://127.0.0.1:PORT -token TOKEN]
//	           [-departements 6] [-seed 1] [-refresh=true]
//	           [-duration 3s] [-warmup 500ms] [-concurrency 2] [-rounds 3]
//	           [-table FILE]
//
// First, unless -refresh=false, indicators.Service.Refresh once, timed:
// the pre-aggregation every dashboard reads (the job indicators.refresh).
// Then the first reading of each dashboard after that refresh, uncached
// (the service keeps what it computed until the next refresh), timed once.
// Then, in process through the same db.DB as a server, as the system
// actor: the baseline, one child read by primary key in a read
// transaction (as bench/records); indicators.Service.Dashboard of
// -departements départements drawn with -seed (the largest and the
// smallest in children among them), in turn, over the default period; and
// the national dashboard. With -url and -token (an administrator's API
// token; the server must run on the same database): the baseline GET
// /healthz; GET /api/v1/indicators of the same départements and of the
// nation; and the page GET /tableaux-de-bord for both (a page the server
// does not have, or refuses, is left out and said so).
//
// Each target runs -concurrency workers for -duration after -warmup;
// baseline and targets alternate -rounds times, a last baseline closing
// the last round, and a target's ratio is its throughput over the mean of
// the baselines around it. The targets of the issue (a département's
// dashboard in 100 ms, the nation's in 1 s) are checked on the p99.
//
// Output: one JSON line per phase ("kind":"dashboards") on stdout, the
// refresh first; a line for people per phase on stderr; with -table, a
// Markdown table of the medians over the rounds in FILE. Loopback only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/indicators"
)

// Phase is the JSON line of one measured phase (or of the refresh).
type Phase struct {
	Kind        string  `json:"kind"` // "dashboards"
	Name        string  `json:"name"`
	Via         string  `json:"via"` // "service" or "http"
	Scope       string  `json:"scope,omitempty"`
	Baseline    bool    `json:"baseline,omitempty"`
	Round       int     `json:"round"`
	Workers     int     `json:"workers"`
	Requests    int     `json:"requests"`
	Errors      int     `json:"errors"`
	ErrorSample string  `json:"error_sample,omitempty"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	Ratio       float64 `json:"ratio_to_baseline,omitempty"`
	// Rows is what one answer held on average: indicators of a
	// dashboard, KiB of a page.
	Rows float64 `json:"rows,omitempty"`
	// GoalMs is the issue's target for the p99, 0 for none.
	GoalMs float64 `json:"goal_ms,omitempty"`
}

var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

type config struct {
	dbURL, baseURL, token, table string
	departements, workers        int
	rounds                       int
	seed                         uint64
	refresh                      bool
	duration, warmup             time.Duration
}

// Goals of the issue: a département's dashboard and the nation's.
const (
	goalDepartement = 100.0 // ms
	goalNational    = 1000.0
)

func main() {
	var c config
	flag.StringVar(&c.dbURL, "db", "", "URL of a database written by passerelle bench-data (sqlite:FILE or postgres://…)")
	flag.StringVar(&c.baseURL, "url", "", "a server on the same database (loopback only), to measure the API and the page too")
	flag.StringVar(&c.token, "token", "", "an administrator's API token for -url")
	flag.IntVar(&c.departements, "departements", 6, "départements drawn")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the draw")
	flag.BoolVar(&c.refresh, "refresh", true, "run and time indicators.Service.Refresh first")
	flag.IntVar(&c.workers, "concurrency", 2, "concurrent workers")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds of baseline then targets")
	flag.DurationVar(&c.duration, "duration", 3*time.Second, "measured time of each target")
	flag.DurationVar(&c.warmup, "warmup", 500*time.Millisecond, "unmeasured time before each target")
	flag.StringVar(&c.table, "table", "", "write a Markdown table of the medians to this file")
	flag.Parse()
	if c.dbURL == "" || flag.NArg() > 0 || c.departements < 1 || c.workers < 1 || c.rounds < 1 || (c.baseURL != "") != (c.token != "") {
		fmt.Fprintln(stderr, "usage: dashboards -db URL [-url BASE -token TOKEN] [-departements 6] [-concurrency 2] [-rounds 3] [-duration 3s] [-table FILE]")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(stderr, "dashboards:", err)
		os.Exit(1)
	}
}

// target is one thing measured: do runs one request as worker w, its
// i-th, and returns the rows it saw.
type target struct {
	name, via, scope string
	baseline         bool
	goal             float64
	do               func(ctx context.Context, w, i int) (int, error)
}

func run(ctx context.Context, c config) error {
	d, err := db.Open(ctx, c.dbURL)
	if err != nil {
		return err
	}
	defer d.Close()
	sys := access.WithActor(ctx, access.SystemActor)
	svc := &indicators.Service{DB: d}
	var phases []Phase
	if c.refresh {
		t0 := time.Now()
		if err := svc.Refresh(sys); err != nil {
			return fmt.Errorf("refresh: %w", err)
		}
		took := time.Since(t0)
		p := Phase{Kind: "dashboards", Name: "indicators.Service.Refresh (pre-aggregation, once)", Via: "service", Round: 0,
			Workers: 1, Requests: 1, Seconds: took.Seconds(), P50ms: ms(took), P99ms: ms(took), MaxMs: ms(took)}
		phases = append(phases, p)
		fmt.Fprintf(stderr, "  refresh: %.1f s\n", took.Seconds())
	}
	deps, children, err := pick(ctx, d, c.departements, c.seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "  départements: %s\n", strings.Join(deps, ", "))
	period := indicators.DefaultPeriod(db.Now(d.Clock))
	// Each dashboard is computed once after a refresh, then kept by the
	// service (its cache): the first reading of each, timed here, is what
	// the first person after a refresh waits for; the rounds below
	// measure the readings after it.
	for _, sc := range append([]string{""}, deps...) {
		scope := indicators.Scope{Level: indicators.LevelNational}
		name := "first reading after the refresh (uncached): the nation"
		if sc != "" {
			scope = indicators.Scope{Level: indicators.LevelDepartement, Code: sc}
			name = "first reading after the refresh (uncached): département " + sc
		}
		t0 := time.Now()
		if _, err := svc.Dashboard(sys, scope, period); err != nil {
			return fmt.Errorf("first reading of %v: %w", scope, err)
		}
		took := time.Since(t0)
		goal := goalDepartement
		if sc == "" {
			goal = goalNational
		}
		phases = append(phases, Phase{Kind: "dashboards", Name: name, Via: "service", Scope: string(scope.Level), Round: 0, Workers: 1,
			Requests: 1, Seconds: took.Seconds(), P50ms: ms(took), P99ms: ms(took), MaxMs: ms(took), GoalMs: goal})
		fmt.Fprintf(stderr, "  %-70s %8.2f ms\n", name, ms(took))
	}
	dep := func(w, i int) string { return deps[(w+i)%len(deps)] }
	count := func(b indicators.Dashboard, err error) (int, error) {
		if err == nil && len(b.Indicators) == 0 {
			err = errors.New("a dashboard without indicators")
		}
		return len(b.Indicators), err
	}
	targets := []target{
		{name: "baseline: one child read by primary key", via: "service", baseline: true, do: func(ctx context.Context, w, i int) (int, error) {
			return 1, d.Read(ctx, func(tx *db.Tx) error {
				var name string
				return tx.QueryRowContext(ctx, `SELECT first_name FROM children WHERE id = $1`, children[(w*31+i)%len(children)]).Scan(&name)
			})
		}},
		{name: "indicators.Service.Dashboard: a département", via: "service", scope: "departement", goal: goalDepartement,
			do: func(ctx context.Context, w, i int) (int, error) {
				return count(svc.Dashboard(access.WithActor(ctx, access.SystemActor),
					indicators.Scope{Level: indicators.LevelDepartement, Code: dep(w, i)}, period))
			}},
		{name: "indicators.Service.Dashboard: the nation", via: "service", scope: "national", goal: goalNational,
			do: func(ctx context.Context, w, i int) (int, error) {
				return count(svc.Dashboard(access.WithActor(ctx, access.SystemActor), indicators.Scope{Level: indicators.LevelNational}, period))
			}},
	}
	if c.baseURL != "" {
		web, err := httpTargets(ctx, c, dep)
		if err != nil {
			return err
		}
		targets = append(targets, web...)
	}

	measure := func(t target, round int) {
		p := measureOne(ctx, c, t, round)
		phases = append(phases, p)
		fmt.Fprintf(stderr, "  %-58s %8.1f/s  p50 %8.2f ms  p99 %8.2f ms  errors %d%s\n", t.via+" "+t.name, p.PerSecond,
			p.P50ms, p.P99ms, p.Errors, sample(p.ErrorSample))
	}
	for round := 1; round <= c.rounds; round++ {
		fmt.Fprintf(stderr, "round %d of %d\n", round, c.rounds)
		for _, t := range targets {
			measure(t, round)
		}
	}
	for _, t := range targets {
		if t.baseline {
			measure(t, c.rounds+1)
		}
	}
	ratios(phases)
	for _, p := range phases {
		if err := json.NewEncoder(stdout).Encode(p); err != nil {
			return err
		}
	}
	if c.table != "" {
		return os.WriteFile(c.table, []byte(table(phases, deps)), 0o644)
	}
	return nil
}

func sample(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// pick draws n départements among those with children: the largest and
// the smallest, then others drawn with seed; and children ids for the
// baseline.
func pick(ctx context.Context, d *db.DB, n int, seed uint64) ([]string, []string, error) {
	var all, children []string
	err := d.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT departement FROM children GROUP BY departement ORDER BY count(*) DESC, departement`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var dep string
			if err := rows.Scan(&dep); err != nil {
				rows.Close()
				return err
			}
			all = append(all, dep)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT id FROM children ORDER BY pseudonym LIMIT 1000`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			children = append(children, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, err
	}
	if len(all) == 0 {
		return nil, nil, errors.New("no child: run passerelle bench-data first")
	}
	picked := []string{all[0]}
	if len(all) > 1 && n > 1 {
		picked = append(picked, all[len(all)-1])
	}
	rest := slices.Clone(all[1:max(len(all)-1, 1)])
	r := rand.New(rand.NewPCG(seed, 0xda5))
	r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	for _, dep := range rest {
		if len(picked) >= n {
			break
		}
		picked = append(picked, dep)
	}
	return picked, children, nil
}

// httpTargets returns the API and page targets, leaving out what the
// server does not answer with 200.
func httpTargets(ctx context.Context, c config, dep func(w, i int) string) ([]target, error) {
	base, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(base.Hostname()); base.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-url %s: loopback only", c.baseURL)
	}
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.workers},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(ctx context.Context, path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		return int(n / 1024), nil
	}
	out := []target{{name: "baseline: GET /healthz", via: "http", baseline: true, do: func(ctx context.Context, _, _ int) (int, error) {
		return get(ctx, "/healthz")
	}}}
	pages := []target{
		{name: "GET /api/v1/indicators: a département", via: "http", scope: "departement", goal: goalDepartement,
			do: func(ctx context.Context, w, i int) (int, error) {
				return get(ctx, "/api/v1/indicators?level=departement&code="+dep(w, i))
			}},
		{name: "GET /api/v1/indicators: the nation", via: "http", scope: "national", goal: goalNational,
			do: func(ctx context.Context, _, _ int) (int, error) { return get(ctx, "/api/v1/indicators?level=national") }},
		{name: "GET /tableaux-de-bord: a département", via: "http", scope: "departement", goal: goalDepartement,
			do: func(ctx context.Context, w, i int) (int, error) {
				return get(ctx, "/tableaux-de-bord?territoire=departement-"+dep(w, i))
			}},
		{name: "GET /tableaux-de-bord: the nation", via: "http", scope: "national", goal: goalNational,
			do: func(ctx context.Context, _, _ int) (int, error) {
				return get(ctx, "/tableaux-de-bord?territoire=france")
			}},
	}
	for _, p := range pages {
		if _, err := p.do(ctx, 0, 0); err != nil {
			fmt.Fprintf(stderr, "  left out: %s (%v)\n", p.name, err)
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// measureOne runs t with c.workers workers: c.warmup unmeasured, then
// c.duration measured (at least one measured request each, however long
// it takes: a slow national dashboard still gets its figures).
func measureOne(ctx context.Context, c config, t target, round int) Phase {
	p := Phase{Kind: "dashboards", Name: t.name, Via: t.via, Scope: t.scope, Baseline: t.baseline, Round: round,
		Workers: c.workers, GoalMs: t.goal}
	var mu sync.Mutex
	var durations []time.Duration
	var rows, errs int
	var measuring atomic.Bool
	deadline := time.Now().Add(c.warmup + c.duration)
	var wg sync.WaitGroup
	start := time.Now()
	time.AfterFunc(c.warmup, func() {
		mu.Lock()
		start = time.Now()
		mu.Unlock()
		measuring.Store(true)
	})
	for w := range c.workers {
		wg.Go(func() {
			var local []time.Duration
			var localRows, localErrs int
			var firstErr string
			for i := w * 7; time.Now().Before(deadline) || (len(local) == 0 && localErrs == 0); i++ {
				t0 := time.Now()
				n, err := t.do(ctx, w, i)
				took := time.Since(t0)
				if !measuring.Load() && time.Now().Before(deadline) {
					continue
				}
				if err != nil {
					localErrs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				local = append(local, took)
				localRows += n
			}
			mu.Lock()
			durations = append(durations, local...)
			rows += localRows
			errs += localErrs
			if p.ErrorSample == "" {
				p.ErrorSample = firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	mu.Lock()
	elapsed := time.Since(start)
	mu.Unlock()
	slices.Sort(durations)
	p.Requests, p.Errors, p.Seconds = len(durations), errs, elapsed.Seconds()
	if len(durations) > 0 {
		p.PerSecond = float64(len(durations)) / elapsed.Seconds()
		p.P50ms = ms(durations[len(durations)*50/100])
		p.P99ms = ms(durations[min(len(durations)*99/100, len(durations)-1)])
		p.MaxMs = ms(durations[len(durations)-1])
		p.Rows = float64(rows) / float64(len(durations))
	}
	return p
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ratios sets each target's ratio to the mean of the baselines of the same
// kind ("service" or "http") just before and after it.
func ratios(phases []Phase) {
	for i := range phases {
		p := &phases[i]
		if p.Baseline || p.Round == 0 {
			continue
		}
		var sum float64
		var n int
		for _, q := range phases {
			if q.Baseline && q.Via == p.Via && (q.Round == p.Round || q.Round == p.Round+1) && q.PerSecond > 0 {
				sum += q.PerSecond
				n++
			}
		}
		if n > 0 {
			p.Ratio = p.PerSecond / (sum / float64(n))
		}
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// table writes the medians over the rounds, one row per target, with the
// issue's goal and whether the p99 meets it.
func table(phases []Phase, deps []string) string {
	var b strings.Builder
	b.WriteString("| target | p50 | p99 | goal (p99) | throughput | ratio to baseline | rows per answer |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	var order []string
	by := map[string][]Phase{}
	for _, p := range phases {
		k := p.Via + " " + p.Name
		if _, ok := by[k]; !ok {
			order = append(order, k)
		}
		by[k] = append(by[k], p)
	}
	for _, k := range order {
		var rps, ratio, p50, p99, rows []float64
		errs := 0
		goal := 0.0
		for _, p := range by[k] {
			rps, p50, p99, rows = append(rps, p.PerSecond), append(p50, p.P50ms), append(p99, p.P99ms), append(rows, p.Rows)
			if !p.Baseline && p.Ratio > 0 {
				ratio = append(ratio, p.Ratio)
			}
			errs += p.Errors
			goal = p.GoalMs
		}
		r := "1 (baseline)"
		switch {
		case len(ratio) > 0:
			r = fmt.Sprintf("%.4f× (%.4f–%.4f)", median(ratio), slices.Min(ratio), slices.Max(ratio))
		case by[k][0].Round == 0:
			r = "—"
		}
		g := "—"
		if goal > 0 {
			if median(p99) <= goal {
				g = fmt.Sprintf("%.0f ms: met", goal)
			} else {
				g = fmt.Sprintf("%.0f ms: **missed** (×%.1f)", goal, median(p99)/goal)
			}
		}
		name := k
		if errs > 0 {
			name += fmt.Sprintf(" (**%d errors**)", errs)
		}
		rowsText := fmt.Sprintf("%.0f", median(rows))
		if strings.HasPrefix(k, "http") {
			rowsText += " KiB"
		}
		if by[k][0].Round == 0 {
			rowsText = "—"
		}
		fmt.Fprintf(&b, "| %s | %.2f ms | %.2f ms | %s | %.1f req/s | %s | %s |\n", name, median(p50), median(p99), g, median(rps), r, rowsText)
	}
	fmt.Fprintf(&b, "\nDépartements drawn: %s; rows per answer: indicators of a dashboard, KiB of an answer.\n", strings.Join(deps, ", "))
	return b.String()
}
