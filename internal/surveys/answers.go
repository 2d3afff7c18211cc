package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
)

// answering resolves the structure an actor answers for: the one asked,
// else the one target structure the actor directs or works in.
func answering(a access.Actor, c *Campaign, structureID string) (string, error) {
	if structureID != "" {
		return structureID, nil
	}
	var mine []string
	for _, id := range access.SurveyAnswerOrgs(a) {
		if slices.Contains(c.targetIDs, id) {
			mine = append(mine, id)
		}
	}
	switch len(mine) {
	case 0:
		return "", errNoCampaign()
	case 1:
		return mine[0], nil
	}
	var v apperr.Validation
	v.Add("structure_id", "Vous travaillez dans plusieurs structures interrogées : choisissez celle pour laquelle vous répondez.")
	return "", v.ErrSaying("Choisissez la structure.")
}

// loadAnswer reads a structure's saved answer (Status NotStarted when none).
func loadAnswer(ctx context.Context, tx *db.Tx, c *Campaign, structureID string) (*Answer, error) {
	ans := &Answer{Campaign: c, StructureID: structureID, Status: NotStarted, Values: Values{}}
	for _, t := range c.Targets {
		if t.ID == structureID {
			ans.StructureName = t.Name
		}
	}
	var status, raw string
	var saved time.Time
	var submitted sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT status, answer, saved_at, submitted_at FROM survey_answers WHERE campaign_id = $1 AND structure_id = $2`,
		c.ID, structureID).Scan(&status, &raw, &saved, &submitted)
	if errors.Is(err, sql.ErrNoRows) {
		return ans, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &ans.Values); err != nil {
		return nil, fmt.Errorf("answer of %s: %w", structureID, err)
	}
	ans.Status = answerStatus(status)
	saved = saved.UTC()
	ans.SavedAt = &saved
	if ans.Status == Submitted && submitted.Valid {
		at := submitted.Time.UTC()
		ans.SubmittedAt = &at
		ans.Late = at.After(c.Deadline)
	}
	return ans, nil
}

// editBlock says why an answer cannot be changed now, "" when it can.
func editBlock(c *Campaign, status AnswerStatus, now time.Time) string {
	switch {
	case !c.Open():
		return "Cette enquête est close : elle ne prend plus de réponse."
	case status == Submitted && c.Past(now):
		return "La date limite est passée : la réponse envoyée ne peut plus être modifiée."
	}
	return ""
}

// openAnswer loads the campaign and a structure's answer, checking that the
// actor may read it (NotFound otherwise).
func openAnswer(ctx context.Context, tx *db.Tx, campaignID, structureID string) (*Answer, error) {
	c, err := loadCampaign(ctx, tx, campaignID)
	if err != nil {
		return nil, err
	}
	a := access.ActorFrom(ctx)
	if structureID, err = answering(a, c, structureID); err != nil {
		return nil, err
	}
	if !slices.Contains(c.targetIDs, structureID) || !access.Can(a, access.ActionView, c.answerResource(structureID)) {
		return nil, errNoCampaign()
	}
	ans, err := loadAnswer(ctx, tx, c, structureID)
	if err != nil {
		return nil, err
	}
	if ans.Survey, err = loadSurvey(ctx, tx, c.SurveyID); err != nil {
		return nil, err
	}
	ans.CanEdit = access.Can(a, access.ActionAnswer, c.answerResource(structureID)) && editBlock(c, ans.Status, tx.Now) == ""
	return ans, nil
}

// GetAnswer returns a target structure's answer sheet. structureID "" takes
// the one target structure the actor works in (Invalid when several).
func (s *Service) GetAnswer(ctx context.Context, campaignID, structureID string) (*Answer, error) {
	var ans *Answer
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if ans, err = openAnswer(ctx, tx, campaignID, structureID); err != nil {
			return err
		}
		ans.Campaign.forReader(access.ActorFrom(ctx))
		return nil
	})
	return ans, err
}

// SaveAnswer saves a draft answer: it may be incomplete, but every value
// given is checked. An answer already submitted is changed by submitting
// it again (Conflict here), until the deadline.
func (s *Service) SaveAnswer(ctx context.Context, campaignID, structureID string, v Values) error {
	return s.save(ctx, campaignID, structureID, v, false)
}

// SubmitAnswer checks a complete answer and submits it. Before the
// deadline it may be submitted again with changes; after it, a structure
// that has not submitted yet may still do so (counted late) until the
// campaign is closed.
func (s *Service) SubmitAnswer(ctx context.Context, campaignID, structureID string, v Values) error {
	return s.save(ctx, campaignID, structureID, v, true)
}

func (s *Service) save(ctx context.Context, campaignID, structureID string, in Values, submit bool) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		ans, err := openAnswer(ctx, tx, campaignID, structureID)
		if err != nil {
			return err
		}
		c := ans.Campaign
		if err := access.Check(ctx, access.ActionAnswer, c.answerResource(ans.StructureID)); err != nil {
			return err
		}
		if msg := editBlock(c, ans.Status, tx.Now); msg != "" {
			return apperr.New(apperr.Conflict, msg)
		}
		if !submit && ans.Status == Submitted {
			return apperr.New(apperr.Conflict, "Cette réponse est déjà envoyée : modifiez-la et renvoyez-la.")
		}
		values, err := NormalizeAnswer(ans.Survey.Questions(), in, submit)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(values)
		if err != nil {
			return err
		}
		status, action := "draft", "survey.answer.save"
		var submittedAt any
		if submit {
			status, action, submittedAt = "submitted", "survey.answer.submit", tx.Now
		}
		a := access.ActorFrom(ctx)
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (campaign_id, structure_id, status, answer, saved_by, saved_at, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (campaign_id, structure_id) DO UPDATE SET status = excluded.status, answer = excluded.answer,
				saved_by = excluded.saved_by, saved_at = excluded.saved_at, submitted_at = excluded.submitted_at`,
			c.ID, ans.StructureID, status, string(raw), accountOrNil(a), tx.Now, submittedAt); err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
		return record(ctx, tx, action, access.ResSurveyAnswer, c.ID, ans.StructureID,
			map[string]any{"structure": ans.StructureID, "late": submit && c.Past(tx.Now), "answers": len(values)})
	})
}
