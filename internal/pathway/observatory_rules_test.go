package pathway

import (
	"testing"
	"time"
)

func TestModalityCode(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"", ""}, {"   ", ""},
		{"Internat séquentiel", "sequential"}, {"accueil partagé MECS / DITEP", "sequential"},
		{"Internat complet", "residential"}, {"hébergement", "residential"},
		{"Semi-internat", "day_care"}, {"Accueil de jour", "day_care"}, {"EXTERNAT", "day_care"},
		{"Séjour de répit", "respite"}, {"accueil temporaire", "respite"}, {"séjour", "other"},
		{"SESSAD", "home_school"}, {"Intervention à domicile", "home_school"},
		{"Accueil d'urgence", "emergency"}, {"accueil familial", "foster"},
		{"équipe mobile", "mobile"}, {"consultations CMPP", "consultation"},
		{"Madame Dupont, 3 rue des Lilas", "other"},
	} {
		if got := modalityCode(c.typed); got != c.want {
			t.Errorf("modalityCode(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
}

func TestAnsweredLate(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	before, after := past.Add(-time.Hour), past.Add(time.Minute)
	for _, c := range []struct {
		name               string
		deadline, answered *time.Time
		status             string
		want               bool
	}{
		{"no deadline", nil, nil, "sent", false},
		{"answered on time", &past, &before, "refused", false},
		{"answered at the deadline", &past, &past, "accepted", false},
		{"answered late", &past, &after, "accepted", true},
		{"silent, deadline passed", &past, nil, "sent", true},
		{"expired", &past, nil, "expired", true},
		{"silent, deadline ahead", &future, nil, "seen", false},
		{"withdrawn before answering", &past, nil, "withdrawn", false},
		{"closed before answering", &past, nil, "closed", false},
	} {
		if got := answeredLate(c.deadline, c.answered, c.status, now); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestObservatoryValues(t *testing.T) {
	if birthMonth("2014-07-01") != "2014-07" || birthMonth("") != "" {
		t.Error("birthMonth")
	}
	if openEnd(Forever) != "" || openEnd("2027-01-31") != "2027-01-31" {
		t.Error("openEnd")
	}
	if obsKey("K7MX2P", "M", 3) != "K7MX2P-M3" {
		t.Error("obsKey")
	}
	if measureAuthority("opp") != "judiciaire" || measureAuthority("accueil_provisoire") != "administrative" {
		t.Error("measureAuthority")
	}
	a := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	if hoursBetween(a, a.Add(47*time.Hour+59*time.Minute)) != 47 {
		t.Error("hoursBetween")
	}
}

// Every table has its variables, each named once in its table, and every
// variable belongs to a table.
func TestObservatoryVariables(t *testing.T) {
	tables := map[string]bool{}
	for _, tb := range ObservatoryTables {
		tables[tb.Name] = true
		if cols := ObservatoryColumns(tb.Name); len(cols) < 2 || cols[0] != "pseudonyme" {
			t.Errorf("table %s: columns %v", tb.Name, cols)
		}
	}
	seen := map[[2]string]bool{}
	for _, v := range ObservatoryVariables {
		k := [2]string{v.Table, v.Name}
		if seen[k] || !tables[v.Table] || v.Type == "" || v.Meaning == "" {
			t.Errorf("variable %+v", v)
		}
		seen[k] = true
	}
}
