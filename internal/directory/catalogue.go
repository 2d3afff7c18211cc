package directory

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// The directory is searched in memory. A national directory is some ten
// thousand entries and thirty thousand offers, a few megabytes: each server
// keeps them in a catalogue with the indexes search needs, and a search
// costs microseconds where SQL cost milliseconds (docs/BENCHMARKS.md). The
// database stays the only truth: triggers move a generation number on every
// change (migration 00004), every search reads it, and a server whose
// catalogue is older rebuilds it before answering, so that a change made
// through any server, import or command shows in the next search anywhere.

// catalogue is an immutable snapshot of the active entries.
type catalogue struct {
	generation int64
	entries    []catEntry         // by sort name, then id
	byDep      map[string][]int32 // entries of each département, ascending
	byType     [][]int32          // entries of each org.StructureTypes, ascending
	words      []string           // every indexed word, sorted
	postings   [][]int32          // the entries of each word, ascending
	cells      map[cell][]int32   // entries by public position
}

// catEntry is an entry with its active offers, in display order, and
// what the filters read of them, packed.
type catEntry struct {
	stored
	sortName string
	typ      int // index in org.StructureTypes
	offers   []Offer
	keys     []offerKey // one per offer
}

// offerKey is what the offer filter reads of an offer, packed so that the
// offers of ten thousand entries are tested without leaving the cache.
type offerKey struct {
	modality, public int8 // indexes in Modalities and Publics, -1 unknown
	ageMin, ageMax   int16
	needs            uint64 // bit i for Needs[i]
}

func keyOf(o Offer) offerKey {
	k := offerKey{modality: int8(codeIndex(Modalities, o.Modality)), public: int8(codeIndex(Publics, o.Public)),
		ageMin: int16(o.AgeMin), ageMax: int16(o.AgeMax)}
	for _, n := range o.Needs {
		if i := codeIndex(Needs, n); i >= 0 {
			k.needs |= 1 << i
		}
	}
	return k
}

func codeIndex(list []Code, code string) int {
	return slices.IndexFunc(list, func(c Code) bool { return c.Code == code })
}

// offerMatch is an offer filter in the terms of offerKey.
type offerMatch struct {
	any      bool // some condition is set
	modality int8 // -1: any
	age      int16
	hasAge   bool
	needs    uint64 // 0: any
	public   int8   // -1: any; mixed offers are for boys and girls alike
}

func (f offerFilter) compile() offerMatch {
	m := offerMatch{any: f.any(), modality: -1, public: -1}
	if f.modality != "" {
		m.modality = int8(codeIndex(Modalities, f.modality))
	}
	if f.age != nil {
		m.age, m.hasAge = int16(*f.age), true
	}
	if f.need != "" {
		m.needs = 1 << codeIndex(Needs, f.need)
	}
	if f.public != "" {
		m.public = int8(codeIndex(Publics, f.public))
	}
	return m
}

var mixed = int8(codeIndex(Publics, "mixed"))

func (m offerMatch) match(k offerKey) bool {
	return (m.modality < 0 || k.modality == m.modality) &&
		(!m.hasAge || (k.ageMin <= m.age && m.age <= k.ageMax)) &&
		k.needs&m.needs == m.needs &&
		(m.public < 0 || k.public == mixed || k.public == m.public)
}

// anyOffer reports whether one of the entry's offers passes m.
func (e *catEntry) anyOffer(m offerMatch) bool {
	for _, k := range e.keys {
		if m.match(k) {
			return true
		}
	}
	return false
}

// pick returns the entry's offers that pass m. When they all do, it
// returns the catalogue's own slice, capped so that an append copies it:
// results are read, never changed in place.
func (e *catEntry) pick(m offerMatch) []Offer {
	var out []Offer
	for i, k := range e.keys {
		switch {
		case !m.match(k):
			if out == nil {
				out = make([]Offer, 0, len(e.offers)-1)
				out = append(out, e.offers[:i]...)
			}
		case out != nil:
			out = append(out, e.offers[i])
		}
	}
	if out == nil {
		return e.offers[:len(e.offers):len(e.offers)]
	}
	return out
}

// cellDegrees is the side of the position grid: a quarter of a degree,
// about 28 km north to south, so that a 45-minute search reads a few dozen
// cells.
const cellDegrees = 0.25

type cell struct{ lat, lng int32 }

func cellOf(lat, lng float64) cell {
	return cell{int32(math.Floor(lat / cellDegrees)), int32(math.Floor(lng / cellDegrees))}
}

// catalogue returns a catalogue at least as new as the database.
func (s *Service) catalogue(ctx context.Context) (*catalogue, error) {
	var gen int64
	if err := s.DB.QueryRow(ctx, `SELECT generation FROM directory_state WHERE id = 1`, nil, &gen); err != nil {
		return nil, fmt.Errorf("directory generation: %w", err)
	}
	if c := s.cat.Load(); c != nil && c.generation >= gen {
		return c, nil
	}
	// One rebuild at a time; those who waited take its result.
	s.rebuild.Lock()
	defer s.rebuild.Unlock()
	if c := s.cat.Load(); c != nil && c.generation >= gen {
		return c, nil
	}
	var c *catalogue
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var err error
		c, err = loadCatalogue(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.cat.Store(c)
	return c, nil
}

// catalogueCache is what a Service keeps between searches.
type catalogueCache struct {
	cat     atomic.Pointer[catalogue]
	rebuild sync.Mutex
}

// loadCatalogue reads the active entries and their active offers. The
// generation is read first, so that what follows is at least that recent.
func loadCatalogue(ctx context.Context, tx *db.Tx) (*catalogue, error) {
	c := &catalogue{byDep: map[string][]int32{}, byType: make([][]int32, len(org.StructureTypes)), cells: map[cell][]int32{}}
	if err := tx.QueryRowContext(ctx, `SELECT generation FROM directory_state WHERE id = 1`).Scan(&c.generation); err != nil {
		return nil, fmt.Errorf("directory generation: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+`, s.sort_name, s.search_text`+entryFrom+` WHERE `+activeEntries)
	if err != nil {
		return nil, fmt.Errorf("load catalogue: %w", err)
	}
	var texts []string
	for rows.Next() {
		var e catEntry
		var text string
		if e.stored, err = scanEntry(rows, &e.sortName, &text); err != nil {
			rows.Close()
			return nil, err
		}
		c.entries = append(c.entries, e)
		texts = append(texts, text)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Sorted here rather than by the database, whose collation may differ.
	order := make([]int, len(c.entries))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ea, eb := &c.entries[a], &c.entries[b]
		if r := strings.Compare(ea.sortName, eb.sortName); r != 0 {
			return r
		}
		return strings.Compare(ea.ID, eb.ID)
	})
	entries := make([]catEntry, len(order))
	sortedTexts := make([]string, len(order))
	index := make(map[string]int32, len(order))
	for i, j := range order {
		entries[i], sortedTexts[i] = c.entries[j], texts[j]
		index[entries[i].ID] = int32(i)
	}
	c.entries = entries

	rows, err = tx.QueryContext(ctx, `SELECT `+offerColumns+` FROM offers f JOIN organisations o ON o.id = f.structure_id
		WHERE f.active = TRUE AND `+activeEntries)
	if err != nil {
		return nil, fmt.Errorf("load catalogue offers: %w", err)
	}
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[o.StructureID]; ok {
			c.entries[i].offers = append(c.entries[i].offers, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	postings := map[string][]int32{}
	for i := range c.entries {
		e := &c.entries[i]
		sortOffers(e.offers)
		e.keys = make([]offerKey, len(e.offers))
		for j, o := range e.offers {
			e.keys[j] = keyOf(o)
		}
		n := int32(i)
		c.byDep[e.Departement] = append(c.byDep[e.Departement], n)
		e.typ = typeIndex(e.Type)
		if e.typ >= 0 {
			c.byType[e.typ] = append(c.byType[e.typ], n)
		}
		if e.placed {
			k := cellOf(e.publicLat, e.publicLng)
			c.cells[k] = append(c.cells[k], n)
		}
		for _, w := range strings.Fields(sortedTexts[i]) {
			if p := postings[w]; len(p) == 0 || p[len(p)-1] != n {
				postings[w] = append(p, n)
			}
		}
	}
	c.words = make([]string, 0, len(postings))
	for w := range postings {
		c.words = append(c.words, w)
	}
	slices.Sort(c.words)
	c.postings = make([][]int32, len(c.words))
	for i, w := range c.words {
		c.postings[i] = postings[w]
	}
	return c, nil
}

// bitset is a set of entries.
type bitset []uint64

func newBitset(n int) bitset      { return make(bitset, (n+63)/64) }
func (b bitset) add(i int32)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) has(i int32) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }
func (b bitset) and(o bitset) bool { // keeps what o has too; false when empty
	any := false
	for k := range b {
		b[k] &= o[k]
		any = any || b[k] != 0
	}
	return any
}

// each calls fn for every member, ascending.
func (b bitset) each(fn func(int32)) {
	for k, w := range b {
		for w != 0 {
			fn(int32(k*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// textSet returns the entries whose indexed words start with every query
// word (or its full form), and false when the text has no word.
func (c *catalogue) textSet(text string) (bitset, bool) {
	words := queryWords(text)
	if len(words) == 0 {
		return nil, false
	}
	var acc bitset
	for _, alts := range words {
		set := newBitset(len(c.entries))
		for _, prefix := range alts {
			for i := sort.SearchStrings(c.words, prefix); i < len(c.words) && strings.HasPrefix(c.words[i], prefix); i++ {
				for _, n := range c.postings[i] {
					set.add(n)
				}
			}
		}
		if acc == nil {
			acc = set
		} else if !acc.and(set) {
			break
		}
	}
	return acc, true
}

func typeIndex(code string) int {
	return slices.IndexFunc(org.StructureTypes, func(t org.StructureType) bool { return t.Code == code })
}

// filter is a query made ready for testing entries.
type filter struct {
	q       Query
	types   uint64 // bit i for org.StructureTypes[i]; 0: any
	offers  offerMatch
	text    bitset
	hasText bool
}

func (c *catalogue) filter(q Query) filter {
	f := filter{q: q, offers: q.offers().compile()}
	for _, t := range q.Types {
		if i := typeIndex(t); i >= 0 {
			f.types |= 1 << i
		}
	}
	f.text, f.hasText = c.textSet(q.Text)
	return f
}

// ok reports whether entry n passes every condition but the travel time.
func (c *catalogue) ok(f *filter, n int32) bool {
	e := &c.entries[n]
	switch {
	case f.hasText && !f.text.has(n),
		f.types != 0 && (e.typ < 0 || f.types&(1<<e.typ) == 0),
		f.q.Sector != "" && e.Sector != f.q.Sector,
		f.q.Departement != "" && e.Departement != f.q.Departement,
		f.offers.any && !e.anyOffer(f.offers):
		return false
	}
	return true
}

// hit is an entry found, with its travel time when searched near a place.
type hit struct {
	n       int32
	minutes float64
}

// search answers a normalized query for the actor.
func (c *catalogue) search(actor access.Actor, q Query) Page {
	f := c.filter(q)
	page := Page{Limit: q.Limit, Offset: q.Offset}
	var onPage []hit
	if q.Near != "" {
		hits := c.near(&f)
		page.Total = len(hits)
		onPage = hits[min(q.Offset, len(hits)):min(q.Offset+q.Limit, len(hits))]
	} else {
		// Entries come in name order: count them all, keep the page's.
		end := q.Offset + q.Limit
		keep := func(n int32) {
			if c.ok(&f, n) {
				if page.Total >= q.Offset && page.Total < end {
					onPage = append(onPage, hit{n: n})
				}
				page.Total++
			}
		}
		// The narrowest list the query allows.
		switch {
		case q.Departement != "":
			for _, n := range c.byDep[q.Departement] {
				keep(n)
			}
		case f.hasText:
			f.text.each(keep)
		case len(q.Types) == 1:
			for _, n := range c.byType[typeIndex(q.Types[0])] {
				keep(n)
			}
		default:
			for n := range c.entries {
				keep(int32(n))
			}
		}
	}
	page.Results = make([]Result, 0, len(onPage))
	for _, h := range onPage {
		e := &c.entries[h.n]
		r := Result{Structure: redact(actor, e.stored), Offers: e.pick(f.offers)}
		if q.Near != "" {
			r.Minutes = int(math.Ceil(h.minutes))
		}
		page.Results = append(page.Results, r)
	}
	return page
}

// near returns the entries that pass ok within q.Within minutes of q.Near,
// nearest first, then by name. The grid cells read are those of the box
// that the estimate can never leave.
func (c *catalogue) near(f *filter) []hit {
	q := f.q
	from, _ := geo.CommuneByCode(q.Near)
	origin := from.Point()
	if !origin.Valid() {
		return nil
	}
	km := geo.ReachKm(float64(q.Within)) * 1.01
	dLat := km / 111.0
	maxLat := math.Min(89, math.Abs(origin.Lat)+dLat)
	dLng := math.Min(180, km/(111.32*math.Cos(maxLat*math.Pi/180)))
	lo, hi := cellOf(origin.Lat-dLat, origin.Lng-dLng), cellOf(origin.Lat+dLat, origin.Lng+dLng)
	var hits []hit
	visit := func(ns []int32) {
		for _, n := range ns {
			if !c.ok(f, n) {
				continue
			}
			e := &c.entries[n]
			if m := geo.EstimateMinutes(origin, geo.Point{Lat: e.publicLat, Lng: e.publicLng}); m <= float64(q.Within) {
				hits = append(hits, hit{n: n, minutes: m})
			}
		}
	}
	if cells := int64(hi.lat-lo.lat+1) * int64(hi.lng-lo.lng+1); cells > int64(len(c.cells)) {
		for _, ns := range c.cells { // a box wider than the occupied grid
			visit(ns)
		}
	} else {
		for la := lo.lat; la <= hi.lat; la++ {
			for ln := lo.lng; ln <= hi.lng; ln++ {
				visit(c.cells[cell{la, ln}])
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		switch {
		case a.minutes < b.minutes:
			return -1
		case a.minutes > b.minutes:
			return 1
		}
		return int(a.n - b.n)
	})
	return hits
}
