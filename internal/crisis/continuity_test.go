package crisis_test

import (
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/config"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
	"passerelle/internal/notify/smtptest"
)

// startCrisis activates a crisis in the Loire directly (the activation
// itself is tested with the crisis core) and returns its id.
func startCrisis(t *testing.T, d *db.DB) string {
	t.Helper()
	id := db.NewID()
	if err := d.Write(system, func(tx *db.Tx) error {
		_, err := tx.ExecContext(system, `INSERT INTO crises (id, departement, kind, description, started_at, created_at)
			VALUES ($1, '42', 'heatwave', 'Canicule (test)', $2, $2)`, id, tx.Now.Add(-time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

var planInput = crisis.PlanInput{MinimumStaffing: "Deux éducateurs par groupe.", Priorities: "Soins, repas, sécurité.",
	EmergencyContacts: "Direction : 04 99 11 01 01.", ChildrenAtRisk: 3, ChildrenProcedure: "La cheffe de service appelle chaque famille."}

// The MECS's director writes its plan; mistakes are named by field and
// a document must be a PDF; its staff and the steering read it, another
// structure's director neither reads nor writes it; the territory's list
// counts the plans missing or older than a year, and only the steering
// reads it.
func TestContinuityPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mecs, relais := e.orgID("MECS Beauregard (fictif)"), e.orgID("Relais parental La Parenthèse (fictif)")
		dir := e.as("directeur")

		err := e.s.SavePlan(dir, mecs, crisis.PlanInput{ChildrenAtRisk: 2, Document: &attach.File{Name: "plan.docx", Data: []byte("PK\x03\x04")}})
		wantCode(t, "an empty plan", err, apperr.Invalid, "minimum_staffing", "priorities", "emergency_contacts", "children_procedure", "document")
		in := planInput
		in.Document = &attach.File{Name: "pca.pdf", Data: []byte("%PDF-1.4 plan")}
		if err := e.s.SavePlan(dir, mecs, in); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "another director", e.s.SavePlan(e.as("directrice-ditep"), mecs, planInput), apperr.Forbidden)
		wantCode(t, "an educator", e.s.SavePlan(e.as("educatrice-mecs"), mecs, planInput), apperr.Forbidden)

		today := time.Now().In(crisis.Paris).Format(time.DateOnly)
		for _, who := range []string{"directeur", "educatrice-mecs", "pilotage"} {
			p, err := e.s.Plan(e.as(who), mecs)
			if err != nil {
				t.Fatalf("%s: %v", who, err)
			}
			if !p.Exists || p.ReviewedOn != today || p.State != crisis.PlanCurrent || p.DocumentName != "pca.pdf" ||
				p.ChildrenAtRisk != 3 || p.CanEdit != (who == "directeur") {
				t.Fatalf("%s reads %+v", who, p)
			}
		}
		_, err = e.s.Plan(e.as("directrice-ditep"), mecs)
		wantCode(t, "another structure's director", err, apperr.Forbidden)
		f := must(e.s.PlanDocument(e.as("educatrice-mecs"), mecs))
		if f.Type != "application/pdf" || string(f.Data) != "%PDF-1.4 plan" {
			t.Fatalf("document %+v", f)
		}
		// Saved again without a document, the plan keeps it; removed on demand.
		if err := e.s.SavePlan(dir, mecs, planInput); err != nil {
			t.Fatal(err)
		}
		if p := must(e.s.Plan(dir, mecs)); p.DocumentName != "pca.pdf" {
			t.Fatalf("the document is gone: %+v", p)
		}
		in = planInput
		in.RemoveDocument = true
		if err := e.s.SavePlan(dir, mecs, in); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.PlanDocument(dir, mecs)
		wantCode(t, "a removed document", err, apperr.NotFound)

		// "Reviewed today": a plan that was old becomes current.
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `UPDATE continuity_plans SET reviewed_on = '2020-01-01' WHERE structure_id = $1`, mecs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if p := must(e.s.Plan(dir, mecs)); p.State != crisis.PlanOld {
			t.Fatalf("a plan of 2020: %s", p.State)
		}
		if err := e.s.MarkReviewed(dir, mecs); err != nil {
			t.Fatal(err)
		}
		if p := must(e.s.Plan(dir, mecs)); p.State != crisis.PlanCurrent || p.ReviewedOn != today {
			t.Fatalf("after the review: %+v", p)
		}
		wantCode(t, "reviewing a plan nobody wrote", e.s.MarkReviewed(e.as("admin"), relais), apperr.Conflict)
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('continuity_plan.update', 'continuity_plan.review') AND resource_id = $1`, mecs); n != 4 {
			t.Fatalf("%d audit lines", n)
		}

		// The territory's list: the demo leaves three structures without a
		// plan and one with a plan of more than a year.
		lines, c, err := e.s.Plans(e.as("pilotage"), "42", crisis.PlanFilter{State: "late"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Missing != 3 || c.Old != 1 || c.Structures < 20 || len(lines) != 4 {
			t.Fatalf("counts %+v, %d lines", c, len(lines))
		}
		lines, c, err = e.s.Plans(e.as("pilotage"), "42", crisis.PlanFilter{Type: "ime"})
		if err != nil || c.Structures != 2 || c.Old != 1 || len(lines) != 2 {
			t.Fatalf("the IMEs: %+v %v %v", c, lines, err)
		}
		_, _, err = e.s.Plans(e.as("pilotage"), "42", crisis.PlanFilter{State: "perdu"})
		wantCode(t, "an unknown state", err, apperr.Invalid, "state")
		_, _, err = e.s.Plans(e.as("directeur"), "42", crisis.PlanFilter{})
		wantCode(t, "a director lists the territory", err, apperr.Forbidden)
	})
}

// The review reminders: eleven months after the last review the director
// is told, once; a month later, again once, as the plan is overdue; a
// structure without a plan during a crisis is told once per crisis. The
// mails go through the outbox to a real SMTP server.
func TestPlanReviewReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		if err := d.Write(system, func(tx *db.Tx) error {
			// Only the DITEP and the MECS have directors among the demo accounts.
			today := tx.Now.In(crisis.Paris)
			if _, err := tx.ExecContext(system, `UPDATE continuity_plans SET reviewed_on = $1`, today.AddDate(0, -2, 0).Format(time.DateOnly)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(system, `UPDATE continuity_plans SET reviewed_on = $1 WHERE structure_id = $2`,
				today.AddDate(0, -crisis.PlanDueMonths, 0).Format(time.DateOnly), ditep); err != nil {
				return err
			}
			_, err := tx.ExecContext(system, `DELETE FROM continuity_plans WHERE structure_id = $1`, mecs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(system, func(tx *db.Tx) error { _, err := tx.ExecContext(system, `DELETE FROM jobs`); return err }); err != nil {
			t.Fatal(err)
		}
		if n := must(e.s.PlanReviews(system)); n != 1 {
			t.Fatalf("first run: %d reminders, want the DITEP's", n)
		}
		if n := must(e.s.PlanReviews(system)); n != 0 {
			t.Fatalf("second run: %d reminders", n)
		}
		e.clock.Add(31 * 24 * time.Hour)
		startCrisis(t, d)
		// Now the DITEP's plan is overdue; the structures without a plan
		// (the MECS and the three of the demo) are told of the crisis.
		if n := must(e.s.PlanReviews(system)); n != 5 {
			t.Fatalf("during the crisis: %d reminders", n)
		}
		if n := must(e.s.PlanReviews(system)); n != 0 {
			t.Fatalf("again: %d reminders", n)
		}
		if n := e.count(`SELECT count(*) FROM notifications WHERE kind = 'crisis.plan_review'`); n != 3 {
			t.Fatalf("%d notifications, want 3 (two to the DITEP's director, one to the MECS's)", n)
		}

		subjects := map[string][]string{}
		for _, msg := range sendOutbox(t, d) {
			m, body := readMail(t, msg.Data)
			subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			subjects[msg.To] = append(subjects[msg.To], subj)
			if !strings.Contains(body, "https://passerelle.exemple.fr/crise/plans/") {
				t.Errorf("no link in %q:\n%s", subj, body)
			}
		}
		want := map[string]string{
			"directrice-ditep@demo.passerelle.test": "Passerelle — Plan de continuité de plus d'un an|Passerelle — Plan de continuité à revoir",
			"directeur@demo.passerelle.test":        "Passerelle — Crise en cours : plan de continuité manquant",
		}
		for to, w := range want {
			slices.Sort(subjects[to])
			if got := strings.Join(subjects[to], "|"); got != w {
				t.Errorf("%s received %q, want %q", to, got, w)
			}
		}
	})
}

// sendOutbox sends the queued e-mails to a real SMTP server and returns
// what it received.
func sendOutbox(t *testing.T, d *db.DB) []smtptest.Message {
	t.Helper()
	box := smtptest.Start(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := &jobs.Runner{DB: d, Logger: quiet, WorkerID: "w1"}
	r.Handle(notify.KindMail, (&notify.Sender{SMTP: config.SMTP{Addr: box.Addr, TLS: "none",
		From: "Passerelle <ne-pas-repondre@passerelle.test>"}, Logger: quiet}).Handler())
	for {
		n, err := r.RunOnce(bg)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	return box.Messages()
}

// readMail parses a received message and decodes its body.
func readMail(t *testing.T, data []byte) (*mail.Message, string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		body, err = io.ReadAll(quotedprintable.NewReader(m.Body))
	} else {
		body, err = io.ReadAll(m.Body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m, string(body)
}
