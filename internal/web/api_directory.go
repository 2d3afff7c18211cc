package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/directory"
	"passerelle/internal/directory/hsds"
)

// directoryAPIRoutes registers the directory's API: the entries with their
// offers and contacts, and the public directory in HSDS 3.0.
func (s *Server) directoryAPIRoutes() {
	s.apiRoute("GET", "/api/v1/structures", s.apiStructureSearch)
	s.apiRoute("POST", "/api/v1/structures", s.apiStructureCreate)
	s.apiRoute("GET", "/api/v1/structures/{id}", s.apiStructureGet)
	s.apiRoute("PATCH", "/api/v1/structures/{id}", s.apiStructureUpdate)
	s.apiRoute("POST", "/api/v1/structures/{id}/check", s.apiStructureCheck)
	s.apiRoute("POST", "/api/v1/structures/{id}/offers", s.apiOfferSave)
	s.apiRoute("PUT", "/api/v1/structures/{id}/offers/{offer_id}", s.apiOfferSave)
	s.apiRoute("DELETE", "/api/v1/structures/{id}/offers/{offer_id}", s.apiOfferDelete)
	s.apiRoute("POST", "/api/v1/structures/{id}/contacts", s.apiContactSave)
	s.apiRoute("PUT", "/api/v1/structures/{id}/contacts/{contact_id}", s.apiContactSave)
	s.apiRoute("DELETE", "/api/v1/structures/{id}/contacts/{contact_id}", s.apiContactDelete)

	// The HSDS "/" document is the exact path: {$} leaves the rest of
	// /api/v1/hsds/ to the other operations and to the API's 404.
	s.api = append(s.api, apiRoute{Method: "GET", Path: "/api/v1/hsds/"})
	s.mux.HandleFunc("GET /api/v1/hsds/{$}", s.apiHandler(s.apiHSDSInfo))
	s.apiRoute("GET", "/api/v1/hsds/services", s.apiHSDSServices)
	s.apiRoute("GET", "/api/v1/hsds/services/{id}", s.apiHSDSService)
	s.apiRoute("GET", "/api/v1/hsds/organizations", s.apiHSDSOrganizations)
	s.apiRoute("GET", "/api/v1/hsds/organizations/{id}", s.apiHSDSOrganization)
}

// structureJSON is an entry as the viewer may see it. When the address is
// hidden from the viewer, street, postal code and position are left out
// altogether: the commune centre the service puts instead must not pass
// for the structure's place.
type structureJSON struct {
	ID                    string     `json:"id"`
	Name                  string     `json:"name"`
	Type                  string     `json:"type"`
	TypeLabel             string     `json:"type_label"`
	OperatorID            string     `json:"operator_id,omitempty"`
	OperatorName          string     `json:"operator_name,omitempty"`
	FinessET              string     `json:"finess_et,omitempty"`
	FinessEJ              string     `json:"finess_ej,omitempty"`
	Sector                string     `json:"sector,omitempty"`
	Authority             string     `json:"authority,omitempty"`
	Street                string     `json:"street,omitempty"`
	PostalCode            string     `json:"postal_code,omitempty"`
	CommuneCode           string     `json:"commune_code"`
	CommuneName           string     `json:"commune_name"`
	Departement           string     `json:"departement"`
	Lat                   *float64   `json:"lat,omitempty"`
	Lng                   *float64   `json:"lng,omitempty"`
	CoordSource           string     `json:"coord_source,omitempty"`
	Confidential          bool       `json:"confidential"`
	AddressHidden         bool       `json:"address_hidden"`
	Email                 string     `json:"email,omitempty"`
	Phone                 string     `json:"phone,omitempty"`
	Website               string     `json:"website,omitempty"`
	Description           string     `json:"description,omitempty"`
	TerritoryDepartements []string   `json:"territory_departements"`
	TerritoryCommunes     []string   `json:"territory_communes"`
	TerritoryMinutes      int        `json:"territory_minutes"`
	OpeningDays           int        `json:"opening_days"`
	ClosedPeriods         string     `json:"closed_periods,omitempty"`
	CheckedAt             *time.Time `json:"checked_at"`
	CheckedBy             string     `json:"checked_by,omitempty"`
	Stale                 bool       `json:"stale"`
	ManualFields          []string   `json:"manual_fields"`
	Active                bool       `json:"active"`
	Fictional             bool       `json:"fictional"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

func toStructureJSON(st directory.Structure, now time.Time) structureJSON {
	j := structureJSON{ID: st.ID, Name: st.Name, Type: st.Type, TypeLabel: st.TypeLabel(), OperatorID: st.OperatorID,
		OperatorName: st.OperatorName, FinessET: st.FinessET, FinessEJ: st.FinessEJ, Sector: st.Sector, Authority: st.Authority,
		CommuneCode: st.CommuneCode, CommuneName: st.CommuneName(), Departement: st.Departement,
		Confidential: st.Confidential, AddressHidden: st.AddressHidden, Email: st.Email, Phone: st.Phone,
		Website: st.Website, Description: st.Description, TerritoryDepartements: emptyIfNil(st.Territory.Departements),
		TerritoryCommunes: emptyIfNil(st.Territory.Communes), TerritoryMinutes: st.Territory.MaxMinutes,
		OpeningDays: st.OpeningDays, ClosedPeriods: st.ClosedPeriods, CheckedBy: st.CheckedBy, Stale: st.Stale(now),
		ManualFields: emptyIfNil(st.ManualFields), Active: st.Active, Fictional: st.Fictional, UpdatedAt: st.UpdatedAt.UTC()}
	if !st.AddressHidden {
		j.Street, j.PostalCode = st.Street, st.PostalCode
		if st.CoordSource != "" {
			lat, lng := st.Lat, st.Lng
			j.Lat, j.Lng, j.CoordSource = &lat, &lng, st.CoordSource
		}
	}
	if !st.CheckedAt.IsZero() {
		t := st.CheckedAt.UTC()
		j.CheckedAt = &t
	}
	return j
}

func emptyIfNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

type offerJSON struct {
	ID               string    `json:"id"`
	Modality         string    `json:"modality"`
	ModalityLabel    string    `json:"modality_label"`
	Label            string    `json:"label,omitempty"`
	AgeMin           int       `json:"age_min"`
	AgeMax           int       `json:"age_max"`
	Public           string    `json:"public"`
	Needs            []string  `json:"needs"`
	Conditions       []string  `json:"conditions"`
	PlacesAuthorised int       `json:"places_authorised"`
	PlacesInstalled  int       `json:"places_installed"`
	Description      string    `json:"description,omitempty"`
	Active           bool      `json:"active"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func toOfferJSON(o directory.Offer) offerJSON {
	return offerJSON{o.ID, o.Modality, o.ModalityLabel(), o.Label, o.AgeMin, o.AgeMax, o.Public, emptyIfNil(o.Needs),
		emptyIfNil(o.Conditions), o.PlacesAuthorised, o.PlacesInstalled, o.Description, o.Active, o.UpdatedAt.UTC()}
}

func offersJSON(offers []directory.Offer) []offerJSON {
	out := make([]offerJSON, 0, len(offers))
	for _, o := range offers {
		out = append(out, toOfferJSON(o))
	}
	return out
}

type contactJSON struct {
	ID            string    `json:"id"`
	Function      string    `json:"function"`
	FunctionLabel string    `json:"function_label"`
	Label         string    `json:"label,omitempty"`
	Holder        string    `json:"holder,omitempty"`
	Phone         string    `json:"phone,omitempty"`
	Email         string    `json:"email,omitempty"`
	Hours         string    `json:"hours,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toContactJSON(c directory.Contact) contactJSON {
	return contactJSON{c.ID, c.Function, c.FunctionLabel(), c.Label, c.Holder, c.Phone, c.Email, c.Hours, c.UpdatedAt.UTC()}
}

// documentJSON describes a document; its content is not in the API.
type documentJSON struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	KindLabel   string    `json:"kind_label"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// entryJSON is a whole entry: GET, POST and PATCH answer with it.
type entryJSON struct {
	structureJSON
	Offers    []offerJSON    `json:"offers"`
	Contacts  []contactJSON  `json:"contacts"`
	Documents []documentJSON `json:"documents"`
}

func toEntryJSON(st directory.Structure, now time.Time) entryJSON {
	j := entryJSON{structureJSON: toStructureJSON(st, now), Offers: offersJSON(st.Offers),
		Contacts: []contactJSON{}, Documents: []documentJSON{}}
	for _, c := range st.Contacts {
		j.Contacts = append(j.Contacts, toContactJSON(c))
	}
	for _, d := range st.Documents {
		j.Documents = append(j.Documents, documentJSON{d.ID, d.Kind, directory.DocumentKindLabel(d.Kind), d.Filename,
			d.ContentType, d.Size, d.CreatedAt.UTC()})
	}
	return j
}

// searchItemJSON is a structure found, with the offers that matched and,
// when searching near a commune, the estimated travel time.
type searchItemJSON struct {
	structureJSON
	Offers  []offerJSON `json:"offers"`
	Minutes *int        `json:"minutes,omitempty"`
}

// dirAPIQuery reads a search from the query string, with the parameter
// names of the pages; every unreadable or invalid parameter is named.
func dirAPIQuery(q url.Values) (directory.Query, error) {
	var v apperr.Validation
	limit, offset, err := listParams(q, directory.DefaultLimit, directory.MaxLimit)
	addInvalidFields(&v, err)
	dq := directory.Query{Text: q.Get("q"), Sector: q.Get("secteur"), Departement: q.Get("departement"),
		Modality: q.Get("modalite"), Need: q.Get("besoin"), Public: q.Get("public"),
		Near: strings.TrimSpace(q.Get("pres_de")), Limit: limit, Offset: offset}
	for _, t := range q["type"] {
		if t = strings.TrimSpace(t); t != "" {
			dq.Types = append(dq.Types, t)
		}
	}
	age, ok := directory.ParseAge(q.Get("age"))
	v.Check(ok, "age", "Nombre entier d'années attendu, par exemple 9.")
	dq.Age = age
	if m := strings.TrimSpace(q.Get("minutes")); m != "" {
		n, err := strconv.Atoi(m)
		v.Check(err == nil, "minutes", "Nombre entier de minutes attendu, par exemple 45.")
		dq.Within = n
	}
	if v.Err() != nil {
		// Report the other parameters' problems too, in one answer.
		_, err := directory.NormalizeQuery(dq)
		addInvalidFields(&v, err)
	}
	return dq, v.Err()
}

// addInvalidFields copies the fields of an invalid-input error into v.
func addInvalidFields(v *apperr.Validation, err error) {
	if e, ok := asInvalid(err); ok {
		for _, f := range sortedKeys(e.Fields) {
			v.Add(f, e.Fields[f])
		}
	}
}

func (s *Server) apiStructureSearch(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	dq, err := dirAPIQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := s.Directory.Search(r.Context(), dq)
	if err != nil {
		return err
	}
	now := time.Now()
	out := listJSON[searchItemJSON]{Items: make([]searchItemJSON, 0, len(page.Results)), Total: page.Total, Limit: page.Limit, Offset: page.Offset}
	for _, res := range page.Results {
		item := searchItemJSON{structureJSON: toStructureJSON(res.Structure, now), Offers: offersJSON(res.Offers)}
		if dq.Near != "" {
			m := res.Minutes
			item.Minutes = &m
		}
		out.Items = append(out.Items, item)
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiStructureGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	st, err := s.Directory.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toEntryJSON(st, time.Now()))
}

// nullableFloat is a JSON number that may be null; Set tells a null sent
// from a field left out.
type nullableFloat struct {
	Set   bool
	Value *float64
}

func (n *nullableFloat) UnmarshalJSON(b []byte) error {
	n.Set = true
	return json.Unmarshal(b, &n.Value)
}

// entryInputJSON is the body of POST and PATCH. Fields left out (or null)
// keep their value on PATCH, except lat and lng: null clears the position
// typed, which then comes from FINESS or the commune centre again.
type entryInputJSON struct {
	Name                  *string       `json:"name"`
	Type                  *string       `json:"type"`
	OperatorID            *string       `json:"operator_id"`
	FinessET              *string       `json:"finess_et"`
	FinessEJ              *string       `json:"finess_ej"`
	Sector                *string       `json:"sector"`
	Authority             *string       `json:"authority"`
	Street                *string       `json:"street"`
	PostalCode            *string       `json:"postal_code"`
	CommuneCode           *string       `json:"commune_code"`
	Lat                   nullableFloat `json:"lat"`
	Lng                   nullableFloat `json:"lng"`
	Confidential          *bool         `json:"confidential"`
	Email                 *string       `json:"email"`
	Phone                 *string       `json:"phone"`
	Website               *string       `json:"website"`
	Description           *string       `json:"description"`
	TerritoryDepartements *[]string     `json:"territory_departements"`
	TerritoryCommunes     *[]string     `json:"territory_communes"`
	TerritoryMinutes      *int          `json:"territory_minutes"`
	OpeningDays           *int          `json:"opening_days"`
	ClosedPeriods         *string       `json:"closed_periods"`
}

// apply copies the fields present in the body onto in.
func (b entryInputJSON) apply(in *directory.EntryInput) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Name, b.Name}, {&in.Type, b.Type}, {&in.OperatorID, b.OperatorID}, {&in.FinessET, b.FinessET},
		{&in.FinessEJ, b.FinessEJ}, {&in.Sector, b.Sector}, {&in.Authority, b.Authority}, {&in.Street, b.Street},
		{&in.PostalCode, b.PostalCode}, {&in.CommuneCode, b.CommuneCode}, {&in.Email, b.Email}, {&in.Phone, b.Phone},
		{&in.Website, b.Website}, {&in.Description, b.Description}, {&in.ClosedPeriods, b.ClosedPeriods}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if b.Lat.Set {
		in.Lat = b.Lat.Value
	}
	if b.Lng.Set {
		in.Lng = b.Lng.Value
	}
	if b.Confidential != nil {
		in.Confidential = *b.Confidential
	}
	if b.TerritoryDepartements != nil {
		in.Territory.Departements = *b.TerritoryDepartements
	}
	if b.TerritoryCommunes != nil {
		in.Territory.Communes = *b.TerritoryCommunes
	}
	if b.TerritoryMinutes != nil {
		in.Territory.MaxMinutes = *b.TerritoryMinutes
	}
	if b.OpeningDays != nil {
		in.OpeningDays = *b.OpeningDays
	}
}

// entryAsInput is the stored entry as input, the base of a PATCH. Only a
// position typed by the structure is input; the others are derived.
func entryAsInput(st directory.Structure) directory.EntryInput {
	in := directory.EntryInput{Name: st.Name, Type: st.Type, OperatorID: st.OperatorID, FinessET: st.FinessET,
		FinessEJ: st.FinessEJ, Sector: st.Sector, Authority: st.Authority, Street: st.Street, PostalCode: st.PostalCode,
		CommuneCode: st.CommuneCode, Confidential: st.Confidential, Email: st.Email, Phone: st.Phone, Website: st.Website,
		Description: st.Description, Territory: st.Territory, OpeningDays: st.OpeningDays, ClosedPeriods: st.ClosedPeriods}
	if st.CoordSource == directory.CoordDirector {
		lat, lng := st.Lat, st.Lng
		in.Lat, in.Lng = &lat, &lng
	}
	return in
}

func (s *Server) apiStructureCreate(w http.ResponseWriter, r *http.Request) error {
	var body entryInputJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var in directory.EntryInput
	body.apply(&in)
	st, err := s.Directory.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/structures/"+st.ID)
	return writeJSON(w, http.StatusCreated, toEntryJSON(st, time.Now()))
}

func (s *Server) apiStructureUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.Directory.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if st.AddressHidden {
		// The entry read lacks its address: it must not be written back.
		// Whoever may change an entry sees its address, so this refuses
		// (and audits the attempt).
		if err := s.Directory.Editable(ctx, st.ID, "structure.update"); err != nil {
			return err
		}
		return apperr.New(apperr.Forbidden, "Vous n'avez pas les droits nécessaires pour cette action.")
	}
	var body entryInputJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := entryAsInput(st)
	body.apply(&in)
	if st, err = s.Directory.Update(ctx, st.ID, in); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toEntryJSON(st, time.Now()))
}

func (s *Server) apiStructureCheck(w http.ResponseWriter, r *http.Request) error {
	if err := s.Directory.MarkChecked(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// offerInputJSON is the body of POST and PUT: the whole offer, fields left
// out being empty; an offer is active unless "active" is false.
type offerInputJSON struct {
	Modality         string   `json:"modality"`
	Label            string   `json:"label"`
	AgeMin           int      `json:"age_min"`
	AgeMax           int      `json:"age_max"`
	Public           string   `json:"public"`
	Needs            []string `json:"needs"`
	Conditions       []string `json:"conditions"`
	PlacesAuthorised int      `json:"places_authorised"`
	PlacesInstalled  int      `json:"places_installed"`
	Description      string   `json:"description"`
	Active           *bool    `json:"active"`
}

// apiOfferSave creates an offer (POST, no offer_id) or replaces one (PUT).
func (s *Server) apiOfferSave(w http.ResponseWriter, r *http.Request) error {
	var b offerInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	in := directory.OfferInput{Modality: b.Modality, Label: b.Label, AgeMin: b.AgeMin, AgeMax: b.AgeMax, Public: b.Public,
		Needs: b.Needs, Conditions: b.Conditions, PlacesAuthorised: b.PlacesAuthorised, PlacesInstalled: b.PlacesInstalled,
		Description: b.Description, Active: b.Active == nil || *b.Active}
	id, offerID := r.PathValue("id"), r.PathValue("offer_id")
	o, err := s.Directory.SaveOffer(r.Context(), id, offerID, in)
	if err != nil {
		return err
	}
	return writeSavedPart(w, offerID == "", "/api/v1/structures/"+id+"/offers/"+o.ID, toOfferJSON(o))
}

// writeSavedPart answers the save of an offer or a contact: 201 with its
// Location when created, 200 when replaced.
func writeSavedPart(w http.ResponseWriter, created bool, location string, body any) error {
	if !created {
		return writeJSON(w, http.StatusOK, body)
	}
	w.Header().Set("Location", location)
	return writeJSON(w, http.StatusCreated, body)
}

// writeDeleted answers a DELETE: 204, or the error.
func writeDeleted(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiOfferDelete(w http.ResponseWriter, r *http.Request) error {
	return writeDeleted(w, s.Directory.DeleteOffer(r.Context(), r.PathValue("id"), r.PathValue("offer_id")))
}

// contactInputJSON is the body of POST and PUT: the whole contact.
type contactInputJSON struct {
	Function string `json:"function"`
	Label    string `json:"label"`
	Holder   string `json:"holder"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	Hours    string `json:"hours"`
}

// apiContactSave creates a contact (POST) or replaces one (PUT).
func (s *Server) apiContactSave(w http.ResponseWriter, r *http.Request) error {
	var b contactInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, contactID := r.PathValue("id"), r.PathValue("contact_id")
	c, err := s.Directory.SaveContact(r.Context(), id, contactID, directory.ContactInput(b))
	if err != nil {
		return err
	}
	return writeSavedPart(w, contactID == "", "/api/v1/structures/"+id+"/contacts/"+c.ID, toContactJSON(c))
}

func (s *Server) apiContactDelete(w http.ResponseWriter, r *http.Request) error {
	return writeDeleted(w, s.Directory.DeleteContact(r.Context(), r.PathValue("id"), r.PathValue("contact_id")))
}

// HSDS pages are numbered from 1.
const (
	hsdsPerPage    = 50
	hsdsMaxPerPage = 100
)

// hsdsPageParams reads page and per_page, naming the parameter at fault.
func hsdsPageParams(q url.Values) (page, perPage int, err error) {
	var v apperr.Validation
	page, perPage = 1, hsdsPerPage
	if s := q.Get("page"); s != "" {
		n, e := strconv.Atoi(s)
		v.Check(e == nil && n >= 1 && n <= 1_000_000, "page", "Nombre entier à partir de 1 attendu.")
		page = n
	}
	if s := q.Get("per_page"); s != "" {
		n, e := strconv.Atoi(s)
		v.Check(e == nil && n >= 1 && n <= hsdsMaxPerPage, "per_page", "Nombre entier de 1 à "+strconv.Itoa(hsdsMaxPerPage)+" attendu.")
		perPage = n
	}
	return page, perPage, v.Err()
}

// hsdsInfoJSON is the HSDS API's "/" document. Passerelle follows HSDS 3.0
// without a profile (its own facts travel as attributes of its taxonomy),
// so there is no profile URL to give.
type hsdsInfoJSON struct {
	Version    string `json:"version"`
	OpenAPIURL string `json:"openapi_url"`
}

func (s *Server) apiHSDSInfo(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, hsdsInfoJSON{Version: hsds.Version,
		OpenAPIURL: s.Config.BaseURL.JoinPath("/api/v1/openapi.json").String()})
}

// sendHSDS audits an HSDS answer of n items, then sends it.
func (s *Server) sendHSDS(w http.ResponseWriter, r *http.Request, n int, v any) error {
	if err := s.Directory.RecordExport(r.Context(), "hsds", n, directory.Query{}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiHSDSServices(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	page, perPage, err := hsdsPageParams(r.URL.Query())
	if err != nil {
		return err
	}
	structures, total, err := s.Directory.HSDSServicePage(r.Context(), perPage, (page-1)*perPage)
	if err != nil {
		return err
	}
	var services []hsds.Service
	for _, st := range structures {
		services = append(services, hsds.ServicesOf(st)...)
	}
	return s.sendHSDS(w, r, len(services), hsds.ServicePage(services, total, page, perPage))
}

func (s *Server) apiHSDSService(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	st, i, err := s.Directory.HSDSService(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendHSDS(w, r, 1, hsds.ServicesOf(st)[i])
}

func (s *Server) apiHSDSOrganizations(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	page, perPage, err := hsdsPageParams(r.URL.Query())
	if err != nil {
		return err
	}
	structures, total, err := s.Directory.HSDSPage(r.Context(), perPage, (page-1)*perPage)
	if err != nil {
		return err
	}
	orgs := make([]hsds.Organization, 0, len(structures))
	for _, st := range structures {
		orgs = append(orgs, hsds.OrganizationOf(st))
	}
	return s.sendHSDS(w, r, len(orgs), hsds.OrganizationPage(orgs, total, page, perPage))
}

func (s *Server) apiHSDSOrganization(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	st, err := s.Directory.HSDSOne(r.Context(), r.PathValue("id"))
	if apperr.Is(err, apperr.NotFound) {
		// An operator: the parent its structures' organisations point to.
		managed, err := s.Directory.HSDSOperator(r.Context(), r.PathValue("id"))
		if err != nil {
			return err
		}
		op, _ := hsds.OperatorOf(managed)
		return s.sendHSDS(w, r, 1, op)
	}
	if err != nil {
		return err
	}
	return s.sendHSDS(w, r, 1, hsds.OrganizationOf(st))
}
