package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// pick selects the option of a select whose text contains label.
func pick(sel, label string) chromedp.Action[chromedp.Void] {
	poll := chromedp.Poll[bool](`(() => { const s = document.querySelector(` + "`" + sel + "`" + `);
		if (!s) return false;
		for (const o of s.options) if (o.text.includes(` + "`" + label + "`" + `)) { s.value = o.value; return true; }
		return false; })()`)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := poll(ctx, t)
		return err
	})
}

// toLucas opens Lucas's record from the list of children and waits for
// the element sel of the record.
func toLucas(base, sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, a := range []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/enfants"),
			chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Lucas Fontaine")]`)),
			chromedp.Click(chromedp.Search(`//a[contains(., "Lucas Fontaine")]`)), chromedp.WaitVisible(chromedp.CSS(sel))} {
			if _, err := a(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// The journey of the shared record: the referent opens Léo's record,
// records the judge's placement and the MDPH notification for a DITEP,
// invites the DITEP; its director accepts on her phone and names the
// educator, who then sees Léo; an educator of an unrelated MECS gets 404 on
// Léo's address; the mother, given a parent access, sees the circle.
func TestChildRecordCircleJourney(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		do(t, desk, chromedp.Navigate(base+"/enfants"), chromedp.WaitVisible(chromedp.CSS(`a[href="/enfants/nouveau"]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-children")
		do(t, desk, chromedp.Click(chromedp.CSS(`a[href="/enfants/nouveau"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-first_name`)),
			chromedp.SendKeys(chromedp.CSS(`#f-first_name`), "Léo"),
			chromedp.SendKeys(chromedp.CSS(`#f-last_name`), "Garnier"),
			chromedp.SetValue(chromedp.CSS(`#f-birth_date`), "2016-02-20"),
			chromedp.SetValue(chromedp.CSS(`#f-sex`), "boy"),
			chromedp.SetValue(chromedp.CSS(`#f-living_kind`), "structure"),
			pick("#f-living_structure", "MECS Beauregard"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Dossier ouvert")]`)))
		record, err := chromedp.Run(desk, chromedp.Location())
		if err != nil || !strings.Contains(record, "/enfants/") {
			t.Fatalf("after creating: %s %v", record, err)
		}
		do(t, desk, chromedp.Navigate(record+"/mesure"), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "placement_judiciaire"),
			chromedp.SendKeys(chromedp.CSS(`#f-authority`), "Juge des enfants de Saint-Étienne"),
			chromedp.SetValue(chromedp.CSS(`#f-from`), "2026-09-01"),
			chromedp.SetValue(chromedp.CSS(`#f-to`), "2028-08-31"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Mesure enregistrée")]`)))
		do(t, desk, chromedp.Navigate(record+"/notification"), chromedp.WaitVisible(chromedp.CSS(`#f-orientation`)),
			chromedp.SetValue(chromedp.CSS(`#f-orientation`), "ditep"),
			chromedp.SetValue(chromedp.CSS(`#f-from`), "2026-06-01"),
			chromedp.SetValue(chromedp.CSS(`#f-to`), "2029-05-31"),
			chromedp.SetValue(chromedp.CSS(`#f-status`), "waiting"),
			chromedp.SendKeys(chromedp.CSS(`#f-waiting_at`), "DITEP Le Gier"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Notification enregistrée")]`)))
		do(t, desk, chromedp.Navigate(record+"/invitation"), chromedp.WaitVisible(chromedp.CSS(`#f-organisation`)),
			pick("#f-organisation", "DITEP Le Gier"),
			chromedp.SetValue(chromedp.CSS(`#f-capacity`), "medico_social"),
			chromedp.SetValue(chromedp.CSS(`#f-basis`), "decision"),
			pick("#f-measure", "Placement ordonné"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Invitation envoyée")]`)))
		// The mother gets a parent access.
		do(t, desk, chromedp.Navigate(record+"/proche"), chromedp.WaitVisible(chromedp.CSS(`#f-name`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "mother"),
			chromedp.SendKeys(chromedp.CSS(`#f-name`), "Aurélie Fontaine"),
			chromedp.SetValue(chromedp.CSS(`#f-authority`), "full"),
			chromedp.SendKeys(chromedp.CSS(`#f-email`), "famille@demo.passerelle.test"),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/acces-parent"] button`)),
			chromedp.Click(chromedp.CSS(`form[action$="/acces-parent"] button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "accès parent")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-child")

		// The DITEP's director answers from her phone.
		phone := browser(t, 390, 844)
		login(t, phone, base, "directrice-ditep")
		do(t, phone, chromedp.Navigate(base+"/enfants/invitations"),
			chromedp.WaitVisible(chromedp.Search(`//section[.//h2[contains(., "Léo Garnier")]]`)))
		invitation := `//section[.//h2[contains(., "Léo Garnier")]]`
		do(t, phone, chromedp.Click(chromedp.Search(invitation+`//label[contains(., "Karim Haddad")]`)))
		shot(t, phone, string(d.Dialect)+"-phone-invitation")
		do(t, phone, chromedp.Click(chromedp.Search(invitation+`//button[@value="accept"]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "dans le cercle")]`)))

		// The educator named sees Léo; an unrelated educator gets 404.
		edu := browser(t, 390, 844)
		login(t, edu, base, "educateur")
		do(t, edu, chromedp.Navigate(base+"/enfants"), chromedp.WaitVisible(chromedp.Search(`//a[contains(., "Léo Garnier")]`)),
			chromedp.Click(chromedp.Search(`//a[contains(., "Léo Garnier")]`)),
			chromedp.WaitVisible(chromedp.CSS(`#t-not`)))
		shot(t, edu, string(d.Dialect)+"-phone-child")
		if got := text(t, edu, `main`); !strings.Contains(got, "Orientation DITEP") || strings.Contains(got, "Décision (PDF)") {
			t.Fatalf("the DITEP educator reads: %q", got)
		}
		other := browser(t, 1366, 900)
		login(t, other, base, "educatrice-mecs")
		do(t, other, chromedp.Navigate(record), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if h1 := text(t, other, `main`); strings.Contains(h1, "Garnier") || !strings.Contains(h1, "existe pas") {
			t.Fatalf("an unrelated educator on the record's address: %q", h1)
		}
		do(t, other, chromedp.Navigate(base+"/enfants?q=garnier"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if got := text(t, other, `main`); strings.Contains(got, "Garnier") {
			t.Fatalf("an unrelated educator finds the child: %q", got)
		}

		// The parent sees who is with her child.
		mum := browser(t, 390, 844)
		login(t, mum, base, "famille")
		do(t, mum, chromedp.Navigate(record), chromedp.WaitVisible(chromedp.CSS(`#t-cer`)))
		shot(t, mum, string(d.Dialect)+"-phone-parent")
		if got := text(t, mum, `#cercle`); !strings.Contains(got, "DITEP Le Gier") || !strings.Contains(got, "Karim Haddad") {
			t.Fatalf("the parent's circle: %q", got)
		}
	})
}

// A liaison note goes round: the MECS educator writes to the DITEP about
// Lucas from her phone; the DITEP's educator reads it and acknowledges;
// the sender sees the receipt.
func TestLiaisonNoteSentAndAcknowledged(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		lea := browser(t, 390, 844)
		login(t, lea, base, "educatrice-mecs")
		do(t, lea, toLucas(base, `#t-lia`),
			chromedp.Click(chromedp.CSS(`a[href$="/liaison"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-happened`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "DITEP Le Gier")]`)),
			chromedp.SendKeys(chromedp.CSS(`#f-happened`), "Crise dimanche soir au retour du week-end."),
			chromedp.SendKeys(chromedp.CSS(`#f-asked`), "Pouvez-vous nous appeler jeudi ?"))
		shot(t, lea, string(d.Dialect)+"-phone-liaison-form")
		do(t, lea, chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Fiche envoyée")]`)))
		note, err := chromedp.Run(lea, chromedp.Location())
		if err != nil || !strings.Contains(note, "/liaisons/") {
			t.Fatalf("after sending: %s %v", note, err)
		}

		karim := browser(t, 1366, 900)
		login(t, karim, base, "educateur")
		do(t, karim, chromedp.Navigate(note), chromedp.WaitVisible(chromedp.CSS(`form[action$="/reception"] button`)))
		if got := text(t, karim, `main`); !strings.Contains(got, "Crise dimanche soir") || !strings.Contains(got, "pas encore lue") {
			t.Fatalf("the DITEP reads: %q", got)
		}
		do(t, karim, chromedp.Click(chromedp.CSS(`form[action$="/reception"] button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Réception notée")]`)))

		do(t, lea, chromedp.Navigate(note), chromedp.WaitVisible(chromedp.CSS(`#t-rec`)))
		shot(t, lea, string(d.Dialect)+"-phone-liaison")
		if got := text(t, lea, `main`); !strings.Contains(got, "par Karim Haddad") {
			t.Fatalf("the sender's receipts: %q", got)
		}
	})
}

// The planning: the DITEP's educator adds a weekly time from his phone;
// the referent looks at a week of the summer holidays, when the DITEP is
// closed and the MECS counts on it: the gap is flagged ahead.
func TestPlanningGapInTheSummer(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		karim := browser(t, 390, 844)
		login(t, karim, base, "educateur")
		do(t, karim, toLucas(base, `#t-pla`),
			chromedp.Click(chromedp.CSS(`#planning a`)), chromedp.WaitVisible(chromedp.CSS(`.planning-week`)),
			chromedp.Click(chromedp.CSS(`a[href$="/planning/nouveau"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "appointment"),
			chromedp.SendKeys(chromedp.CSS(`#f-label`), "Orthophonie"),
			chromedp.SetValue(chromedp.CSS(`#f-start`), "14:00"),
			chromedp.SetValue(chromedp.CSS(`#f-end`), "15:00"),
			chromedp.Click(chromedp.CSS(`label[for="d-3"]`)),
			chromedp.Click(chromedp.CSS(`form.card button[type=submit]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Ajouté au planning")]`)))
		if got := text(t, karim, `.planning-week`); !strings.Contains(got, "Orthophonie") {
			t.Fatalf("the week after adding: %q", got)
		}

		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		do(t, desk, toLucas(base, `#t-pla`))
		record, err := chromedp.Run(desk, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		do(t, desk, chromedp.Navigate(record+"/planning?semaine=2027-08-02"), chromedp.WaitVisible(chromedp.CSS(`#t-alertes`)))
		shot(t, desk, string(d.Dialect)+"-desktop-planning-august")
		if got := text(t, desk, `#t-alertes + ul`); !strings.Contains(got, "personne n'a l'enfant") {
			t.Fatalf("the summer's gaps: %q", got)
		}
		if got := text(t, desk, `.planning-week`); !strings.Contains(got, "Vacances d'été") {
			t.Fatalf("the holidays in the week: %q", got)
		}
	})
}
