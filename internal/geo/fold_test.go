package geo_test

import (
	"slices"
	"testing"

	"passerelle/internal/geo"
)

func TestIndexWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Centre parental L'Escale", []string{"centre", "parental", "l", "escale", "centre", "parental", "lescale"}},
		{"MECS St-Just (Loire)", []string{"mecs", "saint", "just", "loire"}},
		{"Foyer 1ère étape", []string{"foyer", "1er", "etape"}},
		{"", nil},
	} {
		if got := geo.IndexWords(c.in); !slices.Equal(got, c.want) {
			t.Errorf("IndexWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQueryWord(t *testing.T) {
	for _, c := range []struct {
		in, word, full string
		ok             bool
	}{
		{"st", "st", "saint", true},
		{"ste", "ste", "sainte", true},
		{"etienne", "etienne", "", false},
		{"3eme", "3e", "", false},
	} {
		w, full, ok := geo.QueryWord(c.in)
		if w != c.word || full != c.full || ok != c.ok {
			t.Errorf("QueryWord(%q) = %q %q %v", c.in, w, full, ok)
		}
	}
	if got := geo.Fold("SAINT-ÉTIENNE  (42)"); got != "saint etienne 42" {
		t.Errorf("Fold = %q", got)
	}
}
