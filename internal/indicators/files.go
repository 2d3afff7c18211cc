package indicators

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/export"
)

// Chart is the chart drawn from an indicator's table: one category per
// row, one series per column (hidden cells drawn as nothing, labelled
// "< 5" or "s").
func (ind Indicator) Chart() export.Chart {
	t := ind.Table
	c := export.Chart{Kind: t.Chart, Title: ind.Title, Unit: t.Unit, Categories: append([]string{}, t.Rows...)}
	if c.Kind == "" {
		c.Kind = export.ChartBar
	}
	for j, col := range t.Columns {
		s := export.Series{Name: col, Values: make([]export.Value, len(t.Rows))}
		for i := range t.Rows {
			s.Values[i] = chartValue(t.Cells[i][j])
		}
		c.Series = append(c.Series, s)
	}
	return c
}

func chartValue(c Cell) export.Value {
	if c.Hidden {
		return export.Value{Hidden: true, Label: c.Text()}
	}
	return export.Value{N: c.N}
}

// grid is the table as printed: the header, then each row with its total,
// then the "Total" row; every cell by its Text, so that a hidden figure
// is "< 5" or "s" and never its value.
func (t Table) grid() (header []string, rows [][]string) {
	header = append([]string{t.RowHeader}, t.Columns...)
	if t.RowTotals != nil {
		header = append(header, "Total")
	}
	for i, r := range t.Rows {
		line := []string{r}
		for _, c := range t.Cells[i] {
			line = append(line, c.Text())
		}
		if t.RowTotals != nil {
			line = append(line, t.RowTotals[i].Text())
		}
		rows = append(rows, line)
	}
	if t.ColTotals != nil {
		line := []string{"Total"}
		for _, c := range t.ColTotals {
			line = append(line, c.Text())
		}
		if t.RowTotals != nil {
			if t.Total != nil {
				line = append(line, t.Total.Text())
			} else {
				line = append(line, "")
			}
		}
		rows = append(rows, line)
	}
	return header, rows
}

// WriteCSV writes every indicator of the dashboard, one block per table:
// its title and unit, the header, the rows, then an empty line.
func WriteCSV(w io.Writer, d Dashboard) error {
	// As export.WriteCSV: a byte order mark, ";" and CRLF for a French Excel.
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write([]string{"Tableau de bord : " + d.Label, PeriodLabel(d.Period), freshLine(d)}); err != nil {
		return err
	}
	for _, ind := range d.Indicators {
		header, rows := ind.Table.grid()
		lines := append([][]string{{}, {ind.Title + " (" + ind.Table.Unit + ")"}, header}, rows...)
		for _, l := range lines {
			if err := cw.Write(safeCSV(l)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV keeps a spreadsheet from running a cell as a formula.
func safeCSV(line []string) []string {
	out := make([]string, len(line))
	for i, s := range line {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			s = "'" + s
		}
		out[i] = s
	}
	return out
}

func freshLine(d Dashboard) string {
	if d.FreshAt.IsZero() {
		return "Chiffres pas encore calculés"
	}
	return "Chiffres calculés le " + d.FreshAt.In(paris).Format("02/01/2006 à 15:04")
}

// WriteXLSX writes the dashboard as a workbook, one sheet per indicator.
func WriteXLSX(w io.Writer, d Dashboard) error {
	tables := make([]export.Table, 0, len(d.Indicators))
	for _, ind := range d.Indicators {
		header, rows := ind.Table.grid()
		t := export.Table{Title: ind.Title, Columns: header}
		for _, r := range rows {
			line := make([]any, len(r))
			for i, s := range r {
				line[i] = s
				// Shown figures are numbers; hidden ones the text "< 5" or "s".
				if n, err := strconv.ParseFloat(s, 64); err == nil && i > 0 {
					line[i] = n
				}
			}
			t.Rows = append(t.Rows, line)
		}
		tables = append(tables, t)
	}
	return export.WriteWorkbook(w, tables...)
}

var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()
