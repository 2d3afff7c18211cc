package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/indicators"
)

// dashIndicators asks the service which indicators the demo's steering
// sees on the Loire's dashboard, for the page to be checked against.
func dashIndicators(t *testing.T, d *db.DB) []string {
	t.Helper()
	sys := access.WithActor(context.Background(), access.SystemActor)
	a := &auth.Service{DB: d}
	id, err := a.AccountIDByEmail(sys, "pilotage@demo.passerelle.test")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := a.LoadActor(sys, id)
	if err != nil {
		t.Fatal(err)
	}
	ctx := access.WithActor(context.Background(), actor)
	s := &indicators.Service{DB: d}
	scopes, err := s.Scopes(ctx)
	if err != nil || len(scopes) == 0 {
		t.Fatalf("scopes: %v", err)
	}
	dash, err := s.Dashboard(ctx, scopes[0], indicators.DefaultPeriod(db.Now(d.Clock)))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ind := range dash.Indicators {
		ids = append(ids, "ind-"+ind.ID)
	}
	return ids
}

// The steering of the Loire opens the dashboard on her laptop: every
// indicator with its chart and its table, small counts shown "< 5", the
// map; she changes the period, the territory and the map's indicator,
// and downloads the three files; on her phone the page fits the screen.
// A director is refused.
func TestDashboardSteering(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		want := dashIndicators(t, d)
		desk := browser(t, 1280, 900)
		loginWithCode(t, desk, d, base, "pilotage")
		do(t, desk, chromedp.Click(chromedp.CSS(`.nav-wide a[href="/tableaux-de-bord"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.dash-indicator`)))
		if h := text(t, desk, `main h1`); h != "Tableau de bord — Loire (42)" {
			t.Fatalf("heading %q", h)
		}
		if fresh := text(t, desk, `.dash-fresh`); !strings.Contains(fresh, "Chiffres calculés le") {
			t.Fatalf("freshness %q", fresh)
		}
		shown, err := chromedp.Run(desk, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.dash-indicator'))
			.filter(s => s.querySelector('figure svg') && s.querySelector('table.dash-table caption') && s.querySelector('table.dash-table tbody tr'))
			.map(s => s.id)`))
		if err != nil || strings.Join(shown, " ") != strings.Join(want, " ") {
			t.Fatalf("indicators with chart and table: %v, want %v (%v)", shown, want, err)
		}
		if small := texts(t, desk, `.dash-table abbr.secret`); !contains(small, "< 5") {
			t.Fatalf("no « < 5 » in the tables: %v", small)
		}
		do(t, desk, chromedp.WaitVisible(chromedp.CSS(`#carte svg`)))
		shot(t, desk, string(d.Dialect)+"-desktop-dashboard")

		// The period: three months, then months typed.
		do(t, desk, chromedp.Click(chromedp.Search(`//nav[@aria-label="Périodes prédéfinies"]//a[contains(., "3 derniers mois")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.dash-presets a[aria-current="true"][href*="periode=3m"]`)))
		if got := texts(t, desk, `.dash-indicator`); len(got) != len(want) {
			t.Fatalf("three months: %d indicators", len(got))
		}
		do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-du`), "2026-01"), chromedp.SetValue(chromedp.CSS(`#f-au`), "2026-03"),
			chromedp.Click(chromedp.Search(`//button[contains(., "Afficher")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.dash-fresh[data-period="2026-01-01/2026-03-31"]`)))
		// A wrong period is said in French, the months typed kept.
		do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-du`), "2026-05"), chromedp.SetValue(chromedp.CSS(`#f-au`), "2026-02"),
			chromedp.Click(chromedp.Search(`//button[contains(., "Afficher")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#e-du`)))
		if msg := text(t, desk, `#e-du`); !strings.Contains(msg, "est après le mois de fin") {
			t.Fatalf("wrong period: %q", msg)
		}

		// The territory: the region.
		do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-du`), "2026-01"), chromedp.SetValue(chromedp.CSS(`#f-au`), "2026-06"),
			chromedp.SetValue(chromedp.CSS(`#f-territoire`), "region-84"),
			chromedp.Click(chromedp.Search(`//button[contains(., "Afficher")]`)),
			chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Auvergne-Rhône-Alpes")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.dash-indicator`)))

		// The map's indicator.
		if len(indicators.MapIndicators) > 1 {
			second := indicators.MapIndicators[1].ID
			do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-carte`), second),
				chromedp.Click(chromedp.Search(`//button[contains(., "Colorier la carte")]`)),
				chromedp.WaitReady(chromedp.CSS(`#f-carte option[value="`+second+`"][selected]`)),
				chromedp.WaitVisible(chromedp.CSS(`#carte svg`)))
		}

		// The downloads.
		for _, dl := range []struct{ ext, ctype string }{{"csv", "text/csv; charset=utf-8"},
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}, {"pdf", "application/pdf"}} {
			got, err := chromedp.Run(desk, chromedp.Evaluate[string](`fetch(document.querySelector('.dash-exports a[href*="export.`+dl.ext+`"]').href)
				.then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise))
			if err != nil || got != "200 "+dl.ctype {
				t.Fatalf("download %s: %q %v", dl.ext, got, err)
			}
		}
		fetchPDF(t, desk, `.dash-exports a[href*="export.pdf"]`, string(d.Dialect)+"-dashboard.pdf")

		// On a phone.
		do(t, desk, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/tableaux-de-bord"), chromedp.WaitVisible(chromedp.CSS(`.dash-indicator`)))
		wider, err := chromedp.Run(desk, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wider {
			t.Fatalf("the dashboard is wider than the phone: %v", err)
		}
		shot(t, desk, string(d.Dialect)+"-phone-dashboard")

		// A director is refused.
		phone := browser(t, 390, 844)
		login(t, phone, base, "directeur")
		do(t, phone, chromedp.Navigate(base+"/tableaux-de-bord"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if h := text(t, phone, `main h1`); h != "Accès refusé" {
			t.Fatalf("the director sees %q", h)
		}
	})
}
