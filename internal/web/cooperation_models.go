package web

import (
	"net/http"
	"net/url"
	"strconv"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/cooperation"
)

// The model documents a territory publishes, to start an agreement from.

func (s *Server) cooperationModelRoutes() {
	m := s.mux
	m.HandleFunc("GET /cooperation/modeles", s.page(s.coopModels))
	m.HandleFunc("GET /cooperation/modeles/nouveau", s.page(s.coopModelNewForm))
	m.HandleFunc("POST /cooperation/modeles/nouveau", s.page(s.coopModelSave))
	m.HandleFunc("GET /cooperation/modeles/{id}/modifier", s.page(s.coopModelEditForm))
	m.HandleFunc("POST /cooperation/modeles/{id}/modifier", s.page(s.coopModelSave))
	m.HandleFunc("POST /cooperation/modeles/{id}/document", s.page(s.coopModelUpload))
	m.HandleFunc("GET /cooperation/modeles/{id}/document", s.page(s.coopModelDocument))
}

// coopModelsPage lists the models.
type coopModelsPage struct {
	Models    []cooperation.Model
	CanCreate bool
	CanStart  bool
	Form      Form // the upload's errors, with Values["model"] the model at fault
}

func (s *Server) coopModelsShow(w http.ResponseWriter, r *http.Request, status int, form Form) error {
	a := access.ActorFrom(r.Context())
	models, err := s.Cooperation.Models(r.Context())
	if err != nil {
		return err
	}
	if form.Values == nil {
		form.Values = url.Values{}
	}
	s.render(w, r, status, "coop_models", "Modèles de documents", coopModelsPage{Models: models, Form: form,
		CanCreate: access.Can(a, access.ActionCreate, access.Resource{Type: access.ResAgreementModel, Departement: cooperation.Territory(a)}),
		CanStart:  canRegisterAgreements(a)})
	return nil
}

func (s *Server) coopModels(w http.ResponseWriter, r *http.Request) error {
	return s.coopModelsShow(w, r, http.StatusOK, Form{})
}

// coopModelFormPage is the form of a model.
type coopModelFormPage struct {
	ID   string
	Form Form
}

func modelValues(m *cooperation.Model) url.Values {
	v := url.Values{"title": {m.Title}, "kind": {m.Kind}, "description": {m.Description}, "children": {m.Children}, "support": {m.Support}}
	if m.DurationMonths > 0 {
		v.Set("duration_months", strconv.Itoa(m.DurationMonths))
	}
	if m.NoticeMonths > 0 {
		v.Set("notice_months", strconv.Itoa(m.NoticeMonths))
	}
	if m.Tacit {
		v.Set("tacit", "1")
	}
	return v
}

func (s *Server) coopModelNewForm(w http.ResponseWriter, r *http.Request) error {
	a := access.ActorFrom(r.Context())
	if !access.Can(a, access.ActionCreate, access.Resource{Type: access.ResAgreementModel, Departement: cooperation.Territory(a)}) {
		return apperr.New(apperr.Forbidden, "Les modèles sont publiés par le pilotage du territoire.")
	}
	s.render(w, r, http.StatusOK, "coop_model_form", "Nouveau modèle", coopModelFormPage{Form: Form{Values: url.Values{"kind": {"convention"}}, Errors: map[string]string{}}})
	return nil
}

func (s *Server) coopModelEditForm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Cooperation.GetModel(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !m.CanEdit {
		return apperr.New(apperr.Forbidden, "Les modèles sont modifiés par le pilotage du territoire.")
	}
	s.render(w, r, http.StatusOK, "coop_model_form", "Modifier le modèle", coopModelFormPage{ID: m.ID, Form: Form{Values: modelValues(m), Errors: map[string]string{}}})
	return nil
}

func (s *Server) coopModelSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	in := cooperation.ModelInput{Title: v.Get("title"), Kind: v.Get("kind"), Description: v.Get("description"), Children: v.Get("children"),
		Support: v.Get("support"), DurationMonths: coopNumber(v.Get("duration_months")), Tacit: v.Get("tacit") == "1", NoticeMonths: coopNumber(v.Get("notice_months"))}
	id := r.PathValue("id")
	var err error
	if id == "" {
		id, err = s.Cooperation.CreateModel(r.Context(), in)
	} else {
		err = s.Cooperation.UpdateModel(r.Context(), id, in)
	}
	form := formFrom(r)
	if formError(&form, err) {
		s.render(w, r, http.StatusUnprocessableEntity, "coop_model_form", "Modèle", coopModelFormPage{ID: r.PathValue("id"), Form: form})
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, "Modèle enregistré. Déposez son PDF ci-dessous.")
	http.Redirect(w, r, "/cooperation/modeles#m-"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) coopModelUpload(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "document")
	if err == nil {
		if len(files) != 1 {
			err = &apperr.Error{Code: apperr.Invalid, Message: "Le document n'est pas enregistré.", Fields: map[string]string{"document": "Choisissez le PDF du modèle."}}
		} else {
			err = s.Cooperation.SetModelDocument(r.Context(), r.PathValue("id"), files[0])
		}
	}
	form := Form{Values: url.Values{"model": {r.PathValue("id")}}, Errors: map[string]string{}}
	if formError(&form, err) {
		return s.coopModelsShow(w, r, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	s.flash(r, "PDF du modèle enregistré.")
	http.Redirect(w, r, "/cooperation/modeles#m-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) coopModelDocument(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Cooperation.ModelDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
