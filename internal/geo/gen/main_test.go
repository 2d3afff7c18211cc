package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const depsCSV = `code,region,nom,centre_lat,centre_lng,superficie_km2,chef_lieu
42,84,Loire,45.72694,4.16528,4781.0,42218
69,84,Rhône,45.87028,4.64139,3259.0,69123
971,01,Guadeloupe,16.265,-61.551,,97105
`

const communesHead = "code_insee,type,departement,region,nom,codes_postaux,lat,lng,population_2021,parent\n"

const communesCSV = communesHead +
	`42218,COM,42,84,Saint-Étienne,42000 42100 42230,45.4241,4.36647,172718,
42999,COM,42,84,Sans-Coordonnées,42990,,,10,
69381,ARM,69,84,Lyon 1er Arrondissement,69001,45.7701,4.82637,29016,69123
69382,ARM,69,84,Lyon 2e Arrondissement,69002,45.74637,4.82649,30485,69123
97105,COM,971,01,Basse-Terre,97100,15.99854,-61.72548,9837,
`

func TestReadValid(t *testing.T) {
	deps, err := readDepartements(strings.NewReader(depsCSV), "d.csv")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	communes, err := readCommunes(strings.NewReader(communesCSV), "c.csv", deps, &log)
	if err != nil {
		t.Fatal(err)
	}
	if len(communes) != 6 {
		t.Fatalf("%d communes, want 6 (5 + Lyon rebuilt)", len(communes))
	}
	byCode := map[string]commune{}
	for _, c := range communes {
		byCode[c.code] = c
	}
	if c := byCode["42999"]; !c.approx || c.lat != 45.72694 || c.lng != 4.16528 {
		t.Errorf("commune without coordinates: %+v", c)
	}
	lyon, ok := byCode["69123"]
	if !ok || lyon.name != "Lyon" || lyon.population != 29016+30485 || strings.Join(lyon.postal, " ") != "69001 69002" || lyon.kind != "COM" {
		t.Errorf("rebuilt Lyon: %+v", lyon)
	}
	if lyon.lat < 45.746 || lyon.lat > 45.771 {
		t.Errorf("rebuilt Lyon at %v", lyon.lat)
	}
	if !strings.Contains(log.String(), "42999") || !strings.Contains(log.String(), "69123") {
		t.Errorf("log does not mention the approximations: %s", log.String())
	}
}

func TestReadErrors(t *testing.T) {
	deps, err := readDepartements(strings.NewReader(depsCSV), "d.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, row, want string
	}{
		{"bad code", "4221,COM,42,84,X,42000,45,4,1,", "c.csv:2: code INSEE invalide"},
		{"bad type", "42001,XXX,42,84,X,42000,45,4,1,", "c.csv:2: type \"XXX\""},
		{"unknown département", "43001,COM,43,84,X,43000,45,4,1,", "c.csv:2: département \"43\" inconnu"},
		{"code outside département", "69001,COM,42,84,X,42000,45,4,1,", "n'appartient pas au département"},
		{"region mismatch", "42001,COM,42,11,X,42000,45,4,1,", "région \"11\""},
		{"empty name", "42001,COM,42,84,,42000,45,4,1,", "nom vide"},
		{"bad postal code", "42001,COM,42,84,X,4200,45,4,1,", "code postal invalide \"4200\""},
		{"no postal code", "42001,COM,42,84,X,,45,4,1,", "aucun code postal"},
		{"half coordinates", "42001,COM,42,84,X,42000,45,,1,", "coordonnées incomplètes"},
		{"text coordinates", "42001,COM,42,84,X,42000,abc,4,1,", "non numériques"},
		{"coordinates out of range", "42001,COM,42,84,X,42000,95,4,1,", "hors limites"},
		{"bad population", "42001,COM,42,84,X,42000,45,4,-3,", "population invalide"},
		{"field count", "42001,COM,42,84,X,42000,45,4,1", "c.csv:2: 9 champs au lieu de 10"},
		{"arrondissement without parent", "42001,ARM,42,84,X,42000,45,4,1,", "arrondissement sans commune parente"},
		{"commune with parent", "42001,COM,42,84,X,42000,45,4,1,42218", "ne doit pas avoir de parent"},
		{"duplicate", "42218,COM,42,84,X,42000,45,4,1,", "c.csv:3: commune 42218 en double (déjà ligne 2)"},
		{"quote", "42001,COM,42,84,\"X,42000,45,4,1,", "CSV invalide"},
	}
	for _, tt := range tests {
		in := communesHead + "42218,COM,42,84,Saint-Étienne,42000,45.4241,4.36647,172718,\n" + tt.row + "\n"
		if tt.name != "duplicate" {
			in = communesHead + tt.row + "\n42218,COM,42,84,Saint-Étienne,42000,45.4241,4.36647,172718,\n"
		}
		_, err := readCommunes(strings.NewReader(in), "c.csv", deps, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := readCommunes(strings.NewReader("code,nom\n"), "c.csv", deps, io.Discard); err == nil || !strings.Contains(err.Error(), "c.csv:1: en-tête inattendu") {
		t.Errorf("bad header: %v", err)
	}
	// A chef-lieu missing from the communes.
	if _, err := readCommunes(strings.NewReader(communesHead+"42218,COM,42,84,Saint-Étienne,42000,45,4,1,\n"), "c.csv", deps, io.Discard); err == nil || !strings.Contains(err.Error(), "chef-lieu 97105") {
		t.Errorf("missing chef-lieu: %v", err)
	}
	for _, row := range []string{
		"4,84,Loire,45,4,4781.0,42218",          // bad code
		"42,8,Loire,45,4,4781.0,42218",          // bad region
		"42,84,Loire,,,4781.0,42218",            // no centre
		"42,84,Loire,45,4,-1,42218",             // bad area
		"42,84,Loire,45,4,4781.0,69123",         // chef-lieu elsewhere
		"42,84,Loire,45,4,4781.0,42218,surplus", // field count
	} {
		_, err := readDepartements(strings.NewReader(departementsHeaderLine+row+"\n"), "d.csv")
		if err == nil || !strings.Contains(err.Error(), "d.csv:2:") {
			t.Errorf("%q: error %v, want one at line 2", row, err)
		}
	}
}

const departementsHeaderLine = "code,region,nom,centre_lat,centre_lng,superficie_km2,chef_lieu\n"

// TestEmbeddedDataUpToDate regenerates the embedded data from the reference
// files, when they are present, and compares it with the committed files.
func TestEmbeddedDataUpToDate(t *testing.T) {
	src := filepath.Join("..", "..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(src, "communes.csv")); err != nil {
		t.Skip("reference data not available:", err)
	}
	out := t.TempDir()
	if err := run(filepath.Join(src, "communes.csv"), filepath.Join(src, "departements.csv"), out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"communes.txt.gz", "departements.csv.gz"} {
		got, want := gunzipFile(t, filepath.Join(out, name)), gunzipFile(t, filepath.Join("..", "data", name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go generate ./internal/geo", name)
		}
	}
}

func gunzipFile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
