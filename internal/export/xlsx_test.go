package export_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"passerelle/internal/export"
)

func TestWriteXLSX(t *testing.T) {
	date := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	instant := time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC) // 15:05 in Paris
	long := strings.Repeat("très long ", 20)
	table := export.Table{
		Title:   "Annuaire",
		Columns: []string{"Nom", "Places", "Taux", "Actif", "Ouvert le", "Mis à jour", "Note", "Identifiant"},
		Rows: [][]any{
			{"Foyer; \"Les Tilleuls\"", 12, 0.75, true, date, instant, "=HYPERLINK(\"http://x\")", int64(1234567890123456789)},
			{"Ligne 1\nLigne 2", int64(-3), -1.5, false, time.Time{}, nil, long, int64(42)},
		},
	}
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Annuaire" {
		t.Fatalf("sheets = %q, want [Annuaire]", got)
	}
	const sheet = "Annuaire"

	t.Run("values", func(t *testing.T) {
		tests := []struct {
			cell, want string
			raw        bool
		}{
			{"A1", "Nom", false},
			{"H1", "Identifiant", false},
			{"A2", "Foyer; \"Les Tilleuls\"", false},
			{"B2", "12", false},
			{"C2", "0.75", false},
			{"D2", "oui", false},
			{"E2", "23/11/2026", false},
			{"F2", "23/11/2026 15:05", false},
			{"G2", "=HYPERLINK(\"http://x\")", false},
			{"H2", "1234567890123456789", false}, // too long for a number: text
			{"A3", "Ligne 1\nLigne 2", false},
			{"B3", "-3", false},
			{"C3", "-1.5", false},
			{"D3", "non", false},
			{"E3", "", false}, // zero time
			{"F3", "", false}, // nil
			{"G3", long, false},
			{"H3", "42", false},
			{"E2", "46349", true}, // Excel serial day of 2026-11-23
		}
		for _, tt := range tests {
			got, err := f.GetCellValue(sheet, tt.cell, excelize.Options{RawCellValue: tt.raw})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s (raw %v) = %q, want %q", tt.cell, tt.raw, got, tt.want)
			}
		}
	})

	t.Run("cell types", func(t *testing.T) {
		// A cell with no type attribute is a number in OOXML.
		numeric := []excelize.CellType{excelize.CellTypeUnset, excelize.CellTypeNumber}
		text := []excelize.CellType{excelize.CellTypeInlineString, excelize.CellTypeSharedString}
		tests := []struct {
			cell string
			want []excelize.CellType
		}{
			{"A1", text}, {"B2", numeric}, {"C2", numeric}, {"E2", numeric}, {"F2", numeric},
			{"D2", text}, {"G2", text}, {"H2", text}, {"H3", numeric},
		}
		for _, tt := range tests {
			got, err := f.GetCellType(sheet, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want[0] && got != tt.want[1] {
				t.Errorf("%s type = %v, want one of %v", tt.cell, got, tt.want)
			}
		}
		if formula, _ := f.GetCellFormula(sheet, "G2"); formula != "" {
			t.Errorf("G2 has formula %q, want none", formula)
		}
		raw, _ := f.GetCellValue(sheet, "F2", excelize.Options{RawCellValue: true})
		serial, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Fatalf("F2 raw value %q: %v", raw, err)
		}
		got, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 11, 23, 15, 5, 0, 0, time.UTC); !got.Round(time.Second).Equal(want) {
			t.Errorf("F2 = %v, want %v (Paris wall clock)", got, want)
		}
	})

	t.Run("styles", func(t *testing.T) {
		if s := cellStyle(t, f, sheet, "A1"); s.Font == nil || !s.Font.Bold {
			t.Errorf("header A1 not bold: %+v", s.Font)
		}
		if s := cellStyle(t, f, sheet, "A2"); s.Font != nil && s.Font.Bold {
			t.Error("data cell A2 is bold")
		}
		if s := cellStyle(t, f, sheet, "E2"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy" {
			t.Errorf("E2 number format = %v, want dd/mm/yyyy", s.CustomNumFmt)
		}
		if s := cellStyle(t, f, sheet, "F2"); s.CustomNumFmt == nil || *s.CustomNumFmt != "dd/mm/yyyy hh:mm" {
			t.Errorf("F2 number format = %v, want dd/mm/yyyy hh:mm", s.CustomNumFmt)
		}
	})

	t.Run("frozen header", func(t *testing.T) {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
			t.Errorf("panes = %+v, want header row frozen", panes)
		}
	})

	t.Run("autofilter", func(t *testing.T) {
		var found bool
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm._FilterDatabase" {
				found = true
				if !strings.HasSuffix(strings.ReplaceAll(d.RefersTo, "$", ""), "A1:H3") {
					t.Errorf("filter range = %q, want A1:H3", d.RefersTo)
				}
			}
		}
		if !found {
			t.Error("no _xlnm._FilterDatabase defined name")
		}
		// excelize writes the range as $A$1:$H$3, which Excel accepts.
		if xml := sheetXML(t, buf.Bytes()); !strings.Contains(strings.ReplaceAll(xml, "$", ""), `<autoFilter ref="A1:H3"`) {
			t.Errorf("sheet has no autoFilter on A1:H3:\n%s", xml)
		}
		if xml := sheetXML(t, buf.Bytes()); strings.Contains(xml, "filterMode") {
			t.Error("sheet claims a filter is applied")
		}
	})

	t.Run("column widths", func(t *testing.T) {
		tests := []struct {
			col  string
			want float64
		}{
			{"A", 23}, // "Foyer; \"Les Tilleuls\"" is 21 characters
			{"B", 8},  // short values: the minimum
			{"F", 18}, // "dd/mm/yyyy hh:mm"
			{"G", 50}, // long text: the maximum
			{"H", 21}, // 19 digits
		}
		// Excel wants <col> elements in column order.
		xml := sheetXML(t, buf.Bytes())
		last := 0
		for _, part := range strings.Split(xml, `<col min="`)[1:] {
			n, err := strconv.Atoi(part[:strings.IndexByte(part, '"')])
			if err != nil || n <= last {
				t.Fatalf("<col> elements out of order: %s", xml)
			}
			last = n
		}
		for _, tt := range tests {
			got, err := f.GetColWidth(sheet, tt.col)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("width of %s = %v, want %v", tt.col, got, tt.want)
			}
		}
	})
}

func TestWriteXLSXHeaderOnly(t *testing.T) {
	var buf bytes.Buffer
	table := export.Table{Title: "Bilan [2026]: 1/2", Columns: []string{"Nom"}}
	if err := export.WriteXLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Bilan -2026-- 1-2")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] != "Nom" {
		t.Errorf("rows = %q, want the header only", rows)
	}
}

func TestSheetName(t *testing.T) {
	tests := []struct {
		title, want string
	}{
		{"Annuaire", "Annuaire"},
		{"Réunions d'équipe", "Réunions d'équipe"},
		{"", "Export"},
		{"   ", "Export"},
		{"''", "Export"},
		{"'Cité'", "Cité"},
		{"Bilan [2026]: a/b", "Bilan -2026-- a-b"},
		{`a*?\`, "a---"},
		{"Ligne\nDeux", "Ligne-Deux"},
		{"  Annuaire  ", "Annuaire"},
		{"Annuaire des structures de la Loire", "Annuaire des structures de la L"},
		{"Annuaire des structures de     x", "Annuaire des structures de"},
		{strings.Repeat("é", 40), strings.Repeat("é", 31)},
		{strings.Repeat("😀", 16), strings.Repeat("😀", 15)}, // two UTF-16 units each
		{"History", "History-"},
		{"history", "history-"},
		{"Historique", "Historique"},
		{"bad\xffutf8", "bad-utf8"},
	}
	for _, tt := range tests {
		got := export.SheetName(tt.title)
		if got != tt.want {
			t.Errorf("SheetName(%q) = %q, want %q", tt.title, got, tt.want)
		}
		// Excel's own rules, as excelize enforces them.
		f := excelize.NewFile()
		if err := f.SetSheetName("Sheet1", got); err != nil {
			t.Errorf("SheetName(%q) = %q, refused by excelize: %v", tt.title, got, err)
		}
		f.Close()
	}
}

func cellStyle(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sheetXML returns the worksheet part of the first sheet.
func sheetXML(t *testing.T, file []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
