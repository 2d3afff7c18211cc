package indicators

import (
	"fmt"
	"strings"
	"time"

	"passerelle/internal/apperr"
)

// Figures are kept by whole calendar months (UTC): a period always runs
// from the first day of its first month to the last day of its last
// month, and is rounded out to whole months when asked otherwise.

// MaxMonths is the longest period a dashboard covers, and how far back
// the pre-aggregated figures go.
const MaxMonths = 36

// DefaultPeriod is the twelve months up to today: the current month and
// the eleven before it.
func DefaultPeriod(now time.Time) Period {
	now = now.UTC()
	first := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	return Period{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly)}
}

// normalizePeriod checks p (empty: the default period) and rounds it out
// to whole months; it returns the period and its months ('YYYY-MM').
func normalizePeriod(p Period, now time.Time) (Period, []string, error) {
	def := DefaultPeriod(now)
	if strings.TrimSpace(p.From) == "" {
		p.From = def.From
	}
	if strings.TrimSpace(p.To) == "" {
		p.To = def.To
	}
	var v apperr.Validation
	from, errFrom := parseDayOrMonth(p.From)
	to, errTo := parseDayOrMonth(p.To)
	if errFrom != nil {
		v.Add("from", "Date de début invalide (aaaa-mm-jj ou aaaa-mm).")
	}
	if errTo != nil {
		v.Add("to", "Date de fin invalide (aaaa-mm-jj ou aaaa-mm).")
	}
	if err := v.ErrSaying("La période demandée n'est pas valide."); err != nil {
		return Period{}, nil, err
	}
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	// Figures are kept for the MaxMonths months up to now only (window):
	// a period outside them would show zeros that are not the truth. Inside
	// them, a period is at most MaxMonths long.
	kept := window(now)
	oldest, current := kept[0].Month, kept[len(kept)-1].Month
	switch {
	case last.Before(first):
		v.Add("to", "La date de fin précède la date de début.")
	case first.Format("2006-01") > current:
		v.Add("from", "La période ne peut pas commencer après le mois en cours ("+monthLabel(current)+").")
	case last.Format("2006-01") > current:
		v.Add("to", "La période ne peut pas finir après le mois en cours ("+monthLabel(current)+").")
	case first.Format("2006-01") < oldest:
		v.Add("from", fmt.Sprintf("Les chiffres sont gardés sur %d mois : la période ne peut pas commencer avant %s.", MaxMonths, monthLabel(oldest)))
	}
	if err := v.ErrSaying("La période demandée n'est pas valide."); err != nil {
		return Period{}, nil, err
	}
	var months []string
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	return Period{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly)}, months, nil
}

// parseDayOrMonth reads "2026-03-15" or "2026-03" (its first day).
func parseDayOrMonth(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) == len("2006-01") {
		return time.Parse("2006-01", s)
	}
	return time.Parse(time.DateOnly, s)
}

// window returns the MaxMonths months up to now's, oldest first, each with
// its first and last day: the months the refresh computes.
func window(now time.Time) []monthSpan {
	now = now.UTC()
	out := make([]monthSpan, 0, MaxMonths)
	for i := MaxMonths - 1; i >= 0; i-- {
		first := time.Date(now.Year(), now.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1)
		out = append(out, monthSpan{first.Format("2006-01"), first.Format(time.DateOnly), last.Format(time.DateOnly)})
	}
	return out
}

type monthSpan struct{ Month, First, Last string }

var monthNames = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// monthLabel says 'YYYY-MM' in French: "nov. 2026".
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return monthNames[t.Month()-1] + " " + t.Format("2006")
}

// PeriodLabel says a period in French: "de déc. 2025 à nov. 2026".
func PeriodLabel(p Period) string {
	if len(p.From) < 7 || len(p.To) < 7 {
		return ""
	}
	from, to := p.From[:7], p.To[:7]
	if from == to {
		return monthLabel(from)
	}
	return "de " + monthLabel(from) + " à " + monthLabel(to)
}
