package pathway

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// A child's common project lives in versions. The circle drafts one
// version at a time, the referent validates it with the parents' agreement
// recorded (or why not) and sets its review; a validated version never
// changes and stays readable. Care items are read by those who read care.

// ProjectVersion is one version as its reader may see it.
type ProjectVersion struct {
	ID            string
	Version       int
	Status        string // draft, validated
	Revision      int    // changes with every save of a draft
	Text          ProjectText
	Items         []ProjectItem // those the reader may see, in order
	HiddenCare    int           // care items the reader may not see
	ReviewOn      string
	Agreement     string
	AgreementNote string
	CreatedAt     time.Time
	CreatedBy     string
	UpdatedAt     time.Time
	UpdatedBy     string
	ValidatedAt   *time.Time
	ValidatedBy   string
}

// Draft reports whether the version is the draft.
func (v ProjectVersion) Draft() bool { return v.Status == "draft" }

// Part returns the items of one part.
func (v ProjectVersion) Part(part string) []ProjectItem {
	var out []ProjectItem
	for _, it := range v.Items {
		if it.Part == part {
			out = append(out, it)
		}
	}
	return out
}

// Project is a child's project as one reader sees it.
type Project struct {
	ChildID string
	// ChildName is the child's name, or the record's pseudonym for a
	// reader who may not see the identity.
	ChildName string
	Current   *ProjectVersion // the latest validated version
	Draft     *ProjectVersion
	Shown     *ProjectVersion // the version asked for (the current one by default)
	Versions  []ProjectVersion
	// What the reader may do.
	CanDraft, CanValidate, CanCare bool
	Today                          string
}

// ProjectOptions says which version to read and why.
type ProjectOptions struct {
	Version int  // 0: the current version, or the draft when none is validated
	Print   bool // the version is printed: audited as such
}

const projectCols = `p.id, p.version, p.status, p.revision, p.review_summary, p.child_words, p.parents_words, p.review_on,
	p.agreement, p.agreement_note, p.created_at, p.created_by_name, p.updated_at, p.updated_by_name, p.validated_at, p.validated_by_name`

func scanProject(row interface{ Scan(...any) error }) (ProjectVersion, error) {
	var v ProjectVersion
	var validated sql.NullTime
	err := row.Scan(&v.ID, &v.Version, &v.Status, &v.Revision, &v.Text.Review, &v.Text.ChildWords, &v.Text.ParentsWords,
		&v.ReviewOn, &v.Agreement, &v.AgreementNote, &v.CreatedAt, &v.CreatedBy, &v.UpdatedAt, &v.UpdatedBy, &validated, &v.ValidatedBy)
	v.ValidatedAt = utcOrNil(validated)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// can reports whether the actor may act on a section of the child.
func can(ctx context.Context, act access.Action, sec access.Section, id string, f *access.ChildFacts) bool {
	return access.Can(access.ActorFrom(ctx), act, access.Resource{Type: access.ResChild, ID: id, Section: sec, Child: f, Departement: f.Departement})
}

// isReferent reports whether the actor is a referent of the child's service.
func isReferent(ctx context.Context, f *access.ChildFacts) bool {
	a := access.ActorFrom(ctx)
	return a.System || slices.Contains(access.ChildRelations(a, f), access.RelReferent)
}

// loadItems reads the items of a version, care items only when seeCare;
// it returns the number of care items left out.
func loadItems(ctx context.Context, tx *db.Tx, projectID string, seeCare bool) ([]ProjectItem, int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item_key, part, domain, text, who, due_on FROM child_project_items
		WHERE project_id = $1 ORDER BY position, id`, projectID)
	if err != nil {
		return nil, 0, fmt.Errorf("project items: %w", err)
	}
	defer rows.Close()
	var out []ProjectItem
	hidden := 0
	for rows.Next() {
		var it ProjectItem
		if err := rows.Scan(&it.Key, &it.Part, &it.Domain, &it.Text, &it.Who, &it.Due); err != nil {
			return nil, 0, err
		}
		if it.Care() && !seeCare {
			hidden++
			continue
		}
		out = append(out, it)
	}
	return out, hidden, rows.Err()
}

// readProject reads the versions of child id; the version asked for (or
// the current one) comes with its items.
func readProject(ctx context.Context, tx *db.Tx, id string, f *access.ChildFacts, version int) (Project, error) {
	p := Project{ChildID: id, Today: dayOf(tx.Now),
		CanDraft:    can(ctx, access.ActionUpdate, access.SecProject, id, f),
		CanCare:     can(ctx, access.ActionView, access.SecProjectCare, id, f),
		CanValidate: isReferent(ctx, f)}
	c, err := loadChild(ctx, tx, id)
	if err != nil {
		return p, err
	}
	p.ChildName = c.Pseudonym
	if can(ctx, access.ActionView, access.SecIdentity, id, f) {
		p.ChildName = c.Name()
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+projectCols+` FROM child_projects p WHERE p.child_id = $1 ORDER BY p.version DESC`, id)
	if err != nil {
		return p, fmt.Errorf("project: %w", err)
	}
	for rows.Next() {
		v, err := scanProject(rows)
		if err != nil {
			rows.Close()
			return p, err
		}
		p.Versions = append(p.Versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	for i := range p.Versions {
		v := &p.Versions[i]
		switch {
		case v.Draft():
			p.Draft = v
		case p.Current == nil:
			p.Current = v
		}
		if v.Version == version {
			p.Shown = v
		}
	}
	switch {
	case version != 0 && p.Shown == nil:
		return p, apperr.New(apperr.NotFound, "Cette version du projet n'existe pas.")
	case p.Shown == nil && p.Current != nil:
		p.Shown = p.Current
	case p.Shown == nil:
		p.Shown = p.Draft
	}
	for _, v := range []*ProjectVersion{p.Shown, p.Draft} {
		if v != nil && v.Items == nil {
			if v.Items, v.HiddenCare, err = loadItems(ctx, tx, v.ID, p.CanCare); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

// Project returns the child's project with the version asked for; the
// reading is audited.
func (s *Service) Project(ctx context.Context, childID string, o ProjectOptions) (Project, error) {
	var p Project
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecProject); err != nil {
			return err
		}
		p, err = readProject(ctx, tx, childID, f, o.Version)
		return err
	}, func() audit.Entry {
		action, details := "child.project.read", map[string]any{}
		if o.Print {
			action = "child.project.print"
		}
		if p.Shown != nil {
			details["version"] = p.Shown.Version
		}
		return entry(ctx, f, childID, action, details)
	})
	return p, err
}

// Comparison is the difference between two versions of a project.
type Comparison struct {
	Project
	From, To *ProjectVersion
	Items    []ItemDiff
	// HiddenCare: care items the reader may not see, in either version.
	HiddenCare int
}

// CompareProject returns what changed from one version to another; the
// reading is audited.
func (s *Service) CompareProject(ctx context.Context, childID string, from, to int) (Comparison, error) {
	var c Comparison
	var f *access.ChildFacts
	err := s.readAudited(ctx, func(tx *db.Tx) error {
		var err error
		if f, err = open(ctx, tx, childID, access.ActionView, access.SecProject); err != nil {
			return err
		}
		if c.Project, err = readProject(ctx, tx, childID, f, 0); err != nil {
			return err
		}
		for i := range c.Versions {
			v := &c.Versions[i]
			if v.Version == from {
				c.From = v
			}
			if v.Version == to {
				c.To = v
			}
		}
		if c.From == nil || c.To == nil {
			return apperr.New(apperr.NotFound, "Choisissez deux versions du projet à comparer.")
		}
		for _, v := range []*ProjectVersion{c.From, c.To} {
			if v.Items == nil {
				if v.Items, v.HiddenCare, err = loadItems(ctx, tx, v.ID, c.CanCare); err != nil {
					return err
				}
			}
		}
		c.Items = DiffItems(c.From.Items, c.To.Items)
		c.HiddenCare = max(c.From.HiddenCare, c.To.HiddenCare)
		return nil
	}, func() audit.Entry {
		return entry(ctx, f, childID, "child.project.compare", map[string]any{"from": from, "to": to})
	})
	return c, err
}

// errNoDraft is the error of a change to a draft that is not there.
func errNoDraft() error {
	return apperr.New(apperr.Conflict, "Il n'y a pas de brouillon du projet en cours : il vient peut-être d'être validé.")
}

// loadDraft reads the draft of child id, or errNoDraft.
func loadDraft(ctx context.Context, tx *db.Tx, id string) (ProjectVersion, error) {
	v, err := scanProject(tx.QueryRowContext(ctx, `SELECT `+projectCols+` FROM child_projects p
		WHERE p.child_id = $1 AND p.status = 'draft'`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, errNoDraft()
	}
	return v, err
}

// loadDraftAt reads the draft of child id and refuses a change made on a
// form opened at another revision: the saver would erase the other's
// work unseen. Revision 0 (an API call that did not read first) is taken
// as it comes.
func loadDraftAt(ctx context.Context, tx *db.Tx, id string, revision int) (ProjectVersion, error) {
	d, err := loadDraft(ctx, tx, id)
	if err == nil && revision != 0 && revision != d.Revision {
		err = apperr.Errorf(apperr.Conflict, "%s a modifié le brouillon entre-temps (%s) : rouvrez-le pour voir ses changements, puis reprenez les vôtres.",
			d.UpdatedBy, d.UpdatedAt.In(paris).Format("02/01 à 15:04"))
	}
	return d, err
}

// StartDraft opens the next version of the project as a draft, a copy of
// the current version (items keep their keys, so the versions compare).
func (s *Service) StartDraft(ctx context.Context, childID string) (int, error) {
	var version int
	err := s.change(ctx, childID, access.SecProject, "child.project.draft", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		if _, err := loadDraft(ctx, tx, childID); err == nil {
			return nil, apperr.New(apperr.Conflict, "Un brouillon du projet est déjà en cours : complétez-le.")
		} else if apperr.CodeOf(err) != apperr.Conflict {
			return nil, err
		}
		var last sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) + 1, (SELECT id FROM child_projects
			WHERE child_id = $1 AND status = 'validated' ORDER BY version DESC LIMIT 1)
			FROM child_projects WHERE child_id = $1`, childID).Scan(&version, &last); err != nil {
			return nil, err
		}
		a := access.ActorFrom(ctx)
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_projects (id, child_id, version, status, created_at, created_by_name,
			updated_at, updated_by_name) VALUES ($1, $2, $3, 'draft', $4, $5, $4, $5)`, id, childID, version, tx.Now, actorName(a)); err != nil {
			if db.IsUniqueViolation(err) {
				return nil, apperr.New(apperr.Conflict, "Un brouillon du projet vient d'être ouvert par quelqu'un d'autre.")
			}
			return nil, fmt.Errorf("insert project: %w", err)
		}
		if last.Valid {
			items, _, err := loadItems(ctx, tx, last.String, true)
			if err != nil {
				return nil, err
			}
			if err := insertItems(ctx, tx, id, items); err != nil {
				return nil, err
			}
		}
		summary := fmt.Sprintf("Projet : version %d en préparation", version)
		if err := event(ctx, tx, childID, "project.draft", access.SecProject, summary, ""); err != nil {
			return nil, err
		}
		return map[string]any{"version": version}, nil
	})
	return version, err
}

// SaveDraft records the draft as typed. The actor's items replace those
// they may write; care items stay as they are for who may not write them.
func (s *Service) SaveDraft(ctx context.Context, childID string, in ProjectInput) error {
	return s.change(ctx, childID, access.SecProject, "child.project.save", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		mayCare := can(ctx, access.ActionUpdate, access.SecProjectCare, childID, f)
		var err error
		if in, err = NormalizeProject(in, mayCare); err != nil {
			return nil, err
		}
		d, err := loadDraftAt(ctx, tx, childID, in.Revision)
		if err != nil {
			return nil, err
		}
		existing, _, err := loadItems(ctx, tx, d.ID, true)
		if err != nil {
			return nil, err
		}
		// A key names an item of this draft the actor may write; any other
		// key is a new item.
		writable := map[string]bool{}
		kept := 0
		for _, it := range existing {
			if mayCare || !it.Care() {
				writable[it.Key] = true
			} else {
				kept++
			}
		}
		if kept+len(in.Items) > MaxProjectItems {
			var v apperr.Validation
			v.Add("items", fmt.Sprintf("Un projet compte au plus %d lignes, dont %d de soins.", MaxProjectItems, kept))
			return nil, v.Err()
		}
		q := `DELETE FROM child_project_items WHERE project_id = $1`
		if !mayCare {
			q += ` AND domain <> '` + CareDomain + `'`
		}
		if _, err := tx.ExecContext(ctx, q, d.ID); err != nil {
			return nil, err
		}
		for i := range in.Items {
			if !writable[in.Items[i].Key] {
				in.Items[i].Key = db.NewID()
			}
			writable[in.Items[i].Key] = false // a key twice is a copy: a new item
		}
		if err := insertItems(ctx, tx, d.ID, in.Items); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE child_projects SET review_summary = $1, child_words = $2, parents_words = $3,
			revision = revision + 1, updated_at = $4, updated_by_name = $5 WHERE id = $6`,
			in.Text.Review, in.Text.ChildWords, in.Text.ParentsWords, tx.Now, actorName(access.ActorFrom(ctx)), d.ID); err != nil {
			return nil, err
		}
		return map[string]any{"version": d.Version, "items": len(in.Items)}, nil
	})
}

// DiscardDraft drops the draft; the referent decides it.
func (s *Service) DiscardDraft(ctx context.Context, childID string) error {
	return s.change(ctx, childID, access.SecProject, "child.project.discard", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		if !isReferent(ctx, f) {
			return nil, apperr.New(apperr.Forbidden, "Seul le référent ASE abandonne un brouillon du projet.")
		}
		d, err := loadDraft(ctx, tx, childID)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM child_projects WHERE id = $1`, d.ID); err != nil {
			return nil, err
		}
		summary := fmt.Sprintf("Projet : brouillon de la version %d abandonné", d.Version)
		return map[string]any{"version": d.Version}, event(ctx, tx, childID, "project.discard", access.SecProject, summary, "")
	})
}

// ValidateDraft makes the draft the child's project: the referent records
// the parents' agreement (or why not) and the next review, and the circle
// is told.
func (s *Service) ValidateDraft(ctx context.Context, childID string, in ValidationInput) (int, error) {
	var version int
	err := s.change(ctx, childID, access.SecProject, "child.project.validate", func(tx *db.Tx, f *access.ChildFacts) (map[string]any, error) {
		if !isReferent(ctx, f) {
			return nil, apperr.New(apperr.Forbidden, "Seul le référent ASE valide le projet de l'enfant.")
		}
		var err error
		if in, err = NormalizeValidation(in, dayOf(tx.Now)); err != nil {
			return nil, err
		}
		d, err := loadDraftAt(ctx, tx, childID, in.Revision)
		if err != nil {
			return nil, err
		}
		var objectives int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM child_project_items WHERE project_id = $1 AND part = 'objective'`, d.ID).
			Scan(&objectives); err != nil {
			return nil, err
		}
		if objectives == 0 {
			var v apperr.Validation
			v.Add("items", "Le projet n'a aucun objectif : complétez le brouillon avant de le valider.")
			return nil, v.ErrSaying("La version n'a pas été validée.")
		}
		a := access.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE child_projects SET status = 'validated', agreement = $1, agreement_note = $2,
			review_on = $3, validated_at = $4, validated_by_name = $5, updated_at = $4 WHERE id = $6`,
			in.Agreement, in.AgreementNote, in.ReviewOn, tx.Now, actorName(a), d.ID); err != nil {
			return nil, err
		}
		version = d.Version
		summary := fmt.Sprintf("Projet : version %d validée (%s), révision prévue le %s", version,
			lowerFirst(Label(Agreements, in.Agreement)), DayLabel(in.ReviewOn))
		if err := event(ctx, tx, childID, "project.validate", access.SecProject, summary, in.AgreementNote); err != nil {
			return nil, err
		}
		if err := tellCircle(ctx, tx, f, childID, "child.project", "Nouvelle version du projet de l'enfant",
			fmt.Sprintf("%s a validé la version %d du projet d'un enfant que vous accompagnez.", actorName(a), version),
			"/enfants/"+childID+"/projet"); err != nil {
			return nil, err
		}
		return map[string]any{"version": version, "agreement": in.Agreement}, nil
	})
	return version, err
}

// tellCircle notifies the structures of the circle and the ASE service,
// the actor's own structures aside.
func tellCircle(ctx context.Context, tx *db.Tx, f *access.ChildFacts, childID, kind, title, body, link string) error {
	mine, _ := liaisonOrgs(access.ActorFrom(ctx), f)
	orgs := []string{f.ASEID}
	for _, m := range f.Members {
		if !m.Invited {
			orgs = append(orgs, m.OrganisationID)
		}
	}
	for _, org := range slices.Compact(slices.Sorted(slices.Values(orgs))) {
		if slices.Contains(mine, org) {
			continue
		}
		if err := tellOrg(ctx, tx, f, childID, org, kind, title, body, link); err != nil {
			return err
		}
	}
	return nil
}

// insertItems writes items in order into version projectID.
func insertItems(ctx context.Context, tx *db.Tx, projectID string, items []ProjectItem) error {
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO child_project_items (id, project_id, item_key, position, part, domain, text, who, due_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, db.NewID(), projectID, it.Key, i, it.Part, it.Domain, it.Text, it.Who, it.Due); err != nil {
			return fmt.Errorf("insert project item: %w", err)
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
