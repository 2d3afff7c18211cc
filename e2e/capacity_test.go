package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// shot saves a full-page screenshot when PASSERELLE_SCREENSHOTS names a folder.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("PASSERELLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The journey of the board: the DITEP's director declares a respite place
// from her phone; the referent finds it by dates, age and travel time,
// holds it and confirms it; the place is gone for everyone else.
func TestCapacityRespiteDeclaredFoundHeldBooked(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		today := capacity.DayOf(time.Now())
		from, to := today.AddDays(9), today.AddDays(12)

		phone := browser(t, 390, 844)
		login(t, phone, base, "directrice-ditep")
		do(t, phone, chromedp.Click(chromedp.CSS(`a[href^="/disponibilites/structures/"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.cap-offer`)))
		shot(t, phone, string(d.Dialect)+"-phone-board")
		// The respite offer's "add" form: one place (+ then −), 4 days.
		offer := `//section[contains(@class,"cap-offer")][.//h2[contains(., "Accueil temporaire ou de répit")]]`
		do(t, phone,
			chromedp.Click(chromedp.Search(offer+`//summary`)),
			chromedp.WaitVisible(chromedp.Search(offer+`//select[@name="kind"]`)),
			chromedp.SetValue(chromedp.Search(offer+`//select[@name="kind"]`), "respite"),
			chromedp.Click(chromedp.Search(offer+`//details//button[@data-step="1"]`)),
			chromedp.Click(chromedp.Search(offer+`//details//button[@data-step="-1"]`)),
			chromedp.SetValue(chromedp.Search(offer+`//input[@name="from"]`), string(from)),
			chromedp.SetValue(chromedp.Search(offer+`//input[@name="to"]`), string(to)))
		shot(t, phone, string(d.Dialect)+"-phone-board-add")
		do(t, phone, chromedp.Click(chromedp.Search(offer+`//details//button[@type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
		if msg := text(t, phone, `[role=status]`); !strings.Contains(msg, "Disponibilité ajoutée") {
			t.Fatalf("after declaring: %q", msg)
		}
		if got := texts(t, phone, `.cap-fig legend`); !contains(got, "Accueil de répit (1 à 6 jours)") {
			t.Fatalf("figures on the board: %q", got)
		}
		// Nothing else changed: one tap confirms everything.
		do(t, phone, chromedp.Click(chromedp.CSS(`.cap-nothing button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Merci")]`)))
		if msg := text(t, phone, `[role=status]`); !strings.Contains(msg, "confirmé") {
			t.Fatalf("after confirming: %q", msg)
		}

		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		// The referent fills the form as a person does, the commune picked
		// from its suggestions.
		do(t, desk, chromedp.Navigate(base+"/disponibilites"), chromedp.WaitVisible(chromedp.CSS(`#f-du`)),
			chromedp.SetValue(chromedp.CSS(`#f-du`), string(from.AddDays(1))),
			chromedp.SetValue(chromedp.CSS(`#f-au`), string(from.AddDays(2))),
			chromedp.SetValue(chromedp.CSS(`#f-nature`), "respite"),
			chromedp.SendKeys(chromedp.CSS(`#f-age`), "9"),
			chromedp.SendKeys(chromedp.CSS(`#f-pres_de`), "st etienne"))
		if _, err := chromedp.Run(desk, chromedp.Poll[bool](`document.querySelectorAll("#communes option").length > 0`)); err != nil {
			t.Fatalf("no commune suggestions: %v", err)
		}
		do(t, desk, chromedp.SetValue(chromedp.CSS(`#f-pres_de`), "Saint-Étienne (42218)"),
			chromedp.SetValue(chromedp.CSS(`#f-minutes`), "60"),
			chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
			// The empty form already lists everything: wait for the results near the commune.
			chromedp.WaitVisible(chromedp.Search(`//h2[@id="t-res"][contains(., "Saint-Étienne")]`)))
		search, err := chromedp.Run(desk, chromedp.Location())
		if err != nil || !strings.Contains(search, "pres_de=Saint") || !strings.Contains(search, "age=9") {
			t.Fatalf("the search is not in its URL: %s %v", search, err)
		}
		shot(t, desk, string(d.Dialect)+"-desktop-search")
		ditep := `//ul[@class="cap-results"]/li[.//a[contains(., "DITEP Le Gier")]]`
		if got := text(t, desk, `.cap-results`); !strings.Contains(got, "DITEP Le Gier") || !strings.Contains(got, "1 place libre") {
			t.Fatalf("search results: %q", got)
		}
		do(t, desk, chromedp.Click(chromedp.Search(ditep+`//a[contains(@href, "/option")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#f-request_ref`)),
			chromedp.SendKeys(chromedp.CSS(`#f-request_ref`), "DEM-2027-014"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/confirmer"]`)))
		if msg := text(t, desk, `[role=status]`); !strings.Contains(msg, "Option posée") {
			t.Fatalf("after holding: %q", msg)
		}
		do(t, desk,
			chromedp.SetValue(chromedp.CSS(`#f-from`), string(from)),
			chromedp.SetValue(chromedp.CSS(`#f-to`), string(from.AddDays(2))),
			chromedp.Click(chromedp.CSS(`form[action$="/confirmer"] button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Réservation confirmée")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-booked")
		if h1 := text(t, desk, `main h1`); !strings.Contains(h1, "Réservation confirmée") {
			t.Fatalf("after confirming: %q", h1)
		}

		// Gone for everyone else: the MECS director finds no DITEP respite then.
		other := browser(t, 1366, 900)
		login(t, other, base, "directeur")
		do(t, other, chromedp.Navigate(search), chromedp.WaitVisible(chromedp.CSS(`#t-res`)))
		// (The DITEP is named elsewhere on the page as the beneficiary of
		// the relais parental's reserved places: only the results' titles count.)
		titles, err := chromedp.Run(other, chromedp.Evaluate[string](`[...document.querySelectorAll(".cap-title")].map(e => e.textContent).join("\n")`))
		if err != nil || strings.Contains(titles, "DITEP Le Gier") {
			t.Fatalf("the booked place is still offered: %q %v", titles, err)
		}
		// The referent's territory view counts it booked.
		do(t, desk, chromedp.Navigate(base+"/disponibilites/territoire"), chromedp.WaitVisible(chromedp.CSS(`table.cap-territory`)))
		shot(t, desk, string(d.Dialect)+"-desktop-territory")
	})
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
