package towns_test

import (
	"math/rand/v2"
	"testing"

	"passerelle/bench/towns"
)

// Cities come up in proportion to their population, villages below the
// floor never.
func TestPickFollowsPopulation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cities := towns.New(50_000)
	counts := map[string]int{}
	for range 20_000 {
		c := cities.Pick(r)
		if c.Population < 50_000 {
			t.Fatalf("%s has %d inhabitants", c.Name, c.Population)
		}
		counts[c.Code]++
	}
	// Paris (75056) is about 2,100,000 inhabitants, Saint-Étienne (42218) about 170,000.
	if counts["75056"] < 5*counts["42218"] || counts["42218"] == 0 {
		t.Fatalf("Paris %d, Saint-Étienne %d", counts["75056"], counts["42218"])
	}
}
