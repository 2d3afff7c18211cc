package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// A FINESS file imports twice with the same result, a dry run and a
// rejected file write nothing, and the HSDS export never carries a
// confidential street.
func TestImportFinessAndExportHSDS(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			env := map[string]string{"PASSERELLE_DATABASE_URL": dbtest.URL(t, dialect)}
			if code, _, errs := runCmd(env, "demo", "reset"); code != 0 {
				t.Fatalf("demo reset: %s", errs)
			}
			dir := t.TempDir()
			good := filepath.Join(dir, "finess.csv")
			os.WriteFile(good, []byte("finess;etalab;111;2026-05-12\n"+
				"structureet;420001232;420004566;MECS LA RIVIERE;MAISON D'ENFANTS LA RIVIERE;;;3;R;DE LA REPUBLIQUE;;;218;42;LOIRE;42000 ST ETIENNE;0477000001;;177;Maison d'Enfants;4501;ASE;;8790A;08;PCD;;;1965-01-01;1965-01-01;2024-03-01;\n"+
				"geolocalisation;420001232;808866.1;6482236.4;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-03-01\n"), 0o644)
			bad := filepath.Join(dir, "bad.json")
			os.WriteFile(bad, []byte(`{"pmej": [`), 0o644)

			code, out, _ := runCmd(env, "import", "finess", "--dry-run", good)
			if code != 0 || !strings.Contains(out, "Simulation") || !strings.Contains(out, "Créées : 1") {
				t.Fatalf("dry run: %d %s", code, out)
			}
			if code, out, _ = runCmd(env, "import", "finess", good); code != 0 || !strings.Contains(out, "Créées : 1") {
				t.Fatalf("import: %d %s", code, out)
			}
			if code, out, _ = runCmd(env, "import", "finess", good); code != 0 || !strings.Contains(out, "Inchangées : 1") || !strings.Contains(out, "Créées : 0") {
				t.Fatalf("second import: %d %s", code, out)
			}
			code, _, errs := runCmd(env, "import", "finess", bad)
			if code != 1 || !strings.Contains(errs, "rien n'a été importé") {
				t.Fatalf("malformed file: %d %q", code, errs)
			}
			if code, _, errs = runCmd(env, "import", "finess", filepath.Join(dir, "absent.csv")); code != 1 || !strings.Contains(errs, "absent.csv") {
				t.Fatalf("missing file: %d %q", code, errs)
			}

			code, out, errs = runCmd(env, "export", "hsds")
			if code != 0 {
				t.Fatalf("export: %s", errs)
			}
			var page struct {
				TotalItems int               `json:"total_items"`
				Contents   []json.RawMessage `json:"contents"`
			}
			if err := json.Unmarshal([]byte(out), &page); err != nil || page.TotalItems < 25 || len(page.Contents) != page.TotalItems {
				t.Fatalf("HSDS page: %v total %d, %d items", err, page.TotalItems, len(page.Contents))
			}
			// The postal code quoted: a bare "42700" may be part of an id.
			for _, secret := range []string{"impasse Discrète", "allée Discrète", `"42700"`} {
				if strings.Contains(out, secret) {
					t.Errorf("the HSDS export shows %q", secret)
				}
			}
			if !strings.Contains(out, "RIVIERE") {
				t.Error("the imported structure is not exported")
			}
			// Every parent organisation the structures point to is listed.
			var orgs struct {
				Contents []struct {
					ID     string `json:"id"`
					Parent string `json:"parent_organization_id"`
				} `json:"contents"`
			}
			json.Unmarshal([]byte(out), &orgs)
			ids := map[string]bool{}
			for _, o := range orgs.Contents {
				ids[o.ID] = true
			}
			for _, o := range orgs.Contents {
				if o.Parent != "" && !ids[o.Parent] {
					t.Errorf("parent %s of %s is not exported", o.Parent, o.ID)
				}
			}
		})
	}
}
