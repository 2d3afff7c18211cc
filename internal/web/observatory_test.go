package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// zipText returns the text of the data files of an observatory export
// (variables.csv aside) and the names of its files.
func zipText(t *testing.T, body string) (string, []string) {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var all bytes.Buffer
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name != "variables.csv" {
			all.Write(b)
		}
	}
	return all.String(), names
}

// The observatory export through the API (GET and POST) and the page: the
// demo's steering downloads the Loire's ZIP, which names no child of the
// demo (no first or last name, no id, no event text) but carries their
// pseudonyms; everyone else is refused; a missing or unknown département
// is pointed at; every run is audited.
func TestObservatoryExportWeb(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		check := func(who, method, path string, status int) string {
			t.Helper()
			resp, body := e.call(who, method, path, "")
			if resp.StatusCode != status {
				t.Fatalf("%s %s as %q: %d, want %d: %.300s", method, path, who, resp.StatusCode, status, body)
			}
			req, _ := http.NewRequest(method, e.ts.URL+path, nil)
			if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
				for _, ve := range errs {
					t.Errorf("%s %s: response does not match OpenAPI: %s (%s)", method, path, ve.Message, ve.Reason)
				}
			}
			if status >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s: error as %q", method, path, resp.Header.Get("Content-Type"))
			}
			return body
		}
		body := check(steering, "GET", "/api/v1/observatory/export?departement=42", http.StatusOK)
		text, names := zipText(t, body)
		if len(names) != 8 || !strings.Contains(strings.Join(names, " "), "enfants.csv") {
			t.Fatalf("files %v", names)
		}
		var secrets, pseudonyms []string
		if err := d.Read(sys(), func(tx *db.Tx) error {
			for q, into := range map[string]*[]string{
				`SELECT first_name FROM children`: &secrets, `SELECT last_name FROM children`: &secrets,
				`SELECT id FROM children`: &secrets, `SELECT summary FROM child_events`: &secrets,
				`SELECT birth_date FROM children`: &secrets, `SELECT name FROM organisations`: &secrets,
				`SELECT pseudonym FROM children WHERE departement = '42'`: &pseudonyms} {
				rows, err := tx.QueryContext(sys(), q)
				if err != nil {
					return err
				}
				for rows.Next() {
					var s string
					rows.Scan(&s)
					*into = append(*into, s)
				}
				rows.Close()
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(pseudonyms) == 0 || len(secrets) < 20 {
			t.Fatalf("the demo has %d children in the Loire, %d values to search", len(pseudonyms), len(secrets))
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the export contains %q", s)
			}
		}
		// Each child is there under its observatory pseudonym, never its
		// record's ("Identifiant du dossier" in the app).
		for _, p := range pseudonyms {
			if strings.Contains(text, p) {
				t.Errorf("the export shows the record pseudonym %s", p)
			}
		}
		if n := strings.Count(text, "\nOBS-"); n < len(pseudonyms) {
			t.Errorf("%d rows start with an observatory pseudonym, for %d children", n, len(pseudonyms))
		}
		check(steering, "POST", "/api/v1/observatory/export?departement=42", http.StatusOK)

		for _, who := range []string{director, educator, referent, parent} {
			check(who, "GET", "/api/v1/observatory/export?departement=42", http.StatusForbidden)
		}
		check(anonymous, "GET", "/api/v1/observatory/export?departement=42", http.StatusUnauthorized)
		check(anonymous, "POST", "/api/v1/observatory/export?departement=42", http.StatusUnauthorized)
		check(steering, "GET", "/api/v1/observatory/export?departement=69", http.StatusForbidden)
		for _, q := range []string{"", "?departement=", "?departement=999"} {
			if p := check(steering, "GET", "/api/v1/observatory/export"+q, http.StatusUnprocessableEntity); !strings.Contains(p, `"#/departement"`) {
				t.Errorf("%q: %s", q, p)
			}
		}

		// The page: the explanation, the button, the variables; the
		// download; an unknown département comes back on the page.
		c := e.login(steering)
		resp, page := e.get(c, "/observatoire")
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Télécharger l'export pseudonymisé") ||
			!strings.Contains(page, "delai_premiere_reponse_h") || !strings.Contains(page, `name="departement" value="42"`) {
			i := strings.Index(page, "<main")
			t.Fatalf("page %d: %.1500s", resp.StatusCode, page[max(i, 0):])
		}
		resp, zipped := e.postForm(c, "/observatoire/export", url.Values{"departement": {"42"}})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "observatoire-42-") {
			t.Fatalf("download %d %v", resp.StatusCode, resp.Header)
		}
		if again, _ := zipText(t, zipped); again != text {
			t.Error("the page's export differs from the API's")
		}
		resp, page = e.postForm(c, "/observatoire/export", url.Values{"departement": {"99"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Ce département n&#39;existe pas") {
			t.Errorf("unknown département: %d %.400s", resp.StatusCode, page)
		}
		resp, _ = e.get(e.login(director), "/observatoire")
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a director opens the page: %d", resp.StatusCode)
		}

		var ok, refused int
		d.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'observatory.export' AND details LIKE '%"outcome":"ok"%'`).Scan(&ok)
		d.SQL().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'observatory.export' AND details LIKE '%"outcome":"refused"%'`).Scan(&refused)
		if ok != 3 || refused != 5 {
			t.Errorf("audited: %d runs, %d refusals; want 3 and 5", ok, refused)
		}
	})
}
