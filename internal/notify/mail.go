package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"passerelle/internal/config"
	"passerelle/internal/jobs"
)

// Sender delivers mails through SMTP, or writes them to the log when no
// server is configured (development).
type Sender struct {
	SMTP    config.SMTP
	Logger  *slog.Logger
	Timeout time.Duration // for the whole exchange; default 30s
}

// Handler is the job handler of KindMail.
func (s *Sender) Handler() jobs.Handler {
	return func(ctx context.Context, payload json.RawMessage) error {
		var m Mail
		if err := json.Unmarshal(payload, &m); err != nil {
			return fmt.Errorf("mail payload: %w", err)
		}
		return s.Send(ctx, m)
	}
}

// Send delivers m.
func (s *Sender) Send(ctx context.Context, m Mail) error {
	msg, to, err := s.build(m)
	if err != nil {
		return err
	}
	if s.SMTP.Addr == "" {
		s.logger().Info("mail (no SMTP server configured: written to the log)", "to", to, "subject", m.Subject, "text", m.Text)
		return nil
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.deliver(ctx, to, msg)
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// build checks the addresses and writes an RFC 5322 message in UTF-8.
func (s *Sender) build(m Mail) (msg []byte, to string, err error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, "", errors.New("mail: line break in a header")
	}
	rcpt, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, "", fmt.Errorf("mail: bad recipient %q: %w", m.To, err)
	}
	fromText := s.SMTP.From
	if fromText == "" {
		fromText = "Passerelle <ne-pas-repondre@passerelle.invalid>"
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return nil, "", fmt.Errorf("mail: bad sender %q: %w", fromText, err)
	}
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", rcpt.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", time.Now().Format(time.RFC1123Z))
	h("Message-ID", "<"+randomID()+"@"+domainOf(from.Address)+">")
	h("MIME-Version", "1.0")
	h("Auto-Submitted", "auto-generated")
	if m.HTML == "" {
		h("Content-Type", "text/plain; charset=utf-8")
		h("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		writeQP(&b, m.Text)
		return b.Bytes(), rcpt.Address, nil
	}
	mw := multipart.NewWriter(&b)
	h("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	b.WriteString("\r\n")
	for _, part := range []struct{ ct, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, "", err
		}
		var pb bytes.Buffer
		writeQP(&pb, part.body)
		pw.Write(pb.Bytes())
	}
	mw.Close()
	return b.Bytes(), rcpt.Address, nil
}

func writeQP(b *bytes.Buffer, text string) {
	w := quotedprintable.NewWriter(b)
	w.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")))
	w.Close()
}

// deliver runs the SMTP exchange with the configured TLS mode.
func (s *Sender) deliver(ctx context.Context, to string, msg []byte) error {
	host, _, err := net.SplitHostPort(s.SMTP.Addr)
	if err != nil {
		return err
	}
	dialer := &net.Dialer{}
	conn, err := dialer.DialContext(ctx, "tcp", s.SMTP.Addr)
	if err != nil {
		return fmt.Errorf("smtp dial: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	tlsConfig := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.SMTP.TLS == "tls" {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp hello: %w", err)
	}
	defer c.Close()
	if s.SMTP.TLS == "starttls" || s.SMTP.TLS == "" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS (set PASSERELLE_SMTP_TLS=none only for a local relay)")
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if s.SMTP.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.SMTP.Username, s.SMTP.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	from, _ := mail.ParseAddress(s.SMTP.From)
	sender := "ne-pas-repondre@passerelle.invalid"
	if from != nil {
		sender = from.Address
	}
	if err := c.Mail(sender); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	return c.Quit()
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "passerelle.invalid"
}
