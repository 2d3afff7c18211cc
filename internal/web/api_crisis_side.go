package web

import (
	"net/http"
	"time"

	"passerelle/internal/crisis"
	"passerelle/internal/db"
)

// The API of continuity plans, broadcasts with acknowledgement and the
// on-call rota, on the same services and rules as the pages. Documents
// (a plan's PDF, a broadcast's) are sent through the pages.

// crisisSideAPIRoutes registers their API.
func (s *Server) crisisSideAPIRoutes() {
	s.apiRoute("GET", "/api/v1/continuity-plans", s.apiPlans)
	s.apiRoute("GET", "/api/v1/continuity-plans/{id}", s.apiPlan)
	s.apiRoute("PUT", "/api/v1/continuity-plans/{id}", s.apiPlanPut)
	s.apiRoute("POST", "/api/v1/continuity-plans/{id}/reviewed", s.apiPlanReviewed)
	s.apiRoute("GET", "/api/v1/broadcasts", s.apiBroadcasts)
	s.apiRoute("POST", "/api/v1/broadcasts", s.apiBroadcastSend)
	s.apiRoute("POST", "/api/v1/broadcasts/preview", s.apiBroadcastPreview)
	s.apiRoute("GET", "/api/v1/broadcasts/{id}", s.apiBroadcast)
	s.apiRoute("POST", "/api/v1/broadcasts/{id}/acknowledge", s.apiBroadcastAck)
	s.apiRoute("GET", "/api/v1/on-call", s.apiOnCall)
	s.apiRoute("GET", "/api/v1/on-call/teams/{id}/shifts", s.apiShifts)
	s.apiRoute("POST", "/api/v1/on-call/teams/{id}/shifts", s.apiShiftAdd)
	s.apiRoute("DELETE", "/api/v1/on-call/teams/{id}/shifts/{shift_id}", s.apiShiftDelete)
}

type planJSON struct {
	StructureID       string `json:"structure_id"`
	StructureName     string `json:"structure_name"`
	StructureType     string `json:"structure_type"`
	Departement       string `json:"departement"`
	Exists            bool   `json:"exists"`
	State             string `json:"state"`
	MinimumStaffing   string `json:"minimum_staffing"`
	Priorities        string `json:"priorities"`
	ChildrenProcedure string `json:"children_procedure"`
	ChildrenAtRisk    int    `json:"children_at_risk"`
	EmergencyContacts string `json:"emergency_contacts"`
	DocumentName      string `json:"document_name,omitempty"`
	ReviewedOn        string `json:"reviewed_on,omitempty"`
	CanEdit           bool   `json:"can_edit"`
}

func toPlanJSON(p crisis.Plan) planJSON {
	return planJSON{StructureID: p.StructureID, StructureName: p.StructureName, StructureType: p.StructureType, Departement: p.Departement,
		Exists: p.Exists, State: string(p.State), MinimumStaffing: p.MinimumStaffing, Priorities: p.Priorities,
		ChildrenProcedure: p.ChildrenProcedure, ChildrenAtRisk: p.ChildrenAtRisk, EmergencyContacts: p.EmergencyContacts,
		DocumentName: p.DocumentName, ReviewedOn: p.ReviewedOn, CanEdit: p.CanEdit}
}

func (s *Server) apiPlans(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	dep := sideDepartement(r)
	lines, c, err := s.Crisis.Plans(r.Context(), dep, crisis.PlanFilter{Type: q.Get("type"), State: q.Get("state")})
	if err != nil {
		return err
	}
	items := []map[string]any{}
	for _, l := range lines {
		items = append(items, map[string]any{"structure_id": l.StructureID, "structure_name": l.StructureName, "structure_type": l.StructureType,
			"state": string(l.State), "reviewed_on": l.ReviewedOn, "children_at_risk": l.ChildrenAtRisk})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"departement": dep, "items": items, "counts": map[string]int{
		"structures": c.Structures, "missing": c.Missing, "old": c.Old, "due": c.Due, "children_at_risk": c.ChildrenAtRisk}})
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	p, err := s.Crisis.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toPlanJSON(p))
}

func (s *Server) apiPlanPut(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		MinimumStaffing   string `json:"minimum_staffing"`
		Priorities        string `json:"priorities"`
		ChildrenProcedure string `json:"children_procedure"`
		ChildrenAtRisk    int    `json:"children_at_risk"`
		EmergencyContacts string `json:"emergency_contacts"`
		RemoveDocument    bool   `json:"remove_document"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Crisis.SavePlan(r.Context(), id, crisis.PlanInput{MinimumStaffing: b.MinimumStaffing, Priorities: b.Priorities,
		ChildrenProcedure: b.ChildrenProcedure, ChildrenAtRisk: b.ChildrenAtRisk, EmergencyContacts: b.EmergencyContacts,
		RemoveDocument: b.RemoveDocument}); err != nil {
		return err
	}
	return s.apiPlan(w, r)
}

func (s *Server) apiPlanReviewed(w http.ResponseWriter, r *http.Request) error {
	if err := s.Crisis.MarkReviewed(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return s.apiPlan(w, r)
}

type broadcastItemJSON struct {
	ID           string    `json:"id"`
	Subject      string    `json:"subject"`
	Departement  string    `json:"departement"`
	SentAt       time.Time `json:"sent_at"`
	Structures   int       `json:"structures"`
	Acknowledged int       `json:"acknowledged"`
	Rate         int       `json:"rate"`
	Pending      int       `json:"pending"`
}

func (s *Server) apiBroadcasts(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	list, err := s.Crisis.Broadcasts(r.Context(), r.URL.Query().Get("crisis_id"))
	if err != nil {
		return err
	}
	items := []broadcastItemJSON{}
	for _, b := range list {
		items = append(items, broadcastItemJSON{ID: b.ID, Subject: b.Subject, Departement: b.Departement, SentAt: b.SentAt,
			Structures: b.Structures, Acknowledged: b.Acknowledged, Rate: b.Percent(), Pending: b.Pending})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// broadcastBody is a broadcast as the API takes it.
type broadcastBody struct {
	Departement  string   `json:"departement"`
	Subject      string   `json:"subject"`
	Body         string   `json:"body"`
	Types        []string `json:"types"`
	Communes     []string `json:"communes"`
	StructureIDs []string `json:"structure_ids"`
}

func (b broadcastBody) input(r *http.Request) crisis.BroadcastInput {
	dep := b.Departement
	if dep == "" {
		dep = sideDepartement(r)
	}
	return crisis.BroadcastInput{Departement: dep, Subject: b.Subject, Body: b.Body,
		Selection: crisis.Selection{Types: b.Types, Communes: b.Communes, StructureIDs: b.StructureIDs}}
}

func (s *Server) apiBroadcastPreview(w http.ResponseWriter, r *http.Request) error {
	var b broadcastBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	in := b.input(r)
	targets, err := s.Crisis.Preview(r.Context(), in.Departement, in.Selection)
	if err != nil {
		return err
	}
	items := []map[string]string{}
	for _, t := range targets {
		items = append(items, map[string]string{"id": t.ID, "name": t.Name, "structure_type": t.Type, "commune_code": t.Commune})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"departement": in.Departement, "count": len(items), "structures": items})
}

func (s *Server) apiBroadcastSend(w http.ResponseWriter, r *http.Request) error {
	var b broadcastBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Crisis.Send(r.Context(), b.input(r))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/broadcasts/"+id)
	return writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

type broadcastRecipientJSON struct {
	StructureID      string     `json:"structure_id"`
	StructureName    string     `json:"structure_name"`
	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
	AcknowledgedName string     `json:"acknowledged_name,omitempty"`
	Reminders        int        `json:"reminders"`
	CanAcknowledge   bool       `json:"can_acknowledge"`
}

func (s *Server) apiBroadcast(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	b, err := s.Crisis.Broadcast(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rs := []broadcastRecipientJSON{}
	for _, x := range b.Recipients {
		rs = append(rs, broadcastRecipientJSON{StructureID: x.StructureID, StructureName: x.StructureName, AcknowledgedAt: x.AcknowledgedAt,
			AcknowledgedName: x.AcknowledgedName, Reminders: x.Reminders, CanAcknowledge: x.CanAcknowledge})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"id": b.ID, "crisis_id": b.CrisisID, "departement": b.Departement,
		"subject": b.Subject, "body": b.Body, "selection": b.Selection, "document_name": b.DocumentName, "sent_at": b.SentAt,
		"sent_by": b.SentName, "structures": b.Structures, "acknowledged": b.Acknowledged, "rate": b.Percent(), "cell": b.Cell,
		"recipients": rs})
}

func (s *Server) apiBroadcastAck(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		StructureID string `json:"structure_id"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
	}
	already, err := s.Crisis.Acknowledge(r.Context(), r.PathValue("id"), b.StructureID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]bool{"already_acknowledged": already})
}

type shiftJSON struct {
	ID         string    `json:"id"`
	TeamID     string    `json:"team_id"`
	TeamName   string    `json:"team_name"`
	PersonName string    `json:"person_name"`
	Phone      string    `json:"phone"`
	AccountID  string    `json:"account_id,omitempty"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Territory  string    `json:"territory"`
}

func toShiftJSON(x crisis.Shift) shiftJSON {
	return shiftJSON{ID: x.ID, TeamID: x.TeamID, TeamName: x.TeamName, PersonName: x.PersonName, Phone: x.Phone, AccountID: x.AccountID,
		StartsAt: x.StartsAt, EndsAt: x.EndsAt, Territory: x.Territory}
}

func (s *Server) apiOnCall(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	dep := sideDepartement(r)
	teams, err := s.Crisis.OnCall(r.Context(), dep)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, t := range teams {
		now := []shiftJSON{}
		for _, x := range t.Now {
			now = append(now, toShiftJSON(x))
		}
		team := map[string]any{"id": t.ID, "name": t.Name, "now": now}
		if t.Next != nil {
			team["next"] = toShiftJSON(*t.Next)
		}
		out = append(out, team)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"departement": dep, "teams": out})
}

func (s *Server) apiShifts(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	team, list, err := s.Crisis.Rota(r.Context(), r.PathValue("id"), db.Now(s.DB.Clock))
	if err != nil {
		return err
	}
	items := []shiftJSON{}
	for _, x := range list {
		items = append(items, toShiftJSON(x))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"team_id": team.ID, "team_name": team.Name, "can_edit": team.CanEdit, "items": items})
}

func (s *Server) apiShiftAdd(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		PersonName string `json:"person_name"`
		Phone      string `json:"phone"`
		AccountID  string `json:"account_id"`
		StartsAt   string `json:"starts_at"`
		EndsAt     string `json:"ends_at"`
		Territory  string `json:"territory"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	team := r.PathValue("id")
	id, err := s.Crisis.AddShift(r.Context(), team, crisis.ShiftInput{PersonName: b.PersonName, Phone: b.Phone, AccountID: b.AccountID,
		StartsAt: b.StartsAt, EndsAt: b.EndsAt, Territory: b.Territory})
	if err != nil {
		return err
	}
	x, err := s.Crisis.Shift(r.Context(), team, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/on-call/teams/"+team+"/shifts")
	return writeJSON(w, http.StatusCreated, toShiftJSON(x))
}

func (s *Server) apiShiftDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Crisis.DeleteShift(r.Context(), r.PathValue("id"), r.PathValue("shift_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
