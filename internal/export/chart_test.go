package export

import "testing"

func TestUnitOf(t *testing.T) {
	for _, c := range []struct {
		n          float64
		unit, want string
	}{
		{1, "structures", "structure"}, {0, "places", "place"}, {2, "places", "places"}, {1, "refus", "refus"},
		{1, "%", "%"}, {1, "h", "h"}, {1, "structures interrogées", "structure interrogée"}, {-1, "jours", "jour"}, {1.5, "jours", "jour"},
	} {
		if got := UnitOf(c.n, c.unit); got != c.want {
			t.Errorf("UnitOf(%v, %q) = %q, want %q", c.n, c.unit, got, c.want)
		}
	}
}
