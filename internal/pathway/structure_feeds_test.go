package pathway_test

import (
	"slices"
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/export"
	"passerelle/internal/pathway"
)

// summaries are the events' summaries, sorted.
func summaries(events []export.Event) []string {
	var out []string
	for _, ev := range events {
		if !slices.Contains(out, ev.Summary) {
			out = append(out, ev.Summary)
		}
	}
	slices.Sort(out)
	return out
}

// The MECS's agenda: Tom, whom the educator follows, is in her feed with
// his whole planning (the DITEP's days too), as initials, kinds and
// structures, never a label; Léa, whom only the director follows, is in
// the director's feed alone; Inès, with whom the MECS has no time, in
// none. Every fetch is audited per child. A feed stops when revoked, when
// its owner's account is deactivated, or when the owner leaves the staff.
func TestStructureFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		newChild := func(first, last string) string {
			return must(e.s.Create(ref, pathway.ChildInput{FirstName: first, LastName: last, BirthDate: "2015-06-06", Sex: "girl",
				LivingKind: "structure", LivingStructureID: e.mecs})).ID
		}
		tom, lea, ines := newChild("Tom", "Girard"), newChild("Léa", "Roux"), newChild("Inès", "Benali")
		e.joinCircle(tom, e.mecs, "mecsDirector", access.CapLivingPlace, "mecsEducator")
		e.joinCircle(tom, e.ditep, "ditepDirector", access.CapMedicoSocial, "ditepEducator")
		e.joinCircle(lea, e.mecs, "mecsDirector", access.CapLivingPlace)
		e.joinCircle(ines, e.ditep, "ditepDirector", access.CapMedicoSocial, "ditepEducator")
		every := []int{1, 2, 3, 4, 5, 6, 7}
		must(e.s.AddSlot(e.as("mecsEducator"), tom, pathway.SlotInput{Kind: "living", Label: "Traitement du soir à l'infirmerie",
			Start: "16:30", End: "09:00", Weekdays: every, From: "2027-02-01"}))
		must(e.s.AddSlot(e.as("ditepEducator"), tom, pathway.SlotInput{Kind: "day_care", Label: "Groupe TSA",
			Start: "09:00", End: "16:30", Weekdays: []int{1, 2, 3, 4, 5}, From: "2027-02-01"}))
		must(e.s.AddSlot(e.as("mecsDirector"), lea, pathway.SlotInput{Kind: "living", Start: "00:00", End: "23:59", Weekdays: every}))
		must(e.s.AddSlot(e.as("ditepEducator"), ines, pathway.SlotInput{Kind: "day_care", Start: "09:00", End: "16:30", Weekdays: every}))

		// Who may make one: a structure's staff, for their structure.
		for _, who := range []string{"referent", "parent"} {
			if _, err := e.s.CreateStructureFeed(e.as(who), e.ase); !apperr.Is(err, apperr.Forbidden) {
				t.Fatalf("%s makes a structure feed: %v", who, err)
			}
		}
		if _, err := e.s.CreateStructureFeed(e.as("mecsEducator"), e.ditep); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a feed of another structure: %v", err)
		}
		token := must(e.s.CreateStructureFeed(e.as("mecsEducator"), e.mecs))
		feeds := must(e.s.StructureFeeds(e.as("mecsEducator")))
		if len(feeds) != 1 || feeds[0].OrganisationName != "MECS Les Tilleuls" || feeds[0].UsedAt != nil {
			t.Fatalf("feeds %+v", feeds)
		}
		if n := e.countRows(`SELECT count(*) FROM planning_structure_feeds WHERE token_hash = $1 OR token_hash LIKE $2`, token, "%"+token[:10]+"%"); n != 0 {
			t.Fatal("the token is stored as such")
		}

		owner := must(e.s.StructureFeedOwner(system, token))
		if owner != e.ids["mecsEducator"] {
			t.Fatalf("owner %s", owner)
		}
		name, events, err := e.s.StructureFeedEvents(e.as("mecsEducator"), token)
		if err != nil {
			t.Fatal(err)
		}
		got := summaries(events)
		want := []string{"T. G. — Accueil de jour (DITEP du Pilat)", "T. G. — Lieu de vie (MECS Les Tilleuls)"}
		if name != "Planning — MECS Les Tilleuls" || !slices.Equal(got, want) {
			t.Fatalf("%s: %q", name, got)
		}
		for _, ev := range events {
			if strings.Contains(ev.Summary, "Traitement") || strings.Contains(ev.Summary, "TSA") || strings.Contains(ev.Summary, "Girard") {
				t.Fatalf("the feed carries %q", ev.Summary)
			}
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'child.planning.feed' AND resource_id = $1 AND actor_id = $2`,
			tom, e.ids["mecsEducator"]); n != 1 {
			t.Fatalf("%d audit lines for Tom", n)
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'child.planning.feed' AND resource_id IN ($1, $2)`, lea, ines); n != 0 {
			t.Fatalf("%d audit lines for children not in the feed", n)
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'planning.structure_feed' AND resource_id = $1`, e.mecs); n != 1 {
			t.Fatalf("%d audit lines for the feed", n)
		}
		if feeds := must(e.s.StructureFeeds(e.as("mecsEducator"))); feeds[0].UsedAt == nil {
			t.Fatal("the use is not noted")
		}

		// The director follows both children of the MECS.
		dirToken := must(e.s.CreateStructureFeed(e.as("mecsDirector"), e.mecs))
		_, events = must2(e.s.StructureFeedEvents(e.as("mecsDirector"), dirToken))
		got = summaries(events)
		if !slices.Contains(got, "L. R. — Lieu de vie (MECS Les Tilleuls)") || !slices.Contains(got, "T. G. — Lieu de vie (MECS Les Tilleuls)") ||
			slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "I. B.") }) {
			t.Fatalf("director's feed %q", got)
		}
		// Someone else's token, or a made-up one.
		if _, _, err := e.s.StructureFeedEvents(e.as("mecsEducator"), dirToken); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another's token: %v", err)
		}
		if _, err := e.s.StructureFeedOwner(system, "pas-un-vrai-lien-secret-du-tout"); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a made-up token: %v", err)
		}

		// Revoked: only by its owner, then gone.
		if err := e.s.RevokeStructureFeed(e.as("mecsDirector"), feeds[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("revoked by another: %v", err)
		}
		if err := e.s.RevokeStructureFeed(e.as("mecsEducator"), feeds[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.StructureFeedOwner(system, token); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a revoked feed's owner: %v", err)
		}
		if _, _, err := e.s.StructureFeedEvents(e.as("mecsEducator"), token); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a revoked feed: %v", err)
		}
		if feeds := must(e.s.StructureFeeds(e.as("mecsEducator"))); len(feeds) != 0 {
			t.Fatalf("revoked feed listed %+v", feeds)
		}

		// Leaving the staff stops the feed, even with rights loaded before.
		token = must(e.s.CreateStructureFeed(e.as("mecsEducator"), e.mecs))
		if err := d.Write(bg, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, `DELETE FROM memberships WHERE account_id = $1`, e.ids["mecsEducator"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.StructureFeedOwner(system, token); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the feed of someone who left: %v", err)
		}
		if _, _, err := e.s.StructureFeedEvents(e.as("mecsEducator"), token); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the feed of someone who left, stale rights: %v", err)
		}

		// A deactivated account's feed stops too.
		a := &auth.Service{DB: d, BaseURL: base}
		if err := a.SetAccountActive(system, e.ids["mecsDirector"], false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.StructureFeedOwner(system, dirToken); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an inactive owner's feed: %v", err)
		}
		if _, _, err := e.s.StructureFeedEvents(e.as("mecsDirector"), dirToken); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an inactive owner's feed, stale rights: %v", err)
		}
	})
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}
