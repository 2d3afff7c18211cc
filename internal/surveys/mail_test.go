package surveys_test

import (
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/config"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
	"passerelle/internal/notify/smtptest"
	"passerelle/internal/surveys"
)

// Three days, then one day before the deadline, the directors of the
// structures that have not submitted are reminded, once per step even with
// several runners; the e-mail goes through a real SMTP server.
func TestRemindersBeforeTheDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steer := e.as("pilotage")
		sv := must(e.s.CreateSurvey(steer, surveys.SurveyInput{Template: surveys.TemplateCrisisFlash}))
		mecs := e.id(`SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		roseraie := e.id(`SELECT id FROM organisations WHERE name = 'MECS La Roseraie (fictif)'`)
		deadline := e.clock.Now().Add(5 * 24 * time.Hour)
		cid := must(e.s.Launch(steer, sv, surveys.LaunchInput{Deadline: deadline.Format(time.RFC3339),
			Targeting: surveys.Targeting{Explicit: true, StructureIDs: []string{mecs, ditep, roseraie}}}))
		if n := must(e.s.Remind(system)); n != 0 {
			t.Fatalf("%d reminders five days before", n)
		}
		// The MECS submits; the DITEP keeps a draft; La Roseraie (no director) says nothing.
		qs := must(e.s.GetAnswer(e.as("directeur"), cid, "")).Survey.Questions()
		if err := e.s.SubmitAnswer(e.as("directeur"), cid, "", surveys.Values{qs[0].ID: {"Ouverte"}, qs[2].ID: {"1"}, qs[3].ID: {"0"},
			qs[4].ID: {"Rien pour l'instant"}}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SaveAnswer(e.as("directrice-ditep"), cid, "", surveys.Values{qs[2].ID: {"1"}}); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(system, func(tx *db.Tx) error { _, err := tx.ExecContext(system, `DELETE FROM jobs`); return err }); err != nil {
			t.Fatal(err)
		}

		e.clock.Add(2*24*time.Hour + time.Hour) // 2 days 23 hours before
		// Several runners at once: each structure is reminded once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.s.Remind(system)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 2 {
			t.Fatalf("%d structures reminded, want the DITEP and La Roseraie", total)
		}
		if n := must(e.s.Remind(system)); n != 0 {
			t.Fatalf("reminded again: %d", n)
		}
		if n := e.count(`SELECT count(*) FROM survey_reminders_sent WHERE campaign_id = $1 AND step = 3`, cid); n != 2 {
			t.Fatalf("%d reminders recorded", n)
		}
		if n := e.count(`SELECT count(*) FROM notifications WHERE kind = 'survey.reminder'`); n != 1 {
			t.Fatalf("%d reminder notifications, want the DITEP's director only", n)
		}

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
		msgs := box.Messages()
		if len(msgs) != 1 || msgs[0].To != "directrice-ditep@demo.passerelle.test" {
			t.Fatalf("%d e-mails: %+v", len(msgs), msgs)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].Data)))
		if err != nil {
			t.Fatal(err)
		}
		subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		var body []byte
		if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body, err = io.ReadAll(quotedprintable.NewReader(m.Body))
		} else {
			body, err = io.ReadAll(m.Body)
		}
		if err != nil {
			t.Fatal(err)
		}
		if subj != "Passerelle — Rappel : enquête à renvoyer dans 3 jours" ||
			!strings.Contains(string(body), "https://passerelle.exemple.fr/campagnes/"+cid+"/reponse") ||
			!strings.Contains(string(body), "Point de situation flash") {
			t.Fatalf("%q\n%s", subj, body)
		}

		// One day before: the second step, once.
		e.clock.Add(2 * 24 * time.Hour)
		if n := must(e.s.Remind(system)); n != 2 {
			t.Fatalf("%d structures reminded the day before", n)
		}
		if n := must(e.s.Remind(system)); n != 0 {
			t.Fatalf("reminded again the day before: %d", n)
		}
		// After the deadline, or once closed, nothing more.
		e.clock.Add(2 * 24 * time.Hour)
		if n := must(e.s.Remind(system)); n != 0 {
			t.Fatalf("%d reminders after the deadline", n)
		}
	})
}
