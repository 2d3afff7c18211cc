package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/config"
	"passerelle/internal/db"
	"passerelle/internal/demo"
	"passerelle/internal/web"
)

// env is a running Passerelle on a real database with the demo territory.
type env struct {
	t      *testing.T
	db     *db.DB
	srv    *web.Server
	ts     *httptest.Server
	tokens map[string]string // demo e-mail → API token
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	if _, _, err := demo.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string {
		if k == "PASSERELLE_LOG_LEVEL" {
			return "error"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(cfg, d, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	srv.Demo = true
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, db: d, srv: srv, ts: ts, tokens: map[string]string{}}
	sys := access.WithActor(ctx, access.SystemActor)
	for _, a := range demo.Accounts() {
		id, err := srv.Auth.AccountIDByEmail(sys, a.Email)
		if err != nil {
			t.Fatalf("%s: %v", a.Email, err)
		}
		tok, _, err := srv.Auth.CreateAPIToken(sys, id, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[a.Email] = tok
	}
	return e
}

const (
	admin     = "admin@demo.passerelle.test"
	referent  = "referent@demo.passerelle.test"
	director  = "directeur@demo.passerelle.test"
	educator  = "educateur@demo.passerelle.test"
	parent    = "famille@demo.passerelle.test"
	steering  = "pilotage@demo.passerelle.test"
	anonymous = ""
)

// call sends a request as the account (by API token) and returns status and body.
func (e *env) call(who, method, path, body string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, string(b)
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// homeOrg returns the first organisation of a demo account, read from /api/v1/me.
func (e *env) homeOrg(who string) string {
	e.t.Helper()
	resp, body := e.call(who, "GET", "/api/v1/me", "")
	var me struct {
		Memberships []struct {
			OrganisationID string `json:"organisation_id"`
		}
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil || resp.StatusCode != 200 || len(me.Memberships) == 0 {
		e.t.Fatalf("me of %s: %d %s", who, resp.StatusCode, body)
	}
	return me.Memberships[0].OrganisationID
}

// browser is a cookie-keeping client that logs in through the pages.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) postForm(c *http.Client, path string, v url.Values) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.PostForm(e.ts.URL+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) get(c *http.Client, path string) (*http.Response, string) {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// login logs a browser in with the demo password, completing the
// two-factor enrolment when the role requires it.
func (e *env) login(email string) *http.Client {
	e.t.Helper()
	c := e.browser()
	resp, body := e.postForm(c, "/connexion", url.Values{"email": {email}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", email, resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc == "/connexion/double-authentification" {
		_, page := e.get(c, loc)
		secret := between(page, `id="totp-secret">`, "<")
		code, _ := totp.GenerateCode(secret, time.Now())
		resp, body = e.postForm(c, loc, url.Values{"code": {code}})
		if resp.StatusCode != http.StatusSeeOther {
			e.t.Fatalf("enrol %s: %d %s", email, resp.StatusCode, body)
		}
	}
	return c
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// mustAuth is a helper for tests that act through the services directly.
func sys() context.Context { return access.WithActor(context.Background(), access.SystemActor) }

var _ = auth.HashPassword
