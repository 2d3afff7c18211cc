package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// broadcastsPage lists the broadcasts the reader may see.
type broadcastsPage struct {
	Items  []crisis.BroadcastItem
	CanNew bool
}

func (s *Server) broadcastList(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Crisis.Broadcasts(r.Context(), "")
	if err != nil {
		return err
	}
	a := access.ActorFrom(r.Context())
	p := broadcastsPage{Items: items, CanNew: access.Can(a, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: sideDepartement(r)})}
	s.render(w, r, http.StatusOK, "broadcasts", "Messages de la cellule de crise", p)
	return nil
}

// broadcastFormPage is the cell's form: the message, the selection, and
// once asked for, the structures it would reach.
type broadcastFormPage struct {
	Form        Form
	Departement string
	Types       []org.StructureType
	Communes    []geo.Commune
	Structures  []orgChoice
	Preview     []crisis.Target
	Previewed   bool
}

func (s *Server) broadcastFormShow(w http.ResponseWriter, r *http.Request, status int, p broadcastFormPage) error {
	a := access.ActorFrom(r.Context())
	p.Departement = sideDepartement(r)
	if !access.Can(a, access.ActionCreate, access.Resource{Type: access.ResBroadcast, Departement: p.Departement}) {
		return apperr.New(apperr.Forbidden, "Les messages de crise sont envoyés par la cellule : le pilotage du département.")
	}
	if p.Form.Values == nil {
		p.Form = Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	// The choices: the types and communes that hold structures of the
	// territory, and its structures.
	all, err := s.Crisis.Preview(r.Context(), p.Departement, crisis.Selection{})
	if err != nil {
		return err
	}
	var types, communes []string
	for _, t := range all {
		p.Structures = append(p.Structures, orgChoice{ID: t.ID, Name: t.Name})
		if !slices.Contains(types, t.Type) {
			types = append(types, t.Type)
		}
		if !slices.Contains(communes, t.Commune) {
			communes = append(communes, t.Commune)
		}
	}
	for _, t := range org.StructureTypes {
		if slices.Contains(types, t.Code) {
			p.Types = append(p.Types, t)
		}
	}
	for _, c := range communes {
		if cm, ok := geo.CommuneByCode(c); ok {
			p.Communes = append(p.Communes, cm)
		}
	}
	slices.SortFunc(p.Communes, func(a, b geo.Commune) int { return strings.Compare(a.Name, b.Name) })
	s.render(w, r, status, "broadcast_form", "Nouveau message de crise", p)
	return nil
}

func (s *Server) broadcastForm(w http.ResponseWriter, r *http.Request) error {
	return s.broadcastFormShow(w, r, http.StatusOK, broadcastFormPage{})
}

// broadcastSubmit shows the structures a selection reaches ("preview"),
// or sends the message once the cell has seen their number.
func (s *Server) broadcastSubmit(w http.ResponseWriter, r *http.Request) error {
	files, err := postedFiles(r, "document")
	if err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	dep := sideDepartement(r)
	sel := crisis.Selection{Types: v["types"], Communes: v["communes"], StructureIDs: v["structures"]}
	p := broadcastFormPage{Form: form}
	targets, err := s.Crisis.Preview(r.Context(), dep, sel)
	if formError(&p.Form, err) {
		return s.broadcastFormShow(w, r, http.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	p.Preview, p.Previewed = targets, true
	seen, _ := strconv.Atoi(v.Get("count"))
	if v.Get("action") != "send" || seen != len(targets) {
		if v.Get("action") == "send" {
			p.Form.Message = "La sélection a changé : vérifiez les structures ci-dessous avant d'envoyer."
		}
		p.Form.Values.Set("count", strconv.Itoa(len(targets)))
		return s.broadcastFormShow(w, r, http.StatusOK, p)
	}
	in := crisis.BroadcastInput{Departement: dep, Subject: v.Get("subject"), Body: v.Get("body"), Selection: sel}
	if len(files) > 0 && len(files[0].Data) > 0 {
		in.Document = &files[0]
	}
	id, err := s.Crisis.Send(r.Context(), in)
	if formError(&p.Form, err) {
		return s.broadcastFormShow(w, r, http.StatusUnprocessableEntity, p)
	}
	if apperr.Is(err, apperr.Conflict) {
		p.Form.Message = apperrMessage(err)
		return s.broadcastFormShow(w, r, http.StatusConflict, p)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Message envoyé à %d structure(s) : chacune doit en accuser réception.", len(targets)))
	http.Redirect(w, r, "/crise/diffusions/"+id, http.StatusSeeOther)
	return nil
}

// broadcastPage is one broadcast.
type broadcastPage struct {
	B *crisis.Broadcast
}

func (s *Server) broadcastView(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Crisis.Broadcast(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "broadcast", b.Subject, broadcastPage{B: b})
	return nil
}

func (s *Server) broadcastAck(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	already, err := s.Crisis.Acknowledge(r.Context(), r.PathValue("id"), r.PostForm.Get("structure"))
	if err != nil {
		return err
	}
	if already {
		s.flash(r, "Réception déjà confirmée pour votre structure.")
	} else {
		s.flash(r, "Merci : réception confirmée. La cellule de crise le voit.")
	}
	http.Redirect(w, r, "/crise/diffusions/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) broadcastDocument(w http.ResponseWriter, r *http.Request) error {
	f, err := s.Crisis.BroadcastDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return sendDocument(w, "attachment", f.Name, f.Type, f.Data)
}
