package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

const (
	coopDitep    = "directrice-ditep@demo.passerelle.test"
	coopEduMECS  = "educatrice-mecs@demo.passerelle.test"
	coopEduDITEP = "educateur@demo.passerelle.test"
)

// respiteBody is a convention between the DITEP and the MECS Le Colombier
// keeping 2 places a month of the MECS's respite offer for the DITEP.
func (e *env) respiteBody(t *testing.T, extra string) string {
	t.Helper()
	ditep, colombier := e.orgID("DITEP Le Gier (fictif)"), e.orgID("MECS Le Colombier (fictif)")
	var offer string
	if err := e.db.Read(sys(), func(tx *db.Tx) error {
		return tx.QueryRowContext(sys(), `SELECT id FROM offers WHERE structure_id = $1 AND modality = 'respite'`, colombier).Scan(&offer)
	}); err != nil {
		t.Fatal(err)
	}
	return `{"kind":"convention","title":"Convention de répit Colombier – DITEP","signed_on":"2026-01-05","starts_on":"2026-01-05",
		"duration_months":12,"tacit_renewal":true,"notice_months":3,` + extra + `
		"parties":[{"organisation_id":"` + ditep + `","role":"beneficiaire"},{"organisation_id":"` + colombier + `","role":"signataire"}],
		"places":[{"offer_id":"` + offer + `","beneficiary_id":"` + ditep + `","places":2,"per_month":true}]}`
}

// The API of cooperation: bad input names its field; the steering
// registers an agreement reserving places, a party's director deposits
// the signed document, a reader outside the parties may not download it,
// a parent sees nothing; models and the article workflow. Every answer is
// checked against the OpenAPI document.
func TestCooperationAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		e.capCall(t, v, anonymous, "GET", "/api/v1/agreements", "", http.StatusUnauthorized)
		p := e.capCall(t, v, steering, "POST", "/api/v1/agreements", e.respiteBody(t, `"colour":"red",`), http.StatusUnprocessableEntity)
		wantProblem(t, "unknown field", p, "colour")
		p = e.capCall(t, v, steering, "POST", "/api/v1/agreements", `{"kind":"traité","title":"","parties":[{"organisation_id":"x","role":"chef"}]}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad agreement", p, "kind", "parties/0/role", "title")
		p = e.capCall(t, v, coopDitep, "POST", "/api/v1/agreements", e.respiteBody(t, ""), http.StatusUnprocessableEntity)
		wantProblem(t, "the DITEP keeps the MECS's places", p, "places/0/offer_id")
		e.capCall(t, v, coopEduDITEP, "POST", "/api/v1/agreements", e.respiteBody(t, ""), http.StatusForbidden)

		ag := e.capCall(t, v, steering, "POST", "/api/v1/agreements", e.respiteBody(t, ""), http.StatusCreated)
		path := "/api/v1/agreements/" + ag["id"].(string)
		if ag["status"] == "draft" || len(ag["places"].([]any)) != 1 || ag["ends_on"] != "2027-01-04" {
			t.Fatalf("created: %v", ag)
		}
		if got := e.capCall(t, v, coopEduMECS, "GET", path, "", http.StatusOK); got["can_edit"] != false || got["can_download"] != false {
			t.Fatalf("an educator of another MECS reads %v", got)
		}
		e.capCall(t, v, parent, "GET", path, "", http.StatusNotFound)
		if l := e.capCall(t, v, parent, "GET", "/api/v1/agreements", "", http.StatusOK); len(l["items"].([]any)) != 0 {
			t.Fatalf("a parent lists %v", l)
		}
		l := e.capCall(t, v, referent, "GET", "/api/v1/agreements?kind=cpom", "", http.StatusOK)
		if len(l["items"].([]any)) != 1 {
			t.Fatalf("the CPOM: %v", l)
		}
		p = e.capCall(t, v, referent, "GET", "/api/v1/agreements?ending_within=soon&kind=x", "", http.StatusUnprocessableEntity)
		wantProblem(t, "bad filter", p, "ending_within")
		counts := e.capCall(t, v, steering, "GET", "/api/v1/agreements/counts", "", http.StatusOK)
		if counts["departement"] != "42" || len(counts["items"].([]any)) != 7 {
			t.Fatalf("counts: %v", counts)
		}

		// The signed document.
		resp, body := e.call(coopDitep, "PUT", path+"/document?name=convention.pdf", "%PDF-1.4 signée", "Content-Type", "application/pdf")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "convention.pdf") {
			t.Fatalf("the DITEP deposits the document: %d %s", resp.StatusCode, body)
		}
		resp, body = e.call(coopDitep, "PUT", path+"/document", "GIF89a", "Content-Type", "application/pdf")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"field":"document"`) {
			t.Fatalf("a GIF as the signed document: %d %s", resp.StatusCode, body)
		}
		if resp, _ := e.call(coopEduDITEP, "GET", path+"/document", ""); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("the DITEP's educator downloads: %d", resp.StatusCode)
		}
		e.capCall(t, v, coopEduMECS, "GET", path+"/document", "", http.StatusForbidden)
		e.capCall(t, v, parent, "GET", path+"/document", "", http.StatusNotFound)

		p = e.capCall(t, v, coopDitep, "POST", path+"/termination", `{"terminated_on":"demain","reason":""}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad termination", p, "reason", "terminated_on")
		e.capCall(t, v, coopEduMECS, "POST", path+"/termination", `{"terminated_on":"2026-06-30","reason":"x"}`, http.StatusForbidden)

		// Models.
		e.capCall(t, v, director, "POST", "/api/v1/agreement-models", `{"title":"Charte","kind":"charte"}`, http.StatusForbidden)
		m := e.capCall(t, v, steering, "POST", "/api/v1/agreement-models", `{"title":"Charte d'accueil d'urgence","kind":"charte","duration_months":36}`, http.StatusCreated)
		if l := e.capCall(t, v, coopEduMECS, "GET", "/api/v1/agreement-models", "", http.StatusOK); len(l["items"].([]any)) != 2 {
			t.Fatalf("models: %v", l)
		}
		e.capCall(t, v, parent, "GET", "/api/v1/agreement-models/"+m["id"].(string), "", http.StatusNotFound)

		// An article: a draft of the DITEP's educator, published by the steering.
		p = e.capCall(t, v, coopEduDITEP, "POST", "/api/v1/articles", `{"title":"","summary":"x","body":"x","structure_types":["école"]}`, http.StatusUnprocessableEntity)
		wantProblem(t, "bad article", p, "structure_types", "title")
		ar := e.capCall(t, v, coopEduDITEP, "POST", "/api/v1/articles",
			`{"title":"Le répit du mercredi","summary":"Un après-midi par semaine.","body":"Un.\n\nDeux.","tags":["répit"],"structure_types":["ditep"]}`, http.StatusCreated)
		apath := "/api/v1/articles/" + ar["id"].(string)
		e.capCall(t, v, coopEduMECS, "GET", apath, "", http.StatusNotFound)
		e.capCall(t, v, coopEduDITEP, "POST", apath+"/status", `{"status":"published"}`, http.StatusForbidden)
		e.capCall(t, v, steering, "POST", apath+"/status", `{"status":"published"}`, http.StatusOK)
		if got := e.capCall(t, v, coopEduMECS, "GET", apath, "", http.StatusOK); got["status"] != "published" {
			t.Fatalf("published: %v", got)
		}
		if l := e.capCall(t, v, coopEduMECS, "GET", "/api/v1/articles?tag=répit&structure_type=ditep", "", http.StatusOK); len(l["items"].([]any)) != 2 {
			t.Fatalf("articles about respite in a DITEP: %v", l)
		}
		e.capCall(t, v, parent, "GET", apath, "", http.StatusNotFound)
	})
}

// The pages: the steering sees the territory's agreements with their
// counts; a form with a mistake comes back with what was typed; a parent
// sees no agreement, and no draft by its address.
func TestCooperationPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.get(pil, "/cooperation")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "CPOM 2024-2028") || !strings.Contains(body, "Partenariat PJJ") {
			t.Fatalf("the steering's list: %d", resp.StatusCode)
		}
		resp, body = e.get(pil, "/cooperation?fin=abc")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Un nombre de jours") {
			t.Fatalf("a bad filter: %d", resp.StatusCode)
		}
		resp, body = e.postForm(pil, "/cooperation/accords/nouveau", url.Values{"kind": {"convention"}, "title": {""},
			"reference": {"CONV-TEST-1"}, "party_org_0": {e.orgID("MECS Beauregard (fictif)")}, "party_role_0": {""}, "contact_email_0": {"faux"}, "contact_name_0": {"Jean"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="CONV-TEST-1"`) ||
			!strings.Contains(body, `id="e-party_role_0"`) || !strings.Contains(body, `id="e-contact_email_0"`) || !strings.Contains(body, `id="e-title"`) {
			t.Fatalf("the form with mistakes: %d %s", resp.StatusCode, between(body, "<main", "</form>"))
		}
		resp, _ = e.postForm(pil, "/cooperation/accords/nouveau", url.Values{"kind": {"charte"}, "title": {"Charte des week-ends"},
			"party_org_0": {e.orgID("MECS Beauregard (fictif)")}, "party_role_0": {"signataire"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the draft: %d", resp.StatusCode)
		}
		draft := resp.Header.Get("Location")
		if resp, body = e.get(pil, draft); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Projet") {
			t.Fatalf("the draft's page: %d", resp.StatusCode)
		}
		fam := e.login(parent)
		if resp, body = e.get(fam, "/cooperation"); resp.StatusCode != http.StatusOK || strings.Contains(body, "CPOM 2024") || !strings.Contains(body, "Aucun accord") {
			t.Fatalf("a parent's list shows agreements")
		}
		if resp, _ = e.get(fam, draft); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("a parent opens the draft: %d", resp.StatusCode)
		}
		edu := e.login(coopEduMECS)
		if resp, _ = e.get(edu, draft); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("an educator opens the draft: %d", resp.StatusCode)
		}
		if resp, body = e.get(edu, "/cooperation/modeles"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Convention de répit entre structures") {
			t.Fatalf("the models: %d", resp.StatusCode)
		}
		if resp, body = e.get(edu, "/cooperation/pratiques?mot=répit"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "relais parental") ||
			strings.Contains(body, "Préparer un retour") {
			t.Fatalf("the knowledge base: %d", resp.StatusCode)
		}
		if resp, _ = e.get(edu, "/cooperation/accords/nouveau"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an educator opens the new agreement form: %d", resp.StatusCode)
		}
		if resp, _ = e.get(edu, "/cooperation/modeles/nouveau"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("an educator opens the new model form: %d", resp.StatusCode)
		}
		if resp, _ = e.get(fam, "/cooperation/modeles/nouveau"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a parent opens the new model form: %d", resp.StatusCode)
		}
	})
}

// An article written with a 2 MB PDF attached is saved, not refused for
// its size with what was typed lost; so is a second PDF added later.
func TestCooperationArticleWithALargeAttachment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		edu := e.login(coopEduDITEP)
		big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 2<<20)...)
		resp, body := e.postMultipart(edu, "/cooperation/pratiques/nouvelle", url.Values{"title": {"Un accueil séquentiel"},
			"summary": {"Trois jours ici, quatre là."}, "body": {"Comment nous faisons."}}, "attachments", "protocole.pdf", big)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the article with a 2 MB PDF: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
		}
		article := resp.Header.Get("Location")
		resp, body = e.postMultipart(edu, article+"/modifier", url.Values{"title": {"Un accueil séquentiel, revu"},
			"summary": {"Trois jours ici, quatre là."}, "body": {"Comment nous faisons."}}, "attachments", "annexe.pdf", big)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the article edited with a 2 MB PDF: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
		}
		if resp, body = e.get(edu, article); resp.StatusCode != http.StatusOK || !strings.Contains(body, "protocole.pdf") || !strings.Contains(body, "annexe.pdf") {
			t.Fatalf("the article's page: %d", resp.StatusCode)
		}
	})
}

// The models' list: the steering finds, on each model, the links to edit
// it and the form to replace its PDF; an educator reads and downloads
// it, without them. The knowledge base shows each article's tags.
func TestCooperationModelsAndKnowledgeLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.login(steering)
		resp, body := e.get(pil, "/cooperation/modeles")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "/modifier") || !strings.Contains(body, "Remplacer le PDF") ||
			!strings.Contains(body, "Télécharger le modèle (PDF") {
			t.Fatalf("the steering's models: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
		}
		edu := e.login(coopEduMECS)
		resp, body = e.get(edu, "/cooperation/modeles")
		if resp.StatusCode != http.StatusOK || strings.Contains(body, "/modifier") || strings.Contains(body, "Remplacer le PDF") ||
			!strings.Contains(body, "Télécharger le modèle (PDF") {
			t.Fatalf("an educator's models: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
		}
		resp, body = e.get(edu, "/cooperation/pratiques")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `href="/cooperation/pratiques?mot=double%20vuln%c3%a9rabilit%c3%a9"`) ||
			!strings.Contains(body, ">famille</a>") {
			t.Fatalf("the knowledge base's tags: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
		}
	})
}
