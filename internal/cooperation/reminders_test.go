package cooperation_test

import (
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/config"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
	"passerelle/internal/notify/smtptest"
)

// An agreement ending in twenty days: the job reminds the DITEP's
// director and the steering who registered it once, by e-mail through a
// real SMTP server, however often it runs and even two at a time; past
// the end, it marks the agreement expired, releases its places, and says
// so once.
func TestRemindersJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		base := &url.URL{Scheme: "https", Host: "passerelle.exemple.fr"}
		in := e.respite(true)
		in.Title, in.SignedOn, in.StartsOn, in.DurationMonths, in.Tacit, in.EndsOn = "Convention qui finit bientôt", e.day(-300), e.day(-300), 0, false, e.day(20)
		id := must(e.s.Create(e.as("pilotage"), in))
		if err := d.Write(system, func(tx *db.Tx) error { _, err := tx.ExecContext(system, `DELETE FROM jobs`); return err }); err != nil {
			t.Fatal(err)
		}
		mine := func(reminder string) int {
			return e.count(`SELECT count(*) FROM agreement_reminders_sent WHERE agreement_id = $1 AND reminder = $2`, id, reminder)
		}
		must(e.s.Reminders(bg, base))
		if mine("end_30") != 1 {
			t.Fatal("the 30-day reminder was not sent")
		}
		if n := must(e.s.Reminders(bg, base)); n != 0 {
			t.Fatalf("the second run sent %d reminders", n)
		}
		mails := e.count(`SELECT count(*) FROM jobs WHERE kind = $1`, notify.KindMail)
		notes := e.count(`SELECT count(*) FROM notifications WHERE link = $1`, "/cooperation/accords/"+id)
		if notes != 2 { // the DITEP's director, the steering who registered it
			t.Fatalf("%d notifications for the agreement", notes)
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
		if got := len(box.Messages()); got != mails {
			t.Fatalf("%d e-mails queued, %d received", mails, got)
		}
		found := map[string]bool{}
		for _, msg := range box.Messages() {
			m, err := mail.ReadMessage(strings.NewReader(string(msg.Data)))
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
			if strings.Contains(string(body), "https://passerelle.exemple.fr/cooperation/accords/"+id) {
				found[msg.To] = strings.HasPrefix(subj, "Passerelle — Accord : fin de période le ")
			}
		}
		if !found["directrice-ditep@demo.passerelle.test"] || !found["pilotage@demo.passerelle.test"] || len(found) != 2 {
			t.Fatalf("the reminders of the agreement went to %v", found)
		}

		// Past the end: two servers run the job at once.
		e.clock.Add(21 * 24 * time.Hour)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.s.Reminders(bg, base); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if mine("expired") != 1 || e.count(`SELECT count(*) FROM notifications WHERE link = $1`, "/cooperation/accords/"+id) != 4 {
			t.Fatal("the expiry was not said exactly once")
		}
		if st := e.id(`SELECT status FROM agreements WHERE id = $1`, id); st != string(cooperation.Expired) {
			t.Fatalf("the agreement is %s", st)
		}
		if rs := e.places.last(t, id); len(rs) != 0 {
			t.Fatalf("the expired agreement keeps %v", rs)
		}
		if e.count(`SELECT count(*) FROM audit_log WHERE resource_id = $1 AND action = 'agreement.status'`, id) != 1 {
			t.Fatal("the status change is not audited once")
		}
	})
}
