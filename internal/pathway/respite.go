package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// A respite stay booked on the capacity board (internal/capacity) names no
// child. The organisation that booked it puts it on a child's planning:
// whole days at the structure that hosts the stay, edited by the booker,
// shown while the booking stands (see slotLive). The board's tables are
// read here, never written.

// RespiteBooking is a booking as placing it needs to know it.
type RespiteBooking struct {
	ID            string
	Status        string // capacity.HoldStatus: held, booked, cancelled, expired
	Kind          string // capacity.Kind of its declaration
	HolderOrgID   string
	StructureID   string
	StructureName string
	RequestRef    string // the booker's own reference of the request
	From, To      string
	PlacedOn      string // the child whose planning holds it, if any
}

// CheckRespite says whether booking b may go on the planning of childID,
// placed by someone writing that planning for orgs, on day today.
func CheckRespite(b RespiteBooking, orgs []string, childID, today string) error {
	var v apperr.Validation
	switch {
	case !slices.Contains(orgs, b.HolderOrgID):
		v.Add("hold_id", "Cette réservation a été faite par une autre organisation : seule celle-ci l'inscrit au planning d'un enfant.")
	case b.Kind != "respite":
		v.Add("hold_id", "Seul un séjour de répit s'inscrit ainsi au planning.")
	case b.Status == "held":
		v.Add("hold_id", "Cette option n'est pas encore confirmée : confirmez la réservation avant de l'inscrire au planning.")
	case b.Status != "booked":
		v.Add("hold_id", "Cette réservation a été annulée ou a expiré : elle ne s'inscrit plus au planning.")
	case b.To < today:
		v.Add("hold_id", "Ce séjour est passé.")
	case b.PlacedOn == childID:
		return apperr.New(apperr.Conflict, "Ce séjour de répit est déjà au planning de cet enfant.")
	case b.PlacedOn != "":
		return apperr.New(apperr.Conflict, "Ce séjour de répit est déjà inscrit au planning d'un autre enfant.")
	}
	return v.ErrSaying("Le séjour n'a pas été inscrit au planning : corrigez les champs signalés.")
}

// respiteOrgs are the organisations under which the actor writes the
// child's planning and works (a parent's account places no booking).
func respiteOrgs(a access.Actor, f *access.ChildFacts) []string {
	mine, _ := liaisonOrgs(a, f)
	return slices.DeleteFunc(mine, func(org string) bool {
		return !slices.ContainsFunc(a.Memberships, func(m access.Membership) bool {
			return m.OrganisationID == org && m.Role != access.RoleParent
		})
	})
}

const bookingCols = `h.id, h.status, a.kind, h.holder_org_id, h.structure_id, og.name, h.request_ref, h.starts_on, h.ends_on,
	COALESCE((SELECT s.child_id FROM planning_slots s WHERE s.hold_id = h.id), '')`

const bookingFrom = ` FROM capacity_holds h JOIN availabilities a ON a.id = h.availability_id
	JOIN organisations og ON og.id = h.structure_id`

func scanBooking(row interface{ Scan(...any) error }) (RespiteBooking, error) {
	var b RespiteBooking
	err := row.Scan(&b.ID, &b.Status, &b.Kind, &b.HolderOrgID, &b.StructureID, &b.StructureName, &b.RequestRef,
		&b.From, &b.To, &b.PlacedOn)
	return b, err
}

// RespiteStays lists the booked respite stays of the organisations under
// which the actor writes the child's planning, not yet on any planning
// and not over, soonest first.
func (s *Service) RespiteStays(ctx context.Context, childID string) ([]RespiteBooking, error) {
	var out []RespiteBooking
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, childID, access.ActionUpdate, access.SecPlanning)
		if err != nil {
			return err
		}
		orgs := respiteOrgs(access.ActorFrom(ctx), f)
		if len(orgs) == 0 {
			return nil
		}
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE h.status = 'booked' AND a.kind = 'respite'
			AND h.holder_org_id IN (`+db.List(&args, orgs)+`) AND h.ends_on >= `+args.Add(dayOf(tx.Now))+`
			AND NOT EXISTS (SELECT 1 FROM planning_slots s WHERE s.hold_id = h.id)
			ORDER BY h.starts_on, h.id LIMIT 100`, args.Values()...)
		if err != nil {
			return fmt.Errorf("respite stays: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanBooking(rows)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}

// PlaceRespite puts a booked respite stay on the child's planning: whole
// days at the structure hosting the stay, from its first to its last day.
// Errors by field: hold_id; a booking already placed is a conflict.
func (s *Service) PlaceRespite(ctx context.Context, childID, holdID string) (string, error) {
	id := db.NewID()
	err := s.change(ctx, childID, access.SecPlanning, "child.planning.respite", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		b, err := loadBooking(ctx, tx, holdID)
		if err != nil {
			return nil, err
		}
		if err := CheckRespite(b, respiteOrgs(access.ActorFrom(ctx), f), childID, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		// The unique index on hold_id settles two placements at once.
		if _, err := tx.ExecContext(ctx, `INSERT INTO planning_slots (id, child_id, organisation_id, organisation_name, kind, label,
			starts_at, ends_at, weekdays, valid_from, valid_to, skip_holidays, created_by, created_at, hold_id)
			VALUES ($1, $2, $3, $4, 'respite', '', '00:00', '00:00', 127, $5, $6, FALSE, $7, $8, $9)`, id, childID, b.StructureID,
			b.StructureName, b.From, b.To, actorName(access.ActorFrom(ctx)), tx.Now, b.ID); err != nil {
			if db.IsUniqueViolation(err) {
				return nil, apperr.New(apperr.Conflict, "Ce séjour de répit vient d'être inscrit au planning d'un enfant.")
			}
			return nil, fmt.Errorf("insert respite: %w", err)
		}
		return map[string]any{"slot": id, "hold": b.ID}, event(ctx, tx, childID, "planning", access.SecPlanning,
			"Planning : séjour de répit à "+b.StructureName+", "+period(b.From, b.To), "")
	})
	return id, err
}

func loadBooking(ctx context.Context, tx *db.Tx, holdID string) (RespiteBooking, error) {
	var v apperr.Validation
	if holdID == "" {
		v.Add("hold_id", "Choisissez le séjour de répit réservé à inscrire.")
		return RespiteBooking{}, v.ErrSaying("Le séjour n'a pas été inscrit au planning : corrigez les champs signalés.")
	}
	var b RespiteBooking
	var err error
	if db.ValidID(holdID) {
		b, err = scanBooking(tx.QueryRowContext(ctx, `SELECT `+bookingCols+bookingFrom+` WHERE h.id = $1`, holdID))
	} else {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		v.Add("hold_id", "Cette réservation n'existe pas.")
		return b, v.ErrSaying("Le séjour n'a pas été inscrit au planning : corrigez les champs signalés.")
	}
	return b, err
}
