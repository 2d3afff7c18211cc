// Command availmix writes the mix of availability searches that
// scripts/bench loads (bench/load -urls) on the capacity board of the
// national directory written by `passerelle bench-data`: what ASE
// referents and structures ask the board. It prints one "label<TAB>path"
// line per search of GET /api/v1/availability, the same for the same seed
// and day:
//
//	availmix [-n 1000] [-seed 1] [-today YYYY-MM-DD]
//
// Dates (du, au) count from -today, by default today in Paris, since the
// board holds the coming weeks. Places are real communes drawn by
// population, since people search from where they live. The shares:
//
//	respite+near      30 %  respite of 1 to 6 days in the next 4 weeks, an age, within N minutes
//	emergency+near    15 %  an emergency place today, often an age, within N minutes
//	permanent+dep     15 %  a permanent place from a day of the next month, an age, in a département
//	any+near          12 %  anything free in the next two weeks within N minutes
//	dep board         10 %  everything free this week in a département
//	sequential+near    8 %  sequential reception next weekend or on a Wednesday, within N minutes
//	staff+dep          5 %  staff to lend in a département
//	next pages         3 %  pages 2 and 3 of a département's next four weeks
//	national respite   2 %  respite for an age anywhere in France
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"time"

	"passerelle/bench/towns"
	"passerelle/internal/capacity"
)

var minutes = []int{30, 45, 45, 60, 60, 90}

// kinds and their shares, in the order of the package comment.
var kinds = []struct {
	label  string
	weight int
}{{"respite+near", 30}, {"emergency+near", 15}, {"permanent+dep", 15}, {"any+near", 12}, {"dep board", 10},
	{"sequential+near", 8}, {"staff+dep", 5}, {"next pages", 3}, {"national respite", 2}}

func main() {
	n := flag.Int("n", 1000, "number of searches")
	seed := flag.Uint64("seed", 1, "random seed")
	today := flag.String("today", string(capacity.DayOf(time.Now())), "the day the dates count from (YYYY-MM-DD)")
	flag.Parse()
	day, ok := capacity.ParseDay(*today)
	if *n < 1 || !ok || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: availmix [-n 1000] [-seed 1] [-today YYYY-MM-DD]")
		os.Exit(2)
	}
	for _, l := range mix(*n, *seed, day) {
		fmt.Println(l)
	}
}

// mix returns n lines "label<TAB>path".
func mix(n int, seed uint64, today capacity.Day) []string {
	r := rand.New(rand.NewPCG(seed, 3))
	everywhere := towns.New(1)
	var weights []int
	for _, k := range kinds {
		weights = append(weights, k.weight)
	}
	out := make([]string, 0, n)
	for range n {
		k := kinds[weighted(r, weights)].label
		q := url.Values{}
		c := everywhere.Pick(r)
		near := func() {
			q.Set("pres_de", c.Code)
			q.Set("minutes", strconv.Itoa(minutes[r.IntN(len(minutes))]))
		}
		age := func(lo, hi int) { q.Set("age", strconv.Itoa(lo+r.IntN(hi-lo+1))) }
		period := func(from, days int) {
			q.Set("du", string(today.AddDays(from)))
			if days > 1 {
				q.Set("au", string(today.AddDays(from+days-1)))
			}
		}
		switch k {
		case "respite+near":
			q.Set("nature", string(capacity.KindRespite))
			period(r.IntN(28), 1+r.IntN(capacity.MaxRespiteDays))
			age(3, 16)
			if r.IntN(10) == 0 {
				q.Set("public", []string{"boys", "girls"}[r.IntN(2)])
			}
			near()
		case "emergency+near":
			q.Set("nature", string(capacity.KindEmergency))
			period(0, 1)
			if r.IntN(10) < 7 {
				age(0, 17)
			}
			near()
		case "permanent+dep":
			q.Set("nature", string(capacity.KindPermanent))
			period(r.IntN(31), 1)
			age(0, 17)
			if r.IntN(2) == 0 {
				q.Set("modalite", "residential")
			}
			q.Set("departement", c.Departement)
		case "any+near":
			period(0, 14)
			if r.IntN(2) == 0 {
				age(0, 17)
			}
			near()
		case "dep board":
			period(0, 7)
			q.Set("departement", c.Departement)
		case "sequential+near":
			q.Set("nature", string(capacity.KindSequential))
			// Next Saturday and Sunday, or the next Wednesday.
			wd := int(today.Time().Weekday())
			if r.IntN(2) == 0 {
				period(1+(12-wd)%7, 2)
			} else {
				period(1+(9-wd)%7, 1)
			}
			age(6, 17)
			near()
		case "staff+dep":
			q.Set("nature", string(capacity.KindStaff))
			period(0, 28)
			q.Set("departement", c.Departement)
		case "next pages":
			period(0, 28)
			q.Set("departement", c.Departement)
			q.Set("offset", strconv.Itoa(20*(1+r.IntN(2))))
		case "national respite":
			q.Set("nature", string(capacity.KindRespite))
			period(7+r.IntN(21), 1+r.IntN(capacity.MaxRespiteDays))
			age(6, 14)
		}
		out = append(out, k+"\t/api/v1/availability?"+q.Encode())
	}
	return out
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
