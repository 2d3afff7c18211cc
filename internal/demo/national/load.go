package national

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/capacity"
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
	Board                                   BoardSummary
}

// Summarize counts what a plan holds.
func (p Plan) Summarize() Summary {
	s := Summary{Structures: len(p.Structures), Operators: len(p.Operators), Board: p.Board.Summarize()}
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
// marked fictional, DefaultBatch structures per transaction with their
// board (declarations, holds and history, in multi-row INSERTs). It
// refuses a database that holds real organisations (apperr.Conflict), so
// that invented structures never mix with a real directory.
func Load(ctx context.Context, d *db.DB, opts Options) (Summary, error) {
	if opts.Structures < 1 {
		return Summary{}, apperr.New(apperr.Invalid, "Indiquez un nombre de structures d'au moins 1.")
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	ctx = access.WithActor(ctx, access.SystemActor)
	plan := NewPlan(opts.Structures, opts.Seed)
	// One instant for the whole board, so that its ages agree across transactions.
	now := db.Now(d.Clock)
	ops := make([]string, len(plan.Operators))
	services := make([]string, len(plan.Board.Services))
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
		for i, svc := range plan.Board.Services {
			id, err := insertOrganisation(ctx, tx, org.Input{Kind: access.OrgASE, Name: svc.Name,
				CommuneCode: svc.CommuneCode, Email: svc.Email}, "")
			if err != nil {
				return fmt.Errorf("ASE service %q: %w", svc.Name, err)
			}
			services[i] = id
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResOrganisation),
			Details: map[string]any{"operators": len(ops), "ase_services": len(services), "seed": opts.Seed}})
	})
	if err != nil {
		return Summary{}, err
	}
	for start := 0; start < len(plan.Structures); start += opts.Batch {
		batch := plan.Structures[start:min(start+opts.Batch, len(plan.Structures))]
		err := d.Write(ctx, func(tx *db.Tx) error {
			offers := 0
			ids := make([]string, len(batch))
			for i, s := range batch {
				id, err := insertStructure(ctx, tx, s, ops)
				if err != nil {
					return fmt.Errorf("structure %q: %w", s.Entry.Name, err)
				}
				ids[i] = id
				offers += len(s.Offers)
			}
			n, err := insertBoard(ctx, tx, plan, start, ids, services, now)
			if err != nil {
				return fmt.Errorf("capacity board: %w", err)
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "bench_data.load", ResourceType: string(access.ResStructure),
				Details: map[string]any{"structures": len(batch), "offers": offers, "availabilities": n, "seed": opts.Seed}})
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

func insertStructure(ctx context.Context, tx *db.Tx, s Structure, ops []string) (string, error) {
	e := s.Entry
	if s.Operator >= 0 {
		e.OperatorID = ops[s.Operator]
	}
	id, err := insertOrganisation(ctx, tx, org.Input{Kind: access.OrgStructure, Name: e.Name, StructureType: e.Type,
		CommuneCode: e.CommuneCode, Email: e.Email, Phone: e.Phone}, e.OperatorID)
	if err != nil {
		return "", err
	}
	var checked time.Time
	if s.CheckedDaysAgo >= 0 {
		checked = tx.Now.AddDate(0, 0, -s.CheckedDaysAgo)
	}
	return id, directory.Seed(ctx, tx, id, e, s.Offers, s.Contacts, checked)
}

// insertBoard writes the declarations of the structures written in this
// transaction (the plan's from first, whose identifiers are structureIDs),
// with their holds and history, in multi-row INSERTs. Ages count back from
// now. It returns the number of declarations written.
func insertBoard(ctx context.Context, tx *db.Tx, p Plan, from int, structureIDs, services []string, now time.Time) (int, error) {
	b := p.Board
	lo, hi := b.DeclarationsOf(from, from+len(structureIDs))
	if lo == hi {
		return 0, nil
	}
	offers, err := offerIDs(ctx, tx, structureIDs)
	if err != nil {
		return 0, err
	}
	today := capacity.DayOf(now)
	date := func(days int, open bool) string {
		if open {
			return string(capacity.Forever)
		}
		return string(today.AddDays(days))
	}
	at := func(ago time.Duration) time.Time { return now.Add(-ago) }
	ids := make([]string, hi-lo)
	deps := make([]string, hi-lo)
	avail := newRows(ctx, tx, "availabilities", "id", "offer_id", "structure_id", "kind", "places", "taken", "starts_on",
		"ends_on", "weekdays", "profession", "conditions", "confirmed_at", "confirmed_by", "prompted_at", "active",
		"created_at", "updated_at")
	for i := lo; i < hi; i++ {
		a := b.Declarations[i]
		s := p.Structures[a.Structure]
		sid := structureIDs[a.Structure-from]
		list := offers[sid]
		if a.Offer >= len(list) || list[a.Offer].modality != s.Offers[a.Offer].Modality {
			return 0, fmt.Errorf("the offers of %s are not those planned", s.Entry.Name)
		}
		ids[i-lo], deps[i-lo] = db.NewID(), s.Departement()
		var prompted any
		if a.Prompted > 0 {
			prompted = at(a.Prompted)
		}
		if err := avail.add(ids[i-lo], list[a.Offer].id, sid, string(a.Kind), a.Places, a.Taken, date(a.From, false),
			date(a.To, a.Open), int(a.Weekdays), a.Profession, a.Conditions, at(a.Confirmed), "Direction (fictif)", prompted,
			a.Active, at(a.Created), at(a.Updated)); err != nil {
			return 0, err
		}
	}
	if err := avail.flush(); err != nil {
		return 0, err
	}
	holds := newRows(ctx, tx, "capacity_holds", "id", "availability_id", "structure_id", "places", "status", "request_ref",
		"holder_org_id", "holder_name", "starts_on", "ends_on", "expires_at", "created_at", "booked_at", "closed_at", "closed_by")
	hlo, hhi := b.HoldsOf(lo, hi)
	for _, h := range b.Holds[hlo:hhi] {
		a := b.Declarations[h.Declaration]
		var booked, closed any
		if h.Booked > 0 {
			booked = at(h.Booked)
		}
		closedBy := ""
		if h.Closed > 0 {
			closed, closedBy = at(h.Closed), "Référent ASE (fictif)"
			if h.Status == capacity.HoldExpired {
				closedBy = "Passerelle (expiration)"
			}
		}
		if err := holds.add(db.NewID(), ids[h.Declaration-lo], structureIDs[a.Structure-from], h.Places, string(h.Status),
			h.RequestRef, services[a.Service], "Référent ASE (fictif)", date(h.From, false), date(h.To, h.Open),
			at(h.Expires), at(h.Created), booked, closed, closedBy); err != nil {
			return 0, err
		}
	}
	if err := holds.flush(); err != nil {
		return 0, err
	}
	history := newRows(ctx, tx, "capacity_history", "id", "availability_id", "offer_id", "structure_id", "departement",
		"kind", "event", "places", "taken", "at")
	elo, ehi := b.EventsOf(lo, hi)
	for _, e := range b.History[elo:ehi] {
		a := b.Declarations[e.Declaration]
		sid := structureIDs[a.Structure-from]
		if err := history.add(db.NewID(), ids[e.Declaration-lo], offers[sid][a.Offer].id, sid, deps[e.Declaration-lo],
			string(a.Kind), e.Event, e.Places, e.Taken, at(e.At)); err != nil {
			return 0, err
		}
	}
	return hi - lo, history.flush()
}

type offerRow struct{ id, modality string }

// offerIDs returns the offers of the structures, each in the order Seed
// wrote them: identifiers are time-ordered.
func offerIDs(ctx context.Context, tx *db.Tx, structureIDs []string) (map[string][]offerRow, error) {
	var args db.Args
	rows, err := tx.QueryContext(ctx, `SELECT id, structure_id, modality FROM offers WHERE structure_id IN (`+
		db.List(&args, structureIDs)+`)`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("offers: %w", err)
	}
	defer rows.Close()
	out := map[string][]offerRow{}
	for rows.Next() {
		var o offerRow
		var sid string
		if err := rows.Scan(&o.id, &sid, &o.modality); err != nil {
			return nil, err
		}
		out[sid] = append(out[sid], o)
	}
	for _, list := range out {
		slices.SortFunc(list, func(a, b offerRow) int { return strings.Compare(a.id, b.id) })
	}
	return out, rows.Err()
}

// rowsPerInsert is how many rows one INSERT writes: the statement is
// prepared once per table and transaction and run for every full chunk,
// so that the database parses it once.
const rowsPerInsert = 500

// rowWriter writes rows of a table in multi-row INSERTs of rowsPerInsert
// rows (SQLite allows 32,766 parameters a statement, PostgreSQL 65,535).
type rowWriter struct {
	ctx   context.Context
	tx    *db.Tx
	head  string
	width int
	args  []any
	full  *sql.Stmt // the INSERT of rowsPerInsert rows, once prepared
}

func newRows(ctx context.Context, tx *db.Tx, table string, cols ...string) *rowWriter {
	return &rowWriter{ctx: ctx, tx: tx, width: len(cols),
		head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "}
}

func (w *rowWriter) add(values ...any) error {
	if len(values) != w.width {
		return fmt.Errorf("%s: %d values for %d columns", w.head, len(values), w.width)
	}
	w.args = append(w.args, values...)
	if len(w.args) < rowsPerInsert*w.width {
		return nil
	}
	if w.full == nil {
		st, err := w.tx.PrepareContext(w.ctx, w.insert(rowsPerInsert))
		if err != nil {
			return err
		}
		w.full = st
	}
	_, err := w.full.ExecContext(w.ctx, w.args...)
	w.args = w.args[:0]
	return err
}

// flush writes the rows left and releases the statement.
func (w *rowWriter) flush() error {
	var err error
	if len(w.args) > 0 {
		_, err = w.tx.ExecContext(w.ctx, w.insert(len(w.args)/w.width), w.args...)
		w.args = w.args[:0]
	}
	if w.full != nil {
		w.full.Close()
		w.full = nil
	}
	return err
}

// insert writes the INSERT of n rows. SQLite takes anonymous parameters:
// it looks each $N up in a list, and the driver each name among the
// values, which costs n² on long statements.
func (w *rowWriter) insert(n int) string {
	anonymous := w.tx.Dialect == db.SQLite
	var q strings.Builder
	q.Grow(len(w.head) + n*w.width*7)
	q.WriteString(w.head)
	for i := range n * w.width {
		switch {
		case i == 0:
			q.WriteString("(")
		case i%w.width == 0:
			q.WriteString("), (")
		default:
			q.WriteString(", ")
		}
		if anonymous {
			q.WriteString("?")
		} else {
			q.WriteString("$" + strconv.Itoa(i+1))
		}
	}
	q.WriteString(")")
	return q.String()
}
