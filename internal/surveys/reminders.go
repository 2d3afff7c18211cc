package surveys

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// ReminderDays are the reminders before a campaign's deadline, in days,
// the earliest first.
var ReminderDays = []int{3, 1}

// DueReminder returns the reminder due at now for a campaign launched at
// launched with its deadline (days before it, 0 for none): the latest step
// reached, and only if the campaign already ran at that step (a campaign
// launched two days before its deadline gets no "three days" reminder).
func DueReminder(launched, deadline, now time.Time) int {
	if !now.Before(deadline) {
		return 0
	}
	due := 0
	for _, d := range ReminderDays {
		at := deadline.Add(-time.Duration(d) * 24 * time.Hour)
		if !now.Before(at) && launched.Before(at) {
			due = d
		}
	}
	return due
}

// Remind sends the reminders due before the campaigns' deadlines to the
// directors of the target structures that have not submitted; it is the
// KindReminders job's handler and returns how many structures were
// reminded. Each (campaign, structure, step) is recorded in
// survey_reminders_sent under a unique key, so that running it twice, or
// on several servers at once, reminds each structure once per step.
func (s *Service) Remind(ctx context.Context) (int, error) {
	type open struct {
		id, title, owner   string
		deadline, launched time.Time
		step               int
	}
	var due []open
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, s.title, o.name, c.deadline_at, c.launched_at FROM survey_campaigns c
			JOIN surveys s ON s.id = c.survey_id JOIN organisations o ON o.id = c.owner_org_id
			WHERE c.closed_at IS NULL AND c.deadline_at > $1 AND c.deadline_at <= $2 ORDER BY c.deadline_at`,
			tx.Now, tx.Now.Add(time.Duration(ReminderDays[0])*24*time.Hour))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x open
			if err := rows.Scan(&x.id, &x.title, &x.owner, &x.deadline, &x.launched); err != nil {
				return err
			}
			if x.step = DueReminder(x.launched.UTC(), x.deadline.UTC(), tx.Now); x.step > 0 {
				due = append(due, x)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			// The structures that have not submitted and were not reminded at this step.
			rows, err := tx.QueryContext(ctx, `SELECT t.structure_id FROM survey_targets t
				LEFT JOIN survey_answers a ON a.campaign_id = t.campaign_id AND a.structure_id = t.structure_id
				WHERE t.campaign_id = $1 AND (a.status IS NULL OR a.status <> 'submitted')
				AND NOT EXISTS (SELECT 1 FROM survey_reminders_sent r WHERE r.campaign_id = t.campaign_id AND r.structure_id = t.structure_id AND r.step = $2)
				ORDER BY t.structure_id`, c.id, c.step)
			if err != nil {
				return err
			}
			var structures []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				structures = append(structures, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			when := "demain"
			if c.step > 1 {
				when = fmt.Sprintf("dans %d jours", c.step)
			}
			body := fmt.Sprintf("L'enquête « %s » de %s se termine %s, le %s. Votre structure n'a pas encore envoyé sa réponse.",
				c.title, c.owner, when, c.deadline.In(paris).Format("02/01/2006 à 15:04"))
			sent := 0
			for _, st := range structures {
				// The unique key decides who sends: another runner that got
				// here first makes this insert do nothing.
				res, err := tx.ExecContext(ctx, `INSERT INTO survey_reminders_sent (campaign_id, structure_id, step, sent_at) VALUES ($1, $2, $3, $4)
					ON CONFLICT (campaign_id, structure_id, step) DO NOTHING`, c.id, st, c.step, tx.Now)
				if err != nil {
					return err
				}
				if k, err := res.RowsAffected(); err != nil || k == 0 {
					continue
				}
				if err := tellDirectors(ctx, tx, s.BaseURL, st, "survey.reminder", "Rappel : enquête à renvoyer "+when, body, answerLink(c.id)); err != nil {
					return err
				}
				sent++
			}
			if sent == 0 {
				return nil
			}
			n += sent
			return record(access.WithActor(ctx, access.SystemActor), tx, "survey.remind", access.ResSurveyCampaign, c.id, "",
				map[string]any{"step_days": c.step, "structures": sent})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
