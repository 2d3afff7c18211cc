package national

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"passerelle/internal/capacity"
	"passerelle/internal/geo"
)

// The capacity board of the national directory: a year of declarations of
// availability on the offers that take children in, with the holds,
// bookings and history they had, as the board would hold them after a year
// of use. Like the directory, it is a pure function of the plan and the
// seed (drawn from its own generator, so that the directory of a seed does
// not change with it). Its times are durations before the load and its
// days are counted from the day of the load: Load turns them into dates.

const (
	day  = 24 * time.Hour
	week = 7 * day
	// boardYear is how far back the history goes.
	boardYear = 52 * week
	// liveShare: of the offers declared during the year, those still on
	// the board today.
	liveShare = 0.85
	// staffShare: structures with a residential or day offer that lend
	// staff once in the year.
	staffShare = 0.04
	// visitShare: the chance that a director looks at a figure in a given
	// week (and confirms or corrects it) while it is on the board.
	visitShare = 0.85
	holdLife   = capacity.DefaultHoldHours * time.Hour
)

// boardRule says which offers of a modality come on the board and what
// they declare.
type boardRule struct {
	share float64         // of the offers of the modality, those declared during the year
	kinds []capacity.Kind // one drawn per offer
}

// boardRules: the modalities that take children in. Foster care declares
// respite or permanent places; its relay stays name a foster carer's
// account, which the national directory has not.
var boardRules = map[string]boardRule{
	"residential":    {0.45, []capacity.Kind{capacity.KindPermanent}},
	"emergency":      {0.60, []capacity.Kind{capacity.KindEmergency}},
	"respite":        {0.55, []capacity.Kind{capacity.KindRespite}},
	"parental_relay": {0.55, []capacity.Kind{capacity.KindRespite}},
	"sequential":     {0.45, []capacity.Kind{capacity.KindSequential}},
	"foster":         {0.40, []capacity.Kind{capacity.KindRespite, capacity.KindPermanent}},
}

// pace is how a kind of figure lives: places declared free, the chance of
// a hold in a week (of one per respite period), the chance that a visit
// changes the figure rather than confirms it.
type pace struct {
	places [2]int
	hold   float64
	update float64
}

var paces = map[capacity.Kind]pace{
	capacity.KindPermanent:  {[2]int{1, 3}, 0.12, 0.20},
	capacity.KindEmergency:  {[2]int{1, 3}, 0.30, 0.35},
	capacity.KindRespite:    {[2]int{1, 3}, 0.55, 0.15},
	capacity.KindSequential: {[2]int{1, 2}, 0.12, 0.15},
	capacity.KindStaff:      {[2]int{1, 1}, 0.05, 0.05},
}

// sequentialDays are the days of sequential reception: weekends,
// Wednesdays, the middle of the week.
var sequentialDays = []capacity.Weekdays{32 | 64, 4 | 32 | 64, 16 | 32 | 64, 1 | 2 | 8, 4, 2 | 4 | 8}

var professions = []string{"Éducatrice spécialisée", "Moniteur-éducateur", "Psychologue", "Infirmière",
	"Maîtresse de maison", "Éducateur de jeunes enfants", "Surveillant de nuit"}

var staffConditions = []string{"Deux jours par semaine, frais de déplacement à la charge de la structure d'accueil",
	"En renfort d'une équipe, trois mois au plus", "Les nuits de semaine", ""}

// Board is a year of the capacity board.
type Board struct {
	// Services are the ASE services that hold places, one per département
	// with structures, in the order of their first structure.
	Services     []Operator
	Declarations []Declaration // by structure, then offer
	Holds        []Hold        // by declaration
	History      []Event       // by declaration
}

// Declaration is one declaration of availability, in its state at the load.
type Declaration struct {
	Structure, Offer int // indexes in Plan.Structures and its Offers
	Service          int // index in Board.Services of the ASE of its département
	Kind             capacity.Kind
	Places, Taken    int
	From, To         int  // days from the day of the load
	Open             bool // until further notice: To is unused
	Weekdays         capacity.Weekdays
	Profession       string
	Conditions       string
	Active           bool
	// Before the load: when it was declared, last confirmed or corrected,
	// last changed, and prompted as stale (0: never).
	Created, Confirmed, Updated, Prompted time.Duration
}

// Ended reports whether the period ended before the day of the load.
func (d Declaration) Ended() bool { return !d.Open && d.To < 0 }

// Hold is a hold of places of a declaration and what became of it.
type Hold struct {
	Declaration int
	Places      int
	Status      capacity.HoldStatus
	From, To    int // days from the day of the load
	Open        bool
	RequestRef  string
	// Before the load; Expires is negative for a hold still running,
	// Booked and Closed are 0 when it was not.
	Created, Expires, Booked, Closed time.Duration
}

// Event is a row of the history of a declaration.
type Event struct {
	Declaration   int
	Event         string
	Places, Taken int
	At            time.Duration // before the load
}

// BoardSummary counts a board.
type BoardSummary struct {
	Services, Declarations, Holds, History int
	// Live are the declarations on the board today with free places; Stale
	// those of them past their freshness threshold (default settings).
	Live, Stale int
	// LiveHolds are the holds and bookings that take places today.
	LiveHolds int
	// Offers are the offers declared during the year.
	Offers int
}

// Summarize counts what the board holds.
func (b Board) Summarize() BoardSummary {
	s := BoardSummary{Services: len(b.Services), Declarations: len(b.Declarations), Holds: len(b.Holds), History: len(b.History)}
	settings := capacity.DefaultSettings()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	offers := map[[2]int]bool{}
	for _, d := range b.Declarations {
		offers[[2]int{d.Structure, d.Offer}] = true
		if d.Active && !d.Ended() && d.Taken < d.Places {
			s.Live++
			if settings.Stale(d.Kind, now.Add(-d.Confirmed), now) {
				s.Stale++
			}
		}
	}
	for _, h := range b.Holds {
		if h.Status.Live() {
			s.LiveHolds++
		}
	}
	s.Offers = len(offers)
	return s
}

// DeclarationsOf returns the range of b.Declarations of the structures
// [from, to) of the plan.
func (b Board) DeclarationsOf(from, to int) (int, int) {
	lo := sort.Search(len(b.Declarations), func(i int) bool { return b.Declarations[i].Structure >= from })
	hi := sort.Search(len(b.Declarations), func(i int) bool { return b.Declarations[i].Structure >= to })
	return lo, hi
}

// HoldsOf and EventsOf return the ranges of the holds and history rows of
// the declarations [from, to).
func (b Board) HoldsOf(from, to int) (int, int) {
	lo := sort.Search(len(b.Holds), func(i int) bool { return b.Holds[i].Declaration >= from })
	hi := sort.Search(len(b.Holds), func(i int) bool { return b.Holds[i].Declaration >= to })
	return lo, hi
}

func (b Board) EventsOf(from, to int) (int, int) {
	lo := sort.Search(len(b.History), func(i int) bool { return b.History[i].Declaration >= from })
	hi := sort.Search(len(b.History), func(i int) bool { return b.History[i].Declaration >= to })
	return lo, hi
}

type boardGen struct {
	r        *rand.Rand
	b        Board
	services map[string]int // département → index in b.Services
}

// NewBoard draws a year of the board over the offers of p.
func NewBoard(p Plan, seed uint64) Board {
	g := &boardGen{r: rand.New(rand.NewPCG(seed, 0xb0a4d5eed)), services: map[string]int{}}
	for si, s := range p.Structures {
		svc := g.service(s.Departement())
		staff := -1
		for oi, o := range s.Offers {
			if staff < 0 && (o.Modality == "residential" || o.Modality == "day_care") {
				staff = oi
			}
			rule, ok := boardRules[o.Modality]
			if !ok || g.r.Float64() >= rule.share {
				continue
			}
			k := rule.kinds[g.r.IntN(len(rule.kinds))]
			live := g.r.Float64() < liveShare
			g.offer(si, oi, svc, k, live)
		}
		if staff >= 0 && g.r.Float64() < staffShare {
			g.staff(si, staff, svc)
		}
	}
	return g.b
}

// service returns the ASE service of a département, added on first use.
func (g *boardGen) service(dep string) int {
	if i, ok := g.services[dep]; ok {
		return i
	}
	d, _ := geo.DepartementByCode(dep)
	g.b.Services = append(g.b.Services, Operator{Name: "Aide sociale à l'enfance, " + d.Name + Fictional,
		CommuneCode: d.ChefLieu, Email: "ase-" + strings.ToLower(dep) + "@" + MailDomain})
	g.services[dep] = len(g.b.Services) - 1
	return len(g.b.Services) - 1
}

// between draws a duration in [lo, hi).
func (g *boardGen) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.r.Int64N(int64(hi-lo)))
}

// dayOf is the day of an instant before the load, from the day of the load.
func dayOf(ago time.Duration) int { return -int(ago / day) }

// confirmedAgo draws how long ago a figure on the board today was last
// confirmed: most within their threshold, some well past it.
func (g *boardGen) confirmedAgo(k capacity.Kind) time.Duration {
	x := g.r.Float64()
	if k == capacity.KindEmergency || k == capacity.KindRespite { // fresh for 2 days
		switch {
		case x < 0.65:
			return g.between(time.Hour, 2*day)
		case x < 0.85:
			return g.between(2*day, week)
		case x < 0.95:
			return g.between(week, 30*day)
		}
		return g.between(30*day, 90*day)
	}
	switch { // fresh for 7 days
	case x < 0.70:
		return g.between(time.Hour, week)
	case x < 0.90:
		return g.between(week, 30*day)
	}
	return g.between(30*day, 120*day)
}

// offer draws the year of one offer on the board: since when it is there
// and, when it left, since when.
func (g *boardGen) offer(si, oi, svc int, k capacity.Kind, live bool) {
	since := boardYear - g.between(0, week)
	if g.r.Float64() < 0.4 {
		since = g.between(week, boardYear)
	}
	var until time.Duration
	if !live {
		since = max(since, 8*week)
		until = g.between(2*week, since-4*week)
	}
	if k == capacity.KindRespite {
		g.periods(si, oi, svc, since, until, live)
		return
	}
	t := since
	for {
		end := t - g.between(6*week, 40*week)
		next := end - g.between(0, 3*week)
		if next <= until+6*week { // no room for another: this one is the last
			g.span(si, oi, svc, k, t, until, live, 0)
			return
		}
		g.span(si, oi, svc, k, t, end, false, 0)
		t = next
	}
}

// staff draws a loan of staff: a few weeks, on the board today or past.
func (g *boardGen) staff(si, oi, svc int) {
	if g.r.Float64() < 0.5 {
		start := g.between(time.Hour, 6*week)
		g.span(si, oi, svc, capacity.KindStaff, start, 0, true, int((start+g.between(2*week, 10*week))/day))
		return
	}
	start := g.between(14*week, boardYear)
	length := g.between(4*week, 12*week)
	g.span(si, oi, svc, capacity.KindStaff, start, start-length, false, int(length/day))
}

// declare adds a declaration and its "declared" event.
func (g *boardGen) declare(d Declaration) int {
	g.b.Declarations = append(g.b.Declarations, d)
	i := len(g.b.Declarations) - 1
	g.event(i, "declared", d.Created)
	return i
}

func (g *boardGen) event(i int, name string, at time.Duration) {
	d := g.b.Declarations[i]
	g.b.History = append(g.b.History, Event{Declaration: i, Event: name, Places: d.Places, Taken: d.Taken, At: at})
}

// span draws a declaration of a lasting kind from start to end (before the
// load): weekly visits that confirm or correct the figure, holds that turn
// into bookings or give their places back, and at the end a withdrawal or
// the end of its period. A live span is on the board today, last confirmed
// at a drawn age. days > 0 bounds the period (staff).
func (g *boardGen) span(si, oi, svc int, k capacity.Kind, start, end time.Duration, live bool, days int) {
	p := paces[k]
	d := Declaration{Structure: si, Offer: oi, Service: svc, Kind: k, From: dayOf(start), Open: true,
		Weekdays: capacity.EveryDay, Active: true, Created: start, Confirmed: start, Updated: start}
	d.Places = p.places[0] + g.r.IntN(p.places[1]-p.places[0]+1)
	switch k {
	case capacity.KindSequential:
		d.Weekdays = sequentialDays[g.r.IntN(len(sequentialDays))]
	case capacity.KindStaff:
		d.Profession = professions[g.r.IntN(len(professions))]
		d.Conditions = staffConditions[g.r.IntN(len(staffConditions))]
		if g.r.IntN(3) == 0 {
			d.Weekdays = sequentialDays[g.r.IntN(len(sequentialDays))]
		}
	}
	withdrawn := false
	switch {
	case days > 0:
		d.Open, d.To = false, d.From+days-1
	case !live && g.r.Float64() < 0.4:
		d.Open, d.To = false, dayOf(end) // the period was declared with its end
	case !live:
		withdrawn = true
	}
	i := g.declare(d)
	cut := end // visits happen before cut
	if live {
		cut = min(start, g.confirmedAgo(k))
	}
	confirmedLast := !live || cut == start
	for t := start - week + g.between(-day, day); t > end; t -= week + g.between(-day, day) {
		if !confirmedLast && t <= cut {
			g.visit(i, cut, p)
			confirmedLast = true
		}
		if t > cut && g.r.Float64() < visitShare {
			g.visit(i, t, p)
		}
		if at := t - g.between(time.Hour, 2*day); g.r.Float64() < p.hold && at > end && (live || at-holdLife > end) {
			g.hold(i, at, g.between(2*time.Hour, 40*time.Hour))
		}
	}
	if !confirmedLast {
		g.visit(i, cut, p)
	}
	if withdrawn {
		a := &g.b.Declarations[i]
		a.Places, a.Active, a.Updated = a.Taken, a.Taken > 0, end
		g.event(i, "withdrawn", end)
	}
	g.prompt(i)
}

// visit confirms the figure at t, or corrects the places free.
func (g *boardGen) visit(i int, t time.Duration, p pace) {
	a := &g.b.Declarations[i]
	a.Confirmed = t
	if g.r.Float64() < p.update {
		free := g.r.IntN(p.places[1] + 1)
		if free == a.Places-a.Taken {
			free = (free + 1) % (p.places[1] + 1)
		}
		a.Places, a.Updated = a.Taken+free, t
		g.event(i, "updated", t)
		return
	}
	g.event(i, "confirmed", t)
}

// hold takes a place of declaration i at t (before the load) when one is
// free; after wait it is booked, cancelled or left to expire, unless that
// is still to come.
func (g *boardGen) hold(i int, t, wait time.Duration) {
	a := &g.b.Declarations[i]
	if a.Taken >= a.Places {
		return
	}
	h := Hold{Declaration: i, Places: 1, Status: capacity.HoldHeld, From: max(a.From, dayOf(t)), To: a.To, Open: a.Open,
		RequestRef: fmt.Sprintf("DEM-%06d", len(g.b.Holds)+1), Created: t, Expires: t - holdLife}
	a.Taken++
	a.Updated = min(a.Updated, t)
	g.event(i, "held", t)
	resolved := t - wait
	switch x := g.r.Float64(); {
	case x < 0.6 && resolved > 0:
		h.Status, h.Booked = capacity.HoldBooked, resolved
		g.event(i, "booked", resolved)
	case x < 0.8 && resolved > 0:
		h.Status, h.Closed = capacity.HoldCancelled, resolved
		a.Taken--
		a.Updated = resolved
		g.event(i, "cancelled", resolved)
	case x >= 0.8 && h.Expires > 0:
		h.Status, h.Closed = capacity.HoldExpired, h.Expires
		a.Taken--
		a.Updated = h.Expires
		g.event(i, "expired", h.Expires)
	}
	g.b.Holds = append(g.b.Holds, h)
}

// periods draws respite periods of 1 to MaxRespiteDays days, each declared
// 2 to 42 days ahead, one every 5 to 21 days from since to until (before
// the load); the last ones of a live offer lie in the coming weeks.
func (g *boardGen) periods(si, oi, svc int, since, until time.Duration, live bool) {
	t := since
	last := -1
	for t > until {
		lead := int(g.between(2*day, 43*day) / day)
		last = g.period(si, oi, svc, t, dayOf(t)+lead, 1+g.r.IntN(capacity.MaxRespiteDays))
		t -= g.between(5*day, 22*day)
	}
	if live && (last < 0 || g.b.Declarations[last].To < 0) { // nothing ahead: one more, declared lately
		t = g.between(time.Hour, 3*day)
		g.period(si, oi, svc, t, dayOf(t)+int(g.between(3*day, 30*day)/day), 1+g.r.IntN(capacity.MaxRespiteDays))
	}
}

// period draws one respite period declared at t (before the load) from the
// day from, for days days: visits every 5 to 9 days until it begins, and a
// hold or two before it begins.
func (g *boardGen) period(si, oi, svc int, t time.Duration, from, days int) int {
	p := paces[capacity.KindRespite]
	d := Declaration{Structure: si, Offer: oi, Service: svc, Kind: capacity.KindRespite, From: from, To: from + days - 1,
		Weekdays: capacity.EveryDay, Active: true, Created: t, Confirmed: t, Updated: t}
	d.Places = p.places[0] + g.r.IntN(p.places[1]-p.places[0]+1)
	i := g.declare(d)
	begins := max(time.Duration(-from)*day, 0) // before the load; 0 when still to come
	cut := begins
	if d.To >= 0 {
		cut = max(begins, min(t, g.confirmedAgo(capacity.KindRespite)))
	}
	var holds []time.Duration
	for n := 0; n < 2 && g.r.Float64() < p.hold; n++ {
		if at := g.between(begins, t); at > 0 && at < t {
			holds = append(holds, at)
		}
	}
	sort.Slice(holds, func(a, b int) bool { return holds[a] > holds[b] })
	// holdsBefore takes the holds made before v (before the load), in order.
	holdsBefore := func(v time.Duration) {
		for len(holds) > 0 && holds[0] > v {
			g.hold(i, holds[0], g.between(2*time.Hour, 40*time.Hour))
			holds = holds[1:]
		}
	}
	for v := t - g.between(5*day, 10*day); v > cut; v -= g.between(5*day, 10*day) {
		holdsBefore(v)
		g.visit(i, v, p)
	}
	if d.To >= 0 && cut < t {
		holdsBefore(cut)
		g.visit(i, cut, p)
	}
	holdsBefore(-1)
	g.prompt(i)
	return i
}

// prompt marks a stale figure still on the board as prompted, as the
// board's job would have done the day it went stale, so that the first
// server started on the data has nothing to send.
func (g *boardGen) prompt(i int) {
	a := &g.b.Declarations[i]
	if !a.Active || a.Ended() {
		return
	}
	limit := time.Duration(capacity.DefaultSettings().StaleDays[a.Kind]) * day
	if a.Confirmed > limit {
		a.Prompted = a.Confirmed - limit - min(6*time.Hour, (a.Confirmed-limit)/2)
	}
}
