package e2e

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

// login opens a session for a demo account.
func login(t *testing.T, ctx context.Context, base, mailbox string) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/connexion"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), mailbox+"@demo.passerelle.test"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action="/connexion"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#t-vous`)))
}

func texts(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+"`"+sel+"`"+`)).map(e => e.textContent.trim())`))
	if err != nil {
		t.Fatalf("texts of %s: %v", sel, err)
	}
	return out
}

// An ASE referent looks for a respite offer for a 9-year-old with behaviour
// disorders within 45 minutes of Saint-Étienne, picking the commune from
// the suggestions, and gets the structures nearest first, in a URL that
// can be shared.
func TestReferentFindsRespiteNearby(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		ctx := browser(t, 1280, 900)
		login(t, ctx, base, "referent")
		do(t, ctx,
			chromedp.Navigate(base+"/annuaire"),
			chromedp.WaitVisible(chromedp.CSS(`#f-modalite`)),
			chromedp.SetValue(chromedp.CSS(`#f-modalite`), "respite"),
			chromedp.SendKeys(chromedp.CSS(`#f-age`), "9"),
			chromedp.SetValue(chromedp.CSS(`#f-besoin`), "behaviour"),
			chromedp.SendKeys(chromedp.CSS(`#f-pres_de`), "st etienne"))
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#communes option").length > 0`)); err != nil {
			t.Fatalf("no commune suggestions: %v", err)
		}
		first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#communes option").value`))
		if err != nil || first != "Saint-Étienne (42218)" {
			t.Fatalf("first suggestion %q %v", first, err)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#f-pres_de`), first),
			chromedp.SetValue(chromedp.CSS(`#f-minutes`), "45"),
			chromedp.Click(chromedp.CSS(`.dir-filters button[type=submit]`)),
			// The form's page already lists every structure: wait for what
			// only a search near a commune shows, its travel times.
			chromedp.WaitVisible(chromedp.CSS(`.badge-time`)))
		names := texts(t, ctx, `.result-title`)
		if want := []string{"MECS Le Colombier (fictif)", "DITEP Le Gier (fictif)"}; !slices.Equal(names, want) {
			t.Fatalf("results %q, want %q", names, want)
		}
		times := texts(t, ctx, `.badge-time`)
		if len(times) != 2 || !strings.HasPrefix(times[0], "≈") {
			t.Errorf("travel times %q", times)
		}
		if offers := texts(t, ctx, `.offers-matched li`); len(offers) != 2 || !strings.Contains(offers[1], "de 6 à 14 ans") {
			t.Errorf("matched offers %q", offers)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(loc)
		if q := u.Query(); q.Get("modalite") != "respite" || q.Get("age") != "9" || q.Get("minutes") != "45" {
			t.Errorf("filters not in the URL: %s", loc)
		}
		// A mistyped age keeps everything typed and says what is wrong.
		do(t, ctx,
			chromedp.Clear(chromedp.CSS(`#f-age`)),
			chromedp.SendKeys(chromedp.CSS(`#f-age`), "neuf"),
			chromedp.Click(chromedp.CSS(`.dir-filters button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#e-age`)))
		if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-pres_de`))); v != first {
			t.Errorf("commune lost after an error: %q", v)
		}
	})
}

// The director of the MECS, on a phone, changes an offer and the on-duty
// number of their entry; a mistyped number is refused with the rest kept;
// another structure's entry offers them no edit.
func TestDirectorEditsOfferAndOnDutyOnPhone(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		ctx := browser(t, 390, 844)
		login(t, ctx, base, "directeur")
		do(t, ctx, chromedp.Navigate(base+"/annuaire?q=beauregard"), chromedp.WaitVisible(chromedp.CSS(`.result-title a`)),
			chromedp.Click(chromedp.CSS(`.result-title a`)), chromedp.WaitVisible(chromedp.CSS(`#t-offres`)))
		_, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		// The offer: internat, 6–18 → 6–17, one more place.
		do(t, ctx,
			chromedp.Click(chromedp.CSS(`.offer-list li:first-child a`)),
			chromedp.WaitVisible(chromedp.CSS(`#f-age_max`)),
			chromedp.SetValue(chromedp.CSS(`#f-age_max`), "17"),
			chromedp.SetValue(chromedp.CSS(`#f-places_installed`), "31"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
		if first := texts(t, ctx, `.offer-list li:first-child p`); len(first) < 2 || !strings.Contains(first[1], "de 6 à 17 ans") || !strings.Contains(first[1], "31 places") {
			t.Fatalf("offer after edit %q", first)
		}
		// The on-duty contact: a mistyped number first.
		do(t, ctx,
			chromedp.Click(chromedp.CSS(`.contact-list li:first-child .small a`)),
			chromedp.WaitVisible(chromedp.CSS(`#f-phone`)),
			chromedp.SetValue(chromedp.CSS(`#f-phone`), "06 12 34"),
			chromedp.SetValue(chromedp.CSS(`#f-holder`), "Nadia Benali"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#e-phone`)))
		if v, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-holder`))); v != "Nadia Benali" {
			t.Errorf("holder lost after the error: %q", v)
		}
		do(t, ctx,
			chromedp.SetValue(chromedp.CSS(`#f-phone`), "06 12 34 56 78"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.button-call`)))
		call, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`.button-call`), "href"))
		if err != nil || call.Value != "tel:0612345678" {
			t.Fatalf("on-duty link %q %v", call.Value, err)
		}
		if h := texts(t, ctx, `.history li`); len(h) != 2 || !strings.Contains(h[0], "Contact modifié") {
			t.Errorf("history %q", h)
		}
		// Another structure: no edit links, and its edit page is refused.
		do(t, ctx, chromedp.Navigate(base+"/annuaire?q=roseraie"), chromedp.WaitVisible(chromedp.CSS(`.result-title a`)),
			chromedp.Click(chromedp.CSS(`.result-title a`)), chromedp.WaitVisible(chromedp.CSS(`#t-offres`)))
		if links := texts(t, ctx, `a[href$="/modifier"], .offer-list a`); len(links) != 0 {
			t.Errorf("edit links on another structure: %q", links)
		}
		other, _ := chromedp.Run(ctx, chromedp.Location())
		do(t, ctx, chromedp.Navigate(other+"/modifier"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if h := text(t, ctx, `main h1`); strings.Contains(h, "Modifier") {
			t.Errorf("the edit form of another structure opened: %q", h)
		}
	})
}
