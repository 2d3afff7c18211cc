package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/surveys"
)

// surveyRoutes registers the survey pages: the list, the builder, the
// launch, a structure's answer and a campaign's results.
func (s *Server) surveyRoutes() {
	m := s.mux
	m.HandleFunc("GET /enquetes", s.page(s.surveyList))
	m.HandleFunc("POST /enquetes", s.page(s.surveyCreate))
	m.HandleFunc("GET /enquetes/{id}", s.page(s.surveyBuild))
	m.HandleFunc("POST /enquetes/{id}", s.page(s.surveyUpdate))
	m.HandleFunc("POST /enquetes/{id}/copie", s.page(s.surveyDuplicate))
	m.HandleFunc("POST /enquetes/{id}/suppression", s.page(s.surveyDelete))
	m.HandleFunc("GET /enquetes/{id}/apercu", s.page(s.surveyPreview))
	m.HandleFunc("POST /enquetes/{id}/sections", s.page(s.surveySectionAdd))
	m.HandleFunc("POST /enquetes/{id}/sections/{sid}", s.page(s.surveySectionUpdate))
	m.HandleFunc("POST /enquetes/{id}/sections/{sid}/suppression", s.page(s.surveySectionDelete))
	m.HandleFunc("POST /enquetes/{id}/sections/{sid}/deplacement", s.page(s.surveySectionMove))
	m.HandleFunc("GET /enquetes/{id}/questions/nouvelle", s.page(s.surveyQuestionNew))
	m.HandleFunc("POST /enquetes/{id}/questions", s.page(s.surveyQuestionAdd))
	m.HandleFunc("GET /enquetes/{id}/questions/{qid}", s.page(s.surveyQuestionEdit))
	m.HandleFunc("POST /enquetes/{id}/questions/{qid}", s.page(s.surveyQuestionUpdate))
	m.HandleFunc("POST /enquetes/{id}/questions/{qid}/suppression", s.page(s.surveyQuestionDelete))
	m.HandleFunc("POST /enquetes/{id}/questions/{qid}/deplacement", s.page(s.surveyQuestionMove))
	m.HandleFunc("GET /enquetes/{id}/lancement", s.page(s.surveyLaunchForm))
	m.HandleFunc("POST /enquetes/{id}/lancement", s.page(s.surveyLaunch))
	m.HandleFunc("GET /campagnes/{id}", s.page(s.campaignView))
	m.HandleFunc("GET /campagnes/{id}/reponse", s.page(s.campaignAnswer))
	m.HandleFunc("POST /campagnes/{id}/reponse", s.page(s.campaignAnswerSave))
	m.HandleFunc("GET /campagnes/{id}/resultats", s.page(s.campaignResults))
	m.HandleFunc("GET /campagnes/{id}/resultats.csv", s.page(s.campaignResultsCSV))
	m.HandleFunc("GET /campagnes/{id}/resultats.xlsx", s.page(s.campaignResultsXLSX))
	m.HandleFunc("POST /campagnes/{id}/cloture", s.page(s.campaignClose))
}

// surveysFuncs are the survey pages' template functions.
func surveysFuncs() template.FuncMap {
	return template.FuncMap{
		"surveyKinds":     func() []surveys.KindInfo { return surveys.QuestionKinds },
		"surveyKindLabel": surveyKindLabel,
		// surveyVal is the first value typed for a question (or field).
		"surveyVal":     func(f Form, name string) string { return f.Values.Get(name) },
		"surveyHas":     func(f Form, name, v string) bool { return containsString(f.Values[name], v) },
		"surveyChoices": surveyChoices,
		"surveyNum":     surveyNum,
		"surveyPct":     func(p float64) string { return strings.Replace(strconv.FormatFloat(p, 'f', 0, 64), ".", ",", 1) + " %" },
		"surveyDec":     func(x float64) string { x = math.Round(x*10) / 10; return surveyNum(&x) },
		"surveyLines":   func(xs []string) string { return strings.Join(xs, "\n") },
		"surveyCond":    surveyCondition,
		"surveyStatus":  surveyStatus,
		"surveyDesc":    surveyDescribedBy,
		"surveyBounds":  surveyBounds,
		"surveyRate": func(n, of int) float64 {
			if of == 0 {
				return 0
			}
			return 100 * float64(n) / float64(of)
		},
	}
}

// surveyKindLabel says a question kind in French.
func surveyKindLabel(k surveys.QuestionKind) string {
	for _, i := range surveys.QuestionKinds {
		if i.Kind == k {
			return i.Label
		}
	}
	return string(k)
}

// surveyChoice is one option of a question as the form offers it.
type surveyChoice struct{ Value, Label string }

// surveyChoices lists what a choice, yes/no or scale question offers.
func surveyChoices(q surveys.Question) []surveyChoice {
	switch q.Kind {
	case surveys.YesNo:
		return []surveyChoice{{surveys.Yes, "Oui"}, {surveys.No, "Non"}}
	case surveys.Scale:
		var out []surveyChoice
		for _, n := range surveyScale(q) {
			out = append(out, surveyChoice{strconv.Itoa(n), strconv.Itoa(n)})
		}
		return out
	}
	out := make([]surveyChoice, len(q.Options))
	for i, o := range q.Options {
		out[i] = surveyChoice{o, o}
	}
	return out
}

// surveyScale lists the steps of a scale (at most 11, so that a bad one
// cannot make a huge page).
func surveyScale(q surveys.Question) []int {
	if q.Min == nil || q.Max == nil {
		return nil
	}
	var out []int
	for n := int(*q.Min); n <= int(*q.Max) && len(out) < 11; n++ {
		out = append(out, n)
	}
	return out
}

// surveyNum writes a number the French way ("2,5"), "" for none.
func surveyNum(x *float64) string {
	if x == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(*x, 'f', -1, 64), ".", ",", 1)
}

// surveyCondition says when a conditional question is shown, in French.
func surveyCondition(s *surveys.Survey, c *surveys.Condition) string {
	if c == nil {
		return ""
	}
	label := "une question précédente"
	var src surveys.Question
	for _, q := range s.Questions() {
		if q.ID == c.QuestionID {
			src, label = q, fmt.Sprintf("la question %d", q.Number)
		}
	}
	var vals []string
	for _, v := range c.Values {
		for _, ch := range surveyChoices(src) {
			if ch.Value == v {
				v = ch.Label
			}
		}
		vals = append(vals, "« "+v+" »")
	}
	return "Affichée seulement si la réponse à " + label + " est " + strings.Join(vals, " ou ")
}

// surveyBounds says a number question's bounds ("Entre 0 et 30 places."),
// "" when it has none worth saying (a count is never negative anyway).
func surveyBounds(q surveys.Question) string {
	if q.Kind != surveys.Number {
		return ""
	}
	unit := ""
	if q.Unit != "" {
		unit = " " + q.Unit
	}
	switch {
	case q.Min != nil && q.Max != nil:
		return "Entre " + surveyNum(q.Min) + " et " + surveyNum(q.Max) + unit + "."
	case q.Max != nil:
		return "Au plus " + surveyNum(q.Max) + unit + "."
	case q.Min != nil && *q.Min != 0:
		return "Au moins " + surveyNum(q.Min) + unit + "."
	}
	return ""
}

// surveyDescribedBy lists the ids of what describes a question's input:
// its condition, its help, its error.
func surveyDescribedBy(q surveys.Question, err string) string {
	var ids []string
	if q.ShowIf != nil {
		ids = append(ids, "c-"+q.ID)
	}
	if q.Help != "" {
		ids = append(ids, "h-"+q.ID)
	}
	if err != "" {
		ids = append(ids, "e-"+q.ID)
	}
	return strings.Join(ids, " ")
}

// surveyTag is a status as a tag: its words and its class.
type surveyTag struct{ Label, Class string }

// surveyStatus says where a structure's answer to a campaign stands, for
// its director's list: à remplir, brouillon, envoyée, en retard, close.
func surveyStatus(c surveys.Campaign, now time.Time) surveyTag {
	switch {
	case c.MyStatus == surveys.Submitted:
		return surveyTag{"Envoyée", "tag-ok"}
	case !c.Open():
		return surveyTag{"Clôturée sans réponse", "tag-off"}
	case c.Past(now) && c.MyStatus == surveys.Drafted:
		return surveyTag{"Brouillon, en retard", "tag-warn"}
	case c.Past(now):
		return surveyTag{"En retard", "tag-warn"}
	case c.MyStatus == surveys.Drafted:
		return surveyTag{"Brouillon", "tag-soft"}
	}
	return surveyTag{"À remplir", ""}
}

// surveysPage is the surveys' home: the steering's surveys and campaigns,
// a director's campaigns to answer.
type surveysPage struct {
	Builds    bool // the actor builds and launches surveys
	Surveys   []surveys.SurveySummary
	Campaigns []surveys.Campaign // launched by the actor's organisations
	ToAnswer  []surveys.Campaign // sent to a structure the actor directs
	Templates []surveys.Template
	Form      Form
	Now       time.Time
}

// surveyBuilds reports whether the actor builds surveys: the steering and
// the administrators (the service decides each action).
func surveyBuilds(a access.Actor) bool { return a.Has(access.RoleSteering) || a.IsAdmin() }

func (s *Server) surveyListShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	a := access.ActorFrom(r.Context())
	p := surveysPage{Builds: surveyBuilds(a), Templates: surveys.Templates(), Form: form, Now: db.Now(s.DB.Clock)}
	if p.Form.Values == nil {
		p.Form = Form{Values: url.Values{"template": {""}}, Errors: map[string]string{}}
	}
	if p.Builds {
		list, err := s.Surveys.ListSurveys(r.Context())
		if err != nil {
			return err
		}
		p.Surveys = list
	}
	cs, err := s.Surveys.ListCampaigns(r.Context(), "")
	if err != nil {
		return err
	}
	for _, c := range cs {
		if len(c.Mine) == 0 {
			p.Campaigns = append(p.Campaigns, c)
			continue
		}
		// One line per structure of the reader's that the campaign asks.
		for _, t := range c.Mine {
			c.MyStructureID, c.MyStructureName, c.MyStatus = t.ID, t.Name, t.Status
			p.ToAnswer = append(p.ToAnswer, c)
		}
	}
	s.render(w, r, status, "surveys", "Enquêtes", p)
	return nil
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) error {
	return s.surveyListShow(w, r, http.StatusOK, Form{})
}

// surveyCreate makes a blank survey or a copy of a template, and opens
// the builder on it.
func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	v := r.PostForm
	id, err := s.Surveys.CreateSurvey(r.Context(), surveys.SurveyInput{Title: strings.TrimSpace(v.Get("title")),
		Intro: strings.TrimSpace(v.Get("intro")), Template: v.Get("template")})
	if formError(&form, err) {
		return s.surveyListShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Enquête créée : ajoutez ou modifiez ses questions, puis lancez-la.")
	http.Redirect(w, r, "/enquetes/"+id, http.StatusSeeOther)
	return nil
}

// campaignView leads to the page of a campaign the reader may use: the
// results for its owner side, the answer for a target structure.
func (s *Server) campaignView(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Surveys.GetCampaign(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	to := "/campagnes/" + c.ID + "/reponse"
	if c.CanSeeResults {
		to = "/campagnes/" + c.ID + "/resultats"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
