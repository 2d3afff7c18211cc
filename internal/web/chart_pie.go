package web

import (
	"fmt"
	"math"
	"strings"

	"passerelle/internal/export"
)

// pieSVG draws the shares of the first series as a ring, the total in its
// middle and a legend of the shares under it. When a value is hidden, no
// share can be drawn without revealing it (the rest gives it by
// difference): a note stands for the chart.
func pieSVG(c export.Chart) string {
	s := c.Series[0]
	total := 0.0
	for i := range c.Categories {
		v, ok := chartValueAt(s, i)
		if !ok {
			continue
		}
		if v.Hidden {
			return `<p class="chart-note">` + svgEsc("« "+chartTitleText(c.Title)+" » : répartition non représentée : valeurs protégées par le secret statistique.") + `</p>`
		}
		if chartVisible(v) && v.N > 0 {
			total += v.N
		}
	}
	if !(total > 0) {
		return string(chartEmpty(c))
	}
	id := chartID("chart")
	const r, inner = 92.0, 52.0
	cx, cy := chartWidth/2, 4+r
	var b strings.Builder
	start := -math.Pi / 2 // from the top, clockwise
	type item struct {
		label, color string
	}
	var items []item
	for i, cat := range c.Categories {
		v, ok := chartValueAt(s, i)
		if !ok || !chartVisible(v) || v.N <= 0 {
			continue
		}
		share := v.N / total
		color := chartPalette[len(items)%len(chartPalette)]
		text := strings.TrimSpace(cat) + " : " + chartValueText(v, c.Unit) + " (" + chartNumber(math.Round(share*1000)/10) + " %)"
		items = append(items, item{text, color})
		end := start + share*2*math.Pi
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="#fff" stroke-width="1.5"><title>%s</title></path>`, ringSlice(cx, cy, r, inner, start, end), color, svgEsc(text))
		start = end
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="18" font-weight="bold" fill="%s">%s</text>`, svgNum(cx), svgNum(cy+2), chartInk, svgEsc(chartNumber(total)))
	if u := strings.TrimSpace(c.Unit); u != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, svgNum(cx), svgNum(cy+17), svgNum(chartSmall), chartMuted, svgEsc(svgEllipsis(u, chartSmall, 2*inner-8)))
	}
	y := cy + r + 14
	for _, it := range items {
		lines, _ := svgWrap(it.label, chartFont, chartWidth-30, 2)
		fmt.Fprintf(&b, `<rect x="4" y="%s" width="12" height="12" fill="%s"/>`, svgNum(y+2), it.color)
		fmt.Fprintf(&b, `<text font-size="13" fill="%s">`, chartInk)
		if len(lines) > 1 || lines[0] != it.label {
			b.WriteString(`<title>` + svgEsc(it.label) + `</title>`)
		}
		for j, l := range lines {
			fmt.Fprintf(&b, `<tspan x="22" y="%s">%s</tspan>`, svgNum(y+chartFont+float64(j)*barLabelLine), svgEsc(l))
		}
		b.WriteString(`</text>`)
		y += float64(len(lines))*barLabelLine + 5
	}
	return chartAssemble(id, c, y+4, false, b.String())
}

// ringSlice is the path of a ring's slice between two angles; a whole
// ring is drawn as two halves, an arc of 2π being no arc at all.
func ringSlice(cx, cy, r, inner, a0, a1 float64) string {
	if a1-a0 >= 2*math.Pi-1e-9 {
		mid := a0 + math.Pi
		return ringSlice(cx, cy, r, inner, a0, mid) + " " + ringSlice(cx, cy, r, inner, mid, a1)
	}
	large := 0
	if a1-a0 > math.Pi {
		large = 1
	}
	pt := func(rad, a float64) string {
		return svgNum(cx+rad*math.Cos(a)) + " " + svgNum(cy+rad*math.Sin(a))
	}
	return fmt.Sprintf("M%s A%s %s 0 %d 1 %s L%s A%s %s 0 %d 0 %sZ",
		pt(r, a0), svgNum(r), svgNum(r), large, pt(r, a1), pt(inner, a1), svgNum(inner), svgNum(inner), large, pt(inner, a0))
}
