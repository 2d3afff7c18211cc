package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/request"
)

// Requests: the referent sends a respite request for Lucas to three
// structures from the record; the DITEP's director accepts it from her
// phone; the referent confirms, and the MECS finds it closed. A second
// request goes unanswered: past its deadline it goes to the directors, and
// the referent sees where it stands.
func TestRespiteRequestAcceptedAndEscalated(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		desk := browser(t, 1366, 900)
		login(t, desk, base, "referent")
		// The DITEP declares one respite place from the fourth day (demo).
		from := time.Now().AddDate(0, 0, 4).Format(time.DateOnly)
		to := time.Now().AddDate(0, 0, 6).Format(time.DateOnly)
		do(t, desk, toLucas(base, `#t-pro`),
			chromedp.Click(chromedp.CSS(`a[href^="/demandes/nouvelle"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "respite"),
			chromedp.SetValue(chromedp.CSS(`#f-from`), from), chromedp.SetValue(chromedp.CSS(`#f-to`), to),
			chromedp.SendKeys(chromedp.CSS(`#f-need`), "Trois jours de répit pour Lucas et pour l'équipe de la MECS."),
			chromedp.Click(chromedp.CSS(`label[for="f-loss"]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "DITEP Le Gier")]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "MECS Beauregard")]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "Le Colombier")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-request-form")
		do(t, desk, chromedp.Click(chromedp.Search(`//button[contains(., "Envoyer la demande")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Demande envoyée")]`)))
		page, err := chromedp.Run(desk, chromedp.Location())
		if err != nil || !strings.Contains(page, "/demandes/") {
			t.Fatalf("after sending: %s %v", page, err)
		}

		isabelle := browser(t, 390, 844)
		login(t, isabelle, base, "directrice-ditep")
		do(t, isabelle, chromedp.Navigate(base+"/demandes"), chromedp.WaitVisible(chromedp.CSS(`.request-list`)))
		shot(t, isabelle, string(d.Dialect)+"-phone-requests-inbox")
		do(t, isabelle, chromedp.Click(chromedp.CSS(`.request-list a`)), chromedp.WaitVisible(chromedp.CSS(`#t-rep`)))
		if got := text(t, isabelle, `main`); strings.Contains(got, "Fontaine") || !strings.Contains(got, "9 ans") {
			t.Fatalf("the DITEP reads before accepting: %q", got)
		}
		shot(t, isabelle, string(d.Dialect)+"-phone-request-answer")
		do(t, isabelle, chromedp.Click(chromedp.CSS(`label[for="ev-accept"]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Envoyer la réponse")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Réponse envoyée")]`)))

		do(t, desk, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.Search(`//button[contains(., "Confirmer avec DITEP Le Gier")]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Confirmer avec DITEP Le Gier")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Demande confirmée")]`)))
		shot(t, desk, string(d.Dialect)+"-desktop-request-confirmed")
		if got := text(t, desk, `.request-recipients`); strings.Count(got, "Close (autre structure retenue)") != 2 {
			t.Fatalf("the others are not closed: %q", got)
		}
		if got := text(t, desk, `.history`); !strings.Contains(got, "Séjour inscrit au planning de l'enfant") {
			t.Fatalf("the history: %q", got)
		}
		// The booking is on the board, the stay on Lucas's planning.
		do(t, desk, chromedp.Navigate(base+"/disponibilites/options"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if got := text(t, desk, `main`); !strings.Contains(got, "DITEP Le Gier") || !strings.Contains(got, "Réservation confirmée") {
			t.Fatalf("the board's bookings: %q", got)
		}
		do(t, desk, toLucas(base, `#t-pla`), chromedp.Click(chromedp.CSS(`#planning a`)), chromedp.WaitVisible(chromedp.CSS(`.planning-week`)))
		planning, err := chromedp.Run(desk, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		do(t, desk, chromedp.Navigate(planning+"?semaine="+from), chromedp.WaitVisible(chromedp.CSS(`.planning-week`)))
		shot(t, desk, string(d.Dialect)+"-desktop-planning-respite")
		if got := text(t, desk, `.planning-week`); !strings.Contains(got, "Séjour de répit") {
			t.Fatalf("the planning of the stay's week: %q", got)
		}
		marc := browser(t, 390, 844)
		login(t, marc, base, "directeur")
		do(t, marc, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#t-rep`)))
		if got := text(t, marc, `#reponse`); !strings.Contains(got, "Close") {
			t.Fatalf("the MECS reads: %q", got)
		}

		// A mobile team intervention nobody answers: past its deadline it
		// has gone to the directors, and the referent sees it.
		second := &request.Service{DB: d}
		lucas, ditep := "", ""
		if err := d.Read(context.Background(), func(tx *db.Tx) error {
			if err := tx.QueryRowContext(context.Background(), `SELECT id FROM children WHERE first_name = 'Lucas'`).Scan(&lucas); err != nil {
				return err
			}
			return tx.QueryRowContext(context.Background(), `SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`).Scan(&ditep)
		}); err != nil {
			t.Fatal(err)
		}
		do(t, desk, chromedp.Navigate(base+"/demandes/nouvelle?enfant="+lucas+"&structure="+ditep), chromedp.WaitVisible(chromedp.CSS(`#f-kind`)),
			chromedp.SetValue(chromedp.CSS(`#f-kind`), "mobile_team"),
			chromedp.SendKeys(chromedp.CSS(`#f-need`), "Un regard sur les nuits difficiles."),
			chromedp.Click(chromedp.Search(`//button[contains(., "Envoyer la demande")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Demande envoyée")]`)))
		// Two days and a half pass for this request (the session's own
		// clock goes on: moving the server's clock would end it).
		if err := d.Write(context.Background(), func(tx *db.Tx) error {
			_, err := tx.ExecContext(context.Background(), `UPDATE requests SET sent_at = $1 WHERE kind = 'mobile_team'`, tx.Now.Add(-50*time.Hour))
			if err == nil {
				_, err = tx.ExecContext(context.Background(), `UPDATE request_recipients SET deadline_at = $1
					WHERE request_id IN (SELECT id FROM requests WHERE kind = 'mobile_team')`, tx.Now.Add(-2*time.Hour))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := second.Timing(access.WithActor(context.Background(), access.SystemActor)); err != nil || n == 0 {
			t.Fatalf("timing: %d %v", n, err)
		}
		do(t, desk, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.request-recipients`)))
		shot(t, desk, string(d.Dialect)+"-desktop-request-escalated")
		if got := text(t, desk, `.request-recipients`); !strings.Contains(got, "transmise à la direction") || !strings.Contains(got, "échéance dépassée") {
			t.Fatalf("the referent sees: %q", got)
		}
	})
}
