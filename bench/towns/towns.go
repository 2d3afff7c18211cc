// Package towns draws communes in proportion to their population, so that
// the benchmarks' searches start where people live.
package towns

import (
	"math/rand/v2"
	"sort"

	"passerelle/internal/geo"
)

// Towns is the communes of at least some population, with their running total.
type Towns struct {
	list  []geo.Commune
	cumul []float64
}

// New returns the communes of at least minPopulation inhabitants.
func New(minPopulation int) *Towns {
	t := &Towns{}
	var total float64
	for c := range geo.Communes() {
		if c.Kind != geo.KindCommune || c.Population < max(minPopulation, 1) {
			continue
		}
		total += float64(c.Population)
		t.list = append(t.list, c)
		t.cumul = append(t.cumul, total)
	}
	return t
}

// Pick draws one commune, a city of 100,000 a hundred times as often as a
// village of 1,000.
func (t *Towns) Pick(r *rand.Rand) geo.Commune {
	x := r.Float64() * t.cumul[len(t.cumul)-1]
	return t.list[min(sort.SearchFloat64s(t.cumul, x), len(t.list)-1)]
}
