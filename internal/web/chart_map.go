package web

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"passerelle/internal/export"
	"passerelle/internal/geo"
	"passerelle/internal/web/depmap"
)

// The map of the départements: metropolitan France drawn from depmap's
// outlines, Paris and its petite couronne enlarged in a box, the overseas
// départements as boxes down the Atlantic side. Colours are five classes
// of a sequential blue (readable by colour-blind readers); the legend,
// under the map, is HTML so that it stays legible on a phone.

// mapClasses are the fills of the five classes, light to dark.
var mapClasses = []string{"#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

const (
	mapNoData = "#e4e4e4"
	mapStroke = "#ffffff"
)

// petiteCouronne is what the enlarged box shows.
var petiteCouronne = []string{"75", "92", "93", "94"}

// mapClassing is how values are put in classes: the lower bound of each
// class but the first.
type mapClassing struct {
	breaks []float64 // ascending; len(breaks)+1 classes
	exact  []float64 // when few distinct values, one class per value
}

// classify makes at most five classes from the visible values: one per
// value when there are five or fewer distinct ones, else quintiles
// rounded to two significant digits.
func classify(values []float64) mapClassing {
	vs := slices.Clone(values)
	slices.Sort(vs)
	distinct := slices.Compact(slices.Clone(vs))
	if len(distinct) <= len(mapClasses) {
		return mapClassing{exact: distinct}
	}
	var breaks []float64
	for k := 1; k < len(mapClasses); k++ {
		b := roundSignificant(vs[k*len(vs)/len(mapClasses)])
		if b > vs[0] && (len(breaks) == 0 || b > breaks[len(breaks)-1]) {
			breaks = append(breaks, b)
		}
	}
	return mapClassing{breaks: breaks}
}

// roundSignificant rounds x to two significant digits: 1234 → 1200.
func roundSignificant(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	p := math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-1)
	return math.Round(x/p) * p
}

// class returns the class of n, from 0.
func (c mapClassing) class(n float64) int {
	if c.exact != nil {
		i, _ := slices.BinarySearch(c.exact, n)
		return min(i, len(c.exact)-1)
	}
	i := 0
	for i < len(c.breaks) && n >= c.breaks[i] {
		i++
	}
	return i
}

// fills are the colours of the classes, spread over the palette when
// there are fewer than five.
func (c mapClassing) fills() []string {
	n := len(c.breaks) + 1
	if c.exact != nil {
		n = len(c.exact)
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		j := len(mapClasses) - 1
		if n > 1 {
			j = int(math.Round(float64(i) * float64(len(mapClasses)-1) / float64(n-1)))
		}
		out[i] = mapClasses[j]
	}
	return out
}

// labels are the legend's words for each class.
func (c mapClassing) labels(unit string) []string {
	if c.exact != nil {
		out := make([]string, len(c.exact))
		for i, v := range c.exact {
			out[i] = chartWithUnit(chartNumber(v), unit)
		}
		return out
	}
	n := len(c.breaks)
	out := make([]string, n+1)
	for i := range out {
		switch {
		case i == 0:
			out[i] = "moins de " + chartWithUnit(chartNumber(c.breaks[0]), unit)
		case i == n:
			out[i] = chartWithUnit(chartNumber(c.breaks[n-1]), unit) + " ou plus"
		default:
			out[i] = "de " + chartNumber(c.breaks[i-1]) + " à moins de " + chartWithUnit(chartNumber(c.breaks[i]), unit)
		}
	}
	return out
}

// depName is "Gironde (33)".
func depName(code string) string {
	if d, ok := geo.DepartementByCode(code); ok {
		return d.Name + " (" + code + ")"
	}
	return code
}

// depMapSVG draws the map of the départements coloured by one indicator,
// its legend and the map's attribution. Each département has a tooltip
// ("Gironde (33) : 42 places"); hidden values are hatched, départements
// without a value are grey. With Href, each département is a link.
func depMapSVG(m DepMap) template.HTML {
	values := make(map[string]export.Value, len(m.Values))
	var shown []float64
	var hidden []string // the hidden values' labels
	for code, v := range m.Values {
		values[strings.ToUpper(strings.TrimSpace(code))] = v
		if chartVisible(v) {
			shown = append(shown, v.N)
		} else if l := chartHiddenLabel(v); !slices.Contains(hidden, l) {
			hidden = append(hidden, l)
		}
	}
	slices.Sort(hidden)
	classes := classify(shown)
	fills := classes.fills()
	id := chartID("depmap")
	hatch := id + "-hatch"

	look := func(code string) (fill, title string, dark bool) {
		v, ok := values[code]
		switch {
		case !ok:
			return mapNoData, depName(code) + " : pas de donnée", false
		case !chartVisible(v):
			return "url(#" + hatch + ")", depName(code) + " : " + chartHiddenLabel(v) + " (secret statistique)", false
		}
		k := classes.class(v.N)
		return fills[k], depName(code) + " : " + chartValueText(v, m.Unit), fills[k] == mapClasses[3] || fills[k] == mapClasses[4]
	}
	link := func(code string) string {
		if m.Href == "" {
			return ""
		}
		return svgEsc(fmt.Sprintf(m.Href, code))
	}

	shapes, w, h := depmap.Shapes()
	title := chartTitleText(m.Title)
	var b strings.Builder
	role := `role="img"`
	if m.Href != "" {
		role = `role="group"` // its links must stay reachable
	}
	fmt.Fprintf(&b, `<div class="depmap"><svg xmlns="http://www.w3.org/2000/svg" class="depmap-map" viewBox="0 0 %d %d" width="100%%" %s aria-labelledby="%s-t" aria-describedby="%s-d">`, w, h, role, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgEsc(title), id, svgEsc(mapDesc(m, values, shown)))
	chartHatchDef(&b, id, 14)

	for _, s := range shapes {
		fill, tip, _ := look(s.Code)
		path := fmt.Sprintf(`<path id="%s-%s" d="%s" fill="%s" stroke="%s" stroke-width="0.8" vector-effect="non-scaling-stroke"/>`, id, s.Code, s.Path, fill, mapStroke)
		if href := link(s.Code); href != "" {
			fmt.Fprintf(&b, `<a href="%s" class="depmap-dep"><title>%s</title>%s</a>`, href, svgEsc(tip), path)
		} else {
			fmt.Fprintf(&b, `<g class="depmap-dep"><title>%s</title>%s</g>`, svgEsc(tip), path)
		}
	}
	drawPetiteCouronne(&b, id, shapes, look, link)
	drawOverseas(&b, look, link)
	b.WriteString(`</svg>`)
	b.WriteString(mapLegend(m, classes, fills, id, hidden))
	fmt.Fprintf(&b, `<p class="depmap-source">%s <a href="%s">Licence</a>.</p></div>`, svgEsc(depmap.Attribution), depmap.AttributionURL)
	return template.HTML(b.String())
}

// mapDesc summarises the map: its range, what is hidden or missing.
func mapDesc(m DepMap, values map[string]export.Value, shown []float64) string {
	d := "Carte des départements selon « " + chartTitleText(m.Title) + " »"
	if len(shown) > 0 {
		lo, hi := slices.Min(shown), slices.Max(shown)
		d += " : de " + chartNumber(lo) + " à " + chartWithUnit(chartNumber(hi), m.Unit)
	}
	if n := len(values) - len(shown); n > 0 {
		d += fmt.Sprintf(" ; %d valeur(s) protégée(s) par le secret statistique", n)
	}
	if n := 101 - len(values); n > 0 {
		d += fmt.Sprintf(" ; %d département(s) sans donnée", n)
	}
	return d + ". Les chiffres sont dans le tableau."
}

// drawPetiteCouronne draws Paris and the three départements around it
// enlarged in a box in the Channel, and frames them on the map. The copies
// are hidden from assistive technologies and from the keyboard: the
// départements are already on the map.
func drawPetiteCouronne(b *strings.Builder, id string, shapes []depmap.Shape, look func(string) (string, string, bool), link func(string) string) {
	box := [4]int{math.MaxInt, math.MaxInt, math.MinInt, math.MinInt}
	for _, s := range shapes {
		if slices.Contains(petiteCouronne, s.Code) {
			box = [4]int{min(box[0], s.Box[0]), min(box[1], s.Box[1]), max(box[2], s.Box[2]), max(box[3], s.Box[3])}
		}
	}
	if box[0] > box[2] {
		return
	}
	const x0, y0, side, pad = 6.0, 6.0, 240.0, 12.0
	bw, bh := float64(box[2]-box[0]), float64(box[3]-box[1])
	k := (side - 2*pad) / max(bw, bh)
	tx := x0 + pad + (side-2*pad-bw*k)/2 - float64(box[0])*k
	ty := y0 + pad + (side-2*pad-bh*k)/2 - float64(box[1])*k
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s" stroke-width="1" stroke-dasharray="4 3" vector-effect="non-scaling-stroke" aria-hidden="true"/>`,
		box[0]-4, box[1]-4, box[2]-box[0]+8, box[3]-box[1]+8, chartMuted)
	fmt.Fprintf(b, `<g class="depmap-inset" aria-hidden="true"><rect x="%s" y="%s" width="%s" height="%s" fill="#fff" stroke="%s" stroke-width="1" vector-effect="non-scaling-stroke"/>`,
		svgNum(x0), svgNum(y0), svgNum(side), svgNum(side+34), chartMuted)
	for _, code := range petiteCouronne {
		_, tip, _ := look(code)
		use := fmt.Sprintf(`<use href="#%s-%s" transform="translate(%s %s) scale(%s)"/>`, id, code, svgNum(tx), svgNum(ty), strFloat(k))
		if href := link(code); href != "" {
			fmt.Fprintf(b, `<a href="%s" tabindex="-1" class="depmap-dep"><title>%s</title>%s</a>`, href, svgEsc(tip), use)
		} else {
			fmt.Fprintf(b, `<g class="depmap-dep"><title>%s</title>%s</g>`, svgEsc(tip), use)
		}
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="17" fill="%s">Paris et petite couronne</text></g>`, svgNum(x0+side/2), svgNum(y0+side+24), chartInk)
}

// strFloat prints a scale factor precisely enough.
func strFloat(x float64) string {
	return fmt.Sprintf("%.4g", x)
}

// drawOverseas draws the overseas départements as labelled boxes.
func drawOverseas(b *strings.Builder, look func(string) (string, string, bool), link func(string) string) {
	const x, w, h, gap = 10.0, 170.0, 96.0, 12.0
	y := 1170.0 - float64(len(depmap.Overseas))*(h+gap)
	for _, code := range depmap.Overseas {
		fill, tip, dark := look(code)
		ink := chartInk
		if dark {
			ink = "#ffffff"
		}
		name := code
		if d, ok := geo.DepartementByCode(code); ok {
			name = d.Name
		}
		shape := fmt.Sprintf(`<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="%s" stroke-width="1" vector-effect="non-scaling-stroke"/>`+
			`<text x="%s" y="%s" text-anchor="middle" font-size="30" font-weight="bold" fill="%s">%s</text>`+
			`<text x="%s" y="%s" text-anchor="middle" font-size="22" fill="%s">%s</text>`,
			svgNum(x), svgNum(y), svgNum(w), svgNum(h), fill, chartMuted,
			svgNum(x+w/2), svgNum(y+40), ink, svgEsc(code),
			svgNum(x+w/2), svgNum(y+74), ink, svgEsc(svgEllipsis(name, 22, w-12)))
		if href := link(code); href != "" {
			fmt.Fprintf(b, `<a href="%s" class="depmap-dep"><title>%s</title>%s</a>`, href, svgEsc(tip), shape)
		} else {
			fmt.Fprintf(b, `<g class="depmap-dep"><title>%s</title>%s</g>`, svgEsc(tip), shape)
		}
		y += h + gap
	}
}

// mapLegend is the legend under the map: the classes' bounds with the
// unit, then what hatched and grey mean.
func mapLegend(m DepMap, classes mapClassing, fills []string, id string, hidden []string) string {
	swatch := func(fill, extra string) string {
		return `<svg class="depmap-swatch" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">` + extra +
			`<rect x="0.5" y="0.5" width="15" height="15" fill="` + fill + `" stroke="` + chartMuted + `" stroke-width="1"/></svg>`
	}
	var b strings.Builder
	b.WriteString(`<div class="depmap-legend">`)
	if u := strings.TrimSpace(m.Unit); u != "" {
		b.WriteString(`<p>` + svgEsc(chartTitleText(m.Title)+" (en "+u+")") + `</p>`)
	}
	b.WriteString(`<ul>`)
	for i, l := range classes.labels(m.Unit) {
		b.WriteString(`<li>` + swatch(fills[i], "") + svgEsc(l) + `</li>`)
	}
	if len(hidden) > 0 {
		// The swatch has its own hatch: ids must not be shared with the
		// map, which may be drawn elsewhere on the page.
		var def strings.Builder
		chartHatchDef(&def, id+"-legend", 5)
		b.WriteString(`<li>` + swatch("url(#"+id+"-legend-hatch)", def.String()) + svgEsc(strings.Join(hidden, ", ")+" : "+chartHiddenNote) + `</li>`)
	}
	b.WriteString(`<li>` + swatch(mapNoData, "") + `pas de donnée</li></ul></div>`)
	return b.String()
}
