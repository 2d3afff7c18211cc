package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
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

// defaultFrom is the sender when the configuration names none.
const defaultFrom = "Passerelle <ne-pas-repondre@passerelle.invalid>"

// Sender delivers mails through SMTP.
//
// Development mode: with SMTP.Addr empty, nothing is sent; each mail
// (recipient, subject, text body, links included) is written to the log at
// info level instead.
type Sender struct {
	SMTP    config.SMTP
	Logger  *slog.Logger
	Timeout time.Duration // for the whole SMTP exchange; default 30s

	rootCAs *x509.CertPool // nil: the system's; tests set their own
}

// Handler is the job handler of KindMail: it decodes a Mail from the
// payload and sends it. A mail that can never be sent (bad payload, bad
// address, line break in a header) fails at once instead of being retried.
func (s *Sender) Handler() jobs.Handler {
	return func(ctx context.Context, payload json.RawMessage) error {
		var m Mail
		if err := json.Unmarshal(payload, &m); err != nil {
			return jobs.Permanent(fmt.Errorf("mail payload: %w", err))
		}
		return s.Send(ctx, m)
	}
}

// Send delivers m, or logs it in development mode. Errors from the SMTP
// server (4xx, 5xx) are returned as they are, so the job is retried.
func (s *Sender) Send(ctx context.Context, m Mail) error {
	env, err := s.build(m)
	if err != nil {
		return jobs.Permanent(err)
	}
	if s.SMTP.Addr == "" {
		s.logger().Info("mail not sent (development mode: no SMTP server configured)",
			"to", m.To, "subject", m.Subject, "text", m.Text)
		return nil
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return s.deliver(ctx, env)
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// envelope is a message ready for SMTP.
type envelope struct {
	from, to string // bare addresses for MAIL FROM and RCPT TO
	helo     string // the sender's domain, named in EHLO
	data     []byte
}

// build checks the addresses and writes an RFC 5322 message in UTF-8.
func (s *Sender) build(m Mail) (envelope, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return envelope{}, errors.New("mail: line break in a header")
	}
	rcpt, err := mail.ParseAddress(m.To)
	if err != nil {
		return envelope{}, fmt.Errorf("mail: bad recipient %q: %w", m.To, err)
	}
	fromText := s.SMTP.From
	if fromText == "" {
		fromText = defaultFrom
	}
	from, err := mail.ParseAddress(fromText)
	if err != nil {
		return envelope{}, fmt.Errorf("mail: bad sender %q: %w", fromText, err)
	}
	domain := domainOf(from.Address)
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(fold(k+": "+v) + "\r\n") }
	header("From", from.String())
	header("To", rcpt.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+randomID()+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		writeQP(&b, m.Text)
	} else {
		mw := multipart.NewWriter(&b)
		header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
		b.WriteString("\r\n")
		for _, part := range []struct{ ct, body string }{
			{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML},
		} {
			pw, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type": {part.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
			if err != nil {
				return envelope{}, err
			}
			var pb bytes.Buffer
			writeQP(&pb, part.body)
			pw.Write(pb.Bytes())
		}
		mw.Close()
	}
	return envelope{from: from.Address, to: rcpt.Address, helo: domain, data: b.Bytes()}, nil
}

// fold breaks a header line at spaces so that lines stay near 76
// characters (RFC 5322 §2.2.3); unfolding gives back the same line.
func fold(line string) string {
	if len(line) <= 76 {
		return line
	}
	words := strings.Split(line, " ")
	var b strings.Builder
	n := 0
	for i, w := range words {
		switch {
		case i == 0:
		case n+1+len(w) > 76 && n > 1:
			b.WriteString("\r\n")
			n = 0
			fallthrough
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// writeQP writes text in quoted-printable with CRLF line ends.
func writeQP(b *bytes.Buffer, text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	w := quotedprintable.NewWriter(b)
	w.Write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
	w.Close()
}

// deliver runs the SMTP exchange with the configured TLS mode: "tls" is
// implicit TLS (port 465), "starttls" (the default) requires STARTTLS,
// "none" sends in clear and is meant for a local relay only.
func (s *Sender) deliver(ctx context.Context, env envelope) error {
	mode := s.SMTP.TLS
	if mode == "" {
		mode = "starttls"
	}
	if mode != "tls" && mode != "starttls" && mode != "none" {
		return fmt.Errorf("smtp: unknown TLS mode %q (starttls, tls or none)", mode)
	}
	host, _, err := net.SplitHostPort(s.SMTP.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", s.SMTP.Addr, err)
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.SMTP.Addr)
	if err != nil {
		return fmt.Errorf("smtp dial: %w", err)
	}
	defer conn.Close()
	// net/smtp knows no context: the deadline bounds the exchange, and an
	// ended context (shutdown) interrupts it.
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	tlsConfig := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12, RootCAs: s.rootCAs}
	if mode == "tls" {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("smtp tls: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(env.helo); err != nil {
		return fmt.Errorf("smtp EHLO: %w", err)
	}
	if mode == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS (PASSERELLE_SMTP_TLS=none is for a local relay only)")
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("smtp STARTTLS: %w", err)
		}
	}
	if s.SMTP.Username != "" {
		// net/smtp refuses PLAIN over a clear connection except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.SMTP.Username, s.SMTP.Password, host)); err != nil {
			return fmt.Errorf("smtp AUTH: %w", err)
		}
	}
	if !isASCII(env.from + env.to) {
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			return jobs.Permanent(errors.New("smtp: the server does not accept non-ASCII addresses (no SMTPUTF8)"))
		}
	}
	if err := c.Mail(env.from); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(env.to); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(env.data); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	// The server has accepted the mail: a failed QUIT must not send it twice.
	if err := c.Quit(); err != nil {
		s.logger().Warn("smtp QUIT failed after the mail was accepted", "error", err.Error())
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "passerelle.invalid"
}
