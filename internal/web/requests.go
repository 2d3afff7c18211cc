package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/pathway"
	"passerelle/internal/request"
)

// requestChildren reads a child's facts for a request from the record.
type requestChildren struct{ p *pathway.Service }

func (c requestChildren) ForRequest(ctx context.Context, id string) (request.ChildFacts, error) {
	f, err := c.p.ForRequest(ctx, id)
	return request.ChildFacts{Name: f.Name, Sex: f.Sex, Departement: f.Departement, Age: f.AgeYears(db.Now(c.p.DB.Clock)),
		DoubleVulnerability: f.DoubleVulnerability, Basis: f.Basis}, err
}

func (s *Server) requestRoutes() {
	m := s.mux
	m.HandleFunc("GET /demandes", s.page(s.requestBoxes))
	m.HandleFunc("GET /demandes/nouvelle", s.page(s.requestForm))
	m.HandleFunc("POST /demandes/nouvelle", s.page(s.requestCreate))
	m.HandleFunc("GET /demandes/delais", s.page(s.requestTimes))
	m.HandleFunc("POST /demandes/lot", s.page(s.requestBulk))
	m.HandleFunc("GET /demandes/{id}", s.page(s.requestView))
	m.HandleFunc("GET /demandes/{id}/pieces/{aid}", s.page(s.requestAttachment))
	m.HandleFunc("POST /demandes/{id}/envoi", s.page(s.requestSend))
	m.HandleFunc("POST /demandes/{id}/reponse", s.page(s.requestAnswer))
	m.HandleFunc("POST /demandes/{id}/precisions", s.page(s.requestInfo))
	m.HandleFunc("POST /demandes/{id}/confirmation", s.page(s.requestConfirm))
	m.HandleFunc("POST /demandes/{id}/retrait", s.page(s.requestWithdraw))
}

// requestsFuncs are the template functions of the requests' pages.
func requestsFuncs() template.FuncMap {
	return template.FuncMap{
		"requestKind":  kindLabelOf,
		"statusLabel":  func(st request.Status) string { return request.StatusLabels[st] },
		"reasonLabel":  func(c string) string { return request.Label(request.RefusalReasons, c) },
		"stepLabel":    func(st request.Step) string { return request.StepLabels[st] },
		"requestKinds": func() []request.KindInfo { return request.Kinds },
		"refusals":     func() []request.Code { return request.RefusalReasons },
		"awaiting":     func(st request.Status) bool { return st.Awaiting() },
		"late":         func(x request.Recipient, now time.Time) bool { return x.Late(now) },
		"eventLabel":   eventLabel,
		"hours":        func(d time.Duration) string { return durationLabel(d) },
		"sexLabel":     func(c string) string { return pathway.Label(pathway.Sexes, c) },
		"weekdaysOf":   weekdaysLabel,
		"isoWeekdays": func() []request.Code {
			out := make([]request.Code, len(isoDays))
			for i, d := range isoDays {
				out[i] = request.Code{Code: strconv.Itoa(i + 1), Label: d}
			}
			return out
		},
	}
}

// eventLabel says a step of a request's history in French.
func eventLabel(e string) string {
	switch e {
	case "created":
		return "Demande rédigée"
	case "sent":
		return "Demande envoyée"
	case string(request.EvOpen):
		return "Lue"
	case string(request.EvAccept):
		return "Acceptée"
	case string(request.EvRefuse):
		return "Refusée"
	case string(request.EvAskInfo):
		return "Précisions demandées"
	case string(request.EvGiveInfo):
		return "Précisions données"
	case string(request.EvConfirm):
		return "Confirmée"
	case string(request.EvClose):
		return "Close : une autre structure est retenue"
	case string(request.EvWithdraw):
		return "Retirée"
	case string(request.EvExpire):
		return "Expirée"
	case "record":
		return "Dossier de l'enfant"
	case "step_1":
		return "Relance"
	case "step_2":
		return "Transmise à la direction"
	case "step_3":
		return "Signalée au pilotage"
	}
	return e
}

// durationLabel says a response time: "3 h", "2 j 4 h", "—".
func durationLabel(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	h := int(d.Round(time.Hour).Hours())
	switch {
	case h < 1:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case h < 48:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d j %d h", h/24, h%24)
}

var isoDays = [...]string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}

// weekdaysLabel says a mask of days (Monday 1 … Sunday 64).
func weekdaysLabel(mask int) string {
	var out []string
	for i, d := range isoDays {
		if mask&(1<<i) != 0 {
			out = append(out, d)
		}
	}
	return strings.Join(out, ", ")
}

// requestBoxesPage is the inbox and the outbox.
type requestBoxesPage struct {
	Box     string // recues, envoyees
	Items   []request.Item
	CanSend bool
	Answers bool // the actor answers for a structure
	Open    bool
	Structs []string
	// Filters: a kind, late ones only.
	Kind string
	Late bool
	// Bulk: the director's refusal of several requests at once.
	Bulk     bool
	BulkForm Form
}

// filterItems keeps the items of kind (all when "") and, when late, those
// past their deadline.
func filterItems(items []request.Item, kind string, late bool) []request.Item {
	out := items[:0]
	for _, it := range items {
		if (kind == "" || string(it.Kind) == kind) && (!late || it.Late) {
			out = append(out, it)
		}
	}
	return out
}

func answersForStructure(a access.Actor) bool {
	return a.Has(access.RoleDirector) || a.Has(access.RoleMobileTeam) || a.Has(access.RoleFosterCarer) || a.Has(access.RoleEducator)
}

func canSendRequests(a access.Actor) bool {
	return a.Has(access.RoleASEReferent) || a.Has(access.RoleDirector) || a.Has(access.RoleFosterCarer)
}

func (s *Server) requestBoxes(w http.ResponseWriter, r *http.Request) error {
	return s.requestBoxesShow(w, r, http.StatusOK, Form{})
}

func (s *Server) requestBoxesShow(w http.ResponseWriter, r *http.Request, status int, bulk Form) error {
	a := access.ActorFrom(r.Context())
	q := r.URL.Query()
	p := requestBoxesPage{Box: q.Get("boite"), CanSend: canSendRequests(a), Answers: answersForStructure(a),
		Open: q.Get("toutes") == "", Kind: q.Get("nature"), Late: q.Get("retard") != "", BulkForm: bulk,
		Bulk: a.Has(access.RoleDirector)}
	if p.BulkForm.Values == nil {
		p.BulkForm.Values = url.Values{}
	}
	if p.Box != "recues" && p.Box != "envoyees" {
		p.Box = "envoyees"
		if p.Answers && !a.Has(access.RoleASEReferent) {
			p.Box = "recues"
		}
	}
	var err error
	if p.Box == "recues" {
		p.Items, err = s.Requests.Inbox(r.Context(), p.Open)
	} else {
		p.Items, err = s.Requests.Outbox(r.Context())
	}
	if err != nil {
		return err
	}
	p.Items = filterItems(p.Items, p.Kind, p.Late)
	for _, m := range a.Memberships {
		if m.Role == access.RoleDirector && !slices.Contains(p.Structs, m.OrganisationID) {
			p.Structs = append(p.Structs, m.OrganisationID)
		}
	}
	s.render(w, r, status, "requests", "Demandes", p)
	return nil
}

// requestBulk refuses several received requests at once, with one coded
// reason: a director with no place answers the day's requests in one go.
// Each is answered on its own; what could not be is said.
func (s *Server) requestBulk(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	picked := v["pick"]
	// The answer is checked once, by the rule each refusal follows, so
	// that a missing reason or text comes back on the form with the ticks.
	answer, err := request.NormalizeAnswer(request.Answer{Event: request.EvRefuse, Reason: v.Get("reason"), Text: v.Get("text")})
	var fields apperr.Validation
	fields.Check(len(picked) > 0, "pick", "Cochez les demandes à refuser.")
	if e, bad := apperr.As(err); bad {
		for f, m := range e.Fields {
			fields.Add(f, m)
		}
	} else if err != nil {
		return err
	}
	if err := fields.ErrSaying("Rien n'a été refusé : corrigez les champs signalés."); err != nil {
		formError(&form, err)
		form.Message = apperrMessage(err)
		return s.requestBoxesShow(w, r, http.StatusUnprocessableEntity, form)
	}
	done, failed := 0, []string{}
	for _, p := range picked {
		id, structure, _ := strings.Cut(p, ":")
		if err := s.Requests.Respond(r.Context(), id, structure, answer); err != nil {
			failed = append(failed, apperrMessage(err))
			continue
		}
		done++
	}
	msg := fmt.Sprintf("%d demande(s) refusée(s) : les structures qui les ont faites sont prévenues.", done)
	if len(failed) > 0 {
		msg += fmt.Sprintf(" %d n'ont pas pu l'être : %s", len(failed), failed[0])
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/demandes?boite=recues", http.StatusSeeOther)
	return nil
}

// requestFormPage is the form of a new request.
type requestFormPage struct {
	Form     Form
	Children []pathway.Item
	Structs  []orgChoice
}

func (s *Server) requestFormShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	a := access.ActorFrom(r.Context())
	if !canSendRequests(a) {
		return apperr.New(apperr.Forbidden, "Les demandes sont faites par les référents ASE, les directions et les assistants familiaux.")
	}
	kids, err := s.Pathway.List(r.Context(), pathway.Filter{Limit: 200})
	if err != nil {
		return err
	}
	dep := ""
	for _, m := range a.Memberships {
		if m.Departement != "" {
			dep = m.Departement
			break
		}
	}
	structs, err := s.structureChoices(r, dep)
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{"kind": {"respite"}, "child": {r.URL.Query().Get("enfant")}}
		for _, st := range r.URL.Query()["structure"] {
			form.Values.Add("recipients", st)
		}
	}
	s.render(w, r, status, "request_form", "Nouvelle demande", requestFormPage{Form: form, Children: kids.Items, Structs: structs})
	return nil
}

func (s *Server) requestForm(w http.ResponseWriter, r *http.Request) error {
	return s.requestFormShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) requestCreate(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "attachments")
	if err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	var days []int
	for _, d := range v["weekdays"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = 0 // refused with its field
		}
		days = append(days, n)
	}
	in := request.Input{Kind: request.Kind(v.Get("kind")), ChildID: v.Get("child"), From: v.Get("from"), To: v.Get("to"),
		Weekdays: days, Need: v.Get("need"), Tried: v.Get("tried"), Recipients: v["recipients"],
		Criteria:    request.Criteria{LossOfChance: v.Get("loss_of_chance") == "1", Crisis: v.Get("crisis") == "1", Emergency: v.Get("emergency") == "1"},
		Attachments: files}
	send := v.Get("action") != "draft"
	id, err := s.Requests.Create(r.Context(), in, send)
	if formError(&form, err) {
		return s.requestFormShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	if send {
		s.flash(r, "Demande envoyée : chaque structure est prévenue et a une échéance pour répondre.")
	} else {
		s.flash(r, "Brouillon enregistré : il n'est pas encore envoyé.")
	}
	http.Redirect(w, r, "/demandes/"+id, http.StatusSeeOther)
	return nil
}

// requestPage is one request, with the answer forms.
type requestPage struct {
	R    *request.Request
	Form Form
	Now  time.Time
}

func (s *Server) requestShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	rq, err := s.Requests.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	s.render(w, r, status, "request", kindLabelOf(rq.Kind), requestPage{R: rq, Form: form, Now: db.Now(s.DB.Clock)})
	return nil
}

func kindLabelOf(k request.Kind) string { i, _ := request.KindOf(k); return i.Label }

func (s *Server) requestView(w http.ResponseWriter, r *http.Request) error {
	return s.requestShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

// requestStep runs a step posted from a request's page: a field error or
// a conflict comes back on the page with what was typed; success goes
// back to the page with done as the message.
func (s *Server) requestStep(w http.ResponseWriter, r *http.Request, done string, step func(url.Values) error) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	err := step(r.PostForm)
	if formError(&form, err) {
		return s.requestShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.requestShow(w, r, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, done)
	http.Redirect(w, r, "/demandes/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) requestSend(w http.ResponseWriter, r *http.Request) error {
	return s.requestStep(w, r, "Demande envoyée.", func(url.Values) error { return s.Requests.Send(r.Context(), r.PathValue("id")) })
}

func (s *Server) requestAnswer(w http.ResponseWriter, r *http.Request) error {
	return s.requestStep(w, r, "Réponse envoyée : la structure qui demande est prévenue.", func(v url.Values) error {
		return s.Requests.Respond(r.Context(), r.PathValue("id"), v.Get("structure"), request.Answer{Event: request.Event(v.Get("event")),
			Reason: v.Get("reason"), Text: v.Get("text")})
	})
}

func (s *Server) requestInfo(w http.ResponseWriter, r *http.Request) error {
	return s.requestStep(w, r, "Précisions envoyées.", func(v url.Values) error {
		return s.Requests.GiveInfo(r.Context(), r.PathValue("id"), v.Get("structure"), strings.TrimSpace(v.Get("text")))
	})
}

func (s *Server) requestConfirm(w http.ResponseWriter, r *http.Request) error {
	return s.requestStep(w, r, "Demande confirmée : les autres structures sont prévenues qu'elle est close.", func(v url.Values) error {
		return s.Requests.Confirm(r.Context(), r.PathValue("id"), v.Get("structure"))
	})
}

func (s *Server) requestWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.requestStep(w, r, "Demande retirée : les structures sont prévenues.", func(v url.Values) error {
		return s.Requests.Withdraw(r.Context(), r.PathValue("id"), strings.TrimSpace(v.Get("reason")))
	})
}

// timesPage shows response times.
type timesPage struct {
	Title string
	Times []request.Times
	Since time.Time
	Scope request.Scope
}

func (s *Server) requestTimes(w http.ResponseWriter, r *http.Request) error {
	a := access.ActorFrom(r.Context())
	q := r.URL.Query()
	sc := request.Scope{StructureID: q.Get("structure"), Departement: q.Get("departement")}
	if sc.StructureID == "" && sc.Departement == "" {
		if orgs := a.OrgsWhere(access.RoleDirector); len(orgs) > 0 {
			sc.StructureID = orgs[0]
		} else {
			for _, m := range a.Memberships {
				if m.Role == access.RoleSteering {
					sc.Departement = m.Departement
				}
			}
		}
	}
	since := requestTimesSince(db.Now(s.DB.Clock))
	times, err := s.Requests.ResponseTimes(r.Context(), sc, since.UTC())
	if err != nil {
		return err
	}
	title := "Délais de réponse du territoire " + sc.Departement
	if sc.StructureID != "" {
		o, err := s.Orgs.Get(r.Context(), sc.StructureID)
		if err != nil {
			return err
		}
		title = "Délais de réponse — " + o.Name
	}
	s.render(w, r, http.StatusOK, "request_times", title, timesPage{Title: title, Times: times, Since: since, Scope: sc})
	return nil
}

func (s *Server) requestAttachment(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Requests.Attachment(r.Context(), r.PathValue("id"), r.PathValue("aid"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
