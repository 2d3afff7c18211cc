// Package national generates a fictional national directory for
// benchmarks: thousands of structures in real communes of every
// département, weighted by population, with offers, contacts and operators
// that look like the field's and names that say they are invented, and a
// year of their capacity board (board.go). The plan is a pure function of
// a count and a seed; Load writes it.
package national

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"passerelle/internal/directory"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// MailDomain holds every generated address (RFC 2606: no mail can reach
// anyone).
const MailDomain = "annuaire-fictif.passerelle.test"

// Fictional says what every generated name ends with.
const Fictional = " (fictif)"

// Offers and contacts per structure.
const (
	maxOffers   = 5
	maxContacts = 4
)

// offerCounts and contactCounts are the chances of 1, 2… offers and
// contacts: about 3 offers and 2.6 contacts a structure.
var (
	offerCounts   = []float64{0.10, 0.25, 0.30, 0.20, 0.15}
	contactCounts = []float64{0.15, 0.30, 0.35, 0.20}
)

// Plan is a national directory to write, with a year of its capacity board.
type Plan struct {
	Operators  []Operator
	Structures []Structure
	Board      Board
}

// Operator is an invented association running structures.
type Operator struct {
	Name, CommuneCode, Email, Phone string
}

// Structure is one structure with its entry, offers and contacts.
type Structure struct {
	Operator int // index in Plan.Operators, -1 for none
	Entry    directory.EntryInput
	Offers   []directory.OfferInput
	Contacts []directory.ContactInput
	// CheckedDaysAgo: when the director last confirmed the entry; -1 never.
	CheckedDaysAgo int
}

// Departement returns the code of the structure's département.
func (s Structure) Departement() string {
	c, _ := geo.CommuneByCode(s.Entry.CommuneCode)
	return c.Departement
}

// place is a commune where structures may be, with its weight.
type place struct {
	commune geo.Commune
	cumul   float64 // population of this commune and the ones before it
}

// area is a département with its communes.
type area struct {
	dep        geo.Departement
	places     []place
	population float64
}

// areas returns every département with its inhabited communes. Paris,
// Lyon and Marseille count through their arrondissements, as FINESS
// places their establishments. A département whose communes have no
// population in the reference data (Mayotte) keeps them all, weighted
// alike, and counts as empty when structures are shared out.
func areas() []area {
	parents := map[string]bool{}
	for c := range geo.Communes() {
		if c.Parent != "" {
			parents[c.Parent] = true
		}
	}
	deps := geo.Departements()
	out := make([]area, len(deps))
	index := map[string]int{}
	for i, d := range deps {
		out[i].dep = d
		index[d.Code] = i
	}
	unweighted := make([][]geo.Commune, len(deps))
	for c := range geo.Communes() {
		if parents[c.Code] {
			continue
		}
		i := index[c.Departement]
		if c.Population <= 0 {
			unweighted[i] = append(unweighted[i], c)
			continue
		}
		a := &out[i]
		a.population += float64(c.Population)
		a.places = append(a.places, place{commune: c, cumul: a.population})
	}
	for i := range out {
		if len(out[i].places) == 0 {
			for j, c := range unweighted[i] {
				out[i].places = append(out[i].places, place{commune: c, cumul: float64(j + 1)})
			}
		}
	}
	return out
}

// weight is what pick draws from: the population, or the number of
// communes when the population is unknown.
func (a area) weight() float64 {
	if a.population > 0 {
		return a.population
	}
	return float64(len(a.places))
}

// pick draws a commune of a weighted by population.
func (a area) pick(r *rand.Rand) geo.Commune {
	x := r.Float64() * a.weight()
	i := sort.Search(len(a.places), func(i int) bool { return a.places[i].cumul > x })
	return a.places[min(i, len(a.places)-1)].commune
}

// Allocate shares n structures among areas of the given populations: one
// each first when n allows it, the rest in proportion to population by the
// largest remainders (ties to the first), so that the shares sum to n.
func Allocate(n int, populations []float64) []int {
	out := make([]int, len(populations))
	rest := n
	if n >= len(populations) {
		for i := range out {
			out[i] = 1
		}
		rest -= len(populations)
	}
	var total float64
	for _, p := range populations {
		total += p
	}
	if total <= 0 || rest <= 0 {
		return out
	}
	type share struct {
		i    int
		frac float64
	}
	shares := make([]share, len(populations))
	given := 0
	for i, p := range populations {
		q := float64(rest) * p / total
		out[i] += int(q)
		given += int(q)
		shares[i] = share{i, q - math.Floor(q)}
	}
	slices.SortStableFunc(shares, func(a, b share) int {
		switch {
		case a.frac > b.frac:
			return -1
		case a.frac < b.frac:
			return 1
		}
		return 0
	})
	for _, s := range shares[:rest-given] {
		out[s.i]++
	}
	return out
}

// NewPlan draws a national directory of n structures. The same n and seed
// give the same plan.
func NewPlan(n int, seed uint64) Plan {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	all := areas()
	pops := make([]float64, len(all))
	for i, a := range all {
		pops[i] = a.population
	}
	counts := Allocate(n, pops)
	var kindWeights []float64
	for _, k := range kinds {
		kindWeights = append(kindWeights, k.Weight)
	}
	g := &generator{r: r, phones: map[string]int{}}
	for i, a := range all {
		if counts[i] == 0 {
			continue
		}
		// About one association for eight structures of the département.
		ops := make([]int, max(1, (counts[i]+4)/8))
		for j := range ops {
			ops[j] = g.operator(a)
		}
		for range counts[i] {
			k := kinds[weighted(r, kindWeights)]
			g.structure(a, k, ops)
		}
	}
	g.plan.Board = NewBoard(g.plan, seed)
	return g.plan
}

type generator struct {
	r      *rand.Rand
	plan   Plan
	phones map[string]int // numbers given per fiction block
}

// weighted returns an index of weights drawn in proportion to them.
func weighted(r *rand.Rand, weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *generator) operator(a area) int {
	c := a.pick(g.r)
	n := len(g.plan.Operators) + 1
	g.plan.Operators = append(g.plan.Operators, Operator{
		Name:        operatorNames[g.r.IntN(len(operatorNames))] + " " + of(c.Name) + Fictional,
		CommuneCode: c.Code,
		Email:       fmt.Sprintf("siege-%05d@%s", n, MailDomain),
		Phone:       g.phone(a.dep),
	})
	return n - 1
}

func (g *generator) structure(a area, k kind, ops []int) {
	r := g.r
	c := a.pick(r)
	n := len(g.plan.Structures) + 1
	mailbox := fmt.Sprintf("%s-%05d", strings.ReplaceAll(k.Type, "_", "-"), n)
	prefix := k.Prefixes[r.IntN(len(k.Prefixes))]
	name := prefix + " " + words[r.IntN(len(words))]
	if k.Public || r.Float64() < 0.35 {
		name = prefix + " " + of(c.Name)
	}
	s := Structure{Operator: -1, CheckedDaysAgo: -1}
	if !k.Public && r.Float64() < 0.9 {
		s.Operator = ops[r.IntN(len(ops))]
	}
	if r.Float64() >= 0.1 {
		s.CheckedDaysAgo = r.IntN(366)
	}
	confidential := r.Float64() < k.Confidential
	street := fmt.Sprintf("%d %s", 1+r.IntN(60), streets[r.IntN(len(streets))])
	if confidential {
		street = fmt.Sprintf("%d impasse Discrète", 1+r.IntN(20))
	}
	phone := g.phone(a.dep)
	s.Entry = directory.EntryInput{
		Name: name + Fictional, Type: k.Type, Authority: authority(k.Type),
		Street: street, PostalCode: c.PostalCodes[r.IntN(len(c.PostalCodes))], CommuneCode: c.Code,
		Confidential: confidential, Email: mailbox + "@" + MailDomain, Phone: phone,
		Territory: directory.Territory{Departements: []string{a.dep.Code}, MaxMinutes: k.Minutes},
	}
	if !confidential {
		// A position typed by the structure, within about a kilometre of
		// the commune centre, so that travel times differ within a town.
		lat := c.Lat + (r.Float64()-0.5)*0.018
		lng := c.Lng + (r.Float64()-0.5)*0.018/math.Cos(c.Lat*math.Pi/180)
		s.Entry.Lat, s.Entry.Lng = &lat, &lng
	}
	if k.AllYear {
		s.Entry.OpeningDays = 365
	} else {
		s.Entry.OpeningDays = 205 + r.IntN(20)
		s.Entry.ClosedPeriods = "Fermé trois semaines en août et une semaine entre Noël et le jour de l'an"
	}
	s.Offers = g.offers(k)
	s.Contacts = g.contacts(k, mailbox, phone, a.dep)
	g.plan.Structures = append(g.plan.Structures, s)
}

// authority is who authorises a structure of this type.
func authority(typ string) string {
	switch org.StructureTypeSector(typ) {
	case org.SectorChildProtection:
		return "cd"
	case org.SectorJustice:
		return "pjj"
	}
	return "ars"
}

func (g *generator) offers(k kind) []directory.OfferInput {
	r := g.r
	var specialty []string
	if len(k.Specialties) > 0 {
		specialty = k.Specialties[r.IntN(len(k.Specialties))]
	}
	n := 1 + weighted(r, offerCounts)
	picked := r.Perm(len(k.Offers))[:min(n, len(k.Offers))]
	slices.Sort(picked)
	out := make([]directory.OfferInput, 0, len(picked))
	for _, i := range picked {
		t := k.Offers[i]
		in := directory.OfferInput{Modality: t.Modality, Label: t.Label, AgeMin: t.AgeMin, AgeMax: t.AgeMax,
			Needs: t.Needs, Conditions: t.Conditions, Active: true}
		if in.Needs == nil {
			in.Needs = specialty
		}
		// Ages move by a year here and there, as they do between structures.
		if r.IntN(4) == 0 {
			in.AgeMin = min(max(0, in.AgeMin+r.IntN(3)-1), in.AgeMax)
		}
		if r.IntN(4) == 0 {
			in.AgeMax = max(min(directory.MaxAge, in.AgeMax+r.IntN(3)-1), in.AgeMin)
		}
		if t.Sexed {
			switch x := r.Float64(); {
			case x < 0.15:
				in.Public = "boys"
			case x < 0.25:
				in.Public = "girls"
			}
		}
		if t.Places[1] > 0 {
			in.PlacesAuthorised = t.Places[0] + r.IntN(t.Places[1]-t.Places[0]+1)
			in.PlacesInstalled = in.PlacesAuthorised - r.IntN(1+in.PlacesAuthorised/10)
		}
		out = append(out, in)
	}
	return out
}

// contacts: the secretariat first, the on-duty line of the structures open
// all year, then the direction, admissions and partnerships.
func (g *generator) contacts(k kind, mailbox, phone string, dep geo.Departement) []directory.ContactInput {
	all := []directory.ContactInput{{Function: "secretariat", Label: "Secrétariat", Phone: phone, Hours: "du lundi au vendredi, 9 h – 17 h"}}
	if k.AllYear {
		all = append(all, directory.ContactInput{Function: "on_duty", Label: "Cadre d'astreinte", Phone: g.phone(dep),
			Hours: "soirs, week-ends et jours fériés"})
	}
	all = append(all,
		directory.ContactInput{Function: "direction", Label: "Direction", Email: "direction-" + mailbox + "@" + MailDomain},
		directory.ContactInput{Function: "admissions", Label: "Admissions", Email: "admissions-" + mailbox + "@" + MailDomain},
		directory.ContactInput{Function: "partnership", Label: "Référent partenariats", Email: "partenariats-" + mailbox + "@" + MailDomain})
	return all[:1+weighted(g.r, contactCounts)]
}

// fictionBlocks are the numbers ARCEP keeps for fiction, one block of
// 10,000 per zone of the numbering plan.
var fictionBlocks = map[string]string{"01": "01 99 00", "02": "02 61 91", "03": "03 53 01", "04": "04 65 71", "05": "05 36 49"}

// zone is the zone of the numbering plan of a département: 01 for
// Île-de-France, 02 north-west, 03 north-east, 04 south-east, 05
// south-west; the Antilles and Guyane dial 05, La Réunion and Mayotte 02.
func zone(d geo.Departement) string {
	switch d.Code {
	case "11", "30", "34", "48", "66": // Occitanie's east dials 04
		return "04"
	}
	switch d.Region {
	case "11":
		return "01"
	case "24", "28", "52", "53", "04", "06":
		return "02"
	case "27", "32", "44":
		return "03"
	case "84", "93", "94":
		return "04"
	}
	return "05"
}

// FictionBlock returns the fiction block a département's numbers come from.
func FictionBlock(d geo.Departement) string { return fictionBlocks[zone(d)] }

// phone returns the next number of the département's fiction block (the
// block wraps around past 10,000 numbers).
func (g *generator) phone(d geo.Departement) string {
	z := zone(d)
	k := g.phones[z] % 10000
	g.phones[z]++
	return fmt.Sprintf("%s %02d %02d", fictionBlocks[z], k/100, k%100)
}

// of writes "de Lyon", "d'Annecy", "du Mans", "des Sables-d'Olonne".
func of(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + strings.TrimPrefix(name, "Le ")
	case strings.HasPrefix(name, "Les "):
		return "des " + strings.TrimPrefix(name, "Les ")
	}
	first, _ := utf8.DecodeRuneInString(name)
	if strings.ContainsRune("AEIOUYH", unicode.ToUpper(baseLetter(first))) {
		return "d'" + name
	}
	return "de " + name
}

// baseLetter drops the accent of the capitals that start commune names.
func baseLetter(r rune) rune {
	switch r {
	case 'É', 'È', 'Ê':
		return 'E'
	case 'Î':
		return 'I'
	case 'Ô':
		return 'O'
	}
	return r
}
