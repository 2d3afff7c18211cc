package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// sideCrisis activates a crisis in the Loire directly and returns its id.
func (e *env) sideCrisis() string {
	e.t.Helper()
	id := db.NewID()
	if err := e.db.Write(sys(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(sys(), `INSERT INTO crises (id, departement, kind, description, started_at, created_at)
			VALUES ($1, '42', 'flood', 'Crue (test)', $2, $2)`, id, tx.Now.Add(-time.Hour))
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// Continuity plans through the pages: the director lands on the MECS's
// plan, whose form keeps what was typed when a field is missing; saved,
// then marked reviewed; the steering's list names the structures without
// a plan; an educator of another structure may not read it.
func TestContinuityPlanPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mecs := e.orgID("MECS Beauregard (fictif)")
		dir := e.login(director)
		resp, _ := e.get(dir, "/crise/plans")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/crise/plans/"+mecs {
			t.Fatalf("the director's list: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := e.get(dir, "/crise/plans/"+mecs)
		mustContain(t, resp, body, http.StatusOK, "Plan de continuité", "MECS Beauregard (fictif)", "Modifier le plan", "Plan relu")
		resp, body = e.postMultipart(dir, "/crise/plans/"+mecs, url.Values{"minimum_staffing": {"Trois adultes le jour."},
			"children_at_risk": {"4"}}, "document", "plan.txt", []byte("pas un pdf"))
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Trois adultes le jour.", "Indiquez les activités prioritaires",
			"Dites comment les enfants à risque sont contactés", "n&#39;est ni un PDF ni une image")
		resp, _ = e.postMultipart(dir, "/crise/plans/"+mecs, url.Values{"minimum_staffing": {"Trois adultes le jour."}, "children_at_risk": {"4"},
			"priorities": {"Soins et repas."}, "children_procedure": {"La cheffe de service appelle."}, "emergency_contacts": {"04 99 11 01 01"}},
			"document", "pca.pdf", []byte("%PDF-1.4 pca"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		resp, body = e.get(dir, "/crise/plans/"+mecs)
		mustContain(t, resp, body, http.StatusOK, "Plan de continuité enregistré", "Trois adultes le jour.", "pca.pdf", "à jour")
		if resp, _ := e.postForm(dir, "/crise/plans/"+mecs+"/revu", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reviewed: %d", resp.StatusCode)
		}
		if resp, body := e.get(dir, "/crise/plans/"+mecs+"/document"); resp.StatusCode != http.StatusOK || body != "%PDF-1.4 pca" {
			t.Fatalf("document: %d %q", resp.StatusCode, body)
		}

		pil := e.login(steering)
		resp, body = e.get(pil, "/crise/plans?etat=late")
		mustContain(t, resp, body, http.StatusOK, "Plans de continuité — territoire 42", "Relais parental La Parenthèse (fictif)",
			"IME Le Val de Loire (fictif)", "plan de plus d&#39;un an")
		if strings.Contains(body, "MECS Beauregard") {
			t.Fatal("the MECS's current plan is listed as late")
		}
		if resp, _ := e.get(e.login(educator), "/crise/plans/"+mecs); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("the DITEP's educator reads the MECS's plan: %d", resp.StatusCode)
		}
	})
}

// A broadcast through the pages: the cell sees the structures a
// selection reaches before sending; without a crisis nothing leaves;
// during one, the MECS acknowledges from the link and the cell's
// fragment (the one htmx polls) shows the rate; the crisis page shows
// the broadcast, the plans' counts and who is on call.
func TestBroadcastPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		pil := e.login(steering)
		resp, body := e.get(pil, "/crise/diffusions/nouvelle")
		mustContain(t, resp, body, http.StatusOK, "Nouveau message de crise", "Voir les destinataires", "MECS Beauregard (fictif)", "Roanne")
		form := url.Values{"subject": {"Crue : consignes"}, "body": {"Montez les dossiers à l'étage."}, "structures": {mecs, ditep}, "action": {"preview"}}
		resp, body = e.postForm(pil, "/crise/diffusions/nouvelle", form)
		mustContain(t, resp, body, http.StatusOK, "Ce message partira à 2 structures", "Envoyer à ces 2 structures", "Montez les dossiers")
		form.Set("action", "send")
		form.Set("count", "3")
		resp, body = e.postForm(pil, "/crise/diffusions/nouvelle", form)
		mustContain(t, resp, body, http.StatusOK, "La sélection a changé")
		form.Set("count", "2")
		resp, body = e.postForm(pil, "/crise/diffusions/nouvelle", form)
		mustContain(t, resp, body, http.StatusConflict, "Aucune crise n&#39;est en cours", "Montez les dossiers")
		crisisID := e.sideCrisis()
		resp, _ = e.postForm(pil, "/crise/diffusions/nouvelle", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", resp.StatusCode)
		}
		page := resp.Header.Get("Location")
		resp, body = e.get(pil, page)
		mustContain(t, resp, body, http.StatusOK, "Message envoyé à 2 structure(s)", `id="ack-rate"`, `hx-trigger="every 5s"`, "0/2", "MECS Beauregard")

		dir := e.login(director)
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "J'ai lu : accuser réception", "Montez les dossiers")
		if strings.Contains(body, "DITEP") {
			t.Fatal("the MECS reads the other recipients")
		}
		if resp, _ := e.postForm(dir, page+"/accuse", url.Values{"structure": {mecs}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", resp.StatusCode)
		}
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "réception confirmée")
		if resp, _ := e.get(e.login(fosterCarer), page); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a foster carer reads it: %d", resp.StatusCode)
		}
		req, _ := http.NewRequest("GET", e.ts.URL+page, nil)
		req.Header.Set("HX-Request", "true")
		r2, err := pil.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r2.Body.Close()
		buf := new(strings.Builder)
		if _, err := io.Copy(buf, r2.Body); err != nil {
			t.Fatal(err)
		}
		mustContain(t, r2, buf.String(), http.StatusOK, "1/2", "DITEP Le Gier (fictif)")

		resp, body = e.get(pil, "/crise/diffusions")
		mustContain(t, resp, body, http.StatusOK, "Crue : consignes", "1/2 accusés de réception")
		resp, body = e.get(pil, "/crises/"+crisisID)
		mustContain(t, resp, body, http.StatusOK, "Messages de la cellule", "Crue : consignes", "sans plan", "Appeler ")
	})
}

// The rota through the pages: the territory's view with the number to
// call; the team's member adds a shift (kept when wrong) and makes a
// calendar link that serves iCalendar without a session; the team's
// directory entry shows who is on call.
func TestOnCallPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		emr := e.orgID("Équipe mobile ressource Loire Sud (fictif)")
		edu := e.login(educator)
		resp, body := e.get(edu, "/astreintes")
		mustContain(t, resp, body, http.StatusOK, "Astreintes des équipes mobiles", "Équipe mobile ressource Loire Sud (fictif)",
			"Appeler ", `href="tel:049941071`, "Personne d'astreinte en ce moment")
		resp, body = e.get(edu, "/astreintes/"+emr)
		mustContain(t, resp, body, http.StatusOK, "Planning à venir", "d'astreinte maintenant")
		if strings.Contains(body, "Ajouter une astreinte") {
			t.Fatal("an educator of the DITEP may edit the team's rota")
		}
		team := e.login("equipe-mobile@demo.passerelle.test")
		resp, body = e.postForm(team, "/astreintes/"+emr, url.Values{"person_name": {"Inès Cartier"}, "phone": {"12"},
			"starts_at": {"2099-01-02T08:00"}, "ends_at": {"2099-01-01T08:00"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Inès Cartier", "Un numéro de téléphone", "La fin doit venir après le début")
		paris, _ := time.LoadLocation("Europe/Paris")
		start := time.Now().In(paris).AddDate(0, 0, 1)
		start = time.Date(start.Year(), start.Month(), start.Day(), 8, 0, 0, 0, paris)
		resp, _ = e.postForm(team, "/astreintes/"+emr, url.Values{"person_name": {"Inès Cartier"}, "phone": {"04 99 41 07 14"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(12 * time.Hour).Format("2006-01-02T15:04")}, "territory": {"Gier"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		resp, body = e.postForm(team, "/astreintes/"+emr+"/lien", nil)
		mustContain(t, resp, body, http.StatusOK, "/agenda/astreintes/")
		feed := "/agenda/astreintes/" + between(body, "/agenda/astreintes/", "<")
		resp, body = e.get(e.browser(), feed)
		mustContain(t, resp, body, http.StatusOK, "BEGIN:VCALENDAR", "Inès Cartier", "DTSTART:"+start.UTC().Format("20060102T150405Z"))
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		resp, body = e.get(edu, "/annuaire/"+emr)
		mustContain(t, resp, body, http.StatusOK, "D'astreinte maintenant", "Appeler ", "Planning des astreintes")
	})
}
