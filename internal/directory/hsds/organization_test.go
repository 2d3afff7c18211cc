package hsds_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"passerelle/internal/directory/hsds"
)

// Every kind of structure gives an organization, services and an operator
// that follow the HSDS schemas.
func TestConversionsFollowSchema(t *testing.T) {
	noCoordinates := mecs()
	noCoordinates.HasCoordinates = false
	noOffers := mecs()
	noOffers.Offers = nil
	noOperator := mecs()
	noOperator.OperatorID, noOperator.OperatorName = "", ""
	tests := []struct {
		name string
		s    hsds.Structure
	}{
		{"full", mecs()},
		{"bare", bare()},
		{"confidential", confidential()},
		{"no coordinates", noCoordinates},
		{"no offers", noOffers},
		{"no operator", noOperator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustValidate(t, organizationSchema, hsds.OrganizationOf(tt.s))
			for _, v := range hsds.ServicesOf(tt.s) {
				mustValidate(t, serviceSchema, v)
			}
			if op, ok := hsds.OperatorOf(tt.s); ok {
				mustValidate(t, organizationSchema, op)
			}
		})
	}
}

func TestOrganizationOf(t *testing.T) {
	o := hsds.OrganizationOf(mecs())

	if o.ID != structureID || o.Name != "MECS Les Tilleuls" || o.AlternateName != "Les Tilleuls" {
		t.Errorf("identity = %q %q %q", o.ID, o.Name, o.AlternateName)
	}
	if o.ParentOrganizationID != operatorID {
		t.Errorf("parent_organization_id = %q, want the operator", o.ParentOrganizationID)
	}
	if o.Website != "https://www.tilleuls.example.org" {
		t.Errorf("website = %q, want the scheme added", o.Website)
	}
	// The EJ number identifies the operator and goes on it, not here.
	if got := identifiersOf(o); !reflect.DeepEqual(got, []string{"FINESS ET (établissement)=420000012"}) {
		t.Errorf("identifiers = %v", got)
	}
	wantAttrs := []string{
		"type_structure=MECS",
		"secteur=Protection de l'enfance",
		"autorite=Conseil départemental",
		"organisme_gestionnaire=Association Les Amis de l'Enfance",
	}
	if got := attributesOf(o.Attributes); !reflect.DeepEqual(got, wantAttrs) {
		t.Errorf("attributes = %v, want %v", got, wantAttrs)
	}
	for _, a := range o.Attributes {
		if a.TaxonomyTerm.Language != "fr" || a.TaxonomyTermID != a.TaxonomyTerm.ID {
			t.Errorf("attribute %s: term language %q, term id %q vs %q", a.TaxonomyTerm.Code, a.TaxonomyTerm.Language, a.TaxonomyTermID, a.TaxonomyTerm.ID)
		}
	}

	if len(o.Locations) != 1 {
		t.Fatalf("locations = %d, want 1", len(o.Locations))
	}
	l := o.Locations[0]
	if l.Latitude == nil || *l.Latitude != 45.5271 || l.Longitude == nil || *l.Longitude != 4.6182 {
		t.Errorf("coordinates = %v %v", l.Latitude, l.Longitude)
	}
	wantAddress := hsds.Address{
		ID: l.Addresses[0].ID, Address1: "12 rue des Tilleuls", City: "Rive-de-Gier",
		StateProvince: "42", PostalCode: "42800", Country: "FR", AddressType: "physical",
	}
	if len(l.Addresses) != 1 || l.Addresses[0] != wantAddress {
		t.Errorf("addresses = %+v", l.Addresses)
	}
	wantSchedule := hsds.Schedule{
		ID: l.Schedules[0].ID, Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR,SA,SU",
		Description: "Ouvert 365 jours par an.", Notes: "Pas de fermeture annuelle",
	}
	if len(l.Schedules) != 1 || l.Schedules[0] != wantSchedule {
		t.Errorf("schedules = %+v", l.Schedules)
	}

	if len(o.Contacts) != 3 {
		t.Fatalf("contacts = %d, want 3", len(o.Contacts))
	}
	direction := o.Contacts[0]
	if direction.ID != directionID || direction.Name != "Mme Durand" || direction.Title != "Direction" ||
		direction.Email != "direction@tilleuls.example.org" || len(direction.Phones) != 1 || direction.Phones[0].Number != "04 77 12 34 56" {
		t.Errorf("direction contact = %+v", direction)
	}
	if admissions := o.Contacts[2]; admissions.ID == "" || admissions.Title != "Admissions" || admissions.Phones != nil {
		t.Errorf("admissions contact (no id, no phone given) = %+v", admissions)
	}

	if len(o.Services) != 2 || o.Services[0].ID != internatID || o.Services[0].Organization != nil {
		t.Errorf("services: want the 2 offers without their organization nested again, got %d", len(o.Services))
	}
}

func TestOrganizationOfBare(t *testing.T) {
	m := toMap(t, hsds.OrganizationOf(bare()))
	// HSDS requires a description; with nothing else known, the name.
	if m["description"] != "SESSAD du Pilat" {
		t.Errorf("description = %v", m["description"])
	}
	for _, key := range []string{"services", "contacts", "organization_identifiers", "attributes", "parent_organization_id", "email", "website"} {
		if _, ok := m[key]; ok {
			t.Errorf("%q present for a bare structure: %v", key, m[key])
		}
	}
	loc := m["locations"].([]any)[0].(map[string]any)
	for _, key := range []string{"addresses", "latitude", "longitude", "schedules", "description"} {
		if _, ok := loc[key]; ok {
			t.Errorf("location %q present for a bare structure: %v", key, loc[key])
		}
	}
}

func TestOrganizationDescriptionFallsBackOnTypeAndCommune(t *testing.T) {
	s := mecs()
	s.Description = "  "
	if got := hsds.OrganizationOf(s).Description; got != "MECS à Rive-de-Gier" {
		t.Errorf("description = %q", got)
	}
}

func TestNoCoordinates(t *testing.T) {
	s := mecs()
	s.HasCoordinates = false
	loc := toMap(t, hsds.OrganizationOf(s))["locations"].([]any)[0].(map[string]any)
	if _, ok := loc["latitude"]; ok {
		t.Error("latitude present without coordinates")
	}
	if _, ok := loc["longitude"]; ok {
		t.Error("longitude present without coordinates")
	}
	if _, ok := loc["addresses"]; !ok {
		t.Error("address missing: it does not depend on coordinates")
	}
}

func TestIncompleteAddressGivesCommuneOnly(t *testing.T) {
	s := mecs()
	s.Street = "" // an HSDS address needs a street and a postal code
	l := hsds.OrganizationOf(s).Locations[0]
	if l.Addresses != nil || l.Description != "Commune : Rive-de-Gier (42)." {
		t.Errorf("location = %+v", l)
	}
}

func TestOperatorOf(t *testing.T) {
	op, ok := hsds.OperatorOf(mecs())
	if !ok || op.ID != operatorID || op.Name != "Association Les Amis de l'Enfance" {
		t.Fatalf("operator = %+v, %v", op, ok)
	}
	if got := identifiersOf(op); !reflect.DeepEqual(got, []string{"FINESS EJ (entité juridique)=420000004"}) {
		t.Errorf("operator identifiers = %v", got)
	}

	// Without an operator the structure is its own legal entity: its EJ
	// number stays with it.
	s := mecs()
	s.OperatorID, s.OperatorName = "", ""
	if _, ok := hsds.OperatorOf(s); ok {
		t.Error("operator returned for a structure without one")
	}
	want := []string{"FINESS ET (établissement)=420000012", "FINESS EJ (entité juridique)=420000004"}
	if got := identifiersOf(hsds.OrganizationOf(s)); !reflect.DeepEqual(got, want) {
		t.Errorf("identifiers = %v, want %v", got, want)
	}
}

// Values the schema's formats would reject are mended or dropped, never
// published as they are.
func TestMalformedEmailAndWebsite(t *testing.T) {
	for _, w := range []string{"javascript:alert(1)", "ftp://files.example.org", "http://", "https://exa mple.org"} {
		s := mecs()
		s.Email = "Direction <direction@tilleuls.example.org>"
		s.Website = w
		s.Contacts[0].Email = "pas une adresse"
		o := hsds.OrganizationOf(s)
		if o.Email != "direction@tilleuls.example.org" || o.Website != "" || o.Contacts[0].Email != "" {
			t.Errorf("website %q: email %q, website %q, contact email %q", w, o.Email, o.Website, o.Contacts[0].Email)
		}
		mustValidate(t, organizationSchema, o)
	}
}

// Derived ids are the same on every export, and one id never names two
// different objects.
func TestIDsAreStableAndUnique(t *testing.T) {
	a, b := hsds.OrganizationOf(mecs()), hsds.OrganizationOf(mecs())
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two exports of the same structure differ")
	}
	other := mecs()
	other.ID = "01920a6e-3b7c-7d40-9a1e-5f2b8c4d6eff"
	if hsds.OrganizationOf(other).Locations[0].ID == a.Locations[0].ID {
		t.Error("two structures share a location id")
	}

	uniqueIDs(t, toMap(t, a))
	for _, v := range hsds.ServicesOf(mecs()) {
		uniqueIDs(t, toMap(t, v))
	}
}

// uniqueIDs fails when one id names two different objects in doc; the same
// object (a location under the organization and under a service) may repeat.
func uniqueIDs(t *testing.T, doc map[string]any) {
	t.Helper()
	seen := map[string]string{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if id, ok := v["id"].(string); ok {
				b, _ := json.Marshal(v)
				if prev, dup := seen[id]; dup && prev != string(b) {
					t.Errorf("id %s names two objects:\n%s\n%s", id, prev, b)
				}
				seen[id] = string(b)
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
}

func identifiersOf(o hsds.Organization) []string {
	var out []string
	for _, id := range o.OrganizationIdentifiers {
		out = append(out, id.IdentifierType+"="+id.Identifier)
	}
	return out
}

func attributesOf(as []hsds.Attribute) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.TaxonomyTerm.Code+"="+a.Value)
	}
	return out
}

// toMap is v as the JSON object a consumer reads.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
