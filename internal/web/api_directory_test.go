package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	validator "github.com/pb33f/libopenapi-validator"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

// Accounts of the Rhône, made by rhone: the Loire's entries are outside
// their territory.
const (
	referent69 = "referent69@demo.passerelle.test"
	steering69 = "pilotage69@demo.passerelle.test"
)

// rhone adds an ASE service of the Rhône with a referent and a steering
// account, and gives them API tokens.
func (e *env) rhone() {
	e.t.Helper()
	ase, err := e.srv.Orgs.Create(sys(), org.Input{Kind: access.OrgASE, Name: "ASE du Rhône (test)", CommuneCode: "69123"})
	if err != nil {
		e.t.Fatal(err)
	}
	for email, role := range map[string]access.Role{referent69: access.RoleASEReferent, steering69: access.RoleSteering} {
		a, err := e.srv.Auth.CreateAccount(sys(), auth.NewAccount{Email: email, Name: "Compte du Rhône", Password: demo.Password,
			Memberships: []auth.MembershipInput{{OrganisationID: ase.ID, Role: role}}})
		if err != nil {
			e.t.Fatal(err)
		}
		if e.tokens[email], _, err = e.srv.Auth.CreateAPIToken(sys(), a.ID, "test", 0); err != nil {
			e.t.Fatal(err)
		}
	}
}

// dirIDs names demo entries and their parts for the scenarios' paths.
func (e *env) dirIDs() map[string]string {
	e.t.Helper()
	ids := map[string]string{"{ase}": e.homeOrg(referent), "{unknown}": "01900000-0000-7000-8000-000000000000"}
	for key, word := range map[string]string{"mecs": "beauregard", "ditep": "ditep gier", "glycines": "glycines",
		"escale": "escale", "roannais": "placement roannais"} {
		ids["{"+key+"}"] = e.entryID(word)
	}
	for _, key := range []string{"mecs", "ditep", "glycines"} {
		st, err := e.srv.Directory.Get(sys(), ids["{"+key+"}"])
		if err != nil || len(st.Offers) < 1 || len(st.Contacts) < 2 {
			e.t.Fatalf("%s: %v %+v", key, err, st)
		}
		ids["{"+key+"_offer}"] = st.Offers[0].ID
		ids["{"+key+"_offer2}"] = st.Offers[len(st.Offers)-1].ID
		ids["{"+key+"_contact}"] = st.Contacts[0].ID
		ids["{"+key+"_contact2}"] = st.Contacts[len(st.Contacts)-1].ID
	}
	return ids
}

// runScenarios plays scenarios in order on e, checking each answer against the
// OpenAPI document unless its path is undocumented.
func (e *env) runScenarios(t *testing.T, v validator.Validator, ids map[string]string, scenarios []scenario) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			path, body := sc.path, sc.body
			for k, id := range ids {
				path, body = strings.ReplaceAll(path, k, id), strings.ReplaceAll(body, k, id)
			}
			resp, got := e.call(sc.who, sc.method, path, body)
			if resp.StatusCode != sc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, sc.status, got)
			}
			for _, c := range sc.contains {
				if !strings.Contains(got, c) {
					t.Errorf("response lacks %q: %s", c, got)
				}
			}
			for _, c := range sc.absent {
				if strings.Contains(got, c) {
					t.Errorf("response must not contain %q: %s", c, got)
				}
			}
			if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("error content type %q", resp.Header.Get("Content-Type"))
			}
			if !strings.HasPrefix(sc.name, "undocumented") {
				req, _ := http.NewRequest(sc.method, e.ts.URL+path, nil)
				if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
					for _, ve := range errs {
						t.Errorf("response does not match OpenAPI: %s (%s)", ve.Message, ve.Reason)
					}
				}
			}
		})
	}
}

func TestDirectoryAPIScenarios(t *testing.T) {
	hidden := []string{`"street"`, `"postal_code"`, `"lat"`, `"lng"`, `"coord_source"`}
	scenarios := []scenario{
		// Search.
		{"anonymous search", anonymous, "GET", "/api/v1/structures", "", 401, []string{"Authentification requise"}, nil},
		{"respite for a 9-year-old near Saint-Chamond", referent, "GET", "/api/v1/structures?besoin=behaviour&age=9&modalite=respite&pres_de=42207&minutes=45", "", 200,
			[]string{"DITEP Le Gier", `"minutes":`, `"modality":"respite"`}, []string{`"modality":"residential"`, "MECS Beauregard"}},
		{"types are repeatable", educator, "GET", "/api/v1/structures?type=mecs&type=pouponniere&limit=2", "", 200,
			[]string{`"total":4`, `"limit":2`, `"offset":0`, "MECS Beauregard"}, []string{`"minutes"`, "DITEP"}},
		{"search by words", parent, "GET", "/api/v1/structures?q=sapins", "", 200, []string{"ITEP Les Sapins", `"total":1`}, nil},
		{"age is not a number", referent, "GET", "/api/v1/structures?age=abc", "", 422, []string{`"pointer":"#/age"`}, nil},
		{"minutes is not a number", referent, "GET", "/api/v1/structures?pres_de=42218&minutes=x", "", 422, []string{`"#/minutes"`}, []string{`"#/pres_de"`}},
		{"every bad parameter is named", referent, "GET", "/api/v1/structures?age=abc&besoin=nope&limit=0&type=castle", "", 422,
			[]string{`"#/age"`, `"#/besoin"`, `"#/limit"`, `"#/type"`}, nil},
		{"minutes without a commune", referent, "GET", "/api/v1/structures?minutes=30", "", 422, []string{`"#/pres_de"`}, nil},
		{"unknown commune", referent, "GET", "/api/v1/structures?pres_de=99999", "", 422, []string{`"#/pres_de"`}, nil},
		{"minutes out of range", referent, "GET", "/api/v1/structures?pres_de=42218&minutes=500", "", 422, []string{`"#/minutes"`}, nil},

		// One entry.
		{"educator reads the MECS", educator, "GET", "/api/v1/structures/{mecs}", "", 200,
			[]string{"MECS Beauregard", "12 rue de l'Exemple", `"postal_code":"42000"`, `"coord_source":"commune"`, `"lat":`,
				`"address_hidden":false`, `"stale":false`, `"function":"on_duty"`, `"modality":"residential"`, `"documents":[]`}, nil},
		{"an entry never checked is stale", parent, "GET", "/api/v1/structures/{roannais}", "", 200, []string{`"checked_at":null`, `"stale":true`}, nil},
		{"malformed id", educator, "GET", "/api/v1/structures/not-an-id", "", 404, []string{"introuvable"}, nil},
		{"unknown id", educator, "GET", "/api/v1/structures/{unknown}", "", 404, []string{"introuvable"}, nil},
		{"an organisation that is not a structure", educator, "GET", "/api/v1/structures/{ase}", "", 404, nil, nil},
		{"director of another structure: hidden address", director, "GET", "/api/v1/structures/{glycines}", "", 200,
			[]string{`"address_hidden":true`, `"confidential":true`, "Firminy", `"commune_code":"42095"`}, append([]string{"impasse Discrète", `"42700"`}, hidden...)},
		{"DITEP educator: hidden address", educator, "GET", "/api/v1/structures/{escale}", "", 200,
			[]string{`"address_hidden":true`}, append([]string{"allée Discrète", `"42400"`}, hidden...)},
		{"referent of another département: hidden address", referent69, "GET", "/api/v1/structures/{glycines}", "", 200,
			[]string{`"address_hidden":true`}, append([]string{"impasse Discrète", `"42700"`}, hidden...)},
		{"referent of the Loire sees the address", referent, "GET", "/api/v1/structures/{glycines}", "", 200,
			[]string{"9 impasse Discrète", `"postal_code":"42700"`, `"lat":`, `"address_hidden":false`}, nil},

		// Create.
		{"educator cannot create", educator, "POST", "/api/v1/structures", `{"name":"MECS (test)","type":"mecs","commune_code":"42218"}`, 403, []string{"droits"}, nil},
		{"steering of the Rhône cannot create in the Loire", steering69, "POST", "/api/v1/structures", `{"name":"MECS (test)","type":"mecs","commune_code":"42218"}`, 403, nil, nil},
		{"invalid entry", admin, "POST", "/api/v1/structures", `{"name":" ","type":"castle","commune_code":"99999","email":"x","lat":1}`, 422,
			[]string{`"#/name"`, `"#/type"`, `"#/commune_code"`, `"#/email"`, `"#/lat"`}, nil},
		{"unknown field", admin, "POST", "/api/v1/structures", `{"name":"X","nom":"Y"}`, 422, []string{`"#/nom"`, "Champ inconnu"}, nil},
		{"malformed JSON", admin, "POST", "/api/v1/structures", `{"name":`, 422, []string{"JSON valide"}, nil},
		{"position of the wrong type", admin, "POST", "/api/v1/structures", `{"lat":"nord"}`, 422, []string{`"#/lat"`, "un nombre"}, nil},
		{"steering creates an entry", steering, "POST", "/api/v1/structures",
			`{"name":"MECS Les Tilleuls (test)","type":"mecs","commune_code":"42218","street":"1 rue du Test","postal_code":"42000","lat":45.44,"lng":4.39,"territory_departements":["42"]}`, 201,
			[]string{"Les Tilleuls", `"coord_source":"director"`, `"lat":45.44`, `"territory_departements":["42"]`, `"offers":[]`}, nil},

		// Partial update.
		{"director types a position and a FINESS number", director, "PATCH", "/api/v1/structures/{mecs}", `{"phone":"04 77 00 11 22","lat":45.44,"lng":4.39,"finess_et":"420000018"}`, 200,
			[]string{"04 77 00 11 22", `"coord_source":"director"`, "12 rue de l'Exemple", `"finess_et":"420000018"`, `"manual_fields":["position","phone"]`}, nil},
		{"null clears the typed position", director, "PATCH", "/api/v1/structures/{mecs}", `{"lat":null,"lng":null}`, 200,
			[]string{`"coord_source":"commune"`, "04 77 00 11 22"}, nil},
		{"the FINESS number is taken", admin, "POST", "/api/v1/structures", `{"name":"Doublon (test)","type":"mecs","commune_code":"42218","finess_et":"420000018"}`, 409,
			[]string{`"#/finess_et"`, "MECS Beauregard"}, nil},
		{"invalid update", director, "PATCH", "/api/v1/structures/{mecs}", `{"postal_code":"69001","territory_minutes":999}`, 422,
			[]string{`"#/postal_code"`, `"#/territory_minutes"`}, nil},
		{"director cannot update the DITEP", director, "PATCH", "/api/v1/structures/{ditep}", `{"name":"Piraté"}`, 403, nil, nil},
		{"director cannot update a confidential entry", director, "PATCH", "/api/v1/structures/{glycines}", `{"phone":"04 77 00 11 22"}`, 403, nil, nil},
		{"educator cannot update own DITEP", educator, "PATCH", "/api/v1/structures/{ditep}", `{"name":"Piraté"}`, 403, nil, nil},
		{"referent cannot update", referent, "PATCH", "/api/v1/structures/{mecs}", `{"name":"Piraté"}`, 403, nil, nil},
		{"steering of the Rhône cannot update", steering69, "PATCH", "/api/v1/structures/{mecs}", `{"name":"Piraté"}`, 403, nil, nil},
		{"update of an unknown entry", admin, "PATCH", "/api/v1/structures/{unknown}", `{"name":"X"}`, 404, nil, nil},
		{"update with an unknown field", director, "PATCH", "/api/v1/structures/{mecs}", `{"adresse":"x"}`, 422, []string{`"#/adresse"`}, nil},
		{"steering updates the Glycines, keeping its address", steering, "PATCH", "/api/v1/structures/{glycines}", `{"closed_periods":"Jamais fermé"}`, 200,
			[]string{"Jamais fermé", "9 impasse Discrète", `"postal_code":"42700"`}, nil},

		// Check.
		{"director confirms the entry", director, "POST", "/api/v1/structures/{mecs}/check", "", 204, nil, nil},
		{"educator cannot confirm", educator, "POST", "/api/v1/structures/{ditep}/check", "", 403, nil, nil},
		{"confirm an unknown entry", admin, "POST", "/api/v1/structures/{unknown}/check", "", 404, nil, nil},

		// Offers.
		{"director adds an offer", director, "POST", "/api/v1/structures/{mecs}/offers",
			`{"modality":"respite","age_min":6,"age_max":12,"needs":["behaviour"],"places_authorised":2,"places_installed":2}`, 201,
			[]string{`"modality":"respite"`, `"active":true`, `"needs":["behaviour"]`, `"conditions":[]`}, nil},
		{"invalid offer", director, "POST", "/api/v1/structures/{mecs}/offers", `{"modality":"nope","age_min":12,"age_max":6}`, 422,
			[]string{`"#/modality"`, `"#/age_max"`}, nil},
		{"offer with an unknown field", director, "POST", "/api/v1/structures/{mecs}/offers", `{"modalite":"respite"}`, 422, []string{`"#/modalite"`}, nil},
		{"offer of an unknown entry", admin, "POST", "/api/v1/structures/{unknown}/offers", `{"modality":"respite","age_max":6}`, 404, nil, nil},
		{"director replaces an offer", director, "PUT", "/api/v1/structures/{mecs}/offers/{mecs_offer}",
			`{"modality":"residential","age_min":6,"age_max":18,"places_authorised":30,"places_installed":30,"conditions":["ase_measure"],"active":false}`, 200,
			[]string{`"active":false`, `"places_installed":30`, `"conditions":["ase_measure"]`}, nil},
		{"director cannot replace a DITEP offer", director, "PUT", "/api/v1/structures/{ditep}/offers/{ditep_offer}", `{"modality":"respite","age_max":6}`, 403, nil, nil},
		{"an offer of another entry is not found", director, "PUT", "/api/v1/structures/{mecs}/offers/{ditep_offer}", `{"modality":"respite","age_max":6}`, 404,
			[]string{"Offre introuvable"}, nil},
		{"educator cannot delete an offer", educator, "DELETE", "/api/v1/structures/{ditep}/offers/{ditep_offer}", "", 403, nil, nil},
		{"an offer with declarations on the capacity board is kept", director, "DELETE", "/api/v1/structures/{mecs}/offers/{mecs_offer}", "", 409,
			[]string{"suspendez-la"}, nil},
		{"director deletes an offer", director, "DELETE", "/api/v1/structures/{mecs}/offers/{mecs_offer2}", "", 204, nil, nil},
		{"the offer is gone", director, "DELETE", "/api/v1/structures/{mecs}/offers/{mecs_offer2}", "", 404, []string{"Offre introuvable"}, nil},

		// Contacts.
		{"director adds a contact", director, "POST", "/api/v1/structures/{mecs}/contacts",
			`{"function":"partnership","label":"Référent partenariats","email":"partenariats@demo.passerelle.test"}`, 201,
			[]string{`"function":"partnership"`, "partenariats@demo.passerelle.test"}, nil},
		{"invalid contact", director, "POST", "/api/v1/structures/{mecs}/contacts", `{"function":"boss"}`, 422, []string{`"#/function"`, `"#/phone"`}, nil},
		{"director replaces a contact", director, "PUT", "/api/v1/structures/{mecs}/contacts/{mecs_contact}",
			`{"function":"on_duty","label":"Astreinte","phone":"04 99 11 01 98"}`, 200, []string{"04 99 11 01 98", `"function_label"`}, nil},
		{"educator cannot replace a contact", educator, "PUT", "/api/v1/structures/{ditep}/contacts/{ditep_contact}", `{"function":"on_duty","phone":"04 99 11 01 98"}`, 403, nil, nil},
		{"director cannot delete a DITEP contact", director, "DELETE", "/api/v1/structures/{ditep}/contacts/{ditep_contact}", "", 403, nil, nil},
		{"director deletes a contact", director, "DELETE", "/api/v1/structures/{mecs}/contacts/{mecs_contact2}", "", 204, nil, nil},
		{"the contact is gone", director, "DELETE", "/api/v1/structures/{mecs}/contacts/{mecs_contact2}", "", 404, []string{"Contact introuvable"}, nil},

		// HSDS.
		{"HSDS needs an account", anonymous, "GET", "/api/v1/hsds/services", "", 401, nil, nil},
		{"HSDS root", educator, "GET", "/api/v1/hsds/", "", 200, []string{`"version":"3.0"`, `/api/v1/openapi.json"`}, nil},
		{"HSDS services", parent, "GET", "/api/v1/hsds/services?per_page=5", "", 200,
			[]string{`"page_number":1`, `"size":5`, `"first_page":true`, `"last_page":false`, `"organization"`}, []string{`"service_at_locations"`}},
		{"HSDS services: bad page", parent, "GET", "/api/v1/hsds/services?page=0&per_page=500", "", 422, []string{`"#/page"`, `"#/per_page"`}, nil},
		{"HSDS services: past the last page", parent, "GET", "/api/v1/hsds/services?page=99", "", 200, []string{`"empty":true`, `"contents":[]`, `"last_page":true`}, nil},
		{"HSDS service", educator, "GET", "/api/v1/hsds/services/{ditep_offer}", "", 200,
			[]string{"DITEP Le Gier", `"organization"`, `"service_at_locations"`, "20 route du Prototype"}, nil},
		{"HSDS service: inactive offer", educator, "GET", "/api/v1/hsds/services/{mecs_offer}", "", 404, nil, nil},
		{"HSDS service: unknown", educator, "GET", "/api/v1/hsds/services/{unknown}", "", 404, nil, nil},
		{"HSDS organizations", director, "GET", "/api/v1/hsds/organizations?page=2&per_page=10", "", 200, []string{`"page_number":2`, `"size":10`}, []string{`"locations"`}},
		{"HSDS organization", director, "GET", "/api/v1/hsds/organizations/{ditep}", "", 200,
			[]string{"DITEP Le Gier", "20 route du Prototype", `"services"`, `"latitude"`}, nil},
		{"HSDS organization: not a structure", director, "GET", "/api/v1/hsds/organizations/{ase}", "", 404, nil, nil},
		{"undocumented HSDS path", director, "GET", "/api/v1/hsds/taxonomies", "", 404, []string{"openapi.json"}, nil},
	}
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.rhone()
		ids := e.dirIDs()
		e.runScenarios(t, v, ids, scenarios)

		// Refused and invalid requests wrote nothing; each was audited.
		count := func(q string, args ...any) int {
			var n int
			if err := d.SQL().QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT count(*) FROM organisations WHERE kind = 'structure' AND (name LIKE '%(test)%' OR name = 'Piraté')`); n != 1 {
			t.Errorf("%d entries created, want 1", n)
		}
		if n := count(`SELECT count(*) FROM audit_log WHERE action LIKE 'structure.%.refused' AND resource_id IN ($1, $2, $3)`,
			ids["{mecs}"], ids["{ditep}"], ids["{glycines}"]); n != 10 {
			t.Errorf("%d refusals audited, want 10", n)
		}
		if n := count(`SELECT count(*) FROM audit_log WHERE action = 'directory.export' AND details LIKE '%hsds%'`); n != 5 {
			t.Errorf("%d HSDS exports audited, want 5", n)
		}
		st, err := e.srv.Directory.Get(sys(), ids["{glycines}"])
		if err != nil || st.Phone == "04 77 00 11 22" || st.Street != "9 impasse Discrète" {
			t.Errorf("the Glycines changed: %+v %v", st, err)
		}
	})
}

// The street and postal code of the demo's confidential homes reach, on
// the API, only the accounts the policy allows, and never the HSDS export.
func TestDirectoryAPIConfidentialAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.rhone()
		ids := e.dirIDs()
		secrets := map[string][]string{
			ids["{glycines}"]: {"impasse Discrète", `"42700"`},
			ids["{escale}"]:   {"allée Discrète", `"42400"`},
		}
		streets := []string{"impasse Discrète", "allée Discrète"}
		get := func(who, path string) string {
			t.Helper()
			resp, body := e.call(who, "GET", path, "")
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", who, path, resp.StatusCode, body)
			}
			return body
		}
		// checkEntry looks at one entry's JSON, as found in a list or alone.
		checkEntry := func(who, where string, raw json.RawMessage, sees bool) {
			t.Helper()
			var head struct {
				ID            string `json:"id"`
				AddressHidden bool   `json:"address_hidden"`
			}
			if err := json.Unmarshal(raw, &head); err != nil {
				t.Fatalf("%s, %s: %v", who, where, err)
			}
			for _, s := range secrets[head.ID] {
				if strings.Contains(string(raw), s) != sees {
					t.Errorf("%s, %s: %q shown = %v: %s", who, where, s, !sees, raw)
				}
			}
			if !sees {
				for _, k := range []string{`"street"`, `"postal_code"`, `"lat"`, `"lng"`} {
					if strings.Contains(string(raw), k) {
						t.Errorf("%s, %s: %s present: %s", who, where, k, raw)
					}
				}
			}
			if head.AddressHidden == sees {
				t.Errorf("%s, %s: address_hidden = %v", who, where, head.AddressHidden)
			}
		}
		for _, c := range []struct {
			who  string
			sees bool
		}{{director, false}, {parent, false}, {educator, false}, {referent69, false}, {steering69, false},
			{referent, true}, {steering, true}, {admin, true}} {
			for _, path := range []string{"/api/v1/structures?type=centre_maternel&type=centre_parental",
				"/api/v1/structures?q=discrete", "/api/v1/structures?pres_de=42095&minutes=30&limit=100",
				"/api/v1/structures?besoin=parenthood&age=1&limit=100"} {
				var page struct{ Items []json.RawMessage }
				if err := json.Unmarshal([]byte(get(c.who, path)), &page); err != nil {
					t.Fatal(err)
				}
				found := 0
				for _, item := range page.Items {
					if strings.Contains(string(item), ids["{glycines}"]) || strings.Contains(string(item), ids["{escale}"]) {
						found++
						checkEntry(c.who, path, item, c.sees)
					}
				}
				if path != "/api/v1/structures?q=discrete" && found == 0 {
					t.Errorf("%s, %s: no confidential entry found", c.who, path)
				}
				if path == "/api/v1/structures?q=discrete" && found != 0 {
					t.Errorf("%s: the street is searchable", c.who)
				}
			}
			for _, id := range []string{ids["{glycines}"], ids["{escale}"]} {
				checkEntry(c.who, "GET /structures/{id}", json.RawMessage(get(c.who, "/api/v1/structures/"+id)), c.sees)
			}
			// HSDS is passed on: nobody's export holds the address.
			for _, path := range []string{"/api/v1/hsds/services?per_page=100", "/api/v1/hsds/organizations?per_page=100",
				"/api/v1/hsds/organizations/" + ids["{glycines}"], "/api/v1/hsds/organizations/" + ids["{escale}"],
				"/api/v1/hsds/services/" + ids["{glycines_offer}"]} {
				body := get(c.who, path)
				for _, s := range append(streets, `"42700"`, "address_1", "latitude") {
					if strings.Contains(body, s) {
						t.Errorf("%s, %s: %q shown: %s", c.who, path, s, body)
					}
				}
				if !strings.Contains(path, "organizations/"+ids["{glycines}"]) && !strings.Contains(path, "services/") {
					continue
				}
				if !strings.Contains(body, "Adresse confidentielle") || !strings.Contains(body, "Firminy") {
					t.Errorf("%s, %s: the commune is not given: %s", c.who, path, body)
				}
			}
			// The Escale shares its postal code with the DITEP: check its own document.
			if body := get(c.who, "/api/v1/hsds/organizations/"+ids["{escale}"]); strings.Contains(body, `"42400"`) {
				t.Errorf("%s: the Escale's postal code is exported", c.who)
			}
		}
	})
}

// The operator a structure's HSDS organisation names as its parent is
// served too.
func TestHSDSParentOrganisationServed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p, err := e.srv.Directory.Search(sys(), directory.Query{Text: "beauregard"})
		if err != nil || len(p.Results) != 1 {
			t.Fatal(err)
		}
		_, body := e.call(referent, "GET", "/api/v1/hsds/organizations/"+p.Results[0].Structure.ID, "")
		var org struct {
			Parent string `json:"parent_organization_id"`
		}
		if err := json.Unmarshal([]byte(body), &org); err != nil || org.Parent == "" {
			t.Fatalf("organisation %v %s", err, body)
		}
		resp, body := e.call(referent, "GET", "/api/v1/hsds/organizations/"+org.Parent, "")
		if resp.StatusCode != 200 || !strings.Contains(body, "Forez Enfance Avenir") {
			t.Errorf("parent: %d %s", resp.StatusCode, body)
		}
		if resp, _ := e.call(referent, "GET", "/api/v1/hsds/organizations/"+e.homeOrg(referent), ""); resp.StatusCode != 404 {
			t.Errorf("an ASE service served as HSDS organisation: %d", resp.StatusCode)
		}
	})
}
