package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo/national"
)

// bench-data writes beside the demo territory, on both databases, says
// what it wrote, directory and board, and refuses a database with real
// organisations.
func TestBenchData(t *testing.T) {
	want := national.NewPlan(150, 3).Summarize()
	b := want.Board
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, dialect)}
			if code, _, errs := runCmd(env, "demo", "reset"); code != 0 {
				t.Fatalf("demo reset: %s", errs)
			}
			d, err := db.Open(context.Background(), env["PASSERELLE_DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			count := func(q string) int {
				t.Helper()
				var n int
				if err := d.SQL().QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			demoFigures := count(`SELECT count(*) FROM availabilities`)
			demoHolds := count(`SELECT count(*) FROM capacity_holds`)
			demoHistory := count(`SELECT count(*) FROM capacity_history`)

			code, out, errs := runCmd(env, "bench-data", "--structures", "150", "--seed", "3")
			if code != 0 || !strings.Contains(out, "150 structures dans 101 départements") || !strings.Contains(out, "graine 3") {
				t.Fatalf("bench-data: %d %q %q", code, out, errs)
			}
			for _, s := range []string{
				thousands(b.Declarations) + " déclarations, dont " + thousands(b.Live) + " ouvertes aujourd'hui (" + thousands(b.Stale) + " périmées)",
				thousands(b.Holds) + " options et réservations (" + thousands(b.LiveHolds) + " en cours) de 101 services de l'ASE, " +
					thousands(b.History) + " lignes d'historique sur 12 mois",
			} {
				if !strings.Contains(out, s) {
					t.Errorf("the output does not say %q:\n%s", s, out)
				}
			}
			for q, n := range map[string]int{
				`SELECT count(*) FROM availabilities`:                                          demoFigures + b.Declarations,
				`SELECT count(*) FROM capacity_holds`:                                          demoHolds + b.Holds,
				`SELECT count(*) FROM capacity_history`:                                        demoHistory + b.History,
				`SELECT count(*) FROM organisations WHERE kind = 'ase' AND email LIKE 'ase-%'`: 101,
				`SELECT count(*) FROM availabilities a WHERE a.taken > a.places OR a.taken <> (SELECT COALESCE(SUM(h.places), 0)
					FROM capacity_holds h WHERE h.availability_id = a.id AND h.status IN ('held', 'booked'))`: 0,
			} {
				if got := count(q); got != n {
					t.Errorf("%s: %d, want %d", q, got, n)
				}
			}
		})
	}

	// --json: one line for scripts/bench, without the progress.
	env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, db.SQLite)}
	code, out, errs := runCmd(env, "bench-data", "--structures", "40", "--seed", "2", "--json")
	var line map[string]any
	if err := json.Unmarshal([]byte(out), &line); code != 0 || err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("bench-data --json: %d %q %q %v", code, out, errs, err)
	}
	js := national.NewPlan(40, 2).Summarize()
	for k, v := range map[string]any{"kind": "dataset", "structures": 40.0, "offers": float64(js.Offers),
		"declarations": float64(js.Board.Declarations), "history": float64(js.Board.History), "seed": 2.0} {
		if line[k] != v {
			t.Errorf("--json %s: %v, want %v", k, line[k], v)
		}
	}
	for _, args := range [][]string{{"bench-data"}, {"bench-data", "--structures", "0"}, {"bench-data", "--structures", "x"}, {"bench-data", "--structures", "10", "en trop"}} {
		if code, _, errs := runCmd(env, args...); code != 1 || !strings.Contains(errs, "usage: passerelle bench-data") {
			t.Errorf("%v: %d %q", args, code, errs)
		}
	}

	real := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, db.SQLite), "PASSERELLE_DEMO": "off",
		"stdin": "une phrase de passe solide\n"}
	if code, _, errs := runCmd(real, "admin", "create", "--email", "dsi@loire.example", "--name", "Camille Dupont"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs = runCmd(real, "bench-data", "--structures", "10")
	if code != 1 || !strings.Contains(errs, "organisation(s) réelle(s)") || out != "" {
		t.Fatalf("bench-data on real data: %d %q %q", code, out, errs)
	}
}
