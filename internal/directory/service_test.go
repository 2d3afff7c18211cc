package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

func TestCreateAndUpdateEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.entry(directory.EntryInput{Name: "MECS Les Tilleuls", FinessET: "420000018", Street: "3 rue Vaillant",
			PostalCode: "42000", Phone: "0477123456", OpeningDays: 365, ClosedPeriods: "Jamais fermée"})
		if s.Departement != "42" || s.Sector != org.SectorChildProtection || s.CoordSource != directory.CoordCommune || s.Phone != "04 77 12 34 56" {
			t.Fatalf("created %+v", s)
		}
		in := directory.EntryInput{Name: "MECS Les Tilleuls", Type: "mecs", FinessET: "420000018", Street: "5 rue Vaillant",
			PostalCode: "42000", CommuneCode: saintEtienne, Lat: ptr(45.44), Lng: ptr(4.39), Phone: "04 77 12 34 56",
			OpeningDays: 365, ClosedPeriods: "Jamais fermée", Territory: directory.Territory{Departements: []string{"42", "43"}, MaxMinutes: 60}}
		got, err := e.s.Update(e.director(s), s.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.CoordSource != directory.CoordDirector || got.Lat != 45.44 || !slices.Equal(got.Territory.Departements, []string{"42", "43"}) {
			t.Fatalf("updated %+v", got)
		}
		if !slices.Contains(got.ManualFields, "street") || !slices.Contains(got.ManualFields, "position") || slices.Contains(got.ManualFields, "territory") {
			t.Errorf("manual fields %v", got.ManualFields)
		}
		// Saving the same again writes nothing.
		before := e.count(`SELECT count(*) FROM audit_log`)
		if _, err := e.s.Update(e.director(s), s.ID, in); err != nil {
			t.Fatal(err)
		}
		if after := e.count(`SELECT count(*) FROM audit_log`); after != before {
			t.Errorf("an unchanged save was audited (%d → %d)", before, after)
		}
		hist, err := e.s.History(e.director(s), got)
		if err != nil || len(hist) != 2 || hist[0].Action != "structure.update" || !strings.Contains(hist[0].Details, "street") {
			t.Fatalf("history %v %+v", err, hist)
		}
		if _, err := e.s.History(e.educator(s), got); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("an educator read the history: %v", err)
		}
	})
}

func TestEntryRefusedToOthersAndAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.entry(directory.EntryInput{Name: "MECS A"})
		b := e.entry(directory.EntryInput{Name: "MECS B"})
		in := directory.EntryInput{Name: "MECS A piratée", Type: "mecs", CommuneCode: saintEtienne}
		for _, name := range []string{"director of B", "educator of A", "referent of 42", "referent of 69"} {
			t.Run(name, func(t *testing.T) {
				c := map[string]func() error{
					"update": func() error { _, err := e.s.Update(e.ctx(name, a, b), a.ID, in); return err },
					"offer": func() error {
						_, err := e.s.SaveOffer(e.ctx(name, a, b), a.ID, "", directory.OfferInput{Modality: "respite", AgeMax: 10})
						return err
					},
					"contact": func() error {
						_, err := e.s.SaveContact(e.ctx(name, a, b), a.ID, "", directory.ContactInput{Function: "on_duty", Phone: "0611223344"})
						return err
					},
					"check": func() error { return e.s.MarkChecked(e.ctx(name, a, b), a.ID) },
				}
				for what, f := range c {
					if err := f(); !apperr.Is(err, apperr.Forbidden) {
						t.Errorf("%s: %v, want forbidden", what, err)
					}
				}
			})
		}
		if got := e.get(admin, a.ID); got.Name != "MECS A" || len(got.Offers) != 0 || len(got.Contacts) != 0 {
			t.Fatalf("entry changed: %+v", got)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action LIKE '%.refused' AND resource_id = $1`, a.ID); n != 16 {
			t.Errorf("%d refusals audited, want 16", n)
		}
		// Steering of the Loire may edit; the same role elsewhere may not.
		if _, err := e.s.Update(e.steering42(), a.ID, in); err != nil {
			t.Errorf("steering of 42: %v", err)
		}
		if _, err := e.s.Update(as(access.RoleSteering, "x", access.OrgASE, "69"), a.ID, in); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("steering of 69: %v", err)
		}
	})
}

// ctx returns the actor named in TestEntryRefusedToOthersAndAudited.
func (e *env) ctx(name string, a, b directory.Structure) context.Context {
	switch name {
	case "director of B":
		return e.director(b)
	case "educator of A":
		return e.educator(a)
	case "referent of 42":
		return e.referent42()
	}
	return referent69()
}
