package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	validator "github.com/pb33f/libopenapi-validator"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

const (
	ditepDirector = "directrice-ditep@demo.passerelle.test"
	fosterCarer   = "assistante-familiale@demo.passerelle.test"
)

// capIDs adds to the directory's ids the demo offers the board's
// scenarios use, and a one-place respite of the DITEP declared for them.
func (e *env) capIDs() map[string]string {
	e.t.Helper()
	ids := e.dirIDs()
	ids["{placement}"] = e.entryID("placement forez")
	offerOf := func(structure, modality string) string {
		st, err := e.srv.Directory.Get(sys(), ids[structure])
		if err != nil {
			e.t.Fatal(err)
		}
		for _, o := range st.Offers {
			if o.Modality == modality {
				return o.ID
			}
		}
		e.t.Fatalf("no %s offer in %s", modality, structure)
		return ""
	}
	ids["{mecs_residential}"] = offerOf("{mecs}", "residential")
	ids["{ditep_respite}"] = offerOf("{ditep}", "respite")
	ids["{foster_offer}"] = offerOf("{placement}", "foster")
	today := capacity.DayOf(time.Now())
	ids["{d10}"], ids["{d12}"], ids["{d30}"] = string(today.AddDays(10)), string(today.AddDays(12)), string(today.AddDays(30))
	a, err := e.srv.Capacity.Declare(sys(), ids["{ditep_respite}"], capacity.Declaration{Kind: capacity.KindRespite, Places: 1,
		From: today.AddDays(10), To: today.AddDays(13)})
	if err != nil {
		e.t.Fatal(err)
	}
	ids["{last}"] = a.ID
	return ids
}

func TestCapacityAPIScenarios(t *testing.T) {
	scenarios := []scenario{
		{"anonymous search", anonymous, "GET", "/api/v1/availability", "", 401, nil, nil},
		{"referent finds the respite by dates, age and travel time", referent, "GET",
			"/api/v1/availability?du={d10}&au={d12}&nature=respite&age=9&pres_de=42218&minutes=60", "", 200,
			[]string{`"structure_name":"DITEP Le Gier (fictif)"`, `"free":1`, `"stale":false`, `"minutes":`, `"id":"{last}"`}, nil},
		{"a parent may search too", parent, "GET", "/api/v1/availability?du={d10}", "", 200, []string{`"{last}"`}, nil},
		{"bad dates and kind are named", referent, "GET", "/api/v1/availability?du=demain&nature=lit&age=x", "", 422,
			[]string{`"#/du"`, `"#/nature"`, `"#/age"`}, nil},
		{"a stay that ends before it starts", referent, "GET", "/api/v1/availability?du={d12}&au={d10}", "", 422, []string{`"#/au"`}, nil},
		{"every criterion at fault is named", referent, "GET",
			"/api/v1/availability?departement=ZZ&pres_de=00000&minutes=500&limit=0&public=x&modalite=y", "", 422,
			[]string{`"#/departement"`, `"#/pres_de"`, `"#/minutes"`, `"#/limit"`, `"#/public"`, `"#/modalite"`}, nil},
		{"travel time in words", referent, "GET", "/api/v1/availability?pres_de=42218&minutes=abc", "", 422, []string{`"#/minutes"`}, nil},

		{"director declares on the MECS", director, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"permanent","places":2,"from":"{d10}"}`, 201, []string{`"free":2`, `"to":null`, `"weekdays":[1,2,3,4,5,6,7]`}, nil},
		{"director cannot declare for the DITEP", director, "POST", "/api/v1/offers/{ditep_respite}/availability",
			`{"kind":"respite","places":1}`, 403, nil, nil},
		{"an educator cannot declare", educator, "POST", "/api/v1/offers/{ditep_respite}/availability", `{"kind":"respite","places":1}`, 403, nil, nil},
		{"a parent cannot declare", parent, "POST", "/api/v1/offers/{mecs_residential}/availability", `{"kind":"permanent","places":1}`, 403, nil, nil},
		{"a declaration in broken JSON", director, "POST", "/api/v1/offers/{mecs_residential}/availability", `{"kind":`, 422,
			[]string{"JSON valide"}, nil},
		{"a declaration with an unknown field", director, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"permanent","places":1,"libres":1}`, 422, []string{`"#/libres"`, "Champ inconnu"}, nil},
		{"a declaration needs its places", director, "POST", "/api/v1/offers/{mecs_residential}/availability", `{"kind":"permanent"}`, 422,
			[]string{`"#/places"`}, nil},
		{"sequential reception needs its days", director, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"sequential","places":1,"weekdays":[9]}`, 422, []string{`"#/weekdays"`}, nil},
		{"the foster carer declares her own relay stay", fosterCarer, "POST", "/api/v1/offers/{foster_offer}/availability",
			`{"kind":"permanent","places":1,"from":"{d10}","to":"{d12}"}`, 201, []string{`"kind":"relay"`, `"carer_name":"Martine Chazelle"`}, nil},
		{"the foster carer cannot declare for the MECS", fosterCarer, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"permanent","places":1}`, 403, nil, nil},
		{"nor confirm the DITEP's figure", fosterCarer, "POST", "/api/v1/availability/{last}/confirm", "", 403, nil, nil},
		{"the DITEP's figures", educator, "GET", "/api/v1/structures/{ditep}/availability", "", 200, []string{`"{last}"`}, nil},
		{"the DITEP's director confirms everything", ditepDirector, "POST", "/api/v1/structures/{ditep}/availability/confirm", "", 200,
			[]string{`"confirmed":`}, nil},
		{"another director cannot confirm it", director, "POST", "/api/v1/availability/{last}/confirm", "", 403, nil, nil},
		{"a change of figure names the field", ditepDirector, "PATCH", "/api/v1/availability/{last}", `{"free":-1}`, 422, []string{`"#/free"`}, nil},

		{"a parent cannot hold", parent, "POST", "/api/v1/availability/{last}/holds", `{"request_ref":"X"}`, 403, nil, nil},
		{"a hold needs a reference", referent, "POST", "/api/v1/availability/{last}/holds", `{}`, 422, []string{`"#/request_ref"`}, nil},
		{"the referent holds the last place", referent, "POST", "/api/v1/availability/{last}/holds", `{"request_ref":"DEM-2027-014"}`, 201,
			[]string{`"status":"held"`, `"request_ref":"DEM-2027-014"`, `"holder_org_name":"Direction enfance famille`}, []string{"child"}},
		{"the place was just taken", ditepDirector, "POST", "/api/v1/availability/{last}/holds", `{"request_ref":"DEM-2"}`, 409,
			[]string{"Cette place vient d'être prise"}, nil},
		{"gone from the search", parent, "GET", "/api/v1/availability?du={d10}&au={d12}", "", 200, nil, []string{`"{last}"`}},
		{"the structure sees the hold on its place", ditepDirector, "GET", "/api/v1/holds?live=true", "", 200, []string{"DEM-2027-014"}, nil},
		{"another structure does not", director, "GET", "/api/v1/holds", "", 200, nil, []string{"DEM-2027-014"}},
		{"nor a parent, though attached to the ASE", parent, "GET", "/api/v1/holds", "", 200, nil, []string{"DEM-2027-014"}},
		{"territory board of the Loire", referent, "GET", "/api/v1/capacity/territory?departement=42&semaines=4", "", 200,
			[]string{`"structure_type":"ditep"`, `"held":1`}, nil},
		{"not for a director", director, "GET", "/api/v1/capacity/territory?departement=42", "", 403, nil, nil},
		{"settings for the referent to read", referent, "GET", "/api/v1/capacity/settings?departement=42", "", 200, []string{`"hold_hours":48`}, nil},
		{"not for the referent to change", referent, "PUT", "/api/v1/capacity/settings?departement=42",
			`{"stale_days":{"permanent":7},"hold_hours":24}`, 403, nil, nil},
	}
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := e.capIDs()
		e.runScenarios(t, v, ids, withIDs(ids, scenarios))

		// The hold: hidden from the unrelated, confirmed by its holder,
		// cancelled by the structure.
		_, body := e.call(referent, "GET", "/api/v1/holds?live=true", "")
		var list struct {
			Items []struct {
				ID         string `json:"id"`
				RequestRef string `json:"request_ref"`
			}
		}
		json.Unmarshal([]byte(body), &list)
		var hold string
		for _, h := range list.Items {
			if h.RequestRef == "DEM-2027-014" {
				hold = h.ID
			}
		}
		ids["{hold}"] = hold
		if hold == "" {
			t.Fatalf("the referent's hold is not listed: %s", body)
		}
		e.runScenarios(t, v, ids, withIDs(ids, []scenario{
			{"the hold is not found by another structure", director, "GET", "/api/v1/holds/{hold}", "", 404, nil, nil},
			{"nor by a parent", parent, "GET", "/api/v1/holds/{hold}", "", 404, nil, nil},
			{"nor by the foster carer", fosterCarer, "GET", "/api/v1/holds/{hold}", "", 404, nil, nil},
			{"the holder reads it", referent, "GET", "/api/v1/holds/{hold}", "", 200, []string{`"status":"held"`, `"expires_at"`}, []string{"child", "enfant"}},
			{"the structure providing the place reads it", educator, "GET", "/api/v1/holds/{hold}", "", 200, []string{"DEM-2027-014"}, nil},
			{"the structure cannot confirm it", ditepDirector, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d12}"}`, 403, nil, nil},
			{"a respite over six days", referent, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d30}"}`, 422, []string{`"#/`}, nil},
			{"the referent books it", referent, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d12}"}`, 200,
				[]string{`"status":"booked"`, `"to":"{d12}"`, `"booked_at"`}, nil},
			{"booked once", referent, "POST", "/api/v1/holds/{hold}/confirm", `{}`, 409, nil, nil},
			{"another director cannot cancel it", director, "POST", "/api/v1/holds/{hold}/cancel", "", 403, nil, nil},
			{"the structure cancels it", ditepDirector, "POST", "/api/v1/holds/{hold}/cancel", `{"reason":"Fermeture"}`, 200,
				[]string{`"status":"cancelled"`}, nil},
			{"the place is back", parent, "GET", "/api/v1/availability?du={d10}&au={d12}", "", 200, []string{`"{last}"`}, nil},
			{"and held again", referent, "POST", "/api/v1/availability/{last}/holds", `{"request_ref":"DEM-2027-015"}`, 201, nil, nil},
			{"cancelled twice", ditepDirector, "POST", "/api/v1/holds/{hold}/cancel", "", 409, nil, nil},
			{"the director withdraws the figure", ditepDirector, "DELETE", "/api/v1/availability/{last}", "", 204, nil, nil},
			{"withdrawn", parent, "GET", "/api/v1/availability?du={d10}&au={d12}", "", 200, nil, []string{`"{last}"`}},

			// The territory's settings.
			{"steering reads its own département", steering, "GET", "/api/v1/capacity/settings", "", 200,
				[]string{`"departement":"42"`, `"respite":2`, `"permanent":7`}, nil},
			{"an unknown département", admin, "GET", "/api/v1/capacity/settings?departement=ZZ", "", 422, []string{`"#/departement"`}, nil},
			{"no département to default to", admin, "GET", "/api/v1/capacity/settings", "", 422, []string{`"#/departement"`}, nil},
			{"not for a director to read", director, "GET", "/api/v1/capacity/settings?departement=42", "", 403, nil, nil},
			{"every kind is set", steering, "PUT", "/api/v1/capacity/settings?departement=42", `{"stale_days":{"permanent":7,"lit":3},"hold_hours":0}`, 422,
				[]string{`"#/stale_days/lit"`}, nil},
			{"each kind's threshold is named", steering, "PUT", "/api/v1/capacity/settings?departement=42", `{"stale_days":{"permanent":7},"hold_hours":0}`, 422,
				[]string{`"#/stale_days/respite"`, `"#/hold_hours"`}, nil},
			{"steering sets them", steering, "PUT", "/api/v1/capacity/settings?departement=42",
				`{"stale_days":{"permanent":14,"emergency":1,"respite":3,"sequential":7,"relay":7,"staff":30},"hold_hours":24}`, 200,
				[]string{`"respite":3`, `"hold_hours":24`}, nil},
			{"and they hold", referent, "GET", "/api/v1/capacity/settings?departement=42", "", 200, []string{`"permanent":14`, `"hold_hours":24`}, nil},
			{"not for the Loire's steering in another département", steering, "PUT", "/api/v1/capacity/settings?departement=69",
				`{"stale_days":{"permanent":14,"emergency":1,"respite":3,"sequential":7,"relay":7,"staff":30},"hold_hours":24}`, 403, nil, nil},
		}))
	})
}

// withIDs puts the ids in what scenarios expect to find in answers.
func withIDs(ids map[string]string, scenarios []scenario) []scenario {
	out := make([]scenario, len(scenarios))
	for i, sc := range scenarios {
		sub := func(list []string) []string {
			var res []string
			for _, c := range list {
				for k, id := range ids {
					c = strings.ReplaceAll(c, k, id)
				}
				res = append(res, c)
			}
			return res
		}
		sc.contains, sc.absent = sub(sc.contains), sub(sc.absent)
		out[i] = sc
	}
	return out
}

// 200 requests through the API for the last place: one 201, 199 × 409, and
// the database agrees.
func TestCapacityAPILastPlaceUnderFire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := e.capIDs()
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[int]int{}
		start := make(chan struct{})
		for i := range 200 {
			wg.Go(func() {
				<-start
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/availability/"+ids["{last}"]+"/holds",
					strings.NewReader(fmt.Sprintf(`{"request_ref":"DEM-%d"}`, i)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.tokens[referent])
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusConflict && (resp.Header.Get("Content-Type") != "application/problem+json" ||
					!strings.Contains(string(b), "Cette place vient d'être prise")) {
					t.Errorf("409 without its problem: %s %s", resp.Header.Get("Content-Type"), b)
				}
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		if codes[201] != 1 || codes[409] != 199 {
			t.Fatalf("answers %v, want one 201 and 199 × 409", codes)
		}
		var places, taken, live int
		if err := d.Read(sys(), func(tx *db.Tx) error {
			if err := tx.QueryRowContext(sys(), `SELECT places, taken FROM availabilities WHERE id = $1`, ids["{last}"]).Scan(&places, &taken); err != nil {
				return err
			}
			return tx.QueryRowContext(sys(), `SELECT count(*) FROM capacity_holds WHERE availability_id = $1 AND status IN ('held', 'booked')`,
				ids["{last}"]).Scan(&live)
		}); err != nil {
			t.Fatal(err)
		}
		if places != 1 || taken != 1 || live != 1 {
			t.Fatalf("places %d, taken %d, live holds %d", places, taken, live)
		}
	})
}

// capCall sends a request, checks its status and its answer against the
// OpenAPI document, and decodes the JSON answer.
func (e *env) capCall(t *testing.T, v validator.Validator, who, method, path, body string, status int) map[string]any {
	t.Helper()
	resp, got := e.call(who, method, path, body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, who, resp.StatusCode, status, got)
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, nil)
	if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
		for _, ve := range errs {
			t.Errorf("%s %s: response does not match OpenAPI: %s (%s)", method, path, ve.Message, ve.Reason)
		}
	}
	out := map[string]any{}
	if got != "" {
		if err := json.Unmarshal([]byte(got), &out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, got)
		}
	}
	return out
}

// found returns the search result id among the items of a search answer, nil if absent.
func found(answer map[string]any, id string) map[string]any {
	items, _ := answer["items"].([]any)
	for _, it := range items {
		if m, _ := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

// wantFields checks some fields of a decoded answer.
func wantFields(t *testing.T, what string, got map[string]any, want map[string]any) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: absent", what)
	}
	for k, w := range want {
		if g := got[k]; fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s: %s = %v, want %v (%v)", what, k, g, w, got)
		}
	}
}

// A director changes a figure through the API; the search shows it fresh,
// stale once the territory's threshold has passed on the database's clock,
// and fresh again when the director says it is still true.
func TestCapacityAPIFiguresAndFreshness(t *testing.T) {
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := dbtest.NewClock(time.Now()).Use(d)
		e := newEnv(t, d)
		ids := e.capIDs()
		path := func(p string) string {
			for k, id := range ids {
				p = strings.ReplaceAll(p, k, id)
			}
			return p
		}
		decl := e.capCall(t, v, ditepDirector, "POST", path("/api/v1/offers/{ditep_respite}/availability"),
			path(`{"kind":"respite","places":2,"from":"{d10}","to":"{d12}","conditions":"Week-ends compris"}`), 201)
		fig := decl["id"].(string)
		ids["{fig}"] = fig
		wantFields(t, "declared", decl, map[string]any{"kind": "respite", "kind_label": "Accueil de répit (1 à 6 jours)",
			"places": 2, "taken": 0, "free": 2, "from": ids["{d10}"], "to": ids["{d12}"], "weekdays": "[1 2 3 4 5 6 7]",
			"confirmed_by": "Isabelle Perrin", "reserved": false, "active": true})
		if at, _ := decl["confirmed_at"].(string); !strings.HasSuffix(at, "Z") {
			t.Errorf("confirmed_at %q is not UTC", at)
		}

		search := path("/api/v1/availability?du={d10}&au={d12}&nature=respite&pres_de=42218&minutes=60")
		wantFields(t, "found fresh", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{
			"free": 2, "stale": false, "structure_name": "DITEP Le Gier (fictif)", "structure_type": "ditep", "departement": "42",
			"modality": "respite", "conditions": "Week-ends compris"})
		if m := found(e.capCall(t, v, referent, "GET", path("/api/v1/availability?du={d10}&au={d12}"), "", 200), fig); m == nil || m["minutes"] != nil {
			t.Errorf("minutes given without pres_de: %v", m)
		}

		// Changes: the free places, the period, then the end reopened while
		// a hold is taken; absent fields stay.
		wantFields(t, "more places", e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig, `{"free":3}`, 200),
			map[string]any{"places": 3, "free": 3, "to": ids["{d12}"]})
		e.capCall(t, v, referent, "POST", "/api/v1/availability/"+fig+"/holds", `{"request_ref":"DEM-7","places":1}`, 201)
		wantFields(t, "until further notice", e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig, `{"to":null}`, 200),
			map[string]any{"places": 3, "taken": 1, "free": 2, "to": nil, "from": ids["{d10}"]})
		wantFields(t, "a new period", e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig,
			path(`{"from":"{d10}","to":"{d30}"}`), 200), map[string]any{"free": 2, "to": ids["{d30}"]})
		wantFields(t, "no free place left", e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig, `{"free":0}`, 200),
			map[string]any{"places": 1, "taken": 1, "free": 0})
		for body, field := range map[string]string{`{"from":"hier"}`: "from", `{"to":5}`: "to", `{"free":-1}`: "free",
			`{"free":"deux"}`: "free", `{"places":1}`: "places", path(`{"from":"{d30}","to":"{d10}"}`): "to"} {
			p := e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig, body, 422)
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != field || errs[0].(map[string]any)["pointer"] != "#/"+field {
				t.Errorf("PATCH %s: errors %v, want the field %s", body, p["errors"], field)
			}
		}
		for _, who := range []string{director, educator, fosterCarer, referent} {
			e.capCall(t, v, who, "PATCH", "/api/v1/availability/"+fig, `{"free":5}`, 403)
			e.capCall(t, v, who, "DELETE", "/api/v1/availability/"+fig, "", 403)
		}
		e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/"+fig, `{"free":2}`, 200)
		e.capCall(t, v, ditepDirector, "PATCH", "/api/v1/availability/01900000-0000-7000-8000-000000000000", `{"free":2}`, 404)

		// Respite figures stay fresh two days in the Loire.
		clock.Add(47 * time.Hour)
		wantFields(t, "after 47 hours", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{"stale": false})
		clock.Add(2 * time.Hour)
		wantFields(t, "after 49 hours", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{"stale": true, "free": 2})
		confirmed := e.capCall(t, v, ditepDirector, "POST", "/api/v1/availability/"+fig+"/confirm", "", 200)
		if confirmed["confirmed_at"] == decl["confirmed_at"] {
			t.Errorf("confirmation not dated: %v", confirmed["confirmed_at"])
		}
		wantFields(t, "still true", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{"stale": false})

		clock.Add(3 * 24 * time.Hour)
		wantFields(t, "stale again", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{"stale": true})
		all := e.capCall(t, v, ditepDirector, "POST", path("/api/v1/structures/{ditep}/availability/confirm"), "", 200)
		if n, _ := all["confirmed"].(float64); n < 2 {
			t.Errorf("nothing changed: %v confirmed, want the DITEP's two figures at least", all["confirmed"])
		}
		wantFields(t, "nothing changed", found(e.capCall(t, v, referent, "GET", search, "", 200), fig), map[string]any{"stale": false})
		e.capCall(t, v, educator, "POST", path("/api/v1/structures/{ditep}/availability/confirm"), "", 403)

		list := e.capCall(t, v, educator, "GET", path("/api/v1/structures/{ditep}/availability"), "", 200)
		wantFields(t, "the DITEP's list", found(list, fig), map[string]any{"kind": "respite", "to": ids["{d30}"]})
	})
}

// A foster carer declares relay stays for herself only, and is named only
// to those the policy allows.
func TestCapacityAPIFosterCarerDeclaresForHerself(t *testing.T) {
	const otherCarer = "assistant-familial-2@demo.passerelle.test"
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := e.capIDs()
		other, err := e.srv.Auth.CreateAccount(sys(), auth.NewAccount{Email: otherCarer, Name: "Paul Ferrand", Password: demo.Password,
			Memberships: []auth.MembershipInput{{OrganisationID: ids["{placement}"], Role: access.RoleFosterCarer}}})
		if err != nil {
			t.Fatal(err)
		}
		if e.tokens[otherCarer], _, err = e.srv.Auth.CreateAPIToken(sys(), other.ID, "test", 0); err != nil {
			t.Fatal(err)
		}
		offer := "/api/v1/offers/" + ids["{foster_offer}"] + "/availability"

		// Whatever kind and carer she names, her declaration is her relay stay.
		relay := e.capCall(t, v, fosterCarer, "POST", offer,
			fmt.Sprintf(`{"kind":"permanent","places":1,"from":"%s","to":"%s","carer_id":"%s"}`, ids["{d10}"], ids["{d12}"], other.ID), 201)
		wantFields(t, "her relay", relay, map[string]any{"kind": "relay", "carer_name": "Martine Chazelle", "free": 1})
		id := relay["id"].(string)

		// The other carer of the service can neither change it nor declare in her name.
		e.capCall(t, v, otherCarer, "PATCH", "/api/v1/availability/"+id, `{"free":0}`, 403)
		e.capCall(t, v, otherCarer, "DELETE", "/api/v1/availability/"+id, "", 403)
		e.capCall(t, v, otherCarer, "POST", "/api/v1/availability/"+id+"/confirm", "", 403)
		mine := e.capCall(t, v, otherCarer, "POST", offer, fmt.Sprintf(`{"kind":"relay","places":1,"carer_id":"%s"}`, relay["id"]), 201)
		wantFields(t, "his own relay", mine, map[string]any{"kind": "relay", "carer_name": "Paul Ferrand"})

		// She changes and confirms hers.
		wantFields(t, "her change", e.capCall(t, v, fosterCarer, "PATCH", "/api/v1/availability/"+id, `{"free":2}`, 200),
			map[string]any{"free": 2, "carer_name": "Martine Chazelle"})
		e.capCall(t, v, fosterCarer, "POST", "/api/v1/availability/"+id+"/confirm", "", 200)

		// She cannot hold places.
		e.capCall(t, v, fosterCarer, "POST", "/api/v1/availability/"+ids["{last}"]+"/holds", `{"request_ref":"X"}`, 403)

		// Named to the Loire's ASE, not to a parent or another structure.
		search := "/api/v1/availability?nature=relay&du=" + ids["{d10}"]
		wantFields(t, "for the referent", found(e.capCall(t, v, referent, "GET", search, "", 200), id),
			map[string]any{"carer_name": "Martine Chazelle"})
		for _, who := range []string{parent, director} {
			m := found(e.capCall(t, v, who, "GET", search, "", 200), id)
			wantFields(t, "for "+who, m, map[string]any{"carer_name": "Un assistant familial du service"})
		}
	})
}
