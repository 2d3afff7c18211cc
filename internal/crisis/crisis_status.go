package crisis

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

// Report is a structure's status report.
type Report struct {
	ID               string
	StructureID      string
	StructureName    string
	State            State
	StaffAbsent      int
	ChildrenAffected int
	Needs            string
	AuthorName       string
	At               time.Time
}

// Line is a structure of the territory on the cell's board: its latest
// report, if any, and whether it is late.
type Line struct {
	StructureID   string
	StructureName string
	StructureType string
	Latest        *Report
	Reports       int
	DueAt         time.Time
	Late          bool
}

// Board is every structure of the crisis's département with its latest
// report, the late ones first.
type Board struct {
	Lines []Line
	Late  int
	At    time.Time // when lateness was counted (now, or the crisis's end)
}

// Board returns the cell's view of the structures; lateOnly keeps the
// late ones.
func (s *Service) Board(ctx context.Context, crisisID string, lateOnly bool) (Board, error) {
	var b Board
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionList, access.ResCrisisStatus); err != nil {
			return err
		}
		b, err = board(ctx, tx, c, tx.Now)
		return err
	})
	if lateOnly {
		kept := b.Lines[:0]
		for _, l := range b.Lines {
			if l.Late {
				kept = append(kept, l)
			}
		}
		b.Lines = kept
	}
	return b, err
}

// board reads the latest report of every active structure of the
// crisis's département.
func board(ctx context.Context, tx *db.Tx, c Crisis, now time.Time) (Board, error) {
	b := Board{At: c.until(now)}
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.structure_type,
		(SELECT count(*) FROM crisis_status_reports n WHERE n.crisis_id = $1 AND n.structure_id = o.id),
		r.id, r.state, r.staff_absent, r.children_affected, r.needs, r.author_name, r.created_at
		FROM organisations o
		LEFT JOIN crisis_status_reports r ON r.id = (SELECT x.id FROM crisis_status_reports x
			WHERE x.crisis_id = $1 AND x.structure_id = o.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1)
		WHERE o.kind = 'structure' AND o.departement = $2 AND o.active
		ORDER BY o.name, o.id`, c.ID, c.Departement)
	if err != nil {
		return b, fmt.Errorf("crisis: board: %w", err)
	}
	defer rows.Close()
	var late, onTime []Line
	for rows.Next() {
		var l Line
		var id, state, needs, author sql.NullString
		var absent, affected sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&l.StructureID, &l.StructureName, &l.StructureType, &l.Reports, &id, &state, &absent, &affected,
			&needs, &author, &at); err != nil {
			return b, err
		}
		var last time.Time
		if id.Valid {
			last = at.Time.UTC()
			l.Latest = &Report{ID: id.String, StructureID: l.StructureID, StructureName: l.StructureName, State: State(state.String),
				StaffAbsent: int(absent.Int64), ChildrenAffected: int(affected.Int64), Needs: needs.String, AuthorName: author.String, At: last}
		}
		l.DueAt = DueAt(c.StartedAt, last, c.Every())
		l.Late = Late(c.StartedAt, last, c.Every(), b.At)
		if l.Late {
			late = append(late, l)
		} else {
			onTime = append(onTime, l)
		}
	}
	b.Late = len(late)
	b.Lines = append(late, onTime...)
	return b, rows.Err()
}

// Reporting is a structure the actor may report for, with its latest
// report in the crisis.
type Reporting struct {
	StructureID, StructureName string
	Latest                     *Report
	DueAt                      time.Time
	Late                       bool
}

// MyStructures returns the structures of the crisis's département for
// which the actor files status reports.
func (s *Service) MyStructures(ctx context.Context, crisisID string) ([]Reporting, error) {
	a := access.ActorFrom(ctx)
	var out []Reporting
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		for _, m := range a.Memberships {
			if m.OrganisationKind != access.OrgStructure || m.Departement != c.Departement ||
				!access.Can(a, access.ActionCreate, access.Resource{Type: access.ResCrisisStatus, OrganisationIDs: []string{m.OrganisationID}}) {
				continue
			}
			r := Reporting{StructureID: m.OrganisationID, StructureName: m.OrganisationName}
			rep, err := latest(ctx, tx, c.ID, m.OrganisationID)
			if err != nil {
				return err
			}
			var last time.Time
			if rep != nil {
				r.Latest, last = rep, rep.At
			}
			r.DueAt, r.Late = DueAt(c.StartedAt, last, c.Every()), Late(c.StartedAt, last, c.Every(), c.until(tx.Now))
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

func latest(ctx context.Context, tx *db.Tx, crisisID, structureID string) (*Report, error) {
	var r Report
	err := tx.QueryRowContext(ctx, `SELECT r.id, r.structure_id, o.name, r.state, r.staff_absent, r.children_affected, r.needs,
		r.author_name, r.created_at FROM crisis_status_reports r JOIN organisations o ON o.id = r.structure_id
		WHERE r.crisis_id = $1 AND r.structure_id = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT 1`, crisisID, structureID).
		Scan(&r.ID, &r.StructureID, &r.StructureName, &r.State, &r.StaffAbsent, &r.ChildrenAffected, &r.Needs, &r.AuthorName, &r.At)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.At = r.At.UTC()
	return &r, nil
}

// FileStatus records a structure's status report in an active crisis.
func (s *Service) FileStatus(ctx context.Context, crisisID string, in StatusInput) (Report, error) {
	a := access.ActorFrom(ctx)
	var r Report
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := normalizeStatus(&in); err != nil {
			return err
		}
		res := c.Resource(access.ResCrisisStatus)
		res.OrganisationIDs = []string{in.StructureID}
		if err := access.Check(ctx, access.ActionCreate, res); err != nil {
			return err
		}
		var name, dep string
		err = tx.QueryRowContext(ctx, `SELECT name, departement FROM organisations WHERE id = $1 AND kind = 'structure'`, in.StructureID).Scan(&name, &dep)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && dep != c.Departement) {
			return &apperr.Error{Code: apperr.Invalid, Message: "L'état n'est pas transmis.",
				Fields: map[string]string{"structure_id": "Cette structure n'est pas du territoire de la crise."}}
		}
		if err != nil {
			return err
		}
		if !c.Active() {
			return errEnded
		}
		r = Report{ID: db.NewID(), StructureID: in.StructureID, StructureName: name, State: in.State, StaffAbsent: in.StaffAbsent,
			ChildrenAffected: in.ChildrenAffected, Needs: in.Needs, AuthorName: actorName(a), At: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_status_reports (id, crisis_id, structure_id, state, staff_absent,
			children_affected, needs, author_id, author_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.ID, crisisID, r.StructureID, string(r.State), r.StaffAbsent, r.ChildrenAffected, r.Needs, accountArg(a), r.AuthorName, r.At); err != nil {
			return fmt.Errorf("crisis: file status: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.status", ResourceType: string(access.ResCrisisStatus), ResourceID: r.ID,
			OrganisationID: r.StructureID, Details: map[string]any{"crisis": crisisID, "state": r.State}})
	})
	return r, err
}

// statuses returns every report of a crisis, by structure then time.
func statuses(ctx context.Context, tx *db.Tx, crisisID string) ([]Report, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.structure_id, o.name, r.state, r.staff_absent, r.children_affected, r.needs,
		r.author_name, r.created_at FROM crisis_status_reports r JOIN organisations o ON o.id = r.structure_id
		WHERE r.crisis_id = $1 ORDER BY o.name, r.structure_id, r.created_at, r.id`, crisisID)
	if err != nil {
		return nil, fmt.Errorf("crisis: statuses: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.StructureID, &r.StructureName, &r.State, &r.StaffAbsent, &r.ChildrenAffected, &r.Needs,
			&r.AuthorName, &r.At); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
