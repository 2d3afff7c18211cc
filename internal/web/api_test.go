package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/web"
)

// scenario is one API request and what must come back.
type scenario struct {
	name     string
	who      string
	method   string
	path     string // "{mecs}" and "{ditep}" are replaced by demo organisation ids
	body     string
	status   int
	contains []string
	absent   []string
}

func TestAPIScenarios(t *testing.T) {
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	scenarios := []scenario{
		{"anonymous me", anonymous, "GET", "/api/v1/me", "", 401, []string{`"request_id"`, "Authentification requise"}, nil},
		{"bad token", anonymous, "GET", "/api/v1/me", "", 401, []string{"Jeton d'accès invalide"}, nil},
		{"referent me", referent, "GET", "/api/v1/me", "", 200, []string{referent, `"ase_referent"`}, nil},
		{"communes st etienne", anonymous, "GET", "/api/v1/communes?q=st+etienne", "", 200, []string{`"42218"`, "Saint-Étienne"}, nil},
		{"communes bad limit", anonymous, "GET", "/api/v1/communes?q=lyon&limit=abc", "", 422, []string{`"pointer":"#/limit"`}, nil},
		{"orgs list", educator, "GET", "/api/v1/organisations?kind=structure&limit=5", "", 200, []string{`"total"`, `"kind":"structure"`}, nil},
		{"orgs bad kind", educator, "GET", "/api/v1/organisations?kind=nope", "", 422, []string{`"#/kind"`}, nil},
		{"org malformed id", educator, "GET", "/api/v1/organisations/not-an-id", "", 404, []string{"introuvable"}, nil},
		{"educator cannot create org", educator, "POST", "/api/v1/organisations", `{"kind":"structure","name":"X","structure_type":"mecs"}`, 403, []string{"droits"}, nil},
		{"malformed json", admin, "POST", "/api/v1/organisations", `{"kind":`, 422, []string{"JSON valide"}, nil},
		{"empty body", admin, "POST", "/api/v1/organisations", ``, 422, nil, nil},
		{"unknown field", admin, "POST", "/api/v1/organisations", `{"kind":"structure","nom":"X"}`, 422, []string{`"#/nom"`, "Champ inconnu"}, nil},
		{"wrong type", admin, "POST", "/api/v1/organisations", `{"kind":"structure","name":12}`, 422, []string{`"#/name"`, "chaîne"}, nil},
		{"two objects", admin, "POST", "/api/v1/organisations", `{"kind":"ase","name":"A"}{}`, 422, []string{"un seul objet"}, nil},
		{"oversized body", admin, "POST", "/api/v1/organisations", big, 413, []string{"taille maximale"}, nil},
		{"invalid fields", admin, "POST", "/api/v1/organisations", `{"kind":"structure","name":" ","commune_code":"99999","email":"pas-un-email"}`, 422,
			[]string{`"#/name"`, `"#/structure_type"`, `"#/commune_code"`, `"#/email"`}, nil},
		{"admin creates org", admin, "POST", "/api/v1/organisations", `{"kind":"structure","name":"IME Les Tilleuls (test)","structure_type":"ime","commune_code":"42218"}`, 201,
			[]string{`"departement":"42"`, "Les Tilleuls"}, nil},
		{"director edits own MECS", director, "PATCH", "/api/v1/organisations/{mecs}", `{"phone":"04 77 00 11 22"}`, 200, []string{"04 77 00 11 22"}, nil},
		{"director cannot edit the DITEP", director, "PATCH", "/api/v1/organisations/{ditep}", `{"name":"Piraté"}`, 403, nil, nil},
		{"director cannot deactivate own MECS", director, "PATCH", "/api/v1/organisations/{mecs}", `{"active":false}`, 403, nil, nil},
		{"educator cannot list accounts", educator, "GET", "/api/v1/accounts", "", 403, nil, nil},
		{"director sees own team only", director, "GET", "/api/v1/accounts?limit=200", "", 200, []string{director}, []string{admin, referent, educator}},
		{"admin sees everyone", admin, "GET", "/api/v1/accounts?limit=200", "", 200, []string{director, referent, educator, parent}, nil},
		{"bad role filter", admin, "GET", "/api/v1/accounts?role=king", "", 422, []string{`"#/role"`}, nil},
		{"invalid account", admin, "POST", "/api/v1/accounts", `{"email":"nope","name":"","memberships":[]}`, 422, []string{`"#/email"`, `"#/name"`}, nil},
		{"director cannot make an admin", director, "POST", "/api/v1/accounts", `{"email":"x@demo.passerelle.test","name":"X","memberships":[{"organisation_id":"{mecs}","role":"admin"}]}`, 403, nil, nil},
		{"director invites an educator", director, "POST", "/api/v1/accounts", `{"email":"nouvelle@demo.passerelle.test","name":"Nouvelle Éducatrice","memberships":[{"organisation_id":"{mecs}","role":"educator"}]}`, 201,
			[]string{`"has_password":false`, "nouvelle@demo.passerelle.test"}, nil},
		{"educator cannot read the audit log", educator, "GET", "/api/v1/audit", "", 403, nil, nil},
		{"admin reads the audit log", admin, "GET", "/api/v1/audit?action=account.&limit=5", "", 200, []string{`"account.create"`}, nil},
		{"audit bad date", admin, "GET", "/api/v1/audit?from=2026-13-45", "", 422, []string{`"#/from"`}, nil},
		{"unknown api path", admin, "GET", "/api/v1/nope", "", 404, []string{"openapi.json"}, nil},
		{"openapi", anonymous, "GET", "/api/v1/openapi.json", "", 200, []string{`"openapi": "3.1.0"`}, nil},
	}
	v := openAPIValidator(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := map[string]string{"{mecs}": e.homeOrg(director), "{ditep}": e.homeOrg(educator)}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				path, body := sc.path, sc.body
				for k, id := range ids {
					path, body = strings.ReplaceAll(path, k, id), strings.ReplaceAll(body, k, id)
				}
				var headers []string
				if sc.name == "bad token" {
					headers = []string{"Authorization", "Bearer psl_nope"}
				}
				resp, got := e.call(sc.who, sc.method, path, body, headers...)
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
				if sc.status != 413 && sc.path != "/api/v1/nope" {
					req, _ := http.NewRequest(sc.method, e.ts.URL+path, nil)
					if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
						for _, ve := range errs {
							t.Errorf("response does not match OpenAPI: %s (%s)", ve.Message, ve.Reason)
						}
					}
				}
			})
		}
		// Nothing was written by refused or invalid requests: one org created, one account invited.
		var orgs, accounts int
		d.SQL().QueryRow(`SELECT count(*) FROM organisations WHERE name LIKE '%(test)%' OR name = 'Piraté'`).Scan(&orgs)
		d.SQL().QueryRow(`SELECT count(*) FROM accounts WHERE email IN ('x@demo.passerelle.test', 'nouvelle@demo.passerelle.test')`).Scan(&accounts)
		if orgs != 1 || accounts != 1 {
			t.Fatalf("refused requests wrote data: orgs %d, accounts %d", orgs, accounts)
		}
		var mails int
		d.SQL().QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%nouvelle@demo.passerelle.test%'`).Scan(&mails)
		if mails != 1 {
			t.Fatalf("invitation mail queued %d times", mails)
		}
	})
}

func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	doc, err := libopenapi.NewDocument(openAPIBytes(t))
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("OpenAPI document invalid: %s (%s)", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return v
}

// Every registered API route is documented and every documented operation is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIBytes(t), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var documented, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented = append(documented, strings.ToUpper(m)+" "+p)
			}
		}
	}
	for _, r := range e.srv.APIRoutes() {
		served = append(served, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("OpenAPI and routes differ:\ndocumented %v\nserved     %v", documented, served)
	}
}

// openAPIBytes is the document as served: openapi.json with the features'
// fragments merged in.
func openAPIBytes(t *testing.T) []byte {
	t.Helper()
	return web.OpenAPIDocument()
}
