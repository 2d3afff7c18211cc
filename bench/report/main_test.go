package main

import "testing"

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
