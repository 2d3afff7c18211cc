package capacity

import (
	"context"
	"fmt"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

const (
	settingStale = "stale_days."
	settingHold  = "hold_hours"
)

// settingsFor returns a département's settings over the defaults.
func settingsFor(ctx context.Context, tx *db.Tx, dep string) (Settings, error) {
	all, err := readSettings(ctx, tx, dep)
	if err != nil {
		return Settings{}, err
	}
	return all.of(dep), nil
}

// territorySettings are the settings of several départements.
type territorySettings map[string]Settings

func (t territorySettings) of(dep string) Settings {
	if s, ok := t[dep]; ok {
		return s
	}
	return DefaultSettings()
}

// readSettings reads the settings of the départements given, or of all
// when none is.
func readSettings(ctx context.Context, tx *db.Tx, deps ...string) (territorySettings, error) {
	var args db.Args
	q := `SELECT departement, name, value FROM capacity_settings`
	if len(deps) > 0 {
		q += ` WHERE departement IN (` + db.List(&args, deps) + `)`
	}
	rows, err := tx.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("capacity settings: %w", err)
	}
	defer rows.Close()
	out := territorySettings{}
	for rows.Next() {
		var dep, name string
		var value int
		if err := rows.Scan(&dep, &name, &value); err != nil {
			return nil, err
		}
		s, ok := out[dep]
		if !ok {
			s = DefaultSettings()
			out[dep] = s
		}
		if k, ok := strings.CutPrefix(name, settingStale); ok {
			s.StaleDays[Kind(k)] = value
		} else if name == settingHold {
			s.HoldHours = value
			out[dep] = s
		}
	}
	return out, rows.Err()
}

// Settings returns a département's freshness thresholds and hold duration.
func (s *Service) Settings(ctx context.Context, dep string) (Settings, error) {
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResCapacityBoard, Departement: dep}); err != nil {
		return Settings{}, err
	}
	var out Settings
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		out, err = settingsFor(ctx, tx, dep)
		return err
	})
	return out, err
}

// SaveSettings sets a département's thresholds and hold duration.
func (s *Service) SaveSettings(ctx context.Context, dep string, in Settings) error {
	if err := access.Check(ctx, access.ActionUpdate, access.Resource{Type: access.ResCapacityBoard, Departement: dep}); err != nil {
		return err
	}
	var v apperr.Validation
	for _, k := range Kinds {
		if d := in.StaleDays[k.Kind]; d < 1 || d > MaxStaleDays {
			v.Add("stale_days."+string(k.Kind), fmt.Sprintf("De 1 à %d jours.", MaxStaleDays))
		}
	}
	if in.HoldHours < 1 || in.HoldHours > MaxHoldHours {
		v.Add("hold_hours", fmt.Sprintf("De 1 à %d heures.", MaxHoldHours))
	}
	if err := v.ErrSaying("Les réglages n'ont pas été enregistrés : corrigez les champs signalés."); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		put := func(name string, value int) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO capacity_settings (departement, name, value, updated_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (departement, name) DO UPDATE SET value = excluded.value,
				updated_at = excluded.updated_at`, dep, name, value, tx.Now)
			return err
		}
		details := map[string]any{settingHold: in.HoldHours}
		for _, k := range Kinds {
			if err := put(settingStale+string(k.Kind), in.StaleDays[k.Kind]); err != nil {
				return fmt.Errorf("save settings: %w", err)
			}
			details[settingStale+string(k.Kind)] = in.StaleDays[k.Kind]
		}
		if err := put(settingHold, in.HoldHours); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "capacity.settings", ResourceType: string(access.ResCapacityBoard),
			ResourceID: dep, Details: details})
	})
}
