package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

// Who reaches the board's pages, and what a refused or failed form keeps.
func TestCapacityPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := e.capIDs()
		board := "/disponibilites/structures/" + ids["{ditep}"]

		// Only the DITEP's direction keeps its figures.
		for _, who := range []string{educator, director, referent, parent} {
			c := e.login(who)
			if resp, _ := e.get(c, board); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s opens the DITEP's board: %d", who, resp.StatusCode)
			}
			if resp, _ := e.postForm(c, board+"/confirmer", url.Values{}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s confirms the DITEP's figures: %d", who, resp.StatusCode)
			}
		}
		dir := e.login(ditepDirector)
		resp, body := e.get(dir, board)
		mustContain(t, resp, body, http.StatusOK, "Rien n'a changé", `name="free.`+ids["{last}"]+`"`)

		// A mistyped figure: nothing saved, what was typed stays.
		v := url.Values{"free." + ids["{last}"]: {"deux"}, "to." + ids["{last}"]: {ids["{d12}"]}}
		resp, body = e.postForm(dir, board, v)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "a été enregistré : corrigez", `value="deux"`)
		a, _ := e.srv.Capacity.Get(sys(), ids["{last}"])
		if a.Free() != 1 {
			t.Fatalf("a failed save changed the figure: %+v", a)
		}
		// A new declaration with an error keeps its form open and filled.
		resp, body = e.postForm(dir, "/disponibilites/offres/"+ids["{ditep_respite}"]+"/nouvelle",
			url.Values{"structure": {ids["{ditep}"]}, "kind": {"staff"}, "places": {"1"}, "conditions": {"Le mardi"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Indiquez la profession", `value="Le mardi"`)

		// The hold form: a parent may not; the last place goes once.
		option := "/disponibilites/declarations/" + ids["{last}"] + "/option"
		if resp, _ := e.get(e.login(parent), option); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a parent opens the hold form: %d", resp.StatusCode)
		}
		ref := e.login(referent)
		resp, _ = e.postForm(ref, option, url.Values{"request_ref": {"DEM-1"}, "places": {"1"}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/disponibilites/options/") {
			t.Fatalf("hold: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = e.postForm(dir, option, url.Values{"request_ref": {"DEM-LATE"}, "places": {"1"}, "note": {"pour samedi"}})
		mustContain(t, resp, body, http.StatusConflict, "Cette place vient d", `value="DEM-LATE"`, "pour samedi")
		resp, body = e.get(ref, "/disponibilites/options")
		mustContain(t, resp, body, http.StatusOK, "DEM-1", "Option posée")
		resp, body = e.get(e.login(director), "/disponibilites/options")
		if strings.Contains(body, "DEM-1") {
			t.Fatal("another structure sees the referent's hold")
		}

		// The territory: for the ASE and the steering of the Loire.
		if resp, _ := e.get(e.login(director), "/disponibilites/territoire?departement=42"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a director sees the territory: %d", resp.StatusCode)
		}
		resp, body = e.get(ref, "/disponibilites/territoire")
		mustContain(t, resp, body, http.StatusOK, "Places par type de structure", "DITEP")
		resp, body = e.get(ref, "/disponibilites/territoire/export.csv?departement=42")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "DITEP") {
			t.Fatalf("CSV: %d %s", resp.StatusCode, excerpt(body))
		}
		if resp, _ := e.get(ref, "/disponibilites/territoire/export.xlsx?departement=42"); resp.StatusCode != http.StatusOK {
			t.Fatalf("XLSX: %d", resp.StatusCode)
		}
		var exports int
		d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT count(*) FROM audit_log WHERE action = 'capacity.export'`).Scan(&exports)
		})
		if exports != 2 {
			t.Fatalf("exports audited: %d", exports)
		}
		// Settings are the steering's: the referent reads them, cannot post them.
		resp, _ = e.postForm(ref, "/disponibilites/territoire/reglages", url.Values{"departement": {"42"}, "hold_hours": {"24"}})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("referent posts settings: %d", resp.StatusCode)
		}
		st, _ := e.srv.Capacity.Settings(sys(), "42")
		if st.HoldHours != capacity.DefaultHoldHours {
			t.Fatal("the referent changed the settings")
		}
	})
}

// A figure declared from the structure's page is found by the referent
// with its freshness, and holdable only by those who may hold; a foster
// carer keeps their own relay stays only.
func TestCapacityPagesDeclareAndFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := e.capIDs()
		dir := e.login(ditepDirector)
		resp, body := e.postForm(dir, "/disponibilites/offres/"+ids["{ditep_respite}"]+"/nouvelle", url.Values{
			"structure": {ids["{ditep}"]}, "kind": {"respite"}, "places": {"2"}, "from": {ids["{d10}"]}, "to": {ids["{d12}"]}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/disponibilites/structures/"+ids["{ditep}"] {
			t.Fatalf("declare: %d %s", resp.StatusCode, excerpt(body))
		}

		search := "/disponibilites?du=" + ids["{d10}"] + "&au=" + ids["{d12}"] + "&nature=respite&age=9&pres_de=Saint-%C3%89tienne&minutes=60"
		resp, body = e.get(e.login(referent), search)
		mustContain(t, resp, body, http.StatusOK, "DITEP Le Gier", "2 places libres", "Accueil de répit", "du "+dayLabel(ids["{d10}"]),
			"confirmé il y a moins d&#39;une heure par Isabelle", "Poser une option", `value="Saint-Étienne (42218)"`, "min")
		// Without dates, the coming weeks: the respite in ten days is found.
		resp, body = e.get(e.login(referent), "/disponibilites?nature=respite&age=9&pres_de=42218&minutes=60")
		mustContain(t, resp, body, http.StatusOK, "DITEP Le Gier", "du "+dayLabel(ids["{d10}"]), "sans dates, les 30 prochains jours")
		resp, body = e.get(e.login(parent), search)
		mustContain(t, resp, body, http.StatusOK, "2 places libres")
		if strings.Contains(body, "Poser une option") {
			t.Error("a parent is offered to hold a place")
		}
		// Mistyped criteria come back beside their fields, as typed.
		resp, body = e.get(e.login(referent), "/disponibilites?du=demain&age=neuf")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Indiquez l&#39;âge", `value="neuf"`)
		resp, body = e.get(e.login(referent), "/disponibilites?du=demain")
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Date de début invalide", `value="demain"`)

		// The stale-figure e-mail links to the board: after logging in, the director lands there.
		board := "/disponibilites/structures/" + ids["{ditep}"]
		c := e.browser()
		if resp, _ := e.get(c, board); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion" {
			t.Fatalf("board without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = e.postForm(c, "/connexion", url.Values{"email": {ditepDirector}, "password": {demo.Password}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != board {
			t.Fatalf("after login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// The director of the MECS is told on the home page of the figure gone stale.
		resp, body = e.get(e.login(director), "/")
		mustContain(t, resp, body, http.StatusOK, "Vos disponibilités", "1 chiffre périmé", "à confirmer")

		// The foster carer sees the foster offers only and declares relay stays for themselves.
		carer := e.login("assistante-familiale@demo.passerelle.test")
		board = "/disponibilites/structures/" + ids["{placement}"]
		resp, body = e.get(carer, board)
		mustContain(t, resp, body, http.StatusOK, "Séjour relais chez un assistant familial")
		if strings.Contains(body, `value="respite"`) || strings.Contains(body, `value="permanent"`) {
			t.Error("a foster carer is offered other kinds than relay stays")
		}
		resp, body = e.postForm(carer, "/disponibilites/offres/"+ids["{foster_offer}"]+"/nouvelle", url.Values{
			"structure": {ids["{placement}"]}, "kind": {"relay"}, "places": {"1"}, "from": {ids["{d10}"]}, "to": {ids["{d12}"]}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("carer declares: %d %s", resp.StatusCode, excerpt(body))
		}
		_, body = e.get(carer, board)
		if !strings.Contains(body, "Martine Chazelle") {
			t.Errorf("the carer's relay stay is not on their board: %s", excerpt(body))
		}
		if resp, _ := e.get(carer, "/disponibilites/structures/"+ids["{ditep}"]); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a foster carer opens another structure's board: %d", resp.StatusCode)
		}

		// The director's page showed 1 free place; the referent holds it before
		// she saves a new end date: the place stays held, not free again.
		last := ids["{last}"]
		if resp, _ := e.postForm(e.login(referent), "/disponibilites/declarations/"+last+"/option",
			url.Values{"request_ref": {"DEM-9"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hold: %d", resp.StatusCode)
		}
		resp, body = e.postForm(dir, "/disponibilites/structures/"+ids["{ditep}"], url.Values{
			"free." + last: {"1"}, "was." + last: {"1"}, "from." + last: {ids["{d10}"]}, "to." + last: {ids["{d12}"]}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", resp.StatusCode, excerpt(body))
		}
		if a, _ := e.srv.Capacity.Get(sys(), last); a.Free() != 0 || a.Taken != 1 || string(a.To) != ids["{d12}"] {
			t.Fatalf("after saving a period over a hold: free %d taken %d to %s", a.Free(), a.Taken, a.To)
		}
	})
}

// dayLabel is how the pages write a day: "3 mars 2027".
func dayLabel(iso string) string { return capacity.Day(iso).Label() }
