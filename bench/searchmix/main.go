// Command searchmix writes the mix of directory searches that scripts/bench
// loads (bench/load -urls): what referents, steering and structures type
// into the directory, on the national directory of `passerelle bench-data`.
// It prints one "label<TAB>path" line per search, the same for the same
// seed:
//
//	searchmix [-n 1000] [-seed 1] [-form api|page]
//
// -form api writes /api/v1/structures?… (limit/offset), -form page the
// page /annuaire?… (page=N). Places are real communes drawn by population,
// since people search from where they live. The shares:
//
//	near+need     30 %  modality, age and need within N minutes of a commune
//	near+type     15 %  a structure type within N minutes of a commune
//	text          15 %  words: "saint", "mecs", a type and a city…
//	text+filters  10 %  words with a type or a modality
//	dep+offer     15 %  a modality and an age in a département
//	type+dep      10 %  one or two types in a département
//	next pages     5 %  pages 2 to 4 of a département's list
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"

	"passerelle/bench/towns"
)

// need is a search someone makes for a child: a modality, a need (may be
// empty) and the ages it is made for.
type need struct {
	modality, need string
	ageMin, ageMax int
}

var needs = []need{
	{"respite", "behaviour", 6, 14},
	{"residential", "", 6, 17},
	{"emergency", "", 3, 17},
	{"day_care", "intellectual", 6, 18},
	{"home_school", "autism", 3, 16},
	{"consultation", "psychic", 2, 16},
	{"foster", "", 0, 12},
	{"mobile", "autism", 3, 18},
	{"residential", "parenthood", 0, 2},
	{"home_school", "motor", 3, 16},
	{"respite", "multiple", 5, 18},
	{"day_care", "behaviour", 8, 14},
	{"sequential", "", 8, 16},
}

var (
	types   = []string{"mecs", "ime", "sessad", "ditep", "lva", "placement_familial", "cmpp", "pedopsychiatrie", "foyer_enfance", "camsp", "aemo"}
	words   = []string{"saint", "mecs", "ime", "sessad", "foyer", "cmpp", "tilleuls", "lieu de vie", "placement familial", "st etienne", "maison d'enfants", "hirondelles"}
	typeWrd = []string{"mecs", "ime", "sessad", "itep", "cmp", "foyer"}
	minutes = []int{20, 30, 45, 45, 60, 90}
)

// kinds and their shares, in the order of the package comment.
var kinds = []struct {
	label  string
	weight int
}{{"near+need", 30}, {"near+type", 15}, {"text", 15}, {"text+filters", 10}, {"dep+offer", 15}, {"type+dep", 10}, {"next pages", 5}}

func main() {
	n := flag.Int("n", 1000, "number of searches")
	seed := flag.Uint64("seed", 1, "random seed")
	form := flag.String("form", "api", "api (/api/v1/structures) or page (/annuaire)")
	flag.Parse()
	if *n < 1 || (*form != "api" && *form != "page") || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: searchmix [-n 1000] [-seed 1] [-form api|page]")
		os.Exit(2)
	}
	for _, l := range mix(*n, *seed, *form) {
		fmt.Println(l)
	}
}

// mix returns n lines "label<TAB>path".
func mix(n int, seed uint64, form string) []string {
	r := rand.New(rand.NewPCG(seed, 2))
	everywhere, cities := towns.New(1), towns.New(50_000)
	var weights []int
	for _, k := range kinds {
		weights = append(weights, k.weight)
	}
	out := make([]string, 0, n)
	for range n {
		k := kinds[weighted(r, weights)].label
		q := url.Values{}
		page := 1
		c := everywhere.Pick(r)
		switch k {
		case "near+need":
			nd := needs[r.IntN(len(needs))]
			addNeed(r, q, nd)
			q.Set("pres_de", c.Code)
			q.Set("minutes", strconv.Itoa(minutes[r.IntN(len(minutes))]))
		case "near+type":
			q.Set("type", types[r.IntN(len(types))])
			q.Set("pres_de", c.Code)
			q.Set("minutes", strconv.Itoa(minutes[r.IntN(len(minutes))]))
		case "text":
			if r.IntN(2) == 0 {
				q.Set("q", words[r.IntN(len(words))])
			} else {
				q.Set("q", typeWrd[r.IntN(len(typeWrd))]+" "+cities.Pick(r).Name)
			}
		case "text+filters":
			q.Set("q", words[r.IntN(len(words))])
			if r.IntN(2) == 0 {
				q.Set("type", types[r.IntN(len(types))])
			} else {
				addNeed(r, q, needs[r.IntN(len(needs))])
			}
		case "dep+offer":
			addNeed(r, q, needs[r.IntN(len(needs))])
			q.Set("departement", c.Departement)
		case "type+dep":
			q.Add("type", types[r.IntN(len(types))])
			if r.IntN(3) == 0 {
				q.Add("type", types[r.IntN(len(types))])
			}
			q.Set("departement", c.Departement)
		case "next pages":
			if r.IntN(2) == 0 {
				q.Set("type", types[r.IntN(3)]) // the commonest types have pages
			}
			q.Set("departement", cities.Pick(r).Departement)
			page = 2 + r.IntN(3)
		}
		out = append(out, k+"\t"+path(form, q, page))
	}
	return out
}

// addNeed sets a modality, an age within its range and the need if any.
func addNeed(r *rand.Rand, q url.Values, nd need) {
	q.Set("modalite", nd.modality)
	q.Set("age", strconv.Itoa(nd.ageMin+r.IntN(nd.ageMax-nd.ageMin+1)))
	if nd.need != "" {
		q.Set("besoin", nd.need)
	}
}

// path writes the search for the API or the page; both show 20 results.
func path(form string, q url.Values, page int) string {
	if form == "page" {
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		return "/annuaire?" + q.Encode()
	}
	if page > 1 {
		q.Set("offset", strconv.Itoa(20*(page-1)))
	}
	return "/api/v1/structures?" + q.Encode()
}

func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
