package crisis_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/crisis"
)

func TestLateAndPeriod(t *testing.T) {
	start := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, c := range []struct {
		name      string
		last, now time.Time
		late      bool
		period    int
	}{
		{"no report, within the first day", time.Time{}, start.Add(23 * time.Hour), false, 0},
		{"no report, exactly a day", time.Time{}, start.Add(day), false, 1},
		{"no report, a day and a minute", time.Time{}, start.Add(day + time.Minute), true, 1},
		{"reported 20 h ago", start.Add(10 * time.Hour), start.Add(30 * time.Hour), false, 1},
		{"reported 25 h ago", start.Add(10 * time.Hour), start.Add(35 * time.Hour), true, 1},
		{"a report before the start counts from the start", start.Add(-5 * time.Hour), start.Add(20 * time.Hour), false, 0},
		{"three days in", start.Add(2 * day), start.Add(3*day + time.Hour), true, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := crisis.Late(start, c.last, day, c.now); got != c.late {
				t.Errorf("Late = %v", got)
			}
			if got := crisis.Period(start, c.now, day); got != c.period {
				t.Errorf("Period = %d", got)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"":                          {},
		"2026-07-01T08:30":          time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC), // Paris summer time
		"2026-01-15 08:30":          time.Date(2026, 1, 15, 7, 30, 0, 0, time.UTC),
		"2026-07-01T08:30:00+02:00": time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC),
		"2026-07-01T06:30:00Z":      time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC),
	} {
		got, ok := crisis.ParseTime(in, crisis.Paris)
		if !ok || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"demain", "01/07/2026", "2026-13-01T08:00"} {
		if _, ok := crisis.ParseTime(bad, crisis.Paris); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The timeline puts every event in time order, the activation first and
// the end last when they share a time with an entry.
func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	r := crisis.EndReport{
		Crisis: crisis.Crisis{StartedAt: t0, EndedAt: t0.Add(48 * time.Hour), Description: "Canicule"},
		Log: []crisis.Entry{{Kind: crisis.EntryDecision, At: t0, Body: "d0"}, {Kind: crisis.EntryNote, At: t0.Add(5 * time.Hour), Body: "n1"},
			{Kind: crisis.EntryDecision, At: t0.Add(48 * time.Hour), Body: "d2"}},
		Broadcasts: []crisis.BroadcastRate{{Subject: "b1", SentAt: t0.Add(2 * time.Hour)}},
	}
	var got []string
	for _, e := range r.Timeline() {
		got = append(got, e.Kind+":"+e.Text)
	}
	want := []string{"activation:Canicule", "decision:d0", "broadcast:b1", "note:n1", "decision:d2", "end:"}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if len(r.Decisions()) != 2 {
		t.Fatal("decisions")
	}
}

func TestCallablePhone(t *testing.T) {
	for s, want := range map[string]bool{
		"04 77 12 34 56": true, "04.77.12.34.56": true, "+33 (0)4 77 12 34 56": true, "0477123456": true,
		"": false, "abc": false, "04 77 12 34": false, "15": false, "04 77 12 34 56 ext 2": false, "1234567890123456": false,
	} {
		if got := crisis.CallablePhone(s); got != want {
			t.Errorf("CallablePhone(%q) = %v, want %v", s, got, want)
		}
	}
}
