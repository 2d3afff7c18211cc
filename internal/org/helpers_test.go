package org_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/org"
)

var bg = context.Background()

// env is one test's database, service and clock.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *org.Service
	clock *dbtest.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)).Use(d)
	return &env{t: t, d: d, s: &org.Service{DB: d}, clock: c}
}

// as returns a context whose actor holds role in each organisation.
func as(role access.Role, orgIDs ...string) context.Context {
	a := access.Actor{AccountID: db.NewID(), Email: string(role) + "@exemple.fr"}
	for _, id := range orgIDs {
		a.Memberships = append(a.Memberships, access.Membership{OrganisationID: id, Role: role})
	}
	return access.WithActor(bg, a)
}

// admin is a platform administrator (of an organisation that need not exist:
// the policy looks at the actor only).
var admin = as(access.RoleAdmin, "00000000-0000-7000-8000-000000000001")

// create makes an organisation as the administrator.
func (e *env) create(in org.Input) org.Organisation {
	e.t.Helper()
	if in.Kind == "" {
		in.Kind = access.OrgStructure
	}
	if in.Kind == access.OrgStructure && in.StructureType == "" {
		in.StructureType = "mecs"
	}
	o, err := e.s.Create(admin, in)
	if err != nil {
		e.t.Fatalf("create %q: %v", in.Name, err)
	}
	return o
}

func (e *env) get(id string) org.Organisation {
	e.t.Helper()
	o, err := e.s.Get(admin, id)
	if err != nil {
		e.t.Fatalf("get %s: %v", id, err)
	}
	return o
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// audits returns the details of the audit rows of the action about id.
func (e *env) audits(action, id string) []string {
	e.t.Helper()
	rows, err := e.d.SQL().Query(`SELECT details FROM audit_log WHERE action = $1 AND resource_id = $2 ORDER BY seq`, action, id)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func (e *env) checkAudit() {
	e.t.Helper()
	rep, err := audit.Verify(bg, e.d)
	if err != nil || !rep.Intact {
		e.t.Fatalf("audit chain: %+v %v", rep, err)
	}
}

// wantCode fails unless err carries the code (and, when field is given,
// a message for that field).
func wantCode(t *testing.T, err error, code apperr.Code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("want %s error, got %v", code, err)
	}
	if field != "" && e.Fields[field] == "" {
		t.Fatalf("want a message on %q, got %v", field, e.Fields)
	}
}

func names(orgs []org.Organisation) string {
	var out []string
	for _, o := range orgs {
		out = append(out, o.Name)
	}
	return strings.Join(out, ",")
}
