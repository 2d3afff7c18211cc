package finess_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"passerelle/internal/directory/finess"
)

// testdata/etablissements.csv is written in Windows-1252, as published.
func TestParseCSV(t *testing.T) {
	res := mustParse(t, finess.ParseCSV, "testdata/etablissements.csv", nil)

	want := []finess.Record{{
		FinessET: "420001232", FinessEJ: "420004566",
		Name: "MECS LA RIVIÈRE", LongName: "MAISON D'ENFANTS À CARACTÈRE SOCIAL LA RIVIÈRE",
		Category: "177", CategoryLabel: "Maison d'Enfants à Caractère Social",
		Address: finess.Address{Street: "3 B RUE DE LA RÉPUBLIQUE", PostalCode: "42000", CommuneCode: "42218", City: "ST ETIENNE"},
		Phone:   "0477000001",
		Lat:     45.439695, Lng: 4.387178, HasCoordinates: true,
		Line: 2,
	}, {
		FinessET: "750019994", FinessEJ: "750012346",
		Name: "IME LES LILAS", LongName: `IME "LES LILAS" DU SACRÉ-CŒUR`,
		Category: "183", CategoryLabel: "Institut Médico-Educatif (I.M.E.)",
		Address: finess.Address{Street: "24 RUE DU SACRÉ-CŒUR", PostalCode: "75013", CommuneCode: "75113", City: "PARIS"},
		Phone:   "0145000001",
		Lat:     48.828930, Lng: 2.362170, HasCoordinates: true,
		Line: 3,
	}, {
		// Mayotte: its UTM coordinates are not converted.
		FinessET: "980501019", FinessEJ: "980501001",
		Name: "LIEU DE VIE MAVOUNA", LongName: "LIEU DE VIE ET D'ACCUEIL MAVOUNA",
		Category: "462", CategoryLabel: "Lieux de Vie et d'Accueil",
		Address: finess.Address{Street: "12 RUE ANCIEN TERRAIN DE FOOT", PostalCode: "97620", CommuneCode: "97606", City: "CHIRONGUI"},
		Phone:   "0269666800",
		Line:    5,
	}, {
		FinessET: "2B0003214", FinessEJ: "2B0003222",
		Name: "CAMSP DE BASTIA", LongName: "CENTRE D'ACTION MÉDICO-SOCIALE PRÉCOCE DE BASTIA",
		Category: "190", CategoryLabel: "Centre Action Médico-Sociale Précoce (C.A.M.S.P.)",
		Address: finess.Address{Street: "LIEU-DIT TOGA", PostalCode: "20200", CommuneCode: "2B033", City: "BASTIA"},
		Phone:   "0495000001",
		Lat:     42.697283, Lng: 9.450881, HasCoordinates: true,
		Line: 6,
	}}
	compareRecords(t, res.Records, want)
	if res.Skipped != 1 {
		t.Errorf("Skipped = %d, want 1 (the pharmacy)", res.Skipped)
	}
	compareProblems(t, res.Problems, []finess.Problem{
		{Line: 7, Reason: "numéro FINESS de l'établissement invalide : « 4200078 »"},
		{Line: 8, Reason: "raison sociale absente"},
		{Line: 14, Reason: "géolocalisation d'un établissement absent du fichier : « 750099999 »"},
	})
}

// The same extract re-encoded in UTF-8, with CRLF line ends, reads the same.
func TestParseCSVUTF8(t *testing.T) {
	raw, err := os.ReadFile("testdata/etablissements.csv")
	if err != nil {
		t.Fatal(err)
	}
	utf := []rune{}
	for _, b := range raw {
		utf = append(utf, rune(b)) // the fixture only uses Latin-1 letters and Œ
	}
	text := strings.ReplaceAll(string(utf), "\u008C", "Œ")
	text = strings.ReplaceAll(text, "\n", "\r\n")
	got, err := finess.ParseCSV(strings.NewReader("\uFEFF"+text), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := mustParse(t, finess.ParseCSV, "testdata/etablissements.csv", nil)
	compareRecords(t, got.Records, want.Records)
	compareProblems(t, got.Problems, want.Problems)
}

func TestParseCSVWindows1252(t *testing.T) {
	// 0x80 €, 0x8C Œ, 0x92 ’, 0x9C œ, 0xE9 é, 0xC9 É, 0x81 undefined.
	line := structureetLine("690793443", "690793435", "177")
	line = strings.Replace(line, "MECS NUMERO 690793443", "\x80 \x8C \x92 \x9C \xE9 \xC9 \x81", 1)
	res, err := finess.ParseCSV(strings.NewReader("finess;etalab;111;2026-05-12\n"+line+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("result = %+v", res)
	}
	if got, want := res.Records[0].Name, "€ Œ ’ œ é É \u0081"; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
}

func TestParseCSVMalformed(t *testing.T) {
	f, err := os.Open("testdata/malformed.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := finess.ParseCSV(f, nil)
	if err == nil {
		t.Fatalf("no error, result %+v", res)
	}
	if want := "ligne 4 : ligne « structureet » de 16 colonnes, 32 attendues"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestParseCSVErrors(t *testing.T) {
	head := "finess;etalab;111;2026-05-12\n"
	good := structureetLine("690793443", "690793435", "177") + "\n"
	tests := []struct {
		name, in, want string
	}{
		{"JSON", `{"pmej": []}`, "ligne 1 : en-tête « finess;etalab;… » attendu, « {\"pmej\": []} » trouvé"},
		{"other CSV", "nofinesset;rs\n690793443;MECS\n", "ligne 1 : en-tête « finess;etalab;… » attendu"},
		{"unknown section", head + good + "equipementsocial;690793443;1\n", "ligne 3 : type de ligne inconnu « equipementsocial »"},
		{"short geolocalisation", head + good + "geolocalisation;690793443;842395.9\n", "ligne 3 : ligne « geolocalisation » de 3 colonnes, 6 attendues"},
		{"extra column", head + strings.TrimSuffix(good, "\n") + ";x\n", "ligne 2 : ligne « structureet » de 33 colonnes, 32 attendues"},
		{"unclosed quote", head + "structureet;\"690793443;x\n" + good, "ligne 2 : ligne « structureet » de 2 colonnes"},
	}
	for _, tt := range tests {
		res, err := finess.ParseCSV(strings.NewReader(tt.in), nil)
		if err == nil {
			t.Errorf("%s: no error, result %+v", tt.name, res)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want it to start with %q", tt.name, err, tt.want)
		}
	}
}

func TestParseCSVReadError(t *testing.T) {
	head := "finess;etalab;111;2026-05-12\n" + structureetLine("690793443", "690793435", "177") + "\n"
	for _, r := range []io.Reader{
		iotest.ErrReader(errors.New("disque illisible")),
		io.MultiReader(strings.NewReader(head), iotest.ErrReader(errors.New("disque illisible"))),
	} {
		_, err := finess.ParseCSV(r, nil)
		if err == nil || !strings.HasSuffix(err.Error(), "lecture impossible : disque illisible") {
			t.Errorf("error %v", err)
		}
	}
}

// The marker line is optional, and a geolocalisation line for an
// establishment of another category is no problem.
func TestParseCSVLenient(t *testing.T) {
	in := structureetLine("690793443", "690793435", "620") + "\n" +
		structureetLine("690001235", "690793435", "177") + "\n\n" +
		"geolocalisation;690793443;842395.95;6519230.93;;2026-05-04\n" +
		"geolocalisation;690001235;842395.95;6519230.93;;2026-05-04\n"
	res, err := finess.ParseCSV(strings.NewReader(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || len(res.Problems) != 0 || len(res.Records) != 1 || !res.Records[0].HasCoordinates {
		t.Errorf("result = %+v", res)
	}
}

func TestParseCSVDuplicate(t *testing.T) {
	line := structureetLine("690793443", "690793435", "177")
	res, err := finess.ParseCSV(strings.NewReader(line+"\n"+line+"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	compareProblems(t, res.Problems, []finess.Problem{{Line: 2, Reason: "numéro FINESS 690793443 en double (déjà vu : ligne 1)"}})

	// Twice in another category: not our concern.
	other := structureetLine("690793443", "690793435", "620")
	res, err = finess.ParseCSV(strings.NewReader(other+"\n"+other+"\n"), nil)
	if err != nil || len(res.Problems) != 0 || res.Skipped != 2 {
		t.Errorf("result %+v, error %v", res, err)
	}
}

// A line longer than the reader's buffer is read whole.
func TestParseCSVLongLine(t *testing.T) {
	long := strings.Repeat("É", 100_000)
	line := strings.Replace(structureetLine("690793443", "690793435", "177"), "MECS NUMERO 690793443", long, 1)
	latin1 := make([]byte, 0, len(line))
	for _, r := range line {
		latin1 = append(latin1, byte(r))
	}
	res, err := finess.ParseCSV(bytes.NewReader(latin1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || res.Records[0].Name != long {
		t.Errorf("name of %d runes, want %d", utf8.RuneCountInString(res.Records[0].Name), 100_000)
	}
}

// structureetLine builds a structureet line of the published shape.
func structureetLine(et, ej, category string) string {
	f := make([]string, 32)
	f[0], f[1], f[2] = "structureet", et, ej
	f[3] = "MECS NUMERO " + et
	f[7], f[8], f[9] = "12", "R", "DE LA CHARITE"
	f[12], f[13], f[14], f[15] = "382", "69", "RHONE", "69002 LYON"
	f[16] = "0478000000"
	f[18], f[19] = category, "Maison d'Enfants à Caractère Social"
	f[28], f[29], f[30] = "1965-01-01", "1965-01-01", "2024-03-01"
	return strings.Join(f, ";")
}

// BenchmarkParseCSV parses an extract of 10,000 establishments, each with its
// geolocalisation line, in Windows-1252.
func BenchmarkParseCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("finess;etalab;111;2026-05-12\n")
	categories := []string{"177", "183", "186", "500", "620"}
	for i := range 10_000 {
		et := fmt.Sprintf("69%07d", i)
		line := structureetLine(et, "690793435", categories[i%len(categories)])
		buf.WriteString(strings.ReplaceAll(line, "à", "\xE0") + "\n")
	}
	for i := range 10_000 {
		fmt.Fprintf(&buf, "geolocalisation;69%07d;%d.5;%d.5;1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (M\xE9tropole);2026-05-04\n",
			i, 800000+i, 6500000+i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := finess.ParseCSV(bytes.NewReader(data), nil)
		if err != nil || len(res.Records) != 6_000 {
			b.Fatalf("%d records, error %v", len(res.Records), err)
		}
	}
}
