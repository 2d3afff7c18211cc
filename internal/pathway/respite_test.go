package pathway_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
	"passerelle/internal/pathway"
)

// joinCircle brings org into the child's circle, its director accepting
// and naming staff (the director when none).
func (e *env) joinCircle(childID, org, director string, c access.Capacity, staff ...string) {
	e.t.Helper()
	mid := must(e.s.Invite(e.as("referent"), childID, pathway.InviteInput{OrganisationID: org, Capacity: c, Basis: "shared_secrecy"}))
	if len(staff) == 0 {
		staff = []string{director}
	}
	var ids []string
	for _, s := range staff {
		ids = append(ids, e.ids[s])
	}
	if err := e.s.Answer(e.as(director), childID, mid, true, ids); err != nil {
		e.t.Fatal(err)
	}
}

// respiteBooking declares respite places at a structure and books one
// for the days from..to as ctx; confirm false leaves it an option.
func (e *env) respiteBooking(ctx context.Context, structureID string, from, to capacity.Day, confirm bool) capacity.Hold {
	e.t.Helper()
	dir := &directory.Service{DB: e.d}
	offer, err := dir.SaveOffer(system, structureID, "", directory.OfferInput{Modality: "respite", AgeMin: 6, AgeMax: 18,
		Public: "mixed", PlacesAuthorised: 4, PlacesInstalled: 4, Active: true})
	if err != nil {
		e.t.Fatal(err)
	}
	cs := &capacity.Service{DB: e.d}
	a, err := cs.Declare(system, offer.ID, capacity.Declaration{Kind: capacity.KindRespite, Places: 1, From: from, To: to})
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := cs.Hold(ctx, a.ID, capacity.HoldInput{RequestRef: "DEM-2027-014 (répit)"})
	if err != nil {
		e.t.Fatal(err)
	}
	if confirm {
		if h, err = cs.ConfirmHold(ctx, h.ID, from, to); err != nil {
			e.t.Fatal(err)
		}
	}
	return h
}

func (e *env) countRows(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.Read(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, q, args...).Scan(&n) }); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestCheckRespite(t *testing.T) {
	booked := pathway.RespiteBooking{ID: "h", Status: "booked", Kind: "respite", HolderOrgID: "ase", StructureID: "relais",
		From: "2027-03-10", To: "2027-03-12"}
	with := func(change func(*pathway.RespiteBooking)) pathway.RespiteBooking {
		b := booked
		change(&b)
		return b
	}
	cases := []struct {
		name string
		b    pathway.RespiteBooking
		orgs []string
		code apperr.Code // "" when allowed
	}{
		{"the holder's booking", booked, []string{"ase"}, ""},
		{"on its last day", booked, []string{"mecs", "ase"}, ""},
		{"another organisation's", booked, []string{"mecs"}, apperr.Invalid},
		{"not a respite stay", with(func(b *pathway.RespiteBooking) { b.Kind = "permanent" }), []string{"ase"}, apperr.Invalid},
		{"an option not confirmed", with(func(b *pathway.RespiteBooking) { b.Status = "held" }), []string{"ase"}, apperr.Invalid},
		{"cancelled", with(func(b *pathway.RespiteBooking) { b.Status = "cancelled" }), []string{"ase"}, apperr.Invalid},
		{"over", with(func(b *pathway.RespiteBooking) { b.To = "2027-03-09" }), []string{"ase"}, apperr.Invalid},
		{"already on this child's planning", with(func(b *pathway.RespiteBooking) { b.PlacedOn = "child" }), []string{"ase"}, apperr.Conflict},
		{"on another child's", with(func(b *pathway.RespiteBooking) { b.PlacedOn = "other" }), []string{"ase"}, apperr.Conflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := pathway.CheckRespite(c.b, c.orgs, "child", "2027-03-10")
			if c.code == "" && err != nil || c.code != "" && apperr.CodeOf(err) != c.code {
				t.Fatalf("got %v, want %q", err, c.code)
			}
			if c.code == apperr.Invalid && !slices.Contains(fieldsOf(err), "hold_id") {
				t.Fatalf("no field: %v", err)
			}
		})
	}
}

// Tom lives at the MECS and goes to the DITEP on weekdays. The ASE books
// him three days of respite at the MECS du Roannais and puts them on his
// planning: whole days that replace the MECS's nights without a conflict,
// and conflict with the DITEP's days. Only the ASE places and edits its
// booking; a booking goes on one planning once; cancelled on the board, it
// leaves the planning.
func TestRespiteStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Tom", LastName: "Girard", BirthDate: "2016-09-09", Sex: "boy",
			LivingKind: "structure", LivingStructureID: e.mecs}))
		e.joinCircle(c.ID, e.mecs, "mecsDirector", access.CapLivingPlace, "mecsEducator")
		e.joinCircle(c.ID, e.ditep, "ditepDirector", access.CapMedicoSocial, "ditepEducator")
		mother := must(e.s.AddRelative(ref, c.ID, pathway.RelativeInput{Kind: "mother", Name: "Claire Girard", Authority: "full"}))
		if err := e.s.LinkParent(ref, c.ID, mother, e.ids["parent"]); err != nil {
			t.Fatal(err)
		}
		every := []int{1, 2, 3, 4, 5, 6, 7}
		must(e.s.AddSlot(e.as("mecsEducator"), c.ID, pathway.SlotInput{Kind: "living", Start: "16:30", End: "09:00", Weekdays: every, From: "2027-02-01"}))
		must(e.s.AddSlot(e.as("mecsEducator"), c.ID, pathway.SlotInput{Kind: "living", Start: "09:00", End: "16:30", Weekdays: []int{6, 7}, From: "2027-02-01"}))
		must(e.s.AddSlot(e.as("ditepEducator"), c.ID, pathway.SlotInput{Kind: "day_care", Start: "09:00", End: "16:30",
			Weekdays: []int{1, 2, 3, 4, 5}, From: "2027-02-01"}))

		// Wednesday 10 to Friday 12 March, booked by the ASE; an option
		// not confirmed; the DITEP's own booking.
		stay := e.respiteBooking(ref, e.otherMecs, "2027-03-10", "2027-03-12", true)
		option := e.respiteBooking(ref, e.otherMecs, "2027-03-17", "2027-03-18", false)
		ditepStay := e.respiteBooking(e.as("ditepDirector"), e.otherMecs, "2027-03-24", "2027-03-25", true)

		stays := must(e.s.RespiteStays(ref, c.ID))
		if len(stays) != 1 || stays[0].ID != stay.ID || stays[0].StructureName != "MECS du Roannais" || stays[0].From != "2027-03-10" {
			t.Fatalf("the referent's stays %+v", stays)
		}
		if stays := must(e.s.RespiteStays(e.as("ditepDirector"), c.ID)); len(stays) != 1 || stays[0].ID != ditepStay.ID {
			t.Fatalf("the DITEP's stays %+v", stays)
		}
		if stays := must(e.s.RespiteStays(e.as("mecsEducator"), c.ID)); len(stays) != 0 {
			t.Fatalf("the MECS sees others' bookings: %+v", stays)
		}

		// Who may not place it.
		if _, err := e.s.PlaceRespite(e.as("mecsEducator"), c.ID, stay.ID); !slices.Contains(fieldsOf(err), "hold_id") {
			t.Fatalf("the MECS places the ASE's booking: %v", err)
		}
		if _, err := e.s.PlaceRespite(e.as("parent"), c.ID, stay.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the parent places it: %v", err)
		}
		if _, err := e.s.PlaceRespite(e.as("otherEducator"), c.ID, stay.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("an unrelated educator places it: %v", err)
		}
		if _, err := e.s.PlaceRespite(ref, c.ID, option.ID); !slices.Contains(fieldsOf(err), "hold_id") {
			t.Fatalf("an option not confirmed: %v", err)
		}
		for _, id := range []string{"", "pas-un-identifiant", db.NewID()} {
			if _, err := e.s.PlaceRespite(ref, c.ID, id); !slices.Contains(fieldsOf(err), "hold_id") {
				t.Fatalf("booking %q: %v", id, err)
			}
		}

		slot := must(e.s.PlaceRespite(ref, c.ID, stay.ID))
		if _, err := e.s.PlaceRespite(ref, c.ID, stay.ID); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("placed twice: %v", err)
		}
		other := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Léa", LastName: "Roux", BirthDate: "2015-01-02", Sex: "girl"}))
		if _, err := e.s.PlaceRespite(ref, other.ID, stay.ID); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("placed on a second child: %v", err)
		}
		if stays := must(e.s.RespiteStays(ref, c.ID)); len(stays) != 0 {
			t.Fatalf("a placed stay still offered: %+v", stays)
		}

		w := must(e.s.Week(e.as("parent"), c.ID, "2027-03-10"))
		var respite []pathway.Occurrence
		for _, day := range w.Days {
			for _, o := range day.Occurrences {
				if o.Slot.Kind == "respite" {
					respite = append(respite, o)
				}
			}
		}
		if len(respite) != 3 || respite[0].Slot.ID != slot || respite[0].Slot.OrganisationName != "MECS du Roannais" ||
			respite[0].Slot.Owner() != e.ase || respite[0].End.Sub(respite[0].Start) != 24*time.Hour ||
			respite[0].Start.Format("2006-01-02 15:04") != "2027-03-10 00:00" {
			t.Fatalf("respite occurrences %+v", respite)
		}
		// The DITEP's three days conflict; the MECS's nights do not.
		if len(w.Conflicts) != 3 {
			t.Fatalf("conflicts %v", w.Conflicts)
		}
		for _, sp := range w.Conflicts {
			kinds := []string{sp.A.Kind, sp.B.Kind}
			slices.Sort(kinds)
			if !slices.Equal(kinds, []string{"day_care", "respite"}) {
				t.Fatalf("conflict between %v", kinds)
			}
		}
		// The stay is the ASE's to edit, not the hosting structure's nor the DITEP's.
		if err := e.s.DeleteSlot(e.as("ditepEducator"), c.ID, slot); !apperr.Is(err, apperr.Forbidden) {
			t.Fatalf("the DITEP removes the ASE's stay: %v", err)
		}
		if err := e.s.SkipDay(e.as("colleague"), c.ID, slot, "2027-03-12"); err != nil {
			t.Fatalf("a colleague of the referent shortens the stay: %v", err)
		}
		if w := must(e.s.Week(ref, c.ID, "2027-03-10")); len(w.Conflicts) != 2 {
			t.Fatalf("after a day off, conflicts %v", w.Conflicts)
		}

		// Cancelled on the board, the stay leaves the planning.
		if _, err := (&capacity.Service{DB: d}).CancelHold(ref, stay.ID, "Séjour annulé"); err != nil {
			t.Fatal(err)
		}
		w = must(e.s.Week(ref, c.ID, "2027-03-10"))
		if slices.ContainsFunc(w.Slots, func(s pathway.Slot) bool { return s.HoldID != "" }) || len(w.Conflicts) != 0 {
			t.Fatalf("a cancelled stay shows: %+v %v", w.Slots, w.Conflicts)
		}
		if err := e.s.DeleteSlot(ref, c.ID, slot); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("a cancelled stay removed: %v", err)
		}
		if stays := must(e.s.RespiteStays(ref, c.ID)); len(stays) != 0 {
			t.Fatalf("a cancelled stay offered: %+v", stays)
		}
		if n := e.countRows(`SELECT count(*) FROM audit_log WHERE action = 'child.planning.respite' AND resource_id = $1`, c.ID); n != 1 {
			t.Fatalf("%d audit lines for the placement", n)
		}
	})
}
