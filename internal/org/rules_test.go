package org_test

import (
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/org"
)

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"0477123456", "04 77 12 34 56"},
		{"04 77 12 34 56", "04 77 12 34 56"},
		{"04.77.12.34.56", "04 77 12 34 56"},
		{"04-77-12-34-56", "04 77 12 34 56"},
		{" 04 77\u00a012 34 56 ", "04 77 12 34 56"},
		{"+33 4 77 12 34 56", "04 77 12 34 56"},
		{"+33 (0)4 77 12 34 56", "04 77 12 34 56"},
		{"0033 4 77 12 34 56", "04 77 12 34 56"},
		{"06 12 34 56 78", "06 12 34 56 78"},
		{"02 62 12 34 56", "02 62 12 34 56"},
		{"", ""},
		{"04 77 12 34 5", ""},
		{"04 77 12 34 567", ""},
		{"4 77 12 34 56", ""},
		{"00 77 12 34 56", ""},
		{"+33 04 77 12 34 56", ""},
		{"+32 4 77 12 34 56", ""},
		{"04 77 I2 34 56", ""},
		{"04/77/12/34/56", ""},
		{"+33", ""},
	}
	for _, c := range cases {
		got, ok := org.NormalizePhone(c.in)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestNormalizeFields(t *testing.T) {
	valid := func(in org.Input) org.Input {
		if in.Kind == "" {
			in.Kind = access.OrgStructure
		}
		if in.Name == "" {
			in.Name = "MECS Les Hirondelles"
		}
		if in.Kind == access.OrgStructure && in.StructureType == "" {
			in.StructureType = "mecs"
		}
		return in
	}
	cases := []struct {
		name  string
		in    org.Input
		field string
	}{
		{"unknown kind", org.Input{Kind: "club"}, "kind"},
		{"blank name", org.Input{Name: "   "}, "name"},
		{"name too long", org.Input{Name: strings.Repeat("é", 201)}, "name"},
		{"name with a newline", org.Input{Name: "MECS\nLes Hirondelles"}, "name"},
		{"structure without type", org.Input{Kind: access.OrgStructure, StructureType: " "}, "structure_type"},
		{"unknown structure type", org.Input{StructureType: "hotel"}, "structure_type"},
		{"operator with a structure type", org.Input{Kind: access.OrgOperator, StructureType: "mecs"}, "structure_type"},
		{"unknown commune", org.Input{CommuneCode: "99999"}, "commune_code"},
		{"commune that is a postal code", org.Input{CommuneCode: "42000"}, "commune_code"},
		{"not an e-mail", org.Input{Email: "pas-un-email"}, "email"},
		{"e-mail with a display name", org.Input{Email: "MECS <mecs@exemple.fr>"}, "email"},
		{"two e-mails", org.Input{Email: "a@exemple.fr, b@exemple.fr"}, "email"},
		{"e-mail too long", org.Input{Email: strings.Repeat("a", 250) + "@exemple.fr"}, "email"},
		{"short phone", org.Input{Phone: "04 77 12"}, "phone"},
		{"foreign phone", org.Input{Phone: "+41 22 123 45 67"}, "phone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := org.Normalize(valid(c.in))
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.Invalid || e.Fields[c.field] == "" {
				t.Fatalf("want an invalid %q, got %v", c.field, err)
			}
			if len(e.Fields) != 1 {
				t.Fatalf("want only %q in error, got %v", c.field, e.Fields)
			}
		})
	}

	t.Run("cleaned", func(t *testing.T) {
		in, dep, err := org.Normalize(org.Input{Kind: " structure ", Name: "  IME La Cordée ", StructureType: "ime",
			CommuneCode: " 42218 ", Email: " Contact@IME.Exemple.fr ", Phone: "+33 4.77.12.34.56"})
		if err != nil {
			t.Fatal(err)
		}
		want := org.Input{Kind: access.OrgStructure, Name: "IME La Cordée", StructureType: "ime",
			CommuneCode: "42218", Email: "contact@ime.exemple.fr", Phone: "04 77 12 34 56"}
		if in != want || dep != "42" {
			t.Fatalf("got %+v %q, want %+v 42", in, dep, want)
		}
	})
	t.Run("corsican commune code in lower case", func(t *testing.T) {
		in, dep, err := org.Normalize(org.Input{Kind: access.OrgASE, Name: "ASE Corse-du-Sud", CommuneCode: "2a004"})
		if err != nil || in.CommuneCode != "2A004" || dep != "2A" {
			t.Fatalf("got %+v %q %v", in, dep, err)
		}
	})
	t.Run("optional fields empty", func(t *testing.T) {
		_, dep, err := org.Normalize(org.Input{Kind: access.OrgMDPH, Name: "MDPH"})
		if err != nil || dep != "" {
			t.Fatalf("got %q %v", dep, err)
		}
	})
}

func TestLabels(t *testing.T) {
	for _, k := range access.OrgKinds {
		if l := org.KindLabel(k); l == "" || l == string(k) {
			t.Errorf("kind %s has no label", k)
		}
	}
	for _, r := range access.Roles {
		if l := org.RoleLabel(r); l == "" || l == string(r) {
			t.Errorf("role %s has no label", r)
		}
	}
	seen := map[string]bool{}
	for _, st := range org.StructureTypes {
		if seen[st.Code] {
			t.Errorf("type %s twice", st.Code)
		}
		seen[st.Code] = true
		if org.StructureTypeLabel(st.Code) != st.Label || st.Label == "" {
			t.Errorf("type %s: label %q", st.Code, st.Label)
		}
		if s := org.SectorLabel(st.Sector); s == st.Sector {
			t.Errorf("type %s: unknown sector %q", st.Code, st.Sector)
		}
	}
	for _, code := range []string{"mecs", "foyer_enfance", "pouponniere", "centre_maternel", "centre_parental",
		"placement_familial", "relais_parental", "lva", "ditep", "itep", "ime", "cmpp", "sessad", "camsp", "emr", "pedopsychiatrie",
		// The FINESS categories of the field that DOMAIN.md does not name.
		"aemo", "prevention", "mna", "autre_protection", "eeap", "ies", "accueil_temporaire", "cafs",
		"autre_medico_social", "pjj"} {
		if !seen[code] {
			t.Errorf("type %s missing", code)
		}
	}
	if len(seen) != 26 {
		t.Errorf("%d types, want 26", len(seen))
	}
	if org.StructureTypeLabel("") != "" || org.StructureTypeLabel("x") != "x" {
		t.Error("unknown type labels")
	}
}
