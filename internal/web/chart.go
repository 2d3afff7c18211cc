package web

import (
	"html/template"

	"passerelle/internal/export"
)

// chartFuncs are the template functions that draw charts and the map.
func chartFuncs() template.FuncMap {
	return template.FuncMap{"chart": chartSVG, "depmap": depMapSVG}
}

// DepMap is a map of the départements coloured by one indicator.
type DepMap struct {
	Title  string
	Unit   string
	Values map[string]export.Value // by département code ("33", "2A")
	// Href, when set, links each département: a format with one %s for its code.
	Href string
}

// chartSVG draws a chart as accessible SVG, without script: the title and
// a French summary of the figures are its accessible name and
// description, each mark has a tooltip, and values hidden by statistical
// secrecy are drawn as their label only. A chart with nothing to draw is a
// short sentence instead.
func chartSVG(c export.Chart) template.HTML {
	if chartIsEmpty(c) {
		return chartEmpty(c)
	}
	switch c.Kind {
	case export.ChartPie:
		return template.HTML(pieSVG(c))
	case export.ChartLine:
		return template.HTML(lineSVG(c))
	}
	return template.HTML(barSVG(c)) // bar, stacked, and any other kind

}
