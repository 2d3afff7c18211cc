package surveys

import (
	"context"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// ResponseRates counts, over the campaigns whose deadline falls in the days
// [from, to] (YYYY-MM-DD, Paris time) and whose owner's département is in
// departements (nil: all), the target structures, those that submitted and
// those that submitted at or before the deadline. It is for the dashboards
// (aggregates of structures, never of children); the caller checks who may
// read them.
func ResponseRates(ctx context.Context, tx *db.Tx, departements []string, from, to string) (targets, submitted, onTime int, err error) {
	start, err1 := time.ParseInLocation(time.DateOnly, from, paris)
	end, err2 := time.ParseInLocation(time.DateOnly, to, paris)
	if err1 != nil || err2 != nil || end.Before(start) {
		return 0, 0, 0, apperr.New(apperr.Invalid, "Période invalide.")
	}
	if departements != nil && len(departements) == 0 {
		return 0, 0, 0, nil
	}
	var args db.Args
	q := `SELECT count(*),
		COALESCE(SUM(CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status = 'submitted' AND a.submitted_at <= c.deadline_at THEN 1 ELSE 0 END), 0)
		FROM survey_campaigns c JOIN survey_targets t ON t.campaign_id = c.id
		LEFT JOIN survey_answers a ON a.campaign_id = t.campaign_id AND a.structure_id = t.structure_id
		WHERE c.deadline_at >= ` + args.Add(start.UTC()) + ` AND c.deadline_at < ` + args.Add(end.AddDate(0, 0, 1).UTC())
	if departements != nil {
		q += ` AND c.departement IN (` + db.List(&args, departements) + `)`
	}
	err = tx.QueryRowContext(ctx, q, args.Values()...).Scan(&targets, &submitted, &onTime)
	return targets, submitted, onTime, err
}
