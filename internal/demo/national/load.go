package national

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

// DefaultBatch is how many structures one transaction writes: large enough
// that commits cost little, small enough that the writer is never held for
// long.
const DefaultBatch = 500

// Options of Load.
type Options struct {
	Structures int
	Seed       uint64
	Batch      int // structures per transaction, DefaultBatch when 0
	// Progress, when set, is called after each transaction with the number
	// of structures written so far.
	Progress func(done int)
}

// Summary tells what Load wrote.
type Summary struct {
	Structures, Operators, Offers, Contacts int
	Confidential                            int
	Departements, Communes                  int
}

// Summarize counts what a plan holds.
func (p Plan) Summarize() Summary {
	s := Summary{Structures: len(p.Structures), Operators: len(p.Operators)}
	deps, communes := map[string]bool{}, map[string]bool{}
	for _, st := range p.Structures {
		s.Offers += len(st.Offers)
		s.Contacts += len(st.Contacts)
		if st.Entry.Confidential {
			s.Confidential++
		}
		deps[st.Departement()] = true
		communes[st.Entry.CommuneCode] = true
	}
	s.Departements, s.Communes = len(deps), len(communes)
	return s
}

// Load writes the plan of opts into d as the system, every organisation
// marked fictional, DefaultBatch structures per transaction. It refuses a
// database that holds real organisations (apperr.Conflict), so that
// invented structures never mix with a real directory.
func Load(ctx context.Context, d *db.DB, opts Options) (Summary, error) {
	if opts.Structures < 1 {
		return Summary{}, apperr.New(apperr.Invalid, "Indiquez un nombre de structures d'au moins 1.")
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	ctx = access.WithActor(ctx, access.SystemActor)
	plan := NewPlan(opts.Structures, opts.Seed)
	ops := make([]string, len(plan.Operators))
	err := d.Write(ctx, func(tx *db.Tx) error {
		if err := refuseRealData(ctx, tx); err != nil {
			return err
		}
		for i, op := range plan.Operators {
			id, err := insertOrganisation(ctx, tx, org.Input{Kind: access.OrgOperator, Name: op.Name,
				CommuneCode: op.CommuneCode, Email: op.Email, Phone: op.Phone}, "")
			if err != nil {
				return fmt.Errorf("operator %q: %w", op.Name, err)
			}
			ops[i] = id
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResOrganisation),
			Details: map[string]any{"operators": len(ops), "seed": opts.Seed}})
	})
	if err != nil {
		return Summary{}, err
	}
	for start := 0; start < len(plan.Structures); start += opts.Batch {
		batch := plan.Structures[start:min(start+opts.Batch, len(plan.Structures))]
		err := d.Write(ctx, func(tx *db.Tx) error {
			offers := 0
			for _, s := range batch {
				if err := insertStructure(ctx, tx, s, ops); err != nil {
					return fmt.Errorf("structure %q: %w", s.Entry.Name, err)
				}
				offers += len(s.Offers)
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResStructure),
				Details: map[string]any{"structures": len(batch), "offers": offers, "seed": opts.Seed}})
		})
		if err != nil {
			return Summary{}, err
		}
		if opts.Progress != nil {
			opts.Progress(start + len(batch))
		}
	}
	return plan.Summarize(), nil
}

// refuseRealData fails when the database holds an organisation that is
// not marked fictional.
func refuseRealData(ctx context.Context, tx *db.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE fictional = FALSE`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return apperr.Errorf(apperr.Conflict, "La base contient %d organisation(s) réelle(s) : l'annuaire fictif ne s'écrit que dans une base vide "+
			"ou de démonstration (passerelle demo reset), jamais à côté de données réelles.", n)
	}
	return nil
}

// insertOrganisation checks an organisation with the organisation rules
// and stores it, fictional.
func insertOrganisation(ctx context.Context, tx *db.Tx, in org.Input, operatorID string) (string, error) {
	in, dep, err := org.Normalize(in)
	if err != nil {
		return "", err
	}
	var operator any
	if operatorID != "" {
		operator = operatorID
	}
	id := db.NewID()
	_, err = tx.ExecContext(ctx, `INSERT INTO organisations (id, kind, name, structure_type, operator_id,
		commune_code, departement, email, phone, active, fictional, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, TRUE, $10, $10)`,
		id, in.Kind, in.Name, in.StructureType, operator, in.CommuneCode, dep, in.Email, in.Phone, tx.Now)
	return id, err
}

func insertStructure(ctx context.Context, tx *db.Tx, s Structure, ops []string) error {
	e := s.Entry
	if s.Operator >= 0 {
		e.OperatorID = ops[s.Operator]
	}
	id, err := insertOrganisation(ctx, tx, org.Input{Kind: access.OrgStructure, Name: e.Name, StructureType: e.Type,
		CommuneCode: e.CommuneCode, Email: e.Email, Phone: e.Phone}, e.OperatorID)
	if err != nil {
		return err
	}
	var checked time.Time
	if s.CheckedDaysAgo >= 0 {
		checked = tx.Now.AddDate(0, 0, -s.CheckedDaysAgo)
	}
	return directory.Seed(ctx, tx, id, e, s.Offers, s.Contacts, checked)
}
