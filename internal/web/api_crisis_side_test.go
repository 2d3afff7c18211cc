package web_test

import (
	"net/http"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Continuity plans, broadcasts and the rota through the API: each answer
// checked against the OpenAPI document, each mistake a problem naming
// its field.
func TestCrisisSideAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		emr := e.orgID("Équipe mobile ressource Loire Sud (fictif)")

		// Plans.
		plan := "/api/v1/continuity-plans/" + mecs
		p := e.capCall(t, v, director, "PUT", plan, `{"minimum_staffing":" ","priorities":"Soins","children_at_risk":-2,"colour":"x"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown field", p, "colour")
		p = e.capCall(t, v, director, "PUT", plan, `{"minimum_staffing":" ","priorities":"Soins","children_at_risk":-2}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a plan without staffing", p, "children_at_risk", "emergency_contacts", "minimum_staffing")
		got := e.capCall(t, v, director, "PUT", plan, `{"minimum_staffing":"Deux adultes","priorities":"Soins","emergency_contacts":"04 99 11 01 01"}`, http.StatusOK)
		if got["state"] != "current" || got["can_edit"] != true {
			t.Fatalf("plan %v", got)
		}
		e.capCall(t, v, ditepDirector, "PUT", plan, `{"minimum_staffing":"x","priorities":"x","emergency_contacts":"x"}`, http.StatusForbidden)
		e.capCall(t, v, steering, "GET", plan, "", http.StatusOK)
		e.capCall(t, v, director, "POST", plan+"/reviewed", "", http.StatusOK)
		e.capCall(t, v, admin, "POST", "/api/v1/continuity-plans/"+e.orgID("Lieu de vie Les Genêts (fictif)")+"/reviewed", "", http.StatusConflict)
		list := e.capCall(t, v, steering, "GET", "/api/v1/continuity-plans?state=late", "", http.StatusOK)
		if c := list["counts"].(map[string]any); c["missing"] != 3.0 || c["old"] != 1.0 || len(list["items"].([]any)) != 4 {
			t.Fatalf("the territory's plans: %v", list)
		}
		p = e.capCall(t, v, steering, "GET", "/api/v1/continuity-plans?state=perdu", "", http.StatusUnprocessableEntity)
		wantProblem(t, "unknown state", p, "state")
		e.capCall(t, v, director, "GET", "/api/v1/continuity-plans", "", http.StatusForbidden)
		e.capCall(t, v, anonymous, "GET", plan, "", http.StatusUnauthorized)

		// Broadcasts.
		body := `{"subject":"Crue","body":"Montez les dossiers.","structure_ids":["` + mecs + `","` + ditep + `","` + emr + `"]}`
		e.capCall(t, v, steering, "POST", "/api/v1/broadcasts", body, http.StatusConflict)
		e.sideCrisis()
		pre := e.capCall(t, v, steering, "POST", "/api/v1/broadcasts/preview", `{"types":["mecs"],"communes":["42187"]}`, http.StatusOK)
		if pre["count"] != 1.0 {
			t.Fatalf("preview %v", pre)
		}
		p = e.capCall(t, v, steering, "POST", "/api/v1/broadcasts/preview", `{"types":["casino"]}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown type", p, "types")
		p = e.capCall(t, v, steering, "POST", "/api/v1/broadcasts", `{"types":["mecs"]}`, http.StatusUnprocessableEntity)
		wantProblem(t, "no words", p, "body", "subject")
		e.capCall(t, v, director, "POST", "/api/v1/broadcasts", body, http.StatusForbidden)
		id := e.capCall(t, v, steering, "POST", "/api/v1/broadcasts", body, http.StatusCreated)["id"].(string)
		path := "/api/v1/broadcasts/" + id
		e.capCall(t, v, director, "POST", path+"/acknowledge", "", http.StatusOK)
		if again := e.capCall(t, v, director, "POST", path+"/acknowledge", `{}`, http.StatusOK); again["already_acknowledged"] != true {
			t.Fatalf("twice: %v", again)
		}
		e.capCall(t, v, ditepDirector, "POST", path+"/acknowledge", `{"structure_id":"`+ditep+`"}`, http.StatusOK)
		e.capCall(t, v, director, "POST", path+"/acknowledge", `{"structure_id":"`+ditep+`"}`, http.StatusForbidden)
		e.capCall(t, v, parent, "GET", path, "", http.StatusNotFound)
		e.capCall(t, v, parent, "POST", path+"/acknowledge", "", http.StatusNotFound)
		b := e.capCall(t, v, steering, "GET", path, "", http.StatusOK)
		if b["acknowledged"] != 2.0 || b["structures"] != 3.0 || b["rate"] != 66.0 || b["cell"] != true || len(b["recipients"].([]any)) != 3 {
			t.Fatalf("the cell reads %v", b)
		}
		if b = e.capCall(t, v, director, "GET", path, "", http.StatusOK); b["cell"] != false || len(b["recipients"].([]any)) != 1 {
			t.Fatalf("the MECS reads %v", b)
		}
		if l := e.capCall(t, v, educator, "GET", "/api/v1/broadcasts", "", http.StatusOK); len(l["items"].([]any)) != 1 {
			t.Fatalf("the DITEP's educator lists %v", l)
		}

		// The rota.
		oc := e.capCall(t, v, educator, "GET", "/api/v1/on-call", "", http.StatusOK)
		if teams := oc["teams"].([]any); len(teams) != 2 || len(teams[1].(map[string]any)["now"].([]any)) != 1 {
			t.Fatalf("on call: %v", oc)
		}
		e.capCall(t, v, parent, "GET", "/api/v1/on-call", "", http.StatusForbidden)
		shifts := "/api/v1/on-call/teams/" + emr + "/shifts"
		start := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Hour)
		shift := `{"person_name":"Inès Cartier","phone":"04 99 41 07 14","starts_at":"` + start.Format(time.RFC3339) +
			`","ends_at":"` + start.Add(12*time.Hour).Format(time.RFC3339) + `","territory":"Gier"}`
		e.capCall(t, v, director, "POST", shifts, shift, http.StatusForbidden)
		p = e.capCall(t, v, "equipe-mobile@demo.passerelle.test", "POST", shifts, `{"person_name":"","phone":"x","starts_at":"demain","ends_at":""}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a wrong shift", p, "ends_at", "person_name", "phone", "starts_at")
		added := e.capCall(t, v, "equipe-mobile@demo.passerelle.test", "POST", shifts, shift, http.StatusCreated)
		if added["person_name"] != "Inès Cartier" || added["starts_at"] != start.Format(time.RFC3339) {
			t.Fatalf("added %v", added)
		}
		rota := e.capCall(t, v, educator, "GET", shifts, "", http.StatusOK)
		if rota["can_edit"] != false || len(rota["items"].([]any)) < 40 {
			t.Fatalf("rota %v", rota["can_edit"])
		}
		e.capCall(t, v, educator, "DELETE", shifts+"/"+added["id"].(string), "", http.StatusForbidden)
		e.capCall(t, v, "equipe-mobile@demo.passerelle.test", "DELETE", shifts+"/"+added["id"].(string), "", http.StatusNoContent)
		e.capCall(t, v, "equipe-mobile@demo.passerelle.test", "DELETE", shifts+"/"+added["id"].(string), "", http.StatusNotFound)
	})
}
