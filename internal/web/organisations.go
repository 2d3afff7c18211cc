package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

type orgListPage struct {
	Orgs      []org.Organisation
	Query     url.Values
	Pager     pager
	CanCreate bool
}

// orgFilter reads list filters from the query string, so a search can be shared.
func orgFilter(q url.Values) org.Filter {
	return org.Filter{
		Q:               strings.TrimSpace(q.Get("q")),
		Kind:            access.OrgKind(q.Get("type_org")),
		StructureType:   q.Get("type"),
		Departement:     q.Get("departement"),
		IncludeInactive: q.Get("inactives") == "1",
		Limit:           pageSize,
		Offset:          offsetOf(q),
	}
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := orgFilter(q)
	if f.Kind != "" && !f.Kind.Valid() {
		f.Kind = ""
	}
	orgs, total, err := s.Orgs.List(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "org_list", "Organisations", orgListPage{
		Orgs: orgs, Query: q, Pager: newPager(q, f.Offset, len(orgs), total),
		CanCreate: access.Can(access.ActorFrom(r.Context()), access.ActionCreate, access.Resource{Type: access.ResOrganisation}),
	})
	return nil
}

type orgViewPage struct {
	Org       org.Organisation
	Operator  org.Organisation
	Members   []auth.Account
	CanEdit   bool
	CanToggle bool
	CanSeeAcc bool
	CanInvite bool
}

func (s *Server) orgView(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.Orgs.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := access.ActorFrom(ctx)
	res := access.Resource{Type: access.ResOrganisation, ID: o.ID, OrganisationIDs: []string{o.ID}}
	p := orgViewPage{Org: o,
		CanEdit:   access.Can(actor, access.ActionUpdate, res),
		CanToggle: access.Can(actor, access.ActionDeactivate, res),
		CanInvite: access.Can(actor, access.ActionCreate, access.Resource{Type: access.ResAccount, OrganisationIDs: []string{o.ID}, Role: access.RoleEducator}),
	}
	if o.OperatorID != "" {
		if p.Operator, err = s.Orgs.Get(ctx, o.OperatorID); err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
	}
	// Members are listed only to those who may see these accounts.
	if actor.IsAdmin() || actor.HasIn(access.RoleDirector, o.ID) {
		p.CanSeeAcc = true
		if p.Members, _, err = s.Auth.ListAccounts(ctx, auth.AccountFilter{OrganisationID: o.ID, Limit: 200}); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, "org_view", o.Name, p)
	return nil
}

type orgFormPage struct {
	Form      Form
	Org       org.Organisation
	New       bool
	Operators []org.Organisation
	Communes  []geo.Commune
}

func (s *Server) orgFormPage(w http.ResponseWriter, r *http.Request, p orgFormPage, status int) error {
	ops, _, err := s.Orgs.List(r.Context(), org.Filter{Kind: access.OrgOperator, Limit: 200})
	if err != nil {
		return err
	}
	p.Operators = ops
	title := "Nouvelle organisation"
	if !p.New {
		title = "Modifier " + p.Org.Name
	}
	s.render(w, r, status, "org_form", title, p)
	return nil
}

func (s *Server) orgNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := access.Check(r.Context(), access.ActionCreate, access.Resource{Type: access.ResOrganisation}); err != nil {
		return err
	}
	return s.orgFormPage(w, r, orgFormPage{New: true, Form: Form{Values: url.Values{"kind": {"structure"}}}}, http.StatusOK)
}

func (s *Server) orgEditForm(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := access.Check(r.Context(), access.ActionUpdate, access.Resource{Type: access.ResOrganisation, ID: o.ID, OrganisationIDs: []string{o.ID}}); err != nil {
		return err
	}
	v := url.Values{"kind": {string(o.Kind)}, "name": {o.Name}, "structure_type": {o.StructureType},
		"operator_id": {o.OperatorID}, "email": {o.Email}, "phone": {o.Phone}}
	if c, ok := geo.CommuneByCode(o.CommuneCode); ok {
		v.Set("commune", communeLabel(c))
	}
	return s.orgFormPage(w, r, orgFormPage{Org: o, Form: Form{Values: v}}, http.StatusOK)
}

// orgInput reads the form; a commune that cannot be resolved is reported
// on its field before the service is called.
func orgInput(r *http.Request, form *Form) (org.Input, bool) {
	v := r.PostForm
	in := org.Input{Kind: access.OrgKind(v.Get("kind")), Name: v.Get("name"), StructureType: v.Get("structure_type"),
		OperatorID: v.Get("operator_id"), Email: v.Get("email"), Phone: v.Get("phone")}
	if typed := strings.TrimSpace(v.Get("commune")); typed != "" {
		code, ok := resolveCommune(typed)
		if !ok {
			form.Errors["commune"] = "Commune introuvable : choisissez-la dans la liste proposée, ou indiquez son code INSEE."
			form.Message = "Certaines informations sont à corriger."
			return in, false
		}
		in.CommuneCode = code
	}
	return in, true
}

// fieldAliases maps service field names to form field names where they differ.
var fieldAliases = map[string]string{"commune_code": "commune"}

func renameFields(f *Form) {
	for from, to := range fieldAliases {
		if msg, ok := f.Errors[from]; ok {
			delete(f.Errors, from)
			f.Errors[to] = msg
		}
	}
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	form := formFrom(r)
	in, ok := orgInput(r, &form)
	if ok {
		o, err := s.Orgs.Create(r.Context(), in)
		if err == nil {
			s.flash(r, "L'organisation « "+o.Name+" » a été créée.")
			http.Redirect(w, r, "/organisations/"+o.ID, http.StatusSeeOther)
			return nil
		}
		if !formError(&form, err) {
			return err
		}
		renameFields(&form)
	}
	return s.orgFormPage(w, r, orgFormPage{New: true, Form: form}, http.StatusUnprocessableEntity)
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	o, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	form := formFrom(r)
	in, ok := orgInput(r, &form)
	if ok {
		if _, err := s.Orgs.Update(r.Context(), o.ID, in); err == nil {
			s.flash(r, "Les modifications ont été enregistrées.")
			http.Redirect(w, r, "/organisations/"+o.ID, http.StatusSeeOther)
			return nil
		} else if !formError(&form, err) {
			return err
		}
		renameFields(&form)
	}
	return s.orgFormPage(w, r, orgFormPage{Org: o, Form: form}, http.StatusUnprocessableEntity)
}

func (s *Server) orgSetActive(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	active := r.PostForm.Get("active") == "1"
	id := r.PathValue("id")
	if err := s.Orgs.SetActive(r.Context(), id, active); err != nil {
		return err
	}
	if active {
		s.flash(r, "L'organisation est réactivée.")
	} else {
		s.flash(r, "L'organisation est désactivée.")
	}
	http.Redirect(w, r, "/organisations/"+id, http.StatusSeeOther)
	return nil
}

// communeLabel is how a commune is shown in a field: "Saint-Étienne (42218)".
func communeLabel(c geo.Commune) string { return c.Name + " (" + c.Code + ")" }

var communeCodeRe = regexp.MustCompile(`^(?:.*\()?\s*([0-9][0-9AB][0-9]{3})\s*\)?$`)

// resolveCommune accepts "Name (code)", a bare INSEE code, or a name that
// matches exactly one commune.
func resolveCommune(typed string) (string, bool) {
	if m := communeCodeRe.FindStringSubmatch(typed); m != nil {
		if _, ok := geo.CommuneByCode(m[1]); ok {
			return m[1], true
		}
	}
	found := geo.SearchCommunes(typed, 2)
	if len(found) == 1 || (len(found) > 1 && strings.EqualFold(found[0].Name, typed) && !strings.EqualFold(found[1].Name, typed)) {
		return found[0].Code, true
	}
	return "", false
}

type communeOptions struct{ Communes []geo.Commune }

// communeSuggestions feeds the commune field's list of choices (htmx).
func (s *Server) communeSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	typed := q.Get("commune")
	if typed == "" {
		typed = q.Get("pres_de") // the directory search's field
	}
	cs := geo.SearchCommunes(typed, 10)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return s.pages.pages["org_form"].ExecuteTemplate(w, "commune-options", communeOptions{Communes: cs})
}
