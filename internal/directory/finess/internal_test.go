package finess

import (
	"math"
	"testing"
)

// The constants IGN publishes for Lambert-93 must come out of the projection's
// definition.
func TestLambert93Constants(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"n", lambert93.n, 0.7256077650, 1e-10},
		{"c", lambert93.c, 11754255.426, 1e-3},
		{"Xs", lambert93.xs, 700000, 0},
		{"Ys", lambert93.ys, 12655612.050, 1e-3},
		{"e", lambert93.e, 0.0818191910428, 1e-12},
	}
	for _, tt := range tests {
		if math.Abs(tt.got-tt.want) > tt.tol {
			t.Errorf("%s = %.10f, want %.10f", tt.name, tt.got, tt.want)
		}
	}
}

// Projecting with the forward formulas and back must return the start, over
// the whole of metropolitan France.
func TestLambert93RoundTrip(t *testing.T) {
	p := lambert93
	for lat := 41.0; lat <= 51.5; lat += 0.5 {
		for lng := -5.5; lng <= 10; lng += 0.5 {
			r := p.c * math.Exp(-p.n*isometricLatitude(radians(lat), p.e))
			gamma := p.n * (radians(lng) - p.lon0)
			x, y := p.xs+r*math.Sin(gamma), p.ys-r*math.Cos(gamma)
			gotLat, gotLng := Lambert93ToWGS84(x, y)
			if math.Abs(gotLat-lat) > 1e-9 || math.Abs(gotLng-lng) > 1e-9 {
				t.Fatalf("(%g, %g) → (%f, %f) → (%.10f, %.10f)", lat, lng, x, y, gotLat, gotLng)
			}
		}
	}
}

func TestInseeCode(t *testing.T) {
	tests := []struct{ dep, com, want string }{
		{"01", "451", "01451"},
		{"01", "45", "01045"},
		{"2A", "004", "2A004"},
		{"2b", "033", "2B033"},
		{"75", "113", "75113"},
		{"9A", "123", "97123"}, // Saint-Barthélemy
		{"9B", "207", "97207"},
		{"9C", "302", "97302"},
		{"9D", "411", "97411"},
		{"9F", "606", "97606"},
		{"9J", "613", "98613"},
		{"9K", "001", ""},
		{"20", "004", ""},
		{"", "140", ""},
		{"30", "", ""},
		{"30", "1400", ""},
		{"30", "1a", ""},
	}
	for _, tt := range tests {
		if got := inseeCode(tt.dep, tt.com); got != tt.want {
			t.Errorf("inseeCode(%q, %q) = %q, want %q", tt.dep, tt.com, got, tt.want)
		}
	}
}

func TestStreet(t *testing.T) {
	tests := []struct{ number, index, kind, name, want string }{
		{"900", "", "RTE", "DE PARIS", "900 ROUTE DE PARIS"},
		{"12", "", "R   ", "DE L'HIPPODROME     ", "12 RUE DE L'HIPPODROME"},
		{"4", "B", "AV", "GALLIENI", "4 B AVENUE GALLIENI"},
		{"", "", "ZI", "DES PLATANES", "ZI DES PLATANES"},
		{"", "", "", "", ""},
	}
	for _, tt := range tests {
		if got := street(tt.number, tt.index, tt.kind, tt.name); got != tt.want {
			t.Errorf("street(%q, %q, %q, %q) = %q, want %q", tt.number, tt.index, tt.kind, tt.name, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MECS LES TILLEULS", "MECS LES TILLEULS"},
		{"  MECS  LES TILLEULS   ", "MECS LES TILLEULS"},
		{"CLINIQUE BEL AIR\tBOURG", "CLINIQUE BEL AIR BOURG"},
		{"RIVIÈRE  DU\u00a0LOUP", "RIVIÈRE DU LOUP"},
		{"", ""},
		{" ", ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
