package capacity_test

import (
	"slices"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/cooperation"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

func TestReservedPeriods(t *testing.T) {
	p := func(from, to capacity.Day) capacity.ReservedPeriod {
		return capacity.ReservedPeriod{From: from, To: to}
	}
	cases := []struct {
		name     string
		from, to capacity.Day
		perMonth bool
		want     []capacity.ReservedPeriod
	}{
		{"over the period", "2027-01-01", "2027-12-31", false, []capacity.ReservedPeriod{p(today, "2027-12-31")}},
		{"starts later", "2027-04-10", "2027-05-01", false, []capacity.ReservedPeriod{p("2027-04-10", "2027-05-01")}},
		{"already over", "2026-01-01", "2027-02-28", false, nil},
		{"ends today", "2026-01-01", today, true, []capacity.ReservedPeriod{p(today, today)}},
		{"each month, the current one from today", "2027-01-15", "2027-05-20", true, []capacity.ReservedPeriod{
			p(today, "2027-03-31"), p("2027-04-01", "2027-04-30"), p("2027-05-01", "2027-05-20")}},
		{"each month across the year", "2027-11-01", "2028-02-29", true, []capacity.ReservedPeriod{
			p("2027-11-01", "2027-11-30"), p("2027-12-01", "2027-12-31"), p("2028-01-01", "2028-01-31"), p("2028-02-01", "2028-02-29")}},
		{"end before start", "2027-05-01", "2027-04-01", true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := capacity.ReservedPeriods(c.from, c.to, today, c.perMonth); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	// A mistyped end far away makes at most five years of months.
	if n := len(capacity.ReservedPeriods(today, "2999-12-31", today, true)); n != 60 {
		t.Fatalf("%d periods", n)
	}
}

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

// An agreement reserving 2 respite places a month of the MECS for another
// structure: the board shows them reserved, only the beneficiary holds
// them, a change keeps the holds, and the end keeps only what is taken.
func TestAgreementReservesPlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const agreement = "agreement-1"
		reserve := func(rs ...cooperation.Reservation) error {
			return d.Write(system, func(tx *db.Tx) error { return capacity.AgreementPlaces{}.Reserve(system, tx, agreement, rs) })
		}
		monthly := cooperation.Reservation{OfferID: e.respite.ID, StructureID: e.mecs.ID, BeneficiaryID: e.other.ID,
			Places: 2, PerMonth: true, From: day("2027-01-01"), To: day("2027-06-30")}
		if err := reserve(monthly); err != nil {
			t.Fatal(err)
		}
		// March (from today) to June: four declarations of 2 respite places.
		if n := e.count(`SELECT count(*) FROM availabilities WHERE agreement_id = $1 AND active AND places = 2
			AND kind = 'respite' AND reserved_for = $2`, agreement, e.other.ID); n != 4 {
			t.Fatalf("%d declarations", n)
		}
		p, err := e.s.Search(e.referent, capacity.Query{})
		if err != nil {
			t.Fatal(err)
		}
		// Today's search finds the current month's places, marked reserved.
		if p.Total != 1 || !p.Results[0].Reserved || p.Results[0].ReservedForName != "MECS du Roannais" || p.Results[0].From != today {
			t.Fatalf("search: %+v", p.Results)
		}
		march := p.Results[0].Availability
		_, err = e.s.Hold(e.referent, march.ID, capacity.HoldInput{RequestRef: "R"})
		wantCode(t, err, apperr.Forbidden)
		if _, err := e.s.Hold(e.otherDirector, march.ID, capacity.HoldInput{RequestRef: "R", Places: 1}); err != nil {
			t.Fatalf("beneficiary: %v", err)
		}

		// The same reservation again changes nothing; three places a month
		// keep the March declaration and its hold.
		if err := reserve(monthly); err != nil {
			t.Fatal(err)
		}
		monthly.Places = 3
		if err := reserve(monthly); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT count(*) FROM availabilities WHERE agreement_id = $1 AND active`, agreement); n != 4 {
			t.Fatalf("%d declarations after the change", n)
		}
		if n := e.count(`SELECT places FROM availabilities WHERE id = $1 AND taken = 1`, march.ID); n != 3 {
			t.Fatalf("March has %d places", n)
		}

		// The agreement ends: the held place stays, nothing else is offered.
		if err := reserve(); err != nil {
			t.Fatal(err)
		}
		if n := e.count(`SELECT count(*) FROM availabilities WHERE agreement_id = $1 AND active`, agreement); n != 1 {
			t.Fatalf("%d declarations left", n)
		}
		if n := e.count(`SELECT places FROM availabilities WHERE id = $1`, march.ID); n != 1 {
			t.Fatalf("March keeps %d places", n)
		}
		if p, _ := e.s.Search(e.otherDirector, capacity.Query{}); p.Total != 0 {
			t.Fatalf("still offered: %+v", p.Results)
		}
		if n := e.count(`SELECT count(*) FROM capacity_history WHERE event IN ('reserved', 'reservation_ended')`); n < 8 {
			t.Fatalf("history: %d", n)
		}

		// Another structure's offer cannot be reserved in the MECS's name.
		wrong := monthly
		wrong.StructureID = e.other.ID
		wantCode(t, reserve(wrong), apperr.Invalid)
	})
}
