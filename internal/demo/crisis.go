package demo

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// crisisResetTables are the tables Reset empties for this feature,
// those that refer to others first.
var crisisResetTables = []string{"crisis_status_reminders", "crisis_status_reports", "crisis_log", "crisis_cell_members", "crises"}

// paris is the time zone of the demo's dates.
var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// insertCrisis adds the demo's crisis mode: an ended crisis with its cell, notes, decisions and status reports.
// No crisis is active: its banner would be on every page of the demo.
func insertCrisis(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	// Last summer's heatwave: the most recent July that is over.
	y := tx.Now.In(paris).Year()
	if tx.Now.Before(time.Date(y, time.August, 1, 0, 0, 0, 0, paris)) {
		y--
	}
	at := func(day, hour, minute int) time.Time {
		return time.Date(y, time.July, day, hour, minute, 0, 0, paris).UTC()
	}
	accounts := map[string]string{}
	for _, mailbox := range []string{"pilotage", "referent", "directeur", "directrice-ditep", "educateur"} {
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = $1`, address(mailbox)).Scan(&id); err != nil {
			return fmt.Errorf("demo crisis: account %s: %w", mailbox, err)
		}
		accounts[mailbox] = id
	}
	id := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO crises (id, departement, kind, description, started_at, ended_at, activated_by, activated_name,
		ended_by, ended_name, closing_note, report_every_hours, created_at) VALUES ($1, $2, 'heatwave', $3, $4, $5, $6, 'Hélène Vial', $6, 'Hélène Vial', $7, 12, $4)`,
		id, Departement, "Canicule : vigilance rouge sur la Loire, 38 à 40 °C attendus jusqu'à samedi. Les structures d'internat et les "+
			"pouponnières sont les plus exposées ; point de situation deux fois par jour.",
		at(1, 10, 0), at(5, 18, 0), accounts["pilotage"],
		"Fin de la vigilance rouge le 5 au soir. Aucun enfant hospitalisé ; deux structures ont fonctionné en activité réduite. "+
			"Retour d'expérience avec les organismes gestionnaires en septembre."); err != nil {
		return fmt.Errorf("demo crisis: %w", err)
	}
	members := []struct{ account, name, org, function, phone string }{
		{accounts["pilotage"], "Hélène Vial", "Direction enfance famille — Département de la Loire (démo)", "Pilotage ASE", "04 99 00 10 00"},
		{accounts["referent"], "Sophie Duret", "Direction enfance famille — Département de la Loire (démo)", "Référente ASE", ""},
		{"", "Paul Girard (fictif)", "ARS — délégation départementale de la Loire (démo)", "Inspecteur, veille sanitaire", "04 99 00 20 10"},
		{"", "Nadia Benali (fictif)", "MDPH de la Loire (démo)", "Responsable de l'évaluation", "04 99 00 30 10"},
		{accounts["directeur"], "Marc Oliveira", "Association Forez Enfance Avenir (fictif)", "Représentant des organismes gestionnaires", "04 99 11 01 01"},
	}
	for _, m := range members {
		var account any
		if m.account != "" {
			account = m.account
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_cell_members (id, crisis_id, account_id, name, organisation, function, phone, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), id, account, m.name, m.org, m.function, m.phone, at(1, 10, 30)); err != nil {
			return fmt.Errorf("demo crisis cell: %w", err)
		}
	}
	log := []struct {
		kind   string
		at     time.Time
		body   string
		author string
	}{
		{"note", at(1, 11, 0), "Première réunion de la cellule. La pouponnière Les Petits Pas signale des chambres à 31 °C l'après-midi ; la MECS Beauregard manque de ventilateurs.", "Hélène Vial"},
		{"decision", at(1, 11, 30), "Points de situation à 9 h et 17 h (toutes les 12 h) pour toutes les structures jusqu'à la fin de la vigilance.", "Hélène Vial"},
		{"decision", at(1, 12, 0), "Sorties et activités extérieures suspendues de 11 h à 18 h ; hydratation toutes les heures dans les internats.", "Hélène Vial"},
		{"note", at(3, 9, 30), "Deux éducateurs absents à la MECS Beauregard ; l'association Forez Enfance Avenir prête un veilleur de nuit.", "Sophie Duret"},
		{"decision", at(3, 10, 0), "Le foyer départemental ouvre une salle rafraîchie aux enfants de la pouponnière l'après-midi.", "Hélène Vial"},
	}
	for _, e := range log {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_log (id, crisis_id, kind, at, body, author_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $4)`, db.NewID(), id, e.kind, e.at, e.body, e.author); err != nil {
			return fmt.Errorf("demo crisis log: %w", err)
		}
	}
	reports := []struct {
		structure, state string
		absent, affected int
		needs, author    string
		at               time.Time
	}{
		{"mecs", "reduced", 2, 4, "Ventilateurs pour les chambres du 2e étage.", "Marc Oliveira", at(1, 17, 5)},
		{"mecs", "reduced", 2, 4, "Un veilleur de nuit en renfort.", "Marc Oliveira", at(3, 9, 10)},
		{"mecs", "open", 0, 0, "", "Marc Oliveira", at(5, 9, 0)},
		{"ditep", "open", 1, 0, "", "Isabelle Perrin", at(1, 17, 30)},
		{"ditep", "reduced", 3, 6, "Accueil de jour réduit aux matinées : transport l'après-midi impossible.", "Isabelle Perrin", at(2, 9, 15)},
		{"ditep", "open", 0, 0, "", "Karim Haddad", at(4, 17, 0)},
		{"pouponniere", "reduced", 1, 8, "Pièce rafraîchie pour les après-midi.", "Direction (fictif)", at(1, 17, 45)},
		{"pouponniere", "open", 0, 8, "", "Direction (fictif)", at(3, 17, 0)},
		{"foyer-se", "open", 0, 0, "Salle rafraîchie disponible pour d'autres structures.", "Direction (fictif)", at(2, 9, 0)},
		{"ime-cordee", "closed", 0, 12, "Externat fermé deux jours : bâtiment trop chaud.", "Direction (fictif)", at(2, 8, 30)},
		{"ime-cordee", "open", 0, 0, "", "Direction (fictif)", at(4, 9, 0)},
	}
	for _, r := range reports {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_status_reports (id, crisis_id, structure_id, state, staff_absent, children_affected,
			needs, author_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			db.NewID(), id, ids[r.structure], r.state, r.absent, r.affected, r.needs, r.author, r.at); err != nil {
			return fmt.Errorf("demo crisis report %s: %w", r.structure, err)
		}
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "demo.crisis", ResourceType: string(access.ResCrisis), ResourceID: id,
		Details: map[string]any{"kind": "heatwave", "ended": true}})
}
