// Command records measures the child's shared record on the data of
// `passerelle bench-data` (the national directory and its children): the
// record as its referent reads it, and a referent's list of children,
// beside a baseline measured in the same run. scripts/bench runs it on a
// SQLite file and a PostgreSQL schema:
//
//	records -db URL [-url http://127.0.0.1:PORT] [-referents 8]
//	        [-duration 3s] [-warmup 500ms] [-concurrency 4] [-rounds 3]
//	        [-table FILE]
//
// It picks -referents of the generated ASE referents (accounts
// "referent-…", password national.BenchPassword), half of them among those
// who follow one of the busiest records (five years of history). Each
// target runs -concurrency workers for -duration after -warmup, worker w
// acting as referent w mod -referents and going through that referent's
// children in turn:
//
//   - in process, through the same db.DB as a server: the baseline, one
//     primary-key read of a child in a read transaction; pathway.Service.Get
//     of the referent's records; Get of the busiest records; and
//     pathway.Service.List with Mine (the referent's 40 children);
//   - with -url, through the real HTTP server (the server must run on the
//     same database), each worker logged in as its referent with its own
//     session: the baseline GET /healthz; the record page GET /enfants/{id};
//     the busiest records' pages; and the list page GET /enfants (a
//     referent's own children). A page the server does not have (404 on
//     the first try) is left out and said so.
//
// Baseline and targets alternate, -rounds times, and a last baseline closes
// the last round; a target's ratio in a round is its throughput over the
// mean of the baselines around it. Every read of a record or list is
// audited, as in production: the audit log grows during the run.
//
// Output: one JSON line per phase ("kind":"records") on stdout, one line
// for people per phase on stderr and, with -table, a Markdown table of the
// medians over the rounds in FILE. Loopback only; it stops by itself.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/demo/national"
	"passerelle/internal/pathway"
)

// Phase is the JSON line of one measured phase.
type Phase struct {
	Kind        string  `json:"kind"` // "records"
	Name        string  `json:"name"`
	Via         string  `json:"via"` // "service" or "http"
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
	// Rows is what one answer held on average: events of a record,
	// children of a list.
	Rows float64 `json:"rows,omitempty"`
}

var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

type referent struct {
	id, email string
	actor     access.Actor
	children  []string // the children they follow
	busy      []string // the busiest records of their service
	cookie    http.CookieJar
}

type config struct {
	dbURL, baseURL, table string
	referents, workers    int
	rounds                int
	duration, warmup      time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.dbURL, "db", "", "URL of a database written by passerelle bench-data (sqlite:FILE or postgres://…)")
	flag.StringVar(&c.baseURL, "url", "", "a server on the same database (loopback only), to measure the pages too")
	flag.IntVar(&c.referents, "referents", 8, "referents to act as")
	flag.IntVar(&c.workers, "concurrency", 4, "concurrent workers")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds of baseline then targets")
	flag.DurationVar(&c.duration, "duration", 3*time.Second, "measured time of each target")
	flag.DurationVar(&c.warmup, "warmup", 500*time.Millisecond, "unmeasured time before each target")
	flag.StringVar(&c.table, "table", "", "write a Markdown table of the medians to this file")
	flag.Parse()
	if c.dbURL == "" || flag.NArg() > 0 || c.referents < 1 || c.workers < 1 || c.rounds < 1 {
		fmt.Fprintln(stderr, "usage: records -db URL [-url BASE] [-referents 8] [-concurrency 4] [-rounds 3] [-duration 3s] [-table FILE]")
		os.Exit(2)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(stderr, "records:", err)
		os.Exit(1)
	}
}

// target is one thing measured: do runs one request as worker w, its
// i-th, and returns the rows it saw.
type target struct {
	name, via string
	baseline  bool
	do        func(ctx context.Context, w, i int) (int, error)
}

func run(ctx context.Context, c config) error {
	d, err := db.Open(ctx, c.dbURL)
	if err != nil {
		return err
	}
	defer d.Close()
	refs, err := pickReferents(ctx, d, c.referents)
	if err != nil {
		return err
	}
	svc := &pathway.Service{DB: d}
	ref := func(w int) *referent { return refs[w%len(refs)] }
	busiest := func(w, i int) string {
		r := ref(w)
		if len(r.busy) == 0 {
			return r.children[i%len(r.children)]
		}
		return r.busy[i%len(r.busy)]
	}
	targets := []target{
		{name: "baseline: one child read by primary key", via: "service", baseline: true, do: func(ctx context.Context, w, i int) (int, error) {
			r := ref(w)
			return 1, d.Read(ctx, func(tx *db.Tx) error {
				var name string
				return tx.QueryRowContext(ctx, `SELECT first_name FROM children WHERE id = $1`, r.children[i%len(r.children)]).Scan(&name)
			})
		}},
		{name: "pathway.Service.Get: the referent's records", via: "service", do: func(ctx context.Context, w, i int) (int, error) {
			r := ref(w)
			rec, err := svc.Get(access.WithActor(ctx, r.actor), r.children[i%len(r.children)], pathway.Options{})
			return len(rec.Events), err
		}},
		{name: "pathway.Service.Get: the busiest records (5 years)", via: "service", do: func(ctx context.Context, w, i int) (int, error) {
			rec, err := svc.Get(access.WithActor(ctx, ref(w).actor), busiest(w, i), pathway.Options{})
			return len(rec.Events), err
		}},
		{name: "pathway.Service.List: mine (a referent's 40 children)", via: "service", do: func(ctx context.Context, w, i int) (int, error) {
			l, err := svc.List(access.WithActor(ctx, ref(w).actor), pathway.Filter{Mine: true})
			return len(l.Items), err
		}},
	}
	if c.baseURL != "" {
		web, err := httpTargets(ctx, c, refs, busiest)
		if err != nil {
			return err
		}
		targets = append(targets, web...)
	}

	var phases []Phase
	measure := func(t target, round int) {
		p := measureOne(ctx, c, t, round)
		phases = append(phases, p)
		fmt.Fprintf(stderr, "  %-58s %8.0f/s  p50 %6.2f ms  p99 %6.2f ms  errors %d%s\n", t.via+" "+t.name, p.PerSecond,
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
		return os.WriteFile(c.table, []byte(table(phases, refs)), 0o644)
	}
	return nil
}

func sample(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// pickReferents returns n generated referents with their children, half
// of them (at least one) following one of the busiest records.
func pickReferents(ctx context.Context, d *db.DB, n int) ([]*referent, error) {
	var ids []string
	busy := map[string][]string{} // referent → their busiest records
	err := d.Read(ctx, func(tx *db.Tx) error {
		// The busiest records: the children of the first referents with
		// more than 150 events, found through the event index.
		rows, err := tx.QueryContext(ctx, `SELECT c.referent_id, c.id FROM children c JOIN accounts a ON a.id = c.referent_id
			WHERE a.email LIKE $1 AND (SELECT count(*) FROM (SELECT 1 FROM child_events e WHERE e.child_id = c.id LIMIT 151) x) > 150
			ORDER BY c.referent_id LIMIT $2`, national.ReferentMailbox+"%@"+national.MailDomain, 200)
		if err != nil {
			return fmt.Errorf("busiest records: %w", err)
		}
		for rows.Next() {
			var r, c string
			if err := rows.Scan(&r, &c); err != nil {
				rows.Close()
				return err
			}
			if _, ok := busy[r]; !ok && len(ids) < (n+1)/2 {
				ids = append(ids, r)
			}
			busy[r] = append(busy[r], c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Referents who follow a full list, then the others.
		rows, err = tx.QueryContext(ctx, `SELECT a.id, count(c.id) FROM accounts a LEFT JOIN children c ON c.referent_id = a.id
			WHERE a.email LIKE $1 GROUP BY a.id, a.email ORDER BY CASE WHEN count(c.id) = $2 THEN 0 ELSE 1 END, a.email`,
			national.ReferentMailbox+"%@"+national.MailDomain, national.ChildrenPerReferent)
		if err != nil {
			return err
		}
		var all []string
		full := 0
		for rows.Next() {
			var id string
			var k int
			if err := rows.Scan(&id, &k); err != nil {
				rows.Close()
				return err
			}
			all = append(all, id)
			if k == national.ChildrenPerReferent {
				full++
			}
		}
		rows.Close()
		if len(all) == 0 {
			return errors.New("no generated referent: run passerelle bench-data first")
		}
		if full < n {
			full = len(all)
		}
		for i := 0; len(ids) < n && i < len(all); i++ { // spread over the country
			id := all[(i*7919)%full]
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	as := &auth.Service{DB: d}
	var out []*referent
	var all []string
	for _, v := range busy {
		all = append(all, v...)
	}
	sort.Strings(all)
	for _, id := range ids {
		a, err := as.LoadActor(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("referent %s: %w", id, err)
		}
		r := &referent{id: id, email: a.Email, actor: a, busy: busy[id]}
		err = d.Read(ctx, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM children WHERE referent_id = $1 ORDER BY search_name`, id)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					return err
				}
				r.children = append(r.children, c)
			}
			return rows.Err()
		})
		if err != nil {
			return nil, err
		}
		if len(r.children) == 0 {
			continue
		}
		if len(r.busy) == 0 { // the busiest records of the same service
			for _, c := range all {
				if err := d.Read(ctx, func(tx *db.Tx) error {
					var ase string
					if err := tx.QueryRowContext(ctx, `SELECT ase_id FROM children WHERE id = $1`, c).Scan(&ase); err != nil {
						return err
					}
					if a.HasIn(access.RoleASEReferent, ase) {
						r.busy = append(r.busy, c)
					}
					return nil
				}); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("the generated referents follow no child")
	}
	return out, nil
}

// httpTargets logs each referent in and returns the pages to measure.
func httpTargets(ctx context.Context, c config, refs []*referent, busiest func(w, i int) string) ([]target, error) {
	base, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(base.Hostname()); base.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-url %s: loopback only", c.baseURL)
	}
	clients := make([]*http.Client, len(refs))
	for i, r := range refs {
		jar, _ := cookiejar.New(nil)
		cl := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.workers},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := cl.PostForm(c.baseURL+"/connexion", url.Values{"email": {r.email}, "password": {national.BenchPassword}})
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("login as %s answered %d, not 303", r.email, res.StatusCode)
		}
		clients[i] = cl
	}
	get := func(ctx context.Context, w int, path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+path, nil)
		if err != nil {
			return 0, err
		}
		res, err := clients[w%len(clients)].Do(req)
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
	ref := func(w int) *referent { return refs[w%len(refs)] }
	out := []target{{name: "baseline: GET /healthz", via: "http", baseline: true, do: func(ctx context.Context, w, _ int) (int, error) {
		return get(ctx, w, "/healthz")
	}}}
	pages := []target{
		{name: "GET /enfants/{id}: the referent's record pages", via: "http", do: func(ctx context.Context, w, i int) (int, error) {
			r := ref(w)
			return get(ctx, w, "/enfants/"+r.children[i%len(r.children)])
		}},
		{name: "GET /enfants/{id}: the busiest records (5 years)", via: "http", do: func(ctx context.Context, w, i int) (int, error) {
			return get(ctx, w, "/enfants/"+busiest(w, i))
		}},
		{name: "GET /enfants: the referent's list (their 40 children)", via: "http", do: func(ctx context.Context, w, _ int) (int, error) {
			return get(ctx, w, "/enfants")
		}},
		{name: "GET /api/v1/children/{id}", via: "http", do: func(ctx context.Context, w, i int) (int, error) {
			r := ref(w)
			return get(ctx, w, "/api/v1/children/"+r.children[i%len(r.children)])
		}},
		{name: "GET /api/v1/children?mine=true", via: "http", do: func(ctx context.Context, w, _ int) (int, error) {
			return get(ctx, w, "/api/v1/children?mine=true")
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
// c.duration measured.
func measureOne(ctx context.Context, c config, t target, round int) Phase {
	p := Phase{Kind: "records", Name: t.name, Via: t.via, Baseline: t.baseline, Round: round, Workers: c.workers}
	var mu sync.Mutex
	var durations []time.Duration
	var rows, errs int
	var measuring atomic.Bool
	deadline := time.Now().Add(c.warmup + c.duration)
	var wg sync.WaitGroup
	var start time.Time
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
			for i := w * 7; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				n, err := t.do(ctx, w, i)
				took := time.Since(t0)
				if !measuring.Load() {
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
	elapsed := time.Since(start)
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
		if p.Baseline {
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

// table writes the medians over the rounds, one row per target.
func table(phases []Phase, refs []*referent) string {
	var b strings.Builder
	b.WriteString("| target | throughput | ratio to baseline | p50 | p99 | rows per answer |\n| --- | --- | --- | --- | --- | --- |\n")
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
		for _, p := range by[k] {
			rps, p50, p99, rows = append(rps, p.PerSecond), append(p50, p.P50ms), append(p99, p.P99ms), append(rows, p.Rows)
			if !p.Baseline {
				ratio = append(ratio, p.Ratio)
			}
			errs += p.Errors
		}
		r := "1 (baseline)"
		if len(ratio) > 0 {
			lo, hi := slices.Min(ratio), slices.Max(ratio)
			r = fmt.Sprintf("%.3f× (%.3f–%.3f)", median(ratio), lo, hi)
		}
		name := k
		if errs > 0 {
			name += fmt.Sprintf(" (**%d errors**)", errs)
		}
		unit := ""
		if strings.HasPrefix(k, "http") {
			unit = " KiB"
		}
		fmt.Fprintf(&b, "| %s | %.0f req/s | %s | %.2f ms | %.2f ms | %.0f%s |\n", name, median(rps), r, median(p50), median(p99),
			median(rows), unit)
	}
	busy := 0
	for _, r := range refs {
		if len(r.busy) > 0 {
			busy++
		}
	}
	fmt.Fprintf(&b, "\n%d referents (%d of them with one of the busiest records in their service); rows per answer: events of a record, children of a list, KiB of a page.\n", len(refs), busy)
	return b.String()
}
