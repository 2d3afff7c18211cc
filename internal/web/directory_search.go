package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/directory"
	"passerelle/internal/export"
	"passerelle/internal/geo"
)

// dirPageSize is the number of structures per page of results.
const dirPageSize = 20

type dirSearchPage struct {
	Query     url.Values
	Errors    map[string]string
	Results   []directory.Result
	Pager     pager
	Near      string // the commune the travel times count from
	CanCreate bool
	Searched  bool
	Now       time.Time
}

// dirQuery reads a search from the query string (shared by the page, the
// exports and their links) and reports unreadable values by parameter.
func dirQuery(q url.Values) (directory.Query, map[string]string) {
	errs := map[string]string{}
	dq := directory.Query{Text: q.Get("q"), Sector: q.Get("secteur"), Departement: q.Get("departement"),
		Modality: q.Get("modalite"), Need: q.Get("besoin"), Public: q.Get("public")}
	for _, t := range q["type"] {
		if t = strings.TrimSpace(t); t != "" {
			dq.Types = append(dq.Types, t)
		}
	}
	dq.Age, dq.Near, dq.Within = childAndPlace(q, errs)
	return dq, errs
}

// childAndPlace reads the parameters a search for a child shares: age,
// pres_de (a commune's name or code) and minutes.
func childAndPlace(q url.Values, errs map[string]string) (age *int, near string, within int) {
	age, ok := directory.ParseAge(q.Get("age"))
	if !ok {
		errs["age"] = "Indiquez l'âge en années, par exemple 9."
	}
	if m := strings.TrimSpace(q.Get("minutes")); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			errs["minutes"] = "Indiquez un nombre de minutes, par exemple 45."
		}
		within = n
	}
	if raw := strings.TrimSpace(q.Get("pres_de")); raw != "" {
		code, ok := resolveCommune(raw)
		if !ok {
			errs["pres_de"] = "Commune introuvable : choisissez-la dans la liste proposée."
		}
		near = code
	}
	return age, near, within
}

func (s *Server) dirSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	dq, errs := dirQuery(q)
	p := dirSearchPage{Query: q, Errors: errs, Now: time.Now(),
		CanCreate: access.Can(access.ActorFrom(r.Context()), access.ActionCreate, access.Resource{Type: access.ResStructure, Departement: actorDepartement(r)})}
	offset := (pageOf(q) - 1) * dirPageSize
	dq.Limit, dq.Offset = dirPageSize, offset
	status := http.StatusOK
	if len(errs) == 0 {
		page, err := s.Directory.Search(r.Context(), dq)
		switch e, invalid := asInvalid(err); {
		case invalid:
			p.Errors = e.Fields
			status = http.StatusUnprocessableEntity
		case err != nil:
			return err
		default:
			p.Results, p.Searched = page.Results, true
			p.Pager = newPagerSize(q, offset, len(page.Results), page.Total, dirPageSize)
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	if c, ok := geo.CommuneByCode(dq.Near); ok {
		p.Near = c.Name
	}
	s.render(w, r, status, "dir_search", "Annuaire", p)
	return nil
}

// actorDepartement is the département of the actor's first territorial
// membership, for the "new structure" link of steering accounts.
func actorDepartement(r *http.Request) string {
	for _, m := range access.ActorFrom(r.Context()).Memberships {
		if m.Departement != "" {
			return m.Departement
		}
	}
	return ""
}

func pageOf(q url.Values) int {
	p, err := strconv.Atoi(q.Get("page"))
	if err != nil || p < 1 || p > 100000 {
		return 1
	}
	return p
}

// dirExport sends every result of a search (up to MaxExportRows) as CSV
// or XLSX, and audits it.
func (s *Server) dirExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error { return s.exportSearch(w, r, format) }
}

func (s *Server) exportSearch(w http.ResponseWriter, r *http.Request, format string) error {
	if err := access.Check(r.Context(), access.ActionExport, access.Resource{Type: access.ResStructure}); err != nil {
		return err
	}
	dq, errs := dirQuery(r.URL.Query())
	if len(errs) > 0 {
		return &apperr.Error{Code: apperr.Invalid, Message: "Recherche invalide : corrigez-la avant d'exporter.", Fields: errs}
	}
	var rows []directory.Result
	for dq.Offset = 0; dq.Offset < directory.MaxExportRows; dq.Offset += directory.MaxLimit {
		dq.Limit = directory.MaxLimit
		page, err := s.Directory.Search(r.Context(), dq)
		if err != nil {
			return err
		}
		rows = append(rows, page.Results...)
		if dq.Offset+len(page.Results) >= page.Total || len(page.Results) == 0 {
			break
		}
	}
	t := exportTable(rows, dq.Near != "")
	if err := s.Directory.RecordExport(r.Context(), format, len(t.Rows), dq); err != nil {
		return err
	}
	return sendTable(w, format, "annuaire", t)
}

// exportTable has one row per matching offer (one per structure without).
func exportTable(results []directory.Result, withMinutes bool) export.Table {
	t := export.Table{Title: "Annuaire", Columns: []string{"Structure", "Type", "Organisme gestionnaire", "FINESS",
		"Adresse", "Code postal", "Commune", "Département", "Téléphone", "E-mail", "Offre", "Âges", "Besoins",
		"Conditions", "Places installées", "Vérifiée le"}}
	if withMinutes {
		t.Columns = append(t.Columns, "Trajet estimé (min)")
	}
	for _, res := range results {
		st := res.Structure
		street, postal := st.Street, st.PostalCode
		if st.AddressHidden {
			street = "Adresse confidentielle"
		}
		var checked any
		if !st.CheckedAt.IsZero() {
			checked = st.CheckedAt.Truncate(24 * time.Hour)
		}
		base := []any{st.Name, st.TypeLabel(), st.OperatorName, st.FinessET, street, postal, st.CommuneName(),
			st.Departement, st.Phone, st.Email}
		offers := res.Offers
		if len(offers) == 0 {
			offers = []directory.Offer{{}}
		}
		for _, o := range offers {
			row := append([]any{}, base...)
			if o.Modality == "" {
				row = append(row, "", "", "", "", nil)
			} else {
				row = append(row, offerTitle(o), o.Ages(), strings.Join(o.NeedLabels(), ", "),
					strings.Join(o.ConditionLabels(), ", "), o.PlacesInstalled)
			}
			row = append(row, checked)
			if withMinutes {
				row = append(row, res.Minutes)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// offerTitle is the offer's label, or its modality's.
func offerTitle(o directory.Offer) string {
	if o.Label != "" {
		return o.ModalityLabel() + " — " + o.Label
	}
	return o.ModalityLabel()
}
