package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/cooperation"
	"passerelle/internal/directory"
)

// The pages of cooperation: the territory's agreements, the model
// documents and the knowledge base of practices (cooperation_models.go,
// cooperation_articles.go).

// cooperationRoutes registers the pages of agreements, model documents and
// the knowledge base.
func (s *Server) cooperationRoutes() {
	m := s.mux
	m.HandleFunc("GET /cooperation", s.page(s.coopList))
	m.HandleFunc("GET /cooperation/accords/nouveau", s.page(s.coopNewForm))
	m.HandleFunc("POST /cooperation/accords/nouveau", s.page(s.coopCreate))
	m.HandleFunc("GET /cooperation/accords/{id}", s.page(s.coopView))
	m.HandleFunc("GET /cooperation/accords/{id}/modifier", s.page(s.coopEditForm))
	m.HandleFunc("POST /cooperation/accords/{id}/modifier", s.page(s.coopUpdate))
	m.HandleFunc("POST /cooperation/accords/{id}/resiliation", s.page(s.coopTerminate))
	m.HandleFunc("POST /cooperation/accords/{id}/document", s.page(s.coopDocumentUpload))
	m.HandleFunc("GET /cooperation/accords/{id}/document", s.page(s.coopDocument))
	s.cooperationModelRoutes()
	s.knowledgeRoutes()
}

func cooperationFuncs() template.FuncMap {
	return template.FuncMap{
		"coopKinds":      func() []cooperation.Code { return cooperation.Kinds },
		"coopStatuses":   func() []cooperation.Code { return cooperation.Statuses },
		"partyRoles":     func() []cooperation.Code { return cooperation.PartyRoles },
		"coopKind":       func(c string) string { return cooperation.Label(cooperation.Kinds, c) },
		"partyRole":      func(c string) string { return cooperation.Label(cooperation.PartyRoles, c) },
		"articleStages":  func() []cooperation.Code { return cooperation.ArticleStatuses },
		"modalityLabel":  directory.ModalityLabel,
		"rowField":       func(prefix string, i int) string { return prefix + "_" + strconv.Itoa(i) },
		"rowValue":       func(f Form, prefix string, i int) string { return f.Values.Get(prefix + "_" + strconv.Itoa(i)) },
		"rowErr":         func(f Form, prefix string, i int) string { return f.Errors[prefix+"_"+strconv.Itoa(i)] },
		"coopStatusTone": coopStatusTone,
	}
}

// coopStatusTone is the tag class of a status.
func coopStatusTone(st cooperation.Status) string {
	switch st {
	case cooperation.InForce, cooperation.Signed:
		return "tag-ok"
	case cooperation.Draft:
		return "tag-soft"
	}
	return "tag-warn"
}

// canRegisterAgreements: the steering and the directors register agreements.
func canRegisterAgreements(a access.Actor) bool {
	return a.Has(access.RoleDirector) || a.Has(access.RoleSteering)
}

// coopListPage is the territory's list of agreements.
type coopListPage struct {
	Items       []cooperation.Item
	Counts      []cooperation.KindCount
	Parties     []cooperation.Choice
	Query       url.Values
	Errors      map[string]string
	CanCreate   bool
	Departement string
	Filtered    bool
}

func (s *Server) coopList(w http.ResponseWriter, r *http.Request) error {
	a := access.ActorFrom(r.Context())
	q := r.URL.Query()
	dep := cooperation.Territory(a)
	p := coopListPage{Query: q, Errors: map[string]string{}, CanCreate: canRegisterAgreements(a), Departement: dep}
	f := cooperation.Filter{Departement: dep, Kind: q.Get("nature"), Status: q.Get("statut"), PartyID: q.Get("partie"), Text: q.Get("q")}
	if d := q.Get("fin"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = -1 // refused with its field
		}
		f.EndingWithin = n
	}
	p.Filtered = f.Kind != "" || f.Status != "" || f.PartyID != "" || f.EndingWithin != 0 || f.Text != ""
	status := http.StatusOK
	items, err := s.Cooperation.List(r.Context(), f)
	if e, ok := asInvalid(err); ok {
		names := map[string]string{"kind": "nature", "status": "statut", "party": "partie", "ending_within": "fin"}
		for k, v := range e.Fields {
			p.Errors[names[k]] = v
		}
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	p.Items = items
	if p.Counts, err = s.Cooperation.CountsByKind(r.Context(), dep); err != nil {
		return err
	}
	if p.Parties, err = s.Cooperation.PartyChoices(r.Context(), dep); err != nil {
		return err
	}
	s.render(w, r, status, "coop_list", "Coopération — accords du territoire", p)
	return nil
}

// coopFormPage is the form of an agreement, new or edited.
type coopFormPage struct {
	ID       string // "" for a new agreement
	Form     Form
	Parties  []cooperation.Choice
	Offers   []cooperation.Choice
	Model    *cooperation.Model
	Rows     coopRows
	Editable bool
}

// coopRows are the indexes of the repeated rows of the form: what was
// typed, and a few empty rows to add more.
type coopRows struct {
	Parties, Contacts, Places []int
}

func rowsFor(v url.Values, prefix string, min, extra int) []int {
	n := 0
	for k := range v {
		if rest, ok := strings.CutPrefix(k, prefix+"_"); ok {
			if i, err := strconv.Atoi(rest); err == nil && i+1 > n && i < 50 {
				n = i + 1
			}
		}
	}
	n = max(n+extra, min)
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s *Server) coopFormShow(w http.ResponseWriter, r *http.Request, status int, p coopFormPage) error {
	a := access.ActorFrom(r.Context())
	dep := cooperation.Territory(a)
	var err error
	if p.Parties, err = s.Cooperation.PartyChoices(r.Context(), dep); err != nil {
		return err
	}
	if p.Offers, err = s.Cooperation.OfferChoices(r.Context(), dep); err != nil {
		return err
	}
	extra := 0
	if status == http.StatusOK {
		extra = 1
	}
	p.Rows = coopRows{Parties: rowsFor(p.Form.Values, "party_org", 3, extra), Contacts: rowsFor(p.Form.Values, "contact_name", 2, extra),
		Places: rowsFor(p.Form.Values, "place_offer", 1, extra)}
	title := "Nouvel accord"
	if p.ID != "" {
		title = "Modifier l'accord"
	}
	s.render(w, r, status, "coop_agreement_form", title, p)
	return nil
}

func (s *Server) coopNewForm(w http.ResponseWriter, r *http.Request) error {
	if !canRegisterAgreements(access.ActorFrom(r.Context())) {
		return apperr.New(apperr.Forbidden, "Un accord est enregistré par le pilotage du territoire ou par la direction d'une des parties.")
	}
	p := coopFormPage{Form: Form{Values: url.Values{"kind": {"convention"}}, Errors: map[string]string{}}}
	if id := r.URL.Query().Get("modele"); id != "" {
		m, err := s.Cooperation.GetModel(r.Context(), id)
		if err != nil {
			return err
		}
		p.Model = m
		p.Form.Values = agreementValues(m.Prefill())
	}
	// A director starts with their own structure as the first party.
	if orgs := access.ActorFrom(r.Context()).OrgsWhere(access.RoleDirector); len(orgs) > 0 && p.Form.Values.Get("party_org_0") == "" {
		p.Form.Values.Set("party_org_0", orgs[0])
		p.Form.Values.Set("party_role_0", "signataire")
	}
	return s.coopFormShow(w, r, http.StatusOK, p)
}

// agreementValues puts an input in the form's fields.
func agreementValues(in cooperation.Input) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("kind", in.Kind)
	set("title", in.Title)
	set("reference", in.Reference)
	set("children", in.Children)
	set("support", in.Support)
	set("signed_on", in.SignedOn)
	set("starts_on", in.StartsOn)
	set("ends_on", in.EndsOn)
	if in.DurationMonths > 0 {
		v.Set("duration_months", strconv.Itoa(in.DurationMonths))
	}
	if in.Tacit {
		v.Set("tacit", "1")
	}
	if in.NoticeMonths > 0 {
		v.Set("notice_months", strconv.Itoa(in.NoticeMonths))
	}
	set("notice_given_on", in.NoticeGivenOn)
	set("model_id", in.ModelID)
	for i, p := range in.Parties {
		v.Set(fmt.Sprintf("party_org_%d", i), p.OrganisationID)
		v.Set(fmt.Sprintf("party_role_%d", i), p.Role)
	}
	for i, c := range in.Contacts {
		v.Set(fmt.Sprintf("contact_name_%d", i), c.Name)
		v.Set(fmt.Sprintf("contact_function_%d", i), c.Function)
		v.Set(fmt.Sprintf("contact_phone_%d", i), c.Phone)
		v.Set(fmt.Sprintf("contact_email_%d", i), c.Email)
	}
	for i, p := range in.Places {
		v.Set(fmt.Sprintf("place_offer_%d", i), p.OfferID)
		v.Set(fmt.Sprintf("place_beneficiary_%d", i), p.BeneficiaryID)
		v.Set(fmt.Sprintf("place_count_%d", i), strconv.Itoa(p.Places))
		if p.PerMonth {
			v.Set(fmt.Sprintf("place_monthly_%d", i), "1")
		}
		set(fmt.Sprintf("place_from_%d", i), p.From)
		set(fmt.Sprintf("place_to_%d", i), p.To)
	}
	return v
}

// coopNumber reads a form's whole number; anything else is -1, refused by the
// service with its field.
func coopNumber(s string) int {
	if strings.TrimSpace(s) == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return -1
	}
	return n
}

// agreementInput reads the form.
func agreementInput(v url.Values) cooperation.Input {
	in := cooperation.Input{Kind: v.Get("kind"), Title: v.Get("title"), Reference: v.Get("reference"), Children: v.Get("children"),
		Support: v.Get("support"), SignedOn: v.Get("signed_on"), StartsOn: v.Get("starts_on"), EndsOn: v.Get("ends_on"),
		DurationMonths: coopNumber(v.Get("duration_months")), Tacit: v.Get("tacit") == "1", NoticeMonths: coopNumber(v.Get("notice_months")),
		NoticeGivenOn: v.Get("notice_given_on"), ModelID: v.Get("model_id")}
	for _, i := range rowsFor(v, "party_org", 0, 0) {
		k := strconv.Itoa(i)
		in.Parties = append(in.Parties, cooperation.PartyInput{OrganisationID: v.Get("party_org_" + k), Role: v.Get("party_role_" + k)})
	}
	for _, i := range rowsFor(v, "contact_name", 0, 0) {
		k := strconv.Itoa(i)
		in.Contacts = append(in.Contacts, cooperation.ContactInput{Name: v.Get("contact_name_" + k), Function: v.Get("contact_function_" + k),
			Phone: v.Get("contact_phone_" + k), Email: v.Get("contact_email_" + k)})
	}
	for _, i := range rowsFor(v, "place_offer", 0, 0) {
		k := strconv.Itoa(i)
		count := coopNumber(v.Get("place_count_" + k))
		in.Places = append(in.Places, cooperation.PlacesInput{OfferID: v.Get("place_offer_" + k), BeneficiaryID: v.Get("place_beneficiary_" + k),
			Places: count, PerMonth: v.Get("place_monthly_"+k) == "1", From: v.Get("place_from_" + k), To: v.Get("place_to_" + k)})
	}
	return in
}

// agreementFormErrors names the service's fields as the form's inputs.
func agreementFormErrors(form *Form) {
	repl := map[string]string{"parties/%d/organisation_id": "party_org_%d", "parties/%d/role": "party_role_%d",
		"contacts/%d/name": "contact_name_%d", "contacts/%d/phone": "contact_phone_%d", "contacts/%d/email": "contact_email_%d",
		"places/%d/offer_id": "place_offer_%d", "places/%d/beneficiary_id": "place_beneficiary_%d", "places/%d/places": "place_count_%d",
		"places/%d/from": "place_from_%d", "places/%d/to": "place_to_%d"}
	out := map[string]string{}
	for k, msg := range form.Errors {
		name := k
		for from, to := range repl {
			var i int
			if n, err := fmt.Sscanf(k, from, &i); err == nil && n == 1 && fmt.Sprintf(from, i) == k {
				name = fmt.Sprintf(to, i)
			}
		}
		out[name] = msg
	}
	form.Errors = out
}

func (s *Server) coopCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	id, err := s.Cooperation.Create(r.Context(), agreementInput(r.PostForm))
	if formError(&form, err) {
		agreementFormErrors(&form)
		return s.coopFormShow(w, r, http.StatusUnprocessableEntity, coopFormPage{Form: form})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Accord enregistré.")
	http.Redirect(w, r, "/cooperation/accords/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) coopEditForm(w http.ResponseWriter, r *http.Request) error {
	ag, err := s.Cooperation.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ag.CanEdit {
		return apperr.New(apperr.Forbidden, "Cet accord est modifié par le pilotage du territoire ou par la direction d'une des parties.")
	}
	return s.coopFormShow(w, r, http.StatusOK, coopFormPage{ID: ag.ID, Form: Form{Values: agreementValues(ag.Input()), Errors: map[string]string{}}})
}

func (s *Server) coopUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	form := formFrom(r)
	err := s.Cooperation.Update(r.Context(), id, agreementInput(r.PostForm))
	if formError(&form, err) {
		agreementFormErrors(&form)
		return s.coopFormShow(w, r, http.StatusUnprocessableEntity, coopFormPage{ID: id, Form: form})
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.coopFormShow(w, r, http.StatusConflict, coopFormPage{ID: id, Form: form})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Accord modifié.")
	http.Redirect(w, r, "/cooperation/accords/"+id, http.StatusSeeOther)
	return nil
}

// coopPage is one agreement, with the document and termination forms.
type coopPage struct {
	A    *cooperation.Agreement
	Form Form
}

func (s *Server) coopShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	ag, err := s.Cooperation.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	s.render(w, r, status, "coop_agreement", ag.Title, coopPage{A: ag, Form: form})
	return nil
}

func (s *Server) coopView(w http.ResponseWriter, r *http.Request) error {
	return s.coopShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) coopTerminate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	form := formFrom(r)
	err := s.Cooperation.Terminate(r.Context(), r.PathValue("id"), cooperation.Termination{On: r.PostForm.Get("terminated_on"), Reason: r.PostForm.Get("reason")})
	if formError(&form, err) {
		return s.coopShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.coopShow(w, r, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Résiliation enregistrée : les places réservées sont rendues à la structure à la date de résiliation.")
	http.Redirect(w, r, "/cooperation/accords/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) coopDocumentUpload(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "document")
	form := Form{Values: url.Values{}, Errors: map[string]string{}}
	if err == nil {
		if len(files) != 1 {
			err = &apperr.Error{Code: apperr.Invalid, Message: "Le document n'est pas enregistré.", Fields: map[string]string{"document": "Choisissez le PDF signé."}}
		} else {
			err = s.Cooperation.SetDocument(r.Context(), r.PathValue("id"), files[0])
		}
	}
	if formError(&form, err) {
		return s.coopShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Document signé enregistré.")
	http.Redirect(w, r, "/cooperation/accords/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) coopDocument(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Cooperation.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
