package demo

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/crisis"
	"passerelle/internal/db"
)

// crisisSideResetTables are the tables Reset empties for this feature,
// those that refer to others first.
var crisisSideResetTables = []string{"crisis_broadcast_reminders", "crisis_broadcast_recipients", "crisis_broadcasts",
	"continuity_reminders_sent", "continuity_plans", "oncall_feeds", "oncall_shifts"}

// demoPlans are the continuity plans of the demo: how many months ago
// each structure reviewed its plan. Structures left out have none; the
// IME of Feurs reviewed its plan more than a year ago.
var demoPlans = map[string]int{
	"mecs": 2, "mecs-roseraie": 5, "mecs-colombier": 9, "foyer-se": 1, "foyer-roanne": 3, "pouponniere": 4,
	"centre-maternel": 6, "centre-parental": 7, "placement-familial": 2, "placement-familial-roannais": 8,
	"ditep": 3, "itep": 10, "ime-cordee": 4, "ime-val": 14, "cmpp": 6, "sessad-envol": 2, "sessad-roannais": 5,
	"camsp": 1, "emr-sud": 2, "emr-nord": 6, "pedopsy-hdj": 3,
	// No plan: the relais parental, the lieu de vie, the CMP of Veauche.
}

// demoOnCall are the people who take turns on call for the southern
// mobile team (the first is the demo account of the team).
var demoOnCall = []struct{ name, phone, mailbox string }{
	{"Thomas Roux", "04 99 41 07 11", "equipe-mobile"},
	{"Nadia Benali", "04 99 41 07 12", ""},
	{"Pierre Garnier", "04 99 41 07 13", ""},
}

// insertCrisisSide adds the demo's continuity plans (some missing or old), and the mobile team's on-call rota.
func insertCrisisSide(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	today := tx.Now.In(crisis.Paris)
	for key, months := range demoPlans {
		children := 0
		procedure := ""
		if key == "mecs" || key == "ditep" || key == "foyer-se" || key == "pouponniere" {
			children = 2 + months%3
			procedure = "La cheffe de service appelle chaque famille dans la journée, dans l'ordre de la liste tenue au bureau éducatif ; " +
				"un second appel le lendemain si personne n'a répondu."
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO continuity_plans (structure_id, minimum_staffing, priorities, children_procedure,
			children_at_risk, emergency_contacts, reviewed_on, updated_at, updated_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			ids[key], "Deux professionnels par unité de vie le jour, un veilleur et un cadre d'astreinte la nuit.",
			"1. Sécurité et soins des enfants accueillis. 2. Repas et traitements. 3. Lien avec les familles et l'ASE. Les activités collectives et les séjours sont suspendus.",
			procedure, children, "Direction : standard de la structure. Cadre d'astreinte : 04 99 00 99 99 (fictif). Cellule de crise : pilotage du Département.",
			today.AddDate(0, -months, 0).Format(time.DateOnly), tx.Now, "Démonstration"); err != nil {
			return fmt.Errorf("continuity plan %s: %w", key, err)
		}
	}
	// Twelve-hour shifts, 8 h – 20 h and 20 h – 8 h (Paris), from yesterday
	// morning to four weeks ahead, so that someone is always on call.
	var thomas string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = $1`, address(demoOnCall[0].mailbox)).Scan(&thomas); err != nil {
		return err
	}
	for i := 0; i < 2*29; i++ {
		d := today.Day() - 1 + i/2
		start := time.Date(today.Year(), today.Month(), d, 8+12*(i%2), 0, 0, 0, crisis.Paris)
		end := time.Date(today.Year(), today.Month(), d+i%2, 20-12*(i%2), 0, 0, 0, crisis.Paris)
		who := demoOnCall[i%len(demoOnCall)]
		var account any
		if who.mailbox != "" {
			account = thomas
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO oncall_shifts (id, team_id, person_name, phone, account_id, starts_at, ends_at, territory,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, db.NewID(), ids["emr-sud"], who.name, who.phone, account,
			start.UTC(), end.UTC(), "Loire Sud : Saint-Étienne, Gier, Ondaine", tx.Now); err != nil {
			return fmt.Errorf("on-call shift: %w", err)
		}
	}
	return nil
}
