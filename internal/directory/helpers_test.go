package directory_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

var bg = context.Background()

// Communes used by the tests.
const (
	saintEtienne = "42218"
	roanne       = "42187"
	firminy      = "42095"
	saintChamond = "42207"
	montbrison   = "42147"
	lyon         = "69123"
)

type env struct {
	t     *testing.T
	d     *db.DB
	s     *directory.Service
	orgs  *org.Service
	clock *dbtest.Clock
	ase42 string // the ASE service of the Loire
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)).Use(d)
	e := &env{t: t, d: d, s: &directory.Service{DB: d}, orgs: &org.Service{DB: d, OnWrite: directory.EnsureEntry}, clock: c}
	ase, err := e.orgs.Create(system, org.Input{Kind: access.OrgASE, Name: "ASE de la Loire", CommuneCode: saintEtienne})
	if err != nil {
		t.Fatal(err)
	}
	e.ase42 = ase.ID
	return e
}

var system = access.WithActor(bg, access.SystemActor)

// as returns a context whose actor holds role in the organisation, of kind
// k in département dep (what the policy reads of a membership).
func as(role access.Role, orgID string, k access.OrgKind, dep string) context.Context {
	a := access.Actor{AccountID: db.NewID(), Email: string(role) + "@exemple.fr", Name: "Compte " + string(role),
		Memberships: []access.Membership{{OrganisationID: orgID, OrganisationKind: k, Departement: dep, Role: role}}}
	return access.WithActor(bg, a)
}

var admin = as(access.RoleAdmin, "00000000-0000-7000-8000-000000000001", access.OrgPlatform, "")

func (e *env) director(s directory.Structure) context.Context {
	return as(access.RoleDirector, s.ID, access.OrgStructure, s.Departement)
}
func (e *env) educator(s directory.Structure) context.Context {
	return as(access.RoleEducator, s.ID, access.OrgStructure, s.Departement)
}
func (e *env) referent42() context.Context {
	return as(access.RoleASEReferent, e.ase42, access.OrgASE, "42")
}
func (e *env) steering42() context.Context {
	return as(access.RoleSteering, e.ase42, access.OrgASE, "42")
}
func referent69() context.Context {
	return as(access.RoleASEReferent, "00000000-0000-7000-8000-000000000069", access.OrgASE, "69")
}

// entry creates a structure as the administrator.
func (e *env) entry(in directory.EntryInput) directory.Structure {
	e.t.Helper()
	if in.Type == "" {
		in.Type = "mecs"
	}
	if in.CommuneCode == "" {
		in.CommuneCode = saintEtienne
	}
	s, err := e.s.Create(admin, in)
	if err != nil {
		e.t.Fatalf("create %q: %v", in.Name, err)
	}
	return s
}

func (e *env) offer(s directory.Structure, in directory.OfferInput) directory.Offer {
	e.t.Helper()
	in.Active = true
	o, err := e.s.SaveOffer(admin, s.ID, "", in)
	if err != nil {
		e.t.Fatalf("offer: %v", err)
	}
	return o
}

func (e *env) get(ctx context.Context, id string) directory.Structure {
	e.t.Helper()
	s, err := e.s.Get(ctx, id)
	if err != nil {
		e.t.Fatalf("get %s: %v", id, err)
	}
	return s
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// names lists the names of a page's results, in order.
func names(p directory.Page) []string {
	out := []string{}
	for _, r := range p.Results {
		out = append(out, r.Structure.Name)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
