package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"passerelle/internal/db"
	"passerelle/internal/db/dbtest"
)

// The dashboards' API on the demo territory: who may read it, the field
// at fault in a bad query, and statistical secrecy in the JSON and the CSV.
func TestIndicatorsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		v := openAPIValidator(t)
		for _, who := range []string{director, referent, parent, educator} {
			e.capCall(t, v, who, "GET", "/api/v1/indicators", "", http.StatusForbidden)
			e.capCall(t, v, who, "GET", "/api/v1/indicators?level=departement&code=42", "", http.StatusForbidden)
		}
		e.capCall(t, v, anonymous, "GET", "/api/v1/indicators", "", http.StatusUnauthorized)
		e.capCall(t, v, director, "GET", "/api/v1/indicators/map?indicator=stale", "", http.StatusForbidden)
		// The Loire's steering: not the Rhône's dashboard, nor Île-de-France's.
		e.capCall(t, v, steering, "GET", "/api/v1/indicators?level=departement&code=69", "", http.StatusForbidden)
		e.capCall(t, v, steering, "GET", "/api/v1/indicators?level=region&code=11", "", http.StatusForbidden)
		e.capCall(t, v, steering, "GET", "/api/v1/indicators?level=region&code=84", "", http.StatusOK)
		e.capCall(t, v, admin, "GET", "/api/v1/indicators?level=departement&code=69", "", http.StatusOK)
		for _, c := range []struct{ query, field string }{
			{"level=canton&code=42", "level"}, {"level=departement&code=99", "code"}, {"level=departement&code=42&from=hier", "from"},
			{"level=departement&code=42&from=2026-05&to=2026-01", "to"},
		} {
			p := e.capCall(t, v, steering, "GET", "/api/v1/indicators?"+c.query, "", http.StatusUnprocessableEntity)
			wantProblem(t, c.query, p, c.field)
		}
		p := e.capCall(t, v, steering, "GET", "/api/v1/indicators/map?indicator=without_solution", "", http.StatusUnprocessableEntity)
		wantProblem(t, "map of children without solution", p, "indicator")
		m := e.capCall(t, v, steering, "GET", "/api/v1/indicators/map?indicator=acceptance_rate", "", http.StatusOK)
		if vals, _ := m["values"].([]any); len(vals) < 100 {
			t.Errorf("map: %d départements", len(vals))
		}

		// Without a level: the account's département.
		got := e.capCall(t, v, steering, "GET", "/api/v1/indicators", "", http.StatusOK)
		if got["level"] != "departement" || got["code"] != "42" || got["fresh_at"] == nil {
			t.Fatalf("default dashboard: %v %v %v", got["level"], got["code"], got["fresh_at"])
		}
		raw, _ := json.Marshal(got)
		var dash struct {
			Indicators []apiIndicator `json:"indicators"`
		}
		if err := json.Unmarshal(raw, &dash); err != nil {
			t.Fatal(err)
		}
		small := 0
		for _, ind := range dash.Indicators {
			small += ind.checkSecrecy(t)
		}
		if small == 0 {
			t.Fatal("the demo dashboard hides no small count: the test proves nothing")
		}

		// The CSV prints what the JSON shows, label for label, and is audited.
		resp, body := e.call(steering, "GET", "/api/v1/indicators/export.csv", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
		r.Comma, r.FieldsPerRecord = ';', -1
		lines, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		at := 1
		for _, ind := range dash.Indicators {
			for at < len(lines) && (len(lines[at]) == 0 || !strings.HasPrefix(lines[at][0], ind.Title)) {
				at++
			}
			if at+1 >= len(lines) {
				t.Fatalf("CSV: no block for %s", ind.Title)
			}
			for i, row := range ind.Rows {
				line := lines[at+2+i]
				for j, c := range row.Cells {
					if line[j+1] != c.Label {
						t.Errorf("CSV %s [%s][%d] = %q, JSON says %q", ind.ID, row.Label, j, line[j+1], c.Label)
					}
				}
			}
		}
		var exports int
		d.Read(t.Context(), func(tx *db.Tx) error {
			return tx.QueryRowContext(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'indicators.export'`).Scan(&exports)
		})
		if exports != 1 {
			t.Errorf("%d exports audited", exports)
		}
		if resp, _ := e.call(steering, "GET", "/api/v1/indicators/export.xlsx", ""); resp.StatusCode != http.StatusOK {
			t.Errorf("XLSX: %d", resp.StatusCode)
		}
		e.capCall(t, v, referent, "GET", "/api/v1/indicators/export.csv", "", http.StatusForbidden)
	})
}

type apiCell struct {
	Value  *float64 `json:"value"`
	Hidden bool     `json:"hidden"`
	Label  string   `json:"label"`
}

type apiIndicator struct {
	ID, Title string
	Secret    bool
	Rows      []struct {
		Label string
		Cells []apiCell
		Total *apiCell
	}
	ColumnTotals []apiCell `json:"column_totals"`
	Total        *apiCell
}

// checkSecrecy proves, on what the API shows, that no hidden count can be
// worked out: a hidden cell has no value and is labelled "< 5" or "s"; a
// shown count of a secret table is 0 or at least 5; and differences do
// not give a "< 5" back. The table's lines (each row with its total, each
// column with its total, the totals with the grand total) are sums: a
// line with one unknown term gives it by difference, which makes it known
// for the other lines; once nothing more can be worked out this way, every
// "< 5" must still be unknown. It returns how many "< 5" it met.
func (ind apiIndicator) checkSecrecy(t *testing.T) int {
	t.Helper()
	small := 0
	check := func(c *apiCell) {
		switch {
		case c == nil:
		case c.Hidden && (c.Value != nil || c.Label != "< 5" && c.Label != "s"):
			t.Errorf("%s: hidden cell shows %v %q", ind.ID, c.Value, c.Label)
		case c.Hidden && c.Label == "< 5":
			small++
		case !c.Hidden && ind.Secret && c.Value != nil && *c.Value > 0 && *c.Value < 5:
			t.Errorf("%s: a count of %v is shown", ind.ID, *c.Value)
		}
	}
	known := map[*apiCell]bool{}
	var lines [][]*apiCell // the terms, then the sum
	for i := range ind.Rows {
		r := &ind.Rows[i]
		var line []*apiCell
		for j := range r.Cells {
			check(&r.Cells[j])
			line = append(line, &r.Cells[j])
		}
		check(r.Total)
		if r.Total != nil {
			lines = append(lines, append(line, r.Total))
		}
	}
	for j := range ind.ColumnTotals {
		check(&ind.ColumnTotals[j])
		var line []*apiCell
		for i := range ind.Rows {
			line = append(line, &ind.Rows[i].Cells[j])
		}
		lines = append(lines, append(line, &ind.ColumnTotals[j]))
	}
	if ind.Total != nil {
		check(ind.Total)
		var totals, colTotals []*apiCell
		for i := range ind.Rows {
			totals = append(totals, ind.Rows[i].Total)
		}
		for j := range ind.ColumnTotals {
			colTotals = append(colTotals, &ind.ColumnTotals[j])
		}
		lines = append(lines, append(totals, ind.Total), append(colTotals, ind.Total))
	}
	isKnown := func(c *apiCell) bool { return !c.Hidden || known[c] }
	for changed := true; changed; {
		changed = false
		for _, line := range lines {
			var unknown []*apiCell
			for _, c := range line {
				if !isKnown(c) {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) == 1 {
				known[unknown[0]], changed = true, true
				if unknown[0].Label == "< 5" {
					t.Errorf("%s: a count under 5 is worked out by difference", ind.ID)
				}
			}
		}
	}
	return small
}
