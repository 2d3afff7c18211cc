package web_test

import (
	"net/http"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Liaison notes, the planning and events through the API, on Lucas: each
// answer checked against the OpenAPI document, the same rules as the pages.
func TestTogetherAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		list := e.capCall(t, v, referent, "GET", "/api/v1/children?q=lucas", "", http.StatusOK)
		items, _ := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("Lucas: %v", list)
		}
		child := "/api/v1/children/" + items[0].(map[string]any)["id"].(string)
		ditep := e.orgID("DITEP Le Gier (fictif)")

		e.capCall(t, v, educatorMECS, "POST", child+"/liaisons", `{"happened":"Crise dimanche soir.","recipients":[]}`, http.StatusUnprocessableEntity)
		sent := e.capCall(t, v, educatorMECS, "POST", child+"/liaisons", `{"happened":"Crise dimanche soir.","recipients":["`+ditep+`"]}`, http.StatusCreated)
		liaison := child + "/liaisons/" + sent["id"].(string)
		got := e.capCall(t, v, educator, "GET", liaison, "", http.StatusOK)
		if got["to_acknowledge"] != true {
			t.Fatalf("the DITEP's view: %v", got)
		}
		e.capCall(t, v, educator, "POST", liaison+"/acknowledge", "", http.StatusOK)
		e.capCall(t, v, educator, "POST", liaison+"/acknowledge", "", http.StatusConflict)
		e.capCall(t, v, fosterCarer, "GET", child+"/liaisons", "", http.StatusNotFound)
		e.capCall(t, v, parent, "GET", child+"/liaisons", "", http.StatusForbidden)

		e.capCall(t, v, educator, "POST", child+"/planning/slots", `{"kind":"appointment","start":"14h","end":"15:00","weekdays":[3]}`, http.StatusUnprocessableEntity)
		slot := e.capCall(t, v, educator, "POST", child+"/planning/slots", `{"kind":"appointment","label":"Orthophonie","start":"14:00","end":"15:00","weekdays":[3]}`, http.StatusCreated)
		week := e.capCall(t, v, parent, "GET", child+"/planning?week=2027-08-02", "", http.StatusOK)
		if gaps, _ := week["gaps"].([]any); len(gaps) == 0 {
			t.Fatalf("no gap in August: %v", week["gaps"])
		}
		e.capCall(t, v, educatorMECS, "DELETE", child+"/planning/slots/"+slot["id"].(string), "", http.StatusForbidden)
		e.capCall(t, v, educator, "DELETE", child+"/planning/slots/"+slot["id"].(string), "", http.StatusNoContent)

		e.capCall(t, v, educatorMECS, "POST", child+"/events", `{"kind":"running_away","text":"Parti après le repas."}`, http.StatusNoContent)
		e.capCall(t, v, educatorMECS, "POST", child+"/events", `{"kind":"fugue","text":"x"}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, parent, "POST", child+"/events", `{"kind":"crisis","text":"x"}`, http.StatusForbidden)
	})
}
