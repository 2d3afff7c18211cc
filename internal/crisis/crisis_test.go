package crisis_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
)

type env struct {
	t     *testing.T
	d     *db.DB
	s     *crisis.Service
	clock *dbtest.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Now().UTC().Truncate(time.Minute)).Use(d)
	if _, _, err := demo.Load(bg, d); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, s: &crisis.Service{DB: d, BaseURL: &url.URL{Scheme: "https", Host: "passerelle.exemple.fr"}}, clock: c}
}

// as is the context of a demo account.
func (e *env) as(mailbox string) context.Context {
	e.t.Helper()
	a := &auth.Service{DB: e.d}
	id, err := a.AccountIDByEmail(system, mailbox+"@demo.passerelle.test")
	if err != nil {
		e.t.Fatal(err)
	}
	actor, err := a.LoadActor(system, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return access.WithActor(bg, actor)
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) orgID(name string) string {
	e.t.Helper()
	var id string
	if err := e.d.Read(system, func(tx *db.Tx) error {
		return tx.QueryRowContext(system, `SELECT id FROM organisations WHERE name = $1`, name).Scan(&id)
	}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func wantCode(t *testing.T, what string, err error, code apperr.Code, fields ...string) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	e, _ := apperr.As(err)
	for _, f := range fields {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("%s: no message for %s (%v)", what, f, e.Fields)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A heatwave in the Loire from activation to its report: one crisis at a
// time; the cell (an account and a named ARS officer) keeps notes that
// only it reads and decisions the territory reads; structures report,
// the silent ones turn late and are reminded once per period; the
// steering ends it, and the report prints the timeline and the statuses.
func TestCrisisFromActivationToReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil, ref, dir, edu, fam := e.as("pilotage"), e.as("referent"), e.as("directeur"), e.as("educateur"), e.as("famille")
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		heat := crisis.Activation{Departement: "42", Kind: crisis.KindHeatwave, Description: "Canicule : vigilance rouge jusqu'à vendredi."}

		_, err := e.s.Activate(dir, heat)
		wantCode(t, "a director activates", err, apperr.Forbidden)
		_, err = e.s.Activate(pil, crisis.Activation{Departement: "42", Kind: "storm", Start: "demain"})
		wantCode(t, "bad input", err, apperr.Invalid, "kind", "description", "start")
		future := heat
		future.Start = time.Now().Add(3 * time.Hour).In(crisis.Paris).Format("2006-01-02T15:04")
		_, err = e.s.Activate(pil, future)
		wantCode(t, "a start in the future", err, apperr.Invalid, "start")
		_, err = e.s.Activate(pil, crisis.Activation{Departement: "69", Kind: crisis.KindFlood, Description: "Crue du Rhône."})
		wantCode(t, "another département's crisis", err, apperr.Forbidden)

		c := must(e.s.Activate(pil, heat))
		if !c.StartedAt.Equal(e.clock.Now().UTC()) || c.ReportEvery != 24 {
			t.Fatalf("activated: %+v", c)
		}
		_, err = e.s.Activate(pil, heat)
		wantCode(t, "a second active crisis", err, apperr.Conflict)
		cur, ok, err := e.s.Current(bg, "42")
		if err != nil || !ok || cur.ID != c.ID {
			t.Fatalf("current: %v %v %v", cur, ok, err)
		}

		// Who sees it: the territory's professionals, not a parent nor the platform's admin.
		for _, who := range []context.Context{edu, dir, ref} {
			if _, err := e.s.Get(who, c.ID); err != nil {
				t.Fatalf("a professional of 42: %v", err)
			}
		}
		for _, who := range []context.Context{fam, e.as("admin")} {
			_, err := e.s.Get(who, c.ID)
			wantCode(t, "outside the territory", err, apperr.NotFound)
		}

		// The cell.
		_, err = e.s.AddMember(ref, c.ID, crisis.MemberInput{Email: "referent@demo.passerelle.test"})
		wantCode(t, "the referent adds herself", err, apperr.Forbidden)
		m := must(e.s.AddMember(pil, c.ID, crisis.MemberInput{Email: "Referent@demo.passerelle.test", Function: "Référente ASE"}))
		if m.Name != "Sophie Duret" || !strings.Contains(m.Organisation, "Direction enfance famille") || m.AccountID == "" {
			t.Fatalf("member from the account: %+v", m)
		}
		_, err = e.s.AddMember(pil, c.ID, crisis.MemberInput{Email: "referent@demo.passerelle.test"})
		wantCode(t, "twice", err, apperr.Conflict)
		_, err = e.s.AddMember(pil, c.ID, crisis.MemberInput{Email: "personne@demo.passerelle.test"})
		wantCode(t, "no such account", err, apperr.Invalid, "email")
		_, err = e.s.AddMember(pil, c.ID, crisis.MemberInput{Function: "Astreinte"})
		wantCode(t, "nobody named", err, apperr.Invalid, "name", "organisation")
		_, err = e.s.AddMember(pil, c.ID, crisis.MemberInput{Name: "Paul Girard", Organisation: "ARS", Phone: "abc"})
		wantCode(t, "a phone nobody can call", err, apperr.Invalid, "phone")
		ars := must(e.s.AddMember(pil, c.ID, crisis.MemberInput{Name: "Paul Girard", Organisation: "ARS — DD42", Function: "Inspecteur", Phone: "04 99 00 20 10"}))
		if got := must(e.s.Members(edu, c.ID)); len(got) != 2 {
			t.Fatalf("the cell as the territory reads it: %+v", got)
		}

		// The log: notes for the cell, decisions for all.
		_, err = e.s.AddEntry(dir, c.ID, crisis.EntryInput{Kind: crisis.EntryDecision, Body: "Fermer les activités extérieures."})
		wantCode(t, "a director outside the cell decides", err, apperr.Forbidden)
		_, err = e.s.AddEntry(ref, c.ID, crisis.EntryInput{Kind: crisis.EntryNote, Body: " "})
		wantCode(t, "an empty note", err, apperr.Invalid, "body")
		must(e.s.AddEntry(ref, c.ID, crisis.EntryInput{Kind: crisis.EntryNote, Body: "Réunion : la MECS Beauregard manque de ventilateurs."}))
		must(e.s.AddEntry(pil, c.ID, crisis.EntryInput{Kind: crisis.EntryDecision, Body: "Sorties suspendues de 11 h à 18 h."}))
		if got := must(e.s.Log(ref, c.ID)); len(got) != 2 {
			t.Fatalf("the cell reads %d entries", len(got))
		}
		if got := must(e.s.Log(edu, c.ID)); len(got) != 1 || got[0].Kind != crisis.EntryDecision {
			t.Fatalf("the territory reads %+v", got)
		}

		// Status reports.
		_, err = e.s.FileStatus(edu, c.ID, crisis.StatusInput{StructureID: mecs, State: crisis.StateOpen})
		wantCode(t, "the DITEP's educator for the MECS", err, apperr.Forbidden)
		_, err = e.s.FileStatus(fam, c.ID, crisis.StatusInput{StructureID: mecs, State: crisis.StateOpen})
		wantCode(t, "a parent", err, apperr.NotFound)
		_, err = e.s.FileStatus(dir, c.ID, crisis.StatusInput{StructureID: mecs, State: "burning", StaffAbsent: -1})
		wantCode(t, "bad report", err, apperr.Invalid, "state", "staff_absent")
		must(e.s.FileStatus(dir, c.ID, crisis.StatusInput{StructureID: mecs, State: crisis.StateReduced, StaffAbsent: 3,
			ChildrenAffected: 2, Needs: "Des ventilateurs."}))
		mine := must(e.s.MyStructures(edu, c.ID))
		if len(mine) != 1 || mine[0].StructureID != ditep || mine[0].Latest != nil {
			t.Fatalf("the educator reports for %+v", mine)
		}
		_, err = e.s.Board(dir, c.ID, false)
		wantCode(t, "a director reads the board", err, apperr.Forbidden)

		e.clock.Add(12 * time.Hour)
		must(e.s.FileStatus(edu, c.ID, crisis.StatusInput{StructureID: ditep, State: crisis.StateOpen}))
		e.clock.Add(13 * time.Hour) // 25 h: the MECS reported 25 h ago, the DITEP 13 h ago
		b := must(e.s.Board(ref, c.ID, false))
		structures := e.count(`SELECT count(*) FROM organisations WHERE kind = 'structure' AND departement = '42' AND active`)
		if len(b.Lines) != structures || b.Late != structures-1 {
			t.Fatalf("board: %d lines, %d late, want %d and %d", len(b.Lines), b.Late, structures, structures-1)
		}
		late := must(e.s.Board(ref, c.ID, true))
		if len(late.Lines) != structures-1 || slices.ContainsFunc(late.Lines, func(l crisis.Line) bool { return l.StructureID == ditep }) {
			t.Fatal("the late filter keeps the DITEP")
		}
		for _, l := range late.Lines {
			if l.StructureID == mecs && (l.Latest == nil || l.Latest.State != crisis.StateReduced || l.Reports != 1) {
				t.Fatalf("the MECS's line: %+v", l)
			}
		}

		// Reminders: once per period, to directors and educators.
		n := must(e.s.StatusReminders(bg))
		if n != structures-1 || must(e.s.StatusReminders(bg)) != 0 {
			t.Fatalf("reminders: %d then again", n)
		}
		notes := `SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE a.email = $1 AND n.kind = 'crisis.status_reminder'`
		if e.count(notes, "directeur@demo.passerelle.test") != 1 || e.count(notes, "educateur@demo.passerelle.test") != 0 {
			t.Fatal("the MECS's director is reminded once, the DITEP (on time) not")
		}
		// The e-mail reaches a real SMTP server, with the link to the form.
		mailed := false
		for _, msg := range sendOutbox(t, d) {
			if _, body := readMail(t, msg.Data); msg.To == "directeur@demo.passerelle.test" && strings.Contains(body, "/crises/"+c.ID+"/etat") {
				mailed = true
			}
		}
		if !mailed {
			t.Fatal("no reminder e-mail to the MECS's director")
		}
		e.clock.Add(24 * time.Hour)
		if n := must(e.s.StatusReminders(bg)); n != structures {
			t.Fatalf("next period: %d reminded", n)
		}

		// Cadence.
		wantCode(t, "an educator sets the cadence", e.s.SetCadence(edu, c.ID, 12), apperr.Forbidden)
		wantCode(t, "no cadence", e.s.SetCadence(ref, c.ID, 0), apperr.Invalid, "report_every_hours")
		if err := e.s.SetCadence(ref, c.ID, 12); err != nil {
			t.Fatal(err)
		}

		// The end and the report.
		wantCode(t, "the cell ends", e.s.End(ref, c.ID, crisis.Ending{Note: "Fin."}), apperr.Forbidden)
		wantCode(t, "no closing note", e.s.End(pil, c.ID, crisis.Ending{End: "2001-01-01T00:00"}), apperr.Invalid, "note", "end")
		if err := e.s.End(pil, c.ID, crisis.Ending{Note: "Fin de la vigilance rouge. Retour d'expérience le 15."}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "ended twice", e.s.End(pil, c.ID, crisis.Ending{Note: "Encore."}), apperr.Conflict)
		_, err = e.s.FileStatus(dir, c.ID, crisis.StatusInput{StructureID: mecs, State: crisis.StateOpen})
		wantCode(t, "a report after the end", err, apperr.Conflict)
		wantCode(t, "a member removed after the end", e.s.RemoveMember(pil, c.ID, ars.ID), apperr.Conflict)
		if _, ok, _ := e.s.Current(bg, "42"); ok {
			t.Fatal("still current")
		}

		_, err = e.s.PrintReport(edu, c.ID)
		wantCode(t, "an educator prints the report", err, apperr.Forbidden)
		r := must(e.s.PrintReport(ref, c.ID))
		var kinds []string
		for _, ev := range r.Timeline() {
			kinds = append(kinds, ev.Kind)
		}
		if !slices.Equal(kinds, []string{"activation", "note", "decision", "end"}) {
			t.Fatalf("timeline: %v", kinds)
		}
		if len(r.Decisions()) != 1 || len(r.Members) != 2 || len(r.Statuses) != 2 || r.Statuses[0].StructureName != "DITEP Le Gier (fictif)" ||
			len(r.Silent) != structures-2 {
			t.Fatalf("report: %+v", r)
		}
		if e.count(`SELECT count(*) FROM audit_log WHERE action = 'crisis.report.print' AND resource_id = $1`, c.ID) != 1 {
			t.Fatal("the print is not audited")
		}

		// A new crisis may start once the first is over; the list shows both.
		must(e.s.Activate(pil, crisis.Activation{Departement: "42", Kind: crisis.KindCyber, Description: "Rançongiciel au CD."}))
		if got := must(e.s.List(edu)); len(got) < 2 || !got[0].Active() {
			t.Fatalf("list: %+v", got)
		}
		if got := must(e.s.List(fam)); len(got) != 0 {
			t.Fatalf("a parent lists %+v", got)
		}
	})
}
