package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/surveys"
)

// surveysResetTables are the tables Reset empties for the surveys,
// children before parents.
var surveysResetTables = []string{"survey_reminders_sent", "survey_answers", "survey_targets", "survey_campaigns",
	"survey_questions", "survey_sections", "surveys"}

// insertSurveys writes the demo's surveys: the cooperation questionnaire,
// ready to launch, and last July's heatwave flash survey, closed, with the
// structures' answers (most on time, some late, one draft, some none), so
// that the results page has charts and rates at once.
func insertSurveys(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	owner := ids["ase"]
	if owner == "" {
		return fmt.Errorf("demo surveys: no ASE organisation")
	}
	if _, err := surveys.InsertTemplate(ctx, tx, surveys.TemplateCooperation, owner, Departement, ""); err != nil {
		return fmt.Errorf("demo surveys: %w", err)
	}
	sv, err := surveys.InsertTemplate(ctx, tx, surveys.TemplateCrisisFlash, owner, Departement, "Canicule de juillet — point de situation")
	if err != nil {
		return fmt.Errorf("demo surveys: %w", err)
	}
	// The same July as the demo's crisis (insertCrisis).
	y := tx.Now.In(paris).Year()
	if tx.Now.Before(time.Date(y, time.August, 1, 0, 0, 0, 0, paris)) {
		y--
	}
	at := func(day, hour int) time.Time { return time.Date(y, time.July, day, hour, 0, 0, 0, paris).UTC() }
	launched, deadline, closed := at(1, 14), at(3, 12), at(8, 9)
	var steering string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE email = $1`, address("pilotage")).Scan(&steering); err != nil {
		return fmt.Errorf("demo surveys: %w", err)
	}
	cid := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO survey_campaigns (id, survey_id, owner_org_id, departement, deadline_at, targeting, launched_by, launched_at, closed_by, closed_at)
		VALUES ($1, $2, $3, $4, $5, '{}', $6, $7, $6, $8)`, cid, sv.ID, owner, Departement, deadline, steering, launched, closed); err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name, structure_type, departement, commune_code FROM organisations
		WHERE kind = 'structure' AND departement = $1 AND fictional = TRUE ORDER BY name, id`, Departement)
	if err != nil {
		return err
	}
	var targets []surveys.TargetStructure
	for rows.Next() {
		var x surveys.TargetStructure
		if err := rows.Scan(&x.ID, &x.Name, &x.StructureType, &x.Departement, &x.CommuneCode); err != nil {
			rows.Close()
			return err
		}
		targets = append(targets, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	qs := sv.Questions()
	q := map[string]string{}
	for i, key := range []string{"state", "since", "absent", "children", "needs", "detail"} {
		q[key] = qs[i].ID
	}
	needs := qs[4].Options
	for i, x := range targets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_targets (campaign_id, structure_id, structure_name, structure_type, departement, commune_code)
			VALUES ($1, $2, $3, $4, $5, $6)`, cid, x.ID, x.Name, x.StructureType, x.Departement, x.CommuneCode); err != nil {
			return err
		}
		// Every fifth structure said nothing; the fourth kept a draft; a few
		// answered after the deadline.
		status, submitted := "submitted", deadline.Add(-time.Duration(20-i)*time.Hour)
		switch {
		case i%5 == 4:
			continue
		case i == 3:
			status = "draft"
		case i%7 == 6:
			submitted = deadline.Add(time.Duration(6+i) * time.Hour)
		}
		v := surveys.Values{q["absent"]: {fmt.Sprint(i % 4)}, q["children"]: {fmt.Sprint((i * 3) % 7)}}
		switch {
		case i == 1 || i == 8:
			v[q["state"]] = []string{"Activité réduite"}
			v[q["since"]] = []string{time.Date(y, time.July, 2, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}
			v[q["needs"]] = []string{needs[0], needs[3]}
			v[q["detail"]] = []string{"Deux professionnels en arrêt à cause de la chaleur ; un renfort de nuit nous aiderait jusqu'à la fin de la vigilance."}
		case i%3 == 0:
			v[q["state"]] = []string{"Ouverte"}
			v[q["needs"]] = []string{needs[2]}
			v[q["detail"]] = []string{"Des ventilateurs et un climatiseur mobile pour la salle de vie."}
		default:
			v[q["state"]] = []string{"Ouverte"}
			v[q["needs"]] = []string{needs[5]}
		}
		var sub any = submitted
		if status == "draft" {
			sub = nil
			delete(v, q["state"]) // incomplete: never sent
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (campaign_id, structure_id, status, answer, saved_at, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, cid, x.ID, status, string(raw), submitted, sub); err != nil {
			return fmt.Errorf("demo answer: %w", err)
		}
	}
	return nil
}
