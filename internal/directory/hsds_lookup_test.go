package directory_test

import (
	"slices"
	"testing"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
)

// Pages of services cut across entries, each entry holding only its
// offers of the page; the total counts services, not entries.
func TestHSDSServicePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ts := e.territory()
		// An inactive offer is not published.
		off := directory.OfferInput{Modality: "day_care", AgeMin: 6, AgeMax: 12}
		if _, err := e.s.SaveOffer(admin, ts["mecs"].ID, "", off); err != nil {
			t.Fatal(err)
		}
		type got struct {
			name      string
			modality  []string
			confident bool
		}
		page := func(limit, offset int) ([]got, int) {
			t.Helper()
			p, total, err := e.s.HSDSServicePage(e.director(ts["ime"]), limit, offset)
			if err != nil {
				t.Fatal(err)
			}
			var out []got
			for _, s := range p {
				g := got{name: s.Name, confident: s.Street == "" && s.Confidential}
				for _, o := range s.Offers {
					g.modality = append(g.modality, o.Modality)
				}
				out = append(out, g)
			}
			return out, total
		}
		// By name: Glycines (emergency), DITEP Le Gier (residential, respite), DITEP Rhône, IME, ITEP, MECS.
		first, total := page(2, 0)
		if total != 7 || len(first) != 2 || first[0].name != "Centre maternel Les Glycines" || !first[0].confident ||
			!slices.Equal(first[1].modality, []string{"residential"}) {
			t.Fatalf("first page %+v, total %d", first, total)
		}
		second, _ := page(2, 2)
		if len(second) != 2 || second[0].name != "DITEP Le Gier" || !slices.Equal(second[0].modality, []string{"respite"}) ||
			second[1].name != "DITEP Rhône" {
			t.Fatalf("second page %+v", second)
		}
		if last, _ := page(2, 6); len(last) != 1 || last[0].name != "MECS Saint-Exupéry" || len(last[0].modality) != 1 {
			t.Fatalf("last page %+v", last)
		}
		if past, _ := page(2, 8); len(past) != 0 {
			t.Fatalf("past the end %+v", past)
		}
	})
}

func TestHSDSService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ts := e.territory()
		gier := ts["ditep"]
		respite := gier.Offers[1]
		if respite.Modality != "respite" {
			t.Fatalf("offers %+v", gier.Offers)
		}
		s, i, err := e.s.HSDSService(e.referent42(), respite.ID)
		if err != nil || s.ID != gier.ID || s.Offers[i].ID != respite.ID || len(s.Offers) != 2 {
			t.Fatalf("service: %v %+v %d", err, s, i)
		}
		maternel := ts["maternel"]
		s, _, err = e.s.HSDSService(admin, maternel.Offers[0].ID)
		if err != nil || s.Street != "" || s.PostalCode != "" || s.HasCoordinates {
			t.Fatalf("confidential service: %v %+v", err, s)
		}
		// Inactive offers, unknown ids and offers of closed entries are not found.
		respite.Active = false
		in := directory.OfferInput{Modality: respite.Modality, AgeMin: respite.AgeMin, AgeMax: respite.AgeMax, Needs: respite.Needs}
		if _, err := e.s.SaveOffer(admin, gier.ID, respite.ID, in); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{respite.ID, "nope", gier.ID} {
			if _, _, err := e.s.HSDSService(admin, id); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s: %v", id, err)
			}
		}
		if _, _, err := e.s.HSDSService(bg, gier.Offers[0].ID); !apperr.Is(err, apperr.Unauthorized) {
			t.Errorf("anonymous: %v", err)
		}
	})
}
