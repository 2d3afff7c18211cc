package finess_test

import (
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"passerelle/internal/directory/finess"
)

func TestParseJSON(t *testing.T) {
	res := mustParse(t, finess.ParseJSON, "testdata/structures.json", nil)

	want := []finess.Record{{
		FinessET: "690793443", FinessEJ: "690793435",
		Name: "MECS LES TILLEULS", LongName: "MAISON D'ENFANTS A CARACTERE SOCIAL LES TILLEULS",
		Category: "177", CategoryLabel: "Maison d'Enfants à Caractère Social",
		Address: finess.Address{Street: "12 RUE DE LA CHARITE", PostalCode: "69002", CommuneCode: "69382", City: "LYON"},
		Phone:   "0478000002", Email: "mecs.tilleuls@example.org",
		Lat: 45.757814, Lng: 4.832011, HasCoordinates: true,
		OperatorName: "ASSOCIATION DEPARTEMENTALE DE SAUVEGARDE DE L'ENFANCE DU RHONE",
		Line:         1,
	}, {
		// Degrees in coordonneeX/Y and Lambert-93 in directionLatitude/Longitude,
		// as the published flow sometimes has them.
		FinessET: "690001235", FinessEJ: "690793435",
		Name: "DITEP LE PRELUDE", LongName: "DISPOSITIF INSTITUT THERAPEUTIQUE EDUCATIF ET PEDAGOGIQUE LE PRELUDE",
		Category: "186", CategoryLabel: "Institut Thérapeutique Éducatif et Pédagogique (I.T.E.P.)",
		Address: finess.Address{Street: "4 B AVENUE GALLIENI", PostalCode: "69100", CommuneCode: "69266", City: "VILLEURBANNE"},
		Lat:     45.766215, Lng: 4.879523, HasCoordinates: true,
		OperatorName: "ASSOCIATION DEPARTEMENTALE DE SAUVEGARDE DE L'ENFANCE DU RHONE",
		Line:         2,
	}, {
		// Overseas: UTM coordinates are not converted.
		FinessET: "970409991", FinessEJ: "970400123",
		Name: "POUPONNIERE LES FLAMBOYANTS", LongName: "POUPONNIERE A CARACTERE SOCIAL LES FLAMBOYANTS",
		Category: "172", CategoryLabel: "Pouponnière à Caractère Social",
		Address:      finess.Address{Street: "7 CHEMIN DES ANGLAIS", PostalCode: "97400", CommuneCode: "97411", City: "ST DENIS"},
		Phone:        "0262000001",
		OperatorName: "ASSOCIATION REUNIONNAISE POUR L'ACCUEIL DE L'ENFANCE",
		Line:         5,
	}, {
		FinessET: "2A0004131", FinessEJ: "2A0004123",
		Name: "SESSAD U LIBECCIU", LongName: "SESSAD U LIBECCIU",
		Category: "182", CategoryLabel: "Service d'Éducation Spéciale et de Soins à Domicile",
		Address: finess.Address{Street: "1 BOULEVARD PASCAL ROSSINI", PostalCode: "20000", CommuneCode: "2A004", City: "AJACCIO"},
		Lat:     41.926315, Lng: 8.736887, HasCoordinates: true,
		OperatorName: "ASSOCIATION CORSE POUR L'ENFANCE",
		Closed:       true,
		Line:         6,
	}}
	compareRecords(t, res.Records, want)
	if res.Skipped != 1 {
		t.Errorf("Skipped = %d, want 1 (the EHPAD)", res.Skipped)
	}
	wantProblems := []finess.Problem{{Line: 4, Reason: "numéro FINESS de l'établissement invalide : « 69000123X »"}}
	compareProblems(t, res.Problems, wantProblems)
}

// The schema vendored in shared/data spells the legal entity's block
// informationsGeneralesPmej and writes codes as {"code", "system"} objects.
func TestParseJSONVendoredSchemaSpelling(t *testing.T) {
	const flow = `{"pmej": [{
	  "informationsGeneralesPmej": {"numFinessPm": "690793435", "denominationPm": "SAUVEGARDE 69",
	    "etatObjet": {"code": "A", "system": "https://mos.esante.gouv.fr/NOS/tre_r386"}},
	  "ege": [{
	    "informationsGeneralesEGE": {"numFinessEge": "690793443", "nomEgeCourt": "MECS LES TILLEULS"},
	    "categorieEntiteGeographiqueExercice": {"code": "177", "system": "https://mos.esante.gouv.fr/NOS/tre_r397"},
	    "etatObjet": {"code": "I"},
	    "adresse": [{"cogCommune": "69382", "codePostal": 69002, "coordonneesGeographique":
	      {"coordonneeX": "842395.95", "coordonneeY": "6519230.93", "directionLatitude": "", "directionLongitude": ""}}]
	  }]}],
	  "gco": {"pm_smsseId": "1", "pmejDuGco": [{"pm_smsseId": "2"}]},
	  "gcc": {"gccId": "1"}}`
	res, err := finess.ParseJSON(strings.NewReader(flow), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("got %d records, want 1: %+v", len(res.Records), res)
	}
	r := res.Records[0]
	if r.Category != "177" || r.OperatorName != "SAUVEGARDE 69" || !r.Closed || r.Address.PostalCode != "69002" {
		t.Errorf("record = %+v", r)
	}
	if !r.HasCoordinates || math.Abs(r.Lat-45.757814) > 2e-6 || math.Abs(r.Lng-4.832011) > 2e-6 {
		t.Errorf("coordinates = %v (%f, %f), want (45.757814, 4.832011)", r.HasCoordinates, r.Lat, r.Lng)
	}
}

func TestParseJSONKeep(t *testing.T) {
	f, err := os.Open("testdata/structures.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := finess.ParseJSON(f, func(c string) bool { return c == "500" })
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || res.Records[0].FinessET != "690002001" || res.Records[0].CategoryLabel != "" {
		t.Errorf("records = %+v", res.Records)
	}
	if res.Skipped != 5 || len(res.Problems) != 0 {
		t.Errorf("Skipped = %d, Problems = %v; want 5 and none (refused categories are not checked)", res.Skipped, res.Problems)
	}
}

// Several flow objects in a row (JSON lines) or in an array are read alike.
func TestParseJSONSequences(t *testing.T) {
	one := `{"pmej": [{"informationsGeneralesPMEJ": {"numFinessPm": "690793435"}, "ege": [
	  {"informationsGeneralesEGE": {"numFinessEge": "690793443", "nomEgeCourt": "A"}, "categorieentiteGeographiqueExercice": "177"}]}]}`
	two := strings.Replace(one, "690793443", "690001235", 1)
	for name, flow := range map[string]string{
		"lines": one + "\n" + two + "\n",
		"array": "[" + one + "," + two + "]",
	} {
		res, err := finess.ParseJSON(strings.NewReader(flow), nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(res.Records) != 2 || res.Records[1].Line != 2 {
			t.Errorf("%s: records = %+v", name, res.Records)
		}
	}
}

func TestParseJSONDuplicate(t *testing.T) {
	flow := `{"pmej": [{"informationsGeneralesPMEJ": {"numFinessPm": "690793435"}, "ege": [
	  {"informationsGeneralesEGE": {"numFinessEge": "690793443", "nomEgeCourt": "A"}, "categorieentiteGeographiqueExercice": "177"},
	  {"informationsGeneralesEGE": {"numFinessEge": "690793443", "nomEgeCourt": "B"}, "categorieentiteGeographiqueExercice": "177"}]}]}`
	res, err := finess.ParseJSON(strings.NewReader(flow), nil)
	if err != nil {
		t.Fatal(err)
	}
	compareProblems(t, res.Problems, []finess.Problem{{Line: 2, Reason: "numéro FINESS 690793443 en double (déjà vu : entité n° 1)"}})
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "ligne 1 : JSON illisible : fin de fichier inattendue"},
		{"CSV", "finess;etalab;111;2026-05-12\n", "ligne 1 : JSON illisible"},
		{"number", "42", "ligne 1 : objet « structures » FINESS attendu"},
		{"other JSON", `{"resourceType": "Bundle"}`, "ligne 1 : clé « pmej » absente"},
		{"pmej object", `{"pmej": {}}`, "ligne 1 : « pmej » doit être une liste"},
		{"truncated", "{\n\"pmej\": [\n{\"ege\": [", "ligne 3 : entité juridique n°1 illisible : fin de fichier inattendue"},
		{"syntax", "{\n\"pmej\": [\n{\"ege\": [}]}", "ligne 3 : entité juridique n°1 illisible : syntaxe JSON invalide"},
		{"wrong type", "{\"pmej\": [\n{\"ege\": {}}]}", "ligne 2 : entité juridique n°1 illisible : type inattendu"},
		{"bool as text", "{\"pmej\": [\n\n{\"ege\": [{\"categorieentiteGeographiqueExercice\": true}]}]}", "ligne 3 : entité juridique n°1 illisible"},
		{"garbage after", `{"pmej": []} x`, "ligne 1 : JSON illisible"},
	}
	for _, tt := range tests {
		res, err := finess.ParseJSON(strings.NewReader(tt.in), nil)
		if err == nil {
			t.Errorf("%s: no error, result %+v", tt.name, res)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want it to start with %q", tt.name, err, tt.want)
		}
	}
}

type parser func(io.Reader, func(string) bool) (finess.Result, error)

func mustParse(t testing.TB, parse parser, path string, keep func(string) bool) finess.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parse(f, keep)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

func compareRecords(t *testing.T, got, want []finess.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		// Published coordinates have 6 decimals or 0.1 m: compare to ~0.2 m.
		if math.Abs(g.Lat-w.Lat) > 2e-6 || math.Abs(g.Lng-w.Lng) > 2e-6 {
			t.Errorf("record %d (%s): position (%.7f, %.7f), want (%.6f, %.6f)", i, w.FinessET, g.Lat, g.Lng, w.Lat, w.Lng)
		}
		g.Lat, g.Lng = w.Lat, w.Lng
		if g != w {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func compareProblems(t *testing.T, got, want []finess.Problem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("problems = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
