package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Service runs the directory's use cases; the actor comes from the context.
type Service struct {
	DB *db.DB
	catalogueCache
}

// Get returns a structure's entry with its offers, contacts and documents,
// as the actor may see it.
func (s *Service) Get(ctx context.Context, id string) (Structure, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResStructure, ID: id}); err != nil {
		return Structure{}, err
	}
	var e stored
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		e, err = loadFull(ctx, tx, id)
		return err
	})
	if err != nil {
		return Structure{}, err
	}
	return redact(access.ActorFrom(ctx), e), nil
}

// History returns the changes of an entry (who, what, when), newest first.
func (s *Service) History(ctx context.Context, st Structure) ([]audit.Row, error) {
	return audit.History(ctx, s.DB, st.Resource(), 100)
}

// Create adds a structure to the directory.
func (s *Service) Create(ctx context.Context, in EntryInput) (Structure, error) {
	in, err := NormalizeEntry(in)
	if err != nil {
		return Structure{}, err
	}
	c, _ := geo.CommuneByCode(in.CommuneCode)
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResStructure, Departement: c.Departement}); err != nil {
		return Structure{}, err
	}
	var id string
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		id = db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, structure_type, commune_code,
			departement, active, fictional, created_at, updated_at) VALUES ($1, 'structure', $2, $3, $4, $5, TRUE, FALSE, $6, $6)`,
			id, in.Name, in.Type, in.CommuneCode, c.Departement, tx.Now); err != nil {
			return fmt.Errorf("insert structure: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO structures (id) VALUES ($1)`, id); err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		cur, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := write(ctx, tx, cur, in, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "structure.create", ResourceType: string(access.ResStructure),
			ResourceID: id, OrganisationID: id, Details: map[string]any{"type": in.Type}})
	})
	if err != nil {
		return Structure{}, err
	}
	return s.Get(ctx, id)
}

// Update changes an entry. Nothing is written, nor audited, when nothing
// changes. A field a person changes is marked as edited by hand, so that
// a later FINESS import leaves it alone (and says so).
func (s *Service) Update(ctx context.Context, id string, in EntryInput) (Structure, error) {
	err := s.change(ctx, id, "structure.update", func(tx *db.Tx, cur stored) error {
		in, err := NormalizeEntry(in)
		if err != nil {
			return err
		}
		changed, err := write(ctx, tx, cur, in, false)
		if err != nil || len(changed) == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "structure.update", ResourceType: string(access.ResStructure),
			ResourceID: id, OrganisationID: id, Details: map[string]any{"fields": changed}})
	})
	if err != nil {
		return Structure{}, err
	}
	return s.Get(ctx, id)
}

// change runs fn in a write transaction on an entry the actor may change.
// A refusal is audited in a transaction of its own once the change's is
// rolled back, so that attempts leave a trace.
func (s *Service) change(ctx context.Context, id, action string, fn func(tx *db.Tx, cur stored) error) error {
	refused := false
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, cur.Resource()); err != nil {
			refused = apperr.Is(err, apperr.Forbidden)
			return err
		}
		return fn(tx, cur)
	})
	if refused {
		if aerr := s.DB.Write(context.WithoutCancel(ctx), func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{Action: action + ".refused", ResourceType: string(access.ResStructure),
				ResourceID: id, OrganisationID: id})
		}); aerr != nil {
			return errors.Join(err, aerr)
		}
	}
	return err
}

// handFields are the fields a FINESS import also writes.
var handFields = []string{"name", "type", "operator_id", "finess_ej", "street", "postal_code", "commune_code", "position", "email", "phone"}

// write stores in over cur and returns the names of the fields changed.
func write(ctx context.Context, tx *db.Tx, cur stored, in EntryInput, isNew bool) ([]string, error) {
	if err := checkOperator(ctx, tx, in.OperatorID, cur.OperatorID); err != nil {
		return nil, err
	}
	if err := checkFinessFree(ctx, tx, cur.ID, in.FinessET); err != nil {
		return nil, err
	}
	lat, lng, src := position(cur.Structure, in)
	next := cur.Structure
	next.Name, next.Type, next.OperatorID, next.FinessET, next.FinessEJ = in.Name, in.Type, in.OperatorID, in.FinessET, in.FinessEJ
	next.Sector, next.Authority, next.Street, next.PostalCode = in.Sector, in.Authority, in.Street, in.PostalCode
	next.CommuneCode, next.Lat, next.Lng, next.CoordSource = in.CommuneCode, lat, lng, src
	next.Confidential, next.Email, next.Phone, next.Website = in.Confidential, in.Email, in.Phone, in.Website
	next.Description, next.Territory, next.OpeningDays, next.ClosedPeriods = in.Description, in.Territory, in.OpeningDays, in.ClosedPeriods
	changed := changedFields(cur.Structure, next)
	if len(changed) == 0 && !isNew {
		return nil, nil
	}
	if !access.ActorFrom(ctx).System {
		for _, f := range changed {
			if slices.Contains(handFields, f) && !slices.Contains(next.ManualFields, f) {
				next.ManualFields = append(next.ManualFields, f)
			}
		}
	}
	return changed, store(ctx, tx, next)
}

// store writes every field of e (organisation and entry) and reindexes it.
func store(ctx context.Context, tx *db.Tx, e Structure) error {
	c, _ := geo.CommuneByCode(e.CommuneCode)
	var operator any
	if e.OperatorID != "" {
		operator = e.OperatorID
	}
	if _, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, structure_type = $2, operator_id = $3,
		commune_code = $4, departement = $5, email = $6, phone = $7, finess = $8, active = $9, updated_at = $10 WHERE id = $11`,
		e.Name, e.Type, operator, e.CommuneCode, c.Departement, e.Email, e.Phone, e.FinessET, e.Active, tx.Now, e.ID); err != nil {
		if db.IsUniqueViolation(err) {
			return finessTaken(e.FinessET)
		}
		return fmt.Errorf("update structure: %w", err)
	}
	var lat, lng any
	if e.CoordSource != "" {
		lat, lng = e.Lat, e.Lng
	}
	if _, err := tx.ExecContext(ctx, `UPDATE structures SET finess_ej = $1, sector = $2, authority = $3, street = $4,
		postal_code = $5, lat = $6, lng = $7, coord_source = $8, confidential = $9, website = $10, description = $11,
		territory_deps = $12, territory_communes = $13, territory_minutes = $14, opening_days = $15,
		closed_periods = $16, manual_fields = $17 WHERE id = $18`,
		e.FinessEJ, e.Sector, e.Authority, e.Street, e.PostalCode, lat, lng, e.CoordSource, e.Confidential,
		e.Website, e.Description, joinList(e.Territory.Departements), joinList(e.Territory.Communes),
		e.Territory.MaxMinutes, e.OpeningDays, e.ClosedPeriods, joinList(e.ManualFields), e.ID); err != nil {
		return fmt.Errorf("update entry: %w", err)
	}
	return reindex(ctx, tx, e.ID)
}

// changedFields names the fields that differ (names, never values: they
// go to the audit log).
func changedFields(a, b Structure) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("name", a.Name != b.Name)
	add("type", a.Type != b.Type)
	add("operator_id", a.OperatorID != b.OperatorID)
	add("finess_et", a.FinessET != b.FinessET)
	add("finess_ej", a.FinessEJ != b.FinessEJ)
	add("sector", a.Sector != b.Sector)
	add("authority", a.Authority != b.Authority)
	add("street", a.Street != b.Street)
	add("postal_code", a.PostalCode != b.PostalCode)
	add("commune_code", a.CommuneCode != b.CommuneCode)
	add("position", a.Lat != b.Lat || a.Lng != b.Lng || a.CoordSource != b.CoordSource)
	add("confidential", a.Confidential != b.Confidential)
	add("email", a.Email != b.Email)
	add("phone", a.Phone != b.Phone)
	add("website", a.Website != b.Website)
	add("description", a.Description != b.Description)
	add("territory", !slices.Equal(a.Territory.Departements, b.Territory.Departements) ||
		!slices.Equal(a.Territory.Communes, b.Territory.Communes) || a.Territory.MaxMinutes != b.Territory.MaxMinutes)
	add("opening_days", a.OpeningDays != b.OpeningDays)
	add("closed_periods", a.ClosedPeriods != b.ClosedPeriods)
	return out
}

func invalidField(field, msg string) error {
	var v apperr.Validation
	v.Add(field, msg)
	return v.Err()
}

// checkOperator checks that a newly chosen operator is an active operator;
// the one already set is kept even if deactivated since.
func checkOperator(ctx context.Context, tx *db.Tx, id, current string) error {
	if id == "" || id == current {
		return nil
	}
	var kind string
	var active bool
	err := tx.QueryRowContext(ctx, `SELECT kind, active FROM organisations WHERE id = $1`, id).Scan(&kind, &active)
	switch {
	case !db.ValidID(id) || errors.Is(err, sql.ErrNoRows):
		return invalidField("operator_id", "Organisme gestionnaire introuvable.")
	case err != nil:
		return err
	case kind != string(access.OrgOperator):
		return invalidField("operator_id", "Choisissez un organisme gestionnaire.")
	case !active:
		return invalidField("operator_id", "Cet organisme gestionnaire est désactivé.")
	}
	return nil
}

func checkFinessFree(ctx context.Context, tx *db.Tx, id, finessET string) error {
	if finessET == "" {
		return nil
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE kind = 'structure' AND finess = $1 AND id <> $2`,
		finessET, id).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &apperr.Error{Code: apperr.Conflict, Message: "Ce numéro FINESS est déjà dans l'annuaire.",
		Fields: map[string]string{"finess_et": fmt.Sprintf("Ce numéro FINESS est déjà celui de « %s ».", other)}}
}

func finessTaken(n string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: "Ce numéro FINESS est déjà dans l'annuaire.",
		Fields: map[string]string{"finess_et": "Ce numéro FINESS " + n + " est déjà celui d'une autre structure."}}
}

// MarkChecked records that the entry was confirmed right today.
func (s *Service) MarkChecked(ctx context.Context, id string) error {
	return s.change(ctx, id, "structure.check", func(tx *db.Tx, _ stored) error {
		a := access.ActorFrom(ctx)
		who := a.Name
		if who == "" {
			who = a.Label()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE structures SET checked_at = $1, checked_by = $2, stale_reminded_at = NULL
			WHERE id = $3`, tx.Now, who, id); err != nil {
			return fmt.Errorf("mark checked: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "structure.check", ResourceType: string(access.ResStructure),
			ResourceID: id, OrganisationID: id})
	})
}

// touch marks the entry changed now.
func touch(ctx context.Context, tx *db.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE organisations SET updated_at = $1 WHERE id = $2`, tx.Now, id)
	return err
}

// Editable returns nil when the actor may change the entry, and otherwise
// the refusal, audited like a refused change.
func (s *Service) Editable(ctx context.Context, id, action string) error {
	return s.change(ctx, id, action, func(*db.Tx, stored) error { return nil })
}
