package directory_test

import (
	"bytes"
	"testing"
	"time"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
)

func TestOffersContactsDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.entry(directory.EntryInput{Name: "DITEP Le Gier", Type: "ditep", CommuneCode: saintChamond})
		dir := e.director(s)
		o, err := e.s.SaveOffer(dir, s.ID, "", directory.OfferInput{Modality: "respite", AgeMin: 6, AgeMax: 14,
			Needs: []string{"behaviour", "autism"}, PlacesAuthorised: 4, PlacesInstalled: 3, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveOffer(dir, s.ID, o.ID, directory.OfferInput{Modality: "respite", AgeMin: 6, AgeMax: 16,
			Needs: []string{"behaviour"}, Active: true}); err != nil {
			t.Fatal(err)
		}
		c, err := e.s.SaveContact(dir, s.ID, "", directory.ContactInput{Function: "on_duty", Label: "Astreinte", Phone: "06.11.22.33.44"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveContact(dir, s.ID, c.ID, directory.ContactInput{Function: "on_duty", Label: "Astreinte 24 h/24", Phone: "0611223345"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveContact(dir, s.ID, "", directory.ContactInput{Function: "direction", Email: "direction@exemple.fr"}); err != nil {
			t.Fatal(err)
		}
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)
		doc, err := e.s.AddDocument(dir, s.ID, "booklet", `C:\Users\dir\Livret d'accueil.pdf`, pdf)
		if err != nil || doc.Filename != "Livret d'accueil.pdf" {
			t.Fatalf("document %+v %v", doc, err)
		}
		got := e.get(e.educator(s), s.ID)
		if len(got.Offers) != 1 || got.Offers[0].AgeMax != 16 || len(got.Offers[0].Needs) != 1 {
			t.Errorf("offers %+v", got.Offers)
		}
		if len(got.Contacts) != 2 || got.Contacts[0].Function != "on_duty" || got.Contacts[0].Phone != "06 11 22 33 45" {
			t.Errorf("contacts %+v", got.Contacts)
		}
		if on := got.OnDuty(); len(on) != 1 {
			t.Errorf("on duty %+v", on)
		}
		if _, data, err := e.s.Document(e.referent42(), s.ID, doc.ID); err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("read document: %v", err)
		}
		// Another structure's id does not reach these parts.
		other := e.entry(directory.EntryInput{Name: "Autre"})
		if _, err := e.s.SaveOffer(e.director(other), other.ID, o.ID, directory.OfferInput{Modality: "respite", AgeMax: 3}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("offer of another structure: %v", err)
		}
		if _, _, err := e.s.Document(admin, other.ID, doc.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("document through another structure: %v", err)
		}
		for _, bad := range [][]byte{nil, []byte("<html>"), append([]byte("%PDF-"), make([]byte, directory.MaxDocumentBytes)...)} {
			if _, err := e.s.AddDocument(dir, s.ID, "booklet", "x.pdf", bad); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("bad document accepted: %v", err)
			}
		}
		if err := e.s.DeleteOffer(dir, s.ID, o.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteContact(dir, s.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.DeleteDocument(dir, s.ID, doc.ID); err != nil {
			t.Fatal(err)
		}
		got = e.get(admin, s.ID)
		if len(got.Offers)+len(got.Contacts)+len(got.Documents) != 1 {
			t.Errorf("after deletes %+v", got)
		}
		hist, _ := e.s.History(dir, got)
		if len(hist) < 9 {
			t.Errorf("%d history rows", len(hist))
		}
	})
}

func TestStaleReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := e.entry(directory.EntryInput{Name: "MECS oubliée"})
		checked := e.entry(directory.EntryInput{Name: "MECS vérifiée"})
		var director string
		if err := d.Write(bg, func(tx *db.Tx) error {
			for _, id := range []string{s.ID, checked.ID} {
				acc := db.NewID()
				if id == s.ID {
					director = acc
				}
				if _, err := tx.ExecContext(bg, `INSERT INTO accounts (id, email, display_name, created_at, updated_at)
					VALUES ($1, $2, 'Directrice', $3, $3)`, acc, acc+"@exemple.fr", tx.Now); err != nil {
					return err
				}
				if _, err := tx.ExecContext(bg, `INSERT INTO memberships (account_id, organisation_id, role, created_at)
					VALUES ($1, $2, 'director', $3)`, acc, id, tx.Now); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		base := mustURL("https://passerelle.exemple.fr")
		if n, err := e.s.RemindStale(system, base); err != nil || n != 0 {
			t.Fatalf("fresh entries reminded: %d %v", n, err)
		}
		e.clock.Add(150 * 24 * time.Hour)
		if err := e.s.MarkChecked(e.director(checked), checked.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(40 * 24 * time.Hour)
		if !e.get(admin, s.ID).Stale(e.clock.Now()) || e.get(admin, checked.ID).Stale(e.clock.Now()) {
			t.Error("staleness")
		}
		if n, err := e.s.RemindStale(system, base); err != nil || n != 1 {
			t.Fatalf("reminded %d %v", n, err)
		}
		if n := e.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND link = $2`, director, "/annuaire/"+s.ID); n != 1 {
			t.Errorf("%d notifications", n)
		}
		if n := e.count(`SELECT count(*) FROM jobs WHERE kind = 'mail.send' AND payload LIKE $1`, "%"+s.ID+"%"); n != 1 {
			t.Errorf("%d mails", n)
		}
		// Not again the next day; again a month later.
		e.clock.Add(24 * time.Hour)
		if n, _ := e.s.RemindStale(system, base); n != 0 {
			t.Error("reminded twice in a day")
		}
		e.clock.Add(31 * 24 * time.Hour)
		if n, _ := e.s.RemindStale(system, base); n != 1 {
			t.Error("not reminded a month later")
		}
	})
}
