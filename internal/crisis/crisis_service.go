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

// Every returns the reporting cadence as a duration.
func (c Crisis) Every() time.Duration {
	h := c.ReportEvery
	if h <= 0 {
		h = DefaultCadence
	}
	return time.Duration(h) * time.Hour
}

// Resource is the crisis as the policy sees it, as a record of type t
// (the crisis itself, its cell, its log, its status reports).
func (c Crisis) Resource(t access.ResourceType) access.Resource {
	return access.Resource{Type: t, ID: c.ID, Departement: c.Departement, MemberIDs: c.MemberIDs}
}

// Can reports whether the actor of ctx may do act on the crisis as t.
func (c Crisis) Can(ctx context.Context, act access.Action, t access.ResourceType) bool {
	return access.Can(access.ActorFrom(ctx), act, c.Resource(t))
}

// until is the end of the crisis, or now while it goes on: late reports
// are counted at it.
func (c Crisis) until(now time.Time) time.Time {
	if c.Active() {
		return now
	}
	return c.EndedAt
}

const crisisCols = `c.id, c.departement, c.kind, c.description, c.started_at, c.ended_at, c.activated_name,
	c.ended_name, c.closing_note, c.report_every_hours`

func scanCrisis(sc interface{ Scan(...any) error }) (Crisis, error) {
	var c Crisis
	var ended sql.NullTime
	err := sc.Scan(&c.ID, &c.Departement, &c.Kind, &c.Description, &c.StartedAt, &ended, &c.ActivatedName,
		&c.EndedName, &c.ClosingNote, &c.ReportEvery)
	c.EndedAt = ended.Time
	c.StartedAt = c.StartedAt.UTC()
	if !c.EndedAt.IsZero() {
		c.EndedAt = c.EndedAt.UTC()
	}
	return c, err
}

var errNoCrisis = apperr.New(apperr.NotFound, "Cette crise n'existe pas, ou ne concerne pas votre territoire.")

// load reads a crisis with its cell's accounts, and checks that the actor
// may see it (an invisible crisis is not found).
func load(ctx context.Context, tx *db.Tx, id string) (Crisis, error) {
	if !db.ValidID(id) {
		return Crisis{}, errNoCrisis
	}
	c, err := scanCrisis(tx.QueryRowContext(ctx, `SELECT `+crisisCols+` FROM crises c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Crisis{}, errNoCrisis
	}
	if err != nil {
		return Crisis{}, fmt.Errorf("crisis: load: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT account_id FROM crisis_cell_members WHERE crisis_id = $1 AND account_id IS NOT NULL`, id)
	if err != nil {
		return Crisis{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return Crisis{}, err
		}
		c.MemberIDs = append(c.MemberIDs, a)
	}
	if err := rows.Err(); err != nil {
		return Crisis{}, err
	}
	if !c.Can(ctx, access.ActionView, access.ResCrisis) {
		return Crisis{}, errNoCrisis
	}
	return c, nil
}

// check is access.Check on the crisis as t.
func check(ctx context.Context, c Crisis, act access.Action, t access.ResourceType) error {
	return access.Check(ctx, act, c.Resource(t))
}

// actorName is how the actor signs what they write.
func actorName(a access.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Label()
}

func accountArg(a access.Actor) any {
	if a.AccountID == "" {
		return nil
	}
	return a.AccountID
}

// Activate starts a crisis in a département; a second active crisis of
// the same département is refused (the database holds the rule).
func (s *Service) Activate(ctx context.Context, in Activation) (Crisis, error) {
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResCrisis, Departement: in.Departement}); err != nil {
		return Crisis{}, err
	}
	a := access.ActorFrom(ctx)
	var c Crisis
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		start, err := normalizeActivation(&in, tx.Now)
		if err != nil {
			return err
		}
		c = Crisis{ID: db.NewID(), Departement: in.Departement, Kind: in.Kind, Description: in.Description, StartedAt: start,
			ActivatedName: actorName(a), ReportEvery: DefaultCadence}
		_, err = tx.ExecContext(ctx, `INSERT INTO crises (id, departement, kind, description, started_at, activated_by, activated_name,
			report_every_hours, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ID, c.Departement, string(c.Kind), c.Description, c.StartedAt, accountArg(a), c.ActivatedName, c.ReportEvery, tx.Now)
		if db.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, "Une crise est déjà active dans ce département : terminez-la avant d'en activer une autre.")
		}
		if err != nil {
			return fmt.Errorf("crisis: activate: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.activate", ResourceType: string(access.ResCrisis), ResourceID: c.ID,
			Details: map[string]any{"departement": c.Departement, "kind": c.Kind}})
	})
	return c, err
}

// Get returns a crisis the actor may see.
func (s *Service) Get(ctx context.Context, id string) (Crisis, error) {
	var c Crisis
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		c, err = load(ctx, tx, id)
		return err
	})
	return c, err
}

// List returns the crises of the actor's départements and those whose
// cell they are in, the latest first.
func (s *Service) List(ctx context.Context) ([]Crisis, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResCrisis}); err != nil {
		return nil, err
	}
	var args db.Args
	cond := "FALSE"
	if a.System {
		cond = "TRUE"
	} else {
		cond = fmt.Sprintf(`(c.departement IN (%s) OR c.id IN (SELECT crisis_id FROM crisis_cell_members WHERE account_id = %s))`,
			db.List(&args, access.CrisisDepartements(a)), args.Add(a.AccountID))
	}
	var out []Crisis
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+crisisCols+` FROM crises c WHERE `+cond+` ORDER BY c.started_at DESC LIMIT 200`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCrisis(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// Active returns every active crisis, for the banner: few rows, read
// through the partial index of active crises, one statement per page.
func (s *Service) Active(ctx context.Context) ([]Crisis, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, departement, kind, started_at FROM crises WHERE ended_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("crisis: active: %w", err)
	}
	defer rows.Close()
	var out []Crisis
	for rows.Next() {
		var c Crisis
		if err := rows.Scan(&c.ID, &c.Departement, &c.Kind, &c.StartedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetCadence sets how often, in hours, structures report their state.
func (s *Service) SetCadence(ctx context.Context, id string, hours int) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionUpdate, access.ResCrisis); err != nil {
			return err
		}
		if err := checkCadence(hours); err != nil {
			return err
		}
		if !c.Active() {
			return errEnded
		}
		if _, err := tx.ExecContext(ctx, `UPDATE crises SET report_every_hours = $1 WHERE id = $2`, hours, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.cadence", ResourceType: string(access.ResCrisis), ResourceID: id,
			Details: map[string]any{"hours": hours}})
	})
}

var errEnded = apperr.New(apperr.Conflict, "Cette crise est terminée : elle ne change plus.")

// End ends a crisis with its closing note; its report is then final.
func (s *Service) End(ctx context.Context, id string, in Ending) error {
	a := access.ActorFrom(ctx)
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionEnd, access.ResCrisis); err != nil {
			return err
		}
		end, err := normalizeEnding(&in, c.StartedAt, tx.Now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE crises SET ended_at = $1, ended_by = $2, ended_name = $3, closing_note = $4
			WHERE id = $5 AND ended_at IS NULL`, end, accountArg(a), actorName(a), in.Note, id)
		if err != nil {
			return fmt.Errorf("crisis: end: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errEnded
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.end", ResourceType: string(access.ResCrisis), ResourceID: id})
	})
}
