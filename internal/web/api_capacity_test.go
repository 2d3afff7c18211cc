package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
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

		{"director declares on the MECS", director, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"permanent","places":2,"from":"{d10}"}`, 201, []string{`"free":2`, `"to":null`, `"weekdays":[1,2,3,4,5,6,7]`}, nil},
		{"director cannot declare for the DITEP", director, "POST", "/api/v1/offers/{ditep_respite}/availability",
			`{"kind":"respite","places":1}`, 403, nil, nil},
		{"an educator cannot declare", educator, "POST", "/api/v1/offers/{ditep_respite}/availability", `{"kind":"respite","places":1}`, 403, nil, nil},
		{"a parent cannot declare", parent, "POST", "/api/v1/offers/{mecs_residential}/availability", `{"kind":"permanent","places":1}`, 403, nil, nil},
		{"a declaration needs its places", director, "POST", "/api/v1/offers/{mecs_residential}/availability", `{"kind":"permanent"}`, 422,
			[]string{`"#/places"`}, nil},
		{"sequential reception needs its days", director, "POST", "/api/v1/offers/{mecs_residential}/availability",
			`{"kind":"sequential","places":1,"weekdays":[9]}`, 422, []string{`"#/weekdays"`}, nil},
		{"the foster carer declares her own relay stay", fosterCarer, "POST", "/api/v1/offers/{foster_offer}/availability",
			`{"kind":"permanent","places":1,"from":"{d10}","to":"{d12}"}`, 201, []string{`"kind":"relay"`, `"carer_name":"Martine Chazelle"`}, nil},
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
			{"the structure cannot confirm it", ditepDirector, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d12}"}`, 403, nil, nil},
			{"a respite over six days", referent, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d30}"}`, 422, []string{`"#/`}, nil},
			{"the referent books it", referent, "POST", "/api/v1/holds/{hold}/confirm", `{"from":"{d10}","to":"{d12}"}`, 200,
				[]string{`"status":"booked"`, `"to":"{d12}"`, `"booked_at"`}, nil},
			{"booked once", referent, "POST", "/api/v1/holds/{hold}/confirm", `{}`, 409, nil, nil},
			{"another director cannot cancel it", director, "POST", "/api/v1/holds/{hold}/cancel", "", 403, nil, nil},
			{"the structure cancels it", ditepDirector, "POST", "/api/v1/holds/{hold}/cancel", `{"reason":"Fermeture"}`, 200,
				[]string{`"status":"cancelled"`}, nil},
			{"the place is back", parent, "GET", "/api/v1/availability?du={d10}&au={d12}", "", 200, []string{`"{last}"`}, nil},
			{"the director withdraws the figure", ditepDirector, "DELETE", "/api/v1/availability/{last}", "", 204, nil, nil},
			{"withdrawn", parent, "GET", "/api/v1/availability?du={d10}&au={d12}", "", 200, nil, []string{`"{last}"`}},
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
				resp.Body.Close()
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
