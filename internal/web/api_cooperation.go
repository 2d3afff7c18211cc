package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"passerelle/internal/attach"
	"passerelle/internal/cooperation"
)

// The API of cooperation, on the same service and rules as the pages:
// agreements with their parties, places and signed document; the model
// documents; the knowledge base.

// cooperationAPIRoutes registers their API.
func (s *Server) cooperationAPIRoutes() {
	s.apiRoute("GET", "/api/v1/agreements", s.apiAgreements)
	s.apiRoute("POST", "/api/v1/agreements", s.apiAgreementCreate)
	s.apiRoute("GET", "/api/v1/agreements/counts", s.apiAgreementCounts)
	s.apiRoute("GET", "/api/v1/agreements/{id}", s.apiAgreement)
	s.apiRoute("PUT", "/api/v1/agreements/{id}", s.apiAgreementUpdate)
	s.apiRoute("POST", "/api/v1/agreements/{id}/termination", s.apiAgreementTerminate)
	s.apiRoute("GET", "/api/v1/agreements/{id}/document", s.apiAgreementDocument)
	s.apiRoute("PUT", "/api/v1/agreements/{id}/document", s.apiAgreementDocumentPut)
	s.apiRoute("GET", "/api/v1/agreement-models", s.apiModels)
	s.apiRoute("POST", "/api/v1/agreement-models", s.apiModelCreate)
	s.apiRoute("GET", "/api/v1/agreement-models/{id}", s.apiModel)
	s.apiRoute("PUT", "/api/v1/agreement-models/{id}", s.apiModelUpdate)
	s.apiRoute("GET", "/api/v1/agreement-models/{id}/document", s.apiModelDocument)
	s.apiRoute("PUT", "/api/v1/agreement-models/{id}/document", s.apiModelDocumentPut)
	s.apiRoute("GET", "/api/v1/articles", s.apiArticles)
	s.apiRoute("POST", "/api/v1/articles", s.apiArticleCreate)
	s.apiRoute("GET", "/api/v1/articles/{id}", s.apiArticle)
	s.apiRoute("PUT", "/api/v1/articles/{id}", s.apiArticleUpdate)
	s.apiRoute("POST", "/api/v1/articles/{id}/status", s.apiArticleStatus)
	s.apiRoute("POST", "/api/v1/articles/{id}/attachments", s.apiArticleAttach)
	s.apiRoute("GET", "/api/v1/articles/{id}/attachments/{attachment_id}", s.apiArticleFile)
}

type agreementInputJSON struct {
	Kind           string `json:"kind"`
	Title          string `json:"title"`
	Reference      string `json:"reference"`
	Children       string `json:"children"`
	Support        string `json:"support"`
	SignedOn       string `json:"signed_on"`
	StartsOn       string `json:"starts_on"`
	EndsOn         string `json:"ends_on"`
	DurationMonths int    `json:"duration_months"`
	Tacit          bool   `json:"tacit_renewal"`
	NoticeMonths   int    `json:"notice_months"`
	NoticeGivenOn  string `json:"notice_given_on"`
	ModelID        string `json:"model_id"`
	Parties        []struct {
		OrganisationID string `json:"organisation_id"`
		Role           string `json:"role"`
	} `json:"parties"`
	Contacts []struct {
		Name     string `json:"name"`
		Function string `json:"function"`
		Phone    string `json:"phone"`
		Email    string `json:"email"`
	} `json:"contacts"`
	Places []struct {
		OfferID       string `json:"offer_id"`
		BeneficiaryID string `json:"beneficiary_id"`
		Places        int    `json:"places"`
		PerMonth      bool   `json:"per_month"`
		From          string `json:"from"`
		To            string `json:"to"`
	} `json:"places"`
}

func (b agreementInputJSON) input() cooperation.Input {
	in := cooperation.Input{Kind: b.Kind, Title: b.Title, Reference: b.Reference, Children: b.Children, Support: b.Support, SignedOn: b.SignedOn,
		StartsOn: b.StartsOn, EndsOn: b.EndsOn, DurationMonths: b.DurationMonths, Tacit: b.Tacit, NoticeMonths: b.NoticeMonths,
		NoticeGivenOn: b.NoticeGivenOn, ModelID: b.ModelID}
	for _, p := range b.Parties {
		in.Parties = append(in.Parties, cooperation.PartyInput{OrganisationID: p.OrganisationID, Role: p.Role})
	}
	for _, c := range b.Contacts {
		in.Contacts = append(in.Contacts, cooperation.ContactInput(c))
	}
	for _, p := range b.Places {
		in.Places = append(in.Places, cooperation.PlacesInput(p))
	}
	return in
}

type coopFileJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"created_at"`
}

func coopToFileJSON(f cooperation.FileInfo) coopFileJSON {
	return coopFileJSON{f.ID, f.Name, f.Type, f.Size, f.At.UTC()}
}

type coopPartyJSON struct {
	OrganisationID string `json:"organisation_id"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	Role           string `json:"role"`
	RoleLabel      string `json:"role_label"`
}

type coopContactJSON struct {
	Name     string `json:"name"`
	Function string `json:"function"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
}

type coopPlacesJSON struct {
	OfferID         string `json:"offer_id"`
	Modality        string `json:"modality"`
	StructureID     string `json:"structure_id"`
	StructureName   string `json:"structure_name"`
	BeneficiaryID   string `json:"beneficiary_id"`
	BeneficiaryName string `json:"beneficiary_name"`
	Places          int    `json:"places"`
	PerMonth        bool   `json:"per_month"`
	From            string `json:"from"`
	To              string `json:"to"`
}

type agreementJSON struct {
	ID                string            `json:"id"`
	Departement       string            `json:"departement"`
	Kind              string            `json:"kind"`
	KindLabel         string            `json:"kind_label"`
	Title             string            `json:"title"`
	Reference         string            `json:"reference"`
	Children          string            `json:"children"`
	Support           string            `json:"support"`
	SignedOn          string            `json:"signed_on"`
	StartsOn          string            `json:"starts_on"`
	EndsOn            string            `json:"ends_on"`
	CurrentEnd        string            `json:"current_end"`
	DurationMonths    int               `json:"duration_months"`
	Tacit             bool              `json:"tacit_renewal"`
	NoticeMonths      int               `json:"notice_months"`
	NoticeDeadline    string            `json:"notice_deadline"`
	NoticeGivenOn     string            `json:"notice_given_on"`
	Renews            bool              `json:"renews"`
	TerminatedOn      string            `json:"terminated_on"`
	TerminationReason string            `json:"termination_reason"`
	Status            string            `json:"status"`
	StatusLabel       string            `json:"status_label"`
	ModelID           string            `json:"model_id"`
	CreatedByName     string            `json:"created_by_name"`
	CreatedAt         time.Time         `json:"created_at"`
	UpdatedAt         time.Time         `json:"updated_at"`
	Parties           []coopPartyJSON   `json:"parties"`
	Contacts          []coopContactJSON `json:"contacts"`
	Places            []coopPlacesJSON  `json:"places"`
	Document          *coopFileJSON     `json:"document"`
	CanEdit           bool              `json:"can_edit"`
	CanDownload       bool              `json:"can_download"`
}

func toAgreementJSON(a *cooperation.Agreement) agreementJSON {
	j := agreementJSON{ID: a.ID, Departement: a.Departement, Kind: a.Kind, KindLabel: a.KindLabel(), Title: a.Title, Reference: a.Reference,
		Children: a.Children, Support: a.Support, SignedOn: a.SignedOn, StartsOn: a.StartsOn, EndsOn: a.EndsOn, CurrentEnd: a.CurrentEnd,
		DurationMonths: a.DurationMonths, Tacit: a.Tacit, NoticeMonths: a.NoticeMonths, NoticeDeadline: a.NoticeDeadline,
		NoticeGivenOn: a.NoticeGivenOn, Renews: a.Renews, TerminatedOn: a.TerminatedOn, TerminationReason: a.TerminationReason,
		Status: string(a.Status), StatusLabel: a.StatusLabel(), ModelID: a.ModelID, CreatedByName: a.CreatedByName,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), Parties: []coopPartyJSON{}, Contacts: []coopContactJSON{}, Places: []coopPlacesJSON{},
		CanEdit: a.CanEdit, CanDownload: a.CanDownload}
	for _, p := range a.Parties {
		j.Parties = append(j.Parties, coopPartyJSON{p.OrganisationID, p.Name, string(p.Kind), p.Role, cooperation.Label(cooperation.PartyRoles, p.Role)})
	}
	for _, c := range a.Contacts {
		j.Contacts = append(j.Contacts, coopContactJSON(c))
	}
	for _, p := range a.Places {
		j.Places = append(j.Places, coopPlacesJSON{p.OfferID, p.Modality, p.StructureID, p.StructureName, p.BeneficiaryID, p.BeneficiaryName,
			p.Places, p.PerMonth, p.From, p.To})
	}
	if a.Document != nil {
		f := coopToFileJSON(*a.Document)
		j.Document = &f
	}
	return j
}

type agreementItemJSON struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	KindLabel   string   `json:"kind_label"`
	Title       string   `json:"title"`
	Departement string   `json:"departement"`
	Status      string   `json:"status"`
	StatusLabel string   `json:"status_label"`
	StartsOn    string   `json:"starts_on"`
	CurrentEnd  string   `json:"current_end"`
	Parties     []string `json:"parties"`
	Places      int      `json:"places"`
}

func (s *Server) apiAgreements(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	f := cooperation.Filter{Departement: q.Get("departement"), Kind: q.Get("kind"), Status: q.Get("status"), PartyID: q.Get("party"), Text: q.Get("q")}
	if d := q.Get("ending_within"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return requestParamError("ending_within", "Un nombre de jours de 0 à 3 650.")
		}
		f.EndingWithin = n
	}
	items, err := s.Cooperation.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := []agreementItemJSON{}
	for _, it := range items {
		out = append(out, agreementItemJSON{it.ID, it.Kind, it.KindLabel(), it.Title, it.Departement, string(it.Status), it.StatusLabel(),
			it.StartsOn, it.CurrentEnd, emptyIfNil(it.Parties), it.Places})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiAgreementCounts(w http.ResponseWriter, r *http.Request) error {
	a, err := requireActor(r)
	if err != nil {
		return err
	}
	dep := r.URL.Query().Get("departement")
	if dep == "" {
		dep = cooperation.Territory(a)
	}
	counts, err := s.Cooperation.CountsByKind(r.Context(), dep)
	if err != nil {
		return err
	}
	type countJSON struct {
		Kind    string `json:"kind"`
		Label   string `json:"label"`
		Total   int    `json:"total"`
		InForce int    `json:"in_force"`
	}
	out := []countJSON{}
	for _, c := range counts {
		out = append(out, countJSON{c.Kind, c.Label, c.Total, c.InForce})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"departement": dep, "items": out})
}

func (s *Server) apiAgreementCreate(w http.ResponseWriter, r *http.Request) error {
	var b agreementInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Cooperation.Create(r.Context(), b.input())
	if err != nil {
		return err
	}
	ag, err := s.Cooperation.Get(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/agreements/"+id)
	return writeJSON(w, http.StatusCreated, toAgreementJSON(ag))
}

func (s *Server) apiAgreement(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	ag, err := s.Cooperation.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAgreementJSON(ag))
}

func (s *Server) apiAgreementUpdate(w http.ResponseWriter, r *http.Request) error {
	var b agreementInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Cooperation.Update(r.Context(), r.PathValue("id"), b.input()); err != nil {
		return err
	}
	return s.apiAgreement(w, r)
}

func (s *Server) apiAgreementTerminate(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		TerminatedOn string `json:"terminated_on"`
		Reason       string `json:"reason"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Cooperation.Terminate(r.Context(), r.PathValue("id"), cooperation.Termination{On: b.TerminatedOn, Reason: b.Reason}); err != nil {
		return err
	}
	return s.apiAgreement(w, r)
}

// coopBodyFile reads a file sent as the raw body of a request, named by the
// "name" parameter.
func coopBodyFile(r *http.Request, defaultName string) (attach.File, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, attach.MaxSize+1))
	if err != nil {
		return attach.File{}, tooLarge(err)
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = defaultName
	}
	return attach.File{Name: name, Data: data}, nil
}

func (s *Server) apiAgreementDocument(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	f, err := s.Cooperation.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}

func (s *Server) apiAgreementDocumentPut(w http.ResponseWriter, r *http.Request) error {
	f, err := coopBodyFile(r, "accord-signe.pdf")
	if err != nil {
		return err
	}
	if err := s.Cooperation.SetDocument(r.Context(), r.PathValue("id"), f); err != nil {
		return err
	}
	return s.apiAgreement(w, r)
}

type coopModelJSON struct {
	ID             string        `json:"id"`
	Departement    string        `json:"departement"`
	Title          string        `json:"title"`
	Kind           string        `json:"kind"`
	KindLabel      string        `json:"kind_label"`
	Description    string        `json:"description"`
	Children       string        `json:"children"`
	Support        string        `json:"support"`
	DurationMonths int           `json:"duration_months"`
	Tacit          bool          `json:"tacit_renewal"`
	NoticeMonths   int           `json:"notice_months"`
	CreatedByName  string        `json:"created_by_name"`
	UpdatedAt      time.Time     `json:"updated_at"`
	Document       *coopFileJSON `json:"document"`
}

func coopToModelJSON(m *cooperation.Model) coopModelJSON {
	j := coopModelJSON{m.ID, m.Departement, m.Title, m.Kind, m.KindLabel(), m.Description, m.Children, m.Support, m.DurationMonths, m.Tacit,
		m.NoticeMonths, m.CreatedByName, m.UpdatedAt.UTC(), nil}
	if m.Document != nil {
		f := coopToFileJSON(*m.Document)
		j.Document = &f
	}
	return j
}

type coopModelInputJSON struct {
	Title          string `json:"title"`
	Kind           string `json:"kind"`
	Description    string `json:"description"`
	Children       string `json:"children"`
	Support        string `json:"support"`
	DurationMonths int    `json:"duration_months"`
	Tacit          bool   `json:"tacit_renewal"`
	NoticeMonths   int    `json:"notice_months"`
}

func (s *Server) apiModels(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	models, err := s.Cooperation.Models(r.Context())
	if err != nil {
		return err
	}
	out := []coopModelJSON{}
	for i := range models {
		out = append(out, coopToModelJSON(&models[i]))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiModelCreate(w http.ResponseWriter, r *http.Request) error {
	var b coopModelInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Cooperation.CreateModel(r.Context(), cooperation.ModelInput(b))
	if err != nil {
		return err
	}
	m, err := s.Cooperation.GetModel(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/agreement-models/"+id)
	return writeJSON(w, http.StatusCreated, coopToModelJSON(m))
}

func (s *Server) apiModel(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	m, err := s.Cooperation.GetModel(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, coopToModelJSON(m))
}

func (s *Server) apiModelUpdate(w http.ResponseWriter, r *http.Request) error {
	var b coopModelInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Cooperation.UpdateModel(r.Context(), r.PathValue("id"), cooperation.ModelInput(b)); err != nil {
		return err
	}
	return s.apiModel(w, r)
}

func (s *Server) apiModelDocument(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	f, err := s.Cooperation.ModelDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}

func (s *Server) apiModelDocumentPut(w http.ResponseWriter, r *http.Request) error {
	f, err := coopBodyFile(r, "modele.pdf")
	if err != nil {
		return err
	}
	if err := s.Cooperation.SetModelDocument(r.Context(), r.PathValue("id"), f); err != nil {
		return err
	}
	return s.apiModel(w, r)
}

type articleInputJSON struct {
	OrganisationID string   `json:"organisation_id"`
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	Body           string   `json:"body"`
	Tags           []string `json:"tags"`
	StructureTypes []string `json:"structure_types"`
	AgreementIDs   []string `json:"agreement_ids"`
	StructureIDs   []string `json:"structure_ids"`
}

func (b articleInputJSON) input() cooperation.ArticleInput {
	return cooperation.ArticleInput{OrganisationID: b.OrganisationID, Title: b.Title, Summary: b.Summary, Body: b.Body, Tags: b.Tags,
		StructureTypes: b.StructureTypes, AgreementIDs: b.AgreementIDs, StructureIDs: b.StructureIDs}
}

type coopLinkJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type articleJSON struct {
	ID               string         `json:"id"`
	Departement      string         `json:"departement"`
	OrganisationID   string         `json:"organisation_id"`
	OrganisationName string         `json:"organisation_name"`
	AuthorName       string         `json:"author_name"`
	Title            string         `json:"title"`
	Summary          string         `json:"summary"`
	Body             string         `json:"body"`
	Status           string         `json:"status"`
	StatusLabel      string         `json:"status_label"`
	ReviewedByName   string         `json:"reviewed_by_name"`
	ReviewedAt       *time.Time     `json:"reviewed_at"`
	PublishedAt      *time.Time     `json:"published_at"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
	Tags             []string       `json:"tags"`
	StructureTypes   []string       `json:"structure_types"`
	Agreements       []coopLinkJSON `json:"agreements"`
	Structures       []coopLinkJSON `json:"structures"`
	Attachments      []coopFileJSON `json:"attachments"`
	CanEdit          bool           `json:"can_edit"`
	CanReview        bool           `json:"can_review"`
	CanPublish       bool           `json:"can_publish"`
}

func toArticleJSON(a *cooperation.Article) articleJSON {
	j := articleJSON{ID: a.ID, Departement: a.Departement, OrganisationID: a.OrganisationID, OrganisationName: a.OrganisationName,
		AuthorName: a.AuthorName, Title: a.Title, Summary: a.Summary, Body: a.Body, Status: a.Status, StatusLabel: a.StatusLabel(),
		ReviewedByName: a.ReviewedByName, ReviewedAt: requestUTC(a.ReviewedAt), PublishedAt: requestUTC(a.PublishedAt),
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), Tags: emptyIfNil(a.Tags), StructureTypes: emptyIfNil(a.StructureTypes),
		Agreements: []coopLinkJSON{}, Structures: []coopLinkJSON{}, Attachments: []coopFileJSON{}, CanEdit: a.CanEdit, CanReview: a.CanReview,
		CanPublish: a.CanPublish}
	for _, x := range a.Agreements {
		j.Agreements = append(j.Agreements, coopLinkJSON{x.ID, x.Name})
	}
	for _, x := range a.Structures {
		j.Structures = append(j.Structures, coopLinkJSON{x.ID, x.Name})
	}
	for _, f := range a.Attachments {
		j.Attachments = append(j.Attachments, coopToFileJSON(f))
	}
	return j
}

func (s *Server) apiArticles(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := s.Cooperation.Articles(r.Context(), cooperation.ArticleFilter{Text: q.Get("q"), Tag: q.Get("tag"),
		StructureType: q.Get("structure_type"), Status: q.Get("status")})
	if err != nil {
		return err
	}
	type itemJSON struct {
		ID               string    `json:"id"`
		Title            string    `json:"title"`
		Summary          string    `json:"summary"`
		Status           string    `json:"status"`
		StatusLabel      string    `json:"status_label"`
		AuthorName       string    `json:"author_name"`
		OrganisationName string    `json:"organisation_name"`
		Tags             []string  `json:"tags"`
		UpdatedAt        time.Time `json:"updated_at"`
	}
	out := []itemJSON{}
	for _, it := range items {
		out = append(out, itemJSON{it.ID, it.Title, it.Summary, it.Status, it.StatusLabel(), it.AuthorName, it.OrganisationName,
			emptyIfNil(it.Tags), it.UpdatedAt.UTC()})
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (s *Server) apiArticleCreate(w http.ResponseWriter, r *http.Request) error {
	var b articleInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Cooperation.CreateArticle(r.Context(), b.input())
	if err != nil {
		return err
	}
	a, err := s.Cooperation.GetArticle(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/articles/"+id)
	return writeJSON(w, http.StatusCreated, toArticleJSON(a))
}

func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	a, err := s.Cooperation.GetArticle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toArticleJSON(a))
}

func (s *Server) apiArticleUpdate(w http.ResponseWriter, r *http.Request) error {
	var b articleInputJSON
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Cooperation.UpdateArticle(r.Context(), r.PathValue("id"), b.input()); err != nil {
		return err
	}
	return s.apiArticle(w, r)
}

func (s *Server) apiArticleStatus(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Status string `json:"status"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if err := s.Cooperation.SetArticleStatus(r.Context(), r.PathValue("id"), b.Status); err != nil {
		return err
	}
	return s.apiArticle(w, r)
}

func (s *Server) apiArticleAttach(w http.ResponseWriter, r *http.Request) error {
	f, err := coopBodyFile(r, "piece-jointe")
	if err != nil {
		return err
	}
	if err := s.Cooperation.AddArticleFiles(r.Context(), r.PathValue("id"), []attach.File{f}); err != nil {
		return err
	}
	return s.apiArticle(w, r)
}

func (s *Server) apiArticleFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	f, err := s.Cooperation.ArticleFile(r.Context(), r.PathValue("id"), r.PathValue("attachment_id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
