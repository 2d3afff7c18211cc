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

// Member is a member of a crisis cell.
type Member struct {
	ID           string
	AccountID    string // "" for a person without an account
	Name         string
	Organisation string
	Function     string
	Phone        string
}

// Entry is a meeting note or a decision of the cell.
type Entry struct {
	ID         string
	Kind       string // EntryNote, EntryDecision
	At         time.Time
	Body       string
	AuthorName string
}

// Members returns the cell of a crisis.
func (s *Service) Members(ctx context.Context, crisisID string) ([]Member, error) {
	var out []Member
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionView, access.ResCrisisCell); err != nil {
			return err
		}
		out, err = members(ctx, tx, crisisID)
		return err
	})
	return out, err
}

func members(ctx context.Context, tx *db.Tx, crisisID string) ([]Member, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, account_id, name, organisation, function, phone FROM crisis_cell_members
		WHERE crisis_id = $1 ORDER BY organisation, name, id`, crisisID)
	if err != nil {
		return nil, fmt.Errorf("crisis: members: %w", err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var acc sql.NullString
		if err := rows.Scan(&m.ID, &acc, &m.Name, &m.Organisation, &m.Function, &m.Phone); err != nil {
			return nil, err
		}
		m.AccountID = acc.String
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddMember adds a person to the cell: an account found by its e-mail
// (its name and organisation taken from it), or a person named.
func (s *Service) AddMember(ctx context.Context, crisisID string, in MemberInput) (Member, error) {
	if err := normalizeMember(&in); err != nil {
		return Member{}, err
	}
	m := Member{ID: db.NewID(), Name: in.Name, Organisation: in.Organisation, Function: in.Function, Phone: in.Phone}
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionUpdate, access.ResCrisisCell); err != nil {
			return err
		}
		if !c.Active() {
			return errEnded
		}
		if in.Email != "" {
			var name, org string
			var professional int
			err := tx.QueryRowContext(ctx, `SELECT a.id, a.display_name, COALESCE((SELECT o.name FROM memberships ms
				JOIN organisations o ON o.id = ms.organisation_id WHERE ms.account_id = a.id AND ms.role <> 'parent' ORDER BY o.name LIMIT 1), ''),
				(SELECT count(*) FROM memberships ms WHERE ms.account_id = a.id AND ms.role <> 'parent')
				FROM accounts a WHERE lower(a.email) = $1 AND a.active`, in.Email).Scan(&m.AccountID, &name, &org, &professional)
			if errors.Is(err, sql.ErrNoRows) {
				return &apperr.Error{Code: apperr.Invalid, Message: "Personne n'a été ajouté à la cellule.",
					Fields: map[string]string{"email": "Aucun compte actif n'a cette adresse : nommez la personne sans compte."}}
			}
			if err != nil {
				return err
			}
			// The cell reads notes and every structure's state: a
			// parent's account (the policy would open it nothing) is
			// refused rather than listed as a member who sees nothing.
			if professional == 0 {
				return &apperr.Error{Code: apperr.Invalid, Message: "Personne n'a été ajouté à la cellule.",
					Fields: map[string]string{"email": "Ce compte est celui d'un parent : la cellule réunit des professionnels."}}
			}
			if m.Name == "" {
				m.Name = name
			}
			if m.Organisation == "" {
				m.Organisation = org
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO crisis_cell_members (id, crisis_id, account_id, name, organisation, function, phone, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, m.ID, crisisID, nullable(m.AccountID), m.Name, m.Organisation, m.Function, m.Phone, tx.Now)
		if db.IsUniqueViolation(err) {
			return &apperr.Error{Code: apperr.Conflict, Message: "Cette personne est déjà membre de la cellule.",
				Fields: map[string]string{"email": "Déjà membre de la cellule."}}
		}
		if err != nil {
			return fmt.Errorf("crisis: add member: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.cell.add", ResourceType: string(access.ResCrisisCell), ResourceID: crisisID,
			Details: map[string]any{"member": m.ID, "account": m.AccountID}})
	})
	return m, err
}

// RemoveMember takes a person out of the cell.
func (s *Service) RemoveMember(ctx context.Context, crisisID, memberID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionUpdate, access.ResCrisisCell); err != nil {
			return err
		}
		if !c.Active() {
			return errEnded
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM crisis_cell_members WHERE id = $1 AND crisis_id = $2`, memberID, crisisID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Cette personne n'est pas membre de la cellule.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.cell.remove", ResourceType: string(access.ResCrisisCell), ResourceID: crisisID,
			Details: map[string]any{"member": memberID}})
	})
}

// Log returns the entries of the cell's log the actor may read, in the
// order they happened: decisions for the territory, notes for the cell.
func (s *Service) Log(ctx context.Context, crisisID string) ([]Entry, error) {
	var out []Entry
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		out, err = readLog(ctx, tx, c)
		return err
	})
	return out, err
}

func readLog(ctx context.Context, tx *db.Tx, c Crisis) ([]Entry, error) {
	var kinds []string
	if c.Can(ctx, access.ActionView, access.ResCrisisDecision) {
		kinds = append(kinds, EntryDecision)
	}
	if c.Can(ctx, access.ActionView, access.ResCrisisNote) {
		kinds = append(kinds, EntryNote)
	}
	var args db.Args
	q := `SELECT id, kind, at, body, author_name FROM crisis_log WHERE crisis_id = ` + args.Add(c.ID) +
		` AND kind IN (` + db.List(&args, kinds) + `) ORDER BY at, created_at, id`
	rows, err := tx.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("crisis: log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.Kind, &e.At, &e.Body, &e.AuthorName); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddEntry writes a meeting note or a decision in the cell's log.
func (s *Service) AddEntry(ctx context.Context, crisisID string, in EntryInput) (Entry, error) {
	a := access.ActorFrom(ctx)
	var e Entry
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		t := access.ResCrisisNote
		if in.Kind == EntryDecision {
			t = access.ResCrisisDecision
		}
		if err := check(ctx, c, access.ActionCreate, t); err != nil {
			return err
		}
		at, err := normalizeEntry(&in, c.StartedAt, tx.Now)
		if err != nil {
			return err
		}
		if !c.Active() {
			return errEnded
		}
		e = Entry{ID: db.NewID(), Kind: in.Kind, At: at, Body: in.Body, AuthorName: actorName(a)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crisis_log (id, crisis_id, kind, at, body, author_id, author_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ID, crisisID, e.Kind, e.At, e.Body, accountArg(a), e.AuthorName, tx.Now); err != nil {
			return fmt.Errorf("crisis: add entry: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.log." + e.Kind, ResourceType: string(t), ResourceID: crisisID,
			Details: map[string]any{"entry": e.ID}})
	})
	return e, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
