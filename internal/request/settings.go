package request

import (
	"context"
	"fmt"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// MaxDeadlineHours bounds a territory's deadline and escalation steps: 90
// days, beyond which a request has long expired.
const MaxDeadlineHours = 90 * 24

// TimingSetting is the timing of one kind in a territory: its own, or the
// default when the territory has not set one.
type TimingSetting struct {
	Kind    Kind
	Label   string
	Timing  Timing
	Default bool
}

// NormalizeTiming checks a territory's timing; errors are keyed by the
// API's fields: deadline_hours, remind_before_hours, director_after_hours,
// steering_after_hours. The table counts in whole hours.
func NormalizeTiming(t Timing) (Timing, error) {
	var v apperr.Validation
	whole := func(d time.Duration, field string) bool {
		ok := d%time.Hour == 0
		v.Check(ok, field, "Indiquez un nombre entier d'heures.")
		return ok
	}
	limit := time.Duration(MaxDeadlineHours) * time.Hour
	deadline := whole(t.Deadline, "deadline_hours") && t.Deadline >= time.Hour && t.Deadline <= limit
	v.Check(deadline, "deadline_hours", fmt.Sprintf("Le délai de réponse va de 1 à %d heures (90 jours).", MaxDeadlineHours))
	if whole(t.RemindBefore, "remind_before_hours") {
		v.Check(t.RemindBefore >= 0, "remind_before_hours", "La relance ne peut pas être négative.")
		// Compared with a valid deadline only: one mistake, one message.
		v.Check(!deadline || t.RemindBefore < t.Deadline, "remind_before_hours",
			"La relance part avant l'échéance : moins d'heures que le délai de réponse.")
	}
	if whole(t.DirectorAfter, "director_after_hours") {
		v.Check(t.DirectorAfter >= 0 && t.DirectorAfter <= limit, "director_after_hours",
			fmt.Sprintf("De 0 à %d heures après l'échéance.", MaxDeadlineHours))
	}
	if whole(t.SteeringAfter, "steering_after_hours") {
		v.Check(t.SteeringAfter >= 0 && t.SteeringAfter <= limit, "steering_after_hours", fmt.Sprintf("De 0 à %d heures après l'échéance.", MaxDeadlineHours))
		v.Check(t.SteeringAfter >= t.DirectorAfter, "steering_after_hours",
			"Le pilotage est prévenu après la direction de la structure, pas avant.")
	}
	return t, v.ErrSaying("Les délais n'ont pas été enregistrés : corrigez les champs signalés.")
}

// settingsResource is a territory's settings as the policy sees them: the
// capacity board's rules (read by its administrators, ASE referents and
// steering; set by its administrators and steering).
func settingsResource(dep string) access.Resource {
	return access.Resource{Type: access.ResCapacityBoard, Departement: dep}
}

// Settings returns the timing of each kind in département dep, in the
// order of Kinds.
func (s *Service) Settings(ctx context.Context, dep string) ([]TimingSetting, error) {
	if err := access.Check(ctx, access.ActionView, settingsResource(dep)); err != nil {
		return nil, err
	}
	var own timings
	err := s.DB.Read(ctx, func(tx *db.Tx) (err error) {
		own, err = ownTimings(ctx, tx, dep)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]TimingSetting, 0, len(Kinds))
	for _, info := range Kinds {
		_, set := own[timingKey{dep, info.Kind}]
		out = append(out, TimingSetting{Kind: info.Kind, Label: info.Label, Timing: own.of(dep, info.Kind), Default: !set})
	}
	return out, nil
}

type timingKey struct {
	dep  string
	kind Kind
}

// timings are the timings territories set, by département and kind.
type timings map[timingKey]Timing

// of returns the timing of kind k in département dep, or the default.
func (own timings) of(dep string, k Kind) Timing {
	if t, ok := own[timingKey{dep, k}]; ok {
		return t
	}
	return DefaultTiming(k)
}

// ownTimings reads the timings the territories set: those of département
// dep, or all of them when dep is empty.
func ownTimings(ctx context.Context, tx *db.Tx, dep string) (timings, error) {
	q, args := `SELECT departement, kind, deadline_hours, remind_before_hours, director_after_hours, steering_after_hours
		FROM request_settings`, []any{}
	if dep != "" {
		q, args = q+` WHERE departement = $1`, append(args, dep)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("request settings: %w", err)
	}
	defer rows.Close()
	own := timings{}
	for rows.Next() {
		var d, k string
		var deadline, remind, director, steering int
		if err := rows.Scan(&d, &k, &deadline, &remind, &director, &steering); err != nil {
			return nil, err
		}
		own[timingKey{d, Kind(k)}] = Timing{Deadline: hours(deadline), RemindBefore: hours(remind),
			DirectorAfter: hours(director), SteeringAfter: hours(steering)}
	}
	return own, rows.Err()
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }

// SetTiming sets the timing of kind k in département dep; the requests
// sent afterwards follow it.
func (s *Service) SetTiming(ctx context.Context, dep string, k Kind, t Timing) error {
	if err := access.Check(ctx, access.ActionUpdate, settingsResource(dep)); err != nil {
		return err
	}
	var v apperr.Validation
	_, known := geo.DepartementByCode(dep)
	v.Check(known, "departement", "Département inconnu.")
	_, ok := KindOf(k)
	v.Check(ok, "kind", "Choisissez le type de demande.")
	t, err := NormalizeTiming(t)
	if e, bad := apperr.As(err); bad {
		for f, m := range e.Fields {
			v.Add(f, m)
		}
	} else if err != nil {
		return err
	}
	if err := v.ErrSaying("Les délais n'ont pas été enregistrés : corrigez les champs signalés."); err != nil {
		return err
	}
	h := func(d time.Duration) int { return int(d / time.Hour) }
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_settings (departement, kind, deadline_hours, remind_before_hours,
			director_after_hours, steering_after_hours) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (departement, kind) DO UPDATE SET deadline_hours = excluded.deadline_hours,
			remind_before_hours = excluded.remind_before_hours, director_after_hours = excluded.director_after_hours,
			steering_after_hours = excluded.steering_after_hours`,
			dep, string(k), h(t.Deadline), h(t.RemindBefore), h(t.DirectorAfter), h(t.SteeringAfter)); err != nil {
			return fmt.Errorf("save request settings: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "request.settings", ResourceType: string(access.ResCapacityBoard),
			ResourceID: dep, Details: map[string]any{"kind": k, "deadline_hours": h(t.Deadline),
				"remind_before_hours": h(t.RemindBefore), "director_after_hours": h(t.DirectorAfter),
				"steering_after_hours": h(t.SteeringAfter)}})
	})
}
