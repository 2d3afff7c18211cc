package crisis_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export"
)

// The southern mobile team's rota: someone of the demo is on call now;
// the team's member adds a shift (mistakes named by field) and removes
// it; a director of another structure cannot; the territory's view shows
// who is on call now and next for each team; a parent sees nothing; the
// calendar link serves the rota while its owner is in the team.
func TestOnCallRota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sud, nord := e.orgID("Équipe mobile ressource Loire Sud (fictif)"), e.orgID("Équipe mobile ressource Loire Nord (fictif)")
		thomas := e.as("equipe-mobile")

		teams := must(e.s.OnCall(e.as("directeur"), "42"))
		if len(teams) != 2 || teams[0].ID != nord || teams[1].ID != sud {
			t.Fatalf("teams %+v", teams)
		}
		if len(teams[0].Now) != 0 || teams[0].Next != nil || len(teams[1].Now) != 1 || teams[1].Next == nil || teams[1].CanEdit {
			t.Fatalf("on call: %+v", teams)
		}
		_, err := e.s.OnCall(e.as("famille"), "42")
		wantCode(t, "a parent", err, apperr.Forbidden)

		now := time.Now().In(crisis.Paris)
		at := func(days, hour int) string {
			return time.Date(now.Year(), now.Month(), now.Day()+days, hour, 0, 0, 0, crisis.Paris).Format("2006-01-02T15:04")
		}
		_, err = e.s.AddShift(thomas, nord, crisis.ShiftInput{PersonName: "Thomas Roux", Phone: "04 99 41 07 11", StartsAt: at(1, 8), EndsAt: at(1, 20)})
		wantCode(t, "the southern team writes the northern rota", err, apperr.Forbidden)
		_, err = e.s.AddShift(thomas, sud, crisis.ShiftInput{Phone: "12", StartsAt: at(2, 20), EndsAt: at(2, 8), AccountID: e.orgID("MECS Beauregard (fictif)")})
		wantCode(t, "a wrong shift", err, apperr.Invalid, "person_name", "phone", "ends_at", "account_id")
		_, err = e.s.AddShift(thomas, sud, crisis.ShiftInput{PersonName: "X", Phone: "0499410711", StartsAt: "demain", EndsAt: at(40, 8)})
		wantCode(t, "an unreadable start", err, apperr.Invalid, "starts_at")
		_, err = e.s.AddShift(thomas, sud, crisis.ShiftInput{PersonName: "X", Phone: "0499410711", StartsAt: at(1, 8), EndsAt: at(30, 8)})
		wantCode(t, "a month on call", err, apperr.Invalid, "ends_at")
		_, err = e.s.AddShift(thomas, sud, crisis.ShiftInput{PersonName: "X", Phone: "0499410711", StartsAt: at(800, 8), EndsAt: at(800, 20)})
		wantCode(t, "a shift in more than two years", err, apperr.Invalid, "starts_at")
		id := must(e.s.AddShift(thomas, sud, crisis.ShiftInput{PersonName: "Renfort : Inès Cartier", Phone: "+33 4 99 41 07 14",
			StartsAt: at(0, 0), EndsAt: at(1, 0), Territory: "Gier"}))
		_, err = e.s.AddShift(e.as("directeur"), sud, crisis.ShiftInput{PersonName: "X", Phone: "0499410711", StartsAt: at(1, 8), EndsAt: at(1, 20)})
		wantCode(t, "another structure's director", err, apperr.Forbidden)

		tm := must(e.s.TeamOnCallNow(e.as("pilotage"), sud))
		if len(tm.Now) != 2 {
			t.Fatalf("now, with the reinforcement: %+v", tm.Now)
		}
		team, list, err := e.s.Rota(thomas, sud, time.Now())
		if err != nil || !team.CanEdit || !team.CanFeed || len(list) < 40 {
			t.Fatalf("rota: %+v, %d shifts, %v", team, len(list), err)
		}

		// The calendar link.
		token := must(e.s.CreateRotaFeed(thomas, sud))
		_, err = e.s.CreateRotaFeed(e.as("directeur"), sud)
		wantCode(t, "a link for another structure", err, apperr.Forbidden)
		name, events, err := e.s.RotaFeedEvents(bg, token)
		if err != nil || name != "Astreintes — Équipe mobile ressource Loire Sud (fictif)" || len(events) < 40 {
			t.Fatalf("feed %q, %d events, %v", name, len(events), err)
		}
		var buf bytes.Buffer
		if err := export.WriteICal(&buf, name, time.Now(), events); err != nil {
			t.Fatal(err)
		}
		if out := strings.ReplaceAll(buf.String(), "\r\n ", ""); !strings.Contains(out, `SUMMARY:Astreinte : Renfort : Inès Cartier — +33 4 99 41 07 14`) {
			t.Fatalf("the feed lacks the reinforcement:\n%s", out)
		}
		_, _, err = e.s.RotaFeedEvents(bg, "pas-un-vrai-lien-secret-du-tout")
		wantCode(t, "a made-up link", err, apperr.NotFound)
		feeds := must(e.s.RotaFeeds(thomas, sud))
		if len(feeds) != 1 {
			t.Fatalf("feeds %+v", feeds)
		}
		wantCode(t, "revoking another's link", e.s.RevokeRotaFeed(e.as("directeur"), feeds[0].ID), apperr.NotFound)
		// Out of the team, the link stops.
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `UPDATE memberships SET role = 'parent' WHERE organisation_id = $1`, sud)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.s.RotaFeedEvents(bg, token)
		wantCode(t, "the link of someone who left", err, apperr.NotFound)
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `UPDATE memberships SET role = 'mobile_team' WHERE organisation_id = $1`, sud)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.RevokeRotaFeed(thomas, feeds[0].ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.s.RotaFeedEvents(bg, token)
		wantCode(t, "a revoked link", err, apperr.NotFound)

		if err := e.s.DeleteShift(thomas, sud, id); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "deleted twice", e.s.DeleteShift(thomas, sud, id), apperr.NotFound)
		if tm := must(e.s.TeamOnCallNow(e.as("pilotage"), sud)); len(tm.Now) != 1 {
			t.Fatalf("after removing the reinforcement: %+v", tm.Now)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'oncall.%'`); n != 4 {
			t.Fatalf("%d audit lines", n)
		}
	})
}

// Shifts are compared as times on both databases: a shift ending a
// second from now is still on.
func TestOnCallBoundaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sud := e.orgID("Équipe mobile ressource Loire Sud (fictif)")
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `DELETE FROM oncall_shifts`)
			if err == nil {
				_, err = tx.ExecContext(system, `INSERT INTO oncall_shifts (id, team_id, person_name, phone, starts_at, ends_at, created_at, updated_at)
					VALUES ($1, $2, 'A', '0499000000', $3, $4, $3, $3), ($5, $2, 'B', '0499000001', $4, $6, $3, $3)`,
					db.NewID(), sud, tx.Now.Add(-time.Hour), tx.Now.Add(time.Second), db.NewID(), tx.Now.Add(time.Hour))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tm := must(e.s.TeamOnCallNow(e.as("pilotage"), sud))
		if len(tm.Now) != 1 || tm.Now[0].PersonName != "A" || tm.Next == nil || tm.Next.PersonName != "B" {
			t.Fatalf("now %+v next %+v", tm.Now, tm.Next)
		}
		e.clock.Add(time.Second)
		tm = must(e.s.TeamOnCallNow(e.as("pilotage"), sud))
		if len(tm.Now) != 1 || tm.Now[0].PersonName != "B" || tm.Next != nil {
			t.Fatalf("a second later: now %+v next %+v", tm.Now, tm.Next)
		}
	})
}

// The territory's view reads every team's shifts at once: each team keeps
// its own, now and next, and the directory's one-team view agrees.
func TestOnCallTeamsKeepTheirShifts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sud, nord := e.orgID("Équipe mobile ressource Loire Sud (fictif)"), e.orgID("Équipe mobile ressource Loire Nord (fictif)")
		adm := e.as("admin")
		now := time.Now().In(crisis.Paris)
		at := func(hours int) string { return now.Add(time.Duration(hours) * time.Hour).Format("2006-01-02T15:04") }
		must(e.s.AddShift(adm, nord, crisis.ShiftInput{PersonName: "Nord maintenant", Phone: "04 99 41 07 21", StartsAt: at(-1), EndsAt: at(2)}))
		must(e.s.AddShift(adm, nord, crisis.ShiftInput{PersonName: "Nord ensuite", Phone: "04 99 41 07 22", StartsAt: at(3), EndsAt: at(9)}))
		must(e.s.AddShift(adm, nord, crisis.ShiftInput{PersonName: "Nord plus tard", Phone: "04 99 41 07 23", StartsAt: at(10), EndsAt: at(20)}))

		teams := must(e.s.OnCall(e.as("directeur"), "42"))
		if len(teams) != 2 || teams[0].ID != nord || teams[1].ID != sud {
			t.Fatalf("teams %+v", teams)
		}
		n, s := teams[0], teams[1]
		if len(n.Now) != 1 || n.Now[0].PersonName != "Nord maintenant" || n.Next == nil || n.Next.PersonName != "Nord ensuite" {
			t.Fatalf("northern team: now %+v, next %+v", n.Now, n.Next)
		}
		if len(s.Now) != 1 || s.Now[0].TeamID != sud || s.Next == nil || s.Next.TeamID != sud {
			t.Fatalf("southern team: now %+v, next %+v", s.Now, s.Next)
		}
		one := must(e.s.TeamOnCallNow(e.as("pilotage"), nord))
		if len(one.Now) != 1 || one.Now[0].ID != n.Now[0].ID || one.Next == nil || one.Next.ID != n.Next.ID {
			t.Fatalf("one team: now %+v, next %+v", one.Now, one.Next)
		}
	})
}
