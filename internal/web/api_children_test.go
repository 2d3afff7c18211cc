package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/pathway"
)

const mecsEducator = "educatrice-mecs@demo.passerelle.test"

// childRecord makes, through the API, the record the scenarios read: the
// referent opens it, adds a judicial measure and an MDPH notification, and
// invites the DITEP, whose director accepts naming its educator.
func (e *env) childRecord(t *testing.T, ids map[string]string) {
	t.Helper()
	v := openAPIValidator(t)
	day := func(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly) }
	birth := time.Now().UTC().AddDate(-9, 0, 0).Format("02/01/2006")
	rec := e.capCall(t, v, referent, "POST", "/api/v1/children",
		`{"first_name":"Lina","last_name":"Testard","birth_date":"`+birth+`","sex":"girl","living_kind":"family","school_kind":"ordinary"}`, 201)
	child, _ := rec["child"].(map[string]any)
	ids["{child}"], _ = child["id"].(string)
	ids["{pseudonym}"], _ = child["pseudonym"].(string)
	if ids["{child}"] == "" || ids["{pseudonym}"] == "" || !strings.Contains(fmt.Sprint(rec["writable"]), "identity") {
		t.Fatalf("created record: %v", rec)
	}
	path := "/api/v1/children/" + ids["{child}"]
	m := e.capCall(t, v, referent, "POST", path+"/measures", `{"kind":"placement_judiciaire","authority":"Juge des enfants de Saint-Étienne",`+
		`"from":"`+day(-30)+`","to":"`+day(330)+`","reference":"JE-2026-118"}`, 201)
	ids["{measure}"], _ = m["id"].(string)
	n := e.capCall(t, v, referent, "POST", path+"/notifications", `{"orientation":"ditep","from":"`+day(-60)+`","to":"`+day(700)+
		`","status":"waiting","waiting_at":"DITEP Le Gier"}`, 201)
	ids["{notification}"], _ = n["id"].(string)
	inv := e.capCall(t, v, referent, "POST", path+"/circle", `{"organisation_id":"`+ids["{ditep}"]+
		`","capacity":"medico_social","basis":"decision","measure_id":"`+ids["{measure}"]+`"}`, 201)
	ids["{member}"], _ = inv["id"].(string)
	if inv["status"] != "invited" || ids["{measure}"] == "" || ids["{notification}"] == "" {
		t.Fatalf("measure %v, notification %v, invitation %v", m, n, inv)
	}
	educatorID, err := e.srv.Auth.AccountIDByEmail(sys(), educator)
	if err != nil {
		t.Fatal(err)
	}
	ids["{educator_id}"] = educatorID
	// Documents are uploaded through the pages: one through the service here.
	ids["{documented}"], err = e.srv.Pathway.AddMeasure(sys(), ids["{child}"], pathway.MeasureInput{Kind: "opp", Authority: "Parquet",
		From: day(-40), To: day(-31), Document: &pathway.Document{Name: "opp.pdf", Data: []byte("%PDF-1.4 test")}})
	if err != nil {
		t.Fatal(err)
	}
	ans := e.capCall(t, v, ditepDirector, "POST", path+"/circle/"+ids["{member}"]+"/answer",
		`{"accept":true,"staff":["`+educatorID+`"]}`, 200)
	if ans["status"] != "active" {
		t.Fatalf("answer: %v", ans)
	}
}

func TestChildrenAPIScenarios(t *testing.T) {
	const rec = "/api/v1/children/{child}"
	scenarios := []scenario{
		// Bad input never ends in a 500.
		{"a birth date that does not exist", referent, "POST", "/api/v1/children",
			`{"first_name":"Tom","last_name":"Essai","birth_date":"31/02/2020","sex":"boy"}`, 422, []string{`"#/birth_date"`, `"field":"birth_date"`}, nil},
		{"every identity field at fault is named", referent, "POST", "/api/v1/children",
			`{"first_name":" ","last_name":"Essai","birth_date":"2019-05-04","sex":"x","living_kind":"structure","school_kind":"y"}`, 422,
			[]string{`"#/first_name"`, `"#/sex"`, `"#/school_kind"`, `"#/living_structure_id"`}, nil},
		{"a living place not in the directory", referent, "POST", "/api/v1/children",
			`{"first_name":"Tom","last_name":"Essai","birth_date":"2019-05-04","sex":"boy","living_kind":"structure","living_structure_id":"nope"}`, 422,
			[]string{`"#/living_structure_id"`}, nil},
		{"broken JSON", referent, "POST", "/api/v1/children", `{"first_name":`, 422, []string{"JSON valide"}, nil},
		{"an unknown field", referent, "POST", "/api/v1/children", `{"prenom":"Tom"}`, 422, []string{`"#/prenom"`, "Champ inconnu"}, nil},
		{"a wrong type", referent, "POST", "/api/v1/children", `{"first_name":12}`, 422, []string{`"#/first_name"`}, nil},
		{"an educator does not open records", educator, "POST", "/api/v1/children",
			`{"first_name":"Tom","last_name":"Essai","birth_date":"2019-05-04","sex":"boy"}`, 403, nil, nil},
		{"a malformed id", referent, "GET", "/api/v1/children/not-an-id", "", 404, nil, nil},
		{"a malformed id on a section", referent, "GET", "/api/v1/children/not-an-id/measures", "", 404, nil, nil},
		{"list parameters are named", referent, "GET", "/api/v1/children?mine=maybe&limit=0", "", 422, []string{`"#/mine"`, `"#/limit"`}, nil},
		{"an unknown timeline section", referent, "GET", rec + "/timeline?section=nope", "", 422, []string{`"#/section"`}, nil},
		{"a measure without its fields", referent, "POST", rec + "/measures", `{}`, 422, []string{`"#/kind"`, `"#/authority"`, `"#/from"`}, nil},
		{"a renewal of a measure not in the record", referent, "POST", rec + "/measures",
			`{"kind":"aemo","authority":"Juge","from":"2026-01-01","to":"2026-12-31","renews_id":"nope"}`, 422, []string{`"#/renews_id"`}, nil},
		{"an invitation without its structure", referent, "POST", rec + "/circle", `{"capacity":"x","basis":"consent"}`, 422,
			[]string{`"#/organisation_id"`, `"#/capacity"`, `"#/consent_id"`}, nil},
		{"an invitation of a structure not in the directory", referent, "POST", rec + "/circle",
			`{"organisation_id":"nope","capacity":"care","basis":"shared_secrecy"}`, 422, []string{`"#/organisation_id"`}, nil},
		{"a consent from no relative", referent, "POST", rec + "/consents", `{"relative_id":"nope","scope":"circle"}`, 422,
			[]string{`"#/relative_id"`}, nil},
		{"an answer must say yes or no", ditepDirector, "POST", rec + "/circle/{member}/answer", `{"staff":[]}`, 422, []string{`"#/accept"`}, nil},
		{"answered once", ditepDirector, "POST", rec + "/circle/{member}/answer", `{"accept":true,"staff":["{educator_id}"]}`, 409, nil, nil},
		{"a malformed member", ditepDirector, "POST", rec + "/circle/not-an-id/answer", `{"accept":false}`, 404, nil, nil},
		{"a malformed notification", referent, "POST", rec + "/notifications/not-an-id/status", `{"status":"refused"}`, 404, nil, nil},
		{"a status at fault", referent, "POST", rec + "/notifications/{notification}/status", `{"status":"lost"}`, 422, []string{`"#/status"`}, nil},
		{"an empty note", referent, "POST", rec + "/notes", `{"text":" "}`, 422, []string{`"#/text"`}, nil},
		{"a break-glass reason of one word", educator, "POST", "/api/v1/children/break-glass", `{"pseudonym":"{pseudonym}","reason":"urgence"}`, 422,
			[]string{`"#/reason"`}, nil},
		{"a break-glass without the child", educator, "POST", "/api/v1/children/break-glass", `{"reason":"Hospitalisation en urgence cette nuit"}`, 422,
			[]string{`"#/child"`}, nil},

		// The authorization table: record, measures, access log, a note.
		{"referent reads the record", referent, "GET", rec, "", 200,
			[]string{`"relations":["referent"]`, `"measures":[`, `"consents":[]`, `"access_log"`, `"JE-2026-118"`, `"status":"active"`}, nil},
		{"referent reads the measures", referent, "GET", rec + "/measures", "", 200, []string{`"{measure}"`, `"judicial":true`}, nil},
		{"referent reads the access log", referent, "GET", rec + "/access-log", "", 200, []string{`"child.create"`, `"child.circle.answer"`}, nil},
		{"referent writes a note", referent, "POST", rec + "/notes", `{"text":"Audience prévue en juin."}`, 201, []string{`"section":"notes"`}, nil},

		{"DITEP educator reads the record", educator, "GET", rec, "", 200,
			[]string{`"care_notes"`, `"measures":[`, `"circle":[`}, []string{`"access_log"`, `"document_name"`}},
		{"DITEP educator reads the measures", educator, "GET", rec + "/measures", "", 200, []string{`"{measure}"`}, nil},
		{"DITEP educator does not read the access log", educator, "GET", rec + "/access-log", "", 403, nil, nil},
		{"DITEP educator writes a note", educator, "POST", rec + "/notes", `{"text":"Premier entretien fait."}`, 201, []string{"Premier entretien"}, nil},
		{"DITEP educator writes a care note", educator, "POST", rec + "/notes", `{"text":"Suivi orthophonique.","care":true}`, 201,
			[]string{`"section":"care_notes"`}, nil},
		{"DITEP educator lists the child", educator, "GET", "/api/v1/children", "", 200, []string{`"{child}"`, `"followed":false`}, nil},
		{"DITEP educator does not read the judicial document", educator, "GET", rec + "/measures/{measure}/document", "", 403, nil, nil},

		{"DITEP director reads the record", ditepDirector, "GET", rec, "", 200, []string{`"member"`}, nil},
		{"DITEP director does not read the access log", ditepDirector, "GET", rec + "/access-log", "", 403, nil, nil},

		{"MECS educator: no such record", mecsEducator, "GET", rec, "", 404, nil, []string{"Testard"}},
		{"MECS educator: no measures", mecsEducator, "GET", rec + "/measures", "", 404, nil, []string{"JE-2026-118"}},
		{"MECS educator: no access log", mecsEducator, "GET", rec + "/access-log", "", 404, nil, nil},
		{"MECS educator: no note", mecsEducator, "POST", rec + "/notes", `{"text":"Je passe."}`, 404, nil, nil},
		{"MECS educator: not in the list", mecsEducator, "GET", "/api/v1/children", "", 200, nil, []string{"{child}"}},

		{"an unrelated parent: no such record", parent, "GET", rec, "", 404, nil, []string{"Testard"}},
		{"an unrelated parent: no measures", parent, "GET", rec + "/measures", "", 404, nil, nil},
		{"an unrelated parent: no access log", parent, "GET", rec + "/access-log", "", 404, nil, nil},
		{"an unrelated parent: no note", parent, "POST", rec + "/notes", `{"text":"Bonjour."}`, 404, nil, nil},
		{"an unrelated parent: not in the list", parent, "GET", "/api/v1/children", "", 200, nil, []string{"{child}"}},

		{"steering: no such record", steering, "GET", rec, "", 404, nil, []string{"Testard"}},
		{"steering: no measures", steering, "GET", rec + "/measures", "", 404, nil, nil},
		{"steering: no access log", steering, "GET", rec + "/access-log", "", 404, nil, nil},
		{"steering: no note", steering, "POST", rec + "/notes", `{"text":"Bonjour."}`, 404, nil, nil},
		{"steering: not in the list", steering, "GET", "/api/v1/children", "", 200, nil, []string{"{child}"}},

		{"anonymous", anonymous, "GET", rec, "", 401, nil, nil},

		// Sections the actor may not read are refused, not emptied.
		{"the referent does not read care notes", referent, "GET", rec + "/timeline?section=care_notes", "", 403, nil, nil},
		{"the care educator does", educator, "GET", rec + "/timeline?section=care_notes", "", 200, []string{"Suivi orthophonique"}, nil},
		{"the referent's timeline", referent, "GET", rec + "/timeline", "", 200, []string{"Audience prévue", "Premier entretien"},
			[]string{"Suivi orthophonique"}},
		{"no document on this measure", referent, "GET", rec + "/measures/{measure}/document", "", 404, nil, nil},
		{"the referent reads the judicial document", referent, "GET", rec + "/measures/{documented}/document", "", 200, []string{"%PDF-1.4"}, nil},
		{"the educator does not", educator, "GET", rec + "/measures/{documented}/document", "", 403, nil, []string{"%PDF"}},
		{"the document is named to its readers only", educator, "GET", rec + "/measures", "", 200, []string{`"has_document":true`},
			[]string{"opp.pdf"}},

		// Changes, section by section.
		{"referent changes the school", referent, "PATCH", rec, `{"school_kind":"ulis","school_note":"ULIS école"}`, 200,
			[]string{`"school_kind":"ulis"`, `"first_name":"Lina"`}, nil},
		{"an educator does not", educator, "PATCH", rec, `{"school_kind":"none"}`, 403, nil, nil},
		{"a PATCH at fault names the field", referent, "PATCH", rec, `{"living_kind":"structure"}`, 422, []string{`"#/living_structure_id"`}, nil},
		{"the care educator records an admission wait", educator, "POST", rec + "/notifications/{notification}/status",
			`{"status":"waiting","waiting_at":"DITEP Le Gier, rang 3"}`, 200, []string{"rang 3"}, nil},
		{"an educator does not add a measure", educator, "POST", rec + "/measures",
			`{"kind":"aemo","authority":"Juge","from":"2026-01-01","to":"2026-12-31"}`, 403, nil, nil},
		{"referent adds the mother", referent, "POST", rec + "/relatives", `{"kind":"mother","name":"Nadia Testard","authority":"full"}`, 201,
			[]string{`"legal_representative":true`}, nil},
		{"the educator reads the family", educator, "GET", rec + "/relatives", "", 200, []string{"Nadia Testard"}, nil},
		{"the circle", educator, "GET", rec + "/circle", "", 200, []string{`"{educator_id}"`, `"capacity":"medico_social"`}, nil},
		{"consents, none yet", educator, "GET", rec + "/consents", "", 200, []string{`"total":0`}, nil},

		// Break-glass: a professional with no link opens the record, for a
		// reason, and sees less than the circle.
		{"MECS educator opens the record in an emergency", mecsEducator, "POST", "/api/v1/children/break-glass",
			`{"pseudonym":"{pseudonym}","reason":"Fugue de la nuit, accueillie en urgence à la MECS"}`, 201, []string{`"child_id":"{child}"`}, nil},
		{"then reads what break-glass opens", mecsEducator, "GET", rec, "", 200,
			[]string{`"relations":["break_glass"]`, `"break_glass_until"`, `"measures":[`}, []string{`"consents"`}},
		{"but not the consents", mecsEducator, "GET", rec + "/consents", "", 403, nil, nil},
		{"the referent sees the opening in the access log", referent, "GET", rec + "/access-log", "", 200,
			[]string{`"break_glass":true`, "Fugue de la nuit"}, nil},
		{"a parent never breaks the glass", parent, "POST", "/api/v1/children/break-glass",
			`{"pseudonym":"{pseudonym}","reason":"Je veux voir ce dossier maintenant"}`, 403, nil, nil},

		// The DITEP leaves: its educator loses the record at once.
		{"the DITEP director takes the DITEP out", ditepDirector, "POST", rec + "/circle/{member}/leave", "", 200, []string{`"status":"left"`}, nil},
		{"the educator no longer sees it", educator, "GET", rec, "", 404, nil, []string{"Testard"}},
	}
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := map[string]string{"{ditep}": e.homeOrg(educator)}
		e.childRecord(t, ids)
		e.runScenarios(t, v, ids, withIDs(ids, scenarios))

		// Refused and invalid requests wrote nothing: one child, two measures.
		var children, measures int
		d.SQL().QueryRow(`SELECT count(*) FROM children WHERE last_name IN ('Testard', 'Essai')`).Scan(&children)
		d.SQL().QueryRow(`SELECT count(*) FROM child_measures WHERE child_id = $1`, ids["{child}"]).Scan(&measures)
		if children != 1 || measures != 2 {
			t.Fatalf("refused requests wrote data: children %d, measures %d", children, measures)
		}
	})
}

// jsonString reads one string field of a JSON object.
func jsonString(t *testing.T, body, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	s, _ := m[field].(string)
	return s
}

// The director names who follows the child, the referent gives the mother
// a parent access: through the API as through the pages.
func TestChildrenAPIStaffAndParentAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		resp, body := e.call(referent, "POST", "/api/v1/children", `{"first_name":"Maël","last_name":"Perrot","birth_date":"2015-05-05","sex":"boy"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var created struct {
			Child struct {
				ID string `json:"id"`
			} `json:"child"`
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || created.Child.ID == "" {
			t.Fatalf("%v %s", err, body)
		}
		child := "/api/v1/children/" + created.Child.ID
		resp, body = e.call(referent, "POST", child+"/circle", `{"organisation_id":"`+e.orgID("DITEP Le Gier (fictif)")+`","capacity":"medico_social","basis":"shared_secrecy"}`)
		member := jsonString(t, body, "id")
		if resp.StatusCode != http.StatusCreated || member == "" {
			t.Fatalf("invite: %d %s", resp.StatusCode, body)
		}
		if resp, body := e.call(ditepDirector, "POST", child+"/circle/"+member+"/answer",
			`{"accept":true,"staff":["`+e.accountID(educator)+`"]}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("answer: %d %s", resp.StatusCode, body)
		}
		if resp, _ := e.call(educator, "GET", child, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("educator: %d", resp.StatusCode)
		}
		if resp, _ := e.call(educator, "PUT", child+"/circle/"+member+"/staff", `{"staff":["`+e.accountID(educator)+`"]}`); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the educator names staff: %d", resp.StatusCode)
		}
		if resp, body := e.call(ditepDirector, "PUT", child+"/circle/"+member+"/staff", `{"staff":[]}`); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "staff") {
			t.Fatalf("nobody named: %d %s", resp.StatusCode, body)
		}
		if resp, body := e.call(ditepDirector, "PUT", child+"/circle/"+member+"/staff", `{"staff":["`+e.accountID(ditepDirector)+`"]}`); resp.StatusCode != http.StatusOK {
			t.Fatalf("staff: %d %s", resp.StatusCode, body)
		}
		if resp, _ := e.call(educator, "GET", child, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the educator no longer named: %d", resp.StatusCode)
		}

		resp, body = e.call(referent, "POST", child+"/relatives", `{"kind":"mother","name":"Aurélie Fontaine","authority":"full","email":"`+parent+`"}`)
		relative := jsonString(t, body, "id")
		if resp.StatusCode != http.StatusCreated || relative == "" {
			t.Fatalf("relative: %d %s", resp.StatusCode, body)
		}
		if resp, _ := e.call(parent, "GET", child, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the parent before the access: %d", resp.StatusCode)
		}
		if resp, _ := e.call(ditepDirector, "POST", child+"/relatives/"+relative+"/parent-access", ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a director gives a parent access: %d", resp.StatusCode)
		}
		resp, body = e.call(referent, "POST", child+"/relatives/"+relative+"/parent-access", "")
		if resp.StatusCode != http.StatusOK || jsonString(t, body, "account_id") != e.accountID(parent) {
			t.Fatalf("parent access: %d %s", resp.StatusCode, body)
		}
		// The parents' sections: never the family's contacts nor the notes.
		if resp, body := e.call(parent, "GET", child, ""); resp.StatusCode != http.StatusOK ||
			!strings.Contains(body, `"sections":["identity","measures","circle","consents","planning","project","project_care","access_log"]`) || strings.Contains(body, `"relatives"`) {
			t.Fatalf("the parent's record: %d %s", resp.StatusCode, body)
		}
	})
}
