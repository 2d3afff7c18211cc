package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/notify"
	"passerelle/internal/org"
)

func errNoCampaign() error {
	return apperr.New(apperr.NotFound, "Cette enquête n'existe pas, ou elle ne vous concerne pas.")
}

// resource is the campaign as the policy sees it.
func (c *Campaign) resource() access.Resource {
	return access.Resource{Type: access.ResSurveyCampaign, ID: c.ID, OrganisationIDs: []string{c.OwnerOrgID},
		Departement: c.Departement, RecipientIDs: c.targetIDs}
}

// answerResource is a target structure's answer as the policy sees it.
func (c *Campaign) answerResource(structureID string) access.Resource {
	r := c.resource()
	r.Type, r.ProviderID = access.ResSurveyAnswer, structureID
	return r
}

// NormalizeTargeting trims a targeting and checks it against the owner's
// département dep: the campaign never leaves it.
func NormalizeTargeting(t Targeting, dep string) (Targeting, error) {
	var v apperr.Validation
	clean := func(xs []string) []string {
		var out []string
		for _, x := range xs {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	t.StructureTypes, t.Departements, t.Communes, t.StructureIDs = clean(t.StructureTypes), clean(t.Departements), clean(t.Communes), clean(t.StructureIDs)
	t.Sector = strings.TrimSpace(t.Sector)
	for _, x := range t.StructureTypes {
		v.Check(org.ValidStructureType(x), "structure_types", "Un des types de structure choisis n'existe pas.")
	}
	v.Check(t.Sector == "" || slices.Contains(org.Sectors, t.Sector), "sector", "Secteur inconnu.")
	for _, x := range t.Departements {
		v.Check(x == dep, "departements", "Une enquête ne part qu'aux structures du département de l'autorité qui la mène ("+dep+").")
	}
	for _, x := range t.Communes {
		v.Check(len(x) == 5, "communes", "Un code commune (INSEE) compte 5 caractères.")
	}
	for _, x := range t.StructureIDs {
		v.Check(db.ValidID(x), "structure_ids", "Une des structures choisies n'est pas dans l'annuaire.")
	}
	if t.Explicit && len(t.StructureIDs) == 0 {
		v.Add("structure_ids", "Choisissez au moins une structure.")
	}
	return t, v.ErrSaying("L'enquête n'a pas été lancée : corrigez le choix des structures.")
}

// targetCondition is the SQL condition choosing the active structures of
// département dep that t targets; o is organisations, st structures.
func targetCondition(t Targeting, dep string, args *db.Args) string {
	base := "o.kind = 'structure' AND o.active = TRUE AND o.departement = " + args.Add(dep)
	var list string
	if len(t.StructureIDs) > 0 {
		list = "o.id IN (" + db.List(args, t.StructureIDs) + ")"
	}
	if t.Explicit {
		return base + " AND " + list
	}
	var filters []string
	if len(t.StructureTypes) > 0 {
		filters = append(filters, "o.structure_type IN ("+db.List(args, t.StructureTypes)+")")
	}
	if t.Sector != "" {
		filters = append(filters, "COALESCE(st.sector, '') = "+args.Add(t.Sector))
	}
	if len(t.Communes) > 0 {
		filters = append(filters, "o.commune_code IN ("+db.List(args, t.Communes)+")")
	}
	// Départements can only be dep (checked): no filter to add.
	cond := "TRUE"
	if len(filters) > 0 {
		cond = strings.Join(filters, " AND ")
	}
	if list != "" && len(filters) > 0 {
		cond = "(" + cond + " OR " + list + ")"
	} else if list != "" {
		// Only a list: the list alone.
		cond = list
	}
	return base + " AND " + cond
}

// selectTargets reads the structures a targeting chooses, by name.
func selectTargets(ctx context.Context, tx *db.Tx, t Targeting, dep string) ([]TargetStructure, error) {
	var args db.Args
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.structure_type, o.departement, o.commune_code
		FROM organisations o LEFT JOIN structures st ON st.id = o.id WHERE `+targetCondition(t, dep, &args)+` ORDER BY o.name, o.id`, args.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TargetStructure
	for rows.Next() {
		var x TargetStructure
		if err := rows.Scan(&x.ID, &x.Name, &x.StructureType, &x.Departement, &x.CommuneCode); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// launchable loads a survey the actor may launch.
func launchable(ctx context.Context, tx *db.Tx, surveyID string) (*Survey, error) {
	sv, err := loadSurvey(ctx, tx, surveyID)
	if err != nil {
		return nil, err
	}
	if !access.Can(access.ActorFrom(ctx), access.ActionView, sv.Resource()) {
		return nil, errNoSurvey()
	}
	res := access.Resource{Type: access.ResSurveyCampaign, OrganisationIDs: []string{sv.OwnerOrgID}, Departement: sv.Departement}
	if err := access.Check(ctx, access.ActionCreate, res); err != nil {
		return nil, err
	}
	return sv, nil
}

// PreviewTargets counts the structures a targeting chooses for a survey's
// campaign (within the survey owner's département).
func (s *Service) PreviewTargets(ctx context.Context, surveyID string, t Targeting) (Preview, error) {
	var p Preview
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		sv, err := launchable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		if t, err = NormalizeTargeting(t, sv.Departement); err != nil {
			return err
		}
		p.Structures, err = selectTargets(ctx, tx, t, sv.Departement)
		p.Count = len(p.Structures)
		return err
	})
	return p, err
}

// Launch starts a campaign of a survey: the survey is frozen, the target
// structures' directors are told, and the campaign's id is returned.
func (s *Service) Launch(ctx context.Context, surveyID string, in LaunchInput) (string, error) {
	id := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := launchable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		if len(sv.Questions()) == 0 {
			return apperr.New(apperr.Conflict, "Cette enquête ne compte aucune question : ajoutez-en avant de la lancer.")
		}
		deadline, err := ParseDeadline(in.Deadline, tx.Now)
		t, terr := NormalizeTargeting(in.Targeting, sv.Departement)
		if err := joinInvalid(err, terr); err != nil {
			return err
		}
		targets, err := selectTargets(ctx, tx, t, sv.Departement)
		if err != nil {
			return err
		}
		if len(targets) == 0 {
			var v apperr.Validation
			v.Add("targeting", "Aucune structure active du département ne correspond à ce choix.")
			return v.ErrSaying("L'enquête n'a pas été lancée.")
		}
		a := access.ActorFrom(ctx)
		targeting, _ := json.Marshal(t)
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_campaigns (id, survey_id, owner_org_id, departement, deadline_at, targeting, launched_by, launched_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, sv.ID, sv.OwnerOrgID, sv.Departement, deadline, string(targeting), accountOrNil(a), tx.Now); err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		body := fmt.Sprintf("%s demande à votre structure de répondre à l'enquête « %s » avant le %s.", sv.OwnerOrgName, sv.Title,
			deadline.In(paris).Format("02/01/2006 à 15:04"))
		for _, x := range targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_targets (campaign_id, structure_id, structure_name, structure_type, departement, commune_code)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, x.ID, x.Name, x.StructureType, x.Departement, x.CommuneCode); err != nil {
				return fmt.Errorf("insert target: %w", err)
			}
			if err := tellDirectors(ctx, tx, s.BaseURL, x.ID, "survey.launched", "Enquête à remplir : "+sv.Title, body, answerLink(id)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET updated_at = $1 WHERE id = $2`, tx.Now, sv.ID); err != nil {
			return err
		}
		return record(ctx, tx, "survey.launch", access.ResSurveyCampaign, id, sv.OwnerOrgID,
			map[string]any{"survey": sv.ID, "targets": len(targets), "deadline": deadline.Format(time.RFC3339)})
	})
	return id, err
}

// joinInvalid merges the fields of two validation errors into one.
func joinInvalid(a, b error) error {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	ea, ok1 := apperr.As(a)
	eb, ok2 := apperr.As(b)
	if !ok1 || !ok2 {
		return a
	}
	var v apperr.Validation
	for k, m := range ea.Fields {
		v.Add(k, m)
	}
	for k, m := range eb.Fields {
		v.Add(k, m)
	}
	return v.ErrSaying("L'enquête n'a pas été lancée : corrigez les champs signalés.")
}

func answerLink(campaignID string) string { return "/campagnes/" + campaignID + "/reponse" }

// tellDirectors notifies the directors of a structure (in the application,
// and by e-mail now or in the day's summary).
func tellDirectors(ctx context.Context, tx *db.Tx, base *url.URL, structureID, kind, title, body, link string) error {
	return notify.TellStaff(ctx, tx, base, structureID, []string{string(access.RoleDirector)}, kind, title, body, link, "Pour répondre", false)
}

// campaignCols are the columns scanCampaign reads.
const campaignCols = `c.id, c.survey_id, s.title, s.intro, c.owner_org_id, o.name, c.departement, c.deadline_at, c.launched_at, c.closed_at`

func scanCampaign(row interface{ Scan(...any) error }) (*Campaign, error) {
	c := &Campaign{}
	var closed sql.NullTime
	if err := row.Scan(&c.ID, &c.SurveyID, &c.Title, &c.Intro, &c.OwnerOrgID, &c.OwnerOrgName, &c.Departement, &c.Deadline, &c.LaunchedAt, &closed); err != nil {
		return nil, err
	}
	c.Deadline, c.LaunchedAt = c.Deadline.UTC(), c.LaunchedAt.UTC()
	if closed.Valid {
		t := closed.Time.UTC()
		c.ClosedAt = &t
	}
	return c, nil
}

// loadCampaign reads a campaign with all its targets and their answers'
// statuses (no policy check).
func loadCampaign(ctx context.Context, tx *db.Tx, id string) (*Campaign, error) {
	if !db.ValidID(id) {
		return nil, errNoCampaign()
	}
	c, err := scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM survey_campaigns c JOIN surveys s ON s.id = c.survey_id
		JOIN organisations o ON o.id = c.owner_org_id WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoCampaign()
	}
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT t.structure_id, t.structure_name, t.structure_type, t.departement, t.commune_code,
		COALESCE(a.status, ''), a.submitted_at FROM survey_targets t
		LEFT JOIN survey_answers a ON a.campaign_id = t.campaign_id AND a.structure_id = t.structure_id
		WHERE t.campaign_id = $1 ORDER BY t.structure_name, t.structure_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t Target
		var status string
		var submitted sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.StructureType, &t.Departement, &t.CommuneCode, &status, &submitted); err != nil {
			return nil, err
		}
		t.Status = answerStatus(status)
		if t.Status == Submitted && submitted.Valid {
			at := submitted.Time.UTC()
			t.SubmittedAt = &at
			t.OnTime = !at.After(c.Deadline)
		}
		c.Targets = append(c.Targets, t)
		c.targetIDs = append(c.targetIDs, t.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	n := Count(c.Targets)
	c.TargetCount, c.SubmittedCount, c.OnTimeCount, c.DraftCount = n.Targets, n.Submitted, n.OnTime, n.Drafts
	return c, nil
}

func answerStatus(s string) AnswerStatus {
	switch s {
	case "draft":
		return Drafted
	case "submitted":
		return Submitted
	}
	return NotStarted
}

// forReader fills what the reader may do and strips what only the owner
// side reads (targets and counts), keeping the reader's own structure.
func (c *Campaign) forReader(a access.Actor) {
	res := c.resource()
	c.CanSeeResults = access.Can(a, access.ActionViewResults, res)
	c.CanClose = c.Open() && access.Can(a, access.ActionUpdate, res)
	// An account may work in several target structures: each answers.
	c.Mine = nil
	for _, t := range c.Targets {
		if slices.Contains(access.SurveyAnswerOrgs(a), t.ID) {
			c.Mine = append(c.Mine, t)
		}
	}
	if len(c.Mine) > 0 {
		c.MyStructureID, c.MyStructureName, c.MyStatus = c.Mine[0].ID, c.Mine[0].Name, c.Mine[0].Status
	}
	if !c.CanSeeResults {
		c.Targets = nil
		c.TargetCount, c.SubmittedCount, c.OnTimeCount, c.DraftCount = 0, 0, 0, 0
	}
}

// GetCampaign returns a campaign; its owner side gets the targets with
// their statuses.
func (s *Service) GetCampaign(ctx context.Context, id string) (*Campaign, error) {
	var c *Campaign
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if c, err = loadCampaign(ctx, tx, id); err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, c.resource()) {
			return errNoCampaign()
		}
		c.forReader(a)
		return nil
	})
	return c, err
}

// ListCampaigns lists the campaigns the actor sees: those of their
// steering départements (all for administrators) and those sent to the
// structures where they are director or educator (with MyStatus), newest
// first. surveyID "" lists them all.
func (s *Service) ListCampaigns(ctx context.Context, surveyID string) ([]Campaign, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResSurveyCampaign}); err != nil {
		return nil, err
	}
	var out []Campaign
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		where := access.CampaignScope(a, "c.departement", "c.id", &args)
		if surveyID != "" {
			where += " AND c.survey_id = " + args.Add(surveyID)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+campaignCols+` FROM survey_campaigns c JOIN surveys s ON s.id = c.survey_id
			JOIN organisations o ON o.id = c.owner_org_id WHERE `+where+` ORDER BY c.launched_at DESC, c.id DESC`, args.Values()...)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			c, err := scanCampaign(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *c)
			ids = append(ids, c.ID)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		// Targets and statuses of these campaigns, in one query.
		var targs db.Args
		rows, err = tx.QueryContext(ctx, `SELECT t.campaign_id, t.structure_id, t.structure_name, COALESCE(a.status, ''), a.submitted_at
			FROM survey_targets t LEFT JOIN survey_answers a ON a.campaign_id = t.campaign_id AND a.structure_id = t.structure_id
			WHERE t.campaign_id IN (`+db.List(&targs, ids)+`) ORDER BY t.structure_name, t.structure_id`, targs.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		byID := map[string]*Campaign{}
		for i := range out {
			byID[out[i].ID] = &out[i]
		}
		for rows.Next() {
			var cid string
			var t Target
			var status string
			var submitted sql.NullTime
			if err := rows.Scan(&cid, &t.ID, &t.Name, &status, &submitted); err != nil {
				return err
			}
			c := byID[cid]
			t.Status = answerStatus(status)
			if t.Status == Submitted && submitted.Valid {
				at := submitted.Time.UTC()
				t.SubmittedAt, t.OnTime = &at, !at.After(c.Deadline)
			}
			c.Targets = append(c.Targets, t)
			c.targetIDs = append(c.targetIDs, t.ID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			n := Count(out[i].Targets)
			out[i].TargetCount, out[i].SubmittedCount, out[i].OnTimeCount, out[i].DraftCount = n.Targets, n.Submitted, n.OnTime, n.Drafts
			out[i].forReader(a)
		}
		return nil
	})
	return out, err
}

// CloseCampaign closes a campaign: no answer is taken any more.
func (s *Service) CloseCampaign(ctx context.Context, id string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		c, err := loadCampaign(ctx, tx, id)
		if err != nil {
			return err
		}
		a := access.ActorFrom(ctx)
		if !access.Can(a, access.ActionView, c.resource()) {
			return errNoCampaign()
		}
		if err := access.Check(ctx, access.ActionUpdate, c.resource()); err != nil {
			return err
		}
		if !c.Open() {
			return apperr.New(apperr.Conflict, "Cette enquête est déjà close.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE survey_campaigns SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL`,
			tx.Now, accountOrNil(a), id); err != nil {
			return err
		}
		n := Count(c.Targets)
		return record(ctx, tx, "survey.close", access.ResSurveyCampaign, id, c.OwnerOrgID,
			map[string]any{"targets": n.Targets, "submitted": n.Submitted, "on_time": n.OnTime})
	})
}
