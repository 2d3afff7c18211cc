package export_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"
	"time"

	"passerelle/internal/export"
)

func TestWriteCSV(t *testing.T) {
	date := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	winter := time.Date(2026, 11, 23, 14, 5, 0, 0, time.UTC) // Paris UTC+1
	summer := time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC)  // Paris UTC+2, next day
	tests := []struct {
		name  string
		table export.Table
		want  string
	}{
		{
			name:  "header only",
			table: export.Table{Title: "Vide", Columns: []string{"Nom", "Ville"}},
			want:  "\ufeffNom;Ville\r\n",
		},
		{
			name: "values",
			table: export.Table{
				Title:   "Annuaire",
				Columns: []string{"Nom", "Places", "Taux", "Actif", "Ouvert le", "Mis à jour", "Note"},
				Rows: [][]any{
					{`Foyer; "Les Tilleuls"`, 12, 0.75, true, date, winter, nil},
					{"Ligne 1\nLigne 2", int64(-3), -1.5, false, time.Time{}, summer, ""},
					{"Ligne\rfin", 0, 1e6, true, date.In(time.FixedZone("x", 3600)), date.Add(time.Minute), "Crème brûlée"},
				},
			},
			want: "\ufeffNom;Places;Taux;Actif;Ouvert le;Mis à jour;Note\r\n" +
				"\"Foyer; \"\"Les Tilleuls\"\"\";12;0,75;oui;2026-11-23;2026-11-23 15:05;\r\n" +
				"\"Ligne 1\r\nLigne 2\";-3;-1,5;non;;2026-07-02 00:30;\r\n" +
				"\"Ligne\r\nfin\";0;1000000;oui;2026-11-23;2026-11-23 01:01;Crème brûlée\r\n",
		},
		{
			name: "formula guard",
			table: export.Table{
				Title:   "Injection",
				Columns: []string{"=Total", "Valeur"},
				Rows: [][]any{
					{"=HYPERLINK(\"http://x\")", "+33 4 77 00 00 00"},
					{"-", "@SUM(A1)"},
					{"\tTab", "\rRetour"},
					{"a=b", "'déjà"},
				},
			},
			want: "\ufeff'=Total;Valeur\r\n" +
				"\"'=HYPERLINK(\"\"http://x\"\")\";'+33 4 77 00 00 00\r\n" +
				"'-;'@SUM(A1)\r\n" +
				"'\tTab;\"'\r\nRetour\"\r\n" +
				"a=b;'déjà\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := export.WriteCSV(&buf, tt.table); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("WriteCSV:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestInvalidTable checks that both writers refuse a bad table before writing a byte.
func TestInvalidTable(t *testing.T) {
	tests := []struct {
		name    string
		table   export.Table
		wantErr string
	}{
		{"no columns", export.Table{Title: "x"}, "no columns"},
		{"short row", export.Table{Columns: []string{"a", "b"}, Rows: [][]any{{"1", "2"}, {"3"}}}, "row 2 has 1 cells, want 2"},
		{"long row", export.Table{Columns: []string{"a"}, Rows: [][]any{{"1", "2"}}}, "row 1 has 2 cells, want 1"},
		{"int32", export.Table{Columns: []string{"a", "b"}, Rows: [][]any{{"1", int32(2)}}}, `row 1, column 2 ("b"): unsupported cell type int32`},
		{"pointer", export.Table{Columns: []string{"a"}, Rows: [][]any{{new(string)}}}, "unsupported cell type *string"},
		{"NaN", export.Table{Columns: []string{"a"}, Rows: [][]any{{math.NaN()}}}, "float NaN"},
		{"infinity", export.Table{Columns: []string{"a"}, Rows: [][]any{{math.Inf(-1)}}}, "float -Inf"},
	}
	writers := []struct {
		name  string
		write func(*bytes.Buffer, export.Table) error
	}{
		{"CSV", func(b *bytes.Buffer, t export.Table) error { return export.WriteCSV(b, t) }},
		{"XLSX", func(b *bytes.Buffer, t export.Table) error { return export.WriteXLSX(b, t) }},
	}
	for _, tt := range tests {
		for _, w := range writers {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				var buf bytes.Buffer
				err := w.write(&buf, tt.table)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if buf.Len() != 0 {
					t.Errorf("wrote %d bytes before failing", buf.Len())
				}
			})
		}
	}
}

// FuzzWriteCSV checks that any pair of strings reads back unchanged, apart
// from the guard apostrophe and carriage returns turned into line feeds.
func FuzzWriteCSV(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""}, {"a;b", `"q"`}, {"=1+1", "-"}, {"\r\n", "\rx"}, {" lead", "trail "},
		{"\tTab", "@x"}, {`\.`, "é\n"}, {"'", "\ufeff"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var buf bytes.Buffer
		table := export.Table{Columns: []string{"a", "b"}, Rows: [][]any{{a, b}}}
		if err := export.WriteCSV(&buf, table); err != nil {
			t.Fatal(err)
		}
		data, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
		if !ok {
			t.Fatal("no byte order mark")
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.Comma = ';'
		records, err := r.ReadAll()
		if err != nil {
			t.Fatalf("reading back %q: %v", data, err)
		}
		if len(records) != 2 || len(records[1]) != 2 {
			t.Fatalf("read back %q from %q", records, data)
		}
		for i, want := range []string{a, b} {
			got := records[1][i]
			if want != "" && strings.IndexByte("=+-@\t\r", want[0]) >= 0 {
				var guarded bool
				if got, guarded = strings.CutPrefix(got, "'"); !guarded {
					t.Errorf("cell %d: %q not guarded in %q", i, want, data)
				}
			}
			want = strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "\n")
			if got != want {
				t.Errorf("cell %d: got %q, want %q", i, got, want)
			}
		}
	})
}
