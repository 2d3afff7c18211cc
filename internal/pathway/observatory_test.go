package pathway_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/csv"
	"encoding/hex"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/pathway"
	"passerelle/internal/request"
)

// requestChildren gives the requests service the child's facts, as the
// server wires it.
type requestChildren struct{ p *pathway.Service }

func (c requestChildren) ForRequest(ctx context.Context, id string) (request.ChildFacts, error) {
	f, err := c.p.ForRequest(ctx, id)
	return request.ChildFacts{Name: f.Name, Sex: f.Sex, Departement: f.Departement, Age: f.AgeYears(time.Now()),
		DoubleVulnerability: f.DoubleVulnerability, Basis: f.Basis}, err
}

// unzipObservatory reads every CSV of an export as records (the BOM and
// ";" of internal/export), by file name, and returns the text of the data
// files (variables.csv, the same for every export, aside).
func unzipObservatory(t *testing.T, b []byte) (map[string][][]string, string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string][][]string{}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name != "variables.csv" {
			all.Write(raw)
		}
		if !bytes.HasPrefix(raw, []byte("\uFEFF")) {
			t.Errorf("%s has no byte order mark", f.Name)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = recs
	}
	return files, all.String()
}

// rowsOf returns a table's rows as maps by column, checking the header.
func rowsOf(t *testing.T, files map[string][][]string, table string) []map[string]string {
	t.Helper()
	recs, ok := files[table+".csv"]
	if !ok || len(recs) == 0 {
		t.Fatalf("no %s.csv", table)
	}
	if !slices.Equal(recs[0], pathway.ObservatoryColumns(table)) {
		t.Fatalf("%s header %v, want %v", table, recs[0], pathway.ObservatoryColumns(table))
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// The observatory export of the Loire: every child of the département by
// pseudonym with its measures (the renewal linked by key), notifications,
// circle, events, requests and alerts; no name, id, address or free text
// anywhere in the ZIP; the same pseudonyms and keys on a second run; the
// Rhône's child absent; refused to everyone but the département's
// steering; every run audited, refused ones too.
func TestObservatoryExport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		lucas := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Lucas", LastName: "Martin", BirthDate: "2017-05-14",
			Sex: "boy", LivingKind: "structure", LivingStructureID: e.mecs, LivingNote: "Chambre 12, près de la rue Tarentaize"}))
		jade := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Jade", LastName: "Moreau", BirthDate: "2014-07-01", Sex: "girl"}))
		zoe := must(e.s.Create(e.as("referent69"), pathway.ChildInput{FirstName: "Zoé", LastName: "Rhodanienne", BirthDate: "2012-02-02", Sex: "girl"}))
		first := must(e.s.AddMeasure(ref, lucas.ID, pathway.MeasureInput{Kind: "placement_judiciaire",
			Authority: "Juge des enfants de Saint-Étienne, Mme Lebrun", From: "2026-09-01", To: "2027-04-15", Note: "Audience très tendue"}))
		renewal := must(e.s.AddMeasure(ref, lucas.ID, pathway.MeasureInput{Kind: "placement_judiciaire",
			Authority: "Juge des enfants de Saint-Étienne, Mme Lebrun", From: "2027-04-16", To: "2028-04-15", RenewsID: first}))
		must(e.s.AddMeasure(ref, jade.ID, pathway.MeasureInput{Kind: "tutelle", Authority: "Juge des tutelles", From: "2025-01-10"}))
		must(e.s.AddNotification(ref, lucas.ID, pathway.NotificationInput{Orientation: "ditep", Modality: "Internat séquentiel chez M. Bernard",
			From: "2026-06-01", To: "2028-05-31", Status: "admitted", AdmittedStructureID: e.ditep, DecisionRef: "CDAPH-42-778899"}))
		must(e.s.AddNotification(ref, jade.ID, pathway.NotificationInput{Orientation: "ime", From: "2026-09-01", To: "2029-08-31",
			WaitingAt: "IME Les Genêts, liste d'attente"}))
		mecsMember := must(e.s.Invite(ref, lucas.ID, pathway.InviteInput{OrganisationID: e.mecs, Capacity: access.CapLivingPlace,
			Basis: "decision", MeasureID: first, Note: "Éducatrice référente : Claire"}))
		if err := e.s.Answer(e.as("mecsDirector"), lucas.ID, mecsMember, true, []string{e.ids["mecsEducator"]}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AddNote(ref, lucas.ID, false, "Lucas a parlé de son père à l'audience."); err != nil {
			t.Fatal(err)
		}
		if n := must(e.s.Alerts(system)); n == 0 {
			t.Fatal("no alert to export")
		}
		req := &request.Service{DB: d, Children: requestChildren{e.s}}
		rid := must(req.Create(ref, request.Input{Kind: request.KindAdmission, ChildID: jade.ID, From: "2027-04-01", To: "2027-12-31",
			Need: "Jade Moreau a besoin d'un internat près de Firminy.", Recipients: []string{e.mecs, e.ditep}}, true))
		e.clock.Add(30 * time.Hour)
		if err := req.Respond(e.as("mecsDirector"), rid, e.mecs, request.Answer{Event: request.EvRefuse, Reason: "no_place",
			Text: "Complet jusqu'en juin pour Jade."}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(20 * 24 * time.Hour) // past the 15-day deadline of an admission
		if err := req.Respond(e.as("ditepDirector"), rid, e.ditep, request.Answer{Event: request.EvAccept}); err != nil {
			t.Fatal(err)
		}

		var out bytes.Buffer
		run, err := e.s.ObservatoryExport(e.as("steering"), " 42 ", &out)
		if err != nil {
			t.Fatal(err)
		}
		files, all := unzipObservatory(t, out.Bytes())
		for _, tb := range pathway.ObservatoryTables {
			if _, ok := files[tb.Name+".csv"]; !ok {
				t.Errorf("no %s.csv", tb.Name)
			}
		}
		if len(files) != len(pathway.ObservatoryTables)+1 {
			t.Errorf("files %d", len(files))
		}

		// Nothing that names a child or a professional, no id, no free text.
		var secrets []string
		if err := d.Read(bg, func(tx *db.Tx) error {
			for _, q := range []string{`SELECT first_name FROM children`, `SELECT last_name FROM children`, `SELECT id FROM children`,
				`SELECT birth_date FROM children`, `SELECT living_note FROM children WHERE living_note <> ''`,
				`SELECT summary FROM child_events`, `SELECT body FROM child_events WHERE body <> ''`, `SELECT actor_name FROM child_events WHERE actor_name <> ''`,
				`SELECT id FROM child_measures`, `SELECT authority FROM child_measures`, `SELECT note FROM child_measures WHERE note <> ''`,
				`SELECT id FROM child_notifications`, `SELECT modality FROM child_notifications WHERE modality <> ''`,
				`SELECT decision_ref FROM child_notifications WHERE decision_ref <> ''`, `SELECT waiting_at FROM child_notifications WHERE waiting_at <> ''`,
				`SELECT note FROM child_circle WHERE note <> ''`, `SELECT id FROM requests`, `SELECT need FROM requests`,
				`SELECT answer FROM request_recipients WHERE answer <> ''`, `SELECT name FROM organisations`, `SELECT id FROM organisations`,
				`SELECT display_name FROM accounts`, `SELECT pseudonym FROM children`} {
				rows, err := tx.QueryContext(bg, q)
				if err != nil {
					return err
				}
				for rows.Next() {
					var s string
					rows.Scan(&s)
					secrets = append(secrets, s)
				}
				rows.Close()
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(secrets) < 30 {
			t.Fatalf("only %d values searched", len(secrets))
		}
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("the export contains %q", s)
			}
		}

		// Children are named by their observatory pseudonym: the HMAC of
		// their record's pseudonym under the département's key.
		lp, jp := obsPseudonym(t, d, "42", lucas.Pseudonym), obsPseudonym(t, d, "42", jade.Pseudonym)
		children := rowsOf(t, files, "enfants")
		if len(children) != 2 {
			t.Fatalf("children %v", children)
		}
		byPseudo := map[string]map[string]string{}
		for _, c := range children {
			byPseudo[c["pseudonyme"]] = c
		}
		if l := byPseudo[lp]; l == nil || l["naissance"] != "2017-05" || l["sexe"] != "boy" || l["lieu_de_vie"] != "structure" ||
			l["lieu_de_vie_type"] != "mecs" || l["dossier_ouvert_le"] != "2027-03-01" {
			t.Errorf("Lucas: %v", l)
		}
		if j := byPseudo[jp]; j == nil || j["naissance"] != "2014-07" || j["lieu_de_vie_type"] != "" {
			t.Errorf("Jade: %v", j)
		}
		if strings.Contains(all, zoe.Pseudonym) {
			t.Error("the Rhône's child is in the Loire's export")
		}

		measures := rowsOf(t, files, "mesures")
		want := []map[string]string{
			{"pseudonyme": lp, "mesure": lp + "-M1", "nature": "placement_judiciaire", "autorite": "judiciaire",
				"decidee_le": "2026-09-01", "debut": "2026-09-01", "fin": "2027-04-15", "renouvelle": ""},
			{"pseudonyme": lp, "mesure": lp + "-M2", "nature": "placement_judiciaire", "autorite": "judiciaire",
				"decidee_le": "2027-04-16", "debut": "2027-04-16", "fin": "2028-04-15", "renouvelle": lp + "-M1"},
			{"pseudonyme": jp, "mesure": jp + "-M1", "nature": "tutelle", "autorite": "judiciaire",
				"decidee_le": "2025-01-10", "debut": "2025-01-10", "fin": "", "renouvelle": ""},
		}
		byKey := func(a, b map[string]string) int { return strings.Compare(a["mesure"], b["mesure"]) }
		slices.SortFunc(want, byKey)
		slices.SortFunc(measures, byKey) // the file keeps the records' order
		if len(measures) != 3 {
			t.Fatalf("measures %v", measures)
		}
		for i := range want {
			for k, v := range want[i] {
				if measures[i][k] != v {
					t.Errorf("measure %d %s = %q, want %q", i, k, measures[i][k], v)
				}
			}
		}
		_ = renewal

		notifs := rowsOf(t, files, "notifications")
		var ln map[string]string
		for _, n := range notifs {
			if n["pseudonyme"] == lp {
				ln = n
			}
		}
		if len(notifs) != 2 || ln["modalite"] != "sequential" || ln["suite"] != "admitted" || ln["structure_admission_type"] != "ditep" ||
			ln["notification"] != lp+"-N1" || ln["fin"] != "2028-05-31" {
			t.Errorf("notifications %v", notifs)
		}
		circle := rowsOf(t, files, "cercle")
		if len(circle) != 1 || circle[0]["structure_type"] != "mecs" || circle[0]["qualite"] != "living_place" ||
			circle[0]["fondement"] != "decision" || circle[0]["statut"] != "active" {
			t.Errorf("circle %v", circle)
		}
		events := rowsOf(t, files, "evenements")
		kinds := map[string]bool{}
		for _, ev := range events {
			kinds[ev["nature"]] = true
			if ev["date"] == "" || ev["section"] == "" {
				t.Errorf("event %v", ev)
			}
		}
		for _, k := range []string{"created", "measure", "notification", "circle_invite", "note"} {
			if !kinds[k] {
				t.Errorf("no %s event in %v", k, kinds)
			}
		}
		if kinds["alert"] {
			t.Error("alerts among the events")
		}
		alerts := rowsOf(t, files, "alertes")
		if len(alerts) == 0 || alerts[0]["date"] != "2027-03-01" {
			t.Errorf("alerts %v", alerts)
		}
		requests := rowsOf(t, files, "demandes")
		if len(requests) != 1 {
			t.Fatalf("requests %v", requests)
		}
		r := requests[0]
		if r["pseudonyme"] != jp || r["demande"] != jp+"-D1" || r["nature"] != "admission" ||
			r["urgence"] != "non" || r["envoyee_le"] != "2027-03-01" || r["issue"] != "open" || r["structures_sollicitees"] != "2" ||
			r["structures_types"] != "ditep|mecs" || r["acceptations"] != "1" || r["refus"] != "1" || r["motifs_refus"] != "no_place" ||
			r["delai_premiere_reponse_h"] != "30" || r["reponses_hors_delai"] != "1" {
			t.Errorf("request %v", r)
		}
		vars := files["variables.csv"]
		if !slices.Equal(vars[0], []string{"variable", "table", "type", "signification"}) || len(vars) != len(pathway.ObservatoryVariables)+1 {
			t.Errorf("variables %v", vars[0])
		}
		if run.Rows["enfants"] != 2 || run.Rows["mesures"] != 3 || run.Rows["demandes"] != 1 {
			t.Errorf("run %+v", run)
		}

		// A second run: the same pseudonyms and keys, the same tables.
		var again bytes.Buffer
		must(e.s.ObservatoryExport(e.as("steering"), "42", &again))
		files2, _ := unzipObservatory(t, again.Bytes())
		for name, recs := range files {
			if !slices.EqualFunc(recs, files2[name], slices.Equal) {
				t.Errorf("%s differs between two runs", name)
			}
		}

		// Refused to everyone else, audited; nothing written to w.
		for _, who := range []string{"referent", "mecsDirector", "ditepEducator", "parent", "carer", "referent69"} {
			var w bytes.Buffer
			if _, err := e.s.ObservatoryExport(e.as(who), "42", &w); !apperr.Is(err, apperr.Forbidden) || w.Len() != 0 {
				t.Errorf("%s exports: %v (%d bytes)", who, err, w.Len())
			}
		}
		var w bytes.Buffer
		if _, err := e.s.ObservatoryExport(e.as("steering"), "69", &w); !apperr.Is(err, apperr.Forbidden) || w.Len() != 0 {
			t.Errorf("the Loire's steering exports the Rhône: %v", err)
		}
		if _, err := e.s.ObservatoryExport(bg, "42", &w); !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("anonymous: %v", err)
		}
		for _, dep := range []string{"", "999", "4 2"} {
			if _, err := e.s.ObservatoryExport(e.as("steering"), dep, &w); !slices.Contains(fieldsOf(err), "departement") {
				t.Errorf("département %q: %v", dep, err)
			}
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'observatory.export' AND resource_id = '42'
			AND actor_id = $1 AND details LIKE '%"outcome":"ok"%' AND details LIKE '%"enfants":2%'`, e.ids["steering"]); n != 2 {
			t.Errorf("%d successful runs audited, want 2", n)
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'observatory.export' AND details LIKE '%"outcome":"refused"%'`); n != 7 {
			t.Errorf("%d refused runs audited, want 7", n)
		}
	})
}

// A run that fails (here its request is cancelled before the database
// answers) is audited as failed, and hands nothing out.
func TestObservatoryExportFailureIsAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		must(e.s.Create(e.as("referent"), pathway.ChildInput{FirstName: "Noé", LastName: "Faure", BirthDate: "2015-03-03", Sex: "boy"}))
		ctx, cancel := context.WithCancel(e.as("steering"))
		cancel()
		var w bytes.Buffer
		if _, err := e.s.ObservatoryExport(ctx, "42", &w); err == nil {
			t.Fatal("a cancelled export succeeded")
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'observatory.export' AND details LIKE '%"outcome":"failed"%'`); n != 1 {
			t.Errorf("%d failed runs audited", n)
		}
	})
}

// docs/observatory-export.md lists every variable as the export does.
func TestObservatoryDocListsEveryVariable(t *testing.T) {
	doc, err := os.ReadFile("../../docs/observatory-export.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range pathway.ObservatoryVariables {
		line := "| `" + v.Name + "` | " + v.Table + " | " + v.Type + " | " + v.Meaning + " |"
		if !strings.Contains(string(doc), line) {
			t.Errorf("the documentation lacks the line\n%s", line)
		}
	}
}

// obsPseudonym is the observatory's pseudonym of a record's, worked out
// here from the key in the database, as the observatory's documentation
// says: "OBS-" and the first 16 characters of the base32 of the HMAC-SHA256.
func obsPseudonym(t *testing.T, d *db.DB, dep, record string) string {
	t.Helper()
	var secret string
	if err := d.Read(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT secret FROM observatory_keys WHERE departement = $1`, dep).Scan(&secret)
	}); err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) != 32 {
		t.Fatalf("key %q: %v", secret, err)
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(record))
	return "OBS-" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h.Sum(nil))[:16]
}
