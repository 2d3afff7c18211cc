package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column widths, in characters of the default font.
const (
	minColumnWidth = 8
	maxColumnWidth = 50
)

// maxExactInteger bounds the integers written as numbers: Excel keeps 15
// significant digits, so larger ones are written as text to keep every digit.
const maxExactInteger = 999_999_999_999_999

// WriteXLSX writes t as an Excel workbook with one sheet named after t.Title.
// The header row is bold, frozen and carries an autofilter; column widths
// follow the longest cell, up to a limit.
//
// Numbers are numbers, dates and instants are real dates (shown "dd/mm/yyyy"
// and "dd/mm/yyyy hh:mm", Paris time), booleans are the text "oui"/"non".
// Strings are written as inline text, never as formulas, so unlike WriteCSV
// they need no apostrophe and are kept exactly (cut at Excel's 32,767
// characters).
//
// The table is checked first: on a wrong row length, an unsupported cell type
// or too many rows, WriteXLSX returns an error and writes nothing.
func WriteXLSX(w io.Writer, t Table) error {
	if err := validate(t); err != nil {
		return err
	}
	if len(t.Columns) > excelize.MaxColumns {
		return fmt.Errorf("export: %d columns, Excel allows %d", len(t.Columns), excelize.MaxColumns)
	}
	if len(t.Rows)+1 > excelize.TotalRows {
		return fmt.Errorf("export: %d rows, Excel allows %d with the header", len(t.Rows), excelize.TotalRows)
	}

	f := excelize.NewFile()
	defer f.Close() // removes the stream writer's temporary files
	if err := fillWorkbook(f, t); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// xlsxStyles are the style IDs registered in the workbook.
type xlsxStyles struct {
	header, date, dateTime int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return s, err
	}
	dateFmt, dateTimeFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	if s.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return s, err
	}
	s.dateTime, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	return s, err
}

func fillWorkbook(f *excelize.File, t Table) error {
	sheet := SheetName(t.Title)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: t.Title, Creator: "Passerelle", Language: "fr-FR"}); err != nil {
		return err
	}
	styles, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	return fillSheet(f, sheet, t, styles)
}

// setUpSheet sets the column widths, the frozen header and the autofilter,
// which the stream writer needs before the first row.
func setUpSheet(f *excelize.File, sw *excelize.StreamWriter, t Table) error {
	// excelize puts each new column first, and Excel wants them in order:
	// set the last column first.
	widths := columnWidths(t)
	for j := len(widths) - 1; j >= 0; j-- {
		if err := sw.SetColWidth(j+1, j+1, widths[j]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	lastCell, err := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
	if err != nil {
		return err
	}
	// After NewStreamWriter, which has already written <sheetPr>: the
	// filterMode="1" that AutoFilter sets there would claim a filter is applied.
	return f.AutoFilter(sw.Sheet, "A1:"+lastCell, nil)
}

// xlsxValue maps one validated cell to what the stream writer expects. A Go
// string becomes an inline string, never a formula.
func xlsxValue(v any, styles xlsxStyles) any {
	switch v := v.(type) {
	case int:
		return xlsxInteger(int64(v))
	case int64:
		return xlsxInteger(v)
	case bool:
		return yesNo(v)
	case time.Time:
		if v.IsZero() {
			return nil
		}
		shown, dateOnly := timeCell(v)
		if dateOnly {
			return excelize.Cell{StyleID: styles.date, Value: shown}
		}
		return excelize.Cell{StyleID: styles.dateTime, Value: shown}
	}
	return v // string, float64, nil
}

func xlsxInteger(n int64) any {
	if n > maxExactInteger || n < -maxExactInteger {
		return strconv.FormatInt(n, 10)
	}
	return n
}

// columnWidths sizes each column to its longest header or cell text.
func columnWidths(t Table) []float64 {
	widths := make([]float64, len(t.Columns))
	for j, label := range t.Columns {
		widths[j] = float64(textWidth(label))
	}
	var buf [32]byte
	for _, row := range t.Rows {
		for j, v := range row {
			var n int
			switch v := v.(type) {
			case string:
				n = textWidth(v)
			case int:
				n = len(strconv.AppendInt(buf[:0], int64(v), 10))
			case int64:
				n = len(strconv.AppendInt(buf[:0], v, 10))
			case float64:
				n = len(strconv.AppendFloat(buf[:0], v, 'f', -1, 64))
			case bool:
				n = 3
			case time.Time:
				if _, dateOnly := timeCell(v); dateOnly {
					n = len("dd/mm/yyyy")
				} else {
					n = len("dd/mm/yyyy hh:mm")
				}
			}
			widths[j] = max(widths[j], float64(n))
		}
	}
	for j := range widths {
		widths[j] = min(max(widths[j]+2, minColumnWidth), maxColumnWidth)
	}
	return widths
}

// textWidth is the length in characters of the longest line of s, counted
// no further than the widest column.
func textWidth(s string) int {
	longest, n := 0, 0
	for _, r := range s {
		if r == '\n' {
			n = 0
			continue
		}
		n++
		if n > longest {
			longest = n
			if longest >= maxColumnWidth {
				break
			}
		}
	}
	return longest
}

// SheetName turns a title into a valid Excel sheet name: the characters
// []:*?/\ and control characters become "-", surrounding spaces and
// apostrophes are removed, the result is cut to 31 characters, and an empty
// name becomes "Export".
func SheetName(title string) string {
	var b strings.Builder
	units := 0 // Excel counts UTF-16 code units
	for _, r := range strings.Trim(title, " '") {
		if strings.ContainsRune(`[]:*?/\`, r) || unicode.IsControl(r) || r == utf8.RuneError {
			r = '-'
		}
		n := 1
		if r > 0xFFFF {
			n = 2
		}
		if units+n > 31 {
			break
		}
		units += n
		b.WriteRune(r)
	}
	name := strings.Trim(b.String(), " '")
	if name == "" {
		return "Export"
	}
	if strings.EqualFold(name, "History") { // reserved by Excel
		return name + "-"
	}
	return name
}
