package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
)

var bg = context.Background()

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// useClock stops the database's clock at a known time, moved by hand.
func useClock(d *db.DB) *dbtest.Clock {
	return dbtest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)).Use(d)
}

func enqueue(t *testing.T, d *db.DB, n int, kind string) {
	t.Helper()
	err := d.Write(bg, func(tx *db.Tx) error {
		for i := range n {
			if err := jobs.Enqueue(bg, tx, jobs.Job{Kind: kind, Payload: map[string]int{"i": i}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// jobRow is the state of a job as stored.
type jobRow struct {
	attempts    int
	lockedBy    string
	lockedUntil sql.NullTime
	lastError   string
	runAt       time.Time
	done        bool
	failed      bool
}

func row(t *testing.T, d *db.DB, kind string) jobRow {
	t.Helper()
	var j jobRow
	err := d.SQL().QueryRow(`SELECT attempts, locked_by, locked_until, last_error, run_at,
		done_at IS NOT NULL, failed_at IS NOT NULL FROM jobs WHERE kind = $1`, kind).
		Scan(&j.attempts, &j.lockedBy, &j.lockedUntil, &j.lastError, &j.runAt, &j.done, &j.failed)
	if err != nil {
		t.Fatalf("job %s: %v", kind, err)
	}
	return j
}

func mustRunOnce(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunOnce(bg)
	if err != nil || n != want {
		t.Fatalf("RunOnce: ran %d (want %d), %v", n, want, err)
	}
}

// Four runners share 1,000 due jobs: each job runs exactly once.
func TestEachJobRunsOnceAcrossRunners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 1000
		enqueue(t, d, n, "count")
		var counts [n]atomic.Int64
		var total atomic.Int64
		handler := func(_ context.Context, p json.RawMessage) error {
			var v struct{ I int }
			if err := json.Unmarshal(p, &v); err != nil {
				return err
			}
			counts[v.I].Add(1)
			total.Add(1)
			return nil
		}
		start := time.Now()
		var wg sync.WaitGroup
		for w := range 4 {
			r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: fmt.Sprint("w", w), Batch: 25}
			r.Handle("count", handler)
			wg.Go(func() {
				for {
					ran, err := r.RunOnce(bg)
					if err != nil {
						t.Error(err)
						return
					}
					if ran > 0 {
						continue
					}
					// Nothing claimable: stop once nothing is left at all
					// (the others may still hold the last jobs).
					if pending, _, err := jobs.Stats(bg, d); err != nil || pending == 0 {
						return
					}
					time.Sleep(time.Millisecond)
				}
			})
		}
		wg.Wait()
		t.Logf("%d jobs, 4 runners: %v", n, time.Since(start).Round(time.Millisecond))
		if total.Load() != n {
			t.Fatalf("ran %d jobs, want %d", total.Load(), n)
		}
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Errorf("job %d ran %d times", i, c)
			}
		}
		var done, once int
		d.SQL().QueryRow(`SELECT count(*), COALESCE(SUM(CASE WHEN attempts = 1 THEN 1 ELSE 0 END), 0)
			FROM jobs WHERE done_at IS NOT NULL`).Scan(&done, &once)
		if done != n || once != n {
			t.Fatalf("%d jobs marked done, %d after one attempt; want %d", done, once, n)
		}
	})
}

// A worker that died keeps its lease until it expires; then another takes
// the job, and the dead worker's late report changes nothing.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := useClock(d)
		enqueue(t, d, 1, "work")
		started, release := make(chan struct{}), make(chan struct{})
		dead := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "dead", Lease: time.Minute}
		dead.Handle("work", func(context.Context, json.RawMessage) error {
			close(started)
			<-release // hangs, as a server that stopped answering
			return errors.New("too late")
		})
		deadDone := make(chan struct{})
		go func() { defer close(deadDone); dead.RunOnce(bg) }()
		<-started

		var ran atomic.Int64
		alive := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "alive", Lease: time.Minute}
		alive.Handle("work", func(context.Context, json.RawMessage) error { ran.Add(1); return nil })
		c.Add(59 * time.Second)
		mustRunOnce(t, alive, 0) // still leased
		c.Add(2 * time.Second)
		mustRunOnce(t, alive, 1)
		close(release)
		<-deadDone
		j := row(t, d, "work")
		if ran.Load() != 1 || !j.done || j.failed || j.lockedBy != "alive" || j.attempts != 2 || j.lastError != "" {
			t.Fatalf("after takeover: ran %d, %+v", ran.Load(), j)
		}
	})
}

// A failed job is retried after a backoff, and given up after max_attempts.
func TestFailureIsRetriedWithBackoffThenGivenUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := useClock(d)
		enqueue(t, d, 1, "flaky")
		var fails atomic.Int64
		fails.Store(1)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w"}
		r.Handle("flaky", func(context.Context, json.RawMessage) error {
			if fails.Add(-1) >= 0 {
				return errors.New("no luck")
			}
			return nil
		})
		mustRunOnce(t, r, 1)
		j := row(t, d, "flaky")
		wait := j.runAt.Sub(c.Now())
		if j.attempts != 1 || j.lastError != "no luck" || j.done || j.failed || j.lockedUntil.Valid ||
			wait < 30*time.Second || wait > 33*time.Second {
			t.Fatalf("after a failure: %+v (retry in %v)", j, wait)
		}
		mustRunOnce(t, r, 0) // not due yet
		c.Add(wait)
		mustRunOnce(t, r, 1)
		if j := row(t, d, "flaky"); !j.done || j.attempts != 2 || j.lastError != "" {
			t.Fatalf("after the retry: %+v", j)
		}

		// Always failing, here by panicking: failed for good at the 8th attempt.
		enqueue(t, d, 1, "doomed")
		r.Handle("doomed", func(context.Context, json.RawMessage) error { panic("broken") })
		for i := 1; i <= 8; i++ {
			mustRunOnce(t, r, 1)
			if j := row(t, d, "doomed"); j.attempts != i || j.failed != (i == 8) {
				t.Fatalf("attempt %d: %+v", i, j)
			}
			c.Add(2 * time.Hour)
		}
		mustRunOnce(t, r, 0)
		if j := row(t, d, "doomed"); !strings.HasPrefix(j.lastError, "panic: broken") {
			t.Fatalf("last error %q", j.lastError)
		}
		if pending, failed, err := jobs.Stats(bg, d); err != nil || pending != 0 || failed != 1 {
			t.Fatalf("stats: pending %d, failed %d, %v", pending, failed, err)
		}
	})
}

func TestUnknownKindAndPermanentErrorsFailAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		useClock(d)
		enqueue(t, d, 1, "nobody-handles-this")
		enqueue(t, d, 1, "hopeless")
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w"}
		r.Handle("hopeless", func(context.Context, json.RawMessage) error {
			return jobs.Permanent(errors.New("malformed payload"))
		})
		mustRunOnce(t, r, 2)
		if j := row(t, d, "nobody-handles-this"); !j.failed || j.lastError != "no handler" || j.attempts != 1 {
			t.Fatalf("unknown kind: %+v", j)
		}
		if j := row(t, d, "hopeless"); !j.failed || j.lastError != "malformed payload" || j.attempts != 1 {
			t.Fatalf("permanent error: %+v", j)
		}
	})
}

func TestHandlerRunsAsSystemWithinTheLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, 1, "check")
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w", Lease: time.Minute}
		r.Handle("check", func(ctx context.Context, _ json.RawMessage) error {
			if !access.ActorFrom(ctx).System {
				return errors.New("not the system actor")
			}
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > time.Minute {
				return errors.New("no deadline within the lease")
			}
			return nil
		})
		mustRunOnce(t, r, 1)
		if j := row(t, d, "check"); !j.done {
			t.Fatalf("%+v", j)
		}
	})
}

// A server stopping in the middle of a job gives it back at once, and the
// interrupted attempt does not count.
func TestShutdownReleasesTheJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		useClock(d)
		enqueue(t, d, 1, "long")
		ctx, cancel := context.WithCancel(bg)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w"}
		r.Handle("long", func(ctx context.Context, _ json.RawMessage) error {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		})
		if n, _ := r.RunOnce(ctx); n != 1 {
			t.Fatalf("ran %d", n)
		}
		if j := row(t, d, "long"); j.attempts != 0 || j.lockedUntil.Valid || j.done || j.failed {
			t.Fatalf("after shutdown: %+v", j)
		}
		other := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "other"}
		other.Handle("long", func(context.Context, json.RawMessage) error { return nil })
		mustRunOnce(t, other, 1)
	})
}

func TestEveryCreatesOneJobPerSlot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		c := useClock(d)
		c.Add(17 * time.Minute) // 08:17, in the 08:00 slot
		var ran atomic.Int64
		runner := func(id string) *jobs.Runner {
			r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: id}
			r.Handle("purge", func(context.Context, json.RawMessage) error { ran.Add(1); return nil })
			r.Every("purge", time.Hour)
			return r
		}
		// Two servers look at the same slot at the same moment.
		var wg sync.WaitGroup
		for _, id := range []string{"a", "b"} {
			r := runner(id)
			wg.Go(func() {
				if _, err := r.RunOnce(bg); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		runner("c").RunOnce(bg)
		var n int
		var key string
		var runAt time.Time
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'purge'`).Scan(&n)
		d.SQL().QueryRow(`SELECT dedup_key, run_at FROM jobs WHERE kind = 'purge'`).Scan(&key, &runAt)
		if n != 1 || ran.Load() != 1 || key != "purge@2026-11-23T08:00:00Z" || !runAt.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)) {
			t.Fatalf("one slot: %d jobs, ran %d, key %q, run_at %v", n, ran.Load(), key, runAt)
		}
		c.Add(time.Hour)
		runner("a").RunOnce(bg)
		if ran.Load() != 2 {
			t.Fatalf("next slot: ran %d", ran.Load())
		}
	})
}

func TestRunWorksUntilCancelled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, 25, "tick")
		ctx, cancel := context.WithCancel(bg)
		var ran atomic.Int64
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w", Poll: 10 * time.Millisecond}
		r.Handle("tick", func(context.Context, json.RawMessage) error {
			if ran.Add(1) == 25 {
				cancel()
			}
			return nil
		})
		errc := make(chan error, 1)
		go func() { errc <- r.Run(ctx) }()
		select {
		case err := <-errc:
			if !errors.Is(err, context.Canceled) || ran.Load() != 25 {
				t.Fatalf("Run: %v after %d jobs", err, ran.Load())
			}
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatalf("Run ran %d of 25 jobs in 10 s", ran.Load())
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for a := 1; a <= 12; a++ {
		base := min(30*time.Second<<(a-1), time.Hour)
		if b := jobs.Backoff(a); b < base || b > base+base/10 {
			t.Fatalf("attempt %d: %v, want %v plus at most 10 %%", a, b, base)
		}
	}
}
