package directory

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// KindStaleReminder is the daily job that reminds directors of entries
// left unchecked for StaleAfter.
const KindStaleReminder = "directory.stale_reminder"

// remindEvery is how often a director is reminded of the same entry.
const remindEvery = 30 * 24 * time.Hour

// RemindStale tells the directors of every active entry not checked for
// StaleAfter (in the app and by e-mail), at most once per remindEvery. It
// runs as the system actor and returns the number of entries concerned.
func (s *Service) RemindStale(ctx context.Context, baseURL *url.URL) (int, error) {
	var n int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, a.id, a.email, a.display_name
			FROM structures s JOIN organisations o ON o.id = s.id
			JOIN memberships m ON m.organisation_id = o.id AND m.role = 'director'
			JOIN accounts a ON a.id = m.account_id AND a.active = TRUE
			WHERE o.active = TRUE AND COALESCE(s.checked_at, o.created_at) < $1
			AND (s.stale_reminded_at IS NULL OR s.stale_reminded_at < $2)
			ORDER BY o.id, a.id`, tx.Now.Add(-StaleAfter), tx.Now.Add(-remindEvery))
		if err != nil {
			return fmt.Errorf("stale entries: %w", err)
		}
		type due struct{ id, name, account, email, who string }
		var all []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.name, &d.account, &d.email, &d.who); err != nil {
				rows.Close()
				return err
			}
			all = append(all, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, d := range all {
			link := "/annuaire/" + d.id
			title := "Fiche de l'annuaire à vérifier : " + d.name
			body := "La fiche de votre structure n'a pas été confirmée depuis plus de six mois. " +
				"Vérifiez ses offres, ses contacts et son adresse, puis cliquez sur « Je confirme que la fiche est à jour »."
			if err := notify.Tell(ctx, tx, notify.Notification{AccountID: d.account, Kind: KindStaleReminder, Title: title, Body: body, Link: link},
				notify.Mail{To: d.email, Subject: title, Text: "Bonjour " + d.who + ",\n\n" + body + "\n\n" + baseURL.JoinPath(link).String() +
					"\n\nPasserelle"}, false); err != nil {
				return err
			}
			if !seen[d.id] {
				seen[d.id] = true
				if _, err := tx.ExecContext(ctx, `UPDATE structures SET stale_reminded_at = $1 WHERE id = $2`, tx.Now, d.id); err != nil {
					return err
				}
			}
		}
		n = len(seen)
		return nil
	})
	return n, err
}
