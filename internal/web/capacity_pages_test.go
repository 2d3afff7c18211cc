package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
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
