package web

import (
	"net/http"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// The agenda of a structure: a secret calendar link, made and revoked by
// one of its staff on the list of the children they follow, to the
// plannings of the children the structure has time with.

// structureFeedCreate makes a link to one of the actor's structures'
// agenda and shows it once, on the list of children.
func (s *Server) structureFeedCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	token, err := s.Pathway.CreateStructureFeed(r.Context(), r.PostForm.Get("organisation"))
	if err != nil {
		return err
	}
	return s.childListRender(w, r, strings.TrimSuffix(s.Config.BaseURL.String(), "/")+"/agenda/structure/"+token+".ics")
}

func (s *Server) structureFeedRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.Pathway.RevokeStructureFeed(r.Context(), r.PathValue("fid")); err != nil {
		return err
	}
	s.flash(r, "Lien révoqué : l'agenda qui l'utilisait ne reçoit plus rien.")
	http.Redirect(w, r, "/enfants#agenda-structure", http.StatusSeeOther)
	return nil
}

// structureFeed serves a structure's secret calendar link: no session, the
// link's owner's rights as they are now.
func (s *Server) structureFeed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	sys := access.WithActor(r.Context(), access.SystemActor)
	accountID, err := s.Pathway.StructureFeedOwner(sys, token)
	if err != nil {
		return err
	}
	owner, err := s.Auth.LoadActor(sys, accountID)
	if err != nil || !owner.Authenticated() {
		return apperr.New(apperr.NotFound, "Ce lien d'agenda n'existe pas ou a été révoqué.")
	}
	name, events, err := s.Pathway.StructureFeedEvents(access.WithActor(r.Context(), owner), token)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", export.ContentTypeICal)
	w.Header().Set("Cache-Control", "no-store")
	return export.WriteICal(w, name, db.Now(s.DB.Clock), events)
}
