// Package org owns organisations: structures (MECS, DITEP, IME…), the
// operators that manage them (organismes gestionnaires), the ASE service of
// a département, ARS delegations, MDPH, PJJ and the platform itself. It
// validates them, keeps their commune and département, and audits every
// change in the transaction that makes it.
package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Organisation is a stored organisation.
type Organisation struct {
	ID            string
	Kind          access.OrgKind
	Name          string
	StructureType string // a StructureTypes code for a structure, "" otherwise
	OperatorID    string // its organisme gestionnaire, "" if none
	CommuneCode   string // INSEE code, "" if unknown
	Departement   string // département of the commune
	Email, Phone  string
	Active        bool
	Fictional     bool // demo data
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CommuneName returns the name of the organisation's commune, "" if none.
func (o Organisation) CommuneName() string {
	if o.CommuneCode == "" {
		return ""
	}
	c, _ := geo.CommuneByCode(o.CommuneCode)
	return c.Name
}

// Resource describes the organisation to the access policy.
func (o Organisation) Resource() access.Resource { return resource(o.ID) }

func resource(id string) access.Resource {
	return access.Resource{Type: access.ResOrganisation, ID: id, OrganisationIDs: []string{id}}
}

// Input is what a person types to create or change an organisation.
// Departement is not typed: it is the commune's.
type Input struct {
	Kind          access.OrgKind
	Name          string
	StructureType string
	OperatorID    string
	CommuneCode   string
	Email         string
	Phone         string
}

// Service runs the organisation use cases; the actor comes from the context.
type Service struct {
	DB *db.DB
	// OnWrite, when set, runs in the transaction of every created or changed
	// organisation: the directory keeps a structure's entry and its search
	// index with it (org cannot import the directory, which builds on it).
	OnWrite func(ctx context.Context, tx *db.Tx, id string, kind access.OrgKind) error
}

func (s *Service) onWrite(ctx context.Context, tx *db.Tx, o Organisation) error {
	if s.OnWrite == nil {
		return nil
	}
	return s.OnWrite(ctx, tx, o.ID, o.Kind)
}

func errNotFound() error { return apperr.New(apperr.NotFound, "Organisation introuvable.") }

// invalidField is the Invalid error of one field, as Normalize gives them.
func invalidField(field, msg string) error {
	var v apperr.Validation
	v.Add(field, msg)
	return v.Err()
}

const columns = `o.id, o.kind, o.name, o.structure_type, o.operator_id, o.commune_code, o.departement,
	o.email, o.phone, o.active, o.fictional, o.created_at, o.updated_at`

func scan(sc interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var operator sql.NullString
	err := sc.Scan(&o.ID, &o.Kind, &o.Name, &o.StructureType, &operator, &o.CommuneCode, &o.Departement,
		&o.Email, &o.Phone, &o.Active, &o.Fictional, &o.CreatedAt, &o.UpdatedAt)
	o.OperatorID = operator.String
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// load reads one organisation inside tx; NotFound when absent or malformed.
func load(ctx context.Context, tx *db.Tx, id string) (Organisation, error) {
	if !db.ValidID(id) {
		return Organisation{}, errNotFound()
	}
	o, err := scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM organisations o WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, errNotFound()
	}
	return o, err
}

// nullable stores "" as NULL, for the operator_id foreign key.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Get returns the organisation, active or not.
func (s *Service) Get(ctx context.Context, id string) (Organisation, error) {
	if err := access.Check(ctx, access.ActionView, resource(id)); err != nil {
		return Organisation{}, err
	}
	var o Organisation
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		o, err = load(ctx, tx, id)
		return err
	})
	return o, err
}

// Create validates and stores a new, active organisation.
func (s *Service) Create(ctx context.Context, in Input) (Organisation, error) {
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResOrganisation}); err != nil {
		return Organisation{}, err
	}
	in, dep, err := Normalize(in)
	if err != nil {
		return Organisation{}, err
	}
	var o Organisation
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := checkOperator(ctx, tx, "", "", in.OperatorID); err != nil {
			return err
		}
		o = Organisation{ID: db.NewID(), Kind: in.Kind, Name: in.Name, StructureType: in.StructureType,
			OperatorID: in.OperatorID, CommuneCode: in.CommuneCode, Departement: dep, Email: in.Email,
			Phone: in.Phone, Active: true, CreatedAt: tx.Now, UpdatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, structure_type, operator_id,
			commune_code, departement, email, phone, active, fictional, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, FALSE, $10, $10)`,
			o.ID, o.Kind, o.Name, o.StructureType, nullable(o.OperatorID), o.CommuneCode, o.Departement,
			o.Email, o.Phone, tx.Now); err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		if err := s.onWrite(ctx, tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "organisation.create", ResourceType: string(access.ResOrganisation),
			ResourceID: o.ID, OrganisationID: o.ID,
			Details: map[string]any{"kind": o.Kind, "structure_type": o.StructureType}})
	})
	return o, err
}

// checkOperator checks that operatorID ("" for none) names an operator
// organisation other than id. A newly chosen operator must be active; the
// one already set (current) is kept even if it was deactivated since, so
// that the rest of the entry can still be edited.
func checkOperator(ctx context.Context, tx *db.Tx, id, current, operatorID string) error {
	if operatorID == "" {
		return nil
	}
	invalid := func(msg string) error { return invalidField("operator_id", msg) }
	if operatorID == id {
		return invalid("Une organisation ne peut pas être son propre organisme gestionnaire.")
	}
	op, err := load(ctx, tx, operatorID)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return invalid("Organisme gestionnaire introuvable.")
	case err != nil:
		return err
	case op.Kind != access.OrgOperator:
		return invalid("Choisissez un organisme gestionnaire, pas une organisation d'une autre catégorie.")
	case !op.Active && operatorID != current:
		return invalid("Cet organisme gestionnaire est désactivé.")
	}
	return nil
}

// Update changes the organisation. Only administrators may change its kind,
// which decides what it is (a director could otherwise turn a structure into
// an ASE service). Nothing is written, nor audited, when nothing changes.
func (s *Service) Update(ctx context.Context, id string, in Input) (Organisation, error) {
	if err := access.Check(ctx, access.ActionUpdate, resource(id)); err != nil {
		return Organisation{}, err
	}
	var o Organisation
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		in, dep, err := Normalize(in)
		if err != nil {
			return err
		}
		changed := changedFields(cur, in)
		if len(changed) == 0 {
			o = cur
			return nil
		}
		if err := s.checkUpdate(ctx, tx, cur, in); err != nil {
			return err
		}
		o = cur
		o.Kind, o.Name, o.StructureType, o.OperatorID = in.Kind, in.Name, in.StructureType, in.OperatorID
		o.CommuneCode, o.Departement, o.Email, o.Phone, o.UpdatedAt = in.CommuneCode, dep, in.Email, in.Phone, tx.Now
		if _, err := tx.ExecContext(ctx, `UPDATE organisations SET kind = $1, name = $2, structure_type = $3,
			operator_id = $4, commune_code = $5, departement = $6, email = $7, phone = $8, updated_at = $9
			WHERE id = $10`, o.Kind, o.Name, o.StructureType, nullable(o.OperatorID), o.CommuneCode,
			o.Departement, o.Email, o.Phone, tx.Now, o.ID); err != nil {
			return fmt.Errorf("update organisation: %w", err)
		}
		if err := s.onWrite(ctx, tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "organisation.update", ResourceType: string(access.ResOrganisation),
			ResourceID: o.ID, OrganisationID: o.ID, Details: map[string]any{"fields": changed}})
	})
	return o, err
}

// checkUpdate holds the rules that depend on the stored organisation.
func (s *Service) checkUpdate(ctx context.Context, tx *db.Tx, cur Organisation, in Input) error {
	if in.Kind != cur.Kind {
		if a := access.ActorFrom(ctx); !a.IsAdmin() && !a.System {
			return invalidField("kind", "Seule l'administration de la plateforme peut changer la catégorie d'une organisation.")
		}
		if cur.Kind == access.OrgOperator {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE operator_id = $1`, cur.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return invalidField("kind", fmt.Sprintf("Cet organisme gère encore %d organisation(s) : rattachez-les ailleurs avant de changer sa catégorie.", n))
			}
		}
	}
	return checkOperator(ctx, tx, cur.ID, cur.OperatorID, in.OperatorID)
}

// changedFields names the fields of in that differ from o (names, never
// values: they go to the audit log).
func changedFields(o Organisation, in Input) []string {
	var out []string
	for _, f := range []struct {
		name     string
		old, new string
	}{
		{"kind", string(o.Kind), string(in.Kind)},
		{"name", o.Name, in.Name},
		{"structure_type", o.StructureType, in.StructureType},
		{"operator_id", o.OperatorID, in.OperatorID},
		{"commune_code", o.CommuneCode, in.CommuneCode},
		{"email", o.Email, in.Email},
		{"phone", o.Phone, in.Phone},
	} {
		if f.old != f.new {
			out = append(out, f.name)
		}
	}
	return out
}

// SetActive deactivates or reactivates the organisation. Accounts keep their
// memberships, but a deactivated organisation grants no rights. The platform
// itself cannot be deactivated: its administrators would lose their rights
// with no one left to give them back.
func (s *Service) SetActive(ctx context.Context, id string, active bool) error {
	if err := access.Check(ctx, access.ActionDeactivate, resource(id)); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		cur, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Active == active {
			return nil
		}
		if !active && cur.Kind == access.OrgPlatform {
			return apperr.New(apperr.Conflict, "La plateforme ne peut pas être désactivée : ses administrateurs perdraient leurs droits.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organisations SET active = $1, updated_at = $2 WHERE id = $3`,
			active, tx.Now, id); err != nil {
			return fmt.Errorf("set organisation active: %w", err)
		}
		action := "organisation.deactivate"
		if active {
			action = "organisation.reactivate"
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, ResourceType: string(access.ResOrganisation),
			ResourceID: id, OrganisationID: id})
	})
}
