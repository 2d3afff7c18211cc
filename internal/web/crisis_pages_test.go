package web_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
)

// A crisis through the pages: the steering activates it (errors keep what
// was typed, a second one is refused), the territory sees the banner but
// not a parent; the MECS's director reports from the form; the cell
// (the referent, once added) sees the board, the director does not; the
// log's notes stay in the cell; the end leads to the report, printed for
// the steering only.
func TestCrisisPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.get(pil, "/crise")
		mustContain(t, resp, body, http.StatusOK, "Activer une crise", "Crises passées", "Canicule", `name="start"`)
		if strings.Contains(body, "crisis-banner") {
			t.Fatal("a banner without an active crisis (the demo has none)")
		}

		resp, body = e.postForm(pil, "/crises", url.Values{"departement": {"42"}, "kind": {"tempete"},
			"start": {"2020-01-01T08:00"}, "description": {"Crue de la Loire à Feurs"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez la nature de la crise", "plus de 90 jours", "Crue de la Loire à Feurs")
		start := time.Now().Add(-30 * time.Hour).In(crisis.Paris).Format("2006-01-02T15:04")
		crue := url.Values{"departement": {"42"}, "kind": {"flood"}, "start": {start}, "description": {"Crue de la Loire : Feurs et Montbrison."}}
		resp, body = e.postForm(pil, "/crises", crue)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("activate: %d %s", resp.StatusCode, excerpt(body))
		}
		page := resp.Header.Get("Location")
		resp, body = e.postForm(pil, "/crises", crue)
		mustContain(t, resp, body, http.StatusConflict, "Une crise est déjà active dans ce département")

		dir := e.login(director)
		resp, body = e.get(dir, "/annuaire")
		mustContain(t, resp, body, http.StatusOK, "crisis-banner", "Crise en cours — Inondation", `href="`+page+`"`)
		resp, body = e.get(e.login(parent), "/")
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "crisis-banner") {
			t.Fatalf("a parent sees the banner: %d", resp.StatusCode)
		}
		resp, _ = e.get(e.login(parent), page)
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a parent reads the crisis page: %d", resp.StatusCode)
		}

		// The MECS's director reports; a bad form keeps its words.
		resp, body = e.get(dir, "/crise")
		mustContain(t, resp, body, http.StatusOK, "Point de situation de votre structure", "aucun point transmis", "en retard", page+"/etat")
		if strings.Contains(body, "États des structures") {
			t.Fatal("a director outside the cell sees the board")
		}
		resp, body = e.get(dir, page+"/etat")
		mustContain(t, resp, body, http.StatusOK, "MECS Beauregard (fictif)", "Activité réduite", `inputmode="numeric"`)
		resp, body = e.postForm(dir, page+"/etat", url.Values{"structure_id": {e.orgID("MECS Beauregard (fictif)")},
			"staff_absent": {"trois"}, "needs": {"Des sacs de sable"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Un nombre est attendu", "Des sacs de sable")
		resp, body = e.postForm(dir, page+"/etat", url.Values{"structure_id": {e.orgID("MECS Beauregard (fictif)")}, "state": {"reduced"},
			"staff_absent": {"3"}, "children_affected": {"5"}, "needs": {"Des sacs de sable"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("report: %d %s", resp.StatusCode, excerpt(body))
		}

		// The cell: the referent added by her address sees the board.
		ref := e.login(referent)
		resp, body = e.get(ref, page)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "États des structures") {
			t.Fatalf("the referent outside the cell: %d", resp.StatusCode)
		}
		resp, body = e.postForm(pil, page+"/cellule", url.Values{"email": {"pas-un-compte@demo.passerelle.test"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Aucun compte actif", "pas-un-compte@demo.passerelle.test")
		if resp, _ = e.postForm(pil, page+"/cellule", url.Values{"email": {referent}, "function": {"Référente ASE"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add to the cell: %d", resp.StatusCode)
		}
		e.postForm(pil, page+"/cellule", url.Values{"name": {"Paul Girard"}, "organisation": {"ARS DD42"}, "phone": {"04 99 00 20 10"}})
		resp, body = e.get(ref, page+"?retard=1")
		mustContain(t, resp, body, http.StatusOK, "États des structures", "structure(s) en retard", "DITEP Le Gier (fictif)", "Paul Girard", "tel:0499002010")
		if strings.Contains(body, "Des sacs de sable") {
			t.Fatal("the late filter shows the MECS, which reported")
		}
		resp, body = e.get(ref, page)
		mustContain(t, resp, body, http.StatusOK, "Des sacs de sable", "Activité réduite")

		// The log.
		resp, body = e.postForm(ref, page+"/journal", url.Values{"kind": {"note"}, "body": {""}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Le texte est vide")
		e.postForm(ref, page+"/journal", url.Values{"kind": {"note"}, "body": {"Le foyer de Roanne a de l'eau au sous-sol."}})
		e.postForm(pil, page+"/journal", url.Values{"kind": {"decision"}, "body": {"Évacuation du rez-de-chaussée du foyer de Roanne."}})
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "Évacuation du rez-de-chaussée")
		if strings.Contains(body, "au sous-sol") {
			t.Fatal("a meeting note is shown outside the cell")
		}

		// The end leads to the report; only the steering and the cell print it.
		resp, body = e.postForm(pil, page+"/fin", url.Values{"note": {""}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Écrivez une note de clôture")
		resp, _ = e.postForm(pil, page+"/fin", url.Values{"note": {"Décrue amorcée, retour à la normale."}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"#rapport" {
			t.Fatalf("end: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = e.get(pil, page)
		mustContain(t, resp, body, http.StatusOK, "Crise terminée", "Décrue amorcée", page+"/rapport.pdf")
		if resp, body = e.get(dir, "/"); strings.Contains(body, "crisis-banner") {
			t.Fatal("the banner stays after the end")
		}
		if resp, _ = e.get(dir, page+"/rapport.pdf"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the director prints the report: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, page+"/rapport.pdf")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("report: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if dir := os.Getenv("PASSERELLE_SCREENSHOTS"); dir != "" {
			os.WriteFile(filepath.Join(dir, string(d.Dialect)+"-crisis-report.pdf"), []byte(body), 0o644)
		}
		text := strings.Join(strings.Fields(pdftext.Text(t, []byte(body))), " ") // cells wrap
		for _, want := range []string{"Rapport de fin de crise — Inondation", "Crue de la Loire : Feurs et Montbrison.", "Décrue amorcée",
			"Chronologie", "Activation", "Note de réunion", "Évacuation du rez-de-chaussée", "Fin de crise", "Paul Girard",
			"MECS Beauregard (fictif)", "Activité réduite", "Des sacs de sable", "Aucune diffusion", "par Hélène Vial"} {
			if !strings.Contains(text, want) {
				t.Errorf("the report lacks %q:\n%s", want, text)
			}
		}
		if n := e.crisisCount(`SELECT count(*) FROM audit_log WHERE action = 'crisis.report.print'`); n != 1 {
			t.Fatalf("%d prints audited", n)
		}
	})
}

func (e *env) crisisCount(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Read(sys(), func(tx *db.Tx) error { return tx.QueryRowContext(sys(), q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}
