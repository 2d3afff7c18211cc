package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The demo MECS has an emergency figure past its two days: the prompt job
// tells its director in the app; the notification leads to the board page
// and is the director's alone.
func TestNotificationsOfStaleFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		base, _ := url.Parse("http://passerelle.test")
		if n, err := e.srv.Capacity.PromptStale(sys(), base); err != nil || n == 0 {
			t.Fatalf("prompted %d (%v)", n, err)
		}
		c := e.login(director)
		resp, body := e.get(c, "/notifications")
		mustContain(t, resp, body, http.StatusOK, "Disponibilités à confirmer : MECS Beauregard", "1 non lue")
		id := between(body, `href="/notifications/`, `"`)
		if id == "" || strings.Contains(id, "/") {
			t.Fatalf("no notification link in %s", excerpt(body))
		}
		// Another account cannot open it.
		other := e.login(referent)
		if resp, _ := e.get(other, "/notifications/"+id); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another account opens it: %d", resp.StatusCode)
		}
		resp, _ = e.get(c, "/notifications/"+id)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/disponibilites/structures/") {
			t.Fatalf("open: %d %s", resp.StatusCode, loc)
		}
		resp, body = e.get(c, "/notifications")
		mustContain(t, resp, body, http.StatusOK, "Tout est lu.")
	})
}
