package web

import (
	"net/http"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/surveys"
)

// The API of the flash surveys, on the same service and rules as the
// pages: the builder, the templates, the campaigns with their targets,
// a structure's answer and the results with their exports.

// surveysAPIRoutes registers the surveys' API.
func (s *Server) surveysAPIRoutes() {
	s.apiRoute("GET", "/api/v1/surveys", s.apiSurveys)
	s.apiRoute("POST", "/api/v1/surveys", s.apiSurveyCreate)
	s.apiRoute("GET", "/api/v1/surveys/templates", s.apiSurveyTemplates)
	s.apiRoute("GET", "/api/v1/surveys/{id}", s.apiSurvey)
	s.apiRoute("PUT", "/api/v1/surveys/{id}", s.apiSurveyUpdate)
	s.apiRoute("DELETE", "/api/v1/surveys/{id}", s.apiSurveyDelete)
	s.apiRoute("POST", "/api/v1/surveys/{id}/duplicate", s.apiSurveyDuplicate)
	s.apiRoute("POST", "/api/v1/surveys/{id}/sections", s.apiSurveySectionAdd)
	s.apiRoute("PUT", "/api/v1/surveys/{id}/sections/{section_id}", s.apiSurveySectionUpdate)
	s.apiRoute("DELETE", "/api/v1/surveys/{id}/sections/{section_id}", s.apiSurveySectionDelete)
	s.apiRoute("POST", "/api/v1/surveys/{id}/sections/{section_id}/move", s.apiSurveySectionMove)
	s.apiRoute("POST", "/api/v1/surveys/{id}/questions", s.apiSurveyQuestionAdd)
	s.apiRoute("PUT", "/api/v1/surveys/{id}/questions/{question_id}", s.apiSurveyQuestionUpdate)
	s.apiRoute("DELETE", "/api/v1/surveys/{id}/questions/{question_id}", s.apiSurveyQuestionDelete)
	s.apiRoute("POST", "/api/v1/surveys/{id}/questions/{question_id}/move", s.apiSurveyQuestionMove)
	s.apiRoute("POST", "/api/v1/surveys/{id}/preview", s.apiSurveyPreview)
	s.apiRoute("POST", "/api/v1/surveys/{id}/campaigns", s.apiSurveyLaunch)
	s.apiRoute("GET", "/api/v1/campaigns", s.apiCampaigns)
	s.apiRoute("GET", "/api/v1/campaigns/{id}", s.apiCampaign)
	s.apiRoute("POST", "/api/v1/campaigns/{id}/close", s.apiCampaignClose)
	s.apiRoute("GET", "/api/v1/campaigns/{id}/answer", s.apiCampaignAnswer)
	s.apiRoute("PUT", "/api/v1/campaigns/{id}/answer", s.apiCampaignAnswerSave)
	s.apiRoute("POST", "/api/v1/campaigns/{id}/answer/submit", s.apiCampaignAnswerSubmit)
	s.apiRoute("GET", "/api/v1/campaigns/{id}/results", s.apiCampaignResults)
	s.apiRoute("GET", "/api/v1/campaigns/{id}/export", s.apiCampaignExport)
}

type surveySummaryJSON struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	OwnerOrgName string    `json:"owner_organisation_name"`
	Departement  string    `json:"departement"`
	Questions    int       `json:"questions"`
	Campaigns    int       `json:"campaigns"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type surveyConditionJSON struct {
	QuestionID string   `json:"question_id"`
	Values     []string `json:"values"`
}

type surveyQuestionJSON struct {
	ID        string               `json:"id"`
	SectionID string               `json:"section_id"`
	Number    int                  `json:"number"`
	Kind      string               `json:"kind"`
	KindLabel string               `json:"kind_label"`
	Label     string               `json:"label"`
	Help      string               `json:"help"`
	Required  bool                 `json:"required"`
	Options   []string             `json:"options"`
	Min       *float64             `json:"min"`
	Max       *float64             `json:"max"`
	Unit      string               `json:"unit"`
	MinLabel  string               `json:"min_label"`
	MaxLabel  string               `json:"max_label"`
	ShowIf    *surveyConditionJSON `json:"show_if"`
}

type surveySectionJSON struct {
	ID        string               `json:"id"`
	Title     string               `json:"title"`
	Intro     string               `json:"intro"`
	Questions []surveyQuestionJSON `json:"questions"`
}

type surveyJSON struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Intro        string              `json:"intro"`
	OwnerOrgID   string              `json:"owner_organisation_id"`
	OwnerOrgName string              `json:"owner_organisation_name"`
	Departement  string              `json:"departement"`
	Template     string              `json:"template"`
	Locked       bool                `json:"locked"`
	Campaigns    int                 `json:"campaigns"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	Sections     []surveySectionJSON `json:"sections"`
}

func toSurveyQuestionJSON(q surveys.Question) surveyQuestionJSON {
	j := surveyQuestionJSON{ID: q.ID, SectionID: q.SectionID, Number: q.Number, Kind: string(q.Kind), KindLabel: surveys.KindLabel(q.Kind),
		Label: q.Label, Help: q.Help, Required: q.Required, Options: append([]string{}, q.Options...), Min: q.Min, Max: q.Max,
		Unit: q.Unit, MinLabel: q.MinLabel, MaxLabel: q.MaxLabel}
	if q.ShowIf != nil {
		j.ShowIf = &surveyConditionJSON{QuestionID: q.ShowIf.QuestionID, Values: append([]string{}, q.ShowIf.Values...)}
	}
	return j
}

func toSurveyJSON(sv *surveys.Survey) surveyJSON {
	j := surveyJSON{ID: sv.ID, Title: sv.Title, Intro: sv.Intro, OwnerOrgID: sv.OwnerOrgID, OwnerOrgName: sv.OwnerOrgName,
		Departement: sv.Departement, Template: sv.TemplateKey, Locked: sv.Locked, Campaigns: sv.Campaigns,
		CreatedAt: sv.CreatedAt, UpdatedAt: sv.UpdatedAt, Sections: []surveySectionJSON{}}
	for _, sec := range sv.Sections {
		sj := surveySectionJSON{ID: sec.ID, Title: sec.Title, Intro: sec.Intro, Questions: []surveyQuestionJSON{}}
		for _, q := range sec.Questions {
			sj.Questions = append(sj.Questions, toSurveyQuestionJSON(q))
		}
		j.Sections = append(j.Sections, sj)
	}
	return j
}

func (s *Server) apiSurveys(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Surveys.ListSurveys(r.Context())
	if err != nil {
		return err
	}
	out := []surveySummaryJSON{}
	for _, x := range list {
		out = append(out, surveySummaryJSON{ID: x.ID, Title: x.Title, OwnerOrgName: x.OwnerOrgName, Departement: x.Departement,
			Questions: x.Questions, Campaigns: x.Campaigns, UpdatedAt: x.UpdatedAt})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiSurveyTemplates(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	type templateJSON struct {
		Key         string `json:"key"`
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	out := []templateJSON{}
	for _, t := range surveys.Templates() {
		out = append(out, templateJSON{t.Key, t.Title, t.Description})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) writeSurvey(w http.ResponseWriter, r *http.Request, id string, status int) error {
	sv, err := s.Surveys.GetSurvey(r.Context(), id)
	if err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/surveys/"+id)
	}
	return writeJSON(w, status, toSurveyJSON(sv))
}

func (s *Server) apiSurveyCreate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Title    string `json:"title"`
		Intro    string `json:"intro"`
		OwnerID  string `json:"owner_organisation_id"`
		Template string `json:"template"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Surveys.CreateSurvey(r.Context(), surveys.SurveyInput{Title: b.Title, Intro: b.Intro, OwnerOrgID: b.OwnerID, Template: b.Template})
	if err != nil {
		return renamedFields(err, map[string]string{"owner": "owner_organisation_id"})
	}
	return s.writeSurvey(w, r, id, http.StatusCreated)
}

func (s *Server) apiSurvey(w http.ResponseWriter, r *http.Request) error {
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) apiSurveyUpdate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Title string `json:"title"`
		Intro string `json:"intro"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Surveys.UpdateSurvey(r.Context(), r.PathValue("id"), surveys.SurveyInput{Title: b.Title, Intro: b.Intro}); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) apiSurveyDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Surveys.DeleteSurvey(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSurveyDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.Surveys.DuplicateSurvey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeSurvey(w, r, id, http.StatusCreated)
}

type surveySectionBody struct {
	Title string `json:"title"`
	Intro string `json:"intro"`
}

func (s *Server) apiSurveySectionAdd(w http.ResponseWriter, r *http.Request) error {
	var b surveySectionBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if _, err := s.Surveys.AddSection(r.Context(), r.PathValue("id"), surveys.SectionInput{Title: b.Title, Intro: b.Intro}); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusCreated)
}

func (s *Server) apiSurveySectionUpdate(w http.ResponseWriter, r *http.Request) error {
	var b surveySectionBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Surveys.UpdateSection(r.Context(), r.PathValue("id"), r.PathValue("section_id"), surveys.SectionInput{Title: b.Title, Intro: b.Intro}); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) apiSurveySectionDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Surveys.DeleteSection(r.Context(), r.PathValue("id"), r.PathValue("section_id")); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

// surveyMoveBody reads {"delta": -1|1}.
func surveyMoveBody(r *http.Request) (int, error) {
	var b struct {
		Delta int `json:"delta"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return 0, err
	}
	if b.Delta != -1 && b.Delta != 1 {
		return 0, requestParamError("delta", "-1 (monter) ou 1 (descendre) attendu.")
	}
	return b.Delta, nil
}

func (s *Server) apiSurveySectionMove(w http.ResponseWriter, r *http.Request) error {
	delta, err := surveyMoveBody(r)
	if err != nil {
		return err
	}
	if err := s.Surveys.MoveSection(r.Context(), r.PathValue("id"), r.PathValue("section_id"), delta); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

type surveyQuestionBody struct {
	SectionID string               `json:"section_id"`
	Kind      string               `json:"kind"`
	Label     string               `json:"label"`
	Help      string               `json:"help"`
	Required  bool                 `json:"required"`
	Options   []string             `json:"options"`
	Min       *float64             `json:"min"`
	Max       *float64             `json:"max"`
	Unit      string               `json:"unit"`
	MinLabel  string               `json:"min_label"`
	MaxLabel  string               `json:"max_label"`
	ShowIf    *surveyConditionJSON `json:"show_if"`
}

func (b surveyQuestionBody) input() surveys.QuestionInput {
	in := surveys.QuestionInput{SectionID: b.SectionID, Kind: surveys.QuestionKind(b.Kind), Label: b.Label, Help: b.Help,
		Required: b.Required, Options: b.Options, Unit: b.Unit, MinLabel: b.MinLabel, MaxLabel: b.MaxLabel}
	if b.Min != nil {
		in.Min = surveys.FormatNumber(*b.Min)
	}
	if b.Max != nil {
		in.Max = surveys.FormatNumber(*b.Max)
	}
	if b.ShowIf != nil {
		in.ShowIfQuestion, in.ShowIfValues = b.ShowIf.QuestionID, b.ShowIf.Values
	}
	return in
}

// surveyQuestionFields names the body's fields in the service's errors.
var surveyQuestionFields = map[string]string{"show_if_question": "show_if.question_id", "show_if_values": "show_if.values"}

func (s *Server) apiSurveyQuestionAdd(w http.ResponseWriter, r *http.Request) error {
	var b surveyQuestionBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if _, err := s.Surveys.AddQuestion(r.Context(), r.PathValue("id"), b.input()); err != nil {
		return renamedFields(err, surveyQuestionFields)
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusCreated)
}

func (s *Server) apiSurveyQuestionUpdate(w http.ResponseWriter, r *http.Request) error {
	var b surveyQuestionBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Surveys.UpdateQuestion(r.Context(), r.PathValue("id"), r.PathValue("question_id"), b.input()); err != nil {
		return renamedFields(err, surveyQuestionFields)
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) apiSurveyQuestionDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Surveys.DeleteQuestion(r.Context(), r.PathValue("id"), r.PathValue("question_id")); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

func (s *Server) apiSurveyQuestionMove(w http.ResponseWriter, r *http.Request) error {
	delta, err := surveyMoveBody(r)
	if err != nil {
		return err
	}
	if err := s.Surveys.MoveQuestion(r.Context(), r.PathValue("id"), r.PathValue("question_id"), delta); err != nil {
		return err
	}
	return s.writeSurvey(w, r, r.PathValue("id"), http.StatusOK)
}

type surveyTargetingJSON struct {
	StructureTypes []string `json:"structure_types"`
	Sector         string   `json:"sector"`
	Departements   []string `json:"departements"`
	Communes       []string `json:"communes"`
	StructureIDs   []string `json:"structure_ids"`
	Explicit       bool     `json:"explicit"`
}

func (t surveyTargetingJSON) targeting() surveys.Targeting {
	return surveys.Targeting{StructureTypes: t.StructureTypes, Sector: t.Sector, Departements: t.Departements, Communes: t.Communes,
		StructureIDs: t.StructureIDs, Explicit: t.Explicit}
}

type surveyTargetJSON struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	StructureType string `json:"structure_type"`
	Departement   string `json:"departement"`
	CommuneCode   string `json:"commune_code"`
}

func (s *Server) apiSurveyPreview(w http.ResponseWriter, r *http.Request) error {
	var b surveyTargetingJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	p, err := s.Surveys.PreviewTargets(r.Context(), r.PathValue("id"), b.targeting())
	if err != nil {
		return err
	}
	out := []surveyTargetJSON{}
	for _, x := range p.Structures {
		out = append(out, surveyTargetJSON{x.ID, x.Name, x.StructureType, x.Departement, x.CommuneCode})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"count": p.Count, "structures": out})
}

func (s *Server) apiSurveyLaunch(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Deadline  string              `json:"deadline"`
		Targeting surveyTargetingJSON `json:"targeting"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Surveys.Launch(r.Context(), r.PathValue("id"), surveys.LaunchInput{Deadline: b.Deadline, Targeting: b.Targeting.targeting()})
	if err != nil {
		return renamedFields(err, map[string]string{"targeting": "targeting", "structure_types": "targeting.structure_types",
			"sector": "targeting.sector", "departements": "targeting.departements", "communes": "targeting.communes",
			"structure_ids": "targeting.structure_ids"})
	}
	c, err := s.Surveys.GetCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+id)
	return writeJSON(w, http.StatusCreated, toSurveyCampaignJSON(c))
}

type surveyCampaignTargetJSON struct {
	surveyTargetJSON
	Status      string     `json:"status"`
	StatusLabel string     `json:"status_label"`
	SubmittedAt *time.Time `json:"submitted_at"`
	OnTime      bool       `json:"on_time"`
}

type surveyCampaignJSON struct {
	ID            string                     `json:"id"`
	SurveyID      string                     `json:"survey_id"`
	Title         string                     `json:"title"`
	Intro         string                     `json:"intro"`
	OwnerOrgName  string                     `json:"owner_organisation_name"`
	Departement   string                     `json:"departement"`
	Deadline      time.Time                  `json:"deadline"`
	LaunchedAt    time.Time                  `json:"launched_at"`
	ClosedAt      *time.Time                 `json:"closed_at"`
	Open          bool                       `json:"open"`
	CanClose      bool                       `json:"can_close"`
	CanSeeResults bool                       `json:"can_see_results"`
	Targets       *int                       `json:"targets,omitempty"`
	Submitted     *int                       `json:"submitted,omitempty"`
	OnTime        *int                       `json:"on_time,omitempty"`
	Drafts        *int                       `json:"drafts,omitempty"`
	TargetList    []surveyCampaignTargetJSON `json:"target_structures,omitempty"`
	MyStructureID string                     `json:"my_structure_id,omitempty"`
	MyStructure   string                     `json:"my_structure_name,omitempty"`
	MyStatus      string                     `json:"my_status,omitempty"`
	MyStatusLabel string                     `json:"my_status_label,omitempty"`
}

func toSurveyCampaignJSON(c *surveys.Campaign) surveyCampaignJSON {
	j := surveyCampaignJSON{ID: c.ID, SurveyID: c.SurveyID, Title: c.Title, Intro: c.Intro, OwnerOrgName: c.OwnerOrgName,
		Departement: c.Departement, Deadline: c.Deadline, LaunchedAt: c.LaunchedAt, ClosedAt: c.ClosedAt, Open: c.Open(),
		CanClose: c.CanClose, CanSeeResults: c.CanSeeResults}
	if c.CanSeeResults {
		j.Targets, j.Submitted, j.OnTime, j.Drafts = &c.TargetCount, &c.SubmittedCount, &c.OnTimeCount, &c.DraftCount
		j.TargetList = []surveyCampaignTargetJSON{}
		for _, t := range c.Targets {
			j.TargetList = append(j.TargetList, surveyCampaignTargetJSON{surveyTargetJSON{t.ID, t.Name, t.StructureType, t.Departement, t.CommuneCode},
				string(t.Status), surveys.AnswerStatusLabels[t.Status], t.SubmittedAt, t.OnTime})
		}
	}
	if c.MyStructureID != "" {
		j.MyStructureID, j.MyStructure = c.MyStructureID, c.MyStructureName
		j.MyStatus, j.MyStatusLabel = string(c.MyStatus), surveys.AnswerStatusLabels[c.MyStatus]
	}
	return j
}

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Surveys.ListCampaigns(r.Context(), r.URL.Query().Get("survey_id"))
	if err != nil {
		return err
	}
	out := []surveyCampaignJSON{}
	for i := range list {
		j := toSurveyCampaignJSON(&list[i])
		j.TargetList = nil // the list gives the counts; a campaign gives its targets
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Surveys.GetCampaign(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toSurveyCampaignJSON(c))
}

func (s *Server) apiCampaignClose(w http.ResponseWriter, r *http.Request) error {
	if err := s.Surveys.CloseCampaign(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return s.apiCampaign(w, r)
}

type surveyAnswerJSON struct {
	CampaignID    string              `json:"campaign_id"`
	StructureID   string              `json:"structure_id"`
	StructureName string              `json:"structure_name"`
	Status        string              `json:"status"`
	StatusLabel   string              `json:"status_label"`
	Values        map[string][]string `json:"values"`
	SavedAt       *time.Time          `json:"saved_at"`
	SubmittedAt   *time.Time          `json:"submitted_at"`
	Late          bool                `json:"late"`
	CanEdit       bool                `json:"can_edit"`
	Deadline      time.Time           `json:"deadline"`
	Open          bool                `json:"open"`
	Survey        surveyJSON          `json:"survey"`
}

func (s *Server) writeAnswer(w http.ResponseWriter, r *http.Request, structureID string) error {
	a, err := s.Surveys.GetAnswer(r.Context(), r.PathValue("id"), structureID)
	if err != nil {
		return err
	}
	values := map[string][]string{}
	for k, v := range a.Values {
		values[k] = v
	}
	return writeJSON(w, http.StatusOK, surveyAnswerJSON{CampaignID: a.Campaign.ID, StructureID: a.StructureID, StructureName: a.StructureName,
		Status: string(a.Status), StatusLabel: surveys.AnswerStatusLabels[a.Status], Values: values, SavedAt: a.SavedAt,
		SubmittedAt: a.SubmittedAt, Late: a.Late, CanEdit: a.CanEdit, Deadline: a.Campaign.Deadline, Open: a.Campaign.Open(),
		Survey: toSurveyJSON(a.Survey)})
}

func (s *Server) apiCampaignAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.writeAnswer(w, r, r.URL.Query().Get("structure_id"))
}

// surveyAnswerBody is a structure's answer: its values by question id.
type surveyAnswerBody struct {
	StructureID string              `json:"structure_id"`
	Values      map[string][]string `json:"values"`
}

// surveyValuesFields points the service's per-question messages at the body's
// values.
func surveyValuesFields(err error) error {
	e, ok := asInvalid(err)
	if !ok {
		return err
	}
	fields := map[string]string{}
	for k, m := range e.Fields {
		if k != "structure_id" && !strings.Contains(k, ".") {
			k = "values." + k
		}
		fields[k] = m
	}
	return &apperr.Error{Code: apperr.Invalid, Message: e.Message, Fields: fields}
}

func (s *Server) saveAnswer(w http.ResponseWriter, r *http.Request, submit bool) error {
	var b surveyAnswerBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	save := s.Surveys.SaveAnswer
	if submit {
		save = s.Surveys.SubmitAnswer
	}
	if err := save(r.Context(), r.PathValue("id"), b.StructureID, surveys.Values(b.Values)); err != nil {
		return surveyValuesFields(err)
	}
	return s.writeAnswer(w, r, b.StructureID)
}

func (s *Server) apiCampaignAnswerSave(w http.ResponseWriter, r *http.Request) error {
	return s.saveAnswer(w, r, false)
}

func (s *Server) apiCampaignAnswerSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.saveAnswer(w, r, true)
}

func surveyResultFilter(r *http.Request) surveys.ResultFilter {
	q := r.URL.Query()
	return surveys.ResultFilter{StructureType: q.Get("structure_type"), Departement: q.Get("departement")}
}

type surveyOptionCountJSON struct {
	Value   string  `json:"value"`
	Label   string  `json:"label"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

type surveyNumberStatsJSON struct {
	N      int     `json:"n"`
	Sum    float64 `json:"sum"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

type surveyTextAnswerJSON struct {
	StructureName string `json:"structure_name"`
	Text          string `json:"text"`
}

type surveyQuestionResultJSON struct {
	Question surveyQuestionJSON      `json:"question"`
	Answered int                     `json:"answered"`
	Counts   []surveyOptionCountJSON `json:"counts"`
	Numbers  *surveyNumberStatsJSON  `json:"numbers"`
	Texts    []surveyTextAnswerJSON  `json:"texts"`
}

func (s *Server) apiCampaignResults(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Surveys.Results(r.Context(), r.PathValue("id"), surveyResultFilter(r))
	if err != nil {
		return err
	}
	qs := []surveyQuestionResultJSON{}
	for _, q := range res.Questions {
		j := surveyQuestionResultJSON{Question: toSurveyQuestionJSON(q.Question), Answered: q.Answered, Counts: []surveyOptionCountJSON{}, Texts: []surveyTextAnswerJSON{}}
		for _, c := range q.Counts {
			j.Counts = append(j.Counts, surveyOptionCountJSON{c.Value, c.Label, c.Count, c.Percent})
		}
		if n := q.Numbers; n != nil {
			j.Numbers = &surveyNumberStatsJSON{n.N, n.Sum, n.Mean, n.Median, n.Min, n.Max}
		}
		for _, t := range q.Texts {
			j.Texts = append(j.Texts, surveyTextAnswerJSON{t.StructureName, t.Text})
		}
		qs = append(qs, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"campaign": toSurveyCampaignJSON(res.Campaign), "structure_type": res.Filter.StructureType, "departement": res.Filter.Departement,
		"targets": res.Targets, "submitted": res.Submitted, "on_time": res.OnTime, "late": res.Late, "drafts": res.Drafts,
		"response_rate": res.ResponseRate, "on_time_rate": res.OnTimeRate, "questions": qs,
		"structure_types": append([]string{}, res.StructureTypes...), "departements": append([]string{}, res.Departements...)})
}

func (s *Server) apiCampaignExport(w http.ResponseWriter, r *http.Request) error {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		return requestParamError("format", "csv ou xlsx attendu.")
	}
	t, err := s.Surveys.ExportTable(r.Context(), r.PathValue("id"), surveyResultFilter(r), format)
	if err != nil {
		return err
	}
	return sendTable(w, format, "enquete", t)
}
