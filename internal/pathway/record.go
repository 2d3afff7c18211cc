package pathway

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Record is what one actor may see of a child: the sections they may read
// are filled, the others stay empty and are named in Sections.
type Record struct {
	Child         Child
	Sections      []access.Section // readable by the actor
	Writable      []access.Section
	Relations     []access.Relation
	Relatives     []Relative
	Measures      []Measure
	Notifications []Notification
	Circle        []Member
	Consents      []Consent
	Events        []Event
	// Liaisons are the liaison notes the actor reads, when asked for.
	Liaisons []Liaison
	// BreakGlassUntil is set when the actor reads through a break-glass
	// opening only: until when it lasts.
	BreakGlassUntil *time.Time
	// WithoutSolution: a notification has waited past the territory's
	// delay without an admission.
	WithoutSolution bool
	// CanExport: the actor may export the record.
	CanExport bool
	Today     string
}

// Can reports whether the actor may read section.
func (r Record) Can(s access.Section) bool { return slices.Contains(r.Sections, s) }

// CanWrite reports whether the actor may change section.
func (r Record) CanWrite(s access.Section) bool { return slices.Contains(r.Writable, s) }

// Is reports whether the actor has relation rel to the child.
func (r Record) Is(rel access.Relation) bool { return slices.Contains(r.Relations, rel) }

// Options narrows the timeline.
type Options struct {
	Section access.Section // only events of this section
	Limit   int            // events; default 100
	// Liaisons: also read the liaison notes (the record page shows them),
	// in the same read and under the same audit line.
	Liaisons bool
}

// Get returns the record as the actor may see it, and records the read in
// the audit log with the sections shown.
func (s *Service) Get(ctx context.Context, id string, o Options) (Record, error) {
	var r Record
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, id, access.ActionView, access.SecIdentity); err != nil {
			return err
		}
		r, err = s.read(ctx, tx, id, f, o)
		return err
	}, func() audit.Entry {
		names := make([]string, len(r.Sections))
		for i, sec := range r.Sections {
			names[i] = string(sec)
		}
		return entry(ctx, f, id, "child.view", map[string]any{"sections": strings.Join(names, ",")})
	})
	if err != nil {
		return Record{}, err
	}
	return r, nil
}

// readAudited runs read on a reader, then appends its audit line, committed
// together with those of concurrent reads (audit.Group): reads run side by
// side and share the writer's commits. Nothing read is returned unless its
// audit line is committed, so a read that is not audited is not shown.
func (s *Service) readAudited(ctx context.Context, read func(*db.Tx) error, line func() audit.Entry) error {
	if err := s.DB.Read(ctx, read); err != nil {
		return err
	}
	return s.audits.Record(ctx, s.DB, line())
}

func (s *Service) read(ctx context.Context, tx *db.Tx, id string, f *access.ChildFacts, o Options) (Record, error) {
	a := access.ActorFrom(ctx)
	r := Record{Relations: access.ChildRelations(a, f), Today: dayOf(tx.Now)}
	for _, sec := range access.Sections {
		res := access.Resource{Type: access.ResChild, ID: id, Section: sec, Child: f, Departement: f.Departement}
		if access.Can(a, access.ActionView, res) {
			r.Sections = append(r.Sections, sec)
		}
		if access.Can(a, access.ActionUpdate, res) {
			r.Writable = append(r.Writable, sec)
		}
	}
	r.CanExport = access.Can(a, access.ActionExport, access.Resource{Type: access.ResChild, ID: id, Child: f})
	if len(r.Relations) == 1 && r.Relations[0] == access.RelBreakGlass {
		var until time.Time
		if err := tx.QueryRowContext(ctx, `SELECT expires_at FROM child_break_glass WHERE child_id = $1 AND account_id = $2
			ORDER BY expires_at DESC LIMIT 1`,
			id, a.AccountID).Scan(&until); err == nil {
			until = until.UTC()
			r.BreakGlassUntil = &until
		}
	}
	var err error
	if r.Child, err = loadChild(ctx, tx, id); err != nil {
		return r, err
	}
	if r.Can(access.SecFamily) || r.Can(access.SecConsents) {
		if r.Relatives, err = loadRelatives(ctx, tx, id); err != nil {
			return r, err
		}
		if !r.Can(access.SecFamily) {
			// Consents name who gave them, nothing more.
			for i := range r.Relatives {
				r.Relatives[i] = Relative{ID: r.Relatives[i].ID, Kind: r.Relatives[i].Kind, Name: r.Relatives[i].Name,
					Authority: r.Relatives[i].Authority, AccountID: r.Relatives[i].AccountID}
			}
		}
	}
	if r.Can(access.SecMeasures) {
		if r.Measures, err = loadMeasures(ctx, tx, id); err != nil {
			return r, err
		}
	}
	if r.Can(access.SecNotifications) {
		if r.Notifications, err = loadNotifications(ctx, tx, id); err != nil {
			return r, err
		}
		cutoff := dayOf(tx.Now.Add(-s.withoutSolutionAfter()))
		for _, n := range r.Notifications {
			if WithoutSolution(n, r.Today, cutoff) {
				r.WithoutSolution = true
			}
		}
	}
	if r.Can(access.SecCircle) {
		if r.Circle, err = loadCircle(ctx, tx, id, r.Today); err != nil {
			return r, err
		}
	}
	if r.Can(access.SecConsents) {
		if r.Consents, err = loadConsents(ctx, tx, id); err != nil {
			return r, err
		}
	}
	if o.Liaisons && r.Can(access.SecLiaison) {
		if r.Liaisons, err = readLiaisons(ctx, tx, id, "", f); err != nil {
			return r, err
		}
	}
	if r.Events, err = loadEvents(ctx, tx, id, r.Sections, o); err != nil {
		return r, err
	}
	return r, nil
}

// WithoutSolution reports whether notification n, valid today and started
// on or before cutoff, is still without an admission.
func WithoutSolution(n Notification, today, cutoff string) bool {
	return (n.Status == "notified" || n.Status == "waiting") && n.From <= cutoff && n.To >= today
}

const childCols = `c.id, c.pseudonym, c.ase_id, COALESCE(ase.name, ''), COALESCE(c.referent_id, ''), COALESCE(ref.display_name, ''),
	c.departement, c.first_name, c.last_name, c.birth_date, c.sex, c.living_kind, COALESCE(c.living_structure_id, ''),
	COALESCE(ls.name, ''), COALESCE(c.living_carer_id, ''), COALESCE(lc.display_name, ''), c.living_note, c.school_kind,
	c.school_note, c.created_at, c.updated_at`

const childFrom = ` FROM children c LEFT JOIN organisations ase ON ase.id = c.ase_id
	LEFT JOIN accounts ref ON ref.id = c.referent_id LEFT JOIN organisations ls ON ls.id = c.living_structure_id
	LEFT JOIN accounts lc ON lc.id = c.living_carer_id`

func scanChild(row interface{ Scan(...any) error }, extra ...any) (Child, error) {
	var c Child
	err := row.Scan(append([]any{&c.ID, &c.Pseudonym, &c.ASEID, &c.ASEName, &c.ReferentID, &c.ReferentName, &c.Departement,
		&c.FirstName, &c.LastName, &c.BirthDate, &c.Sex, &c.LivingKind, &c.LivingStructureID, &c.LivingStructureName,
		&c.LivingCarerID, &c.LivingCarerName, &c.LivingNote, &c.SchoolKind, &c.SchoolNote, &c.CreatedAt, &c.UpdatedAt}, extra...)...)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

func loadChild(ctx context.Context, tx *db.Tx, id string) (Child, error) {
	c, err := scanChild(tx.QueryRowContext(ctx, `SELECT `+childCols+childFrom+` WHERE c.id = $1`, id))
	if err == sql.ErrNoRows {
		return c, errNoChild()
	}
	return c, err
}

func loadRelatives(ctx context.Context, tx *db.Tx, id string) ([]Relative, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, name, relationship, authority, phone, email, address, COALESCE(account_id, '')
		FROM child_relatives WHERE child_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("relatives: %w", err)
	}
	defer rows.Close()
	var out []Relative
	for rows.Next() {
		var r Relative
		if err := rows.Scan(&r.ID, &r.Kind, &r.Name, &r.Relationship, &r.Authority, &r.Phone, &r.Email, &r.Address, &r.AccountID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func loadMeasures(ctx context.Context, tx *db.Tx, id string) ([]Measure, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.kind, m.authority, m.decided_on, m.starts_on, m.ends_on, m.reference,
		COALESCE(m.renews_id, ''), COALESCE((SELECT min(n.id) FROM child_measures n WHERE n.renews_id = m.id), ''), m.note,
		m.document_name, m.document IS NOT NULL, m.created_at
		FROM child_measures m WHERE m.child_id = $1 ORDER BY m.starts_on DESC, m.id`, id)
	if err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	defer rows.Close()
	var out []Measure
	for rows.Next() {
		var m Measure
		if err := rows.Scan(&m.ID, &m.Kind, &m.Authority, &m.DecidedOn, &m.From, &m.To, &m.Reference, &m.RenewsID,
			&m.RenewedByID, &m.Note, &m.DocumentName, &m.HasDocument, &m.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func loadNotifications(ctx context.Context, tx *db.Tx, id string) ([]Notification, error) {
	rows, err := tx.QueryContext(ctx, `SELECT n.id, n.orientation, n.modality, n.starts_on, n.ends_on, n.decision_ref, n.status,
		n.waiting_at, COALESCE(n.admitted_structure_id, ''), COALESCE(o.name, ''), n.status_on
		FROM child_notifications n LEFT JOIN organisations o ON o.id = n.admitted_structure_id
		WHERE n.child_id = $1 ORDER BY n.starts_on DESC, n.id`, id)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Orientation, &n.Modality, &n.From, &n.To, &n.DecisionRef, &n.Status, &n.WaitingAt,
			&n.AdmittedStructureID, &n.AdmittedStructureName, &n.StatusOn); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func loadCircle(ctx context.Context, tx *db.Tx, id, today string) ([]Member, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.organisation_id, o.name, m.capacity, m.status, m.basis, COALESCE(m.consent_id, ''),
		COALESCE(m.measure_id, ''), m.note, m.starts_on, m.ends_on, m.invited_by, m.invited_at, m.answered_at, m.left_at,
		`+access.ConsentLive("m", "$2")+`
		FROM child_circle m JOIN organisations o ON o.id = m.organisation_id
		WHERE m.child_id = $1 ORDER BY CASE m.status WHEN 'active' THEN 0 WHEN 'invited' THEN 1 ELSE 2 END, m.starts_on, o.name`, id, today)
	if err != nil {
		return nil, fmt.Errorf("circle: %w", err)
	}
	var out []Member
	index := map[string]int{}
	for rows.Next() {
		var m Member
		var answered, left sql.NullTime
		if err := rows.Scan(&m.ID, &m.OrganisationID, &m.OrganisationName, &m.Capacity, &m.Status, &m.Basis, &m.ConsentID,
			&m.MeasureID, &m.Note, &m.From, &m.To, &m.InvitedBy, &m.InvitedAt, &answered, &left, &m.BasisLive); err != nil {
			rows.Close()
			return nil, err
		}
		m.InvitedAt = m.InvitedAt.UTC()
		m.AnsweredAt, m.LeftAt = utcOrNil(answered), utcOrNil(left)
		index[m.ID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT s.member_id, a.id, a.display_name FROM child_circle_staff s
		JOIN child_circle m ON m.id = s.member_id JOIN accounts a ON a.id = s.account_id WHERE m.child_id = $1 ORDER BY a.display_name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var member string
		var p Person
		if err := rows.Scan(&member, &p.ID, &p.Name); err != nil {
			return nil, err
		}
		if i, ok := index[member]; ok {
			out[i].Staff = append(out[i].Staff, p)
		}
	}
	return out, rows.Err()
}

func loadConsents(ctx context.Context, tx *db.Tx, id string) ([]Consent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.id, k.relative_id, r.name, k.scope, k.subject, k.given_on, k.until_on, k.withdrawn_at,
		k.withdrawn_by, k.created_by, COALESCE(r.account_id, '')
		FROM child_consents k JOIN child_relatives r ON r.id = k.relative_id WHERE k.child_id = $1 ORDER BY k.given_on DESC, k.id`, id)
	if err != nil {
		return nil, fmt.Errorf("consents: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var withdrawn sql.NullTime
		if err := rows.Scan(&c.ID, &c.RelativeID, &c.RelativeName, &c.Scope, &c.Subject, &c.GivenOn, &c.Until, &withdrawn,
			&c.WithdrawnBy, &c.CreatedBy, &c.ParentAccountID); err != nil {
			return nil, err
		}
		c.WithdrawnAt = utcOrNil(withdrawn)
		out = append(out, c)
	}
	return out, rows.Err()
}

// loadEvents returns the timeline lines of the sections the actor reads,
// newest first.
func loadEvents(ctx context.Context, tx *db.Tx, id string, readable []access.Section, o Options) ([]Event, error) {
	sections := readable
	if o.Section != "" {
		if !slices.Contains(readable, o.Section) {
			return nil, nil
		}
		sections = []access.Section{o.Section}
	}
	if len(sections) == 0 {
		return nil, nil
	}
	limit := o.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	names := make([]string, len(sections))
	for i, sec := range sections {
		names[i] = string(sec)
	}
	var args db.Args
	q := `SELECT e.id, e.at, e.kind, e.section, e.summary, e.body, e.actor_name, COALESCE(o.name, '')
		FROM child_events e LEFT JOIN organisations o ON o.id = e.organisation_id
		WHERE e.child_id = ` + args.Add(id) + ` AND e.section IN (` + db.List(&args, names) + `)
		ORDER BY e.at DESC, e.id DESC LIMIT ` + args.Add(limit)
	rows, err := tx.QueryContext(ctx, q, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("timeline: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.At, &e.Kind, &e.Section, &e.Summary, &e.Body, &e.ActorName, &e.OrganisationName); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
