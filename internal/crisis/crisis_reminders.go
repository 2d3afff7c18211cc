package crisis

import (
	"context"
	"fmt"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// KindStatusReminders is the job that reminds late structures to report
// their state during a crisis.
const KindStatusReminders = "crisis.status_reminders"

// StatusReminders reminds the directors and educators of each structure
// late with its status report in an active crisis, once per cadence
// period: the reminder is marked (crisis, structure, period start) in the
// transaction that sends it, so the job may run often and on several
// servers. It returns how many structures were reminded.
func (s *Service) StatusReminders(ctx context.Context) (int, error) {
	ctx = access.WithActor(ctx, access.SystemActor)
	active, err := s.Active(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range active {
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			c, err := load(ctx, tx, a.ID)
			if err != nil || !c.Active() {
				return err
			}
			b, err := board(ctx, tx, c, tx.Now)
			if err != nil {
				return err
			}
			// A period is keyed by its start, in hours since the crisis
			// began, not by its number: numbers of a new cadence would
			// meet those already reminded under the old one and silence
			// the reminders.
			period := Period(c.StartedAt, tx.Now, c.Every()) * c.ReportEvery
			for _, l := range b.Lines {
				if !l.Late {
					continue
				}
				res, err := tx.ExecContext(ctx, `INSERT INTO crisis_status_reminders (crisis_id, structure_id, period, sent_at)
					VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, c.ID, l.StructureID, period, tx.Now)
				if err != nil {
					return fmt.Errorf("crisis: mark reminder: %w", err)
				}
				if k, _ := res.RowsAffected(); k == 0 {
					continue // already reminded in this period
				}
				if err := s.remind(ctx, tx, c, l); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// remind tells the directors and educators of a late structure, at once:
// a crisis does not wait for the day's summary.
func (s *Service) remind(ctx context.Context, tx *db.Tx, c Crisis, l Line) error {
	title := "Crise en cours : l'état de " + l.StructureName + " est attendu"
	body := fmt.Sprintf("La cellule de crise (%s) attend un point de situation toutes les %d h. Dites en une minute si la structure est ouverte, "+
		"le personnel absent, les enfants concernés et vos besoins.", Label(Kinds, string(c.Kind)), c.ReportEvery)
	return tellStructureStaff(ctx, tx, s.BaseURL, l.StructureID, []access.Role{access.RoleDirector, access.RoleEducator},
		"crisis.status_reminder", title, body, "/crises/"+c.ID+"/etat", true)
}
