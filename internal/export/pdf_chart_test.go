package export_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/export"
	"passerelle/internal/export/pdftext"
)

// secret is a hidden figure: it must not show, nor its sums.
const secret = 987.25

var secretRe = regexp.MustCompile(`987|999|1017|1029|,25`)

func chartsForPDF() []export.Chart {
	hide := export.Value{N: secret, Hidden: true, Label: "< 5"}
	return []export.Chart{
		{Kind: export.ChartBar, Title: "Demandes par type", Unit: "demandes",
			Categories: []string{"Admission", "Répit", "Accueil séquentiel", "Accueil de jour en structure médico-sociale avec hébergement temporaire"},
			Series:     []export.Series{{Name: "Demandes", Values: []export.Value{{N: 42}, {N: 17}, hide, {N: 12}}}}},
		{Kind: export.ChartBar, Title: "Places déclarées et disponibles", Unit: "places", Categories: []string{"IME", "ITEP", "MECS"},
			Series: []export.Series{
				{Name: "Déclarées", Values: []export.Value{{N: 120}, {N: 64}, {N: 210}}},
				{Name: "Disponibles", Values: []export.Value{{N: 12}, {N: 0}, {N: 2, Hidden: true, Label: "s"}}},
			}},
		{Kind: export.ChartStacked, Title: "Suite donnée aux demandes", Unit: "demandes", Categories: []string{"Admission", "Répit"},
			Series: []export.Series{
				{Name: "Acceptées", Values: []export.Value{{N: 30}, {N: 12}}},
				{Name: "Refusées", Values: []export.Value{{N: 10}, hide}},
				{Name: "Sans réponse", Values: []export.Value{{N: 5}, {N: 17}}},
			}},
		{Kind: export.ChartPie, Title: "Outils de coopération", Unit: "réponses", Categories: []string{"Convention", "Charte", "CPOM"},
			Series: []export.Series{{Values: []export.Value{{N: 24}, {N: 12}, {N: 12}}}}},
		{Kind: export.ChartPie, Title: "Répartition protégée", Categories: []string{"A", "B"},
			Series: []export.Series{{Values: []export.Value{{N: 24}, hide}}}},
		{Kind: export.ChartLine, Title: "Enfants sans solution", Unit: "enfants",
			Categories: []string{"janv. 2026", "févr. 2026", "mars 2026", "avr. 2026", "mai 2026", "juin 2026"},
			Series: []export.Series{
				{Name: "Gironde", Values: []export.Value{{N: 40}, {N: 44}, hide, {N: 48}, {N: 39}, {N: 35}}},
				{Name: "Landes", Values: []export.Value{{N: 12}, {N: 14}, {N: 9}, {N: 11}, {N: 13}, {N: 10}}},
			}},
		{Kind: export.ChartBar, Title: "Rien", Categories: []string{"A"}, Series: []export.Series{{Values: []export.Value{{N: 0}}}}},
	}
}

func writePDF(t *testing.T, p *export.PDF) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PASSERELLE_CHART_PREVIEW"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pdf"), buf.Bytes(), 0o644)
	}
	return buf.Bytes()
}

func TestPDFChart(t *testing.T) {
	p := export.NewPDF("Tableau de bord", "Passerelle")
	p.Title("Tableau de bord")
	for _, c := range chartsForPDF() {
		p.Heading(c.Title)
		p.Chart(c)
	}
	text := strings.Join(strings.Fields(pdftext.Text(t, writePDF(t, p))), " ")
	for _, want := range []string{
		"Demandes par type", "Admission", "42 demandes", "Accueil séquentiel", "en demandes",
		"Déclarées", "Disponibles", "valeur protégée (secret statistique)", "210 places",
		"Total : 45 demandes",
		"Convention : 24 réponses (50 %)", "Charte : 12 réponses (25 %)",
		"Répartition protégée : répartition non représentée : valeurs protégées par le secret statistique",
		"en enfants", "janv. 2026", "Gironde", "Landes",
		"Rien : aucune donnée à représenter.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in the PDF:\n%s", want, text)
		}
	}
	// Hidden values are labelled (pdftotext may drop the space of "< 5").
	if n := len(regexp.MustCompile(`<\s?5`).FindAllString(text, -1)); n != 2 {
		t.Errorf("%d \"< 5\" labels, want 2 (the bar, the stacked bar):\n%s", n, text)
	}
	if strings.Count(text, "Demandes par type") != 1 {
		t.Errorf("the chart repeats the heading just above it:\n%s", text)
	}
	if strings.Count(text, "Total") != 1 {
		t.Errorf("a stacked bar with a hidden segment has a total:\n%s", text)
	}
	if secretRe.MatchString(text) {
		t.Errorf("the hidden value, or a sum with it, shows:\n%s", text)
	}
}

// A chart is never cut by a page break: whatever comes before it, its
// title and its axis are on the same page.
func TestPDFChartKeptOnOnePage(t *testing.T) {
	for _, c := range chartsForPDF()[:6] {
		for n := 30; n <= 52; n += 4 {
			p := export.NewPDF("Essai", "Pied")
			p.Paragraph(strings.TrimSuffix(strings.Repeat("Ligne de remplissage.\n", n), "\n"))
			p.Chart(c)
			pages := pdftext.Pages(t, writePDF(t, p))
			last := "en " + c.Unit
			if c.Kind == export.ChartPie {
				last = "(25 %)"
				if c.Unit == "" {
					last = "non représentée"
				}
			}
			for i, page := range pages {
				page = strings.Join(strings.Fields(page), " ")
				if strings.Contains(page, c.Title) && !strings.Contains(page, last) {
					t.Errorf("%s after %d lines: cut on page %d:\n%s", c.Title, n, i+1, page)
				}
			}
		}
	}
}

// A bar chart taller than a page is split between categories, each part
// on its page with the title.
func TestPDFChartSplitWhenTallerThanAPage(t *testing.T) {
	c := export.Chart{Kind: export.ChartBar, Title: "Structures", Unit: "places"}
	var vals []export.Value
	for i := range 80 {
		c.Categories = append(c.Categories, fmt.Sprintf("Structure numéro %02d", i+1))
		vals = append(vals, export.Value{N: float64(i + 1)})
	}
	c.Series = []export.Series{{Values: vals}}
	p := export.NewPDF("Essai", "Pied")
	p.Chart(c)
	pages := pdftext.Pages(t, writePDF(t, p))
	if len(pages) < 2 {
		t.Fatalf("%d page(s)", len(pages))
	}
	seen := 0
	for i, page := range pages {
		if !strings.Contains(page, "Structures") || !strings.Contains(page, "en places") {
			t.Errorf("page %d has no title or axis:\n%s", i+1, page)
		}
		if i > 0 && !strings.Contains(page, "Structures (suite)") {
			t.Errorf("page %d: no \"(suite)\"", i+1)
		}
		seen += strings.Count(page, "Structure numéro")
	}
	if seen != 80 {
		t.Errorf("%d categories drawn, want 80", seen)
	}
}
