package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

const educatorMECS = "educatrice-mecs@demo.passerelle.test"

// orgID returns the id of the organisation named name.
func (e *env) orgID(name string) string {
	e.t.Helper()
	var id string
	if err := e.db.Read(sys(), func(tx *db.Tx) error {
		return tx.QueryRowContext(sys(), `SELECT id FROM organisations WHERE name = $1`, name).Scan(&id)
	}); err != nil {
		e.t.Fatalf("%s: %v", name, err)
	}
	return id
}

func (e *env) accountID(email string) string {
	e.t.Helper()
	id, err := e.srv.Auth.AccountIDByEmail(sys(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// The record through the pages: the referent opens it (a mistyped date
// comes back with what was typed), records the placement and the MDPH
// notification, invites the DITEP; its director accepts and names the
// educator, who then sees the child; an unrelated educator and an unrelated
// parent get 404 and an empty list; the mother, given a parent access, sees
// the circle and not the notes.
func TestChildPagesCircleAndNeedToKnow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		form := url.Values{"first_name": {"Léo"}, "last_name": {"Garnier"}, "birth_date": {"31/02/2016"}, "sex": {"boy"},
			"living_kind": {"structure"}, "living_structure": {e.orgID("MECS Beauregard (fictif)")}}
		resp, body := e.postForm(ref, "/enfants/nouveau", form)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Date invalide", `value="Léo"`, `value="Garnier"`)
		form.Set("birth_date", "2016-02-20")
		resp, body = e.postForm(ref, "/enfants/nouveau", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", resp.StatusCode, excerpt(body))
		}
		child := resp.Header.Get("Location")
		id := strings.TrimPrefix(child, "/enfants/")

		resp, body = e.postForm(ref, child+"/mesure", url.Values{"kind": {"placement_judiciaire"},
			"authority": {"Juge des enfants de Saint-Étienne"}, "from": {"2026-09-01"}, "to": {""}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Indiquez la fin de la mesure", `value="Juge des enfants de Saint-Étienne"`)
		resp, _ = e.postForm(ref, child+"/mesure", url.Values{"kind": {"placement_judiciaire"},
			"authority": {"Juge des enfants de Saint-Étienne"}, "from": {"2026-09-01"}, "to": {"2028-08-31"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("measure: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(ref, child+"/notification", url.Values{"orientation": {"ditep"}, "from": {"2026-06-01"},
			"to": {"2029-05-31"}, "status": {"waiting"}, "waiting_at": {"DITEP Le Gier"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("notification: %d", resp.StatusCode)
		}
		// What became of the notification: its form keeps what was typed.
		_, body = e.get(ref, child)
		status := "/enfants/" + id + "/notifications/" + between(body, "/notifications/", "/suite") + "/suite"
		resp, body = e.get(ref, status)
		mustContain(t, resp, body, http.StatusOK, "Orientation <strong>DITEP</strong>", `value="DITEP Le Gier"`)
		resp, body = e.postForm(ref, status, url.Values{"status": {"admitted"}, "waiting_at": {"DITEP Le Gier, IME La Cordée"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez la structure qui a admis", `value="DITEP Le Gier, IME La Cordée"`)
		resp, body = e.postForm(ref, status, url.Values{"status": {"waiting"}, "waiting_at": {"DITEP Le Gier, IME La Cordée"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status: %d %s", resp.StatusCode, excerpt(body))
		}

		resp, body = e.postForm(ref, child+"/invitation", url.Values{"organisation": {e.orgID("DITEP Le Gier (fictif)")},
			"capacity": {"medico_social"}, "basis": {"shared_secrecy"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d %s", resp.StatusCode, excerpt(body))
		}

		// Before the answer the educator does not know the child exists.
		edu := e.login(educator)
		resp, body = e.get(edu, child)
		mustContain(t, resp, body, http.StatusNotFound, "n&#39;existe pas")
		dir := e.login(ditepDirector)
		resp, body = e.get(dir, "/enfants/invitations")
		mustContain(t, resp, body, http.StatusOK, "Léo Garnier", "Karim Haddad")
		answer := "/enfants/" + id + "/cercle/" + between(body, "/cercle/", "/reponse") + "/reponse"
		resp, body = e.postForm(dir, answer, url.Values{"answer": {"accept"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Nommez au moins une personne")
		resp, _ = e.postForm(dir, answer, url.Values{"answer": {"accept"}, "staff": {e.accountID(educator)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", resp.StatusCode)
		}
		resp, body = e.get(edu, child)
		mustContain(t, resp, body, http.StatusOK, "Léo Garnier", "Orientation DITEP", "Placement ordonné par le juge des enfants", "Le cercle")
		resp, body = e.get(edu, "/enfants")
		mustContain(t, resp, body, http.StatusOK, "Léo")

		for _, who := range []string{educatorMECS, parent, fosterCarer} {
			c := e.login(who)
			if resp, body := e.get(c, child); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s opens the child: %d %s", who, resp.StatusCode, excerpt(body))
			}
			if _, body := e.get(c, "/enfants"); strings.Contains(body, "Garnier") {
				t.Errorf("%s lists the child", who)
			}
			if _, body := e.get(c, "/enfants?q=garnier"); strings.Contains(body, "Garnier") {
				t.Errorf("%s finds the child by name", who)
			}
		}

		// The mother gets a parent access: she sees the circle, never the notes.
		resp, _ = e.postForm(edu, child+"/note", url.Values{"text": {"Bonne semaine en classe, fatigue le jeudi."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("note: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(ref, child+"/proche", url.Values{"kind": {"mother"}, "name": {"Aurélie Fontaine"},
			"authority": {"full"}, "email": {parent}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("relative: %d", resp.StatusCode)
		}
		_, body = e.get(ref, child)
		rid := between(body, "/proches/", "/acces-parent")
		resp, body = e.postForm(ref, child+"/proches/"+rid+"/acces-parent", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("parent access: %d %s", resp.StatusCode, excerpt(body))
		}
		resp, body = e.get(e.login(parent), child)
		mustContain(t, resp, body, http.StatusOK, "Qui accompagne votre enfant", "DITEP Le Gier", "Karim Haddad", "Qui a consulté le dossier")
		if strings.Contains(body, "fatigue le jeudi") || strings.Contains(body, "Ce qui s&#39;est passé") {
			t.Error("the parent reads the professionals' notes")
		}

		// The export names no child; it is the referents'.
		resp, body = e.get(ref, "/enfants/export.csv")
		mustContain(t, resp, body, http.StatusOK, "E-DEMO-0001", "Dossier")
		if strings.Contains(body, "Garnier") || strings.Contains(body, "Fontaine") {
			t.Error("the export names children")
		}
		if resp, _ := e.get(edu, "/enfants/export.csv"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an educator exports: %d", resp.StatusCode)
		}
		// Home: the director's invitations are answered, the referent's
		// files counted.
		resp, body = e.get(ref, "/")
		mustContain(t, resp, body, http.StatusOK, "dossiers qui vous sont confiés", "sans solution")

		// The DITEP's director names someone else: Karim loses the record.
		_, body = e.get(dir, child)
		team := "/enfants/" + id + "/cercle/" + between(body, "/cercle/", "/equipe") + "/equipe"
		resp, body = e.get(dir, team)
		mustContain(t, resp, body, http.StatusOK, "Karim Haddad", "Isabelle Perrin", "checked")
		resp, body = e.postForm(dir, team, url.Values{})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Nommez au moins une personne")
		if resp, _ := e.postForm(edu, team, url.Values{"staff": {e.accountID(educator)}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("an educator changes who follows the child: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(dir, team, url.Values{"staff": {e.accountID(ditepDirector)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff: %d", resp.StatusCode)
		}
		if resp, _ := e.get(edu, child); resp.StatusCode != http.StatusNotFound {
			t.Errorf("Karim still opens the record: %d", resp.StatusCode)
		}

		// The referent reads who opened the record.
		resp, body = e.get(ref, child+"/acces")
		mustContain(t, resp, body, http.StatusOK, "Karim Haddad", "a consulté le dossier", "Aurélie Fontaine")
	})
}

// postMultipart posts a form with one file, as a browser does.
func (e *env) postMultipart(c *http.Client, path string, v url.Values, field, name string, data []byte) (*http.Response, string) {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, x := range vs {
			w.WriteField(k, x)
		}
	}
	if field != "" {
		fw, _ := w.CreateFormFile(field, name)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The rest of the record's forms through the pages, on a demo child: the
// identity changed, a judgment uploaded (a non-PDF refused, the input
// kept), a consent recorded and a structure invited on it, and break-glass
// by an educator of another structure, seen by the steering by pseudonym.
func TestChildPagesFormsAndBreakGlass(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=nathan")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.get(ref, child+"/modifier")
		mustContain(t, resp, body, http.StatusOK, `value="Nathan"`, `value="Roche"`)
		resp, body = e.postForm(ref, child+"/modifier", url.Values{"first_name": {"Nathan"}, "last_name": {"Roche"},
			"birth_date": {""}, "sex": {"boy"}, "living_kind": {"family"}, "school_note": {"4e, collège Gambetta"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Indiquez la date de naissance", "4e, collège Gambetta")
		resp, _ = e.postForm(ref, child+"/modifier", url.Values{"first_name": {"Nathan"}, "last_name": {"Roche"},
			"birth_date": {"2013-06-01"}, "sex": {"boy"}, "living_kind": {"family"}, "school_kind": {"ordinary"}, "school_note": {"4e, collège Gambetta"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("identity: %d", resp.StatusCode)
		}

		measure := url.Values{"kind": {"placement_judiciaire"}, "authority": {"Juge des enfants de Saint-Étienne"},
			"from": {"2026-12-01"}, "to": {"2027-11-30"}, "reference": {"RG 26/00412"}}
		resp, body = e.postMultipart(ref, child+"/mesure", measure, "document", "jugement.html", []byte("<html>jugement</html>"))
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Le document doit être un PDF", `value="RG 26/00412"`)
		resp, _ = e.postMultipart(ref, child+"/mesure", measure, "document", "jugement.pdf", []byte("%PDF-1.4\nun jugement"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("measure: %d", resp.StatusCode)
		}
		_, body = e.get(ref, child)
		doc := between(body, `<a href="`+child+`/mesures/`, `"`)
		resp, body = e.get(ref, child+"/mesures/"+doc)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || body != "%PDF-1.4\nun jugement" {
			t.Fatalf("document: %d %q", resp.StatusCode, excerpt(body))
		}

		// A consent of the mother, and the SESSAD invited on it.
		_, body = e.get(ref, child+"/accord")
		rid := between(body, `name="relative" required><option value="">—</option>
      <option value="`, `"`)
		resp, body = e.postForm(ref, child+"/accord", url.Values{"relative": {rid}, "scope": {""}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez sur quoi porte l")
		resp, _ = e.postForm(ref, child+"/accord", url.Values{"relative": {rid}, "scope": {"circle"}, "subject": {"SESSAD L'Envol"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("consent: %d", resp.StatusCode)
		}
		_, body = e.get(ref, child+"/invitation")
		consent := between(body, `name="consent"><option value="">—</option>
      <option value="`, `"`)
		resp, body = e.postForm(ref, child+"/invitation", url.Values{"organisation": {e.orgID("SESSAD L'Envol (fictif)")},
			"capacity": {"medico_social"}, "basis": {"consent"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez l&#39;accord des parents")
		resp, _ = e.postForm(ref, child+"/invitation", url.Values{"organisation": {e.orgID("SESSAD L'Envol (fictif)")},
			"capacity": {"medico_social"}, "basis": {"consent"}, "consent": {consent}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite on consent: %d", resp.StatusCode)
		}

		// Break-glass: the MECS educator does not follow Nathan.
		mecs := e.login(educatorMECS)
		if resp, _ := e.get(mecs, child); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("before break-glass: %d", resp.StatusCode)
		}
		resp, body = e.postForm(mecs, "/enfants/acces-urgence", url.Values{"last_name": {"roche"}, "first_name": {"NATHAN"},
			"birth_date": {"2013-06-01"}, "reason": {"vite"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Expliquez en une phrase", `value="roche"`)
		resp, body = e.postForm(mecs, "/enfants/acces-urgence", url.Values{"last_name": {"roche"}, "first_name": {"NATHAN"},
			"birth_date": {"02/06/2013"}, "reason": {"Nathan est arrivé seul au foyer cette nuit, nous cherchons qui contacter."}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Aucun dossier ne correspond exactement")
		resp, _ = e.postForm(mecs, "/enfants/acces-urgence", url.Values{"last_name": {"roche"}, "first_name": {"NATHAN"},
			"birth_date": {"01/06/2013"}, "reason": {"Nathan est arrivé seul au foyer cette nuit, nous cherchons qui contacter."}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != child {
			t.Fatalf("break-glass: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body = e.get(mecs, child)
		mustContain(t, resp, body, http.StatusOK, "Accès d'urgence, en lecture", "Sandrine Roche")
		if strings.Contains(body, "/mesures/"+doc) {
			t.Error("break-glass opens the judgment")
		}
		pil := e.login(steering)
		resp, body = e.get(pil, "/enfants/acces-urgence/rapport")
		mustContain(t, resp, body, http.StatusOK, "E-DEMO-0003", "Nathan est arrivé seul")
		if strings.Contains(body, "Roche") {
			t.Error("the steering's report names the child")
		}
		if resp, _ := e.get(pil, child); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the steering opens a record: %d", resp.StatusCode)
		}
	})
}

// A liaison note about Lucas from the MECS to the DITEP through the pages:
// sent with an attachment (nothing lost when a recipient is missing),
// acknowledged by the DITEP's educator, the receipt seen by the sender.
func TestLiaisonPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.login(educatorMECS)
		_, body := e.get(lea, "/enfants")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.get(lea, child+"/liaison")
		mustContain(t, resp, body, http.StatusOK, "DITEP Le Gier", "Direction enfance famille")
		if strings.Contains(body, `value="`+e.orgID("MECS Beauregard (fictif)")+`"`) {
			t.Error("the MECS is offered to write to itself")
		}
		note := url.Values{"happened": {"Crise dimanche soir au retour du week-end."}, "asked": {"Pouvez-vous nous appeler jeudi ?"}}
		resp, body = e.postMultipart(lea, child+"/liaison", note, "attachments", "planning.pdf", []byte("%PDF-1.4 planning"))
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez à qui envoyer la fiche", "Pouvez-vous nous appeler jeudi ?")
		note.Set("recipients", e.orgID("DITEP Le Gier (fictif)"))
		resp, body = e.postMultipart(lea, child+"/liaison", note, "attachments", "planning.pdf", []byte("%PDF-1.4 planning"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d %s", resp.StatusCode, excerpt(body))
		}
		liaison := resp.Header.Get("Location")

		karim := e.login(educator)
		resp, body = e.get(karim, child)
		mustContain(t, resp, body, http.StatusOK, "Fiches de liaison", "à lire")
		resp, body = e.get(karim, liaison)
		mustContain(t, resp, body, http.StatusOK, "Crise dimanche soir", "planning.pdf", "Accuser réception", "pas encore lue")
		att := between(body, `/pieces/`, `"`)
		resp, body = e.get(karim, liaison+"/pieces/"+att)
		if resp.StatusCode != http.StatusOK || body != "%PDF-1.4 planning" {
			t.Fatalf("attachment: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(karim, liaison+"/reception", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", resp.StatusCode)
		}
		resp, body = e.get(lea, liaison)
		mustContain(t, resp, body, http.StatusOK, "lue le", "par Karim Haddad")
		if resp, _ := e.get(e.login(parent), liaison); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("the parent reads the liaison note: %d", resp.StatusCode)
		}
	})
}

// Lucas's planning through the pages: the visit next Saturday during the
// MECS's day is flagged; the DITEP adds a time (a mistyped hour comes
// back with what was typed); the mother reads the week, writes nothing.
func TestPlanningPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=lucas")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.get(ref, child+"/planning")
		mustContain(t, resp, body, http.StatusOK, "Planning de Lucas", "deux lieux", "MECS Beauregard (fictif) et Direction enfance famille",
			"DITEP Le Gier (fictif) — Accueil de jour")

		karim := e.login(educator)
		form := url.Values{"kind": {"appointment"}, "label": {"Orthophonie"}, "start": {"14h"}, "end": {"15:00"}, "weekdays": {"3"}}
		resp, body = e.postForm(karim, child+"/planning/nouveau", form)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Heure invalide", `value="Orthophonie"`, `value="3" checked`)
		form.Set("start", "14:00")
		resp, _ = e.postForm(karim, child+"/planning/nouveau", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		resp, body = e.get(karim, child+"/planning")
		mustContain(t, resp, body, http.StatusOK, "Orthophonie", "Vos temps au planning", "Retirer du planning")
		slot := between(body[strings.Index(body, `id="t-vos"`):], `/planning/`, `/sauf`)
		if resp, _ := e.postForm(e.login(educatorMECS), child+"/planning/"+slot+"/suppression", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the MECS removes the DITEP's time: %d", resp.StatusCode)
		}

		mum := e.login(parent)
		resp, body = e.get(mum, child+"/planning")
		mustContain(t, resp, body, http.StatusOK, "Orthophonie", "deux lieux")
		if strings.Contains(body, "Ajouter un temps") || strings.Contains(body, "Vos temps au planning") {
			t.Error("the parent is offered to write to the planning")
		}
		if resp, _ := e.get(e.login(fosterCarer), child+"/planning"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unrelated foster carer reads the planning: %d", resp.StatusCode)
		}
	})
}

// School holidays: the steering of the Loire enters a period (a wrong date
// comes back as typed); other accounts read them and cannot change them.
func TestHolidayPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.get(pil, "/vacances-scolaires")
		mustContain(t, resp, body, http.StatusOK, "Vacances scolaires — 42", "Vacances de Noël (dates de démonstration)", "Ajouter une période")
		resp, body = e.postForm(pil, "/vacances-scolaires", url.Values{"departement": {"42"}, "name": {"Pont de la Toussaint"},
			"from": {"2027-11-02"}, "to": {"2027-11-01"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Le dernier jour précède le premier", `value="Pont de la Toussaint"`)
		resp, _ = e.postForm(pil, "/vacances-scolaires", url.Values{"departement": {"42"}, "name": {"Pont de la Toussaint"},
			"from": {"2027-11-01"}, "to": {"2027-11-02"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		dir := e.login(director)
		resp, body = e.get(dir, "/vacances-scolaires")
		mustContain(t, resp, body, http.StatusOK, "Pont de la Toussaint")
		if strings.Contains(body, "Ajouter une période") {
			t.Error("a director is offered to enter holidays")
		}
		if resp, _ := e.postForm(dir, "/vacances-scolaires", url.Values{"departement": {"42"}, "name": {"x"},
			"from": {"2027-11-01"}, "to": {"2027-11-02"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a director enters holidays: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(pil, "/vacances-scolaires", url.Values{"departement": {"69"}, "name": {"x"},
			"from": {"2027-11-01"}, "to": {"2027-11-02"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the Loire's steering enters the Rhône's holidays: %d", resp.StatusCode)
		}
	})
}

// Events and the children without solution through the pages: the MECS
// declares a running away (a day to come refused, the text kept); the
// referent lists Inès by name; the steering sees counts, no name.
func TestEventAndWithoutSolutionPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.login(educatorMECS)
		_, body := e.get(lea, "/enfants")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.postForm(lea, child+"/evenement", url.Values{"kind": {"running_away"}, "day": {"2099-01-01"}, "text": {"Parti après le repas."}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "la date est dans le futur", "Parti après le repas.")
		resp, _ = e.postForm(lea, child+"/evenement", url.Values{"kind": {"running_away"}, "text": {"Parti après le repas, retrouvé à 23 h."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("event: %d", resp.StatusCode)
		}
		resp, body = e.get(e.login(educator), child)
		mustContain(t, resp, body, http.StatusOK, "Fugue le", "retrouvé à 23 h")
		if _, body := e.get(e.login(parent), child); strings.Contains(body, "retrouvé à 23 h") {
			t.Error("the parent reads the declared event")
		}

		resp, body = e.get(e.login(referent), "/enfants/sans-solution")
		mustContain(t, resp, body, http.StatusOK, "Inès Benali", "Orientation SESSAD", "jours</strong> d'attente")
		resp, body = e.get(e.login(steering), "/pilotage/sans-solution")
		mustContain(t, resp, body, http.StatusOK, "SESSAD", "Attente médiane")
		if strings.Contains(body, "Benali") || strings.Contains(body, "Inès") {
			t.Error("the steering's counts name a child")
		}
		if resp, _ := e.get(e.login(director), "/enfants/sans-solution"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a director lists the children without solution: %d", resp.StatusCode)
		}
	})
}

// A calendar link to Lucas's planning: the feed needs no session, carries
// initials and no label, and stops when revoked, or when its owner no
// longer follows the child.
func TestPlanningFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		karim := e.login(educator)
		_, body := e.get(karim, "/enfants?q=lucas")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.postForm(karim, child+"/planning/agenda", nil)
		mustContain(t, resp, body, http.StatusOK, "Copiez ce lien", "/agenda/")
		feed := "/agenda/" + between(body, "/agenda/", "<")
		anon := e.browser()
		resp, body = e.get(anon, feed)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		unfolded := strings.ReplaceAll(body, "\r\n ", "")
		if !strings.Contains(unfolded, "SUMMARY:L. F. — Accueil de jour (DITEP Le Gier (fictif))") || strings.Contains(unfolded, "Fontaine") ||
			strings.Contains(unfolded, "Visite avec sa mère") {
			t.Fatalf("feed content:\n%s", excerpt(unfolded))
		}
		if resp, _ := e.get(anon, "/agenda/pas-un-vrai-lien-secret-du-tout.ics"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a made-up link: %d", resp.StatusCode)
		}
		// Karim no longer follows Lucas: the link stops.
		dir := e.login(ditepDirector)
		_, body = e.get(dir, child)
		team := "/enfants/" + strings.TrimPrefix(child, "/enfants/") + "/cercle/" + between(body, "/cercle/", "/equipe") + "/equipe"
		if resp, _ := e.postForm(dir, team, url.Values{"staff": {e.accountID(ditepDirector)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff: %d", resp.StatusCode)
		}
		if resp, _ := e.get(anon, feed); resp.StatusCode != http.StatusNotFound {
			t.Errorf("the link of someone no longer in the circle: %d", resp.StatusCode)
		}
		// The director's own link, revoked.
		resp, body = e.postForm(dir, child+"/planning/agenda", nil)
		mustContain(t, resp, body, http.StatusOK, "Copiez ce lien")
		mine := "/agenda/" + between(body, "/agenda/", "<")
		if resp, _ := e.get(anon, mine); resp.StatusCode != http.StatusOK {
			t.Fatalf("the director's link: %d", resp.StatusCode)
		}
		revoke := between(body, `action="`+child+`/planning/agenda/`, `"`)
		if resp, _ := e.postForm(dir, child+"/planning/agenda/"+revoke, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := e.get(anon, mine); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a revoked link: %d", resp.StatusCode)
		}
	})
}
