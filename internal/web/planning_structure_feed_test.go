package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The DITEP's agenda: Karim makes the link on the list of children; the
// feed needs no session, carries Lucas's whole planning as initials,
// kinds and structures, no label and no name; it stops when revoked. The
// referent, who works at no structure, is offered none.
func TestStructureFeedPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		karim := e.login(educator)
		resp, body := e.get(karim, "/enfants")
		mustContain(t, resp, body, http.StatusOK, "Agenda de la structure", "Créer un lien d'agenda")
		ditep := e.orgID("DITEP Le Gier (fictif)")
		if resp, _ := e.postForm(karim, "/enfants/agenda-structure", url.Values{"organisation": {e.orgID("MECS Beauregard (fictif)")}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a link to another structure's agenda: %d", resp.StatusCode)
		}
		resp, body = e.postForm(karim, "/enfants/agenda-structure", url.Values{"organisation": {ditep}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Copiez ce lien") || !strings.Contains(body, "Lucas") {
			t.Fatalf("create: %d\n%s", resp.StatusCode, excerpt(body))
		}
		feed := "/agenda/structure/" + between(body, "/agenda/structure/", "<")
		anon := e.browser()
		resp, body = e.get(anon, feed)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		unfolded := strings.ReplaceAll(body, "\r\n ", "")
		for _, want := range []string{"X-WR-CALNAME:Planning — DITEP Le Gier (fictif)", "SUMMARY:L. F. — Accueil de jour (DITEP Le Gier (fictif))",
			"SUMMARY:L. F. — Lieu de vie (MECS Beauregard (fictif))"} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("feed lacks %q", want)
			}
		}
		if strings.Contains(unfolded, "Fontaine") || strings.Contains(unfolded, "Lucas") || strings.Contains(unfolded, "Visite avec sa mère") {
			t.Fatalf("feed content:\n%s", excerpt(unfolded))
		}
		if resp, _ := e.get(anon, "/agenda/structure/pas-un-vrai-lien-secret-du-tout.ics"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a made-up link: %d", resp.StatusCode)
		}
		if resp, _ := e.get(anon, "/agenda/"+strings.TrimPrefix(feed, "/agenda/structure/")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a structure's token as a child's link: %d", resp.StatusCode)
		}

		resp, body = e.get(karim, "/enfants")
		mustContain(t, resp, body, http.StatusOK, "Lien créé le", "utilisé le", "Révoquer")
		if strings.Contains(body, "Copiez ce lien") {
			t.Error("the link is shown again")
		}
		revoke := between(body, `action="/enfants/agenda-structure/`, `"`)
		if resp, _ := e.postForm(e.login(ditepDirector), "/enfants/agenda-structure/"+revoke, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoked by someone else: %d", resp.StatusCode)
		}
		if resp, _ := e.postForm(karim, "/enfants/agenda-structure/"+revoke, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := e.get(anon, feed); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a revoked link: %d", resp.StatusCode)
		}
		var audited int
		if err := d.Read(sys(), func(tx *db.Tx) error {
			return tx.QueryRowContext(sys(), `SELECT count(*) FROM audit_log WHERE action = 'child.planning.feed' AND actor_id = $1`,
				e.accountID(educator)).Scan(&audited)
		}); err != nil || audited == 0 {
			t.Fatalf("the feed's reading is not audited: %d %v", audited, err)
		}

		_, body = e.get(e.login(referent), "/enfants")
		if strings.Contains(body, "Agenda de la structure") {
			t.Error("the referent is offered a structure's agenda")
		}
		if resp, _ := e.postForm(e.login(referent), "/enfants/agenda-structure", url.Values{"organisation": {ditep}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("the referent makes a DITEP link: %d", resp.StatusCode)
		}
	})
}
