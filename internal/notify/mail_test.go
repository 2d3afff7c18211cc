package notify_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"

	"passerelle/internal/config"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/jobs"
	"passerelle/internal/notify"
)

// inbox is a real SMTP server on loopback that keeps what it receives and
// can be told to refuse a recipient.
type inbox struct {
	mu      sync.Mutex
	msgs    []received
	refuse  string
	addr    string
	starttl bool
}

type received struct {
	from, to string
	data     []byte
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b}, nil }

type session struct {
	box      *inbox
	from, to string
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if to == s.box.refuse {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
	}
	s.to = to
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, received{s.from, s.to, b})
	s.box.mu.Unlock()
	return nil
}

func startInbox(t *testing.T) *inbox {
	t.Helper()
	box := &inbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box
}

func (b *inbox) all() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestMailGoesThroughTheOutboxToSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := startInbox(t)
		ctx := context.Background()
		sender := &notify.Sender{SMTP: config.SMTP{Addr: box.addr, TLS: "none", From: "Passerelle <ne-pas-repondre@passerelle.test>"}, Logger: quiet()}
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w1"}
		r.Handle(notify.KindMail, sender.Handler())

		err := d.Write(ctx, func(tx *db.Tx) error {
			return notify.EnqueueMail(ctx, tx, notify.Mail{To: "léa.martin@example.test", Subject: "Réinitialisation de votre mot de passe",
				Text: "Bonjour Léa,\nVoici le lien : https://passerelle.test/mot-de-passe/reinitialiser/abc\nÀ bientôt."})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := r.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("RunOnce: %d %v", n, err)
		}
		msgs := box.all()
		if len(msgs) != 1 || msgs[0].to != "léa.martin@example.test" {
			t.Fatalf("received %+v", msgs)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].data)))
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if subject != "Réinitialisation de votre mot de passe" {
			t.Fatalf("subject %q", subject)
		}
		if m.Header.Get("Date") == "" || m.Header.Get("Message-Id") == "" {
			t.Fatal("Date and Message-ID are required")
		}
		body, _ := io.ReadAll(m.Body)
		decoded := decodeQP(t, string(body))
		if !strings.Contains(decoded, "Bonjour Léa,") || !strings.Contains(decoded, "À bientôt.") {
			t.Fatalf("body %q", decoded)
		}
		var done int
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`).Scan(&done)
		if done != 1 {
			t.Fatalf("job not marked done")
		}
	})
}

func TestRefusedMailIsRetriedThenGivenUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		box := startInbox(t)
		box.refuse = "occupe@example.test"
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		d.Clock = func() time.Time { return now }
		sender := &notify.Sender{SMTP: config.SMTP{Addr: box.addr, TLS: "none", From: "p@passerelle.test"}, Logger: quiet()}
		r := &jobs.Runner{DB: d, Logger: quiet(), WorkerID: "w1"}
		r.Handle(notify.KindMail, sender.Handler())
		d.Write(ctx, func(tx *db.Tx) error {
			return notify.EnqueueMail(ctx, tx, notify.Mail{To: "occupe@example.test", Subject: "Essai", Text: "x"})
		})
		r.RunOnce(ctx)
		var attempts int
		var lastErr string
		var runAt time.Time
		d.SQL().QueryRow(`SELECT attempts, last_error, run_at FROM jobs`).Scan(&attempts, &lastErr, &runAt)
		if attempts != 1 || !strings.Contains(lastErr, "450") || !runAt.After(now) {
			t.Fatalf("after a refusal: attempts %d, error %q, run_at %v", attempts, lastErr, runAt)
		}
		// Not due yet: nothing runs.
		if n, _ := r.RunOnce(ctx); n != 0 {
			t.Fatalf("ran a job before its retry time")
		}
		// The mailbox accepts now; the retry succeeds once due.
		box.mu.Lock()
		box.refuse = ""
		box.mu.Unlock()
		now = now.Add(2 * time.Minute)
		if n, _ := r.RunOnce(ctx); n != 1 || len(box.all()) != 1 {
			t.Fatalf("retry: ran %d, received %d", n, len(box.all()))
		}
		// A mailbox that always refuses: failed for good after max_attempts.
		box.refuse = "jamais@example.test"
		d.Write(ctx, func(tx *db.Tx) error {
			return notify.EnqueueMail(ctx, tx, notify.Mail{To: "jamais@example.test", Subject: "Essai", Text: "x"})
		})
		for range 8 {
			now = now.Add(2 * time.Hour)
			r.RunOnce(ctx)
		}
		var failed int
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE failed_at IS NOT NULL AND attempts = max_attempts`).Scan(&failed)
		if failed != 1 {
			t.Fatalf("want the job failed for good after max attempts")
		}
		if pending, failedN, err := jobs.Stats(ctx, d); err != nil || pending != 0 || failedN != 1 {
			t.Fatalf("stats: %d %d %v", pending, failedN, err)
		}
	})
}

func TestHeaderInjectionRefused(t *testing.T) {
	s := &notify.Sender{Logger: quiet()}
	for _, m := range []notify.Mail{
		{To: "a@example.test\r\nBcc: victime@example.test", Subject: "x", Text: "x"},
		{To: "a@example.test", Subject: "x\r\nBcc: victime@example.test", Text: "x"},
		{To: "pas une adresse", Subject: "x", Text: "x"},
	} {
		if err := s.Send(context.Background(), m); err == nil {
			t.Errorf("sent %+v", m)
		}
	}
}

func TestStartTLSRequiredByDefault(t *testing.T) {
	box := startInbox(t)
	s := &notify.Sender{SMTP: config.SMTP{Addr: box.addr, TLS: "starttls", From: "p@passerelle.test"}, Logger: quiet()}
	err := s.Send(context.Background(), notify.Mail{To: "a@example.test", Subject: "x", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("plain server with starttls required: %v", err)
	}
	if len(box.all()) != 0 {
		t.Fatal("a mail went out without TLS")
	}
}

func TestDevelopmentModeLogs(t *testing.T) {
	var buf strings.Builder
	s := &notify.Sender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := s.Send(context.Background(), notify.Mail{To: "a@example.test", Subject: "Invitation", Text: "lien https://x/invitation/abc"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "invitation/abc") {
		t.Fatalf("log: %s", buf.String())
	}
}

func decodeQP(t *testing.T, s string) string {
	t.Helper()
	r := strings.NewReader(s)
	b, err := io.ReadAll(qpReader(r))
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(b)
}
