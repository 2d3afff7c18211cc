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

// due is one alert to send; also are more alerts of the same subject it
// stands for (the days of a planning grouped in one message).
type due struct {
	subject, alert, childID, referent, email, child, title, body string
	also                                                         []string
}

// alertBatch is how many alerts one transaction sends: a département
// whose records arrive at once has thousands due, and the writer should
// not be held for all of them.
const alertBatch = 200

// Alerts tells referents, once each, of measures ending without a renewal,
// notifications expiring and project reviews coming (60, 30 and 7 days
// before, and once overdue), and of children whose notification has
// waited past the delay without an admission. The
// due alerts are read first, those already sent left out; the others are
// sent by batches, each marked in the transaction that sends it, so the
// job may run often and on several servers. It returns how many were sent.
func (s *Service) Alerts(ctx context.Context) (int, error) {
	var all []due
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		all, err = s.dueAlerts(ctx, tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	return s.sendAlerts(ctx, all)
}

// sendAlerts sends alerts by batches, each in its own transaction, and
// returns how many were sent (another server may have sent some first).
func (s *Service) sendAlerts(ctx context.Context, all []due) (int, error) {
	sent := 0
	for start := 0; start < len(all); start += alertBatch {
		batch := all[start:min(start+alertBatch, len(all))]
		n := 0
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			n = 0
			for _, d := range batch {
				ok, err := sendAlert(ctx, tx, d)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

// dueAlerts returns the alerts due now and not sent yet.
func (s *Service) dueAlerts(ctx context.Context, tx *db.Tx) ([]due, error) {
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
					MeasureKindOf(kind).Label, child, DayLabel(end), daysLeft(end)), nil}, t > 0
		}); err != nil {
		return nil, fmt.Errorf("measure alerts: %w", err)
	}
	if err := collect(`SELECT n.id, n.ends_on, n.orientation`+who+` JOIN child_notifications n ON n.child_id = c.id
			WHERE n.ends_on >= $1 AND n.ends_on <= $2 AND n.status NOT IN ('refused', 'not_carried_out')`,
		[]any{today, horizon}, func(subject, end, orientation, childID, ref, email, child string) (due, bool) {
			t := Threshold(daysLeft(end))
			return due{subject, fmt.Sprintf("notification_end_%d", t), childID, ref, email, child,
				"Notification MDPH bientôt échue",
				fmt.Sprintf("La notification MDPH (orientation %s) de %s prend fin le %s, dans %d jours : pensez au renouvellement.",
					Label(Orientations, orientation), child, DayLabel(end), daysLeft(end)), nil}, t > 0
		}); err != nil {
		return nil, fmt.Errorf("notification alerts: %w", err)
	}
	if err := collect(`SELECT n.id, n.starts_on, n.orientation`+who+` JOIN child_notifications n ON n.child_id = c.id
			WHERE n.status IN ('notified', 'waiting') AND n.starts_on <= $1 AND n.ends_on >= $2`,
		[]any{cutoff, today}, func(subject, start, orientation, childID, ref, email, child string) (due, bool) {
			return due{subject, "without_solution", childID, ref, email, child, "Enfant sans solution",
				fmt.Sprintf("%s attend une admission depuis le %s (orientation %s) : aucune structure ne l'a encore admis.",
					child, DayLabel(start), Label(Orientations, orientation)), nil}, true
		}); err != nil {
		return nil, fmt.Errorf("without-solution alerts: %w", err)
	}
	if err := collect(`SELECT p.id, p.review_on, ''`+who+` JOIN child_projects p ON p.child_id = c.id
			WHERE p.status = 'validated' AND p.review_on <= $1 AND NOT EXISTS (SELECT 1 FROM child_projects n
			WHERE n.child_id = p.child_id AND n.status = 'validated' AND n.version > p.version)`,
		[]any{horizon}, func(subject, review, _, childID, ref, email, child string) (due, bool) {
			left := daysLeft(review)
			if left < 0 {
				return due{subject, "project_review_overdue", childID, ref, email, child, "Révision du projet en retard",
					fmt.Sprintf("La révision du projet de %s était prévue le %s : préparez la nouvelle version avec le cercle.",
						child, DayLabel(review)), nil}, true
			}
			t := Threshold(left)
			return due{subject, fmt.Sprintf("project_review_%d", t), childID, ref, email, child, "Révision du projet à préparer",
				fmt.Sprintf("Le projet de %s est à réviser le %s, dans %d jours : ouvrez un brouillon et réunissez le cercle.",
					child, DayLabel(review), left), nil}, t > 0
		}); err != nil {
		return nil, fmt.Errorf("project review alerts: %w", err)
	}
	return unsent(ctx, tx, all)
}

// unsent leaves out the alerts already marked as sent.
func unsent(ctx context.Context, tx *db.Tx, all []due) ([]due, error) {
	sent := map[[2]string]bool{}
	for start := 0; start < len(all); start += 500 {
		var args db.Args
		ids := make([]string, 0, 500)
		for _, d := range all[start:min(start+500, len(all))] {
			ids = append(ids, d.subject)
		}
		rows, err := tx.QueryContext(ctx, `SELECT subject_id, alert FROM child_alerts_sent WHERE subject_id IN (`+
			db.List(&args, ids)+`)`, args.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k [2]string
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				rows.Close()
				return nil, err
			}
			sent[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := all[:0]
	for _, d := range all {
		if !sent[[2]string{d.subject, d.alert}] {
			out = append(out, d)
		}
	}
	return out, nil
}

// sendAlert marks alert d as sent and sends it, unless another run did
// first; it reports whether it sent it.
func sendAlert(ctx context.Context, tx *db.Tx, d due) (bool, error) {
	marked := 0
	for _, alert := range append([]string{d.alert}, d.also...) {
		res, err := tx.ExecContext(ctx, `INSERT INTO child_alerts_sent (subject_id, alert, sent_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, d.subject, alert, tx.Now)
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		marked += int(n)
	}
	if marked == 0 {
		return false, nil
	}
	// In the app the child is named; the e-mail, which leaves Passerelle,
	// says only that there is something to see.
	if err := notify.Tell(ctx, tx, notify.Notification{AccountID: d.referent, Kind: "child.alert", Title: d.title,
		Body: d.body, Link: "/enfants/" + d.childID}, notify.Mail{To: d.email, Subject: "Passerelle — " + d.title,
		Text: "Un dossier que vous suivez demande votre attention (" + d.title + ").\n" +
			"Connectez-vous à Passerelle et ouvrez vos notifications.\n"}, false); err != nil {
		return false, err
	}
	section := access.SecNotifications
	switch {
	case strings.HasPrefix(d.alert, "measure_"):
		section = access.SecMeasures
	case strings.HasPrefix(d.alert, "planning_"):
		section = access.SecPlanning
	case strings.HasPrefix(d.alert, "project_"):
		section = access.SecProject
	}
	return true, event(ctx, tx, d.childID, "alert", section, "Alerte envoyée au référent : "+d.title, "")
}
