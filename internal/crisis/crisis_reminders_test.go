package crisis_test

import (
	"strings"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/crisis"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// Raising the cadence during a crisis must not silence the reminders: the
// periods of the new cadence are not those already reminded under the old
// one (an hourly cadence marked periods 1 to 5; a daily one must still
// remind on its first day).
func TestStatusRemindersAfterCadenceRaised(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil := e.as("pilotage")
		c := must(e.s.Activate(pil, crisis.Activation{Departement: "42", Kind: crisis.KindFlood, Description: "Crue de la Loire."}))
		if err := e.s.SetCadence(pil, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			e.clock.Add(time.Hour + time.Minute)
			if n := must(e.s.StatusReminders(bg)); n == 0 {
				t.Fatal("hourly cadence: nobody reminded")
			}
		}
		if err := e.s.SetCadence(pil, c.ID, 24); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(20 * time.Hour) // about 25 h since the start
		n := must(e.s.StatusReminders(bg))
		if n == 0 {
			t.Fatal("after the cadence was raised to 24 h, the silent structures are not reminded")
		}
		if again := must(e.s.StatusReminders(bg)); again != 0 {
			t.Fatalf("reminded twice in a period: %d", again)
		}
	})
}

// A structure deactivated after a broadcast was sent is no longer
// reminded to acknowledge it, as the status and plan reminders already
// leave inactive structures out.
func TestBroadcastRemindersSkipDeactivatedStructure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		startCrisis(t, d)
		mecs, ditep := e.orgID("MECS Beauregard (fictif)"), e.orgID("DITEP Le Gier (fictif)")
		must(e.s.Send(e.as("pilotage"), crisis.BroadcastInput{Departement: "42", Subject: "Point", Body: "Point de situation à 18 h.",
			Selection: crisis.Selection{StructureIDs: []string{mecs, ditep}}}))
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `UPDATE organisations SET active = FALSE WHERE id = $1`, mecs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(3 * time.Hour)
		if n := must(e.s.BroadcastReminders(system)); n != 1 {
			t.Fatalf("%d reminders sent, want one (the DITEP; the MECS is closed)", n)
		}
		if e.count(`SELECT count(*) FROM crisis_broadcast_reminders WHERE structure_id = $1`, mecs) != 0 {
			t.Fatal("the deactivated MECS was reminded")
		}
	})
}

// A number of staff absent beyond the bound is refused with a message
// that says the bound, not "0 or more" (which the number already is).
func TestStatusReportCountBound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		id := startCrisis(t, d)
		_, err := e.s.FileStatus(e.as("directeur"), id, crisis.StatusInput{StructureID: e.orgID("MECS Beauregard (fictif)"),
			State: crisis.StateReduced, StaffAbsent: 1000000, ChildrenAffected: -1})
		wantCode(t, "a million staff absent", err, apperr.Invalid, "staff_absent", "children_affected")
		f, _ := apperr.As(err)
		for _, field := range []string{"staff_absent", "children_affected"} {
			if !strings.Contains(f.Fields[field], "100 000") {
				t.Errorf("%s: %q does not say the bound", field, f.Fields[field])
			}
		}
	})
}

// A parent's account cannot join a crisis cell: the cell reads meeting
// notes and every structure's state. Even if one was recorded, it would
// read nothing more than before.
func TestCellRefusesParentAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pil, fam := e.as("pilotage"), e.as("famille")
		c := must(e.s.Activate(pil, crisis.Activation{Departement: "42", Kind: crisis.KindFlood, Description: "Crue de la Loire."}))
		_, err := e.s.AddMember(pil, c.ID, crisis.MemberInput{Email: "famille@demo.passerelle.test", Function: "Parent"})
		wantCode(t, "a parent added to the cell", err, apperr.Invalid, "email")

		// A row written before this check (or by hand) opens nothing.
		if err := d.Write(system, func(tx *db.Tx) error {
			_, err := tx.ExecContext(system, `INSERT INTO crisis_cell_members (id, crisis_id, account_id, name, organisation, function, phone, created_at)
				SELECT $1, $2, id, 'Parent', '', '', '', $3 FROM accounts WHERE email = 'famille@demo.passerelle.test'`, db.NewID(), c.ID, tx.Now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Get(fam, c.ID)
		wantCode(t, "the parent in the cell reads the crisis", err, apperr.NotFound)
		_, err = e.s.PrintReport(fam, c.ID)
		if err == nil {
			t.Fatal("the parent in the cell prints the report")
		}
	})
}
