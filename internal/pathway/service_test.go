package pathway_test

import (
	"context"
	"fmt"
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
	"passerelle/internal/directory"
	"passerelle/internal/org"
	"passerelle/internal/pathway"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
	base   = func() *url.URL { u, _ := url.Parse("https://passerelle.exemple.fr"); return u }()
)

const password = "Marmotte-Verte-2026"

// env is a territory: the ASE of the Loire with two referents, a MECS, a
// DITEP, a CMP, another MECS of the same operator, a foster placement
// service, the ASE of the Rhône, and accounts in each.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *pathway.Service
	clock *dbtest.Clock
	auth  *auth.Service

	ase, ase69, mecs, ditep, cmp, otherMecs, foster string
	accounts                                        map[string]context.Context
	ids                                             map[string]string
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := dbtest.NewClock(time.Date(2027, 3, 1, 8, 30, 0, 0, time.UTC)).Use(d)
	e := &env{t: t, d: d, s: &pathway.Service{DB: d}, clock: c, auth: &auth.Service{DB: d, BaseURL: base},
		accounts: map[string]context.Context{}, ids: map[string]string{}}
	orgs := &org.Service{DB: d, OnWrite: directory.EnsureEntry}
	newOrg := func(kind access.OrgKind, name, commune string) string {
		o, err := orgs.Create(system, org.Input{Kind: kind, Name: name, CommuneCode: commune})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	dir := &directory.Service{DB: d}
	entry := func(name, typ string) string {
		s, err := dir.Create(system, directory.EntryInput{Name: name, Type: typ, CommuneCode: "42218"})
		if err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	e.ase = newOrg(access.OrgASE, "ASE de la Loire", "42218")
	e.ase69 = newOrg(access.OrgASE, "ASE du Rhône", "69123")
	e.mecs = entry("MECS Les Tilleuls", "mecs")
	e.ditep = entry("DITEP du Pilat", "ditep")
	e.cmp = entry("CMP de Veauche", "pedopsychiatrie")
	e.otherMecs = entry("MECS du Roannais", "mecs")
	e.foster = entry("Placement familial du Forez", "placement_familial")
	for _, a := range []struct {
		name, org string
		role      access.Role
	}{
		{"referent", e.ase, access.RoleASEReferent}, {"colleague", e.ase, access.RoleASEReferent},
		{"referent69", e.ase69, access.RoleASEReferent}, {"steering", e.ase, access.RoleSteering},
		{"mecsDirector", e.mecs, access.RoleDirector}, {"mecsEducator", e.mecs, access.RoleEducator},
		{"ditepDirector", e.ditep, access.RoleDirector}, {"ditepEducator", e.ditep, access.RoleEducator},
		{"ditepOther", e.ditep, access.RoleEducator}, {"psy", e.cmp, access.RoleEducator},
		{"otherEducator", e.otherMecs, access.RoleEducator}, {"carer", e.foster, access.RoleFosterCarer},
		{"parent", e.ase, access.RoleParent}, {"otherParent", e.ase, access.RoleParent},
	} {
		acc, err := e.auth.CreateAccount(system, auth.NewAccount{Email: a.name + "@exemple.fr", Name: "Compte " + a.name,
			Password: password, Memberships: []auth.MembershipInput{{OrganisationID: a.org, Role: a.role}}})
		if err != nil {
			t.Fatalf("account %s: %v", a.name, err)
		}
		actor, err := e.auth.LoadActor(system, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.accounts[a.name], e.ids[a.name] = access.WithActor(bg, actor), acc.ID
	}
	return e
}

func (e *env) as(name string) context.Context { return e.accounts[name] }

// must stops the test on an unexpected error (the panic fails the test
// with the error and its line).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func fieldsOf(err error) []string {
	e, ok := apperr.As(err)
	if !ok {
		return nil
	}
	var out []string
	for k := range e.Fields {
		out = append(out, k)
	}
	return out
}

// sees reports whether the account finds the child in its list and opens
// the record; an unrelated account must get not-found on both.
func (e *env) sees(name, childID string) bool {
	e.t.Helper()
	l, err := e.s.List(e.as(name), pathway.Filter{})
	if err != nil {
		e.t.Fatalf("%s list: %v", name, err)
	}
	listed := slices.ContainsFunc(l.Items, func(it pathway.Item) bool { return it.ID == childID })
	_, err = e.s.Get(e.as(name), childID, pathway.Options{})
	switch {
	case err == nil && listed:
		return true
	case apperr.Is(err, apperr.NotFound) && !listed:
		return false
	default:
		e.t.Fatalf("%s: listed=%v, get: %v", name, listed, err)
		return false
	}
}

// The pathway of a child: opened by the referent, with a judicial placement
// and an MDPH notification; the DITEP joins the circle on a consent and
// names an educator; the consent withdrawn, the DITEP loses the record.
func TestRecordCircleAndNeedToKnow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Lucas", LastName: "Martin", BirthDate: "14/05/2017",
			Sex: "boy", LivingKind: "structure", LivingStructureID: e.mecs, SchoolKind: "ulis"}))
		if c.Pseudonym == "" || c.BirthDate != "2017-05-14" || c.ReferentID != e.ids["referent"] || c.Departement != "42" {
			t.Fatalf("created %+v", c)
		}
		measure := must(e.s.AddMeasure(ref, c.ID, pathway.MeasureInput{Kind: "placement_judiciaire",
			Authority: "Juge des enfants de Saint-Étienne", From: "2026-09-01", To: "2027-04-15",
			Document: &pathway.Document{Name: "jugement.pdf", Data: []byte("%PDF-1.4 jugement")}}))
		must(e.s.AddNotification(ref, c.ID, pathway.NotificationInput{Orientation: "ditep", From: "2026-06-01", To: "2028-05-31",
			Status: "waiting", WaitingAt: "DITEP du Pilat"}))
		mother := must(e.s.AddRelative(ref, c.ID, pathway.RelativeInput{Kind: "mother", Name: "Aurélie Martin", Authority: "full",
			Email: "parent@exemple.fr"}))
		if err := e.s.LinkParent(ref, c.ID, mother, e.ids["parent"]); err != nil {
			t.Fatal(err)
		}
		consent := must(e.s.AddConsent(ref, c.ID, pathway.ConsentInput{RelativeID: mother, Scope: "circle", Subject: "DITEP du Pilat"}))

		// Before any invitation: the referent's service and the parent only.
		for name, want := range map[string]bool{"referent": true, "colleague": true, "parent": true, "referent69": false,
			"steering": false, "mecsDirector": false, "ditepDirector": false, "ditepEducator": false, "otherParent": false, "carer": false} {
			if got := e.sees(name, c.ID); got != want {
				t.Errorf("before the circle, %s sees the child: %v, want %v", name, got, want)
			}
		}

		// The MECS joins on the judge's decision, the DITEP on the mother's consent.
		mecsMember := must(e.s.Invite(ref, c.ID, pathway.InviteInput{OrganisationID: e.mecs, Capacity: access.CapLivingPlace,
			Basis: "decision", MeasureID: measure}))
		ditepMember := must(e.s.Invite(ref, c.ID, pathway.InviteInput{OrganisationID: e.ditep, Capacity: access.CapMedicoSocial,
			Basis: "consent", ConsentID: consent}))
		if _, err := e.s.Invite(ref, c.ID, pathway.InviteInput{OrganisationID: e.ditep, Capacity: access.CapCare,
			Basis: "shared_secrecy"}); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second invitation of the DITEP: %v", err)
		}
		// Invited, the DITEP's director sees who the child is, nothing more;
		// its educators nothing yet.
		r := must(e.s.Get(e.as("ditepDirector"), c.ID, pathway.Options{}))
		if !slices.Equal(r.Sections, []access.Section{access.SecIdentity}) || r.Measures != nil || r.Notifications != nil {
			t.Fatalf("invited director reads %v", r.Sections)
		}
		if e.sees("ditepEducator", c.ID) {
			t.Fatal("an educator of an invited structure sees the child")
		}
		invs := must(e.s.Invitations(e.as("ditepDirector")))
		if len(invs) != 1 || invs[0].ChildID != c.ID || len(invs[0].Staff) != 3 {
			t.Fatalf("invitations %+v", invs)
		}
		if err := e.s.Answer(e.as("ditepEducator"), c.ID, ditepMember, true, []string{e.ids["ditepEducator"]}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an educator answers: %v", err)
		}
		if err := e.s.Answer(e.as("ditepDirector"), c.ID, ditepMember, true, []string{e.ids["psy"]}); !slices.Contains(fieldsOf(err), "staff") {
			t.Fatalf("naming someone of another structure: %v", err)
		}
		if err := e.s.Answer(e.as("ditepDirector"), c.ID, ditepMember, true, []string{e.ids["ditepEducator"]}); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Answer(e.as("mecsDirector"), c.ID, mecsMember, true, []string{e.ids["mecsEducator"]}); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]bool{"ditepEducator": true, "ditepDirector": true, "ditepOther": false,
			"mecsEducator": true, "otherEducator": false, "psy": false, "referent69": false} {
			if got := e.sees(name, c.ID); got != want {
				t.Errorf("in the circle, %s sees the child: %v, want %v", name, got, want)
			}
		}
		// Sections: the DITEP's educator reads the notification but not the
		// judgment; the MECS's educator (living place) reads the judgment.
		r = must(e.s.Get(e.as("ditepEducator"), c.ID, pathway.Options{}))
		if r.Can(access.SecDocuments) || len(r.Notifications) != 1 || len(r.Measures) != 1 || !r.Can(access.SecCareNotes) {
			t.Fatalf("DITEP educator reads %v", r.Sections)
		}
		if _, err := e.s.MeasureDocument(e.as("ditepEducator"), c.ID, measure); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("DITEP educator reads the judgment: %v", err)
		}
		doc := must(e.s.MeasureDocument(e.as("mecsEducator"), c.ID, measure))
		if string(doc.Data) != "%PDF-1.4 jugement" {
			t.Fatalf("document %q", doc.Data)
		}
		// A care note is read by care professionals only: not by the
		// referent, not by the living place.
		if err := e.s.AddNote(e.as("ditepEducator"), c.ID, true, "Traitement ajusté par le pédopsychiatre."); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AddNote(e.as("mecsEducator"), c.ID, true, "x"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the living place writes a care note: %v", err)
		}
		for name, want := range map[string]bool{"ditepEducator": true, "referent": false, "mecsEducator": false, "parent": false} {
			r := must(e.s.Get(e.as(name), c.ID, pathway.Options{}))
			got := slices.ContainsFunc(r.Events, func(ev pathway.Event) bool { return ev.Body == "Traitement ajusté par le pédopsychiatre." })
			if got != want {
				t.Errorf("%s reads the care note: %v, want %v", name, got, want)
			}
		}
		// The parent sees the circle, measures and consents, no notes nor family contacts.
		r = must(e.s.Get(e.as("parent"), c.ID, pathway.Options{}))
		if !r.Can(access.SecCircle) || len(r.Circle) != 2 || r.Can(access.SecNotes) || r.Can(access.SecFamily) || len(r.Consents) != 1 {
			t.Fatalf("parent reads %v, circle %d", r.Sections, len(r.Circle))
		}
		// The other parent cannot withdraw it; the mother can, and the DITEP
		// loses the record at once, the MECS (judicial basis) keeps it.
		if err := e.s.WithdrawConsent(e.as("otherParent"), c.ID, consent); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("another parent withdraws: %v", err)
		}
		if err := e.s.WithdrawConsent(e.as("parent"), c.ID, consent); err != nil {
			t.Fatal(err)
		}
		if e.sees("ditepEducator", c.ID) || e.sees("ditepDirector", c.ID) {
			t.Error("the DITEP still sees the child after the consent was withdrawn")
		}
		if !e.sees("mecsEducator", c.ID) {
			t.Error("the MECS lost the child with a consent it did not rest on")
		}
		// Leaving the circle ends the access.
		if err := e.s.Leave(e.as("mecsDirector"), c.ID, mecsMember); err != nil {
			t.Fatal(err)
		}
		if e.sees("mecsEducator", c.ID) {
			t.Error("the MECS still sees the child after leaving the circle")
		}

		// The access log: every read is there, with who.
		log := must(e.s.AccessLog(ref, c.ID, 0))
		readers := map[string]bool{}
		for _, a := range log {
			if a.Action == "child.view" {
				readers[a.Who] = true
			}
		}
		for _, who := range []string{"Compte ditepEducator", "Compte mecsEducator", "Compte parent"} {
			if !readers[who] {
				t.Errorf("%s's reads are not in the access log", who)
			}
		}
		if _, err := e.s.AccessLog(e.as("ditepDirector"), c.ID, 0); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a structure out of the circle reads the access log: %v", err)
		}
	})
}

// Break-glass: an unrelated professional names the child exactly and gives
// a reason; the record opens for a few hours, the referent is told, the
// steering sees the opening with the pseudonym only.
func TestBreakGlass(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := must(e.s.Create(e.as("referent"), pathway.ChildInput{FirstName: "Inès", LastName: "Benali", BirthDate: "2015-02-03",
			Sex: "girl", LivingKind: "family"}))
		other := e.as("otherEducator")
		if _, err := e.s.BreakGlass(other, pathway.BreakGlassInput{FirstName: "Inès", LastName: "Benali", BirthDate: "03/02/2015",
			Reason: "urgent"}); !slices.Contains(fieldsOf(err), "reason") {
			t.Fatalf("a one-word reason: %v", err)
		}
		if _, err := e.s.BreakGlass(other, pathway.BreakGlassInput{FirstName: "Ines", LastName: "Benali", BirthDate: "04/02/2015",
			Reason: "Fugue signalée cette nuit, l'enfant est aux urgences pédiatriques."}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a wrong birth date: %v", err)
		}
		if _, err := e.s.BreakGlass(e.as("parent"), pathway.BreakGlassInput{Pseudonym: c.Pseudonym,
			Reason: "Je veux voir le dossier de cette enfant."}); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a parent breaks the glass: %v", err)
		}
		// Accents and case do not matter; the birth date does.
		id := must(e.s.BreakGlass(other, pathway.BreakGlassInput{FirstName: "ines", LastName: "BENALI", BirthDate: "03/02/2015",
			Reason: "Fugue signalée cette nuit, l'enfant est aux urgences pédiatriques."}))
		r := must(e.s.Get(other, id, pathway.Options{}))
		if r.BreakGlassUntil == nil || r.Can(access.SecDocuments) || r.Can(access.SecAccessLog) || !r.Can(access.SecFamily) {
			t.Fatalf("break-glass reads %v until %v", r.Sections, r.BreakGlassUntil)
		}
		var told int
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'child.break_glass'`,
				e.ids["referent"]).Scan(&told)
		}); err != nil || told != 1 {
			t.Fatalf("referent told %d times (%v)", told, err)
		}
		report := must(e.s.BreakGlassReport(e.as("steering"), "42", e.clock.Now().Add(-time.Hour)))
		if len(report) != 1 || report[0].Pseudonym != c.Pseudonym {
			t.Fatalf("report %+v", report)
		}
		log := must(e.s.AccessLog(e.as("referent"), c.ID, 0))
		if !slices.ContainsFunc(log, func(a pathway.Access) bool { return a.Action == "child.view" && a.BreakGlass }) {
			t.Fatal("the break-glass read is not marked in the access log")
		}
		e.clock.Add(5 * time.Hour)
		if e.sees("otherEducator", c.ID) {
			t.Fatal("the opening outlived its time")
		}
	})
}

// Alerts: 60, 30 and 7 days before a measure ends without renewal, once
// each; none once renewed; the notification waiting past 3 months makes the
// child "without solution".
func TestAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Noah", LastName: "Petit", BirthDate: "2016-10-10", Sex: "boy"}))
		m := must(e.s.AddMeasure(ref, c.ID, pathway.MeasureInput{Kind: "accueil_provisoire", Authority: "Président du Département",
			From: "2026-06-01", To: "2027-04-20"}))
		must(e.s.AddNotification(ref, c.ID, pathway.NotificationInput{Orientation: "ime", From: "2026-10-01", To: "2029-09-30"}))
		sent := func() int { return must(e.s.Alerts(system)) }
		// 1 March: 50 days left (the 60-day alert) and the notification
		// has waited five months.
		if n := sent(); n != 2 {
			t.Fatalf("first run sent %d", n)
		}
		if n := sent(); n != 0 {
			t.Fatalf("second run sent %d again", n)
		}
		l := must(e.s.List(ref, pathway.Filter{Mine: true}))
		if len(l.Items) != 1 || !l.Items[0].WithoutSolution || l.Items[0].NextEnd != "2027-04-20" || l.Items[0].Alerts != 1 {
			t.Fatalf("list %+v", l.Items)
		}
		e.clock.Add(25 * 24 * time.Hour) // 26 March: 25 days left
		if n := sent(); n != 1 {
			t.Fatalf("30-day alert: %d", n)
		}
		must(e.s.AddMeasure(ref, c.ID, pathway.MeasureInput{Kind: "accueil_provisoire", Authority: "Président du Département",
			From: "2027-04-21", To: "2028-04-20", RenewsID: m}))
		e.clock.Add(20 * 24 * time.Hour) // 15 April: renewed, no 7-day alert
		if n := sent(); n != 0 {
			t.Fatalf("alert after renewal: %d", n)
		}
	})
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct{ days, want int }{{90, 0}, {61, 0}, {60, 60}, {31, 60}, {30, 30}, {8, 30}, {7, 7}, {0, 7}, {-1, 0}} {
		if got := pathway.Threshold(c.days); got != c.want {
			t.Errorf("Threshold(%d) = %d, want %d", c.days, got, c.want)
		}
	}
}

// The export names no child: pseudonyms only, for the referents of the
// service that owns the records, audited.
func TestExportIsPseudonymisedAndScoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := must(e.s.Create(e.as("referent"), pathway.ChildInput{FirstName: "Jade", LastName: "Moreau", BirthDate: "2014-07-01", Sex: "girl"}))
		must(e.s.AddNotification(e.as("referent"), c.ID, pathway.NotificationInput{Orientation: "ime", From: "2026-09-01", To: "2029-08-31"}))
		rows := must(e.s.Export(e.as("colleague")))
		if len(rows) != 1 || rows[0].Pseudonym != c.Pseudonym || rows[0].BirthYear != "2014" || !rows[0].WithoutSolution ||
			rows[0].Notifications != "ime: notified" {
			t.Fatalf("export %+v", rows)
		}
		if rows := must(e.s.Export(e.as("referent69"))); len(rows) != 0 {
			t.Fatalf("another département exports %d rows", len(rows))
		}
		for _, who := range []string{"ditepEducator", "steering", "parent"} {
			if _, err := e.s.Export(e.as(who)); !apperr.Is(err, apperr.Forbidden) {
				t.Errorf("%s exports: %v", who, err)
			}
		}
	})
}

// Many alerts due at once (records imported together) go out in several
// transactions, each once.
func TestAlertsInBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Sacha", LastName: "Blanc", BirthDate: "2013-01-01", Sex: "other"}))
		const n = alertsOverOneBatch
		for i := range n {
			must(e.s.AddMeasure(ref, c.ID, pathway.MeasureInput{Kind: "aed", Authority: "Président du Département",
				From: "2026-01-01", To: time.Date(2027, 3, 2+i%50, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}))
		}
		if sent := must(e.s.Alerts(system)); sent != n {
			t.Fatalf("sent %d, want %d", sent, n)
		}
		if sent := must(e.s.Alerts(system)); sent != 0 {
			t.Fatalf("sent again %d", sent)
		}
		var notes int
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'child.alert'`,
				e.ids["referent"]).Scan(&notes)
		}); err != nil || notes != n {
			t.Fatalf("%d notifications (%v)", notes, err)
		}
	})
}

// alertsOverOneBatch is more alerts than one transaction sends (200).
const alertsOverOneBatch = 250

// A liaison note from the MECS to the DITEP: the DITEP acknowledges, the
// CMP (in the circle, not a recipient) never sees it; unread by the ASE
// past 48 hours, the sender and the ASE are reminded once.
func TestLiaisonNotes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Rayan", LastName: "Diallo", BirthDate: "2014-03-03", Sex: "boy"}))
		e.withCircle(c.ID)
		mecs := e.as("mecsEducator")
		rec := must(e.s.LiaisonRecipients(mecs, c.ID))
		if len(rec) != 3 { // the ASE, the DITEP, the CMP; not the MECS itself
			t.Fatalf("recipients %+v", rec)
		}
		if _, err := e.s.SendLiaison(mecs, c.ID, pathway.LiaisonInput{Happened: "Crise hier soir", Recipients: []string{e.mecs}}); !slices.Contains(fieldsOf(err), "recipients") {
			t.Fatalf("to oneself: %v", err)
		}
		if _, err := e.s.SendLiaison(mecs, c.ID, pathway.LiaisonInput{Happened: "x", Recipients: []string{e.ditep},
			Attachments: []pathway.Document{{Name: "photo.gif", Data: []byte("GIF89a")}}}); !slices.Contains(fieldsOf(err), "attachments") {
			t.Fatalf("a GIF: %v", err)
		}
		id := must(e.s.SendLiaison(mecs, c.ID, pathway.LiaisonInput{Context: "Week-end chez la grand-mère",
			Happened: "Crise à l'arrivée dimanche soir", Watch: "Sommeil", Asked: "Un point jeudi ?",
			Recipients: []string{e.ditep, e.ase}, Attachments: []pathway.Document{{Name: "emploi-du-temps.pdf", Data: []byte("%PDF-1.4 edt")}}}))
		for name, want := range map[string]bool{"ditepEducator": true, "ditepDirector": true, "referent": true, "psy": false, "mecsEducator": true} {
			ls := must(e.s.Liaisons(e.as(name), c.ID))
			if got := len(ls) == 1; got != want {
				t.Errorf("%s reads the note: %v, want %v", name, got, want)
			}
		}
		if _, err := e.s.Liaison(e.as("psy"), c.ID, id); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the CMP opens the note: %v", err)
		}
		l := must(e.s.Liaison(e.as("ditepEducator"), c.ID, id))
		if !l.ToAcknowledge || len(l.Attachments) != 1 || l.Attachments[0].Type != "application/pdf" {
			t.Fatalf("note %+v", l)
		}
		doc := must(e.s.LiaisonAttachment(e.as("ditepEducator"), c.ID, id, l.Attachments[0].ID))
		if string(doc.Data) != "%PDF-1.4 edt" {
			t.Fatalf("attachment %q", doc.Data)
		}
		if _, err := e.s.LiaisonAttachment(e.as("psy"), c.ID, id, l.Attachments[0].ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("the CMP reads the attachment: %v", err)
		}
		if err := e.s.Acknowledge(e.as("ditepEducator"), c.ID, id); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Acknowledge(e.as("ditepEducator"), c.ID, id); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("twice: %v", err)
		}
		if err := e.s.Acknowledge(e.as("psy"), c.ID, id); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("a structure not addressed: %v", err)
		}
		l = must(e.s.Liaison(mecs, c.ID, id))
		acked := 0
		for _, r := range l.Recipients {
			if r.AcknowledgedAt != nil {
				acked++
				if r.AcknowledgedBy != "Compte ditepEducator" {
					t.Errorf("acknowledged by %q", r.AcknowledgedBy)
				}
			}
		}
		if acked != 1 || len(l.Recipients) != 2 {
			t.Fatalf("receipts %+v", l.Recipients)
		}
		// 47 hours: nothing; 49 hours: the ASE and the sender, once.
		e.clock.Add(47 * time.Hour)
		if n := must(e.s.RemindLiaisons(system)); n != 0 {
			t.Fatalf("reminded after 47 h: %d", n)
		}
		e.clock.Add(2 * time.Hour)
		if n := must(e.s.RemindLiaisons(system)); n != 1 {
			t.Fatalf("reminded after 49 h: %d", n)
		}
		if n := must(e.s.RemindLiaisons(system)); n != 0 {
			t.Fatalf("reminded again: %d", n)
		}
		var notes int
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT count(*) FROM notifications WHERE kind = 'child.liaison' AND title = 'Fiche de liaison non lue'
				AND account_id IN ($1, $2)`, e.ids["referent"], e.ids["mecsEducator"]).Scan(&notes)
		}); err != nil || notes != 2 {
			t.Fatalf("%d reminders to the referent and the sender (%v)", notes, err)
		}
	})
}

// The planning of a child living at the MECS and at the DITEP on
// weekdays: a term week is covered; in the summer holidays the DITEP is
// closed and the referent is told of the gaps, once; each structure edits
// its own slots; the parent reads the planning.
func TestPlanning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Tom", LastName: "Girard", BirthDate: "2016-09-09", Sex: "boy",
			LivingKind: "structure", LivingStructureID: e.mecs}))
		for org, who := range map[string]string{e.mecs: "mecsEducator", e.ditep: "ditepEducator"} {
			mid := must(e.s.Invite(ref, c.ID, pathway.InviteInput{OrganisationID: org, Capacity: access.CapLivingPlace, Basis: "shared_secrecy"}))
			director := map[string]string{e.mecs: "mecsDirector", e.ditep: "ditepDirector"}[org]
			if err := e.s.Answer(e.as(director), c.ID, mid, true, []string{e.ids[who]}); err != nil {
				t.Fatal(err)
			}
		}
		mother := must(e.s.AddRelative(ref, c.ID, pathway.RelativeInput{Kind: "mother", Name: "Claire Girard", Authority: "full"}))
		if err := e.s.LinkParent(ref, c.ID, mother, e.ids["parent"]); err != nil {
			t.Fatal(err)
		}
		if err := d.Write(bg, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, `INSERT INTO school_holidays (id, departement, name, starts_on, ends_on)
				VALUES ($1, '42', 'Vacances d''été', '2027-07-03', '2027-08-31')`, db.NewID())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		every := []int{1, 2, 3, 4, 5, 6, 7}
		must(e.s.AddSlot(e.as("mecsEducator"), c.ID, pathway.SlotInput{Kind: "living", Start: "16:30", End: "09:00", Weekdays: every, From: "2027-02-01"}))
		must(e.s.AddSlot(e.as("mecsEducator"), c.ID, pathway.SlotInput{Kind: "living", Start: "09:00", End: "16:30", Weekdays: []int{6, 7}, From: "2027-02-01"}))
		ditep := must(e.s.AddSlot(e.as("ditepEducator"), c.ID, pathway.SlotInput{Kind: "day_care", Start: "09:00", End: "16:30",
			Weekdays: []int{1, 2, 3, 4, 5}, From: "2027-02-01", SkipHolidays: true}))
		if _, err := e.s.AddSlot(e.as("ditepEducator"), c.ID, pathway.SlotInput{Kind: "day_care", Start: "9h", End: "16:30", Weekdays: []int{1}}); !slices.Contains(fieldsOf(err), "start") {
			t.Fatalf("a bad time: %v", err)
		}
		if err := e.s.DeleteSlot(e.as("mecsEducator"), c.ID, ditep); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the MECS deletes the DITEP's slot: %v", err)
		}
		w := must(e.s.Week(e.as("parent"), c.ID, "2027-03-03"))
		if w.WeekStart != "2027-03-01" || len(w.Days) != 7 || len(w.Days[2].Occurrences) != 2 || len(w.Conflicts) != 0 || len(w.Gaps) != 0 || len(w.Own) != 0 {
			t.Fatalf("term week: %s, %d days, Wednesday %d, conflicts %v, gaps %v, own %v",
				w.WeekStart, len(w.Days), len(w.Days[2].Occurrences), w.Conflicts, w.Gaps, w.Own)
		}
		if _, err := e.s.Week(e.as("otherEducator"), c.ID, ""); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an unrelated educator reads the planning: %v", err)
		}
		// 28 June: the eight weeks ahead reach the summer, when the DITEP is closed.
		e.clock.Set(time.Date(2027, 6, 28, 7, 0, 0, 0, time.UTC))
		w = must(e.s.Week(e.as("mecsEducator"), c.ID, ""))
		if len(w.Gaps) == 0 || pathway.SpanLabel(w.Gaps[0], w.Gaps[0].Start.Location()) != "lundi 5 juillet, 09:00 – 16:30" {
			t.Fatalf("summer gaps %v", w.Gaps)
		}
		// The summer's gaps are one message, listing the first of them.
		if n := must(e.s.PlanningAlerts(system)); n != 1 {
			t.Fatalf("%d alerts for %d gaps", n, len(w.Gaps))
		}
		var body string
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT body FROM notifications WHERE account_id = $1 AND title = 'Planning : personne n''a l''enfant'`,
				e.ids["referent"]).Scan(&body)
		}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, fmt.Sprintf("%d moments", len(w.Gaps))) || !strings.Contains(body, "lundi 5 juillet, 09:00 – 16:30") {
			t.Fatalf("the summer's alert: %q", body)
		}
		if again := must(e.s.PlanningAlerts(system)); again != 0 {
			t.Fatalf("alerted again: %d", again)
		}
		// The DITEP closes on 30 June for a staff day: a gap that day, told
		// on the next run.
		if err := e.s.SkipDay(e.as("ditepEducator"), c.ID, ditep, "2027-06-30"); err != nil {
			t.Fatal(err)
		}
		if n := must(e.s.PlanningAlerts(system)); n != 1 {
			t.Fatalf("the new gap: %d alerts", n)
		}
		w = must(e.s.Week(e.as("ditepEducator"), c.ID, "2027-06-30"))
		if len(w.Days[2].Occurrences) != 1 || w.Gaps[0].Start.Day() != 30 {
			t.Fatalf("a skipped day: %d occurrences, first gap %v", len(w.Days[2].Occurrences), w.Gaps[0])
		}
	})
}

// Events: the MECS declares a running away; the circle is told, the
// event is in the timeline of the professionals, not the parents'; the
// third event in a month and an end of care alert the referent. The
// without-solution list names children for the referent, counts them for
// the steering.
func TestEventsAndWithoutSolution(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Yanis", LastName: "Morel", BirthDate: "2011-11-11", Sex: "boy"}))
		mid := must(e.s.Invite(ref, c.ID, pathway.InviteInput{OrganisationID: e.mecs, Capacity: access.CapLivingPlace, Basis: "shared_secrecy"}))
		if err := e.s.Answer(e.as("mecsDirector"), c.ID, mid, true, []string{e.ids["mecsEducator"]}); err != nil {
			t.Fatal(err)
		}
		mecs := e.as("mecsEducator")
		if err := e.s.DeclareEvent(mecs, c.ID, pathway.EventInput{Kind: "running_away", Day: "2027-03-02", Text: "x"}); !slices.Contains(fieldsOf(err), "day") {
			t.Fatalf("an event tomorrow: %v", err)
		}
		if err := e.s.DeclareEvent(mecs, c.ID, pathway.EventInput{Kind: "running_away", Text: "Parti après le repas, retrouvé à 23 h."}); err != nil {
			t.Fatal(err)
		}
		count := func(account, kind string) int {
			var n int
			if err := d.Read(bg, func(tx *db.Tx) error {
				return tx.QueryRowContext(bg, `SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = $2`, account, kind).Scan(&n)
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(e.ids["referent"], "child.event") != 1 || count(e.ids["mecsEducator"], "child.event") != 0 {
			t.Fatal("the circle is not told, or the sender is")
		}
		if err := e.s.DeclareEvent(mecs, c.ID, pathway.EventInput{Kind: "crisis", Text: "Crise au coucher."}); err != nil {
			t.Fatal(err)
		}
		if count(e.ids["referent"], "child.rupture") != 0 {
			t.Fatal("alerted after two events")
		}
		if err := e.s.DeclareEvent(mecs, c.ID, pathway.EventInput{Kind: "end_of_care", Text: "La MECS ne peut plus accueillir Yanis à la fin du mois."}); err != nil {
			t.Fatal(err)
		}
		if n := count(e.ids["referent"], "child.rupture"); n != 2 { // the end of care and the third event
			t.Fatalf("%d rupture alerts", n)
		}

		must(e.s.AddNotification(ref, c.ID, pathway.NotificationInput{Orientation: "itep", From: "2026-05-01", To: "2028-04-30", Status: "waiting"}))
		list := must(e.s.WithoutSolutionList(ref))
		if len(list) != 1 || list[0].Child.ID != c.ID || list[0].Days != 304 {
			t.Fatalf("list %+v", list)
		}
		if _, err := e.s.WithoutSolutionList(e.as("mecsDirector")); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a director lists: %v", err)
		}
		counts := must(e.s.WithoutSolutionCounts(e.as("steering"), "42"))
		if len(counts) != 1 || counts[0].Orientation != "itep" || counts[0].Children != 1 || counts[0].Over6Months != 1 {
			t.Fatalf("counts %+v", counts)
		}
		if _, err := e.s.WithoutSolutionCounts(e.as("referent"), "42"); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("a referent reads the steering's counts: %v", err)
		}
	})
}
