package web_test

import (
	"net/http"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// A crisis through the API, every answer checked against the OpenAPI
// document: activation (input errors named, one at a time per
// département), the current crisis, the cell, the log (notes for the
// cell only), status reports and the board with its late filter, the
// cadence, the end and the report.
func TestCrisisAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")

		e.capCall(t, v, steering, "GET", "/api/v1/crises/current", "", http.StatusNotFound)
		past := e.capCall(t, v, educator, "GET", "/api/v1/crises", "", http.StatusOK)
		if it := past["items"].([]any); len(it) != 1 || it[0].(map[string]any)["kind"] != "heatwave" || it[0].(map[string]any)["active"] != false {
			t.Fatalf("the demo's past crisis: %v", past)
		}
		e.capCall(t, v, anonymous, "POST", "/api/v1/crises", `{"departement":"42","kind":"flood","description":"x"}`, http.StatusUnauthorized)
		p := e.capCall(t, v, steering, "POST", "/api/v1/crises", `{"departement":"42","kind":"storm","start":"hier"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad activation", p, "description", "kind", "start")
		p = e.capCall(t, v, steering, "POST", "/api/v1/crises", `{"departement":"42","kind":"flood","colour":"red"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown field", p, "colour")
		e.capCall(t, v, director, "POST", "/api/v1/crises", `{"departement":"42","kind":"flood","description":"Crue."}`, http.StatusForbidden)
		c := e.capCall(t, v, steering, "POST", "/api/v1/crises", `{"departement":"42","kind":"cyber","description":"Rançongiciel : messagerie du CD coupée."}`, http.StatusCreated)
		id := c["id"].(string)
		base := "/api/v1/crises/" + id
		if c["active"] != true || c["report_every_hours"] != 24.0 || c["activated_by_name"] != "Hélène Vial" {
			t.Fatalf("activated: %v", c)
		}
		e.capCall(t, v, steering, "POST", "/api/v1/crises", `{"departement":"42","kind":"flood","description":"Crue."}`, http.StatusConflict)
		if cur := e.capCall(t, v, educator, "GET", "/api/v1/crises/current", "", http.StatusOK); cur["id"] != id {
			t.Fatalf("current: %v", cur)
		}
		e.capCall(t, v, parent, "GET", base, "", http.StatusNotFound)
		e.capCall(t, v, admin, "GET", "/api/v1/crises/current", "", http.StatusUnprocessableEntity)
		e.capCall(t, v, steering, "GET", "/api/v1/crises/pas-un-id", "", http.StatusNotFound)

		// The cell.
		e.capCall(t, v, referent, "POST", base+"/cell", `{"email":"`+referent+`"}`, http.StatusForbidden)
		m := e.capCall(t, v, steering, "POST", base+"/cell", `{"email":"`+referent+`","function":"Référente ASE"}`, http.StatusCreated)
		if m["name"] != "Sophie Duret" || m["account_id"] == nil {
			t.Fatalf("member: %v", m)
		}
		e.capCall(t, v, steering, "POST", base+"/cell", `{"email":"`+referent+`"}`, http.StatusConflict)
		p = e.capCall(t, v, steering, "POST", base+"/cell", `{"function":"Inspecteur"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a member without a name", p, "name", "organisation")
		ars := e.capCall(t, v, steering, "POST", base+"/cell", `{"name":"Paul Girard","organisation":"ARS DD42","phone":"04 99 00 20 10"}`, http.StatusCreated)
		if cell := e.capCall(t, v, educator, "GET", base+"/cell", "", http.StatusOK); len(cell["items"].([]any)) != 2 {
			t.Fatalf("cell: %v", cell)
		}
		e.capCall(t, v, steering, "DELETE", base+"/cell/"+ars["id"].(string), "", http.StatusNoContent)
		e.capCall(t, v, steering, "DELETE", base+"/cell/"+ars["id"].(string), "", http.StatusNotFound)

		// The log.
		e.capCall(t, v, director, "POST", base+"/log", `{"kind":"decision","body":"Tout fermer."}`, http.StatusForbidden)
		p = e.capCall(t, v, referent, "POST", base+"/log", `{"kind":"memo","body":""}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a bad entry", p, "body", "kind")
		e.capCall(t, v, referent, "POST", base+"/log", `{"kind":"note","body":"Le foyer travaille sur papier."}`, http.StatusCreated)
		e.capCall(t, v, steering, "POST", base+"/log", `{"kind":"decision","body":"Échanges par téléphone jusqu'au rétablissement."}`, http.StatusCreated)
		if log := e.capCall(t, v, referent, "GET", base+"/log", "", http.StatusOK); len(log["items"].([]any)) != 2 {
			t.Fatalf("the cell's log: %v", log)
		}
		if log := e.capCall(t, v, director, "GET", base+"/log", "", http.StatusOK); len(log["items"].([]any)) != 1 ||
			log["items"].([]any)[0].(map[string]any)["kind"] != "decision" {
			t.Fatalf("the territory's log: %v", log)
		}

		// Status reports and the board.
		e.capCall(t, v, educator, "POST", base+"/status-reports", `{"structure_id":"`+mecs+`","state":"open"}`, http.StatusForbidden)
		p = e.capCall(t, v, director, "POST", base+"/status-reports", `{"structure_id":"`+mecs+`","state":"on fire","staff_absent":-2}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a bad report", p, "staff_absent", "state")
		rep := e.capCall(t, v, director, "POST", base+"/status-reports", `{"structure_id":"`+mecs+`","state":"reduced","staff_absent":2,"children_affected":0,"needs":"Un ordinateur de secours."}`, http.StatusCreated)
		if rep["state_label"] != "Activité réduite" || rep["author_name"] != "Marc Oliveira" {
			t.Fatalf("report: %v", rep)
		}
		e.capCall(t, v, educator, "POST", base+"/status-reports", `{"structure_id":"`+ditep+`","state":"open"}`, http.StatusCreated)
		e.capCall(t, v, director, "GET", base+"/status-reports", "", http.StatusForbidden)
		b := e.capCall(t, v, referent, "GET", base+"/status-reports", "", http.StatusOK)
		lines := b["items"].([]any)
		if b["late"] != 0.0 || len(lines) < 20 {
			t.Fatalf("board: %v late, %d lines", b["late"], len(lines))
		}
		found := false
		for _, l := range lines {
			l := l.(map[string]any)
			if l["structure_id"] == mecs {
				found = l["latest"].(map[string]any)["needs"] == "Un ordinateur de secours." && l["reports"] == 1.0
			}
		}
		if !found {
			t.Fatal("the MECS's report is not on the board")
		}
		if late := e.capCall(t, v, referent, "GET", base+"/status-reports?late=true", "", http.StatusOK); len(late["items"].([]any)) != 0 {
			t.Fatalf("late at the start: %v", late)
		}
		e.capCall(t, v, referent, "GET", base+"/status-reports?late=oui", "", http.StatusUnprocessableEntity)

		// Cadence, end, report.
		p = e.capCall(t, v, referent, "PATCH", base, `{"report_every_hours":500}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a cadence of three weeks", p, "report_every_hours")
		e.capCall(t, v, educator, "PATCH", base, `{"report_every_hours":12}`, http.StatusForbidden)
		if got := e.capCall(t, v, referent, "PATCH", base, `{"report_every_hours":12}`, http.StatusOK); got["report_every_hours"] != 12.0 {
			t.Fatalf("cadence: %v", got)
		}
		e.capCall(t, v, referent, "POST", base+"/end", `{"note":"Fin."}`, http.StatusForbidden)
		p = e.capCall(t, v, steering, "POST", base+"/end", `{}`, http.StatusUnprocessableEntity)
		wantProblem(t, "no closing note", p, "note")
		ended := e.capCall(t, v, steering, "POST", base+"/end", `{"note":"Messagerie rétablie."}`, http.StatusOK)
		if ended["active"] != false || ended["ended_at"] == nil || ended["closing_note"] != "Messagerie rétablie." {
			t.Fatalf("ended: %v", ended)
		}
		e.capCall(t, v, steering, "POST", base+"/end", `{"note":"Encore."}`, http.StatusConflict)
		e.capCall(t, v, director, "POST", base+"/status-reports", `{"structure_id":"`+mecs+`","state":"open"}`, http.StatusConflict)
		e.capCall(t, v, steering, "GET", "/api/v1/crises/current", "", http.StatusNotFound)

		e.capCall(t, v, director, "GET", base+"/report.pdf", "", http.StatusForbidden)
		resp, body := e.call(referent, "GET", base+"/report.pdf", "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("report: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}
