package web

import (
	"math"
	"net/http"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/request"
)

// The API of the requests between structures, on the same service and
// rules as the pages: the inbox and the outbox, a request with its
// answers, the response times and the territory's deadlines.

func (s *Server) requestsAPIRoutes() {
	s.apiRoute("GET", "/api/v1/requests", s.apiRequests)
	s.apiRoute("POST", "/api/v1/requests", s.apiRequestCreate)
	s.apiRoute("GET", "/api/v1/requests/response-times", s.apiRequestTimes)
	s.apiRoute("GET", "/api/v1/requests/settings", s.apiRequestSettings)
	s.apiRoute("PUT", "/api/v1/requests/settings", s.apiRequestSettingsPut)
	s.apiRoute("GET", "/api/v1/requests/{id}", s.apiRequest)
	s.apiRoute("GET", "/api/v1/requests/{id}/attachments/{attachment_id}", s.apiRequestAttachment)
	s.apiRoute("POST", "/api/v1/requests/{id}/send", s.apiRequestSend)
	s.apiRoute("POST", "/api/v1/requests/{id}/answer", s.apiRequestAnswer)
	s.apiRoute("POST", "/api/v1/requests/{id}/info", s.apiRequestInfo)
	s.apiRoute("POST", "/api/v1/requests/{id}/confirm", s.apiRequestConfirm)
	s.apiRoute("POST", "/api/v1/requests/{id}/withdraw", s.apiRequestWithdraw)
}

type requestPriorityJSON struct {
	Level   int      `json:"level"`
	Label   string   `json:"label"`
	Reasons []string `json:"reasons"`
	Words   string   `json:"words"`
}

func toRequestPriorityJSON(p request.Priority) requestPriorityJSON {
	return requestPriorityJSON{Level: p.Level, Label: p.Label, Reasons: append([]string{}, p.Reasons...), Words: p.Words()}
}

// requestItemJSON is a line of an inbox or an outbox: never the child's name.
type requestItemJSON struct {
	ID            string              `json:"id"`
	Kind          string              `json:"kind"`
	KindLabel     string              `json:"kind_label"`
	SenderOrgName string              `json:"sender_organisation_name"`
	ChildAge      int                 `json:"child_age"`
	ChildSex      string              `json:"child_sex"`
	From          string              `json:"from,omitempty"`
	To            string              `json:"to,omitempty"`
	Priority      requestPriorityJSON `json:"priority"`
	SentAt        *time.Time          `json:"sent_at,omitempty"`
	Late          bool                `json:"late"`
	// Inbox: the structure's row.
	StructureID   string     `json:"structure_id,omitempty"`
	StructureName string     `json:"structure_name,omitempty"`
	Status        string     `json:"status,omitempty"`
	StatusLabel   string     `json:"status_label,omitempty"`
	Deadline      *time.Time `json:"deadline,omitempty"`
	// Outbox: the request as a whole.
	Recipients *int   `json:"recipients,omitempty"`
	Answered   *int   `json:"answered,omitempty"`
	Outcome    string `json:"outcome,omitempty"`
	Draft      *bool  `json:"draft,omitempty"`
}

func toRequestItemJSON(it request.Item, outbox bool) requestItemJSON {
	j := requestItemJSON{ID: it.ID, Kind: string(it.Kind), KindLabel: kindLabelOf(it.Kind), SenderOrgName: it.SenderOrgName,
		ChildAge: it.ChildAge, ChildSex: it.ChildSex, From: it.From, To: it.To, Priority: toRequestPriorityJSON(it.Priority),
		SentAt: requestUTC(it.SentAt), Late: it.Late}
	if outbox {
		j.Recipients, j.Answered, j.Outcome, j.Draft = &it.Recipients, &it.Answered, it.Outcome, &it.Draft
		return j
	}
	j.StructureID, j.StructureName, j.Status = it.StructureID, it.StructureName, string(it.Status)
	j.StatusLabel, j.Deadline = request.StatusLabels[it.Status], requestUTC(it.Deadline)
	return j
}

func requestUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// requestParamError is a 422 naming one query parameter.
func requestParamError(field, message string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "La requête est à corriger.", Fields: map[string]string{field: message}}
}

func (s *Server) apiRequests(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var v apperr.Validation
	box := q.Get("box")
	if box == "" {
		box = "inbox"
	}
	v.Check(box == "inbox" || box == "outbox", "box", "Boîte inconnue : inbox (reçues) ou outbox (envoyées).")
	open := q.Get("open")
	v.Check(open == "" || open == "true" || open == "false", "open", "true ou false attendu.")
	if err := v.ErrSaying("La requête est à corriger."); err != nil {
		return err
	}
	var items []request.Item
	var err error
	if box == "inbox" {
		items, err = s.Requests.Inbox(r.Context(), open == "true")
	} else {
		items, err = s.Requests.Outbox(r.Context())
	}
	if err != nil {
		return err
	}
	out := []requestItemJSON{}
	for _, it := range items {
		out = append(out, toRequestItemJSON(it, box == "outbox"))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"box": box, "items": out})
}

// renamedFields gives the service's field names the API's, so that the
// problem points at the body's fields.
func renamedFields(err error, names map[string]string) error {
	e, ok := asInvalid(err)
	if !ok {
		return err
	}
	fields := map[string]string{}
	for k, m := range e.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		fields[k] = m
	}
	return &apperr.Error{Code: apperr.Invalid, Message: e.Message, Fields: fields}
}

func (s *Server) apiRequestCreate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Kind         string   `json:"kind"`
		ChildID      string   `json:"child_id"`
		From         string   `json:"from"`
		To           string   `json:"to"`
		Weekdays     []int    `json:"weekdays"`
		Need         string   `json:"need"`
		Tried        string   `json:"tried"`
		Recipients   []string `json:"recipients"`
		LossOfChance bool     `json:"loss_of_chance"`
		Crisis       bool     `json:"crisis"`
		Emergency    bool     `json:"emergency"`
		Send         bool     `json:"send"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	in := request.Input{Kind: request.Kind(b.Kind), ChildID: b.ChildID, From: b.From, To: b.To, Weekdays: b.Weekdays,
		Need: b.Need, Tried: b.Tried, Recipients: b.Recipients,
		Criteria: request.Criteria{LossOfChance: b.LossOfChance, Crisis: b.Crisis, Emergency: b.Emergency}}
	id, err := s.Requests.Create(r.Context(), in, b.Send)
	if err != nil {
		return renamedFields(err, map[string]string{"child": "child_id"})
	}
	w.Header().Set("Location", "/api/v1/requests/"+id)
	return writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

type requestRecipientJSON struct {
	StructureID   string     `json:"structure_id"`
	StructureName string     `json:"structure_name"`
	Status        string     `json:"status"`
	StatusLabel   string     `json:"status_label"`
	Deadline      *time.Time `json:"deadline,omitempty"`
	Late          bool       `json:"late"`
	Step          int        `json:"step"`
	StepLabel     string     `json:"step_label,omitempty"`
	SeenAt        *time.Time `json:"seen_at,omitempty"`
	FirstAnswerAt *time.Time `json:"first_answer_at,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	ReasonLabel   string     `json:"reason_label,omitempty"`
	Answer        string     `json:"answer,omitempty"`
}

type requestLineJSON struct {
	At            time.Time `json:"at"`
	StructureName string    `json:"structure_name,omitempty"`
	Event         string    `json:"event"`
	ActorName     string    `json:"actor_name"`
	Text          string    `json:"text,omitempty"`
}

type requestJSON struct {
	ID            string                 `json:"id"`
	Kind          string                 `json:"kind"`
	KindLabel     string                 `json:"kind_label"`
	SenderOrgID   string                 `json:"sender_organisation_id"`
	SenderOrgName string                 `json:"sender_organisation_name"`
	SenderName    string                 `json:"sender_name"`
	Departement   string                 `json:"departement"`
	ChildID       string                 `json:"child_id,omitempty"`
	ChildName     string                 `json:"child_name,omitempty"`
	ChildAge      int                    `json:"child_age"`
	ChildSex      string                 `json:"child_sex"`
	Basis         string                 `json:"basis"`
	From          string                 `json:"from,omitempty"`
	To            string                 `json:"to,omitempty"`
	Weekdays      []int                  `json:"weekdays"`
	Need          string                 `json:"need"`
	Tried         string                 `json:"tried"`
	LossOfChance  bool                   `json:"loss_of_chance"`
	DoubleVuln    bool                   `json:"double_vulnerability"`
	YoungAge      bool                   `json:"young_age"`
	Crisis        bool                   `json:"crisis"`
	Emergency     bool                   `json:"emergency"`
	Priority      requestPriorityJSON    `json:"priority"`
	Draft         bool                   `json:"draft"`
	CreatedAt     time.Time              `json:"created_at"`
	SentAt        *time.Time             `json:"sent_at,omitempty"`
	EndedAt       *time.Time             `json:"ended_at,omitempty"`
	Outcome       string                 `json:"outcome"`
	Sender        bool                   `json:"sender"`
	MyStructureID string                 `json:"my_structure_id,omitempty"`
	CanAnswer     bool                   `json:"can_answer"`
	CanDecide     bool                   `json:"can_decide"`
	Recipients    []requestRecipientJSON `json:"recipients"`
	History       []requestLineJSON      `json:"history"`
	// Attachments: for the readers who may read the child's name.
	Attachments []requestAttachmentJSON `json:"attachments"`
}

type requestAttachmentJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

func toRequestJSON(q *request.Request, now time.Time) requestJSON {
	j := requestJSON{ID: q.ID, Kind: string(q.Kind), KindLabel: kindLabelOf(q.Kind), SenderOrgID: q.SenderOrgID,
		SenderOrgName: q.SenderOrgName, SenderName: q.SenderName, Departement: q.Departement, ChildName: q.ChildName,
		ChildAge: q.ChildAge, ChildSex: q.ChildSex, Basis: q.Basis, From: q.From, To: q.To, Weekdays: []int{}, Need: q.Need,
		Tried: q.Tried, LossOfChance: q.Criteria.LossOfChance, DoubleVuln: q.Criteria.DoubleVulnerability,
		YoungAge: q.Criteria.YoungAge, Crisis: q.Criteria.Crisis, Emergency: q.Criteria.Emergency,
		Priority: toRequestPriorityJSON(q.Priority), Draft: q.Draft, CreatedAt: q.CreatedAt.UTC(), SentAt: requestUTC(q.SentAt),
		EndedAt: requestUTC(q.EndedAt), Outcome: q.Outcome, Sender: q.Sender, CanAnswer: q.CanAnswer, CanDecide: q.CanDecide,
		Recipients: []requestRecipientJSON{}, History: []requestLineJSON{}, Attachments: []requestAttachmentJSON{}}
	for _, a := range q.Attachments {
		j.Attachments = append(j.Attachments, requestAttachmentJSON{a.ID, a.Name, a.Type, a.Size})
	}
	// The record's id goes to the sender's side only, like the name.
	if q.Sender {
		j.ChildID = q.ChildID
	}
	if q.Mine != nil {
		j.MyStructureID = q.Mine.StructureID
	}
	for d := 1; d <= 7; d++ {
		if q.Weekdays&(1<<(d-1)) != 0 {
			j.Weekdays = append(j.Weekdays, d)
		}
	}
	for _, x := range q.Recipients {
		rj := requestRecipientJSON{StructureID: x.StructureID, StructureName: x.StructureName, Status: string(x.Status),
			StatusLabel: request.StatusLabels[x.Status], Deadline: requestUTC(x.Deadline), Late: x.Late(now), Step: int(x.Step),
			StepLabel: request.StepLabels[x.Step], SeenAt: requestUTC(x.SeenAt), FirstAnswerAt: requestUTC(x.FirstAnswerAt),
			DecidedAt: requestUTC(x.DecidedAt), Reason: x.Reason, Answer: x.Answer}
		if x.Reason != "" {
			rj.ReasonLabel = request.Label(request.RefusalReasons, x.Reason)
		}
		j.Recipients = append(j.Recipients, rj)
	}
	for _, l := range q.History {
		j.History = append(j.History, requestLineJSON{l.At.UTC(), l.StructureName, l.Event, l.ActorName, l.Text})
	}
	return j
}

func (s *Server) apiRequest(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q, err := s.Requests.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toRequestJSON(q, db.Now(s.DB.Clock)))
}

func (s *Server) apiRequestSend(w http.ResponseWriter, r *http.Request) error {
	if err := s.Requests.Send(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requestStructureParam is the structure_id of an action's body, required.
func requestStructureParam(id string) error {
	if strings.TrimSpace(id) == "" {
		return requestParamError("structure_id", "Indiquez la structure concernée.")
	}
	return nil
}

func (s *Server) apiRequestAnswer(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		StructureID string `json:"structure_id"`
		Event       string `json:"event"`
		Reason      string `json:"reason"`
		Text        string `json:"text"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := requestStructureParam(b.StructureID); err != nil {
		return err
	}
	err := s.Requests.Respond(r.Context(), r.PathValue("id"), strings.TrimSpace(b.StructureID),
		request.Answer{Event: request.Event(b.Event), Reason: b.Reason, Text: b.Text})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRequestInfo(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		StructureID string `json:"structure_id"`
		Text        string `json:"text"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := requestStructureParam(b.StructureID); err != nil {
		return err
	}
	if err := s.Requests.GiveInfo(r.Context(), r.PathValue("id"), strings.TrimSpace(b.StructureID), strings.TrimSpace(b.Text)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRequestConfirm(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		StructureID string `json:"structure_id"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := requestStructureParam(b.StructureID); err != nil {
		return err
	}
	if err := s.Requests.Confirm(r.Context(), r.PathValue("id"), strings.TrimSpace(b.StructureID)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRequestWithdraw(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Reason string `json:"reason"`
	}
	// The body is optional: a withdrawal needs no reason.
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
	}
	if err := s.Requests.Withdraw(r.Context(), r.PathValue("id"), strings.TrimSpace(b.Reason)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requestHours says a duration in hours, to the tenth.
func requestHours(d time.Duration) float64 { return math.Round(d.Hours()*10) / 10 }

type requestRefusalsJSON struct {
	Reason string `json:"reason"`
	Label  string `json:"label"`
	Count  int    `json:"count"`
}

type requestTimesJSON struct {
	Kind                string                `json:"kind"`
	KindLabel           string                `json:"kind_label"`
	Received            int                   `json:"received"`
	Answered            int                   `json:"answered"`
	OnTime              int                   `json:"on_time"`
	OnTimeShare         int                   `json:"on_time_share"`
	FirstMedianHours    float64               `json:"first_median_hours"`
	FirstP90Hours       float64               `json:"first_p90_hours"`
	DecisionMedianHours float64               `json:"decision_median_hours"`
	DecisionP90Hours    float64               `json:"decision_p90_hours"`
	Accepted            int                   `json:"accepted"`
	Refused             int                   `json:"refused"`
	Refusals            []requestRefusalsJSON `json:"refusals"`
}

func toRequestTimesJSON(t request.Times) requestTimesJSON {
	j := requestTimesJSON{Kind: string(t.Kind), KindLabel: kindLabelOf(t.Kind), Received: t.Received, Answered: t.Answered,
		OnTime: t.OnTime, OnTimeShare: t.OnTimeShare(), FirstMedianHours: requestHours(t.FirstMedian), FirstP90Hours: requestHours(t.FirstP90),
		DecisionMedianHours: requestHours(t.DecisionMedian), DecisionP90Hours: requestHours(t.DecisionP90), Accepted: t.Accepted,
		Refused: t.Refused, Refusals: []requestRefusalsJSON{}}
	for _, c := range request.RefusalReasons {
		if n := t.Refusals[c.Code]; n > 0 {
			j.Refusals = append(j.Refusals, requestRefusalsJSON{c.Code, c.Label, n})
		}
	}
	return j
}

// requestTimesSince is where the response times start by default: the
// beginning of the day, in Paris, ninety days before now.
func requestTimesSince(now time.Time) time.Time {
	d := now.In(paris).AddDate(0, 0, -90)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, paris)
}

func (s *Server) apiRequestTimes(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	sc := request.Scope{StructureID: strings.TrimSpace(q.Get("structure_id")), Departement: strings.ToUpper(strings.TrimSpace(q.Get("departement")))}
	var v apperr.Validation
	v.Check(sc.StructureID != "" || sc.Departement != "", "structure_id", "Indiquez la structure, ou le département.")
	v.Check(sc.StructureID == "" || sc.Departement == "", "departement", "La structure ou le département, pas les deux.")
	since := requestTimesSince(db.Now(s.DB.Clock))
	if x := strings.TrimSpace(q.Get("since")); x != "" {
		t, err := time.ParseInLocation(time.DateOnly, x, paris)
		v.Check(err == nil && t.Year() >= 2000, "since", "Date invalide : écrivez-la aaaa-mm-jj.")
		since = t
	}
	if err := v.ErrSaying("La requête est à corriger."); err != nil {
		return err
	}
	times, err := s.Requests.ResponseTimes(r.Context(), sc, since.UTC())
	if err != nil {
		return err
	}
	out := struct {
		StructureID string             `json:"structure_id,omitempty"`
		Departement string             `json:"departement,omitempty"`
		Since       string             `json:"since"`
		Items       []requestTimesJSON `json:"items"`
	}{sc.StructureID, sc.Departement, since.Format(time.DateOnly), []requestTimesJSON{}}
	for _, t := range times {
		out.Items = append(out.Items, toRequestTimesJSON(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

type requestTimingJSON struct {
	Kind               string `json:"kind"`
	Label              string `json:"label"`
	DeadlineHours      int    `json:"deadline_hours"`
	RemindBeforeHours  int    `json:"remind_before_hours"`
	DirectorAfterHours int    `json:"director_after_hours"`
	SteeringAfterHours int    `json:"steering_after_hours"`
	Default            bool   `json:"default"`
}

func (s *Server) apiRequestSettings(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	dep, err := settingsDepartement(r)
	if err != nil {
		return err
	}
	all, err := s.Requests.Settings(r.Context(), dep)
	if err != nil {
		return err
	}
	h := func(d time.Duration) int { return int(d / time.Hour) }
	out := struct {
		Departement string              `json:"departement"`
		Items       []requestTimingJSON `json:"items"`
	}{dep, []requestTimingJSON{}}
	for _, x := range all {
		out.Items = append(out.Items, requestTimingJSON{string(x.Kind), x.Label, h(x.Timing.Deadline), h(x.Timing.RemindBefore),
			h(x.Timing.DirectorAfter), h(x.Timing.SteeringAfter), x.Default})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRequestSettingsPut(w http.ResponseWriter, r *http.Request) error {
	dep, err := settingsDepartement(r)
	if err != nil {
		return err
	}
	var b struct {
		Kind               string `json:"kind"`
		DeadlineHours      *int   `json:"deadline_hours"`
		RemindBeforeHours  *int   `json:"remind_before_hours"`
		DirectorAfterHours *int   `json:"director_after_hours"`
		SteeringAfterHours *int   `json:"steering_after_hours"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	var v apperr.Validation
	hours := func(n *int, field string) time.Duration {
		if n == nil {
			v.Add(field, "Indiquez un nombre d'heures.")
			return 0
		}
		// Bounded before the conversion so that it cannot overflow; the
		// service says what is out of bounds.
		return time.Duration(min(max(*n, -1_000_000), 1_000_000)) * time.Hour
	}
	t := request.Timing{Deadline: hours(b.DeadlineHours, "deadline_hours"), RemindBefore: hours(b.RemindBeforeHours, "remind_before_hours"),
		DirectorAfter: hours(b.DirectorAfterHours, "director_after_hours"), SteeringAfter: hours(b.SteeringAfterHours, "steering_after_hours")}
	if err := v.ErrSaying("Les délais n'ont pas été enregistrés : corrigez les champs signalés."); err != nil {
		return err
	}
	if err := s.Requests.SetTiming(r.Context(), dep, request.Kind(b.Kind), t); err != nil {
		return err
	}
	return s.apiRequestSettings(w, r)
}

// apiRequestAttachment sends one attached file, as the page does.
func (s *Server) apiRequestAttachment(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Requests.Attachment(r.Context(), r.PathValue("id"), r.PathValue("attachment_id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
