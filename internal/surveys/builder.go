package surveys

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
)

// Resource is the survey as the policy sees it.
func (s *Survey) Resource() access.Resource {
	return access.Resource{Type: access.ResSurvey, ID: s.ID, OrganisationIDs: []string{s.OwnerOrgID}, Departement: s.Departement}
}

func errNoSurvey() error {
	return apperr.New(apperr.NotFound, "Cette enquête n'existe pas, ou elle ne vous concerne pas.")
}

func errLocked() error {
	return apperr.New(apperr.Conflict, "Cette enquête a déjà été lancée : ses questions ne changent plus. Dupliquez-la pour en faire une nouvelle version.")
}

// record writes an audit line for a survey or campaign.
func record(ctx context.Context, tx *db.Tx, action string, res access.ResourceType, id, org string, details map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ResourceType: string(res), ResourceID: id, OrganisationID: org, Details: details})
}

// ListSurveys lists the surveys the actor may build or launch: those of
// their steering départements (all for administrators), newest first.
func (s *Service) ListSurveys(ctx context.Context) ([]SurveySummary, error) {
	a := access.ActorFrom(ctx)
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResSurvey}); err != nil {
		return nil, err
	}
	var out []SurveySummary
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var args db.Args
		rows, err := tx.QueryContext(ctx, `SELECT s.id, s.title, o.name, s.departement, s.updated_at,
			(SELECT count(*) FROM survey_questions q WHERE q.survey_id = s.id),
			(SELECT count(*) FROM survey_campaigns c WHERE c.survey_id = s.id)
			FROM surveys s JOIN organisations o ON o.id = s.owner_org_id
			WHERE `+access.SurveyScope(a, "s.departement", &args)+` ORDER BY s.updated_at DESC, s.id DESC`, args.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x SurveySummary
			if err := rows.Scan(&x.ID, &x.Title, &x.OwnerOrgName, &x.Departement, &x.UpdatedAt, &x.Questions, &x.Campaigns); err != nil {
				return err
			}
			x.UpdatedAt = x.UpdatedAt.UTC()
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// ownerOrganisation returns the steering organisation that will own a new
// survey, with its département: the one asked for, else the actor's first.
func ownerOrganisation(ctx context.Context, tx *db.Tx, a access.Actor, asked string) (string, string, error) {
	if asked == "" {
		for _, m := range a.Memberships {
			if m.Role == access.RoleSteering && slices.Contains([]access.OrgKind{access.OrgASE, access.OrgARS, access.OrgMDPH}, m.OrganisationKind) {
				asked = m.OrganisationID
				break
			}
		}
	}
	var v apperr.Validation
	if asked == "" && !a.IsAdmin() {
		return "", "", apperr.New(apperr.Forbidden, "Les enquêtes sont menées par le pilotage du territoire : ASE, ARS ou MDPH.")
	}
	if asked == "" {
		v.Add("owner", "Choisissez l'autorité (ASE, ARS ou MDPH) au nom de laquelle l'enquête est menée.")
		return "", "", v.ErrSaying("L'enquête n'a pas été créée.")
	}
	var dep string
	err := tx.QueryRowContext(ctx, `SELECT departement FROM organisations WHERE id = $1 AND kind IN ('ase','ars','mdph') AND active = TRUE`, asked).Scan(&dep)
	if errors.Is(err, sql.ErrNoRows) || !db.ValidID(asked) {
		v.Add("owner", "Une enquête est menée au nom d'une autorité du territoire : ASE, ARS ou MDPH.")
		return "", "", v.ErrSaying("L'enquête n'a pas été créée.")
	}
	return asked, dep, err
}

// CreateSurvey records a blank survey, or a copy of a template when
// in.Template is set, and returns its id.
func (s *Service) CreateSurvey(ctx context.Context, in SurveyInput) (string, error) {
	a := access.ActorFrom(ctx)
	in, err := NormalizeSurvey(in)
	if err != nil {
		return "", err
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		owner, dep, err := ownerOrganisation(ctx, tx, a, in.OwnerOrgID)
		if err != nil {
			return err
		}
		if err := access.Check(ctx, access.ActionCreate, access.Resource{Type: access.ResSurvey, OrganisationIDs: []string{owner}, Departement: dep}); err != nil {
			return err
		}
		var sections []Section
		if in.Template != "" {
			t, _ := templateByKey(in.Template)
			if in.Title == "" {
				in.Title = t.Title
			}
			if in.Intro == "" {
				in.Intro = t.Intro
			}
			sections = t.Sections
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (id, owner_org_id, departement, title, intro, template_key, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, id, owner, dep, in.Title, in.Intro, in.Template, accountOrNil(a), tx.Now); err != nil {
			return fmt.Errorf("insert survey: %w", err)
		}
		if err := copySections(ctx, tx, id, sections); err != nil {
			return err
		}
		return record(ctx, tx, "survey.create", access.ResSurvey, id, owner, map[string]any{"template": in.Template})
	})
	return id, err
}

func accountOrNil(a access.Actor) any {
	if a.AccountID == "" {
		return nil
	}
	return a.AccountID
}

// copySections writes sections and their questions into survey id with new
// ids, rewriting the conditions to the new ids.
func copySections(ctx context.Context, tx *db.Tx, id string, sections []Section) error {
	ids := map[string]string{}
	for i, sec := range sections {
		secID := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_sections (id, survey_id, position, title, intro) VALUES ($1, $2, $3, $4, $5)`,
			secID, id, i+1, sec.Title, sec.Intro); err != nil {
			return fmt.Errorf("insert section: %w", err)
		}
		for j, q := range sec.Questions {
			newID := db.NewID()
			ids[q.ID] = newID
			q.ID, q.SectionID, q.Position = newID, secID, j+1
			if q.ShowIf != nil {
				c := *q.ShowIf
				c.QuestionID = ids[c.QuestionID]
				q.ShowIf = &c
			}
			if err := insertQuestion(ctx, tx, id, q); err != nil {
				return err
			}
		}
	}
	return nil
}

func jsonList(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

func insertQuestion(ctx context.Context, tx *db.Tx, surveyID string, q Question) error {
	var showQ string
	var showV []string
	if q.ShowIf != nil {
		showQ, showV = q.ShowIf.QuestionID, q.ShowIf.Values
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO survey_questions (id, survey_id, section_id, position, kind, label, help, required, options,
		min_value, max_value, unit, min_label, max_label, show_if_question, show_if_values)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		q.ID, surveyID, q.SectionID, q.Position, string(q.Kind), q.Label, q.Help, q.Required, jsonList(q.Options),
		q.Min, q.Max, q.Unit, q.MinLabel, q.MaxLabel, showQ, jsonList(showV))
	if err != nil {
		return fmt.Errorf("insert question: %w", err)
	}
	return nil
}

// loadSurvey reads a survey with its sections and questions (no policy
// check).
func loadSurvey(ctx context.Context, tx *db.Tx, id string) (*Survey, error) {
	if !db.ValidID(id) {
		return nil, errNoSurvey()
	}
	sv := &Survey{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT s.title, s.intro, s.owner_org_id, o.name, s.departement, s.template_key, s.created_at, s.updated_at,
		(SELECT count(*) FROM survey_campaigns c WHERE c.survey_id = s.id)
		FROM surveys s JOIN organisations o ON o.id = s.owner_org_id WHERE s.id = $1`, id).Scan(
		&sv.Title, &sv.Intro, &sv.OwnerOrgID, &sv.OwnerOrgName, &sv.Departement, &sv.TemplateKey, &sv.CreatedAt, &sv.UpdatedAt, &sv.Campaigns)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSurvey()
	}
	if err != nil {
		return nil, fmt.Errorf("survey: %w", err)
	}
	sv.CreatedAt, sv.UpdatedAt = sv.CreatedAt.UTC(), sv.UpdatedAt.UTC()
	sv.Locked = sv.Campaigns > 0
	rows, err := tx.QueryContext(ctx, `SELECT id, position, title, intro FROM survey_sections WHERE survey_id = $1 ORDER BY position, id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sec Section
		if err := rows.Scan(&sec.ID, &sec.Position, &sec.Title, &sec.Intro); err != nil {
			rows.Close()
			return nil, err
		}
		sv.Sections = append(sv.Sections, sec)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, section_id, position, kind, label, help, required, options, min_value, max_value, unit,
		min_label, max_label, show_if_question, show_if_values FROM survey_questions WHERE survey_id = $1 ORDER BY position, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var q Question
		var kind, options, showQ, showV string
		var lo, hi sql.NullFloat64
		if err := rows.Scan(&q.ID, &q.SectionID, &q.Position, &kind, &q.Label, &q.Help, &q.Required, &options, &lo, &hi, &q.Unit,
			&q.MinLabel, &q.MaxLabel, &showQ, &showV); err != nil {
			return nil, err
		}
		q.Kind = QuestionKind(kind)
		if err := json.Unmarshal([]byte(options), &q.Options); err != nil {
			return nil, fmt.Errorf("question %s options: %w", q.ID, err)
		}
		if len(q.Options) == 0 {
			q.Options = nil
		}
		if lo.Valid {
			q.Min = &lo.Float64
		}
		if hi.Valid {
			q.Max = &hi.Float64
		}
		if showQ != "" {
			c := &Condition{QuestionID: showQ}
			if err := json.Unmarshal([]byte(showV), &c.Values); err != nil {
				return nil, fmt.Errorf("question %s condition: %w", q.ID, err)
			}
			q.ShowIf = c
		}
		for i := range sv.Sections {
			if sv.Sections[i].ID == q.SectionID {
				sv.Sections[i].Questions = append(sv.Sections[i].Questions, q)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	n := 0
	for i := range sv.Sections {
		for j := range sv.Sections[i].Questions {
			n++
			sv.Sections[i].Questions[j].Number = n
		}
	}
	return sv, nil
}

// GetSurvey returns a survey with its sections and questions, for its
// builders (NotFound for anyone else).
func (s *Service) GetSurvey(ctx context.Context, id string) (*Survey, error) {
	var sv *Survey
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		if sv, err = loadSurvey(ctx, tx, id); err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, sv.Resource()) {
			return errNoSurvey()
		}
		return nil
	})
	return sv, err
}

// editable loads a survey the actor may change and that has no campaign.
func editable(ctx context.Context, tx *db.Tx, id string) (*Survey, error) {
	sv, err := loadSurvey(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	a := access.ActorFrom(ctx)
	if !access.Can(a, access.ActionView, sv.Resource()) {
		return nil, errNoSurvey()
	}
	if err := access.Check(ctx, access.ActionUpdate, sv.Resource()); err != nil {
		return nil, err
	}
	if sv.Locked {
		return nil, errLocked()
	}
	return sv, nil
}

// changed marks a survey as updated and audits what was done.
func changed(ctx context.Context, tx *db.Tx, sv *Survey, action string, details map[string]any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE surveys SET updated_at = $1 WHERE id = $2`, tx.Now, sv.ID); err != nil {
		return err
	}
	return record(ctx, tx, action, access.ResSurvey, sv.ID, sv.OwnerOrgID, details)
}

// UpdateSurvey changes a survey's title and introduction (in.OwnerOrgID
// and in.Template are ignored).
func (s *Service) UpdateSurvey(ctx context.Context, id string, in SurveyInput) error {
	in.Template = ""
	in, err := NormalizeSurvey(in)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET title = $1, intro = $2 WHERE id = $3`, in.Title, in.Intro, id); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.update", nil)
	})
}

// DuplicateSurvey copies a survey (launched or not) into a new, editable
// one and returns its id.
func (s *Service) DuplicateSurvey(ctx context.Context, id string) (string, error) {
	newID := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := loadSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		if !access.Can(access.ActorFrom(ctx), access.ActionView, sv.Resource()) {
			return errNoSurvey()
		}
		if err := access.Check(ctx, access.ActionCreate, sv.Resource()); err != nil {
			return err
		}
		title := "Copie de " + sv.Title
		if len([]rune(title)) > maxTitle {
			title = string([]rune(title)[:maxTitle])
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (id, owner_org_id, departement, title, intro, template_key, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, newID, sv.OwnerOrgID, sv.Departement, title, sv.Intro, sv.TemplateKey,
			accountOrNil(access.ActorFrom(ctx)), tx.Now); err != nil {
			return fmt.Errorf("insert survey: %w", err)
		}
		if err := copySections(ctx, tx, newID, sv.Sections); err != nil {
			return err
		}
		return record(ctx, tx, "survey.duplicate", access.ResSurvey, newID, sv.OwnerOrgID, map[string]any{"from": id})
	})
	return newID, err
}

// DeleteSurvey deletes a survey that has no campaign.
func (s *Service) DeleteSurvey(ctx context.Context, id string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM surveys WHERE id = $1`, id); err != nil {
			return err
		}
		return record(ctx, tx, "survey.delete", access.ResSurvey, id, sv.OwnerOrgID, map[string]any{"title": sv.Title})
	})
}

func errNoPart() error {
	return apperr.New(apperr.NotFound, "Cette partie ou cette question n'existe pas dans l'enquête.")
}

func sectionIndex(sv *Survey, id string) int {
	return slices.IndexFunc(sv.Sections, func(s Section) bool { return s.ID == id })
}

// AddSection appends a section to a survey and returns its id.
func (s *Service) AddSection(ctx context.Context, surveyID string, in SectionInput) (string, error) {
	in, err := NormalizeSection(in)
	if err != nil {
		return "", err
	}
	id := db.NewID()
	err = s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO survey_sections (id, survey_id, position, title, intro) VALUES ($1, $2, $3, $4, $5)`,
			id, surveyID, len(sv.Sections)+1, in.Title, in.Intro); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.section.add", map[string]any{"section": id})
	})
	return id, err
}

// UpdateSection changes a section's title and introduction.
func (s *Service) UpdateSection(ctx context.Context, surveyID, sectionID string, in SectionInput) error {
	in, err := NormalizeSection(in)
	if err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		if sectionIndex(sv, sectionID) < 0 {
			return errNoPart()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE survey_sections SET title = $1, intro = $2 WHERE id = $3`, in.Title, in.Intro, sectionID); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.section.update", map[string]any{"section": sectionID})
	})
}

// DeleteSection deletes a section with its questions (refused when a
// later question's condition points to one of them).
func (s *Service) DeleteSection(ctx context.Context, surveyID, sectionID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i := sectionIndex(sv, sectionID)
		if i < 0 {
			return errNoPart()
		}
		rest := slices.Delete(slices.Clone(sv.Sections), i, i+1)
		if err := CheckConditions((&Survey{Sections: rest}).Questions()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_sections WHERE id = $1`, sectionID); err != nil {
			return err
		}
		if err := renumberSections(ctx, tx, rest); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.section.delete", map[string]any{"section": sectionID, "questions": len(sv.Sections[i].Questions)})
	})
}

func renumberSections(ctx context.Context, tx *db.Tx, sections []Section) error {
	for i, sec := range sections {
		if _, err := tx.ExecContext(ctx, `UPDATE survey_sections SET position = $1 WHERE id = $2`, i+1, sec.ID); err != nil {
			return err
		}
	}
	return nil
}

func renumberQuestions(ctx context.Context, tx *db.Tx, sectionID string, qs []Question) error {
	for i, q := range qs {
		if _, err := tx.ExecContext(ctx, `UPDATE survey_questions SET position = $1, section_id = $2 WHERE id = $3`, i+1, sectionID, q.ID); err != nil {
			return err
		}
	}
	return nil
}

// MoveSection moves a section up (delta -1) or down (delta +1).
func (s *Service) MoveSection(ctx context.Context, surveyID, sectionID string, delta int) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i := sectionIndex(sv, sectionID)
		if i < 0 {
			return errNoPart()
		}
		j := i + sign(delta)
		if j < 0 || j >= len(sv.Sections) || j == i {
			return nil // already first or last: nothing to do
		}
		moved := slices.Clone(sv.Sections)
		moved[i], moved[j] = moved[j], moved[i]
		if err := CheckConditions((&Survey{Sections: moved}).Questions()); err != nil {
			return err
		}
		if err := renumberSections(ctx, tx, moved); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.section.move", map[string]any{"section": sectionID, "delta": sign(delta)})
	})
}

func sign(d int) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// locate returns the section index and the question index of a question.
func locate(sv *Survey, questionID string) (int, int) {
	for i, sec := range sv.Sections {
		if j := slices.IndexFunc(sec.Questions, func(q Question) bool { return q.ID == questionID }); j >= 0 {
			return i, j
		}
	}
	return -1, -1
}

// before returns the questions placed before section i's question j (j ==
// len means at its end).
func before(sv *Survey, i, j int) []Question {
	var out []Question
	for k := 0; k < i; k++ {
		out = append(out, sv.Sections[k].Questions...)
	}
	return append(out, sv.Sections[i].Questions[:j]...)
}

// AddQuestion appends a question to the section in.SectionID and returns
// its id.
func (s *Service) AddQuestion(ctx context.Context, surveyID string, in QuestionInput) (string, error) {
	id := db.NewID()
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i := sectionIndex(sv, in.SectionID)
		if i < 0 {
			var v apperr.Validation
			v.Add("section_id", "Choisissez la partie de l'enquête où placer la question.")
			return v.ErrSaying("La question n'a pas été enregistrée.")
		}
		q, err := NormalizeQuestion(in, before(sv, i, len(sv.Sections[i].Questions)))
		if err != nil {
			return err
		}
		q.ID, q.SectionID, q.Position = id, in.SectionID, len(sv.Sections[i].Questions)+1
		if err := insertQuestion(ctx, tx, surveyID, q); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.question.add", map[string]any{"question": id, "kind": q.Kind})
	})
	return id, err
}

// UpdateQuestion changes a question (in.SectionID moves it to the end of
// another section when it differs; "" keeps it in place).
func (s *Service) UpdateQuestion(ctx context.Context, surveyID, questionID string, in QuestionInput) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i, j := locate(sv, questionID)
		if i < 0 {
			return errNoPart()
		}
		old := sv.Sections[i].Questions[j]
		to := i
		if in.SectionID != "" && in.SectionID != old.SectionID {
			if to = sectionIndex(sv, in.SectionID); to < 0 {
				var v apperr.Validation
				v.Add("section_id", "Cette partie n'existe pas dans l'enquête.")
				return v.ErrSaying("La question n'a pas été enregistrée.")
			}
		}
		// The question's new place: where it is, or the end of its new section.
		moved := *sv
		moved.Sections = slices.Clone(sv.Sections)
		for k := range moved.Sections {
			moved.Sections[k].Questions = slices.Clone(sv.Sections[k].Questions)
		}
		moved.Sections[i].Questions = slices.Delete(moved.Sections[i].Questions, j, j+1)
		at := j
		if to != i {
			at = len(moved.Sections[to].Questions)
		}
		q, err := NormalizeQuestion(in, before(&moved, to, at))
		if err != nil {
			return err
		}
		q.ID, q.SectionID = questionID, moved.Sections[to].ID
		moved.Sections[to].Questions = slices.Insert(moved.Sections[to].Questions, at, q)
		if err := CheckConditions(moved.Questions()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_questions WHERE id = $1`, questionID); err != nil {
			return err
		}
		q.Position = at + 1
		if err := insertQuestion(ctx, tx, surveyID, q); err != nil {
			return err
		}
		for _, k := range []int{i, to} {
			if err := renumberQuestions(ctx, tx, moved.Sections[k].ID, moved.Sections[k].Questions); err != nil {
				return err
			}
		}
		return changed(ctx, tx, sv, "survey.question.update", map[string]any{"question": questionID, "kind": q.Kind})
	})
}

// DeleteQuestion deletes a question (refused when another question's
// condition points to it).
func (s *Service) DeleteQuestion(ctx context.Context, surveyID, questionID string) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i, j := locate(sv, questionID)
		if i < 0 {
			return errNoPart()
		}
		rest := slices.Delete(slices.Clone(sv.Sections[i].Questions), j, j+1)
		after := *sv
		after.Sections = slices.Clone(sv.Sections)
		after.Sections[i].Questions = rest
		if err := CheckConditions(after.Questions()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM survey_questions WHERE id = $1`, questionID); err != nil {
			return err
		}
		if err := renumberQuestions(ctx, tx, sv.Sections[i].ID, rest); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.question.delete", map[string]any{"question": questionID})
	})
}

// MoveQuestion moves a question up (delta -1) or down (delta +1) inside
// its section.
func (s *Service) MoveQuestion(ctx context.Context, surveyID, questionID string, delta int) error {
	return s.DB.Write(ctx, func(tx *db.Tx) error {
		sv, err := editable(ctx, tx, surveyID)
		if err != nil {
			return err
		}
		i, j := locate(sv, questionID)
		if i < 0 {
			return errNoPart()
		}
		k := j + sign(delta)
		if k < 0 || k >= len(sv.Sections[i].Questions) || k == j {
			return nil
		}
		qs := slices.Clone(sv.Sections[i].Questions)
		qs[j], qs[k] = qs[k], qs[j]
		after := *sv
		after.Sections = slices.Clone(sv.Sections)
		after.Sections[i].Questions = qs
		if err := CheckConditions(after.Questions()); err != nil {
			return err
		}
		if err := renumberQuestions(ctx, tx, sv.Sections[i].ID, qs); err != nil {
			return err
		}
		return changed(ctx, tx, sv, "survey.question.move", map[string]any{"question": questionID, "delta": sign(delta)})
	})
}

// InsertTemplate writes a survey copied from a template for an owner
// organisation, inside tx and without a policy check: it is for the demo
// loader. title "" keeps the template's.
func InsertTemplate(ctx context.Context, tx *db.Tx, key, ownerOrgID, departement, title string) (*Survey, error) {
	t, ok := templateByKey(key)
	if !ok {
		return nil, fmt.Errorf("surveys: no template %q", key)
	}
	if title == "" {
		title = t.Title
	}
	id := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO surveys (id, owner_org_id, departement, title, intro, template_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, ownerOrgID, departement, title, t.Intro, key, tx.Now); err != nil {
		return nil, fmt.Errorf("insert survey: %w", err)
	}
	if err := copySections(ctx, tx, id, t.Sections); err != nil {
		return nil, err
	}
	return loadSurvey(ctx, tx, id)
}
