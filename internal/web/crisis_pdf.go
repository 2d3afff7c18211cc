package web

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// crisisReportPDF prints a crisis's report: read through the policy (the
// steering and the cell) and audited as a print by the service.
func (s *Server) crisisReportPDF(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Crisis.PrintReport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendCrisisReport(w, rep, access.ActorFrom(r.Context()))
}

func (s *Server) sendCrisisReport(w http.ResponseWriter, rep crisis.EndReport, reader access.Actor) error {
	var buf bytes.Buffer
	if err := crisisDocument(rep, reader, db.Now(s.DB.Clock)).Write(&buf); err != nil {
		return err
	}
	name := export.Filename("rapport de crise "+rep.Crisis.Departement, "pdf", rep.Crisis.StartedAt)
	return sendDocument(w, "inline", name, export.ContentTypePDF, buf.Bytes())
}

// timelineLabels say the kinds of events of a crisis's timeline.
var timelineLabels = map[string]string{"activation": "Activation", crisis.EntryNote: "Note de réunion",
	crisis.EntryDecision: "Décision", "broadcast": "Diffusion", "end": "Fin de crise"}

// crisisDocument lays out the report of a crisis, printed by reader at now.
func crisisDocument(rep crisis.EndReport, reader access.Actor, now time.Time) *export.PDF {
	c := rep.Crisis
	kind := crisis.Label(crisis.Kinds, string(c.Kind))
	doc := export.NewPDF("Rapport de crise — "+kind+" — département "+c.Departement+" — "+formatDate(c.StartedAt),
		"Rapport de fin de crise — Passerelle — usage interne des acteurs du territoire")
	doc.Title("Rapport de fin de crise — " + kind)
	end := "crise en cours (rapport d'étape)"
	if !c.Active() {
		end = "terminée le " + formatDateTime(c.EndedAt)
	}
	doc.Subtitle("Département " + c.Departement + " — du " + formatDateTime(c.StartedAt) + ", " + end)
	fields := [][2]string{{"Nature", kind}, {"Début", formatDateTime(c.StartedAt)}, {"Activée par", c.ActivatedName}}
	if !c.Active() {
		fields = append(fields, [2]string{"Fin", formatDateTime(c.EndedAt)}, [2]string{"Terminée par", c.EndedName},
			[2]string{"Durée", durationLabel(c.EndedAt.Sub(c.StartedAt))})
	}
	fields = append(fields, [2]string{"Points de situation", "toutes les " + strconv.Itoa(c.ReportEvery) + " h (dernier rythme fixé)"})
	doc.Fields(fields)
	doc.Heading("Situation")
	doc.Paragraph(frenchSpaces.Replace(c.Description))
	if c.ClosingNote != "" {
		doc.Heading("Note de clôture")
		doc.Paragraph(frenchSpaces.Replace(c.ClosingNote))
	}

	if len(rep.Members) > 0 {
		doc.Heading("Cellule de crise")
		rows := make([][]string, len(rep.Members))
		for i, m := range rep.Members {
			rows[i] = []string{m.Name, m.Organisation, m.Function, m.Phone}
		}
		doc.Table([]string{"Membre", "Organisation", "Fonction", "Téléphone"}, []float64{3, 4, 3, 2}, rows)
	}

	doc.Heading("Chronologie")
	var timeline [][]string
	for _, e := range rep.Timeline() {
		text := frenchSpaces.Replace(e.Text)
		if e.By != "" {
			text += "\n— " + e.By
		}
		timeline = append(timeline, []string{shortDateTime(e.At), timelineLabels[e.Kind], text})
	}
	doc.Table([]string{"Date", "Événement", "Contenu"}, []float64{2.4, 2, 6}, timeline)

	doc.Heading("Décisions")
	if ds := rep.Decisions(); len(ds) > 0 {
		rows := make([][]string, len(ds))
		for i, d := range ds {
			rows[i] = []string{shortDateTime(d.At), frenchSpaces.Replace(d.Body), d.AuthorName}
		}
		doc.Table([]string{"Date", "Décision", "Par"}, []float64{2.4, 6, 2}, rows)
	} else {
		doc.Paragraph("Aucune décision n'a été inscrite au journal.")
	}

	doc.Heading("Diffusions et taux d'accusé de réception")
	if len(rep.Broadcasts) > 0 {
		rows := make([][]string, len(rep.Broadcasts))
		for i, b := range rep.Broadcasts {
			rate := "—"
			if b.Structures > 0 {
				rate = fmt.Sprintf("%d %%", b.Percent())
			}
			rows[i] = []string{shortDateTime(b.SentAt), frenchSpaces.Replace(b.Subject), fmt.Sprintf("%d / %d", b.Acknowledged, b.Structures), rate}
		}
		doc.Table([]string{"Envoyée le", "Objet", "Accusés", "Taux"}, []float64{2.4, 5, 1.5, 1.2}, rows)
	} else {
		doc.Paragraph("Aucune diffusion n'a été envoyée pendant la crise.")
	}

	doc.Heading("États des structures au fil de la crise")
	if len(rep.Statuses) == 0 {
		doc.Paragraph("Aucune structure n'a transmis de point de situation.")
	}
	for _, st := range rep.Statuses {
		rows := make([][]string, len(st.Reports))
		for i, x := range st.Reports {
			rows[i] = []string{shortDateTime(x.At), crisis.Label(crisis.States, string(x.State)), strconv.Itoa(x.StaffAbsent),
				strconv.Itoa(x.ChildrenAffected), frenchSpaces.Replace(x.Needs)}
		}
		doc.Paragraph(st.StructureName)
		doc.Table([]string{"Date", "État", "Personnel absent", "Enfants concernés", "Besoins"}, []float64{2.6, 2, 1.7, 1.7, 3.6}, rows)
	}
	if len(rep.Silent) > 0 {
		doc.Note(fmt.Sprintf("%d structure(s) du territoire n'ont transmis aucun point de situation : ", len(rep.Silent)) + strings.Join(rep.Silent, ", ") + ".")
	}

	printed := "Imprimé le " + formatDateTime(now)
	if reader.Name != "" {
		printed += " par " + reader.Name
	}
	doc.Note(printed + ". Les notes de la cellule peuvent nommer des structures et des personnes : ne diffusez ce rapport qu'aux acteurs qui ont à en connaître.")
	return doc
}

// frenchSpaces binds, with a no-break space, the French high punctuation
// to the word before it (« to the word after it) and a unit to its number,
// so that no line of the report starts with « ; », « : » or the « h » of
// « 18 h » when a cell wraps.
var frenchSpaces = frenchSpacer{strings.NewReplacer(" ;", "\u00a0;", " :", "\u00a0:", " !", "\u00a0!", " ?", "\u00a0?", " »", "\u00a0»", "« ", "«\u00a0")}

type frenchSpacer struct{ punctuation *strings.Replacer }

var numberUnit = regexp.MustCompile(`(\d) (h|°C|%)([^\p{L}\d]|$)`)

func (f frenchSpacer) Replace(s string) string {
	return numberUnit.ReplaceAllString(f.punctuation.Replace(s), "$1\u00a0$2$3")
}

// shortDateTime is a date and time for the report's tables: 23/11/2026 16 h 39.
func shortDateTime(t time.Time) string {
	t = t.In(paris)
	return fmt.Sprintf("%02d/%02d/%d %d h %02d", t.Day(), t.Month(), t.Year(), t.Hour(), t.Minute())
}
