package hsds_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"passerelle/internal/directory/hsds"
)

// A confidential structure's street, postal code and coordinates appear in
// no output, in any form; its commune does.
func TestConfidentialStructureHidesAddress(t *testing.T) {
	s := confidential()
	op, _ := hsds.OperatorOf(s)
	outputs := map[string]any{
		"organization":      hsds.OrganizationOf(s),
		"services":          hsds.ServicesOf(s),
		"operator":          op,
		"service page":      hsds.ServicePage(hsds.ServicesOf(s), 2, 1, 10),
		"organization page": hsds.OrganizationPage([]hsds.Organization{hsds.OrganizationOf(s)}, 1, 1, 10),
		"full page":         hsds.NewPage(hsds.ServicesOf(s), 2, 1, 10),
	}
	secrets := []string{
		s.Street, "impasse du Secret", s.PostalCode,
		strconv.FormatFloat(s.Lat, 'f', -1, 64), strconv.FormatFloat(s.Lng, 'f', -1, 64),
		"45.467", "4.355", // coordinates rounded
		`"latitude"`, `"longitude"`, `"addresses"`, `"postal_code"`, `"address_1"`,
	}
	for name, out := range outputs {
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range secrets {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s: %s leaks %q", name, b, secret)
			}
		}
	}

	l := hsds.OrganizationOf(s).Locations[0]
	if want := "Adresse confidentielle : seule la commune est publiée. Commune : Villars (42)."; l.Description != want {
		t.Errorf("location description = %q, want %q", l.Description, want)
	}
}

// The same structure, not confidential, does publish its address: the test
// above would pass vacuously if the secrets were never written at all.
func TestNonConfidentialStructureShowsAddress(t *testing.T) {
	s := confidential()
	s.Confidential = false
	b, _ := json.Marshal(hsds.OrganizationOf(s))
	for _, want := range []string{s.Street, s.PostalCode, "45.46713", "4.35528"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%q missing from %s", want, b)
		}
	}
}
