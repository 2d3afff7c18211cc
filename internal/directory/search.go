package directory

import (
	"context"
	"fmt"
	"math"
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
	if q.Near != "" {
		c, ok := geo.CommuneByCode(strings.ToUpper(strings.TrimSpace(q.Near)))
		v.Check(ok, "pres_de", "Commune introuvable : choisissez-la dans la liste proposée.")
		q.Near = c.Code
		if q.Within == 0 {
			q.Within = 45
		}
	}
	switch {
	case q.Within != 0 && q.Near == "" && !v.Has("pres_de"):
		v.Add("pres_de", "Indiquez la commune à partir de laquelle compter le temps de trajet.")
	case q.Within != 0 && (q.Within < MinMinutes || q.Within > MaxMinutes):
		v.Add("minutes", fmt.Sprintf("Un temps de trajet entre %d et %d minutes.", MinMinutes, MaxMinutes))
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Offset = max(q.Offset, 0)
	return q, v.Err()
}

// offerFilter is the offer part of a query.
type offerFilter struct {
	all      bool // every offer, inactive ones too (the entry's own page)
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

// where is the SQL condition on offers aliased "f".
func (f offerFilter) where(args *db.Args) string {
	if f.all {
		return "TRUE"
	}
	conds := []string{"f.active = TRUE"}
	if f.modality != "" {
		conds = append(conds, "f.modality = "+args.Add(f.modality))
	}
	if f.age != nil {
		a := args.Add(*f.age)
		conds = append(conds, "f.age_min <= "+a+" AND f.age_max >= "+a)
	}
	if f.need != "" {
		conds = append(conds, "(',' || f.needs || ',') LIKE "+args.Add("%,"+f.need+",%"))
	}
	if f.public != "" {
		conds = append(conds, "f.public_sex IN ('mixed', "+args.Add(f.public)+")")
	}
	return strings.Join(conds, " AND ")
}

// textQuery turns typed words into a prefix full-text query of the dialect:
// every word must match the start of an indexed word (an abbreviation such
// as "st" may also match its full word). "" when there is no word.
func textQuery(d db.Dialect, text string) string {
	words := strings.Fields(geo.Fold(text))
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	var terms []string
	for _, w := range words {
		w, full, ok := geo.QueryWord(w)
		alts := []string{w}
		if ok {
			alts = append(alts, full)
		}
		for i, a := range alts {
			if d == db.Postgres {
				alts[i] = a + ":*"
			} else {
				alts[i] = `"` + a + `"*`
			}
		}
		sep := " OR "
		if d == db.Postgres {
			sep = " | "
		}
		terms = append(terms, "("+strings.Join(alts, sep)+")")
	}
	if d == db.Postgres {
		return strings.Join(terms, " & ")
	}
	return strings.Join(terms, " AND ")
}

// where is the SQL condition on entries (o, s) for everything but the
// travel time.
func (q Query) where(d db.Dialect, args *db.Args) string {
	conds := []string{"o.kind = 'structure'", "o.active = TRUE"}
	if tq := textQuery(d, q.Text); tq != "" {
		if d == db.Postgres {
			conds = append(conds, "to_tsvector('simple', s.search_text) @@ to_tsquery('simple', "+args.Add(tq)+")")
		} else {
			conds = append(conds, "s.id IN (SELECT structure_id FROM directory_fts WHERE directory_fts MATCH "+args.Add(tq)+")")
		}
	}
	if len(q.Types) > 0 {
		conds = append(conds, "o.structure_type IN ("+db.List(args, q.Types)+")")
	}
	if q.Sector != "" {
		conds = append(conds, "s.sector = "+args.Add(q.Sector))
	}
	if q.Departement != "" {
		conds = append(conds, "o.departement = "+args.Add(q.Departement))
	}
	if f := q.offers(); f.any() {
		conds = append(conds, "EXISTS (SELECT 1 FROM offers f WHERE f.structure_id = s.id AND "+f.where(args)+")")
	}
	return strings.Join(conds, " AND ")
}

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
	return s.search(ctx, q)
}

type candidate struct {
	id       string
	sortName string
	minutes  float64
}

func (s *Service) search(ctx context.Context, q Query) (Page, error) {
	page := Page{Limit: q.Limit, Offset: q.Offset}
	err := s.DB.Read(ctx, func(tx *db.Tx) error {
		var ids []string
		minutes := map[string]int{}
		if q.Near != "" {
			found, err := nearCandidates(ctx, tx, q)
			if err != nil {
				return err
			}
			page.Total = len(found)
			for _, c := range found[min(q.Offset, len(found)):min(q.Offset+q.Limit, len(found))] {
				ids = append(ids, c.id)
				minutes[c.id] = int(math.Ceil(c.minutes))
			}
		} else {
			var args db.Args
			where := q.where(tx.Dialect, &args)
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where,
				args.Values()...).Scan(&page.Total); err != nil {
				return fmt.Errorf("count structures: %w", err)
			}
			var err error
			ids, err = queryIDs(ctx, tx, `SELECT s.id FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where+
				` ORDER BY s.sort_name, s.id LIMIT `+args.Add(q.Limit)+` OFFSET `+args.Add(q.Offset), args.Values()...)
			if err != nil {
				return err
			}
		}
		results, err := loadResults(ctx, tx, ids, q.offers())
		if err != nil {
			return err
		}
		for i := range results {
			results[i].Minutes = minutes[results[i].Structure.ID]
		}
		page.Results = results
		return nil
	})
	return page, err
}

func queryIDs(ctx context.Context, tx *db.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// nearCandidates returns every entry matching q within q.Within minutes of
// q.Near, nearest first. SQL keeps the box that the estimate can never
// leave; the estimate itself is computed here.
func nearCandidates(ctx context.Context, tx *db.Tx, q Query) ([]candidate, error) {
	from, _ := geo.CommuneByCode(q.Near)
	origin := from.Point()
	km := geo.ReachKm(float64(q.Within)) * 1.01
	dLat := km / 111.0
	maxLat := math.Min(89, math.Abs(origin.Lat)+dLat)
	dLng := math.Min(180, km/(111.32*math.Cos(maxLat*math.Pi/180)))
	var args db.Args
	where := q.where(tx.Dialect, &args) +
		" AND s.public_lat BETWEEN " + args.Add(origin.Lat-dLat) + " AND " + args.Add(origin.Lat+dLat) +
		" AND s.public_lng BETWEEN " + args.Add(origin.Lng-dLng) + " AND " + args.Add(origin.Lng+dLng)
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.sort_name, s.public_lat, s.public_lng
		FROM organisations o JOIN structures s ON s.id = o.id WHERE `+where, args.Values()...)
	if err != nil {
		return nil, fmt.Errorf("search near: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var p geo.Point
		if err := rows.Scan(&c.id, &c.sortName, &p.Lat, &p.Lng); err != nil {
			return nil, err
		}
		c.minutes = geo.EstimateMinutes(origin, p)
		if c.minutes <= float64(q.Within) {
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b candidate) int {
		if c := cmpFloat(a.minutes, b.minutes); c != 0 {
			return c
		}
		if c := strings.Compare(a.sortName, b.sortName); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadResults reads the entries of ids, in that order, with their offers
// that pass f, redacted for the actor.
func loadResults(ctx context.Context, tx *db.Tx, ids []string, f offerFilter) ([]Result, error) {
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
	offers, err := loadOffers(ctx, tx, ids, f)
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
