package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo/national"
	"passerelle/internal/pathway"
)

// bench-data writes beside the demo territory, on both databases, says
// what it wrote, directory and board, and refuses a database with real
// organisations.
func TestBenchData(t *testing.T) {
	plan := national.NewPlan(150, 3)
	want := plan.Summarize()
	b := want.Board
	kids := national.NewChildPlan(plan, 300, 3).Summarize()
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

			// The demo territory's alerts, sent before bench-data.
			ctx := access.WithActor(context.Background(), access.SystemActor)
			if _, err := (&pathway.Service{DB: d}).Alerts(ctx); err != nil {
				t.Fatal(err)
			}
			demoChildren := count(`SELECT count(*) FROM children`)
			demoAccounts := count(`SELECT count(*) FROM accounts`)
			childTables := map[string]int{"child_relatives": kids.Relatives, "child_measures": kids.Measures,
				"child_notifications": kids.Notifications, "child_circle": kids.Circle, "child_circle_staff": kids.CircleStaff,
				"child_events": kids.Events + kids.Alerts, "child_events WHERE kind = 'alert'": kids.Alerts,
				"requests": kids.Requests, "request_recipients": kids.Recipients, "request_events": kids.RequestEvents,
				"request_recipients WHERE status = 'refused' AND reason <> ''": kids.Refusals,
				// renewals, and staff named in a circle who work in the member structure
				"child_measures WHERE renews_id IS NOT NULL": kids.Renewals,
				"child_circle_staff s JOIN memberships m ON m.account_id = s.account_id JOIN child_circle k ON k.id = s.member_id AND k.organisation_id = m.organisation_id": kids.CircleStaff}
			before := map[string]int{}
			for table := range childTables {
				before[table] = count(`SELECT count(*) FROM ` + table)
			}

			code, out, errs := runCmd(env, "bench-data", "--structures", "150", "--seed", "3", "--children", "300")
			if code != 0 || !strings.Contains(out, "150 structures dans 101 départements") || !strings.Contains(out, "graine 3") {
				t.Fatalf("bench-data: %d %q %q", code, out, errs)
			}
			for _, s := range []string{
				thousands(b.Declarations) + " déclarations, dont " + thousands(b.Live) + " ouvertes aujourd'hui (" + thousands(b.Stale) + " périmées)",
				thousands(b.Holds) + " options et réservations (" + thousands(b.LiveHolds) + " en cours) de 101 services de l'ASE, " +
					thousands(b.History) + " lignes d'historique sur 12 mois",
				"300 dossiers d'enfants (" + thousands(kids.Busy) + " avec 5 ans d'historique) suivis par " + thousands(kids.Referents) + " référents ASE",
				thousands(kids.Measures) + " mesures (" + thousands(kids.Renewals) + " renouvellements)",
				thousands(kids.Requests) + " demandes entre structures sur 12 mois (" + thousands(kids.Recipients) + " destinataires, " +
					thousands(kids.Refusals) + " refus, " + thousands(kids.Late) + " réponses en retard ou absentes",
				thousands(kids.Alerts) + " alertes de rupture",
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
				`SELECT count(*) FROM children`:                                                demoChildren + 300,
				`SELECT count(DISTINCT pseudonym) FROM children`:                               demoChildren + 300,
				`SELECT count(*) FROM accounts`:                                                demoAccounts + kids.Referents + kids.Staff,
				`SELECT count(*) FROM accounts a JOIN memberships m ON m.account_id = a.id
					WHERE m.role = 'ase_referent' AND a.email LIKE 'referent-%'`: kids.Referents,
				`SELECT count(*) FROM children c WHERE c.referent_id IS NULL OR c.search_name = '' OR c.pseudonym NOT LIKE 'E-____-____'
					OR NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = c.referent_id AND m.organisation_id = c.ase_id
					AND m.role = 'ase_referent')`: 0,
				`SELECT count(*) FROM (SELECT referent_id FROM children GROUP BY referent_id HAVING count(*) > 40) x`: 0,
				`SELECT count(*) FROM availabilities a WHERE a.taken > a.places OR a.taken <> (SELECT COALESCE(SUM(h.places), 0)
					FROM capacity_holds h WHERE h.availability_id = a.id AND h.status IN ('held', 'booked'))`: 0,
			} {
				if got := count(q); got != n {
					t.Errorf("%s: %d, want %d", q, got, n)
				}
			}
			for table, n := range childTables {
				if got := count(`SELECT count(*) FROM ` + table); got != before[table]+n {
					t.Errorf("%s: %d rows, want %d + %d", table, got, before[table], n)
				}
			}
			// The alerts due are marked sent: a first server has none to send.
			if sent, err := (&pathway.Service{DB: d}).Alerts(ctx); err != nil || sent != 0 {
				t.Errorf("alerts after bench-data: %d sent, %v", sent, err)
			}
			// The requests read as internal/request reads them: about
			// children of the sender's département, sent to structures of
			// that département, ended when nobody is left to answer (the
			// generated ones: sent by the generated ASE services).
			const generated = ` JOIN children c ON c.id = r.child_id JOIN organisations s ON s.id = r.sender_org_id AND s.email LIKE 'ase-%' `
			const open = `SELECT 1 FROM request_recipients rr WHERE rr.request_id = r.id AND rr.status IN ('sent', 'seen', 'info_requested', 'accepted')`
			for q, n := range map[string]int{
				`SELECT count(*) FROM requests r` + generated: kids.Requests,
				`SELECT count(*) FROM requests r` + generated + `WHERE r.departement <> c.departement OR r.sent_at IS NULL OR r.sent_at > r.ended_at`: 0,
				`SELECT count(*) FROM request_recipients rr JOIN requests r ON r.id = rr.request_id` + generated +
					`JOIN organisations o ON o.id = rr.structure_id WHERE o.departement <> r.departement OR rr.deadline_at IS NULL`: 0,
				`SELECT count(*) FROM requests r` + generated + `WHERE r.status IN ('ended', 'confirmed', 'withdrawn') AND EXISTS (` + open + `)`: 0,
				`SELECT count(*) FROM requests r` + generated + `WHERE r.status = 'open' AND NOT EXISTS (` + open + `)`:                           0,
			} {
				if got := count(q); got != n {
					t.Errorf("%s: %d, want %d", q, got, n)
				}
			}
			if kids.Requests < 60 || kids.Alerts < 30 || kids.Refusals == 0 || kids.Late == 0 {
				t.Errorf("requests and alerts of the plan: %+v", kids)
			}
			if kids.Busy == 0 || kids.Events < 300*8 {
				t.Errorf("children of the plan: %+v", kids)
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
	jk := national.NewChildPlan(national.NewPlan(40, 2), 40*national.ChildrenPerReferent, 2).Summarize()
	for k, v := range map[string]any{"kind": "dataset", "structures": 40.0, "offers": float64(js.Offers),
		"declarations": float64(js.Board.Declarations), "history": float64(js.Board.History), "seed": 2.0,
		"requests": float64(jk.Requests), "request_recipients": float64(jk.Recipients), "request_events": float64(jk.RequestEvents),
		"alerts": float64(jk.Alerts)} {
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
