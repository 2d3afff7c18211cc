package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/indicators"
)

// The dashboards' query string: which territory ("territoire"), which
// months ("du", "au", or a preset "periode") and which indicator the map
// colours ("carte"). The same query serves the page and its downloads, so
// that a download is what the page shows.

// maxDashboardMonths bounds a period: longer ones are not what the
// pre-aggregated figures are kept for.
const maxDashboardMonths = 36

// dashPresets are the periods offered in one click, in their order.
var dashPresets = []struct{ Code, Label string }{
	{"3m", "3 derniers mois"},
	{"12m", "12 derniers mois"},
	{"annee", "Année civile"},
}

// dashQuery is a valid dashboard query.
type dashQuery struct {
	Scope    indicators.Scope
	From, To dashMonth // both included
	Period   indicators.Period
	Preset   string // the preset these months are, if any
	Map      string // the indicator the map colours ("" for the first)
}

// dashMonth is a calendar month.
type dashMonth struct {
	Year  int
	Month time.Month
}

func dashMonthOf(t time.Time) dashMonth { return dashMonth{t.Year(), t.Month()} }

func (m dashMonth) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// add moves n months on (back when n < 0).
func (m dashMonth) add(n int) dashMonth {
	t := time.Date(m.Year, m.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	return dashMonthOf(t)
}

func (m dashMonth) index() int { return m.Year*12 + int(m.Month) - 1 }

// label is "novembre 2026".
func (m dashMonth) label() string { return frMonths[m.Month-1] + " " + strconv.Itoa(m.Year) }

// parseDashMonth reads "2026-03" (what input type=month sends) or "03/2026".
func parseDashMonth(s string) (dashMonth, bool) {
	s = strings.TrimSpace(s)
	var y, m int
	var err error
	if a, b, ok := strings.Cut(s, "-"); ok && len(a) == 4 && len(b) >= 1 && len(b) <= 2 {
		if y, err = strconv.Atoi(a); err == nil {
			m, err = strconv.Atoi(b)
		}
	} else if a, b, ok := strings.Cut(s, "/"); ok && len(b) == 4 && len(a) >= 1 && len(a) <= 2 {
		if m, err = strconv.Atoi(a); err == nil {
			y, err = strconv.Atoi(b)
		}
	} else {
		return dashMonth{}, false
	}
	if err != nil || m < 1 || m > 12 || y < 1900 || y > 9999 {
		return dashMonth{}, false
	}
	return dashMonth{y, time.Month(m)}, true
}

// scopeParam is how a scope is written in the query: "departement-42",
// "region-84", "france".
func scopeParam(sc indicators.Scope) string {
	if sc.Level == indicators.LevelNational {
		return "france"
	}
	return string(sc.Level) + "-" + sc.Code
}

// parseScope reads a scope written by scopeParam.
func parseScope(s string) (indicators.Scope, bool) {
	if s == "france" {
		return indicators.Scope{Level: indicators.LevelNational}, true
	}
	level, code, ok := strings.Cut(s, "-")
	if !ok || code == "" || len(code) > 3 {
		return indicators.Scope{}, false
	}
	for _, r := range code {
		if !(r >= '0' && r <= '9' || r == 'A' || r == 'B') {
			return indicators.Scope{}, false
		}
	}
	switch indicators.Level(level) {
	case indicators.LevelDepartement, indicators.LevelRegion:
		return indicators.Scope{Level: indicators.Level(level), Code: code}, true
	}
	return indicators.Scope{}, false
}

// parseDashQuery reads the query at now (the database's clock); near is
// the scope shown when none is asked for. It returns the form (the values
// to show again, with a French message per parameter at fault) and ok
// false when something is wrong.
func parseDashQuery(q url.Values, near indicators.Scope, now time.Time) (dashQuery, Form, bool) {
	form := Form{Values: url.Values{}, Errors: map[string]string{}}
	dq := dashQuery{Scope: near, Map: strings.TrimSpace(q.Get("carte"))}
	form.Values.Set("carte", dq.Map)

	if s := strings.TrimSpace(q.Get("territoire")); s != "" {
		if sc, ok := parseScope(s); ok {
			dq.Scope = sc
		} else {
			form.Errors["territoire"] = "Ce territoire n'existe pas : choisissez-le dans la liste."
		}
	}
	form.Values.Set("territoire", scopeParam(dq.Scope))

	today := now.In(paris)
	current := dashMonthOf(today)
	from, to := current.add(-11), current // twelve months by default
	dq.Preset = "12m"
	switch p := strings.TrimSpace(q.Get("periode")); p {
	case "3m":
		from, dq.Preset = current.add(-2), p
	case "12m":
	case "annee":
		from, dq.Preset = dashMonth{current.Year, time.January}, p
	case "":
		du, au := strings.TrimSpace(q.Get("du")), strings.TrimSpace(q.Get("au"))
		if du == "" && au == "" {
			break
		}
		dq.Preset = ""
		if au != "" {
			m, ok := parseDashMonth(au)
			if !ok {
				form.Errors["au"] = "Indiquez le mois de fin sous la forme AAAA-MM, par exemple " + current.String() + "."
			}
			to = m
		}
		if du != "" {
			m, ok := parseDashMonth(du)
			if !ok {
				form.Errors["du"] = "Indiquez le mois de début sous la forme AAAA-MM, par exemple " + current.add(-11).String() + "."
			}
			from = m
		} else {
			from = to.add(-11)
		}
		form.Values.Set("du", du)
		form.Values.Set("au", au)
		if form.Errors["du"] != "" || form.Errors["au"] != "" {
			break
		}
		switch {
		case to.index() > current.index():
			form.Errors["au"] = "La période ne peut pas finir après le mois en cours (" + current.label() + ")."
		case from.index() > current.index():
			form.Errors["du"] = "La période ne peut pas commencer après le mois en cours (" + current.label() + ")."
		case from.index() > to.index():
			form.Errors["du"] = "Le mois de début (" + from.label() + ") est après le mois de fin (" + to.label() + ")."
		case to.index()-from.index()+1 > maxDashboardMonths:
			form.Errors["du"] = fmt.Sprintf("La période ne peut pas dépasser %d mois : choisissez un mois de début plus récent.", maxDashboardMonths)
		}
	default:
		form.Errors["periode"] = "Cette période n'existe pas : choisissez « 3 derniers mois », « 12 derniers mois » ou « Année civile », ou indiquez les mois."
	}
	if len(form.Errors) > 0 {
		form.Message = "Le tableau de bord ne peut pas être affiché avec ces choix :"
		return dq, form, false
	}
	dq.From, dq.To = from, to
	form.Values.Set("du", from.String())
	form.Values.Set("au", to.String())
	dq.Period = indicators.Period{From: from.String() + "-01", To: dashLastDay(to, today)}
	return dq, form, true
}

// dashLastDay is the last day of m, or today in the current month.
func dashLastDay(m dashMonth, today time.Time) string {
	if m == dashMonthOf(today) {
		return today.Format("2006-01-02")
	}
	return time.Date(m.Year, m.Month+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// values is the query of the dashboard with these choices; with the
// preset when there is one, so that a shared link keeps rolling.
func (dq dashQuery) values() url.Values {
	v := url.Values{"territoire": {scopeParam(dq.Scope)}}
	if dq.Preset != "" {
		v.Set("periode", dq.Preset)
	} else {
		v.Set("du", dq.From.String())
		v.Set("au", dq.To.String())
	}
	return v
}
