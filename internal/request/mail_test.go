package request_test

import (
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"passerelle/internal/config"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
	"passerelle/internal/notify/smtptest"
	"passerelle/internal/request"
)

// A request sent to the DITEP reaches its director by e-mail through the
// outbox and a real SMTP server; the e-mail leaves Passerelle, so it names
// no child.
func TestRequestMailReachesTheDirectorWithoutTheChild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Only what the request queues is in the outbox.
		if err := d.Write(system, func(tx *db.Tx) error { _, err := tx.ExecContext(system, `DELETE FROM jobs`); return err }); err != nil {
			t.Fatal(err)
		}
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		today := time.Now().UTC()
		must(e.s.Create(e.as("referent"), request.Input{Kind: request.KindRespite, ChildID: lucas,
			From: today.AddDate(0, 0, 10).Format(time.DateOnly), To: today.AddDate(0, 0, 12).Format(time.DateOnly),
			Need: "Trois jours de répit pour la MECS avant les vacances.", Recipients: []string{ditep}}, true))
		queued := e.count(`SELECT count(*) FROM jobs WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL`, notify.KindMail)
		if queued == 0 {
			t.Fatal("no e-mail in the outbox")
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
		if n := e.count(`SELECT count(*) FROM jobs WHERE kind = $1 AND done_at IS NULL`, notify.KindMail); n != 0 {
			t.Fatalf("%d e-mails not sent", n)
		}
		msgs := box.Messages()
		if len(msgs) != queued {
			t.Fatalf("%d e-mails queued, %d received", queued, len(msgs))
		}

		const subject = "Passerelle — Nouvelle demande : accueil de répit (1 à 6 jours)"
		toDirector := 0
		for _, msg := range msgs {
			m, err := mail.ReadMessage(strings.NewReader(string(msg.Data)))
			if err != nil {
				t.Fatal(err)
			}
			subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if err != nil {
				t.Fatalf("Subject: %v", err)
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
			for _, name := range []string{"Lucas", "Fontaine"} {
				if strings.Contains(subj, name) || strings.Contains(string(body), name) || strings.Contains(string(msg.Data), name) {
					t.Errorf("the e-mail to %s names the child (%s): %q\n%s", msg.To, name, subj, body)
				}
			}
			if msg.To == "directrice-ditep@demo.passerelle.test" {
				toDirector++
				if subj != subject {
					t.Errorf("the director's e-mail is titled %q", subj)
				}
				if !strings.Contains(string(body), "https://passerelle.exemple.fr/demandes/") {
					t.Errorf("the director's e-mail has no link to the request:\n%s", body)
				}
			}
		}
		if toDirector != 1 {
			t.Fatalf("the DITEP's director received %d e-mails, of %d sent", toDirector, len(msgs))
		}
	})
}
