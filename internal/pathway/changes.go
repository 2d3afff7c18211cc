package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// change runs fn in a write transaction after checking the actor may
// update section of child id, then records the change in the audit log.
func (s *Service) change(ctx context.Context, id string, section access.Section, action string, fn func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error)) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, id, access.ActionUpdate, section)
		if err != nil {
			return err
		}
		details, err := fn(tx, f)
		if err != nil {
			return err
		}
		if details == nil {
			details = map[string]any{}
		}
		details["section"] = string(section)
		return record(ctx, tx, f, id, action, details)
	})
}

// AddRelative adds a parent, guardian or relative.
func (s *Service) AddRelative(ctx context.Context, childID string, in RelativeInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecFamily, "child.relative.add", func(tx *db.Tx, _ *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeRelative(in); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_relatives (id, child_id, kind, name, relationship, authority, phone, email,
			address, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			id, childID, in.Kind, in.Name, in.Relationship, in.Authority, in.Phone, in.Email, in.Address, tx.Now); err != nil {
			return nil, fmt.Errorf("insert relative: %w", err)
		}
		return map[string]any{"relative": id}, event(ctx, tx, childID, "relative", access.SecFamily,
			Label(RelativeKinds, in.Kind)+" ajouté(e) : "+in.Name+" — "+Label(Authorities, in.Authority), "")
	})
	return id, err
}

// RelativeEmail returns the name and e-mail of a relative, for the referent
// inviting them as a parent.
func (s *Service) RelativeEmail(ctx context.Context, childID, relativeID string) (name, email string, legal bool, err error) {
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecFamily)
		if err != nil {
			return err
		}
		var kind, authority string
		err = tx.QueryRowContext(ctx, `SELECT name, email, kind, authority FROM child_relatives WHERE id = $1 AND child_id = $2`,
			relativeID, childID).Scan(&name, &email, &kind, &authority)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Ce proche n'est pas dans le dossier.")
		}
		legal = Relative{Kind: kind, Authority: authority}.LegalRepresentative()
		if err != nil {
			return err
		}
		return record(ctx, tx, f, childID, "child.relative.read", map[string]any{"relative": relativeID})
	})
	return name, email, legal, err
}

// LinkParent links a legal representative to their parent account: from
// then on they see the parents' view of the record.
func (s *Service) LinkParent(ctx context.Context, childID, relativeID, accountID string) error {
	return s.change(ctx, childID, access.SecFamily, "child.parent.link", func(tx *db.Tx, _ *access.ChildFacts) (map[string]any, error) {
		var name, kind, authority string
		err := tx.QueryRowContext(ctx, `SELECT name, kind, authority FROM child_relatives WHERE id = $1 AND child_id = $2`,
			relativeID, childID).Scan(&name, &kind, &authority)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.New(apperr.NotFound, "Ce proche n'est pas dans le dossier.")
		}
		if err != nil {
			return nil, err
		}
		if !(Relative{Kind: kind, Authority: authority}).LegalRepresentative() {
			return nil, apperr.New(apperr.Conflict, "Seul un représentant légal (autorité parentale exercée ou déléguée, tuteur) reçoit un accès parent.")
		}
		if n, err := countRole(ctx, tx, accountID, "", access.RoleParent); err != nil || n == 0 {
			if err != nil {
				return nil, err
			}
			return nil, apperr.New(apperr.Conflict, "Ce compte n'est pas un compte parent.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_relatives SET account_id = $1, updated_at = $2 WHERE id = $3`, accountID, tx.Now, relativeID); err != nil {
			return nil, err
		}
		return map[string]any{"relative": relativeID, "account": accountID},
			event(ctx, tx, childID, "parent_access", access.SecFamily, name+" a reçu un accès parent à Passerelle", "")
	})
}

// AddMeasure records a measure, with its document when there is one.
func (s *Service) AddMeasure(ctx context.Context, childID string, in MeasureInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecMeasures, "child.measure.add", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeMeasure(in); err != nil {
			return nil, err
		}
		if in.Document != nil && !access.Can(access.ActorFrom(ctx), access.ActionUpdate,
			access.Resource{Type: access.ResChild, ID: childID, Section: access.SecDocuments, Child: f}) {
			return nil, apperr.New(apperr.Forbidden, "Vous ne pouvez pas joindre de document judiciaire.")
		}
		if in.RenewsID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM child_measures WHERE id = $1 AND child_id = $2`,
				in.RenewsID, childID).Scan(&n); err != nil || n == 0 {
				if err != nil && db.ValidID(in.RenewsID) {
					return nil, err
				}
				var v apperr.Validation
				v.Add("renews", "Cette mesure n'est pas dans le dossier.")
				return nil, v.ErrSaying("La mesure n'a pas été enregistrée : corrigez les champs signalés.")
			}
		}
		var docName, docType string
		var data []byte
		if in.Document != nil {
			docName, docType, data = in.Document.Name, in.Document.Type, in.Document.Data
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_measures (id, child_id, kind, authority, decided_on, starts_on, ends_on,
			reference, renews_id, note, document_name, document_type, document, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			id, childID, in.Kind, in.Authority, in.DecidedOn, in.From, in.To, in.Reference, nullable(in.RenewsID), in.Note,
			docName, docType, nullBytes(data), tx.Now, actorName(access.ActorFrom(ctx))); err != nil {
			return nil, fmt.Errorf("insert measure: %w", err)
		}
		summary := MeasureKindOf(in.Kind).Label + " — " + in.Authority + ", " + period(in.From, in.To)
		if in.RenewsID != "" {
			summary = "Renouvellement : " + summary
		}
		return map[string]any{"measure": id, "kind": in.Kind}, event(ctx, tx, childID, "measure", access.SecMeasures, summary, "")
	})
	return id, err
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// period says a span of days in French.
func period(from, to string) string {
	if to == Forever {
		return "depuis le " + DayLabel(from)
	}
	return "du " + DayLabel(from) + " au " + DayLabel(to)
}

// MeasureDocument returns the document of a measure; reading it is audited.
func (s *Service) MeasureDocument(ctx context.Context, childID, measureID string) (Document, error) {
	var d Document
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecDocuments); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT document_name, document_type, document FROM child_measures
			WHERE id = $1 AND child_id = $2 AND document IS NOT NULL`, measureID, childID).Scan(&d.Name, &d.Type, &d.Data)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && !db.ValidID(measureID)) {
			return apperr.New(apperr.NotFound, "Ce document n'existe pas.")
		}
		return err
	}, func() audit.Entry {
		return entry(ctx, f, childID, "child.document.read", map[string]any{"measure": measureID})
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

// AddNotification records an MDPH notification.
func (s *Service) AddNotification(ctx context.Context, childID string, in NotificationInput) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecNotifications, "child.notification.add", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeNotification(in, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		if err := checkAdmitted(ctx, tx, in.AdmittedStructureID); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_notifications (id, child_id, orientation, modality, starts_on, ends_on,
			decision_ref, status, waiting_at, admitted_structure_id, status_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			id, childID, in.Orientation, in.Modality, in.From, in.To, in.DecisionRef, in.Status, in.WaitingAt,
			nullable(in.AdmittedStructureID), in.StatusOn, tx.Now); err != nil {
			return nil, fmt.Errorf("insert notification: %w", err)
		}
		if err := alertNotificationRupture(ctx, tx, f, childID, in, ""); err != nil {
			return nil, err
		}
		return map[string]any{"notification": id}, event(ctx, tx, childID, "notification", access.SecNotifications,
			"Notification MDPH : orientation "+Label(Orientations, in.Orientation)+", "+period(in.From, in.To)+" — "+
				Label(NotificationStatuses, in.Status), "")
	})
	return id, err
}

func checkAdmitted(ctx context.Context, tx *db.Tx, id string) error {
	if id == "" {
		return nil
	}
	n, err := countStructure(ctx, tx, id)
	if err != nil {
		return err
	}
	if n == 0 {
		var v apperr.Validation
		v.Add("admitted_structure", "Cette structure n'est pas dans l'annuaire.")
		return v.ErrSaying("La notification n'a pas été enregistrée : corrigez les champs signalés.")
	}
	return nil
}

// StatusInput is what became of a notification.
type StatusInput struct {
	Status, WaitingAt, AdmittedStructureID, StatusOn string
}

// SetNotificationStatus records what became of a notification: waiting
// list, admission, refusal.
func (s *Service) SetNotificationStatus(ctx context.Context, childID, notificationID string, in StatusInput) error {
	return s.change(ctx, childID, access.SecNotifications, "child.notification.status", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var n NotificationInput
		var was string
		err := tx.QueryRowContext(ctx, `SELECT orientation, modality, starts_on, ends_on, decision_ref, status FROM child_notifications
			WHERE id = $1 AND child_id = $2`, notificationID, childID).Scan(&n.Orientation, &n.Modality, &n.From, &n.To, &n.DecisionRef, &was)
		if errors.Is(err, sql.ErrNoRows) || (err != nil && !db.ValidID(notificationID)) {
			return nil, apperr.New(apperr.NotFound, "Cette notification n'est pas dans le dossier.")
		}
		if err != nil {
			return nil, err
		}
		n.Status, n.WaitingAt, n.AdmittedStructureID, n.StatusOn = in.Status, in.WaitingAt, in.AdmittedStructureID, in.StatusOn
		if n, err = NormalizeNotification(n, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		if err := checkAdmitted(ctx, tx, n.AdmittedStructureID); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_notifications SET status = $1, waiting_at = $2, admitted_structure_id = $3,
			status_on = $4, updated_at = $5 WHERE id = $6`, n.Status, n.WaitingAt, nullable(n.AdmittedStructureID), n.StatusOn,
			tx.Now, notificationID); err != nil {
			return nil, err
		}
		if err := alertNotificationRupture(ctx, tx, f, childID, n, was); err != nil {
			return nil, err
		}
		summary := "Notification " + Label(Orientations, n.Orientation) + " : " + Label(NotificationStatuses, n.Status)
		if n.WaitingAt != "" && n.Status == "waiting" {
			summary += " (" + n.WaitingAt + ")"
		}
		return map[string]any{"notification": notificationID, "status": n.Status},
			event(ctx, tx, childID, "notification_status", access.SecNotifications, summary, "")
	})
}

// alertNotificationRupture tells the referent, as a risk of rupture, that
// a notification has just become refused by the structures or not carried
// out (was is its status before): the orientation decided for the child
// will not happen. The title, which the e-mail repeats, names no child
// and no orientation.
func alertNotificationRupture(ctx context.Context, tx *db.Tx, f *access.ChildFacts, childID string, n NotificationInput, was string) error {
	if n.Status == was {
		return nil
	}
	what := "Notification MDPH, orientation " + Label(Orientations, n.Orientation) + " (" + period(n.From, n.To) + ")"
	switch n.Status {
	case "not_carried_out":
		return tellReferent(ctx, tx, f, childID, "child.rupture", "Risque de rupture : notification MDPH non mise en œuvre",
			what+" : "+actorName(access.ActorFrom(ctx))+" la déclare non mise en œuvre. Quelle suite pour l'enfant ?")
	case "refused":
		return tellReferent(ctx, tx, f, childID, "child.rupture", "Risque de rupture : orientation MDPH refusée",
			what+" : "+actorName(access.ActorFrom(ctx))+" déclare un refus des structures. Quelle suite pour l'enfant ?")
	}
	return nil
}

// AddNote writes a professional's note in the timeline; care notes are
// read by the care professionals of the circle only.
func (s *Service) AddNote(ctx context.Context, childID string, care bool, text string) error {
	section := access.SecNotes
	if care {
		section = access.SecCareNotes
	}
	return s.change(ctx, childID, section, "child.note.add", func(tx *db.Tx, _ *access.ChildFacts) (map[string]any, error) {
		var err error
		if text, err = NormalizeNote(text); err != nil {
			return nil, err
		}
		summary := "Note"
		if care {
			summary = "Note de soin"
		}
		return nil, event(ctx, tx, childID, "note", section, summary, text)
	})
}
