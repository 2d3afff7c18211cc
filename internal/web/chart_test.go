package web

import (
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"passerelle/internal/export"
)

// node is an element of a parsed drawing.
type node struct {
	name     string
	attrs    map[string]string
	text     string // the text directly inside
	children []*node
}

// parseXML parses a drawing as strict XML: a chart that does not parse
// is a broken page.
func parseXML(t *testing.T, s string) *node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, s)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(tk)
		}
	}
	if len(stack) != 1 {
		t.Fatalf("unclosed elements in\n%s", s)
	}
	return root
}

// all returns the elements named name under n, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

// child returns n's first child named name, or nil.
func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// allText is the text of n and of everything under it.
func (n *node) allText() string {
	s := n.text
	for _, c := range n.children {
		s += " " + c.allText()
	}
	return s
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func demandes() export.Chart {
	return export.Chart{Kind: export.ChartBar, Title: "Demandes par type", Unit: "demandes",
		Categories: []string{"Admission", "Répit", "Accueil séquentiel"},
		Series:     []export.Series{{Name: "Demandes", Values: []export.Value{{N: 42}, {N: 17}, {N: 3, Hidden: true, Label: "< 5"}}}}}
}

func TestChartKindsAreAccessibleSVG(t *testing.T) {
	for _, kind := range []export.ChartKind{export.ChartBar, export.ChartStacked, export.ChartPie, export.ChartLine, "unknown"} {
		c := demandes()
		c.Kind = kind
		c.Series[0].Values[2] = export.Value{N: 8}
		out := string(chartSVG(c))
		svg := parseXML(t, out).child("svg")
		if svg == nil {
			t.Fatalf("%s: no svg: %s", kind, out)
		}
		if svg.attrs["role"] != "img" || !strings.HasPrefix(svg.attrs["viewBox"], "0 0 ") || svg.attrs["width"] != "100%" {
			t.Errorf("%s: svg attributes %v", kind, svg.attrs)
		}
		title, desc := svg.child("title"), svg.child("desc")
		if title == nil || title.text != "Demandes par type" || svg.attrs["aria-labelledby"] != title.attrs["id"] {
			t.Errorf("%s: title %+v, labelledby %q", kind, title, svg.attrs["aria-labelledby"])
		}
		want := "Admission : 42\u00a0demandes ; Répit : 17\u00a0demandes ; Accueil séquentiel : 8\u00a0demandes"
		if desc == nil || !strings.Contains(desc.text, want) || svg.attrs["aria-describedby"] != desc.attrs["id"] {
			t.Errorf("%s: desc %+v, want it to contain %q", kind, desc, want)
		}
		// Each mark says what it is when hovered.
		marks := 0
		for _, el := range append(append(svg.all("rect"), svg.all("path")...), svg.all("circle")...) {
			if tt := el.child("title"); tt != nil {
				marks++
				if !strings.Contains(tt.text, " : ") {
					t.Errorf("%s: mark title %q", kind, tt.text)
				}
			}
		}
		if marks != 3 {
			t.Errorf("%s: %d marks with a title, want 3", kind, marks)
		}
		if strings.Contains(out, "<a ") || strings.Contains(out, "tabindex") {
			t.Errorf("%s: a chart has nothing to focus", kind)
		}
	}
}

func TestChartEscapesLabels(t *testing.T) {
	c := export.Chart{Kind: export.ChartBar, Title: `Réponses "A" & <b>B</b>`, Unit: "<i>u</i>",
		Categories: []string{"<script>alert(1)</script>", "Ligne\x00avec\x1bcontrôle", "l'avis « oui »"},
		Series: []export.Series{
			{Name: "<img src=x onerror=alert(1)>", Values: []export.Value{{N: 1}, {N: 2}, {N: 3}}},
			{Name: "B", Values: []export.Value{{N: 1}, {N: 2, Hidden: true, Label: "<script>"}, {N: 3}}},
		}}
	for _, kind := range []export.ChartKind{export.ChartBar, export.ChartStacked, export.ChartPie, export.ChartLine} {
		c.Kind = kind
		out := string(chartSVG(c))
		parseXML(t, out)
		for _, bad := range []string{"<script", "<img", "<b>", "<i>", "\x00", "\x1b"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: %q in %s", kind, bad, out)
			}
		}
	}
	if out := string(chartSVG(export.Chart{Title: "<script>"})); strings.Contains(out, "<script") {
		t.Errorf("empty chart: %s", out)
	}
}

// secretN is a hidden value's figure: it must show nowhere, nor anything
// computed from it.
const secretN = 987.25

func hasSecret(s string) bool {
	// The figure, its sums with the visible values of its category, an
	// axis stretched to it (1 000), its decimals.
	return regexp.MustCompile(`987|999|1017|1029|1\x{202f}000|,25`).MatchString(s)
}

func TestChartHiddenValuesAreNeverShown(t *testing.T) {
	hide := export.Value{N: secretN, Hidden: true, Label: "< 5"}
	c := export.Chart{Title: "Secret", Unit: "enfants", Categories: []string{"A", "B", "C"},
		Series: []export.Series{
			{Name: "Garçons", Values: []export.Value{{N: 30}, hide, {N: 12}}},
			{Name: "Filles", Values: []export.Value{{N: 12}, {N: 42}, {N: 2, Hidden: true}}},
		}}
	for _, kind := range []export.ChartKind{export.ChartBar, export.ChartStacked, export.ChartLine, export.ChartPie} {
		c.Kind = kind
		out := string(chartSVG(c))
		parseXML(t, out)
		if hasSecret(out) {
			t.Errorf("%s: the hidden value (or a sum with it, or an axis stretched by it) shows:\n%s", kind, out)
		}
		// Labelled where the bar would be; on a line, the gap is marked
		// on the time axis and its tooltip gives the label.
		labels := []string{">&lt; 5<", ">s<"}
		if kind == export.ChartLine {
			labels = []string{": &lt; 5 (secret", ": s (secret"}
		}
		if kind != export.ChartPie && (!strings.Contains(out, labels[0]) || !strings.Contains(out, labels[1])) {
			t.Errorf("%s: hidden values not labelled:\n%s", kind, out)
		}
	}
}

func TestChartBarsAreProportional(t *testing.T) {
	c := export.Chart{Kind: export.ChartBar, Title: "T", Categories: []string{"a", "b", "c"},
		Series: []export.Series{{Values: []export.Value{{N: 10}, {N: 20}, {N: 40}}}}}
	svg := parseXML(t, string(chartSVG(c))).child("svg")
	var widths []float64
	for _, r := range svg.all("rect") {
		if r.child("title") != nil {
			widths = append(widths, num(t, r.attrs["width"]))
		}
	}
	if len(widths) != 3 || widths[0] <= 0 || math.Abs(widths[1]/widths[0]-2) > 0.02 || math.Abs(widths[2]/widths[0]-4) > 0.02 {
		t.Errorf("widths %v, want 1:2:4", widths)
	}
	// The axis reaches the largest bar with a few round ticks.
	ticks := []string{}
	for _, tx := range svg.all("text") {
		if tx.attrs["text-anchor"] != "" && strings.TrimSpace(tx.text) != "" && !strings.Contains(tx.text, " ") {
			ticks = append(ticks, tx.text)
		}
	}
	if strings.Join(ticks, " ") != "0 10 20 30 40" {
		t.Errorf("ticks %q", ticks)
	}
}

func TestChartStackedWithHiddenSegmentHasNoTotal(t *testing.T) {
	c := export.Chart{Kind: export.ChartStacked, Title: "T", Unit: "demandes", Categories: []string{"Admission", "Répit"},
		Series: []export.Series{
			{Name: "Acceptées", Values: []export.Value{{N: 30}, {N: 12}}},
			{Name: "Refusées", Values: []export.Value{{N: 10}, {N: 3, Hidden: true, Label: "< 5"}}},
			{Name: "Sans réponse", Values: []export.Value{{N: 5}, {N: 7}}},
		}}
	out := string(chartSVG(c))
	svg := parseXML(t, out).child("svg")
	if !strings.Contains(out, "Total : 45\u00a0demandes") {
		t.Errorf("the total of a bar without a hidden segment is missing:\n%s", out)
	}
	if n := strings.Count(out, "Total"); n != 1 {
		t.Errorf("%d totals, want 1 (none for the bar with a hidden segment)", n)
	}
	for _, bad := range []string{"22", "19", "15"} { // 12+3+7, 12+7, 3+12
		if strings.Contains(out, ">"+bad) {
			t.Errorf("%s printed:\n%s", bad, out)
		}
	}
	// Répit: its two known segments only, side by side.
	var repit []float64
	var x0 float64
	for _, r := range svg.all("rect") {
		tt := r.child("title")
		if tt == nil || !strings.HasPrefix(tt.text, "Répit") {
			continue
		}
		if len(repit) == 0 {
			x0 = num(t, r.attrs["x"])
		}
		repit = append(repit, num(t, r.attrs["width"]))
	}
	if len(repit) != 2 || math.Abs(repit[1]/repit[0]-7.0/12) > 0.02 {
		t.Errorf("Répit segments %v, want 12 and 7", repit)
	}
	if x0 != 4 {
		t.Errorf("Répit starts at %v", x0)
	}
}

func TestChartPie(t *testing.T) {
	c := export.Chart{Kind: export.ChartPie, Title: "Outils", Unit: "réponses", Categories: []string{"Convention", "Charte", "Aucun"},
		Series: []export.Series{{Values: []export.Value{{N: 30}, {N: 10}, {N: 0}}}}}
	svg := parseXML(t, string(chartSVG(c))).child("svg")
	if n := len(svg.all("path")); n != 2 {
		t.Errorf("%d slices, want 2 (a zero is no slice)", n)
	}
	if txt := svg.allText(); !strings.Contains(txt, "Convention : 30\u00a0réponses (75 %)") || !strings.Contains(txt, "Charte : 10\u00a0réponses (25 %)") {
		t.Errorf("shares: %s", txt)
	}
	// One category only: a whole ring, still a valid path.
	one := export.Chart{Kind: export.ChartPie, Title: "Un", Categories: []string{"A"}, Series: []export.Series{{Values: []export.Value{{N: 3}}}}}
	if p := parseXML(t, string(chartSVG(one))).child("svg").all("path"); len(p) != 1 || strings.Contains(p[0].attrs["d"], "NaN") {
		t.Errorf("whole ring: %+v", p)
	}
	c.Series[0].Values[1] = export.Value{N: 2, Hidden: true, Label: "< 5"}
	out := string(chartSVG(c))
	if strings.Contains(out, "<svg") || !strings.Contains(out, "répartition non représentée : valeurs protégées par le secret statistique") {
		t.Errorf("pie with a hidden value: %s", out)
	}
	parseXML(t, out)
}

func TestChartLineHasGaps(t *testing.T) {
	c := export.Chart{Kind: export.ChartLine, Title: "Mois", Unit: "enfants", Categories: []string{"janv.", "févr.", "mars", "avr.", "mai"},
		Series: []export.Series{{Name: "Gironde", Values: []export.Value{{N: 10}, {N: 12}, {N: secretN, Hidden: true, Label: "< 5"}, {N: 14}, {N: 20}}}}}
	svg := parseXML(t, string(chartSVG(c))).child("svg")
	var line *node
	for _, p := range svg.all("path") {
		if p.attrs["fill"] == "none" {
			line = p
		}
	}
	if line == nil || strings.Count(line.attrs["d"], "M") != 2 || strings.Count(line.attrs["d"], "L") != 2 {
		t.Fatalf("line %+v, want two pieces around the gap", line)
	}
	if n := len(svg.all("circle")); n != 4 {
		t.Errorf("%d points, want 4", n)
	}
	// Higher values are higher on the chart.
	ys := []float64{}
	for _, ci := range svg.all("circle") {
		ys = append(ys, num(t, ci.attrs["cy"]))
	}
	if !(ys[0] > ys[1] && ys[1] > ys[2] && ys[2] > ys[3]) {
		t.Errorf("points' heights %v", ys)
	}
}

func TestChartEmpty(t *testing.T) {
	for name, c := range map[string]export.Chart{
		"no category": {Kind: export.ChartBar, Title: "Vide"},
		"no series":   {Kind: export.ChartLine, Title: "Vide", Categories: []string{"a"}},
		"all zero":    {Kind: export.ChartPie, Title: "Vide", Categories: []string{"a", "b"}, Series: []export.Series{{Values: []export.Value{{N: 0}, {N: 0}}}}},
		"no values":   {Kind: export.ChartStacked, Title: "Vide", Categories: []string{"a"}, Series: []export.Series{{Name: "x"}}},
	} {
		out := string(chartSVG(c))
		if strings.Contains(out, "<svg") || !strings.Contains(out, "aucune donnée à représenter") {
			t.Errorf("%s: %s", name, out)
		}
		parseXML(t, out)
	}
	// Hidden values are something to show, even with zeros beside them.
	c := export.Chart{Kind: export.ChartBar, Title: "T", Categories: []string{"a", "b"}, Series: []export.Series{{Values: []export.Value{{N: 0}, {N: 2, Hidden: true, Label: "< 5"}}}}}
	if out := string(chartSVG(c)); !strings.Contains(out, "<svg") || !strings.Contains(out, "&lt; 5") {
		t.Errorf("zero and hidden: %s", out)
	}
}

func TestChartLongLabelsAreWrappedWithTheirFullText(t *testing.T) {
	long := "Accueil de jour en structure médico-sociale avec hébergement temporaire et séquentiel pour adolescents"
	c := export.Chart{Kind: export.ChartBar, Title: "T", Categories: []string{long}, Series: []export.Series{{Values: []export.Value{{N: 3}}}}}
	svg := parseXML(t, string(chartSVG(c))).child("svg")
	for _, tx := range svg.all("text") {
		spans := tx.all("tspan")
		if len(spans) == 0 {
			continue
		}
		if len(spans) != 2 || !strings.HasSuffix(spans[1].text, "…") || tx.child("title") == nil || tx.child("title").text != long {
			t.Errorf("label: %d lines, %+v", len(spans), tx)
		}
		for _, s := range spans {
			if w := svgTextWidth(s.text, chartFont); w > chartWidth-8 {
				t.Errorf("line %q is %v wide", s.text, w)
			}
		}
	}
}

func TestChartNumbersAndTicks(t *testing.T) {
	for n, want := range map[float64]string{0: "0", 5: "5", 1234: "1\u202f234", 1234567: "1\u202f234\u202f567", 12.5: "12,5", 0.25: "0,25", 33.333: "33,3", -4: "−4"} {
		if got := chartNumber(n); got != want {
			t.Errorf("chartNumber(%v) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		max   float64
		whole bool
		want  string
	}{{0, true, "0 1"}, {3, true, "0 1 2 3"}, {42, true, "0 20 40 60"}, {100, true, "0 25 50 75 100"}, {1234, true, "0 500 1000 1500"},
		{0.8, false, "0 0.2 0.4 0.6 0.8"}, {9, false, "0 2.5 5 7.5 10"}, {9, true, "0 5 10"}, {2, true, "0 1 2"}} {
		max, want := c.max, c.want
		var got []string
		for _, tk := range export.Ticks(max, c.whole) {
			got = append(got, strconv.FormatFloat(tk, 'f', -1, 64))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("chartTicks(%v) = %v, want %s", max, got, want)
		}
	}
}
