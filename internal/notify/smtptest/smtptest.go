// Package smtptest provides a real SMTP server on loopback for tests, as
// net/http/httptest does for HTTP: it keeps what it receives and can be
// told to refuse a recipient or to require a login. It is meant for tests
// only.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"
)

// Password is the password RequireLogin expects.
const Password = "secret"

// Message is one message the server accepted.
type Message struct {
	From string // MAIL FROM
	To   string // RCPT TO (the last one: Passerelle sends one recipient per message)
	User string // the login used, if any
	Data []byte // the message as received, headers and body
}

// Server is an SMTP server on 127.0.0.1, closed when the test ends.
type Server struct {
	Addr string // host:port

	mu     sync.Mutex
	msgs   []Message
	refuse string // RCPT TO this address gets a 450
	user   string // when set, AUTH PLAIN with user/Password is required
}

// Start starts a plain SMTP server (no TLS) on 127.0.0.1:0.
func Start(t testing.TB) *Server { return serve(t, nil, false) }

// StartTLS starts a server that offers STARTTLS with cfg.
func StartTLS(t testing.TB, cfg *tls.Config) *Server { return serve(t, cfg, false) }

// StartImplicitTLS starts a server that speaks TLS with cfg from the
// start, as on port 465.
func StartImplicitTLS(t testing.TB, cfg *tls.Config) *Server { return serve(t, cfg, true) }

func serve(t testing.TB, cfg *tls.Config, implicit bool) *Server {
	t.Helper()
	s := &Server{}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var ln net.Listener
	var err error
	if implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		srv.TLSConfig = cfg
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Refuse makes RCPT TO addr fail with a 450 (mailbox busy); "" refuses
// nobody.
func (s *Server) Refuse(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = addr
}

// RequireLogin requires AUTH PLAIN as user with Password before MAIL FROM;
// "" requires no login.
func (s *Server) RequireLogin(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = user
}

// Messages returns a copy of the messages received so far, in order. A
// message is there as soon as the server has acknowledged its data.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s              *Server
	from, to, user string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		x.s.mu.Lock()
		defer x.s.mu.Unlock()
		if user != x.s.user || pass != Password {
			return errors.New("bad login")
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.user != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if to == x.s.refuse {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy"}
	}
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, Message{From: x.from, To: x.to, User: x.user, Data: b})
	x.s.mu.Unlock()
	return nil
}

// SelfSigned makes a certificate for 127.0.0.1, valid for an hour around
// now, and a pool that trusts it.
func SelfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
