package e2e

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"passerelle/internal/access"
	"passerelle/internal/auth"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/export/pdftext"
)

// loginWithCode logs in a steering account, whose role requires a second
// factor: its authenticator is set up beforehand through the accounts'
// service (the set-up page has its own tests), and the login page then
// asks for the current code.
func loginWithCode(t *testing.T, ctx context.Context, d *db.DB, base, mailbox string) {
	t.Helper()
	sys := access.WithActor(context.Background(), access.SystemActor)
	a := &auth.Service{DB: d}
	id, err := a.AccountIDByEmail(sys, mailbox+"@demo.passerelle.test")
	if err != nil {
		t.Fatal(err)
	}
	actor, err := a.LoadActor(sys, id)
	if err != nil {
		t.Fatal(err)
	}
	self := access.WithActor(context.Background(), actor)
	e, err := a.BeginTOTPEnrolment(self, id)
	if err != nil {
		t.Fatal(err)
	}
	// The previous step's code sets it up, so that the current one is new at login.
	code, _ := totp.GenerateCode(e.Secret, time.Now().Add(-30*time.Second))
	if err := a.ConfirmTOTPEnrolment(self, id, e.Secret, code); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), mailbox+"@demo.passerelle.test"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-code`)))
	code, _ = totp.GenerateCode(e.Secret, time.Now())
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#f-code`), code),
		chromedp.Click(chromedp.CSS(`form[action="/connexion/code"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#t-vous`)))
}

// Crisis mode: the steering activates a flood crisis; the MECS's director
// sees the banner on her phone and reports the structure's state; the
// steering's board shows it, the DITEP late, and filters to the late
// ones; the crisis ends and its PDF report tells the story.
func TestCrisisActivatedReportedEnded(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		desk := browser(t, 1366, 900)
		loginWithCode(t, desk, d, base, "pilotage")
		start := time.Now().Add(-30 * time.Hour).In(crisis.Paris).Format("2006-01-02T15:04")
		do(t, desk, chromedp.Navigate(base+"/crise"), chromedp.WaitVisible(chromedp.CSS(`#t-activer`)))
		shot(t, desk, string(d.Dialect)+"-desktop-crisis-home")
		do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-kind`), "flood"),
			chromedp.SetValue(chromedp.CSS(`#f-start`), start),
			chromedp.SendKeys(chromedp.CSS(`#f-description`), "Crue de la Loire : Feurs et Montbrison sous vigilance rouge."),
			chromedp.Click(chromedp.Search(`//button[contains(., "Activer la crise")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Crise activée")]`)))
		page, err := chromedp.Run(desk, chromedp.Location())
		if err != nil || !strings.Contains(page, "/crises/") {
			t.Fatalf("after activating: %s %v", page, err)
		}
		if got := text(t, desk, `.crisis-banner`); !strings.Contains(got, "Crise en cours — Inondation") {
			t.Fatalf("the steering's banner: %q", got)
		}

		// The MECS's director, on her phone.
		phone := browser(t, 390, 844)
		login(t, phone, base, "directeur")
		if got := text(t, phone, `.crisis-banner`); !strings.Contains(got, "Inondation") {
			t.Fatalf("the director's banner: %q", got)
		}
		shot(t, phone, string(d.Dialect)+"-phone-crisis-banner")
		do(t, phone, chromedp.Click(chromedp.CSS(`.crisis-banner a`)), chromedp.WaitVisible(chromedp.CSS(`#t-mon-etat`)))
		shot(t, phone, string(d.Dialect)+"-phone-crisis")
		do(t, phone, chromedp.Click(chromedp.Search(`//a[contains(., "Transmettre l'état")]`)), chromedp.WaitVisible(chromedp.CSS(`#f-state`)))
		wider, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil || wider {
			t.Fatalf("the form is wider than the phone: %v", err)
		}
		do(t, phone, chromedp.Click(chromedp.CSS(`label[for="state-reduced"]`)),
			chromedp.SetValue(chromedp.CSS(`#f-staff_absent`), "2"),
			chromedp.SetValue(chromedp.CSS(`#f-children_affected`), "5"),
			chromedp.SendKeys(chromedp.CSS(`#f-needs`), "Des sacs de sable pour la cave."))
		shot(t, phone, string(d.Dialect)+"-phone-crisis-status")
		do(t, phone, chromedp.Click(chromedp.Search(`//button[contains(., "Transmettre l'état")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "État transmis")]`)))
		if got := text(t, phone, `#mon-etat`); !strings.Contains(got, "Activité réduite") {
			t.Fatalf("the director's state: %q", got)
		}

		// The steering's board: the MECS reported, the DITEP is late.
		do(t, desk, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`.crisis-board`)))
		board := text(t, desk, `.crisis-board`)
		if !strings.Contains(board, "Des sacs de sable pour la cave.") || !strings.Contains(board, "Activité réduite") {
			t.Fatalf("the board: %q", board)
		}
		ditep := text(t, desk, `.crisis-board tr.late`)
		if !strings.Contains(ditep, "en retard") {
			t.Fatalf("no late structure: %q", ditep)
		}
		shot(t, desk, string(d.Dialect)+"-desktop-crisis-board")
		do(t, desk, chromedp.Click(chromedp.Search(`//a[contains(., "Seulement les structures en retard")]`)),
			chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Voir toutes les structures")]`)))
		if late := text(t, desk, `.crisis-board`); strings.Contains(late, "MECS Beauregard") || !strings.Contains(late, "DITEP Le Gier") {
			t.Fatalf("the late ones: %q", late)
		}

		// The end, and the report.
		do(t, desk, chromedp.Click(chromedp.CSS(`#terminer summary`)),
			chromedp.SendKeys(chromedp.CSS(`#f-note`), "Décrue amorcée ; retour d'expérience en septembre."),
			chromedp.Click(chromedp.Search(`//button[contains(., "Terminer la crise")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Crise terminée")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-crisis-ended")
		data := fetchPDF(t, desk, `#rapport a[href$="rapport.pdf"]`, string(d.Dialect)+"-crisis-report.pdf")
		got := strings.Join(strings.Fields(pdftext.Text(t, data)), " ") // cells wrap
		for _, want := range []string{"Rapport de fin de crise — Inondation", "Feurs et Montbrison", "Décrue amorcée", "Chronologie",
			"Activation", "Fin de crise", "MECS Beauregard (fictif)", "Activité réduite", "Des sacs de sable pour la cave.",
			"DITEP Le Gier (fictif)"} {
			if !strings.Contains(got, want) {
				t.Fatalf("the report lacks %q:\n%s", want, got)
			}
		}
		do(t, phone, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#t-vous`)))
		if n, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll(".crisis-banner").length`)); err != nil || n != 0 {
			t.Fatalf("the banner stays after the end: %d %v", n, err)
		}
	})
}

// fetchPDF downloads the PDF a link points to, in the browser's session,
// checks that it is one, and keeps a copy beside the screenshots.
func fetchPDF(t *testing.T, ctx context.Context, link, name string) []byte {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('`+link+`').href)
		.then(r => r.arrayBuffer()).then(b => { let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := base64.StdEncoding.DecodeString(pdf)
	if !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("not a PDF: %.40q", data)
	}
	if dir := os.Getenv("PASSERELLE_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return data
}
