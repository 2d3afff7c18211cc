package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Cooperation: the DITEP's director registers, from her phone, a
// convention with the MECS Beauregard keeping two respite places a month
// of the DITEP's respite offer for the MECS's children; the places then
// show as reserved on the DITEP's board and in the referent's search. The
// knowledge base and the models are looked at on a desktop.
func TestAgreementReservesRespitePlaces(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		var ditep, mecs, offer string
		if err := d.Read(context.Background(), func(tx *db.Tx) error {
			ctx := context.Background()
			if err := tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`).Scan(&ditep); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`).Scan(&mecs); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT id FROM offers WHERE structure_id = $1 AND modality = 'respite'`, ditep).Scan(&offer)
		}); err != nil {
			t.Fatal(err)
		}
		today := time.Now().Format(time.DateOnly)
		name := string(d.Dialect)

		phone := browser(t, 390, 844)
		login(t, phone, base, "directrice-ditep")
		do(t, phone, chromedp.Navigate(base+"/cooperation"), chromedp.WaitVisible(chromedp.CSS(`.coop-counts`)))
		shot(t, phone, name+"-phone-coop-list")
		do(t, phone, chromedp.Click(chromedp.CSS(`a[href="/cooperation/accords/nouveau"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-title`)))
		// Her structure is already the first party.
		if v, err := chromedp.Run(phone, chromedp.Value(chromedp.CSS(`#f-party_org_0`))); err != nil || v != ditep {
			t.Fatalf("the first party: %q %v", v, err)
		}
		// A first try without the number of places comes back with what was typed.
		do(t, phone,
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "convention"),
			chromedp.SendKeys(chromedp.CSS(`#f-title`), "Convention de répit DITEP Le Gier – MECS Beauregard"),
			chromedp.SetValue(chromedp.CSS(`#f-party_org_1`), mecs),
			chromedp.SetValue(chromedp.CSS(`#f-party_role_1`), "beneficiaire"),
			chromedp.SetValue(chromedp.CSS(`#f-signed_on`), today),
			chromedp.SetValue(chromedp.CSS(`#f-starts_on`), today),
			chromedp.SendKeys(chromedp.CSS(`#f-duration_months`), "12"),
			chromedp.SetValue(chromedp.CSS(`#f-place_offer_0`), offer),
			chromedp.SetValue(chromedp.CSS(`#f-place_beneficiary_0`), mecs),
			chromedp.Click(chromedp.CSS(`label[for="f-place_monthly_0"]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Enregistrer l'accord")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#e-place_count_0`)))
		shot(t, phone, name+"-phone-coop-form-error")
		if v, err := chromedp.Run(phone, chromedp.Value(chromedp.CSS(`#f-title`))); err != nil || !strings.Contains(v, "MECS Beauregard") {
			t.Fatalf("the title typed was lost: %q %v", v, err)
		}
		do(t, phone, chromedp.SendKeys(chromedp.CSS(`#f-place_count_0`), "2"),
			chromedp.Click(chromedp.Search(`//button[contains(., "Enregistrer l'accord")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Accord enregistré")]`)))
		shot(t, phone, name+"-phone-coop-agreement")
		if got := text(t, phone, `.coop-places`); !strings.Contains(got, "2 place(s) par mois") || !strings.Contains(got, "pour MECS Beauregard") {
			t.Fatalf("the agreement's places: %q", got)
		}
		if got := text(t, phone, `main`); !strings.Contains(got, "En vigueur") {
			t.Fatalf("the agreement's status: %q", got)
		}

		// The board: the DITEP's own, then the referent's search.
		do(t, phone, chromedp.Navigate(base+"/disponibilites/structures/"+ditep), chromedp.WaitVisible(chromedp.CSS(`main`)))
		shot(t, phone, name+"-phone-coop-board")
		if got := text(t, phone, `main`); !strings.Contains(got, "réservées à MECS Beauregard (fictif) par une convention") {
			t.Fatalf("the DITEP's board does not show the reserved places: %q", got)
		}
		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		from := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
		do(t, desk, chromedp.Navigate(base+"/disponibilites?nature=respite&du="+from+"&au="+from), chromedp.WaitVisible(chromedp.CSS(`main`)))
		shot(t, desk, name+"-desktop-coop-search")
		if got := text(t, desk, `main`); !strings.Contains(got, "Places réservées à MECS Beauregard (fictif) par une convention") {
			t.Fatalf("the referent's search does not show the reserved places: %q", got)
		}

		// The other pages, on a desktop.
		for _, p := range []struct{ path, sel, shot string }{
			{"/cooperation", `.coop-list`, "coop-list"},
			{"/cooperation/modeles", `.results`, "coop-models"},
			{"/cooperation/pratiques", `.knowledge-list`, "knowledge-list"},
		} {
			do(t, desk, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel)))
			shot(t, desk, name+"-desktop-"+p.shot)
		}
		do(t, desk, chromedp.Click(chromedp.CSS(`.knowledge-list a`)), chromedp.WaitVisible(chromedp.CSS(`article.card`)))
		shot(t, desk, name+"-desktop-knowledge-article")
	})
}
