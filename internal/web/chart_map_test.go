package web

import (
	"slices"
	"strings"
	"testing"

	"passerelle/internal/export"
)

func TestDepMapDrawsEveryDepartement(t *testing.T) {
	m := DepMap{Title: "Places <disponibles>", Unit: "places", Href: "/tableaux-de-bord/departement/%s?x=1&y=2",
		Values: map[string]export.Value{
			"33": {N: 42}, "2a": {N: 7}, "974": {N: 120}, "75": {N: 3},
			"48": {N: secretN, Hidden: true, Label: "< 5"},
			"23": {N: 2, Hidden: true},
		}}
	out := string(depMapSVG(m))
	root := parseXML(t, out)
	svg := root.child("div").child("svg")
	if svg == nil || svg.child("title").text != "Places <disponibles>" || svg.child("desc") == nil {
		t.Fatalf("map: %s", out[:min(len(out), 600)])
	}
	titles := map[string]string{} // by link
	focusable, inset := 0, 0
	for _, a := range svg.all("a") {
		tt := a.child("title")
		if tt == nil {
			t.Errorf("link without title: %v", a.attrs)
			continue
		}
		if a.attrs["tabindex"] == "-1" {
			inset++
			continue
		}
		focusable++
		titles[a.attrs["href"]] = tt.text
	}
	if focusable != 101 || len(titles) != 101 || inset != 4 {
		t.Errorf("%d focusable links to %d départements, %d in the inset; want 101, 101, 4", focusable, len(titles), inset)
	}
	for href, want := range map[string]string{
		"/tableaux-de-bord/departement/33?x=1&y=2":  "Gironde (33) : 42\u00a0places",
		"/tableaux-de-bord/departement/2A?x=1&y=2":  "Corse-du-Sud (2A) : 7\u00a0places",
		"/tableaux-de-bord/departement/974?x=1&y=2": "La Réunion (974) : 120\u00a0places",
		"/tableaux-de-bord/departement/48?x=1&y=2":  "Lozère (48) : < 5 (secret statistique)",
		"/tableaux-de-bord/departement/23?x=1&y=2":  "Creuse (23) : s (secret statistique)",
		"/tableaux-de-bord/departement/01?x=1&y=2":  "Ain (01) : pas de donnée",
	} {
		if titles[href] != want {
			t.Errorf("%s: title %q, want %q", href, titles[href], want)
		}
	}
	if hasSecret(out) {
		t.Error("the hidden value shows")
	}
	legend := root.child("div").child("div").allText()
	for _, want := range []string{"< 5, s : valeur protégée (secret statistique)", "pas de donnée", "7\u00a0places", "120\u00a0places"} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend %q lacks %q", legend, want)
		}
	}
	if !strings.Contains(out, "CC BY 4.0") || !strings.Contains(out, "Victor Cazanave") {
		t.Error("no attribution under the map")
	}

	// Without links: an image, its départements not focusable.
	m.Href = ""
	out = string(depMapSVG(m))
	svg = parseXML(t, out).child("div").child("svg")
	if svg.attrs["role"] != "img" || len(svg.all("a")) != 0 || strings.Contains(out, "tabindex") {
		t.Errorf("map without links: role %q, %d links", svg.attrs["role"], len(svg.all("a")))
	}
	if n := len(svg.all("path")); n != 96 {
		t.Errorf("%d outlines, want 96", n)
	}
}

func TestDepMapClasses(t *testing.T) {
	// Few distinct values: one class each, light to dark.
	c := classify([]float64{3, 10, 3, 7})
	if got := c.labels("places"); strings.Join(got, "|") != "3\u00a0places|7\u00a0places|10\u00a0places" {
		t.Errorf("labels %q", got)
	}
	if f := c.fills(); f[0] != mapClasses[0] || f[2] != mapClasses[4] {
		t.Errorf("fills %v", f)
	}
	// Many values: five classes from rounded quintiles, each value in
	// the class its bounds say.
	var vs []float64
	for i := 1; i <= 100; i++ {
		vs = append(vs, float64(i*i))
	}
	c = classify(vs)
	if len(c.breaks) != 4 || !slices.IsSorted(c.breaks) {
		t.Fatalf("breaks %v", c.breaks)
	}
	labels := c.labels("")
	if labels[0] != "moins de 440" || labels[4] != "6\u202f600 ou plus" || labels[1] != "de 440 à moins de 1\u202f700" {
		t.Errorf("labels %q (breaks %v)", labels, c.breaks)
	}
	counts := make([]int, 5)
	for _, v := range vs {
		k := c.class(v)
		counts[k]++
		if (k > 0 && v < c.breaks[k-1]) || (k < 4 && v >= c.breaks[k]) {
			t.Errorf("%v in class %d (breaks %v)", v, k, c.breaks)
		}
	}
	for k, n := range counts {
		if n < 15 || n > 25 {
			t.Errorf("class %d has %d values of 100", k, n)
		}
	}
}
