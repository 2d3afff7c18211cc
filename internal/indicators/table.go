package indicators

import (
	"strconv"

	"passerelle/internal/export"
)

// Table is an indicator's figures: Rows × Columns cells, with the total of
// each row and of each column when the table shows them. The same table
// makes the page, the chart, the CSV, the XLSX, the PDF and the API: what
// one hides, all hide.
type Table struct {
	RowHeader string // what the rows are: "Type de demande", "Mois"
	Rows      []string
	Columns   []string
	Unit      string   // "enfants", "demandes", "places", "%", "jours"
	Cells     [][]Cell // [row][column]
	RowTotals []Cell   // the "Total" column; nil when not shown
	ColTotals []Cell   // the "Total" row; nil when not shown
	Total     *Cell    // the grand total, shown only with both
	// Secret: the cells count children (or what concerns them: requests,
	// alerts, days of respite), so statistical secrecy applies (Protect).
	Secret bool
	Chart  export.ChartKind
}

// Cell is one figure of a table.
type Cell struct {
	N      float64
	Hidden bool // statistical secrecy: not shown, anywhere
	// Small: hidden because it counts fewer than Threshold children
	// ("< 5"); a hidden cell that is not Small protects another ("s").
	Small bool
}

// Text is how pages and exports print the cell.
func (c Cell) Text() string {
	switch {
	case c.Hidden && c.Small:
		return "< " + strconv.Itoa(Threshold)
	case c.Hidden:
		return "s"
	}
	return strconv.FormatFloat(c.N, 'f', -1, 64)
}
