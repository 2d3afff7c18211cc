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
