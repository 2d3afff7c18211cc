package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// problemFields lists the fields a problem answer names, sorted.
func problemFields(p map[string]any) []string {
	var out []string
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m["field"].(string))
		}
	}
	slices.Sort(out)
	return out
}

func wantProblem(t *testing.T, what string, p map[string]any, fields ...string) {
	t.Helper()
	if got := problemFields(p); !slices.Equal(got, fields) {
		t.Errorf("%s: fields %v, want %v (%v)", what, got, fields, p)
	}
}

// A respite request for Lucas through the API: the referent sends it to
// the DITEP and the MECS; the DITEP's director reads it without the
// child's name and accepts; the MECS's refusal needs a reason; the
// referent confirms the DITEP, after which the MECS cannot answer; a
// parent and an unrelated foster carer do not see it. Then a draft sent
// later, a question and its answer, a withdrawal; and the response times.
// Every answer is checked against the OpenAPI document.
func TestRequestsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		list := e.capCall(t, v, referent, "GET", "/api/v1/children?q=lucas", "", http.StatusOK)
		items, _ := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("Lucas: %v", list)
		}
		lucas := items[0].(map[string]any)["id"].(string)
		ditep, mecs := e.orgID("DITEP Le Gier (fictif)"), e.orgID("MECS Beauregard (fictif)")
		today := time.Now()
		day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
		respite := func(child, to string) string {
			return `{"kind":"respite","child_id":"` + child + `","from":"` + day(10) + `","to":"` + to + `",
				"need":"Trois jours de répit pour la MECS.","recipients":["` + ditep + `","` + mecs + `"],"loss_of_chance":true,"send":true}`
		}

		e.capCall(t, v, anonymous, "POST", "/api/v1/requests", respite(lucas, day(12)), http.StatusUnauthorized)
		p := e.capCall(t, v, referent, "POST", "/api/v1/requests", respite("", day(20)), http.StatusUnprocessableEntity)
		wantProblem(t, "no child, nine days", p, "child_id", "to")
		p = e.capCall(t, v, referent, "POST", "/api/v1/requests", `{"kind":"holiday","need":"x","colour":"red"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown field", p, "colour")
		e.capCall(t, v, educator, "POST", "/api/v1/requests", respite(lucas, day(12)), http.StatusForbidden)
		created := e.capCall(t, v, referent, "POST", "/api/v1/requests", respite(lucas, day(12)), http.StatusCreated)
		req := "/api/v1/requests/" + created["id"].(string)

		got := e.capCall(t, v, referent, "GET", req, "", http.StatusOK)
		if got["child_name"] != "Lucas Fontaine" || got["child_id"] != lucas || got["can_decide"] != true ||
			len(got["recipients"].([]any)) != 2 || got["priority"].(map[string]any)["label"] != "prioritaire" {
			t.Fatalf("the referent reads %v", got)
		}

		// The DITEP's director: in the inbox, then the request, without the name.
		inbox := e.capCall(t, v, ditepDirector, "GET", "/api/v1/requests?box=inbox&open=true", "", http.StatusOK)
		if raw, _ := json.Marshal(inbox); len(inbox["items"].([]any)) != 1 || strings.Contains(string(raw), "Lucas") {
			t.Fatalf("the DITEP's inbox: %s", raw)
		}
		got = e.capCall(t, v, ditepDirector, "GET", req, "", http.StatusOK)
		mine := got["recipients"].([]any)
		if _, named := got["child_name"]; named || got["child_id"] != nil || got["child_age"] != 9.0 || got["can_answer"] != true ||
			got["my_structure_id"] != ditep || len(mine) != 1 || mine[0].(map[string]any)["status"] != "seen" {
			t.Fatalf("the DITEP reads %v", got)
		}
		e.capCall(t, v, ditepDirector, "POST", req+"/answer", `{"structure_id":"`+ditep+`","event":"accept"}`, http.StatusNoContent)
		if got = e.capCall(t, v, ditepDirector, "GET", req, "", http.StatusOK); got["child_name"] != "Lucas Fontaine" {
			t.Fatalf("after accepting, the DITEP reads %v", got["child_name"])
		}

		// The MECS refuses without a reason; the answer's own checks.
		p = e.capCall(t, v, director, "POST", req+"/answer", `{"structure_id":"`+mecs+`","event":"refuse"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a refusal without reason", p, "reason")
		p = e.capCall(t, v, director, "POST", req+"/answer", `{"event":"accept"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "no structure", p, "structure_id")
		e.capCall(t, v, director, "POST", req+"/answer", `{"structure_id":"`+ditep+`","event":"accept"}`, http.StatusForbidden)

		out := e.capCall(t, v, referent, "GET", "/api/v1/requests?box=outbox", "", http.StatusOK)
		if it := out["items"].([]any); len(it) != 1 || it[0].(map[string]any)["outcome"] != "1 acceptation(s) : à confirmer" {
			t.Fatalf("the outbox: %v", out)
		}
		e.capCall(t, v, ditepDirector, "POST", req+"/confirm", `{"structure_id":"`+ditep+`"}`, http.StatusForbidden)
		e.capCall(t, v, referent, "POST", req+"/confirm", `{"structure_id":"`+ditep+`"}`, http.StatusNoContent)
		e.capCall(t, v, director, "POST", req+"/answer", `{"structure_id":"`+mecs+`","event":"refuse","reason":"no_place"}`, http.StatusConflict)
		e.capCall(t, v, referent, "POST", req+"/withdraw", "", http.StatusConflict)
		got = e.capCall(t, v, referent, "GET", req, "", http.StatusOK)
		if got["outcome"] != "Confirmée avec DITEP Le Gier (fictif)" {
			t.Fatalf("after confirming: %v", got["outcome"])
		}

		// Nobody outside the request sees it, nor answers it.
		for _, who := range []string{parent, fosterCarer} {
			e.capCall(t, v, who, "GET", req, "", http.StatusNotFound)
			e.capCall(t, v, who, "POST", req+"/answer", `{"structure_id":"`+mecs+`","event":"accept"}`, http.StatusNotFound)
		}
		e.capCall(t, v, anonymous, "GET", req, "", http.StatusUnauthorized)
		e.capCall(t, v, referent, "GET", "/api/v1/requests/pas-un-id", "", http.StatusNotFound)
		p = e.capCall(t, v, referent, "GET", "/api/v1/requests?box=spam&open=oui", "", http.StatusUnprocessableEntity)
		wantProblem(t, "unknown box", p, "box", "open")

		// A consultation written as a draft, sent later; a question, its answer, a withdrawal.
		draft := e.capCall(t, v, referent, "POST", "/api/v1/requests", `{"kind":"consultation","child_id":"`+lucas+`",
			"need":"Un avis sur le sommeil.","recipients":["`+mecs+`"]}`, http.StatusCreated)
		cons := "/api/v1/requests/" + draft["id"].(string)
		e.capCall(t, v, referent, "POST", cons+"/send", "", http.StatusNoContent)
		e.capCall(t, v, referent, "POST", cons+"/send", "", http.StatusConflict)
		p = e.capCall(t, v, director, "POST", cons+"/answer", `{"structure_id":"`+mecs+`","event":"ask_info"}`, http.StatusUnprocessableEntity)
		wantProblem(t, "a question without words", p, "text")
		e.capCall(t, v, director, "POST", cons+"/answer", `{"structure_id":"`+mecs+`","event":"ask_info","text":"Quel traitement ?"}`, http.StatusNoContent)
		p = e.capCall(t, v, referent, "POST", cons+"/info", `{"structure_id":"`+mecs+`","text":" "}`, http.StatusUnprocessableEntity)
		wantProblem(t, "an empty answer", p, "text")
		e.capCall(t, v, director, "POST", cons+"/info", `{"structure_id":"`+mecs+`","text":"Aucun."}`, http.StatusForbidden)
		e.capCall(t, v, referent, "POST", cons+"/info", `{"structure_id":"`+mecs+`","text":"Aucun traitement."}`, http.StatusNoContent)
		e.capCall(t, v, referent, "POST", cons+"/info", `{"structure_id":"`+mecs+`","text":"Encore ?"}`, http.StatusConflict)
		e.capCall(t, v, referent, "POST", cons+"/withdraw", `{"reason":"Un rendez-vous a été trouvé."}`, http.StatusNoContent)
		e.capCall(t, v, referent, "POST", cons+"/withdraw", "", http.StatusConflict)
		got = e.capCall(t, v, director, "GET", cons, "", http.StatusOK)
		if r := got["recipients"].([]any)[0].(map[string]any); r["status"] != "withdrawn" || got["outcome"] != "Retirée" {
			t.Fatalf("the MECS reads %v", got)
		}

		// Response times: the DITEP's for its director, not for the MECS's.
		times := e.capCall(t, v, ditepDirector, "GET", "/api/v1/requests/response-times?structure_id="+ditep, "", http.StatusOK)
		if it := times["items"].([]any); len(it) != 1 || it[0].(map[string]any)["received"] != 1.0 ||
			it[0].(map[string]any)["accepted"] != 1.0 || it[0].(map[string]any)["on_time"] != 1.0 {
			t.Fatalf("the DITEP's times: %v", times)
		}
		e.capCall(t, v, director, "GET", "/api/v1/requests/response-times?structure_id="+ditep, "", http.StatusForbidden)
		terr := e.capCall(t, v, steering, "GET", "/api/v1/requests/response-times?departement=42&since="+day(-1), "", http.StatusOK)
		// The withdrawn consultation does not count; the respite went to two structures.
		if it := terr["items"].([]any); len(it) != 1 || it[0].(map[string]any)["received"] != 2.0 || terr["since"] != day(-1) {
			t.Fatalf("the territory's times: %v", terr)
		}
		p = e.capCall(t, v, steering, "GET", "/api/v1/requests/response-times?since=hier", "", http.StatusUnprocessableEntity)
		wantProblem(t, "no scope, bad day", p, "since", "structure_id")
	})
}

// The territory's deadlines through the API: read by the referent, set by
// the steering, refused to the referent and to bad hours.
func TestRequestSettingsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		const url = "/api/v1/requests/settings?departement=42"
		respite := func(s map[string]any) map[string]any {
			for _, it := range s["items"].([]any) {
				if m := it.(map[string]any); m["kind"] == "respite" {
					return m
				}
			}
			t.Fatalf("no respite in %v", s)
			return nil
		}
		got := e.capCall(t, v, referent, "GET", url, "", http.StatusOK)
		wantFields(t, "default respite", respite(got), map[string]any{"deadline_hours": 48, "remind_before_hours": 12,
			"director_after_hours": 0, "steering_after_hours": 24, "default": true})
		if n := len(got["items"].([]any)); n != 7 {
			t.Fatalf("%d kinds", n)
		}
		e.capCall(t, v, director, "GET", url, "", http.StatusForbidden)
		e.capCall(t, v, anonymous, "GET", url, "", http.StatusUnauthorized)
		p := e.capCall(t, v, referent, "GET", "/api/v1/requests/settings?departement=XX", "", http.StatusUnprocessableEntity)
		wantProblem(t, "unknown département", p, "departement")

		day := `{"kind":"respite","deadline_hours":24,"remind_before_hours":6,"director_after_hours":0,"steering_after_hours":12}`
		e.capCall(t, v, anonymous, "PUT", url, day, http.StatusUnauthorized)
		e.capCall(t, v, referent, "PUT", url, day, http.StatusForbidden)
		p = e.capCall(t, v, steering, "PUT", url, `{"kind":"respite","deadline_hours":0,"remind_before_hours":6,
			"director_after_hours":5,"steering_after_hours":2}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad hours", p, "deadline_hours", "steering_after_hours")
		p = e.capCall(t, v, steering, "PUT", url, `{"kind":"holiday","deadline_hours":3000}`, http.StatusUnprocessableEntity)
		wantProblem(t, "missing hours", p, "director_after_hours", "remind_before_hours", "steering_after_hours")
		p = e.capCall(t, v, steering, "PUT", url, `{"kind":"holiday","deadline_hours":24,"remind_before_hours":6,
			"director_after_hours":0,"steering_after_hours":12}`, http.StatusUnprocessableEntity)
		wantProblem(t, "unknown kind", p, "kind")
		got = e.capCall(t, v, steering, "PUT", url, day, http.StatusOK)
		wantFields(t, "respite in a day", respite(got), map[string]any{"deadline_hours": 24, "remind_before_hours": 6,
			"steering_after_hours": 12, "default": false})
		got = e.capCall(t, v, referent, "GET", url, "", http.StatusOK)
		wantFields(t, "read back", respite(got), map[string]any{"deadline_hours": 24, "default": false})
	})
}

// A request's attachment through the API: listed and sent to the sender,
// not to a recipient before it accepts; the answers match OpenAPI.
func TestRequestAttachmentAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=lucas")
		lucas := between(body, `<a href="/enfants/`, `"`)
		ditep := e.orgID("DITEP Le Gier (fictif)")
		resp, _ := e.postMultipart(ref, "/demandes/nouvelle", url.Values{"kind": {"consultation"}, "child": {lucas}, "need": {"Un avis."},
			"recipients": {ditep}, "action": {"send"}}, "attachments", "bilan.pdf", []byte("%PDF-1.4 bilan"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send with an attachment: %d", resp.StatusCode)
		}
		path := "/api/v1/requests/" + strings.TrimPrefix(resp.Header.Get("Location"), "/demandes/")
		got := e.capCall(t, v, referent, "GET", path, "", http.StatusOK)
		files, _ := got["attachments"].([]any)
		if len(files) != 1 {
			t.Fatalf("the sender's attachments: %v", got["attachments"])
		}
		file := path + "/attachments/" + files[0].(map[string]any)["id"].(string)
		resp, data := e.call(referent, "GET", file, "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || data != "%PDF-1.4 bilan" {
			t.Fatalf("the file: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		req, _ := http.NewRequest("GET", e.ts.URL+file, nil)
		if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
			t.Errorf("the file does not match OpenAPI: %v", errs)
		}
		if got := e.capCall(t, v, ditepDirector, "GET", path, "", http.StatusOK); len(got["attachments"].([]any)) != 0 {
			t.Fatal("the DITEP lists the attachments before accepting")
		}
		e.capCall(t, v, ditepDirector, "GET", file, "", http.StatusForbidden)
		e.capCall(t, v, parent, "GET", file, "", http.StatusNotFound)
	})
}
