package hsds_test

import (
	"reflect"
	"testing"

	"passerelle/internal/directory/hsds"
)

func TestServicesOfFullOffer(t *testing.T) {
	s := mecs()
	vs := hsds.ServicesOf(s)
	if len(vs) != 2 {
		t.Fatalf("services = %d, want 2", len(vs))
	}
	v := vs[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"id", v.ID, internatID},
		{"organization_id", v.OrganizationID, structureID},
		{"name", v.Name, "Internat des Tilleuls"},
		{"description", v.Description, "Accueil 365 jours par an en petites unités de vie."},
		{"status", v.Status, "active"},
		{"minimum_age", deref(v.MinimumAge), 6},
		{"maximum_age", deref(v.MaximumAge), 18},
		{"eligibility_description", v.EligibilityDescription,
			"Public : Mixte. Âge : de 6 à 18 ans. Besoins : Troubles du comportement ; Scolarité adaptée."},
		{"application_process", v.ApplicationProcess,
			"Conditions d'admission : Mesure de placement ASE ; Notification MDPH."},
		{"assured_date", v.AssuredDate, "2025-03-14"},
		{"last_modified", v.LastModified, "2025-03-15T09:30:12.345Z"},
		{"languages", v.Languages[0].Code + " " + v.Languages[0].Name, "fr Français"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	wantAttrs := []string{
		"modalite=Internat complet",
		"public=Mixte",
		"besoin=Troubles du comportement",
		"besoin=Scolarité adaptée",
		"condition_admission=Mesure de placement ASE",
		"condition_admission=Notification MDPH",
		"places_autorisees=24",
		"places_installees=22",
	}
	if got := attributesOf(v.Attributes); !reflect.DeepEqual(got, wantAttrs) {
		t.Errorf("attributes = %v, want %v", got, wantAttrs)
	}

	org := hsds.OrganizationOf(s)
	if v.Organization == nil || v.Organization.ID != structureID || v.Organization.Services != nil {
		t.Errorf("nested organization: want the structure without services, got %+v", v.Organization)
	}
	if len(v.ServiceAtLocations) != 1 || !reflect.DeepEqual(*v.ServiceAtLocations[0].Location, org.Locations[0]) {
		t.Errorf("service_at_locations: want the structure's location, got %+v", v.ServiceAtLocations)
	}
	if vs[0].ServiceAtLocations[0].ID == vs[1].ServiceAtLocations[0].ID {
		t.Error("two services share a service_at_location id")
	}
}

func TestServicesOfMinimalOffer(t *testing.T) {
	v := hsds.ServicesOf(mecs())[1] // répit: modality only
	m := toMap(t, v)
	if m["name"] != "Accueil de répit" {
		t.Errorf("name = %v, want the modality", m["name"])
	}
	for _, key := range []string{"minimum_age", "maximum_age", "eligibility_description", "application_process", "description"} {
		if _, ok := m[key]; ok {
			t.Errorf("%q present for an offer without it: %v", key, m[key])
		}
	}
	if got := attributesOf(v.Attributes); !reflect.DeepEqual(got, []string{"modalite=Accueil de répit"}) {
		t.Errorf("attributes = %v", got)
	}
}

func TestServiceAges(t *testing.T) {
	tests := []struct {
		min, max int
		wantMin  any
		wantMax  any
		text     string
	}{
		{0, 3, 0, 3, "Âge : de 0 à 3 ans."}, // pouponnière: from birth
		{16, 0, 16, nil, "Âge : à partir de 16 ans."},
		{0, 0, nil, nil, ""},
	}
	for _, tt := range tests {
		s := bare()
		s.Offers = []hsds.Offer{{ID: internatID, ModalityLabel: "Internat", AgeMin: tt.min, AgeMax: tt.max}}
		v := hsds.ServicesOf(s)[0]
		if got := deref(v.MinimumAge); got != tt.wantMin {
			t.Errorf("%d–%d: minimum_age = %v, want %v", tt.min, tt.max, got, tt.wantMin)
		}
		if got := deref(v.MaximumAge); got != tt.wantMax {
			t.Errorf("%d–%d: maximum_age = %v, want %v", tt.min, tt.max, got, tt.wantMax)
		}
		if v.EligibilityDescription != tt.text {
			t.Errorf("%d–%d: eligibility_description = %q, want %q", tt.min, tt.max, v.EligibilityDescription, tt.text)
		}
		mustValidate(t, serviceSchema, v)
	}
}

func TestServicesOfNoOffers(t *testing.T) {
	if vs := hsds.ServicesOf(bare()); len(vs) != 0 {
		t.Errorf("services = %v, want none", vs)
	}
	if _, ok := toMap(t, hsds.OrganizationOf(bare()))["services"]; ok {
		t.Error(`organization has "services" without offers`)
	}
}

// An offer without id or labels still gets a stable id and the name HSDS
// requires; a never-checked structure has no assured_date.
func TestServiceFallbacks(t *testing.T) {
	s := bare()
	s.Offers = []hsds.Offer{{}}
	a, b := hsds.ServicesOf(s)[0], hsds.ServicesOf(s)[0]
	if a.ID == "" || a.ID != b.ID {
		t.Errorf("ids %q and %q, want one stable id", a.ID, b.ID)
	}
	if a.Name != "SESSAD du Pilat" || a.AssuredDate != "" || a.LastModified != "" {
		t.Errorf("service = %+v", a)
	}
	mustValidate(t, serviceSchema, a)
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
