package pathway

import (
	"archive/zip"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/geo"
)

// ObservatoryRun is what an export of the observatory held.
type ObservatoryRun struct {
	Departement string
	At          time.Time
	Rows        map[string]int // by table
}

// ObservatoryDepartements are the départements whose export the actor may
// run: those they steer, every one for an administrator.
func ObservatoryDepartements(a access.Actor) []string {
	if a.IsAdmin() || a.System {
		var out []string
		for _, d := range geo.Departements() {
			out = append(out, d.Code)
		}
		return out
	}
	var out []string
	for _, dep := range access.SteeringDepartements(a) {
		if access.Can(a, access.ActionExport, access.Resource{Type: access.ResObservatory, Departement: dep}) {
			out = append(out, dep)
		}
	}
	slices.Sort(out)
	return out
}

// ObservatoryExport writes to w the pseudonymised longitudinal export of
// the children of département dep, for the departmental observatory: a
// ZIP of CSV files (ObservatoryTables) and variables.csv. Nothing in it
// names a child: a stable pseudonym, the month of birth, codes and dates,
// no id, no name, no address, no free text. Each table is read by one
// query whose rows are written as they come, so that a large département
// is never held in memory. Every run is audited with its row counts; a
// refused or failed run too. The audit line is committed before this
// returns: the caller hands the file out only on success.
func (s *Service) ObservatoryExport(ctx context.Context, dep string, w io.Writer) (ObservatoryRun, error) {
	a := access.ActorFrom(ctx)
	dep = strings.ToUpper(strings.TrimSpace(dep))
	run := ObservatoryRun{Departement: dep, Rows: map[string]int{}}
	var v apperr.Validation
	if dep == "" {
		v.Add("departement", "Choisissez le département à exporter.")
	} else if _, ok := geo.DepartementByCode(dep); !ok {
		v.Add("departement", "Ce département n'existe pas.")
	}
	if err := v.ErrSaying("L'export n'a pas été lancé : corrigez le département."); err != nil {
		return run, err
	}
	line := func(outcome string) audit.Entry {
		details := map[string]any{"departement": dep, "outcome": outcome, "pseudonymised": true}
		if outcome == "ok" {
			details["rows"] = run.Rows
		}
		return audit.Entry{Action: "observatory.export", ResourceType: string(access.ResObservatory), ResourceID: dep, Details: details}
	}
	if err := access.Check(ctx, access.ActionExport, access.Resource{Type: access.ResObservatory, Departement: dep}); err != nil {
		if !a.Authenticated() {
			return run, err
		}
		if aerr := s.audits.Record(ctx, s.DB, line("refused")); aerr != nil {
			return run, aerr
		}
		return run, apperr.New(apperr.Forbidden, "L'export pour l'observatoire est réservé au pilotage du département.")
	}
	mask, err := s.observatoryMask(ctx, dep)
	if err == nil {
		err = s.DB.Read(ctx, func(tx *db.Tx) error {
			run.At = tx.Now
			return writeObservatory(ctx, tx, dep, w, run.Rows, mask)
		})
	}
	if err != nil {
		// The failure is audited (without its error, which may quote data).
		if aerr := s.audits.Record(context.WithoutCancel(ctx), s.DB, line("failed")); aerr != nil {
			err = fmt.Errorf("%w (audit: %v)", err, aerr)
		}
		return run, fmt.Errorf("observatory export of %s: %w", dep, err)
	}
	return run, s.audits.Record(ctx, s.DB, line("ok"))
}

// writeObservatory writes the ZIP, one table after the other.
func writeObservatory(ctx context.Context, tx *db.Tx, dep string, w io.Writer, counts map[string]int, mask func(string) string) error {
	zw := zip.NewWriter(w)
	writers := map[string]func(context.Context, *db.Tx, string, rowWriter) error{
		"enfants": obsChildren, "mesures": obsMeasures, "notifications": obsNotifications, "cercle": obsCircle,
		"evenements": obsEvents(false), "demandes": obsRequests, "alertes": obsEvents(true),
	}
	file := func(name string, fill func(rowWriter) error, columns []string) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".csv", Method: zip.Deflate, Modified: tx.Now})
		if err != nil {
			return err
		}
		cw, err := export.NewCSVWriter(f, columns)
		if err != nil {
			return err
		}
		if err := fill(cw); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		counts[name] = cw.Rows()
		return cw.Close()
	}
	for _, t := range ObservatoryTables {
		write := writers[t.Name]
		if err := file(t.Name, func(cw rowWriter) error { return write(ctx, tx, dep, masked{cw, mask}) }, ObservatoryColumns(t.Name)); err != nil {
			return err
		}
	}
	if err := file("variables", func(cw rowWriter) error {
		for _, v := range ObservatoryVariables {
			if err := cw.Write(v.Name, v.Table, v.Type, v.Meaning); err != nil {
				return err
			}
		}
		return nil
	}, []string{"variable", "table", "type", "signification"}); err != nil {
		return err
	}
	delete(counts, "variables")
	return zw.Close()
}

// eachRow runs q and calls scan for each row, as the rows arrive.
func eachRow(ctx context.Context, tx *db.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func obsChildren(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
	return eachRow(ctx, tx, `SELECT c.pseudonym, c.birth_date, c.sex, c.living_kind,
		CASE WHEN c.living_kind = 'structure' THEN COALESCE(o.structure_type, '') ELSE '' END, c.created_at
		FROM children c LEFT JOIN organisations o ON o.id = c.living_structure_id
		WHERE c.departement = $1 ORDER BY c.pseudonym`, []any{dep}, func(rows *sql.Rows) error {
		var pseudo, birth, sex, living, livingType string
		var created time.Time
		if err := rows.Scan(&pseudo, &birth, &sex, &living, &livingType, &created); err != nil {
			return err
		}
		return cw.Write(pseudo, birthMonth(birth), sex, living, livingType, dayOf(created))
	})
}

// obsMeasures numbers each child's measures by start and links a renewal
// to the key of the measure it renews. A child's measures are buffered
// (a handful), never the département's.
func obsMeasures(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
	type measure struct{ pseudo, id, kind, decided, from, to, renews string }
	var child []measure
	flush := func() error {
		keys := map[string]string{}
		for i, m := range child {
			keys[m.id] = obsKey(m.pseudo, "M", i+1)
		}
		for _, m := range child {
			if err := cw.Write(m.pseudo, keys[m.id], m.kind, measureAuthority(m.kind), m.decided, m.from, openEnd(m.to), keys[m.renews]); err != nil {
				return err
			}
		}
		child = child[:0]
		return nil
	}
	err := eachRow(ctx, tx, `SELECT c.pseudonym, m.id, m.kind, m.decided_on, m.starts_on, m.ends_on, COALESCE(m.renews_id, '')
		FROM child_measures m JOIN children c ON c.id = m.child_id
		WHERE c.departement = $1 ORDER BY c.pseudonym, m.starts_on, m.created_at, m.id`, []any{dep}, func(rows *sql.Rows) error {
		var m measure
		if err := rows.Scan(&m.pseudo, &m.id, &m.kind, &m.decided, &m.from, &m.to, &m.renews); err != nil {
			return err
		}
		if len(child) > 0 && child[0].pseudo != m.pseudo {
			if err := flush(); err != nil {
				return err
			}
		}
		child = append(child, m)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// counter numbers the rows of each child: rows come ordered by pseudonym.
type counter struct {
	pseudo string
	n      int
}

func (c *counter) next(pseudo string) int {
	if pseudo != c.pseudo {
		c.pseudo, c.n = pseudo, 0
	}
	c.n++
	return c.n
}

func obsNotifications(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
	var rank counter
	return eachRow(ctx, tx, `SELECT c.pseudonym, n.orientation, n.modality, n.starts_on, n.ends_on, n.status, n.status_on,
		CASE WHEN n.status = 'admitted' THEN COALESCE(o.structure_type, '') ELSE '' END
		FROM child_notifications n JOIN children c ON c.id = n.child_id LEFT JOIN organisations o ON o.id = n.admitted_structure_id
		WHERE c.departement = $1 ORDER BY c.pseudonym, n.starts_on, n.created_at, n.id`, []any{dep}, func(rows *sql.Rows) error {
		var pseudo, orientation, modality, from, to, status, statusOn, admittedType string
		if err := rows.Scan(&pseudo, &orientation, &modality, &from, &to, &status, &statusOn, &admittedType); err != nil {
			return err
		}
		return cw.Write(pseudo, obsKey(pseudo, "N", rank.next(pseudo)), orientation, modalityCode(modality), from, openEnd(to),
			status, statusOn, admittedType)
	})
}

func obsCircle(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
	return eachRow(ctx, tx, `SELECT c.pseudonym, CASE WHEN o.structure_type = '' THEN o.kind ELSE o.structure_type END,
		m.capacity, m.basis, m.status, m.starts_on, m.ends_on
		FROM child_circle m JOIN children c ON c.id = m.child_id JOIN organisations o ON o.id = m.organisation_id
		WHERE c.departement = $1 ORDER BY c.pseudonym, m.starts_on, m.invited_at, m.id`, []any{dep}, func(rows *sql.Rows) error {
		var pseudo, typ, capacity, basis, status, from, to string
		if err := rows.Scan(&pseudo, &typ, &capacity, &basis, &status, &from, &to); err != nil {
			return err
		}
		return cw.Write(pseudo, typ, capacity, basis, status, from, openEnd(to))
	})
}

// obsEvents writes the timeline without its text (alerts false) or the
// alerts sent (alerts true): kind, section and day, nothing else.
func obsEvents(alerts bool) func(context.Context, *db.Tx, string, rowWriter) error {
	return func(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
		cond := "e.kind <> 'alert'"
		if alerts {
			cond = "e.kind = 'alert'"
		}
		return eachRow(ctx, tx, `SELECT c.pseudonym, e.kind, e.section, e.at FROM child_events e JOIN children c ON c.id = e.child_id
			WHERE c.departement = $1 AND `+cond+` ORDER BY c.pseudonym, e.at, e.id`, []any{dep}, func(rows *sql.Rows) error {
			var pseudo, kind, section string
			var at time.Time
			if err := rows.Scan(&pseudo, &kind, &section, &at); err != nil {
				return err
			}
			if alerts {
				return cw.Write(pseudo, section, dayOf(at))
			}
			return cw.Write(pseudo, kind, section, dayOf(at))
		})
	}
}

// obsRequest is a request being summed up from its recipients' rows.
type obsRequest struct {
	pseudo, id, kind, outcome string
	emergency                 bool
	sent                      time.Time
	ended                     *time.Time
	recipients, accepted      int
	refused, late             int
	types, reasons            []string
	first                     *time.Time
}

func (r *obsRequest) write(cw rowWriter, key string) error {
	ended, first := "", any(nil)
	if r.ended != nil {
		ended = dayOf(*r.ended)
	}
	if r.first != nil {
		first = hoursBetween(r.sent, *r.first)
	}
	slices.Sort(r.types)
	slices.Sort(r.reasons)
	return cw.Write(r.pseudo, key, r.kind, r.emergency, dayOf(r.sent), ended, r.outcome, r.recipients,
		strings.Join(slices.Compact(r.types), "|"), r.accepted, r.refused, strings.Join(r.reasons, "|"), first, r.late)
}

// obsRequests sums up each request sent about a child of the département
// from the rows of its recipients (they come together).
func obsRequests(ctx context.Context, tx *db.Tx, dep string, cw rowWriter) error {
	var cur *obsRequest
	var rank counter
	flush := func() error {
		if cur == nil {
			return nil
		}
		return cur.write(cw, obsKey(cur.pseudo, "D", rank.next(cur.pseudo)))
	}
	err := eachRow(ctx, tx, `SELECT c.pseudonym, r.id, r.kind, r.emergency, r.status, r.sent_at, r.ended_at,
		COALESCE(o.structure_type, ''), COALESCE(rr.status, ''), COALESCE(rr.reason, ''), rr.deadline_at, rr.first_answer_at
		FROM requests r JOIN children c ON c.id = r.child_id
		LEFT JOIN request_recipients rr ON rr.request_id = r.id LEFT JOIN organisations o ON o.id = rr.structure_id
		WHERE c.departement = $1 AND r.sent_at IS NOT NULL ORDER BY c.pseudonym, r.sent_at, r.id`, []any{dep}, func(rows *sql.Rows) error {
		var x obsRequest
		var typ, status, reason string
		var deadline, answered sql.NullTime
		var ended sql.NullTime
		if err := rows.Scan(&x.pseudo, &x.id, &x.kind, &x.emergency, &x.outcome, &x.sent, &ended, &typ, &status, &reason,
			&deadline, &answered); err != nil {
			return err
		}
		if cur == nil || cur.id != x.id {
			if err := flush(); err != nil {
				return err
			}
			x.sent, x.ended = x.sent.UTC(), utcOrNil(ended)
			cur = &x
		}
		if status == "" {
			return nil // no recipient
		}
		cur.recipients++
		if typ != "" {
			cur.types = append(cur.types, typ)
		}
		switch status {
		case "accepted", "confirmed":
			cur.accepted++
		case "refused":
			cur.refused++
			if reason != "" {
				cur.reasons = append(cur.reasons, reason)
			}
		}
		if a := utcOrNil(answered); a != nil && (cur.first == nil || a.Before(*cur.first)) {
			cur.first = a
		}
		if answeredLate(utcOrNil(deadline), utcOrNil(answered), status, tx.Now) {
			cur.late++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// rowWriter is where the tables' rows go: a CSV file, through masked.
type rowWriter interface {
	Write(fields ...any) error
}

// masked writes a row whose first field is a child's record pseudonym
// with that pseudonym replaced by its observatory pseudonym, there and in
// the keys derived from it ("<pseudonym>-M2").
type masked struct {
	w    rowWriter
	mask func(string) string
}

func (m masked) Write(fields ...any) error {
	own, _ := fields[0].(string)
	if own == "" {
		return m.w.Write(fields...)
	}
	obs := m.mask(own)
	out := make([]any, len(fields))
	for i, f := range fields {
		text, ok := f.(string)
		switch {
		case ok && text == own:
			out[i] = obs
		case ok && strings.HasPrefix(text, own+"-"):
			out[i] = obs + strings.TrimPrefix(text, own)
		default:
			out[i] = f
		}
	}
	return m.w.Write(out...)
}

// observatoryMask returns the département's observatory pseudonym of a
// record pseudonym: "OBS-" and 16 characters of an HMAC-SHA256 under the
// département's key (observatory_keys), made at its first export. The
// same child keeps the same pseudonym from one export to the next, and
// nobody can join the file to the records without the key, which never
// leaves the database.
func (s *Service) observatoryMask(ctx context.Context, dep string) (func(string) string, error) {
	var secret string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO observatory_keys (departement, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (departement) DO NOTHING`, dep, hex.EncodeToString(fresh), tx.Now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM observatory_keys WHERE departement = $1`, dep).Scan(&secret)
	})
	if err != nil {
		return nil, fmt.Errorf("observatory key: %w", err)
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("observatory key of %s: %w", dep, err)
	}
	return func(pseudonym string) string {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(pseudonym))
		return "OBS-" + strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h.Sum(nil))[:16])
	}, nil
}
