package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// WriteWorkbook writes several tables as one Excel workbook, one sheet per
// table named after its title (made unique), each sheet as WriteXLSX
// writes its only one. The tables are checked first: on an error nothing
// is written.
func WriteWorkbook(w io.Writer, tables ...Table) error {
	if len(tables) == 0 {
		return fmt.Errorf("export: a workbook needs a table")
	}
	for _, t := range tables {
		if err := validate(t); err != nil {
			return err
		}
		if len(t.Columns) > excelize.MaxColumns || len(t.Rows)+1 > excelize.TotalRows {
			return fmt.Errorf("export: table %q is too large for Excel", t.Title)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: tables[0].Title, Creator: "Passerelle", Language: "fr-FR"}); err != nil {
		return err
	}
	used := map[string]bool{}
	for i, t := range tables {
		sheet := SheetName(t.Title)
		for n := 2; used[sheet]; n++ {
			suffix := " (" + strconv.Itoa(n) + ")"
			sheet = SheetName(string([]rune(SheetName(t.Title))[:min(len([]rune(SheetName(t.Title))), 31-len(suffix))]) + suffix)
		}
		used[sheet] = true
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return err
		}
		if err := fillSheet(f, sheet, t, styles); err != nil {
			return err
		}
	}
	_, err = f.WriteTo(w)
	return err
}

// fillSheet writes t into the sheet: its header row, then its rows.
func fillSheet(f *excelize.File, sheet string, t Table, styles xlsxStyles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setUpSheet(f, sw, t); err != nil {
		return err
	}
	values := make([]any, len(t.Columns))
	for j, label := range t.Columns {
		values[j] = excelize.Cell{StyleID: styles.header, Value: label}
	}
	if err := sw.SetRow("A1", values); err != nil {
		return err
	}
	for i, row := range t.Rows {
		for j, v := range row {
			values[j] = xlsxValue(v, styles)
		}
		ref, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, values); err != nil {
			return err
		}
	}
	return sw.Flush()
}
