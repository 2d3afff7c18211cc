package jobs_test

import (
	"context"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
)

func TestPurgeKeepsRecentAndPendingJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		dbtest.NewClock(now).Use(d)
		ctx := context.Background()
		rows := []struct {
			id           string
			done, failed *time.Time
			wantKept     bool
		}{
			{"pending", nil, nil, true},
			{"done-yesterday", ptr(now.Add(-24 * time.Hour)), nil, true},
			{"done-8-days-ago", ptr(now.Add(-8 * 24 * time.Hour)), nil, false},
			{"failed-8-days-ago", nil, ptr(now.Add(-8 * 24 * time.Hour)), true},
			{"failed-31-days-ago", nil, ptr(now.Add(-31 * 24 * time.Hour)), false},
		}
		for _, r := range rows {
			if _, err := d.SQL().Exec(`INSERT INTO jobs (id, kind, run_at, created_at, done_at, failed_at) VALUES ($1, 'x', $2, $2, $3, $4)`,
				r.id, now.Add(-40*24*time.Hour), r.done, r.failed); err != nil {
				t.Fatal(err)
			}
		}
		n, err := jobs.Purge(ctx, d)
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want 2", n, err)
		}
		for _, r := range rows {
			var c int
			d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE id = $1`, r.id).Scan(&c)
			if (c == 1) != r.wantKept {
				t.Errorf("%s: kept %v, want %v", r.id, c == 1, r.wantKept)
			}
		}
	})
}

func ptr(t time.Time) *time.Time { return &t }
