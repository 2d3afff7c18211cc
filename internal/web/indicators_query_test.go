package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"passerelle/internal/indicators"
)

// The dashboards' query: presets, months, territories, and a French
// message for each thing wrong (never a panic, never a silent default).
func TestParseDashQuery(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	loire := indicators.Scope{Level: indicators.LevelDepartement, Code: "42"}
	cases := []struct {
		query      string
		scope      indicators.Scope
		from, to   string // the Period sent to the service
		preset     string
		errField   string
		errContain string
	}{
		{query: "", scope: loire, from: "2025-12-01", to: "2026-11-23", preset: "12m"},
		{query: "periode=3m", scope: loire, from: "2026-09-01", to: "2026-11-23", preset: "3m"},
		{query: "periode=annee&du=2020-01", scope: loire, from: "2026-01-01", to: "2026-11-23", preset: "annee"},
		{query: "territoire=region-84&du=2026-02&au=2026-04", scope: indicators.Scope{Level: indicators.LevelRegion, Code: "84"}, from: "2026-02-01", to: "2026-04-30"},
		{query: "territoire=france&du=02/2024&au=2024-02", scope: indicators.Scope{Level: indicators.LevelNational}, from: "2024-02-01", to: "2024-02-29"},
		{query: "territoire=departement-2A&au=2026-06", scope: indicators.Scope{Level: indicators.LevelDepartement, Code: "2A"}, from: "2025-07-01", to: "2026-06-30"},
		{query: "du=2026-05", scope: loire, from: "2026-05-01", to: "2026-11-23"},
		{query: "territoire=departement-42%3BDROP", errField: "territoire", errContain: "Ce territoire n'existe pas"},
		{query: "territoire=canton-12", errField: "territoire", errContain: "Ce territoire n'existe pas"},
		{query: "periode=5ans", errField: "periode", errContain: "Cette période n'existe pas"},
		{query: "du=hier", errField: "du", errContain: "AAAA-MM"},
		{query: "au=2026-13", errField: "au", errContain: "AAAA-MM"},
		{query: "du=2026-06&au=2026-03", errField: "du", errContain: "est après le mois de fin (mars 2026)"},
		{query: "du=2026-06&au=2026-12", errField: "au", errContain: "après le mois en cours (novembre 2026)"},
		{query: "du=2022-01&au=2026-01", errField: "du", errContain: "dépasser 36 mois"},
		{query: "du=2030-01", errField: "du", errContain: "commencer après le mois en cours (novembre 2026)"},
	}
	for _, c := range cases {
		q, _ := url.ParseQuery(c.query)
		dq, form, ok := parseDashQuery(q, loire, now)
		if c.errField != "" {
			if ok || !strings.Contains(form.Errors[c.errField], c.errContain) || form.Message == "" {
				t.Errorf("%q: ok %v, errors %v, want %s: %q", c.query, ok, form.Errors, c.errField, c.errContain)
			}
			// What was typed comes back on the form.
			for k, v := range q {
				if k != "territoire" && k != "periode" && form.Values.Get(k) != v[0] {
					t.Errorf("%q: %s typed %q, shown %q", c.query, k, v[0], form.Values.Get(k))
				}
			}
			continue
		}
		if !ok {
			t.Errorf("%q: refused: %v", c.query, form.Errors)
			continue
		}
		if dq.Scope != c.scope || dq.Period.From != c.from || dq.Period.To != c.to || dq.Preset != c.preset {
			t.Errorf("%q: got %+v %+v preset %q", c.query, dq.Scope, dq.Period, dq.Preset)
		}
		// The query the page writes back reads the same.
		again, _, ok := parseDashQuery(dq.values(), loire, now)
		if !ok || again.Period != dq.Period || again.Scope != dq.Scope {
			t.Errorf("%q: %v reads back as %+v", c.query, dq.values(), again)
		}
	}
}

// A scope written in the query reads back the same.
func TestScopeParam(t *testing.T) {
	for _, sc := range []indicators.Scope{{Level: indicators.LevelNational}, {Level: indicators.LevelRegion, Code: "84"},
		{Level: indicators.LevelDepartement, Code: "971"}, {Level: indicators.LevelDepartement, Code: "2B"}} {
		if got, ok := parseScope(scopeParam(sc)); !ok || got != sc {
			t.Errorf("%+v: %q reads %+v %v", sc, scopeParam(sc), got, ok)
		}
	}
	if got := (indicators.Scope{Level: indicators.LevelDepartement, Code: "42"}).Label(); got != "Loire (42)" {
		t.Errorf("label %q", got)
	}
	if got := (indicators.Scope{Level: indicators.LevelRegion, Code: "84"}).Label(); got != "Auvergne-Rhône-Alpes" {
		t.Errorf("label %q", got)
	}
}

// A table laid out for the page and the PDF: totals on the right and at
// the bottom, hidden cells printed as secrecy says, wide tables in parts.
func TestDashTableOf(t *testing.T) {
	tb := indicators.Table{RowHeader: "Type", Rows: []string{"MECS", "IME"}, Columns: []string{"jan", "fév"}, Unit: "enfants",
		Cells:     [][]indicators.Cell{{{N: 12}, {N: 3, Hidden: true, Small: true}}, {{N: 1234.5}, {N: 7, Hidden: true}}},
		RowTotals: []indicators.Cell{{N: 15, Hidden: true}, {N: 1241.5}}, ColTotals: []indicators.Cell{{N: 1246.5}, {N: 10, Hidden: true}},
		Total: &indicators.Cell{N: 1256.5}, Secret: true}
	d := dashTableOf(tb)
	if got := strings.Join(d.Columns, "|"); got != "jan|fév|Total" || !d.Hidden || d.Total == nil || len(d.Total.Cells) != 3 {
		t.Fatalf("columns %q hidden %v total %+v", got, d.Hidden, d.Total)
	}
	var printed []string
	for _, r := range append(d.Rows, *d.Total) {
		for _, c := range r.Cells {
			printed = append(printed, string(dashCell(c)))
		}
	}
	got := strings.Join(printed, "|")
	for _, want := range []string{"12|", `title="moins de 5 enfants">&lt; 5</abbr>`, "1\u202f234,5", `>s</abbr>`, "1\u202f256,5"} {
		if !strings.Contains(got, want) {
			t.Errorf("cells %q lack %q", got, want)
		}
	}
	for _, hidden := range []string{">3<", ">7<", ">15<", ">10<"} {
		if strings.Contains(got, hidden) {
			t.Errorf("a hidden value is printed: %q in %q", hidden, got)
		}
	}
	wide := indicators.Table{RowHeader: "Mois", Rows: []string{"Places"}}
	for i := range 12 {
		wide.Columns = append(wide.Columns, frMonths[i])
	}
	wide.Cells = [][]indicators.Cell{make([]indicators.Cell, 12)}
	parts := pdfTableParts(dashTableOf(wide))
	// "septembre" is the longest header: 9 characters a column.
	w := (pdfTextWidth - 24) / (9*pdfCharWidth + pdfCellPad)
	per := int(w)
	per = (12 + (12+per-1)/per - 1) / ((12 + per - 1) / per) // even parts
	if len(parts) != (12+per-1)/per || len(parts[0].header) != per+1 || parts[1].header[0] != "Mois" || parts[1].header[1] != frMonths[per] {
		t.Fatalf("%d a part: parts %+v", per, parts)
	}
	cells := 0
	for _, p := range parts {
		if len(p.widths) != len(p.header) || len(p.rows[0]) != len(p.header) {
			t.Fatalf("widths %v for %v", p.widths, p.header)
		}
		total := 0.0
		for _, w := range p.widths {
			total += w
		}
		if total > pdfTextWidth {
			t.Fatalf("part %v is %.0f mm wide", p.header, total)
		}
		cells += len(p.header) - 1
	}
	if cells != 12 {
		t.Fatalf("%d months printed", cells)
	}
}
