package capacity

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
)

// Service runs the board's use cases; the actor comes from the context.
// It reads the directory's offers and structures in its joins (the board
// stands on them) and writes only its own tables.
type Service struct {
	DB *db.DB
}

// offerFacts is what a declaration needs to know of its offer.
type offerFacts struct {
	StructureID, Modality, Departement, StructureName string
	Active                                            bool
}

func loadOffer(ctx context.Context, tx *db.Tx, offerID string) (offerFacts, error) {
	var f offerFacts
	err := tx.QueryRowContext(ctx, `SELECT o.structure_id, o.modality, o.active AND og.active, og.departement, og.name
		FROM offers o JOIN organisations og ON og.id = o.structure_id WHERE o.id = $1`, offerID).
		Scan(&f.StructureID, &f.Modality, &f.Active, &f.Departement, &f.StructureName)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !f.Active) {
		return f, apperr.New(apperr.NotFound, "Cette offre n'existe pas ou n'est plus active dans l'annuaire.")
	}
	return f, err
}

const availCols = `a.id, a.offer_id, a.structure_id, a.kind, a.places, a.taken, a.starts_on, a.ends_on, a.weekdays,
	a.profession, a.conditions, COALESCE(a.carer_account_id, ''), a.carer_name, COALESCE(a.reserved_for, ''),
	COALESCE(r.name, ''), a.confirmed_at, a.confirmed_by, a.active, a.updated_at`

const availFrom = ` FROM availabilities a LEFT JOIN organisations r ON r.id = a.reserved_for`

type scanner interface{ Scan(dest ...any) error }

func scanAvail(row scanner, extra ...any) (Availability, error) {
	var a Availability
	var from, to string
	dest := append([]any{&a.ID, &a.OfferID, &a.StructureID, &a.Kind, &a.Places, &a.Taken, &from, &to, &a.Weekdays,
		&a.Profession, &a.Conditions, &a.CarerID, &a.CarerName, &a.ReservedFor, &a.ReservedForName,
		&a.ConfirmedAt, &a.ConfirmedBy, &a.Active, &a.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	a.From, a.To = Day(from), Day(to)
	a.ConfirmedAt, a.UpdatedAt = a.ConfirmedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// loadAvail returns a declaration and its structure's département.
func loadAvail(ctx context.Context, tx *db.Tx, id string) (Availability, string, error) {
	var dep string
	a, err := scanAvail(tx.QueryRowContext(ctx, `SELECT `+availCols+`, og.departement`+availFrom+`
		JOIN organisations og ON og.id = a.structure_id WHERE a.id = $1`, id), &dep)
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", apperr.New(apperr.NotFound, "Cette disponibilité n'existe plus.")
	}
	return a, dep, err
}

// actorName is how a confirmation is signed on the board.
func actorName(a access.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Label()
}

// Declare adds a declaration to an offer. A foster carer declares relay
// stays for themselves only; a director may name one of the structure's
// foster carers.
func (s *Service) Declare(ctx context.Context, offerID string, d Declaration) (Availability, error) {
	actor := access.ActorFrom(ctx)
	var id string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := loadOffer(ctx, tx, offerID)
		if err != nil {
			return err
		}
		if actor.HasIn(access.RoleFosterCarer, f.StructureID) && !actor.HasIn(access.RoleDirector, f.StructureID) && !actor.IsAdmin() {
			d.Kind, d.CarerID = KindRelay, actor.AccountID
		}
		d, err = NormalizeDeclaration(d, DayOf(tx.Now))
		if err != nil {
			return err
		}
		res := Availability{StructureID: f.StructureID, CarerID: d.CarerID}.Resource(f.Departement)
		if err := access.Check(ctx, access.ActionUpdate, res); err != nil {
			return err
		}
		carerName, err := checkKind(ctx, tx, f, d)
		if err != nil {
			return err
		}
		id = db.NewID()
		var carer any
		if d.CarerID != "" {
			carer = d.CarerID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO availabilities (id, offer_id, structure_id, kind, places, taken,
			starts_on, ends_on, weekdays, profession, conditions, carer_account_id, carer_name, confirmed_at, confirmed_by,
			active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10, $11, $12, $13, $14, TRUE, $13, $13)`,
			id, offerID, f.StructureID, string(d.Kind), d.Places, string(d.From), string(d.To), int(d.Weekdays),
			d.Profession, d.Conditions, carer, carerName, tx.Now, actorName(actor)); err != nil {
			return fmt.Errorf("insert availability: %w", err)
		}
		a, _, err := loadAvail(ctx, tx, id)
		if err != nil {
			return err
		}
		return record(ctx, tx, a, f.Departement, "declared", map[string]any{"places": d.Places, "from": d.From, "to": d.To})
	})
	if err != nil {
		return Availability{}, err
	}
	return s.Get(ctx, id)
}

// checkKind checks the kind against the offer: relay stays belong to
// foster care, and name one of the structure's foster carers. It returns
// the carer's name.
func checkKind(ctx context.Context, tx *db.Tx, f offerFacts, d Declaration) (string, error) {
	if d.Kind != KindRelay {
		return "", nil
	}
	if f.Modality != "foster" {
		return "", invalidField("kind", "Les séjours relais se déclarent sur une offre d'accueil familial.")
	}
	if d.CarerID == "" {
		return "", invalidField("carer", "Choisissez l'assistant familial qui accueille le séjour relais.")
	}
	var name string
	err := tx.QueryRowContext(ctx, `SELECT a.display_name FROM accounts a JOIN memberships m ON m.account_id = a.id
		WHERE a.id = $1 AND m.organisation_id = $2 AND m.role = 'foster_carer' AND a.active = TRUE`, d.CarerID, f.StructureID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", invalidField("carer", "Cet assistant familial n'appartient pas au service.")
	}
	return name, err
}

func invalidField(field, msg string) error {
	return &apperr.Error{Code: apperr.Invalid, Message: "La déclaration n'a pas été enregistrée : " + msg, Fields: map[string]string{field: msg}}
}

// Change is a new figure for a declaration: the places free now and the
// period. Kind, days and carer stay as declared.
type Change struct {
	ID       string
	Free     int
	From, To Day // From "": as declared
	// KeepFree leaves the places as they are (Free is ignored): a change of
	// period alone must not give back a place held meanwhile.
	KeepFree bool
}

// Save applies the changes to declarations of one structure and confirms
// every declaration listed, changed or not: the director has looked at each
// figure. It returns how many figures changed.
func (s *Service) Save(ctx context.Context, structureID string, changes []Change) (int, error) {
	actor := access.ActorFrom(ctx)
	changed := 0
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		changed = 0
		var v apperr.Validation
		type step struct {
			cur  Availability
			dep  string
			next Declaration
			keep bool
		}
		var steps []step
		for _, c := range changes {
			cur, dep, err := loadAvail(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if cur.StructureID != structureID || !cur.Active {
				return apperr.New(apperr.NotFound, "Une des disponibilités n'appartient plus à cette structure : rechargez la page.")
			}
			if err := access.Check(ctx, access.ActionUpdate, cur.Resource(dep)); err != nil {
				return err
			}
			d := Declaration{Kind: cur.Kind, Places: c.Free, From: c.From, To: c.To, Weekdays: cur.Weekdays,
				Profession: cur.Profession, Conditions: cur.Conditions, CarerID: cur.CarerID}
			if d.From == "" {
				d.From = cur.From
			}
			if c.KeepFree {
				d.Places = cur.Free()
			}
			d, err = NormalizeDeclaration(d, DayOf(tx.Now))
			if err != nil {
				if e, ok := apperr.As(err); ok {
					for f, m := range e.Fields {
						v.Add(f+"."+c.ID, m)
					}
				}
				continue
			}
			steps = append(steps, step{cur, dep, d, c.KeepFree})
		}
		if err := v.ErrSaying("Rien n'a été enregistré : corrigez les chiffres signalés."); err != nil {
			return err
		}
		today := DayOf(tx.Now)
		for _, st := range steps {
			same := st.cur.Free() == st.next.Places && max(st.cur.From, today) == st.next.From && st.cur.To == st.next.To
			if same {
				if err := confirm(ctx, tx, st.cur, st.dep, actor); err != nil {
					return err
				}
				continue
			}
			changed++
			// places = free + taken, computed by the database so that a
			// hold taken meanwhile stays counted; kept as they are when
			// only the period changes.
			if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET places = CASE WHEN $7 THEN places ELSE taken + $1 END,
				starts_on = $2, ends_on = $3, confirmed_at = $4, confirmed_by = $5, updated_at = $4 WHERE id = $6`,
				st.next.Places, string(st.next.From), string(st.next.To), tx.Now, actorName(actor), st.cur.ID, st.keep); err != nil {
				return fmt.Errorf("update availability: %w", err)
			}
			a, _, err := loadAvail(ctx, tx, st.cur.ID)
			if err != nil {
				return err
			}
			if err := record(ctx, tx, a, st.dep, "updated", map[string]any{"free": st.next.Places, "was": st.cur.Free(),
				"from": st.next.From, "to": st.next.To}); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

// Confirm says one figure is still true.
func (s *Service) Confirm(ctx context.Context, id string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		a, dep, err := loadAvail(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Active {
			return apperr.New(apperr.NotFound, "Cette disponibilité a été retirée.")
		}
		if err := access.Check(ctx, access.ActionUpdate, a.Resource(dep)); err != nil {
			return err
		}
		return confirm(ctx, tx, a, dep, access.ActorFrom(ctx))
	})
}

// ConfirmAll says that nothing has changed: every live declaration of the
// structure the actor may update is confirmed. It returns how many.
func (s *Service) ConfirmAll(ctx context.Context, structureID string) (int, error) {
	var n int
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		n = 0
		list, dep, err := live(ctx, tx, structureID, DayOf(tx.Now))
		if err != nil {
			return err
		}
		actor := access.ActorFrom(ctx)
		for _, a := range list {
			if !access.Can(actor, access.ActionUpdate, a.Resource(dep)) {
				continue
			}
			if err := confirm(ctx, tx, a, dep, actor); err != nil {
				return err
			}
			n++
		}
		if n == 0 && len(list) > 0 {
			return access.Check(ctx, access.ActionUpdate, list[0].Resource(dep))
		}
		return nil
	})
	return n, err
}

func confirm(ctx context.Context, tx *db.Tx, a Availability, dep string, actor access.Actor) error {
	if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET confirmed_at = $1, confirmed_by = $2 WHERE id = $3`,
		tx.Now, actorName(actor), a.ID); err != nil {
		return fmt.Errorf("confirm availability: %w", err)
	}
	return record(ctx, tx, a, dep, "confirmed", nil)
}

// Withdraw takes a declaration off the board. Places held or booked stay
// with their holders: the declaration then keeps them and offers no more.
func (s *Service) Withdraw(ctx context.Context, id string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		a, dep, err := loadAvail(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionUpdate, a.Resource(dep)); err != nil {
			return err
		}
		if !a.Active {
			return nil
		}
		// One statement decides, so that a hold taken meanwhile is kept.
		if _, err := tx.ExecContext(ctx, `UPDATE availabilities SET places = taken, active = (taken > 0), updated_at = $1
			WHERE id = $2`, tx.Now, id); err != nil {
			return fmt.Errorf("withdraw availability: %w", err)
		}
		a, _, err = loadAvail(ctx, tx, id)
		if err != nil {
			return err
		}
		return record(ctx, tx, a, dep, "withdrawn", nil)
	})
}

// Get returns one declaration (every account may read the board).
func (s *Service) Get(ctx context.Context, id string) (Availability, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResAvailability, ID: id}); err != nil {
		return Availability{}, err
	}
	var a Availability
	var dep string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		a, dep, err = loadAvail(ctx, tx, id)
		return err
	})
	return hideCarer(access.ActorFrom(ctx), a, dep), err
}

// hideCarer leaves out the name of a relay stay's foster carer for who may
// not know where the service's children live: like a confidential
// address, it is for the service's members and the ASE and steering of its
// département.
func hideCarer(actor access.Actor, a Availability, dep string) Availability {
	if a.CarerName != "" && !access.Can(actor, access.ActionViewAddress, access.Resource{Type: access.ResStructure,
		ID: a.StructureID, OrganisationIDs: []string{a.StructureID}, Departement: dep}) {
		a.CarerName, a.CarerID = "Un assistant familial du service", ""
	}
	return a
}

// Declarations returns the live declarations of a structure (those not
// yet ended), by offer and start.
func (s *Service) Declarations(ctx context.Context, structureID string) ([]Availability, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAvailability}); err != nil {
		return nil, err
	}
	var list []Availability
	var dep string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		list, dep, err = live(ctx, tx, structureID, DayOf(tx.Now))
		return err
	})
	actor := access.ActorFrom(ctx)
	for i, a := range list {
		list[i] = hideCarer(actor, a, dep)
	}
	return list, err
}

func live(ctx context.Context, tx *db.Tx, structureID string, today Day) ([]Availability, string, error) {
	var dep string
	if err := tx.QueryRowContext(ctx, `SELECT departement FROM organisations WHERE id = $1 AND kind = 'structure'`,
		structureID).Scan(&dep); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", apperr.New(apperr.NotFound, "Cette structure n'existe pas dans l'annuaire.")
		}
		return nil, "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+availCols+availFrom+`
		WHERE a.structure_id = $1 AND a.active = TRUE AND a.ends_on >= $2 ORDER BY a.offer_id, a.kind, a.starts_on, a.id`,
		structureID, string(today))
	if err != nil {
		return nil, "", fmt.Errorf("declarations: %w", err)
	}
	defer rows.Close()
	var list []Availability
	for rows.Next() {
		a, err := scanAvail(rows)
		if err != nil {
			return nil, "", err
		}
		list = append(list, a)
	}
	return list, dep, rows.Err()
}

// record keeps the history row of an event on a declaration, and audits it.
func record(ctx context.Context, tx *db.Tx, a Availability, dep, event string, details map[string]any) error {
	actor := access.ActorFrom(ctx)
	var account any
	if actor.AccountID != "" {
		account = actor.AccountID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO capacity_history (id, availability_id, offer_id, structure_id, departement,
		kind, event, places, taken, account_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		db.NewID(), a.ID, a.OfferID, a.StructureID, dep, string(a.Kind), event, a.Places, a.Taken, account, tx.Now); err != nil {
		return fmt.Errorf("capacity history: %w", err)
	}
	if details == nil {
		details = map[string]any{}
	}
	details["kind"] = a.Kind
	return audit.Record(ctx, tx, audit.Entry{Action: "capacity." + event, ResourceType: string(access.ResAvailability),
		ResourceID: a.ID, OrganisationID: a.StructureID, Details: details})
}

// now is the service's clock, the database's.
func (s *Service) now() time.Time { return db.Now(s.DB.Clock) }
