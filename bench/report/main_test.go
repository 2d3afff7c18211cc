package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAroundUsesTheBaselinesOnEachSide(t *testing.T) {
	loads := []line{
		{Baseline: true, PerSecond: 100}, {Name: "a"}, {Name: "b"},
		{Baseline: true, PerSecond: 80}, {Name: "a"},
		{Baseline: true, PerSecond: 60},
	}
	var bases []int
	for i, l := range loads {
		if l.Baseline {
			bases = append(bases, i)
		}
	}
	for i, want := range map[int]float64{1: 90, 2: 90, 4: 70} {
		if got := around(loads, bases, i); got != want {
			t.Errorf("around(%d) = %v, want %v", i, got, want)
		}
	}
	// No closing baseline: the one before.
	if got := around(loads[:5], bases[:2], 4); got != 80 {
		t.Errorf("around without a closing baseline = %v, want 80", got)
	}
}

func TestThousandsAndMedian(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999.6: "1,000", 18400.4: "18,400", 1234567: "1,234,567"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median = %v", m)
	}
}

func TestReadMixAndDataset(t *testing.T) {
	f := filepath.Join(t.TempDir(), "run.jsonl")
	os.WriteFile(f, []byte(`{"kind":"dataset","name":"national directory","structures":10000,"ms":53400}
{"kind":"load","name":"bare","baseline":true,"per_second":1000}
{"kind":"load","name":"search","per_second":300,"requests":30,"urls":2,"labels":[{"label":"near","requests":20,"p50_ms":2,"p99_ms":9},{"label":"text","requests":10,"errors":1,"p50_ms":1,"p99_ms":3}]}
{"kind":"load","name":"bare","baseline":true,"per_second":1000}
{"kind":"load","name":"search","per_second":200,"requests":30,"urls":2,"labels":[{"label":"near","requests":20,"p50_ms":4,"p99_ms":11},{"label":"text","requests":10,"p50_ms":1,"p99_ms":5}]}
{"kind":"load","name":"bare","baseline":true,"per_second":1000}
`), 0o644)
	r, err := read("SQLite", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.data) != 1 || r.data[0].Structures != 10000 {
		t.Fatalf("dataset %+v", r.data)
	}
	if len(r.targets) != 1 || len(r.targets[0].labels) != 2 {
		t.Fatalf("targets %+v", r.targets)
	}
	near, text := r.targets[0].labels[0], r.targets[0].labels[1]
	if near.label != "near" || near.requests != 40 || median(near.p99) != 10 || text.errors != 1 {
		t.Errorf("near %+v, text %+v", near, text)
	}
	if got := median(r.targets[0].ratio); got != 0.25 {
		t.Errorf("ratio %v", got)
	}
}

// The holds of bench/booking get their ratio to the bare UPDATE around each
// round, apart from the HTTP baselines.
func TestReadBooking(t *testing.T) {
	f := filepath.Join(t.TempDir(), "run.jsonl")
	os.WriteFile(f, []byte(`{"kind":"load","name":"bare","baseline":true,"per_second":20000}
{"kind":"dataset","name":"national directory","structures":100,"offers":300,"declarations":400,"live":50,"stale":10,"holds":60,"history":900,"ms":1200}
{"kind":"booking","name":"bare UPDATE","baseline":true,"round":1,"per_second":1000,"successful":100,"refused":300,"attempts":400}
{"kind":"booking","name":"hold","round":1,"per_second":500,"successful":100,"refused":100,"attempts":200}
{"kind":"booking","name":"bare UPDATE","baseline":true,"round":2,"per_second":600,"successful":100,"attempts":100}
{"kind":"booking","name":"hold","round":2,"per_second":300,"successful":100,"attempts":100}
{"kind":"booking","name":"bare UPDATE","baseline":true,"round":3,"per_second":600,"successful":100,"attempts":100}
{"kind":"booking_check","dialect":"sqlite","declarations":100,"places":200,"successful":200,"double_bookings":0,"audit_intact":true,"ok":true}
`), 0o644)
	r, err := read("SQLite", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.booking) != 5 || len(r.checks) != 1 || !r.checks[0].OK || r.data[0].Declarations != 400 {
		t.Fatalf("booking %d lines, checks %+v, data %+v", len(r.booking), r.checks, r.data)
	}
	phases := r.bookingPhases()
	if len(phases) != 2 || !phases[0].base || phases[1].name != "hold" {
		t.Fatalf("phases %+v", phases)
	}
	hold := phases[1]
	// Round 1: 500 / mean(1000, 600) = 0.625; round 2: 300 / 600 = 0.5.
	if len(hold.ratio) != 2 || hold.ratio[0] != 0.625 || hold.ratio[1] != 0.5 || hold.ok != 200 || hold.refused != 100 {
		t.Errorf("hold %+v", hold)
	}
	if r.base == nil || len(r.base.rps) != 1 {
		t.Errorf("the HTTP baseline mixed with the booking one: %+v", r.base)
	}
}

func TestRatioCell(t *testing.T) {
	for _, tt := range []struct {
		v    []float64
		want string
	}{
		{[]float64{0.2, 0.18, 0.21}, "0.20× (0.18–0.21)"},
		{[]float64{0.0079, 0.0078, 0.0097}, "0.008× (0.008–0.010)"},
	} {
		if got := ratioCell(tt.v); got != tt.want {
			t.Errorf("ratioCell(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
