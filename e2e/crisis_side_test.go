package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"passerelle/internal/access"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export/pdftext"
)

// Crisis mode, the structures' side: during a flood, the steering sends a
// message to three structures, seeing their number before sending; the
// MECS's director acknowledges it from the notification on his phone, the
// DITEP's director from her desk, and the cell's page shows the rate
// move by itself; the reminders job reminds the mobile team, listed as
// not acknowledged, the rate at 2/3. Then the director updates the MECS's
// continuity plan from his phone, and the mobile team's directory entry
// shows who is on call now.
func TestBroadcastAcknowledgedPlanAndRota(t *testing.T) {
	chromium(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := startServer(t, d)
		sys := access.WithActor(context.Background(), access.SystemActor)
		var emr string
		if err := d.Write(sys, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(sys, `INSERT INTO crises (id, departement, kind, description, started_at, created_at)
				VALUES ($1, '42', 'flood', 'Crue de la Loire (test)', $2, $2)`, db.NewID(), tx.Now.Add(-4*time.Hour)); err != nil {
				return err
			}
			return tx.QueryRowContext(sys, `SELECT id FROM organisations WHERE name = 'Équipe mobile ressource Loire Sud (fictif)'`).Scan(&emr)
		}); err != nil {
			t.Fatal(err)
		}
		dialect := string(d.Dialect)

		desk := browser(t, 1366, 900)
		loginWithCode(t, desk, d, base, "pilotage")
		do(t, desk, chromedp.Navigate(base+"/crise/diffusions/nouvelle"), chromedp.WaitVisible(chromedp.CSS(`#f-subject`)),
			chromedp.SendKeys(chromedp.CSS(`#f-subject`), "Crue : consignes de mise en sécurité"),
			chromedp.SendKeys(chromedp.CSS(`#f-body`), "Montez les dossiers et les traitements à l'étage. Signalez tout enfant à déplacer."),
			chromedp.Click(chromedp.Search(`//summary[contains(., "Une liste de structures")]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "MECS Beauregard")]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "DITEP Le Gier")]`)),
			chromedp.Click(chromedp.Search(`//label[contains(., "Équipe mobile ressource Loire Sud")]`)),
			chromedp.Click(chromedp.Search(`//button[contains(., "Voir les destinataires")]`)),
			chromedp.WaitVisible(chromedp.Search(`//h3[contains(., "Ce message partira à 3 structures")]`)))
		shot(t, desk, dialect+"-desktop-broadcast-preview")
		do(t, desk, chromedp.Click(chromedp.Search(`//button[contains(., "Envoyer à ces 3 structures")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Message envoyé à 3 structure(s)")]`)))
		if got := text(t, desk, `#ack-rate`); !strings.Contains(got, "0/3") {
			t.Fatalf("the rate after sending: %q", got)
		}

		// The MECS's director, on his phone, from the notification.
		marc := browser(t, 390, 844)
		login(t, marc, base, "directeur")
		do(t, marc, chromedp.Navigate(base+"/notifications"),
			chromedp.Click(chromedp.Search(`//a[contains(., "Message de la cellule de crise")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.ack-form button`)))
		shot(t, marc, dialect+"-phone-broadcast-ack")
		do(t, marc, chromedp.Click(chromedp.CSS(`.ack-form button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "réception confirmée")]`)))
		shot(t, marc, dialect+"-phone-broadcast-acked")

		isabelle := browser(t, 1366, 900)
		login(t, isabelle, base, "directrice-ditep")
		do(t, isabelle, chromedp.Navigate(base+"/crise/diffusions"), chromedp.Click(chromedp.Search(`//a[contains(., "Crue : consignes")]`)),
			chromedp.WaitVisible(chromedp.CSS(`.ack-form button`)), chromedp.Click(chromedp.CSS(`.ack-form button`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "réception confirmée")]`)))

		// The cell's page updates itself (htmx polls the rate).
		do(t, desk, chromedp.WaitVisible(chromedp.Search(`//*[@id="ack-rate"]//strong[contains(., "2/3")]`)))

		// Three hours later, the reminders job reminds the mobile team.
		if err := d.Write(sys, func(tx *db.Tx) error {
			_, err := tx.ExecContext(sys, `UPDATE crisis_broadcasts SET sent_at = $1`, tx.Now.Add(-3*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		svc := &crisis.Service{DB: d}
		if n, err := svc.BroadcastReminders(sys); err != nil || n != 1 {
			t.Fatalf("reminders: %d %v", n, err)
		}
		if n, err := svc.BroadcastReminders(sys); err != nil || n != 0 {
			t.Fatalf("reminders again: %d %v", n, err)
		}
		var reminded, mails int
		if err := d.Read(sys, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(sys, `SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
				WHERE n.kind = 'crisis.broadcast_reminder' AND a.email = 'equipe-mobile@demo.passerelle.test'`).Scan(&reminded); err != nil {
				return err
			}
			return tx.QueryRowContext(sys, `SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%Relance 1/3%'`).Scan(&mails)
		}); err != nil {
			t.Fatal(err)
		}
		if reminded != 1 || mails != 1 {
			t.Fatalf("the mobile team: %d notifications, %d e-mails", reminded, mails)
		}
		do(t, desk, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.ack-waiting`)))
		shot(t, desk, dialect+"-desktop-broadcast-rate")
		if got := text(t, desk, `#ack-rate`); !strings.Contains(got, "2/3") || !strings.Contains(got, "66 %") {
			t.Fatalf("the rate: %q", got)
		}
		if got := text(t, desk, `.ack-waiting`); !strings.Contains(got, "Équipe mobile ressource Loire Sud") || !strings.Contains(got, "relancée 1 fois") {
			t.Fatalf("not acknowledged: %q", got)
		}
		// The same page on a phone-sized screen.
		do(t, desk, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#ack-rate`)))
		shot(t, desk, dialect+"-phone-broadcast-rate")
		do(t, desk, chromedp.EmulateViewport(1366, 900))

		// The MECS's continuity plan, updated from the phone.
		do(t, marc, chromedp.Navigate(base+"/crise/plans"), chromedp.WaitVisible(chromedp.CSS(`#f-minimum_staffing`)),
			chromedp.SetValue(chromedp.CSS(`#f-minimum_staffing`), "Trois adultes par unité le jour pendant la crue."),
			chromedp.Click(chromedp.Search(`//button[contains(., "Enregistrer le plan")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Plan de continuité enregistré")]`)))
		shot(t, marc, dialect+"-phone-plan")
		if got := text(t, marc, `main`); !strings.Contains(got, "Trois adultes par unité le jour pendant la crue.") || !strings.Contains(got, "à jour") {
			t.Fatalf("the plan: %q", got)
		}
		do(t, desk, chromedp.Navigate(base+"/crise/plans?etat=late"), chromedp.WaitVisible(chromedp.CSS(`.plan-list`)))
		shot(t, desk, dialect+"-desktop-plans")

		// Who is on call, on the team's directory entry and the rota.
		do(t, marc, chromedp.Navigate(base+"/annuaire/"+emr), chromedp.WaitVisible(chromedp.CSS(`.oncall-now`)))
		shot(t, marc, dialect+"-phone-directory-oncall")
		if got := text(t, marc, `.oncall-now`); !strings.Contains(got, "Appeler") || !strings.Contains(got, "04 99 41 07 1") {
			t.Fatalf("on call: %q", got)
		}
		do(t, desk, chromedp.Navigate(base+"/astreintes"), chromedp.WaitVisible(chromedp.CSS(`.oncall-teams`)))
		shot(t, desk, dialect+"-desktop-oncall")
		thomas := browser(t, 390, 844)
		login(t, thomas, base, "equipe-mobile")
		do(t, thomas, chromedp.Navigate(base+"/astreintes/"+emr), chromedp.WaitVisible(chromedp.CSS(`.oncall-shifts`)))
		shot(t, thomas, dialect+"-phone-oncall-team")

		// The crisis ends: its report gives the message's acknowledgement rate.
		do(t, desk, chromedp.Navigate(base+"/crise"), chromedp.Click(chromedp.CSS(`#terminer summary`)),
			chromedp.SendKeys(chromedp.CSS(`#f-note`), "Décrue amorcée."),
			chromedp.Click(chromedp.Search(`//button[contains(., "Terminer la crise")]`)),
			chromedp.WaitVisible(chromedp.Search(`//div[@role="status"][contains(., "Crise terminée")]`)))
		report := strings.Join(strings.Fields(pdftext.Text(t, fetchPDF(t, desk, `#rapport a[href$="rapport.pdf"]`, dialect+"-crisis-broadcast-report.pdf"))), " ")
		for _, want := range []string{"Crue : consignes de mise en sécurité", "2/3", "66 %", "Diffusion"} {
			if !strings.Contains(report, want) {
				t.Fatalf("the report lacks %q:\n%s", want, report)
			}
		}
	})
}
