package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The surveys through the API: the steering copies the crisis template,
// adds a question, launches it to the MECS and the DITEP; the MECS's
// director saves a draft and submits; the results and the export follow.
// A director of a structure outside the campaign, a parent and the
// Rhône's steering see nothing. Every answer is checked against the
// OpenAPI document.
func TestSurveysAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.rhone()
		v := openAPIValidator(t)

		tpls := e.capCall(t, v, steering, "GET", "/api/v1/surveys/templates", "", http.StatusOK)
		if len(tpls["items"].([]any)) != 2 {
			t.Fatalf("templates: %v", tpls)
		}
		e.capCall(t, v, anonymous, "GET", "/api/v1/surveys", "", http.StatusUnauthorized)
		p := e.capCall(t, v, steering, "POST", "/api/v1/surveys", `{"title":" ","colour":"red"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown field", p, "colour")
		p = e.capCall(t, v, steering, "POST", "/api/v1/surveys", `{"title":"","template":"nope"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown template", p, "template")
		e.capCall(t, v, director, "POST", "/api/v1/surveys", `{"title":"Mon enquête"}`, http.StatusForbidden)
		sv := e.capCall(t, v, steering, "POST", "/api/v1/surveys", `{"template":"crisis_flash","title":"Grand froid"}`, http.StatusCreated)
		id := sv["id"].(string)
		base := "/api/v1/surveys/" + id
		sections := sv["sections"].([]any)
		sec := sections[0].(map[string]any)["id"].(string)
		qs := sections[0].(map[string]any)["questions"].([]any)
		if sv["title"] != "Grand froid" || len(qs) != 6 || sv["locked"] != false {
			t.Fatalf("the copy: %v", sv)
		}
		qid := func(i int) string { return qs[i].(map[string]any)["id"].(string) }

		// The builder: a bad condition names its field; a question added, moved.
		p = e.capCall(t, v, steering, "POST", base+"/questions", `{"section_id":"`+sec+`","kind":"scale","label":"Tension","min":1,"max":1,
			"show_if":{"question_id":"`+qid(0)+`","values":["Inondée"]}}`, http.StatusUnprocessableEntity)
		wantProblem(t, "scale and condition", p, "max", "show_if.values")
		sv = e.capCall(t, v, steering, "POST", base+"/questions", `{"section_id":"`+sec+`","kind":"scale","label":"Tension dans l'équipe","min":1,"max":5,
			"min_label":"Calme","max_label":"Très forte","show_if":{"question_id":"`+qid(0)+`","values":["Fermée"]}}`, http.StatusCreated)
		added := sv["sections"].([]any)[0].(map[string]any)["questions"].([]any)[6].(map[string]any)
		if added["max"] != 5.0 || added["show_if"].(map[string]any)["question_id"] != qid(0) {
			t.Fatalf("the scale: %v", added)
		}
		e.capCall(t, v, steering, "POST", base+"/questions/"+added["id"].(string)+"/move", `{"delta":-1}`, http.StatusOK)
		p = e.capCall(t, v, steering, "POST", base+"/questions/"+added["id"].(string)+"/move", `{"delta":3}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a jump", p, "delta")
		e.capCall(t, v, steering, "DELETE", base+"/questions/"+qid(0), "", http.StatusConflict)
		for _, who := range []string{director, parent, steering69} {
			e.capCall(t, v, who, "GET", base, "", http.StatusNotFound)
			e.capCall(t, v, who, "PUT", base, `{"title":"Volé"}`, http.StatusNotFound)
		}

		// Targets: the MECS of the Loire plus the DITEP.
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		targeting := `{"structure_types":["mecs"],"structure_ids":["` + ditep + `"]}`
		prev := e.capCall(t, v, steering, "POST", base+"/preview", targeting, http.StatusOK)
		if prev["count"] != 4.0 {
			t.Fatalf("preview: %v", prev)
		}
		p = e.capCall(t, v, steering, "POST", base+"/preview", `{"departements":["69"]}`, http.StatusUnprocessableEntity)
		wantProblem(t, "another département", p, "departements")
		e.capCall(t, v, steering69, "POST", base+"/preview", targeting, http.StatusNotFound)
		p = e.capCall(t, v, steering, "POST", base+"/campaigns", `{"deadline":"hier","targeting":{"sector":"cuisine"}}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad launch", p, "deadline", "targeting.sector")
		deadline := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		c := e.capCall(t, v, steering, "POST", base+"/campaigns", `{"deadline":"`+deadline+`","targeting":`+targeting+`}`, http.StatusCreated)
		cid := c["id"].(string)
		camp := "/api/v1/campaigns/" + cid
		if c["targets"] != 4.0 || c["open"] != true || c["can_close"] != true {
			t.Fatalf("the campaign: %v", c)
		}
		e.capCall(t, v, steering, "POST", base+"/sections", `{"title":"Encore"}`, http.StatusConflict)

		// The MECS's director answers: a draft, a refused submission, a submission.
		a := e.capCall(t, v, director, "GET", camp+"/answer", "", http.StatusOK)
		if a["structure_id"] != mecs || a["status"] != "none" || a["can_edit"] != true {
			t.Fatalf("the MECS's sheet: %v", a)
		}
		e.capCall(t, v, director, "PUT", camp+"/answer", `{"values":{"`+qid(2)+`":["2"]}}`, http.StatusOK)
		p = e.capCall(t, v, director, "POST", camp+"/answer/submit", `{"values":{"`+qid(2)+`":["-2"]}}`, http.StatusUnprocessableEntity)
		wantProblem(t, "an incomplete submission", p, "values."+qid(0), "values."+qid(2), "values."+qid(3), "values."+qid(4))
		full := `{"values":{"` + qid(0) + `":["Ouverte"],"` + qid(2) + `":["2"],"` + qid(3) + `":["1"],"` + qid(4) + `":["Matériel ou équipement"],"` + qid(5) + `":["Des ventilateurs."]}}`
		a = e.capCall(t, v, director, "POST", camp+"/answer/submit", full, http.StatusOK)
		if a["status"] != "submitted" || a["late"] != false {
			t.Fatalf("submitted: %v", a)
		}
		e.capCall(t, v, director, "PUT", camp+"/answer", full, http.StatusConflict)
		if mine := e.capCall(t, v, director, "GET", "/api/v1/campaigns", "", http.StatusOK); !strings.Contains(mustJSON(t, mine), `"my_status":"submitted"`) {
			t.Fatalf("the director's campaigns: %v", mine)
		}

		// Outsiders: the mobile team's structure is not a target, a parent, the Rhône.
		for _, who := range []string{"equipe-mobile@demo.passerelle.test", parent, steering69, referent} {
			e.capCall(t, v, who, "GET", camp, "", http.StatusNotFound)
			e.capCall(t, v, who, "GET", camp+"/answer?structure_id="+mecs, "", http.StatusNotFound)
			e.capCall(t, v, who, "GET", camp+"/results", "", http.StatusNotFound)
			e.capCall(t, v, who, "GET", camp+"/export", "", http.StatusNotFound)
			if l := e.capCall(t, v, who, "GET", "/api/v1/campaigns", "", http.StatusOK); strings.Contains(mustJSON(t, l), cid) {
				t.Fatalf("%s lists the campaign", who)
			}
		}
		e.capCall(t, v, "directrice-ditep@demo.passerelle.test", "POST", camp+"/answer/submit", `{"structure_id":"`+mecs+`","values":{}}`, http.StatusNotFound)
		e.capCall(t, v, director, "GET", camp+"/results", "", http.StatusForbidden)
		e.capCall(t, v, director, "POST", camp+"/close", "", http.StatusForbidden)

		res := e.capCall(t, v, steering, "GET", camp+"/results", "", http.StatusOK)
		if res["targets"] != 4.0 || res["submitted"] != 1.0 || res["on_time"] != 1.0 || res["response_rate"] != 25.0 || res["drafts"] != 0.0 {
			t.Fatalf("results: %v", res)
		}
		q0 := res["questions"].([]any)[0].(map[string]any)
		if q0["answered"] != 1.0 || q0["counts"].([]any)[0].(map[string]any)["count"] != 1.0 {
			t.Fatalf("first question: %v", q0)
		}
		if r := e.capCall(t, v, steering, "GET", camp+"/results?structure_type=ditep", "", http.StatusOK); r["targets"] != 1.0 || r["submitted"] != 0.0 {
			t.Fatalf("DITEP only: %v", r)
		}
		resp, body := e.call(steering, "GET", camp+"/export?format=csv", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(body, "MECS Beauregard (fictif)") || !strings.Contains(body, "Matériel ou équipement") {
			t.Fatalf("CSV export: %d %s", resp.StatusCode, body)
		}
		resp, body = e.call(steering, "GET", camp+"/export?format=xlsx", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "PK") {
			t.Fatalf("XLSX export: %d", resp.StatusCode)
		}
		p = e.capCall(t, v, steering, "GET", camp+"/export?format=pdf", "", http.StatusUnprocessableEntity)
		wantProblem(t, "a PDF export", p, "format")

		closed := e.capCall(t, v, steering, "POST", camp+"/close", "", http.StatusOK)
		if closed["open"] != false || closed["closed_at"] == nil {
			t.Fatalf("closed: %v", closed)
		}
		e.capCall(t, v, steering, "POST", camp+"/close", "", http.StatusConflict)
		e.capCall(t, v, "directrice-ditep@demo.passerelle.test", "POST", camp+"/answer/submit", full, http.StatusConflict)

		dup := e.capCall(t, v, steering, "POST", base+"/duplicate", "", http.StatusCreated)
		e.capCall(t, v, steering, "DELETE", "/api/v1/surveys/"+dup["id"].(string), "", http.StatusNoContent)
		e.capCall(t, v, steering, "DELETE", base, "", http.StatusConflict)
		if l := e.capCall(t, v, steering, "GET", "/api/v1/surveys", "", http.StatusOK); !strings.Contains(mustJSON(t, l), id) {
			t.Fatalf("the steering's surveys: %v", l)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
