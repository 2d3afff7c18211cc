package request

import (
	"context"
	"slices"
	"sort"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// Times is how a set of requests was answered.
type Times struct {
	Kind              Kind
	Received          int
	Answered          int           // a first answer (accepted, refused or a question)
	OnTime            int           // answered before the deadline
	FirstMedian       time.Duration // to the first answer
	FirstP90          time.Duration
	DecisionMedian    time.Duration // to the acceptance or refusal
	DecisionP90       time.Duration
	Refusals          map[string]int // by coded reason
	Accepted, Refused int
}

// OnTimeShare is the share of requests answered on time, in percent.
func (t Times) OnTimeShare() int {
	if t.Received == 0 {
		return 0
	}
	return t.OnTime * 100 / t.Received
}

// Quantile returns the q-quantile (0..1) of sorted durations, nearest rank.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Scope of the response times: one structure, or a territory.
type Scope struct {
	StructureID string
	Departement string
}

// ResponseTimes returns, by kind, how the requests sent since since to a
// structure (for its own people) or to a département's structures (for
// its steering) were answered.
func (s *Service) ResponseTimes(ctx context.Context, sc Scope, since time.Time) ([]Times, error) {
	a := access.ActorFrom(ctx)
	var args db.Args
	where := ""
	switch {
	case sc.StructureID != "" && (a.System || a.MemberOf(sc.StructureID) && !a.HasIn(access.RoleParent, sc.StructureID)):
		where = `rr.structure_id = ` + args.Add(sc.StructureID)
	case sc.Departement != "" && (a.System || access.Can(a, access.ActionView, access.Resource{Type: access.ResChildReport, Departement: sc.Departement})):
		where = `o.departement = ` + args.Add(sc.Departement)
	default:
		return nil, apperr.New(apperr.Forbidden, "Les délais de réponse se lisent par la structure elle-même et par le pilotage du territoire.")
	}
	by := map[Kind]*Times{}
	first := map[Kind][]time.Duration{}
	decision := map[Kind][]time.Duration{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT r.kind, r.sent_at, rr.status, rr.deadline_at, rr.first_answer_at, rr.decided_at, rr.reason
			FROM request_recipients rr JOIN requests r ON r.id = rr.request_id JOIN organisations o ON o.id = rr.structure_id
			WHERE `+where+` AND r.sent_at >= `+args.Add(since)+` AND rr.status NOT IN ('draft', 'withdrawn')`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, status, reason string
			var sent time.Time
			var deadline, answered, decided *time.Time
			if err := rows.Scan(&kind, &sent, &status, &deadline, &answered, &decided, &reason); err != nil {
				return err
			}
			k := Kind(kind)
			t := by[k]
			if t == nil {
				t = &Times{Kind: k, Refusals: map[string]int{}}
				by[k] = t
			}
			t.Received++
			if answered != nil {
				t.Answered++
				first[k] = append(first[k], answered.Sub(sent))
				if deadline == nil || !answered.After(*deadline) {
					t.OnTime++
				}
			}
			if decided != nil && (Status(status) == Accepted || Status(status) == Refused || Status(status) == Confirmed || Status(status) == Closed) {
				decision[k] = append(decision[k], decided.Sub(sent))
			}
			switch Status(status) {
			case Refused:
				t.Refused++
				t.Refusals[reason]++
			case Accepted, Confirmed:
				t.Accepted++
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var out []Times
	for _, info := range Kinds {
		t := by[info.Kind]
		if t == nil {
			continue
		}
		f, d := first[info.Kind], decision[info.Kind]
		slices.Sort(f)
		slices.Sort(d)
		t.FirstMedian, t.FirstP90 = Quantile(f, 0.5), Quantile(f, 0.9)
		t.DecisionMedian, t.DecisionP90 = Quantile(d, 0.5), Quantile(d, 0.9)
		out = append(out, *t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received > out[j].Received })
	return out, nil
}
