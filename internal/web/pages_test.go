package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

func TestPagesAndLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		anon := e.browser()

		resp, _ := e.get(anon, "/")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/connexion" {
			t.Fatalf("anonymous home: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := e.get(anon, "/connexion")
		mustContain(t, resp, body, 200, `<html lang="fr">`, "Connexion", "Mot de passe oublié")
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}

		// A wrong password: French error, the e-mail kept, nothing else revealed.
		resp, body = e.postForm(anon, "/connexion", url.Values{"email": {referent}, "password": {"mauvais mot de passe"}})
		mustContain(t, resp, body, 401, "Adresse e-mail ou mot de passe incorrect", `value="`+referent+`"`)
		resp, body = e.postForm(anon, "/connexion", url.Values{"email": {"inconnu@nulle.part"}, "password": {"x"}})
		mustContain(t, resp, body, 401, "Adresse e-mail ou mot de passe incorrect")

		// The referent logs in, sees the home page, logs out.
		c := e.login(referent)
		resp, body = e.get(c, "/")
		mustContain(t, resp, body, 200, "Bonjour", "Référent", "Organisations")
		resp, body = e.get(c, "/admin/journal")
		mustContain(t, resp, body, 403, "Accès refusé")
		resp, body = e.get(c, "/organisations?type_org=structure")
		mustContain(t, resp, body, 200, "(fictif)")
		resp, body = e.get(c, "/organisations/"+e.homeOrg(director))
		mustContain(t, resp, body, 200, "MECS", `href="tel:0499`)
		resp, body = e.get(c, "/compte")
		mustContain(t, resp, body, 200, referent, "Jetons d'accès")
		resp, body = e.get(c, "/nulle-part")
		mustContain(t, resp, body, 404, "Page introuvable")
		resp, body = e.get(c, "/organisations/00000000-0000-7000-8000-000000000000")
		mustContain(t, resp, body, 404, "introuvable")
		resp, _ = e.postForm(c, "/deconnexion", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		resp, _ = e.get(c, "/")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after logout the home page must redirect, got %d", resp.StatusCode)
		}

		// The administrator must set up two-factor before anything else.
		a := e.browser()
		resp, _ = e.postForm(a, "/connexion", url.Values{"email": {admin}, "password": {demo.Password}})
		if resp.Header.Get("Location") != "/connexion/double-authentification" {
			t.Fatalf("admin login must force enrolment, went to %q", resp.Header.Get("Location"))
		}
		resp, _ = e.get(a, "/admin/journal")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("half-logged-in admin reached the journal: %d", resp.StatusCode)
		}
		// The QR code is drawn, not replaced by the template's "#ZgotmplZ"
		// (which made the browser load the page again as an image).
		resp, body = e.get(a, "/connexion/double-authentification")
		mustContain(t, resp, body, 200, `src="data:image/png;base64,`)
		a = e.login(admin)
		resp, body = e.get(a, "/admin/journal?action=auth.")
		mustContain(t, resp, body, 200, "auth.login", "auth.login_failed")
		resp, body = e.get(a, "/admin/comptes")
		mustContain(t, resp, body, 200, referent)

		// A form with errors keeps what was typed.
		resp, body = e.postForm(a, "/admin/organisations/nouvelle", url.Values{"kind": {"structure"}, "name": {"Foyer Éole"}, "commune": {"Nulle-Part-sur-Rien"}})
		mustContain(t, resp, body, 422, `value="Foyer Éole"`, "Commune introuvable", `value="Nulle-Part-sur-Rien"`)
		resp, body = e.postForm(a, "/admin/organisations/nouvelle", url.Values{"kind": {"structure"}, "name": {"Foyer Éole"}, "structure_type": {"mecs"}, "commune": {"Saint-Étienne (42218)"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create org: %d %s", resp.StatusCode, body)
		}
		resp, body = e.get(a, resp.Header.Get("Location"))
		mustContain(t, resp, body, 200, "Foyer Éole", "Saint-Étienne")
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	req, _ := http.NewRequest("POST", e.ts.URL+"/connexion", strings.NewReader("email=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", resp.StatusCode)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	c := e.browser()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ok", "/metrics": "passerelle_http_requests_total"} {
		e.get(c, "/connexion")
		resp, body := e.get(c, path)
		mustContain(t, resp, body, 200, want)
	}
	_, body := e.get(c, "/metrics")
	for _, m := range []string{"passerelle_http_request_duration_seconds_bucket", "passerelle_db_open_connections", "passerelle_jobs_pending",
		`route="GET /connexion"`, `route="GET /healthz"`} {
		if !strings.Contains(body, m) {
			t.Errorf("metrics lack %s", m)
		}
	}
	logged := e.login(educator)
	e.db.Close()
	resp, _ := e.get(c, "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d", resp.StatusCode)
	}
	// A failure the user cannot fix: a French page naming the request, no detail.
	resp, body = e.get(logged, "/")
	mustContain(t, resp, body, 500, "Erreur interne", "pas été modifiées", "Numéro de requête : <code>"+resp.Header.Get("X-Request-Id"))
	if strings.Contains(body, "sql") || strings.Contains(body, "closed") {
		t.Fatalf("the 500 page leaks the cause: %s", excerpt(body))
	}
	resp, body = e.call(educator, "GET", "/api/v1/me", "")
	if resp.StatusCode != 500 || !strings.Contains(body, `"request_id"`) || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API with the database closed: %d %s", resp.StatusCode, body)
	}
}

func mustContain(t *testing.T, resp *http.Response, body string, status int, parts ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", resp.Request.URL.Path, resp.StatusCode, status, excerpt(body))
	}
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s: page lacks %q\n%s", resp.Request.URL.Path, p, excerpt(body))
		}
	}
}

func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

// A session unused for longer than PASSERELLE_SESSION_IDLE ends; reading
// pages does not rewrite the session each time.
func TestIdleSessionEnds(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := newEnv(t, d)
	c := e.login(educator)
	var before, after int
	d.SQL().QueryRow(`SELECT count(*) FROM audit_log`).Scan(&before)
	var writes1, writes2 string
	d.SQL().QueryRow(`SELECT expiry FROM sessions`).Scan(&writes1)
	for range 5 {
		resp, _ := e.get(c, "/")
		if resp.StatusCode != 200 {
			t.Fatalf("home: %d", resp.StatusCode)
		}
	}
	d.SQL().QueryRow(`SELECT expiry FROM sessions`).Scan(&writes2)
	d.SQL().QueryRow(`SELECT count(*) FROM audit_log`).Scan(&after)
	if writes1 != writes2 || before != after {
		t.Fatalf("reading pages rewrote the session (%s → %s) or the log (%d → %d)", writes1, writes2, before, after)
	}
	dbtest.NewClock(time.Now().Add(3 * time.Hour)).Use(d)
	resp, _ := e.get(c, "/")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/connexion" {
		t.Fatalf("after 3 idle hours: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
