package indicators

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Measures of the facts table (indicator_facts.measure) and their
// dimensions. Months are those of the event (UTC); snapshot measures,
// true at the time of computing, have the month ”.
const (
	mPlacesDeclared  = "places_declared"  // dim1 structure type, dim2 kind: places declared at the month's end
	mPlacesFree      = "places_free"      // same, minus those held or booked
	mDeclLive        = "decl_live"        // snapshot, dim1 kind: live declarations
	mDeclStale       = "decl_stale"       // snapshot, dim1 kind: those past their freshness threshold
	mReqOutcome      = "req_outcome"      // dim1 request kind, dim2 accepted|refused|other (per recipient)
	mReqTimeliness   = "req_timeliness"   // dim1 kind, dim2 on_time|late|none
	mReqRefusal      = "req_refusal"      // dim1 kind, dim2 refusal reason
	mReqFirstHours   = "req_first_hours"  // dim1 kind, dim2 bucket of hours to the first answer
	mReqDecideHours  = "req_decide_hours" // dim1 kind, dim2 bucket of hours to the decision
	mWithoutSolution = "without_solution" // snapshot, dim1 band: children waiting
	mAlerts          = "alerts"           // dim1 section, dim2 gap|conflict for planning alerts
	mRespiteDays     = "respite_days"     // dim1 kind (respite, relay): days × places booked in the month
	mSequential      = "sequential"       // booked sequential receptions running in the month
	mAgreements      = "agreements"       // snapshot, dim1 kind: agreements in force
	mStructures      = "structures"       // snapshot, dim1 structure type: active structures
	mContinuityOK    = "continuity_ok"    // snapshot, dim1 structure type: with a plan reviewed within a year
	mSurveyTargets   = "survey_targets"   // month of the campaign's deadline: structures asked
	mSurveySubmitted = "survey_submitted" // of which submitted
	mSurveyOnTime    = "survey_on_time"   // of which submitted by the deadline
)

// Bands of waiting of the children without solution.
const (
	band3to6   = "3-6"
	band6to12  = "6-12"
	bandOver12 = "12+"
)

// withoutSolutionAfter is how long a notification waits before its child
// counts as without solution: pathway's rule (alerts.go, list.go).
const withoutSolutionAfter = 90 * 24 * time.Hour

// Refresh recomputes the pre-aggregated figures (the job KindRefresh).
// The figures are computed in a read transaction, which on a national
// database takes a while but holds no write lock. They are written as a
// new generation of rows, a batch per short write transaction, while
// readers go on reading the published one; one small transaction then
// publishes the new generation, and the ones before the previous are
// deleted, a territory at a time. No write waits more than a batch.
func (s *Service) Refresh(ctx context.Context) error {
	start := time.Now()
	var facts map[factKey]int64
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		facts, err = computeFacts(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	return storeFacts(ctx, s.DB.Write, facts, start)
}

// RefreshIfEmpty refreshes when the figures were never computed (a new
// database, a demo just reset); it reports whether it did.
func (s *Service) RefreshIfEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := s.DB.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM indicator_state`).Scan(&n)
	}); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, s.Refresh(ctx)
}

// RefreshTx is Refresh inside the caller's transaction (the demo writes
// its territory and its figures at once).
func RefreshTx(ctx context.Context, tx *db.Tx) error {
	start := time.Now()
	facts, err := computeFacts(ctx, tx)
	if err != nil {
		return err
	}
	inTx := func(_ context.Context, fn func(*db.Tx) error) error { return fn(tx) }
	return storeFacts(ctx, inTx, facts, start)
}

// factKey is a row of indicator_facts but its figure.
type factKey struct{ departement, month, measure, dim1, dim2 string }

// computeFacts reads every measure by département, one set-based SELECT
// … GROUP BY over each source table, and adds the sums of each region and
// of the nation.
func computeFacts(ctx context.Context, tx *db.Tx) (map[factKey]int64, error) {
	r := refresher{ctx: ctx, tx: tx, months: window(tx.Now), today: string(capacity.DayOf(tx.Now)), facts: map[factKey]int64{}}
	for _, step := range []func() error{r.places, r.stale, r.requests, r.withoutSolution, r.alerts, r.holds,
		r.agreements, r.continuity, r.surveys} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	region := map[string]string{}
	for _, d := range geo.Departements() {
		region[d.Code] = regionKey(d.Region)
	}
	for k, n := range maps.Clone(r.facts) {
		nation := k
		nation.departement = nationKey
		r.facts[nation] += n
		if reg, ok := region[k.departement]; ok {
			k.departement = reg
			r.facts[k] += n
		}
	}
	return r.facts, nil
}

// factBatch is how many facts one INSERT writes (6 values each: far below
// both databases' limits on parameters); a write transaction writes
// batchesPerWrite of them.
const (
	factBatch       = 500
	batchesPerWrite = 4
)

// writer runs fn in a write transaction: the database's, or the caller's.
type writer func(ctx context.Context, fn func(*db.Tx) error) error

// storeFacts writes facts as a new generation and publishes it.
func storeFacts(ctx context.Context, write writer, facts map[factKey]int64, start time.Time) error {
	var gen int64
	if err := write(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_state (id, computed_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, tx.Now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `UPDATE indicator_state SET built = built + 1 WHERE id = 1 RETURNING built`).Scan(&gen)
	}); err != nil {
		return fmt.Errorf("indicators generation: %w", err)
	}
	keys := slices.SortedFunc(maps.Keys(facts), func(a, b factKey) int {
		return cmp.Or(cmp.Compare(a.departement, b.departement), cmp.Compare(a.month, b.month), cmp.Compare(a.measure, b.measure),
			cmp.Compare(a.dim1, b.dim1), cmp.Compare(a.dim2, b.dim2))
	})
	const perWrite = factBatch * batchesPerWrite
	for from := 0; from < len(keys); from += perWrite {
		part := keys[from:min(from+perWrite, len(keys))]
		if err := write(ctx, func(tx *db.Tx) error { return insertFacts(ctx, tx, gen, part, facts) }); err != nil {
			return fmt.Errorf("indicators write: %w", err)
		}
	}
	// Published only if no later refresh was published meanwhile.
	if err := write(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE indicator_state SET generation = $1, computed_at = $2, duration_ms = $3, facts = $4
			WHERE id = 1 AND generation < $1`, gen, tx.Now, time.Since(start).Milliseconds(), len(keys))
		return err
	}); err != nil {
		return fmt.Errorf("indicators publish: %w", err)
	}
	return dropOldFacts(ctx, write)
}

// insertFacts writes keys of generation gen, factBatch to an INSERT.
func insertFacts(ctx context.Context, tx *db.Tx, gen int64, keys []factKey, facts map[factKey]int64) error {
	for from := 0; from < len(keys); from += factBatch {
		var args db.Args
		rows := make([]string, 0, factBatch)
		for _, k := range keys[from:min(from+factBatch, len(keys))] {
			rows = append(rows, "("+args.Add(gen)+", "+args.Add(k.departement)+", "+args.Add(k.month)+", "+args.Add(k.measure)+", "+
				args.Add(k.dim1)+", "+args.Add(k.dim2)+", "+args.Add(facts[k])+")")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_facts (generation, departement, month, measure, dim1, dim2, n)
			VALUES `+strings.Join(rows, ", "), args.Values()...); err != nil {
			return err
		}
	}
	return nil
}

// dropOldFacts deletes the generations before the previous of the
// published one, a territory at a time. The previous one stays: a reader
// that read the generation just before it changed still finds its rows.
func dropOldFacts(ctx context.Context, write writer) error {
	type old struct {
		gen int64
		key string
	}
	var olds []old
	if err := write(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT f.generation, f.departement FROM indicator_facts f, indicator_state s
			WHERE s.id = 1 AND f.generation < s.generation - 1`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o old
			if err := rows.Scan(&o.gen, &o.key); err != nil {
				return err
			}
			olds = append(olds, o)
		}
		return rows.Err()
	}); err != nil {
		return fmt.Errorf("indicators old generations: %w", err)
	}
	for _, o := range olds {
		if err := write(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM indicator_facts WHERE generation = $1 AND departement = $2`, o.gen, o.key)
			return err
		}); err != nil {
			return fmt.Errorf("indicators old generations: %w", err)
		}
	}
	return nil
}

type refresher struct {
	ctx    context.Context
	tx     *db.Tx
	months []monthSpan
	today  string
	facts  map[factKey]int64
}

// exec runs one measure's query, written as an INSERT of facts … SELECT
// departement, month, measure, dim1, dim2, n: its SELECT is run and its
// rows kept (added up, should two queries give the same row); name says
// which in errors.
func (r refresher) exec(name, q string, args ...any) error {
	rows, err := r.tx.QueryContext(r.ctx, strings.TrimPrefix(q, factsInsert), args...)
	if err != nil {
		return fmt.Errorf("indicators %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k factKey
		var n int64
		if err := rows.Scan(&k.departement, &k.month, &k.measure, &k.dim1, &k.dim2, &n); err != nil {
			return fmt.Errorf("indicators %s: %w", name, err)
		}
		r.facts[k] += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("indicators %s: %w", name, err)
	}
	return nil
}

// factsInsert starts the measures' queries, written as an INSERT of facts
// … SELECT departement, month, measure, dim1, dim2, n; exec runs their
// SELECT.
const factsInsert = `INSERT INTO indicator_facts (departement, month, measure, dim1, dim2, n) `

// monthsCTE is "months(month, first_day, last_day) AS (VALUES …)" over the
// window, its values added to args.
func (r refresher) monthsCTE(args *db.Args) string {
	rows := make([]string, len(r.months))
	for i, m := range r.months {
		rows[i] = "(" + args.Add(m.Month) + ", " + args.Add(m.First) + ", " + args.Add(m.Last) + ")"
	}
	return "months(month, first_day, last_day) AS (VALUES " + strings.Join(rows, ", ") + ")"
}

func (r refresher) firstMonth() string { return r.months[0].Month }

// places: the declared and free places of each month's end, from the
// capacity history: for each declaration the last event at or before the
// month (LEAD gives the month of the next one), when its period meets the
// month and it was not withdrawn.
func (r refresher) places() error {
	var args db.Args
	d := r.tx.Dialect
	q := factsInsert + `WITH ` + r.monthsCTE(&args) + `, w(measure) AS (VALUES ('` + mPlacesDeclared + `'), ('` + mPlacesFree + `')),
		h AS (SELECT availability_id, structure_id, departement, kind, event, places, taken, ` + monthOf(d, "at") + ` AS month_at,
			LEAD(` + monthOf(d, "at") + `) OVER (PARTITION BY availability_id ORDER BY at, id) AS next_month
			FROM capacity_history)
		SELECT h.departement, m.month, w.measure, o.structure_type, h.kind,
			SUM(CASE WHEN w.measure = '` + mPlacesDeclared + `' THEN h.places ELSE h.places - h.taken END)
		FROM h JOIN months m ON h.month_at <= m.month AND (h.next_month IS NULL OR h.next_month > m.month)
		JOIN availabilities a ON a.id = h.availability_id AND a.starts_on <= m.last_day AND a.ends_on >= m.first_day
		JOIN organisations o ON o.id = h.structure_id
		CROSS JOIN w
		WHERE h.event <> 'withdrawn'
		GROUP BY h.departement, m.month, w.measure, o.structure_type, h.kind`
	return r.exec("places", q, args.Values()...)
}

// stale: the live declarations and those past their territory's
// freshness threshold (capacity's rule: confirmed longer ago than the
// kind's days, capacity_settings over the defaults).
func (r refresher) stale() error {
	settings, err := staleSettings(r.ctx, r.tx)
	if err != nil {
		return err
	}
	var args db.Args
	var conds, overridden []string
	for dep, kinds := range settings {
		for kind, days := range kinds {
			cutoff := r.tx.Now.Add(-time.Duration(days) * 24 * time.Hour)
			conds = append(conds, "(o.departement = "+args.Add(dep)+" AND a.kind = "+args.Add(kind)+" AND a.confirmed_at < "+args.Add(cutoff)+")")
			overridden = append(overridden, "(o.departement = "+args.Add(dep)+" AND a.kind = "+args.Add(kind)+")")
		}
	}
	notOverridden := "TRUE"
	if len(overridden) > 0 {
		notOverridden = "NOT (" + strings.Join(overridden, " OR ") + ")"
	}
	for _, k := range capacity.Kinds {
		cutoff := r.tx.Now.Add(-time.Duration(k.StaleDays) * 24 * time.Hour)
		conds = append(conds, "(a.kind = "+args.Add(string(k.Kind))+" AND a.confirmed_at < "+args.Add(cutoff)+" AND "+notOverridden+")")
	}
	today := args.Add(r.today)
	q := factsInsert + `SELECT o.departement, '', w.measure, a.kind, '',
			SUM(CASE WHEN w.measure = '` + mDeclLive + `' OR ` + strings.Join(conds, " OR ") + ` THEN 1 ELSE 0 END)
		FROM availabilities a JOIN organisations o ON o.id = a.structure_id
		CROSS JOIN (SELECT '` + mDeclLive + `' AS measure UNION ALL SELECT '` + mDeclStale + `') w
		WHERE a.active = TRUE AND a.ends_on >= ` + today + `
		GROUP BY o.departement, w.measure, a.kind`
	return r.exec("stale declarations", q, args.Values()...)
}

// staleSettings are the territories' freshness thresholds that differ
// from the defaults: département → kind → days.
func staleSettings(ctx context.Context, tx *db.Tx) (map[string]map[string]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT departement, name, value FROM capacity_settings WHERE name LIKE 'stale_days.%'`)
	if err != nil {
		return nil, fmt.Errorf("indicators capacity settings: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var dep, name string
		var days int
		if err := rows.Scan(&dep, &name, &days); err != nil {
			return nil, err
		}
		if out[dep] == nil {
			out[dep] = map[string]int{}
		}
		out[dep][strings.TrimPrefix(name, "stale_days.")] = days
	}
	return out, rows.Err()
}

// requests: for each recipient of a sent request (drafts and withdrawn
// ones aside, as request.ResponseTimes does), by the recipient
// structure's département and the month it was sent: its outcome, whether
// it was answered by the deadline, the refusal's reason, and the hours to
// the first answer and to the decision, by bucket.
func (r refresher) requests() error {
	d := r.tx.Dialect
	base := func(cols string) string {
		return `SELECT o.departement AS dep, ` + monthOf(d, "r.sent_at") + ` AS month, r.kind AS kind, ` + cols + `
			FROM request_recipients rr JOIN requests r ON r.id = rr.request_id JOIN organisations o ON o.id = rr.structure_id
			WHERE r.sent_at IS NOT NULL AND r.sent_at >= $1 AND rr.status NOT IN ('draft', 'withdrawn')`
	}
	since, _ := time.Parse("2006-01", r.firstMonth())
	steps := []struct{ name, measure, cols, where string }{
		// Accepted: accepted or confirmed, or closed after an acceptance
		// (the sender chose another structure that also accepted).
		{"request outcomes", mReqOutcome, `CASE WHEN rr.status IN ('accepted', 'confirmed') THEN 'accepted'
			WHEN rr.status = 'closed' AND rr.decided_at IS NOT NULL THEN 'accepted'
			WHEN rr.status = 'refused' THEN 'refused' ELSE 'other' END AS dim2`, ""},
		{"request timeliness", mReqTimeliness, `CASE WHEN rr.first_answer_at IS NULL THEN 'none'
			WHEN rr.deadline_at IS NULL OR rr.first_answer_at <= rr.deadline_at THEN 'on_time' ELSE 'late' END AS dim2`, ""},
		{"refusal reasons", mReqRefusal, `rr.reason AS dim2`, ` AND rr.status = 'refused'`},
		{"first answers", mReqFirstHours, `CAST(` + fmt.Sprintf(bucketCaseTmpl, hoursBetween(d, "r.sent_at", "rr.first_answer_at")) + ` AS TEXT) AS dim2`,
			` AND rr.first_answer_at IS NOT NULL`},
		{"decisions", mReqDecideHours, `CAST(` + fmt.Sprintf(bucketCaseTmpl, hoursBetween(d, "r.sent_at", "rr.decided_at")) + ` AS TEXT) AS dim2`,
			` AND rr.decided_at IS NOT NULL AND rr.status IN ('accepted', 'refused', 'confirmed', 'closed')`},
	}
	for _, st := range steps {
		q := factsInsert + `SELECT dep, month, '` + st.measure + `', kind, dim2, count(*) FROM (` + base(st.cols) + st.where + `) x
			GROUP BY dep, month, kind, dim2`
		if err := r.exec(st.name, q, since); err != nil {
			return err
		}
	}
	return nil
}

// withoutSolution: the children whose MDPH notification has waited for
// an admission (notified or waiting) for more than 90 days and is still
// valid, by how long their oldest such notification has waited.
func (r refresher) withoutSolution() error {
	now := r.tx.Now
	cutoff := now.Add(-withoutSolutionAfter).Format(time.DateOnly)
	sixMonths := now.AddDate(0, -6, 0).Format(time.DateOnly)
	year := now.AddDate(-1, 0, 0).Format(time.DateOnly)
	q := factsInsert + `SELECT c.departement, '', '` + mWithoutSolution + `',
			CASE WHEN x.since <= $3 THEN '` + bandOver12 + `' WHEN x.since <= $4 THEN '` + band6to12 + `' ELSE '` + band3to6 + `' END AS band, '', count(*)
		FROM (SELECT child_id, MIN(starts_on) AS since FROM child_notifications
			WHERE status IN ('notified', 'waiting') AND starts_on <= $1 AND ends_on >= $2 GROUP BY child_id) x
		JOIN children c ON c.id = x.child_id
		GROUP BY c.departement, band`
	// PostgreSQL groups by the output name "band" as well.
	return r.exec("children without solution", q, cutoff, now.Format(time.DateOnly), year, sixMonths)
}

// alerts: the rupture alerts sent to referents (child_events of kind
// alert), by the child's département, month and section; the planning
// ones say whether nobody has the child (gap) or two places have them at
// once (conflict), from the alert's title (pathway/planning.go).
func (r refresher) alerts() error {
	d := r.tx.Dialect
	since, _ := time.Parse("2006-01", r.firstMonth())
	q := factsInsert + `SELECT dep, month, '` + mAlerts + `', section, kind, count(*) FROM (
			SELECT c.departement AS dep, ` + monthOf(d, "e.at") + ` AS month, e.section AS section,
				CASE WHEN e.section <> 'planning' THEN '' WHEN e.summary LIKE '%personne n''a l''enfant%' THEN 'gap' ELSE 'conflict' END AS kind
			FROM child_events e JOIN children c ON c.id = e.child_id
			WHERE e.kind = 'alert' AND e.at >= $1) x
		GROUP BY dep, month, section, kind`
	return r.exec("alerts", q, since)
}

// holds: the days of respite and relay stays booked in each month
// (places × days of the stay within the month) and the sequential
// receptions booked and running in the month, by the providing
// structure's département.
func (r refresher) holds() error {
	d := r.tx.Dialect
	var args db.Args
	cte := r.monthsCTE(&args)
	start := `CASE WHEN h.starts_on > m.first_day THEN h.starts_on ELSE m.first_day END`
	end := `CASE WHEN h.ends_on < m.last_day THEN h.ends_on ELSE m.last_day END`
	q := factsInsert + `WITH ` + cte + ` SELECT o.departement, m.month,
			CASE WHEN a.kind = 'sequential' THEN '` + mSequential + `' ELSE '` + mRespiteDays + `' END AS measure,
			CASE WHEN a.kind = 'sequential' THEN '' ELSE a.kind END AS dim1, '',
			SUM(CASE WHEN a.kind = 'sequential' THEN 1 ELSE h.places * (` + daysBetween(d, start, end) + ` + 1) END)
		FROM capacity_holds h JOIN availabilities a ON a.id = h.availability_id
		JOIN organisations o ON o.id = h.structure_id
		JOIN months m ON h.starts_on <= m.last_day AND h.ends_on >= m.first_day
		WHERE h.status = 'booked' AND a.kind IN ('respite', 'relay', 'sequential')
		GROUP BY o.departement, m.month, measure, dim1`
	return r.exec("respite and sequential", q, args.Values()...)
}

// agreements: the agreements in force now, by kind (cooperation's
// CountsByKind counts status signed or in_force the same way).
func (r refresher) agreements() error {
	return r.exec("agreements", factsInsert+`SELECT departement, '', '`+mAgreements+`', kind, '', count(*)
		FROM agreements WHERE status IN ('signed', 'in_force') GROUP BY departement, kind`)
}

// continuity: the active structures, and those whose continuity plan was
// reviewed within a year, by type.
func (r refresher) continuity() error {
	yearAgo := r.tx.Now.AddDate(-1, 0, 0).Format(time.DateOnly)
	return r.exec("continuity plans", factsInsert+`SELECT o.departement, '', w.measure, o.structure_type, '',
			SUM(CASE WHEN w.measure = '`+mStructures+`' OR p.reviewed_on >= $1 THEN 1 ELSE 0 END)
		FROM organisations o LEFT JOIN continuity_plans p ON p.structure_id = o.id
		CROSS JOIN (SELECT '`+mStructures+`' AS measure UNION ALL SELECT '`+mContinuityOK+`') w
		WHERE o.kind = 'structure' AND o.active = TRUE
		GROUP BY o.departement, w.measure, o.structure_type`, yearAgo)
}

// surveys: the structures each campaign asked, by their département and
// the month of the campaign's deadline, those that submitted their answer
// and those that did by the deadline.
func (r refresher) surveys() error {
	d := r.tx.Dialect
	since, _ := time.Parse("2006-01", r.firstMonth())
	return r.exec("surveys", factsInsert+`SELECT t.departement, `+monthOf(d, "c.deadline_at")+`, w.measure, '', '',
			SUM(CASE WHEN w.measure = '`+mSurveyTargets+`' THEN 1
				WHEN a.status IS NULL OR a.status <> 'submitted' THEN 0
				WHEN w.measure = '`+mSurveySubmitted+`' OR a.submitted_at <= c.deadline_at THEN 1 ELSE 0 END)
		FROM survey_targets t JOIN survey_campaigns c ON c.id = t.campaign_id
		LEFT JOIN survey_answers a ON a.campaign_id = t.campaign_id AND a.structure_id = t.structure_id
		CROSS JOIN (SELECT '`+mSurveyTargets+`' AS measure UNION ALL SELECT '`+mSurveySubmitted+`' UNION ALL SELECT '`+mSurveyOnTime+`') w
		WHERE c.deadline_at >= $1
		GROUP BY t.departement, `+monthOf(d, "c.deadline_at")+`, w.measure`, since)
}
