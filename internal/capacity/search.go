package capacity

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/directory"
	"passerelle/internal/geo"
)

// Query is a search for free places. Errors are keyed by the query
// parameters of the page and the API: du, au, nature, age, public,
// modalite, departement, pres_de, minutes.
type Query struct {
	From, To    Day // the stay; without either, the next DefaultSearchDays days
	Kind        Kind
	Age         *int
	Public      string // "boys" or "girls": offers for them and mixed ones
	Modality    string
	Departement string
	Near        string // commune (INSEE code) to count travel time from
	Within      int    // minutes
	Limit       int
	Offset      int
}

// Search limits.
const (
	MaxSearchDays = 366
	// DefaultSearchDays is the window searched when no date is given: a
	// referent's first look should show the respites of the coming weeks,
	// not only what is free tonight.
	DefaultSearchDays = 30
	MaxAge            = directory.MaxAge
)

// NormalizeQuery checks a query and fills its defaults.
func NormalizeQuery(q Query, today Day) (Query, error) {
	var v apperr.Validation
	if q.From == "" && q.To == "" {
		q.From, q.To = today, today.AddDays(DefaultSearchDays-1)
	} else if q.From == "" {
		q.From = today
	} else if _, ok := ParseDay(string(q.From)); !ok {
		v.Add("du", "Date de début invalide.")
	}
	if q.To == "" {
		q.To = q.From
	} else if _, ok := ParseDay(string(q.To)); !ok {
		v.Add("au", "Date de fin invalide.")
	}
	if !v.Has("du") && !v.Has("au") {
		switch {
		case q.To < q.From:
			v.Add("au", "La date de fin précède la date de début.")
		case q.To < today:
			v.Add("au", "Ces dates sont passées.")
		case Days(q.From, q.To) > MaxSearchDays:
			v.Add("au", "Une recherche porte sur un an au plus.")
		}
		q.From = max(q.From, today)
	}
	v.Check(q.Kind == "" || q.Kind.Valid(), "nature", "Nature de disponibilité inconnue.")
	v.Check(q.Age == nil || (*q.Age >= 0 && *q.Age <= MaxAge), "age", fmt.Sprintf("Un âge entre 0 et %d ans.", MaxAge))
	v.Check(q.Public == "" || q.Public == "boys" || q.Public == "girls" || q.Public == "mixed", "public", "Public inconnu.")
	if q.Public == "mixed" {
		q.Public = ""
	}
	v.Check(q.Modality == "" || slices.ContainsFunc(directory.Modalities, func(c directory.Code) bool { return c.Code == q.Modality }),
		"modalite", "Modalité inconnue.")
	if q.Departement != "" {
		q.Departement = strings.ToUpper(strings.TrimSpace(q.Departement))
		_, ok := geo.DepartementByCode(q.Departement)
		v.Check(ok, "departement", "Département inconnu.")
	}
	q.Near, q.Within = directory.NormalizeNear(&v, q.Near, q.Within)
	if q.Limit <= 0 || q.Limit > directory.MaxLimit {
		q.Limit = directory.DefaultLimit
	}
	q.Offset = max(q.Offset, 0)
	return q, v.ErrSaying("La recherche n'a pas été lancée : corrigez les critères signalés.")
}

// Result is a declaration with free places, where it is and how fresh.
type Result struct {
	Availability
	StructureName string
	StructureType string
	CommuneCode   string
	Departement   string
	OfferLabel    string
	Modality      string
	AgeMin        int
	AgeMax        int
	Public        string
	// Minutes is the estimated travel time from Query.Near, rounded up; -1
	// without Near.
	Minutes int
	// Stale: not confirmed within the territory's threshold. Shown as
	// such, and ranked after the fresh figures.
	Stale bool
	// Reserved: the places are reserved for another organisation than the
	// viewer's; they show but cannot be held.
	Reserved bool
}

// Page is one page of results and the number found on all pages.
type Page struct {
	Results []Result
	Total   int
	Query   Query
}

// Search finds declarations with free places that meet the query: the
// period overlaps the stay on one of its days of the week, and the offer
// takes the age and public asked. Results come fresh first, then by travel
// time, then by start.
func (s *Service) Search(ctx context.Context, q Query) (Page, error) {
	if err := access.Check(ctx, access.ActionList, access.Resource{Type: access.ResAvailability}); err != nil {
		return Page{}, err
	}
	now := s.now()
	q, err := NormalizeQuery(q, DayOf(now))
	if err != nil {
		return Page{}, err
	}
	var args db.Args
	where := []string{"a.active = TRUE", "a.taken < a.places", "og.active = TRUE", "o.active = TRUE",
		"a.starts_on <= " + args.Add(string(q.To)), "a.ends_on >= " + args.Add(string(q.From)),
		"(a.weekdays & " + args.Add(int(WeekdaysOf(q.From, q.To))) + ") <> 0"}
	if q.Kind != "" {
		where = append(where, "a.kind = "+args.Add(string(q.Kind)))
	}
	if q.Age != nil {
		p := args.Add(*q.Age)
		where = append(where, "o.age_min <= "+p+" AND o.age_max >= "+p)
	}
	if q.Public != "" {
		where = append(where, "o.public_sex IN ('mixed', "+args.Add(q.Public)+")")
	}
	if q.Modality != "" {
		where = append(where, "o.modality = "+args.Add(q.Modality))
	}
	if q.Departement != "" {
		where = append(where, "og.departement = "+args.Add(q.Departement))
	}
	var origin geo.Point
	if q.Near != "" {
		c, _ := geo.CommuneByCode(q.Near)
		origin = c.Point()
		km := geo.ReachKm(float64(q.Within))
		dLat := km / 111.0
		dLng := km / (111.0 * math.Max(math.Cos(origin.Lat*math.Pi/180), 0.05))
		where = append(where, fmt.Sprintf("s.public_lat BETWEEN %s AND %s AND s.public_lng BETWEEN %s AND %s",
			args.Add(origin.Lat-dLat), args.Add(origin.Lat+dLat), args.Add(origin.Lng-dLng), args.Add(origin.Lng+dLng)))
	}
	actor := access.ActorFrom(ctx)
	var all []Result
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		settings, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+availCols+`, og.name, og.structure_type, og.commune_code, og.departement,
			COALESCE(NULLIF(o.label, ''), ''), o.modality, o.age_min, o.age_max, o.public_sex, s.public_lat, s.public_lng`+availFrom+`
			JOIN offers o ON o.id = a.offer_id JOIN structures s ON s.id = a.structure_id
			JOIN organisations og ON og.id = a.structure_id
			WHERE `+strings.Join(where, " AND "), args.Values()...)
		if err != nil {
			return fmt.Errorf("search availability: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var r Result
			var lat, lng *float64
			r.Availability, err = scanAvail(rows, &r.StructureName, &r.StructureType, &r.CommuneCode, &r.Departement,
				&r.OfferLabel, &r.Modality, &r.AgeMin, &r.AgeMax, &r.Public, &lat, &lng)
			if err != nil {
				return err
			}
			r.Minutes = -1
			if q.Near != "" {
				if lat == nil || lng == nil {
					continue
				}
				m := geo.EstimateMinutes(origin, geo.Point{Lat: *lat, Lng: *lng})
				if math.IsNaN(m) || m > float64(q.Within) {
					continue
				}
				r.Minutes = int(math.Ceil(m))
			}
			r.Availability = hideCarer(actor, r.Availability, r.Departement)
			r.Stale = settings.of(r.Departement).Stale(r.Kind, r.ConfirmedAt, now)
			r.Reserved = r.ReservedFor != "" && !actor.MemberOf(r.ReservedFor)
			all = append(all, r)
		}
		return rows.Err()
	})
	if err != nil {
		return Page{}, err
	}
	slices.SortFunc(all, compareResults)
	p := Page{Total: len(all), Query: q}
	if q.Offset < len(all) {
		p.Results = all[q.Offset:min(q.Offset+q.Limit, len(all))]
	}
	return p, nil
}

// compareResults: fresh before stale, then nearer, then sooner, then by name.
func compareResults(a, b Result) int {
	if a.Stale != b.Stale {
		if a.Stale {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(a.Minutes, b.Minutes), cmp.Compare(a.From, b.From),
		cmp.Compare(a.StructureName, b.StructureName), cmp.Compare(a.ID, b.ID))
}
