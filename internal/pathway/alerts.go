package pathway

import (
	"context"
	"fmt"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// KindAlerts is the job that warns referents before a rupture.
const KindAlerts = "pathway.alerts"

// AlertThresholds are the days before an end at which the referent is told.
var AlertThresholds = []int{60, 30, 7}

// Threshold returns the alert due for an end daysLeft away: the smallest
// threshold reached, or 0 when none is.
func Threshold(daysLeft int) int {
	due := 0
	for _, t := range AlertThresholds {
		if daysLeft <= t && daysLeft >= 0 {
			due = t
		}
	}
	return due
}

// due is one alert to send.
type due struct {
	subject, alert, childID, referent, email, child, title, body string
}

// Alerts tells referents, once each, of measures ending without a renewal
// and notifications expiring (60, 30 and 7 days before), and of children
// whose notification has waited past the delay without an admission. The
// sent alerts are marked in the transaction that sends them, so the job
// may run often and on several servers. It returns how many were sent.
func (s *Service) Alerts(ctx context.Context) (int, error) {
	var sent int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		sent = 0
		today := dayOf(tx.Now)
		horizon := dayOf(tx.Now.AddDate(0, 0, AlertThresholds[0]))
		cutoff := dayOf(tx.Now.Add(-s.withoutSolutionAfter()))
		var all []due
		collect := func(q string, args []any, make func(subject, end, kind, childID, ref, email, child string) (due, bool)) error {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var subject, end, kind, childID, ref, email, first, last string
				if err := rows.Scan(&subject, &end, &kind, &childID, &ref, &email, &first, &last); err != nil {
					return err
				}
				if d, ok := make(subject, end, kind, childID, ref, email, first+" "+last); ok {
					all = append(all, d)
				}
			}
			return rows.Err()
		}
		const who = `, c.id, c.referent_id, a.email, c.first_name, c.last_name FROM children c JOIN accounts a ON a.id = c.referent_id AND a.active = TRUE`
		daysLeft := func(end string) int {
			t, _ := time.Parse(time.DateOnly, end)
			return int(t.Sub(time.Date(tx.Now.Year(), tx.Now.Month(), tx.Now.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
		}
		if err := collect(`SELECT m.id, m.ends_on, m.kind`+who+` JOIN child_measures m ON m.child_id = c.id
			WHERE m.ends_on >= $1 AND m.ends_on <= $2 AND NOT EXISTS (SELECT 1 FROM child_measures n WHERE n.renews_id = m.id)`,
			[]any{today, horizon}, func(subject, end, kind, childID, ref, email, child string) (due, bool) {
				t := Threshold(daysLeft(end))
				return due{subject, fmt.Sprintf("measure_end_%d", t), childID, ref, email, child,
					"Fin de mesure sans renouvellement",
					fmt.Sprintf("%s de %s prend fin le %s, dans %d jours, et aucun renouvellement n'est enregistré.",
						MeasureKindOf(kind).Label, child, DayLabel(end), daysLeft(end))}, t > 0
			}); err != nil {
			return fmt.Errorf("measure alerts: %w", err)
		}
		if err := collect(`SELECT n.id, n.ends_on, n.orientation`+who+` JOIN child_notifications n ON n.child_id = c.id
			WHERE n.ends_on >= $1 AND n.ends_on <= $2 AND n.status NOT IN ('refused', 'not_carried_out')`,
			[]any{today, horizon}, func(subject, end, orientation, childID, ref, email, child string) (due, bool) {
				t := Threshold(daysLeft(end))
				return due{subject, fmt.Sprintf("notification_end_%d", t), childID, ref, email, child,
					"Notification MDPH bientôt échue",
					fmt.Sprintf("La notification MDPH (orientation %s) de %s prend fin le %s, dans %d jours : pensez au renouvellement.",
						Label(Orientations, orientation), child, DayLabel(end), daysLeft(end))}, t > 0
			}); err != nil {
			return fmt.Errorf("notification alerts: %w", err)
		}
		if err := collect(`SELECT n.id, n.starts_on, n.orientation`+who+` JOIN child_notifications n ON n.child_id = c.id
			WHERE n.status IN ('notified', 'waiting') AND n.starts_on <= $1 AND n.ends_on >= $2`,
			[]any{cutoff, today}, func(subject, start, orientation, childID, ref, email, child string) (due, bool) {
				return due{subject, "without_solution", childID, ref, email, child, "Enfant sans solution",
					fmt.Sprintf("%s attend une admission depuis le %s (orientation %s) : aucune structure ne l'a encore admis.",
						child, DayLabel(start), Label(Orientations, orientation))}, true
			}); err != nil {
			return fmt.Errorf("without-solution alerts: %w", err)
		}
		for _, d := range all {
			res, err := tx.ExecContext(ctx, `INSERT INTO child_alerts_sent (subject_id, alert, sent_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, d.subject, d.alert, tx.Now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			// In the app the child is named; the e-mail, which leaves
			// Passerelle, says only that there is something to see.
			if err := notify.Notify(ctx, tx, notify.Notification{AccountID: d.referent, Kind: "child.alert", Title: d.title,
				Body: d.body, Link: "/enfants/" + d.childID}); err != nil {
				return err
			}
			if err := notify.EnqueueMail(ctx, tx, notify.Mail{To: d.email, Subject: "Passerelle — " + d.title,
				Text: "Un dossier que vous suivez demande votre attention (" + d.title + ").\n" +
					"Connectez-vous à Passerelle et ouvrez vos notifications.\n"}); err != nil {
				return err
			}
			section := access.SecNotifications
			if strings.HasPrefix(d.alert, "measure_") {
				section = access.SecMeasures
			}
			if err := event(ctx, tx, d.childID, "alert", section, "Alerte envoyée au référent : "+d.title, ""); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}
