package web

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/export"
	"passerelle/internal/indicators"
)

// A PDF table holds side by side as many figures as their headers'
// longest words let fit on an A4 page (between 2 and pdfMaxColumns); a
// wider table is printed in parts, each with the rows' names, rather
// than with headers cut inside their words.
const (
	pdfMaxColumns = 8
	pdfTextWidth  = 170.0 // mm, export.PDF's text width
	pdfCharWidth  = 2.0   // mm, a bold 9 pt DejaVu character, on average
	pdfCellPad    = 4.0   // mm, a cell's inner margins
)

// dashboardDocument lays out a dashboard as the PDF its reader downloads
// at now: what the page shows, each indicator with its chart and its
// table, hidden cells as on the page.
func dashboardDocument(d indicators.Dashboard, reader access.Actor, now time.Time) *export.PDF {
	period := dashPeriodLabel(d.Period)
	doc := export.NewPDF("Tableau de bord — "+d.Label+" — "+period,
		"Tableau de bord territorial — Passerelle — chiffres agrégés, aucun enfant n'y est nommé")
	doc.Title("Tableau de bord — " + d.Label)
	doc.Subtitle(dashCapitalize(period))
	fields := [][2]string{{"Territoire", d.Label}, {"Période", period}}
	if !d.FreshAt.IsZero() {
		fields = append(fields, [2]string{"Chiffres calculés", "le " + formatDateTime(d.FreshAt)})
	}
	printed := formatDateTime(now)
	if reader.Name != "" {
		printed += ", par " + reader.Name
	}
	fields = append(fields, [2]string{"Imprimé", "le " + printed})
	doc.Fields(fields)
	doc.Note("Secret statistique : " + secretLegend)

	if len(d.Indicators) == 0 {
		doc.Paragraph("Aucun indicateur n'est disponible pour ce territoire sur cette période.")
	}
	for _, ind := range d.Indicators {
		// The chart right under the heading, so that they share a page
		// (and the chart does not repeat the title); then how the figures
		// are computed, then the table.
		doc.Heading(ind.Title)
		doc.Chart(ind.Chart())
		doc.Paragraph(ind.Note)
		t := dashTableOf(ind.Table)
		for i, part := range pdfTableParts(t) {
			if i > 0 {
				doc.Note(ind.Title + " (suite)")
			}
			doc.Table(part.header, part.widths, part.rows)
		}
		if len(t.Rows) == 0 {
			doc.Note("Aucune donnée sur la période.")
		}
		note := ""
		if u := ind.Table.Unit; u != "" {
			note = "Chiffres " + dashUnit(u) + "."
		}
		if t.Hidden {
			note += " " + secretLegend
		}
		doc.Note(strings.TrimSpace(note))
	}
	return doc
}

// pdfTable is one part of a table as export.PDF takes it.
type pdfTable struct {
	header []string
	widths []float64
	rows   [][]string
}

// pdfTableParts cuts a table into parts whose headers fit their columns.
func pdfTableParts(t dashTable) []pdfTable {
	if len(t.Rows) == 0 {
		return nil
	}
	rows := append(append([]dashRow(nil), t.Rows...), t.totalRows()...)
	// The rows' names take what their longest word needs, within bounds;
	// each figure's column what its header's longest word needs.
	labels := []string{t.RowHeader}
	for _, r := range rows {
		labels = append(labels, r.Label)
	}
	first := min(max(pdfLongestWord(labels)*pdfCharWidth+pdfCellPad, 24), 48)
	column := max(pdfLongestWord(t.Columns)*pdfCharWidth+pdfCellPad, 16)
	per := min(max(int((pdfTextWidth-first)/column), 2), pdfMaxColumns)
	if n := len(t.Columns); n > per { // parts of even size: 4 + 3, not 6 + 1
		parts := (n + per - 1) / per
		per = (n + parts - 1) / parts
	}
	var parts []pdfTable
	for from := 0; from == 0 || from < len(t.Columns); from += per {
		to := min(from+per, len(t.Columns))
		part := pdfTable{header: append([]string{t.RowHeader}, t.Columns[from:to]...), widths: []float64{first}}
		for range t.Columns[from:to] {
			part.widths = append(part.widths, column)
		}
		for _, r := range rows {
			line := []string{r.Label}
			for _, c := range r.Cells[from:to] {
				line = append(line, pdfCell(c))
			}
			part.rows = append(part.rows, line)
		}
		parts = append(parts, part)
		if to == len(t.Columns) {
			break
		}
	}
	return parts
}

// pdfLongestWord is the length, in characters, of the longest word of texts.
func pdfLongestWord(texts []string) float64 {
	n := 0
	for _, s := range texts {
		for _, w := range strings.Fields(s) {
			n = max(n, utf8.RuneCountInString(w))
		}
	}
	return float64(n)
}

// pdfCell prints a cell as the page does, without the page's markup.
func pdfCell(c indicators.Cell) string {
	if c.Hidden {
		return c.Text()
	}
	return dashNumber(c.N)
}

// dashPeriodLabel is "du 1 décembre 2025 au 23 novembre 2026".
func dashPeriodLabel(p indicators.Period) string {
	from, err1 := time.Parse("2006-01-02", p.From)
	to, err2 := time.Parse("2006-01-02", p.To)
	if err1 != nil || err2 != nil {
		return "du " + p.From + " au " + p.To
	}
	return "du " + dashDay(from) + " au " + dashDay(to)
}

// dashDay is a calendar day without a time zone: "1er décembre 2025".
func dashDay(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

func dashCapitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}
