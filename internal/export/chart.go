package export

import (
	"math"
	"strconv"
	"strings"
)

// ChartKind is how a chart draws its figures.
type ChartKind string

const (
	// ChartBar draws one bar per category, grouped when there are
	// several series.
	ChartBar ChartKind = "bar"
	// ChartStacked draws one bar per category, the series stacked.
	ChartStacked ChartKind = "stacked"
	// ChartPie draws the shares of the first series.
	ChartPie ChartKind = "pie"
	// ChartLine draws series over time: categories are periods.
	ChartLine ChartKind = "line"
)

// Chart is the figures of a chart, drawn as SVG in pages and on PDF pages
// alike. A chart is always shown beside a table of the same figures, so
// that nothing is said by the drawing alone.
type Chart struct {
	Kind       ChartKind
	Title      string
	Unit       string // "places", "%", "jours"… shown on the axis and in the labels
	Categories []string
	Series     []Series
}

// Series is one named row of figures, one value per category.
type Series struct {
	Name   string
	Values []Value
}

// Value is a figure, or one hidden by statistical secrecy: a hidden value
// is drawn as nothing and labelled with Label ("< 5", "s").
type Value struct {
	N      float64
	Hidden bool
	Label  string // what to print instead of N when not empty
}

// Whole reports whether every figure of the chart is a whole number.
func (c Chart) Whole() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !v.Hidden && v.N != math.Trunc(v.N) {
				return false
			}
		}
	}
	return true
}

// Ticks returns the axis ticks from 0 to at least max: 2 to 5 steps
// of 1, 2, 2.5 or 5 × 10^k, few enough that their labels do not touch on a
// phone. whole: the figures are counts, so the steps are whole numbers
// (no "2,5 structures").
func Ticks(max float64, whole bool) []float64 {
	if !(max > 0) || math.IsInf(max, 0) {
		return []float64{0, 1}
	}
	raw := max / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if whole && m*pow != math.Trunc(m*pow) {
			continue
		}
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	var ticks []float64
	for k := 0; ; k++ {
		// Rounded to 12 digits: 3 × 0.2 is 0.6, not 0.6000000000000001.
		t, _ := strconv.ParseFloat(strconv.FormatFloat(float64(k)*step, 'g', 12, 64), 64)
		ticks = append(ticks, t)
		if t >= max-step*1e-9 {
			return ticks
		}
	}
}

// UnitOf is unit as it reads after n, in French: singular below 2
// ("1 structure", "0 place"), as given otherwise. Units that do not end in
// -s, or that end in -s in the singular too, are left alone.
func UnitOf(n float64, unit string) string {
	if math.Abs(n) >= 2 || !strings.HasSuffix(unit, "s") || invariable[unit] {
		return unit
	}
	words := strings.Fields(unit)
	if len(words) == 0 {
		return unit
	}
	// "structures interrogées" → "structure interrogée": every word of
	// the unit agrees.
	for i, w := range words {
		if strings.HasSuffix(w, "s") && !invariable[w] {
			words[i] = strings.TrimSuffix(w, "s")
		}
	}
	return strings.Join(words, " ")
}

// invariable are the units whose singular ends in -s.
var invariable = map[string]bool{"refus": true, "mois": true, "fois": true}
