package jobs

import (
	"context"

	"passerelle/internal/db"
)

// Stats counts jobs still to run and jobs that failed for good, for metrics.
func Stats(ctx context.Context, d *db.DB) (pending, failed int, err error) {
	err = d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM jobs`).Scan(&pending, &failed)
	})
	return pending, failed, err
}
