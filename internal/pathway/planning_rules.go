package pathway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/apperr"
)

// Slot is a repeating (or one-off) period when a structure has the child.
type Slot struct {
	ID               string
	OrganisationID   string
	OrganisationName string
	Kind             string // see SlotKinds
	Label            string // minimal words: no diagnosis
	Start, End       string // local "HH:MM"; End <= Start crosses midnight
	Weekdays         int    // Monday 1 … Sunday 64
	From, To         string // days the slot is valid
	SkipHolidays     bool   // not during school holidays (a school, a DITEP's days)
	Except           []string
	// HoldID is the booking on the capacity board a respite stay comes
	// from; HolderOrgID, the organisation that booked it and edits it.
	HoldID, HolderOrgID string
}

// Owner is the organisation that edits the slot: the one that wrote it,
// or for a booked respite stay the one that booked it (the structure
// hosting the stay is its Organisation).
func (s Slot) Owner() string {
	if s.HolderOrgID != "" {
		return s.HolderOrgID
	}
	return s.OrganisationID
}

// WholeDays reports whether the slot lasts whole days (00:00 to 00:00).
func (s Slot) WholeDays() bool { return s.Start == "00:00" && s.End == "00:00" }

// SlotKinds are the kinds of slots, in the order the interface shows them.
var SlotKinds = []Code{{"living", "Lieu de vie"}, {"day_care", "Accueil de jour"},
	{"school", "École"}, {"appointment", "Rendez-vous"}, {"family", "En famille"},
	{"respite", "Séjour de répit"}, {"transport", "Transport"}, {"other", "Autre"}}

// Holiday is a school holiday period.
type Holiday struct {
	Name     string
	From, To string
}

// Occurrence is one happening of a slot.
type Occurrence struct {
	Slot       *Slot
	Start, End time.Time
}

// Span is a period flagged on the planning: a conflict between two
// occurrences, or a gap when nobody has the child.
type Span struct {
	Start, End time.Time
	A, B       *Slot // the conflicting slots; nil for a gap
}

// weekdayBit is the mask bit of a day (Monday 1 … Sunday 64).
func weekdayBit(d time.Weekday) int { return 1 << ((int(d) + 6) % 7) }

// clock parses "HH:MM".
func clock(s string) (h, m int, ok bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// SlotInput is a slot as typed; errors by field: kind, start, end,
// weekdays, from, to, label.
type SlotInput struct {
	Kind, Label, Start, End, From, To string
	Weekdays                          []int // ISO numbers, Monday 1 … Sunday 7
	SkipHolidays                      bool
}

// NormalizeSlot checks a slot; a slot without days of the week happens
// on its From day only.
func NormalizeSlot(in SlotInput, today string) (Slot, error) {
	var v apperr.Validation
	s := Slot{Kind: strings.TrimSpace(in.Kind), Label: strings.TrimSpace(in.Label), SkipHolidays: in.SkipHolidays}
	v.Check(known(SlotKinds, s.Kind), "kind", "Choisissez ce qu'est ce temps.")
	checkLen(&v, "label", s.Label, maxName)
	for _, f := range []struct {
		field, value string
		dst          *string
	}{{"start", in.Start, &s.Start}, {"end", in.End, &s.End}} {
		if _, _, ok := clock(strings.TrimSpace(f.value)); ok {
			*f.dst = strings.TrimSpace(f.value)
		} else {
			v.Add(f.field, "Heure invalide : écrivez-la hh:mm.")
		}
	}
	if s.Start != "" && s.Start == s.End {
		v.Add("end", "La fin est à l'heure du début.")
	}
	if strings.TrimSpace(in.From) == "" {
		s.From = today
	} else {
		s.From = day(&v, "from", in.From, "")
	}
	for _, d := range in.Weekdays {
		if d < 1 || d > 7 {
			v.Add("weekdays", "Jour de la semaine inconnu.")
			continue
		}
		s.Weekdays |= 1 << (d - 1)
	}
	if s.Weekdays == 0 {
		// Once: on the From day.
		s.To = s.From
		if t, err := time.Parse(time.DateOnly, s.From); err == nil {
			s.Weekdays = weekdayBit(t.Weekday())
		}
	} else {
		s.To = endDay(&v, "to", in.To)
	}
	if !v.Has("from") && !v.Has("to") && s.To < s.From {
		v.Add("to", "La fin précède le début.")
	}
	return s, v.ErrSaying("Ce temps n'a pas été enregistré : corrigez les champs signalés.")
}

// Occurrences returns the happenings of slots between the days from and
// to (included), in loc, leaving out exception days and, for slots that
// skip them, school holidays. Local times go through loc, so that a slot
// from 18:00 to 08:00 stays so across a change of summer time.
func Occurrences(slots []Slot, holidays []Holiday, from, to string, loc *time.Location) []Occurrence {
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return nil
	}
	inHoliday := func(d string) bool {
		return slices.ContainsFunc(holidays, func(h Holiday) bool { return h.From <= d && d <= h.To })
	}
	var out []Occurrence
	// A slot crossing midnight that started the day before the window
	// still covers its morning.
	for d := start.AddDate(0, 0, -1); !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		for i := range slots {
			s := &slots[i]
			if day < s.From || day > s.To || s.Weekdays&weekdayBit(d.Weekday()) == 0 || slices.Contains(s.Except, day) ||
				(s.SkipHolidays && inHoliday(day)) {
				continue
			}
			sh, sm, ok1 := clock(s.Start)
			eh, em, ok2 := clock(s.End)
			if !ok1 || !ok2 {
				continue
			}
			a := time.Date(d.Year(), d.Month(), d.Day(), sh, sm, 0, 0, loc)
			b := time.Date(d.Year(), d.Month(), d.Day(), eh, em, 0, 0, loc)
			if !b.After(a) {
				b = time.Date(d.Year(), d.Month(), d.Day()+1, eh, em, 0, 0, loc)
			}
			windowStart := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
			windowEnd := time.Date(end.Year(), end.Month(), end.Day()+1, 0, 0, 0, 0, loc)
			if b.After(windowStart) && a.Before(windowEnd) {
				out = append(out, Occurrence{Slot: s, Start: a, End: b})
			}
		}
	}
	slices.SortFunc(out, func(x, y Occurrence) int { return x.Start.Compare(y.Start) })
	return out
}

// presence reports whether a kind puts the child somewhere: two at once is
// a conflict. Transport accompanies a change of place and overlaps both.
func presence(kind string) bool { return kind != "transport" }

// replaces reports whether a time of kind a stands in for one of kind b: a
// respite stay replaces the living place for its days, so the two overlap
// without a conflict.
func replaces(a, b string) bool { return a == "respite" && b == "living" }

// Conflicts returns the periods when two structures have the child at
// once (their occurrences overlap by more than tolerance, which absorbs a
// handover written 08:30 on one side and 08:45 on the other). A respite
// stay overlaps the living place without a conflict.
func Conflicts(occ []Occurrence, tolerance time.Duration) []Span {
	var out []Span
	for i := range occ {
		for j := i + 1; j < len(occ) && occ[j].Start.Before(occ[i].End); j++ {
			a, b := occ[i], occ[j]
			if !presence(a.Slot.Kind) || !presence(b.Slot.Kind) || a.Slot.OrganisationID == b.Slot.OrganisationID ||
				replaces(a.Slot.Kind, b.Slot.Kind) || replaces(b.Slot.Kind, a.Slot.Kind) {
				continue
			}
			s, e := later(a.Start, b.Start), earlier(a.End, b.End)
			if e.Sub(s) > tolerance {
				out = append(out, Span{Start: s, End: e, A: a.Slot, B: b.Slot})
			}
		}
	}
	return out
}

// Gaps returns the periods of at least min between windowStart and
// windowEnd when no occurrence has the child.
func Gaps(occ []Occurrence, windowStart, windowEnd time.Time, min time.Duration) []Span {
	var out []Span
	cursor := windowStart
	for _, o := range occ {
		if !presence(o.Slot.Kind) {
			continue
		}
		if o.Start.After(cursor) && o.Start.Sub(cursor) >= min {
			out = append(out, Span{Start: cursor, End: earlier(o.Start, windowEnd)})
		}
		cursor = later(cursor, o.End)
		if !cursor.Before(windowEnd) {
			return out
		}
	}
	if windowEnd.Sub(cursor) >= min {
		out = append(out, Span{Start: cursor, End: windowEnd})
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SpanLabel says a span in French: "lundi 3 août, 08:30 – 17:00".
func SpanLabel(s Span, loc *time.Location) string {
	a, b := s.Start.In(loc), s.End.In(loc)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return fmt.Sprintf("%s, %s – %s", dayName(a), a.Format("15:04"), b.Format("15:04"))
	}
	return fmt.Sprintf("%s %s – %s %s", dayName(a), a.Format("15:04"), dayName(b), b.Format("15:04"))
}

var weekdayNames = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

func dayName(t time.Time) string {
	return fmt.Sprintf("%s %d %s", weekdayNames[t.Weekday()], t.Day(), monthNames[t.Month()-1])
}
