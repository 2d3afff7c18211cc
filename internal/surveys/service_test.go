package surveys_test

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
	"passerelle/internal/surveys"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
)

// env is the demo territory on a controlled clock.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *surveys.Service
	clock *dbtest.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)).Use(d)
	if _, _, err := demo.Load(bg, d); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, s: &surveys.Service{DB: d, BaseURL: &url.URL{Scheme: "https", Host: "passerelle.exemple.fr"}}, clock: c}
}

// as is the context of a demo account.
func (e *env) as(mailbox string) context.Context {
	e.t.Helper()
	a := &auth.Service{DB: e.d}
	id, err := a.AccountIDByEmail(system, mailbox+"@demo.passerelle.test")
	if err != nil {
		e.t.Fatal(err)
	}
	actor, err := a.LoadActor(system, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return access.WithActor(bg, actor)
}

// steering69 is the steering of another département (no row needed: the
// policy reads the membership).
func steering69() context.Context {
	return access.WithActor(bg, access.Actor{AccountID: "0190c0de-0000-7000-8000-000000000069", Name: "Pilotage Rhône",
		Memberships: []access.Membership{{OrganisationID: "0190c0de-0000-7000-8000-000000000169", OrganisationKind: access.OrgASE,
			Departement: "69", Role: access.RoleSteering}}})
}

func (e *env) id(q string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&id) }); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid || e.Fields[field] == "" {
		t.Fatalf("%s: want a message on %s, got %v", what, field, err)
	}
}

// The builder: a survey from a template is a copy the steering edits;
// conditions hold through edits and moves; nobody else opens it.
func TestBuildSurvey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steer := e.as("pilotage")
		id := must(e.s.CreateSurvey(steer, surveys.SurveyInput{Template: surveys.TemplateCooperation}))
		sv := must(e.s.GetSurvey(steer, id))
		if sv.Title != "Coopération entre protection de l'enfance et médico-social" || len(sv.Sections) != 4 || len(sv.Questions()) != 17 || sv.Locked {
			t.Fatalf("copy of the template: %q, %d sections, %d questions", sv.Title, len(sv.Sections), len(sv.Questions()))
		}
		qs := sv.Questions()
		if qs[16].Number != 17 || qs[7].ShowIf == nil || qs[7].ShowIf.QuestionID != qs[6].ID {
			t.Fatalf("numbers and conditions: %+v", qs[7])
		}
		for _, who := range []context.Context{e.as("directeur"), e.as("referent"), e.as("famille"), steering69()} {
			wantCode(t, "someone else opens the survey", func() error { _, err := e.s.GetSurvey(who, id); return err }(), apperr.NotFound)
			wantCode(t, "someone else retitles it", e.s.UpdateSurvey(who, id, surveys.SurveyInput{Title: "x"}), apperr.NotFound)
		}
		if _, err := e.s.CreateSurvey(e.as("directeur"), surveys.SurveyInput{Title: "Mon enquête"}); err == nil {
			t.Fatal("a director creates a survey")
		}
		if list := must(e.s.ListSurveys(steering69())); slices.ContainsFunc(list, func(x surveys.SurveySummary) bool { return x.ID == id }) {
			t.Fatal("the Rhône lists the Loire's survey")
		}
		if list := must(e.s.ListSurveys(e.as("admin"))); !slices.ContainsFunc(list, func(x surveys.SurveySummary) bool { return x.ID == id && x.Questions == 17 }) {
			t.Fatal("the administrator does not list it")
		}

		// A blank survey built by hand.
		wantField(t, "no title", func() error { _, err := e.s.CreateSurvey(steer, surveys.SurveyInput{}); return err }(), "title")
		b := must(e.s.CreateSurvey(steer, surveys.SurveyInput{Title: "Places d'urgence", Intro: "Trois questions."}))
		wantField(t, "question without section", func() error {
			_, err := e.s.AddQuestion(steer, b, surveys.QuestionInput{Kind: surveys.YesNo, Label: "x"})
			return err
		}(), "section_id")
		sec := must(e.s.AddSection(steer, b, surveys.SectionInput{Title: "Vos places"}))
		sec2 := must(e.s.AddSection(steer, b, surveys.SectionInput{Title: "Vos besoins"}))
		has := must(e.s.AddQuestion(steer, b, surveys.QuestionInput{SectionID: sec, Kind: surveys.YesNo, Label: "Avez-vous une place d'urgence ?", Required: true}))
		wantField(t, "bad number bound", func() error {
			_, err := e.s.AddQuestion(steer, b, surveys.QuestionInput{SectionID: sec, Kind: surveys.Number, Label: "Combien ?", Min: "zéro"})
			return err
		}(), "min")
		many := must(e.s.AddQuestion(steer, b, surveys.QuestionInput{SectionID: sec, Kind: surveys.Number, Label: "Combien ?", Min: "0",
			ShowIfQuestion: has, ShowIfValues: []string{surveys.Yes}}))
		wantField(t, "condition on a later question", func() error {
			_, err := e.s.AddQuestion(steer, b, surveys.QuestionInput{SectionID: sec, Kind: surveys.ShortText, Label: "x", ShowIfQuestion: "0190c0de-0000-7000-8000-000000000001", ShowIfValues: []string{"a"}})
			return err
		}(), "show_if_question")
		// Moves and edits that would break the condition are refused.
		wantCode(t, "moving the condition above its question", e.s.MoveQuestion(steer, b, many, -1), apperr.Conflict)
		wantCode(t, "deleting the question a condition uses", e.s.DeleteQuestion(steer, b, has), apperr.Conflict)
		wantCode(t, "turning it into a text", e.s.UpdateQuestion(steer, b, has, surveys.QuestionInput{Kind: surveys.ShortText, Label: "x"}), apperr.Conflict)
		// Moving the dependent question to the next section keeps it after.
		if err := e.s.UpdateQuestion(steer, b, many, surveys.QuestionInput{SectionID: sec2, Kind: surveys.Number, Label: "Combien de places ?", Min: "0", Max: "50", Unit: "places",
			ShowIfQuestion: has, ShowIfValues: []string{surveys.Yes}}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "moving the dependent section above", e.s.MoveSection(steer, b, sec2, -1), apperr.Conflict)
		sv = must(e.s.GetSurvey(steer, b))
		if len(sv.Sections[0].Questions) != 1 || len(sv.Sections[1].Questions) != 1 || sv.Sections[1].Questions[0].Unit != "places" || *sv.Sections[1].Questions[0].Max != 50 {
			t.Fatalf("after the move: %+v", sv.Sections)
		}
		txt := must(e.s.AddQuestion(steer, b, surveys.QuestionInput{SectionID: sec2, Kind: surveys.LongText, Label: "Que vous manque-t-il ?"}))
		if err := e.s.MoveQuestion(steer, b, txt, -1); err != nil {
			t.Fatal(err)
		}
		if err := e.s.MoveQuestion(steer, b, txt, -1); err != nil { // already first: nothing to do
			t.Fatal(err)
		}
		sv = must(e.s.GetSurvey(steer, b))
		if sv.Sections[1].Questions[0].ID != txt || sv.Sections[1].Questions[1].Number != 3 {
			t.Fatalf("after moving the text up: %+v", sv.Sections[1].Questions)
		}
		if err := e.s.DeleteQuestion(steer, b, many); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteSection(steer, b, sec); err != nil {
			t.Fatal(err)
		}
		sv = must(e.s.GetSurvey(steer, b))
		if len(sv.Sections) != 1 || sv.Sections[0].Position != 1 || len(sv.Questions()) != 1 {
			t.Fatalf("after deletions: %+v", sv.Sections)
		}
		dup := must(e.s.DuplicateSurvey(steer, id))
		if c := must(e.s.GetSurvey(steer, dup)); c.Title != "Copie de "+qs[0].Label && len(c.Questions()) != 17 {
			t.Fatalf("duplicate: %q %d", c.Title, len(c.Questions()))
		}
		if err := e.s.DeleteSurvey(steer, dup); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "the deleted survey", func() error { _, err := e.s.GetSurvey(steer, dup); return err }(), apperr.NotFound)
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action LIKE 'survey.%' AND resource_id IN ($1, $2, $3)`, id, b, dup); n != 13 {
			t.Errorf("%d audit lines", n)
		}
	})
}

// A flash campaign: targets chosen by type plus a list, directors told,
// one answer per structure (draft, submitted, late), results and exports,
// then closed; outsiders see nothing.
func TestCampaignJourney(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steer := e.as("pilotage")
		sv := must(e.s.CreateSurvey(steer, surveys.SurveyInput{Template: surveys.TemplateCrisisFlash, Title: "Grand froid"}))
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		mecs := e.id(`SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`)

		p := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{StructureTypes: []string{"mecs"}}))
		if p.Count != 3 {
			t.Fatalf("MECS of the Loire: %d", p.Count)
		}
		if p := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{StructureTypes: []string{"mecs"}, StructureIDs: []string{ditep}})); p.Count != 4 {
			t.Fatalf("MECS plus the DITEP: %d", p.Count)
		}
		if p := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{StructureTypes: []string{"mecs"}, Communes: []string{"42218"}})); p.Count != 1 || p.Structures[0].ID != mecs {
			t.Fatalf("MECS of Saint-Étienne: %+v", p)
		}
		if p := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{Sector: "medico_social"})); p.Count < 5 || slices.ContainsFunc(p.Structures, func(x surveys.TargetStructure) bool { return x.ID == mecs }) {
			t.Fatalf("medico-social: %+v", p)
		}
		if p := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{Explicit: true, StructureIDs: []string{ditep}})); p.Count != 1 {
			t.Fatalf("a list: %+v", p)
		}
		all := must(e.s.PreviewTargets(steer, sv, surveys.Targeting{}))
		if all.Count != e.count(`SELECT count(*) FROM organisations WHERE kind = 'structure' AND active = TRUE AND departement = '42'`) {
			t.Fatalf("every structure: %d", all.Count)
		}
		wantField(t, "another département", func() error {
			_, err := e.s.PreviewTargets(steer, sv, surveys.Targeting{Departements: []string{"69"}})
			return err
		}(), "departements")
		wantCode(t, "the Rhône previews", func() error { _, err := e.s.PreviewTargets(steering69(), sv, surveys.Targeting{}); return err }(), apperr.NotFound)

		deadline := e.clock.Now().Add(5 * 24 * time.Hour)
		in := surveys.LaunchInput{Deadline: deadline.Format(time.RFC3339), Targeting: surveys.Targeting{StructureTypes: []string{"mecs"}, StructureIDs: []string{ditep}}}
		wantField(t, "a past deadline", func() error {
			_, err := e.s.Launch(steer, sv, surveys.LaunchInput{Deadline: "2026-11-01T10:00", Targeting: in.Targeting})
			return err
		}(), "deadline")
		wantField(t, "nobody targeted", func() error {
			_, err := e.s.Launch(steer, sv, surveys.LaunchInput{Deadline: in.Deadline, Targeting: surveys.Targeting{StructureTypes: []string{"mecs"}, Communes: []string{"42019"}}})
			return err
		}(), "targeting")
		wantCode(t, "a director launches", func() error { _, err := e.s.Launch(e.as("directeur"), sv, in); return err }(), apperr.NotFound)
		notes := e.count(`SELECT count(*) FROM notifications WHERE kind = 'survey.launched'`)
		cid := must(e.s.Launch(steer, sv, in))
		if n := e.count(`SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
			WHERE n.kind = 'survey.launched' AND n.link = $1 AND a.email IN ('directeur@demo.passerelle.test', 'directrice-ditep@demo.passerelle.test')`, "/campagnes/"+cid+"/reponse"); n != 2 {
			t.Fatalf("%d directors told", n)
		}
		if n := e.count(`SELECT count(*) FROM notifications WHERE kind = 'survey.launched'`) - notes; n != 2 {
			t.Fatalf("%d notifications, want the two directors only", n)
		}
		wantCode(t, "editing a launched survey", func() error {
			_, err := e.s.AddSection(steer, sv, surveys.SectionInput{Title: "Encore"})
			return err
		}(), apperr.Conflict)
		wantCode(t, "deleting a launched survey", e.s.DeleteSurvey(steer, sv), apperr.Conflict)

		// The MECS's director: a draft, an incomplete submission, a submission.
		dir := e.as("directeur")
		ans := must(e.s.GetAnswer(dir, cid, ""))
		if ans.StructureID != mecs || ans.Status != surveys.NotStarted || !ans.CanEdit || len(ans.Survey.Questions()) != 6 || ans.Campaign.Targets != nil {
			t.Fatalf("the MECS's sheet: %+v", ans)
		}
		qs := ans.Survey.Questions()
		state, since, absent, children, needs := qs[0].ID, qs[1].ID, qs[2].ID, qs[3].ID, qs[4].ID
		if err := e.s.SaveAnswer(dir, cid, "", surveys.Values{absent: {"2"}}); err != nil {
			t.Fatal(err)
		}
		wantField(t, "a draft with a bad number", e.s.SaveAnswer(dir, cid, "", surveys.Values{absent: {"-1"}}), absent)
		wantField(t, "an incomplete submission", e.s.SubmitAnswer(dir, cid, "", surveys.Values{absent: {"2"}, state: {"Fermée"}}), since)
		full := surveys.Values{state: {"Activité réduite"}, since: {"2026-11-22"}, absent: {"2"}, children: {"4"}, needs: {"Renfort de personnel"}}
		if err := e.s.SubmitAnswer(dir, cid, "", full); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a draft over a submitted answer", e.s.SaveAnswer(dir, cid, "", full), apperr.Conflict)
		full[absent] = []string{"3"}
		if err := e.s.SubmitAnswer(dir, cid, "", full); err != nil {
			t.Fatalf("changing a submitted answer before the deadline: %v", err)
		}
		// The MECS's educator reads it but does not answer.
		edu := e.as("educatrice-mecs")
		if a := must(e.s.GetAnswer(edu, cid, "")); a.Status != surveys.Submitted || a.CanEdit || a.Values[absent][0] != "3" {
			t.Fatalf("the educator reads %+v", a)
		}
		wantCode(t, "the educator submits", e.s.SubmitAnswer(edu, cid, "", full), apperr.Forbidden)
		// Outsiders: the DITEP's director for the MECS, a parent, the Rhône.
		wantCode(t, "the DITEP answers for the MECS", e.s.SubmitAnswer(e.as("directrice-ditep"), cid, mecs, full), apperr.NotFound)
		for _, who := range []context.Context{e.as("famille"), e.as("referent"), e.as("equipe-mobile"), steering69()} {
			wantCode(t, "an outsider reads the campaign", func() error { _, err := e.s.GetCampaign(who, cid); return err }(), apperr.NotFound)
			wantCode(t, "an outsider reads an answer", func() error { _, err := e.s.GetAnswer(who, cid, mecs); return err }(), apperr.NotFound)
			wantCode(t, "an outsider reads the results", func() error { _, err := e.s.Results(who, cid, surveys.ResultFilter{}); return err }(), apperr.NotFound)
			if list := must(e.s.ListCampaigns(who, "")); slices.ContainsFunc(list, func(c surveys.Campaign) bool { return c.ID == cid }) {
				t.Fatal("an outsider lists the campaign")
			}
		}
		wantCode(t, "a director reads the results", func() error { _, err := e.s.Results(dir, cid, surveys.ResultFilter{}); return err }(), apperr.Forbidden)
		wantCode(t, "a director closes", e.s.CloseCampaign(dir, cid), apperr.Forbidden)
		mine := must(e.s.ListCampaigns(e.as("directrice-ditep"), ""))
		if i := slices.IndexFunc(mine, func(c surveys.Campaign) bool { return c.ID == cid }); i < 0 || mine[i].MyStatus != surveys.NotStarted || mine[i].MyStructureID != ditep || mine[i].TargetCount != 0 {
			t.Fatalf("the DITEP's list: %+v", mine)
		}

		// The deadline passes: the MECS can no longer change its answer, the
		// DITEP may still submit, counted late.
		e.clock.Add(6 * 24 * time.Hour)
		wantCode(t, "changing after the deadline", e.s.SubmitAnswer(dir, cid, "", full), apperr.Conflict)
		ditepAns := surveys.Values{state: {"Ouverte"}, absent: {"0"}, children: {"0"}, needs: {"Rien pour l'instant"}}
		if err := e.s.SubmitAnswer(e.as("directrice-ditep"), cid, "", ditepAns); err != nil {
			t.Fatal(err)
		}
		if a := must(e.s.GetAnswer(e.as("directrice-ditep"), cid, "")); !a.Late || a.CanEdit {
			t.Fatalf("the DITEP's late answer: %+v", a)
		}
		r := must(e.s.Results(steer, cid, surveys.ResultFilter{}))
		if r.Targets != 4 || r.Submitted != 2 || r.OnTime != 1 || r.Late != 1 || r.ResponseRate != 50 || r.OnTimeRate != 25 || len(r.Questions) != 6 {
			t.Fatalf("results: %+v", r)
		}
		if c := r.Questions[0].Counts; c[1].Count != 1 || c[0].Count != 1 || c[0].Percent != 50 {
			t.Fatalf("state counts: %+v", c)
		}
		if st := r.Questions[2].Numbers; st == nil || st.Sum != 3 || st.N != 2 {
			t.Fatalf("staff absent: %+v", st)
		}
		if !slices.Equal(r.StructureTypes, []string{"ditep", "mecs"}) || !slices.Equal(r.Departements, []string{"42"}) || len(r.Campaign.Targets) != 4 || !r.Campaign.CanClose {
			t.Fatalf("filters: %v %v", r.StructureTypes, r.Departements)
		}
		if r := must(e.s.Results(steer, cid, surveys.ResultFilter{StructureType: "mecs"})); r.Targets != 3 || r.Submitted != 1 || r.Questions[2].Numbers.Sum != 3 {
			t.Fatalf("MECS only: %+v", r)
		}
		if r := must(e.s.Results(e.as("admin"), cid, surveys.ResultFilter{Departement: "69"})); r.Targets != 0 || r.ResponseRate != 0 {
			t.Fatalf("nobody in the Rhône: %+v", r)
		}

		var csv bytes.Buffer
		if err := e.s.WriteCSV(steer, &csv, cid, surveys.ResultFilter{}); err != nil {
			t.Fatal(err)
		}
		text := csv.String()
		lines := strings.Split(strings.TrimSpace(text), "\r\n")
		if len(lines) != 5 || !strings.Contains(lines[0], "Structure;Type;Département;Statut;Envoyée le;Dans les délais;Q1. Votre structure fonctionne-t-elle ?") ||
			!strings.Contains(text, "MECS Beauregard (fictif);MECS — Maison d'enfants à caractère social;42;Envoyée;2026-11-23 10:00;oui;") || !strings.Contains(text, ";oui;Activité réduite;2026-11-22;3;4;Renfort de personnel;\r\n") ||
			!strings.Contains(text, "DITEP Le Gier (fictif);") || !strings.Contains(text, ";2026-11-29 10:00;non;Ouverte;;0;0;Rien pour l'instant;\r\n") || !strings.Contains(text, "MECS La Roseraie (fictif);MECS — Maison d'enfants à caractère social;42;Sans réponse;;;;;;;;") {
			t.Fatalf("CSV:\n%s", text)
		}
		var xlsx bytes.Buffer
		if err := e.s.WriteXLSX(steer, &xlsx, cid, surveys.ResultFilter{}); err != nil || !bytes.HasPrefix(xlsx.Bytes(), []byte("PK")) {
			t.Fatalf("XLSX: %v", err)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'survey.export' AND resource_id = $1`, cid); n != 2 {
			t.Fatalf("%d exports audited", n)
		}
		wantCode(t, "a director exports", e.s.WriteCSV(dir, &csv, cid, surveys.ResultFilter{}), apperr.Forbidden)

		// Closing stops every answer.
		if err := e.s.CloseCampaign(steer, cid); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "closing twice", e.s.CloseCampaign(steer, cid), apperr.Conflict)
		roseraie := e.id(`SELECT id FROM organisations WHERE name = 'MECS La Roseraie (fictif)'`)
		wantCode(t, "an answer after closing", e.s.SubmitAnswer(system, cid, roseraie, ditepAns), apperr.Conflict)
		if c := must(e.s.GetCampaign(steer, cid)); c.Open() || c.CanClose || c.SubmittedCount != 2 || c.OnTimeCount != 1 {
			t.Fatalf("closed campaign: %+v", c)
		}
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('survey.launch', 'survey.close', 'survey.answer.save', 'survey.answer.submit') AND resource_id = $1`, cid); n != 6 {
			t.Errorf("%d audit lines for the campaign", n)
		}
	})
}

// ResponseRates counts the campaigns by their deadline's day and the
// owner's département.
func TestResponseRates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steer := e.as("pilotage")
		sv := must(e.s.CreateSurvey(steer, surveys.SurveyInput{Template: surveys.TemplateCrisisFlash}))
		mecs := e.id(`SELECT id FROM organisations WHERE name = 'MECS Beauregard (fictif)'`)
		ditep := e.id(`SELECT id FROM organisations WHERE name = 'DITEP Le Gier (fictif)'`)
		cid := must(e.s.Launch(steer, sv, surveys.LaunchInput{Deadline: "2026-12-01T18:00",
			Targeting: surveys.Targeting{Explicit: true, StructureIDs: []string{mecs, ditep}}}))
		ans := must(e.s.GetAnswer(e.as("directeur"), cid, ""))
		qs := ans.Survey.Questions()
		full := surveys.Values{qs[0].ID: {"Ouverte"}, qs[2].ID: {"0"}, qs[3].ID: {"0"}, qs[4].ID: {"Rien pour l'instant"}}
		if err := e.s.SubmitAnswer(e.as("directeur"), cid, "", full); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(10 * 24 * time.Hour)
		if err := e.s.SubmitAnswer(e.as("directrice-ditep"), cid, "", full); err != nil {
			t.Fatal(err)
		}
		rates := func(deps []string, from, to string) [3]int {
			var out [3]int
			if err := d.Read(system, func(tx *db.Tx) error {
				var err error
				out[0], out[1], out[2], err = surveys.ResponseRates(system, tx, deps, from, to)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		// The demo's heatwave campaign ended in July: December counts this one only.
		for _, c := range []struct {
			deps     []string
			from, to string
			want     [3]int
		}{
			{nil, "2026-12-01", "2026-12-01", [3]int{2, 2, 1}},
			{[]string{"42"}, "2026-11-24", "2026-12-31", [3]int{2, 2, 1}},
			{[]string{"69"}, "2026-11-24", "2026-12-31", [3]int{}},
			{[]string{}, "2026-11-24", "2026-12-31", [3]int{}},
			{nil, "2026-12-02", "2026-12-31", [3]int{}},
			{nil, "2026-11-24", "2026-11-30", [3]int{}},
		} {
			if got := rates(c.deps, c.from, c.to); got != c.want {
				t.Errorf("%v %s..%s: %v, want %v", c.deps, c.from, c.to, got, c.want)
			}
		}
		if err := d.Read(system, func(tx *db.Tx) error {
			_, _, _, err := surveys.ResponseRates(system, tx, nil, "2026-12-31", "2026-12-01")
			return err
		}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a reversed period: %v", err)
		}
	})
}

// The demo's heatwave campaign is closed with answers that the rules
// accept: most on time, some late, one draft, some none.
func TestDemoHeatwaveCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steer := e.as("pilotage")
		list := must(e.s.ListCampaigns(steer, ""))
		if len(list) != 1 || list[0].Open() || list[0].Title != "Canicule de juillet — point de situation" {
			t.Fatalf("demo campaigns: %+v", list)
		}
		r := must(e.s.Results(steer, list[0].ID, surveys.ResultFilter{}))
		if r.Targets != 24 || r.Drafts != 1 || r.Late == 0 || r.OnTime <= r.Late || r.Submitted+r.Drafts >= r.Targets {
			t.Fatalf("demo results: %d targets, %d on time, %d late, %d drafts", r.Targets, r.OnTime, r.Late, r.Drafts)
		}
		if r.Questions[0].Answered != r.Submitted || r.Questions[2].Numbers == nil || len(r.Questions[5].Texts) == 0 {
			t.Fatalf("demo questions: %+v", r.Questions)
		}
		var ids []string
		for _, t := range r.Campaign.Targets {
			ids = append(ids, t.ID)
		}
		for _, id := range ids {
			a := must(e.s.GetAnswer(steer, list[0].ID, id))
			if _, err := surveys.NormalizeAnswer(a.Survey.Questions(), a.Values, a.Status == surveys.Submitted); err != nil {
				t.Errorf("%s's demo answer: %v", a.StructureName, err)
			}
		}
		surveysList := must(e.s.ListSurveys(steer))
		if len(surveysList) != 2 || !slices.ContainsFunc(surveysList, func(s surveys.SurveySummary) bool { return s.Campaigns == 0 && s.Questions == 17 }) {
			t.Fatalf("demo surveys: %+v", surveysList)
		}
	})
}
