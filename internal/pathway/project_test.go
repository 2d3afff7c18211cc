package pathway_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/pathway"
)

// withCircle puts the MECS (living place), the DITEP and the CMP (care) in
// the circle of child id, each with its educator named.
func (e *env) withCircle(id string) {
	e.t.Helper()
	for _, m := range []struct {
		org, director, who string
		cap                access.Capacity
	}{{e.mecs, "mecsDirector", "mecsEducator", access.CapLivingPlace}, {e.ditep, "ditepDirector", "ditepEducator", access.CapMedicoSocial},
		{e.cmp, "", "psy", access.CapCare}} {
		mid := must(e.s.Invite(e.as("referent"), id, pathway.InviteInput{OrganisationID: m.org, Capacity: m.cap, Basis: "shared_secrecy"}))
		// The CMP has no director account: the system answers for it.
		ctx := system
		if m.director != "" {
			ctx = e.as(m.director)
		}
		if err := e.s.Answer(ctx, id, mid, true, []string{e.ids[m.who]}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// The project of a child through two versions: drafted by the circle,
// care items kept to those who read care, validated by the referent with
// the parents' agreement, compared, and its review recalled.
func TestProjectVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref, mecs, psy := e.as("referent"), e.as("mecsEducator"), e.as("psy")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Lucas", LastName: "Martin", BirthDate: "2015-05-14", Sex: "boy"}))
		mother := must(e.s.AddRelative(ref, c.ID, pathway.RelativeInput{Kind: "mother", Name: "Aurélie Martin", Authority: "full"}))
		if err := e.s.LinkParent(ref, c.ID, mother, e.ids["parent"]); err != nil {
			t.Fatal(err)
		}
		e.withCircle(c.ID)

		if p := must(e.s.Project(ref, c.ID, pathway.ProjectOptions{})); p.Shown != nil || !p.CanDraft || !p.CanValidate {
			t.Fatalf("before any version: %+v", p)
		}
		if v := must(e.s.StartDraft(mecs, c.ID)); v != 1 {
			t.Fatalf("first draft is version %d", v)
		}
		if _, err := e.s.StartDraft(ref, c.ID); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a second draft: %v", err)
		}
		draft := must(e.s.Project(mecs, c.ID, pathway.ProjectOptions{})).Draft
		items := []pathway.ProjectItem{
			{Part: "need", Domain: "school", Text: "Retrouver le goût de l'école"},
			{Part: "objective", Domain: "daily", Text: "Prendre le bus seul jusqu'au DITEP"},
			{Part: "action", Domain: "daily", Text: "Trajets accompagnés puis seul", Who: "MECS Les Tilleuls", Due: "30/06/2027"},
		}
		in := pathway.ProjectInput{Revision: draft.Revision, Items: append(slices.Clone(items),
			pathway.ProjectItem{Part: "objective", Domain: "care", Text: "Suivi orthophonique"})}
		if err := e.s.SaveDraft(mecs, c.ID, in); !slices.Contains(fieldsOf(err), "items.3.domain") {
			t.Fatalf("care written by the MECS: %v", err)
		}
		in.Items = items
		in.Text.ChildWords = "Je veux aller au foot le mercredi."
		if err := e.s.SaveDraft(mecs, c.ID, in); err != nil {
			t.Fatal(err)
		}
		// The CMP adds its care objective to what it reads.
		draft = must(e.s.Project(psy, c.ID, pathway.ProjectOptions{})).Draft
		if len(draft.Items) != 3 || draft.Text.ChildWords == "" {
			t.Fatalf("the CMP reads %+v", draft)
		}
		care := pathway.ProjectItem{Part: "objective", Domain: "care", Text: "Séance d'orthophonie chaque semaine"}
		if err := e.s.SaveDraft(psy, c.ID, pathway.ProjectInput{Revision: draft.Revision, Text: draft.Text,
			Items: append(draft.Items, care)}); err != nil {
			t.Fatal(err)
		}
		// The MECS saves on the form it opened before: refused, nothing lost.
		if err := e.s.SaveDraft(mecs, c.ID, in); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a save over another's: %v", err)
		}
		// Reopened, the MECS does not read the care item and keeps it by saving.
		draft = must(e.s.Project(mecs, c.ID, pathway.ProjectOptions{})).Draft
		if len(draft.Items) != 3 || draft.HiddenCare != 1 {
			t.Fatalf("the MECS reads %d items, %d hidden", len(draft.Items), draft.HiddenCare)
		}
		draft.Items[1].Text = "Prendre le bus seul jusqu'au DITEP, matin et soir"
		if err := e.s.SaveDraft(mecs, c.ID, pathway.ProjectInput{Revision: draft.Revision, Text: draft.Text, Items: draft.Items}); err != nil {
			t.Fatal(err)
		}
		if n := len(must(e.s.Project(psy, c.ID, pathway.ProjectOptions{})).Draft.Items); n != 4 {
			t.Fatalf("after the MECS's save the CMP reads %d items", n)
		}

		// Validation: the referent only, with the parents' answer.
		if _, err := e.s.ValidateDraft(e.as("ditepEducator"), c.ID, pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2027-09-01"}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("validated by an educator: %v", err)
		}
		if _, err := e.s.ValidateDraft(ref, c.ID, pathway.ValidationInput{Agreement: "disagreed", ReviewOn: "2027-09-01"}); !slices.Contains(fieldsOf(err), "agreement_note") {
			t.Fatalf("disagreement without why: %v", err)
		}
		if v := must(e.s.ValidateDraft(ref, c.ID, pathway.ValidationInput{Agreement: "agreed", ReviewOn: "2027-04-15"})); v != 1 {
			t.Fatalf("validated version %d", v)
		}

		// Who reads the project: the circle and the parent; care to care and the parent.
		for name, want := range map[string]int{"referent": 3, "mecsEducator": 3, "psy": 4, "ditepEducator": 4, "parent": 4} {
			p := must(e.s.Project(e.as(name), c.ID, pathway.ProjectOptions{}))
			if p.Current == nil || p.Shown.Version != 1 || len(p.Shown.Items) != want || p.Draft != nil {
				t.Errorf("%s reads %+v", name, p.Shown)
			}
			if p.ChildName != "Lucas Martin" {
				t.Errorf("%s reads the name %q", name, p.ChildName)
			}
		}
		for _, name := range []string{"otherEducator", "referent69", "steering", "otherParent", "carer"} {
			if _, err := e.s.Project(e.as(name), c.ID, pathway.ProjectOptions{}); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the project: %v", name, err)
			}
		}
		if err := e.s.SaveDraft(e.as("parent"), c.ID, pathway.ProjectInput{}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("a parent writes the project: %v", err)
		}

		// Version 2: one objective changed, the action done, a new one.
		if v := must(e.s.StartDraft(ref, c.ID)); v != 2 {
			t.Fatalf("second draft is version %d", v)
		}
		draft = must(e.s.Project(ref, c.ID, pathway.ProjectOptions{})).Draft
		if len(draft.Items) != 3 || draft.HiddenCare != 1 {
			t.Fatalf("the copy reads %+v", draft.Items)
		}
		next := []pathway.ProjectItem{draft.Items[0], draft.Items[1],
			{Part: "action", Domain: "social", Text: "Inscription au club de foot", Who: "Référente ASE", Due: "2027-09-15"}}
		next[1].Text = "Aller au DITEP seul"
		if err := e.s.SaveDraft(ref, c.ID, pathway.ProjectInput{Revision: draft.Revision, Items: next,
			Text: pathway.ProjectText{Review: "Les trajets accompagnés ont réussi."}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.ValidateDraft(ref, c.ID, pathway.ValidationInput{Agreement: "not_reached",
			AgreementNote: "Mère injoignable malgré trois appels.", ReviewOn: "2027-05-20"}); err != nil {
			t.Fatal(err)
		}
		cmp := must(e.s.CompareProject(mecs, c.ID, 1, 2))
		var changes []pathway.Change
		for _, d := range cmp.Items {
			changes = append(changes, d.Change)
		}
		if want := []pathway.Change{pathway.Same, pathway.Changed, pathway.Removed, pathway.Added}; !slices.Equal(changes, want) {
			t.Fatalf("compare 1→2: %v, want %v", changes, want)
		}
		if cmp.HiddenCare != 1 {
			t.Fatalf("the MECS's comparison hides %d care items", cmp.HiddenCare)
		}
		if _, err := e.s.CompareProject(mecs, c.ID, 1, 7); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("compare with a missing version: %v", err)
		}
		old := must(e.s.Project(e.as("parent"), c.ID, pathway.ProjectOptions{Version: 1}))
		if old.Shown.Version != 1 || old.Current.Version != 2 || len(old.Versions) != 2 {
			t.Fatalf("version 1 still reads %+v", old.Shown)
		}

		// The review of version 2 (20 May) is recalled 60, 30 and 7 days
		// before, once overdue; version 1's review no longer counts.
		sent := func() int { return must(e.s.Alerts(system)) }
		if n := sent(); n != 0 {
			t.Fatalf("1 March, 80 days before the review: %d alerts", n)
		}
		e.clock.Add(20 * 24 * time.Hour) // 21 March: 60 days left
		if n := sent(); n != 1 {
			t.Fatalf("60-day review alert: %d", n)
		}
		e.clock.Add(40 * 24 * time.Hour) // 30 April: 20 days left
		if n := sent(); n != 1 {
			t.Fatalf("30-day review alert: %d", n)
		}
		e.clock.Add(25 * 24 * time.Hour) // 25 May: overdue
		if n := sent(); n != 1 {
			t.Fatalf("overdue review alert: %d", n)
		}
		if n := sent(); n != 0 {
			t.Fatalf("overdue again: %d", n)
		}
		var logged int
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT count(*) FROM audit_log WHERE action = 'child.project.read' AND resource_id = $1`, c.ID).Scan(&logged)
		}); err != nil || logged < 10 {
			t.Fatalf("project reads audited: %d (%v)", logged, err)
		}
	})
}
