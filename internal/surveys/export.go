package surveys

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"passerelle/internal/access"
	"passerelle/internal/db"
	"passerelle/internal/export"
	"passerelle/internal/org"
)

// ExportTable returns a campaign's answers as a table, one row per target
// structure of the filter (name, type, département, status, when
// submitted, on time, then one column per question; a multiple choice is
// joined with " ; "), and audits the export. Only submitted answers are
// shown: a draft is not an answer yet.
func (s *Service) ExportTable(ctx context.Context, campaignID string, f ResultFilter, format string) (export.Table, error) {
	var t export.Table
	err := s.DB.Write(ctx, func(tx *db.Tx) error {
		d, err := readResults(ctx, tx, campaignID, f, access.ActionExport)
		if err != nil {
			return err
		}
		t = answersTable(d)
		return record(ctx, tx, "survey.export", access.ResSurveyCampaign, d.campaign.ID, d.campaign.OwnerOrgID,
			map[string]any{"format": format, "rows": len(t.Rows), "structure_type": f.StructureType, "departement": f.Departement})
	})
	return t, err
}

// answersTable lays the answers out, one row per target.
func answersTable(d *resultsData) export.Table {
	qs := d.survey.Questions()
	t := export.Table{Title: "Réponses", Columns: []string{"Structure", "Type", "Département", "Statut", "Envoyée le", "Dans les délais"}}
	for _, q := range qs {
		label := fmt.Sprintf("Q%d. %s", q.Number, q.Label)
		if q.Unit != "" {
			label += " (" + q.Unit + ")"
		}
		t.Columns = append(t.Columns, label)
	}
	for _, x := range d.targets {
		row := []any{x.Name, org.StructureTypeLabel(x.StructureType), x.Departement, AnswerStatusLabels[x.Status], nil, nil}
		v := d.values[x.ID]
		if x.Status == Submitted && x.SubmittedAt != nil {
			row[4], row[5] = *x.SubmittedAt, x.OnTime
		} else {
			v = nil
		}
		for _, q := range qs {
			row = append(row, cell(q, v[q.ID]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cell is one answer as a spreadsheet cell: numbers as numbers, dates as
// dates, the rest as text.
func cell(q Question, vals []string) any {
	if len(vals) == 0 {
		return nil
	}
	switch q.Kind {
	case Number, Scale:
		if f, ok := parseNumber(vals[0]); ok {
			return f
		}
	case Date:
		if d, err := time.Parse(time.DateOnly, vals[0]); err == nil {
			return d
		}
	case YesNo:
		return strings.ToLower(q.ValueLabel(vals[0]))
	}
	return strings.Join(vals, " ; ")
}

// WriteCSV writes the campaign's answers, one row per target structure,
// as CSV, and audits the export.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, campaignID string, f ResultFilter) error {
	t, err := s.ExportTable(ctx, campaignID, f, "csv")
	if err != nil {
		return err
	}
	return export.WriteCSV(w, t)
}

// WriteXLSX is WriteCSV as an XLSX workbook.
func (s *Service) WriteXLSX(ctx context.Context, w io.Writer, campaignID string, f ResultFilter) error {
	t, err := s.ExportTable(ctx, campaignID, f, "xlsx")
	if err != nil {
		return err
	}
	return export.WriteXLSX(w, t)
}
