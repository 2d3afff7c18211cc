package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// A respite request through the pages: the referent's form keeps what was
// typed when a field is wrong; the DITEP's director reads the child's age
// and not the name, refuses without a reason (kept, refused), then
// accepts; the referent confirms, the MECS is closed; the mother and the
// foster carer of another child get 404; the DITEP reads its response
// times, not the MECS's.
func TestRequestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=lucas")
		lucas := between(body, `<a href="/enfants/`, `"`)
		resp, body := e.get(ref, "/demandes/nouvelle?enfant="+lucas)
		mustContain(t, resp, body, http.StatusOK, "Nouvelle demande", `value="`+lucas+`" selected`)
		ditep, mecs := e.orgID("DITEP Le Gier (fictif)"), e.orgID("MECS Beauregard (fictif)")
		from := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
		to := time.Now().AddDate(0, 0, 18).Format(time.DateOnly)
		form := url.Values{"kind": {"respite"}, "child": {lucas}, "from": {from}, "to": {to}, "need": {"Souffler avant Noël."},
			"crisis": {"1"}, "recipients": {ditep, mecs}, "action": {"send"}}
		resp, body = e.postMultipart(ref, "/demandes/nouvelle", form, "attachments", "bilan.docx", []byte("PK\x03\x04 word"))
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "six jours au plus", "n&#39;est ni un PDF ni une image",
			"Souffler avant Noël.", `id="f-crisis" name="crisis" value="1" checked`)
		form.Set("to", time.Now().AddDate(0, 0, 12).Format(time.DateOnly))
		resp, _ = e.postForm(ref, "/demandes/nouvelle", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", resp.StatusCode)
		}
		page := resp.Header.Get("Location")
		resp, body = e.get(ref, page)
		mustContain(t, resp, body, http.StatusOK, "Lucas Fontaine", "urgente : situation de crise, double vulnérabilité", "DITEP Le Gier (fictif)",
			"MECS Beauregard (fictif)", "En attente de réponse")

		dir := e.login(ditepDirector)
		resp, body = e.get(dir, "/demandes")
		mustContain(t, resp, body, http.StatusOK, "Accueil de répit", "Enfant de 9 ans")
		resp, body = e.get(dir, page)
		mustContain(t, resp, body, http.StatusOK, "9 ans", "son nom vous est donné si vous acceptez", "Votre réponse")
		if strings.Contains(body, "Fontaine") {
			t.Fatal("the DITEP reads the child's name before accepting")
		}
		resp, body = e.postForm(dir, page+"/reponse", url.Values{"structure": {ditep}, "event": {"refuse"}, "text": {"Nous sommes complets."}})
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez la raison du refus", "Nous sommes complets.")
		resp, _ = e.postForm(dir, page+"/reponse", url.Values{"structure": {ditep}, "event": {"accept"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", resp.StatusCode)
		}
		_, body = e.get(dir, page)
		if !strings.Contains(body, "Lucas Fontaine") {
			t.Fatal("after accepting, the DITEP does not read the name")
		}
		resp, _ = e.postForm(ref, page+"/confirmation", url.Values{"structure": {ditep}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", resp.StatusCode)
		}
		resp, body = e.get(ref, page)
		mustContain(t, resp, body, http.StatusOK, "Confirmée avec DITEP Le Gier (fictif)", "Close (autre structure retenue)")
		mecsDir := e.login(director)
		resp, body = e.postForm(mecsDir, page+"/reponse", url.Values{"structure": {mecs}, "event": {"accept"}})
		mustContain(t, resp, body, http.StatusConflict, "ce n&#39;est plus possible")

		for _, who := range []string{parent, fosterCarer} {
			if resp, _ := e.get(e.login(who), page); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s opens the request: %d", who, resp.StatusCode)
			}
		}
		resp, body = e.get(dir, "/demandes/delais")
		mustContain(t, resp, body, http.StatusOK, "DITEP Le Gier (fictif)", "Accueil de répit", "100 %")
		if resp, _ := e.get(dir, "/demandes/delais?structure="+mecs); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the DITEP reads the MECS's times: %d", resp.StatusCode)
		}
	})
}

// One's e-mails: each notification or a summary a day, chosen on "Mon compte".
func TestMailChoice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		dir := e.login(ditepDirector)
		resp, body := e.get(dir, "/compte")
		mustContain(t, resp, body, http.StatusOK, `id="mail-each" name="mail" value="each" checked`)
		resp, _ = e.postForm(dir, "/compte/courriels", url.Values{"mail": {"digest"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("choice: %d", resp.StatusCode)
		}
		resp, body = e.get(dir, "/compte")
		mustContain(t, resp, body, http.StatusOK, `id="mail-digest" name="mail" value="digest" checked`, "Un résumé par jour")
	})
}

// A director with no place refuses two requests at once; without a reason
// nothing is refused and the ticks stay; refused again, she is told why
// nothing changed; the filters narrow the inbox.
func TestRequestsBulkRefusalAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.login(referent)
		_, body := e.get(ref, "/enfants?q=lucas")
		lucas := between(body, `<a href="/enfants/`, `"`)
		ditep := e.orgID("DITEP Le Gier (fictif)")
		var ids []string
		for _, kind := range []string{"consultation", "mobile_team"} {
			resp, _ := e.postForm(ref, "/demandes/nouvelle", url.Values{"kind": {kind}, "child": {lucas}, "need": {"Un avis."},
				"recipients": {ditep}, "action": {"send"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("send %s: %d", kind, resp.StatusCode)
			}
			ids = append(ids, strings.TrimPrefix(resp.Header.Get("Location"), "/demandes/"))
		}
		dir := e.login(ditepDirector)
		resp, body := e.get(dir, "/demandes?boite=recues&nature=consultation")
		mustContain(t, resp, body, http.StatusOK, "Consultation (CMPP, pédopsychiatrie)")
		if list := between(body, `<ul class="request-list">`, `</ul>`); !strings.Contains(list, "Consultation") ||
			strings.Contains(list, "Intervention de l&#39;équipe mobile") {
			t.Fatalf("the filtered inbox: %s", list)
		}
		picks := url.Values{"pick": {ids[0] + ":" + ditep, ids[1] + ":" + ditep}}
		resp, body = e.postForm(dir, "/demandes/lot", picks)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Choisissez la raison du refus", `value="`+ids[0]+":"+ditep+`" checked`)
		// "Another reason" without words: said on the form, as the form
		// posts it (the inbox kept), nothing refused.
		picks.Set("reason", "other")
		resp, body = e.postForm(dir, "/demandes/lot?boite=recues", picks)
		mustContain(t, resp, body, http.StatusUnprocessableEntity, "Dites la raison du refus", `value="`+ids[1]+":"+ditep+`" checked`,
			`action="/demandes/lot?boite=recues"`)
		picks.Set("reason", "no_place")
		resp, _ = e.postForm(dir, "/demandes/lot", picks)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("bulk: %d", resp.StatusCode)
		}
		for _, id := range ids {
			_, body := e.get(ref, "/demandes/"+id)
			if !strings.Contains(body, "Refusée : Pas de place") {
				t.Fatalf("request %s after the bulk refusal: %s", id, excerpt(body))
			}
		}
		// Refused twice: nothing happens, and the director is told why.
		resp, _ = e.postForm(dir, "/demandes/lot", picks)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("bulk again: %d", resp.StatusCode)
		}
		_, body = e.get(dir, "/demandes?boite=recues")
		mustContain(t, resp, body, http.StatusSeeOther, "0 demande(s) refusée(s)", "2 n&#39;ont pas pu l&#39;être")
	})
}
