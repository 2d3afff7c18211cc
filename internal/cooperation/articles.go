package cooperation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// Stages of an article of the knowledge base.
const (
	ArticleDraft     = "draft"
	ArticleReviewed  = "reviewed"
	ArticlePublished = "published"
)

// ArticleStatuses lists the stages with their labels.
var ArticleStatuses = []Code{
	{ArticleDraft, "Brouillon"},
	{ArticleReviewed, "Relu"},
	{ArticlePublished, "Publié"},
}

// ArticleStep returns the action a change of stage from → to needs, and
// false when the workflow does not allow it: a draft is reviewed, then
// published; the steering may publish a draft it wrote itself at once,
// and send any article back to draft.
func ArticleStep(from, to string) (access.Action, bool) {
	switch {
	case from == to:
		return "", false
	case to == ArticleReviewed && from == ArticleDraft:
		return access.ActionReview, true
	case to == ArticlePublished && (from == ArticleReviewed || from == ArticleDraft):
		return access.ActionPublish, true
	case to == ArticleDraft && (from == ArticleReviewed || from == ArticlePublished):
		return access.ActionReview, true
	}
	return "", false
}

// Article is an article as its reader may see it.
type Article struct {
	ID, Departement, OrganisationID, OrganisationName string
	AuthorName, Title, Summary, Body, Status          string
	ReviewedByName                                    string
	ReviewedAt, PublishedAt                           *time.Time
	CreatedAt, UpdatedAt                              time.Time
	Tags, StructureTypes                              []string
	Agreements                                        []Choice // those the reader may read
	Structures                                        []Choice
	Attachments                                       []FileInfo
	CanEdit, CanReview, CanPublish                    bool
	author                                            sql.NullString
}

func (a *Article) StatusLabel() string { return Label(ArticleStatuses, a.Status) }

// Paragraphs splits the body on blank lines: the body is plain text.
func (a *Article) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(a.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (a *Article) resource() access.Resource {
	return access.Resource{Type: access.ResArticle, ID: a.ID, OrganisationIDs: []string{a.OrganisationID}, AccountID: a.author.String,
		Departement: a.Departement, Status: a.Status}
}

// ArticleInput is an article as its author writes it.
type ArticleInput struct {
	// OrganisationID: the organisation the author writes for; "" takes
	// the first one they may write for.
	OrganisationID       string
	Title, Summary, Body string
	Tags, StructureTypes []string
	AgreementIDs         []string
	StructureIDs         []string
	Attachments          []attach.File // added on creation
}

// NormalizeArticle checks an article; tags are folded to lower case
// without duplicates.
func NormalizeArticle(in ArticleInput) (ArticleInput, error) {
	in.Title, in.Summary, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary), strings.TrimSpace(in.Body)
	var v apperr.Validation
	v.Check(in.Title != "", "title", "Donnez un titre à l'article.")
	v.Check(!tooLong(in.Title, 200), "title", "200 caractères au plus.")
	v.Check(in.Summary != "", "summary", "Résumez la pratique en quelques lignes.")
	v.Check(!tooLong(in.Summary, 1000), "summary", "1 000 caractères au plus.")
	v.Check(in.Body != "", "body", "Décrivez la pratique.")
	v.Check(!tooLong(in.Body, 50000), "body", "50 000 caractères au plus.")
	var tags []string
	for _, t := range in.Tags {
		for _, one := range strings.Split(t, ",") {
			one = strings.ToLower(strings.Join(strings.Fields(one), " "))
			if one == "" || slices.Contains(tags, one) {
				continue
			}
			v.Check(!tooLong(one, 40), "tags", "Un mot-clé fait 40 caractères au plus.")
			tags = append(tags, one)
		}
	}
	v.Check(len(tags) <= 10, "tags", "10 mots-clés au plus.")
	in.Tags = tags
	var types []string
	for _, t := range in.StructureTypes {
		if t = strings.TrimSpace(t); t == "" || slices.Contains(types, t) {
			continue
		}
		v.Check(slices.ContainsFunc(org.StructureTypes, func(st org.StructureType) bool { return st.Code == t }),
			"structure_types", "Type de structure inconnu.")
		types = append(types, t)
	}
	in.StructureTypes = types
	in.AgreementIDs = compact(in.AgreementIDs)
	in.StructureIDs = compact(in.StructureIDs)
	v.Check(len(in.AgreementIDs) <= 20, "agreement_ids", "20 accords au plus.")
	v.Check(len(in.StructureIDs) <= 50, "structure_ids", "50 structures au plus.")
	attach.Check(&v, "attachments", in.Attachments)
	return in, v.ErrSaying("L'article n'est pas enregistré : corrigez les champs signalés.")
}

func compact(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// WriterOrgs are the memberships an actor may write articles for: their
// steering authorities, and the structures where they are director or
// educator. The pages offer these; CreateArticle takes one of them.
func WriterOrgs(a access.Actor) []access.Membership {
	var out []access.Membership
	for _, m := range a.Memberships {
		if m.Role == access.RoleSteering && m.OrganisationKind != access.OrgStructure && m.OrganisationKind != access.OrgOperator ||
			(m.Role == access.RoleDirector || m.Role == access.RoleEducator) && m.OrganisationKind == access.OrgStructure {
			out = append(out, m)
		}
	}
	return out
}

// writerOrg is the organisation an actor writes an article for: the one
// asked if they may, else the first they may write for.
func writerOrg(a access.Actor, asked string) (orgID, dep string) {
	for _, m := range WriterOrgs(a) {
		if asked == "" || asked == m.OrganisationID {
			return m.OrganisationID, m.Departement
		}
	}
	return "", ""
}

// CreateArticle records a draft article and returns its id.
func (s *Service) CreateArticle(ctx context.Context, in ArticleInput) (string, error) {
	a := access.ActorFrom(ctx)
	orgID, dep := writerOrg(a, in.OrganisationID)
	if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResArticle, OrganisationIDs: []string{orgID}, Departement: dep}); err != nil || orgID == "" {
		return "", apperr.New(apperr.Forbidden, "Les articles sont écrits par le pilotage et par les équipes des structures.")
	}
	in, err := NormalizeArticle(in)
	if err != nil {
		return "", err
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		if err := s.checkLinks(ctx, tx, dep, in); err != nil {
			return err
		}
		var author any
		if a.AccountID != "" {
			author = a.AccountID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO articles (id, departement, organisation_id, author_account_id, author_name, title,
			summary, body, status, search_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $10)`,
			id, dep, orgID, author, actorName(a), in.Title, in.Summary, in.Body, articleSearch(in), tx.Now); err != nil {
			return fmt.Errorf("insert article: %w", err)
		}
		if err := writeArticleParts(ctx, tx, id, in); err != nil {
			return err
		}
		for _, f := range in.Attachments {
			if err := addFile(ctx, tx, ownerArticle, id, f); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "article.create", ResourceType: string(access.ResArticle), ResourceID: id,
			OrganisationID: orgID})
	})
	return id, err
}

func articleSearch(in ArticleInput) string {
	return SearchText(in.Title, in.Summary, in.Body, strings.Join(in.Tags, " "))
}

// checkLinks checks that the linked agreements are of the territory and
// readable by the author, and the linked structures exist.
func (s *Service) checkLinks(ctx context.Context, tx *db.Tx, dep string, in ArticleInput) error {
	var v apperr.Validation
	a := access.ActorFrom(ctx)
	for _, id := range in.AgreementIDs {
		ag, err := s.load(ctx, tx, id)
		if apperr.Is(err, apperr.NotFound) || (err == nil && (ag.Departement != dep || !access.Can(a, access.ActionView, ag.Resource()))) {
			v.Add("agreement_ids", "Accord inconnu.")
			continue
		}
		if err != nil {
			return err
		}
	}
	for _, id := range in.StructureIDs {
		var n int
		if !db.ValidID(id) {
			v.Add("structure_ids", "Structure inconnue.")
			continue
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = $1 AND kind = 'structure'`, id).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 1, "structure_ids", "Structure inconnue.")
	}
	return v.ErrSaying("L'article n'est pas enregistré : corrigez les champs signalés.")
}

func writeArticleParts(ctx context.Context, tx *db.Tx, id string, in ArticleInput) error {
	for _, q := range []struct {
		sql    string
		values []string
	}{
		{`INSERT INTO article_tags (article_id, tag) VALUES ($1, $2)`, in.Tags},
		{`INSERT INTO article_structure_types (article_id, structure_type) VALUES ($1, $2)`, in.StructureTypes},
		{`INSERT INTO article_agreements (article_id, agreement_id) VALUES ($1, $2)`, in.AgreementIDs},
		{`INSERT INTO article_structures (article_id, structure_id) VALUES ($1, $2)`, in.StructureIDs},
	} {
		for _, v := range q.values {
			if _, err := tx.ExecContext(ctx, q.sql, id, v); err != nil {
				return fmt.Errorf("article parts: %w", err)
			}
		}
	}
	return nil
}

// UpdateArticle replaces an article's text, tags and links. An author
// other than the steering sends a reviewed or published article back to
// draft: what is published has been read by the steering.
func (s *Service) UpdateArticle(ctx context.Context, id string, in ArticleInput) error {
	in, err := NormalizeArticle(in)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		ar, err := s.loadArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, ar.resource()) {
			return apperr.New(apperr.NotFound, "Article introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, ar.resource()); err != nil {
			return err
		}
		if err := s.checkLinks(ctx, tx, ar.Departement, in); err != nil {
			return err
		}
		status := ar.Status
		if !access.Can(a, access.ActionPublish, ar.resource()) {
			status = ArticleDraft
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET title = $1, summary = $2, body = $3, status = $4, search_text = $5,
			updated_at = $6 WHERE id = $7`, in.Title, in.Summary, in.Body, status, articleSearch(in), tx.Now, id); err != nil {
			return err
		}
		for _, t := range []string{"article_tags", "article_structure_types", "article_agreements", "article_structures"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE article_id = $1`, id); err != nil {
				return err
			}
		}
		if err := writeArticleParts(ctx, tx, id, in); err != nil {
			return err
		}
		for _, f := range in.Attachments {
			if err := addFile(ctx, tx, ownerArticle, id, f); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "article.update", ResourceType: string(access.ResArticle), ResourceID: id,
			Details: map[string]any{"status": status, "from_status": ar.Status}})
	})
}

// SetArticleStatus moves an article along its workflow.
func (s *Service) SetArticleStatus(ctx context.Context, id, to string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		ar, err := s.loadArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, ar.resource()) {
			return apperr.New(apperr.NotFound, "Article introuvable.")
		}
		action, ok := ArticleStep(ar.Status, to)
		if !ok {
			if !slices.ContainsFunc(ArticleStatuses, func(c Code) bool { return c.Code == to }) {
				return &apperr.Error{Code: apperr.Invalid, Message: "Étape inconnue.", Fields: map[string]string{"status": "Étape inconnue : draft, reviewed ou published."}}
			}
			return apperr.Errorf(apperr.Conflict, "L'article est déjà « %s » : cette étape n'est pas possible.", ar.StatusLabel())
		}
		if err := access.Check(ctx, action, ar.resource()); err != nil {
			return apperr.New(apperr.Forbidden, "La relecture et la publication sont faites par le pilotage du territoire.")
		}
		set := `status = $1, updated_at = $2`
		args := []any{to, tx.Now}
		switch to {
		case ArticleReviewed:
			set += `, reviewed_by_name = $3, reviewed_at = $2`
			args = append(args, actorName(a))
		case ArticlePublished:
			set += `, published_at = $2`
			if ar.ReviewedAt == nil {
				set += `, reviewed_by_name = $3, reviewed_at = $2`
				args = append(args, actorName(a))
			}
		}
		args = append(args, id)
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET `+set+` WHERE id = $`+fmt.Sprint(len(args)), args...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "article.status", ResourceType: string(access.ResArticle), ResourceID: id,
			Details: map[string]any{"from": ar.Status, "to": to}})
	})
}

func (s *Service) loadArticle(ctx context.Context, tx *db.Tx, id string) (*Article, error) {
	if !db.ValidID(id) {
		return nil, apperr.New(apperr.NotFound, "Article introuvable.")
	}
	ar := &Article{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT a.departement, a.organisation_id, o.name, a.author_account_id, a.author_name, a.title, a.summary,
		a.body, a.status, a.reviewed_by_name, a.reviewed_at, a.published_at, a.created_at, a.updated_at
		FROM articles a JOIN organisations o ON o.id = a.organisation_id WHERE a.id = $1`, id).Scan(&ar.Departement, &ar.OrganisationID,
		&ar.OrganisationName, &ar.author, &ar.AuthorName, &ar.Title, &ar.Summary, &ar.Body, &ar.Status, &ar.ReviewedByName, &ar.ReviewedAt,
		&ar.PublishedAt, &ar.CreatedAt, &ar.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Article introuvable.")
	}
	return ar, err
}

// GetArticle returns an article the actor may read, with its tags,
// links (the agreements the reader may read) and attachments.
func (s *Service) GetArticle(ctx context.Context, id string) (*Article, error) {
	var ar *Article
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if ar, err = s.loadArticle(ctx, tx, id); err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, ar.resource()) {
			return apperr.New(apperr.NotFound, "Article introuvable.")
		}
		ar.CanEdit = access.Can(a, access.ActionUpdate, ar.resource())
		ar.CanReview = access.Can(a, access.ActionReview, ar.resource())
		ar.CanPublish = access.Can(a, access.ActionPublish, ar.resource())
		if ar.Tags, err = strings1(ctx, tx, `SELECT tag FROM article_tags WHERE article_id = $1 ORDER BY tag`, id); err != nil {
			return err
		}
		if ar.StructureTypes, err = strings1(ctx, tx, `SELECT structure_type FROM article_structure_types WHERE article_id = $1 ORDER BY structure_type`, id); err != nil {
			return err
		}
		var args db.Args
		args.Add(id)
		rows, err := tx.QueryContext(ctx, `SELECT ag.id, ag.title, ag.kind FROM article_agreements x JOIN agreements ag ON ag.id = x.agreement_id
			WHERE x.article_id = $1 AND `+access.AgreementScope(a, "ag.departement", "ag.status", "ag.id", &args)+` ORDER BY ag.title`, args.Values()...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Name, &c.Kind); err != nil {
				rows.Close()
				return err
			}
			ar.Agreements = append(ar.Agreements, c)
		}
		rows.Close()
		if rows, err = tx.QueryContext(ctx, `SELECT o.id, o.name FROM article_structures x JOIN organisations o ON o.id = x.structure_id
			WHERE x.article_id = $1 ORDER BY o.name`, id); err != nil {
			return err
		}
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Name); err != nil {
				rows.Close()
				return err
			}
			ar.Structures = append(ar.Structures, c)
		}
		rows.Close()
		ar.Attachments, err = listFiles(ctx, tx, ownerArticle, id)
		return err
	})
	return ar, err
}

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

// ArticleFilter narrows the knowledge base.
type ArticleFilter struct {
	Text, Tag, StructureType, Status string
}

// ArticleItem is a line of the knowledge base.
type ArticleItem struct {
	ID, Title, Summary, Status, AuthorName, OrganisationName string
	Tags                                                     []string
	UpdatedAt                                                time.Time
}

func (i ArticleItem) StatusLabel() string { return Label(ArticleStatuses, i.Status) }

// Articles lists the articles the actor may read matching f, the latest first.
func (s *Service) Articles(ctx context.Context, f ArticleFilter) ([]ArticleItem, error) {
	var v apperr.Validation
	v.Check(f.Status == "" || slices.ContainsFunc(ArticleStatuses, func(c Code) bool { return c.Code == f.Status }), "status", "Étape inconnue.")
	v.Check(f.StructureType == "" || slices.ContainsFunc(org.StructureTypes, func(st org.StructureType) bool { return st.Code == f.StructureType }),
		"structure_type", "Type de structure inconnu.")
	if err := v.ErrSaying("La recherche est à corriger."); err != nil {
		return nil, err
	}
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResArticle}); err != nil {
		return nil, err
	}
	var out []ArticleItem
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := []string{access.ArticleScope(access.ActorFrom(ctx), "a.departement", "a.status", "a.organisation_id", "a.author_account_id", &args)}
		for _, w := range strings.Fields(geo.Fold(f.Text)) {
			where = append(where, `a.search_text LIKE `+args.Add(db.Like(w))+` ESCAPE '\'`)
		}
		if t := strings.ToLower(strings.TrimSpace(f.Tag)); t != "" {
			where = append(where, "EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = "+args.Add(t)+")")
		}
		if f.StructureType != "" {
			where = append(where, "EXISTS (SELECT 1 FROM article_structure_types st WHERE st.article_id = a.id AND st.structure_type = "+args.Add(f.StructureType)+")")
		}
		if f.Status != "" {
			where = append(where, "a.status = "+args.Add(f.Status))
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.title, a.summary, a.status, a.author_name, o.name, a.updated_at
			FROM articles a JOIN organisations o ON o.id = a.organisation_id WHERE `+strings.Join(where, " AND ")+`
			ORDER BY a.updated_at DESC, a.id LIMIT 300`, args.Values()...)
		if err != nil {
			return err
		}
		byID := map[string]int{}
		for rows.Next() {
			var it ArticleItem
			if err := rows.Scan(&it.ID, &it.Title, &it.Summary, &it.Status, &it.AuthorName, &it.OrganisationName, &it.UpdatedAt); err != nil {
				rows.Close()
				return err
			}
			byID[it.ID] = len(out)
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(out) == 0 {
			return err
		}
		// The tags of all the articles in one query.
		ids := make([]string, len(out))
		for i, it := range out {
			ids[i] = it.ID
		}
		var ta db.Args
		trows, err := tx.QueryContext(ctx, `SELECT article_id, tag FROM article_tags WHERE article_id IN (`+db.List(&ta, ids)+`)
			ORDER BY article_id, tag`, ta.Values()...)
		if err != nil {
			return err
		}
		defer trows.Close()
		for trows.Next() {
			var id, tag string
			if err := trows.Scan(&id, &tag); err != nil {
				return err
			}
			out[byID[id]].Tags = append(out[byID[id]].Tags, tag)
		}
		return trows.Err()
	})
	return out, err
}

// Tags lists the tags of the articles the actor may read, for the filters.
func (s *Service) Tags(ctx context.Context) ([]string, error) {
	var out []string
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		var err error
		out, err = strings1(ctx, tx, `SELECT DISTINCT t.tag FROM article_tags t JOIN articles a ON a.id = t.article_id WHERE `+
			access.ArticleScope(access.ActorFrom(ctx), "a.departement", "a.status", "a.organisation_id", "a.author_account_id", &args)+
			` ORDER BY t.tag LIMIT 200`, args.Values()...)
		return err
	})
	return out, err
}

// AddArticleFiles attaches files to an article.
func (s *Service) AddArticleFiles(ctx context.Context, id string, files []attach.File) error {
	var v apperr.Validation
	v.Check(len(files) > 0, "attachments", "Choisissez un fichier.")
	attach.Check(&v, "attachments", files)
	if err := v.ErrSaying("La pièce jointe n'est pas enregistrée."); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		ar, err := s.loadArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, ar.resource()) {
			return apperr.New(apperr.NotFound, "Article introuvable.")
		}
		if err := access.Check(ctx, access.ActionUpdate, ar.resource()); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cooperation_files WHERE owner_type = $1 AND owner_id = $2`, ownerArticle, id).Scan(&n); err != nil {
			return err
		}
		if n+len(files) > 10 {
			return &apperr.Error{Code: apperr.Invalid, Message: "La pièce jointe n'est pas enregistrée.",
				Fields: map[string]string{"attachments": "10 pièces jointes au plus par article."}}
		}
		for _, f := range files {
			if err := addFile(ctx, tx, ownerArticle, id, f); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "article.attach", ResourceType: string(access.ResArticle), ResourceID: id,
			Details: map[string]any{"files": len(files)}})
	})
}

// ArticleFile returns an attachment of an article the actor may read.
func (s *Service) ArticleFile(ctx context.Context, id, fileID string) (attach.File, error) {
	var f attach.File
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		ar, err := s.loadArticle(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, ar.resource()) {
			return apperr.New(apperr.NotFound, "Article introuvable.")
		}
		if !db.ValidID(fileID) {
			return apperr.New(apperr.NotFound, "Document introuvable.")
		}
		f, err = readFile(ctx, tx, ownerArticle, id, fileID)
		return err
	})
	return f, err
}

// StructureChoices lists the structures of a département, for linking.
func (s *Service) StructureChoices(ctx context.Context, departement string) ([]Choice, error) {
	var out []Choice
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name FROM organisations WHERE kind = 'structure' AND active = TRUE AND departement = $1
			ORDER BY name LIMIT 3000`, departement)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Name); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}
