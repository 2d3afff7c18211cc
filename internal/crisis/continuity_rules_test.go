package crisis_test

import (
	"testing"
	"time"

	"passerelle/internal/crisis"
)

func TestPlanStateOf(t *testing.T) {
	today := time.Date(2027, 3, 15, 22, 0, 0, 0, time.UTC)
	cases := []struct {
		reviewed string
		want     crisis.PlanState
	}{
		{"", crisis.PlanMissing},
		{"pas une date", crisis.PlanMissing},
		{"2027-03-15", crisis.PlanCurrent},
		{"2026-04-16", crisis.PlanCurrent}, // eleven months tomorrow
		{"2026-04-15", crisis.PlanDue},     // eleven months today
		{"2026-03-16", crisis.PlanDue},     // a year tomorrow
		{"2026-03-15", crisis.PlanOld},     // a year today
		{"2020-01-01", crisis.PlanOld},
	}
	for _, c := range cases {
		if got := crisis.PlanStateOf(c.reviewed, today); got != c.want {
			t.Errorf("reviewed %q: %s, want %s", c.reviewed, got, c.want)
		}
	}
}
