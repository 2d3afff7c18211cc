package web

import (
	"net/http"
	"net/url"

	"passerelle/internal/apperr"
)

// A respite stay booked on the capacity board, put on a child's planning
// by the organisation that booked it: from the planning's form page, and
// through the API.

func (s *Server) respitePlace(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.Pathway.PlaceRespite(r.Context(), id, r.PostForm.Get("hold_id"))
	// Told on the form page, which lists the stays as they are now.
	if e, ok := asInvalid(err); ok {
		s.flash(r, "Le séjour n'a pas été inscrit : "+e.Fields["hold_id"])
		http.Redirect(w, r, "/enfants/"+id+"/planning/nouveau", http.StatusSeeOther)
		return nil
	}
	if e, ok := apperr.As(err); ok && e.Code == apperr.Conflict {
		s.flash(r, e.Message)
		http.Redirect(w, r, "/enfants/"+id+"/planning/nouveau", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, "Séjour de répit inscrit au planning.")
	http.Redirect(w, r, "/enfants/"+id+"/planning?semaine="+url.QueryEscape(r.PostForm.Get("from")), http.StatusSeeOther)
	return nil
}

func (s *Server) apiRespitePlace(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		HoldID string `json:"hold_id"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	id, err := s.Pathway.PlaceRespite(r.Context(), r.PathValue("id"), b.HoldID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}
