package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
)

// figureSeed is a demo declaration on the first offer of a modality.
type figureSeed struct {
	Structure, Modality string
	Kind                capacity.Kind
	Places              int
	// FromDays and Days place the period from today; Days 0: until further notice.
	FromDays, Days int
	Weekdays       capacity.Weekdays
	Profession     string
	Conditions     string
	Carer          string // mailbox of the foster carer of a relay stay
	// ConfirmedDaysAgo: past the kind's threshold, the figure shows stale.
	ConfirmedDaysAgo int
}

// figures make a board worth searching: fresh and stale figures, respite
// next week, sequential days, a relay stay and staff to lend. The MECS of
// the demo director has one figure gone stale, so that its prompt shows.
var figures = []figureSeed{
	{Structure: "mecs", Modality: "residential", Kind: capacity.KindPermanent, Places: 1, ConfirmedDaysAgo: 1},
	{Structure: "mecs", Modality: "residential", Kind: capacity.KindStaff, Places: 1, Days: 60, Profession: "Éducatrice spécialisée",
		Conditions: "Deux jours par semaine, en renfort d'une équipe en difficulté", ConfirmedDaysAgo: 9},
	{Structure: "mecs-roseraie", Modality: "sequential", Kind: capacity.KindSequential, Places: 2,
		Weekdays: 4 | 32 | 64, ConfirmedDaysAgo: 4},
	{Structure: "mecs-colombier", Modality: "respite", Kind: capacity.KindRespite, Places: 2, FromDays: 7, Days: 5, ConfirmedDaysAgo: 0},
	{Structure: "foyer-se", Modality: "emergency", Kind: capacity.KindEmergency, Places: 3, ConfirmedDaysAgo: 0},
	{Structure: "foyer-roanne", Modality: "emergency", Kind: capacity.KindEmergency, Places: 1, ConfirmedDaysAgo: 6},
	{Structure: "pouponniere", Modality: "emergency", Kind: capacity.KindEmergency, Places: 1, ConfirmedDaysAgo: 1},
	{Structure: "centre-maternel", Modality: "residential", Kind: capacity.KindPermanent, Places: 1, FromDays: 20, ConfirmedDaysAgo: 5},
	{Structure: "placement-familial", Modality: "foster", Kind: capacity.KindRelay, Places: 1, FromDays: 10, Days: 3,
		Carer: "assistante-familiale", ConfirmedDaysAgo: 1},
	{Structure: "placement-familial", Modality: "respite", Kind: capacity.KindRespite, Places: 1, FromDays: 3, Days: 4, ConfirmedDaysAgo: 1},
	{Structure: "relais-parental", Modality: "respite", Kind: capacity.KindRespite, Places: 2, FromDays: 14, Days: 6, ConfirmedDaysAgo: 1},
	{Structure: "ditep", Modality: "respite", Kind: capacity.KindRespite, Places: 1, FromDays: 4, Days: 3, ConfirmedDaysAgo: 0},
	{Structure: "ditep", Modality: "day_care", Kind: capacity.KindPermanent, Places: 2, FromDays: 30, ConfirmedDaysAgo: 2},
	{Structure: "itep", Modality: "respite", Kind: capacity.KindRespite, Places: 1, FromDays: 2, Days: 2, ConfirmedDaysAgo: 5},
	{Structure: "ime-cordee", Modality: "day_care", Kind: capacity.KindSequential, Places: 1, Weekdays: 1 | 2 | 8, ConfirmedDaysAgo: 3},
	{Structure: "lva", Modality: "residential", Kind: capacity.KindPermanent, Places: 1, ConfirmedDaysAgo: 12},
}

// holdSeed is a demo hold by the referent on the first figure of a structure.
type holdSeed struct {
	Structure  string
	RequestRef string
	Booked     bool
}

// holds show the referent an option to confirm and a confirmed booking.
var holds = []holdSeed{
	{Structure: "foyer-se", RequestRef: "DEM-2026-031 (accueil d'urgence, fratrie)"},
	{Structure: "relais-parental", RequestRef: "DEM-2026-027 (répit, famille d'accueil épuisée)", Booked: true},
}

// insertCapacity writes the demo figures, their first history rows and the
// referent's holds.
func insertCapacity(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	today := capacity.DayOf(tx.Now)
	declared := make([]string, len(figures))
	for i, f := range figures {
		structure := ids[f.Structure]
		var offer, dep string
		if err := tx.QueryRowContext(ctx, `SELECT o.id, og.departement FROM offers o JOIN organisations og ON og.id = o.structure_id
			WHERE o.structure_id = $1 AND o.modality = $2 ORDER BY o.created_at, o.id LIMIT 1`, structure, f.Modality).Scan(&offer, &dep); err != nil {
			return fmt.Errorf("capacity figure of %s/%s: %w", f.Structure, f.Modality, err)
		}
		from, to := today.AddDays(f.FromDays), capacity.Forever
		if f.Days > 0 {
			to = from.AddDays(f.Days - 1)
		}
		weekdays := f.Weekdays
		if weekdays == 0 {
			weekdays = capacity.EveryDay
		}
		var carer any
		carerName := ""
		if f.Carer != "" {
			var id string
			if err := tx.QueryRowContext(ctx, `SELECT id, display_name FROM accounts WHERE email = $1`, address(f.Carer)).
				Scan(&id, &carerName); err != nil {
				return fmt.Errorf("capacity carer %s: %w", f.Carer, err)
			}
			carer = id
		}
		confirmed := tx.Now.Add(-time.Duration(f.ConfirmedDaysAgo)*24*time.Hour - time.Hour)
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO availabilities (id, offer_id, structure_id, kind, places, taken, starts_on,
			ends_on, weekdays, profession, conditions, carer_account_id, carer_name, confirmed_at, confirmed_by, active,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $13, 'Démonstration', TRUE, $13, $13)`,
			id, offer, structure, string(f.Kind), f.Places, string(from), string(to), int(weekdays), f.Profession, f.Conditions,
			carer, carerName, confirmed); err != nil {
			return fmt.Errorf("capacity figure of %s: %w", f.Structure, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO capacity_history (id, availability_id, offer_id, structure_id, departement,
			kind, event, places, taken, at) VALUES ($1, $2, $3, $4, $5, $6, 'declared', $7, 0, $8)`,
			db.NewID(), id, offer, structure, dep, string(f.Kind), f.Places, confirmed); err != nil {
			return err
		}
		declared[i] = id
	}
	var referent, ase string
	if err := tx.QueryRowContext(ctx, `SELECT a.id, m.organisation_id FROM accounts a JOIN memberships m ON m.account_id = a.id
		WHERE a.email = $1`, address("referent")).Scan(&referent, &ase); err != nil {
		return fmt.Errorf("capacity referent: %w", err)
	}
	for _, h := range holds {
		i := slices.IndexFunc(figures, func(f figureSeed) bool { return f.Structure == h.Structure })
		f := figures[i]
		from := today.AddDays(f.FromDays)
		to := capacity.Forever
		if f.Days > 0 {
			to = from.AddDays(f.Days - 1)
		}
		status, booked := "held", any(nil)
		if h.Booked {
			status, booked = "booked", tx.Now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET taken = taken + 1 WHERE id = $1`, declared[i]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO capacity_holds (id, availability_id, structure_id, places, status, request_ref,
			holder_org_id, holder_account_id, holder_name, starts_on, ends_on, expires_at, created_at, booked_at)
			VALUES ($1, $2, $3, 1, $4, $5, $6, $7, 'Sophie Duret', $8, $9, $10, $11, $12)`,
			db.NewID(), declared[i], ids[f.Structure], status, h.RequestRef, ase, referent, string(from), string(to),
			tx.Now.Add(30*time.Hour), tx.Now.Add(-2*time.Hour), booked); err != nil {
			return fmt.Errorf("capacity hold: %w", err)
		}
	}
	return nil
}
