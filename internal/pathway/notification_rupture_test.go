package pathway_test

import (
	"strings"
	"testing"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/pathway"
)

// An MDPH notification the DITEP declares not carried out, or refused by
// the structures, alerts the referent as a risk of rupture, once per
// change; a waiting list or an admission does not. The e-mail names no
// child and no orientation.
func TestNotificationRupture(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ref := e.as("referent")
		c := must(e.s.Create(ref, pathway.ChildInput{FirstName: "Yanis", LastName: "Morel", BirthDate: "2011-11-11", Sex: "boy"}))
		e.joinCircle(c.ID, e.ditep, "ditepDirector", access.CapMedicoSocial, "ditepEducator")
		ditep := e.as("ditepEducator")
		n := must(e.s.AddNotification(ref, c.ID, pathway.NotificationInput{Orientation: "ditep", From: "2026-09-01", To: "2028-08-31",
			Status: "notified"}))
		alerts := func() int {
			return e.countRows(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'child.rupture'`, e.ids["referent"])
		}
		set := func(status string) {
			t.Helper()
			in := pathway.StatusInput{Status: status}
			switch status {
			case "waiting":
				in.WaitingAt = "DITEP du Pilat"
			case "admitted":
				in.AdmittedStructureID = e.ditep
			}
			if err := e.s.SetNotificationStatus(ditep, c.ID, n, in); err != nil {
				t.Fatalf("%s: %v", status, err)
			}
		}
		set("waiting")
		if alerts() != 0 {
			t.Fatal("a waiting list alerts")
		}
		set("not_carried_out")
		if alerts() != 1 {
			t.Fatalf("%d alerts after not carried out", alerts())
		}
		set("not_carried_out")
		if alerts() != 1 {
			t.Fatal("the same status alerts again")
		}
		set("refused")
		if alerts() != 2 {
			t.Fatalf("%d alerts after a refusal", alerts())
		}
		set("admitted")
		if alerts() != 2 {
			t.Fatal("an admission alerts")
		}
		var title, body, link string
		if err := d.Read(bg, func(tx *db.Tx) error {
			return tx.QueryRowContext(bg, `SELECT title, body, link FROM notifications WHERE account_id = $1 AND kind = 'child.rupture'
				ORDER BY created_at, title LIMIT 1`, e.ids["referent"]).Scan(&title, &body, &link)
		}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(title, "Risque de rupture") || !strings.Contains(body, "DITEP") || link != "/enfants/"+c.ID {
			t.Fatalf("alert %q %q %q", title, body, link)
		}
		mails := e.countRows(`SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%rupture%'`)
		leaks := e.countRows(`SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE '%rupture%'
			AND (payload LIKE '%Yanis%' OR payload LIKE '%Morel%' OR payload LIKE '%DITEP%')`)
		if mails != 2 || leaks != 0 {
			t.Fatalf("%d rupture e-mails, %d naming the child or the orientation", mails, leaks)
		}

		// A notification entered already refused alerts too.
		must(e.s.AddNotification(ref, c.ID, pathway.NotificationInput{Orientation: "ime", From: "2026-09-01", To: "2028-08-31",
			Status: "refused"}))
		if alerts() != 3 {
			t.Fatalf("%d alerts after a notification entered refused", alerts())
		}
	})
}
