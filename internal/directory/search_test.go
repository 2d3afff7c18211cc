package directory_test

import (
	"context"
	"passerelle/internal/access"
	"slices"
	"testing"

	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/directory"
)

// territory is a small Loire: respite offers at several distances from
// Saint-Chamond, a DITEP for behaviour disorders, and a confidential
// centre maternel.
func (e *env) territory() map[string]directory.Structure {
	e.t.Helper()
	out := map[string]directory.Structure{}
	add := func(key string, in directory.EntryInput, offers ...directory.OfferInput) {
		s := e.entry(in)
		for _, o := range offers {
			e.offer(s, o)
		}
		out[key] = e.get(admin, s.ID)
	}
	respiteBehaviour := directory.OfferInput{Modality: "respite", AgeMin: 6, AgeMax: 14, Needs: []string{"behaviour"}}
	add("ditep", directory.EntryInput{Name: "DITEP Le Gier", Type: "ditep", CommuneCode: saintChamond}, respiteBehaviour,
		directory.OfferInput{Modality: "residential", AgeMin: 6, AgeMax: 18, Needs: []string{"behaviour"}})
	add("itep", directory.EntryInput{Name: "ITEP Les Sapins", Type: "itep", CommuneCode: roanne}, respiteBehaviour)
	add("mecs", directory.EntryInput{Name: "MECS Saint-Exupéry", Type: "mecs", CommuneCode: saintEtienne},
		directory.OfferInput{Modality: "respite", AgeMin: 8, AgeMax: 12})
	add("ime", directory.EntryInput{Name: "IME L'Étoile", Type: "ime", CommuneCode: firminy},
		directory.OfferInput{Modality: "respite", AgeMin: 10, AgeMax: 20, Needs: []string{"behaviour", "intellectual"}})
	add("lyon", directory.EntryInput{Name: "DITEP Rhône", Type: "ditep", CommuneCode: lyon}, respiteBehaviour)
	add("maternel", directory.EntryInput{Name: "Centre maternel Les Glycines", Type: "centre_maternel", CommuneCode: firminy,
		Street: "12 chemin caché", PostalCode: "42700", Lat: ptr(45.3901), Lng: ptr(4.2923), Confidential: true},
		directory.OfferInput{Modality: "emergency", AgeMin: 0, AgeMax: 3, Needs: []string{"parenthood"}})
	return out
}

func TestSearchText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.territory()
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"saint exupery", []string{"MECS Saint-Exupéry"}},
			{"ST-EXUP", []string{"MECS Saint-Exupéry"}},
			{"étoile", []string{"IME L'Étoile"}},
			{"letoile", []string{"IME L'Étoile"}},
			{"firminy", []string{"Centre maternel Les Glycines", "IME L'Étoile"}},
			{"ditep", []string{"DITEP Le Gier", "DITEP Rhône"}},
			{"institut therapeutique", []string{"ITEP Les Sapins"}},
			{"roanne sapins", []string{"ITEP Les Sapins"}},
			{"zzz", []string{}},
			{`"; DROP TABLE x --`, []string{}},
			{"*", []string{"Centre maternel Les Glycines", "DITEP Le Gier", "DITEP Rhône", "IME L'Étoile", "ITEP Les Sapins", "MECS Saint-Exupéry"}},
		} {
			p, err := e.s.Search(e.referent42(), directory.Query{Text: c.q})
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			if got := names(p); !slices.Equal(got, c.want) || p.Total != len(c.want) {
				t.Errorf("%q: %q (total %d), want %q", c.q, got, p.Total, c.want)
			}
		}
	})
}

// The journey: a respite offer for a 9-year-old with behaviour
// disorders within 45 minutes of Saint-Chamond, nearest first.
func TestSearchRespiteNear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.territory()
		p, err := e.s.Search(e.referent42(), directory.Query{Modality: "respite", Age: ptr(9), Need: "behaviour",
			Near: saintChamond, Within: 45})
		if err != nil {
			t.Fatal(err)
		}
		// The IME takes from 10, the MECS has no behaviour offer, Lyon is
		// about an hour away and Roanne more.
		want := []string{"DITEP Le Gier"}
		if got := names(p); !slices.Equal(got, want) {
			t.Fatalf("got %q, want %q", got, want)
		}
		if p.Results[0].Minutes > 5 {
			t.Errorf("minutes %d", p.Results[0].Minutes)
		}
		// Only the matching offer is shown: the DITEP's respite, not its internat.
		if o := p.Results[0].Offers; len(o) != 1 || o[0].Modality != "respite" {
			t.Errorf("offers shown %+v", o)
		}
		// Wider: Roanne comes in last.
		p, _ = e.s.Search(e.referent42(), directory.Query{Modality: "respite", Need: "behaviour", Near: saintChamond, Within: 120})
		want = []string{"DITEP Le Gier", "IME L'Étoile", "DITEP Rhône", "ITEP Les Sapins"}
		if got := names(p); !slices.Equal(got, want) {
			t.Errorf("within 120: %q, want %q", got, want)
		}
		for i := 1; i < len(p.Results); i++ {
			if p.Results[i].Minutes < p.Results[i-1].Minutes {
				t.Errorf("not in travel-time order: %+v", p.Results)
			}
		}
	})
}

func TestSearchFiltersAndPaging(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.territory()
		for _, c := range []struct {
			name string
			q    directory.Query
			want []string
		}{
			{"type", directory.Query{Types: []string{"ditep"}}, []string{"DITEP Le Gier", "DITEP Rhône"}},
			{"département", directory.Query{Departement: "69"}, []string{"DITEP Rhône"}},
			{"sector", directory.Query{Sector: "protection_enfance"}, []string{"Centre maternel Les Glycines", "MECS Saint-Exupéry"}},
			{"age 2", directory.Query{Age: ptr(2)}, []string{"Centre maternel Les Glycines"}},
			{"intellectual", directory.Query{Need: "intellectual"}, []string{"IME L'Étoile"}},
			{"residential behaviour 17", directory.Query{Modality: "residential", Age: ptr(17), Need: "behaviour"}, []string{"DITEP Le Gier"}},
		} {
			p, err := e.s.Search(e.referent42(), c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := names(p); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		var all []string
		for off := 0; off < 6; off += 4 {
			p, err := e.s.Search(e.referent42(), directory.Query{Limit: 4, Offset: off})
			if err != nil || p.Total != 6 {
				t.Fatalf("page at %d: %v total %d", off, err, p.Total)
			}
			all = append(all, names(p)...)
		}
		if len(all) != 6 || !slices.IsSorted(all) {
			t.Errorf("pages %q", all)
		}
	})
}

func TestSearchInvalidQuery(t *testing.T) {
	for _, c := range []struct {
		q     directory.Query
		field string
	}{
		{directory.Query{Modality: "camping"}, "modalite"},
		{directory.Query{Age: ptr(-1)}, "age"},
		{directory.Query{Need: "x"}, "besoin"},
		{directory.Query{Within: 30}, "pres_de"},
		{directory.Query{Near: "99999"}, "pres_de"},
		{directory.Query{Near: saintEtienne, Within: 1000}, "minutes"},
		{directory.Query{Types: []string{"casino"}}, "type"},
		{directory.Query{Departement: "100"}, "departement"},
	} {
		_, err := directory.NormalizeQuery(c.q)
		if ae, ok := apperr.As(err); !ok || ae.Fields[c.field] == "" {
			t.Errorf("%+v: %v, want an error on %s", c.q, err, c.field)
		}
	}
}

// A confidential address reaches only the structure's members and the
// ASE and steering accounts of its département: not the others, not by
// search, not by travel times.
func TestConfidentialAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ts := e.territory()
		m := ts["maternel"]
		other := ts["mecs"]
		for _, c := range []struct {
			name string
			ctx  context.Context
			sees bool
		}{
			{"admin", admin, true},
			{"educator of the centre", e.educator(m), true},
			{"referent of 42", e.referent42(), true},
			{"steering of 42", e.steering42(), true},
			{"referent of 69", referent69(), false},
			{"director of another structure", e.director(other), false},
			{"parent", as(access.RoleParent, e.ase42, access.OrgASE, "42"), false},
			{"educator elsewhere", e.educator(other), false},
		} {
			got := e.get(c.ctx, m.ID)
			visible := got.Street != "" && got.PostalCode != "" && got.Lat == 45.3901
			if visible != c.sees || got.AddressHidden == c.sees {
				t.Errorf("%s: street %q lat %v hidden %v, want sees=%v", c.name, got.Street, got.Lat, got.AddressHidden, c.sees)
			}
			if got.CommuneCode != firminy {
				t.Errorf("%s: commune %q", c.name, got.CommuneCode)
			}
			p, err := e.s.Search(c.ctx, directory.Query{Text: "glycines", Near: firminy, Within: 30})
			if err != nil || len(p.Results) != 1 {
				t.Fatalf("%s: search %v %+v", c.name, err, p)
			}
			r := p.Results[0].Structure
			if (r.Street != "") != c.sees || (r.Lat == 45.3901) != c.sees {
				t.Errorf("%s: search result street %q lat %v", c.name, r.Street, r.Lat)
			}
			// Travel time counts from the commune centre for everyone.
			if p.Results[0].Minutes != 0 && p.Results[0].Minutes != 1 {
				t.Errorf("%s: %d minutes from the commune centre", c.name, p.Results[0].Minutes)
			}
		}
		// Neither the street nor the postal code can be searched for.
		for _, q := range []string{"chemin cache", "42700"} {
			if p, _ := e.s.Search(e.referent42(), directory.Query{Text: q}); p.Total != 0 {
				t.Errorf("%q found the confidential entry", q)
			}
		}
	})
}
