package geo

import (
	"slices"
	"testing"
)

func TestCommunesIteratesEveryCommuneInOrder(t *testing.T) {
	var codes []string
	deps := map[string]bool{}
	for c := range Communes() {
		codes = append(codes, c.Code)
		deps[c.Departement] = true
	}
	if got, want := len(codes), len(idx().communes); got != want {
		t.Fatalf("%d communes, want %d", got, want)
	}
	if !slices.IsSorted(codes) {
		t.Error("communes not sorted by code")
	}
	if len(deps) != len(Departements()) {
		t.Errorf("communes in %d départements, want %d", len(deps), len(Departements()))
	}
	for _, code := range []string{"42218", "2A004", "97411", "75056", "75101"} {
		if _, ok := slices.BinarySearch(codes, code); !ok {
			t.Errorf("%s missing", code)
		}
	}
}

func TestCommunesStopsAndCopies(t *testing.T) {
	n := 0
	for c := range Communes() {
		c.PostalCodes[0] = "changed"
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("break after 3 gave %d", n)
	}
	for c := range Communes() {
		if c.PostalCodes[0] == "changed" {
			t.Fatal("the iterator hands out the index's own slices")
		}
		break
	}
}
