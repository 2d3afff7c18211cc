package cooperation_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/attach"
	"passerelle/internal/auth"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
)

// reserveCall is what the service asked of the board.
type reserveCall struct {
	agreement string
	rs        []cooperation.Reservation
}

// recorder stands for the capacity board (which imports this package):
// it records what the service asks, nothing more. The real effect on the
// board is tested in capacity and in the browser journey.
type recorder struct {
	mu    sync.Mutex
	calls []reserveCall
}

func (r *recorder) Reserve(_ context.Context, _ *db.Tx, id string, rs []cooperation.Reservation) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, reserveCall{id, rs})
	return nil
}

func (r *recorder) last(t *testing.T, id string) []cooperation.Reservation {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		if r.calls[i].agreement == id {
			return r.calls[i].rs
		}
	}
	t.Fatalf("the board was never asked about %s", id)
	return nil
}

// env is the demo territory on a controlled clock.
type env struct {
	t      *testing.T
	d      *db.DB
	s      *cooperation.Service
	places *recorder
	clock  *dbtest.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Now().UTC().Truncate(time.Hour)).Use(d)
	if _, _, err := demo.Load(bg, d); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	return &env{t: t, d: d, s: &cooperation.Service{DB: d, Places: rec}, places: rec, clock: c}
}

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

func (e *env) id(q string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.d.Read(system, func(tx *db.Tx) error { return tx.QueryRowContext(system, q, args...).Scan(&id) }); err != nil {
		e.t.Fatalf("%s: %v", q, err)
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

func (e *env) org(name string) string {
	return e.id(`SELECT id FROM organisations WHERE name = $1`, name)
}

func (e *env) day(n int) string { return e.clock.Now().AddDate(0, 0, n).Format(time.DateOnly) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func fields(err error) []string {
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid {
		return nil
	}
	var out []string
	for k := range e.Fields {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// respite is a convention between the DITEP and the MECS Le Colombier
// keeping 2 places a month of the MECS's respite offer for the DITEP.
func (e *env) respite(signed bool) cooperation.Input {
	ditep, colombier := e.org("DITEP Le Gier (fictif)"), e.org("MECS Le Colombier (fictif)")
	offer := e.id(`SELECT id FROM offers WHERE structure_id = $1 AND modality = 'respite'`, colombier)
	in := cooperation.Input{Kind: "convention", Title: "Convention de répit Colombier – DITEP", Children: "Enfants du DITEP de 6 à 12 ans",
		Support: "Deux places de répit par mois", StartsOn: e.day(1), DurationMonths: 12, Tacit: true, NoticeMonths: 3,
		Parties:  []cooperation.PartyInput{{ditep, "beneficiaire"}, {colombier, "signataire"}},
		Contacts: []cooperation.ContactInput{{Name: "Isabelle Perrin", Function: "Directrice", Email: "directrice-ditep@demo.passerelle.test"}},
		Places:   []cooperation.PlacesInput{{OfferID: offer, BeneficiaryID: ditep, Places: 2, PerMonth: true}}}
	if signed {
		in.SignedOn = e.day(0)
	}
	return in
}

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// A convention reserving respite places: the DITEP's director cannot keep
// another structure's places; the steering can, and the board is asked
// for them once it is signed, not as a draft. A signed agreement is read
// by every professional of the Loire, a draft only by the parties'
// directors and the steering, nothing by a parent; the signed document by
// the parties and the steering only.
func TestAgreementReservesPlacesAndIsReadByTheTerritory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ditep := e.org("DITEP Le Gier (fictif)")

		_, err := e.s.Create(e.as("directrice-ditep"), e.respite(true))
		if got := fields(err); !slices.Equal(got, []string{"places/0/offer_id"}) {
			t.Fatalf("the DITEP keeps the MECS's places: %v", err)
		}
		if _, err := e.s.Create(e.as("educateur"), e.respite(false)); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("an educator registers an agreement: %v", err)
		}
		bad := e.respite(true)
		bad.Kind, bad.Title, bad.Places[0].Places, bad.Places[0].BeneficiaryID = "traité", " ", 0, e.org("MECS Beauregard (fictif)")
		bad.Contacts[0].Email = "pas une adresse"
		_, err = e.s.Create(e.as("pilotage"), bad)
		if got := fields(err); !slices.Equal(got, []string{"contacts/0/email", "kind", "places/0/beneficiary_id", "places/0/places", "title"}) {
			t.Fatalf("bad input: %v", got)
		}

		draft := must(e.s.Create(e.as("pilotage"), e.respite(false)))
		if rs := e.places.last(t, draft); len(rs) != 0 {
			t.Fatalf("a draft reserves %v", rs)
		}
		id := must(e.s.Create(e.as("pilotage"), e.respite(true)))
		rs := e.places.last(t, id)
		wantEnd := cooperation.EndFrom(e.day(1), 12)
		if len(rs) != 1 || rs[0].Places != 2 || !rs[0].PerMonth || rs[0].BeneficiaryID != ditep ||
			rs[0].From.Format(time.DateOnly) != e.day(1) || rs[0].To.Format(time.DateOnly) != wantEnd {
			t.Fatalf("the board is asked %+v (end %s)", rs, wantEnd)
		}
		ag := must(e.s.Get(e.as("directrice-ditep"), id))
		if ag.Status != cooperation.Signed || !ag.CanEdit || ag.CurrentEnd != wantEnd || !ag.Renews || len(ag.Places) != 1 {
			t.Fatalf("the DITEP reads %+v", ag)
		}
		if e.count(`SELECT count(*) FROM audit_log WHERE resource_id = $1 AND action = 'agreement.create'`, id) != 1 {
			t.Fatal("the creation is not audited")
		}

		// Readers.
		for _, who := range []string{"educatrice-mecs", "referent", "equipe-mobile", "directeur"} {
			if _, err := e.s.Get(e.as(who), id); err != nil {
				t.Errorf("%s cannot read the signed agreement: %v", who, err)
			}
			if _, err := e.s.Get(e.as(who), draft); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s reads the draft: %v", who, err)
			}
		}
		if _, err := e.s.Get(e.as("directrice-ditep"), draft); err != nil {
			t.Errorf("a party's director cannot read the draft: %v", err)
		}
		if _, err := e.s.Get(e.as("famille"), id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a parent reads the agreement: %v", err)
		}
		if items := must(e.s.List(e.as("famille"), cooperation.Filter{})); len(items) != 0 {
			t.Errorf("a parent lists %d agreements", len(items))
		}
		titles := func(who string) []string {
			var out []string
			for _, it := range must(e.s.List(e.as(who), cooperation.Filter{Text: "colombier ditep"})) {
				out = append(out, string(it.Status))
			}
			slices.Sort(out)
			return out
		}
		if got := titles("educatrice-mecs"); !slices.Equal(got, []string{"signed"}) {
			t.Errorf("the MECS's educator lists %v", got)
		}
		if got := titles("pilotage"); !slices.Equal(got, []string{"draft", "signed"}) {
			t.Errorf("the steering lists %v", got)
		}

		// The signed document.
		if err := e.s.SetDocument(e.as("directrice-ditep"), id, attach.File{Name: "convention.png", Data: []byte("\x89PNG\r\n\x1a\nxx")}); !slices.Equal(fields(err), []string{"document"}) {
			t.Fatalf("a PNG as the signed document: %v", err)
		}
		if err := e.s.SetDocument(e.as("educatrice-mecs"), id, attach.File{Name: "x.pdf", Data: pdf}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a reader replaces the document: %v", err)
		}
		if err := e.s.SetDocument(e.as("directrice-ditep"), id, attach.File{Name: "convention.pdf", Data: pdf}); err != nil {
			t.Fatal(err)
		}
		if f, err := e.s.Document(e.as("educateur"), id); err != nil || f.Name != "convention.pdf" {
			t.Fatalf("the DITEP's educator downloads: %v", err)
		}
		if _, err := e.s.Document(e.as("educatrice-mecs"), id); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("an outsider downloads the signed document: %v", err)
		}
		if _, err := e.s.Document(e.as("famille"), id); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a parent downloads the signed document: %v", err)
		}

		// The DITEP edits its title: the MECS's places untouched need no right.
		in := ag.Input()
		in.Title = "Convention de répit Le Colombier – DITEP Le Gier"
		if err := e.s.Update(e.as("directrice-ditep"), id, in); err != nil {
			t.Fatalf("the DITEP edits the title: %v", err)
		}
		in.Places[0].Places = 5
		if err := e.s.Update(e.as("directrice-ditep"), id, in); !slices.Equal(fields(err), []string{"places/0/offer_id"}) {
			t.Fatalf("the DITEP raises the MECS's places: %v", err)
		}
		in.Places[0].Places = 2
		in.Parties = in.Parties[1:]
		in.Places = nil
		if err := e.s.Update(e.as("directrice-ditep"), id, in); !slices.Contains(fields(err), "parties") {
			t.Fatalf("the DITEP leaves the agreement: %v", err)
		}
	})
}

// A termination ends the agreement from its day and releases the places;
// the status change is audited; an ended agreement cannot be edited.
func TestAgreementTerminated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := must(e.s.Create(e.as("pilotage"), e.respite(true)))
		if err := e.s.Terminate(e.as("directrice-ditep"), id, cooperation.Termination{On: e.day(0)}); !slices.Equal(fields(err), []string{"reason"}) {
			t.Fatalf("a termination without a reason: %v", err)
		}
		if err := e.s.Terminate(e.as("educatrice-mecs"), id, cooperation.Termination{On: e.day(0), Reason: "x"}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("an outsider terminates: %v", err)
		}
		if err := e.s.Terminate(e.as("directrice-ditep"), id, cooperation.Termination{On: e.day(0), Reason: "Le relais ferme ses places de répit."}); err != nil {
			t.Fatal(err)
		}
		if rs := e.places.last(t, id); len(rs) != 0 {
			t.Fatalf("a terminated agreement keeps %v", rs)
		}
		ag := must(e.s.Get(e.as("educatrice-mecs"), id))
		if ag.Status != cooperation.Terminated || ag.TerminationReason == "" || ag.CanEdit {
			t.Fatalf("after the termination: %+v", ag)
		}
		if e.count(`SELECT count(*) FROM audit_log WHERE resource_id = $1 AND action = 'agreement.terminate'`, id) != 1 {
			t.Fatal("the termination is not audited")
		}
		if err := e.s.Update(e.as("pilotage"), id, ag.Input()); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a terminated agreement edited: %v", err)
		}
	})
}

// The territory list: filters by kind, status, party, end and text; the
// counts by kind that the dashboards reuse.
func TestAgreementListAndCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		list := func(f cooperation.Filter) []string {
			var out []string
			for _, it := range must(e.s.List(ref, f)) {
				out = append(out, it.Title)
			}
			return out
		}
		if got := list(cooperation.Filter{EndingWithin: 30}); len(got) != 1 || !strings.Contains(got[0], "CMPP du Forez") {
			t.Errorf("ending within 30 days: %v", got)
		}
		if got := list(cooperation.Filter{Kind: "cpom"}); len(got) != 1 {
			t.Errorf("CPOM: %v", got)
		}
		if got := list(cooperation.Filter{Status: "expired"}); len(got) != 1 || !strings.Contains(got[0], "Appel à projets") {
			t.Errorf("expired: %v", got)
		}
		if got := list(cooperation.Filter{PartyID: e.org("Relais parental La Parenthèse (fictif)")}); len(got) != 1 {
			t.Errorf("of the relais: %v", got)
		}
		if got := list(cooperation.Filter{Text: "REPIT parenthese"}); len(got) != 1 {
			t.Errorf("text: %v", got)
		}
		if got := list(cooperation.Filter{}); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "PJJ") }) {
			t.Errorf("the referent lists the draft: %v", got)
		}
		if _, err := e.s.List(ref, cooperation.Filter{Kind: "traité", EndingWithin: -1}); !slices.Equal(fields(err), []string{"ending_within", "kind"}) {
			t.Errorf("bad filter: %v", err)
		}
		counts := must(e.s.CountsByKind(e.as("pilotage"), demo.Departement))
		got := map[string][2]int{}
		for _, c := range counts {
			got[c.Kind] = [2]int{c.Total, c.InForce}
		}
		if len(counts) != len(cooperation.Kinds) || got["convention"] != [2]int{2, 2} || got["partenariat"] != [2]int{1, 0} ||
			got["appel_a_projets"] != [2]int{1, 0} || got["gcsms"] != [2]int{0, 0} {
			t.Errorf("counts of the steering: %v", got)
		}
		for _, c := range must(e.s.CountsByKind(ref, demo.Departement)) {
			if c.Kind == "partenariat" && c.Total != 0 {
				t.Errorf("the referent counts the draft partnership")
			}
		}
		for _, c := range must(e.s.CountsByKind(e.as("famille"), demo.Departement)) {
			if c.Total != 0 {
				t.Errorf("a parent counts %d %s", c.Total, c.Kind)
			}
		}
	})
}

// The steering publishes a model; an agreement started from it takes its
// values; a director cannot publish one, a parent sees none.
func TestModels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := cooperation.ModelInput{Title: "Charte d'accueil d'urgence", Kind: "charte", Description: "Le modèle de charte.", DurationMonths: 36}
		if _, err := e.s.CreateModel(e.as("directeur"), in); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a director publishes a model: %v", err)
		}
		if _, err := e.s.CreateModel(e.as("pilotage"), cooperation.ModelInput{Kind: "x", Tacit: true}); !slices.Equal(fields(err), []string{"duration_months", "kind", "title"}) {
			t.Fatalf("bad model: %v", err)
		}
		id := must(e.s.CreateModel(e.as("pilotage"), in))
		if err := e.s.SetModelDocument(e.as("pilotage"), id, attach.File{Name: "charte.pdf", Data: pdf}); err != nil {
			t.Fatal(err)
		}
		m := must(e.s.GetModel(e.as("educatrice-mecs"), id))
		if m.CanEdit || m.Document == nil || m.Prefill().Kind != "charte" || m.Prefill().DurationMonths != 36 || m.Prefill().ModelID != id {
			t.Fatalf("the educator reads %+v", m)
		}
		if f, err := e.s.ModelDocument(e.as("educatrice-mecs"), id); err != nil || f.Type != "application/pdf" {
			t.Fatalf("the model's PDF: %v", err)
		}
		if len(must(e.s.Models(e.as("educatrice-mecs")))) != 2 || len(must(e.s.Models(e.as("famille")))) != 0 {
			t.Fatal("the lists of models")
		}
		if _, err := e.s.GetModel(e.as("famille"), id); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a parent reads the model: %v", err)
		}
		a := m.Prefill()
		a.Title, a.StartsOn, a.SignedOn = "Charte d'accueil d'urgence de la Loire", e.day(0), e.day(0)
		a.Parties = []cooperation.PartyInput{{e.org("MECS Beauregard (fictif)"), "signataire"}}
		ag := must(e.s.Get(e.as("directeur"), must(e.s.Create(e.as("directeur"), a))))
		if ag.ModelID != id || ag.EndsOn != cooperation.EndFrom(e.day(0), 36) || ag.Status != cooperation.InForce {
			t.Fatalf("from the model: %+v", ag)
		}
	})
}

// An educator writes a draft: read by her MECS and the steering, not by
// the DITEP; the steering reviews and publishes it; then the whole Loire
// reads it and finds it by tag, type and text; edited by its author, it
// goes back to draft.
func TestArticleWorkflow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lea := e.as("educatrice-mecs")
		if _, err := e.s.CreateArticle(lea, cooperation.ArticleInput{Tags: []string{strings.Repeat("x", 41)}, StructureTypes: []string{"ecole"}}); !slices.Equal(fields(err),
			[]string{"body", "structure_types", "summary", "tags", "title"}) {
			t.Fatalf("bad article: %v", err)
		}
		if _, err := e.s.CreateArticle(e.as("famille"), cooperation.ArticleInput{Title: "x", Summary: "x", Body: "x"}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a parent writes: %v", err)
		}
		in := cooperation.ArticleInput{Title: "Le carnet de liaison du week-end", Summary: "Un carnet qui suit l'enfant.",
			Body: "Premier paragraphe.\n\nSecond paragraphe.", Tags: []string{"Famille, liaison", "famille"}, StructureTypes: []string{"mecs"},
			StructureIDs: []string{e.org("MECS Beauregard (fictif)")}, Attachments: []attach.File{{Name: "carnet.pdf", Data: pdf}}}
		id := must(e.s.CreateArticle(lea, in))
		ar := must(e.s.GetArticle(e.as("directeur"), id))
		if ar.Status != cooperation.ArticleDraft || !slices.Equal(ar.Tags, []string{"famille", "liaison"}) || len(ar.Paragraphs()) != 2 ||
			len(ar.Attachments) != 1 || len(ar.Structures) != 1 || ar.CanPublish {
			t.Fatalf("the MECS's director reads %+v", ar)
		}
		if _, err := e.s.GetArticle(e.as("educateur"), id); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the DITEP reads the draft: %v", err)
		}
		if err := e.s.SetArticleStatus(lea, id, cooperation.ArticlePublished); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the author publishes: %v", err)
		}
		if err := e.s.SetArticleStatus(e.as("pilotage"), id, "archived"); !slices.Equal(fields(err), []string{"status"}) {
			t.Fatalf("an unknown stage: %v", err)
		}
		must(0, e.s.SetArticleStatus(e.as("pilotage"), id, cooperation.ArticleReviewed))
		if err := e.s.SetArticleStatus(e.as("pilotage"), id, cooperation.ArticleReviewed); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("reviewed twice: %v", err)
		}
		must(0, e.s.SetArticleStatus(e.as("pilotage"), id, cooperation.ArticlePublished))
		ar = must(e.s.GetArticle(e.as("educateur"), id))
		if ar.PublishedAt == nil || ar.ReviewedByName != "Hélène Vial" {
			t.Fatalf("published: %+v", ar)
		}
		if f, err := e.s.ArticleFile(e.as("educateur"), id, ar.Attachments[0].ID); err != nil || f.Name != "carnet.pdf" {
			t.Fatalf("the attachment: %v", err)
		}
		found := func(f cooperation.ArticleFilter) bool {
			return slices.ContainsFunc(must(e.s.Articles(e.as("educateur"), f)), func(it cooperation.ArticleItem) bool { return it.ID == id })
		}
		if !found(cooperation.ArticleFilter{Tag: "Liaison"}) || !found(cooperation.ArticleFilter{StructureType: "mecs"}) ||
			!found(cooperation.ArticleFilter{Text: "carnet week end"}) || found(cooperation.ArticleFilter{StructureType: "ime"}) {
			t.Fatal("the search does not find the article as it should")
		}
		if _, err := e.s.Articles(e.as("educateur"), cooperation.ArticleFilter{StructureType: "école"}); !slices.Equal(fields(err), []string{"structure_type"}) {
			t.Fatalf("an unknown type: %v", err)
		}
		if n := len(must(e.s.Articles(e.as("famille"), cooperation.ArticleFilter{}))); n != 0 {
			t.Fatalf("a parent lists %d articles", n)
		}
		in.Attachments, in.Body = nil, "Réécrit."
		must(0, e.s.UpdateArticle(lea, id, in))
		if ar := must(e.s.GetArticle(lea, id)); ar.Status != cooperation.ArticleDraft {
			t.Fatalf("edited by its author, the article stays %s", ar.Status)
		}
		if _, err := e.s.GetArticle(e.as("educateur"), id); !apperr.Is(err, apperr.NotFound) {
			t.Fatal("the DITEP still reads the article back in draft")
		}
	})
}

func TestArticleStep(t *testing.T) {
	cases := []struct {
		from, to string
		action   access.Action
		ok       bool
	}{
		{"draft", "reviewed", access.ActionReview, true},
		{"draft", "published", access.ActionPublish, true},
		{"reviewed", "published", access.ActionPublish, true},
		{"published", "draft", access.ActionReview, true},
		{"reviewed", "draft", access.ActionReview, true},
		{"published", "reviewed", "", false},
		{"draft", "draft", "", false},
		{"draft", "archived", "", false},
	}
	for _, c := range cases {
		if a, ok := cooperation.ArticleStep(c.from, c.to); a != c.action || ok != c.ok {
			t.Errorf("%s → %s: %s %v", c.from, c.to, a, ok)
		}
	}
}

var _ = url.URL{}
