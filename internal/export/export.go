// Package export writes the files Passerelle hands out: a table of results as
// CSV or XLSX for the "Exporter" buttons, a document as PDF, a planning as
// iCalendar. It owns the file formats only: what goes in them, and who may
// have them, is decided by the caller.
//
// Both formats aim at French users opening the file in Excel or LibreOffice:
// dates are shown as calendar dates, instants in Paris time, booleans as
// "oui"/"non", and no cell text is ever run as a formula.
package export

import (
	"errors"
	"fmt"
	"math"
	"time"
	_ "time/tzdata" // Europe/Paris must load on hosts without system zoneinfo.
)

// Content types to send with the files.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Table is a titled grid: Columns are the header labels, each row has len(Columns) cells.
//
// A cell is a string, int, int64, float64, bool, time.Time or nil. A zero
// time.Time is written as an empty cell, like nil. A time.Time at midnight UTC
// is a calendar date (that is how dates come out of the database); any other
// time is an instant, shown in Paris time.
type Table struct {
	Title   string // sheet name / file title, e.g. "Annuaire"
	Columns []string
	Rows    [][]any // cells: string, int, int64, float64, bool, time.Time, nil
}

// paris is the time zone instants are shown in.
var paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

// validate checks the whole table before anything is written, so that a
// programming error never leaves a half-written file.
func validate(t Table) error {
	if len(t.Columns) == 0 {
		return errors.New("export: table has no columns")
	}
	for i, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("export: row %d has %d cells, want %d", i+1, len(row), len(t.Columns))
		}
		for j, v := range row {
			if err := validateCell(v); err != nil {
				return fmt.Errorf("export: row %d, column %d (%q): %w", i+1, j+1, t.Columns[j], err)
			}
		}
	}
	return nil
}

func validateCell(v any) error {
	switch v := v.(type) {
	case nil, string, int, int64, bool, time.Time:
		return nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("float %v cannot be written to a spreadsheet", v)
		}
		return nil
	default:
		return fmt.Errorf("unsupported cell type %T", v)
	}
}

// timeCell is what a spreadsheet shows for a time.Time: a calendar date when
// the value is midnight UTC, else the wall-clock time in Paris.
func timeCell(t time.Time) (shown time.Time, dateOnly bool) {
	u := t.UTC()
	if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		return u, true
	}
	return t.In(paris), false
}

// yesNo is how booleans read in both formats.
func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}
