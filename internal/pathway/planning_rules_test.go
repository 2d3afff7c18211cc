package pathway_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/pathway"
)

var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, paris)
	if err != nil {
		panic(err)
	}
	return t
}

// The week of a child living at a MECS (nights and weekends) and at a
// DITEP on weekdays, 9:00–16:30, closed during school holidays.
var (
	mecsNights = pathway.Slot{ID: "m", OrganisationID: "mecs", Kind: "living", Start: "16:30", End: "09:00",
		Weekdays: 127, From: "2027-01-01", To: pathway.Forever}
	ditepDays = pathway.Slot{ID: "d", OrganisationID: "ditep", Kind: "day_care", Start: "09:00", End: "16:30",
		Weekdays: 1 | 2 | 4 | 8 | 16, From: "2027-01-01", To: pathway.Forever, SkipHolidays: true}
	mecsWeekends = pathway.Slot{ID: "w", OrganisationID: "mecs", Kind: "living", Start: "09:00", End: "16:30",
		Weekdays: 32 | 64, From: "2027-01-01", To: pathway.Forever}
	summer = []pathway.Holiday{{Name: "Vacances d'été", From: "2027-07-03", To: "2027-08-31"}}
	// A respite stay booked at a relais parental, three whole days.
	respite = pathway.Slot{ID: "r", OrganisationID: "relais", Kind: "respite", Start: "00:00", End: "00:00",
		Weekdays: 127, From: "2027-03-26", To: "2027-03-28", HoldID: "h", HolderOrgID: "ase"}
)

func TestOccurrences(t *testing.T) {
	cases := []struct {
		name     string
		slots    []pathway.Slot
		from, to string
		want     []string // "start–end" in local time
	}{
		{"a night crossing midnight", []pathway.Slot{mecsNights}, "2027-03-02", "2027-03-02",
			[]string{"03-01 16:30–03-02 09:00", "03-02 16:30–03-03 09:00"}},
		{"a school day", []pathway.Slot{ditepDays}, "2027-03-02", "2027-03-02", []string{"03-02 09:00–03-02 16:30"}},
		{"not on Saturday", []pathway.Slot{ditepDays}, "2027-03-06", "2027-03-06", nil},
		{"not in the summer holidays", []pathway.Slot{ditepDays}, "2027-08-02", "2027-08-02", nil},
		{"an exception", []pathway.Slot{{ID: "x", OrganisationID: "o", Kind: "school", Start: "08:30", End: "11:30",
			Weekdays: 127, From: "2027-03-01", To: "2027-03-31", Except: []string{"2027-03-03"}}}, "2027-03-03", "2027-03-03", nil},
		{"once", []pathway.Slot{{ID: "o", OrganisationID: "cmpp", Kind: "appointment", Start: "14:00", End: "15:00",
			Weekdays: 4, From: "2027-03-03", To: "2027-03-03"}}, "2027-03-01", "2027-03-07", []string{"03-03 14:00–03-03 15:00"}},
		// Summer time starts on 28 March 2027 at 02:00: the night is an
		// hour shorter, and still ends at 09:00 local.
		{"across the change to summer time", []pathway.Slot{mecsNights}, "2027-03-28", "2027-03-28",
			[]string{"03-27 16:30–03-28 09:00", "03-28 16:30–03-29 09:00"}},
		// A respite stay lasts whole days, midnight to midnight, the day of
		// the change included (23 hours).
		{"whole days", []pathway.Slot{respite}, "2027-03-27", "2027-03-28",
			[]string{"03-27 00:00–03-28 00:00", "03-28 00:00–03-29 00:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, o := range pathway.Occurrences(c.slots, summer, c.from, c.to, paris) {
				got = append(got, o.Start.In(paris).Format("01-02 15:04")+"–"+o.End.In(paris).Format("01-02 15:04"))
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	night := pathway.Occurrences([]pathway.Slot{mecsNights}, nil, "2027-03-28", "2027-03-28", paris)[0]
	if d := night.End.Sub(night.Start); d != 15*time.Hour+30*time.Minute {
		t.Fatalf("the night of the change lasts %v", d)
	}
}

func TestConflictsAndGaps(t *testing.T) {
	week := func(slots []pathway.Slot, from, to string) ([]pathway.Span, []pathway.Span) {
		occ := pathway.Occurrences(slots, summer, from, to, paris)
		end, _ := time.Parse(time.DateOnly, to)
		return pathway.Conflicts(occ, 15*time.Minute),
			pathway.Gaps(occ, at(from, "00:00"), at(end.AddDate(0, 0, 1).Format(time.DateOnly), "00:00"), time.Hour)
	}
	// A term week: covered, no conflict.
	c, g := week([]pathway.Slot{mecsNights, ditepDays, mecsWeekends}, "2027-03-01", "2027-03-07")
	if len(c) != 0 || len(g) != 0 {
		t.Fatalf("term week: conflicts %v, gaps %v", c, g)
	}
	// August: the DITEP is closed, the MECS counts on it: a gap each weekday.
	_, g = week([]pathway.Slot{mecsNights, ditepDays, mecsWeekends}, "2027-08-02", "2027-08-08")
	if len(g) != 5 || !g[0].Start.Equal(at("2027-08-02", "09:00")) || !g[0].End.Equal(at("2027-08-02", "16:30")) {
		t.Fatalf("August gaps %v", g)
	}
	if label := pathway.SpanLabel(g[0], paris); label != "lundi 2 août, 09:00 – 16:30" {
		t.Fatalf("label %q", label)
	}
	// A CMPP appointment during the DITEP's day: a conflict, unless it
	// is the same structure; a quarter-hour handover is no conflict.
	cmpp := pathway.Slot{ID: "c", OrganisationID: "cmpp", Kind: "appointment", Start: "14:00", End: "15:00",
		Weekdays: 4, From: "2027-03-03", To: "2027-03-03"}
	c, _ = week([]pathway.Slot{mecsNights, ditepDays, mecsWeekends, cmpp}, "2027-03-01", "2027-03-07")
	if len(c) != 1 || c[0].A.OrganisationID != "ditep" || c[0].B.OrganisationID != "cmpp" {
		t.Fatalf("conflicts %v", c)
	}
	late := ditepDays
	late.Start, late.End = "08:45", "16:30"
	c, _ = week([]pathway.Slot{mecsNights, late, mecsWeekends}, "2027-03-01", "2027-03-07")
	if len(c) != 0 {
		t.Fatalf("a 15-minute handover flagged: %v", c)
	}
	// Transport overlaps both places.
	bus := pathway.Slot{ID: "t", OrganisationID: "taxi", Kind: "transport", Start: "08:30", End: "09:15",
		Weekdays: 31, From: "2027-01-01", To: pathway.Forever}
	c, _ = week([]pathway.Slot{mecsNights, ditepDays, mecsWeekends, bus}, "2027-03-01", "2027-03-07")
	if len(c) != 0 {
		t.Fatalf("transport flagged: %v", c)
	}
}

func TestNormalizeSlot(t *testing.T) {
	cases := []struct {
		name  string
		in    pathway.SlotInput
		field string
	}{
		{"weekly", pathway.SlotInput{Kind: "day_care", Start: "09:00", End: "16:30", Weekdays: []int{1, 2, 4, 5}}, ""},
		{"once", pathway.SlotInput{Kind: "appointment", Start: "14:00", End: "15:00", From: "03/03/2027"}, ""},
		{"a night", pathway.SlotInput{Kind: "living", Start: "18:00", End: "08:00", Weekdays: []int{1, 2, 3, 4, 5, 6, 7}}, ""},
		{"bad time", pathway.SlotInput{Kind: "school", Start: "8h", End: "11:30", Weekdays: []int{1}}, "start"},
		{"same times", pathway.SlotInput{Kind: "school", Start: "08:30", End: "08:30", Weekdays: []int{1}}, "end"},
		{"unknown kind", pathway.SlotInput{Kind: "sport", Start: "08:30", End: "09:30", Weekdays: []int{1}}, "kind"},
		{"day 8", pathway.SlotInput{Kind: "school", Start: "08:30", End: "11:30", Weekdays: []int{8}}, "weekdays"},
		{"ends before", pathway.SlotInput{Kind: "school", Start: "08:30", End: "11:30", Weekdays: []int{1}, From: "2027-03-03", To: "2027-03-01"}, "to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := pathway.NormalizeSlot(c.in, "2027-03-01")
			if c.field == "" {
				if err != nil || s.Weekdays == 0 || s.To < s.From {
					t.Fatalf("%+v %v", s, err)
				}
				return
			}
			if !slices.Contains(fieldsOf(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
	once, _ := pathway.NormalizeSlot(pathway.SlotInput{Kind: "appointment", Start: "14:00", End: "15:00", From: "2027-03-03"}, "2027-03-01")
	if once.From != "2027-03-03" || once.To != "2027-03-03" || once.Weekdays != 4 {
		t.Fatalf("once %+v", once)
	}
}

// A respite stay replaces the living place for its days: it overlaps the
// MECS's nights and weekends without a conflict, and still conflicts with
// anything else that puts the child somewhere at the same time.
func TestRespiteConflicts(t *testing.T) {
	other := func(kind, org string) pathway.Slot {
		return pathway.Slot{ID: kind + "-" + org, OrganisationID: org, Kind: kind, Start: "10:00", End: "12:00",
			Weekdays: 127, From: "2027-03-27", To: "2027-03-27"}
	}
	cases := []struct {
		name  string
		slots []pathway.Slot
		want  int
	}{
		{"the living place's nights and weekend", []pathway.Slot{respite, mecsNights, mecsWeekends}, 0},
		{"the living place written by a foster carer", []pathway.Slot{respite, other("living", "carer")}, 0},
		{"a day at the DITEP", []pathway.Slot{respite, other("day_care", "ditep")}, 1},
		{"school", []pathway.Slot{respite, other("school", "college")}, 1},
		{"a visit in the family", []pathway.Slot{respite, other("family", "ase")}, 1},
		{"an appointment", []pathway.Slot{respite, other("appointment", "cmpp")}, 1},
		{"another respite stay", []pathway.Slot{respite, other("respite", "ditep")}, 1},
		{"transport", []pathway.Slot{respite, other("transport", "taxi")}, 0},
		{"the same structure's day", []pathway.Slot{respite, other("day_care", "relais")}, 0},
		{"a living place with a day care", []pathway.Slot{other("living", "mecs"), other("day_care", "ditep")}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			occ := pathway.Occurrences(c.slots, nil, "2027-03-26", "2027-03-28", paris)
			if got := pathway.Conflicts(occ, 15*time.Minute); len(got) != c.want {
				t.Fatalf("%d conflicts, want %d: %v", len(got), c.want, got)
			}
		})
	}
	if respite.Owner() != "ase" || mecsNights.Owner() != "mecs" || !respite.WholeDays() || mecsNights.WholeDays() {
		t.Fatal("owner or whole days")
	}
}
