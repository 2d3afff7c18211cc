package directory

import (
	"slices"
	"testing"
)

func TestOfferMatch(t *testing.T) {
	age := func(n int) *int { return &n }
	respite := Offer{Modality: "respite", AgeMin: 6, AgeMax: 14, Public: "mixed", Needs: []string{"behaviour", "autism"}}
	boys := Offer{Modality: "residential", AgeMin: 12, AgeMax: 18, Public: "boys"}
	for _, c := range []struct {
		name  string
		f     offerFilter
		offer Offer
		want  bool
	}{
		{"no condition", offerFilter{}, respite, true},
		{"modality", offerFilter{modality: "respite"}, respite, true},
		{"other modality", offerFilter{modality: "emergency"}, respite, false},
		{"lowest age", offerFilter{age: age(6)}, respite, true},
		{"highest age", offerFilter{age: age(14)}, respite, true},
		{"too young", offerFilter{age: age(5)}, respite, false},
		{"too old", offerFilter{age: age(15)}, respite, false},
		{"need among several", offerFilter{need: "autism"}, respite, true},
		{"need absent", offerFilter{need: "motor"}, respite, false},
		{"mixed takes girls", offerFilter{public: "girls"}, respite, true},
		{"boys only", offerFilter{public: "boys"}, boys, true},
		{"boys only refuses girls", offerFilter{public: "girls"}, boys, false},
		{"all at once", offerFilter{modality: "respite", age: age(9), need: "behaviour", public: "boys"}, respite, true},
		{"all but one", offerFilter{modality: "respite", age: age(9), need: "motor", public: "boys"}, respite, false},
	} {
		if got := c.f.compile().match(keyOf(c.offer)); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPickKeepsOrderAndNeverSharesAWritableSlice(t *testing.T) {
	// Room for a fourth offer, as a slice built by appends has.
	offers := append(make([]Offer, 0, 4), Offer{ID: "a", Modality: "respite"}, Offer{ID: "b", Modality: "residential"},
		Offer{ID: "c", Modality: "respite"})
	e := catEntry{offers: offers}
	for _, o := range offers {
		e.keys = append(e.keys, keyOf(o))
	}
	ids := func(os []Offer) (out []string) {
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	for _, c := range []struct {
		f    offerFilter
		want []string
	}{
		{offerFilter{}, []string{"a", "b", "c"}},
		{offerFilter{modality: "respite"}, []string{"a", "c"}},
		{offerFilter{modality: "residential"}, []string{"b"}},
		{offerFilter{modality: "emergency"}, nil},
	} {
		got := e.pick(c.f.compile())
		if !slices.Equal(ids(got), c.want) {
			t.Errorf("%+v: %q, want %q", c.f, ids(got), c.want)
		}
		_ = append(got, Offer{ID: "x"}) // must not write into the catalogue
		if offers[:4][3].ID == "x" {
			t.Fatalf("pick let an append change the catalogue")
		}
	}
}
