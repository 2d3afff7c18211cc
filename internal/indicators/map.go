package indicators

import (
	"context"
	"slices"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/db"
	"passerelle/internal/geo"
)

// MapIndicator is an indicator the map can colour: one number per
// département makes sense for it. None counts children: the map shows
// every département beside the sums of regions and of the nation, and a
// count of children per département would be protected in one table while
// its sums are shown in others (ADR 011); rates and places are not counts
// of children.
type MapIndicator struct {
	ID, Title, Unit string
	value           func(f facts) Cell
}

// MapIndicators are the indicators of the map, in the order offered.
var MapIndicators = []MapIndicator{
	{IDPlacesAvailable, "Places disponibles (fin de période)", "places", func(f facts) Cell {
		return Cell{N: float64(f.sum(mPlacesFree, f.lastMonthWith(mPlacesFree), "", ""))}
	}},
	{IDStale, "Part des déclarations périmées", "%", func(f facts) Cell {
		return rateCell(Cell{N: float64(f.sum(mDeclStale, "", "", ""))}, Cell{N: float64(f.sum(mDeclLive, "", "", ""))})
	}},
	{"acceptance_rate", "Taux d'acceptation des demandes", "%", func(f facts) Cell {
		all, ok := f.sum(mReqOutcome, "", "", ""), f.sum(mReqOutcome, "", "", "accepted")
		// Neither the accepted nor the others may be fewer than 5.
		if ok < Threshold || all-ok < Threshold {
			return Cell{Hidden: true}
		}
		return rateCell(Cell{N: float64(ok)}, Cell{N: float64(all)})
	}},
	{"median_response", "Délai médian de première réponse", "heures", func(f facts) Cell {
		h := f.histogramOf(mReqFirstHours, "")
		med, _ := h.quantile(0.5)
		return hiddenUnless(Cell{N: med}, h.total() >= Threshold)
	}},
	{IDContinuity, "Structures au plan de continuité à jour", "%", func(f facts) Cell {
		return rateCell(Cell{N: float64(f.sum(mContinuityOK, "", "", ""))}, Cell{N: float64(f.sum(mStructures, "", "", ""))})
	}},
	{IDAgreements, "Conventions et accords en vigueur", "accords", func(f facts) Cell {
		return Cell{N: float64(f.sum(mAgreements, "", "", ""))}
	}},
	{"survey_response", "Taux de réponse aux enquêtes", "%", func(f facts) Cell {
		return rateCell(Cell{N: float64(f.sum(mSurveySubmitted, "", "", ""))}, Cell{N: float64(f.sum(mSurveyTargets, "", "", ""))})
	}},
}

// MapIndicatorOf returns the map indicator id (ok false when the map
// cannot show it).
func MapIndicatorOf(id string) (MapIndicator, bool) {
	i := slices.IndexFunc(MapIndicators, func(m MapIndicator) bool { return m.ID == id })
	if i < 0 {
		return MapIndicator{}, false
	}
	return MapIndicators[i], true
}

// Map gives one indicator for each département of the nation, as the map
// colours it (hidden where secrecy says so), with its unit. It shows every
// département, so it is for those who may open the national dashboard.
// The map returned may be shared with other callers: never change it.
func (s *Service) Map(ctx context.Context, indicatorID string, p Period) (map[string]Cell, string, error) {
	mi, ok := MapIndicatorOf(indicatorID)
	if !ok {
		var v apperr.Validation
		v.Add("indicator", "Cet indicateur ne se montre pas sur la carte : « places_available », « stale », « acceptance_rate », « median_response », « continuity », « agreements » ou « survey_response ».")
		return nil, "", v.ErrSaying("L'indicateur demandé ne peut pas colorer la carte.")
	}
	if err := access.Check(ctx, access.ActionView, access.Resource{Type: access.ResDashboard}); err != nil {
		return nil, "", err
	}
	_, months, err := normalizePeriod(p, db.Now(s.DB.Clock))
	if err != nil {
		return nil, "", err
	}
	_, gen, err := s.fresh(ctx)
	if err != nil {
		return nil, "", err
	}
	ck := cacheKey{"map", mi.ID, months[0], months[len(months)-1], gen}
	if v, ok := s.cache.get(ck); ok {
		return v.(map[string]Cell), mi.Unit, nil
	}
	byDep := map[string]facts{}
	for _, d := range geo.Departements() {
		byDep[d.Code] = facts{by: map[string][]fact{}, months: months}
	}
	err = s.DB.Read(ctx, func(tx *db.Tx) error {
		// Summed over the period in the database (the map needs no month
		// but the places' last one): a few rows a département, not a
		// year of histograms.
		rows, err := tx.QueryContext(ctx, `SELECT departement, measure, CASE WHEN measure = '`+mPlacesFree+`' THEN month ELSE '' END,
			dim1, dim2, SUM(n) FROM indicator_facts
			WHERE generation = $1 AND measure IN (`+mapMeasures[mi.ID]+`) AND (month = '' OR (month >= $2 AND month <= $3))
			GROUP BY departement, measure, CASE WHEN measure = '`+mPlacesFree+`' THEN month ELSE '' END, dim1, dim2`,
			gen, months[0], months[len(months)-1])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var dep, m string
			var x fact
			if err := rows.Scan(&dep, &m, &x.month, &x.dim1, &x.dim2, &x.n); err != nil {
				return err
			}
			if f, ok := byDep[dep]; ok { // regions and the nation aside
				f.by[m] = append(f.by[m], x)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", err
	}
	out := make(map[string]Cell, len(byDep))
	for dep, f := range byDep {
		out[dep] = mi.value(f)
	}
	s.cache.put(ck, out)
	return out, mi.Unit, nil
}

// mapMeasures are the measures each map indicator reads (constants only).
var mapMeasures = map[string]string{
	IDPlacesAvailable: "'" + mPlacesFree + "'",
	IDStale:           "'" + mDeclLive + "', '" + mDeclStale + "'",
	"acceptance_rate": "'" + mReqOutcome + "'",
	"median_response": "'" + mReqFirstHours + "'",
	IDContinuity:      "'" + mContinuityOK + "', '" + mStructures + "'",
	IDAgreements:      "'" + mAgreements + "'",
	"survey_response": "'" + mSurveySubmitted + "', '" + mSurveyTargets + "'",
}
