package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/export"
)

// oncallPage is the territory's view: who is on call now and next for
// each mobile team.
type oncallPage struct {
	Departement string
	Teams       []crisis.TeamOnCall
}

func (s *Server) oncallTerritory(w http.ResponseWriter, r *http.Request) error {
	dep := sideDepartement(r)
	teams, err := s.Crisis.OnCall(r.Context(), dep)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "oncall", "Astreintes des équipes mobiles", oncallPage{Departement: dep, Teams: teams})
	return nil
}

// oncallTeamPage is a team's rota with its form and calendar links.
type oncallTeamPage struct {
	Team   crisis.Team
	Shifts []crisis.Shift
	Now    time.Time
	Form   Form
	Feeds  []crisis.RotaFeed
	// FeedURL is a new calendar link, shown once.
	FeedURL string
}

func (s *Server) oncallTeamShow(w http.ResponseWriter, r *http.Request, status int, form Form, feedURL string) error {
	ctx := r.Context()
	team, list, err := s.Crisis.Rota(ctx, r.PathValue("team"), db.Now(s.DB.Clock))
	if err != nil {
		return err
	}
	p := oncallTeamPage{Team: team, Shifts: list, Now: db.Now(s.DB.Clock), Form: form, FeedURL: feedURL}
	if p.Form.Values == nil {
		p.Form = Form{Values: url.Values{}, Errors: map[string]string{}}
	}
	if team.CanFeed {
		if p.Feeds, err = s.Crisis.RotaFeeds(ctx, team.ID); err != nil {
			return err
		}
	}
	s.render(w, r, status, "oncall_team", "Astreintes — "+team.Name, p)
	return nil
}

func (s *Server) oncallTeam(w http.ResponseWriter, r *http.Request) error {
	return s.oncallTeamShow(w, r, http.StatusOK, Form{}, "")
}

func (s *Server) oncallAdd(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	form := formFrom(r)
	_, err := s.Crisis.AddShift(r.Context(), r.PathValue("team"), crisis.ShiftInput{PersonName: v.Get("person_name"), Phone: v.Get("phone"),
		Territory: v.Get("territory"), StartsAt: v.Get("starts_at"), EndsAt: v.Get("ends_at")})
	if formError(&form, err) {
		return s.oncallTeamShow(w, r, http.StatusUnprocessableEntity, form, "")
	}
	if err != nil {
		return err
	}
	s.flash(r, "Astreinte ajoutée.")
	http.Redirect(w, r, "/astreintes/"+r.PathValue("team"), http.StatusSeeOther)
	return nil
}

func (s *Server) oncallDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Crisis.DeleteShift(r.Context(), r.PathValue("team"), r.PathValue("shift")); err != nil {
		return err
	}
	s.flash(r, "Astreinte retirée.")
	http.Redirect(w, r, "/astreintes/"+r.PathValue("team"), http.StatusSeeOther)
	return nil
}

func (s *Server) oncallFeedCreate(w http.ResponseWriter, r *http.Request) error {
	token, err := s.Crisis.CreateRotaFeed(r.Context(), r.PathValue("team"))
	if err != nil {
		return err
	}
	return s.oncallTeamShow(w, r, http.StatusOK, Form{}, strings.TrimSuffix(s.Config.BaseURL.String(), "/")+"/agenda/astreintes/"+token+".ics")
}

func (s *Server) oncallFeedRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.Crisis.RevokeRotaFeed(r.Context(), r.PathValue("fid")); err != nil {
		return err
	}
	s.flash(r, "Lien révoqué : l'agenda qui l'utilisait ne reçoit plus rien.")
	http.Redirect(w, r, "/astreintes/"+r.PathValue("team")+"#agenda", http.StatusSeeOther)
	return nil
}

// oncallFeed serves a rota's secret calendar link, without a session.
func (s *Server) oncallFeed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	name, events, err := s.Crisis.RotaFeedEvents(access.WithActor(r.Context(), access.SystemActor), token)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", export.ContentTypeICal)
	w.Header().Set("Cache-Control", "no-store")
	return export.WriteICal(w, name, db.Now(s.DB.Clock), events)
}
