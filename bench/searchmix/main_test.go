package main

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"passerelle/internal/geo"
)

func TestMix(t *testing.T) {
	api := mix(2000, 1, "api")
	if len(api) != 2000 || !slices.Equal(api, mix(2000, 1, "api")) {
		t.Fatal("the mix is not the same for the same seed")
	}
	count := map[string]int{}
	for _, line := range api {
		label, path, ok := strings.Cut(line, "\t")
		if !ok || !strings.HasPrefix(path, "/api/v1/structures?") {
			t.Fatalf("line %q", line)
		}
		count[label]++
		u, err := url.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if c := q.Get("pres_de"); c != "" {
			if _, ok := geo.CommuneByCode(c); !ok || q.Get("minutes") == "" {
				t.Errorf("%s: commune %s", path, c)
			}
		}
		if d := q.Get("departement"); d != "" {
			if _, ok := geo.DepartementByCode(d); !ok {
				t.Errorf("%s: département %s", path, d)
			}
		}
	}
	for _, k := range kinds {
		share := float64(count[k.label]) / 2000 * 100
		if share < float64(k.weight)-4 || share > float64(k.weight)+4 {
			t.Errorf("%s: %.0f %%, want about %d %%", k.label, share, k.weight)
		}
	}
	for _, line := range mix(200, 1, "page") {
		if _, path, _ := strings.Cut(line, "\t"); !strings.HasPrefix(path, "/annuaire?") || strings.Contains(path, "offset=") {
			t.Fatalf("page line %q", line)
		}
	}
}
