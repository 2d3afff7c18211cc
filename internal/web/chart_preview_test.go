package web

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"testing"

	"passerelle/internal/export"
)

// previewCharts are drawn into a page to look at with a browser:
//
//	PASSERELLE_CHART_PREVIEW=/tmp/charts go test ./internal/web -run TestChartPreview
//
// then open /tmp/charts/charts.html (the page links the real app.css).
var previewCharts = []export.Chart{
	{Kind: export.ChartBar, Title: "Demandes par type", Unit: "demandes",
		Categories: []string{"Admission", "Répit", "Accueil séquentiel", "Accueil de jour en structure médico-sociale avec hébergement"},
		Series:     []export.Series{{Name: "Demandes", Values: []export.Value{{N: 42}, {N: 17}, {N: 3, Hidden: true, Label: "< 5"}, {N: 1234}}}}},
	{Kind: export.ChartBar, Title: "Places déclarées et disponibles", Unit: "places",
		Categories: []string{"IME", "ITEP", "MECS", "Foyer de l'enfance"},
		Series: []export.Series{
			{Name: "Déclarées", Values: []export.Value{{N: 120}, {N: 64}, {N: 210}, {N: 35}}},
			{Name: "Disponibles", Values: []export.Value{{N: 12}, {N: 0}, {N: 18}, {N: 2, Hidden: true, Label: "< 5"}}},
		}},
	{Kind: export.ChartStacked, Title: "Suite donnée aux demandes", Unit: "demandes",
		Categories: []string{"Admission", "Répit", "Accueil séquentiel"},
		Series: []export.Series{
			{Name: "Acceptées", Values: []export.Value{{N: 30}, {N: 12}, {N: 8}}},
			{Name: "Refusées", Values: []export.Value{{N: 10}, {N: 3, Hidden: true, Label: "< 5"}, {N: 6}}},
			{Name: "Sans réponse", Values: []export.Value{{N: 5}, {N: 7}, {N: 9, Hidden: true, Label: "s"}}},
		}},
	{Kind: export.ChartPie, Title: "Outils de coopération", Unit: "réponses",
		Categories: []string{"Convention", "Charte", "CPOM", "Appel à projets", "Autre"},
		Series:     []export.Series{{Name: "Réponses", Values: []export.Value{{N: 24}, {N: 11}, {N: 7}, {N: 5}, {N: 2}}}}},
	{Kind: export.ChartPie, Title: "Répartition protégée", Unit: "enfants",
		Categories: []string{"A", "B"},
		Series:     []export.Series{{Name: "Enfants", Values: []export.Value{{N: 24}, {N: 3, Hidden: true, Label: "< 5"}}}}},
	{Kind: export.ChartLine, Title: "Enfants sans solution", Unit: "enfants",
		Categories: []string{"déc. 2025", "janv. 2026", "févr. 2026", "mars 2026", "avr. 2026", "mai 2026", "juin 2026", "juil. 2026", "août 2026", "sept. 2026", "oct. 2026", "nov. 2026"},
		Series: []export.Series{
			{Name: "Gironde", Values: []export.Value{{N: 40}, {N: 44}, {N: 51}, {N: 48}, {N: 3, Hidden: true, Label: "< 5"}, {N: 39}, {N: 35}, {N: 37}, {N: 42}, {N: 45}, {N: 47}, {N: 50}}},
			{Name: "Landes", Values: []export.Value{{N: 12}, {N: 14}, {N: 9}, {N: 11}, {N: 13}, {N: 10}, {N: 8}, {N: 12}, {N: 15}, {N: 17}, {N: 14}, {N: 13}}},
		}},
	{Kind: export.ChartBar, Title: "Vide", Categories: []string{"A"}, Series: []export.Series{{Values: []export.Value{{N: 0}}}}},
}

func TestChartPreview(t *testing.T) {
	dir := os.Getenv("PASSERELLE_CHART_PREVIEW")
	if dir == "" {
		t.Skip("PASSERELLE_CHART_PREVIEW not set")
	}
	css, _ := filepath.Abs("static/css/app.css")
	head := `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<link rel="stylesheet" href="file://` + css + `"></head><body><main class="wrap">`
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(head+body+`</main></body></html>`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page := `<h1>Graphiques</h1>`
	for i, c := range previewCharts {
		card := `<section class="card"><h2>` + template.HTMLEscapeString(c.Title) + `</h2>` + string(chartSVG(c)) + `</section>`
		write(fmt.Sprintf("chart%d.html", i), card)
		page += card
	}
	vals := map[string]export.Value{}
	for i, d := range []string{"01", "02", "13", "2A", "2B", "29", "33", "40", "59", "62", "69", "75", "92", "93", "94", "971", "972", "973", "974", "976"} {
		vals[d] = export.Value{N: float64(i * 13 % 97)}
	}
	vals["48"] = export.Value{N: 2, Hidden: true, Label: "< 5"}
	card := `<section class="card"><h2>Carte</h2><div class="dash-map-svg">` + string(depMapSVG(DepMap{Title: "Places disponibles", Unit: "places", Values: vals, Href: "/tableaux-de-bord/departement/%s"})) + `</div></section>`
	write("map.html", card)
	write("charts.html", page+card)
}
