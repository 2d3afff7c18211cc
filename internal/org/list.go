package org

import (
	"context"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/db"
)

// Limits of a list page.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Filter selects organisations in List; zero fields select everything
// active. Limit defaults to DefaultLimit and is at most MaxLimit.
type Filter struct {
	Q               string // part of the name
	Kind            access.OrgKind
	Departement     string
	StructureType   string
	IncludeInactive bool
	Limit, Offset   int
}

// List returns one page of organisations ordered by name, and the number
// of organisations matching the filter on all pages. Every account may list
// organisations: the directory is shared by the whole territory.
//
// Q matches case-insensitively where the database can: PostgreSQL lower()
// folds every letter, SQLite's only ASCII ones, so on SQLite "étienne" does
// not find "Saint-Étienne" (typed as written, "Étienne" does). Accent-
// insensitive search comes with the directory's full-text index.
func (s *Service) List(ctx context.Context, f Filter) (orgs []Organisation, total int, err error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResOrganisation}); err != nil {
		return nil, 0, err
	}
	f.Limit = min(f.Limit, MaxLimit)
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Offset = max(f.Offset, 0)
	var args db.Args
	where := f.where(&args)
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations o WHERE `+where, args.Values()...).Scan(&total); err != nil {
			return err
		}
		q := `SELECT ` + columns + ` FROM organisations o WHERE ` + where +
			` ORDER BY o.name, o.id LIMIT ` + args.Add(f.Limit) + ` OFFSET ` + args.Add(f.Offset)
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scan(rows)
			if err != nil {
				return err
			}
			orgs = append(orgs, o)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return orgs, total, nil
}

// where returns the filter's SQL condition on organisations aliased "o".
func (f Filter) where(args *db.Args) string {
	conds := []string{"TRUE"}
	if !f.IncludeInactive {
		conds = append(conds, "o.active = TRUE")
	}
	if f.Kind != "" {
		conds = append(conds, "o.kind = "+args.Add(string(f.Kind)))
	}
	if f.Departement != "" {
		conds = append(conds, "o.departement = "+args.Add(strings.ToUpper(strings.TrimSpace(f.Departement))))
	}
	if f.StructureType != "" {
		conds = append(conds, "o.structure_type = "+args.Add(f.StructureType))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		// The second test finds, where lower() folds only ASCII, a name typed
		// with its own capitals and accents.
		conds = append(conds, `(lower(o.name) LIKE `+args.Add(db.Like(strings.ToLower(q)))+` ESCAPE '\'`+
			` OR o.name LIKE `+args.Add(db.Like(q))+` ESCAPE '\')`)
	}
	return strings.Join(conds, " AND ")
}
