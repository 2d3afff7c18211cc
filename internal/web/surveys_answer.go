package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/surveys"
)

// surveyAnswerPage is the questionnaire: a structure's answer to a
// campaign, or the builder's preview of a survey (Preview, no answer).
// Form.Values and Form.Errors are keyed by question id, which is also
// the name of each question's inputs.
type surveyAnswerPage struct {
	A       *surveys.Answer
	S       *surveys.Survey
	Preview bool
	Form    Form
	Now     time.Time
}

// Past reports whether the campaign's deadline has passed.
func (p surveyAnswerPage) Past() bool { return p.A != nil && p.A.Campaign.Past(p.Now) }

// Editable reports whether the inputs take answers (the preview's do, to try them).
func (p surveyAnswerPage) Editable() bool { return p.Preview || (p.A != nil && p.A.CanEdit) }

// surveyFault is a question's error in the summary above the form.
type surveyFault struct {
	ID, Label, Message string
	Number             int
}

// Faults lists the questions' errors in the questionnaire's order, so
// that the summary says which question each is about.
func (p surveyAnswerPage) Faults() []surveyFault {
	var out []surveyFault
	for _, q := range p.S.Questions() {
		if m := p.Form.Errors[q.ID]; m != "" {
			out = append(out, surveyFault{ID: q.ID, Label: q.Label, Message: m, Number: q.Number})
		}
	}
	return out
}

func (s *Server) campaignAnswerShow(w http.ResponseWriter, r *http.Request, status int, structure string, form Form) error {
	a, err := s.Surveys.GetAnswer(r.Context(), r.PathValue("id"), structure)
	if err != nil {
		return err
	}
	if form.Values == nil {
		form = Form{Values: url.Values(a.Values), Errors: map[string]string{}}
		if form.Values == nil {
			form.Values = url.Values{}
		}
	}
	s.render(w, r, status, "survey_answer", a.Campaign.Title, surveyAnswerPage{A: a, S: a.Survey, Form: form, Now: db.Now(s.DB.Clock)})
	return nil
}

func (s *Server) campaignAnswer(w http.ResponseWriter, r *http.Request) error {
	structure := r.URL.Query().Get("structure")
	if structure == "" {
		// The link of the notification names no structure: one who works
		// in several asked structures chooses in the list, one line each.
		c, err := s.Surveys.GetCampaign(r.Context(), r.PathValue("id"))
		if err != nil {
			return err
		}
		if len(c.Mine) > 1 {
			s.flash(r, "Vous travaillez dans plusieurs structures interrogées par « "+c.Title+" » : choisissez ci-dessous celle pour laquelle vous répondez.")
			http.Redirect(w, r, "/enquetes", http.StatusSeeOther)
			return nil
		}
	}
	return s.campaignAnswerShow(w, r, http.StatusOK, structure, Form{})
}

// campaignAnswerSave saves the draft or sends the answer. Each question's
// error comes back beside it with everything typed kept.
func (s *Server) campaignAnswerSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	structure := v.Get("structure")
	a, err := s.Surveys.GetAnswer(r.Context(), r.PathValue("id"), structure)
	if err != nil {
		return err
	}
	vals := surveys.Values{}
	for _, q := range a.Survey.Questions() {
		for _, x := range v[q.ID] {
			if x = strings.TrimSpace(x); x != "" {
				if q.Kind == surveys.Number {
					x = strings.Replace(strings.ReplaceAll(x, " ", ""), ",", ".", 1)
				}
				vals[q.ID] = append(vals[q.ID], x)
			}
		}
	}
	submit := v.Get("action") == "submit"
	if submit {
		err = s.Surveys.SubmitAnswer(r.Context(), a.Campaign.ID, a.StructureID, vals)
	} else {
		err = s.Surveys.SaveAnswer(r.Context(), a.Campaign.ID, a.StructureID, vals)
	}
	form := formFrom(r)
	if formError(&form, err) {
		return s.campaignAnswerShow(w, r, http.StatusUnprocessableEntity, a.StructureID, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.campaignAnswerShow(w, r, http.StatusConflict, a.StructureID, form)
	}
	if err != nil {
		return err
	}
	back := "/campagnes/" + a.Campaign.ID + "/reponse?structure=" + url.QueryEscape(a.StructureID)
	switch {
	case !submit:
		s.flash(r, "Brouillon enregistré : il n'est pas encore envoyé. Vous pouvez le reprendre jusqu'à l'échéance.")
	case a.Campaign.Past(db.Now(s.DB.Clock)):
		s.flash(r, "Réponse envoyée après l'échéance : elle est comptée, en retard. Merci.")
	default:
		s.flash(r, "Réponse envoyée. Merci ! Vous pouvez encore la modifier jusqu'à l'échéance.")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
