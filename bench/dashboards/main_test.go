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
// children, requests and alerts: the refresh, then the dashboards of the
// départements drawn and of the nation, without errors, and the table.
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
			kids, err := national.LoadChildren(ctx, d, plan, national.ChildOptions{Children: 400, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			if kids.Requests == 0 || kids.Alerts == 0 {
				t.Fatalf("no requests or alerts: %+v", kids)
			}
			d.Close()
			var out strings.Builder
			stdout = &out
			file := filepath.Join(t.TempDir(), "table.md")
			c := config{dbURL: url, table: file, departements: 3, workers: 2, rounds: 1, seed: 1, refresh: true,
				duration: 150 * time.Millisecond, warmup: 20 * time.Millisecond}
			if err := run(ctx, c); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 9 { // the refresh, 4 first readings (the nation, 3 départements), 3 targets, a closing baseline
				t.Fatalf("%d lines:\n%s", len(lines), out.String())
			}
			scopes := map[string]bool{}
			for i, l := range lines {
				var p Phase
				if err := json.Unmarshal([]byte(l), &p); err != nil || p.Kind != "dashboards" || p.Requests == 0 || p.Errors != 0 {
					t.Errorf("%s: %+v %v", l, p, err)
				}
				if i == 0 && (p.Round != 0 || !strings.Contains(p.Name, "Refresh") || p.Seconds <= 0) {
					t.Errorf("the refresh first: %s", l)
				}
				if i > 0 && i < 5 && (p.Round != 0 || !strings.Contains(p.Name, "first reading") || p.Seconds <= 0 || p.GoalMs == 0) {
					t.Errorf("first reading %d: %s", i, l)
				}
				if i >= 5 && !p.Baseline && (p.Ratio == 0 || p.Rows < 5 || p.GoalMs == 0) {
					t.Errorf("target %s: %+v", p.Name, p)
				}
				scopes[p.Scope] = true
			}
			if !scopes["departement"] || !scopes["national"] {
				t.Errorf("scopes %v", scopes)
			}
			table, err := os.ReadFile(file)
			if err != nil || !strings.Contains(string(table), "indicators.Service.Dashboard: the nation") ||
				!strings.Contains(string(table), "1000 ms: ") {
				t.Errorf("table: %v\n%s", err, table)
			}
		})
	}
}

func TestPickTakesTheLargestAndSmallest(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	if _, err := national.Load(ctx, d, national.Options{Structures: 60, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if _, err := national.LoadChildren(ctx, d, national.NewPlan(60, 5), national.ChildOptions{Children: 300, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	var largest, smallest string
	d.SQL().QueryRow(`SELECT departement FROM children GROUP BY departement ORDER BY count(*) DESC, departement LIMIT 1`).Scan(&largest)
	d.SQL().QueryRow(`SELECT departement FROM children GROUP BY departement ORDER BY count(*), departement DESC LIMIT 1`).Scan(&smallest)
	deps, children, err := pick(ctx, d, 4, 9)
	if err != nil || len(deps) != 4 || deps[0] != largest || deps[1] != smallest || len(children) == 0 {
		t.Fatalf("pick: %v %d children %v (largest %s, smallest %s)", deps, len(children), err, largest, smallest)
	}
	again, _, _ := pick(ctx, d, 4, 9)
	if strings.Join(again, ",") != strings.Join(deps, ",") {
		t.Errorf("drawn again: %v, then %v", deps, again)
	}
}
