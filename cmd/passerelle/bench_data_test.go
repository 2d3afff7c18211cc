package main

import (
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// bench-data writes beside the demo territory, says what it wrote, and
// refuses a database with real organisations.
func TestBenchData(t *testing.T) {
	env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, db.SQLite)}
	if code, _, errs := runCmd(env, "demo", "reset"); code != 0 {
		t.Fatalf("demo reset: %s", errs)
	}
	code, out, errs := runCmd(env, "bench-data", "--structures", "150", "--seed", "3")
	if code != 0 || !strings.Contains(out, "150 structures dans 101 départements") || !strings.Contains(out, "graine 3") {
		t.Fatalf("bench-data: %d %q %q", code, out, errs)
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
