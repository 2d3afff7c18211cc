package indicators

import (
	"context"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// fact is one pre-aggregated figure of a territory.
type fact struct {
	month, dim1, dim2 string
	n                 int64
}

// facts are a territory's figures over a period, by measure.
type facts struct {
	by     map[string][]fact
	months []string // the period's months, oldest first
}

// sum adds the figures of measure whose dimensions match (a "" filter
// matches all) and whose month is m ("" : every month).
func (f facts) sum(measure, month, dim1, dim2 string) int64 {
	var n int64
	for _, x := range f.by[measure] {
		if (month == "" || x.month == month) && (dim1 == "" || x.dim1 == dim1) && (dim2 == "" || x.dim2 == dim2) {
			n += x.n
		}
	}
	return n
}

// dims lists the values of a dimension that have figures, in the order of
// known (codes not in known follow, in the order met).
func (f facts) dims(measure string, second bool, known []string) []string {
	seen := map[string]bool{}
	for _, x := range f.by[measure] {
		d := x.dim1
		if second {
			d = x.dim2
		}
		if x.n != 0 {
			seen[d] = true
		}
	}
	var out []string
	for _, k := range known {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	for _, x := range f.by[measure] {
		d := x.dim1
		if second {
			d = x.dim2
		}
		if seen[d] {
			out = append(out, d)
			delete(seen, d)
		}
	}
	return out
}

// Dashboard computes every indicator of a territory over a period, from
// the pre-aggregated figures, protected by statistical secrecy. The
// result may be shared with other callers (cache.go): read it, never
// change it.
func (s *Service) Dashboard(ctx context.Context, sc Scope, p Period) (Dashboard, error) {
	key, label, res, err := sc.check()
	if err != nil {
		return Dashboard{}, err
	}
	if err := access.Check(ctx, access.ActionView, res); err != nil {
		return Dashboard{}, err
	}
	p, months, err := normalizePeriod(p, db.Now(s.DB.Clock))
	if err != nil {
		return Dashboard{}, err
	}
	fresh, gen, err := s.fresh(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	ck := cacheKey{"dashboard", key, months[0], months[len(months)-1], gen}
	if v, ok := s.cache.get(ck); ok {
		return v.(Dashboard), nil
	}
	d := Dashboard{Scope: sc, Label: label, Period: p, FreshAt: fresh}
	f := facts{by: map[string][]fact{}, months: months}
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT measure, month, dim1, dim2, n FROM indicator_facts
			WHERE generation = $1 AND departement = $2 AND (month = '' OR (month >= $3 AND month <= $4))`, gen, key, months[0], months[len(months)-1])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			var x fact
			if err := rows.Scan(&m, &x.month, &x.dim1, &x.dim2, &x.n); err != nil {
				return err
			}
			f.by[m] = append(f.by[m], x)
		}
		return rows.Err()
	})
	if err != nil {
		return Dashboard{}, err
	}
	d.Indicators = build(f)
	d.Summary = summary(d.Indicators)
	s.cache.put(ck, d)
	return d, nil
}
