package capacity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// ErrTaken is the answer to everyone who asked for the last place after
// someone else got it.
var ErrTaken = apperr.New(apperr.Conflict, "Cette place vient d'être prise : il n'en reste plus de libre sur cette disponibilité.")

// Hold takes places of a declaration for a request until the territory's
// hold duration has passed. The places are taken by one conditional
// update: whatever the number of servers and requests, the database lets
// only as many holds through as there are free places.
func (s *Service) Hold(ctx context.Context, availabilityID string, in HoldInput) (Hold, error) {
	actor := access.ActorFrom(ctx)
	in, err := NormalizeHold(in)
	if err != nil {
		return Hold{}, err
	}
	holderOrg, err := holderOrganisation(actor)
	if err != nil {
		return Hold{}, err
	}
	var id string
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		a, dep, err := loadAvail(ctx, tx, availabilityID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResHold, ProviderID: a.StructureID,
			Departement: dep, OrganisationIDs: []string{holderOrg}}); err != nil {
			return err
		}
		today := DayOf(tx.Now)
		if !a.Active || a.To < today {
			return apperr.New(apperr.NotFound, "Cette disponibilité a été retirée ou sa période est passée.")
		}
		if a.ReservedFor != "" && !actor.MemberOf(a.ReservedFor) && !actor.System {
			return apperr.Errorf(apperr.Forbidden, "Ces places sont réservées à %s par une convention.", a.ReservedForName)
		}
		// RETURNING gives the counts this update left, not those read
		// before it: on PostgreSQL the update may have waited for another
		// hold of the same figure to commit.
		err = tx.QueryRowContext(ctx, `UPDATE availabilities SET taken = taken + $1, updated_at = $2
			WHERE id = $3 AND active = TRUE AND ends_on >= $4 AND taken + $1 <= places RETURNING places, taken`,
			in.Places, tx.Now, a.ID, string(today)).Scan(&a.Places, &a.Taken)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTaken
		}
		if err != nil {
			return fmt.Errorf("take places: %w", err)
		}
		id, err = insertHold(ctx, tx, a, dep, in, holder{org: holderOrg, account: actor.AccountID, name: actorName(actor)},
			max(a.From, today), a.To)
		return err
	})
	if err != nil {
		return Hold{}, err
	}
	return s.GetHold(ctx, id)
}

// holder is who a hold is for.
type holder struct{ org, account, name string }

// insertHold records a hold of places already taken on declaration a, for
// the days from..to, until the territory's hold duration.
func insertHold(ctx context.Context, tx *db.Tx, a Availability, dep string, in HoldInput, h holder, from, to Day) (string, error) {
	settings, err := settingsFor(ctx, tx, dep)
	if err != nil {
		return "", err
	}
	id := db.NewID()
	var account any
	if h.account != "" {
		account = h.account
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO capacity_holds (id, availability_id, structure_id, places, status,
		request_ref, note, holder_org_id, holder_account_id, holder_name, starts_on, ends_on, expires_at, created_at)
		VALUES ($1, $2, $3, $4, 'held', $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		id, a.ID, a.StructureID, in.Places, in.RequestRef, in.Note, h.org, account, h.name,
		string(from), string(to), tx.Now.Add(time.Duration(settings.HoldHours)*time.Hour), tx.Now); err != nil {
		return "", fmt.Errorf("insert hold: %w", err)
	}
	return id, recordHold(ctx, tx, a, dep, "held", id, map[string]any{"places": in.Places, "request_ref": in.RequestRef})
}

// holderOrganisation is the organisation a hold is made for: the actor's
// ASE service, or else the structure they direct.
func holderOrganisation(a access.Actor) (string, error) {
	for _, role := range []access.Role{access.RoleASEReferent, access.RoleDirector, access.RoleAdmin} {
		if orgs := a.OrgsWhere(role); len(orgs) > 0 {
			return orgs[0], nil
		}
	}
	if !a.Authenticated() {
		return "", apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	return "", apperr.New(apperr.Forbidden, "Seuls les référents ASE et les directions de structure posent des options sur des places.")
}

// ConfirmHold turns a live hold into a booking for the dates given (empty:
// the declaration's period). A hold past its expiry can no longer be
// confirmed, even before the job has released it.
func (s *Service) ConfirmHold(ctx context.Context, id string, from, to Day) (Hold, error) {
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		h, err := loadHold(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionConfirm, h.Resource()); err != nil {
			return err
		}
		a, dep, err := loadAvail(ctx, tx, h.AvailabilityID)
		if err != nil {
			return err
		}
		today := DayOf(tx.Now)
		if from == "" {
			from = max(a.From, today)
		}
		if to == "" {
			to = a.To
		}
		if err := CheckBooking(a, from, to, today); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE capacity_holds SET status = 'booked', starts_on = $1, ends_on = $2,
			booked_at = $3 WHERE id = $4 AND status = 'held' AND expires_at > $3`, string(from), string(to), tx.Now, id)
		if err != nil {
			return fmt.Errorf("book: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return holdGone(h, tx.Now)
		}
		return recordHold(ctx, tx, a, dep, "booked", id, map[string]any{"from": from, "to": to})
	})
	if err != nil {
		return Hold{}, err
	}
	return s.GetHold(ctx, id)
}

// holdGone explains why a hold can no longer change.
func holdGone(h Hold, now time.Time) error {
	switch {
	case h.Status == HoldBooked:
		return apperr.New(apperr.Conflict, "Cette réservation est déjà confirmée.")
	case h.Status == HoldCancelled:
		return apperr.New(apperr.Conflict, "Cette option a été annulée.")
	case h.Status == HoldExpired || !h.ExpiresAt.After(now):
		return apperr.New(apperr.Conflict, "Cette option a expiré : la place est revenue au tableau. Posez une nouvelle option si elle est encore libre.")
	}
	return apperr.New(apperr.Conflict, "Cette option vient de changer : rechargez la page.")
}

// CancelHold ends a hold or a booking and gives its places back.
func (s *Service) CancelHold(ctx context.Context, id, reason string) (Hold, error) {
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		h, err := loadHold(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionCancel, h.Resource()); err != nil {
			return err
		}
		if !h.Status.Live() {
			return holdGone(h, tx.Now)
		}
		released, err := release(ctx, tx, h, HoldCancelled, actorName(access.ActorFrom(ctx)), reason)
		if err == nil && !released {
			return holdGone(h, tx.Now)
		}
		return err
	})
	if err != nil {
		return Hold{}, err
	}
	return s.GetHold(ctx, id)
}

// release closes a live hold with status and gives its places back, in one
// conditional update each, so that two servers releasing the same hold
// give its places back once.
func release(ctx context.Context, tx *db.Tx, h Hold, status HoldStatus, by, reason string) (bool, error) {
	cond := `status IN ('held', 'booked')`
	if status == HoldExpired {
		cond = `status = 'held' AND expires_at <= $1`
	}
	res, err := tx.ExecContext(ctx, `UPDATE capacity_holds SET status = '`+string(status)+`', closed_at = $1, closed_by = $2
		WHERE id = $3 AND `+cond, tx.Now, by, h.ID)
	if err != nil {
		return false, fmt.Errorf("release hold: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // someone else released it first
	}
	if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET taken = taken - $1, updated_at = $2 WHERE id = $3`,
		h.Places, tx.Now, h.AvailabilityID); err != nil {
		return false, fmt.Errorf("give places back: %w", err)
	}
	a, dep, err := loadAvail(ctx, tx, h.AvailabilityID)
	if err != nil {
		return false, err
	}
	details := map[string]any{"places": h.Places}
	if reason != "" {
		details["reason"] = reason
	}
	return true, recordHold(ctx, tx, a, dep, string(status), h.ID, details)
}

func recordHold(ctx context.Context, tx *db.Tx, a Availability, dep, event, holdID string, details map[string]any) error {
	details["hold"] = holdID
	return record(ctx, tx, a, dep, event, details)
}

const holdCols = `h.id, h.availability_id, h.structure_id, og.name, COALESCE(NULLIF(o.label, ''), o.modality), a.kind,
	h.places, h.status, h.request_ref, h.note, h.holder_org_id, ho.name, COALESCE(h.holder_account_id, ''), h.holder_name,
	h.starts_on, h.ends_on, h.expires_at, h.created_at, h.booked_at, h.closed_at, h.closed_by, og.departement`

const holdFrom = ` FROM capacity_holds h JOIN availabilities a ON a.id = h.availability_id
	JOIN offers o ON o.id = a.offer_id JOIN organisations og ON og.id = h.structure_id
	JOIN organisations ho ON ho.id = h.holder_org_id`

func scanHold(row scanner) (Hold, error) {
	var h Hold
	var from, to string
	var booked, closed sql.NullTime
	err := row.Scan(&h.ID, &h.AvailabilityID, &h.StructureID, &h.StructureName, &h.OfferLabel, &h.Kind, &h.Places,
		&h.Status, &h.RequestRef, &h.Note, &h.HolderOrgID, &h.HolderOrgName, &h.HolderAccountID, &h.HolderName,
		&from, &to, &h.ExpiresAt, &h.CreatedAt, &booked, &closed, &h.ClosedBy, &h.Departement)
	h.From, h.To = Day(from), Day(to)
	h.ExpiresAt, h.CreatedAt = h.ExpiresAt.UTC(), h.CreatedAt.UTC()
	if booked.Valid {
		h.BookedAt = booked.Time.UTC()
	}
	if closed.Valid {
		h.ClosedAt = closed.Time.UTC()
	}
	return h, err
}

func loadHold(ctx context.Context, tx *db.Tx, id string) (Hold, error) {
	h, err := scanHold(tx.QueryRowContext(ctx, `SELECT `+holdCols+holdFrom+` WHERE h.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, apperr.New(apperr.NotFound, "Cette option n'existe pas.")
	}
	return h, err
}

// GetHold returns a hold the actor may see; others get NotFound, so that
// its existence does not leak.
func (s *Service) GetHold(ctx context.Context, id string) (Hold, error) {
	var h Hold
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		h, err = loadHold(ctx, tx, id)
		return err
	})
	if err != nil {
		return Hold{}, err
	}
	if err := access.Check(ctx, access.ActionView, h.Resource()); err != nil {
		if apperr.Is(err, apperr.Forbidden) {
			return Hold{}, apperr.New(apperr.NotFound, "Cette option n'existe pas.")
		}
		return Hold{}, err
	}
	return h, nil
}

// HoldFilter narrows the list of holds.
type HoldFilter struct {
	StructureID string // holds on this structure's places
	Live        bool   // held and booked only
	Limit       int
}

// Holds lists the holds the actor may see, newest first: those of their
// organisations and those on their structures' places.
func (s *Service) Holds(ctx context.Context, f HoldFilter) ([]Hold, error) {
	actor := access.ActorFrom(ctx)
	if !actor.Authenticated() && !actor.System {
		return nil, apperr.New(apperr.Unauthorized, "Vous devez vous connecter.")
	}
	var args db.Args
	where := access.HoldScope(actor, "h.holder_org_id", "h.structure_id", &args)
	if f.StructureID != "" {
		where += " AND h.structure_id = " + args.Add(f.StructureID)
	}
	if f.Live {
		where += " AND h.status IN ('held', 'booked')"
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	var list []Hold
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+holdCols+holdFrom+` WHERE `+where+
			` ORDER BY h.created_at DESC, h.id LIMIT `+args.Add(f.Limit), args.Values()...)
		if err != nil {
			return fmt.Errorf("holds: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			h, err := scanHold(rows)
			if err != nil {
				return err
			}
			list = append(list, h)
		}
		return rows.Err()
	})
	return list, err
}
