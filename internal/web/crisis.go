package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/pathway"
)

// Crisis mode's pages. /crise is the entry (the current crisis of the
// account's département, else the past ones and, for the steering, the
// activation form); a given crisis lives under /crises/{id}, apart from
// the /crise/… pages of plans, broadcasts and the on-call rota.

// crisisRoutes registers the crisis pages: activation, the crisis page,
// the cell, status reports and the end report.
func (s *Server) crisisRoutes() {
	m := s.mux
	m.HandleFunc("GET /crise", s.page(s.crisisHome))
	m.HandleFunc("POST /crises", s.page(s.crisisActivate))
	m.HandleFunc("GET /crises/{id}", s.page(s.crisisView))
	m.HandleFunc("POST /crises/{id}/cellule", s.page(s.crisisMemberAdd))
	m.HandleFunc("POST /crises/{id}/cellule/{mid}/retrait", s.page(s.crisisMemberRemove))
	m.HandleFunc("POST /crises/{id}/journal", s.page(s.crisisEntryAdd))
	m.HandleFunc("POST /crises/{id}/rythme", s.page(s.crisisCadence))
	m.HandleFunc("GET /crises/{id}/etat", s.page(s.crisisStatusForm))
	m.HandleFunc("POST /crises/{id}/etat", s.page(s.crisisStatusFile))
	m.HandleFunc("POST /crises/{id}/fin", s.page(s.crisisEnd))
	m.HandleFunc("GET /crises/{id}/rapport.pdf", s.page(s.crisisReportPDF))
}

func crisisFuncs() template.FuncMap {
	return template.FuncMap{
		"crisisKind":   func(k crisis.Kind) string { return crisis.Label(crisis.Kinds, string(k)) },
		"crisisKinds":  func() []crisis.Code { return crisis.Kinds },
		"crisisState":  func(st crisis.State) string { return crisis.Label(crisis.States, string(st)) },
		"crisisStates": func() []crisis.Code { return crisis.States },
		"crisisSince":  func(t, now time.Time) string { return durationLabel(now.Sub(t)) },
		// crisisKindField gives a select of the record's forms the kinds of crisis.
		"crisisKindField": func(f pfield) pfield {
			for _, k := range crisis.Kinds {
				f.Codes = append(f.Codes, pathway.Code{Code: k.Code, Label: k.Label})
			}
			return f
		},
	}
}

// crisisBanner is the line every page of an account of a territory in
// crisis shows.
type crisisBanner struct {
	ID, Departement string
	Kind            crisis.Kind
	StartedAt       time.Time
}

// crisisBanners returns the active crises of the actor's départements:
// one statement on the few active crises, filtered here.
func (s *Server) crisisBanners(ctx context.Context, a access.Actor) []crisisBanner {
	deps := access.CrisisDepartements(a)
	if len(deps) == 0 || s.Crisis == nil {
		return nil
	}
	active, err := s.Crisis.Active(ctx)
	if err != nil {
		s.Logger.Warn("crisis banner", "error", err.Error())
		return nil
	}
	var out []crisisBanner
	for _, c := range active {
		if slices.Contains(deps, c.Departement) {
			out = append(out, crisisBanner{ID: c.ID, Departement: c.Departement, Kind: c.Kind, StartedAt: c.StartedAt})
		}
	}
	return out
}

// crisisHomePage is /crise without a current crisis: a choice of
// département, or the past crises and the activation form.
type crisisHomePage struct {
	Departements []string // to choose from, when the account has several
	Departement  string
	Past         []crisis.Crisis
	CanActivate  bool
	Form         Form
	Now          time.Time
}

func (s *Server) crisisHome(w http.ResponseWriter, r *http.Request) error {
	return s.crisisHomeShow(w, r, http.StatusOK, Form{})
}

func (s *Server) crisisHomeShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	a := access.ActorFrom(r.Context())
	deps := access.CrisisDepartements(a)
	dep := r.URL.Query().Get("departement")
	if form.Values != nil {
		dep = form.Values.Get("departement")
	}
	if dep == "" && len(deps) == 1 {
		dep = deps[0]
	}
	p := crisisHomePage{Departements: deps, Departement: dep, Form: form, Now: db.Now(s.DB.Clock)}
	if dep == "" || !slices.Contains(deps, dep) {
		p.Departement = ""
		s.render(w, r, status, "crisis_home", "Crise", p)
		return nil
	}
	if form.Values == nil {
		if c, ok, err := s.Crisis.Current(r.Context(), dep); err != nil {
			return err
		} else if ok {
			return s.crisisShow(w, r, http.StatusOK, c.ID, Form{}, "")
		}
	}
	all, err := s.Crisis.List(r.Context())
	if err != nil {
		return err
	}
	for _, c := range all {
		if c.Departement == dep {
			p.Past = append(p.Past, c)
		}
	}
	p.CanActivate = access.Can(a, access.ActionCreate, access.Resource{Type: access.ResCrisis, Departement: dep})
	if p.Form.Values == nil {
		p.Form = Form{Values: url.Values{"departement": {dep}, "kind": {""},
			"start": {p.Now.In(paris).Format("2006-01-02T15:04")}}, Errors: map[string]string{}}
	}
	s.render(w, r, status, "crisis_home", "Crise — département "+dep, p)
	return nil
}

func (s *Server) crisisActivate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	c, err := s.Crisis.Activate(r.Context(), crisis.Activation{Departement: v.Get("departement"), Kind: crisis.Kind(v.Get("kind")),
		Start: v.Get("start"), Description: v.Get("description")})
	if formError(&form, err) {
		return s.crisisHomeShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.crisisHomeShow(w, r, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Crise activée : chaque compte du territoire voit désormais le bandeau de crise.")
	http.Redirect(w, r, "/crises/"+c.ID, http.StatusSeeOther)
	return nil
}

// crisisPage is a crisis with what the reader may see and do.
type crisisPage struct {
	C       crisis.Crisis
	Members []crisis.Member
	Log     []crisis.Entry
	Board   *crisis.Board
	Mine    []crisis.Reporting
	Side    crisisSide
	LateOf  bool // the board shows the late ones only
	Now     time.Time
	Form    Form
	// FormName names the form Form belongs to, shown again after an error.
	FormName string
	Can      struct {
		Cell, Note, Decision, Cadence, End, Report bool
	}
}

func (s *Server) crisisView(w http.ResponseWriter, r *http.Request) error {
	return s.crisisShow(w, r, http.StatusOK, r.PathValue("id"), Form{}, "")
}

func (s *Server) crisisShow(w http.ResponseWriter, r *http.Request, status int, id string, form Form, formName string) error {
	ctx := r.Context()
	c, err := s.Crisis.Get(ctx, id)
	if err != nil {
		return err
	}
	p := crisisPage{C: c, Now: db.Now(s.DB.Clock), Form: form, FormName: formName, LateOf: r.URL.Query().Get("retard") != ""}
	if p.Form.Values == nil {
		p.Form = Form{Values: url.Values{"report_every_hours": {strconv.Itoa(c.ReportEvery)}}, Errors: map[string]string{}}
	}
	p.Can.Cell = c.Can(ctx, access.ActionUpdate, access.ResCrisisCell) && c.Active()
	p.Can.Note = c.Can(ctx, access.ActionCreate, access.ResCrisisNote) && c.Active()
	p.Can.Decision = c.Can(ctx, access.ActionCreate, access.ResCrisisDecision) && c.Active()
	p.Can.Cadence = c.Can(ctx, access.ActionUpdate, access.ResCrisis) && c.Active()
	p.Can.End = c.Can(ctx, access.ActionEnd, access.ResCrisis) && c.Active()
	p.Can.Report = c.Can(ctx, access.ActionExport, access.ResCrisis)
	if p.Members, err = s.Crisis.Members(ctx, id); err != nil {
		return err
	}
	if p.Log, err = s.Crisis.Log(ctx, id); err != nil {
		return err
	}
	if c.Can(ctx, access.ActionList, access.ResCrisisStatus) {
		b, err := s.Crisis.Board(ctx, id, p.LateOf)
		if err != nil {
			return err
		}
		p.Board = &b
	}
	if c.Active() {
		if p.Mine, err = s.Crisis.MyStructures(ctx, id); err != nil {
			return err
		}
		if p.Side, err = s.crisisSideFor(ctx, c.Departement, c.ID); err != nil {
			return err
		}
	}
	title := "Crise en cours — " + crisis.Label(crisis.Kinds, string(c.Kind))
	if !c.Active() {
		title = "Crise terminée — " + crisis.Label(crisis.Kinds, string(c.Kind))
	}
	s.render(w, r, status, "crisis", title, p)
	return nil
}

// crisisStep runs a form posted from a crisis's page: a field error or a
// conflict comes back on the page with what was typed; success goes back
// to the page (at anchor) with done as the message.
func (s *Server) crisisStep(w http.ResponseWriter, r *http.Request, formName, done, anchor string, step func(url.Values) error) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	form := formFrom(r)
	err := step(r.PostForm)
	if formError(&form, err) {
		return s.crisisShow(w, r, http.StatusUnprocessableEntity, id, form, formName)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.crisisShow(w, r, http.StatusConflict, id, form, formName)
	}
	if err != nil {
		return err
	}
	s.flash(r, done)
	http.Redirect(w, r, "/crises/"+id+anchor, http.StatusSeeOther)
	return nil
}

func (s *Server) crisisMemberAdd(w http.ResponseWriter, r *http.Request) error {
	return s.crisisStep(w, r, "cell", "Membre ajouté à la cellule de crise.", "#cellule", func(v url.Values) error {
		_, err := s.Crisis.AddMember(r.Context(), r.PathValue("id"), crisis.MemberInput{Email: v.Get("email"), Name: v.Get("name"),
			Organisation: v.Get("organisation"), Function: v.Get("function"), Phone: v.Get("phone")})
		return err
	})
}

func (s *Server) crisisMemberRemove(w http.ResponseWriter, r *http.Request) error {
	return s.crisisStep(w, r, "cell", "Membre retiré de la cellule de crise.", "#cellule", func(url.Values) error {
		return s.Crisis.RemoveMember(r.Context(), r.PathValue("id"), r.PathValue("mid"))
	})
}

func (s *Server) crisisEntryAdd(w http.ResponseWriter, r *http.Request) error {
	done := "Ajouté au journal de la cellule."
	return s.crisisStep(w, r, "log", done, "#journal", func(v url.Values) error {
		_, err := s.Crisis.AddEntry(r.Context(), r.PathValue("id"), crisis.EntryInput{Kind: v.Get("kind"), At: v.Get("at"), Body: v.Get("body")})
		return err
	})
}

func (s *Server) crisisCadence(w http.ResponseWriter, r *http.Request) error {
	return s.crisisStep(w, r, "cadence", "Rythme des points de situation enregistré.", "#etats", func(v url.Values) error {
		h, err := strconv.Atoi(strings.TrimSpace(v.Get("report_every_hours")))
		if err != nil {
			h = 0 // refused with its field
		}
		return s.Crisis.SetCadence(r.Context(), r.PathValue("id"), h)
	})
}

// crisisEnd ends the crisis and leads to its page, where the report is.
func (s *Server) crisisEnd(w http.ResponseWriter, r *http.Request) error {
	return s.crisisStep(w, r, "end", "Crise terminée : son rapport de fin de crise est prêt à imprimer.", "#rapport", func(v url.Values) error {
		return s.Crisis.End(r.Context(), r.PathValue("id"), crisis.Ending{End: v.Get("end"), Note: v.Get("note")})
	})
}

// crisisStatusPage is the status report form, made for a phone.
type crisisStatusPage struct {
	C    crisis.Crisis
	Mine []crisis.Reporting
	Form Form
	Now  time.Time
}

func (s *Server) crisisStatusForm(w http.ResponseWriter, r *http.Request) error {
	return s.crisisStatusShow(w, r, http.StatusOK, Form{})
}

func (s *Server) crisisStatusShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	ctx := r.Context()
	c, err := s.Crisis.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	mine, err := s.Crisis.MyStructures(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(mine) == 0 {
		return apperr.New(apperr.Forbidden, "Les points de situation sont transmis par les directions et les équipes des structures du territoire.")
	}
	if !c.Active() {
		return apperr.New(apperr.Conflict, "Cette crise est terminée : plus aucun point de situation n'est attendu.")
	}
	if form.Values == nil {
		form = Form{Values: url.Values{"structure_id": {mine[0].StructureID}, "staff_absent": {"0"}, "children_affected": {"0"}},
			Errors: map[string]string{}}
		if l := mine[0].Latest; l != nil {
			form.Values.Set("state", string(l.State))
		}
	}
	s.render(w, r, status, "crisis_status", "Point de situation", crisisStatusPage{C: c, Mine: mine, Form: form, Now: db.Now(s.DB.Clock)})
	return nil
}

func (s *Server) crisisStatusFile(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	var fields apperr.Validation
	count := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v.Get(name)))
		if err != nil && strings.TrimSpace(v.Get(name)) != "" {
			fields.Add(name, "Un nombre est attendu (0 s'il n'y en a pas).")
		}
		return n
	}
	in := crisis.StatusInput{StructureID: v.Get("structure_id"), State: crisis.State(v.Get("state")),
		StaffAbsent: count("staff_absent"), ChildrenAffected: count("children_affected"), Needs: v.Get("needs")}
	err := fields.ErrSaying("L'état n'est pas transmis : corrigez les champs signalés.")
	if err == nil {
		_, err = s.Crisis.FileStatus(r.Context(), r.PathValue("id"), in)
	}
	if formError(&form, err) {
		return s.crisisStatusShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.crisisStatusShow(w, r, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "État transmis à la cellule de crise. Merci.")
	http.Redirect(w, r, "/crises/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
