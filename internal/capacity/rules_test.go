package capacity_test

import (
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
)

const today capacity.Day = "2027-03-01" // a Monday

func fields(err error) []string {
	e, ok := apperr.As(err)
	if !ok {
		return nil
	}
	var out []string
	for f := range e.Fields {
		out = append(out, f)
	}
	return out
}

func TestNormalizeDeclaration(t *testing.T) {
	cases := []struct {
		name  string
		in    capacity.Declaration
		field string // "" when valid
		check func(capacity.Declaration) bool
	}{
		{"defaults: from today, until further notice, every day",
			capacity.Declaration{Kind: capacity.KindPermanent, Places: 2}, "",
			func(d capacity.Declaration) bool {
				return d.From == today && d.To == capacity.Forever && d.Weekdays == capacity.EveryDay
			}},
		{"respite from 3 to 7 March", capacity.Declaration{Kind: capacity.KindRespite, Places: 2, From: "2027-03-03", To: "2027-03-07"}, "",
			func(d capacity.Declaration) bool { return d.From == "2027-03-03" && d.To == "2027-03-07" }},
		{"a period already begun counts from today", capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: "2027-02-20", To: "2027-03-04"}, "",
			func(d capacity.Declaration) bool { return d.From == today }},
		{"unknown kind", capacity.Declaration{Kind: "lit", Places: 1}, "kind", nil},
		{"negative places", capacity.Declaration{Kind: capacity.KindPermanent, Places: -1}, "places", nil},
		{"too many places", capacity.Declaration{Kind: capacity.KindPermanent, Places: capacity.MaxPlaces + 1}, "places", nil},
		{"zero places is a figure too", capacity.Declaration{Kind: capacity.KindPermanent, Places: 0}, "", nil},
		{"end before start", capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: "2027-03-10", To: "2027-03-05"}, "to", nil},
		{"period over", capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: "2027-01-10", To: "2027-02-05"}, "to", nil},
		{"bad date", capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: "31/02/2027"}, "from", nil},
		{"sequential needs some days", capacity.Declaration{Kind: capacity.KindSequential, Places: 1}, "weekdays", nil},
		{"sequential on Wednesdays and weekends", capacity.Declaration{Kind: capacity.KindSequential, Places: 1, Weekdays: 4 | 32 | 64}, "", nil},
		{"weekdays out of range", capacity.Declaration{Kind: capacity.KindPermanent, Places: 1, Weekdays: 200}, "weekdays", nil},
		{"lent staff needs a profession", capacity.Declaration{Kind: capacity.KindStaff, Places: 1}, "profession", nil},
		{"a carer only for relay stays", capacity.Declaration{Kind: capacity.KindRespite, Places: 1, CarerID: "x"}, "",
			func(d capacity.Declaration) bool { return d.CarerID == "" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := capacity.NormalizeDeclaration(c.in, today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if c.check != nil && !c.check(got) {
					t.Fatalf("got %+v", got)
				}
				return
			}
			if fs := fields(err); len(fs) == 0 || !contains(fs, c.field) {
				t.Fatalf("want an error on %q, got %v", c.field, err)
			}
		})
	}
}

func TestWeekdaysOf(t *testing.T) {
	cases := []struct {
		from, to capacity.Day
		want     capacity.Weekdays
		label    string
	}{
		{"2027-03-01", "2027-03-01", 1, "lundi"},
		{"2027-03-03", "2027-03-03", 4, "mercredi"},
		{"2027-03-06", "2027-03-07", 32 | 64, "samedi, dimanche"},
		{"2027-03-01", "2027-03-07", capacity.EveryDay, "tous les jours"},
		{"2027-03-05", "2027-03-20", capacity.EveryDay, "tous les jours"},
	}
	for _, c := range cases {
		got := capacity.WeekdaysOf(c.from, c.to)
		if got != c.want || got.Label() != c.label {
			t.Errorf("WeekdaysOf(%s, %s) = %d %q, want %d %q", c.from, c.to, got, got.Label(), c.want, c.label)
		}
	}
}

func TestPeriodLabel(t *testing.T) {
	cases := []struct {
		from, to capacity.Day
		want     string
	}{
		{"2027-03-03", "2027-03-07", "du 3 mars 2027 au 7 mars 2027"},
		{"2027-09-01", capacity.Forever, "à partir du 1 septembre 2027"},
		{today, capacity.Forever, "dès maintenant, sans date de fin"},
		{"2027-03-04", "2027-03-04", "le 4 mars 2027"},
		{today, "2027-03-10", "jusqu'au 10 mars 2027"},
	}
	for _, c := range cases {
		if got := capacity.PeriodLabel(c.from, c.to, today); got != c.want {
			t.Errorf("PeriodLabel(%s, %s) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

func TestStaleThresholds(t *testing.T) {
	s := capacity.DefaultSettings()
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		kind capacity.Kind
		age  time.Duration
		want bool
	}{
		{capacity.KindPermanent, 6 * 24 * time.Hour, false},
		{capacity.KindPermanent, 7*24*time.Hour + time.Minute, true},
		{capacity.KindRespite, 47 * time.Hour, false},
		{capacity.KindRespite, 49 * time.Hour, true},
		{capacity.KindEmergency, 49 * time.Hour, true},
		{capacity.KindStaff, 3 * 24 * time.Hour, false},
	}
	for _, c := range cases {
		if got := s.Stale(c.kind, at.Add(-c.age), at); got != c.want {
			t.Errorf("Stale(%s, %s) = %v, want %v", c.kind, c.age, got, c.want)
		}
	}
	s.StaleDays[capacity.KindPermanent] = 14
	if s.Stale(capacity.KindPermanent, at.Add(-10*24*time.Hour), at) {
		t.Error("a territory's 14-day threshold is not applied")
	}
}

func TestCheckBooking(t *testing.T) {
	respite := capacity.Availability{Kind: capacity.KindRespite, From: "2027-03-03", To: "2027-03-20"}
	permanent := capacity.Availability{Kind: capacity.KindPermanent, From: today, To: capacity.Forever}
	cases := []struct {
		name     string
		a        capacity.Availability
		from, to capacity.Day
		field    string
	}{
		{"respite of 5 days", respite, "2027-03-03", "2027-03-07", ""},
		{"respite of 6 days", respite, "2027-03-03", "2027-03-08", ""},
		{"respite of 7 days", respite, "2027-03-03", "2027-03-09", "to"},
		{"outside the period", respite, "2027-03-18", "2027-03-22", "from"},
		{"end before start", respite, "2027-03-07", "2027-03-05", "to"},
		{"start passed", permanent, "2027-02-27", capacity.Forever, "from"},
		{"a lasting placement", permanent, "2027-03-15", capacity.Forever, ""},
		{"no dates", respite, "", "", "from"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := capacity.CheckBooking(c.a, c.from, c.to, today)
			if c.field == "" && err != nil {
				t.Fatalf("unexpected %v", err)
			}
			if c.field != "" && !contains(fields(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
}

func TestNormalizeHold(t *testing.T) {
	in, err := capacity.NormalizeHold(capacity.HoldInput{RequestRef: "  DEM-2027-014 "})
	if err != nil || in.Places != 1 || in.RequestRef != "DEM-2027-014" {
		t.Fatalf("got %+v, %v", in, err)
	}
	if _, err := capacity.NormalizeHold(capacity.HoldInput{}); !contains(fields(err), "request_ref") {
		t.Fatalf("a hold without a reference: %v", err)
	}
	if _, err := capacity.NormalizeHold(capacity.HoldInput{RequestRef: "x", Places: 21}); !contains(fields(err), "places") {
		t.Fatalf("21 places: %v", err)
	}
}

func TestNormalizeQuery(t *testing.T) {
	age := 9
	bad := -1
	cases := []struct {
		name  string
		q     capacity.Query
		field string
	}{
		{"defaults", capacity.Query{}, ""},
		{"a week of respite near Saint-Étienne", capacity.Query{From: "2027-03-03", To: "2027-03-07", Kind: capacity.KindRespite,
			Age: &age, Near: "42218", Within: 45}, ""},
		{"a single day", capacity.Query{From: "2027-03-03"}, ""},
		{"until a day", capacity.Query{To: "2027-03-03"}, ""},
		{"end before start", capacity.Query{From: "2027-03-07", To: "2027-03-03"}, "au"},
		{"past", capacity.Query{From: "2027-01-07", To: "2027-01-09"}, "au"},
		{"more than a year", capacity.Query{From: "2027-03-07", To: "2028-06-03"}, "au"},
		{"bad date", capacity.Query{From: "demain"}, "du"},
		{"bad kind", capacity.Query{Kind: "lit"}, "nature"},
		{"bad age", capacity.Query{Age: &bad}, "age"},
		{"bad public", capacity.Query{Public: "adultes"}, "public"},
		{"bad modality", capacity.Query{Modality: "x"}, "modalite"},
		{"unknown commune", capacity.Query{Near: "99999"}, "pres_de"},
		{"minutes without a commune", capacity.Query{Within: 30}, "pres_de"},
		{"too far", capacity.Query{Near: "42218", Within: 600}, "minutes"},
		{"unknown département", capacity.Query{Departement: "XX"}, "departement"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := capacity.NormalizeQuery(c.q, today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if q.From < today || q.To < q.From {
					t.Fatalf("bad defaults %+v", q)
				}
				if c.q.From == "" && c.q.To == "" && (q.From != today || q.To != today.AddDays(capacity.DefaultSearchDays-1)) {
					t.Fatalf("without dates the search covers the coming %d days, got %s..%s", capacity.DefaultSearchDays, q.From, q.To)
				}
				return
			}
			if !contains(fields(err), c.field) {
				t.Fatalf("want an error on %s, got %v", c.field, err)
			}
		})
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
