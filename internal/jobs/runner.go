package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Handler does the work of one job. It must be idempotent: a job whose
// server died after the work but before marking it done runs again. Its
// context ends with the job's lease, after which another runner may take it.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Runner claims due jobs and runs them. Any number of runners, in any
// number of servers, may share one database: a job is claimed by one only.
// The settings are read at the first RunOnce or Run.
type Runner struct {
	DB       *db.DB
	Logger   *slog.Logger
	WorkerID string        // names the claimant in locked_by; default host-random
	Poll     time.Duration // between two looks at an empty queue; default 2s
	Lease    time.Duration // how long a claimed job stays locked; default 5m
	Batch    int           // jobs claimed, and run side by side, at once; default 10

	once     sync.Once
	cfg      settings
	mu       sync.Mutex
	handlers map[string]Handler
	every    map[string]time.Duration
}

type settings struct {
	logger   *slog.Logger
	workerID string
	poll     time.Duration
	lease    time.Duration
	batch    int
}

// settings fills the defaults once, without writing the exported fields, so
// that RunOnce may be called from several goroutines.
func (r *Runner) settings() settings {
	r.once.Do(func() {
		c := settings{logger: r.Logger, workerID: r.WorkerID, poll: r.Poll, lease: r.Lease, batch: r.Batch}
		if c.logger == nil {
			c.logger = slog.Default()
		}
		if c.workerID == "" {
			host, _ := os.Hostname()
			c.workerID = host + "-" + db.NewID()
		}
		if c.poll <= 0 {
			c.poll = 2 * time.Second
		}
		if c.lease <= 0 {
			c.lease = 5 * time.Minute
		}
		if c.batch <= 0 {
			c.batch = 10
		}
		r.cfg = c
	})
	return r.cfg
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

// Every schedules a job of kind (payload {}) once per interval across all
// servers: each slot, aligned on UTC, has its own dedup key, so runners
// enqueueing the same slot create one job.
func (r *Runner) Every(kind string, interval time.Duration) {
	if interval <= 0 {
		panic("jobs: Every needs a positive interval")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.every == nil {
		r.every = map[string]time.Duration{}
	}
	r.every[kind] = interval
}

// Run works until ctx ends, then returns ctx's error.
func (r *Runner) Run(ctx context.Context) error {
	cfg := r.settings()
	t := time.NewTicker(cfg.poll)
	defer t.Stop()
	for {
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			cfg.logger.Error("jobs: run", "error", err.Error())
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if n == cfg.batch && err == nil {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// RunOnce enqueues the recurring jobs of the current slot, then claims one
// batch of due jobs and runs them side by side. It returns how many it ran.
func (r *Runner) RunOnce(ctx context.Context) (handled int, err error) {
	cfg := r.settings()
	schedErr := r.schedule(ctx)
	claimed, err := r.claim(ctx, cfg)
	if err != nil {
		return 0, errors.Join(schedErr, fmt.Errorf("claim jobs: %w", err))
	}
	var wg sync.WaitGroup
	for _, j := range claimed {
		wg.Go(func() { r.run(ctx, cfg, j) })
	}
	wg.Wait()
	return len(claimed), schedErr
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
	err := r.DB.Write(ctx, func(tx *db.Tx) error {
		for kind, interval := range every {
			slot := tx.Now.Truncate(interval)
			if err := Enqueue(ctx, tx, Job{Kind: kind, Payload: struct{}{}, RunAt: slot,
				DedupKey: kind + "@" + slot.Format(time.RFC3339)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("schedule recurring jobs: %w", err)
	}
	return nil
}

type claimedJob struct {
	id, kind    string
	payload     string
	attempts    int
	maxAttempts int
}

// claim locks up to a batch of due jobs for this worker in one statement.
// On PostgreSQL, SKIP LOCKED lets runners claim side by side without waiting
// for each other; on SQLite the single writer serialises the claims.
func (r *Runner) claim(ctx context.Context, cfg settings) ([]claimedJob, error) {
	var out []claimedJob
	err := r.DB.Write(ctx, func(tx *db.Tx) error {
		out = out[:0] // a retried transaction starts afresh
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
			WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $3
				AND (locked_until IS NULL OR locked_until < $3) ORDER BY run_at LIMIT $4`+tx.Dialect.SkipLocked()+`)
			RETURNING id, kind, payload, attempts, max_attempts`,
			cfg.workerID, tx.Now.Add(cfg.lease), tx.Now, cfg.batch)
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

// errNoHandler is the last_error of a job whose kind nobody handles.
var errNoHandler = Permanent(errors.New("no handler"))

func (r *Runner) run(ctx context.Context, cfg settings, j claimedJob) {
	r.mu.Lock()
	h := r.handlers[j.kind]
	r.mu.Unlock()
	var err error
	if h == nil {
		err = errNoHandler
	} else {
		// The handler must end within the lease, after which the job is
		// another runner's. Jobs act as the system: the policy knows it,
		// the audit log says it.
		hctx, cancel := context.WithTimeout(access.WithActor(ctx, access.SystemActor), cfg.lease)
		err = r.call(hctx, cfg, j, h)
		cancel()
	}
	// The outcome is recorded even when ctx ended meanwhile (shutdown).
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	switch {
	case err == nil:
		r.done(bctx, cfg, j)
	case ctx.Err() != nil:
		r.release(bctx, cfg, j)
	default:
		r.fail(bctx, cfg, j, err)
	}
}

// call runs h, turning a panic into an error.
func (r *Runner) call(ctx context.Context, cfg settings, j claimedJob, h Handler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			cfg.logger.Error("jobs: handler panicked", "job", j.id, "kind", j.kind,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, json.RawMessage(j.payload))
}

// done marks j done.
func (r *Runner) done(ctx context.Context, cfg settings, j claimedJob) {
	r.record(ctx, cfg, j, "mark done", `done_at = $3, locked_until = NULL, last_error = ''`,
		func(now time.Time) []any { return []any{now} })
}

// release gives j back untouched when this server stops in the middle of it,
// so another server takes it at once and the attempt does not count.
func (r *Runner) release(ctx context.Context, cfg settings, j claimedJob) {
	r.record(ctx, cfg, j, "release", `locked_by = '', locked_until = NULL, attempts = attempts - 1`, nil)
}

// fail schedules a retry with exponential backoff, or gives up after the
// last attempt or on a permanent error.
func (r *Runner) fail(ctx context.Context, cfg settings, j claimedJob, cause error) {
	msg := errorText(cause)
	var perm permanentError
	final := j.attempts >= j.maxAttempts || errors.As(cause, &perm)
	if final {
		if r.record(ctx, cfg, j, "record failure", `failed_at = $3, locked_until = NULL, last_error = $4`,
			func(now time.Time) []any { return []any{now, msg} }) {
			cfg.logger.Error("jobs: failed for good", "job", j.id, "kind", j.kind, "attempts", j.attempts, "error", msg)
		}
		return
	}
	if r.record(ctx, cfg, j, "record failure", `run_at = $3, locked_until = NULL, last_error = $4`,
		func(now time.Time) []any { return []any{now.Add(Backoff(j.attempts)).Truncate(time.Microsecond), msg} }) {
		cfg.logger.Warn("jobs: failed, will retry", "job", j.id, "kind", j.kind, "attempts", j.attempts, "error", msg)
	}
}

// record sets the columns of j (set uses $3… for the values given the
// transaction's time) if this worker still holds it. A job whose lease ran
// out may have been taken by another runner: then nothing changes and
// record reports false.
func (r *Runner) record(ctx context.Context, cfg settings, j claimedJob, what, set string, values func(now time.Time) []any) bool {
	var n int64
	err := r.DB.Write(ctx, func(tx *db.Tx) error {
		args := []any{j.id, cfg.workerID}
		if values != nil {
			args = append(args, values(tx.Now)...)
		}
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+`
			WHERE id = $1 AND locked_by = $2 AND done_at IS NULL AND failed_at IS NULL`, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	switch {
	case err != nil:
		cfg.logger.Error("jobs: "+what, "job", j.id, "kind", j.kind, "error", err.Error())
		return false
	case n == 0:
		cfg.logger.Warn("jobs: lease lost before the job ended; another runner has it",
			"job", j.id, "kind", j.kind, "worker", cfg.workerID)
		return false
	}
	return true
}

// errorText makes an error storable in last_error: valid UTF-8 without NUL
// (PostgreSQL refuses both), at most 2,000 bytes.
func errorText(err error) string {
	s := strings.ToValidUTF8(strings.ReplaceAll(err.Error(), "\x00", ""), "\uFFFD")
	if len(s) > 2000 {
		s = strings.ToValidUTF8(s[:2000], "")
	}
	return s
}

// Backoff is the wait before the retry that follows attempt n (n from 1):
// 30 s doubling, at most an hour, plus up to 10 % jitter so that retries of
// many jobs spread out.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	d = min(d, time.Hour)
	return d + rand.N(d/10+1)
}

// Permanent marks err as one that retrying cannot cure (a malformed
// payload, an invalid address): the job fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }
