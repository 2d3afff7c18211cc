package auth_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/notify"
)

// goodPassword satisfies the password rules for every test address.
const goodPassword = "Marmotte-Verte-2026"

// env is one test's database, service and clock.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *auth.Service
	clock *dbtest.Clock
}

// start is a fixed winter time: Paris is UTC+1.
var start = time.Date(2026, 1, 15, 13, 17, 0, 0, time.UTC)

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(start).Use(d)
	base, _ := url.Parse("http://127.0.0.1:8080")
	return &env{t: t, d: d, s: &auth.Service{DB: d, BaseURL: base}, clock: c}
}

var bg = context.Background()

// sys is the context of the command line.
var sys = access.WithActor(bg, access.SystemActor)

// fromIP is ctx as seen in a request from ip.
func fromIP(ctx context.Context, ip string) context.Context {
	return audit.WithRequest(ctx, audit.Request{ID: "req", IP: ip})
}

// org creates an active organisation and returns its id.
func (e *env) org(name string) string {
	e.t.Helper()
	id := db.NewID()
	if err := e.d.Write(bg, func(tx *db.Tx) error {
		_, err := tx.ExecContext(bg, `INSERT INTO organisations (id, kind, name, departement, created_at, updated_at)
			VALUES ($1, 'structure', $2, '35', $3, $3)`, id, name, tx.Now)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// exec runs a statement for test setup.
func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.d.SQL().Exec(q, args...); err != nil {
		e.t.Fatal(err)
	}
}

// count runs a count query.
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// account creates an account with goodPassword and one role, as the system.
func (e *env) account(email string, role access.Role, orgs ...string) auth.Account {
	e.t.Helper()
	var ms []auth.MembershipInput
	for _, o := range orgs {
		ms = append(ms, auth.MembershipInput{OrganisationID: o, Role: role})
	}
	a, err := e.s.CreateAccount(sys, auth.NewAccount{Email: email, Name: "Personne " + email,
		Password: goodPassword, Memberships: ms})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return a
}

// as returns a context whose actor is the account.
func (e *env) as(accountID string) context.Context {
	e.t.Helper()
	a, err := e.s.LoadActor(bg, accountID)
	if err != nil {
		e.t.Fatalf("load actor: %v", err)
	}
	return access.WithActor(bg, a)
}

// audits counts audit rows of the action about the account.
func (e *env) audits(action, accountID string) int {
	e.t.Helper()
	return e.count(`SELECT count(*) FROM audit_log WHERE action = $1 AND resource_id = $2`, action, accountID)
}

// checkAudit fails unless the audit chain is intact and free of secrets.
func (e *env) checkAudit(secrets ...string) {
	e.t.Helper()
	rep, err := audit.Verify(bg, e.d)
	if err != nil || !rep.Intact {
		e.t.Fatalf("audit chain: %+v %v", rep, err)
	}
	rows, err := e.d.SQL().Query(`SELECT details FROM audit_log`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		rows.Scan(&d)
		for _, s := range append(secrets, goodPassword) {
			if s != "" && strings.Contains(d, s) {
				e.t.Fatalf("audit details hold a secret: %s", d)
			}
		}
	}
}

// mails returns the mails in the outbox, oldest first.
func (e *env) mails() []notify.Mail {
	e.t.Helper()
	rows, err := e.d.SQL().Query(`SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY created_at, id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []notify.Mail
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			e.t.Fatal(err)
		}
		var m notify.Mail
		if err := json.Unmarshal([]byte(p), &m); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// linkToken returns the token of the link starting with prefix in the mail.
func linkToken(t *testing.T, m notify.Mail, prefix string) string {
	t.Helper()
	i := strings.Index(m.Text, prefix)
	if i < 0 {
		t.Fatalf("mail to %s has no link %s:\n%s", m.To, prefix, m.Text)
	}
	tok := m.Text[i+len(prefix):]
	if j := strings.IndexAny(tok, " \n"); j >= 0 {
		tok = tok[:j]
	}
	return tok
}

// wantCode fails unless err carries the code (and, when field is given,
// a message for that field).
func wantCode(t *testing.T, err error, code apperr.Code, field string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if field != "" && e.Fields[field] == "" {
		t.Fatalf("want a message on %q, got %v", field, e.Fields)
	}
	return e
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newInvite is the input of an invited educator of org.
func newInvite(email, org string) auth.NewAccount {
	return auth.NewAccount{Email: email, Name: "Invitée", Invite: true,
		Memberships: []auth.MembershipInput{{OrganisationID: org, Role: access.RoleEducator}}}
}
