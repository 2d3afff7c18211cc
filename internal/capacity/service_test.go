package capacity_test

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/auth"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

var (
	bg     = context.Background()
	system = access.WithActor(bg, access.SystemActor)
	base   = func() *url.URL { u, _ := url.Parse("https://passerelle.exemple.fr"); return u }()
)

// Communes of the tests.
const (
	saintEtienne = "42218"
	firminy      = "42095"
	roanne       = "42187"
)

// env is a territory: an ASE service with its referent, a MECS with a
// director and an educator, a foster placement service with a carer, and
// another structure's director; each a real account.
type env struct {
	t     *testing.T
	d     *db.DB
	s     *capacity.Service
	dir   *directory.Service
	clock *dbtest.Clock

	ase, mecs, foster, other          directory.Structure
	residential, respite, fosterOffer directory.Offer
	referent, director, educator      context.Context
	carer, otherCarer, otherDirector  context.Context
	referentID, directorID, carerID   string
	otherCarerID                      string
}

const password = "Marmotte-Verte-2026"

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	// A Monday morning in Paris.
	c := dbtest.NewClock(time.Date(2027, 3, 1, 8, 30, 0, 0, time.UTC)).Use(d)
	e := &env{t: t, d: d, s: &capacity.Service{DB: d}, dir: &directory.Service{DB: d}, clock: c}
	orgs := &org.Service{DB: d, OnWrite: directory.EnsureEntry}
	ase, err := orgs.Create(system, org.Input{Kind: access.OrgASE, Name: "ASE de la Loire", CommuneCode: saintEtienne})
	if err != nil {
		t.Fatal(err)
	}
	e.ase = directory.Structure{ID: ase.ID, Departement: "42"}
	e.mecs = e.entry("MECS Les Tilleuls", "mecs", saintEtienne)
	e.foster = e.entry("Service de placement familial du Forez", "placement_familial", firminy)
	e.other = e.entry("MECS du Roannais", "mecs", roanne)
	e.residential = e.offer(e.mecs, "residential", 6, 18)
	e.respite = e.offer(e.mecs, "respite", 6, 12)
	e.fosterOffer = e.offer(e.foster, "foster", 0, 18)
	e.referent, e.referentID = e.account("referente", ase.ID, access.RoleASEReferent)
	e.director, e.directorID = e.account("directeur", e.mecs.ID, access.RoleDirector)
	e.educator, _ = e.account("educatrice", e.mecs.ID, access.RoleEducator)
	e.carer, e.carerID = e.account("assistante", e.foster.ID, access.RoleFosterCarer)
	e.otherCarer, e.otherCarerID = e.account("assistant", e.foster.ID, access.RoleFosterCarer)
	e.otherDirector, _ = e.account("directrice", e.other.ID, access.RoleDirector)
	return e
}

func (e *env) entry(name, typ, commune string) directory.Structure {
	e.t.Helper()
	s, err := e.dir.Create(system, directory.EntryInput{Name: name, Type: typ, CommuneCode: commune})
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	return s
}

func (e *env) offer(s directory.Structure, modality string, from, to int) directory.Offer {
	e.t.Helper()
	o, err := e.dir.SaveOffer(system, s.ID, "", directory.OfferInput{Modality: modality, AgeMin: from, AgeMax: to,
		Public: "mixed", PlacesAuthorised: 10, PlacesInstalled: 10, Active: true})
	if err != nil {
		e.t.Fatalf("offer: %v", err)
	}
	return o
}

// account creates a real account holding role in orgID and returns the
// context of its actor, as the web layer would build it.
func (e *env) account(mailbox, orgID string, role access.Role) (context.Context, string) {
	e.t.Helper()
	a := &auth.Service{DB: e.d, BaseURL: base}
	acc, err := a.CreateAccount(system, auth.NewAccount{Email: mailbox + "@exemple.fr", Name: "Compte " + mailbox,
		Password: password, Memberships: []auth.MembershipInput{{OrganisationID: orgID, Role: role}}})
	if err != nil {
		e.t.Fatalf("account %s: %v", mailbox, err)
	}
	actor, err := a.LoadActor(system, acc.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return access.WithActor(bg, actor), acc.ID
}

func (e *env) declare(ctx context.Context, offerID string, d capacity.Declaration) capacity.Availability {
	e.t.Helper()
	a, err := e.s.Declare(ctx, offerID, d)
	if err != nil {
		e.t.Fatalf("declare: %v", err)
	}
	return a
}

func (e *env) today() capacity.Day { return capacity.DayOf(e.clock.Now()) }

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

func ids(p capacity.Page) []string {
	var out []string
	for _, r := range p.Results {
		out = append(out, r.ID)
	}
	return out
}

func TestDeclareAndFind(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		from, to := e.today().AddDays(2), e.today().AddDays(6)
		a := e.declare(e.director, e.respite.ID, capacity.Declaration{Kind: capacity.KindRespite, Places: 2, From: from, To: to})
		if a.Free() != 2 || a.ConfirmedBy != "Compte directeur" || a.ConfirmedAt.IsZero() {
			t.Fatalf("declared %+v", a)
		}
		age := 9
		p, err := e.s.Search(e.referent, capacity.Query{From: from.AddDays(1), To: from.AddDays(3), Kind: capacity.KindRespite,
			Age: &age, Near: firminy, Within: 30})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 1 || p.Results[0].ID != a.ID || p.Results[0].Minutes <= 0 || p.Results[0].Stale {
			t.Fatalf("search: %+v", p)
		}
		// Outside the period, the age, or the travel time: not found.
		older := 15
		for name, q := range map[string]capacity.Query{
			"after the period": {From: to.AddDays(1), To: to.AddDays(2)},
			"too old":          {From: from, To: to, Age: &older},
			"too far":          {From: from, To: to, Near: "69123", Within: 30},
			"another kind":     {From: from, To: to, Kind: capacity.KindEmergency},
			"another modality": {From: from, To: to, Modality: "residential"},
		} {
			p, err := e.s.Search(e.referent, q)
			if err != nil || p.Total != 0 {
				t.Errorf("%s: %v %v", name, ids(p), err)
			}
		}
		// History keeps the declaration.
		if n := e.count(`SELECT count(*) FROM capacity_history WHERE availability_id = $1 AND event = 'declared'`, a.ID); n != 1 {
			t.Fatalf("history rows: %d", n)
		}
	})
}

func TestSequentialDaysMatchTheStay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Wednesdays and weekends.
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindSequential, Places: 1, Weekdays: 4 | 32 | 64})
		monday := e.today()
		for _, c := range []struct {
			from, to capacity.Day
			found    bool
		}{{monday, monday.AddDays(1), false}, {monday.AddDays(2), monday.AddDays(2), true}, {monday.AddDays(5), monday.AddDays(6), true}} {
			p, err := e.s.Search(e.referent, capacity.Query{From: c.from, To: c.to})
			if err != nil || (p.Total == 1) != c.found {
				t.Errorf("%s–%s: found %v, want %v (%v)", c.from, c.to, ids(p), c.found, err)
			}
		}
		_ = a
	})
}

func TestWhoDeclares(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		permanent := capacity.Declaration{Kind: capacity.KindPermanent, Places: 1}
		for name, ctx := range map[string]context.Context{"educator": e.educator, "another director": e.otherDirector,
			"referent": e.referent, "foster carer of another structure": e.carer} {
			_, err := e.s.Declare(ctx, e.residential.ID, permanent)
			wantCode(t, err, apperr.Forbidden)
			_ = name
		}
		a := e.declare(e.director, e.residential.ID, permanent)
		for _, ctx := range []context.Context{e.educator, e.otherDirector, e.referent} {
			_, err := e.s.Save(ctx, e.mecs.ID, []capacity.Change{{ID: a.ID, Free: 3}})
			wantCode(t, err, apperr.Forbidden)
			wantCode(t, e.s.Confirm(ctx, a.ID), apperr.Forbidden)
			wantCode(t, e.s.Withdraw(ctx, a.ID), apperr.Forbidden)
		}
		// A foster carer declares relay stays for themselves, whatever is asked.
		r := e.declare(e.carer, e.fosterOffer.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 1, CarerID: e.otherCarerID,
			From: e.today().AddDays(3), To: e.today().AddDays(5)})
		if r.Kind != capacity.KindRelay || r.CarerID != e.carerID || r.CarerName != "Compte assistante" {
			t.Fatalf("relay: %+v", r)
		}
		// The carer's name is for the service and the département's ASE.
		if got, _ := e.s.Get(e.referent, r.ID); got.CarerName != "Compte assistante" {
			t.Fatalf("referent sees %q", got.CarerName)
		}
		if got, _ := e.s.Get(e.otherDirector, r.ID); got.CarerName == "Compte assistante" || got.CarerID != "" {
			t.Fatalf("another structure sees the carer %q", got.CarerName)
		}
		// …and may change theirs, not a colleague's.
		rel := e.declare(system, e.fosterOffer.ID, capacity.Declaration{Kind: capacity.KindRelay, Places: 1, CarerID: e.otherCarerID})
		if _, err := e.s.Save(e.carer, e.foster.ID, []capacity.Change{{ID: r.ID, Free: 0}}); err != nil {
			t.Fatalf("carer updates own: %v", err)
		}
		_, err := e.s.Save(e.carer, e.foster.ID, []capacity.Change{{ID: rel.ID, Free: 0}})
		wantCode(t, err, apperr.Forbidden)
		// Relay stays belong to foster care, and to one of its carers.
		_, err = e.s.Declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindRelay, Places: 1, CarerID: e.directorID})
		wantCode(t, err, apperr.Invalid)
		_, err = e.s.Declare(system, e.fosterOffer.ID, capacity.Declaration{Kind: capacity.KindRelay, Places: 1, CarerID: e.directorID})
		wantCode(t, err, apperr.Invalid)
	})
}

func TestSaveConfirmsAndKeepsTakenPlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 2})
		b := e.declare(e.director, e.respite.ID, capacity.Declaration{Kind: capacity.KindRespite, Places: 1,
			From: e.today().AddDays(1), To: e.today().AddDays(4)})
		if _, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: "DEM-1"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(3 * 24 * time.Hour)
		// The director sees 1 free place and says 3; the respite is unchanged.
		n, err := e.s.Save(e.director, e.mecs.ID, []capacity.Change{{ID: a.ID, Free: 3}, {ID: b.ID, Free: 1, From: b.From, To: b.To}})
		if err != nil || n != 1 {
			t.Fatalf("save: %d %v", n, err)
		}
		got, _ := e.s.Get(e.referent, a.ID)
		if got.Places != 4 || got.Taken != 1 || got.Free() != 3 || !got.ConfirmedAt.Equal(e.clock.Now().UTC().Truncate(time.Microsecond)) {
			t.Fatalf("after save: %+v", got)
		}
		rb, _ := e.s.Get(e.referent, b.ID)
		if !rb.ConfirmedAt.After(b.ConfirmedAt) {
			t.Fatal("an unchanged figure is confirmed by the save")
		}
		// A bad figure: nothing is saved, the error names the figure.
		_, err = e.s.Save(e.director, e.mecs.ID, []capacity.Change{{ID: a.ID, Free: 1}, {ID: b.ID, Free: -2}})
		if f := fields(err); !contains(f, "places."+b.ID) {
			t.Fatalf("invalid save: %v", err)
		}
		if got, _ := e.s.Get(e.referent, a.ID); got.Free() != 3 {
			t.Fatal("a failed save changed a figure")
		}
		// A figure of another structure cannot be slipped in.
		other := e.declare(e.otherDirector, e.offer(e.other, "residential", 6, 18).ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 1})
		_, err = e.s.Save(e.director, e.mecs.ID, []capacity.Change{{ID: other.ID, Free: 5}})
		wantCode(t, err, apperr.NotFound)
		// The offer cannot be deleted from the directory under its figures.
		wantCode(t, e.dir.DeleteOffer(e.director, e.mecs.ID, e.residential.ID), apperr.Conflict)
		// Withdrawn with a place held: the held place stays, no more is offered.
		if err := e.s.Withdraw(e.director, a.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Get(e.referent, a.ID); got.Free() != 0 || got.Taken != 1 || !got.Active {
			t.Fatalf("withdrawn: %+v", got)
		}
	})
}

func TestStaleFiguresRankLowerAndArePrompted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		fresh := e.declare(e.otherDirector, e.offer(e.other, "residential", 6, 18).ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 1})
		old := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 1})
		relay := e.declare(e.carer, e.fosterOffer.ID, capacity.Declaration{Kind: capacity.KindRelay, Places: 1})
		if n, err := e.s.PromptStale(system, base); err != nil || n != 0 {
			t.Fatalf("nothing stale yet: %d %v", n, err)
		}
		e.clock.Add(8 * 24 * time.Hour)
		if err := e.s.Confirm(e.otherDirector, fresh.ID); err != nil {
			t.Fatal(err)
		}
		p, err := e.s.Search(e.referent, capacity.Query{Near: saintEtienne, Within: 120})
		if err != nil || p.Total != 3 {
			t.Fatalf("search: %v %v", ids(p), err)
		}
		// The MECS is nearer Saint-Étienne, but its figure is stale.
		if p.Results[0].ID != fresh.ID || p.Results[0].Stale || !p.Results[1].Stale || !p.Results[2].Stale {
			t.Fatalf("order: %+v", p.Results)
		}
		n, err := e.s.PromptStale(system, base)
		if err != nil || n != 2 {
			t.Fatalf("prompted %d figures (%v), want 2", n, err)
		}
		// The director and the carer got a notification and a mail.
		for _, who := range []string{e.directorID, e.carerID} {
			if c := e.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = $2 AND link LIKE '/disponibilites/structures/%'`,
				who, capacity.KindStalePrompt); c != 1 {
				t.Errorf("notifications of %s: %d", who, c)
			}
		}
		if c := e.count(`SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%/disponibilites/structures/%'`); c != 2 {
			t.Errorf("prompt mails: %d", c)
		}
		// Once per confirmation: a second run prompts nobody.
		if n, _ := e.s.PromptStale(system, base); n != 0 {
			t.Fatalf("prompted again: %d", n)
		}
		// "Nothing has changed": fresh again, prompted again once stale again.
		if c, err := e.s.ConfirmAll(e.director, e.mecs.ID); err != nil || c != 1 {
			t.Fatalf("confirm all: %d %v", c, err)
		}
		p, _ = e.s.Search(e.referent, capacity.Query{Near: saintEtienne, Within: 120})
		if p.Results[0].ID != old.ID {
			t.Fatalf("confirmed figure not first: %v", ids(p))
		}
		// A week on, the two figures confirmed are stale again; the relay
		// stay, prompted and still unconfirmed, is not prompted twice.
		e.clock.Add(8 * 24 * time.Hour)
		if n, _ := e.s.PromptStale(system, base); n != 2 {
			t.Fatalf("prompted after a new week: %d", n)
		}
		if p, _ := e.s.Search(e.referent, capacity.Query{}); !p.Results[2].Stale || p.Results[2].ID != relay.ID {
			t.Fatalf("relay: %+v", p.Results)
		}
	})
}

func TestTerritorySettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		steering, _ := e.account("pilotage", e.ase.ID, access.RoleSteering)
		s := capacity.DefaultSettings()
		s.StaleDays[capacity.KindPermanent] = 14
		s.HoldHours = 24
		wantCode(t, e.s.SaveSettings(e.referent, "42", s), apperr.Forbidden)
		wantCode(t, e.s.SaveSettings(e.director, "42", s), apperr.Forbidden)
		if err := e.s.SaveSettings(steering, "42", s); err != nil {
			t.Fatal(err)
		}
		bad := capacity.DefaultSettings()
		bad.HoldHours = 0
		if f := fields(e.s.SaveSettings(steering, "42", bad)); !contains(f, "hold_hours") {
			t.Fatalf("bad settings: %v", f)
		}
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 1})
		e.clock.Add(10 * 24 * time.Hour)
		p, _ := e.s.Search(e.referent, capacity.Query{})
		if p.Total != 1 || p.Results[0].Stale {
			t.Fatalf("14-day threshold not applied: %+v", p.Results)
		}
		h, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: "DEM-2"})
		if err != nil || !h.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("hold of 24 h: %v %v", h.ExpiresAt, err)
		}
	})
}

func TestHoldConfirmCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		from := e.today().AddDays(2)
		a := e.declare(e.director, e.respite.ID, capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: from, To: from.AddDays(4)})
		// Who may not hold: an educator, a carer.
		for _, ctx := range []context.Context{e.educator, e.carer} {
			_, err := e.s.Hold(ctx, a.ID, capacity.HoldInput{RequestRef: "X"})
			wantCode(t, err, apperr.Forbidden)
		}
		h, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: "DEM-2027-014", Note: "Répit pour la famille d'accueil"})
		if err != nil || h.Status != capacity.HoldHeld || h.HolderOrgID != e.ase.ID || h.StructureName != "MECS Les Tilleuls" {
			t.Fatalf("hold: %+v %v", h, err)
		}
		if !h.ExpiresAt.Equal(e.clock.Now().Add(48 * time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("expires %v", h.ExpiresAt)
		}
		// The place is gone for everyone else.
		if p, _ := e.s.Search(e.otherDirector, capacity.Query{From: from, To: from}); p.Total != 0 {
			t.Fatalf("a held place is still offered: %v", ids(p))
		}
		_, err = e.s.Hold(e.otherDirector, a.ID, capacity.HoldInput{RequestRef: "Y"})
		if err != capacity.ErrTaken {
			t.Fatalf("second hold: %v", err)
		}
		// Who sees it: the holder's side and the structure; not the others.
		for _, ctx := range []context.Context{e.referent, e.director, e.educator} {
			if _, err := e.s.GetHold(ctx, h.ID); err != nil {
				t.Fatalf("visible hold: %v", err)
			}
		}
		_, err = e.s.GetHold(e.otherDirector, h.ID)
		wantCode(t, err, apperr.NotFound)
		if l, _ := e.s.Holds(e.otherDirector, capacity.HoldFilter{}); len(l) != 0 {
			t.Fatalf("list leaks %d holds", len(l))
		}
		if l, _ := e.s.Holds(e.director, capacity.HoldFilter{Live: true}); len(l) != 1 {
			t.Fatalf("structure sees %d holds", len(l))
		}
		// Only the holder's side confirms; a respite lasts 6 days at most.
		_, err = e.s.ConfirmHold(e.director, h.ID, from, from.AddDays(2))
		wantCode(t, err, apperr.Forbidden)
		_, err = e.s.ConfirmHold(e.referent, h.ID, from, from.AddDays(9))
		wantCode(t, err, apperr.Invalid)
		b, err := e.s.ConfirmHold(e.referent, h.ID, from, from.AddDays(2))
		if err != nil || b.Status != capacity.HoldBooked || b.From != from || b.To != from.AddDays(2) || b.BookedAt.IsZero() {
			t.Fatalf("booked: %+v %v", b, err)
		}
		_, err = e.s.ConfirmHold(e.referent, h.ID, from, from.AddDays(2))
		wantCode(t, err, apperr.Conflict)
		// A booking never expires.
		e.clock.Add(72 * time.Hour)
		if n, _ := e.s.ExpireHolds(system); n != 0 {
			t.Fatal("a booking expired")
		}
		// The structure cancels it: the place comes back.
		_, err = e.s.CancelHold(e.otherDirector, h.ID, "")
		wantCode(t, err, apperr.Forbidden)
		c, err := e.s.CancelHold(e.director, h.ID, "Fermeture exceptionnelle")
		if err != nil || c.Status != capacity.HoldCancelled {
			t.Fatalf("cancel: %+v %v", c, err)
		}
		if got, _ := e.s.Get(e.referent, a.ID); got.Taken != 0 || got.Free() != 1 {
			t.Fatalf("after cancel: %+v", got)
		}
		_, err = e.s.CancelHold(e.director, h.ID, "")
		wantCode(t, err, apperr.Conflict)
		events := e.count(`SELECT count(*) FROM capacity_history WHERE availability_id = $1`, a.ID)
		if events != 4 { // declared, held, booked, cancelled
			t.Fatalf("history events: %d", events)
		}
	})
}

func TestReservedPlacesOnlyForTheirBeneficiary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 2})
		// The agreements will set it; the column is the board's contract.
		if err := d.Write(bg, func(tx *db.Tx) error {
			_, err := tx.ExecContext(bg, `UPDATE availabilities SET reserved_for = $1 WHERE id = $2`, e.other.ID, a.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		p, _ := e.s.Search(e.referent, capacity.Query{})
		if p.Total != 1 || !p.Results[0].Reserved || p.Results[0].ReservedForName != "MECS du Roannais" {
			t.Fatalf("reserved not marked: %+v", p.Results)
		}
		_, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: "R"})
		wantCode(t, err, apperr.Forbidden)
		if _, err := e.s.Hold(e.otherDirector, a.ID, capacity.HoldInput{RequestRef: "R"}); err != nil {
			t.Fatalf("beneficiary: %v", err)
		}
	})
}

func TestUnconfirmedHoldComesBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 20})
		var holds []capacity.Hold
		for i := range 20 {
			h, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: fmt.Sprintf("DEM-%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			holds = append(holds, h)
		}
		e.clock.Add(47 * time.Hour)
		if n, _ := e.s.ExpireHolds(system); n != 0 {
			t.Fatal("expired too early")
		}
		e.clock.Add(2 * time.Hour)
		// Past expiry, a hold cannot be confirmed even before the job ran.
		_, err := e.s.ConfirmHold(e.referent, holds[0].ID, "", "")
		wantCode(t, err, apperr.Conflict)
		// Four runners at once, as four servers would: each hold comes back once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Go(func() {
				n, err := e.s.ExpireHolds(system)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != 20 {
			t.Fatalf("released %d holds, want 20", total)
		}
		if got, _ := e.s.Get(e.referent, a.ID); got.Taken != 0 || got.Free() != 20 {
			t.Fatalf("after expiry: %+v", got)
		}
		if n := e.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = $2`, e.referentID, capacity.KindExpireHolds); n != 20 {
			t.Fatalf("holder told %d times", n)
		}
		h, _ := e.s.GetHold(e.referent, holds[3].ID)
		if h.Status != capacity.HoldExpired || h.ClosedAt.IsZero() {
			t.Fatalf("expired hold: %+v", h)
		}
	})
}

// 200 requests for the last place, spread over two servers (two
// connection pools on one database): one gets it, 199 are told it was
// just taken, and the counts agree.
func TestLastPlaceIsTakenOnce(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			u := dbtest.URL(t, dialect)
			first, err := db.Open(bg, u)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Close()
			if err := first.Migrate(bg); err != nil {
				t.Fatal(err)
			}
			second, err := db.Open(bg, u)
			if err != nil {
				t.Fatal(err)
			}
			defer second.Close()
			e := newEnv(t, first)
			second.Clock = first.Clock
			a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 3})
			// Two places go to earlier holds: one is left.
			for _, ref := range []string{"A", "B"} {
				if _, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: ref}); err != nil {
					t.Fatal(err)
				}
			}
			servers := []*capacity.Service{{DB: first}, {DB: second}}
			var wg sync.WaitGroup
			var mu sync.Mutex
			won, taken := 0, 0
			var other []error
			start := make(chan struct{})
			for i := range 200 {
				wg.Go(func() {
					<-start
					_, err := servers[i%2].Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: fmt.Sprintf("C-%d", i)})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won++
					case err == capacity.ErrTaken:
						taken++
					default:
						other = append(other, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if won != 1 || taken != 199 || len(other) != 0 {
				t.Fatalf("won %d, taken %d, other errors %v", won, taken, other)
			}
			got, _ := e.s.Get(e.referent, a.ID)
			live := e.count(`SELECT count(*) FROM capacity_holds WHERE availability_id = $1 AND status IN ('held', 'booked')`, a.ID)
			if got.Taken != 3 || got.Places != 3 || live != 3 {
				t.Fatalf("taken %d of %d, %d live holds", got.Taken, got.Places, live)
			}
		})
	}
}

func TestTerritoryByWeek(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.declare(e.director, e.residential.ID, capacity.Declaration{Kind: capacity.KindPermanent, Places: 3})
		e.declare(e.director, e.respite.ID, capacity.Declaration{Kind: capacity.KindRespite, Places: 2,
			From: e.today().AddDays(8), To: e.today().AddDays(10)})
		if _, err := e.s.Hold(e.referent, a.ID, capacity.HoldInput{RequestRef: "T"}); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.Territory(e.director, "42", "", 4)
		wantCode(t, err, apperr.Forbidden)
		_, err = e.s.Territory(e.referent, "2A2", "", 4)
		wantCode(t, err, apperr.Invalid)
		tb, err := e.s.Territory(e.referent, "42", "", 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Weeks) != 4 || tb.Weeks[0] != e.today() || len(tb.Rows) != 1 || tb.Rows[0].Type != "mecs" {
			t.Fatalf("territory: %+v", tb)
		}
		w0, w1 := tb.Rows[0].Weeks[0], tb.Rows[0].Weeks[1]
		if w0 != (capacity.Cell{Available: 2, Held: 1}) || w1 != (capacity.Cell{Available: 4, Held: 1}) {
			t.Fatalf("week 0 %+v, week 1 %+v", w0, w1)
		}
		e.clock.Add(8 * 24 * time.Hour) // now stale, and week 1 is the current one
		tb, _ = e.s.Territory(e.referent, "42", "", 2)
		if c := tb.Total.Weeks[0]; c.Stale != 4 || c.Available != 0 {
			t.Fatalf("stale week: %+v", c)
		}
	})
}
