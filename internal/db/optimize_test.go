package db_test

import (
	"context"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Optimize runs on both databases; on SQLite it leaves the planner its
// statistics.
func TestOptimize(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.Optimize(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d.Dialect != db.SQLite {
			return
		}
		var n int
		if err := d.SQL().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("no statistics table after optimize: %d %v", n, err)
		}
	})
}
