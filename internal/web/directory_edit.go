package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

type dirFormPage struct {
	Form      Form
	S         directory.Structure
	New       bool
	Operators []org.Organisation
}

func (s *Server) dirFormPage(w http.ResponseWriter, r *http.Request, p dirFormPage, status int) error {
	ops, _, err := s.Orgs.List(r.Context(), org.Filter{Kind: access.OrgOperator, Limit: org.MaxLimit})
	if err != nil {
		return err
	}
	p.Operators = ops
	title := "Nouvelle structure"
	if !p.New {
		title = "Modifier la fiche — " + p.S.Name
	}
	s.render(w, r, status, "dir_form", title, p)
	return nil
}

// entryValues fills the form from a stored entry.
func entryValues(st directory.Structure) url.Values {
	v := url.Values{"name": {st.Name}, "type": {st.Type}, "operator_id": {st.OperatorID}, "finess_et": {st.FinessET},
		"finess_ej": {st.FinessEJ}, "sector": {st.Sector}, "authority": {st.Authority}, "street": {st.Street},
		"postal_code": {st.PostalCode}, "email": {st.Email}, "phone": {st.Phone}, "website": {st.Website},
		"description": {st.Description}, "closed_periods": {st.ClosedPeriods},
		"territory_departements": {strings.Join(st.Territory.Departements, ", ")}}
	if c, ok := geo.CommuneByCode(st.CommuneCode); ok {
		v.Set("commune", communeLabel(c))
	}
	if st.CoordSource == directory.CoordDirector {
		v.Set("lat", strconv.FormatFloat(st.Lat, 'f', -1, 64))
		v.Set("lng", strconv.FormatFloat(st.Lng, 'f', -1, 64))
	}
	if st.Confidential {
		v.Set("confidential", "1")
	}
	var communes []string
	for _, code := range st.Territory.Communes {
		if c, ok := geo.CommuneByCode(code); ok {
			communes = append(communes, communeLabel(c))
		}
	}
	v.Set("territory_communes", strings.Join(communes, " ; "))
	if st.Territory.MaxMinutes > 0 {
		v.Set("territory_minutes", strconv.Itoa(st.Territory.MaxMinutes))
	}
	if st.OpeningDays > 0 {
		v.Set("opening_days", strconv.Itoa(st.OpeningDays))
	}
	return v
}

func (s *Server) dirEditForm(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Directory.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := access.Check(r.Context(), access.ActionUpdate, st.Resource()); err != nil {
		return err
	}
	return s.dirFormPage(w, r, dirFormPage{S: st, Form: Form{Values: entryValues(st)}}, http.StatusOK)
}

func (s *Server) dirNewForm(w http.ResponseWriter, r *http.Request) error {
	if err := access.Check(r.Context(), access.ActionCreate, access.Resource{Type: access.ResStructure, Departement: actorDepartement(r)}); err != nil && !access.ActorFrom(r.Context()).IsAdmin() {
		return err
	}
	return s.dirFormPage(w, r, dirFormPage{New: true, Form: Form{Values: url.Values{}}}, http.StatusOK)
}

// number reads an optional whole number of a form; "" is zero.
func number(form *Form, name, msg string) int {
	raw := strings.TrimSpace(form.Values.Get(name))
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		form.Errors[name] = msg
	}
	return n
}

// decimal reads an optional decimal number, with a comma or a dot.
func decimal(form *Form, name string) *float64 {
	raw := strings.ReplaceAll(strings.TrimSpace(form.Values.Get(name)), ",", ".")
	if raw == "" {
		return nil
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		form.Errors["lat"] = "Position invalide : des nombres décimaux, par exemple 45,4397 et 4,3872."
		return nil
	}
	return &f
}

// splitItems splits a typed list on commas and semicolons.
func splitItems(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
}

// entryInput reads the entry form; values the service cannot read (a
// commune that is not found, a number that is not one) are reported here.
func entryInput(form *Form) directory.EntryInput {
	v := form.Values
	in := directory.EntryInput{Name: v.Get("name"), Type: v.Get("type"), OperatorID: v.Get("operator_id"),
		FinessET: v.Get("finess_et"), FinessEJ: v.Get("finess_ej"), Sector: v.Get("sector"), Authority: v.Get("authority"),
		Street: v.Get("street"), PostalCode: v.Get("postal_code"), Confidential: v.Get("confidential") == "1",
		Email: v.Get("email"), Phone: v.Get("phone"), Website: v.Get("website"), Description: v.Get("description"),
		ClosedPeriods: v.Get("closed_periods")}
	if typed := strings.TrimSpace(v.Get("commune")); typed != "" {
		code, ok := resolveCommune(typed)
		if !ok {
			form.Errors["commune"] = "Commune introuvable : choisissez-la dans la liste proposée, ou indiquez son code INSEE."
		}
		in.CommuneCode = code
	}
	in.Lat, in.Lng = decimal(form, "lat"), decimal(form, "lng")
	in.Territory.Departements = splitItems(v.Get("territory_departements"))
	for _, item := range splitItems(v.Get("territory_communes")) {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		code, ok := resolveCommune(item)
		if !ok {
			form.Errors["territory_communes"] = "Commune introuvable : « " + item + " ». Indiquez « Nom (code INSEE) »."
			continue
		}
		in.Territory.Communes = append(in.Territory.Communes, code)
	}
	in.Territory.MaxMinutes = number(form, "territory_minutes", "Indiquez un nombre de minutes, par exemple 45.")
	in.OpeningDays = number(form, "opening_days", "Indiquez un nombre de jours, par exemple 365.")
	return in
}

// entryAliases map the service's field names to the form's.
var entryAliases = map[string]string{"commune_code": "commune", "lng": "lat"}

func (s *Server) dirSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	id := r.PathValue("id")
	form := formFrom(r)
	in := entryInput(&form)
	var p dirFormPage
	if id == "" {
		p.New = true
	} else {
		st, err := s.Directory.Get(r.Context(), id)
		if err != nil {
			return err
		}
		p.S = st
	}
	if len(form.Errors) > 0 {
		// Report the other fields' problems too, in one pass.
		if _, err := directory.NormalizeEntry(in); err != nil {
			if e, ok := asInvalid(err); ok {
				for k, v := range e.Fields {
					if _, taken := form.Errors[entryAliases[k]]; !taken {
						if _, taken := form.Errors[k]; !taken {
							form.Errors[k] = v
						}
					}
				}
			}
		}
	} else {
		var st directory.Structure
		var err error
		if p.New {
			st, err = s.Directory.Create(r.Context(), in)
		} else {
			st, err = s.Directory.Update(r.Context(), id, in)
		}
		if err == nil {
			s.flash(r, "La fiche est enregistrée.")
			http.Redirect(w, r, "/annuaire/"+st.ID, http.StatusSeeOther)
			return nil
		}
		if !formError(&form, err) {
			return err
		}
	}
	for from, to := range entryAliases {
		if msg, ok := form.Errors[from]; ok {
			delete(form.Errors, from)
			form.Errors[to] = msg
		}
	}
	if form.Message == "" {
		form.Message = "Certaines informations sont à corriger."
	}
	p.Form = form
	return s.dirFormPage(w, r, p, http.StatusUnprocessableEntity)
}
