package indicators_test

import (
	"context"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/indicators"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
)

// as is the demo account of mailbox.
func as(t *testing.T, d *db.DB, mailbox string) context.Context {
	t.Helper()
	a := &auth.Service{DB: d}
	id, err := a.AccountIDByEmail(system, mailbox+"@demo.passerelle.test")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := a.LoadActor(system, id)
	if err != nil {
		t.Fatal(err)
	}
	return access.WithActor(bg, actor)
}

func TestDemoDashboard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)).Use(d)
		if _, _, err := demo.Load(bg, d); err != nil {
			t.Fatal(err)
		}
		s := &indicators.Service{DB: d} // the demo computed its figures
		dash, err := s.Dashboard(as(t, d, "pilotage"), indicators.Scope{Level: indicators.LevelDepartement, Code: demo.Departement}, indicators.Period{})
		if err != nil {
			t.Fatal(err)
		}
		// The demo shows figures, and hides some: both must be seen.
		shown, hidden := 0, 0
		for _, ind := range dash.Indicators {
			for _, r := range ind.Table.Cells {
				for _, c := range r {
					switch {
					case c.Hidden && ind.Table.Secret:
						hidden++
					case ind.Table.Secret && c.N >= indicators.Threshold:
						shown++
					}
				}
			}
		}
		if shown < 10 || hidden < 10 {
			t.Errorf("the demo dashboard shows %d counts of 5 or more and hides %d", shown, hidden)
		}
		if len(dash.Indicators) != 16 || dash.FreshAt.IsZero() {
			t.Errorf("%d indicators, computed at %v", len(dash.Indicators), dash.FreshAt)
		}
	})
}

func apperrOf(err error) (*apperr.Error, bool) { return apperr.As(err) }

func isForbidden(err error) bool { return apperr.Is(err, apperr.Forbidden) }
