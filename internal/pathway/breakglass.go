package pathway

import (
	"context"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// BreakGlassInput names the child exactly (pseudonym, or names and birth
// date) and says why; errors by field: child, birth_date, reason.
type BreakGlassInput struct {
	Pseudonym           string
	FirstName, LastName string
	BirthDate           string
	Reason              string
}

// BreakGlass opens a record the actor has no right to, for a written
// reason and BreakGlassFor: the child must be named exactly (nothing is
// searched), the opening is audited, told to the referent and listed for
// the steering. It returns the child's id.
func (s *Service) BreakGlass(ctx context.Context, in BreakGlassInput) (string, error) {
	a := access.ActorFrom(ctx)
	var v apperr.Validation
	reason, err := NormalizeReason(in.Reason)
	if err != nil {
		e, _ := apperr.As(err)
		v.Add("reason", e.Fields["reason"])
	}
	in.Pseudonym = strings.ToUpper(strings.TrimSpace(in.Pseudonym))
	birth, birthOK := validDay(in.BirthDate)
	named := strings.TrimSpace(in.FirstName) != "" && strings.TrimSpace(in.LastName) != ""
	switch {
	case in.Pseudonym != "":
	case !named:
		v.Add("child", "Indiquez l'identifiant du dossier, ou les nom, prénom et date de naissance exacts.")
	case !birthOK:
		v.Add("birth_date", "Indiquez la date de naissance exacte (jj/mm/aaaa).")
	}
	if err := v.ErrSaying("L'accès d'urgence n'a pas été ouvert."); err != nil {
		return "", err
	}
	var childID string
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		var ids []string
		var err error
		if in.Pseudonym != "" {
			ids, err = strings1(ctx, tx, `SELECT id FROM children WHERE pseudonym = $1`, in.Pseudonym)
		} else {
			ids, err = strings1(ctx, tx, `SELECT id FROM children WHERE search_name = $1 AND birth_date = $2`,
				searchName(in.FirstName, in.LastName), birth)
		}
		if err != nil {
			return err
		}
		if len(ids) != 1 {
			// Misses are audited too: trying names is itself a trace.
			if err := audit.Record(ctx, tx, audit.Entry{Action: "child.break_glass.miss", ResourceType: string(access.ResChild),
				Reason: reason, Details: map[string]any{"matches": len(ids)}}); err != nil {
				return err
			}
			if len(ids) > 1 {
				return apperr.New(apperr.Conflict, "Plusieurs dossiers correspondent : demandez l'identifiant du dossier (E-…) au service ASE.")
			}
			return apperr.New(apperr.NotFound, "Aucun dossier ne correspond exactement. Vérifiez l'orthographe et la date, ou appelez le service ASE.")
		}
		childID = ids[0]
		f, err := loadFacts(ctx, tx, childID)
		if err != nil {
			return err
		}
		if len(access.ChildRelations(a, f)) > 0 {
			return nil // already allowed: nothing to open
		}
		if err := access.Check(ctx, access.ActionBreakGlass, access.Resource{Type: access.ResChild, ID: childID, Child: f}); err != nil {
			return err
		}
		until := tx.Now.Add(s.breakGlassFor())
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_break_glass (id, child_id, account_id, account_label, departement, reason,
			started_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.NewID(), childID, a.AccountID, actorName(a)+" ("+a.Label()+")",
			f.Departement, reason, tx.Now, until); err != nil {
			return err
		}
		if err := event(ctx, tx, childID, "break_glass", access.SecAccessLog, "Accès d'urgence ouvert par "+actorName(a)+
			" jusqu'à "+until.In(paris).Format("15:04"), reason); err != nil {
			return err
		}
		if err := tellReferent(ctx, tx, f, childID, "child.break_glass", "Accès d'urgence au dossier d'un enfant",
			actorName(a)+" a ouvert en urgence le dossier d'un enfant que vous suivez. Motif : "+reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "child.break_glass", ResourceType: string(access.ResChild),
			ResourceID: childID, Reason: reason, Details: map[string]any{"until": until.Format(time.RFC3339)}})
	})
	return childID, err
}

// paris is the time zone of the interface's hours.
var paris = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Paris"); err == nil {
		return l
	}
	return time.UTC
}()

// Opening is a break-glass opening as the steering's report shows it: the
// record's pseudonym, never the child's name.
type Opening struct {
	Pseudonym string
	Who       string
	Reason    string
	At        time.Time
	Until     time.Time
}

// BreakGlassReport lists the openings of a département's records, newest
// first, for its steering.
func (s *Service) BreakGlassReport(ctx context.Context, dep string, since time.Time) ([]Opening, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResChildReport, Departement: dep}); err != nil {
		return nil, err
	}
	var out []Opening
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.pseudonym, g.account_label, g.reason, g.started_at, g.expires_at
			FROM child_break_glass g JOIN children c ON c.id = g.child_id
			WHERE g.departement = $1 AND g.started_at >= $2 ORDER BY g.started_at DESC LIMIT 500`, dep, since.UTC())
		if err != nil {
			return err
		}
		for rows.Next() {
			var o Opening
			if err := rows.Scan(&o.Pseudonym, &o.Who, &o.Reason, &o.At, &o.Until); err != nil {
				rows.Close()
				return err
			}
			o.At, o.Until = o.At.UTC(), o.Until.UTC()
			out = append(out, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "child.break_glass.report", ResourceType: string(access.ResChildReport),
			Details: map[string]any{"departement": dep, "rows": len(out)}})
	})
	return out, err
}

// Access is a line of a record's access log.
type Access struct {
	At     time.Time
	Who    string
	Action string
	Reason string
	// BreakGlass: the read went through a break-glass opening.
	BreakGlass bool
}

// AccessLog returns who read or changed the record, newest first, from the
// audit log. Reading it is itself audited.
func (s *Service) AccessLog(ctx context.Context, childID string, limit int) ([]Access, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	var out []Access
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecAccessLog); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT l.at, COALESCE(a.display_name, l.actor_label), l.action, l.reason, l.details
			FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id
			WHERE l.resource_type = 'child' AND l.resource_id = $1 ORDER BY l.seq DESC LIMIT $2`, childID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x Access
			var details string
			if err := rows.Scan(&x.At, &x.Who, &x.Action, &x.Reason, &details); err != nil {
				return err
			}
			x.At = x.At.UTC()
			x.BreakGlass = x.Action == "child.break_glass" || strings.Contains(details, `"break_glass":true`)
			out = append(out, x)
		}
		return rows.Err()
	}, func() audit.Entry { return entry(ctx, f, childID, "child.access_log", nil) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ActionLabel says an audited action on a record in French.
func ActionLabel(action string) string {
	switch action {
	case "child.view":
		return "a consulté le dossier"
	case "child.create":
		return "a ouvert le dossier"
	case "child.break_glass":
		return "a ouvert le dossier en urgence"
	case "child.document.read":
		return "a lu un document judiciaire"
	case "child.access_log":
		return "a consulté les accès au dossier"
	case "child.export":
		return "a exporté le dossier"
	case "child.liaison.list", "child.liaison.read":
		return "a consulté les fiches de liaison"
	case "child.liaison.attachment":
		return "a lu une pièce jointe d'une fiche de liaison"
	case "child.liaison.print":
		return "a imprimé une fiche de liaison"
	case "child.planning.read":
		return "a consulté le planning"
	case "child.planning.feed":
		return "a consulté le planning (lien d'agenda)"
	case "child.planning.feed_create":
		return "a créé un lien d'agenda"
	case "demo.child":
		return "a créé le dossier (démonstration)"
	case "child.relative.read":
		return "a consulté les coordonnées d'un proche"
	case "child.project.read", "child.project.compare":
		return "a consulté le projet"
	case "child.project.print":
		return "a imprimé le projet"
	case "child.request_facts":
		return "a préparé une demande à d'autres structures"
	case "child.project.validate":
		return "a validé une version du projet"
	}
	if strings.HasPrefix(action, "child.") {
		return "a modifié le dossier"
	}
	return action
}
