package pathway

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Filter selects children in a list. The list holds only the children the
// actor is related to, whatever the filter says.
type Filter struct {
	Q      string // part of the name
	Mine   bool   // only the children whose referent is the actor
	Limit  int    // default 50, at most 200
	Offset int
}

// Item is a line of a list of children.
type Item struct {
	Child
	// Followed: the actor's ASE service owns the record, so the columns
	// below are filled (measures and notifications are theirs to see).
	Followed        bool
	NextEnd         string // the soonest end of a measure without renewal
	WithoutSolution bool
	Alerts          int // measures and notifications ending within 60 days without renewal
}

// List is a page of children and how many match on all pages.
type List struct {
	Items []Item
	Total int
}

// List returns the children the actor is related to, by name; reading a
// list is audited once, with how many children it showed.
func (s *Service) List(ctx context.Context, f Filter) (List, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResChild}); err != nil {
		return List{}, err
	}
	a := access.ActorFrom(ctx)
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	var out List
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		out = List{}
		today := dayOf(tx.Now)
		var args db.Args
		where := []string{access.ChildScope(a, "c.id", "c.ase_id", "c.living_carer_id", tx.Now, &args)}
		if q := geo.Fold(f.Q); q != "" {
			for _, w := range strings.Fields(q) {
				where = append(where, "c.search_name LIKE "+args.Add(db.Like(w))+` ESCAPE '\'`)
			}
		}
		if f.Mine {
			where = append(where, "c.referent_id = "+args.Add(a.AccountID))
		}
		cond := strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM children c WHERE `+cond, args.Values()...).Scan(&out.Total); err != nil {
			return fmt.Errorf("count children: %w", err)
		}
		t := args.Add(today)
		soon := args.Add(dayOf(tx.Now.AddDate(0, 0, 60)))
		cutoff := args.Add(dayOf(tx.Now.Add(-s.withoutSolutionAfter())))
		q := `SELECT ` + childCols + `,
			COALESCE((SELECT min(m.ends_on) FROM child_measures m WHERE m.child_id = c.id AND m.ends_on >= ` + t + `
				AND NOT EXISTS (SELECT 1 FROM child_measures n WHERE n.renews_id = m.id)), ''),
			(SELECT count(*) FROM child_measures m WHERE m.child_id = c.id AND m.ends_on >= ` + t + ` AND m.ends_on <= ` + soon + `
				AND NOT EXISTS (SELECT 1 FROM child_measures n WHERE n.renews_id = m.id))
			+ (SELECT count(*) FROM child_notifications n WHERE n.child_id = c.id AND n.ends_on >= ` + t + ` AND n.ends_on <= ` + soon + `),
			(SELECT count(*) FROM child_notifications n WHERE n.child_id = c.id AND n.status IN ('notified', 'waiting')
				AND n.starts_on <= ` + cutoff + ` AND n.ends_on >= ` + t + `)` +
			childFrom + ` WHERE ` + cond + ` ORDER BY c.search_name, c.id LIMIT ` + args.Add(f.Limit) + ` OFFSET ` + args.Add(f.Offset)
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return fmt.Errorf("list children: %w", err)
		}
		defer rows.Close()
		followed := a.OrgsWhere(access.RoleASEReferent)
		for rows.Next() {
			var it Item
			var without int
			if it.Child, err = scanChild(rows, &it.NextEnd, &it.Alerts, &without); err != nil {
				return err
			}
			it.Followed = slices.Contains(followed, it.ASEID) || a.System
			if it.Followed {
				it.WithoutSolution = without > 0
			} else {
				it.NextEnd, it.Alerts = "", 0
			}
			out.Items = append(out.Items, it)
		}
		return rows.Err()
	}, func() audit.Entry {
		return audit.Entry{Action: "child.list", ResourceType: string(access.ResChild),
			Details: map[string]any{"shown": len(out.Items), "total": out.Total, "search": f.Q != "", "mine": f.Mine}}
	})
	if err != nil {
		return List{}, err
	}
	return out, nil
}

// Count returns how many children the actor is related to (only those
// whose referent they are with mine), and how many of those have a
// notification waiting past the delay: figures for the home page, which
// name no child and so are not audited.
func (s *Service) Count(ctx context.Context, mine bool) (total, withoutSolution int, err error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResChild}); err != nil {
		return 0, 0, err
	}
	a := access.ActorFrom(ctx)
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		cond := access.ChildScope(a, "c.id", "c.ase_id", "c.living_carer_id", tx.Now, &args)
		if mine {
			cond += " AND c.referent_id = " + args.Add(a.AccountID)
		}
		t := args.Add(dayOf(tx.Now))
		cutoff := args.Add(dayOf(tx.Now.Add(-s.withoutSolutionAfter())))
		return tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN EXISTS (SELECT 1 FROM child_notifications n
			WHERE n.child_id = c.id AND n.status IN ('notified', 'waiting') AND n.starts_on <= `+cutoff+` AND n.ends_on >= `+t+`)
			THEN 1 ELSE 0 END), 0) FROM children c WHERE `+cond, args.Values()...).Scan(&total, &withoutSolution)
	})
	return total, withoutSolution, err
}
