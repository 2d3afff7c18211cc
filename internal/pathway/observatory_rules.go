package pathway

import (
	"fmt"
	"strings"
	"time"

	"passerelle/internal/geo"
)

// The rules of the observatory export: what a value becomes once
// pseudonymised. Pure functions, tested with tables.

// birthMonth keeps the year and month of a birth date (YYYY-MM-DD).
func birthMonth(birth string) string {
	if len(birth) < 7 {
		return ""
	}
	return birth[:7]
}

// openEnd shows an end with no end (Forever) as empty.
func openEnd(day string) string {
	if day == Forever {
		return ""
	}
	return day
}

// obsKey is the pseudonymous key of a child's n-th measure, notification
// or request: it names the record by the child's pseudonym and a rank,
// never by its id.
func obsKey(pseudonym, letter string, n int) string {
	return fmt.Sprintf("%s-%s%d", pseudonym, letter, n)
}

// measureAuthority says who decides a measure of this kind; the name of
// the authority typed in the record is free text and stays in it.
func measureAuthority(kind string) string {
	if MeasureKindOf(kind).Judicial {
		return "judiciaire"
	}
	return "administrative"
}

// modalityWords map the beginnings of the words of a typed modality to
// its code, the most specific first ("internat séquentiel" is
// sequential, not residential; "semi-internat" is day care).
var modalityWords = []struct{ code, words string }{
	{"sequential", "sequenti partage alterne"},
	{"respite", "repit temporaire"},
	{"emergency", "urgence"},
	{"home_school", "sessad domicile ecole ambulatoire inclusion"},
	{"day_care", "jour externat semi"},
	{"residential", "internat hebergement"},
	{"foster", "familial famille"},
	{"mobile", "mobile"},
	{"consultation", "consultation cmpp camsp"},
}

// modalityCode reduces the modality typed on a notification (free text)
// to a code: the export carries no free text.
func modalityCode(typed string) string {
	typedWords := strings.Fields(geo.Fold(typed))
	if len(typedWords) == 0 {
		return ""
	}
	for _, m := range modalityWords {
		for _, w := range strings.Fields(m.words) {
			for _, t := range typedWords {
				if strings.HasPrefix(t, w) {
					return m.code
				}
			}
		}
	}
	return "other"
}

// answeredLate reports whether a recipient answered after its deadline,
// or has not answered although the deadline has passed while the request
// was still waiting for it (withdrawn or closed before, it owed nothing).
func answeredLate(deadline, answered *time.Time, status string, now time.Time) bool {
	if deadline == nil {
		return false
	}
	if answered != nil {
		return answered.After(*deadline)
	}
	switch status {
	case "withdrawn", "closed", "draft":
		return false
	}
	return now.After(*deadline)
}

// hoursBetween is the whole hours from a to b.
func hoursBetween(a, b time.Time) int { return int(b.Sub(a) / time.Hour) }
