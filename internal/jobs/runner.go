package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Handler does the work of one job. It must be idempotent: a job whose
// server died after the work but before marking it done runs again.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Runner claims due jobs and runs them. Any number of runners, in any
// number of servers, may share one database: a job is claimed by one only.
type Runner struct {
	DB       *db.DB
	Logger   *slog.Logger
	WorkerID string
	Poll     time.Duration // between two looks at the queue; default 2s
	Lease    time.Duration // how long a claimed job stays locked; default 5m
	Batch    int           // jobs claimed at once; default 10

	mu       sync.Mutex
	handlers map[string]Handler
	every    map[string]time.Duration
}

// Handle registers the handler of a job kind.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[kind] = h
}

// Every schedules a job of kind once per interval across all servers: each
// slot has a dedup key, so runners enqueueing the same slot create one job.
func (r *Runner) Every(kind string, interval time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.every == nil {
		r.every = map[string]time.Duration{}
	}
	r.every[kind] = interval
}

func (r *Runner) defaults() {
	if r.Poll <= 0 {
		r.Poll = 2 * time.Second
	}
	if r.Lease <= 0 {
		r.Lease = 5 * time.Minute
	}
	if r.Batch <= 0 {
		r.Batch = 10
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.WorkerID == "" {
		r.WorkerID = db.NewID()
	}
}

// Run works until ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	r.defaults()
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.Logger.Error("jobs: run", "error", err.Error())
		}
		if n == r.Batch {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunOnce schedules the recurring jobs of the current slot, then claims and
// runs one batch of due jobs. It returns how many jobs it ran.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	r.defaults()
	if err := r.schedule(ctx); err != nil {
		return 0, err
	}
	claimed, err := r.claim(ctx)
	if err != nil {
		return 0, err
	}
	for _, j := range claimed {
		r.run(ctx, j)
	}
	return len(claimed), nil
}

func (r *Runner) schedule(ctx context.Context) error {
	r.mu.Lock()
	every := make(map[string]time.Duration, len(r.every))
	for k, v := range r.every {
		every[k] = v
	}
	r.mu.Unlock()
	if len(every) == 0 {
		return nil
	}
	return r.DB.Write(ctx, func(tx *db.Tx) error {
		for kind, interval := range every {
			slot := tx.Now.Truncate(interval)
			if err := Enqueue(ctx, tx, Job{Kind: kind, Payload: struct{}{}, RunAt: slot,
				DedupKey: kind + "@" + slot.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		return nil
	})
}

type claimedJob struct {
	id, kind    string
	payload     string
	attempts    int
	maxAttempts int
}

// claim locks up to Batch due jobs for this worker in one statement.
func (r *Runner) claim(ctx context.Context) ([]claimedJob, error) {
	var out []claimedJob
	err := r.DB.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $3
				AND (locked_until IS NULL OR locked_until < $3) ORDER BY run_at LIMIT $4`+tx.Dialect.SkipLocked()+`)
			RETURNING id, kind, payload, attempts, max_attempts`,
			r.WorkerID, tx.Now.Add(r.Lease), tx.Now, r.Batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j claimedJob
			if err := rows.Scan(&j.id, &j.kind, &j.payload, &j.attempts, &j.maxAttempts); err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

func (r *Runner) run(ctx context.Context, j claimedJob) {
	r.mu.Lock()
	h := r.handlers[j.kind]
	r.mu.Unlock()
	var err error
	if h == nil {
		err = fmt.Errorf("no handler for job kind %q", j.kind)
		j.attempts = j.maxAttempts // retrying cannot help
	} else {
		// Jobs act as the system: the policy knows it, the audit log says it.
		err = safeCall(access.WithActor(ctx, access.SystemActor), h, json.RawMessage(j.payload))
	}
	if err == nil {
		err = r.DB.Write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET done_at = $1, locked_until = NULL, last_error = ''
				WHERE id = $2 AND locked_by = $3`, tx.Now, j.id, r.WorkerID)
			return err
		})
		if err != nil {
			r.Logger.Error("jobs: mark done", "job", j.id, "kind", j.kind, "error", err.Error())
		}
		return
	}
	r.fail(ctx, j, err)
}

// fail schedules a retry with exponential backoff, or gives up.
func (r *Runner) fail(ctx context.Context, j claimedJob, cause error) {
	msg := cause.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	final := j.attempts >= j.maxAttempts
	err := r.DB.Write(ctx, func(tx *db.Tx) error {
		if final {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET failed_at = $1, locked_until = NULL, last_error = $2
				WHERE id = $3 AND locked_by = $4`, tx.Now, msg, j.id, r.WorkerID)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET run_at = $1, locked_until = NULL, last_error = $2
			WHERE id = $3 AND locked_by = $4`, tx.Now.Add(Backoff(j.attempts)), msg, j.id, r.WorkerID)
		return err
	})
	if err != nil {
		r.Logger.Error("jobs: record failure", "job", j.id, "error", err.Error())
	}
	level := r.Logger.Warn
	if final {
		level = r.Logger.Error
	}
	level("jobs: failed", "job", j.id, "kind", j.kind, "attempt", j.attempts, "final", final, "error", msg)
}

// Backoff is the wait before retry n (n from 1): 30 s doubling, at most an
// hour, with up to 10 % jitter so that retries from many jobs spread out.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

func safeCall(ctx context.Context, h Handler, payload json.RawMessage) (err error) {
	defer func() {
		if p := recover(); p != nil {
			stack := string(debug.Stack())
			if i := strings.Index(stack, "\n"); i > 0 {
				stack = stack[:min(len(stack), 1500)]
			}
			err = fmt.Errorf("panic: %v\n%s", p, stack)
		}
	}()
	return h(ctx, payload)
}
