package directory

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/geo"
	"passerelle/internal/org"
)

// Limits of a search.
const (
	DefaultLimit  = 20
	MaxLimit      = 100
	MaxExportRows = 10000
	MinMinutes    = 5
	MaxMinutes    = 240
	maxQueryWords = 8
)

// Query is a directory search. Zero fields select everything active.
type Query struct {
	Text        string   // words of names, communes, operators, FINESS numbers
	Types       []string // structure types
	Sector      string
	Departement string
	// Offer filters: a structure is found when one of its active offers
	// passes them all, and the results show those offers.
	Modality string
	Age      *int
	Need     string
	Public   string // "boys" or "girls": offers for them (and mixed ones)
	// Near and Within: structures within Within minutes of the commune
	// Near (INSEE code), sorted by travel time.
	Near   string
	Within int
	Limit  int
	Offset int
}

// Result is one structure found, with the offers that matched.
type Result struct {
	Structure Structure
	Offers    []Offer
	// Minutes is the estimated travel time from Query.Near, rounded up;
	// 0 without Near.
	Minutes int
}

// Page is one page of results and the number found on all pages.
type Page struct {
	Results []Result
	Total   int
	Limit   int
	Offset  int
}

// NormalizeQuery checks a query; errors are keyed by the query parameter
// of the API and the page (q, type, secteur, departement, modalite, age,
// besoin, public, pres_de, minutes).
func NormalizeQuery(q Query) (Query, error) {
	var v apperr.Validation
	q.Text = strings.TrimSpace(q.Text)
	if len(q.Text) > 200 {
		v.Add("q", "200 caractères au plus.")
	}
	for _, t := range q.Types {
		v.Check(org.ValidStructureType(t), "type", "Type de structure inconnu.")
	}
	v.Check(q.Sector == "" || slices.Contains(org.Sectors, q.Sector), "secteur", "Secteur inconnu.")
	if q.Departement != "" {
		q.Departement = strings.ToUpper(strings.TrimSpace(q.Departement))
		_, ok := geo.DepartementByCode(q.Departement)
		v.Check(ok, "departement", "Département inconnu.")
	}
	v.Check(q.Modality == "" || known(Modalities, q.Modality), "modalite", "Modalité inconnue.")
	v.Check(q.Age == nil || (*q.Age >= 0 && *q.Age <= MaxAge), "age", fmt.Sprintf("Un âge entre 0 et %d ans.", MaxAge))
	v.Check(q.Need == "" || known(Needs, q.Need), "besoin", "Besoin inconnu.")
	v.Check(q.Public == "" || q.Public == "boys" || q.Public == "girls" || q.Public == "mixed", "public", "Public inconnu.")
	if q.Public == "mixed" {
		q.Public = ""
	}
	q.Near, q.Within = NormalizeNear(&v, q.Near, q.Within)
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Offset = max(q.Offset, 0)
	return q, v.Err()
}

// NormalizeNear checks "within minutes of commune near" (parameters
// pres_de and minutes), shared by every search by travel time: the
// commune's INSEE code, and 45 minutes when a commune comes alone.
func NormalizeNear(v *apperr.Validation, near string, within int) (string, int) {
	if near != "" {
		c, ok := geo.CommuneByCode(strings.ToUpper(strings.TrimSpace(near)))
		v.Check(ok, "pres_de", "Commune introuvable : choisissez-la dans la liste proposée.")
		near = c.Code
		if within == 0 {
			within = 45
		}
	}
	switch {
	case within != 0 && near == "" && !v.Has("pres_de"):
		v.Add("pres_de", "Indiquez la commune à partir de laquelle compter le temps de trajet.")
	case within != 0 && (within < MinMinutes || within > MaxMinutes):
		v.Add("minutes", fmt.Sprintf("Un temps de trajet entre %d et %d minutes.", MinMinutes, MaxMinutes))
	}
	return near, within
}

// offerFilter is the offer part of a query.
type offerFilter struct {
	modality string
	age      *int
	need     string
	public   string
}

func (q Query) offers() offerFilter {
	return offerFilter{modality: q.Modality, age: q.Age, need: q.Need, public: q.Public}
}

func (f offerFilter) any() bool {
	return f.modality != "" || f.age != nil || f.need != "" || f.public != ""
}

// queryWords turns typed words into what search looks for: for each word,
// its folded form and, for an abbreviation such as "st", its full word;
// an entry matches when every word starts one of its indexed words.
func queryWords(text string) [][]string {
	words := strings.Fields(geo.Fold(text))
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	out := make([][]string, 0, len(words))
	for _, w := range words {
		w, full, ok := geo.QueryWord(w)
		alts := []string{w}
		if ok {
			alts = append(alts, full)
		}
		out = append(out, alts)
	}
	return out
}

// activeEntries is the SQL condition on organisations "o" of the entries
// the directory shows.
const activeEntries = "o.kind = 'structure' AND o.active = TRUE"

// Search finds entries. Without Near they come by name; with it, by travel
// time from the commune, then name. Confidential addresses are placed at
// their commune's centre for everyone, so that distances give nothing away.
func (s *Service) Search(ctx context.Context, q Query) (Page, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResStructure}); err != nil {
		return Page{}, err
	}
	q, err := NormalizeQuery(q)
	if err != nil {
		return Page{}, err
	}
	q.Limit = min(q.Limit, MaxLimit)
	c, err := s.catalogue(ctx)
	if err != nil {
		return Page{}, err
	}
	return c.search(access.ActorFrom(ctx), q), nil
}

// loadResults reads the entries of ids, in that order, with their active
// offers, redacted for the actor.
func loadResults(ctx context.Context, tx *db.Tx, ids []string) ([]Result, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var args db.Args
	rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+entryFrom+` WHERE o.id IN (`+db.List(&args, ids)+`)`, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("load results: %w", err)
	}
	byID := map[string]stored{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	offers, err := loadOffers(ctx, tx, ids, false)
	if err != nil {
		return nil, err
	}
	actor := access.ActorFrom(ctx)
	out := make([]Result, 0, len(ids))
	for _, id := range ids {
		e, ok := byID[id]
		if !ok {
			continue
		}
		out = append(out, Result{Structure: redact(actor, e), Offers: offers[id]})
	}
	return out, nil
}

// redact returns the entry as the actor may see it: a confidential address
// becomes its commune for those the policy does not let see it.
func redact(a access.Actor, e stored) Structure {
	s := e.Structure
	if s.Confidential && !access.Can(a, access.ActionViewAddress, s.Resource()) {
		s.AddressHidden = true
		s.Street, s.PostalCode = "", ""
		s.Lat, s.Lng, s.CoordSource = e.publicLat, e.publicLng, CoordCommune
	}
	return s
}

// ParseAge reads an age typed in a query ("" for none).
func ParseAge(s string) (*int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	return &n, true
}
