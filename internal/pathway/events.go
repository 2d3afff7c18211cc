package pathway

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Events a structure declares about a child: each goes into the timeline
// and is told to the circle; an end of care and repeated events alert the
// referent before a rupture.

// EventKinds are the events a structure declares.
var EventKinds = []Code{{"running_away", "Fugue"}, {"hospitalisation", "Hospitalisation"},
	{"exclusion", "Exclusion"}, {"end_of_care", "Fin de prise en charge"}, {"crisis", "Crise"}, {"incident", "Incident"}}

// RepeatedEvents is how many declared events within RepeatedWindow alert
// the referent.
const (
	RepeatedEvents = 3
	RepeatedWindow = 30 * 24 * time.Hour
)

// EventInput is a declared event; errors by field: kind, day, text.
type EventInput struct {
	Kind, Day, Text string
}

// NormalizeEvent checks a declared event; today is the default day and
// the latest one.
func NormalizeEvent(in EventInput, today string) (EventInput, error) {
	var v apperr.Validation
	in.Kind, in.Text = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Text)
	v.Check(known(EventKinds, in.Kind), "kind", "Choisissez ce qui est arrivé.")
	if strings.TrimSpace(in.Day) == "" {
		in.Day = today
	} else {
		in.Day = day(&v, "day", in.Day, "")
	}
	v.Check(v.Has("day") || in.Day <= today, "day", "Un événement se déclare une fois arrivé : la date est dans le futur.")
	v.Check(in.Text != "", "text", "Dites en quelques mots ce qui s'est passé.")
	checkLen(&v, "text", in.Text, maxNote)
	return in, v.ErrSaying("L'événement n'a pas été déclaré : corrigez les champs signalés.")
}

// DeclareEvent records an event about the child in the timeline (read by
// the professionals of the circle), tells the circle, and alerts the
// referent of an end of care or of repeated events.
func (s *Service) DeclareEvent(ctx context.Context, childID string, in EventInput) error {
	return s.change(ctx, childID, access.SecNotes, "child.event.declare", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		var err error
		if in, err = NormalizeEvent(in, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		a := access.ActorFrom(ctx)
		label := Label(EventKinds, in.Kind)
		if err := event(ctx, tx, childID, "event:"+in.Kind, access.SecNotes, label+" le "+DayLabel(in.Day), in.Text); err != nil {
			return nil, err
		}
		if err := tellCircle(ctx, tx, f, childID, "child.event", "Événement : "+strings.ToLower(label),
			actorName(a)+" déclare : "+strings.ToLower(label)+" le "+DayLabel(in.Day)+".", "/enfants/"+childID+"#fil"); err != nil {
			return nil, err
		}
		if in.Kind == "end_of_care" {
			if err := tellReferent(ctx, tx, f, childID, "child.rupture", "Risque de rupture : fin de prise en charge",
				actorName(a)+" déclare la fin de la prise en charge au "+DayLabel(in.Day)+" : quelle suite pour l'enfant ?"); err != nil {
				return nil, err
			}
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM child_events WHERE child_id = $1 AND kind LIKE 'event:%' AND at >= $2`,
			childID, tx.Now.Add(-RepeatedWindow)).Scan(&recent); err != nil {
			return nil, err
		}
		if recent == RepeatedEvents {
			if err := tellReferent(ctx, tx, f, childID, "child.rupture", "Risque de rupture : événements répétés",
				fmt.Sprintf("%d événements déclarés en trente jours pour un enfant que vous suivez.", recent)); err != nil {
				return nil, err
			}
		}
		return map[string]any{"kind": in.Kind}, nil
	})
}

// Waiting is a child without solution as the referent sees it.
type Waiting struct {
	Child       Child
	Orientation string
	Since       string
	Days        int
	WaitingAt   string
}

// WithoutSolutionList returns the children of the actor's ASE services
// whose notification has waited past the delay without an admission,
// longest first; reading it is audited.
func (s *Service) WithoutSolutionList(ctx context.Context) ([]Waiting, error) {
	a := access.ActorFrom(ctx)
	if !a.Has(access.RoleASEReferent) && !a.System {
		return nil, apperr.New(apperr.Forbidden, "La liste des enfants sans solution est celle des référents ASE.")
	}
	var out []Waiting
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		out = nil
		var args db.Args
		today := args.Add(dayOf(tx.Now))
		cutoff := args.Add(dayOf(tx.Now.Add(-s.withoutSolutionAfter())))
		rows, err := tx.QueryContext(ctx, `SELECT `+childCols+`, n.orientation, n.starts_on, n.waiting_at`+childFrom+`
			JOIN child_notifications n ON n.child_id = c.id
			WHERE `+access.ChildExportScope(a, "c.ase_id", &args)+` AND n.status IN ('notified', 'waiting')
			AND n.starts_on <= `+cutoff+` AND n.ends_on >= `+today+` ORDER BY n.starts_on, c.search_name LIMIT 500`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w Waiting
			if w.Child, err = scanChild(rows, &w.Orientation, &w.Since, &w.WaitingAt); err != nil {
				return err
			}
			if t, err := time.Parse(time.DateOnly, w.Since); err == nil {
				w.Days = int(tx.Now.Sub(t).Hours() / 24)
			}
			out = append(out, w)
		}
		return rows.Err()
	}, func() audit.Entry {
		return audit.Entry{Action: "child.without_solution.list", ResourceType: string(access.ResChild), Details: map[string]any{"shown": len(out)}}
	})
	return out, err
}

// WaitingCount is the steering's figure for one orientation: how many
// children wait and for how long, never who.
type WaitingCount struct {
	Orientation  string
	Children     int
	MedianDays   int
	LongestDays  int
	Over6Months  int
	Over12Months int
}

// WithoutSolutionCounts returns, for a département's steering, the
// children without solution by orientation; no child is named.
func (s *Service) WithoutSolutionCounts(ctx context.Context, dep string) ([]WaitingCount, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResChildReport, Departement: dep}); err != nil {
		return nil, err
	}
	by := map[string][]int{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT n.orientation, min(n.starts_on) FROM child_notifications n JOIN children c ON c.id = n.child_id
			WHERE c.departement = $1 AND n.status IN ('notified', 'waiting') AND n.starts_on <= $2 AND n.ends_on >= $3
			GROUP BY n.child_id, n.orientation`, dep, dayOf(tx.Now.Add(-s.withoutSolutionAfter())), dayOf(tx.Now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o, since string
			if err := rows.Scan(&o, &since); err != nil {
				return err
			}
			t, _ := time.Parse(time.DateOnly, since)
			by[o] = append(by[o], int(tx.Now.Sub(t).Hours()/24))
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	var out []WaitingCount
	for o, days := range by {
		sort.Ints(days)
		c := WaitingCount{Orientation: o, Children: len(days), MedianDays: days[len(days)/2], LongestDays: days[len(days)-1]}
		for _, d := range days {
			if d >= 182 {
				c.Over6Months++
			}
			if d >= 365 {
				c.Over12Months++
			}
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b WaitingCount) int { return b.Children - a.Children })
	return out, nil
}
