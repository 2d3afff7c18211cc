package export_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"passerelle/internal/export"
)

// benchTable is a search result of 10,000 rows × 12 columns of mixed types.
func benchTable() export.Table {
	t := export.Table{
		Title: "Annuaire",
		Columns: []string{"Nom", "Sigle", "Adresse", "Commune", "Téléphone", "Courriel",
			"Places", "Identifiant", "Taux", "Actif", "Ouvert le", "Mis à jour"},
	}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10_000 {
		t.Rows = append(t.Rows, []any{
			fmt.Sprintf("Centre d'accueil n°%d", i),
			fmt.Sprintf("CA%d", i%97),
			fmt.Sprintf("%d rue de la République", i%200+1),
			"Saint-Étienne",
			"+33 4 77 00 00 00",
			fmt.Sprintf("accueil%d@example.org", i),
			i % 120,
			int64(100000000 + i),
			float64(i%1000) / 7,
			i%3 == 0,
			start.AddDate(0, 0, i%2000),
			start.Add(time.Duration(i) * 17 * time.Minute),
		})
	}
	return t
}

func BenchmarkWriteCSV(b *testing.B) {
	benchmarkWrite(b, export.WriteCSV)
}

func BenchmarkWriteXLSX(b *testing.B) {
	benchmarkWrite(b, export.WriteXLSX)
}

func benchmarkWrite(b *testing.B, write func(io.Writer, export.Table) error) {
	t := benchTable()
	var size bytes.Buffer
	if err := write(&size, t); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := write(io.Discard, t); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size.Len()), "file-bytes")
}
