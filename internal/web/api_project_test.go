package web_test

import (
	"net/http"
	"strconv"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Lucas's project through the API: the draft written by the MECS, a stale
// save refused, validation by the referent only, the care objective read
// by the DITEP and the mother but not by the MECS; each answer checked
// against the OpenAPI document.
func TestProjectAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		list := e.capCall(t, v, referent, "GET", "/api/v1/children?q=lucas", "", http.StatusOK)
		items, _ := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("Lucas: %v", list)
		}
		child := "/api/v1/children/" + items[0].(map[string]any)["id"].(string)

		p := e.capCall(t, v, educatorMECS, "GET", child+"/project?version=2", "", http.StatusOK)
		draft := p["shown"].(map[string]any)
		if draft["status"] != "draft" || draft["hidden_care_items"] != 1.0 || p["can_validate"] != false {
			t.Fatalf("the MECS reads the draft: %v", p)
		}
		rev := strconv.Itoa(int(draft["revision"].(float64)))
		e.capCall(t, v, educatorMECS, "PUT", child+"/project/draft",
			`{"revision":`+rev+`,"items":[{"part":"objective","domain":"care","text":"Bilan psychomoteur"}]}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, educatorMECS, "PUT", child+"/project/draft",
			`{"revision":`+rev+`,"child_words":"Je veux faire du judo.","items":[{"part":"objective","domain":"daily","text":"Préparer seul son sac"}]}`,
			http.StatusNoContent)
		e.capCall(t, v, educatorMECS, "PUT", child+"/project/draft", `{"revision":`+rev+`,"items":[]}`, http.StatusConflict)

		e.capCall(t, v, educatorMECS, "POST", child+"/project/draft/validate", `{"agreement":"agreed","review_on":"2099-01-01"}`, http.StatusForbidden)
		e.capCall(t, v, referent, "POST", child+"/project/draft/validate", `{"agreement":"disagreed","review_on":"demain"}`, http.StatusUnprocessableEntity)
		e.capCall(t, v, parent, "POST", child+"/project/draft/validate", `{"agreement":"agreed","review_on":"2099-01-01"}`, http.StatusForbidden)
		e.capCall(t, v, fosterCarer, "GET", child+"/project", "", http.StatusNotFound)
		e.capCall(t, v, referent, "POST", child+"/project/draft", "", http.StatusConflict)

		for who, want := range map[string]int{educatorMECS: 1, educator: 2, parent: 2} {
			got := e.capCall(t, v, who, "GET", child+"/project?version=2", "", http.StatusOK)["shown"].(map[string]any)
			if n := len(got["items"].([]any)); n != want {
				t.Errorf("%s reads %d items of the draft, want %d", who, n, want)
			}
		}
	})
}
