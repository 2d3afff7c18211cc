package web

import (
	"net/http"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
)

// The API of crisis mode, on the same service and rules as the pages: the
// crises of the account's territories, the current one, its cell, its log,
// the structures' status reports, the end and the report.

// crisisAPIRoutes registers their API.
func (s *Server) crisisAPIRoutes() {
	s.apiRoute("GET", "/api/v1/crises", s.apiCrises)
	s.apiRoute("POST", "/api/v1/crises", s.apiCrisisActivate)
	s.apiRoute("GET", "/api/v1/crises/current", s.apiCrisisCurrent)
	s.apiRoute("GET", "/api/v1/crises/{id}", s.apiCrisis)
	s.apiRoute("PATCH", "/api/v1/crises/{id}", s.apiCrisisPatch)
	s.apiRoute("GET", "/api/v1/crises/{id}/cell", s.apiCrisisCell)
	s.apiRoute("POST", "/api/v1/crises/{id}/cell", s.apiCrisisMemberAdd)
	s.apiRoute("DELETE", "/api/v1/crises/{id}/cell/{member_id}", s.apiCrisisMemberRemove)
	s.apiRoute("GET", "/api/v1/crises/{id}/log", s.apiCrisisLog)
	s.apiRoute("POST", "/api/v1/crises/{id}/log", s.apiCrisisEntryAdd)
	s.apiRoute("GET", "/api/v1/crises/{id}/status-reports", s.apiCrisisBoard)
	s.apiRoute("POST", "/api/v1/crises/{id}/status-reports", s.apiCrisisStatusFile)
	s.apiRoute("POST", "/api/v1/crises/{id}/end", s.apiCrisisEnd)
	s.apiRoute("GET", "/api/v1/crises/{id}/report.pdf", s.apiCrisisReport)
}

type crisisJSON struct {
	ID               string     `json:"id"`
	Departement      string     `json:"departement"`
	Kind             string     `json:"kind"`
	KindLabel        string     `json:"kind_label"`
	Description      string     `json:"description"`
	StartedAt        time.Time  `json:"started_at"`
	EndedAt          *time.Time `json:"ended_at,omitempty"`
	Active           bool       `json:"active"`
	ActivatedName    string     `json:"activated_by_name"`
	EndedName        string     `json:"ended_by_name,omitempty"`
	ClosingNote      string     `json:"closing_note,omitempty"`
	ReportEveryHours int        `json:"report_every_hours"`
}

func toCrisisJSON(c crisis.Crisis) crisisJSON {
	j := crisisJSON{ID: c.ID, Departement: c.Departement, Kind: string(c.Kind), KindLabel: crisis.Label(crisis.Kinds, string(c.Kind)),
		Description: c.Description, StartedAt: c.StartedAt.UTC(), Active: c.Active(), ActivatedName: c.ActivatedName,
		EndedName: c.EndedName, ClosingNote: c.ClosingNote, ReportEveryHours: c.ReportEvery}
	if !c.Active() {
		e := c.EndedAt.UTC()
		j.EndedAt = &e
	}
	return j
}

type crisisMemberJSON struct {
	ID           string `json:"id"`
	AccountID    string `json:"account_id,omitempty"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Function     string `json:"function"`
	Phone        string `json:"phone"`
}

func toCrisisMemberJSON(m crisis.Member) crisisMemberJSON {
	return crisisMemberJSON{ID: m.ID, AccountID: m.AccountID, Name: m.Name, Organisation: m.Organisation, Function: m.Function, Phone: m.Phone}
}

type crisisEntryJSON struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	At         time.Time `json:"at"`
	Body       string    `json:"body"`
	AuthorName string    `json:"author_name"`
}

type crisisReportJSON struct {
	ID               string    `json:"id"`
	StructureID      string    `json:"structure_id"`
	StructureName    string    `json:"structure_name"`
	State            string    `json:"state"`
	StateLabel       string    `json:"state_label"`
	StaffAbsent      int       `json:"staff_absent"`
	ChildrenAffected int       `json:"children_affected"`
	Needs            string    `json:"needs"`
	AuthorName       string    `json:"author_name"`
	At               time.Time `json:"at"`
}

func toCrisisReportJSON(r crisis.Report) crisisReportJSON {
	return crisisReportJSON{ID: r.ID, StructureID: r.StructureID, StructureName: r.StructureName, State: string(r.State),
		StateLabel: crisis.Label(crisis.States, string(r.State)), StaffAbsent: r.StaffAbsent, ChildrenAffected: r.ChildrenAffected,
		Needs: r.Needs, AuthorName: r.AuthorName, At: r.At.UTC()}
}

type crisisLineJSON struct {
	StructureID   string            `json:"structure_id"`
	StructureName string            `json:"structure_name"`
	StructureType string            `json:"structure_type"`
	Late          bool              `json:"late"`
	DueAt         time.Time         `json:"due_at"`
	Reports       int               `json:"reports"`
	Latest        *crisisReportJSON `json:"latest,omitempty"`
}

func (s *Server) apiCrises(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	all, err := s.Crisis.List(r.Context())
	if err != nil {
		return err
	}
	out := []crisisJSON{}
	for _, c := range all {
		out = append(out, toCrisisJSON(c))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiCrisisActivate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Departement string `json:"departement"`
		Kind        string `json:"kind"`
		Start       string `json:"start"`
		Description string `json:"description"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.Crisis.Activate(r.Context(), crisis.Activation{Departement: in.Departement, Kind: crisis.Kind(in.Kind), Start: in.Start,
		Description: in.Description})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/crises/"+c.ID)
	return writeJSON(w, http.StatusCreated, toCrisisJSON(c))
}

// apiCrisisCurrent answers the active crisis of a département of the
// account (the only one when it has one), 404 when there is none.
func (s *Server) apiCrisisCurrent(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	deps := access.CrisisDepartements(a)
	dep := r.URL.Query().Get("departement")
	if dep == "" && len(deps) == 1 {
		dep = deps[0]
	}
	if dep == "" {
		return requestParamError("departement", "Précisez le département (code, par exemple 42).")
	}
	c, ok, err := s.Crisis.Current(r.Context(), dep)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.NotFound, "Aucune crise en cours dans ce département.")
	}
	if c, err = s.Crisis.Get(r.Context(), c.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCrisisJSON(c))
}

func (s *Server) apiCrisis(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	c, err := s.Crisis.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toCrisisJSON(c))
}

func (s *Server) apiCrisisPatch(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ReportEveryHours *int `json:"report_every_hours"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.ReportEveryHours == nil {
		return requestParamError("report_every_hours", "Le rythme des points de situation, en heures, est attendu.")
	}
	if err := s.Crisis.SetCadence(r.Context(), r.PathValue("id"), *in.ReportEveryHours); err != nil {
		return err
	}
	return s.apiCrisis(w, r)
}

func (s *Server) apiCrisisCell(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	ms, err := s.Crisis.Members(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []crisisMemberJSON{}
	for _, m := range ms {
		out = append(out, toCrisisMemberJSON(m))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiCrisisMemberAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email        string `json:"email"`
		Name         string `json:"name"`
		Organisation string `json:"organisation"`
		Function     string `json:"function"`
		Phone        string `json:"phone"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.Crisis.AddMember(r.Context(), r.PathValue("id"), crisis.MemberInput{Email: in.Email, Name: in.Name,
		Organisation: in.Organisation, Function: in.Function, Phone: in.Phone})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toCrisisMemberJSON(m))
}

func (s *Server) apiCrisisMemberRemove(w http.ResponseWriter, r *http.Request) error {
	if err := s.Crisis.RemoveMember(r.Context(), r.PathValue("id"), r.PathValue("member_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiCrisisLog(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	log, err := s.Crisis.Log(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []crisisEntryJSON{}
	for _, e := range log {
		out = append(out, crisisEntryJSON{ID: e.ID, Kind: e.Kind, At: e.At.UTC(), Body: e.Body, AuthorName: e.AuthorName})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiCrisisEntryAdd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind string `json:"kind"`
		At   string `json:"at"`
		Body string `json:"body"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.Crisis.AddEntry(r.Context(), r.PathValue("id"), crisis.EntryInput{Kind: in.Kind, At: in.At, Body: in.Body})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, crisisEntryJSON{ID: e.ID, Kind: e.Kind, At: e.At.UTC(), Body: e.Body, AuthorName: e.AuthorName})
}

func (s *Server) apiCrisisBoard(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	late := r.URL.Query().Get("late")
	if !slices.Contains([]string{"", "true", "false"}, late) {
		return requestParamError("late", "true ou false attendu.")
	}
	b, err := s.Crisis.Board(r.Context(), r.PathValue("id"), late == "true")
	if err != nil {
		return err
	}
	out := []crisisLineJSON{}
	for _, l := range b.Lines {
		j := crisisLineJSON{StructureID: l.StructureID, StructureName: l.StructureName, StructureType: l.StructureType, Late: l.Late,
			DueAt: l.DueAt.UTC(), Reports: l.Reports}
		if l.Latest != nil {
			rep := toCrisisReportJSON(*l.Latest)
			j.Latest = &rep
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"late": b.Late, "counted_at": b.At.UTC(), "items": out})
}

func (s *Server) apiCrisisStatusFile(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		StructureID      string `json:"structure_id"`
		State            string `json:"state"`
		StaffAbsent      int    `json:"staff_absent"`
		ChildrenAffected int    `json:"children_affected"`
		Needs            string `json:"needs"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rep, err := s.Crisis.FileStatus(r.Context(), r.PathValue("id"), crisis.StatusInput{StructureID: in.StructureID, State: crisis.State(in.State),
		StaffAbsent: in.StaffAbsent, ChildrenAffected: in.ChildrenAffected, Needs: in.Needs})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toCrisisReportJSON(rep))
}

func (s *Server) apiCrisisEnd(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		End  string `json:"end"`
		Note string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.Crisis.End(r.Context(), r.PathValue("id"), crisis.Ending{End: in.End, Note: in.Note}); err != nil {
		return err
	}
	return s.apiCrisis(w, r)
}

func (s *Server) apiCrisisReport(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	rep, err := s.Crisis.PrintReport(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendCrisisReport(w, rep, a)
}
