package directory_test

import (
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/directory"
)

func fieldErr(err error, field string) bool {
	ae, ok := apperr.As(err)
	return ok && ae.Fields[field] != ""
}

func TestNormalizeEntry(t *testing.T) {
	ok := directory.EntryInput{Name: "MECS", Type: "mecs", CommuneCode: saintEtienne}
	with := func(f func(*directory.EntryInput)) directory.EntryInput { in := ok; f(&in); return in }
	for _, c := range []struct {
		name  string
		in    directory.EntryInput
		field string // "" when valid
	}{
		{"minimal", ok, ""},
		{"no name", with(func(in *directory.EntryInput) { in.Name = "  " }), "name"},
		{"unknown type", with(func(in *directory.EntryInput) { in.Type = "casino" }), "type"},
		{"no commune", with(func(in *directory.EntryInput) { in.CommuneCode = "" }), "commune_code"},
		{"FINESS of the département", with(func(in *directory.EntryInput) { in.FinessET = "420 000 018" }), ""},
		{"FINESS of another département", with(func(in *directory.EntryInput) { in.FinessET = "690000018" }), "finess_et"},
		{"FINESS too short", with(func(in *directory.EntryInput) { in.FinessET = "42000" }), "finess_et"},
		{"FINESS EJ anywhere", with(func(in *directory.EntryInput) { in.FinessEJ = "690000018" }), ""},
		{"postal code of the commune", with(func(in *directory.EntryInput) { in.PostalCode = "42100" }), ""},
		{"postal code elsewhere", with(func(in *directory.EntryInput) { in.PostalCode = "69001" }), "postal_code"},
		{"one coordinate", with(func(in *directory.EntryInput) { in.Lat = ptr(45.4) }), "lat"},
		{"swapped coordinates", with(func(in *directory.EntryInput) { in.Lat, in.Lng = ptr(4.39), ptr(45.44) }), "lat"},
		{"far from the commune", with(func(in *directory.EntryInput) { in.Lat, in.Lng = ptr(48.85), ptr(2.35) }), "lat"},
		{"bad phone", with(func(in *directory.EntryInput) { in.Phone = "123" }), "phone"},
		{"bad e-mail", with(func(in *directory.EntryInput) { in.Email = "a@" }), "email"},
		{"javascript site", with(func(in *directory.EntryInput) { in.Website = "javascript:alert(1)" }), "website"},
		{"unknown département served", with(func(in *directory.EntryInput) { in.Territory.Departements = []string{"42", "100"} }), "territory_departements"},
		{"too far", with(func(in *directory.EntryInput) { in.Territory.MaxMinutes = 600 }), "territory_minutes"},
		{"days", with(func(in *directory.EntryInput) { in.OpeningDays = 400 }), "opening_days"},
		{"control characters", with(func(in *directory.EntryInput) { in.ClosedPeriods = "août\x00" }), "closed_periods"},
	} {
		out, err := directory.NormalizeEntry(c.in)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && !fieldErr(err, c.field):
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
		if c.name == "FINESS of the département" && out.FinessET != "420000018" {
			t.Errorf("FINESS cleaned to %q", out.FinessET)
		}
		if c.name == "minimal" && out.Sector != "protection_enfance" {
			t.Errorf("sector %q", out.Sector)
		}
	}
}

func TestNormalizeOffer(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    directory.OfferInput
		field string
	}{
		{"respite", directory.OfferInput{Modality: "respite", AgeMin: 6, AgeMax: 12, Needs: []string{"behaviour"}}, ""},
		{"no modality", directory.OfferInput{AgeMax: 12}, "modality"},
		{"ages reversed", directory.OfferInput{Modality: "respite", AgeMin: 12, AgeMax: 6}, "age_max"},
		{"too old", directory.OfferInput{Modality: "respite", AgeMax: 40}, "age_max"},
		{"unknown need", directory.OfferInput{Modality: "respite", AgeMax: 6, Needs: []string{"x"}}, "needs"},
		{"installed over authorised", directory.OfferInput{Modality: "respite", AgeMax: 6, PlacesAuthorised: 4, PlacesInstalled: 5}, "places_installed"},
		{"negative places", directory.OfferInput{Modality: "respite", AgeMax: 6, PlacesAuthorised: -1}, "places_authorised"},
	} {
		_, err := directory.NormalizeOffer(c.in)
		if (c.field == "" && err != nil) || (c.field != "" && !fieldErr(err, c.field)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	out, _ := directory.NormalizeOffer(directory.OfferInput{Modality: "respite", AgeMax: 6, Needs: []string{"autism", "behaviour", "autism"}})
	if len(out.Needs) != 2 || out.Needs[0] != "autism" || out.Public != "mixed" {
		t.Errorf("cleaned %+v", out)
	}
}

func TestNormalizeContact(t *testing.T) {
	for _, c := range []struct {
		in    directory.ContactInput
		field string
	}{
		{directory.ContactInput{Function: "on_duty", Phone: "+33 6 11 22 33 44"}, ""},
		{directory.ContactInput{Function: "direction", Email: "dir@exemple.fr"}, ""},
		{directory.ContactInput{Function: "on_duty"}, "phone"},
		{directory.ContactInput{Function: "boss", Phone: "0611223344"}, "function"},
		{directory.ContactInput{Function: "on_duty", Phone: "06"}, "phone"},
	} {
		_, err := directory.NormalizeContact(c.in)
		if (c.field == "" && err != nil) || (c.field != "" && !fieldErr(err, c.field)) {
			t.Errorf("%+v: %v", c.in, err)
		}
	}
}

func TestStale(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		checked time.Time
		want    bool
	}{
		{time.Time{}, true},
		{now.AddDate(0, -5, 0), false},
		{now.Add(-directory.StaleAfter), true},
	} {
		if got := directory.Stale(c.checked, now); got != c.want {
			t.Errorf("Stale(%v) = %v", c.checked, got)
		}
	}
}

func TestAgesLabel(t *testing.T) {
	for _, c := range []struct {
		min, max int
		want     string
	}{{6, 14, "de 6 à 14 ans"}, {0, 3, "jusqu'à 3 ans"}, {16, 16, "16 ans"}} {
		if got := directory.AgesLabel(c.min, c.max); got != c.want {
			t.Errorf("%d–%d: %q", c.min, c.max, got)
		}
	}
}
