package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/directory"
)

// Offers and contacts are edited one per page, so that a director on a
// phone changes the on-duty number without scrolling through the entry.

type dirPartPage struct {
	Form    Form
	S       directory.Structure
	PartID  string // "" for a new one
	Kind    string // "offre" or "contact"
	Cancel  string
	Deletes bool
}

// editableEntry loads the entry and checks that the actor may change it.
func (s *Server) editableEntry(r *http.Request) (directory.Structure, error) {
	st, err := s.Directory.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return st, err
	}
	return st, access.Check(r.Context(), access.ActionUpdate, st.Resource())
}

func offerValues(o directory.Offer) url.Values {
	v := url.Values{"modality": {o.Modality}, "label": {o.Label}, "age_min": {strconv.Itoa(o.AgeMin)},
		"age_max": {strconv.Itoa(o.AgeMax)}, "public": {o.Public}, "needs": o.Needs, "conditions": o.Conditions,
		"places_authorised": {strconv.Itoa(o.PlacesAuthorised)}, "places_installed": {strconv.Itoa(o.PlacesInstalled)},
		"description": {o.Description}}
	if o.Active {
		v.Set("active", "1")
	}
	return v
}

func contactValues(c directory.Contact) url.Values {
	return url.Values{"function": {c.Function}, "label": {c.Label}, "holder": {c.Holder}, "phone": {c.Phone},
		"email": {c.Email}, "hours": {c.Hours}}
}

func (s *Server) partForm(w http.ResponseWriter, r *http.Request, kind string) error {
	st, err := s.editableEntry(r)
	if err != nil {
		return err
	}
	p := dirPartPage{S: st, PartID: r.PathValue("part"), Kind: kind, Cancel: "/annuaire/" + st.ID}
	switch {
	case p.PartID == "" && kind == "offre":
		p.Form.Values = url.Values{"active": {"1"}, "public": {"mixed"}}
	case p.PartID == "":
		p.Form.Values = url.Values{}
	default:
		found := false
		if kind == "offre" {
			for _, o := range st.Offers {
				if o.ID == p.PartID {
					p.Form.Values, found = offerValues(o), true
				}
			}
		} else {
			for _, c := range st.Contacts {
				if c.ID == p.PartID {
					p.Form.Values, found = contactValues(c), true
				}
			}
		}
		if !found {
			return apperr.New(apperr.NotFound, "Cette "+kind+" n'existe plus dans la fiche.")
		}
		p.Deletes = true
	}
	return s.renderPart(w, r, p, http.StatusOK)
}

func (s *Server) renderPart(w http.ResponseWriter, r *http.Request, p dirPartPage, status int) error {
	name, title := "dir_offer_form", "Offre"
	if p.Kind == "contact" {
		name, title = "dir_contact_form", "Contact"
	}
	if p.PartID == "" {
		title = "Nouvelle " + map[string]string{"offre": "offre", "contact": "fonction à joindre"}[p.Kind]
	} else {
		title = "Modifier — " + title
	}
	s.render(w, r, status, name, title+" — "+p.S.Name, p)
	return nil
}

func (s *Server) offerForm(w http.ResponseWriter, r *http.Request) error {
	return s.partForm(w, r, "offre")
}
func (s *Server) contactForm(w http.ResponseWriter, r *http.Request) error {
	return s.partForm(w, r, "contact")
}

func (s *Server) offerSave(w http.ResponseWriter, r *http.Request) error {
	return s.partSave(w, r, "offre", func(form *Form, st directory.Structure, id string) error {
		v := form.Values
		in := directory.OfferInput{Modality: v.Get("modality"), Label: v.Get("label"), Public: v.Get("public"),
			Needs: v["needs"], Conditions: v["conditions"], Description: v.Get("description"), Active: v.Get("active") == "1"}
		in.AgeMin = number(form, "age_min", "Indiquez un âge en années.")
		in.AgeMax = number(form, "age_max", "Indiquez un âge en années.")
		if v.Get("age_max") == "" {
			form.Errors["age_max"] = "Indiquez l'âge maximum."
		}
		in.PlacesAuthorised = number(form, "places_authorised", "Indiquez un nombre de places.")
		in.PlacesInstalled = number(form, "places_installed", "Indiquez un nombre de places.")
		if len(form.Errors) > 0 {
			return nil
		}
		_, err := s.Directory.SaveOffer(r.Context(), st.ID, id, in)
		return err
	})
}

func (s *Server) contactSave(w http.ResponseWriter, r *http.Request) error {
	return s.partSave(w, r, "contact", func(form *Form, st directory.Structure, id string) error {
		v := form.Values
		_, err := s.Directory.SaveContact(r.Context(), st.ID, id, directory.ContactInput{Function: v.Get("function"),
			Label: v.Get("label"), Holder: v.Get("holder"), Phone: v.Get("phone"), Email: v.Get("email"), Hours: v.Get("hours")})
		return err
	})
}

// partSave reads the form, saves through save, and shows the form again
// with every value kept when something is to correct.
func (s *Server) partSave(w http.ResponseWriter, r *http.Request, kind string, save func(*Form, directory.Structure, string) error) error {
	if err := r.ParseForm(); err != nil {
		return tooLarge(err)
	}
	// The service checks the right to change the entry, and audits a refusal.
	st, err := s.Directory.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Directory.Editable(r.Context(), st.ID, "structure."+map[string]string{"offre": "offer", "contact": "contact"}[kind]+"_save"); err != nil {
		return err
	}
	form := formFrom(r)
	id := r.PathValue("part")
	err = save(&form, st, id)
	if err == nil && len(form.Errors) == 0 {
		if kind == "offre" {
			s.flash(r, "L'offre est enregistrée.")
		} else {
			s.flash(r, "Le contact est enregistré.")
		}
		http.Redirect(w, r, "/annuaire/"+st.ID, http.StatusSeeOther)
		return nil
	}
	if err != nil && !formError(&form, err) {
		return err
	}
	if form.Message == "" {
		form.Message = "Certaines informations sont à corriger."
	}
	return s.renderPart(w, r, dirPartPage{Form: form, S: st, PartID: id, Kind: kind, Cancel: "/annuaire/" + st.ID, Deletes: id != ""}, http.StatusUnprocessableEntity)
}

func (s *Server) offerDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Directory.DeleteOffer(r.Context(), id, r.PathValue("part")); err != nil {
		return err
	}
	s.flash(r, "L'offre est supprimée.")
	http.Redirect(w, r, "/annuaire/"+id, http.StatusSeeOther)
	return nil
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Directory.DeleteContact(r.Context(), id, r.PathValue("part")); err != nil {
		return err
	}
	s.flash(r, "Le contact est supprimé.")
	http.Redirect(w, r, "/annuaire/"+id, http.StatusSeeOther)
	return nil
}

// documentUpload takes one PDF from a multipart form.
func (s *Server) documentUpload(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if err := tooLarge(err); err != nil {
			if _, ok := apperr.As(err); ok {
				return err
			}
		}
		return apperr.New(apperr.Invalid, "Envoi illisible : choisissez à nouveau le fichier PDF.")
	}
	file, header, err := r.FormFile("file")
	var data []byte
	name := ""
	if err == nil {
		defer file.Close()
		if data, err = io.ReadAll(io.LimitReader(file, directory.MaxDocumentBytes+1)); err != nil {
			return tooLarge(err)
		}
		name = header.Filename
	}
	if _, err := s.Directory.AddDocument(r.Context(), id, r.FormValue("kind"), name, data); err != nil {
		if e, ok := asInvalid(err); ok {
			for _, msg := range e.Fields {
				s.flash(r, "Document refusé : "+msg)
				break
			}
			http.Redirect(w, r, "/annuaire/"+id+"#documents", http.StatusSeeOther)
			return nil
		}
		return err
	}
	s.flash(r, "Le document est ajouté à la fiche.")
	http.Redirect(w, r, "/annuaire/"+id+"#documents", http.StatusSeeOther)
	return nil
}

// documentGet sends a document as a download that the browser will not
// run: PDF only, no sniffing, a sandbox.
func (s *Server) documentGet(w http.ResponseWriter, r *http.Request) error {
	d, data, err := s.Directory.Document(r.Context(), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	return sendDocument(w, "inline", d.Filename, "application/pdf", data)
}

func (s *Server) documentDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := s.Directory.DeleteDocument(r.Context(), id, r.PathValue("doc")); err != nil {
		return err
	}
	s.flash(r, "Le document est supprimé.")
	http.Redirect(w, r, "/annuaire/"+id+"#documents", http.StatusSeeOther)
	return nil
}

type importPage struct {
	Report *directory.ImportReport
	Error  string
	DryRun bool
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	if err := access.Check(r.Context(), access.ActionImport, access.Resource{Type: access.ResStructure}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dir_import", "Import FINESS", importPage{DryRun: true})
	return nil
}

func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := access.Check(r.Context(), access.ActionImport, access.Resource{Type: access.ResStructure}); err != nil {
		return err
	}
	p := importPage{DryRun: r.URL.Query().Get("simulation") == "1"}
	mr, err := r.MultipartReader()
	if err != nil {
		p.Error = "Envoi illisible : choisissez à nouveau le fichier."
		s.render(w, r, http.StatusUnprocessableEntity, "dir_import", "Import FINESS", p)
		return nil
	}
	// Stream the file part to the importer without keeping it in memory.
	for {
		part, err := mr.NextPart()
		if err != nil {
			if err := tooLarge(err); err != nil {
				if _, ok := apperr.As(err); ok {
					return err
				}
			}
			p.Error = "Aucun fichier reçu : choisissez le fichier FINESS."
			break
		}
		if part.FormName() == "simulation" {
			b, _ := io.ReadAll(io.LimitReader(part, 4))
			p.DryRun = string(b) == "1"
			continue
		}
		if part.FormName() != "file" {
			continue
		}
		rep, err := s.Directory.ImportFiness(r.Context(), part, p.DryRun)
		p.Report = &rep
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Code == apperr.Invalid {
				p.Error = e.Message
				for _, msg := range e.Fields {
					p.Error = msg
				}
			} else {
				return tooLarge(err)
			}
		}
		break
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "dir_import", "Import FINESS", p)
	return nil
}
