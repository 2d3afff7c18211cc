package indicators

import (
	"testing"
	"time"

	"passerelle/internal/apperr"
)

func TestBuckets(t *testing.T) {
	for _, c := range []struct {
		h, bucket int
		upper     float64
	}{{-3, 0, 1}, {0, 0, 1}, {5, 5, 6}, {47, 47, 48}, {48, 48, 54}, {53, 48, 54}, {54, 49, 60}, {167, 67, 168},
		{168, 68, 192}, {719, 90, 720}, {720, 91, 720}, {5000, 91, 720}} {
		b := bucketOf(c.h)
		if b != c.bucket || bucketUpper(b) != c.upper {
			t.Errorf("%d h: bucket %d (upper %v), want %d (%v)", c.h, b, bucketUpper(b), c.bucket, c.upper)
		}
		if float64(c.h) >= bucketUpper(b) && c.h < 720 {
			t.Errorf("%d h is not below its bucket's upper bound %v", c.h, bucketUpper(b))
		}
	}
}

func TestQuantile(t *testing.T) {
	var h histogram
	if _, ok := h.quantile(0.5); ok {
		t.Error("an empty histogram has a median")
	}
	for _, x := range []int{1, 2, 2, 3, 30, 100, 100, 800} {
		h[bucketOf(x)]++
	}
	for _, c := range []struct {
		q    float64
		want float64
	}{{0.1, 2}, {0.5, 4}, {0.75, 102}, {0.9, 720}, {1, 720}} {
		if got, _ := h.quantile(c.q); got != c.want {
			t.Errorf("q%v = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if p := DefaultPeriod(now); p != (Period{"2025-12-01", "2026-11-30"}) {
		t.Errorf("default: %v", p)
	}
	p, months, err := normalizePeriod(Period{"2026-02-14", "2026-03"}, now)
	if err != nil || p != (Period{"2026-02-01", "2026-03-31"}) || len(months) != 2 || months[1] != "2026-03" {
		t.Errorf("rounded: %v %v %v", p, months, err)
	}
	if _, months, _ := normalizePeriod(Period{}, now); len(months) != 12 || months[0] != "2025-12" {
		t.Errorf("default months: %v", months)
	}
	for _, bad := range []Period{{"x", "2026-01"}, {"2026-05", "2026-04"}, {"2020-01", "2026-01"}, {"2026-01", "2025-01"}} {
		if _, _, err := normalizePeriod(bad, now); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	// Outside the months the figures are kept for (the 36 up to now), a
	// period would show zeros that are not the truth: refused, with a
	// French message on the field at fault.
	for _, c := range []struct {
		p     Period
		field string
	}{{Period{"2023-11", "2023-12"}, "from"}, {Period{"1999-01", "2001-01"}, "from"}, {Period{"2026-12", "2027-01"}, "from"},
		{Period{"2026-10", "2027-01"}, "to"}, {Period{"2026-10", "2026-12-01"}, "to"}} {
		_, _, err := normalizePeriod(c.p, now)
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.Invalid || e.Fields[c.field] == "" {
			t.Errorf("%v: %v, want an error on %s", c.p, err, c.field)
		}
	}
	if p, months, err := normalizePeriod(Period{"2023-12", "2026-11"}, now); err != nil || len(months) != MaxMonths || p.From != "2023-12-01" {
		t.Errorf("the whole window: %v %v %v", p, months, err)
	}
	if got := PeriodLabel(Period{"2025-12-01", "2026-11-30"}); got != "de déc. 2025 à nov. 2026" {
		t.Errorf("label: %q", got)
	}
}
