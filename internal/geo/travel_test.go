package geo

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func mustCommune(t testing.TB, code string) Point {
	t.Helper()
	c, ok := CommuneByCode(code)
	if !ok {
		t.Fatalf("commune %s not found", code)
	}
	return c.Point()
}

func TestDistance(t *testing.T) {
	paris, lyon := mustCommune(t, "75056"), mustCommune(t, "69123")
	tests := []struct {
		name     string
		a, b     Point
		want, pm float64
	}{
		{"Paris–Lyon", paris, lyon, 392, 5},
		{"Lyon–Paris", lyon, paris, 392, 5},
		{"same point", paris, paris, 0, 1e-9},
		{"1° of longitude at the equator", Point{0, 0}, Point{0, 1}, 111.195, 0.01},
		{"1° of latitude", Point{45, 4}, Point{46, 4}, 111.195, 0.01},
		{"antimeridian", Point{0, 179.5}, Point{0, -179.5}, 111.195, 0.01},
		{"antipodes", Point{0, 0}, Point{0, 180}, math.Pi * EarthRadiusKm, 0.01},
		{"Saint-Étienne–Lyon", mustCommune(t, "42218"), lyon, 50, 5},
		{"Paris–Marseille", paris, mustCommune(t, "13055"), 661, 5},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); math.Abs(got-tt.want) > tt.pm {
			t.Errorf("%s: %.3f km, want %.0f ± %.0f", tt.name, got, tt.want, tt.pm)
		}
	}
}

func TestRoadMinutesMonotonic(t *testing.T) {
	prev := roadMinutes(0)
	if prev != 0 {
		t.Fatalf("roadMinutes(0) = %v", prev)
	}
	for km := 0.1; km <= 2000; km += 0.1 {
		m := roadMinutes(km)
		if !(m > prev) {
			t.Fatalf("roadMinutes(%.1f) = %v, not above %v", km, m, prev)
		}
		// Never faster than the fastest band, never slower than the slowest.
		if v := km / (m / 60); v < speedBands[0].kmh-1e-9 || v > speedBands[len(speedBands)-1].kmh+1e-9 {
			t.Fatalf("average speed %.1f km/h at %.1f km", v, km)
		}
		prev = m
	}
	// Continuous at the band boundaries.
	for _, b := range speedBands[:len(speedBands)-1] {
		if d := roadMinutes(b.untilKm+1e-6) - roadMinutes(b.untilKm-1e-6); d > 1e-3 {
			t.Errorf("jump of %v min at %v km", d, b.untilKm)
		}
	}
}

func TestEstimateMinutesMonotonic(t *testing.T) {
	from := Point{45, 4}
	prev := 0.0
	for d := 0.01; d < 9; d += 0.01 { // up to ~1000 km north
		m := EstimateMinutes(from, Point{45 + d, 4})
		if !(m > prev) {
			t.Fatalf("%.2f° north: %v min, not above %v", d, m, prev)
		}
		prev = m
	}
}

func TestEstimateTravelTime(t *testing.T) {
	var tt TravelTimer = Estimate{}
	ctx := context.Background()
	lyon := mustCommune(t, "69123")
	tests := []struct {
		name     string
		from, to Point
		min, max time.Duration
	}{
		{"Saint-Étienne → Lyon", mustCommune(t, "42218"), lyon, 50 * time.Minute, 80 * time.Minute},
		{"Lyon → Saint-Étienne", lyon, mustCommune(t, "42218"), 50 * time.Minute, 80 * time.Minute},
		{"Paris → Lyon", mustCommune(t, "75056"), lyon, 4 * time.Hour, 6 * time.Hour},
		{"Paris 1er → Paris 20e", mustCommune(t, "75101"), mustCommune(t, "75120"), 10 * time.Minute, 30 * time.Minute},
		{"Ajaccio → Bastia", mustCommune(t, "2A004"), mustCommune(t, "2B033"), 90 * time.Minute, 4 * time.Hour},
		{"Saint-Denis → Saint-Pierre (La Réunion)", mustCommune(t, "97411"), mustCommune(t, "97416"), 45 * time.Minute, 2 * time.Hour},
		{"same place", lyon, lyon, 0, 0},
	}
	for _, tc := range tests {
		got, err := tt.TravelTime(ctx, tc.from, tc.to)
		if err != nil || got < tc.min || got > tc.max {
			t.Errorf("%s: %v, %v; want between %v and %v", tc.name, got, err, tc.min, tc.max)
		}
		if m := EstimateMinutes(tc.from, tc.to); math.Abs(m*60-got.Seconds()) > 0.5 {
			t.Errorf("%s: EstimateMinutes %v, TravelTime %v", tc.name, m, got)
		}
	}
}

func TestEstimateUnreachable(t *testing.T) {
	paris, ajaccio := mustCommune(t, "75056"), mustCommune(t, "2A004")
	tests := []struct {
		name     string
		from, to Point
	}{
		{"Paris → Ajaccio", paris, ajaccio},
		{"Bastia → Nice", mustCommune(t, "2B033"), mustCommune(t, "06088")},
		{"Paris → Saint-Denis (La Réunion)", paris, mustCommune(t, "97411")},
		{"Les Abymes → Fort-de-France", mustCommune(t, "97101"), mustCommune(t, "97209")},
		{"Cayenne → Mamoudzou", mustCommune(t, "97302"), mustCommune(t, "97611")},
		{"Fort-de-France → Lyon", mustCommune(t, "97209"), mustCommune(t, "69123")},
	}
	for _, tc := range tests {
		if d, err := (Estimate{}).TravelTime(context.Background(), tc.from, tc.to); !errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %v, %v; want ErrUnreachable", tc.name, d, err)
		}
		if m := EstimateMinutes(tc.from, tc.to); !math.IsInf(m, 1) {
			t.Errorf("%s: EstimateMinutes = %v, want +Inf", tc.name, m)
		}
	}
}

func TestEstimateErrors(t *testing.T) {
	ok := Point{45, 4}
	for _, p := range []Point{{math.NaN(), 4}, {45, math.Inf(1)}, {91, 0}, {0, -181}} {
		if _, err := (Estimate{}).TravelTime(context.Background(), ok, p); !errors.Is(err, ErrInvalidPoint) {
			t.Errorf("%v: %v, want ErrInvalidPoint", p, err)
		}
		if m := EstimateMinutes(p, ok); !math.IsNaN(m) {
			t.Errorf("EstimateMinutes(%v) = %v, want NaN", p, m)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Estimate{}).TravelTime(ctx, ok, ok); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestDepartementRoadNetwork(t *testing.T) {
	tests := map[string]string{
		"01": NetworkMainland, "75": NetworkMainland, "06": NetworkMainland,
		"2A": NetworkCorsica, "2B": NetworkCorsica,
		"971": NetworkGuadeloupe, "972": NetworkMartinique, "973": NetworkGuyane,
		"974": NetworkReunion, "976": NetworkMayotte, "975": "975",
	}
	for code, want := range tests {
		if got := DepartementRoadNetwork(code); got != want {
			t.Errorf("DepartementRoadNetwork(%q) = %q, want %q", code, got, want)
		}
	}
}

func BenchmarkEstimateMinutes(b *testing.B) {
	a, c := Point{45.4241, 4.36647}, Point{45.75418, 4.84289}
	for b.Loop() {
		EstimateMinutes(a, c)
	}
}
