// Package jobs is the one queue of due work (mail outbox, reminders,
// escalations, expiries). A job is written in the same transaction as the
// change that calls for it, claimed atomically by any server, retried with
// backoff, and must be idempotent.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"passerelle/internal/db"
)

// Job is work to do at RunAt. A non-empty DedupKey makes Enqueue a no-op
// when a job with the same key already exists.
type Job struct {
	Kind     string
	Payload  any
	RunAt    time.Time // zero: now
	DedupKey string
}

// Enqueue adds j inside tx.
func Enqueue(ctx context.Context, tx *db.Tx, j Job) error {
	payload, err := json.Marshal(j.Payload)
	if err != nil {
		return fmt.Errorf("job payload: %w", err)
	}
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = tx.Now
	}
	var dedup any
	if j.DedupKey != "" {
		dedup = j.DedupKey
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO jobs (id, kind, payload, dedup_key, run_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedup_key) DO NOTHING`,
		db.NewID(), j.Kind, string(payload), dedup, runAt.UTC().Truncate(time.Microsecond), tx.Now)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	return nil
}
