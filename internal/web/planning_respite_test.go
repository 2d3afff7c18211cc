package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The referent's booked respite stay at the relais parental goes on
// Lucas's planning from the planning's form page, once; a second booking,
// at the MECS Le Colombier, through the API (checked against the OpenAPI
// document), where the DITEP's educator and the mother cannot place it.
func TestRespitePlanning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=lucas")
		childID := between(body, `<a href="/enfants/`, `"`)
		child := "/enfants/" + childID

		resp, body := e.get(ref, child+"/planning/nouveau")
		mustContain(t, resp, body, http.StatusOK, "Séjours de répit réservés", "Relais parental La Parenthèse (fictif)",
			"DEM-2026-027", "Inscrire au planning")
		hold := between(body, `name="hold_id" value="`, `"`)
		from := between(body, `name="from" value="`, `"`)
		resp, _ = e.postForm(ref, child+"/planning/repit", url.Values{"hold_id": {hold}, "from": {from}})
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/planning?semaine="+from) {
			t.Fatalf("place: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = e.get(ref, child+"/planning?semaine="+from)
		mustContain(t, resp, body, http.StatusOK, "Toute la journée</strong> Relais parental La Parenthèse (fictif) — Séjour de répit",
			"à Relais parental La Parenthèse (fictif) (réservé sur le tableau des places), journées entières, du ")
		if strings.Contains(body, "DEM-2026-027") {
			t.Error("the planning shows the booking's reference")
		}
		// Placed: no longer offered, and a second try says why.
		resp, body = e.get(ref, child+"/planning/nouveau")
		mustContain(t, resp, body, http.StatusOK, "Ajouter un temps au planning")
		if strings.Contains(body, "Séjours de répit réservés") {
			t.Error("a placed stay is still offered")
		}
		resp, _ = e.postForm(ref, child+"/planning/repit", url.Values{"hold_id": {hold}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("placed twice: %d", resp.StatusCode)
		}
		resp, body = e.get(ref, child+"/planning/nouveau")
		mustContain(t, resp, body, http.StatusOK, "Ce séjour de répit est déjà au planning de cet enfant.")
		// The DITEP's educator is offered nothing; the mother writes nothing.
		if _, body := e.get(e.login(educator), child+"/planning/nouveau"); strings.Contains(body, "Séjours de répit réservés") {
			t.Error("the DITEP is offered the ASE's booking")
		}
		if resp, _ := e.postForm(e.login(parent), child+"/planning/repit", url.Values{"hold_id": {hold}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the mother places a stay: %d", resp.StatusCode)
		}

		// Through the API: a second booking, at the MECS Le Colombier.
		var avail string
		if err := d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT a.id FROM availabilities a JOIN organisations o ON o.id = a.structure_id
				WHERE o.name = 'MECS Le Colombier (fictif)' AND a.kind = 'respite'`).Scan(&avail)
		}); err != nil {
			t.Fatal(err)
		}
		sophie, err := e.srv.Auth.LoadActor(sys(), e.accountID(referent))
		if err != nil {
			t.Fatal(err)
		}
		as := access.WithActor(sys(), sophie)
		h, err := e.srv.Capacity.Hold(as, avail, capacity.HoldInput{RequestRef: "DEM-2027-003"})
		if err != nil {
			t.Fatal(err)
		}
		if h, err = e.srv.Capacity.ConfirmHold(as, h.ID, "", h.From.AddDays(2)); err != nil {
			t.Fatal(err)
		}
		v := openAPIValidator(t)
		api := "/api/v1/children/" + childID + "/planning"
		e.capCall(t, v, referent, "POST", api+"/respite", `{}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, referent, "POST", api+"/respite", `{"hold_id":"`+db.NewID()+`"}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, educator, "POST", api+"/respite", `{"hold_id":"`+h.ID+`"}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, parent, "POST", api+"/respite", `{"hold_id":"`+h.ID+`"}`, http.StatusForbidden)
		e.capCall(t, v, fosterCarer, "POST", api+"/respite", `{"hold_id":"`+h.ID+`"}`, http.StatusNotFound)
		placed := e.capCall(t, v, referent, "POST", api+"/respite", `{"hold_id":"`+h.ID+`"}`, http.StatusCreated)
		e.capCall(t, v, referent, "POST", api+"/respite", `{"hold_id":"`+h.ID+`"}`, http.StatusConflict)
		week := e.capCall(t, v, parent, "GET", api+"?week="+string(h.From), "", http.StatusOK)
		slots, _ := week["slots"].([]any)
		var found bool
		for _, s := range slots {
			if m := s.(map[string]any); m["id"] == placed["id"] {
				found = m["hold_id"] == h.ID && m["kind"] == "respite" && m["start"] == "00:00" && m["end"] == "00:00"
			}
		}
		if !found {
			t.Fatalf("the stay in the week: %v", slots)
		}
		// Cancelled on the board, it leaves the planning.
		if _, err := e.srv.Capacity.CancelHold(as, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		week = e.capCall(t, v, parent, "GET", api+"?week="+string(h.From), "", http.StatusOK)
		slots, _ = week["slots"].([]any)
		for _, s := range slots {
			if s.(map[string]any)["hold_id"] == h.ID {
				t.Fatal("a cancelled stay still on the planning")
			}
		}
	})
}
