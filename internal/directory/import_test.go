package directory_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
)

// ege is one établissement of a FINESS+ JSON fixture.
type ege struct {
	finess, name, category, commune, postal, street, lat, lng, phone, state string
}

// finessJSON writes a FINESS+ "structures" flow with one legal entity per
// call, in the published shape (only the fields the import reads).
func finessJSON(t *testing.T, ej, operator string, eges ...ege) string {
	t.Helper()
	var list []any
	for _, g := range eges {
		addr := map[string]any{"usageAdresse": "03", "ligneQuatre": g.street, "cogCommune": g.commune,
			"ligneAcheminement": "VILLE", "codePostal": g.postal}
		if g.lat != "" {
			addr["coordonneesGeographique"] = map[string]any{"directionLatitude": g.lat, "directionLongitude": g.lng}
		}
		state := g.state
		if state == "" {
			state = "A"
		}
		list = append(list, map[string]any{
			"informationsGeneralesEGE":            map[string]any{"numFinessEge": g.finess, "nomEgeCourt": g.name, "nomEgeLong": g.name},
			"categorieentiteGeographiqueExercice": g.category, "etatObjet": state,
			"adresse": []any{addr},
			"contact": []any{map[string]any{"telecom": map[string]any{"telephone": g.phone}}},
		})
	}
	doc := map[string]any{"schemaVersion": "v1.0.0", "pmej": []any{map[string]any{
		"informationsGeneralesPMEJ": map[string]any{"numFinessPm": ej, "denominationPm": operator},
		"ege":                       list,
	}}}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	mecsTilleuls = ege{"420000018", "MECS LES TILLEULS", "177", saintEtienne, "42000", "12 RUE DE LA PAIX", "45.4397", "4.3872", "0477000001", ""}
	imeLilas     = ege{"420000026", "IME LES LILAS", "183", roanne, "42300", "3 AVENUE DE PARIS", "", "", "0477000002", ""}
	pharmacie    = ege{"420000034", "PHARMACIE DU CENTRE", "620", saintEtienne, "42000", "1 PLACE", "", "", "", ""}
)

func TestImportTwiceSameResult(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		file := finessJSON(t, "420000000", "ASSOCIATION LOIRE ENFANCE", mecsTilleuls, imeLilas, pharmacie)
		rep, err := e.s.ImportFiness(system, strings.NewReader(file), false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 2 || rep.Skipped != 1 || rep.OperatorsCreated != 1 || !rep.Written() {
			t.Fatalf("first import %+v", rep)
		}
		snapshot := func() string {
			p, err := e.s.Search(admin, directory.Query{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(p)
			return string(b)
		}
		first, audits := snapshot(), e.count(`SELECT count(*) FROM audit_log`)
		rep, err = e.s.ImportFiness(system, strings.NewReader(file), false)
		if err != nil || rep.Unchanged != 2 || rep.Created+rep.Updated+rep.OperatorsCreated != 0 || rep.Written() {
			t.Fatalf("second import %+v %v", rep, err)
		}
		if snapshot() != first {
			t.Error("the second import changed the directory")
		}
		if n := e.count(`SELECT count(*) FROM audit_log`); n != audits+1 { // the import itself only
			t.Errorf("%d audit rows added by the second import", n-audits)
		}
		p, _ := e.s.Search(admin, directory.Query{Text: "tilleuls"})
		if len(p.Results) != 1 {
			t.Fatalf("imported entry not found: %+v", p)
		}
		s := e.get(admin, p.Results[0].Structure.ID)
		if s.Type != "mecs" || s.Authority != "cd" || s.CoordSource != directory.CoordFiness || s.Lat != 45.4397 ||
			s.OperatorName != "ASSOCIATION LOIRE ENFANCE" || s.Phone != "04 77 00 00 01" || s.Street != "12 RUE DE LA PAIX" {
			t.Errorf("imported %+v", s)
		}
		ime, _ := e.s.Search(admin, directory.Query{Text: "lilas"})
		if got := ime.Results[0].Structure; got.CoordSource != directory.CoordCommune || got.Sector != "medico_social" {
			t.Errorf("IME without coordinates: %+v", got)
		}
	})
}

// What a director typed by hand survives an import, which says so.
func TestImportKeepsHandEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if _, err := e.s.ImportFiness(system, strings.NewReader(finessJSON(t, "420000000", "ALE", mecsTilleuls)), false); err != nil {
			t.Fatal(err)
		}
		p, _ := e.s.Search(admin, directory.Query{Text: "tilleuls"})
		s := e.get(admin, p.Results[0].Structure.ID)
		in := directory.EntryInput{Name: "MECS Les Tilleuls", Type: s.Type, OperatorID: s.OperatorID, FinessET: s.FinessET,
			FinessEJ: s.FinessEJ, Street: s.Street, PostalCode: s.PostalCode, CommuneCode: s.CommuneCode, Phone: "04 77 99 99 99"}
		if _, err := e.s.Update(e.director(s), s.ID, in); err != nil {
			t.Fatal(err)
		}
		moved := mecsTilleuls
		moved.street = "14 RUE DE LA PAIX"
		rep, err := e.s.ImportFiness(system, strings.NewReader(finessJSON(t, "420000000", "ALE", moved)), false)
		if err != nil || rep.Updated != 1 || len(rep.Kept) != 1 || !slices.Equal(rep.Kept[0].Fields, []string{"name", "phone"}) {
			t.Fatalf("report %+v %v", rep, err)
		}
		got := e.get(admin, s.ID)
		if got.Name != "MECS Les Tilleuls" || got.Phone != "04 77 99 99 99" || got.Street != "14 RUE DE LA PAIX" {
			t.Errorf("after import %+v", got)
		}
	})
}

func TestImportAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		bad := mecsTilleuls
		bad.finess = "4200"
		unknownCommune := imeLilas
		unknownCommune.commune = "42999"
		for name, file := range map[string]string{
			"rejected records": finessJSON(t, "420000000", "ALE", imeLilas, bad, unknownCommune),
			"not JSON":         `{"pmej": [ {"informationsGeneralesPMEJ": `,
			"something else":   "nom;prenom\nDupont;Jean\n",
			"empty":            "",
		} {
			rep, err := e.s.ImportFiness(system, strings.NewReader(file), false)
			if !apperr.Is(err, apperr.Invalid) || rep.Written() {
				t.Errorf("%s: %v %+v", name, err, rep)
			}
			if name == "rejected records" && (len(rep.Rejected) != 2 || rep.Rejected[0].Line != 2 || rep.Rejected[1].Line != 3) {
				t.Errorf("rejections %+v", rep.Rejected)
			}
		}
		if n := e.count(`SELECT count(*) FROM organisations WHERE kind IN ('structure', 'operator')`); n != 0 {
			t.Errorf("%d organisations written by failed imports", n)
		}
		// A dry run reports and writes nothing.
		rep, err := e.s.ImportFiness(system, strings.NewReader(finessJSON(t, "420000000", "ALE", imeLilas)), true)
		if err != nil || rep.Created != 1 || rep.Written() {
			t.Fatalf("dry run %+v %v", rep, err)
		}
		if n := e.count(`SELECT count(*) FROM organisations WHERE kind IN ('structure', 'operator')`); n != 0 {
			t.Errorf("the dry run wrote %d organisations", n)
		}
		// Only administrators import.
		if _, err := e.s.ImportFiness(e.steering42(), strings.NewReader(""), true); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("steering imported: %v", err)
		}
	})
}

func TestImportClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		if _, err := e.s.ImportFiness(system, strings.NewReader(finessJSON(t, "420000000", "ALE", mecsTilleuls)), false); err != nil {
			t.Fatal(err)
		}
		closed := mecsTilleuls
		closed.state = "I"
		rep, err := e.s.ImportFiness(system, strings.NewReader(finessJSON(t, "420000000", "ALE", closed, func() ege { g := imeLilas; g.state = "I"; return g }())), false)
		if err != nil || rep.Closed != 1 || rep.Skipped != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		if p, _ := e.s.Search(admin, directory.Query{Text: "tilleuls"}); p.Total != 0 {
			t.Error("a closed establishment is still found")
		}
	})
}

// The CSV extract of the finess package's fixtures, with its Lambert-93
// coordinates, imports as well.
func TestImportCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		csv := "finess;etalab;111;2026-05-12\n" +
			"structureet;420001232;420004566;MECS LA RIVIERE;MAISON D'ENFANTS LA RIVIERE;;;3;R;DE LA REPUBLIQUE;;;218;42;LOIRE;42000 ST ETIENNE;0477000001;;177;Maison d'Enfants a Caractere Social;4501;Etablissements de l'Aide Sociale a l'Enfance;77900000000023;8790A;08;President du Conseil Departemental;;;1965-01-01;1965-01-01;2024-03-01;\n" +
			"geolocalisation;420001232;808866.1;6482236.4;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2024-03-01\n"
		rep, err := e.s.ImportFiness(system, strings.NewReader(csv), false)
		if err != nil || rep.Created != 1 || rep.Format != "csv" {
			t.Fatalf("%+v %v", rep, err)
		}
		p, _ := e.s.Search(admin, directory.Query{Text: "riviere", Near: saintEtienne, Within: 15})
		if len(p.Results) != 1 || p.Results[0].Structure.CoordSource != directory.CoordFiness {
			t.Fatalf("%+v", p)
		}
	})
}
