package org_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/org"
)

func TestCreateAndGet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		op := e.create(org.Input{Kind: access.OrgOperator, Name: "Association Forez Enfance", CommuneCode: "42218"})
		o, err := e.s.Create(admin, org.Input{Kind: access.OrgStructure, Name: "  MECS Les Hirondelles ",
			StructureType: "mecs", OperatorID: op.ID, CommuneCode: "42187", Email: "MECS@Exemple.fr", Phone: "04.77.12.34.56"})
		if err != nil {
			t.Fatal(err)
		}
		now := e.clock.Now()
		want := org.Organisation{ID: o.ID, Kind: access.OrgStructure, Name: "MECS Les Hirondelles", StructureType: "mecs",
			OperatorID: op.ID, CommuneCode: "42187", Departement: "42", Email: "mecs@exemple.fr", Phone: "04 77 12 34 56",
			Active: true, CreatedAt: now, UpdatedAt: now}
		if o != want {
			t.Fatalf("created\n%+v\nwant\n%+v", o, want)
		}
		if got := e.get(o.ID); got != want {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
		}
		if o.CommuneName() != "Roanne" || (org.Organisation{}).CommuneName() != "" {
			t.Fatalf("commune name %q", o.CommuneName())
		}
		if got := e.get(op.ID); got.OperatorID != "" || got.StructureType != "" {
			t.Fatalf("operator read back %+v", got)
		}

		// Every account may read; nobody reads what does not exist.
		if _, err := e.s.Get(as(access.RoleParent, op.ID), o.ID); err != nil {
			t.Fatalf("parent reads an organisation: %v", err)
		}
		for _, id := range []string{"", "nope", "00000000-0000-7000-8000-00000000000x", db.NewID(), strings.ToUpper(db.NewID())} {
			_, err := e.s.Get(admin, id)
			wantCode(t, err, apperr.NotFound, "")
			if err.Error() != "not_found: Organisation introuvable." {
				t.Fatalf("message: %v", err)
			}
		}
		_, err = e.s.Get(bg, o.ID)
		wantCode(t, err, apperr.Unauthorized, "")
		e.checkAudit()
	})
}

func TestCreateValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		op := e.create(org.Input{Kind: access.OrgOperator, Name: "Association Opérateur"})
		closedOp := e.create(org.Input{Kind: access.OrgOperator, Name: "Association fermée"})
		if err := e.s.SetActive(admin, closedOp.ID, false); err != nil {
			t.Fatal(err)
		}
		mecs := e.create(org.Input{Name: "MECS Existante"})
		cases := []struct {
			name  string
			in    org.Input
			field string
		}{
			{"no kind", org.Input{Name: "X"}, "kind"},
			{"unknown kind", org.Input{Kind: "club", Name: "X"}, "kind"},
			{"blank name", org.Input{Kind: access.OrgASE, Name: " \t "}, "name"},
			{"name too long", org.Input{Kind: access.OrgASE, Name: strings.Repeat("x", 201)}, "name"},
			{"structure without type", org.Input{Kind: access.OrgStructure, Name: "X"}, "structure_type"},
			{"unknown type", org.Input{Kind: access.OrgStructure, Name: "X", StructureType: "hotel"}, "structure_type"},
			{"type on an operator", org.Input{Kind: access.OrgOperator, Name: "X", StructureType: "ime"}, "structure_type"},
			{"malformed operator", org.Input{Kind: access.OrgStructure, Name: "X", StructureType: "ime", OperatorID: "op"}, "operator_id"},
			{"unknown operator", org.Input{Kind: access.OrgStructure, Name: "X", StructureType: "ime", OperatorID: db.NewID()}, "operator_id"},
			{"operator that is a structure", org.Input{Kind: access.OrgStructure, Name: "X", StructureType: "ime", OperatorID: mecs.ID}, "operator_id"},
			{"deactivated operator", org.Input{Kind: access.OrgStructure, Name: "X", StructureType: "ime", OperatorID: closedOp.ID}, "operator_id"},
			{"unknown commune", org.Input{Kind: access.OrgASE, Name: "X", CommuneCode: "99999"}, "commune_code"},
			{"bad e-mail", org.Input{Kind: access.OrgASE, Name: "X", Email: "pas-un-email"}, "email"},
			{"bad phone", org.Input{Kind: access.OrgASE, Name: "X", Phone: "12 34"}, "phone"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.s.Create(admin, c.in)
				wantCode(t, err, apperr.Invalid, c.field)
			})
		}
		if n := e.count(`SELECT count(*) FROM organisations`); n != 3 {
			t.Fatalf("invalid input wrote rows: %d organisations", n)
		}
		// A structure may belong to an operator; the operator field is optional.
		e.create(org.Input{Name: "IME géré", StructureType: "ime", OperatorID: op.ID})
		e.create(org.Input{Name: "IME indépendant", StructureType: "ime"})
	})
}

func TestAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.create(org.Input{Name: "MECS A", Phone: "04 77 00 00 01"})
		b := e.create(org.Input{Name: "MECS B", Phone: "04 77 00 00 02"})
		educator := as(access.RoleEducator, a.ID)
		directorA := as(access.RoleDirector, a.ID)

		_, err := e.s.Create(educator, org.Input{Kind: access.OrgStructure, Name: "Pirate", StructureType: "mecs"})
		wantCode(t, err, apperr.Forbidden, "")
		_, err = e.s.Create(directorA, org.Input{Kind: access.OrgStructure, Name: "Pirate", StructureType: "mecs"})
		wantCode(t, err, apperr.Forbidden, "")
		_, err = e.s.Create(bg, org.Input{Kind: access.OrgStructure, Name: "Pirate", StructureType: "mecs"})
		wantCode(t, err, apperr.Unauthorized, "")
		if n := e.count(`SELECT count(*) FROM organisations WHERE name = 'Pirate'`); n != 0 {
			t.Fatal("refused create wrote a row")
		}

		// The director of A updates A…
		e.clock.Add(time.Hour)
		in := org.Input{Kind: a.Kind, Name: a.Name, StructureType: a.StructureType, Phone: "04 77 99 99 99", Email: "a@exemple.fr"}
		got, err := e.s.Update(directorA, a.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "04 77 99 99 99" || !got.UpdatedAt.Equal(e.clock.Now()) || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("updated %+v", got)
		}
		if e.get(a.ID) != got {
			t.Fatalf("read back %+v, want %+v", e.get(a.ID), got)
		}
		// …but neither B, nor A's kind, nor A's active state.
		_, err = e.s.Update(directorA, b.ID, org.Input{Kind: b.Kind, Name: "Piraté", StructureType: "mecs"})
		wantCode(t, err, apperr.Forbidden, "")
		if e.get(b.ID) != b {
			t.Fatal("refused update changed B")
		}
		_, err = e.s.Update(educator, a.ID, in)
		wantCode(t, err, apperr.Forbidden, "")
		_, err = e.s.Update(directorA, a.ID, org.Input{Kind: access.OrgASE, Name: a.Name})
		wantCode(t, err, apperr.Invalid, "kind")
		wantCode(t, e.s.SetActive(directorA, a.ID, false), apperr.Forbidden, "")
		if e.get(a.ID) != got {
			t.Fatal("refused changes changed A")
		}

		// The administrator deactivates and reactivates.
		must(t, e.s.SetActive(admin, b.ID, false))
		if o := e.get(b.ID); o.Active || !o.UpdatedAt.Equal(e.clock.Now()) {
			t.Fatalf("deactivated: %+v", o)
		}
		must(t, e.s.SetActive(admin, b.ID, false)) // no change, no audit row
		must(t, e.s.SetActive(admin, b.ID, true))
		if !e.get(b.ID).Active {
			t.Fatal("not reactivated")
		}
		wantCode(t, e.s.SetActive(admin, db.NewID(), false), apperr.NotFound, "")
		wantCode(t, e.s.SetActive(admin, "nope", false), apperr.NotFound, "")
		_, err = e.s.Update(admin, db.NewID(), in)
		wantCode(t, err, apperr.NotFound, "")

		// The platform cannot be switched off by its own administrators.
		p := e.create(org.Input{Kind: access.OrgPlatform, Name: "Passerelle"})
		wantCode(t, e.s.SetActive(admin, p.ID, false), apperr.Conflict, "")

		if n := len(e.audits("organisation.deactivate", b.ID)); n != 1 {
			t.Fatalf("%d deactivate rows", n)
		}
		if n := len(e.audits("organisation.reactivate", b.ID)); n != 1 {
			t.Fatalf("%d reactivate rows", n)
		}
		e.checkAudit()
	})
}

func TestUpdateRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		op := e.create(org.Input{Kind: access.OrgOperator, Name: "Association gestionnaire"})
		op2 := e.create(org.Input{Kind: access.OrgOperator, Name: "Autre association"})
		s := e.create(org.Input{Name: "MECS gérée", OperatorID: op.ID, CommuneCode: "42218"})
		input := func(o org.Organisation) org.Input {
			return org.Input{Kind: o.Kind, Name: o.Name, StructureType: o.StructureType, OperatorID: o.OperatorID,
				CommuneCode: o.CommuneCode, Email: o.Email, Phone: o.Phone}
		}

		// Nothing changed: nothing written, nothing audited.
		e.clock.Add(time.Minute)
		same, err := e.s.Update(admin, s.ID, input(s))
		if err != nil || same != s {
			t.Fatalf("no-op update: %+v %v", same, err)
		}
		if n := len(e.audits("organisation.update", s.ID)); n != 0 {
			t.Fatalf("no-op update audited %d times", n)
		}

		// An operator that still manages structures keeps its kind.
		_, err = e.s.Update(admin, op.ID, org.Input{Kind: access.OrgASE, Name: op.Name})
		wantCode(t, err, apperr.Invalid, "kind")
		_, err = e.s.Update(admin, op2.ID, org.Input{Kind: access.OrgOperator, Name: op2.Name, OperatorID: op2.ID})
		wantCode(t, err, apperr.Invalid, "operator_id")

		// A deactivated operator already set stays; a new one must be active.
		must(t, e.s.SetActive(admin, op.ID, false))
		must(t, e.s.SetActive(admin, op2.ID, false))
		in := input(s)
		in.Phone = "0477000000"
		if _, err := e.s.Update(admin, s.ID, in); err != nil {
			t.Fatalf("edit with a deactivated operator: %v", err)
		}
		in.OperatorID = op2.ID
		_, err = e.s.Update(admin, s.ID, in)
		wantCode(t, err, apperr.Invalid, "operator_id")
		must(t, e.s.SetActive(admin, op2.ID, true))

		// The commune moves the département; the audit names fields, not values.
		in.CommuneCode, in.Name = "69123", "MECS lyonnaise"
		got, err := e.s.Update(admin, s.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Departement != "69" || got.CommuneName() != "Lyon" || got.OperatorID != op2.ID {
			t.Fatalf("moved: %+v", got)
		}
		in.OperatorID, in.CommuneCode = "", ""
		if got, err = e.s.Update(admin, s.ID, in); err != nil || got.OperatorID != "" || got.Departement != "" {
			t.Fatalf("cleared: %+v %v", got, err)
		}
		rows := e.audits("organisation.update", s.ID)
		want := []string{`{"fields":["phone"]}`, `{"fields":["name","operator_id","commune_code"]}`, `{"fields":["operator_id","commune_code"]}`}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Fatalf("audit details %v, want %v", rows, want)
		}
		if n := len(e.audits("organisation.create", s.ID)); n != 1 {
			t.Fatalf("%d create rows", n)
		}
		e.checkAudit()
	})
}

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		op := e.create(org.Input{Kind: access.OrgOperator, Name: "Association Delta", CommuneCode: "42218"})
		e.create(org.Input{Name: "MECS Alpha", CommuneCode: "42218"})
		e.create(org.Input{Name: "IME Bravo", StructureType: "ime", CommuneCode: "42187", OperatorID: op.ID})
		e.create(org.Input{Name: "IME Charlie", StructureType: "ime", CommuneCode: "69123"})
		closed := e.create(org.Input{Name: "IME Echo", StructureType: "ime", CommuneCode: "42218"})
		must(t, e.s.SetActive(admin, closed.ID, false))
		e.create(org.Input{Kind: access.OrgASE, Name: "ASE de la Loire", CommuneCode: "42218"})
		e.create(org.Input{Name: "Foyer Saint-Étienne", StructureType: "foyer_enfance", CommuneCode: "42218"})
		e.create(org.Input{Name: "Foyer 100% jeunes", StructureType: "foyer_enfance"})
		e.create(org.Input{Name: "Foyer 1000 jeunes", StructureType: "foyer_enfance"})
		e.create(org.Input{Name: "Foyer a_b", StructureType: "foyer_enfance"})
		e.create(org.Input{Name: "Foyer axb", StructureType: "foyer_enfance"})

		educator := as(access.RoleEducator, op.ID)
		cases := []struct {
			name  string
			f     org.Filter
			want  string
			total int
		}{
			{"kind", org.Filter{Kind: access.OrgOperator}, "Association Delta", 1},
			{"structure type", org.Filter{StructureType: "ime"}, "IME Bravo,IME Charlie", 2},
			{"with inactive", org.Filter{StructureType: "ime", IncludeInactive: true}, "IME Bravo,IME Charlie,IME Echo", 3},
			{"departement", org.Filter{Departement: "42", Kind: access.OrgStructure}, "Foyer Saint-Étienne,IME Bravo,MECS Alpha", 3},
			{"query any case", org.Filter{Q: "  ime b "}, "IME Bravo", 1},
			{"query upper case", org.Filter{Q: "MECS"}, "MECS Alpha", 1},
			{"query with accent as written", org.Filter{Q: "Étienne"}, "Foyer Saint-Étienne", 1},
			{"percent is literal", org.Filter{Q: "100%"}, "Foyer 100% jeunes", 1},
			{"underscore is literal", org.Filter{Q: "a_b"}, "Foyer a_b", 1},
			{"nothing", org.Filter{Q: "zzz"}, "", 0},
			{"first page", org.Filter{StructureType: "ime", IncludeInactive: true, Limit: 2}, "IME Bravo,IME Charlie", 3},
			{"last page", org.Filter{StructureType: "ime", IncludeInactive: true, Limit: 2, Offset: 2}, "IME Echo", 3},
			{"past the end", org.Filter{Kind: access.OrgStructure, Limit: 3, Offset: 50}, "", 8},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, total, err := e.s.List(educator, c.f)
				if err != nil {
					t.Fatal(err)
				}
				if names(got) != c.want || total != c.total {
					t.Fatalf("got %q (%d), want %q (%d)", names(got), total, c.want, c.total)
				}
			})
		}
		_, _, err := e.s.List(bg, org.Filter{})
		wantCode(t, err, apperr.Unauthorized, "")
	})
}

func TestListPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Same name everywhere: the id decides the order, and pages never overlap.
		err := d.Write(bg, func(tx *db.Tx) error {
			for range 205 {
				if _, err := tx.ExecContext(bg, `INSERT INTO organisations (id, kind, name, created_at, updated_at)
					VALUES ($1, 'operator', 'Association', $2, $2)`, db.NewID(), tx.Now); err != nil {
					return err
				}
			}
			return nil
		})
		must(t, err)
		all, total, err := e.s.List(admin, org.Filter{Limit: 1000})
		must(t, err)
		if len(all) != org.MaxLimit || total != 205 {
			t.Fatalf("limit 1000 gave %d of %d, want %d of 205", len(all), total, org.MaxLimit)
		}
		def, _, err := e.s.List(admin, org.Filter{})
		must(t, err)
		if len(def) != org.DefaultLimit {
			t.Fatalf("default page: %d", len(def))
		}
		seen := map[string]bool{}
		prev := ""
		for off := 0; off < 205; off += 50 {
			page, total, err := e.s.List(admin, org.Filter{Limit: 50, Offset: off})
			must(t, err)
			if total != 205 {
				t.Fatalf("total %d", total)
			}
			for _, o := range page {
				if seen[o.ID] || o.ID <= prev {
					t.Fatalf("offset %d: %s out of order or repeated", off, o.ID)
				}
				seen[o.ID], prev = true, o.ID
			}
		}
		if len(seen) != 205 {
			t.Fatalf("pages covered %d organisations", len(seen))
		}
		neg, _, err := e.s.List(admin, org.Filter{Limit: -1, Offset: -5})
		must(t, err)
		if len(neg) != org.DefaultLimit || neg[0].ID != all[0].ID {
			t.Fatal("negative limit and offset")
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
