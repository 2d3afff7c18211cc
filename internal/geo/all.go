package geo

import "iter"

// Communes returns every commune and municipal arrondissement, sorted by
// INSEE code, as copies. Paris, Lyon and Marseille come both as communes
// (75056, 69123, 13055) and as their arrondissements: a caller that sums
// populations keeps one or the other (Commune.Kind, Commune.Parent).
func Communes() iter.Seq[Commune] {
	return func(yield func(Commune) bool) {
		for _, c := range idx().communes {
			if !yield(clone(c)) {
				return
			}
		}
	}
}
