package web

import (
	"net/http"
	"net/url"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/cooperation"
)

// The knowledge base: articles on practices that work, written by the
// steering and the structures' teams, reviewed and published by the
// steering.

func (s *Server) knowledgeRoutes() {
	m := s.mux
	m.HandleFunc("GET /cooperation/pratiques", s.page(s.knowledgeList))
	m.HandleFunc("GET /cooperation/pratiques/nouvelle", s.page(s.knowledgeNewForm))
	m.HandleFunc("POST /cooperation/pratiques/nouvelle", s.page(s.knowledgeSave))
	m.HandleFunc("GET /cooperation/pratiques/{id}", s.page(s.knowledgeView))
	m.HandleFunc("GET /cooperation/pratiques/{id}/modifier", s.page(s.knowledgeEditForm))
	m.HandleFunc("POST /cooperation/pratiques/{id}/modifier", s.page(s.knowledgeSave))
	m.HandleFunc("POST /cooperation/pratiques/{id}/etape", s.page(s.knowledgeStep))
	m.HandleFunc("POST /cooperation/pratiques/{id}/pieces", s.page(s.knowledgeAttach))
	m.HandleFunc("GET /cooperation/pratiques/{id}/pieces/{fid}", s.page(s.knowledgeFile))
}

// canWriteArticles: the service's own rule (steering authorities, directors
// and educators of structures), so that nobody fills a form it refuses.
func canWriteArticles(a access.Actor) bool { return len(cooperation.WriterOrgs(a)) > 0 }

// knowledgeListPage is the knowledge base with its search.
type knowledgeListPage struct {
	Items    []cooperation.ArticleItem
	Tags     []string
	Query    url.Values
	Errors   map[string]string
	CanWrite bool
	Filtered bool
}

func (s *Server) knowledgeList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := knowledgeListPage{Query: q, Errors: map[string]string{}, CanWrite: canWriteArticles(access.ActorFrom(r.Context()))}
	f := cooperation.ArticleFilter{Text: q.Get("q"), Tag: q.Get("mot"), StructureType: q.Get("type"), Status: q.Get("etape")}
	p.Filtered = f != cooperation.ArticleFilter{}
	status := http.StatusOK
	items, err := s.Cooperation.Articles(r.Context(), f)
	if e, ok := asInvalid(err); ok {
		names := map[string]string{"structure_type": "type", "status": "etape"}
		for k, v := range e.Fields {
			p.Errors[names[k]] = v
		}
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	p.Items = items
	if p.Tags, err = s.Cooperation.Tags(r.Context()); err != nil {
		return err
	}
	s.render(w, r, status, "knowledge_list", "Pratiques qui marchent", p)
	return nil
}

// knowledgeFormPage is the form of an article.
type knowledgeFormPage struct {
	ID         string
	Form       Form
	Agreements []cooperation.Item
	Structures []cooperation.Choice
	Orgs       []access.Membership // the organisations the author may write for
}

func (s *Server) knowledgeFormShow(w http.ResponseWriter, r *http.Request, status int, p knowledgeFormPage) error {
	a := access.ActorFrom(r.Context())
	p.Orgs = cooperation.WriterOrgs(a)
	if p.ID == "" && len(p.Orgs) == 0 { // an edit is allowed by the article's own rule (knowledgeEditForm, the service)
		return apperr.New(apperr.Forbidden, "Les articles sont écrits par le pilotage et par les équipes des structures.")
	}
	dep := cooperation.Territory(a)
	var err error
	if p.Agreements, err = s.Cooperation.List(r.Context(), cooperation.Filter{Departement: dep}); err != nil {
		return err
	}
	if p.Structures, err = s.Cooperation.StructureChoices(r.Context(), dep); err != nil {
		return err
	}
	title := "Nouvel article"
	if p.ID != "" {
		title = "Modifier l'article"
	}
	s.render(w, r, status, "knowledge_form", title, p)
	return nil
}

func (s *Server) knowledgeNewForm(w http.ResponseWriter, r *http.Request) error {
	return s.knowledgeFormShow(w, r, http.StatusOK, knowledgeFormPage{Form: Form{Values: url.Values{}, Errors: map[string]string{}}})
}

func (s *Server) knowledgeEditForm(w http.ResponseWriter, r *http.Request) error {
	ar, err := s.Cooperation.GetArticle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ar.CanEdit {
		return apperr.New(apperr.Forbidden, "Un article est modifié par son auteur ou par le pilotage du territoire.")
	}
	v := url.Values{"title": {ar.Title}, "summary": {ar.Summary}, "body": {ar.Body}, "tags": {strings.Join(ar.Tags, ", ")},
		"structure_types": ar.StructureTypes}
	for _, a := range ar.Agreements {
		v.Add("agreements", a.ID)
	}
	for _, st := range ar.Structures {
		v.Add("structures", st.ID)
	}
	return s.knowledgeFormShow(w, r, http.StatusOK, knowledgeFormPage{ID: ar.ID, Form: Form{Values: v, Errors: map[string]string{}}})
}

func (s *Server) knowledgeSave(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "attachments")
	if err != nil {
		return err
	}
	v := r.PostForm
	in := cooperation.ArticleInput{OrganisationID: v.Get("organisation"), Title: v.Get("title"), Summary: v.Get("summary"), Body: v.Get("body"),
		Tags: []string{v.Get("tags")}, StructureTypes: v["structure_types"], AgreementIDs: v["agreements"], StructureIDs: v["structures"],
		Attachments: files}
	id := r.PathValue("id")
	if id == "" {
		id, err = s.Cooperation.CreateArticle(r.Context(), in)
	} else {
		err = s.Cooperation.UpdateArticle(r.Context(), id, in)
	}
	form := formFrom(r)
	if formError(&form, err) {
		form.Errors = renameKeys(form.Errors, map[string]string{"agreement_ids": "agreements", "structure_ids": "structures"})
		return s.knowledgeFormShow(w, r, http.StatusUnprocessableEntity, knowledgeFormPage{ID: r.PathValue("id"), Form: form})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Article enregistré. Il sera lu par tout le territoire une fois relu et publié par le pilotage.")
	http.Redirect(w, r, "/cooperation/pratiques/"+id, http.StatusSeeOther)
	return nil
}

func renameKeys(m map[string]string, names map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if n, ok := names[k]; ok {
			k = n
		}
		out[k] = v
	}
	return out
}

// knowledgePage is one article.
type knowledgePage struct {
	A    *cooperation.Article
	Form Form
}

func (s *Server) knowledgeShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	ar, err := s.Cooperation.GetArticle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	s.render(w, r, status, "knowledge_article", ar.Title, knowledgePage{A: ar, Form: form})
	return nil
}

func (s *Server) knowledgeView(w http.ResponseWriter, r *http.Request) error {
	return s.knowledgeShow(w, r, http.StatusOK, Form{Errors: map[string]string{}})
}

func (s *Server) knowledgeStep(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	to := r.PostForm.Get("status")
	err := s.Cooperation.SetArticleStatus(r.Context(), r.PathValue("id"), to)
	form := formFrom(r)
	if formError(&form, err) || apperr.Is(err, apperr.Conflict) {
		form.Message = apperrMessage(err)
		return s.knowledgeShow(w, r, statusOf(apperr.CodeOf(err)), form)
	}
	if err != nil {
		return err
	}
	msg := map[string]string{cooperation.ArticleReviewed: "Article marqué relu.", cooperation.ArticlePublished: "Article publié : tout le territoire peut le lire.",
		cooperation.ArticleDraft: "Article renvoyé en brouillon."}[to]
	s.flash(r, msg)
	http.Redirect(w, r, "/cooperation/pratiques/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) knowledgeAttach(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "attachments")
	if err == nil {
		err = s.Cooperation.AddArticleFiles(r.Context(), r.PathValue("id"), files)
	}
	form := Form{Values: url.Values{}, Errors: map[string]string{}}
	if formError(&form, err) {
		return s.knowledgeShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Pièce jointe ajoutée.")
	http.Redirect(w, r, "/cooperation/pratiques/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) knowledgeFile(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Cooperation.ArticleFile(r.Context(), r.PathValue("id"), r.PathValue("fid"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
