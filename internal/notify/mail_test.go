package notify_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
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
)

var bg = context.Background()

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// plainSender sends to box without TLS, as to a local relay.
func plainSender(box *smtptest.Server) *notify.Sender {
	return &notify.Sender{SMTP: config.SMTP{Addr: box.Addr, TLS: "none",
		From: "Passerelle <ne-pas-repondre@passerelle.test>"}, Logger: quiet()}
}

func enqueueMail(t *testing.T, d *db.DB, m notify.Mail) {
	t.Helper()
	if err := d.Write(bg, func(tx *db.Tx) error { return notify.EnqueueMail(bg, tx, m) }); err != nil {
		t.Fatal(err)
	}
}

// parse reads a received message and checks the headers every mail has.
func parse(t *testing.T, r smtptest.Message) *mail.Message {
	t.Helper()
	for _, line := range strings.Split(string(r.Data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@passerelle.test>") {
		t.Errorf("Message-ID %q", id)
	}
	if m.Header.Get("MIME-Version") != "1.0" {
		t.Errorf("MIME-Version %q", m.Header.Get("MIME-Version"))
	}
	return m
}

func decodedHeader(t *testing.T, m *mail.Message, name string) string {
	t.Helper()
	v, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get(name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func readQP(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const resetText = "Bonjour Léa,\n\nPour choisir un nouveau mot de passe, suivez ce lien dans l'heure qui vient : " +
	"https://passerelle.test/mot-de-passe/reinitialiser/0123456789abcdef0123456789abcdef\n\n" +
	".\nÀ bientôt sur Passerelle, l'équipe d'accueil « Évry-Courcouronnes »."

func TestMailGoesThroughTheOutboxToSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := smtptest.Start(t)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w1"}
		r.Handle(notify.KindMail, plainSender(box).Handler())
		enqueueMail(t, d, notify.Mail{To: "Léa Martin <lea.martin@example.test>",
			Subject: "Réinitialisation de votre mot de passe", Text: resetText})
		if n, err := r.RunOnce(bg); err != nil || n != 1 {
			t.Fatalf("RunOnce: %d %v", n, err)
		}
		msgs := box.Messages()
		if len(msgs) != 1 || msgs[0].To != "lea.martin@example.test" || msgs[0].From != "ne-pas-repondre@passerelle.test" {
			t.Fatalf("received %+v", msgs)
		}
		m := parse(t, msgs[0])
		if s := decodedHeader(t, m, "Subject"); s != "Réinitialisation de votre mot de passe" {
			t.Fatalf("subject %q", s)
		}
		if to := decodedHeader(t, m, "To"); to != `"Léa Martin" <lea.martin@example.test>` && to != "Léa Martin <lea.martin@example.test>" {
			t.Fatalf("To %q", to)
		}
		if ct, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type")); ct != "text/plain" || params["charset"] != "utf-8" ||
			m.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Fatalf("Content-Type %q", m.Header.Get("Content-Type"))
		}
		// The message goes over the wire in ASCII; decoded, the text is intact.
		for _, c := range msgs[0].Data {
			if c >= 0x80 {
				t.Fatal("8-bit byte in the message")
			}
		}
		// (SMTP ends the data with a line break.)
		if body := strings.TrimSuffix(readQP(t, m.Body), "\r\n"); body != strings.ReplaceAll(resetText, "\n", "\r\n") {
			t.Fatalf("body %q", body)
		}
		var done int
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`).Scan(&done)
		if done != 1 {
			t.Fatal("job not marked done")
		}
	})
}

func TestHTMLMailIsMultipartAlternative(t *testing.T) {
	box := smtptest.Start(t)
	html := `<p>Bonjour Léa, <a href="https://passerelle.test/x">ouvrir la demande</a>.</p>`
	if err := plainSender(box).Send(bg, notify.Mail{To: "lea@example.test", Subject: "Demande acceptée",
		Text: "Bonjour Léa, ouvrir la demande : https://passerelle.test/x", HTML: html}); err != nil {
		t.Fatal(err)
	}
	m := parse(t, box.Messages()[0])
	ct, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/alternative" {
		t.Fatalf("Content-Type %q", m.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	var parts []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Fatalf("part %v", p.Header)
		}
		parts = append(parts, p.Header.Get("Content-Type")+" | "+readQP(t, p))
	}
	want := []string{"text/plain; charset=utf-8 | Bonjour Léa, ouvrir la demande : https://passerelle.test/x",
		"text/html; charset=utf-8 | " + html}
	if len(parts) != 2 || parts[0] != want[0] || parts[1] != want[1] {
		t.Fatalf("parts %q", parts)
	}
}

func TestLongSubjectIsFolded(t *testing.T) {
	box := smtptest.Start(t)
	subject := strings.Repeat("Rappel : l'échéance de la mesure d'accompagnement approche ", 4)
	if err := plainSender(box).Send(bg, notify.Mail{To: "a@example.test", Subject: subject, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := decodedHeader(t, parse(t, box.Messages()[0]), "Subject"); got != subject {
		t.Fatalf("subject %q", got)
	}
}

func TestRefusedMailIsRetriedThenGivenUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := smtptest.Start(t)
		box.Refuse("occupe@example.test")
		c := useClock(d)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w1"}
		r.Handle(notify.KindMail, plainSender(box).Handler())
		enqueueMail(t, d, notify.Mail{To: "occupe@example.test", Subject: "Essai", Text: "x"})
		r.RunOnce(bg)
		j := jobRow(t, d)
		if j.attempts != 1 || !strings.Contains(j.lastError, "450") || !j.runAt.After(c.Now()) || j.failed || j.done {
			t.Fatalf("after a refusal: %+v", j)
		}
		if n, _ := r.RunOnce(bg); n != 0 {
			t.Fatal("ran a job before its retry time")
		}
		// The mailbox accepts now; the retry succeeds once due.
		box.Refuse("")
		c.Add(2 * time.Minute)
		if n, _ := r.RunOnce(bg); n != 1 || len(box.Messages()) != 1 {
			t.Fatalf("retry: ran %d, received %d", n, len(box.Messages()))
		}
		if j := jobRow(t, d); !j.done || j.attempts != 2 || j.lastError != "" {
			t.Fatalf("after the retry: %+v", j)
		}

		// A mailbox that always refuses: failed for good after max_attempts.
		d.SQL().Exec(`DELETE FROM jobs`)
		box.Refuse("jamais@example.test")
		enqueueMail(t, d, notify.Mail{To: "jamais@example.test", Subject: "Essai", Text: "x"})
		for range 8 {
			if n, _ := r.RunOnce(bg); n != 1 {
				t.Fatal("the retry did not run")
			}
			c.Add(2 * time.Hour)
		}
		if j := jobRow(t, d); !j.failed || j.attempts != 8 || !strings.Contains(j.lastError, "450") {
			t.Fatalf("after 8 refusals: %+v", j)
		}
		if pending, failed, err := jobs.Stats(bg, d); err != nil || pending != 0 || failed != 1 {
			t.Fatalf("stats: %d %d %v", pending, failed, err)
		}
	})
}

// A mail that can never go (bad address) fails at once instead of 8 times.
func TestInvalidQueuedMailFailsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := smtptest.Start(t)
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w1"}
		r.Handle(notify.KindMail, plainSender(box).Handler())
		enqueueMail(t, d, notify.Mail{To: "pas une adresse", Subject: "Essai", Text: "x"})
		r.RunOnce(bg)
		if j := jobRow(t, d); !j.failed || j.attempts != 1 || !strings.Contains(j.lastError, "bad recipient") {
			t.Fatalf("%+v", j)
		}
		if len(box.Messages()) != 0 {
			t.Fatal("sent")
		}
	})
}

func TestHeaderInjectionRefused(t *testing.T) {
	box := smtptest.Start(t)
	for _, s := range []*notify.Sender{plainSender(box), {Logger: quiet()}} {
		for _, m := range []notify.Mail{
			{To: "a@example.test\r\nBcc: victime@example.test", Subject: "x", Text: "x"},
			{To: "a@example.test\nBcc: victime@example.test", Subject: "x", Text: "x"},
			{To: "a@example.test", Subject: "x\r\nBcc: victime@example.test", Text: "x"},
			{To: "a@example.test", Subject: "x\rBcc: victime@example.test", Text: "x"},
			{To: "pas une adresse", Subject: "x", Text: "x"},
			{To: "a@example.test, b@example.test", Subject: "x", Text: "x"},
		} {
			if err := s.Send(bg, m); err == nil {
				t.Errorf("sent %+v", m)
			}
		}
	}
	if len(box.Messages()) != 0 {
		t.Fatal("a refused mail reached the server")
	}
}

func TestStartTLSRequiredByDefault(t *testing.T) {
	box := smtptest.Start(t)
	for _, mode := range []string{"starttls", ""} {
		s := &notify.Sender{SMTP: config.SMTP{Addr: box.Addr, TLS: mode, From: "p@passerelle.test"}, Logger: quiet()}
		err := s.Send(bg, notify.Mail{To: "a@example.test", Subject: "x", Text: "x"})
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("TLS %q to a plain server: %v", mode, err)
		}
	}
	if len(box.Messages()) != 0 {
		t.Fatal("a mail went out without TLS")
	}
}

func TestTLSModesWithLogin(t *testing.T) {
	cert, pool := smtptest.SelfSigned(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			start := smtptest.StartTLS
			if mode == "tls" {
				start = smtptest.StartImplicitTLS
			}
			box := start(t, cfg)
			box.RequireLogin("passerelle")
			s := &notify.Sender{SMTP: config.SMTP{Addr: box.Addr, TLS: mode, From: "p@passerelle.test",
				Username: "passerelle", Password: "secret"}, Logger: quiet()}
			notify.SetRootCAs(s, pool)
			if err := s.Send(bg, notify.Mail{To: "a@example.test", Subject: "Connexion sécurisée", Text: "ok"}); err != nil {
				t.Fatal(err)
			}
			if msgs := box.Messages(); len(msgs) != 1 || msgs[0].User != "passerelle" {
				t.Fatalf("received %+v", msgs)
			}
			// An unknown certificate is refused.
			if err := (&notify.Sender{SMTP: s.SMTP, Logger: quiet()}).Send(bg, notify.Mail{To: "a@example.test", Subject: "x", Text: "x"}); err == nil {
				t.Fatal("sent to a server with an untrusted certificate")
			}
		})
	}
}

func TestUnknownTLSModeRefused(t *testing.T) {
	box := smtptest.Start(t)
	s := &notify.Sender{SMTP: config.SMTP{Addr: box.Addr, TLS: "ssl", From: "p@passerelle.test"}, Logger: quiet()}
	if err := s.Send(bg, notify.Mail{To: "a@example.test", Subject: "x", Text: "x"}); err == nil || len(box.Messages()) != 0 {
		t.Fatalf("TLS mode ssl: %v", err)
	}
}

func TestSendStopsAtTheTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts, then never greets
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	s := &notify.Sender{SMTP: config.SMTP{Addr: ln.Addr().String(), TLS: "none", From: "p@passerelle.test"},
		Logger: quiet(), Timeout: 200 * time.Millisecond}
	start := time.Now()
	if err := s.Send(bg, notify.Mail{To: "a@example.test", Subject: "x", Text: "x"}); err == nil {
		t.Fatal("no error from a silent server")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
}

func TestDevelopmentModeLogs(t *testing.T) {
	var buf strings.Builder
	s := &notify.Sender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	err := s.Send(bg, notify.Mail{To: "a@example.test", Subject: "Invitation à Passerelle", Text: "lien https://x/invitation/abc"})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=INFO", "a@example.test", "Invitation à Passerelle", "invitation/abc"} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %q: %s", want, out)
		}
	}
}

// useClock stops the database's clock at a known time, moved by hand.
func useClock(d *db.DB) *dbtest.Clock {
	return dbtest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)).Use(d)
}

type job struct {
	attempts     int
	lastError    string
	runAt        time.Time
	done, failed bool
}

// jobRow reads the only job in the table.
func jobRow(t *testing.T, d *db.DB) job {
	t.Helper()
	var j job
	var doneAt, failedAt sql.NullTime
	err := d.SQL().QueryRow(`SELECT attempts, last_error, run_at, done_at, failed_at FROM jobs`).
		Scan(&j.attempts, &j.lastError, &j.runAt, &doneAt, &failedAt)
	if err != nil {
		t.Fatal(err)
	}
	j.done, j.failed = doneAt.Valid, failedAt.Valid
	return j
}
