package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"passerelle/internal/access"
	"passerelle/internal/apperr"
	"passerelle/internal/audit"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/geo"
	"passerelle/internal/indicators"
)

// The territorial dashboards: /tableaux-de-bord shows every indicator of
// a territory over a period, each with its chart and its table, the key
// figures on top and a map of the départements; the same query downloads
// the dashboard as CSV, XLSX or PDF. Who may open which territory is the
// service's answer (Scopes, Dashboard), never the page's.

// indicatorRoutes registers the dashboard pages.
func (s *Server) indicatorRoutes() {
	m := s.mux
	m.HandleFunc("GET /tableaux-de-bord", s.page(s.dashboard))
	m.HandleFunc("GET /tableaux-de-bord/export.csv", s.page(s.dashboardExport("csv")))
	m.HandleFunc("GET /tableaux-de-bord/export.xlsx", s.page(s.dashboardExport("xlsx")))
	m.HandleFunc("GET /tableaux-de-bord/export.pdf", s.page(s.dashboardExport("pdf")))
}

// indicatorsFuncs are the dashboard pages' template functions.
func indicatorsFuncs() template.FuncMap {
	return template.FuncMap{
		"dashCell":   dashCell,
		"dashUnit":   dashUnit,
		"dashTable":  dashTableOf,
		"dashPeriod": dashPeriodLabel,
	}
}

// secrecy's words, the same on the page and in the PDF.
const (
	secretSmall  = "moins de 5 enfants"
	secretOther  = "masqué pour qu'on ne puisse pas retrouver une petite valeur"
	secretLegend = "« < 5 » : moins de 5 enfants (secret statistique). « s » : masqué pour qu'on ne puisse pas retrouver une petite valeur à partir des totaux."
)

// dashboardPage is what dashboard.html shows.
type dashboardPage struct {
	Form    Form
	Scopes  []scopeGroup
	Presets []dashLink
	// Query is the chosen territory and period, for the links that keep them.
	Query url.Values
	// Shown is false when the choices are wrong or the figures failed.
	Shown   bool
	Failed  bool // the figures could not be computed (logged)
	D       indicators.Dashboard
	Figures []dashFigure
	Map     dashMapView
	Exports []dashLink
}

type scopeGroup struct {
	Label   string
	Options []scopeOption
}

type scopeOption struct {
	Value, Label string
	Selected     bool
}

type dashLink struct {
	Label, Href string
	Current     bool
}

// dashFigure is a key figure, shown big at the top.
type dashFigure struct {
	Label, Unit, Href string
	Value             indicators.Cell
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	scopes, err := s.Indicators.Scopes(ctx)
	if err != nil {
		return err
	}
	if len(scopes) == 0 {
		return apperr.New(apperr.Forbidden, "Votre compte n'a accès au tableau de bord d'aucun territoire.")
	}
	now := db.Now(s.DB.Clock)
	dq, form, ok := parseDashQuery(r.URL.Query(), scopes[0], now)
	p := dashboardPage{Form: form, Scopes: scopeGroups(scopes, dq.Scope), Query: dq.values()}
	p.Presets = dashPresetLinks(dq)
	title := "Tableaux de bord"
	if !ok {
		s.render(w, r, http.StatusUnprocessableEntity, "dashboard", title, p)
		return nil
	}
	d, err := s.Indicators.Dashboard(ctx, dq.Scope, dq.Period)
	if err != nil {
		return s.dashboardFailed(w, r, err, p)
	}
	p.Shown, p.D = true, d
	p.Figures = dashFigures(d)
	p.Map = s.dashMap(r, dq)
	for _, f := range []struct{ label, ext string }{{"Tableur CSV", "csv"}, {"Classeur Excel (XLSX)", "xlsx"}, {"Document PDF", "pdf"}} {
		p.Exports = append(p.Exports, dashLink{Label: f.label, Href: "/tableaux-de-bord/export." + f.ext + "?" + p.Query.Encode()})
	}
	s.render(w, r, http.StatusOK, "dashboard", title+" — "+d.Label, p)
	return nil
}

// dashboardFailed shows a dashboard the service refused or could not
// compute: wrong choices come back on the form, a refusal is the error
// page, and anything else keeps the page (its choices) with a French
// message and the request number.
func (s *Server) dashboardFailed(w http.ResponseWriter, r *http.Request, err error, p dashboardPage) error {
	e, ok := apperr.As(err)
	switch {
	case ok && e.Code == apperr.Invalid:
		p.Form.Message = e.Message
		for k, msg := range e.Fields {
			field := map[string]string{"from": "du", "to": "au", "scope": "territoire", "code": "territoire", "level": "territoire"}[k]
			if field == "" {
				field = "du"
			}
			p.Form.Errors[field] = msg
		}
		if p.Form.Message == "" {
			p.Form.Message = "Le tableau de bord ne peut pas être affiché avec ces choix :"
		}
		s.render(w, r, http.StatusUnprocessableEntity, "dashboard", "Tableaux de bord", p)
		return nil
	case ok && e.Code != apperr.Internal:
		return err
	}
	s.Logger.Error("dashboard", "request_id", dashRequestID(r), "error", err.Error())
	p.Failed = true
	s.render(w, r, http.StatusInternalServerError, "dashboard", "Tableaux de bord", p)
	return nil
}

// dashboardFor reads the dashboard the query asks for, for a download:
// wrong choices are one French message.
func (s *Server) dashboardFor(r *http.Request) (indicators.Dashboard, error) {
	ctx := r.Context()
	scopes, err := s.Indicators.Scopes(ctx)
	if err != nil {
		return indicators.Dashboard{}, err
	}
	if len(scopes) == 0 {
		return indicators.Dashboard{}, apperr.New(apperr.Forbidden, "Votre compte n'a accès au tableau de bord d'aucun territoire.")
	}
	dq, form, ok := parseDashQuery(r.URL.Query(), scopes[0], db.Now(s.DB.Clock))
	if !ok {
		msgs := make([]string, 0, len(form.Errors))
		for _, k := range []string{"territoire", "periode", "du", "au"} {
			if m := form.Errors[k]; m != "" {
				msgs = append(msgs, m)
			}
		}
		return indicators.Dashboard{}, &apperr.Error{Code: apperr.Invalid, Message: "Le tableau de bord ne peut pas être téléchargé : " + strings.Join(msgs, " "), Fields: form.Errors}
	}
	return s.Indicators.Dashboard(ctx, dq.Scope, dq.Period)
}

// dashboardExport downloads the dashboard in a format; every download is
// audited by the service before it is sent, and is built whole first so
// that an error never leaves half a file.
func (s *Server) dashboardExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := s.dashboardFor(r)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		contentType, disposition := export.ContentTypeCSV, "attachment"
		switch format {
		case "csv":
			err = indicators.WriteCSV(&buf, d)
		case "xlsx":
			contentType = export.ContentTypeXLSX
			err = indicators.WriteXLSX(&buf, d)
		case "pdf":
			contentType, disposition = export.ContentTypePDF, "inline"
			err = dashboardDocument(d, access.ActorFrom(r.Context()), db.Now(s.DB.Clock)).Write(&buf)
		}
		if err != nil {
			return err
		}
		if err := s.Indicators.RecordExport(r.Context(), d, format); err != nil {
			return err
		}
		name := export.Filename("tableau de bord "+d.Label, format, db.Now(s.DB.Clock))
		return sendDocument(w, disposition, name, contentType, buf.Bytes())
	}
}

func dashRequestID(r *http.Request) string { return audit.RequestFrom(r.Context()).ID }

// scopeLabel names a territory: "Loire (42)", "Auvergne-Rhône-Alpes", "France".
func scopeLabel(sc indicators.Scope) string {
	if l := sc.Label(); l != "" {
		return l
	}
	return sc.Code
}

// scopeGroups are the territories of the select, by level, the chosen one
// selected (a territory not in the list is shown too, so that the form
// says what was asked).
func scopeGroups(scopes []indicators.Scope, chosen indicators.Scope) []scopeGroup {
	labels := map[indicators.Level]string{indicators.LevelDepartement: "Départements", indicators.LevelRegion: "Régions", indicators.LevelNational: "France"}
	var groups []scopeGroup
	at := map[indicators.Level]int{}
	for _, sc := range scopes {
		i, ok := at[sc.Level]
		if !ok {
			i = len(groups)
			at[sc.Level] = i
			groups = append(groups, scopeGroup{Label: labels[sc.Level]})
		}
		groups[i].Options = append(groups[i].Options, scopeOption{Value: scopeParam(sc), Label: scopeLabel(sc), Selected: sc == chosen})
	}
	return groups
}

// dashPresetLinks are the one-click periods for the chosen territory.
func dashPresetLinks(dq dashQuery) []dashLink {
	out := make([]dashLink, len(dashPresets))
	for i, pr := range dashPresets {
		v := url.Values{"territoire": {scopeParam(dq.Scope)}, "periode": {pr.Code}}
		out[i] = dashLink{Label: pr.Label, Href: "/tableaux-de-bord?" + v.Encode(), Current: dq.Preset == pr.Code}
	}
	return out
}

// dashFigures are the dashboard's key figures, linked to their indicator.
func dashFigures(d indicators.Dashboard) []dashFigure {
	out := make([]dashFigure, 0, len(d.Summary))
	for _, f := range d.Summary {
		out = append(out, dashFigure{Label: f.Label, Unit: f.Unit, Href: "#ind-" + f.IndicatorID, Value: f.Value})
	}
	return out
}

// dashCell prints a cell for the page: a French number, or the mark of
// statistical secrecy explained by its abbreviation.
func dashCell(c indicators.Cell) template.HTML {
	switch {
	case c.Hidden && c.Small:
		return template.HTML(`<abbr class="secret" title="` + secretSmall + `">&lt; ` + strconv.Itoa(indicators.Threshold) + `</abbr>`)
	case c.Hidden:
		return template.HTML(`<abbr class="secret" title="` + template.HTMLEscapeString(secretOther) + `">s</abbr>`)
	}
	return template.HTML(dashNumber(c.N))
}

// dashNumber writes a figure the French way: "1 234", "12,5".
func dashNumber(n float64) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i > 2 {
		s = strconv.FormatFloat(n, 'f', 1, 64) // one decimal is enough to read
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "−", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune('\u202f') // narrow no-break space
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("," + frac)
	}
	return sign + b.String()
}

// dashUnit is how a caption says the unit: "en places", "en %".
func dashUnit(unit string) string {
	if unit == "" {
		return ""
	}
	return "en " + unit
}

// dashTable is a table laid out for the page and the PDF: rows with
// their total, then the total row.
type dashTable struct {
	RowHeader string
	Columns   []string // with "Total" when the rows have totals
	Rows      []dashRow
	Total     *dashRow
	Secret    bool
	Hidden    bool // some cell is hidden
}

type dashRow struct {
	Label string
	Cells []indicators.Cell
}

func dashTableOf(t indicators.Table) dashTable {
	out := dashTable{RowHeader: t.RowHeader, Columns: append([]string(nil), t.Columns...), Secret: t.Secret}
	if out.RowHeader == "" {
		out.RowHeader = "—"
	}
	if t.RowTotals != nil {
		out.Columns = append(out.Columns, "Total")
	}
	for i, label := range t.Rows {
		row := dashRow{Label: label}
		if i < len(t.Cells) {
			row.Cells = append(row.Cells, t.Cells[i]...)
		}
		for len(row.Cells) < len(t.Columns) {
			row.Cells = append(row.Cells, indicators.Cell{})
		}
		if t.RowTotals != nil {
			row.Cells = append(row.Cells, dashCellAt(t.RowTotals, i))
		}
		out.Rows = append(out.Rows, row)
	}
	if t.ColTotals != nil {
		row := dashRow{Label: "Total"}
		for j := range t.Columns {
			row.Cells = append(row.Cells, dashCellAt(t.ColTotals, j))
		}
		if t.RowTotals != nil {
			if t.Total != nil {
				row.Cells = append(row.Cells, *t.Total)
			} else {
				row.Cells = append(row.Cells, indicators.Cell{Hidden: true})
			}
		}
		out.Total = &row
	}
	for _, r := range append(out.Rows, out.totalRows()...) {
		for _, c := range r.Cells {
			out.Hidden = out.Hidden || c.Hidden
		}
	}
	return out
}

func (t dashTable) totalRows() []dashRow {
	if t.Total == nil {
		return nil
	}
	return []dashRow{*t.Total}
}

func dashCellAt(cells []indicators.Cell, i int) indicators.Cell {
	if i < len(cells) {
		return cells[i]
	}
	return indicators.Cell{}
}

// dashMapView is the map of the départements and its choice of indicator.
type dashMapView struct {
	Options []dashLink // Href is the indicator's id
	Chosen  string
	Map     DepMap
	Shown   bool
	Error   string
	// Links are the départements the actor may open, when the map cannot
	// link every one of them.
	Links []dashLink
}

// dashMap colours the chosen indicator on the map (those the service
// can map: one figure per département). A failure is said in the map's
// place and leaves the rest of the dashboard alone.
func (s *Server) dashMap(r *http.Request, dq dashQuery) dashMapView {
	var v dashMapView
	if len(indicators.MapIndicators) == 0 {
		return v
	}
	chosen := indicators.MapIndicators[0]
	if mi, ok := indicators.MapIndicatorOf(dq.Map); ok {
		chosen = mi
	}
	v.Chosen = chosen.ID
	title := chosen.Title
	for _, mi := range indicators.MapIndicators {
		v.Options = append(v.Options, dashLink{Label: mi.Title, Href: mi.ID, Current: mi.ID == chosen.ID})
	}
	if dq.Map != "" && dq.Map != chosen.ID {
		v.Error = "Cet indicateur ne se montre pas sur la carte : choisissez-en un dans la liste."
		return v
	}
	cells, unit, err := s.Indicators.Map(r.Context(), v.Chosen, dq.Period)
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
			v.Error = e.Message
			for _, msg := range e.Fields {
				v.Error = msg // the field's message says more than the summary
			}
		} else {
			s.Logger.Error("dashboard map", "request_id", dashRequestID(r), "error", err.Error())
			v.Error = "La carte ne peut pas être dessinée pour le moment. Le reste du tableau de bord n'est pas concerné."
		}
		return v
	}
	v.Shown = true
	v.Map = DepMap{Title: title, Unit: unit, Values: map[string]export.Value{}}
	for code, c := range cells {
		val := export.Value{N: c.N, Hidden: c.Hidden}
		if c.Hidden {
			val.N, val.Label = 0, c.Text()
		}
		v.Map.Values[code] = val
	}
	// A département links to its dashboard when the actor may open it
	// (the policy says): on the map when every one may be, else in a list
	// under the map.
	actor := access.ActorFrom(r.Context())
	period := dq.values()
	period.Del("territoire")
	period.Set("carte", v.Chosen)
	all := true
	for _, dep := range geo.Departements() {
		if access.Can(actor, access.ActionView, access.Resource{Type: access.ResDashboard, Departement: dep.Code}) {
			q := url.Values{"territoire": {"departement-" + dep.Code}}
			for k, vs := range period {
				q[k] = vs
			}
			v.Links = append(v.Links, dashLink{Label: dep.Name + " (" + dep.Code + ")", Href: "/tableaux-de-bord?" + q.Encode()})
		} else {
			all = false
		}
	}
	if all {
		v.Map.Href = "/tableaux-de-bord?territoire=departement-%s&" + strings.ReplaceAll(period.Encode(), "%", "%%")
		v.Links = nil
	}
	return v
}
