package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

// TestScreenshots saves full-page screenshots of the main pages at phone
// and desktop widths into $PASSERELLE_SCREENSHOTS, for people to look at.
// It only runs when that variable names a folder.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("PASSERELLE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set PASSERELLE_SCREENSHOTS=DIR to save screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	chromium(t)
	base := startServer(t, dbtest.Open(t, db.SQLite))
	pages := []struct{ name, path string }{
		{"home", "/"}, {"organisations", "/organisations?type_org=structure"}, {"compte", "/compte"},
		{"equipe", "/admin/comptes"}, {"invitation", "/admin/comptes/nouveau"},
		{"demandes", "/demandes"}, {"demande-nouvelle", "/demandes/nouvelle"}, {"delais", "/demandes/delais"},
		{"cooperation", "/cooperation"}, {"accord-nouveau", "/cooperation/accords/nouveau"}, {"modeles", "/cooperation/modeles"},
		{"pratiques", "/cooperation/pratiques"}, {"crise", "/crise"}, {"plan-de-continuite", "/crise/plans"},
		{"astreintes", "/astreintes"},
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 390, 844}, {"desktop", 1366, 900}} {
		ctx := browser(t, size.w, size.h)
		shoot := func(name string) {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, size.name+"-"+name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		do(t, ctx, chromedp.Navigate(base+"/connexion"), chromedp.WaitVisible(chromedp.CSS(`#f-email`)))
		shoot("connexion")
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS(`#f-email`), "directeur@demo.passerelle.test"),
			chromedp.SendKeys(chromedp.CSS(`#f-password`), "faux"),
			chromedp.Click(chromedp.CSS(`form[action="/connexion"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`[role=alert]`)))
		shoot("connexion-erreur")
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#f-password`), demo.Password),
			chromedp.Click(chromedp.CSS(`form[action="/connexion"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#t-vous`)))
		for _, p := range pages {
			do(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			shoot(p.name)
		}
		do(t, ctx, chromedp.Navigate(base+"/organisations"), chromedp.WaitVisible(chromedp.CSS(`tbody a`)))
		href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`tbody a`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+href.Value), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		shoot("organisation")
		do(t, ctx, chromedp.Navigate(base+"/nulle-part"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		shoot("404")
		// The children the director's MECS follows: Lucas, and his record.
		do(t, ctx, chromedp.Navigate(base+"/enfants"), chromedp.WaitVisible(chromedp.CSS(`.result-title a`)))
		shoot("enfants")
		do(t, ctx, chromedp.Click(chromedp.CSS(`.result-title a`)), chromedp.WaitVisible(chromedp.CSS(`#t-cer`)))
		shoot("enfant")
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href$="/planning"]`)), chromedp.WaitVisible(chromedp.CSS(`.planning-week`)))
		shoot("planning")
		do(t, ctx, chromedp.Navigate(base+"/enfants/acces-urgence"), chromedp.WaitVisible(chromedp.CSS(`#f-reason`)),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`[role=alert]`)))
		shoot("acces-urgence-erreur")
		// The director edits the MECS: the commune field suggests as one types.
		do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#t-vous`)))
		mine, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#t-vous + ul a`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+mine.Value+"/modifier"), chromedp.WaitVisible(chromedp.CSS(`#f-commune`)),
			chromedp.Clear(chromedp.CSS(`#f-commune`)),
			chromedp.SendKeys(chromedp.CSS(`#f-commune`), "st chamo"))
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#communes option").length > 0`)); err != nil {
			t.Fatalf("no commune suggestions: %v", err)
		}
		options, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#communes option").value`))
		if err != nil || options != "Saint-Chamond (42207)" {
			t.Fatalf("commune suggestions: %q %v", options, err)
		}
		shoot("organisation-modifier")

		// The directory, as the director sees it.
		near := url.Values{"modalite": {"respite"}, "age": {"9"}, "besoin": {"behaviour"}, "pres_de": {"Saint-Étienne (42218)"}, "minutes": {"45"}}
		for _, p := range []struct{ name, path string }{
			{"annuaire", "/annuaire"}, {"annuaire-repit", "/annuaire?" + near.Encode()},
			{"annuaire-erreur", "/annuaire?age=neuf&minutes=45"},
		} {
			do(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			shoot(p.name)
		}
		do(t, ctx, chromedp.Navigate(base+"/annuaire?q=beauregard"), chromedp.WaitVisible(chromedp.CSS(`.result-title a`)))
		entry, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.result-title a`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ name, path string }{
			{"fiche", entry.Value}, {"fiche-modifier", entry.Value + "/modifier"},
			{"offre-nouvelle", entry.Value + "/offres/nouvelle"}, {"contact-nouveau", entry.Value + "/contacts/nouveau"},
		} {
			do(t, ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
			shoot(p.name)
		}
		do(t, ctx, chromedp.Navigate(base+"/annuaire?q=glycines"), chromedp.WaitVisible(chromedp.CSS(`.result-title a`)))
		conf, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.result-title a`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+conf.Value), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		shoot("fiche-confidentielle")
	}
}
