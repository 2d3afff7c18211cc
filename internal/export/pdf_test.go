package export_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"passerelle/internal/export"
	"passerelle/internal/export/pdftext"
)

// samplePDF is a document of several pages with French text, every kind of
// block and a table longer than a page, one of whose rows is taller than a
// page.
func samplePDF(t *testing.T) []byte {
	t.Helper()
	p := export.NewPDF("Document d’essai", "Confidentiel — essai — Passerelle")
	p.Title("Fiche d’évaluation de l’élève")
	p.Subtitle("Établie le 23 novembre 2026 à Saint-Étienne")
	p.Fields([][2]string{
		{"Structure", "Maison d’enfants à caractère social « Beauregard »"},
		{"Rédigée par", "Léa Martin, éducatrice spécialisée"},
		{"Observations", strings.Repeat("Cœur à l’ouvrage, il s’investit. ", 8)},
	})
	p.Heading("Ce qui s’est passé")
	p.Paragraph("Première ligne : l’élève a réussi son œuvre.\nDeuxième ligne, après un retour à la ligne.\n\nAprès une ligne vide 🙂\x07 fin.")
	p.Paragraph("")
	p.Bullets([]string{"Prévenir la famille d’accueil", strings.Repeat("Un point de vigilance très détaillé qui s’étend. ", 5)})
	p.Heading("Suivi")
	rows := make([][]string, 70)
	for i := range rows {
		rows[i] = []string{"Structure n° " + strconv.Itoa(i+1), "Reçue le 24 novembre 2026 à 09:15 par Karim Haddad", "oui"}
	}
	rows[40][1] = strings.Repeat("Très long commentaire qui ne tient pas sur une page. ", 120) + "FIN-DU-LONG"
	p.Table([]string{"Structure", "Accusé de réception", "Lu"}, []float64{3, 5, 1}, rows)
	p.Note("Document généré par Passerelle ; il reprend la fiche telle qu’elle était le 23/11/2026.")
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var pdfPages = regexp.MustCompile(`/Type /Page\b`)

func TestPDF(t *testing.T) {
	data := samplePDF(t)
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 20)])
	}
	if n := len(pdfPages.FindAll(data, -1)); n < 2 {
		t.Fatalf("%d page(s), want several", n)
	}

	pages := pdftext.Pages(t, data)
	if len(pages) < 3 {
		t.Fatalf("pdftotext: %d pages", len(pages))
	}
	// Page 1 has room for everything up to the table: nothing breaks early.
	for _, want := range []string{"à l’ouvrage, il s’investit.\n\nCe qui s’est passé", "Suivi", "Structure n° 1\n"} {
		if !strings.Contains(pages[0], want) {
			t.Errorf("page 1 lacks %q:\n%s", want, pages[0])
		}
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{"Fiche d’évaluation de l’élève", "Établie le 23 novembre 2026", "« Beauregard »",
		"l’élève a réussi son œuvre.\nDeuxième ligne", "Prévenir la famille d’accueil", "Structure n° 70", "FIN-DU-LONG",
		"\ufffd fin.", "Document généré par Passerelle"} {
		if !strings.Contains(all, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	if strings.Contains(all, "\x07") {
		t.Error("a control character is printed")
	}
	for i, page := range pages {
		number := fmt.Sprintf("page %d / %d", i+1, len(pages))
		if !strings.Contains(page, number) || !strings.Contains(page, "Confidentiel — essai — Passerelle") {
			t.Errorf("page %d: no footer %q:\n%s", i+1, number, page)
		}
		if running := strings.Contains(page, "Document d’essai"); running != (i > 0) {
			t.Errorf("page %d: running header shown %v", i+1, running)
		}
	}
	// The header row is repeated on the pages the table continues on.
	for i, page := range pages[1:] {
		if strings.Contains(page, "Structure n°") && !strings.Contains(page, "Accusé de réception") {
			t.Errorf("page %d: the table goes on without its header", i+2)
		}
	}
	// Rows are whole on a page, except the one taller than a page.
	for i := 1; i <= 70; i++ {
		if i == 41 {
			continue
		}
		on := 0
		for _, page := range pages {
			if strings.Contains(page, fmt.Sprintf("Structure n° %d\n", i)) || strings.HasSuffix(page, fmt.Sprintf("Structure n° %d", i)) {
				on++
			}
		}
		if on != 1 {
			t.Errorf("row %d found on %d pages", i, on)
		}
	}
}

// A heading followed by text is never the last thing on its page, wherever
// the text before it ends.
func TestPDFHeadingKeptWithText(t *testing.T) {
	for n := 40; n <= 56; n++ {
		p := export.NewPDF("Essai", "Pied de page")
		p.Paragraph(strings.TrimSuffix(strings.Repeat("Ligne de remplissage.\n", n), "\n"))
		p.Heading("Titre de section")
		p.Paragraph("Premier paragraphe de la section.\nSuite de la section.\nFin de la section.")
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			t.Fatal(err)
		}
		for i, page := range pdftext.Pages(t, buf.Bytes()) {
			if strings.Contains(page, "Titre de section") && !strings.Contains(page, "Fin de la section") {
				t.Errorf("%d lines: the heading is left alone with part of its text on page %d:\n%s", n, i+1, page)
			}
		}
	}
}

// Odd input neither hangs nor fails: a header taller than half a page, a
// word wider than its column, empty cells and values, no header at all.
func TestPDFOddInput(t *testing.T) {
	p := export.NewPDF("", "")
	p.Fields([][2]string{{"Vide", ""}, {"", "sans libellé"}})
	p.Bullets([]string{"", "😀"})
	p.Table([]string{strings.Repeat("en-tête ", 400), "B"}, []float64{1, 1}, [][]string{{strings.Repeat("x", 500), ""}, {"", ""}})
	p.Table(nil, []float64{1, 2}, [][]string{{"sans", "en-tête"}})
	p.Table([]string{"A"}, nil, nil)
	p.Heading("")
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdftext.Pages(t, buf.Bytes()), "\n")
	for _, want := range []string{"sans libellé", "xxxxxxxx", "en-tête"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
}

func TestPDFErrors(t *testing.T) {
	p := export.NewPDF("Essai", "")
	p.Table([]string{"A", "B"}, nil, [][]string{{"1", "2"}, {"3"}})
	if err := p.Write(new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("a short row: %v", err)
	}

	p = export.NewPDF("Essai", "")
	p.Table([]string{"A", "B"}, []float64{1}, nil)
	if err := p.Write(new(bytes.Buffer)); err == nil {
		t.Error("one width for two columns: no error")
	}

	p = export.NewPDF("Essai", "")
	p.Paragraph("Texte")
	if err := p.Write(new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	if err := p.Write(new(bytes.Buffer)); err == nil {
		t.Error("written twice: no error")
	}
}
