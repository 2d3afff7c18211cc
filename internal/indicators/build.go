package indicators

import (
	"math"
	"strconv"
	"strings"

	"passerelle/internal/capacity"
	"passerelle/internal/cooperation"
	"passerelle/internal/export"
	"passerelle/internal/org"
	"passerelle/internal/request"
)

// Indicator identifiers, stable for links, exports, the API and the map.
const (
	IDPlaces            = "places"
	IDPlacesAvailable   = "places_available"
	IDPlacesByType      = "places_by_type"
	IDStale             = "stale"
	IDRequests          = "requests"
	IDRequestTimeliness = "request_timeliness"
	IDRequestRates      = "request_rates"
	IDRefusalReasons    = "refusal_reasons"
	IDResponseTimes     = "response_times"
	IDWithoutSolution   = "without_solution"
	IDAlerts            = "alerts"
	IDPlanningGaps      = "planning_gaps"
	IDRespiteDays       = "respite_days"
	IDSequential        = "sequential"
	IDAgreements        = "agreements"
	IDContinuity        = "continuity"
	IDSurveys           = "surveys"
	IDSurveyRates       = "survey_rates"
)

// build makes every indicator of the dashboard from a territory's facts,
// in the order the page shows them. Secret tables go through Protect;
// rates and medians are hidden unless their base is shown and at least
// Threshold (see rateCell).
func build(f facts) []Indicator {
	req, timely := requestsTable(f), timelinessTable(f)
	out := []Indicator{
		{IDPlaces, "Places déclarées par type de place", "Places déclarées par les structures, état à la fin de chaque mois (le mois en cours : maintenant), d'après l'historique des déclarations ; une déclaration retirée ne compte plus.", placesTable(f, mPlacesDeclared)},
		{IDPlacesAvailable, "Places disponibles par type de place", "Places déclarées moins celles retenues ou réservées, état à la fin de chaque mois.", placesTable(f, mPlacesFree)},
		{IDPlacesByType, "Places par type de structure", "Places déclarées et disponibles à la fin de la période, par type de structure.", placesByType(f)},
		{IDStale, "Déclarations de places périmées", "Part des déclarations en cours qui n'ont pas été confirmées dans le délai de fraîcheur de leur territoire (par défaut 7 jours, 2 pour le répit et l'urgence), au moment du calcul. Masquée sous 5 déclarations.", staleTable(f)},
		{IDRequests, "Demandes par type et par issue", "Chaque structure sollicitée compte pour une demande (mois d'envoi, département de la structure sollicitée) ; acceptées : acceptées, confirmées, ou closes après une acceptation (une autre structure retenue) ; refusées : par motif codé ; autres : sans réponse, expirées, closes sans réponse. Les motifs sont dans ce même tableau, pour qu'aucun total ne se lise dans deux tableaux protégés chacun de son côté.", req},
		{IDRequestRates, "Taux d'acceptation et de réponse dans les délais", "Acceptées, et premières réponses avant l'échéance, rapportées aux demandes du tableau précédent ; un taux n'est montré que si ses deux termes le sont et que la base compte au moins 5 demandes.", ratesTable(req, timely)},
		{IDResponseTimes, "Délais de réponse (heures)", "Médiane et 9e décile du temps entre l'envoi et la première réponse, puis la décision (acceptation ou refus). Lus dans un histogramme par tranches : exacts à l'heure près sous 2 jours, à 6 heures sous une semaine, au jour au-delà ; 720 = 30 jours ou plus. Masqués sous 5 réponses.", responseTimesTable(f)},
		{IDWithoutSolution, "Enfants sans solution", "Enfants dont une notification MDPH attend une admission depuis plus de 90 jours et reste valide, au moment du calcul, selon l'ancienneté de l'attente.", withoutSolutionTable(f)},
		{IDAlerts, "Alertes de rupture de parcours", "Alertes envoyées aux référents (fin de mesure ou de notification sans relais, enfant sans solution, projet), par mois et par rubrique ; celles du planning ont leur tableau, le suivant. Pas de total sur la période : chaque mois se lit seul (voir la note sur le secret statistique).", alertsTable(f)},
		{IDPlanningGaps, "Trous et conflits de planning détectés", "Alertes de planning : personne n'a l'enfant sur une période, ou deux lieux l'accueillent en même temps.", planningTable(f)},
		{IDRespiteDays, "Journées de répit", "Jours d'accueil de répit et de séjour relais réservés (réservations confirmées), comptés dans chaque mois, multipliés par le nombre de places.", respiteTable(f)},
		{IDSequential, "Accueils séquentiels en cours", "Accueils séquentiels ou partagés confirmés dont la période touche le mois.", sequentialTable(f)},
		{IDAgreements, "Conventions et accords en vigueur", "Accords signés ou en vigueur au moment du calcul, par type.", agreementsTable(f)},
		{IDContinuity, "Plans de continuité à jour", "Structures actives dont le plan de continuité d'activité a été revu depuis moins d'un an, au moment du calcul.", continuityTable(f)},
		{IDSurveys, "Réponses aux enquêtes", "Structures sollicitées par les campagnes dont l'échéance tombe dans le mois, réponses envoyées et réponses envoyées avant l'échéance.", surveysTable(f)},
		{IDSurveyRates, "Taux de réponse aux enquêtes", "Réponses envoyées (et envoyées avant l'échéance) rapportées aux structures sollicitées sur la période ; masqué sous 5 structures.", surveyRatesTable(f)},
	}
	for i := range out {
		if out[i].Table.Secret {
			Protect(&out[i].Table)
		}
	}
	// The rates read the protected tables: rebuild them now. The
	// timeliness of the answers is shown only as a rate: as a table of
	// its own it would share its totals with the requests' table, each
	// protected apart, and one would give back what the other hides.
	Protect(&timely)
	for i := range out {
		if out[i].ID == IDRequestRates {
			out[i].Table = ratesTable(out[indexOf(out, IDRequests)].Table, timely)
		}
	}
	return out
}

// summary picks the key figures from the protected indicators: places
// free at the end of the period, requests and their median first answer,
// children without solution, and the surveys' response rate.
func summary(inds []Indicator) []Figure {
	var out []Figure
	add := func(id, label, unit string, pick func(t Table) (Cell, bool)) {
		i := indexOf(inds, id)
		if i < 0 {
			return
		}
		if c, ok := pick(inds[i].Table); ok {
			out = append(out, Figure{Label: label, Unit: unit, IndicatorID: id, Value: c})
		}
	}
	lastTotal := func(t Table) (Cell, bool) {
		if len(t.RowTotals) == 0 {
			return Cell{}, false
		}
		return t.RowTotals[len(t.RowTotals)-1], true
	}
	grand := func(t Table) (Cell, bool) {
		switch {
		case t.Total != nil:
			return *t.Total, true
		case len(t.ColTotals) == 1:
			return t.ColTotals[0], true
		}
		return Cell{}, false
	}
	last := func(col int) func(t Table) (Cell, bool) {
		return func(t Table) (Cell, bool) {
			if len(t.Cells) == 0 || len(t.Cells[len(t.Cells)-1]) <= col {
				return Cell{}, false
			}
			return t.Cells[len(t.Cells)-1][col], true
		}
	}
	add(IDPlacesAvailable, "places disponibles en fin de période", "", lastTotal)
	add(IDRequests, "demandes reçues par les structures", "", grand)
	add(IDResponseTimes, "délai médian de première réponse", "h", last(0))
	add(IDWithoutSolution, "enfants sans solution depuis plus de 90 jours", "", grand)
	add(IDSurveyRates, "de réponses aux enquêtes", "%", last(0))
	return out
}

func indexOf(inds []Indicator, id string) int {
	for i, ind := range inds {
		if ind.ID == id {
			return i
		}
	}
	return -1
}

// newTable is a table of zero cells.
func newTable(rowHeader, unit string, rows, cols []string, chart export.ChartKind) Table {
	cells := make([][]Cell, len(rows))
	for i := range cells {
		cells[i] = make([]Cell, len(cols))
	}
	return Table{RowHeader: rowHeader, Rows: rows, Columns: cols, Unit: unit, Cells: cells, Chart: chart}
}

// fill sets each cell from get(i, j).
func fill(t *Table, get func(i, j int) int64) {
	for i := range t.Rows {
		for j := range t.Columns {
			t.Cells[i][j] = Cell{N: float64(get(i, j))}
		}
	}
}

// addTotals computes the row totals, the column totals and, with both,
// the grand total.
func addTotals(t *Table, rows, cols bool) {
	if rows {
		t.RowTotals = make([]Cell, len(t.Rows))
		for i, r := range t.Cells {
			for _, c := range r {
				t.RowTotals[i].N += c.N
			}
		}
	}
	if cols {
		t.ColTotals = make([]Cell, len(t.Columns))
		for _, r := range t.Cells {
			for j, c := range r {
				t.ColTotals[j].N += c.N
			}
		}
	}
	if rows && cols {
		var sum float64
		for _, c := range t.RowTotals {
			sum += c.N
		}
		t.Total = &Cell{N: sum}
	}
}

// rateCell is num/base in percent, shown only when both are shown and
// base is at least Threshold; a hidden rate keeps no value.
func rateCell(num, base Cell) Cell {
	if num.Hidden || base.Hidden || base.N < Threshold {
		return Cell{Hidden: true}
	}
	return Cell{N: math.Round(100 * num.N / base.N)}
}

// hiddenUnless hides c (and forgets its value) unless ok.
func hiddenUnless(c Cell, ok bool) Cell {
	if !ok {
		return Cell{Hidden: true}
	}
	return c
}

func monthLabels(months []string) []string {
	out := make([]string, len(months))
	for i, m := range months {
		out[i] = monthLabel(m)
	}
	return out
}

// labels maps codes to their labels, the code itself when unknown.
func labels(codes []string, label func(string) string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = label(c)
	}
	return out
}

func capacityKinds() []string {
	out := make([]string, len(capacity.Kinds))
	for i, k := range capacity.Kinds {
		out[i] = string(k.Kind)
	}
	return out
}

func capacityKindLabel(k string) string { return capacity.Kind(k).Label() }

func requestKinds() []string {
	out := make([]string, len(request.Kinds))
	for i, k := range request.Kinds {
		out[i] = string(k.Kind)
	}
	return out
}

func requestKindLabel(k string) string {
	if info, ok := request.KindOf(request.Kind(k)); ok {
		return info.Label
	}
	return k
}

func structureTypes() []string {
	out := make([]string, len(org.StructureTypes))
	for i, t := range org.StructureTypes {
		out[i] = t.Code
	}
	return out
}

// structureTypeLabel is the short name of a type: "MECS", "Foyer de l'enfance".
func structureTypeLabel(code string) string {
	for _, t := range org.StructureTypes {
		if t.Code == code {
			short, _, _ := strings.Cut(t.Label, " — ")
			return short
		}
	}
	if code == "" {
		return "Type non renseigné"
	}
	return code
}

func placesTable(f facts, measure string) Table {
	kinds := f.dims(measure, true, capacityKinds())
	t := newTable("Mois", "places", monthLabels(f.months), labels(kinds, capacityKindLabel), export.ChartLine)
	fill(&t, func(i, j int) int64 { return f.sum(measure, f.months[i], "", kinds[j]) })
	addTotals(&t, true, false)
	return t
}

// lastMonthWith is the last month of the period with figures of measure
// ("" when none).
func (f facts) lastMonthWith(measure string) string {
	last := ""
	for _, x := range f.by[measure] {
		if x.month > last {
			last = x.month
		}
	}
	return last
}

func placesByType(f facts) Table {
	last := f.lastMonthWith(mPlacesDeclared)
	var types []string
	for _, ty := range f.dims(mPlacesDeclared, false, structureTypes()) {
		if f.sum(mPlacesDeclared, last, ty, "") != 0 {
			types = append(types, ty)
		}
	}
	t := newTable("Type de structure", "places", labels(types, structureTypeLabel),
		[]string{"Places déclarées", "Places disponibles"}, export.ChartBar)
	fill(&t, func(i, j int) int64 {
		if j == 0 {
			return f.sum(mPlacesDeclared, last, types[i], "")
		}
		return f.sum(mPlacesFree, last, types[i], "")
	})
	addTotals(&t, false, true)
	return t
}

func staleTable(f facts) Table {
	kinds := f.dims(mDeclLive, false, capacityKinds())
	rows := append(labels(kinds, capacityKindLabel), "Toutes les déclarations")
	t := newTable("Type de place", "%", rows, []string{"Part périmée"}, export.ChartBar)
	for i := range rows {
		kind := ""
		if i < len(kinds) {
			kind = kinds[i]
		}
		live := Cell{N: float64(f.sum(mDeclLive, "", kind, ""))}
		t.Cells[i][0] = rateCell(Cell{N: float64(f.sum(mDeclStale, "", kind, ""))}, live)
	}
	return t
}

func requestsTable(f facts) Table {
	kinds := f.dims(mReqOutcome, false, requestKinds())
	var known []string
	for _, r := range request.RefusalReasons {
		known = append(known, r.Code)
	}
	reasons := f.dims(mReqRefusal, true, known)
	// Refusals whose reason was not coded: the refused outcomes the
	// reasons do not account for.
	uncoded := make([]int64, len(kinds))
	anyUncoded := false
	for i, k := range kinds {
		uncoded[i] = f.sum(mReqOutcome, "", k, "refused") - f.sum(mReqRefusal, "", k, "")
		anyUncoded = anyUncoded || uncoded[i] > 0
	}
	cols := []string{"Acceptées"}
	for _, r := range reasons {
		cols = append(cols, "Refusées : "+reasonLabel(r))
	}
	if anyUncoded {
		cols = append(cols, "Refusées sans motif codé")
	}
	cols = append(cols, "Autres issues")
	t := newTable("Type de demande", "demandes", labels(kinds, requestKindLabel), cols, export.ChartStacked)
	fill(&t, func(i, j int) int64 {
		switch {
		case j == 0:
			return f.sum(mReqOutcome, "", kinds[i], "accepted")
		case j <= len(reasons):
			return f.sum(mReqRefusal, "", kinds[i], reasons[j-1])
		case j == len(cols)-1:
			return f.sum(mReqOutcome, "", kinds[i], "other")
		}
		return max(uncoded[i], 0)
	})
	addTotals(&t, true, true)
	t.Secret = true
	return t
}

var timeliness = []string{"on_time", "late", "none"}

func timelinessTable(f facts) Table {
	kinds := f.dims(mReqOutcome, false, requestKinds())
	t := newTable("Type de demande", "demandes", labels(kinds, requestKindLabel),
		[]string{"Réponse dans les délais", "Réponse hors délais", "Sans réponse"}, export.ChartStacked)
	fill(&t, func(i, j int) int64 { return f.sum(mReqTimeliness, "", kinds[i], timeliness[j]) })
	addTotals(&t, true, true)
	t.Secret = true
	return t
}

// ratesTable derives the acceptance and on-time rates from the protected
// requests and timeliness tables (same rows), and for all requests from
// their totals: a rate shows only what those tables already show.
func ratesTable(req, timely Table) Table {
	rows := append(append([]string{}, req.Rows...), "Toutes les demandes")
	t := newTable("Type de demande", "%", rows, []string{"Taux d'acceptation", "Réponses dans les délais"}, export.ChartBar)
	for i := range req.Rows {
		t.Cells[i][0] = rateCell(req.Cells[i][0], req.RowTotals[i])
		t.Cells[i][1] = rateCell(timely.Cells[i][0], req.RowTotals[i])
	}
	last := len(rows) - 1
	total := func(x Table) Cell {
		if x.Total == nil {
			return Cell{}
		}
		return *x.Total
	}
	if len(req.Rows) > 0 {
		t.Cells[last][0] = rateCell(req.ColTotals[0], total(req))
		t.Cells[last][1] = rateCell(timely.ColTotals[0], total(req))
	} else {
		t.Cells[last][0], t.Cells[last][1] = Cell{Hidden: true}, Cell{Hidden: true}
	}
	return t
}

func reasonLabel(code string) string {
	for _, r := range request.RefusalReasons {
		if r.Code == code {
			return r.Label
		}
	}
	if code == "" {
		return "Motif non renseigné"
	}
	return code
}

// histogramOf sums the buckets of measure for a kind ("" : all kinds).
func (f facts) histogramOf(measure, kind string) *histogram {
	var h histogram
	for _, x := range f.by[measure] {
		if kind != "" && x.dim1 != kind {
			continue
		}
		if b, err := strconv.Atoi(x.dim2); err == nil && b >= 0 && b <= lastBucket {
			h[b] += x.n
		}
	}
	return &h
}

func responseTimesTable(f facts) Table {
	kinds := f.dims(mReqFirstHours, false, requestKinds())
	rows := append(labels(kinds, requestKindLabel), "Toutes les demandes")
	t := newTable("Type de demande", "heures", rows,
		[]string{"Médiane, première réponse", "9e décile, première réponse", "Médiane, décision", "9e décile, décision"}, export.ChartBar)
	for i := range rows {
		kind := ""
		if i < len(kinds) {
			kind = kinds[i]
		}
		for j, m := range []string{mReqFirstHours, mReqDecideHours} {
			h := f.histogramOf(m, kind)
			med, _ := h.quantile(0.5)
			p90, _ := h.quantile(0.9)
			ok := h.total() >= Threshold
			t.Cells[i][2*j] = hiddenUnless(Cell{N: med}, ok)
			t.Cells[i][2*j+1] = hiddenUnless(Cell{N: p90}, ok)
		}
	}
	return t
}

var bands = []string{band3to6, band6to12, bandOver12}

func withoutSolutionTable(f facts) Table {
	t := newTable("Attente depuis la notification", "enfants", []string{"3 à 6 mois", "6 à 12 mois", "Plus d'un an"},
		[]string{"Enfants sans solution"}, export.ChartBar)
	fill(&t, func(i, _ int) int64 { return f.sum(mWithoutSolution, "", bands[i], "") })
	addTotals(&t, false, true)
	t.Secret = true
	return t
}

var alertSections = []struct{ code, label string }{
	{"measures", "Mesures"}, {"notifications", "Notifications MDPH"}, {"project", "Projet"},
}

// alertsTable, like the other secret tables by month, shows no total over
// the period: a month's row is then protected by its own total only, so
// it shows the same whatever period is asked for; with a total over the
// period, two periods a month apart would give that month back by
// subtraction.
func alertsTable(f facts) Table {
	cols := make([]string, len(alertSections))
	for j, s := range alertSections {
		cols[j] = s.label
	}
	t := newTable("Mois", "alertes", monthLabels(f.months), cols, export.ChartStacked)
	fill(&t, func(i, j int) int64 { return f.sum(mAlerts, f.months[i], alertSections[j].code, "") })
	addTotals(&t, true, false) // no total over the period: see alertsTable
	t.Secret = true
	return t
}

func planningTable(f facts) Table {
	kinds := []string{"gap", "conflict"}
	t := newTable("Mois", "alertes", monthLabels(f.months), []string{"Personne n'a l'enfant", "Deux lieux en même temps"}, export.ChartStacked)
	fill(&t, func(i, j int) int64 { return f.sum(mAlerts, f.months[i], "planning", kinds[j]) })
	addTotals(&t, true, false) // no total over the period: see alertsTable
	t.Secret = true
	return t
}

func respiteTable(f facts) Table {
	kinds := []string{string(capacity.KindRespite), string(capacity.KindRelay)}
	t := newTable("Mois", "jours", monthLabels(f.months), []string{"Accueil de répit", "Séjour relais"}, export.ChartStacked)
	fill(&t, func(i, j int) int64 { return f.sum(mRespiteDays, f.months[i], kinds[j], "") })
	addTotals(&t, true, false) // no total over the period: see alertsTable
	t.Secret = true
	return t
}

func sequentialTable(f facts) Table {
	t := newTable("Mois", "accueils", monthLabels(f.months), []string{"Accueils séquentiels en cours"}, export.ChartLine)
	fill(&t, func(i, _ int) int64 { return f.sum(mSequential, f.months[i], "", "") })
	t.Secret = true
	return t
}

func agreementsTable(f facts) Table {
	var kinds, rows []string
	for _, k := range cooperation.Kinds {
		kinds = append(kinds, k.Code)
		rows = append(rows, k.Label)
	}
	t := newTable("Type d'accord", "accords", rows, []string{"En vigueur"}, export.ChartBar)
	fill(&t, func(i, _ int) int64 { return f.sum(mAgreements, "", kinds[i], "") })
	addTotals(&t, false, true)
	return t
}

func continuityTable(f facts) Table {
	types := f.dims(mStructures, false, structureTypes())
	t := newTable("Type de structure", "structures", labels(types, structureTypeLabel),
		[]string{"Plan à jour (revu depuis moins d'un an)", "Sans plan à jour"}, export.ChartStacked)
	fill(&t, func(i, j int) int64 {
		ok := f.sum(mContinuityOK, "", types[i], "")
		if j == 0 {
			return ok
		}
		return f.sum(mStructures, "", types[i], "") - ok
	})
	addTotals(&t, true, true)
	return t
}

func surveysTable(f facts) Table {
	var months []string
	for _, m := range f.months {
		if f.sum(mSurveyTargets, m, "", "") > 0 {
			months = append(months, m)
		}
	}
	t := newTable("Mois de l'échéance", "structures", monthLabels(months),
		[]string{"Structures sollicitées", "Réponses envoyées", "Réponses dans les délais"}, export.ChartBar)
	ms := []string{mSurveyTargets, mSurveySubmitted, mSurveyOnTime}
	fill(&t, func(i, j int) int64 { return f.sum(ms[j], months[i], "", "") })
	addTotals(&t, false, true)
	return t
}

func surveyRatesTable(f facts) Table {
	t := newTable("Campagnes", "%", []string{"Toutes les campagnes de la période"},
		[]string{"Taux de réponse", "Taux de réponse dans les délais"}, export.ChartBar)
	targets := Cell{N: float64(f.sum(mSurveyTargets, "", "", ""))}
	t.Cells[0][0] = rateCell(Cell{N: float64(f.sum(mSurveySubmitted, "", "", ""))}, targets)
	t.Cells[0][1] = rateCell(Cell{N: float64(f.sum(mSurveyOnTime, "", "", ""))}, targets)
	return t
}
