// Package e2e drives a real headless Chromium against a real Passerelle
// server (in this process, on a loopback port) on SQLite and PostgreSQL.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/config"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/web"
)

// chromium finds the browser; without one the tests skip, or fail on CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("PASSERELLE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium not found: browser tests must run on CI (./scripts/test installs it)")
	}
	t.Skip("Chromium not found; ./scripts/test installs it")
	return ""
}

// startServer serves the demo territory on a fresh database of the dialect.
func startServer(t *testing.T, d *db.DB) string {
	t.Helper()
	if _, _, err := demo.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(cfg, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv.Demo = true
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// browser starts a headless Chromium with a fresh profile; width and
// height set the window (a phone is 390×844).
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func TestLoginHomeLogout(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		ctx := browser(t, 390, 844)
		var heading, loginHeading, lang string
		err := chromedp.Run(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(`#f-email`, chromedp.ByQuery),
			chromedp.AttributeValue(`html`, "lang", &lang, nil, chromedp.ByQuery),
			chromedp.SendKeys(`#f-email`, "referent@demo.passerelle.test", chromedp.ByQuery),
			chromedp.SendKeys(`#f-password`, demo.Password, chromedp.ByQuery),
			chromedp.Click(`form[action="/connexion"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`main h1`, chromedp.ByQuery),
			chromedp.Text(`main h1`, &heading, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatal(err)
		}
		if lang != "fr" || !strings.HasPrefix(heading, "Bonjour") {
			t.Fatalf("home page: lang %q, heading %q", lang, heading)
		}
		// On a phone the navigation sits behind the menu button.
		err = chromedp.Run(ctx,
			chromedp.Click(`details.menu summary`, chromedp.ByQuery),
			chromedp.WaitVisible(`form.logout button`, chromedp.ByQuery),
			chromedp.Click(`form.logout button`, chromedp.ByQuery),
			chromedp.WaitVisible(`#f-email`, chromedp.ByQuery),
			chromedp.Text(`main h1`, &loginHeading, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatal(err)
		}
		if loginHeading != "Connexion" {
			t.Fatalf("after logout: %q", loginHeading)
		}
	})
}

func TestWrongPasswordKeepsEmail(t *testing.T) {
	chromium(t)
	d := dbtest.Open(t, db.SQLite)
	base := startServer(t, d)
	ctx := browser(t, 1280, 900)
	var alert, email string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(`#f-email`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-email`, "referent@demo.passerelle.test", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, "pas le bon mot de passe", chromedp.ByQuery),
		chromedp.Click(`form[action="/connexion"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[role=alert]`, chromedp.ByQuery),
		chromedp.Text(`[role=alert]`, &alert, chromedp.ByQuery),
		chromedp.Value(`#f-email`, &email, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alert, "Adresse e-mail ou mot de passe incorrect") {
		t.Fatalf("alert %q", alert)
	}
	if email != "referent@demo.passerelle.test" {
		t.Fatalf("the e-mail typed was lost: %q", email)
	}
}
