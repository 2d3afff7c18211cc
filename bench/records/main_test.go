package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo/national"
)

// A short run on each database, on a small national directory with its
// children, reads records and lists without errors and writes the table.
func TestRun(t *testing.T) {
	stderr = io.Discard
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := dbtest.URL(t, dialect)
			d, err := db.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			plan := national.NewPlan(60, 5)
			if _, err := national.Load(ctx, d, national.Options{Structures: 60, Seed: 5}); err != nil {
				t.Fatal(err)
			}
			// Enough children for a busy record (1 %).
			if _, err := national.LoadChildren(ctx, d, plan, national.ChildOptions{Children: 600, Seed: 5}); err != nil {
				t.Fatal(err)
			}
			d.Close()
			var out strings.Builder
			stdout = &out
			file := filepath.Join(t.TempDir(), "table.md")
			c := config{dbURL: url, table: file, referents: 3, workers: 2, rounds: 1,
				duration: 150 * time.Millisecond, warmup: 20 * time.Millisecond}
			if err := run(ctx, c); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 5 { // 4 targets, a closing baseline
				t.Fatalf("%d lines:\n%s", len(lines), out.String())
			}
			for _, l := range lines {
				var p Phase
				if err := json.Unmarshal([]byte(l), &p); err != nil || p.Kind != "records" || p.Requests == 0 || p.Errors != 0 ||
					(!p.Baseline && p.Ratio == 0) {
					t.Errorf("%s: %+v %v", l, p, err)
				}
				if strings.Contains(p.Name, "List") && (p.Rows < 1 || p.Rows > 40) {
					t.Errorf("a referent's list shows %.1f children, want 1 to 40", p.Rows)
				}
				if strings.Contains(p.Name, "busiest") && p.Rows < 100 {
					t.Errorf("the busiest records show %.1f events", p.Rows)
				}
			}
			table, err := os.ReadFile(file)
			if err != nil || !strings.Contains(string(table), "pathway.Service.Get") {
				t.Errorf("table: %v\n%s", err, table)
			}
		})
	}
}
