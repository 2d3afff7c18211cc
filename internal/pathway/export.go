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
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		today := dayOf(tx.Now)
		cutoff := dayOf(tx.Now.Add(-s.withoutSolutionAfter()))
		var args db.Args
		t := args.Add(today)
		q := `SELECT c.id, c.pseudonym, substr(c.birth_date, 1, 4), c.sex, c.living_kind, COALESCE(ls.structure_type, ''),
			COALESCE((SELECT min(m.ends_on) FROM child_measures m WHERE m.child_id = c.id AND m.ends_on >= ` + t + `
				AND NOT EXISTS (SELECT 1 FROM child_measures n WHERE n.renews_id = m.id)), ''),
			(SELECT count(*) FROM child_circle m WHERE m.child_id = c.id AND m.status = 'active')
			FROM children c LEFT JOIN organisations ls ON ls.id = c.living_structure_id
			WHERE ` + access.ChildExportScope(a, "c.ase_id", &args) + ` ORDER BY c.pseudonym`
		rows, err := tx.QueryContext(ctx, q, args.Values()...)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			var r ExportRow
			if err := rows.Scan(&id, &r.Pseudonym, &r.BirthYear, &r.Sex, &r.LivingKind, &r.LivingType, &r.NextEnd, &r.CircleSize); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, id := range ids {
			kinds, err := strings1(ctx, tx, `SELECT kind FROM child_measures WHERE child_id = $1 AND starts_on <= $2 AND ends_on >= $2
				ORDER BY starts_on`, id, today)
			if err != nil {
				return err
			}
			out[i].Measures = strings.Join(kinds, ", ")
			nrows, err := tx.QueryContext(ctx, `SELECT orientation, status, starts_on, ends_on FROM child_notifications
				WHERE child_id = $1 AND ends_on >= $2 ORDER BY starts_on`, id, today)
			if err != nil {
				return err
			}
			var parts []string
			for nrows.Next() {
				var n Notification
				if err := nrows.Scan(&n.Orientation, &n.Status, &n.From, &n.To); err != nil {
					nrows.Close()
					return err
				}
				parts = append(parts, n.Orientation+": "+n.Status)
				if WithoutSolution(n, today, cutoff) {
					out[i].WithoutSolution = true
				}
			}
			nrows.Close()
			out[i].Notifications = strings.Join(parts, ", ")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "child.export", ResourceType: string(access.ResChild),
			Details: map[string]any{"rows": len(out), "pseudonymised": true}})
	})
	return out, err
}
