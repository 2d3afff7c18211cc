package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/org"
	"passerelle/internal/surveys"
)

// surveyLaunchPage chooses a campaign's structures and deadline; once
// "Vérifier" is pressed it shows how many structures, and which, will
// receive the survey, and only then offers to launch.
type surveyLaunchPage struct {
	S          *surveys.Survey
	Form       Form
	Types      []org.StructureType
	Communes   []geo.Commune
	Structures []surveys.TargetStructure
	Preview    *surveys.Preview
}

func (s *Server) surveyLaunchShow(w http.ResponseWriter, r *http.Request, status int, p surveyLaunchPage) error {
	sv, err := s.Surveys.GetSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	p.S = sv
	if p.Form.Values == nil {
		deadline := db.Now(s.DB.Clock).In(paris).AddDate(0, 0, 7)
		deadline = time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 18, 0, 0, 0, paris)
		p.Form = Form{Values: url.Values{"deadline": {deadline.Format("2006-01-02T15:04")}}, Errors: map[string]string{}}
	}
	// The choices: the types and communes of the territory's structures,
	// and the structures themselves.
	all, err := s.Surveys.PreviewTargets(r.Context(), sv.ID, surveys.Targeting{})
	if err != nil {
		return err
	}
	p.Structures = all.Structures
	var types, communes []string
	for _, t := range all.Structures {
		if !slices.Contains(types, t.StructureType) {
			types = append(types, t.StructureType)
		}
		if !slices.Contains(communes, t.CommuneCode) {
			communes = append(communes, t.CommuneCode)
		}
	}
	for _, t := range org.StructureTypes {
		if slices.Contains(types, t.Code) {
			p.Types = append(p.Types, t)
		}
	}
	for _, c := range communes {
		if cm, ok := geo.CommuneByCode(c); ok {
			p.Communes = append(p.Communes, cm)
		}
	}
	slices.SortFunc(p.Communes, func(a, b geo.Commune) int { return strings.Compare(a.Name, b.Name) })
	s.render(w, r, status, "survey_launch", "Lancer — "+sv.Title, p)
	return nil
}

func (s *Server) surveyLaunchForm(w http.ResponseWriter, r *http.Request) error {
	return s.surveyLaunchShow(w, r, http.StatusOK, surveyLaunchPage{})
}

// surveyTargeting reads the launch form's choice of structures.
func surveyTargeting(v url.Values) surveys.Targeting {
	return surveys.Targeting{StructureTypes: v["structure_types"], Sector: v.Get("sector"), Communes: v["communes"],
		StructureIDs: v["structure_ids"], Explicit: v.Get("explicit") == "1"}
}

// surveyLaunch checks the choice ("Vérifier") or launches the campaign
// once the steering has seen how many structures it reaches.
func (s *Server) surveyLaunch(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	p := surveyLaunchPage{Form: formFrom(r)}
	t := surveyTargeting(v)
	preview, err := s.Surveys.PreviewTargets(r.Context(), r.PathValue("id"), t)
	if formError(&p.Form, err) {
		return s.surveyLaunchShow(w, r, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	p.Preview = &preview
	seen, _ := strconv.Atoi(v.Get("count"))
	if v.Get("action") != "launch" || seen != preview.Count {
		if v.Get("action") == "launch" {
			p.Form.Message = "La sélection a changé : vérifiez les structures ci-dessous avant de lancer."
		}
		p.Form.Values.Set("count", strconv.Itoa(preview.Count))
		return s.surveyLaunchShow(w, r, http.StatusOK, p)
	}
	id, err := s.Surveys.Launch(r.Context(), r.PathValue("id"), surveys.LaunchInput{Deadline: v.Get("deadline"), Targeting: t})
	if formError(&p.Form, err) {
		return s.surveyLaunchShow(w, r, http.StatusUnprocessableEntity, p)
	}
	if apperr.Is(err, apperr.Conflict) {
		p.Form.Message = apperrMessage(err)
		return s.surveyLaunchShow(w, r, http.StatusConflict, p)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Enquête lancée auprès de %d structure(s) : leurs directions sont prévenues et seront relancées avant l'échéance.", preview.Count))
	http.Redirect(w, r, "/campagnes/"+id+"/resultats", http.StatusSeeOther)
	return nil
}
