package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/indicators"
	"passerelle/internal/request"
)

// indicatorsResetTables are the tables Reset empties for the dashboards'
// history, children before parents. The history itself goes in tables
// resetTables already empties (requests, holds, declarations, events);
// the pre-aggregated figures refer to nothing but are the demo's too.
var indicatorsResetTables = []string{"indicator_facts", "indicator_state"}

// insertIndicatorsHistory writes a past year of activity for the demo
// territory, so that its dashboard has figures to show: about three
// hundred requests answered (or not) by the structures, past declarations
// of places with their monthly changes, respite stays and sequential
// receptions booked on them, rupture alerts on the demo children. It is
// drawn from a fixed seed, so every load gives the same figures, some of
// them under 5 so that the dashboard shows its secrecy; then the figures
// are computed.
func insertIndicatorsHistory(ctx context.Context, tx *db.Tx, ids map[string]string) error {
	h := history{ctx: ctx, tx: tx, ids: ids, rng: rand.New(rand.NewPCG(2026, 11)),
		today: time.Date(tx.Now.Year(), tx.Now.Month(), tx.Now.Day(), 0, 0, 0, 0, time.UTC)}
	for _, step := range []func() error{h.load, h.requests, h.declarations, h.alerts} {
		if err := step(); err != nil {
			return fmt.Errorf("demo history: %w", err)
		}
	}
	return indicators.RefreshTx(ctx, tx)
}

type history struct {
	ctx        context.Context
	tx         *db.Tx
	ids        map[string]string
	rng        *rand.Rand
	today      time.Time
	structures []histStructure
	children   []histChild
	sender     histStructure
}

type histStructure struct{ id, name, typ, offer string }
type histChild struct{ id, name, sex, birth string }

func (h *history) load() error {
	// Only structures without a demo account: the history stays out of
	// the inboxes, outboxes and hold lists the demo accounts work with.
	rows, err := h.tx.QueryContext(h.ctx, `SELECT o.id, o.name, o.structure_type, MIN(f.id) FROM organisations o
		JOIN offers f ON f.structure_id = o.id WHERE o.kind = 'structure' AND o.departement = $1
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = o.id)
		GROUP BY o.id, o.name, o.structure_type ORDER BY o.name`, Departement)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s histStructure
		if err := rows.Scan(&s.id, &s.name, &s.typ, &s.offer); err != nil {
			rows.Close()
			return err
		}
		h.structures = append(h.structures, s)
	}
	rows.Close()
	rows, err = h.tx.QueryContext(h.ctx, `SELECT id, first_name || ' ' || last_name, sex, birth_date FROM children
		WHERE departement = $1 ORDER BY pseudonym`, Departement)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c histChild
		if err := rows.Scan(&c.id, &c.name, &c.sex, &c.birth); err != nil {
			rows.Close()
			return err
		}
		h.children = append(h.children, c)
	}
	rows.Close()
	if len(h.structures) < 4 || len(h.children) == 0 {
		return fmt.Errorf("%d structures, %d children", len(h.structures), len(h.children))
	}
	// The first sends the requests and holds the places: no account of
	// the demo sees them in its lists.
	h.sender, h.structures = h.structures[0], h.structures[1:]
	return nil
}

// batch inserts rows into table by statements of up to 100 rows.
func (h *history) batch(table string, cols []string, rows [][]any) error {
	for start := 0; start < len(rows); start += 100 {
		var args db.Args
		var values []string
		for _, r := range rows[start:min(start+100, len(rows))] {
			ph := make([]string, len(r))
			for i, v := range r {
				ph[i] = args.Add(v)
			}
			values = append(values, "("+strings.Join(ph, ", ")+")")
		}
		if _, err := h.tx.ExecContext(h.ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `+
			strings.Join(values, ", "), args.Values()...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}

// pick draws an index by weights.
func (h *history) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := h.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// requests: 320 requests over the past year, each to one to three
// structures; each recipient accepts, refuses with a coded reason, or
// lets it expire, in a time drawn around the kind's deadline (some late).
func (h *history) requests() error {
	kindWeights := []int{35, 24, 10, 12, 10, 7, 2} // in the order of request.Kinds
	reasonWeights := []int{50, 12, 15, 6, 5, 8, 4}
	var reqs, recs [][]any
	for range 320 {
		info := request.Kinds[h.pick(kindWeights...)]
		sent := h.today.AddDate(0, 0, -(3 + h.rng.IntN(362))).Add(time.Duration(8+h.rng.IntN(10)) * time.Hour)
		id := db.NewID()
		// The history names no child: the children's records keep their own
		// requests only; age and sex are the figures' (drawn).
		age, sex := 0, ""
		if info.Child {
			age, sex = 3+h.rng.IntN(15), []string{"girl", "boy"}[h.rng.IntN(2)]
		}
		reqs = append(reqs, []any{id, string(info.Kind), h.sender.id, h.sender.name,
			nil, "Équipe de direction (démo)", Departement, nil, "", age, sex, "Demande de démonstration (historique).",
			"ended", sent.Add(-time.Hour), sent, sent.AddDate(0, 0, 20)})
		first := h.rng.IntN(len(h.structures))
		for k := range 1 + h.rng.IntN(3) {
			s := h.structures[(first+k*7)%len(h.structures)]
			deadline := sent.Add(info.Deadline)
			// Most answer well within the deadline, some after it.
			delay := time.Duration(h.rng.ExpFloat64() * float64(info.Deadline) * 0.35)
			answered := sent.Add(delay).Truncate(time.Minute)
			// Every status is final, so that the timing job leaves them be:
			// an acceptance the sender chose is confirmed, another closed.
			status, reason := "", ""
			switch h.pick(36, 44, 20) {
			case 0:
				status = "closed"
				if k == 0 {
					status = "confirmed"
				}
			case 1:
				status, reason = "refused", request.RefusalReasons[h.pick(reasonWeights...)].Code
			default:
				status = "expired"
			}
			var firstAt, decided any
			if status != "expired" {
				firstAt, decided = answered, answered
			}
			recs = append(recs, []any{id, s.id, s.name, status, deadline, firstAt, decided, reason})
		}
	}
	if err := h.batch("requests", []string{"id", "kind", "sender_org_id", "sender_org_name", "sender_account_id", "sender_name",
		"departement", "child_id", "child_name", "child_age", "child_sex", "need", "status", "created_at", "sent_at", "ended_at"}, reqs); err != nil {
		return err
	}
	return h.batch("request_recipients", []string{"request_id", "structure_id", "structure_name", "status", "deadline_at",
		"first_answer_at", "decided_at", "reason"}, recs)
}

// declarations: for a dozen structures, declarations of the past year
// (ended yesterday, so not on today's board) whose free places change
// every month, with the respite stays and sequential receptions booked on
// them.
func (h *history) declarations() error {
	start := h.today.AddDate(-1, 0, 0)
	end := h.today.AddDate(0, 0, -1)
	kinds := []string{"permanent", "emergency", "respite", "sequential", "relay"}
	var avs, hist, holds [][]any
	for i, s := range h.structures[:min(10, len(h.structures))] {
		kind := kinds[i%len(kinds)]
		id := db.NewID()
		places := 2 + h.rng.IntN(5)
		for m := 0; m < 12; m++ {
			at := start.AddDate(0, m, 3).Add(9 * time.Hour)
			event := "updated"
			if m == 0 {
				event = "declared"
			}
			taken := h.rng.IntN(places + 1)
			hist = append(hist, []any{db.NewID(), id, s.offer, s.id, Departement, kind, event, places, taken, at})
		}
		hist = append(hist, []any{db.NewID(), id, s.offer, s.id, Departement, kind, "withdrawn", places, 0, end.Add(20 * time.Hour)})
		stays := map[string]int{"respite": 14, "relay": 6, "sequential": 3}[kind]
		for range stays {
			from := start.AddDate(0, 0, h.rng.IntN(350))
			days := 1 + h.rng.IntN(5)
			if kind == "sequential" {
				days = 60 + h.rng.IntN(90)
			}
			to := from.AddDate(0, 0, days-1)
			if to.After(end) {
				to = end
			}
			created := from.AddDate(0, 0, -7)
			holds = append(holds, []any{db.NewID(), id, s.id, 1, "booked", "DEMO-HIST", h.sender.id, nil, "Équipe de direction (démo)",
				from.Format(time.DateOnly), to.Format(time.DateOnly), created.Add(48 * time.Hour), created, created.Add(time.Hour)})
		}
		// The stays are booked on the declaration, as the board does:
		// its taken places are theirs (the board's figures, month by
		// month, are in the history above).
		avs = append(avs, []any{id, s.offer, s.id, kind, max(places, stays), stays, start.Format(time.DateOnly), end.Format(time.DateOnly),
			start, false, start, end})
	}
	if err := h.batch("availabilities", []string{"id", "offer_id", "structure_id", "kind", "places", "taken", "starts_on", "ends_on",
		"confirmed_at", "active", "created_at", "updated_at"}, avs); err != nil {
		return err
	}
	if err := h.batch("capacity_history", []string{"id", "availability_id", "offer_id", "structure_id", "departement", "kind",
		"event", "places", "taken", "at"}, hist); err != nil {
		return err
	}
	return h.batch("capacity_holds", []string{"id", "availability_id", "structure_id", "places", "status", "request_ref",
		"holder_org_id", "holder_account_id", "holder_name", "starts_on", "ends_on", "expires_at", "created_at", "booked_at"}, holds)
}

// alerts: rupture alerts sent to the referent over the past year, on the
// demo children's records.
func (h *history) alerts() error {
	alerts := []struct{ section, title string }{
		{"measures", "Fin de mesure sans renouvellement"},
		{"notifications", "Notification MDPH bientôt échue"},
		{"notifications", "Enfant sans solution"},
		{"planning", "Planning : personne n'a l'enfant"},
		{"planning", "Planning : deux lieux en même temps"},
		{"project", "Révision du projet à préparer"},
	}
	var rows [][]any
	for range 46 {
		a := alerts[h.pick(10, 8, 4, 9, 3, 6)]
		c := h.children[h.rng.IntN(len(h.children))]
		at := h.today.AddDate(0, 0, -(5 + h.rng.IntN(355))).Add(6 * time.Hour)
		rows = append(rows, []any{db.NewID(), c.id, at, "alert", a.section, "Alerte envoyée au référent : " + a.title, "",
			"", "Passerelle (tâche automatique)", ""})
	}
	return h.batch("child_events", []string{"id", "child_id", "at", "kind", "section", "summary", "body", "actor_id",
		"actor_name", "organisation_id"}, rows)
}
