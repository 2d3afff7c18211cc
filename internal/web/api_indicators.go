package web

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"time"

	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/geo"
	"passerelle/internal/indicators"
)

// The dashboards' API: a territory's indicators over a period, one
// indicator by département for the map, and the dashboard as CSV or XLSX
// (audited). Hidden figures are never sent: a hidden cell has a null value.

// indicatorsAPIRoutes registers the dashboards' API.
func (s *Server) indicatorsAPIRoutes() {
	s.apiRoute("GET", "/api/v1/indicators", s.apiIndicators)
	s.apiRoute("GET", "/api/v1/indicators/map", s.apiIndicatorsMap)
	s.apiRoute("GET", "/api/v1/indicators/export.csv", s.apiIndicatorsExport("csv"))
	s.apiRoute("GET", "/api/v1/indicators/export.xlsx", s.apiIndicatorsExport("xlsx"))
}

type indicatorCellJSON struct {
	Value  *float64 `json:"value"`
	Hidden bool     `json:"hidden"`
	Label  string   `json:"label"`
}

func toIndicatorCellJSON(c indicators.Cell) indicatorCellJSON {
	out := indicatorCellJSON{Hidden: c.Hidden, Label: c.Text()}
	if !c.Hidden {
		n := c.N
		out.Value = &n
	}
	return out
}

func indicatorCellsJSON(cs []indicators.Cell) []indicatorCellJSON {
	if cs == nil {
		return nil
	}
	out := make([]indicatorCellJSON, len(cs))
	for i, c := range cs {
		out[i] = toIndicatorCellJSON(c)
	}
	return out
}

type indicatorRowJSON struct {
	Label string              `json:"label"`
	Cells []indicatorCellJSON `json:"cells"`
	Total *indicatorCellJSON  `json:"total,omitempty"`
}

type indicatorJSON struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Note         string              `json:"note"`
	Unit         string              `json:"unit"`
	Chart        string              `json:"chart"`
	Secret       bool                `json:"secret"`
	RowHeader    string              `json:"row_header"`
	Columns      []string            `json:"columns"`
	Rows         []indicatorRowJSON  `json:"rows"`
	ColumnTotals []indicatorCellJSON `json:"column_totals,omitempty"`
	Total        *indicatorCellJSON  `json:"total,omitempty"`
}

func toIndicatorJSON(ind indicators.Indicator) indicatorJSON {
	t := ind.Table
	out := indicatorJSON{ID: ind.ID, Title: ind.Title, Note: ind.Note, Unit: t.Unit, Chart: string(t.Chart), Secret: t.Secret,
		RowHeader: t.RowHeader, Columns: append([]string{}, t.Columns...), Rows: []indicatorRowJSON{},
		ColumnTotals: indicatorCellsJSON(t.ColTotals)}
	for i, label := range t.Rows {
		row := indicatorRowJSON{Label: label, Cells: indicatorCellsJSON(t.Cells[i])}
		if t.RowTotals != nil {
			c := toIndicatorCellJSON(t.RowTotals[i])
			row.Total = &c
		}
		out.Rows = append(out.Rows, row)
	}
	if t.Total != nil {
		c := toIndicatorCellJSON(*t.Total)
		out.Total = &c
	}
	return out
}

type dashboardJSON struct {
	Level      string          `json:"level"`
	Code       string          `json:"code"`
	Label      string          `json:"label"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	FreshAt    *time.Time      `json:"fresh_at"`
	Indicators []indicatorJSON `json:"indicators"`
}

// apiDashboard reads the query (level, code, from, to) and computes the
// dashboard; without a level, the actor's nearest territory.
func (s *Server) apiDashboard(r *http.Request) (indicators.Dashboard, error) {
	if _, err := requireActor(r); err != nil {
		return indicators.Dashboard{}, err
	}
	q := r.URL.Query()
	sc := indicators.Scope{Level: indicators.Level(strings.TrimSpace(q.Get("level"))), Code: strings.TrimSpace(q.Get("code"))}
	if sc.Level == "" && sc.Code == "" {
		scopes, err := s.Indicators.Scopes(r.Context())
		if err != nil {
			return indicators.Dashboard{}, err
		}
		sc = scopes[0]
	}
	p := indicators.Period{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	return s.Indicators.Dashboard(r.Context(), sc, p)
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	d, err := s.apiDashboard(r)
	if err != nil {
		return err
	}
	out := dashboardJSON{Level: string(d.Scope.Level), Code: d.Scope.Code, Label: d.Label, From: d.Period.From, To: d.Period.To,
		Indicators: []indicatorJSON{}}
	if !d.FreshAt.IsZero() {
		out.FreshAt = &d.FreshAt
	}
	for _, ind := range d.Indicators {
		out.Indicators = append(out.Indicators, toIndicatorJSON(ind))
	}
	return writeJSON(w, http.StatusOK, out)
}

type mapValueJSON struct {
	Departement string            `json:"departement"`
	Name        string            `json:"name"`
	Cell        indicatorCellJSON `json:"cell"`
}

func (s *Server) apiIndicatorsMap(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	id := strings.TrimSpace(q.Get("indicator"))
	if id == "" {
		id = indicators.MapIndicators[0].ID
	}
	p := indicators.Period{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	cells, unit, err := s.Indicators.Map(r.Context(), id, p)
	if err != nil {
		return err
	}
	mi, _ := indicators.MapIndicatorOf(id)
	out := struct {
		Indicator string         `json:"indicator"`
		Title     string         `json:"title"`
		Unit      string         `json:"unit"`
		Values    []mapValueJSON `json:"values"`
	}{id, mi.Title, unit, []mapValueJSON{}}
	for _, d := range geo.Departements() {
		if c, ok := cells[d.Code]; ok {
			out.Values = append(out.Values, mapValueJSON{d.Code, d.Name, toIndicatorCellJSON(c)})
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// apiIndicatorsExport sends the dashboard as a file, once its export is
// audited; the file is written first, so that a failure sends a problem.
func (s *Server) apiIndicatorsExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := s.apiDashboard(r)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		contentType := export.ContentTypeCSV
		if format == indicators.FormatCSV {
			err = indicators.WriteCSV(&buf, d)
		} else {
			contentType = export.ContentTypeXLSX
			err = indicators.WriteXLSX(&buf, d)
		}
		if err != nil {
			return err
		}
		if err := s.Indicators.RecordExport(r.Context(), d, format); err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
			"filename": export.Filename("tableau-de-bord-"+d.Label, format, db.Now(s.DB.Clock))}))
		h.Set("Cache-Control", "no-store")
		_, err = w.Write(buf.Bytes())
		return err
	}
}
