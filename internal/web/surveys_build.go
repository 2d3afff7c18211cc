package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"passerelle/internal/apperr"
	"passerelle/internal/surveys"
)

// surveyBuildPage is the builder: a survey's sections and questions with
// the forms that change them. Form holds what was typed in the form
// named FormFor ("survey", "new-section", "section:<id>") when it comes
// back with an error.
type surveyBuildPage struct {
	S         *surveys.Survey
	Campaigns []surveys.Campaign
	Form      Form
	FormFor   string
}

// sectionForm is the form of one section: typed values after an error,
// the section's own otherwise.
func (p surveyBuildPage) SectionForm(sec surveys.Section) Form {
	if p.FormFor == "section:"+sec.ID {
		return p.Form
	}
	return Form{Values: url.Values{"title": {sec.Title}, "intro": {sec.Intro}}}
}

// SurveyForm is the title and introduction's form.
func (p surveyBuildPage) SurveyForm() Form {
	if p.FormFor == "survey" {
		return p.Form
	}
	return Form{Values: url.Values{"title": {p.S.Title}, "intro": {p.S.Intro}}}
}

// NewSectionForm is the form that adds a section.
func (p surveyBuildPage) NewSectionForm() Form {
	if p.FormFor == "new-section" {
		return p.Form
	}
	return Form{Values: url.Values{}}
}

func (s *Server) surveyBuildShow(w http.ResponseWriter, r *http.Request, status int, p surveyBuildPage) error {
	sv, err := s.Surveys.GetSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	cs, err := s.Surveys.ListCampaigns(r.Context(), sv.ID)
	if err != nil {
		return err
	}
	p.S, p.Campaigns = sv, cs
	s.render(w, r, status, "survey_build", sv.Title, p)
	return nil
}

func (s *Server) surveyBuild(w http.ResponseWriter, r *http.Request) error {
	return s.surveyBuildShow(w, r, http.StatusOK, surveyBuildPage{})
}

// surveyStep runs a change posted from the builder: an invalid field
// comes back on the builder in the form it was typed in; a conflict (a
// launched survey, a condition pointing to a question) is said above it;
// success goes back to the builder at anchor.
func (s *Server) surveyStep(w http.ResponseWriter, r *http.Request, formFor, done, anchor string, step func(url.Values) error) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	p := surveyBuildPage{Form: formFrom(r), FormFor: formFor}
	err := step(r.PostForm)
	if formError(&p.Form, err) {
		return s.surveyBuildShow(w, r, http.StatusUnprocessableEntity, p)
	}
	if apperr.Is(err, apperr.Conflict) {
		p.Form.Message, p.FormFor = apperrMessage(err), "page"
		return s.surveyBuildShow(w, r, http.StatusConflict, p)
	}
	if err != nil {
		return err
	}
	if done != "" {
		s.flash(r, done)
	}
	http.Redirect(w, r, "/enquetes/"+r.PathValue("id")+anchor, http.StatusSeeOther)
	return nil
}

func surveyText(v url.Values, name string) string { return strings.TrimSpace(v.Get(name)) }

func (s *Server) surveyUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.surveyStep(w, r, "survey", "Enquête enregistrée.", "", func(v url.Values) error {
		return s.Surveys.UpdateSurvey(r.Context(), r.PathValue("id"), surveys.SurveyInput{Title: surveyText(v, "title"), Intro: surveyText(v, "intro")})
	})
}

func (s *Server) surveyDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.Surveys.DuplicateSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.flash(r, "Copie créée : vous pouvez la modifier puis la lancer.")
	http.Redirect(w, r, "/enquetes/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) surveyDelete(w http.ResponseWriter, r *http.Request) error {
	err := s.Surveys.DeleteSurvey(r.Context(), r.PathValue("id"))
	if apperr.Is(err, apperr.Conflict) {
		return s.surveyBuildShow(w, r, http.StatusConflict, surveyBuildPage{Form: Form{Message: apperrMessage(err)}, FormFor: "page"})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Enquête supprimée.")
	http.Redirect(w, r, "/enquetes", http.StatusSeeOther)
	return nil
}

func (s *Server) surveySectionAdd(w http.ResponseWriter, r *http.Request) error {
	return s.surveyStep(w, r, "new-section", "Section ajoutée : ajoutez-y des questions.", "#fin", func(v url.Values) error {
		_, err := s.Surveys.AddSection(r.Context(), r.PathValue("id"), surveys.SectionInput{Title: surveyText(v, "title"), Intro: surveyText(v, "intro")})
		return err
	})
}

func (s *Server) surveySectionUpdate(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	return s.surveyStep(w, r, "section:"+sid, "Section enregistrée.", "#s-"+sid, func(v url.Values) error {
		return s.Surveys.UpdateSection(r.Context(), r.PathValue("id"), sid, surveys.SectionInput{Title: surveyText(v, "title"), Intro: surveyText(v, "intro")})
	})
}

func (s *Server) surveySectionDelete(w http.ResponseWriter, r *http.Request) error {
	return s.surveyStep(w, r, "", "Section supprimée avec ses questions.", "", func(url.Values) error {
		return s.Surveys.DeleteSection(r.Context(), r.PathValue("id"), r.PathValue("sid"))
	})
}

func (s *Server) surveySectionMove(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	return s.surveyStep(w, r, "", "", "#s-"+sid, func(v url.Values) error {
		return s.Surveys.MoveSection(r.Context(), r.PathValue("id"), sid, surveyDelta(v))
	})
}

func (s *Server) surveyQuestionDelete(w http.ResponseWriter, r *http.Request) error {
	return s.surveyStep(w, r, "", "Question supprimée.", "", func(url.Values) error {
		return s.Surveys.DeleteQuestion(r.Context(), r.PathValue("id"), r.PathValue("qid"))
	})
}

func (s *Server) surveyQuestionMove(w http.ResponseWriter, r *http.Request) error {
	qid := r.PathValue("qid")
	return s.surveyStep(w, r, "", "", "#q-"+qid, func(v url.Values) error {
		return s.Surveys.MoveQuestion(r.Context(), r.PathValue("id"), qid, surveyDelta(v))
	})
}

// surveyDelta reads a move: "up" is -1, anything else +1.
func surveyDelta(v url.Values) int {
	if v.Get("dir") == "up" {
		return -1
	}
	return 1
}

// surveyQuestionPage is the form of one question, new or edited.
type surveyQuestionPage struct {
	S       *surveys.Survey
	Q       *surveys.Question // nil for a new one
	Form    Form
	Earlier []surveys.Question // the questions a condition may point to
}

// surveyQuestionShow renders the question form; q is nil for a new one,
// whose section comes from the form or the query.
func (s *Server) surveyQuestionShow(w http.ResponseWriter, r *http.Request, status int, q *surveys.Question, form Form) error {
	sv, err := s.Surveys.GetSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if q == nil && r.PathValue("qid") != "" {
		for _, x := range sv.Questions() {
			if x.ID == r.PathValue("qid") {
				q = &x
			}
		}
		if q == nil {
			return apperr.New(apperr.NotFound, "Cette question n'existe pas (ou plus).")
		}
	}
	p := surveyQuestionPage{S: sv, Q: q, Form: form}
	if p.Form.Values == nil {
		if q != nil {
			p.Form = Form{Values: surveyQuestionValues(*q), Errors: map[string]string{}}
		} else {
			sec := r.URL.Query().Get("section")
			if sec == "" && len(sv.Sections) > 0 {
				sec = sv.Sections[len(sv.Sections)-1].ID
			}
			p.Form = Form{Values: url.Values{"section_id": {sec}, "kind": {string(surveys.Single)}}, Errors: map[string]string{}}
		}
	}
	// A condition points to an earlier single choice, multiple choice or
	// yes/no question: before this one, or for a new one, up to the end of
	// its section.
	section := p.Form.Values.Get("section_id")
	for _, sec := range sv.Sections {
		stop := false
		for _, x := range sec.Questions {
			if q != nil && x.ID == q.ID {
				stop = true
				break
			}
			if x.Kind == surveys.Single || x.Kind == surveys.Multiple || x.Kind == surveys.YesNo {
				p.Earlier = append(p.Earlier, x)
			}
		}
		if stop || (q == nil && sec.ID == section) {
			break
		}
	}
	title := "Nouvelle question"
	if q != nil {
		title = "Question " + strconv.Itoa(q.Number)
	}
	s.render(w, r, status, "survey_question", title+" — "+sv.Title, p)
	return nil
}

// surveyQuestionValues fills the form of a question from it. A condition's
// values are sent as "question id:value", since two questions may offer
// the same words.
func surveyQuestionValues(q surveys.Question) url.Values {
	v := url.Values{"section_id": {q.SectionID}, "kind": {string(q.Kind)}, "label": {q.Label}, "help": {q.Help},
		"options": {strings.Join(q.Options, "\n")}, "min": {surveyNum(q.Min)}, "max": {surveyNum(q.Max)}, "unit": {q.Unit},
		"min_label": {q.MinLabel}, "max_label": {q.MaxLabel}}
	if q.Required {
		v.Set("required", "1")
	}
	if q.ShowIf != nil {
		v.Set("show_if_question", q.ShowIf.QuestionID)
		for _, x := range q.ShowIf.Values {
			v.Add("show_if_values", q.ShowIf.QuestionID+":"+x)
		}
	}
	return v
}

// surveyQuestionInput reads the question form.
func surveyQuestionInput(v url.Values) surveys.QuestionInput {
	in := surveys.QuestionInput{SectionID: v.Get("section_id"), Kind: surveys.QuestionKind(v.Get("kind")), Label: surveyText(v, "label"),
		Help: surveyText(v, "help"), Required: v.Get("required") == "1", Min: surveyText(v, "min"), Max: surveyText(v, "max"),
		Unit: surveyText(v, "unit"), MinLabel: surveyText(v, "min_label"), MaxLabel: surveyText(v, "max_label"),
		ShowIfQuestion: v.Get("show_if_question")}
	for _, o := range strings.Split(v.Get("options"), "\n") {
		if o = strings.TrimSpace(o); o != "" {
			in.Options = append(in.Options, o)
		}
	}
	// Decimal commas as people type them.
	in.Min, in.Max = strings.Replace(in.Min, ",", ".", 1), strings.Replace(in.Max, ",", ".", 1)
	for _, x := range v["show_if_values"] {
		if qid, val, ok := strings.Cut(x, ":"); ok && qid == in.ShowIfQuestion {
			in.ShowIfValues = append(in.ShowIfValues, val)
		}
	}
	return in
}

func (s *Server) surveyQuestionNew(w http.ResponseWriter, r *http.Request) error {
	return s.surveyQuestionShow(w, r, http.StatusOK, nil, Form{})
}

func (s *Server) surveyQuestionEdit(w http.ResponseWriter, r *http.Request) error {
	return s.surveyQuestionShow(w, r, http.StatusOK, nil, Form{})
}

// surveyQuestionSave runs add or update: errors come back on the
// question's form with what was typed; success goes to the builder at
// the question.
func (s *Server) surveyQuestionSave(w http.ResponseWriter, r *http.Request, save func(surveys.QuestionInput) (string, error)) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	qid, err := save(surveyQuestionInput(r.PostForm))
	if formError(&form, err) {
		return s.surveyQuestionShow(w, r, http.StatusUnprocessableEntity, nil, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.surveyQuestionShow(w, r, http.StatusConflict, nil, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Question enregistrée.")
	http.Redirect(w, r, "/enquetes/"+r.PathValue("id")+"#q-"+qid, http.StatusSeeOther)
	return nil
}

func (s *Server) surveyQuestionAdd(w http.ResponseWriter, r *http.Request) error {
	return s.surveyQuestionSave(w, r, func(in surveys.QuestionInput) (string, error) {
		return s.Surveys.AddQuestion(r.Context(), r.PathValue("id"), in)
	})
}

func (s *Server) surveyQuestionUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.surveyQuestionSave(w, r, func(in surveys.QuestionInput) (string, error) {
		qid := r.PathValue("qid")
		return qid, s.Surveys.UpdateQuestion(r.Context(), r.PathValue("id"), qid, in)
	})
}

// surveyPreview shows the questionnaire as the structures will see it.
func (s *Server) surveyPreview(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.Surveys.GetSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "survey_answer", "Aperçu — "+sv.Title,
		surveyAnswerPage{S: sv, Preview: true, Form: Form{Values: url.Values{}, Errors: map[string]string{}}})
	return nil
}
