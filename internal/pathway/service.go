package pathway

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// Service runs the record's use cases; the actor comes from the context.
type Service struct {
	DB *db.DB
	// BreakGlassFor is how long a break-glass opening lasts (default 4 h).
	BreakGlassFor time.Duration
	// WithoutSolutionAfter is how long a notification may wait for an
	// admission before the child counts as without solution (default 90 days).
	WithoutSolutionAfter time.Duration
	// LiaisonRemindAfter is how long a liaison note may stay unread before
	// its sender and recipient are reminded (default 48 hours).
	LiaisonRemindAfter time.Duration

	// audits commits the audit lines of concurrent reads together.
	audits audit.Group
}

func (s *Service) breakGlassFor() time.Duration {
	if s.BreakGlassFor > 0 {
		return s.BreakGlassFor
	}
	return 4 * time.Hour
}

func (s *Service) withoutSolutionAfter() time.Duration {
	if s.WithoutSolutionAfter > 0 {
		return s.WithoutSolutionAfter
	}
	return 90 * 24 * time.Hour
}

func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// utcOrNil returns a nullable instant read from the database, in UTC.
func utcOrNil(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// errNoChild is what anyone unrelated gets, whether the child exists or
// not: the record's existence is itself need-to-know.
func errNoChild() error {
	return apperr.New(apperr.NotFound, "Ce dossier n'existe pas, ou vous n'y avez pas accès.")
}

// loadFacts reads what the policy needs about child id, with the
// conditions access.ChildScope applies in SQL.
func loadFacts(ctx context.Context, tx *db.Tx, id string) (*access.ChildFacts, error) {
	if !db.ValidID(id) {
		return nil, errNoChild()
	}
	f := &access.ChildFacts{}
	var referent, carer sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT ase_id, departement, referent_id, living_carer_id FROM children WHERE id = $1`, id).
		Scan(&f.ASEID, &f.Departement, &referent, &carer)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoChild()
	}
	if err != nil {
		return nil, fmt.Errorf("child facts: %w", err)
	}
	f.ReferentID, f.CarerID = referent.String, carer.String
	today := dayOf(tx.Now)
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.organisation_id, m.capacity, m.status FROM child_circle m
		WHERE m.child_id = $1 AND (m.status = 'invited' OR (m.status = 'active' AND m.starts_on <= $2 AND m.ends_on >= $2 AND `+
		access.ConsentLive("m", "$2")+`))`, id, today)
	if err != nil {
		return nil, fmt.Errorf("circle facts: %w", err)
	}
	index := map[string]int{}
	for rows.Next() {
		var memberID, status string
		var m access.Member
		if err := rows.Scan(&memberID, &m.OrganisationID, &m.Capacity, &status); err != nil {
			rows.Close()
			return nil, err
		}
		m.Invited = status == "invited"
		index[memberID] = len(f.Members)
		f.Members = append(f.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT s.member_id, s.account_id FROM child_circle_staff s
		JOIN child_circle m ON m.id = s.member_id WHERE m.child_id = $1`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var member, account string
		if err := rows.Scan(&member, &account); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[member]; ok {
			f.Members[i].Staff = append(f.Members[i].Staff, account)
		}
	}
	rows.Close()
	if f.Parents, err = strings1(ctx, tx, `SELECT account_id FROM child_relatives WHERE child_id = $1 AND account_id IS NOT NULL`, id); err != nil {
		return nil, err
	}
	if f.BreakGlass, err = strings1(ctx, tx, `SELECT account_id FROM child_break_glass WHERE child_id = $1 AND expires_at > $2`, id, tx.Now); err != nil {
		return nil, err
	}
	return f, nil
}

// strings1 returns the one text column of a query.
func strings1(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// open loads the facts of child id and checks the actor may do act on
// section: unrelated actors get errNoChild, related ones Forbidden.
func open(ctx context.Context, tx *db.Tx, id string, act access.Action, section access.Section) (*access.ChildFacts, error) {
	f, err := loadFacts(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	a := access.ActorFrom(ctx)
	if !a.System && len(access.ChildRelations(a, f)) == 0 {
		return nil, errNoChild()
	}
	res := access.Resource{Type: access.ResChild, ID: id, Section: section, Child: f, Departement: f.Departement}
	if err := access.Check(ctx, act, res); err != nil {
		return nil, err
	}
	return f, nil
}

// entry is the audit entry of an access to child id, with the break-glass
// flag when that is what opened it.
func entry(ctx context.Context, f *access.ChildFacts, id, action string, details map[string]any) audit.Entry {
	a := access.ActorFrom(ctx)
	e := audit.Entry{Action: action, ResourceType: string(access.ResChild), ResourceID: id, Details: details}
	if f != nil && slices.Contains(f.BreakGlass, a.AccountID) && !slices.ContainsFunc(access.ChildRelations(a, f),
		func(r access.Relation) bool { return r != access.RelBreakGlass }) {
		if e.Details == nil {
			e.Details = map[string]any{}
		}
		e.Details["break_glass"] = true
	}
	return e
}

// record appends the audit entry of an access to child id inside tx.
func record(ctx context.Context, tx *db.Tx, f *access.ChildFacts, id, action string, details map[string]any) error {
	return audit.Record(ctx, tx, entry(ctx, f, id, action, details))
}

// event appends a line to the child's timeline.
func event(ctx context.Context, tx *db.Tx, childID, kind string, section access.Section, summary, body string) error {
	a := access.ActorFrom(ctx)
	org := ""
	for _, m := range a.Memberships {
		if m.Role != access.RoleParent {
			org = m.OrganisationID
			break
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO child_events (id, child_id, at, kind, section, summary, body, actor_id, actor_name, organisation_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, db.NewID(), childID, tx.Now, kind, string(section), summary, body,
		a.AccountID, actorName(a), org)
	if err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE children SET updated_at = $1 WHERE id = $2`, tx.Now, childID)
	return err
}

func actorName(a access.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Label()
}

// pseudonymAlphabet leaves out letters read as digits (I, L, O, U).
const pseudonymAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newPseudonym returns a random identifier such as "E-7KQ2-M9XD".
func newPseudonym() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = pseudonymAlphabet[int(b[i])%len(pseudonymAlphabet)]
	}
	return "E-" + string(b[:4]) + "-" + string(b[4:])
}

func searchName(first, last string) string { return geo.Fold(last + " " + first) }

// Create opens a record in the author's ASE service, the author as its
// referent unless in.ReferentID names a referent of the same service.
func (s *Service) Create(ctx context.Context, in ChildInput) (Child, error) {
	actor := access.ActorFrom(ctx)
	orgs := actor.OrgsWhere(access.RoleASEReferent)
	if len(orgs) == 0 {
		return Child{}, apperr.New(apperr.Forbidden, "Seul un référent ASE ouvre le dossier d'un enfant.")
	}
	aseID := orgs[0]
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResChild, OrganisationIDs: []string{aseID}}); err != nil {
		return Child{}, err
	}
	var id string
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		var err error
		if in, err = NormalizeChild(in, tx.Now); err != nil {
			return err
		}
		if in.ReferentID == "" {
			in.ReferentID = actor.AccountID
		}
		if err := checkIdentityLinks(ctx, tx, in, aseID); err != nil {
			return err
		}
		var dep string
		if err := tx.QueryRowContext(ctx, `SELECT departement FROM organisations WHERE id = $1`, aseID).Scan(&dep); err != nil {
			return err
		}
		id = db.NewID()
		for attempt := 0; ; attempt++ {
			_, err = tx.ExecContext(ctx, `INSERT INTO children (id, pseudonym, ase_id, referent_id, departement, first_name, last_name,
				search_name, birth_date, sex, living_kind, living_structure_id, living_carer_id, living_note, school_kind, school_note,
				created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
				id, newPseudonym(), aseID, in.ReferentID, dep, in.FirstName, in.LastName, searchName(in.FirstName, in.LastName),
				in.BirthDate, in.Sex, in.LivingKind, nullable(in.LivingStructureID), nullable(in.LivingCarerID), in.LivingNote,
				in.SchoolKind, in.SchoolNote, tx.Now)
			if err == nil || !db.IsUniqueViolation(err) || attempt == 3 {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("insert child: %w", err)
		}
		if err := event(ctx, tx, id, "created", access.SecIdentity, "Dossier ouvert", ""); err != nil {
			return err
		}
		return record(ctx, tx, nil, id, "child.create", nil)
	})
	if err != nil {
		return Child{}, err
	}
	r, err := s.Get(ctx, id, Options{})
	return r.Child, err
}

// UpdateIdentity changes the identity section.
func (s *Service) UpdateIdentity(ctx context.Context, id string, in ChildInput) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		f, err := open(ctx, tx, id, access.ActionUpdate, access.SecIdentity)
		if err != nil {
			return err
		}
		if in, err = NormalizeChild(in, tx.Now); err != nil {
			return err
		}
		if in.ReferentID == "" {
			in.ReferentID = f.ReferentID
		}
		if err := checkIdentityLinks(ctx, tx, in, f.ASEID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE children SET first_name = $1, last_name = $2, search_name = $3, birth_date = $4,
			sex = $5, living_kind = $6, living_structure_id = $7, living_carer_id = $8, living_note = $9, school_kind = $10,
			school_note = $11, referent_id = $12, updated_at = $13 WHERE id = $14`,
			in.FirstName, in.LastName, searchName(in.FirstName, in.LastName), in.BirthDate, in.Sex, in.LivingKind,
			nullable(in.LivingStructureID), nullable(in.LivingCarerID), in.LivingNote, in.SchoolKind, in.SchoolNote,
			in.ReferentID, tx.Now, id); err != nil {
			return fmt.Errorf("update child: %w", err)
		}
		if err := event(ctx, tx, id, "identity", access.SecIdentity, "Fiche de l'enfant modifiée", ""); err != nil {
			return err
		}
		return record(ctx, tx, f, id, "child.update", map[string]any{"section": "identity"})
	})
}

// checkIdentityLinks checks that the living place is an active structure,
// the foster carer a foster carer, and the referent a referent of aseID.
func checkIdentityLinks(ctx context.Context, tx *db.Tx, in ChildInput, aseID string) error {
	var v apperr.Validation
	if in.LivingStructureID != "" {
		n, err := countStructure(ctx, tx, in.LivingStructureID)
		if err != nil {
			return err
		}
		v.Check(n == 1, "living_structure", "Cette structure n'est pas dans l'annuaire.")
	}
	if in.LivingCarerID != "" {
		n, err := countRole(ctx, tx, in.LivingCarerID, "", access.RoleFosterCarer)
		if err != nil {
			return err
		}
		v.Check(n > 0, "living_carer", "Ce compte n'est pas celui d'une assistante familiale.")
	}
	n, err := countRole(ctx, tx, in.ReferentID, aseID, access.RoleASEReferent)
	if err != nil {
		return err
	}
	v.Check(n > 0, "referent", "Le référent doit être un référent ASE du service.")
	return v.ErrSaying("La fiche n'a pas été enregistrée : corrigez les champs signalés.")
}

// countRole counts the active memberships of account with role (in org
// when given).
func countRole(ctx context.Context, tx *db.Tx, account, org string, role access.Role) (int, error) {
	if !db.ValidID(account) {
		return 0, nil
	}
	var n int
	q := `SELECT count(*) FROM memberships ms JOIN accounts a ON a.id = ms.account_id
		WHERE ms.account_id = $1 AND ms.role = $2 AND a.active = TRUE`
	args := []any{account, string(role)}
	if org != "" {
		q += ` AND ms.organisation_id = $3`
		args = append(args, org)
	}
	err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// countStructure counts the active structures with id (0 or 1).
func countStructure(ctx context.Context, tx *db.Tx, id string) (int, error) {
	if !db.ValidID(id) {
		return 0, nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = $1 AND kind = 'structure' AND active = TRUE`, id).Scan(&n)
	return n, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
