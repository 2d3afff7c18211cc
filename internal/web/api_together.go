package web

import (
	"net/http"
	"time"

	"passerelle/internal/pathway"
)

// The API of working together around the child: liaison notes, the
// planning and declared events, on the same service and rules as the
// pages.

func (s *Server) togetherAPIRoutes() {
	s.apiRoute("GET", "/api/v1/children/{id}/liaisons", s.apiLiaisons)
	s.apiRoute("POST", "/api/v1/children/{id}/liaisons", s.apiLiaisonSend)
	s.apiRoute("GET", "/api/v1/children/{id}/liaisons/{liaison_id}", s.apiLiaison)
	s.apiRoute("POST", "/api/v1/children/{id}/liaisons/{liaison_id}/acknowledge", s.apiLiaisonAcknowledge)
	s.apiRoute("GET", "/api/v1/children/{id}/planning", s.apiPlanning)
	s.apiRoute("POST", "/api/v1/children/{id}/planning/slots", s.apiSlotAdd)
	s.apiRoute("DELETE", "/api/v1/children/{id}/planning/slots/{slot_id}", s.apiSlotDelete)
	s.apiRoute("POST", "/api/v1/children/{id}/planning/respite", s.apiRespitePlace)
	s.apiRoute("POST", "/api/v1/children/{id}/events", s.apiEventDeclare)
}

type receiptJSON struct {
	OrganisationID   string     `json:"organisation_id"`
	OrganisationName string     `json:"organisation_name"`
	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
	AcknowledgedBy   string     `json:"acknowledged_by,omitempty"`
}

type liaisonJSON struct {
	ID            string        `json:"id"`
	SenderOrgID   string        `json:"sender_organisation_id"`
	SenderOrgName string        `json:"sender_organisation_name"`
	AuthorName    string        `json:"author_name"`
	Context       string        `json:"context"`
	Happened      string        `json:"happened"`
	Watch         string        `json:"watch"`
	Asked         string        `json:"asked"`
	CreatedAt     time.Time     `json:"created_at"`
	ToAcknowledge bool          `json:"to_acknowledge"`
	Recipients    []receiptJSON `json:"recipients"`
	Attachments   []string      `json:"attachments"`
}

func toLiaisonJSON(l pathway.Liaison) liaisonJSON {
	j := liaisonJSON{ID: l.ID, SenderOrgID: l.SenderOrgID, SenderOrgName: l.SenderOrgName, AuthorName: l.AuthorName,
		Context: l.Context, Happened: l.Happened, Watch: l.Watch, Asked: l.Asked, CreatedAt: l.CreatedAt,
		ToAcknowledge: l.ToAcknowledge, Recipients: []receiptJSON{}, Attachments: []string{}}
	for _, r := range l.Recipients {
		j.Recipients = append(j.Recipients, receiptJSON{r.OrganisationID, r.OrganisationName, r.AcknowledgedAt, r.AcknowledgedBy})
	}
	for _, a := range l.Attachments {
		j.Attachments = append(j.Attachments, a.Name)
	}
	return j
}

func (s *Server) apiLiaisons(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.Pathway.Liaisons(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []liaisonJSON{}
	for _, l := range ls {
		out = append(out, toLiaisonJSON(l))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiLiaison(w http.ResponseWriter, r *http.Request) error {
	l, err := s.Pathway.Liaison(r.Context(), r.PathValue("id"), r.PathValue("liaison_id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toLiaisonJSON(l))
}

func (s *Server) apiLiaisonSend(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Context    string   `json:"context"`
		Happened   string   `json:"happened"`
		Watch      string   `json:"watch"`
		Asked      string   `json:"asked"`
		Recipients []string `json:"recipients"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	lid, err := s.Pathway.SendLiaison(r.Context(), id, pathway.LiaisonInput{Context: b.Context, Happened: b.Happened,
		Watch: b.Watch, Asked: b.Asked, Recipients: b.Recipients})
	if err != nil {
		return err
	}
	l, err := s.Pathway.Liaison(r.Context(), id, lid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toLiaisonJSON(l))
}

func (s *Server) apiLiaisonAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, lid := r.PathValue("id"), r.PathValue("liaison_id")
	if err := s.Pathway.Acknowledge(r.Context(), id, lid); err != nil {
		return err
	}
	l, err := s.Pathway.Liaison(r.Context(), id, lid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toLiaisonJSON(l))
}

type slotJSON struct {
	ID               string  `json:"id"`
	OrganisationID   string  `json:"organisation_id"`
	OrganisationName string  `json:"organisation_name"`
	Kind             string  `json:"kind"`
	Label            string  `json:"label"`
	Start            string  `json:"start"`
	End              string  `json:"end"`
	Weekdays         []int   `json:"weekdays"`
	From             string  `json:"from"`
	To               *string `json:"to"`
	SkipHolidays     bool    `json:"skip_holidays"`
	HoldID           string  `json:"hold_id,omitempty"`
}

type occurrenceJSON struct {
	SlotID string    `json:"slot_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
}

type spanJSON struct {
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Label         string    `json:"label"`
	Organisations []string  `json:"organisation_ids,omitempty"`
}

func toSpans(spans []pathway.Span) []spanJSON {
	out := []spanJSON{}
	for _, sp := range spans {
		j := spanJSON{Start: sp.Start.UTC(), End: sp.End.UTC(), Label: pathway.SpanLabel(sp, paris)}
		if sp.A != nil && sp.B != nil {
			j.Organisations = []string{sp.A.OrganisationID, sp.B.OrganisationID}
		}
		out = append(out, j)
	}
	return out
}

// apiPlanning returns a week (?week=YYYY-MM-DD, its Monday) with its
// occurrences, the slots, and the conflicts and gaps of the weeks ahead.
func (s *Server) apiPlanning(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Pathway.Week(r.Context(), r.PathValue("id"), r.URL.Query().Get("week"))
	if err != nil {
		return err
	}
	slots := []slotJSON{}
	for _, sl := range p.Slots {
		j := slotJSON{ID: sl.ID, OrganisationID: sl.OrganisationID, OrganisationName: sl.OrganisationName, Kind: sl.Kind,
			Label: sl.Label, Start: sl.Start, End: sl.End, From: sl.From, SkipHolidays: sl.SkipHolidays, Weekdays: []int{},
			HoldID: sl.HoldID}
		for d := range 7 {
			if sl.Weekdays&(1<<d) != 0 {
				j.Weekdays = append(j.Weekdays, d+1)
			}
		}
		if sl.To != pathway.Forever {
			to := sl.To
			j.To = &to
		}
		slots = append(slots, j)
	}
	occ := []occurrenceJSON{}
	for _, d := range p.Days {
		for _, o := range d.Occurrences {
			occ = append(occ, occurrenceJSON{SlotID: o.Slot.ID, Start: o.Start.UTC(), End: o.End.UTC()})
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"week_start": p.WeekStart, "slots": slots, "occurrences": occ,
		"conflicts": toSpans(p.Conflicts), "gaps": toSpans(p.Gaps), "gaps_checked": p.GapsChecked})
}

func (s *Server) apiSlotAdd(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Kind         string `json:"kind"`
		Label        string `json:"label"`
		Start        string `json:"start"`
		End          string `json:"end"`
		Weekdays     []int  `json:"weekdays"`
		From         string `json:"from"`
		To           string `json:"to"`
		SkipHolidays bool   `json:"skip_holidays"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.AddSlot(r.Context(), r.PathValue("id"), pathway.SlotInput{Kind: b.Kind, Label: b.Label, Start: b.Start,
		End: b.End, Weekdays: b.Weekdays, From: b.From, To: b.To, SkipHolidays: b.SkipHolidays})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *Server) apiSlotDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Pathway.DeleteSlot(r.Context(), r.PathValue("id"), r.PathValue("slot_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiEventDeclare(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Kind string `json:"kind"`
		Day  string `json:"day"`
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Pathway.DeclareEvent(r.Context(), r.PathValue("id"), pathway.EventInput{Kind: b.Kind, Day: b.Day, Text: b.Text}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
