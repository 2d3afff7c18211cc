package crisis

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/notify"
)

// Continuity plans (plans de continuité d'activité). The children at risk
// to be contacted are kept as a procedure and a count, never as names:
// names live in the children's records, behind their own access rules and
// audit, and the steering only ever reads counts.

// Plan is a structure's continuity plan; Exists is false while it has none.
type Plan struct {
	StructureID, StructureName string
	StructureType, Departement string
	Exists                     bool
	MinimumStaffing            string
	Priorities                 string
	ChildrenProcedure          string
	ChildrenAtRisk             int
	EmergencyContacts          string
	DocumentName               string
	ReviewedOn                 string // YYYY-MM-DD
	UpdatedAt                  time.Time
	UpdatedName                string
	State                      PlanState
	CanEdit                    bool
}

// PlanInput is what the director writes.
type PlanInput struct {
	MinimumStaffing, Priorities, ChildrenProcedure, EmergencyContacts string
	ChildrenAtRisk                                                    int
	// Document replaces the plan's PDF; nil keeps the current one.
	Document       *attach.File
	RemoveDocument bool
}

// planTextMax is the length of each text of a plan, in characters.
const planTextMax = 10000

// planStructure reads what the policy needs of a structure.
func planStructure(ctx context.Context, tx *db.Tx, id string) (p Plan, err error) {
	if !db.ValidID(id) {
		return p, apperr.New(apperr.NotFound, "Structure introuvable.")
	}
	err = tx.QueryRowContext(ctx, `SELECT id, name, structure_type, departement FROM organisations WHERE id = $1 AND kind = 'structure'`, id).
		Scan(&p.StructureID, &p.StructureName, &p.StructureType, &p.Departement)
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.New(apperr.NotFound, "Structure introuvable.")
	}
	return p, err
}

func (p Plan) resource() access.Resource {
	return access.Resource{Type: access.ResContinuityPlan, ID: p.StructureID, OrganisationIDs: []string{p.StructureID}, Departement: p.Departement}
}

// parisDay is the Paris day of t, as the plans count days.
func parisDay(t time.Time) string { return t.In(Paris).Format(time.DateOnly) }

// Plan returns a structure's continuity plan (Exists false when none).
func (s *Service) Plan(ctx context.Context, structureID string) (Plan, error) {
	var p Plan
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if p, err = planStructure(ctx, tx, structureID); err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionView, p.resource()); err != nil {
			return err
		}
		var updated sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT minimum_staffing, priorities, children_procedure, children_at_risk, emergency_contacts,
			document_name, reviewed_on, updated_at, updated_name FROM continuity_plans WHERE structure_id = $1`, structureID).
			Scan(&p.MinimumStaffing, &p.Priorities, &p.ChildrenProcedure, &p.ChildrenAtRisk, &p.EmergencyContacts,
				&p.DocumentName, &p.ReviewedOn, &updated, &p.UpdatedName)
		if errors.Is(err, sql.ErrNoRows) {
			p.State = PlanMissing
			return nil
		}
		if err != nil {
			return err
		}
		p.Exists, p.UpdatedAt = true, updated.Time.UTC()
		p.State = PlanStateOf(p.ReviewedOn, tx.Now.In(Paris))
		return nil
	})
	p.CanEdit = err == nil && access.Can(access.ActorFrom(ctx), access.ActionUpdate, p.resource())
	return p, err
}

// normalizePlan trims the plan's texts and checks them and its document.
func normalizePlan(in *PlanInput) error {
	var v apperr.Validation
	for _, f := range []struct {
		name string
		text *string
	}{{"minimum_staffing", &in.MinimumStaffing}, {"priorities", &in.Priorities},
		{"children_procedure", &in.ChildrenProcedure}, {"emergency_contacts", &in.EmergencyContacts}} {
		*f.text = strings.TrimSpace(*f.text)
		v.Check(utf8.RuneCountInString(*f.text) <= planTextMax, f.name, fmt.Sprintf("%d caractères au plus.", planTextMax))
	}
	v.Check(in.MinimumStaffing != "", "minimum_staffing", "Indiquez l'effectif minimum pour fonctionner.")
	v.Check(in.Priorities != "", "priorities", "Indiquez les activités prioritaires à maintenir.")
	v.Check(in.EmergencyContacts != "", "emergency_contacts", "Indiquez au moins un contact d'urgence.")
	v.Check(in.ChildrenAtRisk >= 0 && in.ChildrenAtRisk <= 10000, "children_at_risk", "Un nombre entre 0 et 10 000.")
	v.Check(in.ChildrenAtRisk <= 0 || in.ChildrenProcedure != "", "children_procedure",
		"Dites comment les enfants à risque sont contactés (sans les nommer).")
	if in.Document != nil {
		files := []attach.File{*in.Document}
		attach.Check(&v, "document", files)
		if !v.Has("document") && files[0].Type != "application/pdf" {
			v.Add("document", "Le document du plan doit être un PDF.")
		}
		*in.Document = files[0]
	}
	return v.ErrSaying("Le plan n'est pas enregistré : corrigez les champs signalés.")
}

// SavePlan writes a structure's plan; saving it is reviewing it today.
func (s *Service) SavePlan(ctx context.Context, structureID string, in PlanInput) error {
	a := access.ActorFrom(ctx)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		p, err := planStructure(ctx, tx, structureID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, p.resource()); err != nil {
			return err
		}
		if err := normalizePlan(&in); err != nil {
			return err
		}
		today := parisDay(tx.Now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO continuity_plans (structure_id, minimum_staffing, priorities, children_procedure,
			children_at_risk, emergency_contacts, reviewed_on, updated_at, updated_by, updated_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (structure_id) DO UPDATE SET minimum_staffing = excluded.minimum_staffing, priorities = excluded.priorities,
			children_procedure = excluded.children_procedure, children_at_risk = excluded.children_at_risk,
			emergency_contacts = excluded.emergency_contacts, reviewed_on = excluded.reviewed_on, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by, updated_name = excluded.updated_name`,
			structureID, in.MinimumStaffing, in.Priorities, in.ChildrenProcedure, in.ChildrenAtRisk, in.EmergencyContacts,
			today, tx.Now, accountArg(a), actorName(a)); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		switch {
		case in.Document != nil:
			_, err = tx.ExecContext(ctx, `UPDATE continuity_plans SET document_name = $1, document_type = $2, document = $3 WHERE structure_id = $4`,
				in.Document.Name, in.Document.Type, in.Document.Data, structureID)
		case in.RemoveDocument:
			_, err = tx.ExecContext(ctx, `UPDATE continuity_plans SET document_name = '', document_type = '', document = NULL WHERE structure_id = $1`, structureID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "continuity_plan.update", ResourceType: string(access.ResContinuityPlan),
			ResourceID: structureID, OrganisationID: structureID, Details: map[string]any{"document": in.Document != nil, "reviewed_on": today}})
	})
}

// MarkReviewed records that the director read the plan again today and
// found it right.
func (s *Service) MarkReviewed(ctx context.Context, structureID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		p, err := planStructure(ctx, tx, structureID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, p.resource()); err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		today := parisDay(tx.Now)
		res, err := tx.ExecContext(ctx, `UPDATE continuity_plans SET reviewed_on = $1, updated_at = $2, updated_by = $3, updated_name = $4
			WHERE structure_id = $5`, today, tx.Now, accountArg(a), actorName(a), structureID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Cette structure n'a pas encore de plan : rédigez-le d'abord.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "continuity_plan.review", ResourceType: string(access.ResContinuityPlan),
			ResourceID: structureID, OrganisationID: structureID, Details: map[string]any{"reviewed_on": today}})
	})
}

// PlanDocument returns the PDF of a structure's plan.
func (s *Service) PlanDocument(ctx context.Context, structureID string) (attach.File, error) {
	var f attach.File
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		p, err := planStructure(ctx, tx, structureID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionView, p.resource()); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT document_name, document_type, document FROM continuity_plans
			WHERE structure_id = $1 AND document IS NOT NULL`, structureID).Scan(&f.Name, &f.Type, &f.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ce plan n'a pas de document.")
		}
		return err
	})
	return f, err
}

// PlanLine is a structure of the territory's list, with its plan's state.
type PlanLine struct {
	StructureID, StructureName, StructureType string
	ReviewedOn                                string
	State                                     PlanState
	ChildrenAtRisk                            int
}

// PlanCounts sum up a territory's plans.
type PlanCounts struct {
	Structures, Missing, Old, Due int
	ChildrenAtRisk                int
}

// PlanFilter narrows the territory's list: a structure type, a state
// ("missing", "old", "due", "current", or "late" for missing or old).
type PlanFilter struct {
	Type, State string
}

// Plans lists the active structures of a département with the state of
// their plans; the counts are over every state (the type filter applies).
func (s *Service) Plans(ctx context.Context, departement string, f PlanFilter) ([]PlanLine, PlanCounts, error) {
	var lines []PlanLine
	var c PlanCounts
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResContinuityPlan, Departement: departement}); err != nil {
		return nil, c, err
	}
	switch f.State {
	case "", "late", string(PlanMissing), string(PlanOld), string(PlanDue), string(PlanCurrent):
	default:
		return nil, c, &apperr.Error{Code: apperr.Invalid, Message: "La requête est à corriger.",
			Fields: map[string]string{"state": "État inconnu : missing, old, due, current ou late."}}
	}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.structure_type, COALESCE(p.reviewed_on, ''), COALESCE(p.children_at_risk, 0)
			FROM organisations o LEFT JOIN continuity_plans p ON p.structure_id = o.id
			WHERE o.kind = 'structure' AND o.active = TRUE AND o.departement = $1 AND ($2 = '' OR o.structure_type = $2)
			ORDER BY o.name, o.id`, departement, f.Type)
		if err != nil {
			return err
		}
		defer rows.Close()
		today := tx.Now.In(Paris)
		for rows.Next() {
			var l PlanLine
			if err := rows.Scan(&l.StructureID, &l.StructureName, &l.StructureType, &l.ReviewedOn, &l.ChildrenAtRisk); err != nil {
				return err
			}
			l.State = PlanStateOf(l.ReviewedOn, today)
			c.count(l)
			if f.State == "" || f.State == string(l.State) || f.State == "late" && (l.State == PlanMissing || l.State == PlanOld) {
				lines = append(lines, l)
			}
		}
		return rows.Err()
	})
	return lines, c, err
}

func (c *PlanCounts) count(l PlanLine) {
	c.Structures++
	c.ChildrenAtRisk += l.ChildrenAtRisk
	switch l.State {
	case PlanMissing:
		c.Missing++
	case PlanOld:
		c.Old++
	case PlanDue:
		c.Due++
	}
}

// KindPlanReviews is the job that reminds directors of their plans.
const KindPlanReviews = "crisis.plan_reviews"

// planReminder is one reminder the job may send.
type planReminder struct {
	structureID, name, kind, ref string
}

// PlanReviews tells the directors of a structure when its plan is due
// for review (PlanDueMonths after the last one), again once it is
// overdue (PlanValidMonths), and when it has none while a crisis is
// active in its département. Each reminder is sent once (a row of
// continuity_reminders_sent, written with it), so the job may run often
// and on several servers. It returns how many reminders were sent.
func (s *Service) PlanReviews(ctx context.Context) (int, error) {
	var due []planReminder
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		today := tx.Now.In(Paris)
		limit := today.AddDate(0, -PlanDueMonths, 0).Format(time.DateOnly)
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, p.reviewed_on FROM continuity_plans p JOIN organisations o ON o.id = p.structure_id
			WHERE o.active = TRUE AND p.reviewed_on <= $1 ORDER BY o.id`, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r planReminder
			if err := rows.Scan(&r.structureID, &r.name, &r.ref); err != nil {
				rows.Close()
				return err
			}
			switch PlanStateOf(r.ref, today) {
			case PlanDue:
				r.kind = "due"
			case PlanOld:
				r.kind = "overdue"
			default:
				continue
			}
			due = append(due, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT o.id, o.name, c.id FROM organisations o JOIN crises c ON c.departement = o.departement AND c.ended_at IS NULL
			WHERE o.kind = 'structure' AND o.active = TRUE AND NOT EXISTS (SELECT 1 FROM continuity_plans p WHERE p.structure_id = o.id)
			ORDER BY o.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := planReminder{kind: "missing"}
			if err := rows.Scan(&r.structureID, &r.name, &r.ref); err != nil {
				return err
			}
			due = append(due, r)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range due {
		err := s.DB.Write(ctx, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO continuity_reminders_sent (structure_id, kind, ref, sent_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, r.structureID, r.kind, r.ref, tx.Now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // sent before, or by another server
			}
			n++
			title, body := planReminderText(r)
			return tellStructureStaff(ctx, tx, s.BaseURL, r.structureID, []access.Role{access.RoleDirector},
				"crisis.plan_review", title, body, "/crise/plans/"+r.structureID, r.kind == "missing")
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func planReminderText(r planReminder) (title, body string) {
	switch r.kind {
	case "due":
		return "Plan de continuité à revoir", fmt.Sprintf("Le plan de continuité de %s a été revu le %s : il est temps de le relire et de le confirmer.", r.name, frenchDay(r.ref))
	case "overdue":
		return "Plan de continuité de plus d'un an", fmt.Sprintf("Le plan de continuité de %s n'a pas été revu depuis le %s : relisez-le et confirmez-le.", r.name, frenchDay(r.ref))
	}
	return "Crise en cours : plan de continuité manquant", fmt.Sprintf("Une crise est en cours dans votre département et %s n'a pas de plan de continuité : rédigez-le dans Passerelle.", r.name)
}

// frenchDay writes a YYYY-MM-DD day as 02/01/2006.
func frenchDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02/01/2006")
}

// tellStructureStaff notifies the active accounts holding one of roles in
// a structure, and mails them (at once when urgent, else as each chose).
func tellStructureStaff(ctx context.Context, tx *db.Tx, base *url.URL, structureID string, roles []access.Role, kind, title, body, link string, urgent bool) error {
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = string(r)
	}
	return notify.TellStaff(ctx, tx, base, structureID, rs, kind, title, body, link, "Dans Passerelle", urgent)
}
