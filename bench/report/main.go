// Command report turns the JSON lines written by scripts/bench (from load,
// ready and the script's own memory readings) into the Markdown tables kept
// in docs/BENCHMARKS.md. Each argument is LABEL=FILE, one file per database.
//
// The load lines come in rounds: a bare net/http baseline, then every
// target, then the next round's baseline, and a last baseline closes the
// last round. A target's ratio in a round is its throughput over the mean of
// the two baselines around it, so that work elsewhere on the machine slows
// both sides of the ratio alike; the table gives the median over the rounds
// and their range, which shows how steady the machine was.
//
// A target that loaded a mix of URLs (bench/load -urls) also gets a table of
// latencies per label of the mix; a "dataset" line (the national directory
// written by passerelle bench-data) is reported with the time it took.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type line struct {
	Kind       string         `json:"kind"`
	Name       string         `json:"name"`
	Baseline   bool           `json:"baseline"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Statuses   map[string]int `json:"statuses"`
	PerSecond  float64        `json:"per_second"`
	P50ms      float64        `json:"p50_ms"`
	P99ms      float64        `json:"p99_ms"`
	MaxMs      float64        `json:"max_ms"`
	Bytes      float64        `json:"bytes_per_response"`
	Ms         float64        `json:"ms"`         // start
	RSSKiB     int            `json:"rss_kib"`    // memory
	HWMKiB     int            `json:"hwm_kib"`    // memory
	Count      int            `json:"count"`      // memory: simultaneous logins
	URLs       int            `json:"urls"`       // load of a mix
	Labels     []labelLine    `json:"labels"`     // load of a mix
	Structures int            `json:"structures"` // dataset
	// dataset: the national directory and its board (passerelle bench-data --json)
	Offers       int `json:"offers"`
	Declarations int `json:"declarations"` // also booking_check
	Live         int `json:"live"`
	Stale        int `json:"stale"`
	Holds        int `json:"holds"`
	History      int `json:"history"`
	// booking: one phase of bench/booking
	Workers    int     `json:"workers"`
	Successful int     `json:"successful"` // also booking_check
	Refused    int     `json:"refused"`
	Attempts   int     `json:"attempts"`
	Attempted  float64 `json:"attempts_per_second"`
	// booking_check
	Dialect             string `json:"dialect"`
	Places              int    `json:"places"`
	HoldRows            int    `json:"hold_rows"`
	HeldHistory         int    `json:"held_history"`
	DoubleBookings      int    `json:"double_bookings"`
	TakenMismatch       int    `json:"taken_mismatch"`
	HistoryTakenRepeats int    `json:"history_taken_repeats"`
	AuditRows           int    `json:"audit_rows"`
	AuditIntact         bool   `json:"audit_intact"`
	OK                  bool   `json:"ok"`
	Problem             string `json:"problem"`
}

// labelLine is one label of a mix in a load line.
type labelLine struct {
	Label    string  `json:"label"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

// target gathers one target's rounds.
type target struct {
	name                       string
	rps, ratio, p50, p99, maxs []float64
	requests, errors           int
	statuses                   map[string]int
	bytes                      float64
	urls                       int
	labels                     []*labelStats // mix: per label, in the mix's order (printed by share)
}

// labelStats gathers one label's rounds.
type labelStats struct {
	label            string
	requests, errors int
	p50, p99         []float64
}

// label returns the stats of a label, added in order on first use.
func (t *target) label(name string) *labelStats {
	for _, l := range t.labels {
		if l.label == name {
			return l
		}
	}
	l := &labelStats{label: name}
	t.labels = append(t.labels, l)
	return l
}

type run struct {
	label   string
	starts  map[string][]float64 // "cold", "warm" → milliseconds
	mem     map[string]line      // "warm-start", "before" and "after" the load, "logins"
	base    *target
	targets []*target
	rounds  int
	data    []line // "dataset" lines
	booking []line // "booking" lines, in order
	checks  []line // "booking_check" lines
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: report LABEL=FILE ...")
		os.Exit(2)
	}
	var runs []*run
	for _, arg := range os.Args[1:] {
		label, file, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "report: %q is not LABEL=FILE\n", arg)
			os.Exit(2)
		}
		r, err := read(label, file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "report:", err)
			os.Exit(1)
		}
		runs = append(runs, r)
	}

	base := false // the starts, pages and memory of scripts/bench (BENCH_BASE)
	for _, r := range runs {
		base = base || len(r.starts) > 0
	}
	if base {
		printBase(runs)
	}
	printLoads(runs)
	printMixes(runs)
	printBookings(runs)
}

// printBase gives the start-up times and the memory readings.
func printBase(runs []*run) {
	fmt.Println("| database | cold start: empty database, demo loaded, until /readyz = 200 | warm start: populated database |")
	fmt.Println("| --- | --- | --- |")
	for _, r := range runs {
		fmt.Printf("| %s | %s | %s |\n", r.label, startCell(r.starts["cold"]), startCell(r.starts["warm"]))
	}
	fmt.Println()
	logins := "simultaneous logins"
	for _, r := range runs {
		if m, ok := r.mem["logins"]; ok && m.Count > 0 {
			logins = fmt.Sprintf("%d simultaneous logins", m.Count)
		}
	}
	fmt.Printf("| database | RSS after a warm start | after a cold start (demo loaded) | after the load (one login) | peak so far (VmHWM) | peak after %s |\n", logins)
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, r := range runs {
		rss := func(name string) string {
			m, ok := r.mem[name]
			return mib(m.RSSKiB, ok)
		}
		hwm := func(name string) string {
			m, ok := r.mem[name]
			return mib(m.HWMKiB, ok)
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", r.label, rss("warm-start"), rss("before"), rss("after"), hwm("after"), hwm("logins"))
	}
	fmt.Println()
}

// printLoads gives every HTTP target beside the baseline.
func printLoads(runs []*run) {
	if !slices.ContainsFunc(runs, func(r *run) bool { return r.base != nil || len(r.targets) > 0 }) {
		return
	}
	fmt.Println("| database | target | throughput | ratio to bare net/http | p50 | p99 | max | errors | bytes/answer |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range runs {
		if b := r.base; b != nil {
			fmt.Printf("| %s | bare net/http `ok\\n` (%d runs) | %s req/s (%s–%s) | 1 | %s | %s | %s | %s | %.0f |\n",
				r.label, len(b.rps), thousands(median(b.rps)), thousands(slices.Min(b.rps)), thousands(slices.Max(b.rps)),
				msCell(median(b.p50)), msCell(median(b.p99)), msCell(slices.Max(b.maxs)), errCell(b), b.bytes)
		}
		for _, t := range r.targets {
			ratio := "–"
			if len(t.ratio) > 0 {
				ratio = ratioCell(t.ratio)
			}
			fmt.Printf("| %s | %s | %s req/s | %s | %s | %s | %s | %s | %.0f |\n",
				r.label, t.name, thousands(median(t.rps)), ratio, msCell(median(t.p50)), msCell(median(t.p99)),
				msCell(slices.Max(t.maxs)), errCell(t), t.bytes)
		}
	}
	if len(runs) > 0 {
		fmt.Printf("\nThroughput, ratio, p50 and p99: medians over %d rounds (range in brackets); max: the largest of all rounds.\n", runs[0].rounds)
	}
}

// printMixes tells how the national directory was written and how each
// kind of search of a mix fared.
func printMixes(runs []*run) {
	var data []string
	for _, r := range runs {
		for _, d := range r.data {
			s := fmt.Sprintf("%s %s structures", r.label, thousands(float64(d.Structures)))
			if d.Offers > 0 {
				s += fmt.Sprintf(", %s offers", thousands(float64(d.Offers)))
			}
			if d.Declarations > 0 {
				s += fmt.Sprintf(" and a year of the board (%s declarations, %s open today of which %s stale, %s holds, %s history rows)",
					thousands(float64(d.Declarations)), thousands(float64(d.Live)), thousands(float64(d.Stale)),
					thousands(float64(d.Holds)), thousands(float64(d.History)))
			}
			data = append(data, s+" in "+strconv.FormatFloat(d.Ms/1000, 'f', 1, 64)+" s")
		}
	}
	if len(data) > 0 {
		fmt.Printf("\nNational directory written by `passerelle bench-data` before the search targets: %s.\n", strings.Join(data, "; "))
	}
	header := false
	for _, r := range runs {
		for _, t := range r.targets {
			if len(t.labels) == 0 {
				continue
			}
			if !header {
				fmt.Println("\nPer kind of search in the mixes, commonest first (share of the requests; p50 and p99: medians over the rounds):")
				fmt.Println()
				fmt.Println("| database | target | search | share | p50 | p99 | errors |")
				fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
				header = true
			}
			labels := slices.Clone(t.labels)
			slices.SortStableFunc(labels, func(a, b *labelStats) int { return b.requests - a.requests })
			for _, l := range labels {
				errs := "0"
				if l.errors > 0 {
					errs = fmt.Sprintf("**%d**", l.errors)
				}
				fmt.Printf("| %s | %s | %s | %.0f %% | %s | %s | %s |\n", r.label, t.name, l.label,
					100*float64(l.requests)/float64(max(t.requests, 1)), msCell(median(l.p50)), msCell(median(l.p99)), errs)
			}
		}
	}
}

// bookingPhases gathers the rounds of one bench/booking phase.
type bookingPhases struct {
	name                          string
	base                          bool
	rps, att, ratio, p50, p99, mx []float64
	ok, refused, attempts, errs   int
}

// bookingPhases returns the phases of a run, baseline first, each holds
// round with its ratio to the baselines around it.
func (r *run) bookingPhases() []*bookingPhases {
	var bases []int
	for i, l := range r.booking {
		if l.Baseline {
			bases = append(bases, i)
		}
	}
	var order []*bookingPhases
	byName := map[string]*bookingPhases{}
	for i, l := range r.booking {
		p := byName[l.Name]
		if p == nil {
			p = &bookingPhases{name: l.Name, base: l.Baseline}
			byName[l.Name] = p
			order = append(order, p)
		}
		p.rps = append(p.rps, l.PerSecond)
		p.att = append(p.att, l.Attempted)
		p.p50 = append(p.p50, l.P50ms)
		p.p99 = append(p.p99, l.P99ms)
		p.mx = append(p.mx, l.MaxMs)
		p.ok += l.Successful
		p.refused += l.Refused
		p.attempts += l.Attempts
		p.errs += l.Errors
		if ref := around(r.booking, bases, i); ref > 0 && !l.Baseline {
			p.ratio = append(p.ratio, l.PerSecond/ref)
		}
	}
	slices.SortStableFunc(order, func(a, b *bookingPhases) int {
		switch {
		case a.base == b.base:
			return 0
		case a.base:
			return -1
		}
		return 1
	})
	return order
}

// printBookings gives the holds under contention beside their baseline,
// and the check of the places taken.
func printBookings(runs []*run) {
	header := false
	for _, r := range runs {
		if len(r.booking) == 0 {
			continue
		}
		if !header {
			fmt.Println("\nHolds under contention (bench/booking): successful holds per second, each round against the bare conditional UPDATE")
			fmt.Println("run just before and after it with the same workers and the same pattern; medians over the rounds (range in brackets):")
			fmt.Println()
			fmt.Println("| database | target | successful/s | ratio to bare UPDATE | attempts/s | refused | p50 | p99 | max | errors |")
			fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
			header = true
		}
		for _, p := range r.bookingPhases() {
			ratio, name := "1", fmt.Sprintf("%s (%d runs)", p.name, len(p.rps))
			if !p.base {
				ratio, name = "–", p.name
				if len(p.ratio) > 0 {
					ratio = ratioCell(p.ratio)
				}
			}
			errs := "0"
			if p.errs > 0 {
				errs = fmt.Sprintf("**%d**", p.errs)
			}
			fmt.Printf("| %s | %s | %s /s (%s–%s) | %s | %s /s | %.0f %% | %s | %s | %s | %s |\n", r.label, name,
				thousands(median(p.rps)), thousands(slices.Min(p.rps)), thousands(slices.Max(p.rps)), ratio, thousands(median(p.att)),
				100*float64(p.refused)/float64(max(p.attempts, 1)), msCell(median(p.p50)), msCell(median(p.p99)), msCell(slices.Max(p.mx)), errs)
		}
	}
	if !header {
		return
	}
	fmt.Println()
	for _, r := range runs {
		for _, c := range r.checks {
			verdict := "**check passed**"
			if !c.OK {
				verdict = "**CHECK FAILED: " + c.Problem + "**"
			}
			fmt.Printf("- %s: %s. %s figures, %s places: %s holds succeeded, %s live hold rows, %s \"held\" history rows; "+
				"**%d double bookings**, %d figures whose taken differs from their live holds; audit chain of %s rows %s; "+
				"%s figures whose history repeats a \"taken\" figure.\n", r.label, verdict, thousands(float64(c.Declarations)),
				thousands(float64(c.Places)), thousands(float64(c.Successful)), thousands(float64(c.HoldRows)),
				thousands(float64(c.HeldHistory)), c.DoubleBookings, c.TakenMismatch, thousands(float64(c.AuditRows)),
				map[bool]string{true: "intact", false: "**broken**"}[c.AuditIntact], thousands(float64(c.HistoryTakenRepeats)))
		}
	}
}

func read(label, file string) (*run, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &run{label: label, starts: map[string][]float64{}, mem: map[string]line{}}
	var loads []line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(text, "{") {
			continue
		}
		var l line
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, n, err)
		}
		switch l.Kind {
		case "start":
			r.starts[l.Name] = append(r.starts[l.Name], l.Ms)
		case "load":
			loads = append(loads, l)
		case "memory":
			r.mem[l.Name] = l
		case "dataset":
			r.data = append(r.data, l)
		case "booking":
			r.booking = append(r.booking, l)
		case "booking_check":
			r.checks = append(r.checks, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}

	// Baseline positions, then each target against the baselines around it.
	var bases []int
	for i, l := range loads {
		if l.Baseline {
			bases = append(bases, i)
		}
	}
	byName := map[string]*target{}
	get := func(name string) *target {
		t := byName[name]
		if t == nil {
			t = &target{name: name, statuses: map[string]int{}}
			byName[name] = t
			r.targets = append(r.targets, t)
		}
		return t
	}
	for i, l := range loads {
		var t *target
		if l.Baseline {
			if r.base == nil {
				r.base = &target{name: "baseline", statuses: map[string]int{}}
			}
			t = r.base
		} else {
			t = get(l.Name)
			if ref := around(loads, bases, i); ref > 0 {
				t.ratio = append(t.ratio, l.PerSecond/ref)
			}
		}
		t.rps = append(t.rps, l.PerSecond)
		t.p50 = append(t.p50, l.P50ms)
		t.p99 = append(t.p99, l.P99ms)
		t.maxs = append(t.maxs, l.MaxMs)
		t.requests += l.Requests
		t.errors += l.Errors
		for k, v := range l.Statuses {
			t.statuses[k] += v
		}
		t.bytes = l.Bytes
		t.urls = l.URLs
		for _, ll := range l.Labels {
			s := t.label(ll.Label)
			s.requests += ll.Requests
			s.errors += ll.Errors
			s.p50 = append(s.p50, ll.P50ms)
			s.p99 = append(s.p99, ll.P99ms)
		}
	}
	for _, t := range r.targets {
		r.rounds = max(r.rounds, len(t.rps))
	}
	return r, nil
}

// around is the mean throughput of the last baseline before load i and the
// first one after it (or the one that exists).
func around(loads []line, bases []int, i int) float64 {
	var sum float64
	var n int
	before, after := -1, -1
	for _, b := range bases {
		if b < i {
			before = b
		} else if after < 0 {
			after = b
		}
	}
	for _, b := range []int{before, after} {
		if b >= 0 {
			sum += loads[b].PerSecond
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratioCell is the median ratio with its range: two decimals, three
// below 0.1 so that 0.008× and 0.014× do not both read 0.01×.
func ratioCell(v []float64) string {
	f := "%.2f× (%.2f–%.2f)"
	if slices.Max(v) < 0.1 {
		f = "%.3f× (%.3f–%.3f)"
	}
	return fmt.Sprintf(f, median(v), slices.Min(v), slices.Max(v))
}

// startCell is the median, with the range, of the start-up times.
func startCell(ms []float64) string {
	switch len(ms) {
	case 0:
		return "–"
	case 1:
		return fmt.Sprintf("%s ms (1 run)", thousands(ms[0]))
	}
	return fmt.Sprintf("%s ms (median of %d; %s–%s)", thousands(median(ms)), len(ms), thousands(slices.Min(ms)), thousands(slices.Max(ms)))
}

func mib(kib int, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

func errCell(t *target) string {
	if t.errors == 0 {
		return "0"
	}
	var codes []string
	for k, v := range t.statuses {
		codes = append(codes, fmt.Sprintf("%s×%d", k, v))
	}
	slices.Sort(codes)
	return fmt.Sprintf("**%d** of %d (%s)", t.errors, t.requests, strings.Join(codes, ", "))
}

func msCell(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

// thousands writes 18400.4 as "18,400".
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
