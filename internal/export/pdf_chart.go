package export

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Charts on PDF pages, drawn as the pages draw them (web/chart_*.go):
// horizontal bars, stacked bars, rings of shares, lines over time; the
// same colour-blind-safe palette; values hidden by statistical secrecy
// drawn as a small hatched square and their label, never at a size or a
// height that would give them away.

// chartColors is the pages' palette (web/chart_svg.go): Okabe–Ito, then
// four of Paul Tol's muted colours, in the same order.
var chartColors = []rgb{{0, 114, 178}, {213, 94, 0}, {0, 158, 115}, {204, 121, 167}, {122, 92, 0}, {86, 180, 233}, {0, 0, 0}, {230, 159, 0},
	{136, 34, 85}, {68, 170, 153}, {51, 34, 136}, {153, 153, 51}}

var (
	colorGrid  = rgb{213, 219, 227}
	colorHatch = rgb{107, 119, 135}
)

// chartPen draws, or only measures when draw is false: a chart is laid out
// once to know its height (it is never cut by a page break), then drawn.
type chartPen struct {
	p    *PDF
	draw bool
}

func (c chartPen) rect(x, y, w, h float64, fill rgb) {
	if c.draw && w > 0 && h > 0 {
		c.p.f.SetFillColor(fill[0], fill[1], fill[2])
		c.p.f.Rect(x, y, w, h, "F")
	}
}

func (c chartPen) line(x1, y1, x2, y2 float64, col rgb, width float64) {
	if c.draw {
		c.p.rule(x1, y1, x2, y2, col, width)
	}
}

// text writes one line in a box of width w at (x, y); align is "L", "C"
// or "R".
func (c chartPen) text(x, y, w float64, s string, st style, align string) {
	if c.draw {
		c.p.use(st)
		c.p.f.SetXY(x, y)
		c.p.f.CellFormat(w, st.line, s, "", 0, align, false, 0, "")
	}
}

// hatch draws the mark of a hidden value: a square of side s, hatched.
func (c chartPen) hatch(x, y, s float64) {
	if !c.draw {
		return
	}
	c.rect(x, y, s, s, rgb{255, 255, 255})
	for d := 0.8; d < 2*s; d += 0.8 {
		c.line(x+max(0, d-s), y+min(d, s), x+min(d, s), y+max(0, d-s), colorHatch, 0.25)
	}
	c.p.f.SetDrawColor(colorMuted[0], colorMuted[1], colorMuted[2])
	c.p.f.SetLineWidth(0.2)
	c.p.f.Rect(x, y, s, s, "D")
}

// Chart draws a chart across the text width, with its title, legend,
// axis and labels, all on one page: on the next one when it does not fit
// in what is left of this one. A bar chart taller than a page is split
// between categories, each part with the whole title and the same scale.
// A chart with nothing to draw is a short note.
func (p *PDF) Chart(c Chart) {
	if chartEmptyPDF(c) {
		p.Note(chartTitlePDF(c) + " : aucune donnée à représenter.")
		return
	}
	if c.Kind == ChartPie && chartHasHidden(c, true) {
		p.Note(chartTitlePDF(c) + " : répartition non représentée : valeurs protégées par le secret statistique.")
		return
	}
	full := chartTitlePDF(c)
	// The heading just above the chart often is its title: not twice.
	if t := oneLine(c.Title); t != "" && t == p.heading {
		c.Title = ""
	}
	var parts []func(chartPen, float64) float64
	switch c.Kind {
	case ChartPie:
		parts = append(parts, func(pen chartPen, y float64) float64 { return pen.pie(c, y) })
	case ChartLine:
		parts = append(parts, func(pen chartPen, y float64) float64 { return pen.lines(c, y) })
	default:
		parts = p.barParts(c, full)
	}
	for _, draw := range parts {
		h := draw(chartPen{p: p}, 0)
		p.flushHeading(h)
		if p.f.GetY()+h > pageBottom && !p.atTop() {
			p.newPage()
		}
		y := p.f.GetY()
		draw(chartPen{p: p, draw: true}, y)
		p.f.SetY(y + h)
		p.space(4)
	}
}

func chartTitlePDF(c Chart) string {
	if t := oneLine(c.Title); t != "" {
		return t
	}
	return "Graphique"
}

// chartEmptyPDF: no categories, no series, or every value zero (hidden
// values are something to show).
func chartEmptyPDF(c Chart) bool {
	for _, s := range c.Series {
		for i := range c.Categories {
			if i < len(s.Values) && (s.Values[i].Hidden || (chartShown(s.Values[i]) && s.Values[i].N != 0)) {
				return false
			}
		}
	}
	return true
}

// chartHasHidden tells whether a value is hidden (in the first series
// only when first is set: a ring draws that one).
func chartHasHidden(c Chart, first bool) bool {
	for k, s := range c.Series {
		if first && k > 0 {
			break
		}
		for i := range c.Categories {
			if i < len(s.Values) && s.Values[i].Hidden {
				return true
			}
		}
	}
	return false
}

// chartShown tells whether a value is drawn.
func chartShown(v Value) bool {
	return !v.Hidden && !math.IsNaN(v.N) && !math.IsInf(v.N, 0)
}

func chartAt(s Series, i int) (Value, bool) {
	if i < len(s.Values) {
		return s.Values[i], true
	}
	return Value{}, false
}

// chartLabelOf is what a hidden value prints.
func chartLabelOf(v Value) string {
	if l := strings.TrimSpace(v.Label); l != "" {
		return l
	}
	return "s"
}

// chartText prints a value, a hidden one as its label only.
func chartText(v Value, unit string) string {
	if v.Hidden {
		return chartLabelOf(v)
	}
	if l := strings.TrimSpace(v.Label); l != "" {
		return l
	}
	return chartUnit(chartNum(v.N), UnitOf(v.N, unit))
}

func chartUnit(s, unit string) string {
	if u := oneLine(unit); u != "" {
		return s + "\u00a0" + u
	}
	return s
}

// chartNum prints a number the French way: "1 234", "12,5".
func chartNum(n float64) string {
	prec := 2
	if math.Abs(n) >= 10 {
		prec = 1
	}
	s := strconv.FormatFloat(n, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	neg := strings.HasPrefix(s, "-") && s != "-0"
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("," + frac)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// title draws the chart's title and returns the y under it; no title
// draws nothing.
func (c chartPen) title(t string, y float64) float64 {
	if t == "" {
		return y
	}
	c.p.use(styleLabel)
	for _, l := range c.p.wrap(t, contentWidth) {
		c.text(marginSide, y, contentWidth, l, styleLabel, "L")
		y += styleLabel.line
	}
	return y + 1
}

// legend draws the series' swatches (when several) and the hatch's
// meaning (when a value is hidden), wrapping to the text width.
func (c chartPen) legend(ch Chart, hidden bool, y float64) float64 {
	var names []string
	if len(ch.Series) > 1 {
		for i, s := range ch.Series {
			n := oneLine(s.Name)
			if n == "" {
				n = "Série " + strconv.Itoa(i+1)
			}
			names = append(names, n)
		}
	}
	if len(names) == 0 && !hidden {
		return y
	}
	st := styleNote
	st.color = colorText
	c.p.use(st)
	x := marginSide
	item := func(i int, name string) {
		name = c.p.fit(name, contentWidth-6)
		w := 4.5 + c.p.f.GetStringWidth(name)
		if x > marginSide && x+w > marginSide+contentWidth {
			x = marginSide
			y += st.line + 0.6
		}
		if i < 0 {
			c.hatch(x, y+0.6, 3)
		} else {
			c.rect(x, y+0.6, 3, 3, chartColors[i%len(chartColors)])
		}
		c.text(x+4.5, y, w, name, st, "L")
		c.p.use(st)
		x += w + 5
	}
	for i, n := range names {
		item(i, n)
	}
	if hidden {
		item(-1, "valeur protégée (secret statistique)")
	}
	return y + st.line + 2
}

// barRow is a category's lines and height in a bar chart.
type barRow struct {
	i     int
	lines []string
	h     float64
}

const (
	barLabelW = 52.0 // the categories' column
	barGapX   = 3.0
)

// barParts lays out a bar or stacked chart in parts that each fit on a
// page, all on the same scale; parts after the first are titled
// "full (suite)".
func (p *PDF) barParts(c Chart, full string) []func(chartPen, float64) float64 {
	stacked := c.Kind == ChartStacked
	maxV := 0.0
	var ends []string
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			if v, ok := chartAt(s, i); ok && chartShown(v) {
				sum += max(v.N, 0)
				if !stacked {
					maxV = max(maxV, v.N)
					ends = append(ends, chartText(v, c.Unit))
				}
			}
		}
		if stacked {
			maxV = max(maxV, sum)
			ends = append(ends, stackEndPDF(c, i))
		}
	}
	ticks := Ticks(maxV, c.Whole())
	p.use(styleCell)
	endW := 0.0
	for _, e := range ends {
		endW = max(endW, p.f.GetStringWidth(e))
	}
	endW = min(endW+6, 42)

	barsH := 5.0
	if !stacked && len(c.Series) > 1 {
		barsH = float64(len(c.Series))*3.6 + float64(len(c.Series)-1)*0.8
	}
	var rows []barRow
	for i, cat := range c.Categories {
		lines := p.wrap(oneLine(cat), barLabelW)
		if len(lines) > 3 {
			lines = append(lines[:2], p.fit(strings.Join(lines[2:], " "), barLabelW))
		}
		rows = append(rows, barRow{i: i, lines: lines, h: max(float64(len(lines))*styleCell.line, barsH) + 2.5})
	}
	hidden := chartHasHidden(c, false)
	head := func(pen chartPen, y float64, more bool) float64 {
		t := oneLine(c.Title)
		if more {
			t = full + " (suite)"
		}
		return pen.legend(c, hidden, pen.title(t, y))
	}
	axisH := styleNote.line + 1.5
	if oneLine(c.Unit) != "" {
		axisH += styleNote.line
	}
	headH := head(chartPen{p: p}, 0, false)
	room := pageBottom - marginTop - headH - axisH - 4
	var parts []func(chartPen, float64) float64
	for from := 0; from < len(rows); {
		to, h := from, 0.0
		for to < len(rows) && (to == from || h+rows[to].h <= room) {
			h += rows[to].h
			to++
		}
		chunk, more := rows[from:to], from > 0
		parts = append(parts, func(pen chartPen, y float64) float64 {
			return pen.bars(c, chunk, ticks, endW, barsH, y, head(pen, y, more))
		})
		from = to
	}
	return parts
}

// stackEndPDF is what follows a stacked bar: its total, or the hidden
// labels when a segment is hidden (no total to subtract from).
func stackEndPDF(c Chart, i int) string {
	var labels []string
	total, any := 0.0, false
	for _, s := range c.Series {
		v, ok := chartAt(s, i)
		switch {
		case !ok:
		case !chartShown(v):
			if l := chartLabelOf(v); !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		default:
			total += v.N
			any = true
		}
	}
	if len(labels) > 0 {
		return strings.Join(labels, " ; ")
	}
	if !any {
		return ""
	}
	return "Total : " + chartUnit(chartNum(total), c.Unit)
}

// bars draws rows of a bar chart from y (the head already drawn down to
// top) and returns the part's height.
func (c chartPen) bars(ch Chart, rows []barRow, ticks []float64, endW, barsH, y, top float64) float64 {
	stacked := ch.Kind == ChartStacked
	x0 := marginSide + barLabelW + barGapX
	span := contentWidth - barLabelW - barGapX - endW
	scale := span / ticks[len(ticks)-1]
	bottom := top
	for _, r := range rows {
		bottom += r.h
	}
	for _, t := range ticks {
		col := colorGrid
		if t == 0 {
			col = colorMuted
		}
		c.line(x0+t*scale, top, x0+t*scale, bottom, col, 0.2)
	}
	valueAt := func(x, yy float64, s string, hidden bool) {
		if hidden {
			c.hatch(x, yy+(min(barsH, 3.6)-3)/2, 3)
			x += 4
		}
		c.p.use(styleCell)
		c.text(x+1, yy+min(barsH, 3.6)/2-styleCell.line/2, c.p.f.GetStringWidth(s)+1, s, styleCell, "L")
	}
	yy := top
	for _, r := range rows {
		for j, l := range r.lines {
			c.text(marginSide, yy+1+float64(j)*styleCell.line, barLabelW, l, styleCell, "L")
		}
		by := yy + 1.2
		if stacked {
			x := x0
			for si, s := range ch.Series {
				if v, ok := chartAt(s, r.i); ok && chartShown(v) && v.N > 0 {
					c.rect(x, by, v.N*scale, barsH, chartColors[si%len(chartColors)])
					x += v.N * scale
				}
			}
			end := stackEndPDF(ch, r.i)
			valueAt(x+0.5, by+(barsH-3.6)/2, end, chartHasHiddenAt(ch, r.i))
		} else {
			h := barsH
			if len(ch.Series) > 1 {
				h = 3.6
			}
			for si, s := range ch.Series {
				v, ok := chartAt(s, r.i)
				switch {
				case !ok:
				case !chartShown(v):
					valueAt(x0, by, chartLabelOf(v), true)
				default:
					w := max(v.N, 0) * scale
					c.rect(x0, by, w, h, chartColors[si%len(chartColors)])
					valueAt(x0+w, by+(h-3.6)/2, chartText(v, ch.Unit), false)
				}
				by += h + 0.8
			}
		}
		yy += r.h
	}
	c.line(x0, bottom, x0+span, bottom, colorMuted, 0.2)
	c.p.use(styleNote)
	for k, t := range ticks {
		s := chartNum(t)
		w := c.p.f.GetStringWidth(s) + 1
		align, x := "C", x0+t*scale-w/2
		if k == len(ticks)-1 {
			align, x = "R", x0+t*scale-w+0.5
		}
		c.text(x, bottom+0.8, w, s, styleNote, align)
	}
	end := bottom + 0.8 + styleNote.line
	if u := oneLine(ch.Unit); u != "" {
		c.text(x0, end, span, "en "+u, styleNote, "R")
		end += styleNote.line
	}
	return end + 0.7 - y
}

func chartHasHiddenAt(c Chart, i int) bool {
	for _, s := range c.Series {
		if v, ok := chartAt(s, i); ok && v.Hidden {
			return true
		}
	}
	return false
}

// pie draws the shares of the first series as a pie, its legend beside
// it; returns the height.
func (c chartPen) pie(ch Chart, y float64) float64 {
	top := c.title(oneLine(ch.Title), y)
	s := ch.Series[0]
	total := 0.0
	for i := range ch.Categories {
		if v, ok := chartAt(s, i); ok && chartShown(v) && v.N > 0 {
			total += v.N
		}
	}
	const r = 24.0
	cx, cy := marginSide+r+1, top+r+1
	legendX := marginSide + 2*r + 10
	legendW := marginSide + contentWidth - legendX - 5
	a := -math.Pi / 2
	ly := top + 1
	k := 0
	st := styleCell
	for i, cat := range ch.Categories {
		v, ok := chartAt(s, i)
		if !ok || !chartShown(v) || v.N <= 0 {
			continue
		}
		share := v.N / total
		col := chartColors[k%len(chartColors)]
		k++
		b := a + share*2*math.Pi
		if c.draw {
			pts := []fpdf.PointType{{X: cx, Y: cy}}
			steps := max(2, int(math.Ceil((b-a)/(math.Pi/90))))
			for j := 0; j <= steps; j++ {
				t := a + (b-a)*float64(j)/float64(steps)
				pts = append(pts, fpdf.PointType{X: cx + r*math.Cos(t), Y: cy + r*math.Sin(t)})
			}
			c.p.f.SetFillColor(col[0], col[1], col[2])
			c.p.f.Polygon(pts, "F")
			if share < 1 {
				c.line(cx, cy, cx+r*math.Cos(a), cy+r*math.Sin(a), rgb{255, 255, 255}, 0.4)
				c.line(cx, cy, cx+r*math.Cos(b), cy+r*math.Sin(b), rgb{255, 255, 255}, 0.4)
			}
		}
		a = b
		label := oneLine(cat) + " : " + chartText(v, ch.Unit) + " (" + chartNum(math.Round(share*1000)/10) + " %)"
		c.p.use(st)
		lines := c.p.wrap(label, legendW)
		c.rect(legendX, ly+0.7, 3, 3, col)
		for _, l := range lines {
			c.text(legendX+5, ly, legendW, l, st, "L")
			ly += st.line
		}
		ly += 0.8
	}
	return max(cy+r+2, ly+1) - y
}

// lines draws series over time; hidden values are gaps, marked on the
// time axis by the hatch. Returns the height.
func (c chartPen) lines(ch Chart, y float64) float64 {
	hidden := chartHasHidden(ch, false)
	top := c.legend(ch, hidden, c.title(oneLine(ch.Title), y))
	n := len(ch.Categories)
	maxV := 0.0
	for _, s := range ch.Series {
		for i := range n {
			if v, ok := chartAt(s, i); ok && chartShown(v) {
				maxV = max(maxV, v.N)
			}
		}
	}
	ticks := Ticks(maxV, ch.Whole())
	c.p.use(styleNote)
	tickW := 0.0
	for _, t := range ticks {
		tickW = max(tickW, c.p.f.GetStringWidth(chartNum(t)))
	}
	if u := oneLine(ch.Unit); u != "" {
		c.text(marginSide, top, contentWidth, "en "+u, styleNote, "L")
		top += styleNote.line + 1
	}
	const plotH = 55.0
	left, right := marginSide+tickW+2.5, marginSide+contentWidth-3
	bottom := top + 2 + plotH
	yAt := func(v float64) float64 { return bottom - max(v, 0)/ticks[len(ticks)-1]*plotH }
	xAt := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + float64(i)*(right-left)/float64(n-1)
	}
	for _, t := range ticks {
		col := colorGrid
		if t == 0 {
			col = colorMuted
		}
		c.line(left, yAt(t), right, yAt(t), col, 0.2)
		c.text(marginSide, yAt(t)-styleNote.line/2, tickW, chartNum(t), styleNote, "R")
	}
	// Period labels: every k-th, so that they do not overlap.
	c.p.use(styleNote)
	labelW := 0.0
	for _, cat := range ch.Categories {
		labelW = max(labelW, c.p.f.GetStringWidth(oneLine(cat)))
	}
	labelW = min(labelW, 40)
	k := 1
	if n > 1 {
		k = int(math.Ceil((labelW + 3) / ((right - left) / float64(n-1))))
	}
	for i, cat := range ch.Categories {
		if i%k == 0 {
			x := min(max(xAt(i)-labelW/2, marginSide), marginSide+contentWidth-labelW)
			c.text(x, bottom+1, labelW, c.p.fit(oneLine(cat), labelW), styleNote, "C")
		}
		if chartHasHiddenAt(ch, i) {
			c.hatch(xAt(i)-1.25, bottom-3.5, 2.5)
		}
	}
	for si, s := range ch.Series {
		col := chartColors[si%len(chartColors)]
		var prev *[2]float64
		for i := range n {
			v, ok := chartAt(s, i)
			if !ok || !chartShown(v) {
				prev = nil
				continue
			}
			pt := [2]float64{xAt(i), yAt(v.N)}
			if prev != nil {
				c.line(prev[0], prev[1], pt[0], pt[1], col, 0.6)
			}
			if c.draw {
				c.p.f.SetFillColor(col[0], col[1], col[2])
				c.p.f.Circle(pt[0], pt[1], 0.8, "F")
			}
			prev = &pt
		}
	}
	return bottom + 1 + styleNote.line + 1 - y
}
