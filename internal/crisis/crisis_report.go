package crisis

import (
	"context"
	"sort"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// EndReport is what the report of a crisis prints: the crisis, its cell,
// its log, its broadcasts with their acknowledgement rates, and every
// structure's reports in order.
type EndReport struct {
	Crisis     Crisis
	Members    []Member
	Log        []Entry
	Broadcasts []BroadcastRate
	Statuses   []StructureStatuses
	// Silent are the structures of the territory that never reported.
	Silent []string
}

// StructureStatuses are one structure's reports, oldest first.
type StructureStatuses struct {
	StructureID, StructureName string
	Reports                    []Report
}

// Event is one line of a crisis's timeline.
type Event struct {
	At   time.Time
	Kind string // activation, note, decision, broadcast, end
	Text string
	By   string
}

// Timeline merges the activation, the log, the broadcasts sent and the
// end in the order they happened (the activation first and the end last
// on a tie).
func (r EndReport) Timeline() []Event {
	c := r.Crisis
	out := []Event{{At: c.StartedAt, Kind: "activation", Text: c.Description, By: c.ActivatedName}}
	for _, e := range r.Log {
		out = append(out, Event{At: e.At, Kind: e.Kind, Text: e.Body, By: e.AuthorName})
	}
	for _, b := range r.Broadcasts {
		out = append(out, Event{At: b.SentAt, Kind: "broadcast", Text: b.Subject})
	}
	if !c.Active() {
		out = append(out, Event{At: c.EndedAt, Kind: "end", Text: c.ClosingNote, By: c.EndedName})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return rank(out[i].Kind) < rank(out[j].Kind)
	})
	return out
}

func rank(kind string) int {
	switch kind {
	case "activation":
		return 0
	case "end":
		return 2
	}
	return 1
}

// Decisions returns the decisions of the log.
func (r EndReport) Decisions() []Entry {
	var out []Entry
	for _, e := range r.Log {
		if e.Kind == EntryDecision {
			out = append(out, e)
		}
	}
	return out
}

// groupStatuses groups reports ordered by structure into one list each.
func groupStatuses(reports []Report) []StructureStatuses {
	var out []StructureStatuses
	for _, r := range reports {
		if n := len(out); n == 0 || out[n-1].StructureID != r.StructureID {
			out = append(out, StructureStatuses{StructureID: r.StructureID, StructureName: r.StructureName})
		}
		out[len(out)-1].Reports = append(out[len(out)-1].Reports, r)
	}
	return out
}

// PrintReport reads a crisis's report for printing, and records the print
// in the audit log (same transaction).
func (s *Service) PrintReport(ctx context.Context, crisisID string) (EndReport, error) {
	var r EndReport
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := load(ctx, tx, crisisID)
		if err != nil {
			return err
		}
		if err := check(ctx, c, access.ActionExport, access.ResCrisis); err != nil {
			return err
		}
		r.Crisis = c
		if r.Members, err = members(ctx, tx, c.ID); err != nil {
			return err
		}
		if r.Log, err = readLog(ctx, tx, c); err != nil {
			return err
		}
		if r.Broadcasts, err = s.BroadcastRates(ctx, tx, c.ID); err != nil {
			return err
		}
		all, err := statuses(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		r.Statuses = groupStatuses(all)
		b, err := board(ctx, tx, c, tx.Now)
		if err != nil {
			return err
		}
		for _, l := range b.Lines {
			if l.Latest == nil {
				r.Silent = append(r.Silent, l.StructureName)
			}
		}
		sort.Strings(r.Silent)
		return audit.Record(ctx, tx, audit.Entry{Action: "crisis.report.print", ResourceType: string(access.ResCrisis), ResourceID: c.ID})
	})
	return r, err
}
