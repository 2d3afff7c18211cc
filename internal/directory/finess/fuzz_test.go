package finess_test

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"passerelle/internal/directory/finess"
)

func FuzzParseJSON(f *testing.F) {
	addFile(f, "testdata/structures.json")
	f.Add([]byte(`{"pmej": [{"informationsGeneralesPmej": {"numFinessPm": "690793435"}, "ege": [
	  {"informationsGeneralesEGE": {"numFinessEge": "690793443", "nomEgeCourt": "A"},
	   "categorieEntiteGeographiqueExercice": {"code": "177"}, "etatObjet": {"code": "I"},
	   "adresse": [{"coordonneesGeographique": {"coordonneeX": "6519230.93", "coordonneeY": "842395.95"}}]}]}]}`))
	f.Add([]byte(`[{"pmej": null}, {"pmej": []}]`))
	f.Add([]byte("{\n\"gcc\": [1,\n2,,3],\n\"pmej\": []}"))
	f.Add([]byte(`{"pmej": [{"ege": [{"categorieentiteGeographiqueExercice": 177, "adresse": [{"codePostal": 69002}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := finess.ParseJSON(bytes.NewReader(data), nil)
		checkResult(t, res, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	addFile(f, "testdata/etablissements.csv")
	addFile(f, "testdata/malformed.csv")
	line := structureetLine("690793443", "690793435", "177")
	f.Add([]byte(line + "\ngeolocalisation;690793443;842395.95;6519230.93;;2026-05-04\n"))
	f.Add([]byte(line + "\r\n" + strings.Replace(line, "69;", "9F;", 1) + "\r\n"))
	f.Add([]byte("finess;etalab;111;2026-05-12\nstructureet;\"6907\"\"93443;x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := finess.ParseCSV(bytes.NewReader(data), nil)
		checkResult(t, res, err)
	})
}

func addFile(f *testing.F, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

// checkResult asserts what every parse must guarantee, whatever the input.
func checkResult(t *testing.T, res finess.Result, err error) {
	if err != nil {
		if len(res.Records) != 0 || len(res.Problems) != 0 || res.Skipped != 0 {
			t.Fatalf("error %v with a non-empty result", err)
		}
		if !strings.HasPrefix(err.Error(), "ligne ") {
			t.Fatalf("error %q does not name its line", err)
		}
		return
	}
	seen := map[string]bool{}
	for _, r := range res.Records {
		if !finess.ValidFiness(r.FinessET) || !finess.ValidFiness(r.FinessEJ) || r.Name == "" || r.Line <= 0 {
			t.Fatalf("invalid record kept: %+v", r)
		}
		if _, ok := finess.FieldCategories[r.Category]; !ok {
			t.Fatalf("record of category %q kept", r.Category)
		}
		if seen[r.FinessET] {
			t.Fatalf("FINESS %s kept twice", r.FinessET)
		}
		seen[r.FinessET] = true
		if !utf8.ValidString(r.Name) || !utf8.ValidString(r.Address.City) {
			t.Fatalf("invalid UTF-8 in %+v", r)
		}
		if r.HasCoordinates && (math.IsNaN(r.Lat) || math.IsNaN(r.Lng) || math.Abs(r.Lat) > 90 || math.Abs(r.Lng) > 180) {
			t.Fatalf("impossible position in %+v", r)
		}
	}
	for _, p := range res.Problems {
		if p.Line <= 0 || p.Reason == "" {
			t.Fatalf("problem without line or reason: %+v", p)
		}
	}
}
