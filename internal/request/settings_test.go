package request_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/request"
)

func TestNormalizeTiming(t *testing.T) {
	h := func(n int) time.Duration { return time.Duration(n) * time.Hour }
	ok := request.Timing{Deadline: h(48), RemindBefore: h(12), DirectorAfter: h(0), SteeringAfter: h(24)}
	cases := []struct {
		name   string
		edit   func(*request.Timing)
		fields []string
	}{
		{"two days, reminded 12 h before", func(*request.Timing) {}, nil},
		{"every default", func(t *request.Timing) { *t = request.DefaultTiming(request.KindAdmission) }, nil},
		{"no deadline", func(t *request.Timing) { t.Deadline, t.RemindBefore = 0, 0 }, []string{"deadline_hours"}},
		{"one hour", func(t *request.Timing) { t.Deadline, t.RemindBefore = h(1), 0 }, nil},
		{"90 days", func(t *request.Timing) { t.Deadline = h(2160) }, nil},
		{"91 days", func(t *request.Timing) { t.Deadline = h(2184) }, []string{"deadline_hours"}},
		{"half an hour", func(t *request.Timing) { t.Deadline = 90 * time.Minute }, []string{"deadline_hours"}},
		{"reminder at the deadline", func(t *request.Timing) { t.RemindBefore = h(48) }, []string{"remind_before_hours"}},
		{"negative reminder", func(t *request.Timing) { t.RemindBefore = h(-1) }, []string{"remind_before_hours"}},
		{"negative director step", func(t *request.Timing) { t.DirectorAfter = h(-2) }, []string{"director_after_hours"}},
		{"steering with the directors", func(t *request.Timing) { t.DirectorAfter, t.SteeringAfter = h(24), h(24) }, nil},
		{"steering before the directors", func(t *request.Timing) { t.DirectorAfter, t.SteeringAfter = h(24), h(12) }, []string{"steering_after_hours"}},
		{"both escalations negative", func(t *request.Timing) { t.DirectorAfter, t.SteeringAfter = h(-5), h(-2) },
			[]string{"director_after_hours", "steering_after_hours"}},
		{"steering after 91 days", func(t *request.Timing) { t.SteeringAfter = h(2184) }, []string{"steering_after_hours"}},
		{"all wrong", func(t *request.Timing) {
			*t = request.Timing{Deadline: h(-1), RemindBefore: h(-1), DirectorAfter: h(-1), SteeringAfter: h(-2)}
		},
			[]string{"deadline_hours", "director_after_hours", "remind_before_hours", "steering_after_hours"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := request.NormalizeTiming(in)
			if f := fields(err); !slices.Equal(f, c.fields) {
				t.Fatalf("fields %v, want %v (%v)", f, c.fields, err)
			}
		})
	}
}

// The steering of the Loire shortens the respite deadline: the referent
// reads it, a director may not, nobody but the steering sets it, and the
// next request sent follows it.
func TestSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steering, ref := e.as("pilotage"), e.as("referent")
		all := must(e.s.Settings(ref, "42"))
		if len(all) != len(request.Kinds) || !all[1].Default || all[1].Kind != request.KindRespite ||
			all[1].Timing != request.DefaultTiming(request.KindRespite) {
			t.Fatalf("defaults %+v", all)
		}
		if _, err := e.s.Settings(e.as("directeur"), "42"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a director reads the settings: %v", err)
		}
		day := request.Timing{Deadline: 24 * time.Hour, RemindBefore: 6 * time.Hour, DirectorAfter: 2 * time.Hour, SteeringAfter: 12 * time.Hour}
		if err := e.s.SetTiming(ref, "42", request.KindRespite, day); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the referent sets the timing: %v", err)
		}
		if err := e.s.SetTiming(steering, "69", request.KindRespite, day); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the steering of the Loire sets the Rhône's timing: %v", err)
		}
		bad := day
		bad.RemindBefore = 30 * time.Hour
		if err := e.s.SetTiming(steering, "42", "holiday", bad); !slices.Equal(fields(err), []string{"kind", "remind_before_hours"}) {
			t.Fatalf("an unknown kind and a late reminder: %v", err)
		}
		if err := e.s.SetTiming(steering, "42", request.KindRespite, day); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetTiming(steering, "42", request.KindRespite, day); err != nil {
			t.Fatalf("setting the same timing twice: %v", err)
		}
		all = must(e.s.Settings(ref, "42"))
		if all[1].Default || all[1].Timing != day || !all[0].Default {
			t.Fatalf("after the change %+v", all)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'request.settings' AND resource_id = '42'`); n != 2 {
			t.Fatalf("%d changes audited", n)
		}
		// The next respite request is due within a day.
		lucas := e.id(`SELECT id FROM children WHERE first_name = 'Lucas'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		start := e.clock.Now().AddDate(0, 0, 5).Format(time.DateOnly)
		id := must(e.s.Create(ref, request.Input{Kind: request.KindRespite, ChildID: lucas, From: start, To: start,
			Need: "Une nuit.", Recipients: []string{ditep}}, true))
		r := must(e.s.Get(ref, id))
		if dl := r.Recipients[0].Deadline; dl == nil || !dl.Equal(e.clock.Now().Add(24*time.Hour)) {
			t.Fatalf("deadline %v, sent at %v", dl, e.clock.Now())
		}
	})
}
