package cooperation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// KindReminders is the job that moves agreements' statuses with the
// calendar (in force, renewed, expired, terminated), keeps their reserved
// places in step, and reminds the parties of the notice deadline and of
// the end.
const KindReminders = "cooperation.reminders"

// Reminders runs the job at the time of s.DB's clock. Each agreement is
// handled in its own transaction; each reminder of a period is sent once
// (agreement_reminders_sent), so the job may run hourly and on several
// servers. base makes the e-mails' links absolute. It returns how many
// reminders were sent.
func (s *Service) Reminders(ctx context.Context, base *url.URL) (int, error) {
	ctx = access.WithActor(ctx, access.SystemActor)
	type row struct {
		id, status, end string
	}
	var rows []row
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		// Drafts have nothing due; terminated and long-expired ones are done.
		r, err := tx.QueryContext(ctx, `SELECT id, status, current_end FROM agreements
			WHERE status IN ('signed', 'in_force') OR (status = 'expired' AND current_end >= $1)
			OR (terminated_on <> '' AND status <> 'terminated') ORDER BY id`, tx.Now.AddDate(0, 0, -40).Format(time.DateOnly))
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var x row
			if err := r.Scan(&x.id, &x.status, &x.end); err != nil {
				return err
			}
			rows = append(rows, x)
		}
		return r.Err()
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, x := range rows {
		n, err := s.remindOne(ctx, x.id, base)
		if err != nil {
			return sent, fmt.Errorf("agreement %s: %w", x.id, err)
		}
		sent += n
	}
	return sent, nil
}

func (s *Service) remindOne(ctx context.Context, id string, base *url.URL) (int, error) {
	sent := 0
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var stored, storedEnd string
		// Another server handling this agreement now has it locked: skip it.
		err := tx.QueryRowContext(ctx, `SELECT status, current_end FROM agreements WHERE id = $1`+tx.Dialect.SkipLocked(), id).
			Scan(&stored, &storedEnd)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ag, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if string(ag.Status) != stored || ag.CurrentEnd != storedEnd {
			if _, err := tx.ExecContext(ctx, `UPDATE agreements SET status = $1, current_end = $2, updated_at = $3 WHERE id = $4`,
				string(ag.Status), ag.CurrentEnd, tx.Now, id); err != nil {
				return err
			}
			// The places follow: released at the end, kept to the new end
			// of a renewed period.
			if err := s.reserve(ctx, tx, id, ag.Input(), ag.Status); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Entry{Action: "agreement.status", ResourceType: string(access.ResAgreement), ResourceID: id,
				Details: map[string]any{"from": stored, "to": ag.Status, "end": ag.CurrentEnd}}); err != nil {
				return err
			}
		}
		end, due := DueReminders(ag.Terms, today(tx))
		for _, r := range due {
			res, err := tx.ExecContext(ctx, `INSERT INTO agreement_reminders_sent (agreement_id, reminder, period_end, sent_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, string(r), end, tx.Now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := tell(ctx, tx, ag, r, base); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// reminderText says a reminder: its title and its first line.
func reminderText(ag *Agreement, r Reminder) (title, text string) {
	name := fmt.Sprintf("%s « %s »", ag.KindLabel(), ag.Title)
	switch r {
	case RemindNotice:
		return "Accord : dernier jour pour dénoncer le " + dayLabel(ag.NoticeDeadline),
			fmt.Sprintf("%s sera reconduit tacitement le %s, sauf dénonciation par une partie au plus tard le %s (préavis de %d mois).",
				name, dayLabel(dayAfter(ag.CurrentEnd)), dayLabel(ag.NoticeDeadline), ag.NoticeMonths)
	case RemindEnd90, RemindEnd30:
		days := 90
		if r == RemindEnd30 {
			days = 30
		}
		next := "Il prendra fin ce jour-là : s'il doit continuer, préparez son renouvellement."
		if ag.Renews {
			next = "Il sera reconduit tacitement pour " + fmt.Sprint(ag.DurationMonths) + " mois."
		}
		return fmt.Sprintf("Accord : fin de période le %s", dayLabel(ag.CurrentEnd)),
			fmt.Sprintf("%s arrive au terme de sa période le %s (dans %d jours au plus). %s", name, dayLabel(ag.CurrentEnd), days, next)
	}
	return "Accord échu le " + dayLabel(ag.CurrentEnd),
		fmt.Sprintf("%s est échu depuis le %s. Les places qu'il réservait sont rendues à la structure.", name, dayLabel(dayAfter(ag.CurrentEnd)))
}

// tell notifies the parties' directors and the account that registered
// the agreement, in the application and by e-mail.
func tell(ctx context.Context, tx *db.Tx, ag *Agreement, r Reminder, base *url.URL) error {
	all, err := notify.Recipients(ctx, tx, `SELECT DISTINCT a.id, a.email FROM accounts a JOIN memberships m ON m.account_id = a.id
		JOIN agreement_parties p ON p.organisation_id = m.organisation_id
		WHERE p.agreement_id = $1 AND m.role = 'director' AND a.active = TRUE
		UNION SELECT a.id, a.email FROM accounts a JOIN agreements g ON g.created_by = a.id WHERE g.id = $1 AND a.active = TRUE`, ag.ID)
	if err != nil {
		return err
	}
	title, text := reminderText(ag, r)
	link := "/cooperation/accords/" + ag.ID
	abs := notify.Absolute(base, link)
	for _, x := range all {
		if err := notify.Tell(ctx, tx, notify.Notification{AccountID: x.AccountID, Kind: KindReminders, Title: title, Body: text, Link: link},
			notify.Mail{To: x.Email, Subject: "Passerelle — " + title, Text: text + "\n\nL'accord : " + abs + "\n"}, false); err != nil {
			return err
		}
	}
	return nil
}

var monthNames = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// dayLabel says a 'YYYY-MM-DD' date in French: "31 décembre 2026".
func dayLabel(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[t.Month()-1], t.Year())
}

func dayAfter(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}
