package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/geo"
	"passerelle/internal/pathway"
)

// observatoryRoutes registers the pseudonymised export for the
// departmental observatory, as a page and in the API.
func (s *Server) observatoryRoutes() {
	m := s.mux
	m.HandleFunc("GET /observatoire", s.page(s.observatoryPage))
	m.HandleFunc("POST /observatoire/export", s.page(s.observatoryDownload))
	s.apiRoute("GET", "/api/v1/observatory/export", s.apiObservatoryExport)
	s.apiRoute("POST", "/api/v1/observatory/export", s.apiObservatoryExport)
}

// depChoice is a département offered in the select.
type depChoice struct{ Code, Name string }

type observatoryView struct {
	Form         Form
	Departements []depChoice
	Tables       []pathway.ObservatoryTable
	Variables    []pathway.ObservatoryVariable
}

// observatoryDepartements are the actor's choices; none is a refusal.
func observatoryDepartements(a access.Actor) ([]depChoice, error) {
	var out []depChoice
	for _, code := range pathway.ObservatoryDepartements(a) {
		name := code
		if d, ok := geo.DepartementByCode(code); ok {
			name = d.Code + " — " + d.Name
		}
		out = append(out, depChoice{code, name})
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.Forbidden, "L'export pour l'observatoire est réservé au pilotage du département.")
	}
	return out, nil
}

func (s *Server) observatoryPage(w http.ResponseWriter, r *http.Request) error {
	deps, err := observatoryDepartements(access.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	f := Form{Values: url.Values{"departement": {deps[0].Code}}, Errors: map[string]string{}}
	s.renderObservatory(w, r, http.StatusOK, f, deps)
	return nil
}

func (s *Server) renderObservatory(w http.ResponseWriter, r *http.Request, status int, f Form, deps []depChoice) {
	s.render(w, r, status, "observatory", "Export pour l'observatoire départemental", observatoryView{Form: f, Departements: deps,
		Tables: pathway.ObservatoryTables, Variables: pathway.ObservatoryVariables})
}

// observatoryDownload runs the export (audited by the service) and sends
// the ZIP; a wrong département comes back on the page.
func (s *Server) observatoryDownload(w http.ResponseWriter, r *http.Request) error {
	deps, err := observatoryDepartements(access.ActorFrom(r.Context()))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "Formulaire illisible : recommencez.")
	}
	f := formFrom(r)
	err = s.sendObservatory(w, r, f.Values.Get("departement"))
	if formError(&f, err) {
		s.renderObservatory(w, r, http.StatusUnprocessableEntity, f, deps)
		return nil
	}
	return err
}

func (s *Server) apiObservatoryExport(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	return s.sendObservatory(w, r, r.URL.Query().Get("departement"))
}

// sendObservatory writes the export to a temporary file first: the
// service commits its audit line only once the whole file is written,
// and nothing may leave before that line (nor a half file on an error).
func (s *Server) sendObservatory(w http.ResponseWriter, r *http.Request, dep string) error {
	tmp, err := os.CreateTemp("", "passerelle-observatoire-*.zip")
	if err != nil {
		return fmt.Errorf("observatory temporary file: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	run, err := s.Pathway.ObservatoryExport(r.Context(), dep, tmp)
	if err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
		"filename": export.Filename("observatoire-"+run.Departement, "zip", db.Now(s.DB.Clock))}))
	if _, err := io.Copy(w, tmp); err != nil {
		// The headers are gone: the client sees a cut download.
		s.Logger.Warn("observatory export cut", "departement", run.Departement, "error", err.Error())
	}
	return nil
}
