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
// height set the window (a phone is 390×844). The first action runs without
// a deadline (it starts the browser); later ones share a 90 s deadline.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestLoginHomeLogout(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		ctx := browser(t, 390, 844)
		do(t, ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
			chromedp.SendKeys(chromedp.CSS(`#f-email`), "referent@demo.passerelle.test"),
			chromedp.SendKeys(chromedp.CSS(`#f-password`), demo.Password),
			chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#t-vous`)), // only on the home page
		)
		lang, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`html`), "lang"))
		if err != nil {
			t.Fatal(err)
		}
		if heading := text(t, ctx, `main h1`); lang.Value != "fr" || !strings.HasPrefix(heading, "Bonjour") {
			t.Fatalf("home page: lang %q, heading %q", lang.Value, heading)
		}
		// On a phone the navigation sits behind the menu button.
		do(t, ctx,
			chromedp.Click(chromedp.CSS(`details.menu summary`)),
			chromedp.WaitVisible(chromedp.CSS(`details.menu form.logout button`)),
			chromedp.Click(chromedp.CSS(`details.menu form.logout button`)),
			chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		)
		if h := text(t, ctx, `main h1`); h != "Connexion" {
			t.Fatalf("after logout: %q", h)
		}
		if msg := text(t, ctx, `[role=status]`); !strings.Contains(msg, "déconnecté") {
			t.Fatalf("logout message %q", msg)
		}
	})
}

func TestWrongPasswordKeepsEmail(t *testing.T) {
	chromium(t)
	base := startServer(t, dbtest.Open(t, db.SQLite))
	ctx := browser(t, 1280, 900)
	do(t, ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "referent@demo.passerelle.test"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "pas le bon mot de passe"),
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[role=alert]`)),
	)
	if alert := text(t, ctx, `[role=alert]`); !strings.Contains(alert, "Adresse e-mail ou mot de passe incorrect") {
		t.Fatalf("alert %q", alert)
	}
	email, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-email`)))
	if err != nil {
		t.Fatal(err)
	}
	if email != "referent@demo.passerelle.test" {
		t.Fatalf("the e-mail typed was lost: %q", email)
	}
}
