package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/geo"
	"passerelle/internal/org"
	"passerelle/internal/pathway"
)

// The child's shared record: the list of the children one follows, the
// record with its sections as the policy allows, the forms that add to it,
// the invitations a structure answers, break-glass and the access log.

func (s *Server) childrenRoutes() {
	m := s.mux
	m.HandleFunc("GET /enfants", s.page(s.childList))
	m.HandleFunc("GET /enfants/nouveau", s.page(s.childNewForm))
	m.HandleFunc("POST /enfants/nouveau", s.page(s.childCreate))
	m.HandleFunc("GET /enfants/invitations", s.page(s.childInvitations))
	m.HandleFunc("GET /enfants/sans-solution", s.page(s.withoutSolution))
	m.HandleFunc("GET /pilotage/sans-solution", s.page(s.withoutSolutionCounts))
	m.HandleFunc("GET /enfants/export.csv", s.page(s.childExport("csv")))
	m.HandleFunc("GET /enfants/export.xlsx", s.page(s.childExport("xlsx")))
	m.HandleFunc("GET /enfants/acces-urgence", s.page(s.breakGlassForm))
	m.HandleFunc("POST /enfants/acces-urgence", s.page(s.breakGlass))
	m.HandleFunc("GET /enfants/acces-urgence/rapport", s.page(s.breakGlassReport))
	m.HandleFunc("GET /enfants/{id}", s.page(s.childView))
	m.HandleFunc("GET /enfants/{id}/acces", s.page(s.childAccessLog))
	m.HandleFunc("GET /enfants/{id}/mesures/{mid}/document", s.page(s.childDocument))
	m.HandleFunc("GET /enfants/{id}/notifications/{nid}/suite", s.page(s.childNotificationStatusForm))
	m.HandleFunc("POST /enfants/{id}/notifications/{nid}/suite", s.page(s.childNotificationStatus))
	m.HandleFunc("POST /enfants/{id}/cercle/{mid}/reponse", s.page(s.childAnswer))
	m.HandleFunc("POST /enfants/{id}/cercle/{mid}/sortie", s.page(s.childLeave))
	m.HandleFunc("GET /vacances-scolaires", s.page(s.holidays))
	m.HandleFunc("POST /vacances-scolaires", s.page(s.holidayAdd))
	m.HandleFunc("POST /vacances-scolaires/{hid}/suppression", s.page(s.holidayDelete))
	m.HandleFunc("GET /enfants/{id}/planning", s.page(s.planningWeek))
	m.HandleFunc("POST /enfants/{id}/planning/agenda", s.page(s.feedCreate))
	m.HandleFunc("POST /enfants/{id}/planning/agenda/{fid}/revoquer", s.page(s.feedRevoke))
	m.HandleFunc("GET /agenda/{token}", s.public(s.feed))
	m.HandleFunc("GET /agenda/structure/{token}", s.public(s.structureFeed))
	m.HandleFunc("POST /enfants/agenda-structure", s.page(s.structureFeedCreate))
	m.HandleFunc("POST /enfants/agenda-structure/{fid}/revoquer", s.page(s.structureFeedRevoke))
	m.HandleFunc("POST /enfants/{id}/planning/repit", s.page(s.respitePlace))
	m.HandleFunc("GET /enfants/{id}/planning/nouveau", s.page(s.planningForm))
	m.HandleFunc("POST /enfants/{id}/planning/nouveau", s.page(s.planningAdd))
	m.HandleFunc("POST /enfants/{id}/planning/{sid}/suppression", s.page(s.planningDelete))
	m.HandleFunc("POST /enfants/{id}/planning/{sid}/sauf", s.page(s.planningSkip))
	m.HandleFunc("GET /enfants/{id}/liaison", s.page(s.liaisonForm))
	m.HandleFunc("POST /enfants/{id}/liaison", s.page(s.liaisonSend))
	m.HandleFunc("GET /enfants/{id}/liaisons/{lid}", s.page(s.liaisonView))
	m.HandleFunc("GET /enfants/{id}/liaisons/{lid}/fiche.pdf", s.page(s.liaisonPDF))
	m.HandleFunc("POST /enfants/{id}/liaisons/{lid}/reception", s.page(s.liaisonAcknowledge))
	m.HandleFunc("GET /enfants/{id}/liaisons/{lid}/pieces/{aid}", s.page(s.liaisonAttachment))
	m.HandleFunc("GET /enfants/{id}/cercle/{mid}/equipe", s.page(s.childStaffForm))
	m.HandleFunc("POST /enfants/{id}/cercle/{mid}/equipe", s.page(s.childStaffSave))
	m.HandleFunc("POST /enfants/{id}/accords/{cid}/retrait", s.page(s.childWithdraw))
	m.HandleFunc("POST /enfants/{id}/proches/{rid}/acces-parent", s.page(s.childInviteParent))
	for _, f := range childForms {
		m.HandleFunc("GET /enfants/{id}/"+f.Path, s.page(s.childFormGet(f)))
		m.HandleFunc("POST /enfants/{id}/"+f.Path, s.page(s.childFormPost(f)))
	}
}

// childrenFuncs are the template functions of the record's pages.
func childrenFuncs() template.FuncMap {
	return template.FuncMap{
		"pLabel":      pathway.Label,
		"measureKind": func(c string) string { return pathway.MeasureKindOf(c).Label },
		"measureKinds": func() []pathway.MeasureKind {
			return pathway.MeasureKinds
		},
		"pCodes": codeList,
		"pDay":   pathway.DayLabel,
		"span":   func(sp pathway.Span) string { return pathway.SpanLabel(sp, paris) },
		"hm":     func(t time.Time) string { return t.In(paris).Format("15:04") },
		"weekdayLong": func(d string) string {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				return d
			}
			return [...]string{"Dimanche", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"}[t.Weekday()] + " " + pathway.DayLabel(d)
		},
		"slotDays": pathway.SlotDaysLabel,
		"dueLabel": pathway.DueLabel,
		"pfield": func(f Form, name, label, codes string, required bool) pfield {
			return pfield{Name: name, Label: label, Value: f.Values.Get(name), Error: f.Errors[name], Required: required,
				Codes: codeList(codes)}
		},
		"pPeriod": func(from, to string) string {
			if to == pathway.Forever || to == "" {
				return "depuis le " + pathway.DayLabel(from)
			}
			return "du " + pathway.DayLabel(from) + " au " + pathway.DayLabel(to)
		},
		"age":         func(birth string) int { return pathway.AgeOn(birth, time.Now()) },
		"actionLabel": pathway.ActionLabel,
		"sec":         func(s string) access.Section { return access.Section(s) },
		"rel":         func(s string) access.Relation { return access.Relation(s) },
		"isForever":   func(d string) bool { return d == pathway.Forever },
	}
}

// pfield is a select or textarea of the record's forms.
type pfield struct {
	Name, Label, Value, Error string
	Required                  bool
	Codes                     []pathway.Code
}

// codeList names the pathway's code lists for the templates.
func codeList(name string) []pathway.Code {
	switch name {
	case "sex":
		return pathway.Sexes
	case "living":
		return pathway.LivingKinds
	case "school":
		return pathway.SchoolKinds
	case "relative":
		return pathway.RelativeKinds
	case "authority":
		return pathway.Authorities
	case "orientation":
		return pathway.Orientations
	case "notification":
		return pathway.NotificationStatuses
	case "basis":
		return pathway.Bases
	case "scope":
		return pathway.ConsentScopes
	case "capacity":
		return pathway.CapacityLabels
	case "member":
		return pathway.MemberStatuses
	case "section":
		return pathway.SectionLabels
	case "slot":
		return pathway.SlotKinds
	case "event":
		return pathway.EventKinds
	case "project_part":
		return pathway.ProjectParts
	case "project_domain":
		return pathway.ProjectDomains
	case "agreement":
		return pathway.Agreements
	}
	return nil
}

// childListPage is the list of the children one follows.
type childListPage struct {
	Query       url.Values
	Items       []pathway.Item
	Pager       pager
	CanCreate   bool
	IsReferent  bool
	Invitations int
	// The agenda of the structures the actor works at: their links, and
	// the address of a link just made, shown once.
	Structures     []access.Membership
	StructureFeeds []pathway.StructureFeed
	NewFeed        string
}

func (s *Server) childList(w http.ResponseWriter, r *http.Request) error {
	return s.childListRender(w, r, "")
}

func (s *Server) childListRender(w http.ResponseWriter, r *http.Request, newFeed string) error {
	q := r.URL.Query()
	a := access.ActorFrom(r.Context())
	referent := a.Has(access.RoleASEReferent)
	mine := referent && q.Get("tous") == ""
	offset := offsetOf(q)
	l, err := s.Pathway.List(r.Context(), pathway.Filter{Q: q.Get("q"), Mine: mine, Limit: pageSize, Offset: offset})
	if err != nil {
		return err
	}
	p := childListPage{Query: q, Items: l.Items, Pager: newPager(q, offset, len(l.Items), l.Total),
		CanCreate: referent, IsReferent: referent}
	if a.Has(access.RoleDirector) {
		n, err := s.Pathway.InvitationCount(r.Context())
		if err != nil {
			return err
		}
		p.Invitations = n
	}
	if p.Structures = pathway.FeedStructures(a); len(p.Structures) > 0 {
		if p.StructureFeeds, err = s.Pathway.StructureFeeds(r.Context()); err != nil {
			return err
		}
		p.NewFeed = newFeed
	}
	title := "Enfants suivis"
	if a.Has(access.RoleParent) && !referent {
		title = "Mon enfant"
	}
	s.render(w, r, http.StatusOK, "children", title, p)
	return nil
}

// childExport writes the service's children, pseudonymised.
func (s *Server) childExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		rows, err := s.Pathway.Export(r.Context())
		if err != nil {
			return err
		}
		tb := export.Table{Title: "Enfants suivis (pseudonymisés)", Columns: []string{"Dossier", "Année de naissance", "Sexe",
			"Lieu de vie", "Type de structure", "Mesures en cours", "Prochaine fin de mesure", "Notifications MDPH en cours",
			"Sans solution", "Structures du cercle"}}
		for _, x := range rows {
			tb.Rows = append(tb.Rows, []any{x.Pseudonym, x.BirthYear, pathway.Label(pathway.Sexes, x.Sex),
				pathway.Label(pathway.LivingKinds, x.LivingKind), org.StructureTypeLabel(x.LivingType), x.Measures,
				x.NextEnd, x.Notifications, x.WithoutSolution, x.CircleSize})
		}
		return sendTable(w, format, "enfants-pseudonymises", tb)
	}
}

// childFormPage is a form about a child (or a new one).
type childFormPage struct {
	Form      Form
	Kind      string // identity, new, measure, notification, relative, consent, invite, note
	Title     string
	Action    string
	Record    *pathway.Record
	Carers    []pathway.Person
	Structs   []orgChoice
	Staff     []pathway.Person
	Back      string
	Multipart bool
}

// orgChoice is a structure offered in a select.
type orgChoice struct{ ID, Name string }

// structures lists the active structures (and PJJ services) of a
// département for the circle and living place selects.
func (s *Server) structureChoices(r *http.Request, dep string) ([]orgChoice, error) {
	var out []orgChoice
	err := s.DB.Read(r.Context(), func(tx *db.Tx) error {
		rows, err := tx.QueryContext(r.Context(), `SELECT id, name FROM organisations WHERE kind IN ('structure', 'pjj') AND active = TRUE
			AND ($1 = '' OR departement = $1) ORDER BY name LIMIT 2000`, dep)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c orgChoice
			if err := rows.Scan(&c.ID, &c.Name); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// carerChoices lists the foster carers of a département.
func (s *Server) carerChoices(r *http.Request, dep string) ([]pathway.Person, error) {
	var out []pathway.Person
	err := s.DB.Read(r.Context(), func(tx *db.Tx) error {
		rows, err := tx.QueryContext(r.Context(), `SELECT DISTINCT a.id, a.display_name FROM memberships ms
			JOIN accounts a ON a.id = ms.account_id JOIN organisations o ON o.id = ms.organisation_id
			WHERE ms.role = 'foster_carer' AND a.active = TRUE AND ($1 = '' OR o.departement = $1) ORDER BY a.display_name LIMIT 2000`, dep)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p pathway.Person
			if err := rows.Scan(&p.ID, &p.Name); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

func (s *Server) identityForm(w http.ResponseWriter, r *http.Request, status int, p childFormPage) error {
	dep := actorDepartement(r)
	var err error
	if p.Structs, err = s.structureChoices(r, dep); err != nil {
		return err
	}
	if p.Carers, err = s.carerChoices(r, dep); err != nil {
		return err
	}
	s.render(w, r, status, "child_form", p.Title, p)
	return nil
}

func (s *Server) childNewForm(w http.ResponseWriter, r *http.Request) error {
	if !access.ActorFrom(r.Context()).Has(access.RoleASEReferent) {
		return apperr.New(apperr.Forbidden, "Seul un référent ASE ouvre le dossier d'un enfant.")
	}
	return s.identityForm(w, r, http.StatusOK, childFormPage{Form: Form{Values: url.Values{"living_kind": {"family"}}},
		Kind: "identity", Title: "Ouvrir le dossier d'un enfant", Action: "/enfants/nouveau", Back: "/enfants"})
}

func identityInput(v url.Values) pathway.ChildInput {
	return pathway.ChildInput{FirstName: v.Get("first_name"), LastName: v.Get("last_name"), BirthDate: v.Get("birth_date"),
		Sex: v.Get("sex"), LivingKind: v.Get("living_kind"), LivingStructureID: v.Get("living_structure"),
		LivingCarerID: v.Get("living_carer"), LivingNote: v.Get("living_note"), SchoolKind: v.Get("school_kind"),
		SchoolNote: v.Get("school_note")}
}

func (s *Server) childCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	c, err := s.Pathway.Create(r.Context(), identityInput(r.PostForm))
	if formError(&form, err) {
		return s.identityForm(w, r, http.StatusUnprocessableEntity, childFormPage{Form: form, Kind: "identity",
			Title: "Ouvrir le dossier d'un enfant", Action: "/enfants/nouveau", Back: "/enfants"})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Dossier ouvert. Ajoutez les mesures, les notifications et invitez les structures qui suivent l'enfant.")
	http.Redirect(w, r, "/enfants/"+c.ID, http.StatusSeeOther)
	return nil
}

// childPage is the record.
type childPage struct {
	R        pathway.Record
	Section  string
	Access   []pathway.Access // the parents' view shows who read the record
	IsParent bool             // the parents' view: plain words, no internal notes
	More     bool             // older events are left out
	// CanRequest: the reader may ask other structures on the child's behalf.
	CanRequest bool
}

// childEvents is how many events the record page shows at first.
const childEvents = 40

func (s *Server) childView(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	section := access.Section(r.URL.Query().Get("section"))
	if section != "" && !slices.Contains(access.Sections, section) {
		section = ""
	}
	// The page shows the latest events; older ones on demand, a long
	// record's five years would weigh on every visit from a phone.
	limit := childEvents
	if r.URL.Query().Get("plus") != "" {
		limit = 500
	}
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Section: section, Limit: limit, Liaisons: true})
	if err != nil {
		return err
	}
	p := childPage{R: rec, Section: string(section), More: limit == childEvents && len(rec.Events) == childEvents}
	p.IsParent = rec.Is(access.RelParent) && len(rec.Relations) == 1
	p.CanRequest = canSendRequests(access.ActorFrom(r.Context())) &&
		(rec.Is(access.RelReferent) || rec.Is(access.RelLivingPlace) || rec.Is(access.RelCarer))
	if p.IsParent {
		if p.Access, err = s.Pathway.AccessLog(r.Context(), id, 12); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "child", rec.Child.Name(), p)
	return nil
}

// childFormDef is one of the forms that add to a record.
type childFormDef struct {
	Path, Kind, Title string
	Section           access.Section
	Multipart         bool
	Save              func(s *Server, r *http.Request, id string, v url.Values, doc *pathway.Document) error
	Done              string
}

var childForms = []childFormDef{
	{Path: "modifier", Kind: "identity", Title: "Modifier la fiche", Section: access.SecIdentity, Done: "Fiche enregistrée.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			return s.Pathway.UpdateIdentity(r.Context(), id, identityInput(v))
		}},
	{Path: "mesure", Kind: "measure", Title: "Ajouter une mesure", Section: access.SecMeasures, Multipart: true, Done: "Mesure enregistrée.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, doc *pathway.Document) error {
			_, err := s.Pathway.AddMeasure(r.Context(), id, pathway.MeasureInput{Kind: v.Get("kind"), Authority: v.Get("authority"),
				DecidedOn: v.Get("decided_on"), From: v.Get("from"), To: v.Get("to"), Reference: v.Get("reference"),
				RenewsID: v.Get("renews"), Note: v.Get("note"), Document: doc})
			return err
		}},
	{Path: "notification", Kind: "notification", Title: "Ajouter une notification MDPH", Section: access.SecNotifications, Done: "Notification enregistrée.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			_, err := s.Pathway.AddNotification(r.Context(), id, pathway.NotificationInput{Orientation: v.Get("orientation"),
				Modality: v.Get("modality"), From: v.Get("from"), To: v.Get("to"), DecisionRef: v.Get("decision_ref"),
				Status: v.Get("status"), WaitingAt: v.Get("waiting_at"), AdmittedStructureID: v.Get("admitted_structure")})
			return err
		}},
	{Path: "proche", Kind: "relative", Title: "Ajouter un parent ou un proche", Section: access.SecFamily, Done: "Proche enregistré.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			_, err := s.Pathway.AddRelative(r.Context(), id, pathway.RelativeInput{Kind: v.Get("kind"), Name: v.Get("name"),
				Relationship: v.Get("relationship"), Authority: v.Get("authority"), Phone: v.Get("phone"), Email: v.Get("email"),
				Address: v.Get("address")})
			return err
		}},
	{Path: "accord", Kind: "consent", Title: "Enregistrer un accord des parents", Section: access.SecConsents, Done: "Accord enregistré.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			_, err := s.Pathway.AddConsent(r.Context(), id, pathway.ConsentInput{RelativeID: v.Get("relative"), Scope: v.Get("scope"),
				Subject: v.Get("subject"), GivenOn: v.Get("given_on"), Until: v.Get("until")})
			return err
		}},
	{Path: "invitation", Kind: "invite", Title: "Inviter une structure dans le cercle", Section: access.SecCircle,
		Done: "Invitation envoyée : la direction de la structure l'accepte et nomme qui suit l'enfant.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			_, err := s.Pathway.Invite(r.Context(), id, pathway.InviteInput{OrganisationID: v.Get("organisation"),
				Capacity: access.Capacity(v.Get("capacity")), Basis: v.Get("basis"), ConsentID: v.Get("consent"),
				MeasureID: v.Get("measure"), From: v.Get("from"), To: v.Get("to"), Note: v.Get("note")})
			return err
		}},
	{Path: "evenement", Kind: "event", Title: "Déclarer un événement", Section: access.SecNotes,
		Done: "Événement déclaré : le cercle est prévenu.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			return s.Pathway.DeclareEvent(r.Context(), id, pathway.EventInput{Kind: v.Get("kind"), Day: v.Get("day"), Text: v.Get("text")})
		}},
	{Path: "note", Kind: "note", Title: "Écrire une note", Section: access.SecNotes, Done: "Note ajoutée au fil du dossier.",
		Save: func(s *Server, r *http.Request, id string, v url.Values, _ *pathway.Document) error {
			return s.Pathway.AddNote(r.Context(), id, v.Get("care") == "1", v.Get("text"))
		}},
}

// childFormShow shows form f for child id, loading what its selects need.
func (s *Server) childFormShow(w http.ResponseWriter, r *http.Request, status int, f childFormDef, id string, form Form) error {
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	if !rec.CanWrite(f.Section) && !(f.Kind == "note" && rec.CanWrite(access.SecCareNotes)) {
		return apperr.New(apperr.Forbidden, "Vous ne pouvez pas modifier cette partie du dossier.")
	}
	p := childFormPage{Form: form, Kind: f.Kind, Title: f.Title, Action: "/enfants/" + id + "/" + f.Path, Record: &rec,
		Back: "/enfants/" + id, Multipart: f.Multipart}
	if f.Kind == "identity" && form.Values == nil {
		c := rec.Child
		p.Form.Values = url.Values{"first_name": {c.FirstName}, "last_name": {c.LastName}, "birth_date": {c.BirthDate},
			"sex": {c.Sex}, "living_kind": {c.LivingKind}, "living_structure": {c.LivingStructureID},
			"living_carer": {c.LivingCarerID}, "living_note": {c.LivingNote}, "school_kind": {c.SchoolKind}, "school_note": {c.SchoolNote}}
	}
	if p.Form.Values == nil {
		p.Form.Values = url.Values{}
	}
	if f.Kind == "identity" {
		return s.identityForm(w, r, status, p)
	}
	if f.Kind == "invite" || f.Kind == "notification" {
		if p.Structs, err = s.structureChoices(r, ""); err != nil {
			return err
		}
	}
	s.render(w, r, status, "child_form", f.Title, p)
	return nil
}

func (s *Server) childFormGet(f childFormDef) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.childFormShow(w, r, http.StatusOK, f, r.PathValue("id"), Form{Errors: map[string]string{}})
	}
}

func (s *Server) childFormPost(f childFormDef) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		var doc *pathway.Document
		if f.Multipart && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				if err := tooLarge(err); err != nil {
					if _, ok := apperr.As(err); ok {
						return err
					}
				}
				return apperr.New(apperr.Invalid, "Envoi illisible : recommencez, en choisissant à nouveau le document.")
			}
			if file, header, err := r.FormFile("document"); err == nil {
				defer file.Close()
				data, err := io.ReadAll(io.LimitReader(file, pathway.MaxDocument+1))
				if err != nil {
					return tooLarge(err)
				}
				doc = &pathway.Document{Name: header.Filename, Data: data}
			}
		} else if err := r.ParseForm(); err != nil {
			return err
		}
		form := Form{Values: r.PostForm, Errors: map[string]string{}}
		err := f.Save(s, r, id, r.PostForm, doc)
		if formError(&form, err) {
			return s.childFormShow(w, r, http.StatusUnprocessableEntity, f, id, form)
		}
		if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
			form.Message = e.Message
			return s.childFormShow(w, r, http.StatusConflict, f, id, form)
		}
		if err != nil {
			return err
		}
		s.flash(r, f.Done)
		http.Redirect(w, r, "/enfants/"+id, http.StatusSeeOther)
		return nil
	}
}

func (s *Server) childDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Pathway.MeasureDocument(r.Context(), r.PathValue("id"), r.PathValue("mid"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", d.Name, "application/pdf", d.Data)
}

// statusPage is the form of what became of a notification.
type statusPage struct {
	Form    Form
	Child   pathway.Child
	N       pathway.Notification
	Structs []orgChoice
}

// statusForm shows the form of notification nid of child id.
func (s *Server) statusForm(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	id, nid := r.PathValue("id"), r.PathValue("nid")
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	if !rec.CanWrite(access.SecNotifications) {
		return apperr.New(apperr.Forbidden, "Vous ne pouvez pas modifier les notifications de cet enfant.")
	}
	i := slices.IndexFunc(rec.Notifications, func(n pathway.Notification) bool { return n.ID == nid })
	if i < 0 {
		return apperr.New(apperr.NotFound, "Cette notification n'est pas dans le dossier.")
	}
	n := rec.Notifications[i]
	if form.Values == nil {
		// "Depuis le" starts empty (today): a new status is news.
		form.Values = url.Values{"status": {n.Status}, "waiting_at": {n.WaitingAt}, "admitted_structure": {n.AdmittedStructureID}}
	}
	p := statusPage{Form: form, Child: rec.Child, N: n}
	if p.Structs, err = s.structureChoices(r, rec.Child.Departement); err != nil {
		return err
	}
	s.render(w, r, status, "child_status", "Suite d'une notification MDPH", p)
	return nil
}

func (s *Server) childNotificationStatusForm(w http.ResponseWriter, r *http.Request) error {
	return s.statusForm(w, r, http.StatusOK, Form{})
}

func (s *Server) childNotificationStatus(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	form := formFrom(r)
	err := s.Pathway.SetNotificationStatus(r.Context(), id, r.PathValue("nid"), pathway.StatusInput{Status: r.PostForm.Get("status"),
		WaitingAt: r.PostForm.Get("waiting_at"), AdmittedStructureID: r.PostForm.Get("admitted_structure"),
		StatusOn: r.PostForm.Get("status_on")})
	if formError(&form, err) {
		return s.statusForm(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Suite de la notification enregistrée.")
	http.Redirect(w, r, "/enfants/"+id+"#notifications", http.StatusSeeOther)
	return nil
}

// invitationsPage lists the invitations a director answers.
type invitationsPage struct {
	Items []pathway.Invitation
	Form  Form
}

func (s *Server) childInvitations(w http.ResponseWriter, r *http.Request) error {
	invs, err := s.Pathway.Invitations(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "child_invitations", "Invitations dans le cercle d'un enfant", invitationsPage{Items: invs})
	return nil
}

func (s *Server) childAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, mid := r.PathValue("id"), r.PathValue("mid")
	accept := r.PostForm.Get("answer") == "accept"
	err := s.Pathway.Answer(r.Context(), id, mid, accept, r.PostForm["staff"])
	if e, ok := asInvalid(err); ok {
		invs, lerr := s.Pathway.Invitations(r.Context())
		if lerr != nil {
			return lerr
		}
		form := Form{Values: r.PostForm, Errors: map[string]string{mid: e.Fields["staff"]}, Message: e.Message}
		s.render(w, r, http.StatusUnprocessableEntity, "child_invitations", "Invitations dans le cercle d'un enfant",
			invitationsPage{Items: invs, Form: form})
		return nil
	}
	if err != nil {
		return err
	}
	if !accept {
		s.flash(r, "Invitation déclinée ; le référent en est informé.")
		http.Redirect(w, r, "/enfants/invitations", http.StatusSeeOther)
		return nil
	}
	s.flash(r, "Vous êtes dans le cercle de l'enfant ; les professionnels nommés voient son dossier.")
	http.Redirect(w, r, "/enfants/"+id, http.StatusSeeOther)
	return nil
}

// staffPage is the form where a director names who follows the child.
type staffPage struct {
	Form     Form
	ChildID  string
	MemberID string
	People   []pathway.Person
	Named    []string
}

func (s *Server) staffForm(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	id, mid := r.PathValue("id"), r.PathValue("mid")
	_, people, named, err := s.Pathway.StaffChoices(r.Context(), id, mid)
	if err != nil {
		return err
	}
	p := staffPage{Form: form, ChildID: id, MemberID: mid, People: people}
	if form.Values != nil {
		p.Named = form.Values["staff"]
	} else {
		for _, n := range named {
			p.Named = append(p.Named, n.ID)
		}
	}
	s.render(w, r, status, "child_staff", "Qui suit l'enfant", p)
	return nil
}

func (s *Server) childStaffForm(w http.ResponseWriter, r *http.Request) error {
	return s.staffForm(w, r, http.StatusOK, Form{})
}

func (s *Server) childStaffSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	form := formFrom(r)
	err := s.Pathway.SetStaff(r.Context(), id, r.PathValue("mid"), r.PostForm["staff"])
	if formError(&form, err) {
		return s.staffForm(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Enregistré : seules les personnes nommées et la direction voient le dossier.")
	http.Redirect(w, r, "/enfants/"+id+"#cercle", http.StatusSeeOther)
	return nil
}

func (s *Server) childLeave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Pathway.Leave(r.Context(), id, r.PathValue("mid")); err != nil {
		return err
	}
	s.flash(r, "La structure est sortie du cercle : ses professionnels n'ont plus accès au dossier.")
	if _, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1}); err != nil {
		http.Redirect(w, r, "/enfants", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/enfants/"+id+"#cercle", http.StatusSeeOther)
	return nil
}

func (s *Server) childWithdraw(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Pathway.WithdrawConsent(r.Context(), id, r.PathValue("cid")); err != nil {
		return err
	}
	s.flash(r, "Accord retiré. Ce qui reposait sur lui cesse dès maintenant ; le référent est informé.")
	http.Redirect(w, r, "/enfants/"+id+"#accords", http.StatusSeeOther)
	return nil
}

// childInviteParent gives a legal representative a parent account (or
// links the one they have) and sends the invitation.
func (s *Server) childInviteParent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	name, email, _, err := s.grantParentAccess(r.Context(), id, r.PathValue("rid"))
	if err != nil {
		return err
	}
	s.flash(r, name+" a reçu un accès parent : une invitation part à "+email+".")
	http.Redirect(w, r, "/enfants/"+id+"#famille", http.StatusSeeOther)
	return nil
}

// grantParentAccess creates (and invites) or finds the parent account of a
// legal representative, and links it to the record: pages and API share it.
func (s *Server) grantParentAccess(ctx context.Context, id, rid string) (name, email, accountID string, err error) {
	name, email, legal, err := s.Pathway.RelativeEmail(ctx, id, rid)
	if err != nil {
		return "", "", "", err
	}
	if !legal {
		return "", "", "", apperr.New(apperr.Conflict, "Seul un représentant légal reçoit un accès parent.")
	}
	if email == "" {
		return "", "", "", apperr.New(apperr.Conflict, "Ajoutez d'abord l'adresse e-mail de ce parent.")
	}
	rec, err := s.Pathway.Get(ctx, id, pathway.Options{Limit: 1})
	if err != nil {
		return "", "", "", err
	}
	// A parent may already have an account (another child, another
	// département): the referent cannot see it, so the lookup runs as the
	// system; LinkParent then accepts only an account that is a parent's.
	accountID, err = s.Auth.AccountIDByEmail(access.WithActor(ctx, access.SystemActor), email)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return "", "", "", err
	}
	if accountID == "" {
		acc, err := s.Auth.CreateAccount(ctx, auth.NewAccount{Email: email, Name: name, Invite: true,
			Memberships: []auth.MembershipInput{{OrganisationID: rec.Child.ASEID, Role: access.RoleParent}}})
		if err != nil {
			return "", "", "", err
		}
		accountID = acc.ID
	}
	if err := s.Pathway.LinkParent(ctx, id, rid, accountID); err != nil {
		return "", "", "", err
	}
	return name, email, accountID, nil
}

// accessLogPage is who read the record.
type accessLogPage struct {
	Child pathway.Child
	Rows  []pathway.Access
}

func (s *Server) childAccessLog(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	rows, err := s.Pathway.AccessLog(r.Context(), id, 500)
	if err != nil {
		return err
	}
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "child_access", "Accès au dossier", accessLogPage{Child: rec.Child, Rows: rows})
	return nil
}

// breakGlassPage is the break-glass form and the steering's report.
type breakGlassPage struct {
	Form     Form
	Report   []pathway.Opening
	IsReport bool
}

func (s *Server) breakGlassForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "child_break_glass", "Accès d'urgence à un dossier", breakGlassPage{Form: Form{Values: url.Values{}}})
	return nil
}

func (s *Server) breakGlass(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	v := r.PostForm
	id, err := s.Pathway.BreakGlass(r.Context(), pathway.BreakGlassInput{Pseudonym: v.Get("pseudonym"), FirstName: v.Get("first_name"),
		LastName: v.Get("last_name"), BirthDate: v.Get("birth_date"), Reason: v.Get("reason")})
	if !formError(&form, err) {
		if e, ok := apperr.As(err); ok && (e.Code == apperr.NotFound || e.Code == apperr.Conflict || e.Code == apperr.Forbidden) {
			form.Message = e.Message
		} else if err != nil {
			return err
		}
	}
	if form.Message != "" {
		s.render(w, r, http.StatusUnprocessableEntity, "child_break_glass", "Accès d'urgence à un dossier", breakGlassPage{Form: form})
		return nil
	}
	s.flash(r, "Accès d'urgence ouvert pour quelques heures. Le référent de l'enfant est prévenu ; votre motif est enregistré.")
	http.Redirect(w, r, "/enfants/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) breakGlassReport(w http.ResponseWriter, r *http.Request) error {
	dep := actorDepartement(r)
	rows, err := s.Pathway.BreakGlassReport(r.Context(), dep, time.Now().AddDate(0, -3, 0))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "child_break_glass", "Accès d'urgence du territoire", breakGlassPage{Report: rows, IsReport: true})
	return nil
}

// liaisonPage is the form of a liaison note, or one note.
type liaisonPage struct {
	Form       Form
	Child      pathway.Child
	Recipients []pathway.Member
	L          pathway.Liaison
}

func (s *Server) liaisonFormShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	id := r.PathValue("id")
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	to, err := s.Pathway.LiaisonRecipients(r.Context(), id)
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	s.render(w, r, status, "child_liaison_form", "Fiche de liaison", liaisonPage{Form: form, Child: rec.Child, Recipients: to})
	return nil
}

func (s *Server) liaisonForm(w http.ResponseWriter, r *http.Request) error {
	return s.liaisonFormShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) liaisonSend(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	posted, err := postedFiles(r, "attachments")
	if err != nil {
		return err
	}
	files := make([]pathway.Document, len(posted))
	for i, f := range posted {
		files[i] = pathway.Document(f)
	}
	v := r.PostForm
	form := Form{Values: v, Errors: map[string]string{}}
	lid, err := s.Pathway.SendLiaison(r.Context(), id, pathway.LiaisonInput{Context: v.Get("context"), Happened: v.Get("happened"),
		Watch: v.Get("watch"), Asked: v.Get("asked"), Recipients: v["recipients"], Attachments: files})
	if formError(&form, err) {
		return s.liaisonFormShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Fiche envoyée : chaque destinataire est prévenu et doit en accuser réception.")
	http.Redirect(w, r, "/enfants/"+id+"/liaisons/"+lid, http.StatusSeeOther)
	return nil
}

func (s *Server) liaisonView(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	l, err := s.Pathway.Liaison(r.Context(), id, r.PathValue("lid"))
	if err != nil {
		return err
	}
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "child_liaison", "Fiche de liaison", liaisonPage{Child: rec.Child, L: l})
	return nil
}

func (s *Server) liaisonAcknowledge(w http.ResponseWriter, r *http.Request) error {
	id, lid := r.PathValue("id"), r.PathValue("lid")
	if err := s.Pathway.Acknowledge(r.Context(), id, lid); err != nil {
		return err
	}
	s.flash(r, "Réception notée : l'expéditeur le voit.")
	http.Redirect(w, r, "/enfants/"+id+"/liaisons/"+lid, http.StatusSeeOther)
	return nil
}

func (s *Server) liaisonAttachment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Pathway.LiaisonAttachment(r.Context(), r.PathValue("id"), r.PathValue("lid"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", d.Name, d.Type, d.Data)
}

// planningPage is a week of the child's planning.
type planningPage struct {
	P          pathway.Planning
	Prev, Next string
	CanWrite   bool
	Form       Form
	Child      pathway.Child
	Feeds      []pathway.Feed
	// NewFeed is the address of a link just made, shown once.
	NewFeed string
	// Respite: the booked respite stays the actor may put on the planning.
	Respite []pathway.RespiteBooking
}

func (s *Server) planningWeek(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	week := r.URL.Query().Get("semaine")
	p, err := s.Pathway.Week(r.Context(), id, week)
	if err != nil {
		return err
	}
	return s.planningRender(w, r, p, "")
}

func (s *Server) planningRender(w http.ResponseWriter, r *http.Request, p pathway.Planning, newFeed string) error {
	feeds, err := s.Pathway.Feeds(r.Context(), p.Child.ID)
	if err != nil {
		return err
	}
	monday, _ := time.Parse(time.DateOnly, p.WeekStart)
	s.render(w, r, http.StatusOK, "child_planning", "Planning de "+p.Child.FirstName, planningPage{P: p,
		Prev: monday.AddDate(0, 0, -7).Format(time.DateOnly), Next: monday.AddDate(0, 0, 7).Format(time.DateOnly),
		CanWrite: len(p.Own) > 0, Child: p.Child, Feeds: feeds, NewFeed: newFeed})
	return nil
}

// feedCreate makes a secret calendar link and shows it once.
func (s *Server) feedCreate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	token, err := s.Pathway.CreateFeed(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := s.Pathway.Week(r.Context(), id, "")
	if err != nil {
		return err
	}
	return s.planningRender(w, r, p, strings.TrimSuffix(s.Config.BaseURL.String(), "/")+"/agenda/"+token+".ics")
}

func (s *Server) feedRevoke(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Pathway.RevokeFeed(r.Context(), id, r.PathValue("fid")); err != nil {
		return err
	}
	s.flash(r, "Lien révoqué : l'agenda qui l'utilisait ne reçoit plus rien.")
	http.Redirect(w, r, "/enfants/"+id+"/planning#agenda", http.StatusSeeOther)
	return nil
}

// feed serves a secret calendar link: no session, the link's owner's
// rights, which it loses with them (a structure leaving the circle).
func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	sys := access.WithActor(r.Context(), access.SystemActor)
	accountID, childID, err := s.Pathway.FeedOwner(sys, token)
	if err != nil {
		return err
	}
	owner, err := s.Auth.LoadActor(sys, accountID)
	if err != nil || !owner.Authenticated() {
		return apperr.New(apperr.NotFound, "Ce lien d'agenda n'existe pas ou a été révoqué.")
	}
	name, events, err := s.Pathway.FeedEvents(access.WithActor(r.Context(), owner), childID, token)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", export.ContentTypeICal)
	w.Header().Set("Cache-Control", "no-store")
	return export.WriteICal(w, name, time.Now(), events)
}

func (s *Server) planningFormShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	id := r.PathValue("id")
	rec, err := s.Pathway.Get(r.Context(), id, pathway.Options{Limit: 1})
	if err != nil {
		return err
	}
	if !rec.CanWrite(access.SecPlanning) {
		return apperr.New(apperr.Forbidden, "Vous ne pouvez pas écrire au planning de cet enfant.")
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	stays, err := s.Pathway.RespiteStays(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, status, "child_planning_form", "Ajouter un temps au planning", planningPage{Form: form, Child: rec.Child,
		Respite: stays})
	return nil
}

func (s *Server) planningForm(w http.ResponseWriter, r *http.Request) error {
	return s.planningFormShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) planningAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	v := r.PostForm
	form := formFrom(r)
	var days []int
	for _, d := range v["weekdays"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = 0 // refused with its field below
		}
		days = append(days, n)
	}
	_, err := s.Pathway.AddSlot(r.Context(), id, pathway.SlotInput{Kind: v.Get("kind"), Label: v.Get("label"), Start: v.Get("start"),
		End: v.Get("end"), From: v.Get("from"), To: v.Get("to"), Weekdays: days, SkipHolidays: v.Get("skip_holidays") == "1"})
	if formError(&form, err) {
		return s.planningFormShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Ajouté au planning.")
	week := v.Get("from")
	if week == "" {
		week = time.Now().Format(time.DateOnly)
	}
	http.Redirect(w, r, "/enfants/"+id+"/planning?semaine="+url.QueryEscape(week), http.StatusSeeOther)
	return nil
}

func (s *Server) planningDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Pathway.DeleteSlot(r.Context(), id, r.PathValue("sid")); err != nil {
		return err
	}
	s.flash(r, "Retiré du planning.")
	http.Redirect(w, r, "/enfants/"+id+"/planning", http.StatusSeeOther)
	return nil
}

func (s *Server) planningSkip(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id, day := r.PathValue("id"), r.PostForm.Get("day")
	err := s.Pathway.SkipDay(r.Context(), id, r.PathValue("sid"), day)
	if e, ok := asInvalid(err); ok {
		s.flash(r, "Rien n'a été enregistré : "+e.Fields["day"])
	} else if err != nil {
		return err
	} else {
		s.flash(r, "Ce jour-là est retiré du planning.")
	}
	http.Redirect(w, r, "/enfants/"+id+"/planning?semaine="+url.QueryEscape(day), http.StatusSeeOther)
	return nil
}

// holidaysPage lists a département's school holidays.
type holidaysPage struct {
	Departement string
	Items       []pathway.SchoolHoliday
	CanEdit     bool
	Form        Form
}

// holidayDepartement is the département asked for, else the actor's.
func holidayDepartement(r *http.Request) string {
	if d := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("departement"))); d != "" {
		if _, ok := geo.DepartementByCode(d); ok {
			return d
		}
	}
	return actorDepartement(r)
}

func (s *Server) holidaysShow(w http.ResponseWriter, r *http.Request, status int, dep string, form Form) error {
	items, err := s.Pathway.Holidays(r.Context(), dep)
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	p := holidaysPage{Departement: dep, Items: items, Form: form,
		CanEdit: access.Can(access.ActorFrom(r.Context()), access.ActionUpdate, access.Resource{Type: access.ResSchoolHolidays, Departement: dep})}
	s.render(w, r, status, "holidays", "Vacances scolaires", p)
	return nil
}

func (s *Server) holidays(w http.ResponseWriter, r *http.Request) error {
	return s.holidaysShow(w, r, http.StatusOK, holidayDepartement(r), Form{Errors: map[string]string{}})
}

func (s *Server) holidayAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	dep := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("departement")))
	form := formFrom(r)
	err := s.Pathway.AddHoliday(r.Context(), dep, pathway.Holiday{Name: r.PostForm.Get("name"), From: r.PostForm.Get("from"), To: r.PostForm.Get("to")})
	if formError(&form, err) {
		return s.holidaysShow(w, r, http.StatusUnprocessableEntity, dep, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Vacances enregistrées : les plannings du département en tiennent compte.")
	http.Redirect(w, r, "/vacances-scolaires?departement="+url.QueryEscape(dep), http.StatusSeeOther)
	return nil
}

func (s *Server) holidayDelete(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	dep := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("departement")))
	if err := s.Pathway.DeleteHoliday(r.Context(), dep, r.PathValue("hid")); err != nil {
		return err
	}
	s.flash(r, "Vacances retirées.")
	http.Redirect(w, r, "/vacances-scolaires?departement="+url.QueryEscape(dep), http.StatusSeeOther)
	return nil
}

// withoutSolutionPage is the referent's list, or the steering's counts.
type withoutSolutionPage struct {
	Items       []pathway.Waiting
	Counts      []pathway.WaitingCount
	Departement string
	Steering    bool
}

func (s *Server) withoutSolution(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Pathway.WithoutSolutionList(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "without_solution", "Enfants sans solution", withoutSolutionPage{Items: items})
	return nil
}

func (s *Server) withoutSolutionCounts(w http.ResponseWriter, r *http.Request) error {
	dep := holidayDepartement(r)
	counts, err := s.Pathway.WithoutSolutionCounts(r.Context(), dep)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "without_solution", "Enfants sans solution", withoutSolutionPage{Counts: counts, Departement: dep, Steering: true})
	return nil
}
