package web

import (
	"net/http"
	"strconv"
	"time"

	"passerelle/internal/pathway"
)

// The API of the child's project, on the same service and rules as the
// pages: read a version, open and write the draft, validate it.

func (s *Server) projectAPIRoutes() {
	s.apiRoute("GET", "/api/v1/children/{id}/project", s.apiProject)
	s.apiRoute("POST", "/api/v1/children/{id}/project/draft", s.apiProjectStart)
	s.apiRoute("PUT", "/api/v1/children/{id}/project/draft", s.apiProjectSave)
	s.apiRoute("POST", "/api/v1/children/{id}/project/draft/validate", s.apiProjectValidate)
}

type projectItemJSON struct {
	Key    string `json:"key,omitempty"`
	Part   string `json:"part"`
	Domain string `json:"domain"`
	Text   string `json:"text"`
	Who    string `json:"who,omitempty"`
	Due    string `json:"due,omitempty"`
}

type projectVersionJSON struct {
	Version       int               `json:"version"`
	Status        string            `json:"status"`
	Revision      int               `json:"revision"`
	Review        string            `json:"review"`
	ChildWords    string            `json:"child_words"`
	ParentsWords  string            `json:"parents_words"`
	Items         []projectItemJSON `json:"items"`
	HiddenCare    int               `json:"hidden_care_items"`
	ReviewOn      string            `json:"review_on,omitempty"`
	Agreement     string            `json:"agreement,omitempty"`
	AgreementNote string            `json:"agreement_note,omitempty"`
	ValidatedAt   *time.Time        `json:"validated_at,omitempty"`
	ValidatedBy   string            `json:"validated_by,omitempty"`
}

func toProjectVersionJSON(v *pathway.ProjectVersion) *projectVersionJSON {
	if v == nil {
		return nil
	}
	j := &projectVersionJSON{Version: v.Version, Status: v.Status, Revision: v.Revision, Review: v.Text.Review,
		ChildWords: v.Text.ChildWords, ParentsWords: v.Text.ParentsWords, Items: []projectItemJSON{}, HiddenCare: v.HiddenCare,
		ReviewOn: v.ReviewOn, Agreement: v.Agreement, AgreementNote: v.AgreementNote, ValidatedAt: v.ValidatedAt, ValidatedBy: v.ValidatedBy}
	for _, it := range v.Items {
		j.Items = append(j.Items, projectItemJSON{it.Key, it.Part, it.Domain, it.Text, it.Who, it.Due})
	}
	return j
}

func (s *Server) apiProject(w http.ResponseWriter, r *http.Request) error {
	n, err := versionParam(r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	p, err := s.Pathway.Project(r.Context(), r.PathValue("id"), pathway.ProjectOptions{Version: n})
	if err != nil {
		return err
	}
	versions := []map[string]any{}
	for _, v := range p.Versions {
		versions = append(versions, map[string]any{"version": v.Version, "status": v.Status})
	}
	out := map[string]any{"versions": versions, "can_draft": p.CanDraft, "can_validate": p.CanValidate}
	if v := toProjectVersionJSON(p.Shown); v != nil {
		out["shown"] = v
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiProjectStart(w http.ResponseWriter, r *http.Request) error {
	v, err := s.Pathway.StartDraft(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]int{"version": v})
}

func (s *Server) apiProjectSave(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Revision     int               `json:"revision"`
		Review       string            `json:"review"`
		ChildWords   string            `json:"child_words"`
		ParentsWords string            `json:"parents_words"`
		Items        []projectItemJSON `json:"items"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	in := pathway.ProjectInput{Revision: b.Revision, Text: pathway.ProjectText{Review: b.Review, ChildWords: b.ChildWords,
		ParentsWords: b.ParentsWords}}
	for _, it := range b.Items {
		in.Items = append(in.Items, pathway.ProjectItem{Key: it.Key, Part: it.Part, Domain: it.Domain, Text: it.Text, Who: it.Who, Due: it.Due})
	}
	if err := s.Pathway.SaveDraft(r.Context(), r.PathValue("id"), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiProjectValidate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Revision      int    `json:"revision"`
		Agreement     string `json:"agreement"`
		AgreementNote string `json:"agreement_note"`
		ReviewOn      string `json:"review_on"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	v, err := s.Pathway.ValidateDraft(r.Context(), r.PathValue("id"), pathway.ValidationInput{Revision: b.Revision,
		Agreement: b.Agreement, AgreementNote: b.AgreementNote, ReviewOn: b.ReviewOn})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/children/"+r.PathValue("id")+"/project?version="+strconv.Itoa(v))
	return writeJSON(w, http.StatusOK, map[string]int{"version": v})
}
