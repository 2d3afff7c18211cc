package capacity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Cell counts places of a structure type in one week. Available, Reserved
// and Stale are free places (fresh and open to all, reserved by an
// agreement, or not confirmed in time); Held are places under a hold not
// yet confirmed, Booked those confirmed.
type Cell struct {
	Available, Reserved, Held, Booked, Stale int
}

func (c *Cell) add(o Cell) {
	c.Available += o.Available
	c.Reserved += o.Reserved
	c.Held += o.Held
	c.Booked += o.Booked
	c.Stale += o.Stale
}

// TerritoryRow is one structure type across the weeks.
type TerritoryRow struct {
	Type  string // org.StructureTypes code
	Weeks []Cell
}

// Territory is a département's board: structure types by week.
type Territory struct {
	Departement string
	Weeks       []Day // Mondays
	Rows        []TerritoryRow
	Total       TerritoryRow
}

// MaxWeeks bounds the territory view.
const MaxWeeks = 26

// Territory returns the board of a département over weeks weeks from the
// week holding start (default: this week).
func (s *Service) Territory(ctx context.Context, dep string, start Day, weeks int) (Territory, error) {
	if _, ok := geo.DepartementByCode(dep); !ok {
		return Territory{}, &apperr.Error{Code: apperr.Invalid, Message: "Département inconnu.",
			Fields: map[string]string{"departement": "Département inconnu."}}
	}
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResCapacityBoard, Departement: dep}); err != nil {
		return Territory{}, err
	}
	now := s.now()
	if start == "" {
		start = DayOf(now)
	}
	if _, ok := ParseDay(string(start)); !ok {
		return Territory{}, &apperr.Error{Code: apperr.Invalid, Message: "Semaine invalide.",
			Fields: map[string]string{"semaine": "Date invalide."}}
	}
	if weeks <= 0 {
		weeks = 8
	}
	weeks = min(weeks, MaxWeeks)
	monday := start.AddDays(-((int(start.Time().Weekday()) + 6) % 7))
	t := Territory{Departement: dep}
	for i := range weeks {
		t.Weeks = append(t.Weeks, monday.AddDays(7*i))
	}
	end := monday.AddDays(7*weeks - 1)
	byType := map[string][]Cell{}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		settings, err := settingsFor(ctx, tx, dep)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT og.structure_type, a.kind, a.places, a.taken, a.starts_on, a.ends_on,
			a.confirmed_at, a.reserved_for IS NOT NULL,
			COALESCE((SELECT SUM(h.places) FROM capacity_holds h WHERE h.availability_id = a.id AND h.status = 'held'), 0)
			FROM availabilities a JOIN organisations og ON og.id = a.structure_id
			WHERE og.departement = $1 AND og.active = TRUE AND a.active = TRUE AND a.starts_on <= $2 AND a.ends_on >= $3`,
			dep, string(end), string(monday))
		if err != nil {
			return fmt.Errorf("territory: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var typ string
			var k Kind
			var places, taken, held int
			var from, to string
			var confirmed time.Time
			var reserved bool
			if err := rows.Scan(&typ, &k, &places, &taken, &from, &to, &confirmed, &reserved, &held); err != nil {
				return err
			}
			var c Cell
			free := max(places-taken, 0)
			switch {
			case settings.Stale(k, confirmed, now):
				c.Stale = free
			case reserved:
				c.Reserved = free
			default:
				c.Available = free
			}
			c.Held, c.Booked = held, taken-held
			cells := byType[typ]
			if cells == nil {
				cells = make([]Cell, weeks)
				byType[typ] = cells
			}
			for i, w := range t.Weeks {
				if Day(from) <= w.AddDays(6) && Day(to) >= w {
					cells[i].add(c)
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return Territory{}, err
	}
	t.Total = TerritoryRow{Weeks: make([]Cell, weeks)}
	for typ, cells := range byType {
		t.Rows = append(t.Rows, TerritoryRow{Type: typ, Weeks: cells})
		for i, c := range cells {
			t.Total.Weeks[i].add(c)
		}
	}
	slices.SortFunc(t.Rows, func(a, b TerritoryRow) int { return strings.Compare(a.Type, b.Type) })
	return t, nil
}

// AuditExport records an export of the territory's board.
func (s *Service) AuditExport(ctx context.Context, dep, format string) error {
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResCapacityBoard, Departement: dep}); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{Action: "capacity.export", ResourceType: string(access.ResCapacityBoard),
			ResourceID: dep, Details: map[string]any{"format": format}})
	})
}
