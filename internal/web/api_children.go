package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/pathway"
)

// childrenAPIRoutes registers the API of the child's shared record: the
// same service and the same need-to-know rules as the pages, section by
// section. For anyone unrelated, a child does not exist (404).
func (s *Server) childrenAPIRoutes() {
	s.apiRoute("GET", "/api/v1/children", s.apiChildList)
	s.apiRoute("POST", "/api/v1/children", s.apiChildCreate)
	s.apiRoute("POST", "/api/v1/children/break-glass", s.apiChildBreakGlass)
	s.apiRoute("GET", "/api/v1/children/{id}", s.apiChildGet)
	s.apiRoute("PATCH", "/api/v1/children/{id}", s.apiChildUpdate)
	s.apiRoute("GET", "/api/v1/children/{id}/measures", s.apiChildMeasures)
	s.apiRoute("POST", "/api/v1/children/{id}/measures", s.apiChildMeasureAdd)
	s.apiRoute("GET", "/api/v1/children/{id}/measures/{measure_id}/document", s.apiChildMeasureDocument)
	s.apiRoute("GET", "/api/v1/children/{id}/notifications", s.apiChildNotifications)
	s.apiRoute("POST", "/api/v1/children/{id}/notifications", s.apiChildNotificationAdd)
	s.apiRoute("POST", "/api/v1/children/{id}/notifications/{nid}/status", s.apiChildNotificationStatus)
	s.apiRoute("GET", "/api/v1/children/{id}/relatives", s.apiChildRelatives)
	s.apiRoute("POST", "/api/v1/children/{id}/relatives", s.apiChildRelativeAdd)
	s.apiRoute("GET", "/api/v1/children/{id}/circle", s.apiChildCircle)
	s.apiRoute("POST", "/api/v1/children/{id}/circle", s.apiChildInvite)
	s.apiRoute("POST", "/api/v1/children/{id}/circle/{member_id}/answer", s.apiChildAnswer)
	s.apiRoute("POST", "/api/v1/children/{id}/circle/{member_id}/leave", s.apiChildLeave)
	s.apiRoute("PUT", "/api/v1/children/{id}/circle/{member_id}/staff", s.apiChildStaff)
	s.apiRoute("POST", "/api/v1/children/{id}/relatives/{relative_id}/parent-access", s.apiChildParentAccess)
	s.apiRoute("GET", "/api/v1/children/{id}/consents", s.apiChildConsents)
	s.apiRoute("POST", "/api/v1/children/{id}/consents", s.apiChildConsentAdd)
	s.apiRoute("POST", "/api/v1/children/{id}/consents/{consent_id}/withdraw", s.apiChildConsentWithdraw)
	s.apiRoute("GET", "/api/v1/children/{id}/timeline", s.apiChildTimeline)
	s.apiRoute("POST", "/api/v1/children/{id}/notes", s.apiChildNote)
	s.apiRoute("GET", "/api/v1/children/{id}/access-log", s.apiChildAccessLog)
}

// childFields renames the service's field names ("living_structure") to
// those of the JSON bodies ("living_structure_id"), keeping its message.
func childFields(err error, names map[string]string) error {
	e, ok := asInvalid(err)
	if !ok || len(e.Fields) == 0 {
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

// Field names of the service and of the JSON bodies, where they differ.
var (
	identityFields     = map[string]string{"living_structure": "living_structure_id", "living_carer": "living_carer_id", "referent": "referent_id"}
	measureFields      = map[string]string{"renews": "renews_id"}
	notificationFields = map[string]string{"admitted_structure": "admitted_structure_id"}
	inviteFields       = map[string]string{"organisation": "organisation_id", "consent": "consent_id", "measure": "measure_id"}
	consentFields      = map[string]string{"relative": "relative_id"}
)

// childJSON is the identity section.
type childJSON struct {
	ID                  string    `json:"id"`
	Pseudonym           string    `json:"pseudonym"`
	ASEID               string    `json:"ase_id"`
	ASEName             string    `json:"ase_name"`
	ReferentID          string    `json:"referent_id"`
	ReferentName        string    `json:"referent_name"`
	Departement         string    `json:"departement"`
	FirstName           string    `json:"first_name"`
	LastName            string    `json:"last_name"`
	BirthDate           string    `json:"birth_date"`
	Age                 int       `json:"age"`
	Sex                 string    `json:"sex"`
	LivingKind          string    `json:"living_kind"`
	LivingStructureID   string    `json:"living_structure_id,omitempty"`
	LivingStructureName string    `json:"living_structure_name,omitempty"`
	LivingCarerID       string    `json:"living_carer_id,omitempty"`
	LivingCarerName     string    `json:"living_carer_name,omitempty"`
	LivingNote          string    `json:"living_note"`
	SchoolKind          string    `json:"school_kind"`
	SchoolNote          string    `json:"school_note"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

func toChildJSON(c pathway.Child, now time.Time) childJSON {
	return childJSON{ID: c.ID, Pseudonym: c.Pseudonym, ASEID: c.ASEID, ASEName: c.ASEName, ReferentID: c.ReferentID,
		ReferentName: c.ReferentName, Departement: c.Departement, FirstName: c.FirstName, LastName: c.LastName,
		BirthDate: c.BirthDate, Age: c.Age(now), Sex: c.Sex, LivingKind: c.LivingKind, LivingStructureID: c.LivingStructureID,
		LivingStructureName: c.LivingStructureName, LivingCarerID: c.LivingCarerID, LivingCarerName: c.LivingCarerName,
		LivingNote: c.LivingNote, SchoolKind: c.SchoolKind, SchoolNote: c.SchoolNote, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// childItemJSON is a line of the list; the follow-up columns are given to
// the ASE service that owns the record only.
type childItemJSON struct {
	childJSON
	Followed        bool   `json:"followed"`
	NextEnd         string `json:"next_end,omitempty"`
	WithoutSolution bool   `json:"without_solution"`
	Alerts          int    `json:"alerts"`
}

func (s *Server) apiChildList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var v apperr.Validation
	limit, offset, err := listParams(q, 50, 200)
	addInvalidFields(&v, err)
	mine := q.Get("mine")
	v.Check(mine == "" || mine == "true" || mine == "false", "mine", "true ou false attendu.")
	if err := v.ErrSaying("La requête est à corriger."); err != nil {
		return err
	}
	list, err := s.Pathway.List(r.Context(), pathway.Filter{Q: q.Get("q"), Mine: mine == "true", Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	now := time.Now()
	out := listJSON[childItemJSON]{Items: make([]childItemJSON, 0, len(list.Items)), Total: list.Total, Limit: limit, Offset: offset}
	for _, it := range list.Items {
		out.Items = append(out.Items, childItemJSON{childJSON: toChildJSON(it.Child, now), Followed: it.Followed,
			NextEnd: it.NextEnd, WithoutSolution: it.WithoutSolution, Alerts: it.Alerts})
	}
	return writeJSON(w, http.StatusOK, out)
}

type relativeJSON struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Authority    string `json:"authority"`
	Legal        bool   `json:"legal_representative"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Address      string `json:"address"`
	ParentAccess bool   `json:"parent_access"`
}

func toRelativeJSON(x pathway.Relative) relativeJSON {
	return relativeJSON{ID: x.ID, Kind: x.Kind, Name: x.Name, Relationship: x.Relationship, Authority: x.Authority,
		Legal: x.LegalRepresentative(), Phone: x.Phone, Email: x.Email, Address: x.Address, ParentAccess: x.AccountID != ""}
}

// measureJSON: the document's name is given to its readers only.
type measureJSON struct {
	ID           string    `json:"id"`
	Kind         string    `json:"kind"`
	KindLabel    string    `json:"kind_label"`
	Judicial     bool      `json:"judicial"`
	Authority    string    `json:"authority"`
	DecidedOn    string    `json:"decided_on"`
	From         string    `json:"from"`
	To           *string   `json:"to"`
	Reference    string    `json:"reference"`
	RenewsID     string    `json:"renews_id,omitempty"`
	RenewedByID  string    `json:"renewed_by_id,omitempty"`
	Note         string    `json:"note"`
	HasDocument  bool      `json:"has_document"`
	DocumentName string    `json:"document_name,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

func toMeasureJSON(m pathway.Measure, documents bool) measureJSON {
	j := measureJSON{ID: m.ID, Kind: m.Kind, KindLabel: pathway.MeasureKindOf(m.Kind).Label, Judicial: m.Judicial(),
		Authority: m.Authority, DecidedOn: m.DecidedOn, From: m.From, To: openEnd(m.To), Reference: m.Reference,
		RenewsID: m.RenewsID, RenewedByID: m.RenewedByID, Note: m.Note, HasDocument: m.HasDocument, CreatedAt: m.CreatedAt.UTC()}
	if documents {
		j.DocumentName = m.DocumentName
	}
	return j
}

// openEnd is null for what has no end.
func openEnd(day string) *string {
	if day == pathway.Forever || day == "" {
		return nil
	}
	return &day
}

type notificationJSON struct {
	ID                    string `json:"id"`
	Orientation           string `json:"orientation"`
	Modality              string `json:"modality"`
	From                  string `json:"from"`
	To                    string `json:"to"`
	DecisionRef           string `json:"decision_ref"`
	Status                string `json:"status"`
	StatusLabel           string `json:"status_label"`
	WaitingAt             string `json:"waiting_at"`
	AdmittedStructureID   string `json:"admitted_structure_id,omitempty"`
	AdmittedStructureName string `json:"admitted_structure_name,omitempty"`
	StatusOn              string `json:"status_on"`
}

func toNotificationJSON(n pathway.Notification) notificationJSON {
	return notificationJSON{ID: n.ID, Orientation: n.Orientation, Modality: n.Modality, From: n.From, To: n.To,
		DecisionRef: n.DecisionRef, Status: n.Status, StatusLabel: pathway.Label(pathway.NotificationStatuses, n.Status),
		WaitingAt: n.WaitingAt, AdmittedStructureID: n.AdmittedStructureID, AdmittedStructureName: n.AdmittedStructureName,
		StatusOn: n.StatusOn}
}

type personJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type memberJSON struct {
	ID               string       `json:"id"`
	OrganisationID   string       `json:"organisation_id"`
	OrganisationName string       `json:"organisation_name"`
	Capacity         string       `json:"capacity"`
	Status           string       `json:"status"`
	Basis            string       `json:"basis"`
	BasisLive        bool         `json:"basis_live"`
	ConsentID        string       `json:"consent_id,omitempty"`
	MeasureID        string       `json:"measure_id,omitempty"`
	Note             string       `json:"note"`
	From             string       `json:"from"`
	To               *string      `json:"to"`
	Live             bool         `json:"live"`
	InvitedBy        string       `json:"invited_by"`
	InvitedAt        time.Time    `json:"invited_at"`
	AnsweredAt       *time.Time   `json:"answered_at,omitempty"`
	LeftAt           *time.Time   `json:"left_at,omitempty"`
	Staff            []personJSON `json:"staff"`
}

func toMemberJSON(m pathway.Member, today string) memberJSON {
	j := memberJSON{ID: m.ID, OrganisationID: m.OrganisationID, OrganisationName: m.OrganisationName, Capacity: string(m.Capacity),
		Status: m.Status, Basis: m.Basis, BasisLive: m.BasisLive, ConsentID: m.ConsentID, MeasureID: m.MeasureID, Note: m.Note,
		From: m.From, To: openEnd(m.To), Live: m.Live(today), InvitedBy: m.InvitedBy, InvitedAt: m.InvitedAt.UTC(),
		AnsweredAt: m.AnsweredAt, LeftAt: m.LeftAt, Staff: []personJSON{}}
	for _, p := range m.Staff {
		j.Staff = append(j.Staff, personJSON{p.ID, p.Name})
	}
	return j
}

type consentJSON struct {
	ID           string     `json:"id"`
	RelativeID   string     `json:"relative_id"`
	RelativeName string     `json:"relative_name"`
	Scope        string     `json:"scope"`
	Subject      string     `json:"subject"`
	GivenOn      string     `json:"given_on"`
	Until        *string    `json:"until"`
	Live         bool       `json:"live"`
	WithdrawnAt  *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnBy  string     `json:"withdrawn_by,omitempty"`
	CreatedBy    string     `json:"created_by"`
}

func toConsentJSON(c pathway.Consent, today string) consentJSON {
	return consentJSON{ID: c.ID, RelativeID: c.RelativeID, RelativeName: c.RelativeName, Scope: c.Scope, Subject: c.Subject,
		GivenOn: c.GivenOn, Until: openEnd(c.Until), Live: c.Live(today), WithdrawnAt: c.WithdrawnAt, WithdrawnBy: c.WithdrawnBy,
		CreatedBy: c.CreatedBy}
}

type eventJSON struct {
	ID               string    `json:"id"`
	At               time.Time `json:"at"`
	Kind             string    `json:"kind"`
	Section          string    `json:"section"`
	Summary          string    `json:"summary"`
	Body             string    `json:"body,omitempty"`
	ActorName        string    `json:"actor_name"`
	OrganisationName string    `json:"organisation_name,omitempty"`
}

func toEventJSON(e pathway.Event) eventJSON {
	return eventJSON{ID: e.ID, At: e.At.UTC(), Kind: e.Kind, Section: string(e.Section), Summary: e.Summary, Body: e.Body,
		ActorName: e.ActorName, OrganisationName: e.OrganisationName}
}

// recordJSON is the record as the actor may see it: a section the actor
// may not read is absent, an empty readable one is an empty list.
type recordJSON struct {
	Child           childJSON           `json:"child"`
	Sections        []string            `json:"sections"`
	Writable        []string            `json:"writable"`
	Relations       []string            `json:"relations"`
	CanExport       bool                `json:"can_export"`
	BreakGlassUntil *time.Time          `json:"break_glass_until,omitempty"`
	WithoutSolution bool                `json:"without_solution"`
	Relatives       *[]relativeJSON     `json:"relatives,omitempty"`
	Measures        *[]measureJSON      `json:"measures,omitempty"`
	Notifications   *[]notificationJSON `json:"notifications,omitempty"`
	Circle          *[]memberJSON       `json:"circle,omitempty"`
	Consents        *[]consentJSON      `json:"consents,omitempty"`
	Timeline        []eventJSON         `json:"timeline"`
}

func strs[T ~string](list []T) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, string(x))
	}
	return out
}

// section returns the list of a section the record shows, nil if the
// actor may not read it.
func section[T, J any](rec pathway.Record, sec access.Section, list []T, conv func(T) J) *[]J {
	if !rec.Can(sec) {
		return nil
	}
	out := make([]J, 0, len(list))
	for _, x := range list {
		out = append(out, conv(x))
	}
	return &out
}

func toRecordJSON(rec pathway.Record) recordJSON {
	now := time.Now()
	j := recordJSON{Child: toChildJSON(rec.Child, now), Sections: strs(rec.Sections), Writable: strs(rec.Writable),
		Relations: strs(rec.Relations), CanExport: rec.CanExport, BreakGlassUntil: rec.BreakGlassUntil,
		WithoutSolution: rec.WithoutSolution, Timeline: []eventJSON{}}
	documents := rec.Can(access.SecDocuments)
	j.Relatives = section(rec, access.SecFamily, rec.Relatives, toRelativeJSON)
	j.Measures = section(rec, access.SecMeasures, rec.Measures, func(m pathway.Measure) measureJSON { return toMeasureJSON(m, documents) })
	j.Notifications = section(rec, access.SecNotifications, rec.Notifications, toNotificationJSON)
	j.Circle = section(rec, access.SecCircle, rec.Circle, func(m pathway.Member) memberJSON { return toMemberJSON(m, rec.Today) })
	j.Consents = section(rec, access.SecConsents, rec.Consents, func(c pathway.Consent) consentJSON { return toConsentJSON(c, rec.Today) })
	for _, e := range rec.Events {
		j.Timeline = append(j.Timeline, toEventJSON(e))
	}
	return j
}

func (s *Server) apiChildGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	rec, err := s.Pathway.Get(r.Context(), r.PathValue("id"), pathway.Options{})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toRecordJSON(rec))
}

// readSection reads the record (audited) and refuses a related actor who
// may not read sec.
func (s *Server) readSection(r *http.Request, sec access.Section, o pathway.Options) (pathway.Record, error) {
	if _, err := requireActor(r); err != nil {
		return pathway.Record{}, err
	}
	rec, err := s.Pathway.Get(r.Context(), r.PathValue("id"), o)
	if err != nil {
		return rec, err
	}
	if !rec.Can(sec) {
		return rec, apperr.New(apperr.Forbidden, "Vous n'avez pas accès à cette partie du dossier ("+
			strings.ToLower(pathway.Label(pathway.SectionLabels, string(sec)))+").")
	}
	return rec, nil
}

// writeSection answers with a section's list.
func writeSection[J any](w http.ResponseWriter, items *[]J) error {
	list := []J{}
	if items != nil {
		list = *items
	}
	return writeJSON(w, http.StatusOK, listJSON[J]{Items: list, Total: len(list), Limit: len(list)})
}

// childInputJSON is the identity section; absent fields keep their value
// on PATCH.
type childInputJSON struct {
	FirstName         *string `json:"first_name"`
	LastName          *string `json:"last_name"`
	BirthDate         *string `json:"birth_date"`
	Sex               *string `json:"sex"`
	LivingKind        *string `json:"living_kind"`
	LivingStructureID *string `json:"living_structure_id"`
	LivingCarerID     *string `json:"living_carer_id"`
	LivingNote        *string `json:"living_note"`
	SchoolKind        *string `json:"school_kind"`
	SchoolNote        *string `json:"school_note"`
	ReferentID        *string `json:"referent_id"`
}

func (b childInputJSON) apply(in *pathway.ChildInput) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.FirstName, b.FirstName}, {&in.LastName, b.LastName}, {&in.BirthDate, b.BirthDate}, {&in.Sex, b.Sex},
		{&in.LivingKind, b.LivingKind}, {&in.LivingStructureID, b.LivingStructureID}, {&in.LivingCarerID, b.LivingCarerID},
		{&in.LivingNote, b.LivingNote}, {&in.SchoolKind, b.SchoolKind}, {&in.SchoolNote, b.SchoolNote}, {&in.ReferentID, b.ReferentID}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
}

func (s *Server) apiChildCreate(w http.ResponseWriter, r *http.Request) error {
	var b childInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	var in pathway.ChildInput
	b.apply(&in)
	c, err := s.Pathway.Create(r.Context(), in)
	if err != nil {
		return childFields(err, identityFields)
	}
	rec, err := s.Pathway.Get(r.Context(), c.ID, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSavedPart(w, true, "/api/v1/children/"+c.ID, toRecordJSON(rec))
}

func (s *Server) apiChildUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	var b childInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	cur, err := s.Pathway.Get(ctx, id, pathway.Options{})
	if err != nil {
		return err
	}
	c := cur.Child
	in := pathway.ChildInput{FirstName: c.FirstName, LastName: c.LastName, BirthDate: c.BirthDate, Sex: c.Sex,
		LivingKind: c.LivingKind, LivingStructureID: c.LivingStructureID, LivingCarerID: c.LivingCarerID, LivingNote: c.LivingNote,
		SchoolKind: c.SchoolKind, SchoolNote: c.SchoolNote, ReferentID: c.ReferentID}
	b.apply(&in)
	if err := s.Pathway.UpdateIdentity(ctx, id, in); err != nil {
		return childFields(err, identityFields)
	}
	rec, err := s.Pathway.Get(ctx, id, pathway.Options{})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toRecordJSON(rec))
}

// changed answers a change with what it made, read again through the
// record (audited like any read): 201, or 200 when created is false. When
// the actor may no longer read it, the change is done: 204.
func (s *Server) changed(w http.ResponseWriter, r *http.Request, created bool, o pathway.Options, pick func(pathway.Record) (any, bool)) error {
	rec, err := s.Pathway.Get(r.Context(), r.PathValue("id"), o)
	if e, ok := apperr.As(err); err != nil && (!ok || (e.Code != apperr.NotFound && e.Code != apperr.Forbidden)) {
		return err
	}
	if err == nil {
		if body, ok := pick(rec); ok {
			if created {
				return writeJSON(w, http.StatusCreated, body)
			}
			return writeJSON(w, http.StatusOK, body)
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// find returns the item of list with id, converted.
func find[T, J any](list []T, id func(T) string, want string, conv func(T) J) (any, bool) {
	i := slices.IndexFunc(list, func(x T) bool { return id(x) == want })
	if i < 0 {
		return nil, false
	}
	return conv(list[i]), true
}

func (s *Server) apiChildMeasures(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.readSection(r, access.SecMeasures, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSection(w, toRecordJSON(rec).Measures)
}

type measureInputJSON struct {
	Kind      string `json:"kind"`
	Authority string `json:"authority"`
	DecidedOn string `json:"decided_on"`
	From      string `json:"from"`
	To        string `json:"to"`
	Reference string `json:"reference"`
	RenewsID  string `json:"renews_id"`
	Note      string `json:"note"`
}

func (s *Server) apiChildMeasureAdd(w http.ResponseWriter, r *http.Request) error {
	var b measureInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.AddMeasure(r.Context(), r.PathValue("id"), pathway.MeasureInput{Kind: b.Kind, Authority: b.Authority,
		DecidedOn: b.DecidedOn, From: b.From, To: b.To, Reference: b.Reference, RenewsID: b.RenewsID, Note: b.Note})
	if err != nil {
		return childFields(err, measureFields)
	}
	return s.changed(w, r, true, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		docs := rec.Can(access.SecDocuments)
		return find(rec.Measures, func(m pathway.Measure) string { return m.ID }, id,
			func(m pathway.Measure) measureJSON { return toMeasureJSON(m, docs) })
	})
}

func (s *Server) apiChildMeasureDocument(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	d, err := s.Pathway.MeasureDocument(r.Context(), r.PathValue("id"), r.PathValue("measure_id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", d.Name, "application/pdf", d.Data)
}

func (s *Server) apiChildNotifications(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.readSection(r, access.SecNotifications, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSection(w, toRecordJSON(rec).Notifications)
}

type notificationInputJSON struct {
	Orientation         string `json:"orientation"`
	Modality            string `json:"modality"`
	From                string `json:"from"`
	To                  string `json:"to"`
	DecisionRef         string `json:"decision_ref"`
	Status              string `json:"status"`
	WaitingAt           string `json:"waiting_at"`
	AdmittedStructureID string `json:"admitted_structure_id"`
	StatusOn            string `json:"status_on"`
}

func (s *Server) apiChildNotificationAdd(w http.ResponseWriter, r *http.Request) error {
	var b notificationInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.AddNotification(r.Context(), r.PathValue("id"), pathway.NotificationInput{Orientation: b.Orientation,
		Modality: b.Modality, From: b.From, To: b.To, DecisionRef: b.DecisionRef, Status: b.Status, WaitingAt: b.WaitingAt,
		AdmittedStructureID: b.AdmittedStructureID, StatusOn: b.StatusOn})
	if err != nil {
		return childFields(err, notificationFields)
	}
	return s.changed(w, r, true, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		return find(rec.Notifications, func(n pathway.Notification) string { return n.ID }, id, toNotificationJSON)
	})
}

type notificationStatusJSON struct {
	Status              string `json:"status"`
	WaitingAt           string `json:"waiting_at"`
	AdmittedStructureID string `json:"admitted_structure_id"`
	StatusOn            string `json:"status_on"`
}

func (s *Server) apiChildNotificationStatus(w http.ResponseWriter, r *http.Request) error {
	var b notificationStatusJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	nid := r.PathValue("nid")
	if err := s.Pathway.SetNotificationStatus(r.Context(), r.PathValue("id"), nid, pathway.StatusInput{Status: b.Status,
		WaitingAt: b.WaitingAt, AdmittedStructureID: b.AdmittedStructureID, StatusOn: b.StatusOn}); err != nil {
		return childFields(err, notificationFields)
	}
	return s.changed(w, r, false, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		return find(rec.Notifications, func(n pathway.Notification) string { return n.ID }, nid, toNotificationJSON)
	})
}

func (s *Server) apiChildRelatives(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.readSection(r, access.SecFamily, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSection(w, toRecordJSON(rec).Relatives)
}

type relativeInputJSON struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Authority    string `json:"authority"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	Address      string `json:"address"`
}

func (s *Server) apiChildRelativeAdd(w http.ResponseWriter, r *http.Request) error {
	var b relativeInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.AddRelative(r.Context(), r.PathValue("id"), pathway.RelativeInput{Kind: b.Kind, Name: b.Name,
		Relationship: b.Relationship, Authority: b.Authority, Phone: b.Phone, Email: b.Email, Address: b.Address})
	if err != nil {
		return err
	}
	return s.changed(w, r, true, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		if !rec.Can(access.SecFamily) {
			return nil, false
		}
		return find(rec.Relatives, func(x pathway.Relative) string { return x.ID }, id, toRelativeJSON)
	})
}

func (s *Server) apiChildCircle(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.readSection(r, access.SecCircle, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSection(w, toRecordJSON(rec).Circle)
}

type inviteInputJSON struct {
	OrganisationID string `json:"organisation_id"`
	Capacity       string `json:"capacity"`
	Basis          string `json:"basis"`
	ConsentID      string `json:"consent_id"`
	MeasureID      string `json:"measure_id"`
	From           string `json:"from"`
	To             string `json:"to"`
	Note           string `json:"note"`
}

func (s *Server) apiChildInvite(w http.ResponseWriter, r *http.Request) error {
	var b inviteInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.Invite(r.Context(), r.PathValue("id"), pathway.InviteInput{OrganisationID: b.OrganisationID,
		Capacity: access.Capacity(b.Capacity), Basis: b.Basis, ConsentID: b.ConsentID, MeasureID: b.MeasureID, From: b.From,
		To: b.To, Note: b.Note})
	if err != nil {
		return childFields(err, inviteFields)
	}
	return s.changed(w, r, true, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		return find(rec.Circle, func(m pathway.Member) string { return m.ID }, id,
			func(m pathway.Member) memberJSON { return toMemberJSON(m, rec.Today) })
	})
}

type answerJSON struct {
	Accept *bool    `json:"accept"`
	Staff  []string `json:"staff"`
}

// memberStatusJSON is what became of a member after an answer or a leave:
// the actor may no longer see the record.
type memberStatusJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// apiChildAnswer is the invited structure's answer, by its director.
func (s *Server) apiChildAnswer(w http.ResponseWriter, r *http.Request) error {
	var b answerJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.Accept == nil {
		return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
			Fields: map[string]string{"accept": "Indiquez true (accepter) ou false (décliner)."}}
	}
	member := r.PathValue("member_id")
	if err := s.Pathway.Answer(r.Context(), r.PathValue("id"), member, *b.Accept, b.Staff); err != nil {
		return err
	}
	status := "declined"
	if *b.Accept {
		status = "active"
	}
	return writeJSON(w, http.StatusOK, memberStatusJSON{ID: member, Status: status})
}

func (s *Server) apiChildLeave(w http.ResponseWriter, r *http.Request) error {
	member := r.PathValue("member_id")
	if err := s.Pathway.Leave(r.Context(), r.PathValue("id"), member); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, memberStatusJSON{ID: member, Status: "left"})
}

func (s *Server) apiChildConsents(w http.ResponseWriter, r *http.Request) error {
	rec, err := s.readSection(r, access.SecConsents, pathway.Options{})
	if err != nil {
		return err
	}
	return writeSection(w, toRecordJSON(rec).Consents)
}

type consentInputJSON struct {
	RelativeID string `json:"relative_id"`
	Scope      string `json:"scope"`
	Subject    string `json:"subject"`
	GivenOn    string `json:"given_on"`
	Until      string `json:"until"`
}

func (s *Server) apiChildConsentAdd(w http.ResponseWriter, r *http.Request) error {
	var b consentInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.AddConsent(r.Context(), r.PathValue("id"), pathway.ConsentInput{RelativeID: b.RelativeID, Scope: b.Scope,
		Subject: b.Subject, GivenOn: b.GivenOn, Until: b.Until})
	if err != nil {
		return childFields(err, consentFields)
	}
	return s.changed(w, r, true, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		return find(rec.Consents, func(c pathway.Consent) string { return c.ID }, id,
			func(c pathway.Consent) consentJSON { return toConsentJSON(c, rec.Today) })
	})
}

func (s *Server) apiChildConsentWithdraw(w http.ResponseWriter, r *http.Request) error {
	cid := r.PathValue("consent_id")
	if err := s.Pathway.WithdrawConsent(r.Context(), r.PathValue("id"), cid); err != nil {
		return err
	}
	return s.changed(w, r, false, pathway.Options{}, func(rec pathway.Record) (any, bool) {
		return find(rec.Consents, func(c pathway.Consent) string { return c.ID }, cid,
			func(c pathway.Consent) consentJSON { return toConsentJSON(c, rec.Today) })
	})
}

// apiChildTimeline lists the timeline of the sections the actor reads,
// or of one section (?section=).
func (s *Server) apiChildTimeline(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var v apperr.Validation
	limit, _, err := listParams(q, 100, 500)
	addInvalidFields(&v, err)
	sec := access.Section(q.Get("section"))
	v.Check(sec == "" || slices.Contains(access.Sections, sec), "section", "Partie du dossier inconnue.")
	if err := v.ErrSaying("La requête est à corriger."); err != nil {
		return err
	}
	o := pathway.Options{Section: sec, Limit: limit}
	var rec pathway.Record
	if sec != "" {
		rec, err = s.readSection(r, sec, o)
	} else {
		rec, err = s.Pathway.Get(r.Context(), r.PathValue("id"), o)
	}
	if err != nil {
		return err
	}
	items := toRecordJSON(rec).Timeline
	return writeJSON(w, http.StatusOK, listJSON[eventJSON]{Items: items, Total: len(items), Limit: limit})
}

type noteInputJSON struct {
	Text string `json:"text"`
	Care bool   `json:"care"`
}

func (s *Server) apiChildNote(w http.ResponseWriter, r *http.Request) error {
	var b noteInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Pathway.AddNote(r.Context(), r.PathValue("id"), b.Care, b.Text); err != nil {
		return err
	}
	sec := access.SecNotes
	if b.Care {
		sec = access.SecCareNotes
	}
	return s.changed(w, r, true, pathway.Options{Section: sec, Limit: 1}, func(rec pathway.Record) (any, bool) {
		if len(rec.Events) == 0 {
			return nil, false
		}
		return toEventJSON(rec.Events[0]), true
	})
}

type accessJSON struct {
	At          time.Time `json:"at"`
	Who         string    `json:"who"`
	Action      string    `json:"action"`
	ActionLabel string    `json:"action_label"`
	Reason      string    `json:"reason,omitempty"`
	BreakGlass  bool      `json:"break_glass"`
}

func (s *Server) apiChildAccessLog(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	limit, _, err := listParams(r.URL.Query(), 200, 500)
	if err != nil {
		return err
	}
	list, err := s.Pathway.AccessLog(r.Context(), r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	out := listJSON[accessJSON]{Items: make([]accessJSON, 0, len(list)), Total: len(list), Limit: limit}
	for _, x := range list {
		out.Items = append(out.Items, accessJSON{At: x.At, Who: x.Who, Action: x.Action, ActionLabel: pathway.ActionLabel(x.Action),
			Reason: x.Reason, BreakGlass: x.BreakGlass})
	}
	return writeJSON(w, http.StatusOK, out)
}

type breakGlassJSON struct {
	Pseudonym string `json:"pseudonym"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	BirthDate string `json:"birth_date"`
	Reason    string `json:"reason"`
}

// apiChildBreakGlass opens a record in an emergency, for a written reason;
// the child is named exactly, nothing is searched.
func (s *Server) apiChildBreakGlass(w http.ResponseWriter, r *http.Request) error {
	var b breakGlassJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.BreakGlass(r.Context(), pathway.BreakGlassInput{Pseudonym: b.Pseudonym, FirstName: b.FirstName,
		LastName: b.LastName, BirthDate: b.BirthDate, Reason: b.Reason})
	if err != nil {
		return err
	}
	return writeSavedPart(w, true, "/api/v1/children/"+id, map[string]string{"child_id": id})
}

// apiChildStaff names who of a member structure follows the child.
func (s *Server) apiChildStaff(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Staff []string `json:"staff"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	member := r.PathValue("member_id")
	if err := s.Pathway.SetStaff(r.Context(), r.PathValue("id"), member, b.Staff); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, memberStatusJSON{ID: member, Status: "active"})
}

// apiChildParentAccess gives a legal representative a parent account.
func (s *Server) apiChildParentAccess(w http.ResponseWriter, r *http.Request) error {
	rid := r.PathValue("relative_id")
	_, _, account, err := s.grantParentAccess(r.Context(), r.PathValue("id"), rid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"relative_id": rid, "account_id": account})
}
