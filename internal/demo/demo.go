// Package demo owns the demo territory that `passerelle serve` shows when it
// starts on an empty database: the Loire (42), real communes, invented
// organisations and people that say they are invented, and one account per
// role sharing a documented password.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/org"
)

// Password is the password of every demo account, printed at start and in
// the documentation. It is public: never load the demo on real data.
const Password = "Passerelle-demo-2026"

// Account is a demo account as shown to the person trying Passerelle.
type Account struct {
	Email        string
	Role         string // French label of the role
	Organisation string // name of the organisation it belongs to
	Note         string // what to expect at first login, if anything
}

// Summary describes the demo territory in the database.
type Summary struct {
	Departement   string // code, "42"; "" when no demo account exists
	Organisations int
	Structures    int
	Accounts      []Account
}

// Accounts returns the documented demo accounts, in the order to print them.
func Accounts() []Account {
	names := map[string]string{}
	for _, s := range seeds() {
		names[s.Key] = s.Name
	}
	out := make([]Account, len(people))
	for i, p := range people {
		out[i] = Account{Email: address(p.Mailbox), Role: org.RoleLabel(p.Role), Organisation: names[p.Org], Note: p.Note}
	}
	return out
}

var errNotEmpty = errors.New("the database already holds organisations")

// Load fills an empty database (one without any organisation) with the
// demo territory and reports loaded=true. Otherwise it changes nothing and
// returns the summary of the demo accounts that exist, so that a server
// restarted on its demo database prints them again, and one started on real
// data prints none.
func Load(ctx context.Context, d *db.DB) (Summary, bool, error) {
	ctx = access.WithActor(ctx, access.SystemActor)
	n, err := countOrganisations(ctx, d)
	if err != nil {
		return Summary{}, false, fmt.Errorf("demo: %w", err)
	}
	if n == 0 {
		// Hashed once for all accounts, before the transaction: argon2 is slow
		// on purpose and the writer should not wait for it.
		hash, err := auth.HashPassword(Password)
		if err != nil {
			return Summary{}, false, err
		}
		var s Summary
		err = d.Write(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errNotEmpty
			}
			s, err = insert(ctx, tx, hash)
			return err
		})
		switch {
		case err == nil:
			return s, true, nil
		case errors.Is(err, errNotEmpty), db.IsUniqueViolation(err):
			// Another server started on the same empty database loaded it first.
		default:
			return Summary{}, false, fmt.Errorf("demo: load: %w", err)
		}
	}
	s, err := existing(ctx, d)
	return s, false, err
}

// Reset deletes every organisation, account and what hangs from them
// (memberships, sessions, tokens, login failures, notifications, jobs), then
// loads the demo territory, in one transaction. The audit log is kept: it is
// append-only, and the reset itself is recorded in it.
func Reset(ctx context.Context, d *db.DB) (Summary, error) {
	ctx = access.WithActor(ctx, access.SystemActor)
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return Summary{}, err
	}
	var s Summary
	err = d.Write(ctx, func(tx *db.Tx) error {
		deleted, err := empty(ctx, tx)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: "demo.reset", Details: deleted}); err != nil {
			return err
		}
		s, err = insert(ctx, tx, hash)
		return err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("demo: reset: %w", err)
	}
	return s, nil
}

// resetTables are emptied by Reset, children before parents. A migration
// adding a table that refers to organisations or accounts adds it here.
// Each feature of the later issues lists its own tables in its demo file.
var resetTables = slices.Concat(indicatorsResetTables, surveysResetTables, crisisSideResetTables, crisisResetTables, []string{"sessions", "api_tokens", "one_time_tokens", "login_failures", "notifications",
	"jobs", "request_events", "request_recipients", "requests", "request_settings", "child_project_items", "child_projects", "planning_feeds", "planning_structure_feeds", "planning_exceptions", "planning_slots", "school_holidays", "liaison_attachments", "liaison_recipients", "liaison_notes", "child_alerts_sent", "child_events", "child_break_glass", "child_circle_staff", "child_circle", "child_consents",
	"child_notifications", "child_measures", "child_relatives", "children", "capacity_history", "capacity_holds", "availabilities", "capacity_settings"}, cooperationResetTables, []string{"memberships", "accounts", "structure_documents", "structure_contacts", "offers", "structures", "organisations"})

// empty empties resetTables and returns how many rows each lost.
func empty(ctx context.Context, tx *db.Tx) (map[string]any, error) {
	deleted := map[string]any{}
	// Structures point to their operator: cut the links first so that the
	// order of deletion inside one statement does not matter.
	if _, err := tx.ExecContext(ctx, `UPDATE organisations SET operator_id = NULL WHERE operator_id IS NOT NULL`); err != nil {
		return nil, err
	}
	for _, t := range resetTables {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+t)
		if err != nil {
			return nil, fmt.Errorf("empty %s: %w", t, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		deleted[t] = n
	}
	return deleted, nil
}

// insert writes the territory inside tx, each row audited.
func insert(ctx context.Context, tx *db.Tx, hash string) (Summary, error) {
	s := Summary{Departement: Departement, Accounts: Accounts()}
	ids := map[string]string{}
	for _, seed := range seeds() {
		id, err := insertOrganisation(ctx, tx, seed, ids)
		if err != nil {
			return Summary{}, fmt.Errorf("organisation %q: %w", seed.Name, err)
		}
		ids[seed.Key] = id
		s.Organisations++
		if seed.Kind == access.OrgStructure {
			s.Structures++
		}
	}
	for _, p := range people {
		if err := insertAccount(ctx, tx, p, ids[p.Org], hash); err != nil {
			return Summary{}, fmt.Errorf("account %s: %w", p.Mailbox, err)
		}
	}
	if err := insertCapacity(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertChildren(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertCooperation(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertCrisis(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertCrisisSide(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertSurveys(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	if err := insertIndicatorsHistory(ctx, tx, ids); err != nil {
		return Summary{}, err
	}
	return s, nil
}

// insertOrganisation checks the seed with the organisation rules (so that
// the demo data can be edited in the interface as it is) and stores it.
func insertOrganisation(ctx context.Context, tx *db.Tx, seed orgSeed, ids map[string]string) (string, error) {
	in, dep, err := org.Normalize(org.Input{Kind: seed.Kind, Name: seed.Name, StructureType: seed.Type,
		CommuneCode: seed.Commune, Email: address(seed.Mailbox), Phone: seed.Phone})
	if err != nil {
		return "", err
	}
	var operator any
	if seed.Operator != "" {
		opID, ok := ids[seed.Operator]
		if !ok {
			return "", fmt.Errorf("operator %q is not loaded before it", seed.Operator)
		}
		operator = opID
	}
	id := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, structure_type, operator_id,
		commune_code, departement, email, phone, active, fictional, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, TRUE, $10, $10)`,
		id, in.Kind, in.Name, in.StructureType, operator, in.CommuneCode, dep, in.Email, in.Phone, tx.Now); err != nil {
		return "", err
	}
	if seed.Kind == access.OrgStructure {
		opID, _ := operator.(string)
		if err := insertEntry(ctx, tx, seed, id, opID); err != nil {
			return "", err
		}
	}
	return id, audit.Record(ctx, tx, audit.Entry{Action: "demo.load", ResourceType: string(access.ResOrganisation),
		ResourceID: id, OrganisationID: id, Details: map[string]any{"kind": in.Kind, "structure_type": in.StructureType}})
}

// insertAccount stores an account with its one membership. TOTP is left
// off: admin and steering accounts are asked to enrol at first login.
func insertAccount(ctx context.Context, tx *db.Tx, p accountSeed, orgID, hash string) error {
	if orgID == "" {
		return fmt.Errorf("organisation %q unknown", p.Org)
	}
	id := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, email, display_name, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, id, address(p.Mailbox), p.Name, hash, tx.Now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (account_id, organisation_id, role, created_at)
		VALUES ($1, $2, $3, $4)`, id, orgID, p.Role, tx.Now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "demo.load", ResourceType: string(access.ResAccount),
		ResourceID: id, OrganisationID: orgID, Details: map[string]any{"role": p.Role}})
}

func countOrganisations(ctx context.Context, d *db.DB) (int, error) {
	var n int
	err := d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations`).Scan(&n)
	})
	return n, err
}

// existing summarises the demo territory already in the database: the demo
// accounts still active, and the fictional organisations.
func existing(ctx context.Context, d *db.DB) (Summary, error) {
	var s Summary
	err := d.Read(ctx, func(tx *db.Tx) error {
		all := Accounts()
		emails := make([]string, len(all))
		for i, a := range all {
			emails[i] = a.Email
		}
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT email FROM accounts WHERE active = TRUE AND email IN (`+
			db.List(&args, emails)+`)`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var found []string
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				return err
			}
			found = append(found, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range all {
			if slices.Contains(found, a.Email) {
				s.Accounts = append(s.Accounts, a)
			}
		}
		if len(s.Accounts) == 0 {
			return nil
		}
		s.Departement = Departement
		return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN kind = 'structure' THEN 1 ELSE 0 END), 0)
			FROM organisations WHERE fictional = TRUE`).Scan(&s.Organisations, &s.Structures)
	})
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	return s, nil
}
