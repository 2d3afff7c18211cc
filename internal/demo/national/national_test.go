package national_test

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/capacity"
	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
	"passerelle/internal/demo/national"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

var bg = context.Background()

func TestAllocate(t *testing.T) {
	tests := []struct {
		name string
		n    int
		pops []float64
		want []int
	}{
		{"one each, then by population", 13, []float64{1, 1, 8}, []int{2, 2, 9}},
		{"remainders after the floor", 10, []float64{1, 1, 8}, []int{2, 2, 6}},
		{"largest remainders", 7, []float64{50, 30, 20}, []int{3, 2, 2}},
		{"fewer than areas: population only", 2, []float64{10, 80, 10}, []int{0, 2, 0}},
		{"exactly one each", 3, []float64{1, 1000, 1}, []int{1, 1, 1}},
		{"ties go to the first", 5, []float64{1, 1}, []int{3, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := national.Allocate(tt.n, tt.pops); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Allocate(%d, %v) = %v, want %v", tt.n, tt.pops, got, tt.want)
			}
		})
	}
}

// sectorConditions: which admission conditions each sector may ask for.
var sectorConditions = map[string][]string{
	org.SectorChildProtection: {"ase_measure", "judicial_decision", "parents_request"},
	org.SectorMedicoSocial:    {"mdph_notification"},
	org.SectorHealth:          {},
	org.SectorJustice:         {"judicial_decision"},
}

func TestPlanDistribution(t *testing.T) {
	deps := geo.Departements()
	tests := []struct {
		n             int
		seed          uint64
		everyDep      bool
		confidentials [2]float64 // share of confidential addresses, bounds
	}{
		{n: 300, seed: 1, everyDep: true, confidentials: [2]float64{0, 0.05}},
		{n: 2000, seed: 42, everyDep: true, confidentials: [2]float64{0.01, 0.035}},
		{n: 10000, seed: 1, everyDep: true, confidentials: [2]float64{0.01, 0.03}},
		{n: 60, seed: 3, everyDep: false, confidentials: [2]float64{0, 0.1}},
	}
	for _, tt := range tests {
		p := national.NewPlan(tt.n, tt.seed)
		if len(p.Structures) != tt.n {
			t.Fatalf("n=%d: %d structures", tt.n, len(p.Structures))
		}
		perDep := map[string]int{}
		types := map[string]int{}
		offers, confidential := 0, 0
		for _, s := range p.Structures {
			perDep[s.Departement()]++
			types[s.Entry.Type]++
			offers += len(s.Offers)
			if s.Entry.Confidential {
				confidential++
			}
			checkStructure(t, p, s)
		}
		if tt.everyDep {
			for _, d := range deps {
				if perDep[d.Code] == 0 {
					t.Errorf("n=%d: no structure in %s %s", tt.n, d.Code, d.Name)
				}
			}
		}
		if avg := float64(offers) / float64(tt.n); avg < 2.7 || avg > 3.3 {
			t.Errorf("n=%d: %.2f offers a structure, want about 3", tt.n, avg)
		}
		if share := float64(confidential) / float64(tt.n); share < tt.confidentials[0] || share > tt.confidentials[1] {
			t.Errorf("n=%d: %.1f %% confidential addresses", tt.n, 100*share)
		}
		if tt.n >= 2000 {
			// The big départements get the most; the commonest types lead.
			if perDep["59"] <= perDep["48"] || perDep["75"] <= perDep["23"] {
				t.Errorf("n=%d: Nord %d, Lozère %d, Paris %d, Creuse %d", tt.n, perDep["59"], perDep["48"], perDep["75"], perDep["23"])
			}
			if types["sessad"] <= types["pouponniere"] || types["mecs"] <= types["centre_parental"] {
				t.Errorf("n=%d: type mix %v", tt.n, types)
			}
		}
	}
}

// checkStructure checks one planned structure against the directory's
// rules and the promises of the generator.
func checkStructure(t *testing.T, p national.Plan, s national.Structure) {
	t.Helper()
	e := s.Entry
	if !strings.HasSuffix(e.Name, national.Fictional) {
		t.Errorf("%q does not say it is fictional", e.Name)
	}
	if _, err := directory.NormalizeEntry(e); err != nil {
		t.Errorf("%s: entry rejected: %v", e.Name, fields(err))
	}
	c, _ := geo.CommuneByCode(e.CommuneCode)
	d, _ := geo.DepartementByCode(c.Departement)
	block := national.FictionBlock(d)
	if !strings.HasPrefix(e.Phone, block) {
		t.Errorf("%s in %s: phone %s outside the fiction block %s", e.Name, d.Code, e.Phone, block)
	}
	if !strings.HasSuffix(e.Email, "@"+national.MailDomain) {
		t.Errorf("%s: e-mail %s", e.Name, e.Email)
	}
	if n := len(s.Offers); n < 1 || n > 5 {
		t.Errorf("%s: %d offers", e.Name, n)
	}
	if n := len(s.Contacts); n < 1 || n > 4 {
		t.Errorf("%s: %d contacts", e.Name, n)
	}
	if s.Operator >= len(p.Operators) {
		t.Errorf("%s: operator %d of %d", e.Name, s.Operator, len(p.Operators))
	}
	allowed := sectorConditions[org.StructureTypeSector(e.Type)]
	for _, o := range s.Offers {
		if _, err := directory.NormalizeOffer(o); err != nil {
			t.Errorf("%s: offer %+v rejected: %v", e.Name, o, fields(err))
		}
		for _, c := range o.Conditions {
			if !slices.Contains(allowed, c) {
				t.Errorf("%s (%s): condition %s", e.Name, e.Type, c)
			}
		}
		if slices.Contains(o.Needs, "parenthood") != (e.Type == "centre_maternel" || e.Type == "centre_parental" || o.Label == "AED petite enfance") {
			t.Errorf("%s (%s): needs %v", e.Name, e.Type, o.Needs)
		}
	}
	for _, c := range s.Contacts {
		if _, err := directory.NormalizeContact(c); err != nil {
			t.Errorf("%s: contact %+v rejected: %v", e.Name, c, fields(err))
		}
		if c.Phone != "" && !strings.HasPrefix(c.Phone, block) {
			t.Errorf("%s: contact phone %s", e.Name, c.Phone)
		}
	}
}

func fields(err error) any {
	if e, ok := apperr.As(err); ok {
		return e.Fields
	}
	return err
}

func TestPlanIsDeterministic(t *testing.T) {
	a, b := national.NewPlan(300, 7), national.NewPlan(300, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans of the same seed differ")
	}
	if c := national.NewPlan(300, 8); reflect.DeepEqual(a.Structures[:10], c.Structures[:10]) {
		t.Fatal("another seed gives the same plan")
	}
}

func TestOperatorsAreOfTheirDepartement(t *testing.T) {
	p := national.NewPlan(1000, 1)
	for _, s := range p.Structures {
		if s.Operator < 0 {
			continue
		}
		c, _ := geo.CommuneByCode(p.Operators[s.Operator].CommuneCode)
		if c.Departement != s.Departement() {
			t.Fatalf("%s (%s) run by %s (%s)", s.Entry.Name, s.Departement(), p.Operators[s.Operator].Name, c.Departement)
		}
	}
}

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 300
		var progress []int
		sum, err := national.Load(bg, d, national.Options{Structures: n, Seed: 5, Batch: 120,
			Progress: func(done int) { progress = append(progress, done) }})
		if err != nil {
			t.Fatal(err)
		}
		want := national.NewPlan(n, 5).Summarize()
		if sum != want || sum.Departements != len(geo.Departements()) {
			t.Fatalf("summary %+v, plan %+v", sum, want)
		}
		if !reflect.DeepEqual(progress, []int{120, 240, 300}) {
			t.Errorf("progress %v", progress)
		}
		count := func(q string) int {
			t.Helper()
			var c int
			if err := d.SQL().QueryRow(q).Scan(&c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		for q, want := range map[string]int{
			`SELECT count(*) FROM organisations WHERE kind = 'structure' AND fictional = TRUE`: n,
			`SELECT count(*) FROM organisations WHERE kind = 'operator' AND fictional = TRUE`:  sum.Operators,
			`SELECT count(*) FROM organisations WHERE fictional = FALSE`:                       0,
			`SELECT count(*) FROM structures WHERE sort_name <> '' AND public_lat IS NOT NULL`: n,
			`SELECT count(*) FROM offers`:                                                    sum.Offers,
			`SELECT count(*) FROM structure_contacts`:                                        sum.Contacts,
			`SELECT count(*) FROM structures WHERE confidential = TRUE`:                      sum.Confidential,
			`SELECT count(DISTINCT departement) FROM organisations WHERE kind = 'structure'`: len(geo.Departements()),
			`SELECT count(*) FROM audit_log WHERE action = 'bench_data.load'`:                4,
			`SELECT count(*) FROM organisations o JOIN organisations op ON op.id = o.operator_id
				WHERE o.departement <> op.departement`: 0,
			`SELECT count(*) FROM organisations WHERE kind = 'ase' AND fictional = TRUE`: sum.Board.Services,
			`SELECT count(*) FROM availabilities`:                                        sum.Board.Declarations,
			`SELECT count(*) FROM capacity_holds`:                                        sum.Board.Holds,
			`SELECT count(*) FROM capacity_holds WHERE status IN ('held', 'booked')`:     sum.Board.LiveHolds,
			`SELECT count(*) FROM capacity_history`:                                      sum.Board.History,
			`SELECT count(DISTINCT offer_id) FROM availabilities`:                        sum.Board.Offers,
			// Places are taken by live holds only, never beyond those declared.
			`SELECT count(*) FROM availabilities a WHERE a.taken > a.places OR a.taken <> (SELECT COALESCE(SUM(h.places), 0)
				FROM capacity_holds h WHERE h.availability_id = a.id AND h.status IN ('held', 'booked'))`: 0,
			// Every figure belongs to an offer of its structure, held by the ASE of its département.
			`SELECT count(*) FROM availabilities a JOIN offers o ON o.id = a.offer_id WHERE o.structure_id <> a.structure_id`: 0,
			`SELECT count(*) FROM capacity_holds h JOIN organisations s ON s.id = h.structure_id
				JOIN organisations ase ON ase.id = h.holder_org_id WHERE ase.kind <> 'ase' OR ase.departement <> s.departement`: 0,
			`SELECT count(*) FROM capacity_history h JOIN availabilities a ON a.id = h.availability_id
				WHERE h.offer_id <> a.offer_id OR h.kind <> a.kind`: 0,
		} {
			if got := count(q); got != want {
				t.Errorf("%s: %d, want %d", q, got, want)
			}
		}

		// The search finds them, by text and by travel time.
		svc := &directory.Service{DB: d}
		ctx := access.WithActor(bg, access.SystemActor)
		page, err := svc.Search(ctx, directory.Query{Text: "fictif"})
		if err != nil || page.Total != n {
			t.Fatalf("text search: %d found, %v", page.Total, err)
		}
		page, err = svc.Search(ctx, directory.Query{Near: "75056", Within: 60})
		if err != nil || page.Total == 0 || page.Results[0].Minutes > 60 {
			t.Fatalf("near Paris: %+v, %v", page, err)
		}

		// The board finds free places, fresh and stale, and its jobs find
		// nothing to do: stale figures were prompted, holds are running.
		board := &capacity.Service{DB: d}
		stale, total := 0, 0
		for offset := 0; ; offset += directory.MaxLimit {
			today := capacity.DayOf(time.Now())
			found, err := board.Search(ctx, capacity.Query{From: today, To: today.AddDays(capacity.MaxSearchDays - 1),
				Limit: directory.MaxLimit, Offset: offset})
			if err != nil || found.Total != sum.Board.Live {
				t.Fatalf("board search: %d found of %d live, %v", found.Total, sum.Board.Live, err)
			}
			for _, r := range found.Results {
				if r.Stale {
					stale++
				}
			}
			if total += len(found.Results); len(found.Results) == 0 {
				break
			}
		}
		if total != sum.Board.Live || stale != sum.Board.Stale || stale == 0 || stale > total/2 {
			t.Errorf("%d stale figures of %d (%d of %d planned)", stale, total, sum.Board.Stale, sum.Board.Live)
		}
		if n, err := board.PromptStale(ctx, &url.URL{Scheme: "https", Host: "passerelle.test"}); n != 0 || err != nil {
			t.Errorf("stale figures prompted at the first run: %d, %v", n, err)
		}
		if n, err := board.ExpireHolds(ctx); n != 0 || err != nil {
			t.Errorf("holds expired at the first run: %d, %v", n, err)
		}
		var oldest time.Time
		if err := d.SQL().QueryRow(`SELECT at FROM capacity_history ORDER BY at LIMIT 1`).Scan(&oldest); err != nil {
			t.Fatal(err)
		}
		if age := time.Since(oldest); age < 50*7*24*time.Hour || age > 53*7*24*time.Hour {
			t.Errorf("the history goes back %s", age)
		}
	})
}

func TestLoadRefusesRealData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		orgs := &org.Service{DB: d, OnWrite: directory.EnsureEntry}
		ctx := access.WithActor(bg, access.SystemActor)
		if _, err := orgs.Create(ctx, org.Input{Kind: access.OrgASE, Name: "ASE du Cantal", CommuneCode: "15014"}); err != nil {
			t.Fatal(err)
		}
		_, err := national.Load(bg, d, national.Options{Structures: 20, Seed: 1})
		if e, ok := apperr.As(err); !ok || e.Code != apperr.Conflict || !strings.Contains(e.Message, "réelle") {
			t.Fatalf("Load on real data: %v", err)
		}
		var n int
		d.SQL().QueryRow(`SELECT count(*) FROM organisations`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d organisations after the refusal", n)
		}
	})
}

// A year of the board: the kinds follow the offers, places are taken by
// live holds only, the history goes back a year, about weekly, and some
// figures on the board today are stale.
func TestBoard(t *testing.T) {
	p := national.NewPlan(2000, 9)
	b := p.Board
	kinds := map[string][]capacity.Kind{
		"residential": {capacity.KindPermanent}, "emergency": {capacity.KindEmergency}, "respite": {capacity.KindRespite},
		"parental_relay": {capacity.KindRespite}, "sequential": {capacity.KindSequential},
		"foster": {capacity.KindRespite, capacity.KindPermanent},
	}
	taken := make([]int, len(b.Declarations))
	for _, h := range b.Holds {
		if h.Status.Live() {
			taken[h.Declaration] += h.Places
		}
		if h.Status == capacity.HoldHeld && h.Expires >= 0 {
			t.Errorf("hold %s still held after its expiry", h.RequestRef)
		}
		if h.Created <= 0 || (h.Status == capacity.HoldBooked) != (h.Booked > 0) {
			t.Errorf("hold %+v", h)
		}
	}
	byKind := map[capacity.Kind]int{}
	for i, d := range b.Declarations {
		byKind[d.Kind]++
		s := p.Structures[d.Structure]
		o := s.Offers[d.Offer]
		if d.Kind == capacity.KindStaff {
			if d.Profession == "" {
				t.Errorf("staff without a profession: %+v", d)
			}
		} else if !slices.Contains(kinds[o.Modality], d.Kind) {
			t.Errorf("%s declared on a %s offer", d.Kind, o.Modality)
		}
		if d.Taken != taken[i] || d.Taken > d.Places || d.Places < 0 {
			t.Errorf("declaration %d: %d places, %d taken, %d by live holds", i, d.Places, d.Taken, taken[i])
		}
		if !d.Open && d.To < d.From {
			t.Errorf("declaration %d: period %d…%d", i, d.From, d.To)
		}
		if d.Kind == capacity.KindRespite && (d.Open || d.To-d.From+1 > capacity.MaxRespiteDays) {
			t.Errorf("respite %d: %d…%d", i, d.From, d.To)
		}
		if (d.Kind == capacity.KindSequential) == (d.Weekdays == capacity.EveryDay) && d.Kind != capacity.KindStaff {
			t.Errorf("%s on days %d", d.Kind, d.Weekdays)
		}
		if d.Confirmed > d.Created || d.Updated > d.Created || d.Confirmed < 0 || (d.Prompted > 0 && d.Prompted >= d.Confirmed) {
			t.Errorf("declaration %d: created %s, confirmed %s, updated %s, prompted %s", i, d.Created, d.Confirmed, d.Updated, d.Prompted)
		}
	}
	for _, k := range []capacity.Kind{capacity.KindPermanent, capacity.KindEmergency, capacity.KindRespite,
		capacity.KindSequential, capacity.KindStaff} {
		if byKind[k] == 0 {
			t.Errorf("no %s declaration", k)
		}
	}
	var oldest time.Duration
	for _, e := range b.History {
		if e.At < 0 || e.Taken > e.Places && e.Event != "withdrawn" {
			t.Errorf("event %+v", e)
		}
		oldest = max(oldest, e.At)
	}
	if oldest < 51*7*24*time.Hour || oldest > 53*7*24*time.Hour {
		t.Errorf("the history goes back %s", oldest)
	}
	sum := b.Summarize()
	if weekly := float64(sum.History) / float64(sum.Offers) / 52; weekly < 0.7 || weekly > 3 {
		t.Errorf("%.2f events a week per declared offer", weekly)
	}
	if share := float64(sum.Stale) / float64(sum.Live); share < 0.1 || share > 0.5 {
		t.Errorf("%d stale figures of %d on the board", sum.Stale, sum.Live)
	}
	if sum.Services != len(geo.Departements()) || sum.Live == 0 || sum.LiveHolds == 0 {
		t.Errorf("summary %+v", sum)
	}
	if !reflect.DeepEqual(b, national.NewBoard(p, 9)) {
		t.Error("two boards of the same seed differ")
	}
}
