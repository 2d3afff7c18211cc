package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func enqueue(t *testing.T, d *db.DB, n int, kind string) {
	t.Helper()
	ctx := context.Background()
	err := d.Write(ctx, func(tx *db.Tx) error {
		for i := range n {
			if err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: kind, Payload: map[string]int{"i": i}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Four runners share 1,000 due jobs: each job runs exactly once.
func TestEachJobRunsOnceAcrossRunners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 1000
		enqueue(t, d, n, "count")
		var counts sync.Map
		var total atomic.Int64
		handler := func(_ context.Context, p json.RawMessage) error {
			var v struct{ I int }
			json.Unmarshal(p, &v)
			c, _ := counts.LoadOrStore(v.I, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
			total.Add(1)
			return nil
		}
		var wg sync.WaitGroup
		for w := range 4 {
			r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: fmt.Sprint("w", w), Batch: 25}
			r.Handle("count", handler)
			wg.Go(func() {
				for {
					ran, err := r.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if ran == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		if total.Load() != n {
			t.Fatalf("ran %d jobs, want %d", total.Load(), n)
		}
		counts.Range(func(k, v any) bool {
			if v.(*atomic.Int64).Load() != 1 {
				t.Errorf("job %v ran %d times", k, v.(*atomic.Int64).Load())
			}
			return true
		})
	})
}

// A worker that died keeps its lease until it expires; then another takes the job.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		d.Clock = func() time.Time { return now }
		enqueue(t, d, 1, "work")
		ctx := context.Background()
		dead := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "dead", Lease: time.Minute}
		dead.Handle("work", func(ctx context.Context, _ json.RawMessage) error { panic("the server died here") })
		// Simulate a crash after the claim: claim through a runner whose handler panics,
		// then put the lock back as if the failure had never been recorded.
		dead.RunOnce(ctx)
		d.SQL().Exec(`UPDATE jobs SET locked_by = 'dead', locked_until = $1, run_at = $2`, now.Add(time.Minute), now)
		ran := 0
		other := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "alive"}
		other.Handle("work", func(context.Context, json.RawMessage) error { ran++; return nil })
		if n, _ := other.RunOnce(ctx); n != 0 {
			t.Fatal("a locked job was taken before its lease ended")
		}
		now = now.Add(2 * time.Minute)
		if n, _ := other.RunOnce(ctx); n != 1 || ran != 1 {
			t.Fatalf("after the lease: ran %d", ran)
		}
	})
}

func TestPanicAndUnknownKindAreRecorded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, 1, "boom")
		enqueue(t, d, 1, "nobody-handles-this")
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w"}
		r.Handle("boom", func(context.Context, json.RawMessage) error { return errors.New("no luck") })
		r.RunOnce(context.Background())
		var retry, failed int
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'boom' AND last_error = 'no luck' AND failed_at IS NULL`).Scan(&retry)
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'nobody-handles-this' AND failed_at IS NOT NULL`).Scan(&failed)
		if retry != 1 || failed != 1 {
			t.Fatalf("retry %d failed %d", retry, failed)
		}
	})
}

func TestEveryCreatesOneJobPerSlot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 17, 0, 0, time.UTC)
		d.Clock = func() time.Time { return now }
		var ran atomic.Int64
		for w := range 3 {
			r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: fmt.Sprint(w)}
			r.Handle("purge", func(context.Context, json.RawMessage) error { ran.Add(1); return nil })
			r.Every("purge", time.Hour)
			r.RunOnce(context.Background())
		}
		if ran.Load() != 1 {
			t.Fatalf("the hourly job ran %d times in one slot", ran.Load())
		}
		now = now.Add(time.Hour)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "x"}
		r.Handle("purge", func(context.Context, json.RawMessage) error { ran.Add(1); return nil })
		r.Every("purge", time.Hour)
		r.RunOnce(context.Background())
		if ran.Load() != 2 {
			t.Fatalf("next slot: ran %d", ran.Load())
		}
	})
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	prev := time.Duration(0)
	for a := 1; a <= 12; a++ {
		b := jobs.Backoff(a)
		if b < prev*9/10 || b > time.Hour+6*time.Minute {
			t.Fatalf("attempt %d: %v after %v", a, b, prev)
		}
		prev = b
	}
	if jobs.Backoff(1) < 30*time.Second || jobs.Backoff(1) > 33*time.Second {
		t.Fatalf("first backoff %v", jobs.Backoff(1))
	}
}
