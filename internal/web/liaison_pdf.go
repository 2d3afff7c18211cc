package web

import (
	"bytes"
	"net/http"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/pathway"
)

// liaisonPDF prints a liaison note (fiche de liaison) for a school, a
// judge or a file: the note as its page shows it, read through the same
// policy and audited as a print. The file name carries only the note's
// date, never the child's name.
func (s *Server) liaisonPDF(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	l, err := s.Pathway.PrintLiaison(r.Context(), id, r.PathValue("lid"))
	if err != nil {
		return err
	}
	// The child's name, as on the note's page, for a reader who may see
	// the record's identity; the note prints without it otherwise.
	child := ""
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	switch {
	case err == nil:
		child = rec.Child.Name()
	case apperr.Is(err, apperr.Forbidden), apperr.Is(err, apperr.NotFound):
	default:
		return err
	}
	var buf bytes.Buffer
	if err := liaisonDocument(l, child, access.ActorFrom(r.Context()), db.Now(s.DB.Clock)).Write(&buf); err != nil {
		return err
	}
	return sendDocument(w, "inline", export.Filename("fiche de liaison", "pdf", l.CreatedAt), export.ContentTypePDF, buf.Bytes())
}

// liaisonParts are the four parts of a note, in the order of its form.
var liaisonParts = []struct {
	label string
	text  func(pathway.Liaison) string
}{
	{"Contexte", func(l pathway.Liaison) string { return l.Context }},
	{"Ce qui s’est passé", func(l pathway.Liaison) string { return l.Happened }},
	{"Points de vigilance", func(l pathway.Liaison) string { return l.Watch }},
	{"Ce qui est demandé", func(l pathway.Liaison) string { return l.Asked }},
}

// liaisonDocument lays out note l about child (empty: not named), printed
// by reader at now.
func liaisonDocument(l pathway.Liaison, child string, reader access.Actor, now time.Time) *export.PDF {
	title := "Fiche de liaison du " + formatDate(l.CreatedAt)
	if child != "" {
		title = "Fiche de liaison — " + child + " — " + formatDate(l.CreatedAt)
	}
	doc := export.NewPDF(title, "Confidentiel — fiche de liaison — Passerelle")
	doc.Title("Fiche de liaison")
	doc.Subtitle("Envoyée le " + formatDateTime(l.CreatedAt))
	var fields [][2]string
	if child != "" {
		fields = append(fields, [2]string{"Enfant", child})
	}
	doc.Fields(append(fields, [2]string{"Structure émettrice", l.SenderOrgName}, [2]string{"Rédigée par", l.AuthorName}))

	for _, part := range liaisonParts {
		if text := part.text(l); text != "" {
			doc.Heading(part.label)
			doc.Paragraph(text)
		}
	}

	doc.Heading("Destinataires")
	rows := make([][]string, len(l.Recipients))
	for i, rc := range l.Recipients {
		receipt := "Pas encore reçue"
		if rc.AcknowledgedAt != nil {
			receipt = "Reçue le " + formatDateTime(*rc.AcknowledgedAt)
			if rc.AcknowledgedBy != "" {
				receipt += " par " + rc.AcknowledgedBy
			}
		}
		rows[i] = []string{rc.OrganisationName, receipt}
	}
	doc.Table([]string{"Structure", "Accusé de réception"}, []float64{2, 3}, rows)

	if len(l.Attachments) > 0 {
		doc.Heading("Pièces jointes")
		names := make([]string, len(l.Attachments))
		for i, a := range l.Attachments {
			names[i] = a.Name + " (" + sizeLabel(a.Size) + ")"
		}
		doc.Bullets(names)
		doc.Note("Les pièces jointes ne sont pas reproduites dans cette fiche : elles se consultent dans Passerelle.")
	}

	printed := "Imprimée le " + formatDateTime(now)
	if reader.Name != "" {
		printed += " par " + reader.Name
	}
	doc.Note(printed + ". Ces informations sont couvertes par le secret professionnel et partagées entre les professionnels " +
		"qui accompagnent l’enfant : ne les transmettez qu’aux personnes qui ont à en connaître.")
	return doc
}
