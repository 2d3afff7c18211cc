package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// utf8BOM makes Excel read the file as UTF-8 instead of Windows-1252.
const utf8BOM = "\uFEFF"

// WriteCSV writes t as CSV for a French Excel: UTF-8 with a byte order mark,
// ";" separators, CRLF line ends, the header row first.
//
// Numbers are plain digits, with a decimal comma for float64; booleans are
// "oui"/"non"; dates are "2006-01-02" and instants "2006-01-02 15:04" in Paris
// time. Carriage returns inside a cell become line feeds (encoding/csv would
// drop them), written as CRLF.
//
// Every string cell, header included, that starts with "=", "+", "-", "@",
// tab or carriage return gets a leading apostrophe so that a spreadsheet shows
// it as text instead of running it as a formula (OWASP "CSV injection"). This
// applies to harmless text too, such as "+33 4 77 00 00 00" or "-": Excel hides
// the apostrophe, other readers see it.
//
// The table is checked first: on a wrong row length or an unsupported cell
// type WriteCSV returns an error and writes nothing.
func WriteCSV(w io.Writer, t Table) error {
	if err := validate(t); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true

	record := make([]string, len(t.Columns))
	for j, label := range t.Columns {
		record[j] = csvString(label)
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	for _, row := range t.Rows {
		for j, v := range row {
			record[j] = csvText(v)
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvText formats one validated cell.
func csvText(v any) string {
	switch v := v.(type) {
	case string:
		return csvString(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
	case bool:
		return yesNo(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		shown, dateOnly := timeCell(v)
		if dateOnly {
			return shown.Format("2006-01-02")
		}
		return shown.Format("2006-01-02 15:04")
	}
	return "" // nil
}

// csvString guards against formula injection and keeps line breaks that
// encoding/csv would otherwise lose.
func csvString(s string) string {
	if startsFormula(s) {
		s = "'" + s
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// startsFormula reports whether a spreadsheet could read s as a formula.
func startsFormula(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}
