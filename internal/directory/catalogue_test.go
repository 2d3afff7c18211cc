package directory_test

import (
	"slices"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
	"passerelle/internal/org"
)

// Each server searches its own in-memory catalogue: a change made through
// another server, or straight in the database by an import or a command,
// must show in the next search of every server.
func TestCatalogueFollowsEveryWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		st := e.territory()
		other := &directory.Service{DB: d} // a second server on the same database
		search := func(s *directory.Service, q directory.Query) []string {
			t.Helper()
			p, err := s.Search(e.referent42(), q)
			if err != nil {
				t.Fatal(err)
			}
			return names(p)
		}
		respite := directory.Query{Modality: "respite", Age: ptr(9), Need: "behaviour"}
		want := []string{"DITEP Le Gier", "DITEP Rhône", "ITEP Les Sapins"}
		for _, s := range []*directory.Service{e.s, other} {
			if got := search(s, respite); !slices.Equal(got, want) {
				t.Fatalf("before any change: %q, want %q", got, want)
			}
		}

		// An offer closed through the first server leaves the second's results.
		ditep := st["ditep"]
		o := ditep.Offers[slices.IndexFunc(ditep.Offers, func(o directory.Offer) bool { return o.Modality == "respite" })]
		in := directory.OfferInput{Modality: o.Modality, AgeMin: o.AgeMin, AgeMax: o.AgeMax, Needs: o.Needs, Active: false}
		if _, err := e.s.SaveOffer(admin, ditep.ID, o.ID, in); err != nil {
			t.Fatal(err)
		}
		if got := search(other, respite); !slices.Equal(got, want[1:]) {
			t.Errorf("after the offer closed elsewhere: %q, want %q", got, want[1:])
		}

		// A rename through the organisation pages is found by its new name.
		if _, err := e.orgs.Update(admin, st["itep"].ID, org.Input{Name: "ITEP Les Mélèzes", CommuneCode: roanne,
			Kind: "structure", StructureType: "itep"}); err != nil {
			t.Fatal(err)
		}
		if got := search(other, directory.Query{Text: "meleze"}); !slices.Equal(got, []string{"ITEP Les Mélèzes"}) {
			t.Errorf("after a rename: %q", got)
		}
		if got := search(other, directory.Query{Text: "sapins"}); len(got) != 0 {
			t.Errorf("the old name is still found: %q", got)
		}

		// Raw writes, as an import or a migration makes them: an entry
		// deactivated and an offer deleted.
		if err := d.Write(bg, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(bg, `UPDATE organisations SET active = FALSE WHERE id = $1`, st["lyon"].ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(bg, `DELETE FROM offers WHERE structure_id = $1`, st["ime"].ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*directory.Service{e.s, other} {
			if got := search(s, directory.Query{Text: "rhone"}); len(got) != 0 {
				t.Errorf("a deactivated entry is still found: %q", got)
			}
			if got := search(s, directory.Query{Modality: "respite", Age: ptr(12)}); slices.Contains(got, "IME L'Étoile") {
				t.Errorf("an entry whose offers were deleted is still found by offer: %q", got)
			}
		}
	})
}

// The catalogue packs types and needs in 64-bit masks and modalities in a
// byte (catalogue.go): a longer list must change the packing first.
func TestCatalogueListsFitTheirPacking(t *testing.T) {
	if n := len(org.StructureTypes); n > 64 {
		t.Errorf("%d structure types do not fit a uint64 mask", n)
	}
	if n := len(directory.Needs); n > 64 {
		t.Errorf("%d needs do not fit a uint64 mask", n)
	}
	if n := max(len(directory.Modalities), len(directory.Publics)); n > 127 {
		t.Errorf("%d codes do not fit an int8", n)
	}
}
