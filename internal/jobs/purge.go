package jobs

import (
	"context"
	"time"

	"passerelle/internal/db"
)

// Retention of finished jobs: their payloads may hold personal data (a
// mail's text, a reset link), so done jobs go after a week and failed ones,
// kept longer for investigation, after a month.
const (
	KeepDone   = 7 * 24 * time.Hour
	KeepFailed = 30 * 24 * time.Hour
)

// Purge deletes finished jobs older than the retention periods and returns
// how many it deleted.
func Purge(ctx context.Context, d *db.DB) (int64, error) {
	var n int64
	err := d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE (done_at IS NOT NULL AND done_at < $1)
			OR (failed_at IS NOT NULL AND failed_at < $2)`, tx.Now.Add(-KeepDone), tx.Now.Add(-KeepFailed))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
