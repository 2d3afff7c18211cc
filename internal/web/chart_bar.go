package web

import (
	"fmt"
	"slices"
	"strings"

	"passerelle/internal/export"
)

// Bars are horizontal, each category's label above its bars: long French
// labels then use the whole width, on a phone as on a screen.

const (
	barLabelLine = 16.0 // line height of a category label
	barGap       = 12.0 // between categories
	barLeft      = 4.0
)

// barMark is one drawn bar (or segment) and what it says.
type barMark struct {
	x, y, w, h float64
	fill       string
	title      string
}

// barSVG draws a bar chart (grouped when several series) or a stacked one.
func barSVG(c export.Chart) string {
	stacked := c.Kind == export.ChartStacked
	id := chartID("chart")
	hatch := id + "-hatch"
	hidden := chartAnyHidden(c)

	// The scale counts visible values only: a hidden value must not
	// stretch the axis, nor anything else.
	maxV := 0.0
	var ends []string // the text printed after each category's bars
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			v, ok := chartValueAt(s, i)
			if !ok || !chartVisible(v) {
				continue
			}
			if stacked {
				sum += max(v.N, 0)
			} else {
				maxV = max(maxV, v.N)
				ends = append(ends, chartValueText(v, c.Unit))
			}
		}
		maxV = max(maxV, sum)
		if stacked {
			ends = append(ends, chartStackEnd(c, i))
		}
	}
	ticks := export.Ticks(maxV, c.Whole())
	top := ticks[len(ticks)-1]
	endW := 0.0
	for _, e := range ends {
		endW = max(endW, svgTextWidth(e, chartSmall))
	}
	endW = min(endW+24, 150) // room for the hatch marker and the text
	x1 := chartWidth - 4 - endW
	scale := (x1 - barLeft) / top

	var b strings.Builder
	y := chartLegend(&b, chartSeriesNames(c), chartIfHatch(hidden, hatch), 4)

	barH := 18.0
	if !stacked && len(c.Series) > 1 {
		barH = 13
	}
	var grid, marks strings.Builder
	for i, cat := range c.Categories {
		lines, cut := svgWrap(strings.TrimSpace(cat), chartFont, chartWidth-8, 2)
		marks.WriteString(`<text class="chart-cat" font-size="13" fill="` + chartInk + `">`)
		if cut {
			marks.WriteString(`<title>` + svgEsc(cat) + `</title>`)
		}
		for j, l := range lines {
			fmt.Fprintf(&marks, `<tspan x="%s" y="%s">%s</tspan>`, svgNum(barLeft), svgNum(y+chartFont+float64(j)*barLabelLine), svgEsc(l))
		}
		marks.WriteString(`</text>`)
		y += float64(max(len(lines), 1))*barLabelLine + 4
		bandTop := y - 2
		if stacked {
			chartDrawStack(&marks, c, i, y, barH, scale, hatch)
			y += barH
		} else {
			for si, s := range c.Series {
				chartDrawBar(&marks, c, s, si, i, y, barH, scale, hatch)
				y += barH + 2
			}
			y -= 2
		}
		for _, t := range ticks {
			x := barLeft + t*scale
			color := chartGrid
			if t == 0 {
				color = chartMuted
			}
			fmt.Fprintf(&grid, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, svgNum(x), svgNum(bandTop), svgNum(x), svgNum(y+2), color)
		}
		y += barGap
	}
	b.WriteString(`<g class="chart-grid" aria-hidden="true">` + grid.String() + `</g>`)
	b.WriteString(marks.String())
	y = chartAxisBelow(&b, ticks, scale, y, c.Unit)

	return chartAssemble(id, c, y, hidden, b.String())
}

// chartIfHatch is the hatch id when a value is hidden.
func chartIfHatch(hidden bool, id string) string {
	if hidden {
		return id
	}
	return ""
}

// chartMarkTitle is the tooltip of a bar: "Admission — Garçons : 42 places".
func chartMarkTitle(cat, series string, v export.Value, unit string) string {
	t := strings.TrimSpace(cat)
	if s := strings.TrimSpace(series); s != "" {
		t += " — " + s
	}
	t += " : " + chartValueText(v, unit)
	if v.Hidden {
		t += " (secret statistique)"
	}
	return t
}

// chartDrawBar draws one series' bar for category i, or, for a hidden value,
// the hatch marker and its label where the bar would start.
func chartDrawBar(b *strings.Builder, c export.Chart, s export.Series, si, i int, y, h, scale float64, hatch string) {
	v, ok := chartValueAt(s, i)
	if !ok {
		return
	}
	name := s.Name
	if len(c.Series) < 2 {
		name = ""
	}
	title := svgEsc(chartMarkTitle(c.Categories[i], name, v, c.Unit))
	if !chartVisible(v) {
		chartDrawHidden(b, barLeft, y, h, chartHiddenLabel(v), title, hatch)
		return
	}
	w := max(v.N, 0) * scale
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
		svgNum(barLeft), svgNum(y), svgNum(w), svgNum(h), chartPalette[si%len(chartPalette)], title)
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`,
		svgNum(barLeft+w+4), svgNum(y+h/2+chartSmall/2-1.5), svgNum(chartSmall), chartInk, svgEsc(chartValueText(v, c.Unit)))
}

// chartDrawHidden draws the mark of a hidden value: a small hatched square of
// a fixed size and the value's label, never anything sized by the value.
func chartDrawHidden(b *strings.Builder, x, y, h float64, label, title, hatch string) {
	side := min(h, 12)
	fmt.Fprintf(b, `<g class="chart-hidden"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="url(#%s)" stroke="%s" stroke-width="0.5"/>`,
		title, svgNum(x), svgNum(y+(h-side)/2), svgNum(side), svgNum(side), hatch, chartMuted)
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s" font-style="italic">%s</text></g>`,
		svgNum(x+side+4), svgNum(y+h/2+chartSmall/2-1.5), svgNum(chartSmall), chartInk, svgEsc(label))
}

// chartStackEnd is what is printed after a stacked bar: its total, or, when a
// segment is hidden, the hidden labels only, so that no total lets the
// hidden value be computed by difference.
func chartStackEnd(c export.Chart, i int) string {
	var labels []string
	total, any := 0.0, false
	for _, s := range c.Series {
		v, ok := chartValueAt(s, i)
		if !ok {
			continue
		}
		if !chartVisible(v) {
			l := chartHiddenLabel(v)
			if !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
			continue
		}
		total += v.N
		any = true
	}
	if len(labels) > 0 {
		return strings.Join(labels, " ; ")
	}
	if !any {
		return ""
	}
	return "Total : " + chartWithUnit(chartNumber(total), c.Unit)
}

// chartDrawStack draws category i's stacked bar: the visible segments side by
// side, then the total, or the hidden mark when a segment is hidden.
func chartDrawStack(b *strings.Builder, c export.Chart, i int, y, h, scale float64, hatch string) {
	x := barLeft
	hidden := false
	var hiddenTitles []string
	for si, s := range c.Series {
		v, ok := chartValueAt(s, i)
		if !ok {
			continue
		}
		title := chartMarkTitle(c.Categories[i], s.Name, v, c.Unit)
		if !chartVisible(v) {
			hidden = true
			hiddenTitles = append(hiddenTitles, title)
			continue
		}
		w := max(v.N, 0) * scale
		if w <= 0 {
			continue
		}
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff" stroke-width="1"><title>%s</title></rect>`,
			svgNum(x), svgNum(y), svgNum(w), svgNum(h), chartPalette[si%len(chartPalette)], svgEsc(title))
		x += w
	}
	end := chartStackEnd(c, i)
	if hidden {
		chartDrawHidden(b, x+3, y, h, end, svgEsc(strings.Join(hiddenTitles, " ; ")), hatch)
		return
	}
	if end != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`,
			svgNum(x+4), svgNum(y+h/2+chartSmall/2-1.5), svgNum(chartSmall), chartInk, svgEsc(end))
	}
}

// chartAxisBelow draws the ticks' values under the bars and the unit; it
// returns the chart's height.
func chartAxisBelow(b *strings.Builder, ticks []float64, scale, y float64, unit string) float64 {
	y += 2
	b.WriteString(`<g class="chart-axis" font-size="11" fill="` + chartMuted + `">`)
	for k, t := range ticks {
		anchor := "middle"
		if k == 0 {
			anchor = "start"
		} else if k == len(ticks)-1 {
			anchor = "end"
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s">%s</text>`, svgNum(barLeft+t*scale), svgNum(y+chartSmall), anchor, svgEsc(chartNumber(t)))
	}
	y += chartSmall + 4
	if u := strings.TrimSpace(unit); u != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, svgNum(barLeft+ticks[len(ticks)-1]*scale), svgNum(y+chartSmall), svgEsc("en "+u))
		y += chartSmall + 4
	}
	b.WriteString(`</g>`)
	return y + 4
}
