package export_test

import (
	"bytes"
	"strings"
	"testing"

	"passerelle/internal/export"
	"passerelle/internal/export/pdftext"
)

// A heading followed by a table whose first row is taller than three
// lines goes to the next page with the table's header and that row,
// wherever the text before it ends: neither the heading nor the header
// is left alone at the bottom of a page (the crisis report's timeline
// was).
func TestPDFHeadingKeptWithTable(t *testing.T) {
	first := "Première ligne du tableau.\nDeuxième.\nTroisième.\nQuatrième.\nFin de la première rangée."
	for n := 36; n <= 56; n++ {
		p := export.NewPDF("Essai", "Pied de page")
		p.Paragraph(strings.TrimSuffix(strings.Repeat("Ligne de remplissage.\n", n), "\n"))
		p.Heading("Titre du tableau")
		p.Table([]string{"Date", "Contenu"}, []float64{1, 3}, [][]string{{"01/07/2026", first}, {"02/07/2026", "Suite."}})
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			t.Fatal(err)
		}
		for i, page := range pdftext.Pages(t, buf.Bytes()) {
			if strings.Contains(page, "Titre du tableau") && !strings.Contains(page, "Fin de la première rangée") {
				t.Errorf("%d lines: the heading is left without the table's first row on page %d:\n%s", n, i+1, page)
			}
			if strings.Contains(page, "Contenu") && !strings.Contains(page, "01/07/2026") && !strings.Contains(page, "02/07/2026") {
				t.Errorf("%d lines: the table's header is left alone on page %d", n, i+1)
			}
		}
	}
}
