package finess_test

import (
	"math"
	"testing"

	"passerelle/internal/directory/finess"
)

func TestValidFiness(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"690793443", true},
		{"010780195", true},   // published, Ain
		{"2A0000170", true},   // published, Corse-du-Sud
		{"2B0000020", true},   // published, Haute-Corse
		{"970100012", true},   // published, Guadeloupe
		{"980501506", true},   // published, Mayotte
		{"980600027", true},   // published, Wallis-et-Futuna
		{"950000010", true},   // Val-d'Oise
		{"690793444", true},   // wrong Luhn key: the key is not checked
		{"", false},           // empty
		{"69079344", false},   // 8 characters
		{"6907934430", false}, // 10 characters
		{"69000123X", false},  // letter outside the prefix
		{"2a0000170", false},  // lower case: callers normalise
		{"2C0000170", false},  // no département 2C
		{"200000170", false},  // Corsica is 2A or 2B since 1976
		{"000000170", false},  // no département 00
		{"960000170", false},  // no département 96
		{"990000170", false},
		{"AB0000170", false},
		{" 69079344", false},
	}
	for _, tt := range tests {
		if got := finess.ValidFiness(tt.in); got != tt.want {
			t.Errorf("ValidFiness(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"flow", `{"schemaVersion" : "v1.0.0"`, "json"},
		{"flow with BOM and spaces", "\xEF\xBB\xBF \n {", "json"},
		{"array", `[{"pmej": []}]`, "json"},
		{"extract", "finess;etalab;111;2026-05-12\nstructureet;", "csv"},
		{"extract in capitals", "FINESS;ETALAB;111", "csv"},
		{"extract without marker", "structureet;690793443;690793435;", "csv"},
		{"extract with BOM", "\xEF\xBB\xBFfiness;etalab;98;2026-03-11", "csv"},
		{"other CSV", "nofinesset;nofinessej;rs\n", ""},
		{"empty", "", ""},
		{"text", "bonjour", ""},
	}
	for _, tt := range tests {
		if got := finess.Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Detect = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Reference points: the first seven were projected from their WGS84
// position with PROJ 9.1.1 (cs2cs EPSG:4326 EPSG:2154, 0.1 mm output), and
// agree to 1e-9°; the last three are address pairs (Lambert-93 and degrees)
// from the ANS sample of the FINESS+ flow, computed by the BAN and rounded to
// 1e-6°.
var lambertPoints = []struct {
	name     string
	x, y     float64
	lat, lng float64
	tol      float64
}{
	{"Paris, Notre-Dame", 652297.0906, 6861632.7992, 48.852968, 2.349902, 1e-9},
	{"Brest", 146634.6841, 6836261.4945, 48.390394, -4.486076, 1e-9},
	{"Nice", 1043980.2377, 6298399.8319, 43.700936, 7.268391, 1e-9},
	{"Strasbourg", 1050209.5636, 6841824.7046, 48.581789, 7.750782, 1e-9},
	{"Perpignan", 691431.5966, 6177672.8347, 42.698611, 2.895556, 1e-9},
	{"Dunkerque", 656185.8020, 7104469.3694, 51.034368, 2.376776, 1e-9},
	{"Ajaccio", 1176670.2291, 6108276.7143, 41.919229, 8.738635, 1e-9},
	{"Divonne-les-Bains (BAN)", 941342.52, 6589480.53, 46.362063, 6.139885, 1e-6},
	{"Bourg-en-Bresse (BAN)", 873766.07, 6570414.61, 46.211257, 5.254203, 1e-6},
	{"Belley (BAN)", 908642.19, 6521545.08, 45.761585, 5.684769, 1e-6},
}

func TestLambert93ToWGS84(t *testing.T) {
	worst := 0.0
	for _, p := range lambertPoints {
		lat, lng := finess.Lambert93ToWGS84(p.x, p.y)
		d := math.Max(math.Abs(lat-p.lat), math.Abs(lng-p.lng))
		worst = math.Max(worst, d)
		if d > p.tol {
			t.Errorf("%s: (%.1f, %.1f) → (%.8f, %.8f), want (%.6f, %.6f) within %g°",
				p.name, p.x, p.y, lat, lng, p.lat, p.lng, p.tol)
		}
	}
	t.Logf("largest difference from the references: %.2g°", worst)
}
