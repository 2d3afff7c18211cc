package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/export"
)

// Drawing helpers shared by the charts and the map: escaping, French
// numbers, the palette, "nice" axis ticks, text measurement and wrapping.

// chartPalette is the Okabe–Ito palette, safe for colour-blind readers,
// ordered so that the first colours have at least 3:1 contrast on white,
// then four of Paul Tol's muted ones, so that a table of up to twelve
// columns (the requests by outcome and refusal reason) draws no two
// series alike.
var chartPalette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A5C00", "#56B4E9", "#000000", "#E69F00",
	"#882255", "#44AA99", "#332288", "#999933"}

const (
	chartInk    = "#1c2430"
	chartMuted  = "#525f70"
	chartGrid   = "#d5dbe3"
	chartHatch  = "#6b7787"
	chartWidth  = 340.0 // viewBox width: about a phone's content, so text keeps its size there
	chartFont   = 13.0
	chartSmall  = 11.0
	chartHidden = "s" // label of a hidden value that has none
)

// chartSeq makes the ids of a page's SVG elements unique.
var chartSeq atomic.Uint64

func chartID(kind string) string {
	return kind + "-" + strconv.FormatUint(chartSeq.Add(1), 10)
}

// svgEsc escapes text for SVG content and attributes, dropping the control
// characters that XML does not allow.
func svgEsc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t') {
			return -1
		}
		if r == '\t' {
			return ' '
		}
		return r
	}, s)
	return template.HTMLEscapeString(s)
}

// chartNumber prints n the French way: "1 234", "12,5", "0,25".
func chartNumber(n float64) string {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return "–"
	}
	prec := 2
	if math.Abs(n) >= 10 {
		prec = 1
	}
	s := strconv.FormatFloat(n, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u202f') // narrow no-break space
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "," + frac
	}
	if neg {
		out = "−" + out
	}
	return out
}

// chartWithUnit adds the unit to a printed number: "42 places", "12,5 %".
func chartWithUnit(s, unit string) string {
	unit = strings.TrimSpace(unit)
	if unit == "" {
		return s
	}
	return s + "\u00a0" + unit
}

// chartHiddenLabel is what is printed for a hidden value.
func chartHiddenLabel(v export.Value) string {
	if l := strings.TrimSpace(v.Label); l != "" {
		return l
	}
	return chartHidden
}

// chartValueText is how a value is printed in labels and descriptions. A
// hidden value prints its label only, never its number.
func chartValueText(v export.Value, unit string) string {
	if v.Hidden {
		return chartHiddenLabel(v)
	}
	if l := strings.TrimSpace(v.Label); l != "" {
		return l
	}
	return chartWithUnit(chartNumber(v.N), export.UnitOf(v.N, unit))
}

// chartVisible tells whether a value is drawn: hidden values and values that
// are not numbers are not.
func chartVisible(v export.Value) bool {
	return !v.Hidden && !math.IsNaN(v.N) && !math.IsInf(v.N, 0)
}

// chartValueAt returns a series' value for category i; a missing value is
// treated as hidden with no label, so that nothing is drawn for it.
func chartValueAt(s export.Series, i int) (export.Value, bool) {
	if i < len(s.Values) {
		return s.Values[i], true
	}
	return export.Value{}, false
}

// svgTextWidth estimates the width of s in a sans-serif font of size px.
// Good enough to place labels and wrap them; the browser draws the text.
func svgTextWidth(s string, px float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u00a0' || r == '\u202f':
			w += 0.32
		case strings.ContainsRune("iljtfrI.,;:!'’()[]|", r):
			w += 0.36
		case strings.ContainsRune("mwMW%", r):
			w += 0.95
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			w += 0.7
		default:
			w += 0.62
		}
	}
	return w * px
}

// svgWrap cuts s into at most maxLines lines of width w; the last line
// ends with "…" when the text does not fit. truncated tells whether
// something was cut.
func svgWrap(s string, px, w float64, maxLines int) (lines []string, truncated bool) {
	var all []string
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur != "" && svgTextWidth(cur+" "+word, px) > w {
			all = append(all, cur)
			cur = ""
		}
		if cur == "" {
			cur = word
		} else {
			cur += " " + word
		}
	}
	if cur != "" {
		all = append(all, cur)
	}
	if maxLines > 0 && len(all) > maxLines {
		all = append(all[:maxLines-1], strings.Join(all[maxLines-1:], " "))
	}
	for _, l := range all {
		cut := svgEllipsis(l, px, w)
		truncated = truncated || cut != l
		lines = append(lines, cut)
	}
	return lines, truncated
}

// svgEllipsis shortens s to width w, ending it with "…" when cut.
func svgEllipsis(s string, px, w float64) string {
	if svgTextWidth(s, px) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && svgTextWidth(string(r)+"…", px) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// svgNum prints a coordinate with at most one decimal.
func svgNum(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

// chartSVGStart opens an accessible SVG: its title and description are its
// accessible name and description.
func chartSVGStart(b *strings.Builder, id, class string, w, h float64, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="%s" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-t" aria-describedby="%s-d">`,
		class, svgNum(w), svgNum(h), id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgEsc(title), id, svgEsc(desc))
}

// chartAssemble wraps a chart's drawing of height h in its SVG element,
// with the hatch pattern when a value is hidden.
func chartAssemble(id string, c export.Chart, h float64, hatch bool, body string) string {
	var b strings.Builder
	chartSVGStart(&b, id, "chart chart-"+string(c.Kind), chartWidth, h, chartTitleText(c.Title), chartDesc(c))
	if hatch {
		chartHatchDef(&b, id, 6)
	}
	b.WriteString(body)
	b.WriteString(`</svg>`)
	return b.String()
}

// chartHatchDef defines the pattern that marks values protected by statistical
// secrecy.
func chartHatchDef(b *strings.Builder, id string, size float64) {
	fmt.Fprintf(b, `<defs><pattern id="%s-hatch" patternUnits="userSpaceOnUse" width="%s" height="%s" patternTransform="rotate(45)">`+
		`<rect width="%s" height="%s" fill="#fff"/><line x1="0" y1="0" x2="0" y2="%s" stroke="%s" stroke-width="%s"/></pattern></defs>`,
		id, svgNum(size), svgNum(size), svgNum(size), svgNum(size), svgNum(size), chartHatch, svgNum(size/2.5))
}

// chartTitleText is a chart's title, never empty.
func chartTitleText(title string) string {
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return "Graphique"
}

// chartDesc summarises the figures in French: "Admission : 42 places ;
// Répit : < 5". With several series, each is introduced by its name.
func chartDesc(c export.Chart) string {
	var parts []string
	for _, s := range c.Series {
		var items []string
		for i, cat := range c.Categories {
			v, ok := chartValueAt(s, i)
			if !ok {
				continue
			}
			items = append(items, strings.TrimSpace(cat)+" : "+chartValueText(v, c.Unit))
		}
		text := strings.Join(items, " ; ")
		if len(c.Series) > 1 || (c.Kind == export.ChartPie && strings.TrimSpace(s.Name) != "") {
			text = strings.TrimSpace(s.Name) + " — " + text
		}
		parts = append(parts, text)
		if c.Kind == export.ChartPie {
			break
		}
	}
	return strings.Join(parts, ". ") + "."
}

// chartEmpty is what stands for a chart with nothing to draw.
func chartEmpty(c export.Chart) template.HTML {
	msg := "Aucune donnée à représenter."
	if t := strings.TrimSpace(c.Title); t != "" {
		msg = "« " + t + " » : aucune donnée à représenter."
	}
	return template.HTML(`<p class="chart-empty">` + svgEsc(msg) + `</p>`)
}

// chartIsEmpty tells whether a chart has nothing to draw: no categories, no
// series, or every value zero (hidden values are something to show).
func chartIsEmpty(c export.Chart) bool {
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return true
	}
	for _, s := range c.Series {
		for i := range c.Categories {
			v, ok := chartValueAt(s, i)
			if ok && (v.Hidden || (chartVisible(v) && v.N != 0)) {
				return false
			}
		}
	}
	return true
}

// chartHiddenNote is the legend of the hatch that marks protected values.
const chartHiddenNote = "valeur protégée (secret statistique)"

// chartLegend draws the series' swatches and names from y, wrapping rows to
// the chart's width, then the hatch's meaning when hatchID is set; it
// returns the y under it.
func chartLegend(b *strings.Builder, names []string, hatchID string, y float64) float64 {
	if len(names) == 0 && hatchID == "" {
		return y
	}
	const px, sw, gap, line = chartSmall + 1, 12.0, 14.0, 18.0
	x := 4.0
	fmt.Fprintf(b, `<g class="chart-legend" font-size="%s">`, svgNum(px))
	item := func(name, fill string) {
		name = svgEllipsis(strings.TrimSpace(name), px, chartWidth-8-sw-6)
		w := sw + 6 + svgTextWidth(name, px)
		if x > 4 && x+w > chartWidth-4 {
			x = 4
			y += line
		}
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="0.5"/>`, svgNum(x), svgNum(y), svgNum(sw), svgNum(sw), fill, chartMuted)
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s">%s</text>`, svgNum(x+sw+5), svgNum(y+sw-1.5), chartInk, svgEsc(name))
		x += w + gap
	}
	for i, name := range names {
		item(name, chartPalette[i%len(chartPalette)])
	}
	if hatchID != "" {
		item(chartHiddenNote, "url(#"+hatchID+")")
	}
	b.WriteString(`</g>`)
	return y + line + 4
}

// chartSeriesNames returns the names of the series when there are several
// (one series needs no legend).
func chartSeriesNames(c export.Chart) []string {
	if len(c.Series) < 2 {
		return nil
	}
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
		if strings.TrimSpace(s.Name) == "" {
			names[i] = "Série " + strconv.Itoa(i+1)
		}
	}
	return names
}

// chartAnyHidden tells whether a chart hides a value.
func chartAnyHidden(c export.Chart) bool {
	for _, s := range c.Series {
		for i := range c.Categories {
			if v, ok := chartValueAt(s, i); ok && v.Hidden {
				return true
			}
		}
	}
	return false
}
