package indicators_test

import (
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/indicators"
)

// now is the seeded territory's present: figures are computed then.
var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// seed writes a small territory: structures in the Ain (01) and the
// Allier (03), both of Auvergne-Rhône-Alpes (84), and in Paris (75), with
// requests, places, a respite stay, alerts and children waiting.
func seed(t *testing.T, d *db.DB) {
	t.Helper()
	err := d.Write(system, func(tx *db.Tx) error {
		exec := func(q string, args ...any) {
			if _, err := tx.ExecContext(system, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		org := func(id, kind, typ, dep string) {
			exec(`INSERT INTO organisations (id, kind, name, structure_type, departement, created_at, updated_at)
				VALUES ($1, $2, $1, $3, $4, $5, $5)`, id, kind, typ, dep, now)
			if kind == "structure" {
				exec(`INSERT INTO structures (id) VALUES ($1)`, id)
				exec(`INSERT INTO offers (id, structure_id, modality, age_min, age_max, created_at, updated_at)
					VALUES ($1, $2, 'internat', 6, 18, $3, $3)`, "of-"+id, id, now)
			}
		}
		org("ase01", "ase", "", "01")
		org("s01", "structure", "mecs", "01")
		org("s01b", "structure", "ditep", "01")
		org("s03", "structure", "mecs", "03")
		org("s75", "structure", "ime", "75")
		sent := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
		n := 0
		request := func(kind, structure, status, reason string, answerAfter time.Duration, deadline time.Duration) {
			n++
			id := "rq" + string(rune('a'+n/26)) + string(rune('a'+n%26))
			exec(`INSERT INTO requests (id, kind, sender_org_id, sender_org_name, sender_name, departement, need, status, created_at, sent_at)
				VALUES ($1, $2, 'ase01', 'ASE', 'Réf', '01', 'besoin', 'ended', $3, $3)`, id, kind, sent)
			var first any
			if answerAfter > 0 {
				first = sent.Add(answerAfter)
			}
			exec(`INSERT INTO request_recipients (request_id, structure_id, structure_name, status, deadline_at, first_answer_at, decided_at, reason)
				VALUES ($1, $2, $2, $3, $4, $5, $5, $6)`, id, structure, status, sent.Add(deadline), first, reason)
		}
		day := 24 * time.Hour
		for range 6 {
			request("admission", "s01", "accepted", "", 5*time.Hour, 15*day)
		}
		for _, r := range []string{"no_place", "no_place", "no_place", "territory"} {
			request("admission", "s01b", "refused", r, 30*time.Hour, 15*day)
		}
		request("admission", "s01", "expired", "", 0, 15*day)
		request("admission", "s01", "expired", "", 0, 15*day)
		request("respite", "s01", "accepted", "", 60*time.Hour, 2*day)
		request("respite", "s01b", "refused", "no_place", 10*time.Hour, 2*day)
		request("respite", "s01b", "refused", "no_place", 10*time.Hour, 2*day)
		request("admission", "s03", "confirmed", "", 3*time.Hour, 15*day)
		request("admission", "s75", "refused", "no_place", 3*time.Hour, 15*day)
		// A draft and a withdrawn request do not count.
		request("admission", "s01", "draft", "", 0, 15*day)
		request("admission", "s01", "withdrawn", "", 0, 15*day)

		// Places of s01: 5 declared in August, 2 of them booked in October.
		exec(`INSERT INTO availabilities (id, offer_id, structure_id, kind, places, taken, starts_on, ends_on, confirmed_at, created_at, updated_at)
			VALUES ('av1', 'of-s01', 's01', 'permanent', 5, 2, '2026-08-10', '9999-12-31', $1, $1, $1)`, now.Add(-30*day))
		exec(`INSERT INTO capacity_history (id, availability_id, offer_id, structure_id, departement, kind, event, places, taken, at)
			VALUES ('h1', 'av1', 'of-s01', 's01', '01', 'permanent', 'declared', 5, 0, $1),
			('h2', 'av1', 'of-s01', 's01', '01', 'permanent', 'booked', 5, 2, $2)`,
			time.Date(2026, 8, 10, 9, 0, 0, 0, time.UTC), time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC))
		// A respite stay from 30 October to 2 November: 2 days in each month.
		exec(`INSERT INTO availabilities (id, offer_id, structure_id, kind, places, taken, starts_on, ends_on, confirmed_at, created_at, updated_at)
			VALUES ('av2', 'of-s01', 's01', 'respite', 2, 1, '2026-10-01', '2026-12-31', $1, $1, $1)`, now)
		exec(`INSERT INTO capacity_holds (id, availability_id, structure_id, places, status, request_ref, holder_org_id, starts_on, ends_on, expires_at, created_at)
			VALUES ('ho1', 'av2', 's01', 1, 'booked', 'x', 'ase01', '2026-10-30', '2026-11-02', $1, $1),
			('ho2', 'av2', 's01', 1, 'cancelled', 'y', 'ase01', '2026-10-01', '2026-10-05', $1, $1)`, now)

		child := func(id, dep string) {
			exec(`INSERT INTO children (id, pseudonym, ase_id, departement, first_name, last_name, search_name, birth_date, sex, living_kind, created_at, updated_at)
				VALUES ($1, $1, 'ase01', $2, 'A', 'B', 'b a', '2015-01-01', 'girl', 'family', $3, $3)`, id, dep, now)
		}
		notification := func(id, child, status, from string) {
			exec(`INSERT INTO child_notifications (id, child_id, orientation, starts_on, ends_on, status, status_on, created_at, updated_at)
				VALUES ($1, $2, 'ditep', $3, '2027-12-31', $4, $3, $5, $5)`, id, child, from, status, now)
		}
		child("c1", "01")
		child("c2", "01")
		child("c3", "01")
		notification("n1", "c1", "waiting", "2026-03-01")  // more than 6 months
		notification("n2", "c2", "notified", "2025-06-01") // more than a year
		notification("n2b", "c2", "waiting", "2026-01-01") // the same child: counted once, by the oldest
		notification("n3", "c3", "waiting", "2026-10-01")  // not yet 90 days
		for i, at := range []time.Time{
			time.Date(2026, 10, 2, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 9, 8, 0, 0, 0, time.UTC), time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC)} {
			exec(`INSERT INTO child_events (id, child_id, at, kind, section, summary) VALUES ($1, 'c1', $2, 'alert', 'planning',
				'Alerte envoyée au référent : Planning : personne n''a l''enfant')`, "eg"+string(rune('0'+i)), at)
		}
		for i := range 6 {
			exec(`INSERT INTO child_events (id, child_id, at, kind, section, summary) VALUES ($1, 'c2', $2, 'alert', 'measures',
				'Alerte envoyée au référent : Fin de mesure sans renouvellement')`, "em"+string(rune('0'+i)), time.Date(2026, 9, 3+i, 8, 0, 0, 0, time.UTC))
		}
		exec(`INSERT INTO child_events (id, child_id, at, kind, section, summary) VALUES ('note', 'c2', $1, 'note', 'notes', 'Note')`, now)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// steering is a steering account of the Ain's ASE.
var steering = access.WithActor(bg, access.Actor{AccountID: "pil01", Email: "pil01@x.test", Memberships: []access.Membership{
	{OrganisationID: "ase01", OrganisationKind: access.OrgASE, Departement: "01", Role: access.RoleSteering}}})

func indicator(t *testing.T, d indicators.Dashboard, id string) indicators.Table {
	t.Helper()
	for _, ind := range d.Indicators {
		if ind.ID == id {
			return ind.Table
		}
	}
	t.Fatalf("no indicator %s", id)
	return indicators.Table{}
}

// values are a table's figures by row and column labels, hidden or not
// (the tables keep them; what prints them must not).
func values(t indicators.Table) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for i, r := range t.Rows {
		for j, c := range t.Columns {
			out[[2]string{r, c}] = t.Cells[i][j].N
		}
	}
	return out
}

func TestFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.NewClock(now).Use(d)
		seed(t, d)
		s := &indicators.Service{DB: d}
		if err := s.Refresh(system); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(system); err != nil { // idempotent
			t.Fatal(err)
		}
		ain, err := s.Dashboard(steering, indicators.Scope{Level: indicators.LevelDepartement, Code: "01"}, indicators.Period{From: "2026-06", To: "2026-11"})
		if err != nil {
			t.Fatal(err)
		}
		if !ain.FreshAt.Equal(now) || ain.Label != "Ain (01)" || ain.Period != (indicators.Period{From: "2026-06-01", To: "2026-11-30"}) {
			t.Errorf("dashboard: %v %q %v", ain.FreshAt, ain.Label, ain.Period)
		}
		// The key figures are cells of the protected tables: the Ain's 2
		// children waiting are "< 5" there too.
		if len(ain.Summary) != 5 {
			t.Errorf("key figures: %+v", ain.Summary)
		}
		for _, f := range ain.Summary {
			if f.IndicatorID == indicators.IDWithoutSolution && (!f.Value.Hidden || !f.Value.Small || f.Value.Text() != "< 5") {
				t.Errorf("children without solution, key figure: %+v", f.Value)
			}
		}
		const adm, resp = "Admission", "Accueil de répit (1 à 6 jours)"
		cases := []struct {
			id   string
			want map[[2]string]float64
		}{
			// The refusals by reason are columns of the requests' table.
			{indicators.IDRequests, map[[2]string]float64{{adm, "Acceptées"}: 6, {adm, "Refusées : Pas de place"}: 3,
				{adm, "Refusées : Hors du territoire couvert"}: 1, {adm, "Autres issues"}: 2,
				{resp, "Acceptées"}: 1, {resp, "Refusées : Pas de place"}: 2, {resp, "Autres issues"}: 0}},
			// 6 answers at 5 h and 4 at 30 h: median in the 5 h bucket (shown 6), 9th decile in the 30 h one (31);
			// the respite's 3 answers are too few; all 13: 5 h ×6, 10 h ×2, 30 h ×4, 60 h.
			{indicators.IDResponseTimes, map[[2]string]float64{{adm, "Médiane, première réponse"}: 6, {adm, "9e décile, première réponse"}: 31,
				{"Toutes les demandes", "Médiane, première réponse"}: 11, {"Toutes les demandes", "9e décile, première réponse"}: 31}},
			{indicators.IDWithoutSolution, map[[2]string]float64{{"3 à 6 mois", "Enfants sans solution"}: 0,
				{"6 à 12 mois", "Enfants sans solution"}: 1, {"Plus d'un an", "Enfants sans solution"}: 1}},
			{indicators.IDPlanningGaps, map[[2]string]float64{{"oct. 2026", "Personne n'a l'enfant"}: 3, {"sept. 2026", "Personne n'a l'enfant"}: 0}},
			{indicators.IDAlerts, map[[2]string]float64{{"sept. 2026", "Mesures"}: 6}},
			{indicators.IDRespiteDays, map[[2]string]float64{{"oct. 2026", "Accueil de répit"}: 2, {"nov. 2026", "Accueil de répit"}: 2,
				{"sept. 2026", "Accueil de répit"}: 0}},
			{indicators.IDPlaces, map[[2]string]float64{{"juil. 2026", "Place permanente"}: 0, {"août 2026", "Place permanente"}: 5,
				{"nov. 2026", "Place permanente"}: 5}},
			{indicators.IDPlacesAvailable, map[[2]string]float64{{"sept. 2026", "Place permanente"}: 5, {"oct. 2026", "Place permanente"}: 3}},
			{indicators.IDContinuity, map[[2]string]float64{{"MECS", "Sans plan à jour"}: 1, {"DITEP", "Sans plan à jour"}: 1}},
		}
		for _, c := range cases {
			got := values(indicator(t, ain, c.id))
			for k, want := range c.want {
				if g, ok := got[k]; !ok || g != want {
					t.Errorf("%s %v = %v (present %v), want %v", c.id, k, g, ok, want)
				}
			}
		}
		// Rates: shown only from shown figures with a base of 5 or more.
		rates, req := indicator(t, ain, indicators.IDRequestRates), indicator(t, ain, indicators.IDRequests)
		shown := !req.Cells[0][0].Hidden && !req.RowTotals[0].Hidden
		if c := rates.Cells[0][0]; c.Hidden == shown || shown && c.N != 50 {
			t.Errorf("acceptance of admissions: %+v, want 50 %% exactly when 6 and 12 are shown (%v)", c, shown)
		}
		if c := rates.Cells[1][0]; !c.Hidden {
			t.Errorf("acceptance of 3 respite requests shown: %+v", c)
		}

		// The region and the nation add the départements up.
		region, err := s.Dashboard(steering, indicators.Scope{Level: indicators.LevelRegion, Code: "84"}, indicators.Period{From: "2026-10", To: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		nation, err := s.Dashboard(steering, indicators.Scope{Level: indicators.LevelNational}, indicators.Period{From: "2026-10", To: "2026-10"})
		if err != nil {
			t.Fatal(err)
		}
		if got := values(indicator(t, region, indicators.IDRequests))[[2]string{adm, "Acceptées"}]; got != 7 {
			t.Errorf("region: %v accepted admissions, want 7", got)
		}
		refused := 0.0
		for k, n := range values(indicator(t, nation, indicators.IDRequests)) {
			if k[0] == adm && strings.HasPrefix(k[1], "Refusées") {
				refused += n
			}
		}
		if refused != 5 {
			t.Errorf("nation: %v refused admissions, want 5", refused)
		}

		// A refresh is seen at once, although the dashboard above is
		// kept by the service: the Ain's children are admitted.
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `UPDATE child_notifications SET status = 'admitted'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(system); err != nil {
			t.Fatal(err)
		}
		// Three refreshes: the published generation and the one before
		// it are kept, the first is gone.
		var gens []int64
		if err := d.Read(system, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(system, `SELECT DISTINCT generation FROM indicator_facts ORDER BY generation`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var g int64
				rows.Scan(&g)
				gens = append(gens, g)
			}
			return rows.Err()
		}); err != nil || len(gens) != 2 || gens[0] != 2 || gens[1] != 3 {
			t.Errorf("generations kept: %v %v", gens, err)
		}
		again, err := s.Dashboard(steering, indicators.Scope{Level: indicators.LevelDepartement, Code: "01"}, indicators.Period{From: "2026-06", To: "2026-11"})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range again.Summary {
			if f.IndicatorID == indicators.IDWithoutSolution && (f.Value.Hidden || f.Value.N != 0) {
				t.Errorf("after the admissions and a refresh, children without solution: %+v", f.Value)
			}
		}

		// The map colours places and rates, never a count of children.
		cells, unit, err := s.Map(steering, indicators.IDPlacesAvailable, indicators.Period{})
		if err != nil || unit != "places" || len(cells) != 101 {
			t.Fatal(err, unit, len(cells))
		}
		_, _, err = s.Map(steering, indicators.IDWithoutSolution, indicators.Period{})
		if err == nil {
			t.Error("the map showed children without solution by département")
		}
		// The refusal speaks of the indicator, not of a territory.
		if e, ok := apperr.As(err); !ok || e.Fields["indicator"] == "" || strings.Contains(e.Message, "territoire") {
			t.Errorf("map of an unknown indicator: %v", err)
		}
	})
}

func TestScopesAndAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dbtest.NewClock(now).Use(d)
		s := &indicators.Service{DB: d}
		scopes, err := s.Scopes(steering)
		want := []indicators.Scope{{Level: indicators.LevelDepartement, Code: "01"}, {Level: indicators.LevelRegion, Code: "84"}, {Level: indicators.LevelNational}}
		if err != nil || len(scopes) != 3 || scopes[0] != want[0] || scopes[1] != want[1] || scopes[2] != want[2] {
			t.Errorf("scopes: %v %v", scopes, err)
		}
		for _, c := range []struct {
			sc    indicators.Scope
			p     indicators.Period
			field string
		}{
			{indicators.Scope{Level: indicators.LevelDepartement, Code: "99"}, indicators.Period{}, "code"},
			{indicators.Scope{Level: "canton", Code: "01"}, indicators.Period{}, "level"},
			{indicators.Scope{Level: indicators.LevelRegion, Code: "84"}, indicators.Period{From: "2026-13-01", To: "2026-11"}, "from"},
			{indicators.Scope{Level: indicators.LevelRegion, Code: "84"}, indicators.Period{From: "2026-11", To: "2026-01"}, "to"},
			{indicators.Scope{Level: indicators.LevelRegion, Code: "84"}, indicators.Period{From: "2020-01", To: "2026-01"}, "from"},
		} {
			_, err := s.Dashboard(steering, c.sc, c.p)
			if e, ok := apperrOf(err); !ok || e.Fields[c.field] == "" {
				t.Errorf("%v %v: %v, want an error on %s", c.sc, c.p, err, c.field)
			}
		}
		// Another département, another region: forbidden.
		for _, sc := range []indicators.Scope{{Level: indicators.LevelDepartement, Code: "75"}, {Level: indicators.LevelRegion, Code: "11"}} {
			if _, err := s.Dashboard(steering, sc, indicators.Period{}); !isForbidden(err) {
				t.Errorf("%v: %v, want forbidden", sc, err)
			}
		}
		director := access.WithActor(bg, access.Actor{AccountID: "dir", Memberships: []access.Membership{
			{OrganisationID: "s01", OrganisationKind: access.OrgStructure, Departement: "01", Role: access.RoleDirector}}})
		if _, err := s.Scopes(director); !isForbidden(err) {
			t.Errorf("a director's scopes: %v", err)
		}
		if _, _, err := s.Map(director, indicators.IDStale, indicators.Period{}); !isForbidden(err) {
			t.Errorf("a director's map: %v", err)
		}
		// An export is audited.
		dash, err := s.Dashboard(steering, want[0], indicators.Period{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordExport(steering, dash, "csv"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.Read(system, func(tx *db.Tx) error {
			return tx.QueryRowContext(system, `SELECT count(*) FROM audit_log WHERE action = 'indicators.export'`).Scan(&n)
		}); err != nil || n != 1 {
			t.Errorf("%d exports audited (%v)", n, err)
		}
	})
}
