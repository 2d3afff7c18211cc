package pathway

import (
	"context"
	"fmt"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// ExportRow is a child as exports show them: by pseudonym, never by name,
// with what the territory's figures need.
type ExportRow struct {
	Pseudonym       string
	BirthYear       string
	Sex             string
	LivingKind      string
	LivingType      string // the structure type of the living place
	Measures        string // kinds of the measures in force, comma-separated
	NextEnd         string
	Notifications   string // orientation: status, of the notifications in force
	WithoutSolution bool
	CircleSize      int
}

// Export returns the children of the actor's ASE service, pseudonymised;
// the export is audited with how many rows it held. Only ASE referents
// export: they own the records.
func (s *Service) Export(ctx context.Context) ([]ExportRow, error) {
	a := access.ActorFrom(ctx)
	if !a.Has(access.RoleASEReferent) && !a.System {
		return nil, apperr.New(apperr.Forbidden, "L'export des dossiers est réservé aux référents ASE.")
	}
	var out []ExportRow
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		out = nil
		today := dayOf(tx.Now)
		cutoff := dayOf(tx.Now.Add(-s.withoutSolutionAfter()))
		var args db.Args
		t := args.Add(today)
		scope := access.ChildExportScope(a, "c.ase_id", &args)
		q := `SELECT c.id, c.pseudonym, substr(c.birth_date, 1, 4), c.sex, c.living_kind, COALESCE(ls.structure_type, ''),
			COALESCE((SELECT min(m.ends_on) FROM child_measures m WHERE m.child_id = c.id AND m.ends_on >= ` + t + `
				AND NOT EXISTS (SELECT 1 FROM child_measures n WHERE n.renews_id = m.id)), ''),
			(SELECT count(*) FROM child_circle m WHERE m.child_id = c.id AND m.status = 'active')
			FROM children c LEFT JOIN organisations ls ON ls.id = c.living_structure_id
			WHERE ` + scope + ` ORDER BY c.pseudonym`
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		index := map[string]int{}
		for rows.Next() {
			var id string
			var r ExportRow
			if err := rows.Scan(&id, &r.Pseudonym, &r.BirthYear, &r.Sex, &r.LivingKind, &r.LivingType, &r.NextEnd, &r.CircleSize); err != nil {
				rows.Close()
				return err
			}
			index[id] = len(out)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// The measures in force and the notifications of every child
		// exported, in one query each (same scope), not one per child.
		rows, err = tx.QueryContext(ctx, `SELECT m.child_id, m.kind FROM child_measures m JOIN children c ON c.id = m.child_id
			WHERE `+scope+` AND m.starts_on <= `+t+` AND m.ends_on >= `+t+` ORDER BY m.child_id, m.starts_on`, args.Values()...)
		if err != nil {
			return fmt.Errorf("export measures: %w", err)
		}
		for rows.Next() {
			var id, kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return err
			}
			if i, ok := index[id]; ok {
				out[i].Measures = strings.TrimPrefix(out[i].Measures+", "+kind, ", ")
			}
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, `SELECT n.child_id, n.orientation, n.status, n.starts_on, n.ends_on FROM child_notifications n
			JOIN children c ON c.id = n.child_id WHERE `+scope+` AND n.ends_on >= `+t+` ORDER BY n.child_id, n.starts_on`, args.Values()...)
		if err != nil {
			return fmt.Errorf("export notifications: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var n Notification
			if err := rows.Scan(&id, &n.Orientation, &n.Status, &n.From, &n.To); err != nil {
				return err
			}
			i, ok := index[id]
			if !ok {
				continue
			}
			out[i].Notifications = strings.TrimPrefix(out[i].Notifications+", "+n.Orientation+": "+n.Status, ", ")
			if WithoutSolution(n, today, cutoff) {
				out[i].WithoutSolution = true
			}
		}
		return rows.Err()
	}, func() audit.Entry {
		return audit.Entry{Action: "child.export", ResourceType: string(access.ResChild),
			Details: map[string]any{"rows": len(out), "pseudonymised": true}}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
