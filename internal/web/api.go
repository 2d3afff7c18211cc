package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// requireActor refuses API calls without a valid token or session.
func requireActor(r *http.Request) (access.Actor, error) {
	a := access.ActorFrom(r.Context())
	if !a.Authenticated() {
		return a, apperr.New(apperr.Unauthorized, "Authentification requise : jeton d'accès (Authorization: Bearer …) ou session.")
	}
	return a, nil
}

// listParams reads limit and offset, naming the parameter at fault.
func listParams(q url.Values, defLimit, maxLimit int) (limit, offset int, err error) {
	var v apperr.Validation
	limit, offset = defLimit, 0
	if s := q.Get("limit"); s != "" {
		n, e := strconv.Atoi(s)
		v.Check(e == nil && n >= 1 && n <= maxLimit, "limit", "Nombre entier de 1 à "+strconv.Itoa(maxLimit)+" attendu.")
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, e := strconv.Atoi(s)
		v.Check(e == nil && n >= 0 && n <= 1_000_000, "offset", "Nombre entier positif attendu.")
		offset = n
	}
	return limit, offset, v.Err()
}

type listJSON[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

type membershipJSON struct {
	OrganisationID   string `json:"organisation_id"`
	OrganisationName string `json:"organisation_name,omitempty"`
	OrganisationKind string `json:"organisation_kind,omitempty"`
	Departement      string `json:"departement,omitempty"`
	Role             string `json:"role"`
}

func membershipsJSON(ms []access.Membership) []membershipJSON {
	out := make([]membershipJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, membershipJSON{m.OrganisationID, m.OrganisationName, string(m.OrganisationKind), m.Departement, string(m.Role)})
	}
	return out
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"id": a.AccountID, "email": a.Email, "name": a.Name, "memberships": membershipsJSON(a.Memberships),
	})
}

type communeJSON struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Departement  string   `json:"departement"`
	PostalCodes  []string `json:"postal_codes"`
	Lat          float64  `json:"lat"`
	Lng          float64  `json:"lng"`
	CentreApprox bool     `json:"centre_approx,omitempty"`
}

// apiCommunes is public reference data; it needs no account.
func (s *Server) apiCommunes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _, err := listParams(q, 10, 50)
	if err != nil {
		return err
	}
	items := []communeJSON{}
	for _, c := range geo.SearchCommunes(q.Get("q"), limit) {
		items = append(items, communeJSON{c.Code, c.Name, c.Departement, c.PostalCodes, c.Lat, c.Lng, c.CentreApprox})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

type orgJSON struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	Name          string    `json:"name"`
	StructureType string    `json:"structure_type,omitempty"`
	OperatorID    string    `json:"operator_id,omitempty"`
	CommuneCode   string    `json:"commune_code,omitempty"`
	Departement   string    `json:"departement,omitempty"`
	Email         string    `json:"email,omitempty"`
	Phone         string    `json:"phone,omitempty"`
	Active        bool      `json:"active"`
	Fictional     bool      `json:"fictional"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toOrgJSON(o org.Organisation) orgJSON {
	return orgJSON{o.ID, string(o.Kind), o.Name, o.StructureType, o.OperatorID, o.CommuneCode, o.Departement,
		o.Email, o.Phone, o.Active, o.Fictional, o.CreatedAt.UTC(), o.UpdatedAt.UTC()}
}

func (s *Server) apiOrgList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, offset, err := listParams(q, 50, 200)
	if err != nil {
		return err
	}
	f := org.Filter{Q: q.Get("q"), Kind: access.OrgKind(q.Get("kind")), StructureType: q.Get("structure_type"),
		Departement: q.Get("departement"), IncludeInactive: q.Get("include_inactive") == "true", Limit: limit, Offset: offset}
	if f.Kind != "" && !f.Kind.Valid() {
		return &apperr.Error{Code: apperr.Invalid, Message: "Paramètre invalide.", Fields: map[string]string{"kind": "Catégorie inconnue."}}
	}
	orgs, total, err := s.Orgs.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := listJSON[orgJSON]{Items: []orgJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, o := range orgs {
		out.Items = append(out.Items, toOrgJSON(o))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiOrgGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	o, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(o))
}

type orgInputJSON struct {
	Kind          *string `json:"kind"`
	Name          *string `json:"name"`
	StructureType *string `json:"structure_type"`
	OperatorID    *string `json:"operator_id"`
	CommuneCode   *string `json:"commune_code"`
	Email         *string `json:"email"`
	Phone         *string `json:"phone"`
	Active        *bool   `json:"active"`
}

// apply copies the fields present in the body onto in (PATCH semantics).
func (b orgInputJSON) apply(in *org.Input) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if b.Kind != nil {
		in.Kind = access.OrgKind(*b.Kind)
	}
	set(&in.Name, b.Name)
	set(&in.StructureType, b.StructureType)
	set(&in.OperatorID, b.OperatorID)
	set(&in.CommuneCode, b.CommuneCode)
	set(&in.Email, b.Email)
	set(&in.Phone, b.Phone)
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) error {
	var body orgInputJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Active != nil {
		return &apperr.Error{Code: apperr.Invalid, Message: "Certaines informations sont à corriger.",
			Fields: map[string]string{"active": "Une nouvelle organisation est toujours active."}}
	}
	var in org.Input
	body.apply(&in)
	o, err := s.Orgs.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+o.ID)
	return writeJSON(w, http.StatusCreated, toOrgJSON(o))
}

func (s *Server) apiOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.Orgs.Get(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body orgInputJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := org.Input{Kind: o.Kind, Name: o.Name, StructureType: o.StructureType, OperatorID: o.OperatorID,
		CommuneCode: o.CommuneCode, Email: o.Email, Phone: o.Phone}
	body.apply(&in)
	if body.Kind != nil || body.Name != nil || body.StructureType != nil || body.OperatorID != nil ||
		body.CommuneCode != nil || body.Email != nil || body.Phone != nil {
		if o, err = s.Orgs.Update(ctx, o.ID, in); err != nil {
			return err
		}
	}
	if body.Active != nil && *body.Active != o.Active {
		if err := s.Orgs.SetActive(ctx, o.ID, *body.Active); err != nil {
			return err
		}
		if o, err = s.Orgs.Get(ctx, o.ID); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, toOrgJSON(o))
}

type accountJSON struct {
	ID          string           `json:"id"`
	Email       string           `json:"email"`
	Name        string           `json:"name"`
	Active      bool             `json:"active"`
	TOTPEnabled bool             `json:"totp_enabled"`
	HasPassword bool             `json:"has_password"`
	CreatedAt   time.Time        `json:"created_at"`
	LastLoginAt *time.Time       `json:"last_login_at"`
	Memberships []membershipJSON `json:"memberships"`
}

func toAccountJSON(a auth.Account) accountJSON {
	j := accountJSON{ID: a.ID, Email: a.Email, Name: a.Name, Active: a.Active, TOTPEnabled: a.TOTPEnabled,
		HasPassword: a.HasPassword, CreatedAt: a.CreatedAt.UTC(), Memberships: membershipsJSON(a.Memberships)}
	if !a.LastLoginAt.IsZero() {
		t := a.LastLoginAt.UTC()
		j.LastLoginAt = &t
	}
	return j
}

func (s *Server) apiAccountList(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	if err := access.Check(r.Context(), access.ActionList, access.Resource{Type: access.ResAccount}); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, offset, err := listParams(q, 50, 200)
	if err != nil {
		return err
	}
	f := auth.AccountFilter{Q: q.Get("q"), OrganisationID: q.Get("organisation_id"), Role: access.Role(q.Get("role")),
		IncludeInactive: q.Get("include_inactive") == "true", Limit: limit, Offset: offset}
	if f.Role != "" && !f.Role.Valid() {
		return &apperr.Error{Code: apperr.Invalid, Message: "Paramètre invalide.", Fields: map[string]string{"role": "Rôle inconnu."}}
	}
	accs, total, err := s.Auth.ListAccounts(r.Context(), f)
	if err != nil {
		return err
	}
	out := listJSON[accountJSON]{Items: []accountJSON{}, Total: total, Limit: limit, Offset: offset}
	for _, a := range accs {
		out.Items = append(out.Items, toAccountJSON(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAccountGet(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	a, err := s.Auth.GetAccount(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAccountJSON(a))
}

type accountCreateJSON struct {
	Email       string           `json:"email"`
	Name        string           `json:"name"`
	Password    string           `json:"password"`
	Memberships []membershipJSON `json:"memberships"`
}

func (s *Server) apiAccountCreate(w http.ResponseWriter, r *http.Request) error {
	var body accountCreateJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := auth.NewAccount{Email: body.Email, Name: body.Name, Password: body.Password, Invite: body.Password == ""}
	for _, m := range body.Memberships {
		in.Memberships = append(in.Memberships, auth.MembershipInput{OrganisationID: m.OrganisationID, Role: access.Role(m.Role)})
	}
	a, err := s.Auth.CreateAccount(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/accounts/"+a.ID)
	return writeJSON(w, http.StatusCreated, toAccountJSON(a))
}

type accountUpdateJSON struct {
	Name   *string `json:"name"`
	Active *bool   `json:"active"`
}

func (s *Server) apiAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.Auth.GetAccount(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	var body accountUpdateJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Name != nil {
		if err := s.Auth.UpdateName(ctx, a.ID, *body.Name); err != nil {
			return err
		}
	}
	if body.Active != nil && *body.Active != a.Active {
		if err := s.Auth.SetAccountActive(ctx, a.ID, *body.Active); err != nil {
			return err
		}
	}
	if a, err = s.Auth.GetAccount(ctx, a.ID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAccountJSON(a))
}

type auditJSON struct {
	Seq            int64     `json:"seq"`
	At             time.Time `json:"at"`
	ActorID        string    `json:"actor_id,omitempty"`
	ActorLabel     string    `json:"actor_label"`
	OrganisationID string    `json:"organisation_id,omitempty"`
	Action         string    `json:"action"`
	ResourceType   string    `json:"resource_type,omitempty"`
	ResourceID     string    `json:"resource_id,omitempty"`
	Reason         string    `json:"reason,omitempty"`
	RequestID      string    `json:"request_id,omitempty"`
	IP             string    `json:"ip,omitempty"`
	Details        string    `json:"details,omitempty"`
	Hash           string    `json:"hash"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	limit, _, err := listParams(q, 100, 500)
	if err != nil {
		return err
	}
	f, bad := auditFilter(url.Values{"acteur": {q.Get("actor")}, "action": {q.Get("action")}, "type": {q.Get("resource_type")},
		"ressource": {q.Get("resource_id")}, "du": {q.Get("from")}, "au": {q.Get("to")}, "avant": {q.Get("before")}})
	if len(bad) > 0 {
		fields := map[string]string{}
		for k, v := range bad {
			fields[map[string]string{"du": "from", "au": "to"}[k]] = v
		}
		return &apperr.Error{Code: apperr.Invalid, Message: "Paramètre invalide.", Fields: fields}
	}
	f.Limit = limit
	rows, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	items := []auditJSON{}
	for _, x := range rows {
		items = append(items, auditJSON{x.Seq, x.At.UTC(), x.ActorID, x.ActorLabel, x.OrganisationID, x.Action, x.ResourceType,
			x.ResourceID, x.Reason, x.RequestID, x.IP, x.Details, x.Hash})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, "Aucune opération de l'API à cette adresse ; voir /api/v1/openapi.json.")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	s.fail(w, r, http.StatusNotFound, "")
	return nil
}
