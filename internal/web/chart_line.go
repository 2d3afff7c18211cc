package web

import (
	"fmt"
	"math"
	"strings"

	"passerelle/internal/export"
)

// lineSVG draws series over time (the categories are periods): one line
// per series, a dot per value with its tooltip; a hidden value is a gap in
// its line, marked on the time axis by the hatch.
func lineSVG(c export.Chart) string {
	id := chartID("chart")
	hatch := id + "-hatch"
	hidden := chartAnyHidden(c)
	n := len(c.Categories)

	maxV := 0.0
	for _, s := range c.Series {
		for i := range n {
			if v, ok := chartValueAt(s, i); ok && chartVisible(v) {
				maxV = max(maxV, v.N)
			}
		}
	}
	ticks := export.Ticks(maxV, c.Whole())
	top := ticks[len(ticks)-1]
	tickW := 0.0
	for _, t := range ticks {
		tickW = max(tickW, svgTextWidth(chartNumber(t), chartSmall))
	}

	var b strings.Builder
	y0 := chartLegend(&b, chartSeriesNames(c), chartIfHatch(hidden, hatch), 4)
	if u := strings.TrimSpace(c.Unit); u != "" {
		fmt.Fprintf(&b, `<text x="4" y="%s" font-size="%s" fill="%s">%s</text>`, svgNum(y0+chartSmall), svgNum(chartSmall), chartMuted, svgEsc("en "+u))
		y0 += chartSmall + 8
	}
	const plotH = 170.0
	left, right := 4+tickW+6, chartWidth-8
	plotBottom := y0 + 6 + plotH
	yAt := func(v float64) float64 { return plotBottom - max(v, 0)/top*plotH }
	xAt := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + float64(i)*(right-left)/float64(n-1)
	}

	b.WriteString(`<g class="chart-grid" aria-hidden="true">`)
	for _, t := range ticks {
		y := yAt(t)
		color := chartGrid
		if t == 0 {
			color = chartMuted
		}
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, svgNum(left), svgNum(y), svgNum(right), svgNum(y), color)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" font-size="%s" fill="%s">%s</text>`, svgNum(left-5), svgNum(y+4), svgNum(chartSmall), chartMuted, svgEsc(chartNumber(t)))
	}
	b.WriteString(`</g>`)

	// Period labels: every k-th one, so that they do not overlap.
	labelW := 0.0
	for _, cat := range c.Categories {
		labelW = max(labelW, svgTextWidth(strings.TrimSpace(cat), chartSmall))
	}
	labelW = min(labelW, 110)
	k := 1
	if n > 1 {
		k = int(math.Ceil((labelW + 8) / ((right - left) / float64(n-1))))
	}
	b.WriteString(`<g class="chart-axis" font-size="11" fill="` + chartMuted + `">`)
	for i, cat := range c.Categories {
		if i%k != 0 {
			continue
		}
		x := min(max(xAt(i), 4+labelW/2), chartWidth-4-labelW/2)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle"><title>%s</title>%s</text>`, svgNum(x), svgNum(plotBottom+16), svgEsc(cat), svgEsc(svgEllipsis(strings.TrimSpace(cat), chartSmall, labelW)))
	}
	b.WriteString(`</g>`)

	// Hidden values: the hatch on the time axis, never at a height.
	for i, cat := range c.Categories {
		var titles []string
		for _, s := range c.Series {
			if v, ok := chartValueAt(s, i); ok && v.Hidden {
				titles = append(titles, chartMarkTitle(cat, seriesLabel(c, s), v, c.Unit))
			}
		}
		if len(titles) > 0 {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="8" height="8" fill="url(#%s)" stroke="%s" stroke-width="0.5"><title>%s</title></rect>`,
				svgNum(xAt(i)-4), svgNum(plotBottom-4), hatch, chartMuted, svgEsc(strings.Join(titles, " ; ")))
		}
	}

	for si, s := range c.Series {
		color := chartPalette[si%len(chartPalette)]
		var path strings.Builder
		pen := false
		for i := range n {
			v, ok := chartValueAt(s, i)
			if !ok || !chartVisible(v) {
				pen = false // a gap
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s", cmd, svgNum(xAt(i)), svgNum(yAt(v.N)))
			pen = true
		}
		if path.Len() > 0 {
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`, path.String(), color)
		}
		for i, cat := range c.Categories {
			v, ok := chartValueAt(s, i)
			if !ok || !chartVisible(v) {
				continue
			}
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3.5" fill="%s" stroke="#fff" stroke-width="1"><title>%s</title></circle>`,
				svgNum(xAt(i)), svgNum(yAt(v.N)), color, svgEsc(chartMarkTitle(cat, seriesLabel(c, s), v, c.Unit)))
		}
	}
	return chartAssemble(id, c, plotBottom+26, hidden, b.String())
}

// seriesLabel is the series' name in a tooltip, when there are several.
func seriesLabel(c export.Chart, s export.Series) string {
	if len(c.Series) < 2 {
		return ""
	}
	return s.Name
}
