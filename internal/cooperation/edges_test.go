package cooperation_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The DITEP, beneficiary of the MECS Le Colombier's respite places, may
// edit the agreement and give notice, but not keep those places longer:
// a later end, an earlier start or a tacit renewal the agreement did not
// have is a reservation, which only the MECS (or the steering) makes.
func TestAgreementPartyCannotExtendAnotherStructuresPlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := e.respite(true)
		in.Tacit, in.NoticeMonths = false, 0
		id := must(e.s.Create(e.as("pilotage"), in))
		ag := must(e.s.Get(e.as("directrice-ditep"), id))

		longer := ag.Input()
		longer.EndsOn = cooperation.EndFrom(ag.StartsOn, 48)
		if err := e.s.Update(e.as("directrice-ditep"), id, longer); !slices.Equal(fields(err), []string{"places/0/offer_id"}) {
			t.Fatalf("the DITEP keeps the MECS's places three more years: %v", err)
		}
		earlier := ag.Input()
		earlier.StartsOn = e.day(0)
		if err := e.s.Update(e.as("directrice-ditep"), id, earlier); !slices.Equal(fields(err), []string{"places/0/offer_id"}) {
			t.Fatalf("the DITEP keeps the MECS's places a day earlier: %v", err)
		}
		renewed := ag.Input()
		renewed.Tacit = true
		if err := e.s.Update(e.as("directrice-ditep"), id, renewed); !slices.Equal(fields(err), []string{"places/0/offer_id"}) {
			t.Fatalf("the DITEP makes the MECS's places renew: %v", err)
		}
		if rs := e.places.last(t, id); len(rs) != 1 || rs[0].To.Format(time.DateOnly) != ag.EndsOn {
			t.Fatalf("the board was asked %+v", rs)
		}

		// Shorter is fine, and the MECS's director may extend.
		shorter := ag.Input()
		shorter.EndsOn = cooperation.EndFrom(ag.StartsOn, 6)
		if err := e.s.Update(e.as("directrice-ditep"), id, shorter); err != nil {
			t.Fatalf("the DITEP shortens the agreement: %v", err)
		}
		if err := e.s.Update(e.as("pilotage"), id, longer); err != nil {
			t.Fatalf("the steering extends the agreement: %v", err)
		}
		if rs := e.places.last(t, id); len(rs) != 1 || rs[0].To.Format(time.DateOnly) != longer.EndsOn {
			t.Fatalf("after the steering's extension the board was asked %+v", rs)
		}
	})
}

// A termination to come ends the reserved places the day before it takes
// effect, not at the end of the agreement; so does an edit made after it.
func TestAgreementTerminationToComeEndsThePlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := must(e.s.Create(e.as("pilotage"), e.respite(true)))
		on := e.day(60)
		if err := e.s.Terminate(e.as("directrice-ditep"), id, cooperation.Termination{On: on, Reason: "Le relais ferme."}); err != nil {
			t.Fatal(err)
		}
		want := e.day(59)
		rs := e.places.last(t, id)
		if len(rs) != 1 || rs[0].To.Format(time.DateOnly) != want {
			t.Fatalf("terminated on %s, the board keeps %+v", on, rs)
		}
		ag := must(e.s.Get(e.as("pilotage"), id))
		if ag.Status != cooperation.Signed && ag.Status != cooperation.InForce {
			t.Fatalf("before its termination the agreement is %s", ag.Status)
		}
		in := ag.Input()
		in.Title = "Convention de répit (résiliée)"
		if err := e.s.Update(e.as("directrice-ditep"), id, in); err != nil {
			t.Fatal(err)
		}
		if rs := e.places.last(t, id); len(rs) != 1 || rs[0].To.Format(time.DateOnly) != want {
			t.Fatalf("after an edit, the board keeps %+v", rs)
		}
	})
}

// The steering of the Loire may keep places of its own structures, not
// those of a structure of the Rhône, party to a Loire agreement: that is
// for that structure's director or the Rhône's steering.
func TestAgreementReservesOnlyInTheStructuresTerritory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		lyon, offer := db.NewID(), db.NewID()
		if err := d.Write(system, func(tx *db.Tx) error {
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organisations (id, kind, name, structure_type, departement, created_at, updated_at)
					VALUES ($1, 'structure', 'MECS du Rhône (test)', 'mecs', '69', $2, $2)`, []any{lyon, tx.Now}},
				{`INSERT INTO structures (id) VALUES ($1)`, []any{lyon}},
				{`INSERT INTO offers (id, structure_id, modality, age_min, age_max, created_at, updated_at)
					VALUES ($1, $2, 'respite', 6, 18, $3, $3)`, []any{offer, lyon, tx.Now}},
			} {
				if _, err := tx.ExecContext(system, q.sql, q.args...); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		in := e.respite(true)
		ditep := in.Parties[0].OrganisationID
		in.Parties = append(in.Parties, cooperation.PartyInput{OrganisationID: lyon, Role: "signataire"})
		in.Places = append(in.Places, cooperation.PlacesInput{OfferID: offer, BeneficiaryID: ditep, Places: 1})
		if _, err := e.s.Create(e.as("pilotage"), in); !slices.Equal(fields(err), []string{"places/1/offer_id"}) {
			t.Fatalf("the Loire's steering keeps a Rhône structure's places: %v", err)
		}
		in.Places = in.Places[:1]
		if _, err := e.s.Create(e.as("pilotage"), in); err != nil {
			t.Fatalf("the Loire's steering with a Rhône party, no places of it: %v", err)
		}
	})
}

// A check made in the database names the row as sent, empty rows
// included, in the form as in the API.
func TestAgreementErrorsNameTheRowSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := e.respite(true)
		in.Parties = []cooperation.PartyInput{in.Parties[0], {}, in.Parties[1], {}, {OrganisationID: db.NewID(), Role: "associe"}}
		in.Places = []cooperation.PlacesInput{{}, in.Places[0], {}, {OfferID: db.NewID(), BeneficiaryID: in.Parties[0].OrganisationID, Places: 1}}
		_, err := e.s.Create(e.as("pilotage"), in)
		if got := fields(err); !slices.Equal(got, []string{"parties/4/organisation_id", "places/3/offer_id"}) {
			t.Fatalf("errors on %v: %v", got, err)
		}
	})
}

// Who cannot read an agreement or a model is told it does not exist, even
// when trying to change it.
func TestAgreementHiddenFromWhoCannotReadIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		draft := must(e.s.Create(e.as("pilotage"), e.respite(false)))
		signed := must(e.s.Create(e.as("pilotage"), e.respite(true)))
		in := e.respite(false)
		for _, who := range []string{"famille", "directeur", "educatrice-mecs"} {
			if err := e.s.Update(e.as(who), draft, in); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s edits the draft: %v", who, err)
			}
		}
		for _, who := range []string{"famille", "directeur"} {
			if err := e.s.Terminate(e.as(who), draft, cooperation.Termination{On: e.day(0), Reason: "x"}); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s terminates the draft: %v", who, err)
			}
		}
		if err := e.s.Terminate(e.as("famille"), signed, cooperation.Termination{On: e.day(0), Reason: "x"}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a parent terminates: %v", err)
		}
		if err := e.s.Terminate(e.as("directeur"), signed, cooperation.Termination{On: e.day(0), Reason: "x"}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("a reader who is not a party terminates: %v", err)
		}
		model := must(e.s.CreateModel(e.as("pilotage"), cooperation.ModelInput{Title: "Charte", Kind: "charte"}))
		if err := e.s.UpdateModel(e.as("famille"), model, cooperation.ModelInput{Title: "x", Kind: "charte"}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("a parent edits a model: %v", err)
		}
	})
}

func TestReservedWindowWidens(t *testing.T) {
	terms := cooperation.Terms{SignedOn: "2026-01-01", StartsOn: "2026-02-01", EndsOn: "2027-01-31", DurationMonths: 12}
	base := cooperation.ReservedWindow("", "", terms, "2026-06-01")
	if base != (cooperation.Window{From: "2026-02-01", To: "2027-01-31"}) {
		t.Fatalf("window %+v", base)
	}
	tacit := terms
	tacit.Tacit = true
	noticed := tacit
	noticed.NoticeGivenOn = "2026-05-01"
	cases := []struct {
		name       string
		from, to   string
		t          cooperation.Terms
		old        cooperation.Window
		wantWidens bool
	}{
		{"same", "", "", terms, base, false},
		{"own dates inside", "2026-03-01", "2026-12-31", terms, base, false},
		{"later end", "", "2027-02-01", terms, base, true},
		{"earlier start", "2026-01-31", "", terms, base, true},
		{"tacit renewal added", "", "", tacit, base, true},
		{"own end, tacit", "", "2026-12-31", tacit, base, false},
		{"notice given", "", "", noticed, cooperation.ReservedWindow("", "", tacit, "2026-06-01"), false},
	}
	for _, c := range cases {
		if got := cooperation.ReservedWindow(c.from, c.to, c.t, "2026-06-01").Widens(c.old); got != c.wantWidens {
			t.Errorf("%s: widens %v", c.name, got)
		}
	}
}
