package geo

// Fold folds s as commune search does: accents and marks removed, lower
// case, every run of other characters one space. Other features use it so
// that "Saint-Étienne", "saint etienne" and "SAINT ETIENNE" agree everywhere.
func Fold(s string) string { return normalize(s) }

// IndexWords returns the words under which a name should be found: folded,
// ordinals written one way, abbreviations expanded ("St" → "saint"), and
// the elided words also glued to the next one ("l escale" → "lescale").
func IndexWords(name string) []string {
	words := nameWords(name)
	return append(words, joinElisions(words)...)
}

// QueryWord returns a folded query word as IndexWords writes it, and the
// abbreviation's full word when w is one ("st" → "saint", true): a query
// word that is an abbreviation should match both.
func QueryWord(w string) (word, expanded string, ok bool) {
	w = canonicalWord(w)
	full, ok := abbreviations[w]
	return w, full, ok
}
