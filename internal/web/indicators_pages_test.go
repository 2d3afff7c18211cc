package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
	"passerelle/internal/indicators"
)

// actorOf loads a demo account, to ask the services what a page must show.
func (e *env) actorOf(email string) access.Actor {
	e.t.Helper()
	id, err := e.srv.Auth.AccountIDByEmail(sys(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.srv.Auth.LoadActor(sys(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// auditCount counts the audit rows of an account.
func (e *env) auditCount(actorID string) int {
	e.t.Helper()
	var n int
	if err := e.db.Read(sys(), func(tx *db.Tx) error {
		return tx.QueryRowContext(sys(), `SELECT COUNT(*) FROM audit_log WHERE actor_id = $1`, actorID).Scan(&n)
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// The steering's dashboard: the Loire's by default, every indicator of
// the service with its chart and its table, small counts shown as "< 5"
// and never their value, the map, the other territories and periods;
// bad choices come back with French messages; each download is sent
// whole, with its type, and audited.
func TestDashboardPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		actor := e.actorOf(steering)
		ctx := access.WithActor(t.Context(), actor)
		scopes, err := e.srv.Indicators.Scopes(ctx)
		if err != nil || len(scopes) < 3 || scopes[0] != (indicators.Scope{Level: indicators.LevelDepartement, Code: "42"}) {
			t.Fatalf("scopes %+v %v", scopes, err)
		}

		resp, body := e.get(pil, "/tableaux-de-bord")
		mustContain(t, resp, body, http.StatusOK, "Tableau de bord — Loire (42)", "Chiffres calculés le", `value="departement-42" selected`,
			`value="region-84"`, `value="france"`, "3 derniers mois", "Année civile", `id="carte"`, "Secret statistique",
			"/tableaux-de-bord/export.csv?", "/tableaux-de-bord/export.xlsx?", "/tableaux-de-bord/export.pdf?")
		dash, err := e.srv.Indicators.Dashboard(ctx, scopes[0], dashDefaultPeriod(t, body))
		if err != nil || len(dash.Indicators) == 0 {
			t.Fatalf("dashboard: %v", err)
		}
		small := 0
		for _, ind := range dash.Indicators {
			section := between(body, `id="ind-`+ind.ID+`"`, "</section>")
			if section == "" || !strings.Contains(section, html.EscapeString(ind.Title)) || !strings.Contains(section, "<svg") ||
				!strings.Contains(section, `<table class="dash-table"`) || !strings.Contains(section, "<caption") {
				t.Errorf("indicator %s: no section with its title, chart and table\n%s", ind.ID, excerpt(section))
			}
			for i, row := range ind.Table.Cells {
				for j, c := range row {
					if c.Hidden && c.Small {
						small++
					}
					if c.Hidden && !strings.Contains(section, "secret") {
						t.Errorf("indicator %s cell %d,%d hidden but no secrecy mark", ind.ID, i, j)
					}
				}
			}
		}
		if small == 0 || !strings.Contains(body, `title="moins de 5 enfants">&lt; 5</abbr>`) {
			t.Fatalf("the demo's dashboard shows no small count as « < 5 » (%d in the service's tables)", small)
		}

		// Other territories and periods.
		resp, body = e.get(pil, "/tableaux-de-bord?territoire=region-84&periode=3m")
		mustContain(t, resp, body, http.StatusOK, "Auvergne-Rhône-Alpes", `value="region-84" selected`, `aria-current="true">3 derniers mois`)
		resp, body = e.get(pil, "/tableaux-de-bord?territoire=france&du=2026-01&au=2026-06")
		mustContain(t, resp, body, http.StatusOK, "Tableau de bord — France", `value="2026-01"`, `value="2026-06"`)

		// Bad choices: French messages, what was typed kept, no 500.
		resp, body = e.get(pil, "/tableaux-de-bord?du=2026-09&au=2026-02")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Le mois de début (septembre 2026) est après le mois de fin (février 2026)",
			`value="2026-09"`, `value="2026-02"`)
		resp, body = e.get(pil, "/tableaux-de-bord?territoire=lune&du=demain")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Ce territoire n&#39;existe pas", "AAAA-MM", `value="demain"`)
		resp, body = e.get(pil, "/tableaux-de-bord?periode=toujours")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Cette période n&#39;existe pas")
		resp, body = e.get(pil, "/tableaux-de-bord?carte=nimporte")
		mustContain(t, resp, body, http.StatusOK, "Cet indicateur ne se montre pas sur la carte")
		resp, body = e.get(pil, "/tableaux-de-bord/export.csv?au=2027-01")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "ne peut pas être téléchargé", "après le mois en cours")
		// A territory the steering of the Loire may not open.
		if resp, _ = e.get(pil, "/tableaux-de-bord?territoire=departement-33"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the Loire's steering opens the Gironde: %d", resp.StatusCode)
		}

		// The map colours each indicator it can show in turn; the steering
		// of the Loire opens only the Loire's dashboard from it.
		for _, mi := range indicators.MapIndicators {
			resp, body = e.get(pil, "/tableaux-de-bord?periode=12m&carte="+mi.ID)
			mustContain(t, resp, body, http.StatusOK, `<option value="`+mi.ID+`" selected>`)
			m := between(body, `id="carte"`, "</section>")
			if !strings.Contains(m, "<svg") || !strings.Contains(m, `href="/tableaux-de-bord?carte=`+mi.ID+`&amp;periode=12m&amp;territoire=departement-42"`) ||
				strings.Contains(m, "territoire=departement-43") || strings.Contains(m, "notice") {
				t.Errorf("map of %s: no map or wrong links\n%s", mi.ID, excerpt(m))
			}
		}

		// Downloads: whole, typed, audited.
		for _, dl := range []struct{ ext, ctype, magic string }{
			{"csv", "text/csv; charset=utf-8", ""}, {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
			{"pdf", "application/pdf", "%PDF-"}} {
			before := e.auditCount(actor.AccountID)
			resp, body = e.get(pil, "/tableaux-de-bord/export."+dl.ext+"?territoire=departement-42&periode=12m")
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != dl.ctype || !strings.HasPrefix(body, dl.magic) ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "tableau-de-bord-loire-42-") {
				t.Fatalf("%s: %d %q %q %.60q", dl.ext, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body)
			}
			if after := e.auditCount(actor.AccountID); after != before+1 {
				t.Errorf("%s: %d audit rows written, want 1", dl.ext, after-before)
			}
			switch dl.ext {
			case "csv":
				for _, ind := range dash.Indicators {
					if !strings.Contains(body, ind.Title) {
						t.Errorf("the CSV lacks %q", ind.Title)
					}
				}
				if !strings.Contains(body, "< 5") {
					t.Error("the CSV shows no « < 5 »")
				}
			case "pdf":
				text := strings.Join(strings.Fields(pdftext.Text(t, []byte(body))), " ")
				for _, want := range append([]string{"Tableau de bord — Loire (42)", "Chiffres calculés", "Secret statistique", "< 5"}, titles(dash)...) {
					if !strings.Contains(text, want) {
						t.Errorf("the PDF lacks %q", want)
					}
				}
			}
		}
	})
}

// Only the steering and administrators open the dashboards: the others
// get the refusal page, and so do their downloads.
func TestDashboardForbidden(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, who := range []string{director, referent, educator, parent} {
			c := e.login(who)
			for _, path := range []string{"/tableaux-de-bord", "/tableaux-de-bord?territoire=france", "/tableaux-de-bord/export.csv",
				"/tableaux-de-bord/export.xlsx", "/tableaux-de-bord/export.pdf"} {
				resp, body := e.get(c, path)
				mustContain(t, resp, body, http.StatusForbidden, "Accès refusé")
			}
			_, body := e.get(c, "/")
			if strings.Contains(body, `href="/tableaux-de-bord"`) {
				t.Errorf("%s has the dashboards in the menu", who)
			}
		}
		resp, body := e.get(e.login(admin), "/tableaux-de-bord?territoire=france")
		mustContain(t, resp, body, http.StatusOK, "Tableau de bord — France")
		resp, _ = e.get(e.browser(), "/tableaux-de-bord")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("anonymous: %d", resp.StatusCode)
		}
	})
}

func titles(d indicators.Dashboard) []string {
	var out []string
	for _, ind := range d.Indicators {
		out = append(out, ind.Title)
	}
	return out
}

// dashDefaultPeriod reads the period the page shows (data-period).
func dashDefaultPeriod(t *testing.T, body string) indicators.Period {
	t.Helper()
	from, to, ok := strings.Cut(between(body, `data-period="`, `"`), "/")
	if !ok || len(from) != 10 || len(to) != 10 {
		t.Fatalf("the page does not say its period: %q %q", from, to)
	}
	return indicators.Period{From: from, To: to}
}
