package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
)

// entryID finds a demo structure's entry by a word of its name.
func (e *env) entryID(word string) string {
	e.t.Helper()
	p, err := e.srv.Directory.Search(sys(), directory.Query{Text: word})
	if err != nil || len(p.Results) != 1 {
		e.t.Fatalf("entry %q: %v %d results", word, err, len(p.Results))
	}
	return p.Results[0].Structure.ID
}

// The confidential street of the demo's centre maternel reaches only those
// the policy allows, whatever the page or file.
func TestDirectoryPagesConfidentialAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.entryID("glycines")
		const street = "impasse Discrète"
		for _, c := range []struct {
			who  string
			sees bool
		}{{referent, true}, {admin, true}, {director, false}, {educator, false}, {parent, false}} {
			b := e.login(c.who)
			_, page := e.get(b, "/annuaire/"+id)
			if got := strings.Contains(page, street); got != c.sees {
				t.Errorf("%s: street on the page = %v", c.who, got)
			}
			if !strings.Contains(page, "Firminy") {
				t.Errorf("%s: commune missing", c.who)
			}
			_, list := e.get(b, "/annuaire?q=glycines&pres_de=Firminy+(42095)&minutes=30")
			_, csv := e.get(b, "/annuaire/export.csv?q=glycines")
			if strings.Contains(list, street) || strings.Contains(list, "42700") && !c.sees {
				t.Errorf("%s: the result list shows the address", c.who)
			}
			if strings.Contains(csv, street) != c.sees || !strings.Contains(csv, "Glycines") {
				t.Errorf("%s: CSV export address shown = %v:\n%s", c.who, strings.Contains(csv, street), csv)
			}
		}
	})
}

func TestDirectoryEditRefusedToOthers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.entryID("roseraie")
		form := url.Values{"name": {"MECS piratée"}, "type": {"mecs"}, "commune": {"Roanne (42187)"}}
		for _, who := range []string{director, educator, parent} {
			b := e.login(who)
			if resp, _ := e.get(b, "/annuaire/"+id+"/modifier"); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: edit form %d", who, resp.StatusCode)
			}
			if resp, _ := e.postForm(b, "/annuaire/"+id+"/modifier", form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: edit %d", who, resp.StatusCode)
			}
			if resp, _ := e.postForm(b, "/annuaire/"+id+"/offres/nouvelle", url.Values{"modality": {"respite"}, "age_min": {"1"}, "age_max": {"3"}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s: new offer %d", who, resp.StatusCode)
			}
		}
		var refused int
		d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT count(*) FROM audit_log WHERE action LIKE '%.refused' AND resource_id = $1`, id).Scan(&refused)
		})
		if refused != 6 {
			t.Errorf("%d refusals audited, want 6", refused)
		}
		if got, _ := e.srv.Directory.Get(sys(), id); got.Name == "MECS piratée" || len(got.Offers) != 2 {
			t.Errorf("entry changed: %+v", got)
		}
	})
}

// The director's form keeps everything typed when a value is refused, and
// saves once corrected.
func TestDirectoryEditKeepsInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.entryID("beauregard")
		b := e.login(director)
		form := url.Values{"name": {"MECS Beauregard (fictif)"}, "type": {"mecs"}, "commune": {"Saint-Étienne (42218)"},
			"street": {"14 rue de l'Exemple"}, "postal_code": {"69001"}, "closed_periods": {"Jamais fermée"},
			"finess_et": {"690000018"}, "territory_minutes": {"soixante"}}
		resp, page := e.postForm(b, "/annuaire/"+id+"/modifier", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{"14 rue de l&#39;Exemple", "Jamais fermée", "soixante", `id="e-postal_code"`, `id="e-finess_et"`, `id="e-territory_minutes"`} {
			if !strings.Contains(page, want) {
				t.Errorf("form lost %q", want)
			}
		}
		form.Set("postal_code", "42000")
		form.Set("finess_et", "420000018")
		form.Set("territory_minutes", "60")
		if resp, body := e.postForm(b, "/annuaire/"+id+"/modifier", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", resp.StatusCode, body)
		}
		got, _ := e.srv.Directory.Get(sys(), id)
		if got.Street != "14 rue de l'Exemple" || got.FinessET != "420000018" || got.Territory.MaxMinutes != 60 {
			t.Errorf("saved %+v", got)
		}
		// The same FINESS number on another entry is refused on its field.
		other := e.entryID("colombier")
		admin := e.login(admin)
		_, page = e.get(admin, "/annuaire/"+other+"/modifier")
		if !strings.Contains(page, "Rochette") && !strings.Contains(page, "f-finess_et") {
			t.Fatal("edit form")
		}
		resp, page = e.postForm(admin, "/annuaire/"+other+"/modifier", url.Values{"name": {"MECS Le Colombier (fictif)"}, "type": {"mecs"},
			"commune": {"La Roche-la-Molière (42189)"}, "finess_et": {"420000018"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "déjà celui de") {
			t.Errorf("duplicate FINESS: %d", resp.StatusCode)
		}
	})
}

func TestDirectoryDocumentsAndExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := e.entryID("beauregard")
		b := e.login(director)
		upload := func(name string, data []byte) *http.Response {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("kind", "booklet")
			f, _ := w.CreateFormFile("file", name)
			f.Write(data)
			w.Close()
			resp, err := b.Post(e.ts.URL+"/annuaire/"+id+"/documents", w.FormDataContentType(), &body)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		if resp := upload("livret.pdf", []byte("%PDF-1.4 livret")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %d", resp.StatusCode)
		}
		upload("virus.exe", []byte("MZ\x90\x00"))
		got, _ := e.srv.Directory.Get(sys(), id)
		if len(got.Documents) != 1 {
			t.Fatalf("documents %+v", got.Documents)
		}
		other := e.login(referent)
		resp, err := other.Get(e.ts.URL + "/annuaire/" + id + "/documents/" + got.Documents[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" || string(pdf) != "%PDF-1.4 livret" {
			t.Errorf("download %v %q", resp.Header, pdf)
		}
		// Exports of a search: the respite journey as a spreadsheet.
		q := "?modalite=respite&age=9&besoin=behaviour&pres_de=Saint-%C3%89tienne+%2842218%29&minutes=45"
		resp, err = other.Get(e.ts.URL + "/annuaire/export.xlsx" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		x, err := excelize.OpenReader(resp.Body)
		if err != nil {
			t.Fatalf("xlsx: %v (%s)", err, resp.Header.Get("Content-Type"))
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 3 || !strings.Contains(rows[1][0], "Colombier") || rows[0][len(rows[0])-1] != "Trajet estimé (min)" {
			t.Errorf("xlsx rows %q", rows)
		}
		if resp, _ := e.get(other, "/annuaire/export.csv?age=neuf"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad export query: %d", resp.StatusCode)
		}
		var exports int
		d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT count(*) FROM audit_log WHERE action = 'directory.export'`).Scan(&exports)
		})
		if exports != 1 {
			t.Errorf("%d exports audited", exports)
		}
	})
}

func postFile(t *testing.T, c *http.Client, url string, fields map[string]string, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	f, _ := w.CreateFormFile("file", name)
	f.Write(data)
	w.Close()
	resp, err := c.Post(url, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestImportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		csv := []byte("finess;etalab;111;2026-05-12\n" +
			"structureet;420001232;420004566;MECS LA RIVIERE;MAISON D'ENFANTS LA RIVIERE;;;3;R;DE LA REPUBLIQUE;;;218;42;LOIRE;42000 ST ETIENNE;0477000001;;177;Maison d'Enfants;4501;ASE;;8790A;08;PCD;;;1965-01-01;1965-01-01;2024-03-01;\n")
		a := e.login(admin)
		resp, page := postFile(t, a, e.ts.URL+"/admin/import-finess", map[string]string{"simulation": "1"}, "f.csv", csv)
		if resp.StatusCode != 200 || !strings.Contains(page, "Simulation") {
			t.Fatalf("dry run: %d", resp.StatusCode)
		}
		if p, _ := e.srv.Directory.Search(sys(), directory.Query{Text: "riviere"}); p.Total != 0 {
			t.Fatal("the dry run wrote")
		}
		resp, page = postFile(t, a, e.ts.URL+"/admin/import-finess", nil, "f.csv", csv)
		if resp.StatusCode != 200 || !strings.Contains(page, "Import terminé") {
			t.Fatalf("import: %d", resp.StatusCode)
		}
		resp, page = postFile(t, a, e.ts.URL+"/admin/import-finess", nil, "f.csv", []byte("nom;prenom\n"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "ni le flux") {
			t.Fatalf("bad file: %d", resp.StatusCode)
		}
		if resp, _ := postFile(t, e.login(steering), e.ts.URL+"/admin/import-finess", nil, "f.csv", csv); resp.StatusCode != http.StatusForbidden {
			t.Errorf("steering imported: %d", resp.StatusCode)
		}
	})
}

// Steering of the Loire adds a structure of its département.
func TestSteeringCreatesStructure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		b := e.login(steering)
		if resp, _ := e.get(b, "/annuaire/nouvelle"); resp.StatusCode != 200 {
			t.Fatalf("form %d", resp.StatusCode)
		}
		resp, body := e.postForm(b, "/annuaire/nouvelle", url.Values{"name": {"LVA Les Sources (fictif)"}, "type": {"lva"},
			"commune": {"Feurs (42094)"}, "confidential": {"1"}, "street": {"2 chemin caché"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %d %s", resp.StatusCode, body)
		}
		// Another département is not theirs.
		resp, _ = e.postForm(b, "/annuaire/nouvelle", url.Values{"name": {"MECS ailleurs"}, "type": {"mecs"}, "commune": {"Lyon (69123)"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("create in the Rhône: %d", resp.StatusCode)
		}
		if resp, _ := e.get(e.login(director), "/annuaire/nouvelle"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("director's form: %d", resp.StatusCode)
		}
	})
}
