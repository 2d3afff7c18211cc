package request_test

import (
	"strings"
	"testing"
	"time"

	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/notify"
	"passerelle/internal/request"
)

// The DITEP's director chose the daily summary: a new request reaches her
// in the application, not by an e-mail of its own; its escalation is
// e-mailed at once; at 17:00 (Paris) the summary lists the day's
// notifications, once.
func TestDailySummaryButEscalationsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		paris, _ := time.LoadLocation("Europe/Paris")
		e.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, paris))
		dir := e.as("directrice-ditep")
		a := &auth.Service{DB: d}
		me := e.id(`SELECT id FROM accounts WHERE email = 'directrice-ditep@demo.passerelle.test'`)
		if err := a.SetMailDigest(dir, me, true); err != nil {
			t.Fatal(err)
		}
		mails := func() int {
			return e.count(`SELECT count(*) FROM jobs WHERE kind = $1 AND payload LIKE '%directrice-ditep@%'`, notify.KindMail)
		}
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		must(e.s.Create(e.as("referent"), request.Input{Kind: request.KindMobileTeam, ChildID: lucas, Need: "Un regard sur les nuits.",
			Recipients: []string{ditep}}, true))
		if n := e.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'request.received'`, me); n != 1 || mails() != 0 {
			t.Fatalf("new request: %d notifications, %d e-mails", n, mails())
		}
		e.clock.Add(49 * time.Hour) // 3 December, 10:00: past the deadline
		must(e.s.Timing(system))
		if mails() != 1 {
			t.Fatalf("the escalation was not e-mailed at once: %d", mails())
		}
		e.clock.Set(time.Date(2026, 12, 3, 16, 0, 0, 0, paris))
		if n := must(notify.Digest(system, d, nil)); n != 0 {
			t.Fatalf("a summary before 17:00: %d", n)
		}
		e.clock.Set(time.Date(2026, 12, 3, 17, 30, 0, 0, paris))
		if n := must(notify.Digest(system, d, nil)); n != 1 {
			t.Fatalf("summaries at 17:30: %d", n)
		}
		var payload string
		if err := d.Read(system, func(tx *db.Tx) error {
			return tx.QueryRowContext(system, `SELECT payload FROM jobs WHERE kind = $1 AND payload LIKE '%résumé du jour%'`, notify.KindMail).Scan(&payload)
		}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(payload, "Demande sans réponse") || strings.Contains(payload, "Lucas") {
			t.Fatalf("the summary: %s", payload)
		}
		if n := must(notify.Digest(system, d, nil)); n != 0 {
			t.Fatalf("a second summary the same day: %d", n)
		}
	})
}
