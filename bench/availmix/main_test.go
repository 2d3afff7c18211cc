package main

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"passerelle/internal/capacity"
)

// The mix is the same for the same seed and day, keeps its shares, and
// every search is one the board accepts.
func TestMix(t *testing.T) {
	const today = capacity.Day("2027-03-03") // a Wednesday
	lines := mix(2000, 1, today)
	if len(lines) != 2000 || !slices.Equal(lines, mix(2000, 1, today)) {
		t.Fatal("the mix is not the same for the same seed")
	}
	count := map[string]int{}
	for _, line := range lines {
		label, path, ok := strings.Cut(line, "\t")
		if !ok || !strings.HasPrefix(path, "/api/v1/availability?") {
			t.Fatalf("line %q", line)
		}
		count[label]++
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		p := u.Query()
		q := capacity.Query{From: capacity.Day(p.Get("du")), To: capacity.Day(p.Get("au")), Kind: capacity.Kind(p.Get("nature")),
			Public: p.Get("public"), Modality: p.Get("modalite"), Departement: p.Get("departement"), Near: p.Get("pres_de")}
		if a := p.Get("age"); a != "" {
			n, err := strconv.Atoi(a)
			if err != nil {
				t.Fatalf("%s: age", path)
			}
			q.Age = &n
		}
		if m := p.Get("minutes"); m != "" {
			q.Within, _ = strconv.Atoi(m)
		}
		if _, err := capacity.NormalizeQuery(q, today); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if q.From < today || (q.To != "" && q.To < q.From) {
			t.Errorf("%s: dates", path)
		}
		if (q.Near == "") == strings.HasSuffix(label, "+near") {
			t.Errorf("%s: %s without a commune, or with one", label, path)
		}
		if label == "sequential+near" && q.From != "2027-03-06" && q.From != "2027-03-10" {
			t.Errorf("sequential from %s", q.From)
		}
	}
	for _, k := range kinds {
		share := float64(count[k.label]) / 2000 * 100
		if share < float64(k.weight)-4 || share > float64(k.weight)+4 {
			t.Errorf("%s: %.0f %%, want about %d %%", k.label, share, k.weight)
		}
	}
}
