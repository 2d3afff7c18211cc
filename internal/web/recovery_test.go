package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// mailedLink returns the last link to path that was queued in a mail to addr.
func (e *env) mailedLink(addr, path string) string {
	e.t.Helper()
	rows, err := e.db.SQL().Query(`SELECT payload FROM jobs WHERE kind = 'mail.send' ORDER BY created_at`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	link := ""
	re := regexp.MustCompile(`https?://[^\s]+` + regexp.QuoteMeta(path) + `[A-Za-z0-9_-]+`)
	for rows.Next() {
		var payload string
		rows.Scan(&payload)
		var m struct{ To, Text string }
		json.Unmarshal([]byte(payload), &m)
		if m.To == addr {
			if l := re.FindString(m.Text); l != "" {
				link = l
			}
		}
	}
	if link == "" {
		e.t.Fatalf("no mail to %s with a link to %s", addr, path)
	}
	u, _ := url.Parse(link)
	return u.Path
}

func TestPasswordResetAndInvitation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.browser()
		// Same answer for a known and an unknown address.
		resp, body := e.postForm(c, "/mot-de-passe/oublie", url.Values{"email": {"personne@nulle.part"}})
		mustContain(t, resp, body, 200, "Si un compte actif existe")
		resp, body = e.postForm(c, "/mot-de-passe/oublie", url.Values{"email": {referent}})
		mustContain(t, resp, body, 200, "Si un compte actif existe")
		link := e.mailedLink(referent, "/mot-de-passe/reinitialiser/")

		resp, body = e.get(c, link)
		mustContain(t, resp, body, 200, referent, "Nouveau mot de passe")
		// Mismatch and weak password: the page says why and nothing changes.
		resp, body = e.postForm(c, link, url.Values{"password": {"une phrase assez longue"}, "password_confirm": {"autre chose"}})
		mustContain(t, resp, body, 422, "ne sont pas identiques")
		resp, body = e.postForm(c, link, url.Values{"password": {"court"}, "password_confirm": {"court"}})
		mustContain(t, resp, body, 422, "12")
		resp, _ = e.postForm(c, link, url.Values{"password": {"le chat dort sur le radiateur"}, "password_confirm": {"le chat dort sur le radiateur"}})
		if resp.StatusCode != 303 {
			t.Fatalf("reset: %d", resp.StatusCode)
		}
		// The link is single-use; the new password works, the old one no longer does.
		resp, body = e.get(c, link)
		mustContain(t, resp, body, 410, "plus valable")
		resp, _ = e.postForm(e.browser(), "/connexion", url.Values{"email": {referent}, "password": {"le chat dort sur le radiateur"}})
		if resp.StatusCode != 303 {
			t.Fatalf("login with the new password: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(e.browser(), "/connexion", url.Values{"email": {referent}, "password": {"Passerelle-demo-2026"}})
		if resp.StatusCode != 401 {
			t.Fatalf("old password still accepted: %d", resp.StatusCode)
		}
		resp, body = e.get(c, "/mot-de-passe/reinitialiser/nimportequoi")
		mustContain(t, resp, body, 410, "Demander un nouveau lien")

		// A director invites an educator; the educator sets a password and logs in.
		dir := e.login(director)
		resp, body = e.postForm(dir, "/admin/comptes/nouveau", url.Values{"name": {"Inès Garnier"}, "email": {"ines.garnier@demo.passerelle.test"},
			"organisation_id": {e.homeOrg(director)}, "role": {"educator"}})
		if resp.StatusCode != 303 {
			t.Fatalf("invite: %d %s", resp.StatusCode, excerpt(body))
		}
		resp, body = e.postForm(dir, "/admin/comptes/nouveau", url.Values{"name": {"Inès Garnier"}, "email": {"ines.garnier@demo.passerelle.test"},
			"organisation_id": {e.homeOrg(director)}, "role": {"educator"}})
		mustContain(t, resp, body, 422, "existe déjà", `value="Inès Garnier"`)
		inv := e.mailedLink("ines.garnier@demo.passerelle.test", "/invitation/")
		ines := e.browser()
		resp, body = e.get(ines, inv)
		mustContain(t, resp, body, 200, "Activer votre compte", "ines.garnier@demo.passerelle.test")
		resp, _ = e.postForm(ines, inv, url.Values{"password": {"mon vélo est bleu et rapide"}, "password_confirm": {"mon vélo est bleu et rapide"}})
		if resp.StatusCode != 303 {
			t.Fatalf("accept invitation: %d", resp.StatusCode)
		}
		resp, _ = e.postForm(ines, "/connexion", url.Values{"email": {"ines.garnier@demo.passerelle.test"}, "password": {"mon vélo est bleu et rapide"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
			t.Fatalf("invited educator login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	c := e.browser()
	var body string
	for i := 0; i < 7; i++ {
		var code int
		resp, b := e.postForm(c, "/connexion", url.Values{"email": {educator}, "password": {"essai " + strings.Repeat("x", i)}})
		code, body = resp.StatusCode, b
		if i == 6 && code != 429 {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	if !strings.Contains(body, "Réessayez à") || !strings.Contains(body, `value="`+educator+`"`) {
		t.Fatalf("throttled page: %s", excerpt(body))
	}
	// Even the right password waits.
	resp, _ := e.postForm(c, "/connexion", url.Values{"email": {educator}, "password": {"Passerelle-demo-2026"}})
	if resp.StatusCode != 429 {
		t.Fatalf("right password while throttled: %d", resp.StatusCode)
	}
}

// Changing the password ends the account's other sessions, not the one
// that changed it.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		phone, laptop := e.login(educator), e.login(educator)
		resp, body := e.postForm(laptop, "/compte/mot-de-passe", url.Values{"current_password": {"Passerelle-demo-2026"},
			"password": {"trois tortues traversent la rue"}, "password_confirm": {"trois tortues traversent la rue"}})
		if resp.StatusCode != 303 {
			t.Fatalf("change password: %d %s", resp.StatusCode, excerpt(body))
		}
		resp, body = e.get(laptop, "/compte")
		mustContain(t, resp, body, 200, "Vos autres sessions sont fermées")
		resp, _ = e.get(phone, "/compte")
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/connexion" {
			t.Fatalf("the other session still works: %d", resp.StatusCode)
		}
		// A wrong current password changes nothing and keeps the form.
		resp, body = e.postForm(laptop, "/compte/mot-de-passe", url.Values{"current_password": {"faux"},
			"password": {"une autre phrase de passe"}, "password_confirm": {"une autre phrase de passe"}})
		mustContain(t, resp, body, 422, "Mot de passe")
	})
}
