// Command booking measures holds on the capacity board under contention,
// beside a bare conditional UPDATE on the same database, and checks that
// no place was taken twice. scripts/bench runs it on a fresh SQLite file
// and a fresh PostgreSQL schema:
//
//	booking -db URL [-workers 32] [-declarations 500] [-places 2] [-window 4]
//	        [-rounds 3] [-cpuprofile FILE]
//
// The database must be empty: booking migrates it, then writes an ASE
// service with a referent (a real account), and structures with residential
// offers. Each round declares -declarations fresh figures of -places places
// (not timed), then -workers goroutines call capacity.Service.Hold as the
// referent, one place at a time, all aimed at the first -window figures of
// the list that they do not yet know to be full: dozens of requests for the
// same last places, as when a figure everybody waited for appears. A
// refusal (capacity.ErrTaken) tells a worker the figure is full; the round
// ends when every figure is. The baseline runs the same workers and the
// same pattern on a bare table, one conditional UPDATE (taken + 1 <=
// places) per write transaction, through the same db.DB: the floor of any
// write on this database. Baseline and holds alternate, rounds times, and
// a last baseline closes the last round (bench/report takes the ratio of
// each round to the baselines around it).
//
// At the end it checks, for every figure: taken equals the places of its
// live holds and never exceeds its places; the holds that succeeded are as
// many as the places declared, and as many as the hold rows and the "held"
// history rows; the history's "taken" after each hold are all different
// (1, 2… places); and the audit chain is intact.
//
// Output: one JSON line per phase ("kind":"booking") and one for the check
// ("kind":"booking_check") on stdout; one line for people per phase on
// stderr. It exits 1 when the check fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

// Phase is the JSON line of one measured phase.
type Phase struct {
	Kind        string  `json:"kind"` // "booking"
	Name        string  `json:"name"`
	Baseline    bool    `json:"baseline,omitempty"`
	Round       int     `json:"round"`
	Workers     int     `json:"workers"`
	Attempts    int     `json:"attempts"`
	Successful  int     `json:"successful"`
	Refused     int     `json:"refused"`
	Errors      int     `json:"errors"`
	ErrorSample string  `json:"error_sample,omitempty"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"per_second"` // successful per second
	Attempted   float64 `json:"attempts_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
}

// Check is the JSON line of the final check.
type Check struct {
	Kind         string `json:"kind"` // "booking_check"
	Dialect      string `json:"dialect"`
	Declarations int    `json:"declarations"`
	Places       int    `json:"places"`
	Successful   int    `json:"successful"`   // holds the workers saw succeed
	HoldRows     int    `json:"hold_rows"`    // live holds in the database
	HeldHistory  int    `json:"held_history"` // "held" rows of the history
	// DoubleBookings counts figures whose live holds take more places than
	// declared; TakenMismatch those whose taken differs from their live
	// holds' places. Both must be 0.
	DoubleBookings int `json:"double_bookings"`
	TakenMismatch  int `json:"taken_mismatch"`
	// HistoryTakenRepeats counts figures where two "held" history rows say
	// the same taken: the history then misstates the places taken.
	HistoryTakenRepeats int    `json:"history_taken_repeats"`
	AuditRows           int64  `json:"audit_rows"`
	AuditIntact         bool   `json:"audit_intact"`
	BaselineSuccessful  int    `json:"baseline_successful"`
	BaselineOverbooked  int    `json:"baseline_overbooked"`
	OK                  bool   `json:"ok"`
	Problem             string `json:"problem,omitempty"`
}

// Where the JSON lines and the lines for people go (tests discard them).
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

func main() {
	var (
		dbURL        = flag.String("db", "", "URL of an empty database (sqlite:FILE or postgres://…)")
		workers      = flag.Int("workers", 32, "concurrent goroutines")
		declarations = flag.Int("declarations", 500, "figures declared per round")
		places       = flag.Int("places", 2, "places of each figure")
		window       = flag.Int("window", 4, "how many of the first figures not known to be full the workers aim at")
		rounds       = flag.Int("rounds", 3, "rounds of baseline then holds")
		cpuprofile   = flag.String("cpuprofile", "", "write a CPU profile of the holds of the last round to this file")
	)
	flag.Parse()
	if *dbURL == "" || flag.NArg() > 0 || *workers < 1 || *declarations < 1 || *places < 1 || *places > capacity.MaxPlaces ||
		*window < 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "usage: booking -db URL [-workers 32] [-declarations 500] [-places 2] [-window 4] [-rounds 3] [-cpuprofile FILE]")
		os.Exit(2)
	}
	if _, err := run(*dbURL, *workers, *declarations, *places, *window, *rounds, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "booking:", err)
		os.Exit(1)
	}
}

func run(dbURL string, workers, declarations, places, window, rounds int, cpuprofile string) (Check, error) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbURL)
	if err != nil {
		return Check{}, err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return Check{}, fmt.Errorf("migrate: %w", err)
	}
	var orgs int
	if err := d.SQL().QueryRowContext(ctx, `SELECT count(*) FROM organisations`).Scan(&orgs); err != nil {
		return Check{}, err
	}
	if orgs > 0 {
		return Check{}, fmt.Errorf("the database holds %d organisations: booking runs on an empty database only", orgs)
	}
	b, err := setup(ctx, d)
	if err != nil {
		return Check{}, fmt.Errorf("setup: %w", err)
	}
	if _, err := d.SQL().ExecContext(ctx, `CREATE TABLE bench_slots (id TEXT PRIMARY KEY, places INTEGER NOT NULL,
		taken INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return Check{}, err
	}
	holdName := fmt.Sprintf("hold: capacity.Service.Hold, %d workers on the first %d of %d figures of %d places", workers, window, declarations, places)
	baseName := fmt.Sprintf("bare conditional UPDATE, one per write transaction, %d workers, same pattern", workers)
	successful, baseSuccessful := 0, 0
	for round := 1; round <= rounds; round++ {
		p, err := b.baseline(ctx, round, baseName, workers, declarations, places, window)
		if err != nil {
			return Check{}, err
		}
		baseSuccessful += p.Successful
		emit(p)
		ids, err := b.declare(ctx, declarations, places)
		if err != nil {
			return Check{}, fmt.Errorf("declare: %w", err)
		}
		var stop func()
		if cpuprofile != "" && round == rounds {
			if stop, err = profile(cpuprofile); err != nil {
				return Check{}, err
			}
		}
		p = b.holds(round, holdName, ids, workers, window)
		if stop != nil {
			stop()
		}
		successful += p.Successful
		emit(p)
	}
	p, err := b.baseline(ctx, rounds+1, baseName, workers, declarations, places, window)
	if err != nil {
		return Check{}, err
	}
	baseSuccessful += p.Successful
	emit(p)

	c, err := b.check(ctx, successful, baseSuccessful, rounds*declarations, rounds*declarations*places)
	if err != nil {
		return Check{}, fmt.Errorf("check: %w", err)
	}
	line, _ := json.Marshal(c)
	fmt.Fprintln(stdout, string(line))
	fmt.Fprintf(stderr, "check (%s): %d figures, %d places, %d holds succeeded, %d live hold rows, %d double bookings, %d taken mismatches, "+
		"%d figures with repeated history taken, audit %d rows intact=%v: %s\n", c.Dialect, c.Declarations, c.Places, c.Successful,
		c.HoldRows, c.DoubleBookings, c.TakenMismatch, c.HistoryTakenRepeats, c.AuditRows, c.AuditIntact, map[bool]string{true: "OK", false: "FAILED " + c.Problem}[c.OK])
	if !c.OK {
		return c, errors.New("the check failed: " + c.Problem)
	}
	return c, nil
}

func profile(file string) (func(), error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func emit(p Phase) {
	line, _ := json.Marshal(p)
	fmt.Fprintln(stdout, string(line))
	fmt.Fprintf(stderr, "round %d  %-12s %7.0f successful/s  %7.0f attempts/s  p50 %.2f ms  p99 %.2f ms  max %.1f ms  %d ok  %d refused  %d errors  %.2f s\n",
		p.Round, map[bool]string{true: "baseline", false: "holds"}[p.Baseline], p.PerSecond, p.Attempted, p.P50ms, p.P99ms, p.MaxMs,
		p.Successful, p.Refused, p.Errors, p.Seconds)
	if p.ErrorSample != "" {
		fmt.Fprintf(stderr, "         first error: %s\n", p.ErrorSample)
	}
}

// bench is the territory the rounds run on.
type bench struct {
	d        *db.DB
	svc      *capacity.Service
	referent context.Context // the referent's actor
	system   context.Context
	offers   []string
	declared int
}

// setup writes an ASE service of the Loire with its referent, and ten
// MECS with a residential offer each.
func setup(ctx context.Context, d *db.DB) (*bench, error) {
	system := access.WithActor(ctx, access.SystemActor)
	orgs := &org.Service{DB: d, OnWrite: directory.EnsureEntry}
	ase, err := orgs.Create(system, org.Input{Kind: access.OrgASE, Name: "ASE de la Loire (banc d'essai)", CommuneCode: "42218"})
	if err != nil {
		return nil, err
	}
	a := &auth.Service{DB: d, BaseURL: &url.URL{Scheme: "https", Host: "passerelle.test"}}
	acc, err := a.CreateAccount(system, auth.NewAccount{Email: "referente@banc.passerelle.test", Name: "Référente du banc d'essai",
		Password: "Banc-d-essai-des-options-2026", Memberships: []auth.MembershipInput{{OrganisationID: ase.ID, Role: access.RoleASEReferent}}})
	if err != nil {
		return nil, err
	}
	actor, err := a.LoadActor(system, acc.ID)
	if err != nil {
		return nil, err
	}
	dir := &directory.Service{DB: d}
	b := &bench{d: d, svc: &capacity.Service{DB: d}, referent: access.WithActor(ctx, actor), system: system}
	for i := range 10 {
		s, err := dir.Create(system, directory.EntryInput{Name: fmt.Sprintf("MECS n° %d (banc d'essai)", i+1), Type: "mecs",
			CommuneCode: []string{"42218", "42187", "42095"}[i%3]})
		if err != nil {
			return nil, err
		}
		o, err := dir.SaveOffer(system, s.ID, "", directory.OfferInput{Modality: "residential", AgeMin: 6, AgeMax: 18,
			Public: "mixed", PlacesAuthorised: 30, PlacesInstalled: 30, Active: true})
		if err != nil {
			return nil, err
		}
		b.offers = append(b.offers, o.ID)
	}
	return b, nil
}

// declare declares n fresh permanent figures of places places, as the system.
func (b *bench) declare(ctx context.Context, n, places int) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		a, err := b.svc.Declare(b.system, b.offers[b.declared%len(b.offers)], capacity.Declaration{Kind: capacity.KindPermanent, Places: places})
		if err != nil {
			return nil, err
		}
		b.declared++
		ids[i] = a.ID
	}
	return ids, nil
}

// queue is the list of figures the workers aim at: each picks one of the
// first window figures not known to be full.
type queue struct {
	ids    []string
	full   []atomic.Bool
	head   atomic.Int64
	window int
}

func newQueue(ids []string, window int) *queue {
	return &queue{ids: ids, full: make([]atomic.Bool, len(ids)), window: window}
}

// pick returns the index of a figure to try, false when all are full.
func (q *queue) pick(r *rand.Rand) (int, bool) {
	h := int(q.head.Load())
	for h < len(q.ids) && q.full[h].Load() {
		q.head.CompareAndSwap(int64(h), int64(h+1))
		h = int(q.head.Load())
	}
	if h >= len(q.ids) {
		return 0, false
	}
	return min(h+r.IntN(q.window), len(q.ids)-1), true
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0xb00c)) }

// attempt is one try: nil when a place was taken, errRefused when the
// figure was full.
var errRefused = errors.New("refused")

// load runs workers goroutines over q until every figure is full.
func load(ctx context.Context, name string, round, workers int, q *queue, try func(ctx context.Context, id string, n int) error) Phase {
	type tally struct {
		lat                   []time.Duration
		ok, refused, failures int
		sample                string
	}
	tallies := make([]tally, workers)
	var seq atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			t := &tallies[w]
			r := newRand(uint64(round)<<16 | uint64(w))
			for {
				i, ok := q.pick(r)
				if !ok {
					return
				}
				t0 := time.Now()
				err := try(ctx, q.ids[i], int(seq.Add(1)))
				t.lat = append(t.lat, time.Since(t0))
				switch {
				case err == nil:
					t.ok++
				case errors.Is(err, errRefused):
					t.refused++
					q.full[i].Store(true)
				default:
					t.failures++
					if t.sample == "" {
						t.sample = err.Error()
					}
					q.full[i].Store(true) // never loop on a figure that fails
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	p := Phase{Kind: "booking", Name: name, Round: round, Workers: workers, Seconds: elapsed.Seconds()}
	var lat []time.Duration
	for _, t := range tallies {
		lat = append(lat, t.lat...)
		p.Successful += t.ok
		p.Refused += t.refused
		p.Errors += t.failures
		if p.ErrorSample == "" {
			p.ErrorSample = t.sample
		}
	}
	p.Attempts = len(lat)
	p.PerSecond = float64(p.Successful) / elapsed.Seconds()
	p.Attempted = float64(p.Attempts) / elapsed.Seconds()
	if len(lat) > 0 {
		slices.Sort(lat)
		p.P50ms, p.P99ms, p.MaxMs = ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(lat[len(lat)-1])
	}
	return p
}

// holds runs the holds of a round on the figures ids.
func (b *bench) holds(round int, name string, ids []string, workers, window int) Phase {
	return load(b.referent, name, round, workers, newQueue(ids, window), func(ctx context.Context, id string, n int) error {
		_, err := b.svc.Hold(ctx, id, capacity.HoldInput{Places: 1, RequestRef: fmt.Sprintf("BANC-%d-%06d", round, n)})
		if errors.Is(err, capacity.ErrTaken) {
			return errRefused
		}
		return err
	})
}

// baseline runs the same pattern on bench_slots: one conditional UPDATE
// per write transaction.
func (b *bench) baseline(ctx context.Context, round int, name string, workers, n, places, window int) (Phase, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = db.NewID()
	}
	err := b.d.Write(ctx, func(tx *db.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bench_slots (id, places) VALUES ($1, $2)`, id, places); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Phase{}, fmt.Errorf("baseline slots: %w", err)
	}
	p := load(ctx, name, round, workers, newQueue(ids, window), func(ctx context.Context, id string, _ int) error {
		return b.d.Write(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE bench_slots SET taken = taken + 1 WHERE id = $1 AND taken + 1 <= places`, id)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return errRefused
			}
			return nil
		})
	})
	p.Baseline = true
	return p, nil
}

// check verifies the figures, the holds, the history and the audit chain.
func (b *bench) check(ctx context.Context, successful, baseSuccessful, declarations, places int) (Check, error) {
	c := Check{Kind: "booking_check", Dialect: string(b.d.Dialect), Declarations: declarations, Places: places,
		Successful: successful, BaselineSuccessful: baseSuccessful}
	q := func(query string, dest any) error { return b.d.SQL().QueryRowContext(ctx, query).Scan(dest) }
	for _, s := range []struct {
		query string
		dest  *int
	}{
		{`SELECT count(*) FROM capacity_holds WHERE status IN ('held', 'booked')`, &c.HoldRows},
		{`SELECT count(*) FROM capacity_history WHERE event = 'held'`, &c.HeldHistory},
		{`SELECT count(*) FROM availabilities a WHERE (SELECT COALESCE(SUM(h.places), 0) FROM capacity_holds h
			WHERE h.availability_id = a.id AND h.status IN ('held', 'booked')) > a.places`, &c.DoubleBookings},
		{`SELECT count(*) FROM availabilities a WHERE a.taken > a.places OR a.taken <> (SELECT COALESCE(SUM(h.places), 0)
			FROM capacity_holds h WHERE h.availability_id = a.id AND h.status IN ('held', 'booked'))`, &c.TakenMismatch},
		{`SELECT count(*) FROM (SELECT availability_id FROM capacity_history WHERE event = 'held'
			GROUP BY availability_id HAVING count(DISTINCT taken) <> count(*)) r`, &c.HistoryTakenRepeats},
		{`SELECT count(*) FROM bench_slots WHERE taken > places`, &c.BaselineOverbooked},
	} {
		if err := q(s.query, s.dest); err != nil {
			return c, fmt.Errorf("%s: %w", s.query, err)
		}
	}
	var declared, taken, baseTaken int
	if err := q(`SELECT COALESCE(SUM(places), 0) FROM availabilities`, &declared); err != nil {
		return c, err
	}
	if err := q(`SELECT COALESCE(SUM(taken), 0) FROM availabilities`, &taken); err != nil {
		return c, err
	}
	if err := q(`SELECT COALESCE(SUM(taken), 0) FROM bench_slots`, &baseTaken); err != nil {
		return c, err
	}
	rep, err := audit.Verify(ctx, b.d)
	if err != nil {
		return c, err
	}
	c.AuditRows, c.AuditIntact = rep.Rows, rep.Intact
	switch {
	case c.DoubleBookings > 0 || c.TakenMismatch > 0:
		c.Problem = fmt.Sprintf("%d figures booked beyond their places, %d whose taken differs from their holds", c.DoubleBookings, c.TakenMismatch)
	case successful != places || c.HoldRows != places || declared != places || taken != places:
		c.Problem = fmt.Sprintf("%d holds succeeded, %d hold rows, %d places declared, %d taken; %d expected", successful,
			c.HoldRows, declared, taken, places)
	case c.HeldHistory != successful:
		c.Problem = fmt.Sprintf("%d holds succeeded but the history has %d", successful, c.HeldHistory)
	case baseTaken != baseSuccessful || c.BaselineOverbooked > 0:
		c.Problem = fmt.Sprintf("baseline: %d updates succeeded, %d taken, %d slots overbooked", baseSuccessful, baseTaken, c.BaselineOverbooked)
	case !rep.Intact:
		c.Problem = "audit chain broken: " + rep.Problem
	}
	c.OK = c.Problem == ""
	return c, nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
