package geo

import (
	"slices"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
}

func TestEmbeddedData(t *testing.T) {
	ix := idx()
	// 34,976 rows of the reference file plus Paris, Lyon and Marseille
	// rebuilt from their arrondissements.
	if got, want := len(ix.communes), 34976+3; got != want {
		t.Errorf("%d communes, want %d", got, want)
	}
	arm := 0
	for _, c := range ix.communes {
		if c.Code == "" || c.Name == "" || len(c.PostalCodes) == 0 || c.Region == "" {
			t.Errorf("incomplete commune %+v", c)
		}
		if !c.Point().Valid() || (c.Lat == 0 && c.Lng == 0) {
			t.Errorf("%s %s: invalid position %v", c.Code, c.Name, c.Point())
		}
		if !strings.HasPrefix(c.Code, c.Departement) {
			t.Errorf("%s: département %s", c.Code, c.Departement)
		}
		switch c.Kind {
		case KindArrondissement:
			arm++
			if _, ok := CommuneByCode(c.Parent); !ok {
				t.Errorf("%s: parent %q missing", c.Code, c.Parent)
			}
		case KindCommune:
			if c.Parent != "" {
				t.Errorf("%s: commune with a parent", c.Code)
			}
		default:
			t.Errorf("%s: kind %q", c.Code, c.Kind)
		}
		// The road-network boxes must agree with the départements.
		if got, want := RoadNetwork(c.Point()), DepartementRoadNetwork(c.Departement); got != want {
			t.Errorf("%s %s (%v): network %s, département says %s", c.Code, c.Name, c.Point(), got, want)
		}
	}
	if arm != 45 {
		t.Errorf("%d arrondissements, want 45", arm)
	}
}

func TestCommuneByCode(t *testing.T) {
	tests := []struct {
		code, name, dep string
		kind            string
		postal          string
	}{
		{"42218", "Saint-Étienne", "42", KindCommune, "42000"},
		{"2A004", "Ajaccio", "2A", KindCommune, "20000"},
		{"2a004", "Ajaccio", "2A", KindCommune, "20000"},
		{" 97411 ", "Saint-Denis", "974", KindCommune, "97400"},
		{"75115", "Paris 15e Arrondissement", "75", KindArrondissement, "75015"},
		{"75056", "Paris", "75", KindCommune, "75015"},
		{"69123", "Lyon", "69", KindCommune, "69003"},
		{"13055", "Marseille", "13", KindCommune, "13001"},
	}
	for _, tt := range tests {
		c, ok := CommuneByCode(tt.code)
		if !ok {
			t.Errorf("CommuneByCode(%q) not found", tt.code)
			continue
		}
		if c.Name != tt.name || c.Departement != tt.dep || c.Kind != tt.kind || !slices.Contains(c.PostalCodes, tt.postal) || c.CentreApprox {
			t.Errorf("CommuneByCode(%q) = %+v", tt.code, c)
		}
	}
	for _, code := range []string{"", "00000", "99999", "4221", "42218x", "paris"} {
		if c, ok := CommuneByCode(code); ok {
			t.Errorf("CommuneByCode(%q) = %+v, want none", code, c)
		}
	}
}

func TestRebuiltCities(t *testing.T) {
	for _, tt := range []struct {
		code    string
		arms    int
		minPop  int
		postals int
	}{
		{"75056", 20, 2_000_000, 21},
		{"69123", 9, 500_000, 9},
		{"13055", 16, 850_000, 16},
	} {
		c, _ := CommuneByCode(tt.code)
		if c.Population < tt.minPop || len(c.PostalCodes) != tt.postals {
			t.Errorf("%s: population %d, %d postal codes", tt.code, c.Population, len(c.PostalCodes))
		}
		sum, n := 0, 0
		for _, a := range idx().communes {
			if a.Parent == tt.code {
				sum += a.Population
				n++
				if d := Distance(a.Point(), c.Point()); d > 12 {
					t.Errorf("%s is %.1f km from %s", a.Name, d, c.Name)
				}
			}
		}
		if n != tt.arms || sum != c.Population {
			t.Errorf("%s: %d arrondissements totalling %d, population %d", tt.code, n, sum, c.Population)
		}
	}
}

func TestCommunesWithoutCoordinates(t *testing.T) {
	for _, code := range []string{"60694", "85165", "85212"} {
		c, ok := CommuneByCode(code)
		if !ok {
			t.Fatalf("%s not found", code)
		}
		d, ok := DepartementByCode(c.Departement)
		if !ok {
			t.Fatalf("%s: département %s not found", code, c.Departement)
		}
		if !c.CentreApprox || c.Lat != d.Lat || c.Lng != d.Lng {
			t.Errorf("%s %s: CentreApprox %v at %v, département centre %v", code, c.Name, c.CentreApprox, c.Point(), d.Point())
		}
	}
	approx := 0
	for _, c := range idx().communes {
		if c.CentreApprox {
			approx++
		}
	}
	if approx != 3 {
		t.Errorf("%d communes with CentreApprox, want 3", approx)
	}
}

func TestReturnedValuesAreCopies(t *testing.T) {
	c, _ := CommuneByCode("42218")
	c.PostalCodes[0] = "XXXXX"
	if again, _ := CommuneByCode("42218"); again.PostalCodes[0] != "42000" {
		t.Errorf("CommuneByCode shares its postal codes: %v", again.PostalCodes)
	}
	r := SearchCommunes("42000", 1)
	r[0].PostalCodes[0] = "XXXXX"
	if again := SearchCommunes("42000", 1); again[0].PostalCodes[0] != "42000" {
		t.Errorf("SearchCommunes shares its postal codes: %v", again[0].PostalCodes)
	}
	deps := Departements()
	deps[0].Name = "XXX"
	if Departements()[0].Name != "Ain" {
		t.Error("Departements shares its slice")
	}
}

func TestDepartements(t *testing.T) {
	deps := Departements()
	if len(deps) != 101 {
		t.Fatalf("%d départements, want 101", len(deps))
	}
	if !slices.IsSortedFunc(deps, func(a, b Departement) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("not sorted by code")
	}
	codes := make([]string, len(deps))
	for i, d := range deps {
		codes[i] = d.Code
		if d.Name == "" || d.Region == "" || !d.Point().Valid() {
			t.Errorf("incomplete %+v", d)
		}
		c, ok := CommuneByCode(d.ChefLieu)
		if !ok || c.Departement != d.Code {
			t.Errorf("%s: chef-lieu %s not found in the département", d.Code, d.ChefLieu)
		}
		if got, want := RoadNetwork(d.Point()), DepartementRoadNetwork(d.Code); got != want {
			t.Errorf("%s centre: network %s, want %s", d.Code, got, want)
		}
	}
	if i := slices.Index(codes, "2A"); i < 0 || codes[i-1] != "29" || codes[i+1] != "2B" || codes[i+2] != "30" {
		t.Errorf("Corsica misplaced: %v", codes)
	}
	for _, tt := range []struct{ code, name, chefLieu string }{
		{"42", "Loire", "42218"},
		{"2a", "Corse-du-Sud", "2A004"},
		{"974", "La Réunion", "97411"},
		{"01", "Ain", "01053"},
	} {
		d, ok := DepartementByCode(tt.code)
		if !ok || d.Name != tt.name || d.ChefLieu != tt.chefLieu {
			t.Errorf("DepartementByCode(%q) = %+v, %v", tt.code, d, ok)
		}
	}
	for _, code := range []string{"", "1", "20", "975", "99"} {
		if _, ok := DepartementByCode(code); ok {
			t.Errorf("DepartementByCode(%q) found", code)
		}
	}
}
