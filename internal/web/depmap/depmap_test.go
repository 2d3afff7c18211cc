package depmap

import (
	"slices"
	"strings"
	"testing"

	"passerelle/internal/geo"
)

// Every département of France is on the map: drawn, or in a box.
func TestEveryDepartementIsOnTheMap(t *testing.T) {
	shapes, w, h := Shapes()
	if w <= 0 || h <= 0 {
		t.Fatalf("size %d×%d", w, h)
	}
	have := map[string]bool{}
	for _, s := range shapes {
		if have[s.Code] {
			t.Errorf("%s twice", s.Code)
		}
		have[s.Code] = true
		if s.Box[0] < 0 || s.Box[1] < 0 || s.Box[2] > w || s.Box[3] > h || s.Box[0] >= s.Box[2] || s.Box[1] >= s.Box[3] {
			t.Errorf("%s: box %v outside the map %d×%d", s.Code, s.Box, w, h)
		}
		if s.Path[0] != 'M' || s.Path[len(s.Path)-1] != 'z' {
			t.Errorf("%s: path %.20q… is not closed outlines", s.Code, s.Path)
		}
	}
	for _, c := range Overseas {
		if have[c] {
			t.Errorf("%s both drawn and boxed", c)
		}
		have[c] = true
	}
	deps := geo.Departements()
	if len(deps) != 101 {
		t.Fatalf("geo has %d départements", len(deps))
	}
	for _, d := range deps {
		if !have[d.Code] {
			t.Errorf("%s (%s) is not on the map", d.Name, d.Code)
		}
		delete(have, d.Code)
	}
	for c := range have {
		t.Errorf("%s is on the map but is no département", c)
	}
	if !slices.IsSortedFunc(shapes, func(a, b Shape) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("shapes not sorted by code")
	}
}
