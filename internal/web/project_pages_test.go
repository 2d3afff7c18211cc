package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Lucas's project through the pages: the MECS's educator writes in the
// draft (a mistyped deadline comes back with everything typed; a save on
// a stale form is refused and keeps what was typed), the referent
// validates it, the PDF prints; the foster carer and the mobile team of
// another child get 404 everywhere; the mother reads the care objective.
func TestProjectPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.login(educatorMECS)
		_, body := e.get(lea, "/enfants")
		child := "/enfants/" + between(body, `<a href="/enfants/`, `"`)
		resp, body := e.get(lea, child+"/projet/brouillon")
		mustContain(t, resp, body, http.StatusOK, "Version 2 : brouillon", "Aller en classe ULIS tous les matins",
			"1 élément(s) de soins")
		if strings.Contains(body, "orthophonie") {
			t.Fatal("the MECS reads the care objective in the draft form")
		}
		rev := between(body, `name="revision" value="`, `"`)
		rows := between(body, `name="rows" value="`, `"`)
		form := url.Values{"revision": {rev}, "rows": {"1"}, "child_words": {"Je veux faire du judo."},
			"part.0": {"action"}, "domain.0": {"social"}, "text.0": {"Inscription au judo"}, "who.0": {"MECS"}, "due.0": {"31/02/2027"}}
		resp, body = e.postForm(lea, child+"/projet/brouillon", form)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Date invalide", `value="MECS"`, "Inscription au judo", "Je veux faire du judo.")
		form.Set("due.0", "2027-02-15")
		form.Set("more", "1")
		resp, body = e.postForm(lea, child+"/projet/brouillon", form)
		mustContain(t, resp, body, http.StatusOK, "Inscription au judo", `name="rows" value="4"`)
		form.Del("more")
		resp, _ = e.postForm(lea, child+"/projet/brouillon", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d (rows %s)", resp.StatusCode, rows)
		}
		resp, body = e.postForm(lea, child+"/projet/brouillon", form)
		mustContain(t, resp, body, http.StatusConflict, "a modifié le brouillon entre-temps", "Inscription au judo")

		ref := e.login(referent)
		resp, body = e.get(ref, child+"/projet")
		mustContain(t, resp, body, http.StatusOK, "Version 2 en préparation", "Valider la version 2")
		rev = between(body, `name="revision" value="`, `"`)
		resp, body = e.postForm(ref, child+"/projet/validation", url.Values{"revision": {rev}, "agreement": {"disagreed"}, "review_on": {"2027-03-01"}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Dites pourquoi", `value="2027-03-01"`)
		resp, _ = e.postForm(ref, child+"/projet/validation", url.Values{"revision": {rev}, "agreement": {"disagreed"},
			"agreement_note": {"La mère voudrait un retour à domicile."}, "review_on": {"2027-03-01"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("validate: %d", resp.StatusCode)
		}
		resp, body = e.get(ref, child+"/projet")
		mustContain(t, resp, body, http.StatusOK, "Version 2", "en cours", "La mère voudrait un retour à domicile.", "Inscription au judo")
		resp, body = e.get(ref, child+"/projet/versions/2/projet.pdf")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("pdf: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		resp, body = e.get(ref, child+"/projet/ecarts?de=1&a=2")
		mustContain(t, resp, body, http.StatusOK, "ajouté", "Inscription au judo", "retiré")

		for _, who := range []string{fosterCarer, "equipe-mobile@demo.passerelle.test"} {
			c := e.login(who)
			for _, path := range []string{"/projet", "/projet/brouillon", "/projet/ecarts?de=1&a=2", "/projet/versions/1/projet.pdf"} {
				if resp, body := e.get(c, child+path); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s opens %s: %d %s", who, path, resp.StatusCode, excerpt(body))
				}
			}
			if resp, _ := e.postForm(c, child+"/projet/brouillon/nouveau", url.Values{}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s opens a draft: %d", who, resp.StatusCode)
			}
		}
		mother := e.login(parent)
		resp, body = e.get(mother, child+"/projet")
		mustContain(t, resp, body, http.StatusOK, "Séances d&#39;orthophonie")
		if strings.Contains(body, "Préparer la version suivante") {
			t.Error("the mother is offered to write the project")
		}
	})
}
