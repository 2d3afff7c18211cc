package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
)

// The capacity board's pages: search for everyone, the one page where a
// director keeps every figure of the structure true, holds and bookings,
// and the territory's view by week.

// capacityRoutes registers the pages of the capacity board.
func (s *Server) capacityRoutes() {
	m := s.mux
	m.HandleFunc("GET /disponibilites", s.page(s.capSearch))
	m.HandleFunc("GET /disponibilites/structures/{id}", s.page(s.capBoard))
	m.HandleFunc("POST /disponibilites/structures/{id}", s.page(s.capBoardSave))
	m.HandleFunc("POST /disponibilites/structures/{id}/confirmer", s.page(s.capConfirmAll))
	m.HandleFunc("POST /disponibilites/offres/{offer}/nouvelle", s.page(s.capDeclare))
	m.HandleFunc("POST /disponibilites/declarations/{id}/confirmer", s.page(s.capConfirmOne))
	m.HandleFunc("POST /disponibilites/declarations/{id}/retirer", s.page(s.capWithdraw))
	m.HandleFunc("GET /disponibilites/declarations/{id}/option", s.page(s.capHoldForm))
	m.HandleFunc("POST /disponibilites/declarations/{id}/option", s.page(s.capHold))
	m.HandleFunc("GET /disponibilites/options", s.page(s.capHolds))
	m.HandleFunc("GET /disponibilites/options/{id}", s.page(s.capHoldView))
	m.HandleFunc("POST /disponibilites/options/{id}/confirmer", s.page(s.capHoldConfirm))
	m.HandleFunc("POST /disponibilites/options/{id}/annuler", s.page(s.capHoldCancel))
	m.HandleFunc("GET /disponibilites/territoire", s.page(s.capTerritory))
	m.HandleFunc("GET /disponibilites/territoire/export.csv", s.page(s.capTerritoryExport("csv")))
	m.HandleFunc("GET /disponibilites/territoire/export.xlsx", s.page(s.capTerritoryExport("xlsx")))
	m.HandleFunc("POST /disponibilites/territoire/reglages", s.page(s.capSettingsSave))
}

// capacityFuncs are the template functions of the board's pages.
func capacityFuncs() template.FuncMap {
	return template.FuncMap{
		"capKinds":     func() []capacity.KindInfo { return capacity.Kinds },
		"weekdayNames": func() [7]string { return capacity.WeekdayNames },
		"period": func(a capacity.Availability) string {
			return capacity.PeriodLabel(a.From, a.To, capacity.DayOf(time.Now()))
		},
		"dayLabel":          func(d capacity.Day) string { return d.Label() },
		"defaultSearchDays": func() int { return capacity.DefaultSearchDays },
		"dayValue": func(d capacity.Day) string {
			if d.Open() {
				return ""
			}
			return string(d)
		},
		"since":         sinceLabel,
		"modalityLabel": func(code string) string { return directory.Offer{Modality: code}.ModalityLabel() },
		"plural": func(n int, one, many string) string {
			if n > 1 || n == 0 {
				return strconv.Itoa(n) + " " + many
			}
			return strconv.Itoa(n) + " " + one
		},
	}
}

// sinceLabel says how long ago t was, in French.
func sinceLabel(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Hour:
		return "il y a moins d'une heure"
	case d < 24*time.Hour:
		return fmt.Sprintf("il y a %d h", int(d.Hours()))
	case d < 48*time.Hour:
		return "hier"
	}
	return fmt.Sprintf("il y a %d jours", int(d.Hours()/24))
}

// --- Search ---------------------------------------------------------------

type capSearchPage struct {
	Query    url.Values
	Errors   map[string]string
	Results  []capacity.Result
	Pager    pager
	Near     string
	CanHold  bool
	Searched bool
	Today    string
	// From, To: the period searched, said above the results since empty
	// date fields mean the coming weeks.
	From, To capacity.Day
}

// capQuery reads a search from the query string; errors by parameter.
func capQuery(q url.Values) (capacity.Query, map[string]string) {
	errs := map[string]string{}
	cq := capacity.Query{From: capacity.Day(strings.TrimSpace(q.Get("du"))), To: capacity.Day(strings.TrimSpace(q.Get("au"))),
		Kind: capacity.Kind(q.Get("nature")), Public: q.Get("public"), Modality: q.Get("modalite"), Departement: q.Get("departement")}
	cq.Age, cq.Near, cq.Within = childAndPlace(q, errs)
	return cq, errs
}

func (s *Server) capSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	cq, errs := capQuery(q)
	actor := access.ActorFrom(r.Context())
	p := capSearchPage{Query: q, Errors: errs, Today: string(capacity.DayOf(time.Now())),
		CanHold: access.Can(actor, access.ActionCreate, access.Resource{Type: access.ResHold})}
	offset := (pageOf(q) - 1) * dirPageSize
	cq.Limit, cq.Offset = dirPageSize, offset
	status := http.StatusOK
	if len(errs) == 0 {
		page, err := s.Capacity.Search(r.Context(), cq)
		switch e, invalid := asInvalid(err); {
		case invalid:
			p.Errors = e.Fields
			status = http.StatusUnprocessableEntity
		case err != nil:
			return err
		default:
			p.Results, p.Searched = page.Results, true
			p.From, p.To = page.Query.From, page.Query.To
			p.Pager = newPagerSize(q, offset, len(page.Results), page.Total, dirPageSize)
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	if c, ok := geo.CommuneByCode(cq.Near); ok {
		// The field shows the commune as its suggestions do, even when a
		// shared link gave only its code.
		p.Near = c.Name
		q.Set("pres_de", c.Name+" ("+c.Code+")")
	}
	s.render(w, r, status, "cap_search", "Disponibilités", p)
	return nil
}

// --- The structure's board ---------------------------------------------------

type capBoardPage struct {
	S       directory.Structure
	Offers  []capOffer
	Form    Form   // values and errors of the figures (free.ID, from.ID, to.ID)
	NewFor  string // the offer whose "new declaration" form holds errors
	NewForm Form
	Carers  bool // the actor declares as a foster carer
	Stale   int
}

type capOffer struct {
	O       directory.Offer
	Figures []capFigure
	Kinds   []capacity.KindInfo // kinds the actor may declare on it
	// Kind is the one the "add" form proposes first: the offer's own.
	Kind capacity.Kind
}

// kindOfModality is the kind an offer of the modality most often declares.
func kindOfModality(m string) capacity.Kind {
	switch m {
	case "respite":
		return capacity.KindRespite
	case "emergency":
		return capacity.KindEmergency
	case "sequential":
		return capacity.KindSequential
	case "foster":
		return capacity.KindRelay
	}
	return capacity.KindPermanent
}

type capFigure struct {
	A     capacity.Availability
	Stale bool
}

// capBoardData loads a structure's board as the actor may change it: the
// directors see every figure, a foster carer their own relay stays.
func (s *Server) capBoardData(r *http.Request) (capBoardPage, error) {
	ctx := r.Context()
	st, err := s.Directory.Get(ctx, r.PathValue("id"))
	if err != nil {
		return capBoardPage{}, err
	}
	actor := access.ActorFrom(ctx)
	director := access.Can(actor, access.ActionUpdate, capacity.Availability{StructureID: st.ID}.Resource(st.Departement))
	carer := !director && actor.HasIn(access.RoleFosterCarer, st.ID)
	if !director && !carer {
		return capBoardPage{}, apperr.New(apperr.Forbidden, "Seule la direction de la structure déclare ses disponibilités.")
	}
	figures, err := s.Capacity.Declarations(ctx, st.ID)
	if err != nil {
		return capBoardPage{}, err
	}
	settings, err := s.Capacity.Settings(access.WithActor(ctx, access.SystemActor), st.Departement)
	if err != nil {
		return capBoardPage{}, err
	}
	p := capBoardPage{S: st, Carers: carer, Form: Form{Values: url.Values{}}}
	now := time.Now()
	for _, o := range st.Offers {
		if !o.Active || (carer && o.Modality != "foster") {
			continue
		}
		co := capOffer{O: o, Kind: kindOfModality(o.Modality)}
		for _, k := range capacity.Kinds {
			if k.Kind == capacity.KindRelay && (o.Modality != "foster" || !carer) {
				continue
			}
			if carer && k.Kind != capacity.KindRelay {
				continue
			}
			co.Kinds = append(co.Kinds, k)
		}
		for _, a := range figures {
			if a.OfferID != o.ID || (carer && a.CarerID != actor.AccountID) {
				continue
			}
			f := capFigure{A: a, Stale: settings.Stale(a.Kind, a.ConfirmedAt, now)}
			if f.Stale {
				p.Stale++
			}
			co.Figures = append(co.Figures, f)
			p.Form.Values.Set("free."+a.ID, strconv.Itoa(a.Free()))
			p.Form.Values.Set("was."+a.ID, strconv.Itoa(a.Free()))
			p.Form.Values.Set("from."+a.ID, string(max(a.From, capacity.DayOf(now))))
			if !a.To.Open() {
				p.Form.Values.Set("to."+a.ID, string(a.To))
			}
		}
		p.Offers = append(p.Offers, co)
	}
	return p, nil
}

func (s *Server) capBoard(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capBoardData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cap_board", "Disponibilités — "+p.S.Name, p)
	return nil
}

// capBoardSave saves every figure of the page and confirms them all.
func (s *Server) capBoardSave(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capBoardData(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var changes []capacity.Change
	bad := map[string]string{}
	for _, o := range p.Offers {
		for _, f := range o.Figures {
			id := f.A.ID
			if _, shown := r.PostForm["free."+id]; !shown {
				continue // declared since the page was loaded: not looked at
			}
			raw := strings.TrimSpace(r.PostForm.Get("free." + id))
			n, err := strconv.Atoi(raw)
			if err != nil {
				bad["places."+id] = "Indiquez un nombre de places, par exemple 2."
			}
			// A figure left as the page showed it keeps its places: a
			// hold taken since then must not come back as a free place.
			keep := raw == strings.TrimSpace(r.PostForm.Get("was."+id))
			changes = append(changes, capacity.Change{ID: id, Free: n, KeepFree: keep,
				From: capacity.Day(strings.TrimSpace(r.PostForm.Get("from." + id))),
				To:   capacity.Day(strings.TrimSpace(r.PostForm.Get("to." + id)))})
		}
	}
	if len(bad) == 0 {
		var n int
		n, err = s.Capacity.Save(r.Context(), p.S.ID, changes)
		if err == nil {
			msg := "Vos disponibilités sont confirmées."
			if n > 0 {
				msg = fmt.Sprintf("Enregistré : %d chiffre%s modifié%s, les autres confirmés.", n, plural(n), plural(n))
			}
			s.flash(r, msg)
			http.Redirect(w, r, "/disponibilites/structures/"+p.S.ID, http.StatusSeeOther)
			return nil
		}
	} else {
		err = &apperr.Error{Code: apperr.Invalid, Message: "Rien n'a été enregistré : corrigez les chiffres signalés.", Fields: bad}
	}
	e, invalid := asInvalid(err)
	if !invalid {
		return err
	}
	p.Form = Form{Values: r.PostForm, Errors: boardErrors(e.Fields), Message: e.Message}
	s.render(w, r, http.StatusUnprocessableEntity, "cap_board", "Disponibilités — "+p.S.Name, p)
	return nil
}

// boardErrors names the page's inputs: the service says "places.ID".
func boardErrors(fields map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range fields {
		if rest, ok := strings.CutPrefix(k, "places."); ok {
			k = "free." + rest
		}
		out[k] = v
	}
	return out
}

func (s *Server) capConfirmAll(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := s.Capacity.ConfirmAll(r.Context(), id)
	if err != nil {
		return err
	}
	if n == 0 {
		s.flash(r, "Aucune disponibilité à confirmer : ajoutez-en une sous l'offre concernée.")
	} else {
		s.flash(r, fmt.Sprintf("Merci : %d chiffre%s confirmé%s sans changement.", n, plural(n), plural(n)))
	}
	http.Redirect(w, r, "/disponibilites/structures/"+id, http.StatusSeeOther)
	return nil
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

func (s *Server) capDeclare(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	d := capacity.Declaration{Kind: capacity.Kind(f.Get("kind")), From: capacity.Day(strings.TrimSpace(f.Get("from"))),
		To: capacity.Day(strings.TrimSpace(f.Get("to"))), Profession: f.Get("profession"), Conditions: f.Get("conditions")}
	bad := map[string]string{}
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("places")))
	if err != nil {
		bad["places"] = "Indiquez un nombre de places, par exemple 2."
	}
	d.Places = n
	for _, v := range f["weekdays"] {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < 7 {
			d.Weekdays |= 1 << i
		}
	}
	structureID := f.Get("structure")
	if len(bad) == 0 {
		if _, err = s.Capacity.Declare(r.Context(), r.PathValue("offer"), d); err == nil {
			s.flash(r, "Disponibilité ajoutée : elle apparaît dès maintenant dans les recherches.")
			http.Redirect(w, r, "/disponibilites/structures/"+structureID, http.StatusSeeOther)
			return nil
		}
	} else {
		err = &apperr.Error{Code: apperr.Invalid, Message: "La déclaration n'a pas été enregistrée : corrigez les champs signalés.", Fields: bad}
	}
	e, invalid := asInvalid(err)
	if !invalid || structureID == "" {
		return err
	}
	r.SetPathValue("id", structureID)
	p, perr := s.capBoardData(r)
	if perr != nil {
		return perr
	}
	p.NewFor, p.NewForm = r.PathValue("offer"), Form{Values: f, Errors: e.Fields, Message: e.Message}
	s.render(w, r, http.StatusUnprocessableEntity, "cap_board", "Disponibilités — "+p.S.Name, p)
	return nil
}

func (s *Server) capConfirmOne(w http.ResponseWriter, r *http.Request) error {
	a, err := s.Capacity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Capacity.Confirm(r.Context(), a.ID); err != nil {
		return err
	}
	s.flash(r, "Merci : le chiffre est confirmé.")
	http.Redirect(w, r, "/disponibilites/structures/"+a.StructureID+"#d-"+a.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) capWithdraw(w http.ResponseWriter, r *http.Request) error {
	a, err := s.Capacity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Capacity.Withdraw(r.Context(), a.ID); err != nil {
		return err
	}
	s.flash(r, "Disponibilité retirée du tableau.")
	http.Redirect(w, r, "/disponibilites/structures/"+a.StructureID, http.StatusSeeOther)
	return nil
}

// --- Holds --------------------------------------------------------------------

type capHoldPage struct {
	A    capacity.Availability
	S    directory.Structure
	Form Form
}

func (s *Server) capHoldPageData(r *http.Request) (capHoldPage, error) {
	a, err := s.Capacity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return capHoldPage{}, err
	}
	st, err := s.Directory.Get(r.Context(), a.StructureID)
	if err != nil {
		return capHoldPage{}, err
	}
	return capHoldPage{A: a, S: st, Form: Form{Values: url.Values{"places": {"1"}}}}, nil
}

func (s *Server) capHoldForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capHoldPageData(r)
	if err != nil {
		return err
	}
	if err := access.Check(r.Context(), access.ActionCreate, access.Resource{Type: access.ResHold}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cap_hold", "Poser une option", p)
	return nil
}

func (s *Server) capHold(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capHoldPageData(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := capacity.HoldInput{RequestRef: r.PostForm.Get("request_ref"), Note: r.PostForm.Get("note")}
	raw := strings.TrimSpace(r.PostForm.Get("places"))
	n, perr := strconv.Atoi(raw)
	if perr != nil && raw != "" { // empty: one place
		p.Form = Form{Values: r.PostForm, Errors: map[string]string{"places": "Indiquez un nombre de places, par exemple 1."},
			Message: "L'option n'a pas été posée : corrigez les champs signalés."}
		s.render(w, r, http.StatusUnprocessableEntity, "cap_hold", "Poser une option", p)
		return nil
	}
	in.Places = n
	h, err := s.Capacity.Hold(r.Context(), p.A.ID, in)
	if err == nil {
		s.flash(r, "Option posée : confirmez-la avant le "+formatDateTime(h.ExpiresAt)+", sinon la place revient au tableau.")
		http.Redirect(w, r, "/disponibilites/options/"+h.ID, http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	p.Form = Form{Values: r.PostForm, Errors: e.Fields, Message: e.Message}
	status := http.StatusUnprocessableEntity
	if e.Code == apperr.Conflict {
		status = http.StatusConflict
		if a, err := s.Capacity.Get(r.Context(), p.A.ID); err == nil {
			p.A = a
		}
	}
	s.render(w, r, status, "cap_hold", "Poser une option", p)
	return nil
}

type capHoldsPage struct {
	Live, Closed []capacity.Hold
}

func (s *Server) capHolds(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Capacity.Holds(r.Context(), capacity.HoldFilter{Limit: 200})
	if err != nil {
		return err
	}
	var p capHoldsPage
	for _, h := range list {
		if h.Status.Live() {
			p.Live = append(p.Live, h)
		} else {
			p.Closed = append(p.Closed, h)
		}
	}
	s.render(w, r, http.StatusOK, "cap_holds", "Options et réservations", p)
	return nil
}

type capHoldViewPage struct {
	H                     capacity.Hold
	A                     capacity.Availability
	CanConfirm, CanCancel bool
	Expired               bool
	Form                  Form
}

func (s *Server) capHoldViewData(r *http.Request) (capHoldViewPage, error) {
	h, err := s.Capacity.GetHold(r.Context(), r.PathValue("id"))
	if err != nil {
		return capHoldViewPage{}, err
	}
	a, err := s.Capacity.Get(r.Context(), h.AvailabilityID)
	if err != nil {
		return capHoldViewPage{}, err
	}
	actor := access.ActorFrom(r.Context())
	p := capHoldViewPage{H: h, A: a, Expired: h.Status == capacity.HoldHeld && !h.ExpiresAt.After(time.Now())}
	p.CanConfirm = h.Status == capacity.HoldHeld && !p.Expired && access.Can(actor, access.ActionConfirm, h.Resource())
	p.CanCancel = h.Status.Live() && !p.Expired && access.Can(actor, access.ActionCancel, h.Resource())
	to := ""
	if !h.To.Open() {
		to = string(h.To)
	}
	p.Form = Form{Values: url.Values{"from": {string(h.From)}, "to": {to}}}
	return p, nil
}

func (s *Server) capHoldView(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capHoldViewData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cap_hold_view", "Option "+p.H.RequestRef, p)
	return nil
}

func (s *Server) capHoldConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.Capacity.ConfirmHold(r.Context(), id, capacity.Day(strings.TrimSpace(r.PostForm.Get("from"))),
		capacity.Day(strings.TrimSpace(r.PostForm.Get("to"))))
	if err == nil {
		s.flash(r, "Réservation confirmée : la place est retenue pour ces dates.")
		http.Redirect(w, r, "/disponibilites/options/"+id, http.StatusSeeOther)
		return nil
	}
	e, ok := apperr.As(err)
	if !ok || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	p, perr := s.capHoldViewData(r)
	if perr != nil {
		return perr
	}
	p.Form = Form{Values: r.PostForm, Errors: e.Fields, Message: e.Message}
	status := http.StatusUnprocessableEntity
	if e.Code == apperr.Conflict {
		status = http.StatusConflict
	}
	s.render(w, r, status, "cap_hold_view", "Option "+p.H.RequestRef, p)
	return nil
}

func (s *Server) capHoldCancel(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.Capacity.CancelHold(r.Context(), id, strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		return err
	}
	s.flash(r, "Annulé : la place est revenue au tableau.")
	http.Redirect(w, r, "/disponibilites/options/"+id, http.StatusSeeOther)
	return nil
}
