package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/export"
	"passerelle/internal/org"
)

// The territory's board: places by structure type and week, for the ASE
// and the steering of a département, with its settings.

type capTerritoryPage struct {
	Query       url.Values
	T           capacity.Territory
	Weeks       []string // short headings of T.Weeks: "23 nov."
	Settings    capacity.Settings
	CanSettings bool
	Form        Form
}

// territoryArgs reads département, first week and number of weeks.
func territoryArgs(r *http.Request) (dep string, start capacity.Day, weeks int) {
	q := r.URL.Query()
	dep = strings.ToUpper(strings.TrimSpace(q.Get("departement")))
	if dep == "" {
		dep = actorDepartement(r)
	}
	weeks, _ = strconv.Atoi(q.Get("semaines"))
	return dep, capacity.Day(strings.TrimSpace(q.Get("semaine"))), weeks
}

func (s *Server) capTerritoryData(r *http.Request) (capTerritoryPage, error) {
	dep, start, weeks := territoryArgs(r)
	if dep == "" {
		return capTerritoryPage{}, apperr.New(apperr.Forbidden, "Le tableau d'un territoire est réservé à l'ASE et au pilotage du département.")
	}
	t, err := s.Capacity.Territory(r.Context(), dep, start, weeks)
	if err != nil {
		return capTerritoryPage{}, err
	}
	st, err := s.Capacity.Settings(r.Context(), dep)
	if err != nil {
		return capTerritoryPage{}, err
	}
	p := capTerritoryPage{Query: r.URL.Query(), T: t, Settings: st, Weeks: weekHeadings(t.Weeks, time.Now()),
		CanSettings: access.Can(access.ActorFrom(r.Context()), access.ActionUpdate, access.Resource{Type: access.ResCapacityBoard, Departement: dep})}
	p.Form = Form{Values: settingsValues(st)}
	return p, nil
}

var shortMonths = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// weekHeadings are short column headings that keep the table narrow on a
// phone: "23 nov.", with the year only when it is not this year's.
func weekHeadings(weeks []capacity.Day, now time.Time) []string {
	out := make([]string, len(weeks))
	for i, w := range weeks {
		t := w.Time()
		out[i] = fmt.Sprintf("%d %s", t.Day(), shortMonths[t.Month()-1])
		if t.Year() != now.Year() {
			out[i] += fmt.Sprintf(" %d", t.Year())
		}
	}
	return out
}

func settingsValues(st capacity.Settings) url.Values {
	v := url.Values{"hold_hours": {strconv.Itoa(st.HoldHours)}}
	for _, k := range capacity.Kinds {
		v.Set("stale_days."+string(k.Kind), strconv.Itoa(st.StaleDays[k.Kind]))
	}
	return v
}

func (s *Server) capTerritory(w http.ResponseWriter, r *http.Request) error {
	p, err := s.capTerritoryData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cap_territory", "Places du territoire", p)
	return nil
}

func (s *Server) capSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	dep := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("departement")))
	st := capacity.Settings{StaleDays: map[capacity.Kind]int{}}
	bad := map[string]string{}
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(name)))
		if err != nil {
			bad[name] = "Indiquez un nombre entier."
		}
		return n
	}
	for _, k := range capacity.Kinds {
		st.StaleDays[k.Kind] = num("stale_days." + string(k.Kind))
	}
	st.HoldHours = num("hold_hours")
	var err error
	if len(bad) == 0 {
		if err = s.Capacity.SaveSettings(r.Context(), dep, st); err == nil {
			s.flash(r, "Réglages enregistrés pour le département "+dep+".")
			http.Redirect(w, r, "/disponibilites/territoire?departement="+url.QueryEscape(dep), http.StatusSeeOther)
			return nil
		}
	} else {
		err = &apperr.Error{Code: apperr.Invalid, Message: "Les réglages n'ont pas été enregistrés : corrigez les champs signalés.", Fields: bad}
	}
	e, invalid := asInvalid(err)
	if !invalid {
		return err
	}
	q := r.URL.Query()
	q.Set("departement", dep)
	r.URL.RawQuery = q.Encode()
	p, perr := s.capTerritoryData(r)
	if perr != nil {
		return perr
	}
	p.Form = Form{Values: r.PostForm, Errors: e.Fields, Message: e.Message}
	s.render(w, r, http.StatusUnprocessableEntity, "cap_territory", "Places du territoire", p)
	return nil
}

// capTerritoryExport sends the territory's board as CSV or XLSX, audited.
func (s *Server) capTerritoryExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		dep, start, weeks := territoryArgs(r)
		t, err := s.Capacity.Territory(r.Context(), dep, start, weeks)
		if err != nil {
			return err
		}
		if err := s.Capacity.AuditExport(r.Context(), dep, format); err != nil {
			return err
		}
		tb := territoryTable(t)
		return sendTable(w, format, "places-"+dep, tb)
	}
}

// territoryTable has one row per structure type and week.
func territoryTable(t capacity.Territory) export.Table {
	tb := export.Table{Title: "Places " + t.Departement, Columns: []string{"Département", "Type de structure", "Semaine du",
		"Libres", "Réservées (conventions)", "En option", "Réservées (confirmées)", "À confirmer (périmées)"}}
	rows := append(append([]capacity.TerritoryRow{}, t.Rows...), t.Total)
	for _, row := range rows {
		label := org.StructureTypeLabel(row.Type)
		if row.Type == "" {
			label = "Total"
		}
		for i, c := range row.Weeks {
			tb.Rows = append(tb.Rows, []any{t.Departement, label, t.Weeks[i].Time(), c.Available, c.Reserved, c.Held, c.Booked, c.Stale})
		}
	}
	return tb
}
